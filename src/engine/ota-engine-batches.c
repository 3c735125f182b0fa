/* ota-engine-batches.c — reading and cancelling verifications and batch upgrades
 * (R-D1, R-B17); creating them is in ota-engine-batch-create.c
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-rollout-private.h"

#define BATCH_COLUMNS \
  "id, firmware_id, kind, strategy, scope, coalesce(gray_percent, 0), app_confirm, " \
  "coalesce(schedule_start, 0), coalesce(schedule_end, 0), coalesce(push_rate, 0), " \
  "retry_interval, retry_limit, timeout_minutes, overwrite, only_new_reports, " \
  "sources_named, state, created_at, coalesce(started_at, 0), coalesce(ended_at, 0), " \
  "n_pending_confirm, n_pending_push, n_pushed, n_upgrading, n_succeeded, n_failed, " \
  "n_cancelled, CASE WHEN enrol_after_device_id IS NULL THEN 0 ELSE max(enrol_pending, 0) END"

static int
column_enum (sqlite3_stmt *stmt,
             int           column,
             GType         type)
{
  int value = 0;

  if (!ota_enum_from_nick (type, (const char *) sqlite3_column_text (stmt, column), &value))
    g_warning ("Unknown %s “%s” in the database", g_type_name (type),
               (const char *) sqlite3_column_text (stmt, column));
  return value;
}

static GStrv
read_batch_sources (OtaStore  *store,
                    gint64     batch_id,
                    GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT version FROM batch_sources WHERE batch_id = ? ORDER BY version",
                       error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading source versions");
      return NULL;
    }

  return g_strv_builder_end (builder);
}

static OtaBatch *
batch_from_row (OtaStore      *store,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  g_auto(GStrv) sources = NULL;
  OtaBatchFields f = {
    .id = sqlite3_column_int64 (stmt, 0),
    .firmware_id = sqlite3_column_int64 (stmt, 1),
    .kind = column_enum (stmt, 2, OTA_TYPE_BATCH_KIND),
    .strategy = column_enum (stmt, 3, OTA_TYPE_BATCH_STRATEGY),
    .scope = column_enum (stmt, 4, OTA_TYPE_BATCH_SCOPE),
    .gray_percent = sqlite3_column_int (stmt, 5),
    .app_confirm = sqlite3_column_int (stmt, 6) != 0,
    .schedule_start = sqlite3_column_int64 (stmt, 7),
    .schedule_end = sqlite3_column_int64 (stmt, 8),
    .push_rate = sqlite3_column_int (stmt, 9),
    .retry_interval = column_enum (stmt, 10, OTA_TYPE_RETRY_INTERVAL),
    .retry_limit = sqlite3_column_int (stmt, 11),
    .timeout_minutes = sqlite3_column_int (stmt, 12),
    .overwrite = sqlite3_column_int (stmt, 13) != 0,
    .only_new_reports = sqlite3_column_int (stmt, 14) != 0,
    .sources_named = sqlite3_column_int (stmt, 15) != 0,
    .state = column_enum (stmt, 16, OTA_TYPE_BATCH_STATE),
    .created_at = sqlite3_column_int64 (stmt, 17),
    .started_at = sqlite3_column_int64 (stmt, 18),
    .ended_at = sqlite3_column_int64 (stmt, 19),
  };

  for (guint i = 0; i < OTA_N_TASK_STATUSES; i++)
    f.counts[i] = sqlite3_column_int64 (stmt, 20 + i);
  f.enrolling = sqlite3_column_int64 (stmt, 20 + OTA_N_TASK_STATUSES);

  sources = read_batch_sources (store, f.id, error);
  if (sources == NULL)
    return NULL;
  f.source_versions = (const char * const *) sources;

  return ota_batch_new (&f);
}

/* A batch read inside a held lock; NOT_FOUND naming "batch". */
static OtaBatch *
lookup_batch (OtaEngine  *self,
              gint64      batch_id,
              GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT " BATCH_COLUMNS " FROM batches WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return batch_from_row (store, stmt, error);
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading a batch");
      return NULL;
    }

  ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "batch",
                       _("Batch %" PRId64 " does not exist"), batch_id);
  return NULL;
}

OtaBatch *
ota_engine_get_batch (OtaEngine  *self,
                      gint64      batch_id,
                      GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  locker = g_rec_mutex_locker_new (ota_store_get_lock (ota_engine_get_store (self)));
  return lookup_batch (self, batch_id, error);
}

GPtrArray *
ota_engine_list_batches (OtaEngine  *self,
                         gint64      firmware_id,
                         GError    **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  firmware = ota_engine_lookup_firmware (self, firmware_id, error);
  if (firmware == NULL)
    return NULL;

  stmt = ota_store_prepare (store,
                            "SELECT " BATCH_COLUMNS " FROM batches WHERE firmware_id = ? "
                            "ORDER BY created_at DESC, id DESC",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, firmware_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OtaBatch *batch = batch_from_row (store, stmt, error);

      if (batch == NULL)
        return NULL;
      g_ptr_array_add (batches, batch);
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "listing batches");
      return NULL;
    }

  return g_steal_pointer (&batches);
}

