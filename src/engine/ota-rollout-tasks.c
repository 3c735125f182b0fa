/* ota-rollout-tasks.c — task creation and the one status transition function */
#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-rollout-private.h"

/* Batch counter column per status, in OtaTaskStatus order. */
static const char * const count_columns[] = {
  "n_pending_confirm", "n_pending_push", "n_pushed", "n_upgrading",
  "n_succeeded", "n_failed", "n_cancelled",
};

G_STATIC_ASSERT (G_N_ELEMENTS (count_columns) == OTA_N_TASK_STATUSES);

/* What a status change writes, ?2 status, ?3 reason, ?4 time; a terminal task also
 * leaves every queue: no push, no timeout, no retry. */
#define STATUS_SET "status = ?2, reason = ?3, updated_at = ?4"
#define TERMINAL_SET STATUS_SET ", needs_push = 0, queue_at = NULL, timeout_at = NULL"

/* Binds ?1 @id (a task or a batch) and the STATUS_SET parameters. */
static void
bind_status_change (OtaCachedStmt *stmt,
                    gint64         id,
                    OtaTaskStatus  status,
                    OtaTaskReason  reason,
                    gint64         now)
{
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, ota_task_status_to_nick (status), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ota_task_reason_to_nick (reason), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
}

const char *
ota_task_status_to_nick (OtaTaskStatus status)
{
  return ota_enum_to_nick (OTA_TYPE_TASK_STATUS, status);
}

const char *
ota_task_reason_to_nick (OtaTaskReason reason)
{
  return reason == OTA_TASK_REASON_NONE ? NULL : ota_enum_to_nick (OTA_TYPE_TASK_REASON, reason);
}

OtaTaskStatus
ota_task_status_from_nick (const char *nick)
{
  int value = OTA_TASK_STATUS_PENDING_PUSH;

  if (!ota_enum_from_nick (OTA_TYPE_TASK_STATUS, nick, &value))
    g_warning ("Unknown task status “%s” in the database", nick);
  return value;
}

OtaTaskReason
ota_task_reason_from_nick (const char *nick)
{
  int value = OTA_TASK_REASON_NONE;

  if (nick != NULL && !ota_enum_from_nick (OTA_TYPE_TASK_REASON, nick, &value))
    g_warning ("Unknown task reason “%s” in the database", nick);
  return value;
}

static gboolean
bump_count (OtaEngine      *self,
            gint64          batch_id,
            OtaTaskStatus   status,
            int             delta,
            GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  /* One cached statement per column: the column name cannot be a bound parameter. */
  g_autofree char *sql = g_strdup_printf ("UPDATE batches SET %s = %s + ? WHERE id = ?",
                                          count_columns[status], count_columns[status]);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, delta);
  sqlite3_bind_int64 (stmt, 2, batch_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "counting tasks");

  ota_engine_mark_batch_changed (self, batch_id);
  return TRUE;
}

gboolean
ota_rollout_insert_task (OtaEngine      *self,
                         gint64          batch_id,
                         gint64          device_id,
                         OtaTaskStatus   status,
                         OtaTaskReason   reason,
                         const char     *source_version,
                         gboolean        needs_push,
                         gint64          queue_at,
                         gint64         *task_id,
                         GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  gint64 now = ota_engine_now (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       /* With the device name, so the trigger that copies it does nothing. */
                       "INSERT INTO tasks (batch_id, device_id, status, reason, source_version, "
                       "current_version, needs_push, queue_at, created_at, updated_at, device_name) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?8, "
                       "(SELECT name FROM devices WHERE id = ?2))",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int64 (stmt, 2, device_id);
  sqlite3_bind_text (stmt, 3, ota_task_status_to_nick (status), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ota_task_reason_to_nick (reason), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, source_version, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, needs_push ? 1 : 0);
  if (queue_at > 0)
    sqlite3_bind_int64 (stmt, 7, queue_at);
  sqlite3_bind_int64 (stmt, 8, now);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "creating a device task");

  if (task_id != NULL)
    *task_id = sqlite3_last_insert_rowid (ota_store_get_db (store));

  return bump_count (self, batch_id, status, +1, error);
}

