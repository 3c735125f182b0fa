/* ota-rollout-match.c — which devices a batch upgrades, and giving them tasks (R-B2, R-B5,
 * R-B7..R-B11, R-B15, R-B16)
 *
 * A batch over a million devices must be created in well under two seconds, so matching is
 * set-based: the few devices that already have an unfinished task (R-B15) are enrolled one
 * by one first, then one INSERT … SELECT gives every other match its task and the batch
 * counter moves once by the number of rows. INSERT OR IGNORE lets the unique indexes on
 * tasks skip devices that have a task in the batch already (and, as a safety net, devices
 * with an unfinished task), so the SELECT never reads the tasks table it writes to.
 */
#include "ota-enum-types.h"
#include "ota-rollout-private.h"

/* Parameters of every matching statement. */
enum {
  P_BATCH = 1,
  P_FIRMWARE,
  P_PRODUCT,
  P_MODULE,
  P_CREATED_AT,
  P_DEVICE,
  P_LIMIT,
  P_STATUS,
  P_PUSH,
  P_REASON,
  P_NOW,
};

typedef struct {
  gint64            id;
  gint64            firmware_id;
  OtaBatchStrategy  strategy;
  OtaBatchScope     scope;
  guint             gray_percent;
  gboolean          app_confirm;
  gboolean          overwrite;
  gboolean          only_new_reports;
  gint64            schedule_start;
  gint64            created_at;
  char             *product_key;
  char             *module;
} BatchInfo;

static void
batch_info_clear (BatchInfo *info)
{
  g_clear_pointer (&info->product_key, g_free);
  g_clear_pointer (&info->module, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BatchInfo, batch_info_clear)

static gboolean
read_batch_info (OtaEngine  *self,
                 gint64      batch_id,
                 BatchInfo  *info,
                 GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT b.strategy, b.scope, coalesce(b.gray_percent, 0), b.app_confirm, "
                       "b.overwrite, b.only_new_reports, coalesce(b.schedule_start, 0), "
                       "b.created_at, b.firmware_id, f.product_key, f.module "
                       "FROM batches b JOIN firmwares f ON f.id = b.firmware_id WHERE b.id = ?",
                       error);
  int strategy = 0, scope = 0;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading a batch");

  ota_enum_from_nick (OTA_TYPE_BATCH_STRATEGY, (const char *) sqlite3_column_text (stmt, 0), &strategy);
  ota_enum_from_nick (OTA_TYPE_BATCH_SCOPE, (const char *) sqlite3_column_text (stmt, 1), &scope);
  info->id = batch_id;
  info->strategy = strategy;
  info->scope = scope;
  info->gray_percent = sqlite3_column_int (stmt, 2);
  info->app_confirm = sqlite3_column_int (stmt, 3) != 0;
  info->overwrite = sqlite3_column_int (stmt, 4) != 0;
  info->only_new_reports = sqlite3_column_int (stmt, 5) != 0;
  info->schedule_start = sqlite3_column_int64 (stmt, 6);
  info->created_at = sqlite3_column_int64 (stmt, 7);
  info->firmware_id = sqlite3_column_int64 (stmt, 8);
  info->product_key = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  info->module = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  return TRUE;
}

/* The conditions a device `d` with its version row `v` for the firmware's module must
 * meet to match the batch; @single_device adds "d.id = ?P_DEVICE". */
static void
append_match_filter (GString         *sql,
                     const BatchInfo *info,
                     gboolean         single_device)
{
  g_string_append (sql,
                   " v.module = ?4 AND d.product_key = ?3"
                   " AND v.version IN (SELECT version FROM batch_sources WHERE batch_id = ?1)"
                   /* R-B2: never the firmware's verification devices */
                   " AND d.id NOT IN (SELECT bt.device_id FROM batch_targets bt"
                   " JOIN batches vb ON vb.id = bt.batch_id"
                   " WHERE vb.firmware_id = ?2 AND vb.kind = 'verification')");

  switch (info->scope)
    {
    case OTA_BATCH_SCOPE_TARGETED:
      g_string_append (sql, " AND d.id IN (SELECT device_id FROM batch_targets WHERE batch_id = ?1)");
      break;
    case OTA_BATCH_SCOPE_REGION:
      /* R-B9: a region row with city '' is the whole province. */
      g_string_append (sql, " AND EXISTS (SELECT 1 FROM batch_regions r WHERE r.batch_id = ?1"
                            " AND r.province = d.province AND r.city IN ('', d.city))");
      break;
    case OTA_BATCH_SCOPE_ALL:
    case OTA_BATCH_SCOPE_GRAY:
    default:
      break;
    }

  /* R-B16: only versions reported after the batch was created. */
  if (info->only_new_reports)
    g_string_append (sql, " AND v.reported_at > ?5");

  if (single_device)
    g_string_append (sql, " AND d.id = ?6");
}