/**
 * ota_engine_cancel_batch:
 *
 * R-B17: every task that has not ended becomes cancelled (reason cancelled), then the
 * batch is cancelled; a dynamic batch stops matching. A verification cancelled this way
 * ends verify-failed (R-V4). Refused for a batch that has ended.
 *
 * Returns: (transfer full): the cancelled batch
 */
OtaBatch *
ota_engine_cancel_batch (OtaEngine  *self,
                         gint64      batch_id,
                         GError    **error)
{
  OtaStore *store;
  gint64 now;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);
  now = ota_engine_now (self);

  /* What fell due before now (a timeout, a window end) happens first, so the cancellation meets
   * the state the timeline reached whether or not a due pass ran since the clock moved. */
  if (!ota_rollout_catch_up (self, error))
    return NULL;

  {
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (store, error);
    g_autoptr(OtaBatch) batch = NULL;
    g_autoptr(OtaCachedStmt) cancel = NULL;
    guint64 n_cancelled = 0;
    OtaBatchState state;

    if (tx == NULL)
      return NULL;

    batch = lookup_batch (self, batch_id, error);
    if (batch == NULL)
      return NULL;

    state = ota_batch_get_state (batch);
    if (state == OTA_BATCH_STATE_FINISHED || state == OTA_BATCH_STATE_CANCELLED)
      {
        ota_error_set_field (error, OTA_ERROR_CONFLICT, "batch",
                             _("Batch %" PRId64 " has already ended"), batch_id);
        return NULL;
      }

    /* Set-based: a million tasks end in one statement; counters and the end of a
     * verification (R-V4) as with the one transition function. */
    if (!ota_rollout_stop_enrolment (self, batch_id, error) ||
        !ota_rollout_end_unfinished_tasks (self, batch_id, OTA_TASK_STATUS_CANCELLED,
                                           OTA_TASK_REASON_CANCELLED, now, &n_cancelled, error))
      return NULL;

    cancel = ota_store_prepare (store,
                                "UPDATE batches SET state = 'cancelled', ended_at = ?2 WHERE id = ?1",
                                error);
    if (cancel == NULL)
      return NULL;
    sqlite3_bind_int64 (cancel, 1, batch_id);
    sqlite3_bind_int64 (cancel, 2, now);
    if (sqlite3_step (cancel) != SQLITE_DONE)
      {
        ota_store_set_error (store, error, "cancelling a batch");
        return NULL;
      }

    ota_engine_mark_batch_changed (self, batch_id);
    if (!ota_engine_audit (self, "batch.cancel",
                           g_variant_new_parsed ("{'batch': <%x>, 'firmware': <%x>, 'tasks': <%u>}",
                                                 batch_id, ota_batch_get_firmware_id (batch),
                                                 (guint32) MIN (n_cancelled, G_MAXUINT32)),
                           error))
      return NULL;

    /* Read before the commit: once it is committed, the caller must get it (an error
     * would make it cancel again). */
    g_clear_object (&batch);
    batch = lookup_batch (self, batch_id, error);
    if (batch == NULL || !ota_transaction_commit (tx, error))
      return NULL;

    return g_steal_pointer (&batch);
  }
}

/**
 * ota_engine_cancel_task:
 *
 * R-B17: one device's task becomes cancelled (reason cancelled). Refused (CONFLICT) when
 * the task has ended.
 *
 * Returns: (transfer full): the cancelled task
 */
OtaTask *
ota_engine_cancel_task (OtaEngine  *self,
                        gint64      task_id,
                        GError    **error)
{
  OtaStore *store;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);

  /* What fell due before now (a timeout, a window end) happens first, so the cancellation meets
   * the state the timeline reached whether or not a due pass ran since the clock moved. */
  if (!ota_rollout_catch_up (self, error))
    return NULL;

  {
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (store, error);
    g_autoptr(OtaCachedStmt) read = NULL;
    g_autoptr(OtaTask) task = NULL;
    gint64 batch_id, device_id;

    if (tx == NULL)
      return NULL;

    read = ota_store_prepare (store, "SELECT batch_id, device_id FROM tasks WHERE id = ?", error);
    if (read == NULL)
      return NULL;
    sqlite3_bind_int64 (read, 1, task_id);
    if (sqlite3_step (read) != SQLITE_ROW)
      {
        ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "task",
                             _("Task %" PRId64 " does not exist"), task_id);
        return NULL;
      }
    batch_id = sqlite3_column_int64 (read, 0);
    device_id = sqlite3_column_int64 (read, 1);
    sqlite3_reset (read);

    if (!ota_rollout_set_task_status (self, task_id, OTA_TASK_STATUS_CANCELLED,
                                      OTA_TASK_REASON_CANCELLED, ota_engine_now (self), error) ||
        !ota_engine_audit (self, "task.cancel",
                           g_variant_new_parsed ("{'task': <%x>, 'batch': <%x>, 'device': <%x>}",
                                                 task_id, batch_id, device_id),
                           error))
      return NULL;

    /* Read before the commit: once it is committed, the caller must get it. */
    task = ota_engine_get_task (self, task_id, error);
    if (task == NULL || !ota_transaction_commit (tx, error))
      return NULL;

    return g_steal_pointer (&task);
  }
}
