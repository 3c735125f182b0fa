/* ota-engine-events.c — what devices tell the engine (R-E1..R-E5) and what it does to
 * their tasks (R-S3..R-S7), with the failure → retry decision (R-R1..R-R5)
 *
 * Events arrive in groups (the server and the simulator hand over what came in within a
 * few milliseconds) and a group is applied in one transaction: one disk flush for a
 * thousand events. Each event runs in its own savepoint, so one that cannot be applied
 * is undone alone and the others stand. Per event only cached statements run and nothing
 * is allocated on the common path (progress, version report), so a fleet's reports keep
 * up with the network.
 *
 * Success (R-S5) follows the original document (升级成功: 设备上报升级进度100%，并上报了
 * 升级后的正确版本号): the device must report progress 100 AND the firmware's version,
 * in either order, within the current try. Each is noted on the task (reported_100,
 * reported_target) until the other arrives; a retry starts both afresh.
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-rollout-private.h"
#include "ota-validate.h"

#define EVENT_DESCRIPTION_MAX_CHARS 200
#define DEFAULT_MODULE "default"

/* What an event needs to know of its device's unfinished task for the event's module. */
typedef struct {
  gint64            id;
  gint64            batch_id;
  OtaTaskStatus     status;
  OtaTaskReason     reason;
  guint             progress;
  gboolean          needs_push;    /* a notice (first or retry) waits to go out */
  gboolean          queued;        /* queue_at is set */
  guint             tries;
  gboolean          timing;        /* the timeout runs: this try reported progress */
  guint             timeout_minutes;
  gboolean          sources_named;
  OtaRetryInterval  retry_interval;
  guint             retry_limit;
  gboolean          reported_100;  /* this try reported progress 100 (R-S5) */
  gboolean          reported_target; /* … and the firmware's version */
  gboolean          is_target;     /* the reported version is the firmware's version */
  gboolean          is_source;     /* the reported version is one of the batch's sources */
} TaskRow;

static gboolean
check_event (const OtaDeviceEvent  *event,
             GError               **error)
{
  if ((int) event->kind < OTA_DEVICE_EVENT_ONLINE || event->kind > OTA_DEVICE_EVENT_DECLINE)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "kind",
                           _("Event kind must be online, offline, version, progress, confirm or decline"));
      return FALSE;
    }

  if (event->product_key == NULL || event->device_name == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "device",
                           _("An event must name its product and device"));
      return FALSE;
    }

  if (event->module != NULL && !ota_validate_module (event->module, error))
    return FALSE;

  if (event->kind == OTA_DEVICE_EVENT_VERSION &&
      !ota_validate_version (event->version, "version", error))
    return FALSE;

  /* The description is never a reason to refuse: a -1..-4 failure must not be lost
   * over its text, which clip_description() makes fit. */
  if (event->kind == OTA_DEVICE_EVENT_PROGRESS && (event->step < -4 || event->step > 100))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "step",
                           _("Progress step must be between 0 and 100, or -1 to -4 for a device error"));
      return FALSE;
    }

  return TRUE;
}

/* A device's error text as it is kept: valid UTF-8, at most EVENT_DESCRIPTION_MAX_CHARS
 * characters (cut on a character boundary). NULL stays NULL. */
static char *
clip_description (const char *description)
{
  g_autofree char *valid = NULL;

  if (description == NULL)
    return NULL;

  valid = g_utf8_make_valid (description, -1);
  if (g_utf8_strlen (valid, -1) <= EVENT_DESCRIPTION_MAX_CHARS)
    return g_steal_pointer (&valid);

  return g_utf8_substring (valid, 0, EVENT_DESCRIPTION_MAX_CHARS);
}

static gboolean
lookup_device (OtaEngine             *self,
               const OtaDeviceEvent  *event,
               gint64                *device_id,
               GError               **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT id FROM devices WHERE product_key = ? AND name = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, event->product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, event->device_name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *device_id = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading a device");

  ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "device",
                       _("Device “%s” of product “%s” does not exist"),
                       event->device_name, event->product_key);
  return FALSE;
}

/* The device's unfinished task for a firmware of @module (there is at most one: the
 * database refuses a second), found through that partial unique index. */