/* SELECT id, version, online, name of the matching devices; gray: the first LIMIT ?7 of them in
 * the deterministic spread order (R-B10). */
static char *
candidates_sql (const BatchInfo *info,
                gboolean         limited)
{
  GString *sql = g_string_new ("SELECT d.id AS id, v.version AS version, d.online AS online, "
                               "d.name AS name "
                               "FROM device_versions v JOIN devices d ON d.id = v.device_id WHERE");

  append_match_filter (sql, info, FALSE);
  if (limited)
    g_string_append (sql, " ORDER BY (d.id * 2654435761) % 4294967296, d.id LIMIT ?7");

  return g_string_free (sql, FALSE);
}

static void
bind_batch (sqlite3_stmt    *stmt,
            const BatchInfo *info)
{
  /* Statements use a subset of the parameters; binding an unused one is harmless. */
  sqlite3_bind_int64 (stmt, P_BATCH, info->id);
  sqlite3_bind_int64 (stmt, P_FIRMWARE, info->firmware_id);
  sqlite3_bind_text (stmt, P_PRODUCT, info->product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_MODULE, info->module, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, P_CREATED_AT, info->created_at);
}

/* R-B10: floor(n · p / 100) of the n matching devices, at least one (none of none). */
static gboolean
gray_limit (OtaEngine        *self,
            const BatchInfo  *info,
            gint64           *limit,
            GError          **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autofree char *inner = candidates_sql (info, FALSE);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM (%s)", inner);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);
  gint64 n;

  if (stmt == NULL)
    return FALSE;

  bind_batch (stmt, info);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "counting matching devices");

  n = sqlite3_column_int64 (stmt, 0);
  *limit = n == 0 ? 0 : MAX (1, n * info->gray_percent / 100);
  return TRUE;
}

typedef struct {
  gint64        device_id;
  char         *version;
  gboolean      online;
  OtaTaskStatus busy_status;
} Busy;

static void
busy_clear (gpointer data)
{
  g_free (((Busy *) data)->version);
}

/* The matching devices that have an unfinished task (in another batch): R-B15 decides
 * about them one by one. Without a gray limit this starts from the unfinished tasks,
 * which are usually far fewer than the devices. */
static GArray *
list_busy (OtaEngine        *self,
           const BatchInfo  *info,
           gint64            limit,
           GError          **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) busy = g_array_new (FALSE, FALSE, sizeof (Busy));
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (busy, busy_clear);

  if (info->scope == OTA_BATCH_SCOPE_GRAY)
    {
      g_autofree char *inner = candidates_sql (info, TRUE);

      g_string_printf (sql, "SELECT c.id, c.version, c.online, t.status FROM (%s) c "
                            "JOIN tasks t ON t.device_id = c.id AND t.status IN "
                            OTA_TASK_UNFINISHED_SQL " ORDER BY c.id", inner);
    }
  else
    {
      /* CROSS JOIN keeps this order: walk the unfinished tasks (a partial index), never
       * the million version rows. */
      g_string_append (sql, "SELECT d.id, v.version, d.online, t.status FROM tasks t "
                            "CROSS JOIN devices d CROSS JOIN device_versions v "
                            "WHERE d.id = t.device_id AND v.device_id = t.device_id "
                            "AND t.status IN " OTA_TASK_UNFINISHED_SQL " AND");
      append_match_filter (sql, info, FALSE);
      /* A device already in this batch (a dynamic one matching again) is not busy. */
      g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM tasks x WHERE x.batch_id = ?1 "
                            "AND x.device_id = d.id) ORDER BY d.id");
    }

  stmt = ota_store_prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;

  bind_batch (stmt, info);
  sqlite3_bind_int64 (stmt, P_LIMIT, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Busy b = {
        .device_id = sqlite3_column_int64 (stmt, 0),
        .version = g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        .online = sqlite3_column_int (stmt, 2) != 0,
        .busy_status = ota_task_status_from_nick ((const char *) sqlite3_column_text (stmt, 3)),
      };
      g_array_append_val (busy, b);
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "matching devices");
      return NULL;
    }

  return g_steal_pointer (&busy);
}

