/* ota-rollout-match.c — which devices a batch upgrades, and giving them tasks (R-B2, R-B5,
 * R-B7..R-B11, R-B15, R-B16)
 *
 * Matching is set-based and walks a range of the product's devices in name order (or
 * all of them in id order), reading each one's version by the key of device_versions:
 * batch creation enrols a first range at once and the due pass the rest, a range per
 * transaction (ota-rollout-enrol.c). Within a range the few devices that already have
 * an unfinished task (R-B15) are enrolled one by one first, then one INSERT … SELECT
 * gives every other match its task and the batch counter moves once by the number of
 * rows. ON CONFLICT DO NOTHING lets the unique indexes on tasks skip devices that
 * have a task in the batch already (and, as a safety net, devices with an unfinished
 * task), so the SELECT never reads the tasks table it writes to; unlike INSERT OR
 * IGNORE it still fails on a NOT NULL or CHECK violation instead of dropping the row
 * silently.
 */
#include "ota-enum-types.h"
#include "ota-rollout-match-private.h"

MatchFlags
ota_match_range_flags (const OtaMatchRange *range,
                       gboolean             by_name)
{
  MatchFlags flags = MATCH_GRAY;

  if (range->last_id != OTA_DEVICE_ID_MAX)
    flags |= MATCH_LAST;
  if (!by_name)
    return flags;

  flags |= MATCH_BY_NAME;
  if (range->after_name != NULL)
    flags |= MATCH_AFTER;
  if (range->upto_name != NULL)
    flags |= MATCH_UPTO;
  return flags;
}

gboolean
ota_match_read_batch_info (OtaEngine  *self,
                           gint64      batch_id,
                           BatchInfo  *info,
                           GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT b.strategy, b.scope, coalesce(b.gray_percent, 0), b.app_confirm, "
                       "b.overwrite, b.only_new_reports, coalesce(b.schedule_start, 0), "
                       "b.created_at, b.firmware_id, f.product_key, f.module, "
                       "coalesce(b.enrol_gray_cutoff, 0) "
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
  info->gray_cutoff = sqlite3_column_int64 (stmt, 11);
  return TRUE;
}

/* The conditions a device `d` with its version row `v` for the firmware's module must
 * meet to match the batch, and what @flags add. */