#define READ_TASK_SQL(version_columns) \
  "SELECT t.id, t.batch_id, t.status, t.reason, t.progress, t.needs_push, " \
  "t.queue_at IS NOT NULL, t.tries, t.first_progress_at IS NOT NULL, b.timeout_minutes, " \
  "b.sources_named, b.retry_interval, b.retry_limit, t.reported_100, t.reported_target" \
  version_columns " " \
  "FROM tasks t JOIN batches b ON b.id = t.batch_id " \
  "JOIN firmwares f ON f.id = b.firmware_id " \
  "WHERE t.device_id = ?1 AND t.status IN " OTA_TASK_UNFINISHED_SQL " AND f.module = ?2"

/* @version (nullable) is compared with the target and the batch's sources (only a
 * version report needs that). *found is FALSE when there is no such task. */
static gboolean
read_task (OtaEngine   *self,
           gint64       device_id,
           const char  *module,
           const char  *version,
           TaskRow     *row,
           gboolean    *found,
           GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       version != NULL
                       ? READ_TASK_SQL (", f.version = ?3, EXISTS (SELECT 1 FROM batch_sources s "
                                        "WHERE s.batch_id = t.batch_id AND s.version = ?3)")
                       : READ_TASK_SQL (""),
                       error);
  int rc, interval = OTA_RETRY_INTERVAL_NONE;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, device_id);
  sqlite3_bind_text (stmt, 2, module, -1, SQLITE_STATIC);
  if (version != NULL)
    sqlite3_bind_text (stmt, 3, version, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *found = FALSE;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading a device task");

  ota_enum_from_nick (OTA_TYPE_RETRY_INTERVAL, (const char *) sqlite3_column_text (stmt, 11), &interval);
  *row = (TaskRow) {
    .id = sqlite3_column_int64 (stmt, 0),
    .batch_id = sqlite3_column_int64 (stmt, 1),
    .status = ota_task_status_from_nick ((const char *) sqlite3_column_text (stmt, 2)),
    .reason = ota_task_reason_from_nick ((const char *) sqlite3_column_text (stmt, 3)),
    .progress = sqlite3_column_int (stmt, 4),
    .needs_push = sqlite3_column_int (stmt, 5) != 0,
    .queued = sqlite3_column_int (stmt, 6) != 0,
    .tries = sqlite3_column_int (stmt, 7),
    .timing = sqlite3_column_int (stmt, 8) != 0,
    .timeout_minutes = sqlite3_column_int (stmt, 9),
    .sources_named = sqlite3_column_int (stmt, 10) != 0,
    .retry_interval = interval,
    .retry_limit = sqlite3_column_int (stmt, 12),
    .reported_100 = sqlite3_column_int (stmt, 13) != 0,
    .reported_target = sqlite3_column_int (stmt, 14) != 0,
    .is_target = version != NULL && sqlite3_column_int (stmt, 15) != 0,
    .is_source = version != NULL && sqlite3_column_int (stmt, 16) != 0,
  };
  *found = TRUE;
  return TRUE;
}

/* The device's unfinished task whatever its module (online/offline concern them all). */
static gboolean
read_any_task (OtaEngine   *self,
               gint64       device_id,
               TaskRow     *row,
               gboolean    *found,
               GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT id, batch_id, status, reason, needs_push, queue_at IS NOT NULL "
                       "FROM tasks WHERE device_id = ? AND status IN " OTA_TASK_UNFINISHED_SQL,
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, device_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *found = FALSE;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading a device task");

  *row = (TaskRow) {
    .id = sqlite3_column_int64 (stmt, 0),
    .batch_id = sqlite3_column_int64 (stmt, 1),
    .status = ota_task_status_from_nick ((const char *) sqlite3_column_text (stmt, 2)),
    .reason = ota_task_reason_from_nick ((const char *) sqlite3_column_text (stmt, 3)),
    .needs_push = sqlite3_column_int (stmt, 4) != 0,
    .queued = sqlite3_column_int (stmt, 5) != 0,
  };
  *found = TRUE;
  return TRUE;
}

static gboolean
run_update (OtaEngine   *self,
            const char  *sql,
            gint64       task_id,
            gint64       now,
            GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, task_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "changing a task");

  return TRUE;
}

