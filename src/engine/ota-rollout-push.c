/* ota-rollout-push.c — the time side of rollouts: scheduled starts and window ends
 * (R-B11), the push pass within each batch's rate (R-B12), retries falling due (R-R4)
 * and upgrade timeouts (R-B14, R-V3)
 *
 * Everything due up to the clock's now is handled in order of due time, each item with
 * its own due time as "now". So a clock that jumps two hours at once, or an engine that
 * was stopped for a while, ends in exactly the state that small steps would have made,
 * and the notices carry the times they would have had.
 *
 * A retry (R-R4) keeps its status, pushed or upgrading, and its notice starts the
 * timeout of the new try at once: sent time + the batch's timeout (R-B14 counts from
 * the first progress report, but a device that never reports again after a retry would
 * otherwise stay pushed or upgrading for ever, blocking overwrites and verifications).
 * The try's first progress report then sets it to report time + timeout, which is never
 * earlier. While the device is offline when a retry falls due, the retry waits for it
 * (parked, R-S2) and goes when the device is back, never before its interval.
 *
 * The push rate is a sliding window: in no 60 s may a batch send more than push_rate
 * notices. The window lives in push_log (pruned to the last 60 s) so that it survives a
 * restart. A batch's next push is due at the later of its first queued task and the
 * moment its window frees a place (its push_rate-th newest notice + 60 s).
 */
#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-rollout-private.h"

#define RATE_WINDOW G_TIME_SPAN_MINUTE
/* Tasks read per statement while pushing an unlimited batch. */
#define PUSH_CHUNK 1000

typedef struct {
  gint64 batch_id;
  int    push_rate;   /* 0: unlimited */
  gint64 due;
} PushDue;

static gboolean
read_min (OtaEngine   *self,
          const char  *sql,
          gint64      *due,
          GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading what falls due");
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *due = MIN (*due, sqlite3_column_int64 (stmt, 0));
  return TRUE;
}

/* When the rate window of @batch_id lets the next notice out (0: now). */
static gboolean
window_opens_at (OtaEngine  *self,
                 gint64      batch_id,
                 int         push_rate,
                 gint64     *opens_at,
                 GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT at FROM push_log WHERE batch_id = ? ORDER BY at DESC LIMIT 1 OFFSET ?",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int (stmt, 2, push_rate - 1);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading the push log");

  *opens_at = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) + RATE_WINDOW : 0;
  return TRUE;
}

/* Every running batch with queued notices, and when its next one may go. */
static gboolean
list_push_dues (OtaEngine  *self,
                GArray     *dues,
                GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT id, push_rate, (SELECT min(t.queue_at) FROM tasks t "
                       "  INDEXED BY tasks_queued_by_batch WHERE t.batch_id = batches.id "
                       "  AND t.needs_push = 1 AND t.queue_at IS NOT NULL) "
                       "FROM batches WHERE state = 'running' ORDER BY id",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  g_array_set_size (dues, 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PushDue due = {
        .batch_id = sqlite3_column_int64 (stmt, 0),
        .push_rate = sqlite3_column_int (stmt, 1),
        .due = sqlite3_column_int64 (stmt, 2),
      };

      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        g_array_append_val (dues, due);
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading the push queue");
  sqlite3_reset (stmt);

  for (guint i = 0; i < dues->len; i++)
    {
      PushDue *due = &g_array_index (dues, PushDue, i);
      gint64 opens_at = 0;

      if (due->push_rate <= 0)
        continue;
      if (!window_opens_at (self, due->batch_id, due->push_rate, &opens_at, error))
        return FALSE;
      due->due = MAX (due->due, opens_at);
    }

  return TRUE;
}

static gboolean
compute_next_due (OtaEngine  *self,
                  gint64     *next,
                  GError    **error)
{
  g_autoptr(GArray) dues = g_array_new (FALSE, FALSE, sizeof (PushDue));

  *next = G_MAXINT64;

  if (!read_min (self, "SELECT min(schedule_start) FROM batches WHERE state = 'scheduled'", next, error) ||
      !read_min (self,
                 "SELECT min(schedule_end) FROM batches "
                 "WHERE state IN ('scheduled', 'running') AND schedule_end IS NOT NULL",
                 next, error) ||
      !read_min (self,
                 "SELECT min(timeout_at) FROM tasks "
                 "WHERE timeout_at IS NOT NULL AND status IN ('pushed', 'upgrading')",
                 next, error) ||
      !list_push_dues (self, dues, error))
    return FALSE;

  for (guint i = 0; i < dues->len; i++)
    *next = MIN (*next, g_array_index (dues, PushDue, i).due);

  return TRUE;
}

/* Ids from a statement with the parameters ?1 (and ?2), collected before anything
 * changes: the changes may move rows within the index being read. */
static GArray *
collect_ids (OtaEngine   *self,
             const char  *sql,
             gint64       param1,
             gint64       param2,
             GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, param1);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, param2);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading what falls due");
      return NULL;
    }

  return g_steal_pointer (&ids);
}