/* R-B11 before the start, R-B3 with app confirmation, else the push flow. */
static void
first_status (const BatchInfo *info,
              gint64           now,
              OtaTaskStatus   *status,
              OtaTaskReason   *reason,
              gboolean        *push)
{
  *push = FALSE;
  if (info->schedule_start > now)
    {
      *status = OTA_TASK_STATUS_PENDING_PUSH;
      *reason = OTA_TASK_REASON_SCHEDULED;
    }
  else if (info->app_confirm)
    {
      *status = OTA_TASK_STATUS_PENDING_CONFIRM;
      *reason = OTA_TASK_REASON_NONE;
    }
  else
    {
      *status = OTA_TASK_STATUS_PENDING_PUSH;
      *reason = OTA_TASK_REASON_NONE;   /* offline or rate-limited: set when queued */
      *push = TRUE;
    }
}

static gboolean
enroll_with_info (OtaEngine        *self,
                  const BatchInfo  *info,
                  gint64            device_id,
                  const char       *source_version,
                  gint64            now,
                  GError          **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) read = NULL;
  OtaTaskStatus status;
  OtaTaskReason reason;
  gboolean push;
  gint64 task_id = 0;
  int rc;

  read = ota_store_prepare (store,
                            "SELECT id, status, batch_id FROM tasks WHERE device_id = ? AND status IN "
                            OTA_TASK_UNFINISHED_SQL,
                            error);
  if (read == NULL)
    return FALSE;

  sqlite3_bind_int64 (read, 1, device_id);
  rc = sqlite3_step (read);
  if (rc == SQLITE_ROW)
    {
      gint64 busy_id = sqlite3_column_int64 (read, 0);
      OtaTaskStatus busy_status = ota_task_status_from_nick ((const char *) sqlite3_column_text (read, 1));
      gint64 busy_batch = sqlite3_column_int64 (read, 2);

      sqlite3_reset (read);
      if (busy_batch == info->id)
        return TRUE;   /* already in this batch */

      /* R-B15: keep the earlier task unless overwriting it is allowed; an upgrading
       * task is never overwritten. */
      if (!info->overwrite || busy_status == OTA_TASK_STATUS_UPGRADING)
        return ota_rollout_insert_task (self, info->id, device_id, OTA_TASK_STATUS_FAILED,
                                        OTA_TASK_REASON_CONFLICT, source_version,
                                        FALSE, 0, NULL, error);

      if (!ota_rollout_set_task_status (self, busy_id, OTA_TASK_STATUS_CANCELLED,
                                        OTA_TASK_REASON_OVERWRITTEN, now, error))
        return FALSE;
    }
  else if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading device tasks");
  else
    sqlite3_reset (read);

  first_status (info, now, &status, &reason, &push);
  if (!ota_rollout_insert_task (self, info->id, device_id, status, reason, source_version,
                                FALSE, 0, &task_id, error))
    return FALSE;

  return !push || ota_rollout_queue_push (self, task_id, now, error);
}

gboolean
ota_rollout_enroll_device (OtaEngine   *self,
                           gint64       batch_id,
                           gint64       device_id,
                           const char  *source_version,
                           gint64       now,
                           GError     **error)
{
  g_auto(BatchInfo) info = { 0 };

  return read_batch_info (self, batch_id, &info, error) &&
         enroll_with_info (self, &info, device_id, source_version, now, error);
}