static gint64
retry_delay (OtaRetryInterval interval)
{
  switch (interval)
    {
    case OTA_RETRY_INTERVAL_10_MINUTES:
      return 10 * G_TIME_SPAN_MINUTE;
    case OTA_RETRY_INTERVAL_30_MINUTES:
      return 30 * G_TIME_SPAN_MINUTE;
    case OTA_RETRY_INTERVAL_1_HOUR:
      return G_TIME_SPAN_HOUR;
    case OTA_RETRY_INTERVAL_24_HOURS:
      return G_TIME_SPAN_DAY;
    case OTA_RETRY_INTERVAL_NONE:
    case OTA_RETRY_INTERVAL_IMMEDIATE:
    default:
      return 0;
    }
}

static gboolean
is_retryable (OtaTaskReason reason)
{
  /* R-R2 / R-R3: device errors and unexpected versions only; never timeout, conflict
   * or a cancellation. */
  switch (reason)
    {
    case OTA_TASK_REASON_UPGRADE_FAILED:
    case OTA_TASK_REASON_DOWNLOAD_FAILED:
    case OTA_TASK_REASON_VERIFY_FAILED:
    case OTA_TASK_REASON_FLASH_FAILED:
    case OTA_TASK_REASON_UNEXPECTED_VERSION:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A failure of a pushed or upgrading task (R-S6): a retry while the batch allows one
 * (R-R1..R-R4), else the end of the task with that reason (R-R5). */
static gboolean
fail_task (OtaEngine      *self,
           const TaskRow  *task,
           OtaTaskReason   reason,
           int             error_code,
           const char     *detail,
           gint64          now,
           GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  gboolean retry;

  /* tries counts notices sent: the first one is not a retry. */
  retry = task->sources_named &&
          task->retry_interval != OTA_RETRY_INTERVAL_NONE &&
          is_retryable (reason) &&
          task->tries > 0 && task->tries - 1 < task->retry_limit;

  /* The next try gets its own timeout (from when its notice goes out, see
   * ota-rollout-push.c), otherwise a retry after 24 h could never happen behind a 60 min
   * timeout; and it must report progress 100 and the version afresh (R-S5). */
  stmt = ota_store_prepare (store,
                            retry
                            ? "UPDATE tasks SET error_code = ?2, detail = ?3, last_reason = ?4, "
                              "updated_at = ?5, first_progress_at = NULL, timeout_at = NULL, "
                              "reported_100 = 0, reported_target = 0 WHERE id = ?1"
                            : "UPDATE tasks SET error_code = ?2, detail = ?3, last_reason = ?4, "
                              "updated_at = ?5 WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, task->id);
  if (error_code != 0)
    sqlite3_bind_int (stmt, 2, error_code);
  sqlite3_bind_text (stmt, 3, detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ota_task_reason_to_nick (reason), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "recording a failure");

  if (!retry)
    return ota_rollout_set_task_status (self, task->id, OTA_TASK_STATUS_FAILED, reason, now, error);

  /* R-R4: the status stays as it was; the notice goes out again after the interval. */
  g_debug ("Task %" G_GINT64_FORMAT " failed (%s), retry %u of %u",
           task->id, ota_task_reason_to_nick (reason), task->tries, task->retry_limit);
  ota_engine_mark_batch_changed (self, task->batch_id);
  return ota_rollout_queue_push (self, task->id, now + retry_delay (task->retry_interval), error);
}

static OtaTaskReason
reason_for_step (int step)
{
  switch (step)
    {
    case -1:
      return OTA_TASK_REASON_UPGRADE_FAILED;
    case -2:
      return OTA_TASK_REASON_DOWNLOAD_FAILED;
    case -3:
      return OTA_TASK_REASON_VERIFY_FAILED;
    default:
      return OTA_TASK_REASON_FLASH_FAILED;
    }
}

/* R-E1: a device connected or went away. */
static gboolean
apply_presence (OtaEngine  *self,
                gint64      device_id,
                gboolean    online,
                gint64      now,
                GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  TaskRow task = { 0 };
  gboolean found = FALSE;

  stmt = ota_store_prepare (store, "UPDATE devices SET online = ?2 WHERE id = ?1 AND online <> ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, device_id);
  sqlite3_bind_int (stmt, 2, online ? 1 : 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "changing a device");

  if (!read_any_task (self, device_id, &task, &found, error))
    return FALSE;
  if (!found || !task.needs_push)
    return TRUE;

  if (online)
    {
      /* A waiting notice may go now (R-S2 offline → pushed when it comes online). A
       * retry still waiting for its interval keeps its time; a scheduled task waits for
       * the start. */
      if (task.queued ||
          (task.status == OTA_TASK_STATUS_PENDING_PUSH && task.reason == OTA_TASK_REASON_SCHEDULED))
        return TRUE;

      if (!run_update (self, "UPDATE tasks SET queue_at = ?2 WHERE id = ?1", task.id, now, error))
        return FALSE;
      ota_engine_mark_batch_changed (self, task.batch_id);

      if (task.status == OTA_TASK_STATUS_PENDING_PUSH && task.reason != OTA_TASK_REASON_RATE_LIMITED)
        return ota_rollout_set_task_status (self, task.id, OTA_TASK_STATUS_PENDING_PUSH,
                                            OTA_TASK_REASON_RATE_LIMITED, now, error);
      return TRUE;
    }

  /* Offline: a notice not yet sent waits for the device. A retry of a pushed or
   * upgrading task keeps its time: the push pass parks it if the device is still away
   * then, so its interval is never cut short. */
  if (task.status != OTA_TASK_STATUS_PENDING_PUSH)
    return TRUE;

  if (task.queued &&
      !run_update (self, "UPDATE tasks SET queue_at = NULL, updated_at = ?2 WHERE id = ?1", task.id, now, error))
    return FALSE;

  if (task.reason == OTA_TASK_REASON_OFFLINE || task.reason == OTA_TASK_REASON_SCHEDULED)
    return TRUE;

  return ota_rollout_set_task_status (self, task.id, OTA_TASK_STATUS_PENDING_PUSH,
                                      OTA_TASK_REASON_OFFLINE, now, error);
}

/* Notes the version the device runs on its task: whether it is the firmware's version
 * (R-S5) is kept with it, so a later report of another version takes that back. */
static gboolean
note_version (OtaEngine      *self,
              const TaskRow  *task,
              const char     *version,
              gint64          now,
              GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "UPDATE tasks SET current_version = ?2, reported_target = ?3, updated_at = ?4 "
                       "WHERE id = ?1 AND (current_version IS NOT ?2 OR reported_target <> ?3)",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, task->id);
  sqlite3_bind_text (stmt, 2, version, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, task->is_target ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "changing a task");

  if (sqlite3_changes (ota_store_get_db (store)) > 0)
    ota_engine_mark_batch_changed (self, task->batch_id);
  return TRUE;
}

/* R-S5: progress 100 and the firmware's version both reported in this try. */
static gboolean
succeed_task (OtaEngine      *self,
              const TaskRow  *task,
              gint64          now,
              GError        **error)
{
  return run_update (self, "UPDATE tasks SET progress = 100, updated_at = ?2 WHERE id = ?1",
                     task->id, now, error) &&
         ota_rollout_set_task_status (self, task->id, OTA_TASK_STATUS_SUCCEEDED,
                                      OTA_TASK_REASON_NONE, now, error);
}

/* R-E2: the version a device runs for a module. */
static gboolean
apply_version (OtaEngine             *self,
               const OtaDeviceEvent  *event,
               gint64                 device_id,
               const char            *module,
               gint64                 now,
               GError               **error)
{
  TaskRow task = { 0 };
  gboolean found = FALSE;

  if (!ota_engine_store_device_version (self, event->product_key, device_id, module,
                                        event->version, error) ||
      !read_task (self, device_id, module, event->version, &task, &found, error))
    return FALSE;

  if (found)
    {
      if (!note_version (self, &task, event->version, now, error))
        return FALSE;

      /* R-S5: the new version after progress 100 of this try is success. On its own it
       * only waits for progress 100 (it starts no timeout: a pushed task stays pushed). */
      if (task.is_target && task.reported_100 &&
          !succeed_task (self, &task, now, error))
        return FALSE;

      /* R-S6: neither where it came from nor where it should go. While a retry is
       * pending the failure was already counted; the next try may fail again. */
      if (!task.is_target && task.status == OTA_TASK_STATUS_UPGRADING && !task.needs_push &&
          !task.is_source &&
          !fail_task (self, &task, OTA_TASK_REASON_UNEXPECTED_VERSION, 0, NULL, now, error))
        return FALSE;
    }

  /* R-B5: a dynamic batch may want the device on its new version. */
  return ota_rollout_match_dynamic (self, device_id, now, error);
}

/* R-E3: a progress step of the device's upgrade for a module. */
static gboolean
apply_progress (OtaEngine             *self,
                const OtaDeviceEvent  *event,
                gint64                 device_id,
                const char            *module,
                gint64                 now,
                GError               **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  TaskRow task = { 0 };
  gboolean found = FALSE;
  const char *sql;

  if (!read_task (self, device_id, module, NULL, &task, &found, error))
    return FALSE;

  /* Nothing was sent for this task yet (or not since it waits again): the report is
   * about something else. */
  if (!found ||
      task.status == OTA_TASK_STATUS_PENDING_CONFIRM ||
      task.status == OTA_TASK_STATUS_PENDING_PUSH)
    return TRUE;

  if (event->step < 0)
    {
      g_autofree char *detail = NULL;

      /* A retry already answers an earlier failure of this try. */
      if (task.needs_push)
        return TRUE;
      detail = clip_description (event->description);
      return fail_task (self, &task, reason_for_step (event->step), event->step,
                        detail, now, error);
    }

  /* A device repeats itself (reconnects, resends): nothing new. The first report of a
   * try is news even when it repeats the step the last try ended on. */
  if (!task.needs_push && task.timing && task.status == OTA_TASK_STATUS_UPGRADING &&
      task.progress == (guint) event->step && (event->step < 100 || task.reported_100))
    return TRUE;

  /* R-S4. Progress 100 alone is not success yet (R-S5): the new version must come too. */
  if (task.status == OTA_TASK_STATUS_PUSHED &&
      !ota_rollout_set_task_status (self, task.id, OTA_TASK_STATUS_UPGRADING,
                                    OTA_TASK_REASON_NONE, now, error))
    return FALSE;

  /* The timeout counts from the first progress report (R-B14, R-V3), never earlier
   * than a retry's notice set it (ota-rollout-push.c); a device that works again drops
   * a pending retry. Only the columns that change are named: each named column costs
   * index updates, and this runs for every report of a fleet. */
  if (!task.timing)
    sql = task.needs_push
          ? "UPDATE tasks SET progress = ?2, updated_at = ?3, needs_push = 0, queue_at = NULL, "
            "first_progress_at = ?3, timeout_at = max(coalesce(timeout_at, 0), ?3 + ?4) WHERE id = ?1"
          : "UPDATE tasks SET progress = ?2, updated_at = ?3, "
            "first_progress_at = ?3, timeout_at = max(coalesce(timeout_at, 0), ?3 + ?4) WHERE id = ?1";
  else
    sql = task.needs_push
          ? "UPDATE tasks SET progress = ?2, updated_at = ?3, needs_push = 0, queue_at = NULL "
            "WHERE id = ?1"
          : "UPDATE tasks SET progress = ?2, updated_at = ?3 WHERE id = ?1";

  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, task.id);
  sqlite3_bind_int (stmt, 2, event->step);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!task.timing)
    sqlite3_bind_int64 (stmt, 4, (gint64) task.timeout_minutes * G_TIME_SPAN_MINUTE);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "recording progress");

  ota_engine_mark_batch_changed (self, task.batch_id);
  if (event->step < 100 || task.reported_100)
    return TRUE;

  /* R-S5: progress 100 is noted; after the firmware's version it is success. */
  if (!run_update (self, "UPDATE tasks SET reported_100 = 1, updated_at = ?2 WHERE id = ?1",
                   task.id, now, error))
    return FALSE;
  return !task.reported_target || succeed_task (self, &task, now, error);
}