void
ota_match_append_filter (GString         *sql,
                         const BatchInfo *info,
                         MatchFlags       flags)
{
  /* In name order through the (product, name) index; else "+d.product_key" keeps SQLite
   * from that index, so that the devices are walked by id. */
  g_string_append (sql, (flags & MATCH_BY_NAME)
                        ? " v.device_id = d.id AND v.module = ?4 AND d.product_key = ?3"
                        : " v.device_id = d.id AND v.module = ?4 AND +d.product_key = ?3");
  g_string_append (sql,
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

  /* R-B16: only versions reported after the batch was created. One device is matched
   * right after its own report was stored, which is after the creation even within the
   * same microsecond. Matching many (the creation itself, its enrolment chunks, an
   * import) cannot tell a report at the creation's very time from before it, so it
   * takes only later ones. */
  if (info->only_new_reports)
    g_string_append (sql, (flags & MATCH_DEVICE) ? " AND v.reported_at >= ?5" : " AND v.reported_at > ?5");

  if (flags & MATCH_AFTER)
    g_string_append (sql, " AND d.name > ?12");
  if (flags & MATCH_UPTO)
    g_string_append (sql, " AND d.name <= ?13");
  if (flags & MATCH_LAST)
    g_string_append (sql, " AND d.id <= ?15");
  /* R-B10: the devices up to the cutoff in the spread order (ids break ties). */
  if ((flags & MATCH_GRAY) && info->scope == OTA_BATCH_SCOPE_GRAY)
    g_string_append (sql, " AND (" SPREAD_SQL ("d.id") ", d.id) <= (" SPREAD_SQL ("?14") ", ?14)");
  if (flags & MATCH_DEVICE)
    g_string_append (sql, " AND d.id = ?6");
}

/* SELECT @columns FROM the matching devices. */
char *
ota_match_sql (const BatchInfo *info,
               const char      *columns,
               MatchFlags       flags,
               const char      *tail)
{
  GString *sql = g_string_new (NULL);

  g_string_printf (sql, "SELECT %s FROM devices d CROSS JOIN device_versions v WHERE", columns);
  ota_match_append_filter (sql, info, flags);
  if (tail != NULL)
    g_string_append (sql, tail);

  return g_string_free (sql, FALSE);
}

void
ota_match_bind (sqlite3_stmt        *stmt,
                const BatchInfo     *info,
                const OtaMatchRange *range)
{
  /* Statements use a subset of the parameters; binding an unused one is harmless. */
  sqlite3_bind_int64 (stmt, P_BATCH, info->id);
  sqlite3_bind_int64 (stmt, P_FIRMWARE, info->firmware_id);
  sqlite3_bind_text (stmt, P_PRODUCT, info->product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_MODULE, info->module, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, P_CREATED_AT, info->created_at);
  sqlite3_bind_text (stmt, P_AFTER, range->after_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_UPTO, range->upto_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, P_CUTOFF, info->gray_cutoff);
  sqlite3_bind_int64 (stmt, P_LAST, range->last_id);
}

static void
busy_clear (gpointer data)
{
  g_free (((Busy *) data)->version);
}

/* The matching devices in @range that have an unfinished task in another batch: R-B15
 * decides about them one by one. A chunk (@by_name) looks its devices up in the partial
 * index of unfinished tasks; a whole product starts from the unfinished tasks, which are
 * usually far fewer than the devices. */
GArray *
ota_match_list_busy (OtaEngine            *self,
                     const BatchInfo      *info,
                     const OtaMatchRange  *range,
                     gboolean              by_name,
                     GError              **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) busy = g_array_new (FALSE, FALSE, sizeof (Busy));
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (busy, busy_clear);

  /* CROSS JOIN keeps these orders. */
  if (by_name)
    g_string_append (sql, "SELECT d.id, v.version, d.online, t.status FROM devices d "
                          "CROSS JOIN device_versions v CROSS JOIN tasks t "
                          "WHERE t.device_id = d.id AND t.status IN " OTA_TASK_UNFINISHED_SQL " AND");
  else
    g_string_append (sql, "SELECT d.id, v.version, d.online, t.status FROM tasks t "
                          "CROSS JOIN devices d CROSS JOIN device_versions v "
                          "WHERE t.status IN " OTA_TASK_UNFINISHED_SQL " AND d.id = t.device_id AND");
  ota_match_append_filter (sql, info, ota_match_range_flags (range, by_name));
  /* A device already in this batch (a dynamic one matching again) is not busy. */
  g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM tasks x WHERE x.batch_id = ?1 "
                        "AND x.device_id = d.id) ORDER BY d.id");

  stmt = ota_store_prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;

  ota_match_bind (stmt, info, range);
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