static gboolean
run_batch_sql (OtaEngine   *self,
               const char  *sql,
               gint64       batch_id,
               gint64       at,
               GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int64 (stmt, 2, at);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "changing a batch");

  ota_engine_mark_batch_changed (self, batch_id);
  return TRUE;
}

/* R-B11 at a batch's start: its pending-push/scheduled tasks, all at once. With app
 * confirmation they go to the app (R-B3); otherwise each is queued as
 * ota_rollout_queue_push() queues one: an online device's notice waits for the push
 * pass (rate-limited until sent, R-B12), an offline device's waits for the device
 * without a queue time (R-S2). One statement each instead of a status change per task:
 * a million tasks start in seconds. The status is the same for every task, so the
 * counters move by the number of rows; the push pass of the same step then sends the
 * first window's worth, in queue order (start time, then id), as before. */
static gboolean
start_scheduled_tasks (OtaEngine  *self,
                       gint64      batch_id,
                       gboolean    app_confirm,
                       gint64      t,
                       GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) start = NULL;
  g_autoptr(OtaCachedStmt) count = NULL;
  gint64 n;

  start = ota_store_prepare (store,
                             app_confirm
                             ? "UPDATE tasks SET status = 'pending-confirm', reason = NULL, updated_at = ?2 "
                               "WHERE batch_id = ?1 AND status = 'pending-push' AND reason = 'scheduled'"
                             : "UPDATE tasks SET needs_push = 1, "
                               "queue_at = CASE WHEN d.online THEN ?2 END, "
                               "reason = CASE WHEN d.online THEN 'rate-limited' ELSE 'offline' END, "
                               "updated_at = ?2 "
                               "FROM devices d WHERE d.id = tasks.device_id AND tasks.batch_id = ?1 "
                               "AND tasks.status = 'pending-push' AND tasks.reason = 'scheduled'",
                             error);
  if (start == NULL)
    return FALSE;
  sqlite3_bind_int64 (start, 1, batch_id);
  sqlite3_bind_int64 (start, 2, t);
  if (sqlite3_step (start) != SQLITE_DONE)
    return ota_store_set_error (store, error, "starting a batch's tasks");
  n = sqlite3_changes64 (ota_store_get_db (store));

  g_debug ("Batch %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " scheduled tasks started at once",
           batch_id, n);
  ota_engine_mark_batch_changed (self, batch_id);
  if (n == 0 || !app_confirm)
    return TRUE;   /* pending-push stays pending-push: no counter moves */

  count = ota_store_prepare (store,
                             "UPDATE batches SET n_pending_push = n_pending_push - ?2, "
                             "n_pending_confirm = n_pending_confirm + ?2 WHERE id = ?1",
                             error);
  if (count == NULL)
    return FALSE;
  sqlite3_bind_int64 (count, 1, batch_id);
  sqlite3_bind_int64 (count, 2, n);
  if (sqlite3_step (count) != SQLITE_DONE)
    return ota_store_set_error (store, error, "counting tasks");

  return TRUE;
}