/* R-E5: the user's app answers a task waiting in pending-confirm. */
static gboolean
apply_answer (OtaEngine   *self,
              gint64       device_id,
              const char  *module,
              gboolean     confirmed,
              gint64       now,
              GError     **error)
{
  TaskRow task = { 0 };
  gboolean found = FALSE;

  if (!read_task (self, device_id, module, NULL, &task, &found, error))
    return FALSE;
  if (!found || task.status != OTA_TASK_STATUS_PENDING_CONFIRM)
    return TRUE;

  if (confirmed)
    return ota_rollout_queue_push (self, task.id, now, error);

  return ota_rollout_set_task_status (self, task.id, OTA_TASK_STATUS_CANCELLED,
                                      OTA_TASK_REASON_DECLINED, now, error);
}

static gboolean
apply_checked (OtaEngine             *self,
               const OtaDeviceEvent  *event,
               gint64                 device_id,
               gint64                 now,
               GError               **error)
{
  const char *module = event->module != NULL ? event->module : DEFAULT_MODULE;

  switch (event->kind)
    {
    case OTA_DEVICE_EVENT_ONLINE:
      return apply_presence (self, device_id, TRUE, now, error);
    case OTA_DEVICE_EVENT_OFFLINE:
      return apply_presence (self, device_id, FALSE, now, error);
    case OTA_DEVICE_EVENT_VERSION:
      return apply_version (self, event, device_id, module, now, error);
    case OTA_DEVICE_EVENT_PROGRESS:
      return apply_progress (self, event, device_id, module, now, error);
    case OTA_DEVICE_EVENT_CONFIRM:
      return apply_answer (self, device_id, module, TRUE, now, error);
    case OTA_DEVICE_EVENT_DECLINE:
      return apply_answer (self, device_id, module, FALSE, now, error);
    default:
      g_assert_not_reached ();
    }
}