static gboolean
add_to_count (OtaEngine      *self,
              gint64          batch_id,
              OtaTaskStatus   status,
              gint64          n,
              GError        **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       status == OTA_TASK_STATUS_PENDING_CONFIRM
                       ? "UPDATE batches SET n_pending_confirm = n_pending_confirm + ? WHERE id = ?"
                       : "UPDATE batches SET n_pending_push = n_pending_push + ? WHERE id = ?",
                       error);

  g_return_val_if_fail (status == OTA_TASK_STATUS_PENDING_CONFIRM ||
                        status == OTA_TASK_STATUS_PENDING_PUSH, FALSE);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, n);
  sqlite3_bind_int64 (stmt, 2, batch_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "counting tasks");

  ota_engine_mark_batch_changed (self, batch_id);
  return TRUE;
}

/* Every match without a task yet gets one, in one statement. */
static gboolean
insert_matches (OtaEngine        *self,
                const BatchInfo  *info,
                gint64            limit,
                gint64            now,
                GError          **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autofree char *inner = candidates_sql (info, info->scope == OTA_BATCH_SCOPE_GRAY);
  g_autofree char *sql = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  OtaTaskStatus status;
  OtaTaskReason reason;
  gboolean push;
  gint64 n;

  /* The same first status as ota_rollout_enroll_device() and ota_rollout_queue_push():
   * in the push flow an online device is queued now, an offline one waits. The device
   * name is given so the per-row trigger that would copy it has nothing to do. */
  sql = g_strdup_printf ("INSERT OR IGNORE INTO tasks (batch_id, device_id, status, reason, "
                         "source_version, current_version, needs_push, queue_at, created_at, "
                         "updated_at, device_name) "
                         "SELECT ?1, c.id, ?8, CASE WHEN ?9 THEN CASE WHEN c.online "
                         "THEN 'rate-limited' ELSE 'offline' END ELSE ?10 END, "
                         "c.version, c.version, ?9, CASE WHEN ?9 AND c.online THEN ?11 END, ?11, ?11, c.name "
                         "FROM (%s) c",
                         inner);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  first_status (info, now, &status, &reason, &push);
  bind_batch (stmt, info);
  sqlite3_bind_int64 (stmt, P_LIMIT, limit);
  sqlite3_bind_text (stmt, P_STATUS, ota_task_status_to_nick (status), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, P_PUSH, push ? 1 : 0);
  sqlite3_bind_text (stmt, P_REASON, ota_task_reason_to_nick (reason), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, P_NOW, now);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "creating device tasks");

  n = sqlite3_changes64 (ota_store_get_db (store));
  g_debug ("Batch %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " tasks in one statement", info->id, n);

  return n == 0 || add_to_count (self, info->id, status, n, error);
}

static gboolean
match_with_info (OtaEngine        *self,
                 const BatchInfo  *info,
                 gint64            now,
                 GError          **error)
{
  g_autoptr(GArray) busy = NULL;
  gint64 limit = -1;

  if (info->scope == OTA_BATCH_SCOPE_GRAY && !gray_limit (self, info, &limit, error))
    return FALSE;

  busy = list_busy (self, info, limit, error);
  if (busy == NULL)
    return FALSE;

  for (guint i = 0; i < busy->len; i++)
    {
      Busy *b = &g_array_index (busy, Busy, i);

      if (!enroll_with_info (self, info, b->device_id, b->version, now, error))
        return FALSE;
    }

  return insert_matches (self, info, limit, now, error);
}

gboolean
ota_rollout_match_batch (OtaEngine  *self,
                         gint64      batch_id,
                         gint64      now,
                         GError    **error)
{
  g_auto(BatchInfo) info = { 0 };

  return read_batch_info (self, batch_id, &info, error) &&
         match_with_info (self, &info, now, error);
}