gboolean
ota_rollout_set_task_status (OtaEngine      *self,
                             gint64          task_id,
                             OtaTaskStatus   status,
                             OtaTaskReason   reason,
                             gint64          now,
                             GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) read = NULL;
  g_autoptr(OtaCachedStmt) write = NULL;
  OtaTaskStatus old_status;
  gint64 batch_id;
  gboolean terminal = OTA_TASK_STATUS_IS_TERMINAL (status);

  read = ota_store_prepare (store, "SELECT batch_id, status FROM tasks WHERE id = ?", error);
  if (read == NULL)
    return FALSE;

  sqlite3_bind_int64 (read, 1, task_id);
  if (sqlite3_step (read) != SQLITE_ROW)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "task", _("Task %" PRId64 " does not exist"), task_id);
      return FALSE;
    }
  batch_id = sqlite3_column_int64 (read, 0);
  old_status = ota_task_status_from_nick ((const char *) sqlite3_column_text (read, 1));
  sqlite3_reset (read);

  if (OTA_TASK_STATUS_IS_TERMINAL (old_status))
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "task",
                           _("Task %" PRId64 " has already ended (%s)"),
                           task_id, ota_task_status_to_nick (old_status));
      return FALSE;
    }

  write = ota_store_prepare (store,
                             terminal
                             ? "UPDATE tasks SET " TERMINAL_SET " WHERE id = ?1"
                             : "UPDATE tasks SET " STATUS_SET " WHERE id = ?1",
                             error);
  if (write == NULL)
    return FALSE;

  bind_status_change (write, task_id, status, reason, now);
  if (sqlite3_step (write) != SQLITE_DONE)
    return ota_store_set_error (store, error, "changing a task");

  if (old_status != status &&
      (!bump_count (self, batch_id, old_status, -1, error) ||
       !bump_count (self, batch_id, status, +1, error)))
    return FALSE;

  ota_engine_mark_batch_changed (self, batch_id);

  return !terminal || ota_rollout_maybe_finish_batch (self, batch_id, now, error);
}

gboolean
ota_rollout_maybe_finish_batch (OtaEngine  *self,
                                gint64      batch_id,
                                gint64      now,
                                GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) read = NULL;
  g_autoptr(OtaCachedStmt) finish = NULL;
  g_autoptr(OtaCachedStmt) firmware = NULL;
  gboolean verification;
  gint64 firmware_id, unfinished, succeeded, total;

  read = ota_store_prepare (store,
                            "SELECT kind, firmware_id, "
                            "n_pending_confirm + n_pending_push + n_pushed + n_upgrading, "
                            "n_succeeded, "
                            "n_pending_confirm + n_pending_push + n_pushed + n_upgrading "
                            "+ n_succeeded + n_failed + n_cancelled "
                            "FROM batches WHERE id = ? AND state IN ('scheduled', 'running') "
                            "AND strategy = 'static' AND enrol_after_device_id IS NULL",
                            error);
  if (read == NULL)
    return FALSE;

  sqlite3_bind_int64 (read, 1, batch_id);
  if (sqlite3_step (read) != SQLITE_ROW)
    return TRUE;   /* dynamic, already ended, or devices still to enrol */

  verification = g_strcmp0 ((const char *) sqlite3_column_text (read, 0), "verification") == 0;
  firmware_id = sqlite3_column_int64 (read, 1);
  unfinished = sqlite3_column_int64 (read, 2);
  succeeded = sqlite3_column_int64 (read, 3);
  total = sqlite3_column_int64 (read, 4);
  sqlite3_reset (read);

  if (unfinished > 0)
    return TRUE;

  finish = ota_store_prepare (store,
                              "UPDATE batches SET state = 'finished', ended_at = ?2, "
                              "started_at = coalesce(started_at, ?2) WHERE id = ?1",
                              error);
  if (finish == NULL)
    return FALSE;
  sqlite3_bind_int64 (finish, 1, batch_id);
  sqlite3_bind_int64 (finish, 2, now);
  if (sqlite3_step (finish) != SQLITE_DONE)
    return ota_store_set_error (store, error, "ending a batch");

  ota_engine_mark_batch_changed (self, batch_id);

  if (!verification)
    return TRUE;

  /* R-V4: every verification task succeeded → verified; any other end → verify-failed. */
  firmware = ota_store_prepare (store, "UPDATE firmwares SET status = ? WHERE id = ?", error);
  if (firmware == NULL)
    return FALSE;
  sqlite3_bind_text (firmware, 1, succeeded == total && total > 0 ? "verified" : "verify-failed", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (firmware, 2, firmware_id);
  if (sqlite3_step (firmware) != SQLITE_DONE)
    return ota_store_set_error (store, error, "ending a verification");

  return TRUE;
}