/* Work that fell due before the events is done first, so the events meet the state the
 * timeline had reached; notices the events queued go out right after. A failure of the
 * second pass does not undo the committed events: the next pass picks the work up.
 * Enrolling the rest of a large batch is left to ota_engine_run_due(): events never wait
 * for it. */
static void
run_due_after_events (OtaEngine *self)
{
  g_autoptr(GError) error = NULL;

  if (!ota_rollout_catch_up (self, &error))
    g_warning ("Pushing after device events failed: %s", error->message);
}

/**
 * ota_engine_apply_device_event:
 * @event: what the device said
 *
 * Applies one device event (R-E1..R-E5). An invalid event (unknown device, a step
 * outside 0..100 and -1..-4, a bad module or version) is refused with an error naming
 * the field, and nothing changes.
 */
gboolean
ota_engine_apply_device_event (OtaEngine             *self,
                               const OtaDeviceEvent  *event,
                               GError               **error)
{
  gint64 device_id;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (!check_event (event, error))
    return FALSE;

  /* Refused before anything runs, the due pass included. Devices are never removed, so
   * the id stays good. */
  {
    g_autoptr(GRecMutexLocker) locker =
      g_rec_mutex_locker_new (ota_store_get_lock (ota_engine_get_store (self)));

    if (!lookup_device (self, event, &device_id, error))
      return FALSE;
  }

  if (!ota_rollout_catch_up (self, error))
    return FALSE;

  {
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (ota_engine_get_store (self), error);

    if (tx == NULL ||
        !apply_checked (self, event, device_id, ota_engine_now (self), error) ||
        !ota_transaction_commit (tx, error))
      return FALSE;
  }

  run_due_after_events (self);
  return TRUE;
}