/* R-B11: a scheduled batch starts; its tasks go to the app (R-B3) or into the push flow. */
static gboolean
start_batches (OtaEngine  *self,
               gint64      t,
               GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) batches = NULL;

  batches = collect_ids (self,
                         "SELECT id FROM batches WHERE state = 'scheduled' AND schedule_start <= ?1 "
                         "ORDER BY schedule_start, id",
                         t, 0, error);
  if (batches == NULL)
    return FALSE;

  for (guint i = 0; i < batches->len; i++)
    {
      gint64 batch_id = g_array_index (batches, gint64, i);
      gboolean app_confirm;

      {
        g_autoptr(OtaCachedStmt) stmt =
          ota_store_prepare (store, "SELECT app_confirm FROM batches WHERE id = ?", error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_int64 (stmt, 1, batch_id);
        if (sqlite3_step (stmt) != SQLITE_ROW)
          return ota_store_set_error (store, error, "reading a batch");
        app_confirm = sqlite3_column_int (stmt, 0) != 0;
      }

      g_debug ("Batch %" G_GINT64_FORMAT " starts", batch_id);
      if (!run_batch_sql (self, "UPDATE batches SET state = 'running', started_at = ?2 WHERE id = ?1",
                          batch_id, t, error) ||
          !start_scheduled_tasks (self, batch_id, app_confirm, t, error))
        return FALSE;

      /* Every task may have ended before the start (overwritten, cancelled). */
      if (!ota_rollout_maybe_finish_batch (self, batch_id, t, error))
        return FALSE;
    }

  return TRUE;
}

/* R-B11: the window ends; what has not ended is cancelled, nothing more is enrolled. */
static gboolean
end_batches (OtaEngine  *self,
             gint64      t,
             GError    **error)
{
  g_autoptr(GArray) batches = NULL;

  batches = collect_ids (self,
                         "SELECT id FROM batches WHERE state IN ('scheduled', 'running') "
                         "AND schedule_end IS NOT NULL AND schedule_end <= ?1 ORDER BY schedule_end, id",
                         t, 0, error);
  if (batches == NULL)
    return FALSE;

  for (guint i = 0; i < batches->len; i++)
    {
      gint64 batch_id = g_array_index (batches, gint64, i);

      g_debug ("Batch %" G_GINT64_FORMAT " reaches the end of its window", batch_id);
      if (!ota_rollout_stop_enrolment (self, batch_id, error) ||
          !ota_rollout_end_unfinished_tasks (self, batch_id, OTA_TASK_STATUS_CANCELLED,
                                             OTA_TASK_REASON_WINDOW_ENDED, t, NULL, error))
        return FALSE;

      /* A static one is finished already; a dynamic one stops here. */
      if (!run_batch_sql (self,
                          "UPDATE batches SET state = 'finished', ended_at = ?2, "
                          "started_at = coalesce(started_at, ?2) "
                          "WHERE id = ?1 AND state IN ('scheduled', 'running')",
                          batch_id, t, error))
        return FALSE;
    }

  return TRUE;
}

/* R-B14, R-V3: no new version in time after the first progress report. Never retried. */
static gboolean
fail_timeouts (OtaEngine  *self,
               gint64      t,
               GError    **error)
{
  g_autoptr(GArray) tasks = NULL;

  tasks = collect_ids (self,
                       "SELECT id FROM tasks WHERE timeout_at IS NOT NULL "
                       "AND status IN ('pushed', 'upgrading') AND timeout_at <= ?1 "
                       "ORDER BY timeout_at, id",
                       t, 0, error);
  if (tasks == NULL)
    return FALSE;

  for (guint i = 0; i < tasks->len; i++)
    if (!ota_rollout_set_task_status (self, g_array_index (tasks, gint64, i),
                                      OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT, t, error))
      return FALSE;

  return TRUE;
}

/* The part of a notice that is the same for every device of a batch (R-E4). */
static gboolean
read_notice_template (OtaEngine         *self,
                      gint64             batch_id,
                      OtaUpgradeNotice  *notice,
                      GError           **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT f.id, f.product_key, f.module, f.version, f.size, f.digest, "
                       "f.sign_algorithm, f.type, f.signature "
                       "FROM batches b JOIN firmwares f ON f.id = b.firmware_id WHERE b.id = ?",
                       error);
  int algorithm = OTA_SIGN_ALGORITHM_MD5;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading a batch's firmware");

  ota_enum_from_nick (OTA_TYPE_SIGN_ALGORITHM, (const char *) sqlite3_column_text (stmt, 6), &algorithm);
  *notice = (OtaUpgradeNotice) {
    .batch_id = batch_id,
    .firmware_id = sqlite3_column_int64 (stmt, 0),
    .product_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
    .module = g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
    .version = g_strdup ((const char *) sqlite3_column_text (stmt, 3)),
    .size = sqlite3_column_int64 (stmt, 4),
    .digest = g_strdup ((const char *) sqlite3_column_text (stmt, 5)),
    .sign_algorithm = algorithm,
    .is_diff = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 7), "diff") == 0,
    .signature = g_strdup ((const char *) sqlite3_column_text (stmt, 8)),
  };
  return TRUE;
}