gboolean
ota_match_enroll (OtaEngine        *self,
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

  return ota_match_read_batch_info (self, batch_id, &info, error) &&
         ota_match_enroll (self, &info, device_id, source_version, now, error);
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

/* Every match in @range without a task yet gets one, in one statement: in device name
 * order for a chunk (@by_name), so that a batch's tasks lie in the table in the order of
 * its name indexes and a statement over all of them (cancelling) walks both in step. */
static gboolean
insert_matches (OtaEngine            *self,
                const BatchInfo      *info,
                const OtaMatchRange  *range,
                gboolean              by_name,
                gint64                now,
                guint64              *n_tasks,
                GError              **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autofree char *inner = ota_match_sql (info, "d.id AS id, v.version AS version, d.online AS online, "
                                          "d.name AS name", ota_match_range_flags (range, by_name), NULL);
  g_autofree char *sql = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  OtaTaskStatus status;
  OtaTaskReason reason;
  gboolean push;
  gint64 n;

  /* The same first status as ota_rollout_enroll_device() and ota_rollout_queue_push():
   * in the push flow an online device is queued now, an offline one waits. The device
   * name is given so the per-row trigger that would copy it has nothing to do. */
  sql = g_strdup_printf ("INSERT INTO tasks (batch_id, device_id, status, reason, "
                         "source_version, current_version, needs_push, queue_at, created_at, "
                         "updated_at, device_name) "
                         "SELECT ?1, c.id, ?8, CASE WHEN ?9 THEN CASE WHEN c.online "
                         "THEN 'rate-limited' ELSE 'offline' END ELSE ?10 END, "
                         "c.version, c.version, ?9, CASE WHEN ?9 AND c.online THEN ?11 END, ?11, ?11, c.name "
                         "FROM (%s) c WHERE true ON CONFLICT DO NOTHING",
                         inner);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  first_status (info, now, &status, &reason, &push);
  ota_match_bind (stmt, info, range);
  sqlite3_bind_text (stmt, P_STATUS, ota_task_status_to_nick (status), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, P_PUSH, push ? 1 : 0);
  sqlite3_bind_text (stmt, P_REASON, ota_task_reason_to_nick (reason), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, P_NOW, now);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "creating device tasks");

  n = sqlite3_changes64 (ota_store_get_db (store));
  g_debug ("Batch %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " tasks in one statement", info->id, n);
  *n_tasks += (guint64) n;

  return n == 0 || add_to_count (self, info->id, status, n, error);
}

/* Whether any other batch of the product has an unfinished task (its counters say so):
 * when none has, no device of the product is busy (R-B15) and the lookups can go. */
static gboolean
others_have_unfinished (OtaEngine        *self,
                        const BatchInfo  *info,
                        gboolean         *busy,
                        GError          **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT 1 FROM batches b JOIN firmwares f ON f.id = b.firmware_id "
                       "WHERE f.product_key = ? AND b.id <> ? "
                       "AND b.n_pending_confirm + b.n_pending_push + b.n_pushed + b.n_upgrading > 0 LIMIT 1",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, info->product_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, info->id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading batches");

  *busy = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
match_with_info (OtaEngine            *self,
                 const BatchInfo      *info,
                 const OtaMatchRange  *range,
                 gboolean              by_name,
                 gint64                now,
                 guint64              *n_tasks,
                 GError              **error)
{
  g_autoptr(GArray) busy = NULL;
  gboolean others = TRUE;

  if (!others_have_unfinished (self, info, &others, error))
    return FALSE;

  busy = others ? ota_match_list_busy (self, info, range, by_name, error) : g_array_new (FALSE, FALSE, sizeof (Busy));
  if (busy == NULL)
    return FALSE;

  /* Each busy device gets exactly one task here (new, conflict, or after an overwrite). */
  for (guint i = 0; i < busy->len; i++)
    {
      Busy *b = &g_array_index (busy, Busy, i);

      if (!ota_match_enroll (self, info, b->device_id, b->version, now, error))
        return FALSE;
    }
  *n_tasks += busy->len;

  return insert_matches (self, info, range, by_name, now, n_tasks, error);
}

gboolean
ota_rollout_match_range (OtaEngine            *self,
                         gint64                batch_id,
                         const OtaMatchRange  *range,
                         gint64                now,
                         guint64              *n_tasks,
                         GError              **error)
{
  g_auto(BatchInfo) info = { 0 };
  guint64 n = 0;

  if (!ota_match_read_batch_info (self, batch_id, &info, error) ||
      !match_with_info (self, &info, range, TRUE, now, &n, error))
    return FALSE;

  if (n_tasks != NULL)
    *n_tasks = n;
  return TRUE;
}

gboolean
ota_rollout_match_batch (OtaEngine  *self,
                         gint64      batch_id,
                         gint64      now,
                         GError    **error)
{
  g_auto(BatchInfo) info = { 0 };
  OtaMatchRange all = OTA_MATCH_RANGE_ALL;
  guint64 n_gray, n_tasks = 0;

  if (!ota_match_read_batch_info (self, batch_id, &info, error))
    return FALSE;

  /* The gray share of the devices that match now (R-B10), whoever has a task already. */
  if (info.scope == OTA_BATCH_SCOPE_GRAY &&
      (!ota_rollout_fix_gray_cutoff (self, batch_id, OTA_DEVICE_ID_MAX, &n_gray, error) ||
       !ota_match_read_batch_info (self, batch_id, &info, error)))
    return FALSE;

  return match_with_info (self, &info, &all, FALSE, now, &n_tasks, error);
}