/* SAVEPOINT, RELEASE or ROLLBACK TO of one event, as a cached statement. */
static gboolean
run_savepoint (OtaStore    *store,
               const char  *sql,
               GError     **error)
{
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "applying a device event");
  return TRUE;
}

/* A failure of the store itself (I/O, a full disk, a lock) rather than of one event: a
 * constraint the event's data broke is the event's alone. */
static gboolean
is_store_failure (OtaStore     *store,
                  const GError *error)
{
  return g_error_matches (error, OTA_ERROR, OTA_ERROR_STORE) &&
         (ota_store_get_last_error (store) & 0xff) != SQLITE_CONSTRAINT;
}

typedef enum {
  EVENT_APPLIED,
  EVENT_REFUSED,     /* nothing changed (an unknown device) or undone alone */
  EVENT_FAILED,      /* failed half-way, unguarded: the pass must be done again guarded */
} EventOutcome;

/* Applies one checked event. @guarded: in its own savepoint, so that one failing half-way
 * is undone alone. FALSE only when the store failed. */
static gboolean
apply_one (OtaEngine             *self,
           const OtaDeviceEvent  *event,
           guint                  index,
           gint64                 now,
           gboolean               guarded,
           EventOutcome          *outcome,
           GError               **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GError) local_error = NULL;
  gint64 device_id;

  *outcome = EVENT_APPLIED;
  if (lookup_device (self, event, &device_id, &local_error))
    {
      if (guarded && !run_savepoint (store, "SAVEPOINT device_event", error))
        return FALSE;

      if (apply_checked (self, event, device_id, now, &local_error))
        return !guarded || run_savepoint (store, "RELEASE device_event", error);

      /* A failing store may have ended the whole transaction already: the caller undoes
       * it. Otherwise the event is undone alone, whatever else the group did. */
      if (!is_store_failure (store, local_error))
        {
          if (!guarded)
            {
              g_debug ("Device event %u failed; the group is applied again event by event: %s",
                       index, local_error->message);
              *outcome = EVENT_FAILED;
              return TRUE;
            }
          if (!run_savepoint (store, "ROLLBACK TO device_event", error) ||
              !run_savepoint (store, "RELEASE device_event", error))
            return FALSE;
        }
    }

  if (is_store_failure (store, local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_debug ("Device event %u refused: %s", index, local_error->message);
  *outcome = EVENT_REFUSED;
  return TRUE;
}

/* The checked events of a group, in one transaction. Unguarded (the common case, where
 * every event applies, and without the cost of a savepoint per event) an event failing
 * half-way sets *again and nothing is kept: the caller applies the group again guarded. */
static gboolean
apply_group (OtaEngine             *self,
             const OtaDeviceEvent  *events,
             guint                  n_events,
             const gboolean        *valid,
             gint64                 now,
             gboolean               guarded,
             guint                 *rejected,
             gboolean              *again,
             GError               **error)
{
  g_autoptr(OtaTransaction) tx = ota_transaction_begin (ota_engine_get_store (self), error);

  *again = FALSE;
  if (tx == NULL)
    return FALSE;

  for (guint i = 0; i < n_events; i++)
    {
      EventOutcome outcome;

      if (!valid[i])
        continue;
      if (!apply_one (self, &events[i], i, now, guarded, &outcome, error))
        return FALSE;
      if (outcome == EVENT_FAILED)
        {
          *again = TRUE;
          return TRUE;   /* rolled back as tx goes */
        }
      if (outcome == EVENT_REFUSED)
        (*rejected)++;
    }

  return ota_transaction_commit (tx, error);
}

/**
 * ota_engine_apply_device_events:
 * @events: (array length=n_events): what devices said, in arrival order
 * @n_rejected: (out) (optional): how many were refused and skipped
 *
 * Applies many events in one transaction. An invalid event (see
 * ota_engine_apply_device_event()), or one that cannot be applied, is skipped alone and
 * counted (and logged at debug level): the others stand. FALSE with @error only when
 * the store failed, and then none was applied.
 */
gboolean
ota_engine_apply_device_events (OtaEngine             *self,
                                const OtaDeviceEvent  *events,
                                guint                  n_events,
                                guint                 *n_rejected,
                                GError               **error)
{
  g_autofree gboolean *valid = NULL;
  guint invalid = 0, rejected = 0;
  gboolean again = FALSE;
  gint64 now;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (events != NULL || n_events == 0, FALSE);

  if (n_rejected != NULL)
    *n_rejected = 0;

  if (n_events == 0)
    return TRUE;

  /* The checks that need no store, before the store is locked. */
  valid = g_new (gboolean, n_events);
  for (guint i = 0; i < n_events; i++)
    {
      g_autoptr(GError) local_error = NULL;

      valid[i] = check_event (&events[i], &local_error);
      if (!valid[i])
        {
          g_debug ("Device event %u refused: %s", i, local_error->message);
          invalid++;
        }
    }

  if (!ota_rollout_catch_up (self, error))
    return FALSE;

  now = ota_engine_now (self);
  if (!apply_group (self, events, n_events, valid, now, FALSE, &rejected, &again, error))
    return FALSE;
  if (again)
    {
      rejected = 0;
      if (!apply_group (self, events, n_events, valid, now, TRUE, &rejected, &again, error))
        return FALSE;
    }

  if (n_rejected != NULL)
    *n_rejected = invalid + rejected;

  run_due_after_events (self);
  return TRUE;
}