static void
clear_notice (OtaUpgradeNotice *notice)
{
  g_free (notice->product_key);
  g_free (notice->device_name);
  g_free (notice->module);
  g_free (notice->version);
  g_free (notice->digest);
  g_free (notice->signature);
}

typedef struct {
  gint64         id;
  OtaTaskStatus  status;
  guint          tries;
  gboolean       online;
  char          *device_name;
} QueuedTask;

static void
clear_queued_task (gpointer data)
{
  g_free (((QueuedTask *) data)->device_name);
}

/* The next @limit queued tasks of a batch that may go at @t, in queue order. */
static gboolean
read_queue (OtaEngine  *self,
            gint64      batch_id,
            gint64      t,
            guint       limit,
            GArray     *out,
            GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT t.id, t.status, t.tries, d.online, d.name "
                       "FROM tasks t INDEXED BY tasks_queued_by_batch JOIN devices d ON d.id = t.device_id "
                       "WHERE t.batch_id = ?1 AND t.needs_push = 1 AND t.queue_at IS NOT NULL "
                       "AND t.queue_at <= ?2 ORDER BY t.queue_at, t.id LIMIT ?3",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  g_array_set_size (out, 0);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int64 (stmt, 2, t);
  sqlite3_bind_int (stmt, 3, (int) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QueuedTask task = {
        .id = sqlite3_column_int64 (stmt, 0),
        .status = ota_task_status_from_nick ((const char *) sqlite3_column_text (stmt, 1)),
        .tries = sqlite3_column_int (stmt, 2),
        .online = sqlite3_column_int (stmt, 3) != 0,
        .device_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4)),
      };
      g_array_append_val (out, task);
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading the push queue");

  return TRUE;
}

/* A queued task whose device has gone away waits for it without a queue time; coming
 * online queues it again (R-S2). */
static gboolean
park_task (OtaEngine         *self,
           const QueuedTask  *task,
           gint64             t,
           GError           **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "UPDATE tasks SET queue_at = NULL WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, task->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "parking a notice");

  if (task->status != OTA_TASK_STATUS_PENDING_PUSH)
    return TRUE;
  return ota_rollout_set_task_status (self, task->id, OTA_TASK_STATUS_PENDING_PUSH,
                                      OTA_TASK_REASON_OFFLINE, t, error);
}

static gboolean
send_task (OtaEngine               *self,
           const QueuedTask        *task,
           const OtaUpgradeNotice  *template,
           gint64                   t,
           GPtrArray               *notices,
           GError                 **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) update = NULL;
  g_autoptr(OtaCachedStmt) log = NULL;

  /* A retry's notice starts its timeout now (see the top of this file); a first
   * notice's starts with the first progress report. Two statements, so a first notice
   * names no timeout column (no index to update for a million first notices). */
  update = ota_store_prepare (store,
                              task->status == OTA_TASK_STATUS_PENDING_PUSH
                              ? "UPDATE tasks SET tries = tries + 1, needs_push = 0, queue_at = NULL, "
                                "updated_at = ?2 WHERE id = ?1"
                              : "UPDATE tasks SET tries = tries + 1, needs_push = 0, queue_at = NULL, "
                                "updated_at = ?2, timeout_at = ?2 + (SELECT b.timeout_minutes FROM batches b "
                                "WHERE b.id = tasks.batch_id) * 60000000 WHERE id = ?1",
                              error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_int64 (update, 1, task->id);
  sqlite3_bind_int64 (update, 2, t);
  if (sqlite3_step (update) != SQLITE_DONE)
    return ota_store_set_error (store, error, "sending a notice");

  log = ota_store_prepare (store, "INSERT INTO push_log (batch_id, at) VALUES (?, ?)", error);
  if (log == NULL)
    return FALSE;
  sqlite3_bind_int64 (log, 1, template->batch_id);
  sqlite3_bind_int64 (log, 2, t);
  if (sqlite3_step (log) != SQLITE_DONE)
    return ota_store_set_error (store, error, "logging a notice");

  /* R-S3; a retry keeps the status it had (R-R4). */
  if (task->status == OTA_TASK_STATUS_PENDING_PUSH)
    {
      if (!ota_rollout_set_task_status (self, task->id, OTA_TASK_STATUS_PUSHED,
                                        OTA_TASK_REASON_NONE, t, error))
        return FALSE;
    }
  else
    {
      ota_engine_mark_batch_changed (self, template->batch_id);
    }

  if (notices != NULL)
    {
      OtaUpgradeNotice *notice = ota_upgrade_notice_copy (template);

      notice->task_id = task->id;
      notice->device_name = g_strdup (task->device_name);
      notice->try_number = task->tries + 1;
      notice->sent_at = t;
      g_ptr_array_add (notices, notice);
    }

  return TRUE;
}