gboolean
ota_rollout_forecast_matches (OtaEngine         *self,
                              gint64             batch_id,
                              OtaBatchForecast  *forecast,
                              guint64           *n_push,
                              GError           **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_auto(BatchInfo) info = { 0 };
  g_autoptr(GArray) busy = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *sql = NULL;
  gint64 limit = -1;
  guint64 busy_online_conflicts = 0;

  if (!read_batch_info (self, batch_id, &info, error) ||
      (info.scope == OTA_BATCH_SCOPE_GRAY && !gray_limit (self, &info, &limit, error)))
    return FALSE;

  inner = candidates_sql (&info, info.scope == OTA_BATCH_SCOPE_GRAY);
  sql = g_strdup_printf ("SELECT count(*), total(c.online = 0) FROM (%s) c", inner);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_batch (stmt, &info);
  sqlite3_bind_int64 (stmt, P_LIMIT, limit);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "counting matching devices");

  memset (forecast, 0, sizeof *forecast);
  forecast->matched = sqlite3_column_int64 (stmt, 0);
  forecast->offline = (guint64) sqlite3_column_double (stmt, 1);

  busy = list_busy (self, &info, limit, error);
  if (busy == NULL)
    return FALSE;

  for (guint i = 0; i < busy->len; i++)
    {
      Busy *b = &g_array_index (busy, Busy, i);

      if (!info.overwrite || b->busy_status == OTA_TASK_STATUS_UPGRADING)
        {
          forecast->conflicts++;
          if (b->online)
            busy_online_conflicts++;
        }
      else
        forecast->overwrites++;
    }

  *n_push = forecast->matched - forecast->offline - busy_online_conflicts;
  return TRUE;
}

/* Running dynamic batches of a product (a device's product when @device_id > 0). */
static GArray *
list_dynamic_batches (OtaEngine   *self,
                      const char  *product_key,
                      gint64       device_id,
                      GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       device_id > 0
                       ? "SELECT b.id FROM batches b JOIN firmwares f ON f.id = b.firmware_id "
                         "JOIN devices d ON d.product_key = f.product_key "
                         "WHERE d.id = ?2 AND b.kind = 'batch' AND b.strategy = 'dynamic' "
                         "AND b.state = 'running' ORDER BY b.id"
                       : "SELECT b.id FROM batches b JOIN firmwares f ON f.id = b.firmware_id "
                         "WHERE f.product_key = ?1 AND b.kind = 'batch' AND b.strategy = 'dynamic' "
                         "AND b.state = 'running' ORDER BY b.id",
                       error);
  int rc;

  if (stmt == NULL)
    return NULL;

  if (device_id > 0)
    sqlite3_bind_int64 (stmt, 2, device_id);
  else
    sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading dynamic batches");
      return NULL;
    }

  return g_steal_pointer (&ids);
}

gboolean
ota_rollout_match_dynamic (OtaEngine   *self,
                           gint64       device_id,
                           gint64       now,
                           GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) batches = list_dynamic_batches (self, NULL, device_id, error);

  if (batches == NULL)
    return FALSE;

  for (guint i = 0; i < batches->len; i++)
    {
      g_auto(BatchInfo) info = { 0 };
      g_autoptr(GString) sql = g_string_new ("SELECT v.version FROM device_versions v "
                                             "JOIN devices d ON d.id = v.device_id WHERE");
      g_autoptr(OtaCachedStmt) stmt = NULL;
      g_autofree char *version = NULL;
      int rc;

      if (!read_batch_info (self, g_array_index (batches, gint64, i), &info, error))
        return FALSE;

      append_match_filter (sql, &info, TRUE);
      g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM tasks x WHERE x.batch_id = ?1 "
                            "AND x.device_id = d.id)");
      stmt = ota_store_prepare (store, sql->str, error);
      if (stmt == NULL)
        return FALSE;

      bind_batch (stmt, &info);
      sqlite3_bind_int64 (stmt, P_DEVICE, device_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        version = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        return ota_store_set_error (store, error, "matching a device");
      sqlite3_reset (stmt);

      if (version != NULL &&
          !enroll_with_info (self, &info, device_id, version, now, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
ota_rollout_match_dynamic_product (OtaEngine   *self,
                                   const char  *product_key,
                                   gint64       now,
                                   GError     **error)
{
  g_autoptr(GArray) batches = list_dynamic_batches (self, product_key, 0, error);

  if (batches == NULL)
    return FALSE;

  for (guint i = 0; i < batches->len; i++)
    if (!ota_rollout_match_batch (self, g_array_index (batches, gint64, i), now, error))
      return FALSE;

  return TRUE;
}