/* The batch's counters from its tasks: one index-only count per status range. */
static gboolean
recount_batch (OtaEngine  *self,
               gint64      batch_id,
               GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) count = NULL;
  g_autoptr(OtaCachedStmt) write = NULL;
  gint64 counts[OTA_N_TASK_STATUSES] = { 0 };
  int rc;

  count = ota_store_prepare (store,
                             "SELECT status, count(*) FROM tasks INDEXED BY tasks_by_batch_status_name "
                             "WHERE batch_id = ? GROUP BY status",
                             error);
  if (count == NULL)
    return FALSE;
  sqlite3_bind_int64 (count, 1, batch_id);
  while ((rc = sqlite3_step (count)) == SQLITE_ROW)
    counts[ota_task_status_from_nick ((const char *) sqlite3_column_text (count, 0))] =
      sqlite3_column_int64 (count, 1);
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "counting tasks");

  write = ota_store_prepare (store,
                            "UPDATE batches SET n_pending_confirm = ?2, n_pending_push = ?3, "
                            "n_pushed = ?4, n_upgrading = ?5, n_succeeded = ?6, n_failed = ?7, "
                            "n_cancelled = ?8 WHERE id = ?1",
                            error);
  if (write == NULL)
    return FALSE;
  sqlite3_bind_int64 (write, 1, batch_id);
  for (guint i = 0; i < OTA_N_TASK_STATUSES; i++)
    sqlite3_bind_int64 (write, 2 + i, counts[i]);
  if (sqlite3_step (write) != SQLITE_DONE)
    return ota_store_set_error (store, error, "counting tasks");

  return TRUE;
}

gboolean
ota_rollout_end_unfinished_tasks (OtaEngine      *self,
                                  gint64          batch_id,
                                  OtaTaskStatus   status,
                                  OtaTaskReason   reason,
                                  gint64          now,
                                  guint64        *n_ended,
                                  GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) end = NULL;
  gint64 n;

  g_return_val_if_fail (OTA_TASK_STATUS_IS_TERMINAL (status), FALSE);

  /* The same row changes as ota_rollout_set_task_status() entering a terminal status. */
  end = ota_store_prepare (store,
                           "UPDATE tasks SET " TERMINAL_SET " "
                           "WHERE batch_id = ?1 AND status IN " OTA_TASK_UNFINISHED_SQL,
                           error);
  if (end == NULL)
    return FALSE;
  bind_status_change (end, batch_id, status, reason, now);
  if (sqlite3_step (end) != SQLITE_DONE)
    return ota_store_set_error (store, error, "ending tasks");
  n = sqlite3_changes64 (ota_store_get_db (store));

  g_debug ("Batch %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " unfinished tasks ended at once",
           batch_id, n);
  if (n_ended != NULL)
    *n_ended = (guint64) n;

  if (n > 0 && !recount_batch (self, batch_id, error))
    return FALSE;

  ota_engine_mark_batch_changed (self, batch_id);
  return ota_rollout_maybe_finish_batch (self, batch_id, now, error);
}

gboolean
ota_rollout_queue_push (OtaEngine  *self,
                        gint64      task_id,
                        gint64      at,
                        GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) read = NULL;
  g_autoptr(OtaCachedStmt) write = NULL;
  OtaTaskStatus status;
  gboolean online, retry;

  read = ota_store_prepare (store,
                            "SELECT t.status, d.online FROM tasks t JOIN devices d ON d.id = t.device_id "
                            "WHERE t.id = ?",
                            error);
  if (read == NULL)
    return FALSE;

  sqlite3_bind_int64 (read, 1, task_id);
  if (sqlite3_step (read) != SQLITE_ROW)
    return ota_store_set_error (store, error, "queueing a notice");
  status = ota_task_status_from_nick ((const char *) sqlite3_column_text (read, 0));
  online = sqlite3_column_int (read, 1) != 0;
  sqlite3_reset (read);

  /* Callers rely on the error: a task that ended never gets a notice again (R-S). */
  if (OTA_TASK_STATUS_IS_TERMINAL (status))
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "task",
                           _("Task %" PRId64 " has already ended (%s)"),
                           task_id, ota_task_status_to_nick (status));
      return FALSE;
    }

  /* A first notice for an offline device waits without a queue time: coming online
   * queues it (R-S2). A retry keeps its time whatever the device does (R-R4: never
   * before the interval); the push pass holds it while its device is away when it falls
   * due, and coming online then queues it. */
  retry = status == OTA_TASK_STATUS_PUSHED || status == OTA_TASK_STATUS_UPGRADING;
  write = ota_store_prepare (store, "UPDATE tasks SET needs_push = 1, queue_at = ? WHERE id = ?", error);
  if (write == NULL)
    return FALSE;
  if (online || retry)
    sqlite3_bind_int64 (write, 1, at);
  sqlite3_bind_int64 (write, 2, task_id);
  if (sqlite3_step (write) != SQLITE_DONE)
    return ota_store_set_error (store, error, "queueing a notice");

  /* R-R4: a retry keeps the status it had. */
  if (retry)
    return TRUE;

  return ota_rollout_set_task_status (self, task_id, OTA_TASK_STATUS_PENDING_PUSH,
                                      online ? OTA_TASK_REASON_RATE_LIMITED : OTA_TASK_REASON_OFFLINE,
                                      at, error);
}