/* R-B12: sends what the batch's window allows at @t, oldest queued first. */
static gboolean
push_batch (OtaEngine      *self,
            const PushDue  *due,
            gint64          t,
            GPtrArray      *notices,
            GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  OtaUpgradeNotice template = { 0 };
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (QueuedTask));
  guint capacity = G_MAXUINT;
  gboolean ok = TRUE;

  g_array_set_clear_func (queue, clear_queued_task);

  if (due->push_rate > 0)
    {
      g_autoptr(OtaCachedStmt) stmt =
        ota_store_prepare (store, "SELECT count(*) FROM push_log WHERE batch_id = ? AND at > ?", error);
      int sent;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, due->batch_id);
      sqlite3_bind_int64 (stmt, 2, t - RATE_WINDOW);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        return ota_store_set_error (store, error, "reading the push log");
      sent = sqlite3_column_int (stmt, 0);
      capacity = sent < due->push_rate ? (guint) (due->push_rate - sent) : 0;
    }

  if (capacity == 0)
    return TRUE;
  if (!read_notice_template (self, due->batch_id, &template, error))
    return FALSE;

  while (ok && capacity > 0)
    {
      ok = read_queue (self, due->batch_id, t, MIN (capacity, PUSH_CHUNK), queue, error);
      if (!ok || queue->len == 0)
        break;

      for (guint i = 0; ok && i < queue->len; i++)
        {
          QueuedTask *task = &g_array_index (queue, QueuedTask, i);

          if (!task->online)
            {
              ok = park_task (self, task, t, error);
              continue;
            }

          ok = send_task (self, task, &template, t, notices, error);
          capacity--;
        }
    }

  clear_notice (&template);
  return ok;
}

static gboolean
push_due_batches (OtaEngine   *self,
                  gint64       t,
                  GPtrArray   *notices,
                  GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) dues = g_array_new (FALSE, FALSE, sizeof (PushDue));
  g_autoptr(OtaCachedStmt) prune = NULL;

  if (!list_push_dues (self, dues, error))
    return FALSE;

  for (guint i = 0; i < dues->len; i++)
    {
      const PushDue *due = &g_array_index (dues, PushDue, i);

      if (due->due <= t && !push_batch (self, due, t, notices, error))
        return FALSE;
    }

  /* What left the window can never matter again: time only moves forward here. */
  prune = ota_store_prepare (store, "DELETE FROM push_log WHERE at <= ?", error);
  if (prune == NULL)
    return FALSE;
  sqlite3_bind_int64 (prune, 1, t - RATE_WINDOW);
  if (sqlite3_step (prune) != SQLITE_DONE)
    return ota_store_set_error (store, error, "pruning the push log");

  return TRUE;
}

/* When the oldest batch still enrolling its devices was created (G_MAXINT64: none). */
static gboolean
read_enrolment_due (OtaEngine  *self,
                    gint64     *due,
                    GError    **error)
{
  *due = G_MAXINT64;
  return read_min (self,
                   "SELECT min(created_at) FROM batches WHERE enrol_after_device_id IS NOT NULL "
                   "AND state IN ('scheduled', 'running')",
                   due, error);
}

/* One step of the timeline, in one transaction: everything due at the earliest due time
 * if that is not after @now (*stepped), or, with @enrol, the next enrolment chunk of a
 * large batch when that is due first (*enrolled). A chunk is due at its batch's creation
 * and enrolled as of that time, so that a late pass (a restart, a clock that jumped)
 * gives the outcome that enrolling everything at creation would have given; the push
 * pass for it follows at once. */
static gboolean
run_step (OtaEngine  *self,
          gint64      now,
          gboolean    enrol,
          gint64     *t,
          GPtrArray  *notices,
          gboolean   *stepped,
          gboolean   *enrolled,
          GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (ota_store_get_lock (store));
  g_autoptr(OtaTransaction) tx = NULL;
  gint64 enrol_due = G_MAXINT64;

  /* Mostly nothing is due: find that out without opening a write transaction. */
  *stepped = *enrolled = FALSE;
  if (!compute_next_due (self, t, error) ||
      (enrol && !read_enrolment_due (self, &enrol_due, error)))
    return FALSE;

  if (enrol_due <= now && enrol_due <= *t)
    {
      *t = enrol_due;
      tx = ota_transaction_begin (store, error);
      return tx != NULL &&
             ota_rollout_enrol_next_chunk (self, enrol_due, enrolled, error) &&
             push_due_batches (self, enrol_due, notices, error) &&
             ota_transaction_commit (tx, error);
    }

  if (*t > now)
    return TRUE;

  tx = ota_transaction_begin (store, error);
  if (tx == NULL)
    return FALSE;

  /* Starts first (their tasks may be pushed at once), pushes last (after timeouts and
   * window ends removed what no longer needs a notice). */
  if (!start_batches (self, *t, error) ||
      !fail_timeouts (self, *t, error) ||
      !end_batches (self, *t, error) ||
      !push_due_batches (self, *t, notices, error) ||
      !ota_transaction_commit (tx, error))
    return FALSE;

  *stepped = TRUE;
  return TRUE;
}

/* The timeline up to the clock's now; with @enrol, the enrolment chunks of large
 * batches in it. */
static gboolean
run_due (OtaEngine  *self,
         gboolean    enrol,
         GError    **error)
{
  gint64 now, last = G_MININT64;

  now = ota_engine_now (self);

  for (;;)
    {
      g_autoptr(GPtrArray) notices = NULL;
      g_autoptr(OtaDeviceLink) link = NULL;
      gboolean stepped, enrolled;
      gint64 t;

      link = ota_engine_dup_device_link (self);
      if (link != NULL)
        notices = g_ptr_array_new_with_free_func ((GDestroyNotify) ota_upgrade_notice_free);

      if (!run_step (self, now, enrol, &t, notices, &stepped, &enrolled, error))
        return FALSE;
      if (!stepped && !enrolled)
        return TRUE;

      for (guint i = 0; notices != NULL && i < notices->len; i++)
        ota_device_link_send_notice (link, g_ptr_array_index (notices, i));

      /* Each step removes what was due at its time, so time moves on (a chunk moves its
       * batch's cursor on instead); guard anyway. */
      if (stepped)
        {
          if (t <= last)
            {
              g_critical ("The due time %" G_GINT64_FORMAT " came back; stopping the pass", t);
              return TRUE;
            }
          last = t;
        }
    }
}

gboolean
ota_rollout_catch_up (OtaEngine  *self,
                      GError    **error)
{
  return run_due (self, FALSE, error);
}

/**
 * ota_engine_run_due:
 *
 * Handles everything that fell due up to the clock's now, step by step in order of due
 * time, the enrolment of batches created over very many devices included: a chunk of
 * them per step, as of the batch's creation (see ota_engine_create_batch()). Each step
 * is one transaction; its notices are handed to the device link only after it was
 * committed.
 */
gboolean
ota_engine_run_due (OtaEngine  *self,
                    GError    **error)
{
  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);

  return run_due (self, TRUE, error);
}

/**
 * ota_engine_get_next_due:
 *
 * Returns: when the next thing falls due (µs since the epoch; it may have passed when
 *   ota_engine_run_due() was not called since, and a batch that still has devices to
 *   enrol is due since its creation), or %G_MAXINT64 when nothing is pending
 */
gint64
ota_engine_get_next_due (OtaEngine *self)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next, enrolling = G_MAXINT64;

  g_return_val_if_fail (OTA_IS_ENGINE (self), G_MAXINT64);

  locker = g_rec_mutex_locker_new (ota_store_get_lock (ota_engine_get_store (self)));
  if (!compute_next_due (self, &next, &error) ||
      !read_enrolment_due (self, &enrolling, &error))
    {
      g_warning ("Cannot tell what falls due next: %s", error->message);
      return G_MAXINT64;
    }

  /* A batch still enrolling is due since its creation: at once. */
  return MIN (next, enrolling);
}
