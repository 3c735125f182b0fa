/* ota-rollout-match.c — which devices a batch upgrades, and giving them tasks (R-B2, R-B5,
 * R-B7..R-B11, R-B15, R-B16)
 *
 * Matching is set-based and walks the devices in id order, reading each one's version by
 * the key of device_versions, over a range of device ids: batch creation enrols a first
 * range at once and the due pass the rest, a range per transaction
 * (ota-rollout-enrol.c). Within a range the few devices that already have an unfinished
 * task (R-B15) are enrolled one by one first, then one INSERT … SELECT gives every other
 * match its task and the batch counter moves once by the number of rows. ON CONFLICT DO
 * NOTHING lets the unique indexes on tasks skip devices that have a task in the batch
 * already (and, as a safety net, devices with an unfinished task), so the SELECT never
 * reads the tasks table it writes to; unlike INSERT OR IGNORE it still fails on a
 * NOT NULL or CHECK violation instead of dropping the row silently.
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
  P_AFTER,
  P_UPTO,
  P_CUTOFF,
  P_LAST,
};

/* What a matching statement adds to the batch's own conditions. */
typedef enum {
  MATCH_BY_NAME = 1 << 0,   /* walk the product's devices in name order (else by id) */
  MATCH_AFTER   = 1 << 1,   /* device names after ?P_AFTER */
  MATCH_UPTO    = 1 << 2,   /* device names up to ?P_UPTO */
  MATCH_LAST    = 1 << 3,   /* device ids up to ?P_LAST */
  MATCH_GRAY    = 1 << 4,   /* gray: within the cutoff (R-B10) */
  MATCH_DEVICE  = 1 << 5,   /* only device ?P_DEVICE */
} MatchFlags;

/* The flags of a range, walked in name order or, when @by_name is FALSE (order does not
 * matter, only the id bound applies), in id order. */
static MatchFlags
range_flags (const OtaMatchRange *range,
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

/* R-B10's deterministic spread order; the same expression orders and cuts. */
#define SPREAD_SQL(id) "((" id " * 2654435761) % 4294967296)"

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
  gint64            gray_cutoff;   /* gray: the last device in the spread order; 0: none */
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
static void
append_match_filter (GString         *sql,
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
static char *
match_sql (const BatchInfo *info,
           const char      *columns,
           MatchFlags       flags,
           const char      *tail)
{
  GString *sql = g_string_new (NULL);

  g_string_printf (sql, "SELECT %s FROM devices d CROSS JOIN device_versions v WHERE", columns);
  append_match_filter (sql, info, flags);
  if (tail != NULL)
    g_string_append (sql, tail);

  return g_string_free (sql, FALSE);
}

static void
bind_batch (sqlite3_stmt        *stmt,
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

typedef struct {
  gint64 spread;
  gint64 id;
} Spread;

static inline gboolean
spread_less (const Spread *a,
             const Spread *b)
{
  return a->spread < b->spread || (a->spread == b->spread && a->id < b->id);
}

/* Moves the @k-th smallest (0-based) of @v into v[k] (Hoare's selection): linear on
 * average, where sorting a million devices in SQL took seconds. */
static void
select_nth (Spread *v,
            gsize   n,
            gsize   k)
{
  gsize lo = 0, hi = n - 1;

  while (lo < hi)
    {
      Spread pivot = v[lo + (hi - lo) / 2];
      gsize i = lo, j = hi;

      while (i <= j)
        {
          while (spread_less (&v[i], &pivot))
            i++;
          while (spread_less (&pivot, &v[j]))
            j--;
          if (i <= j)
            {
              Spread t = v[i];

              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }

      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        break;
    }
}

/* R-B10: floor(n · p / 100) of the n devices with ids up to @last_id that match now, at
 * least one (none of none), first in the spread order: *cutoff is the last of them (0:
 * none). */
static gboolean
find_gray_cutoff (OtaEngine        *self,
                  const BatchInfo  *info,
                  gint64            last_id,
                  gint64           *cutoff,
                  guint64          *n_gray,
                  GError          **error)
{
  OtaStore *store = ota_engine_get_store (self);
  OtaMatchRange range = { NULL, NULL, last_id };
  g_autofree char *sql = match_sql (info, "d.id, " SPREAD_SQL ("d.id"),
                                    range_flags (&range, FALSE) & ~MATCH_GRAY, NULL);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (Spread));
  guint64 limit;
  int rc;

  if (stmt == NULL)
    return FALSE;

  bind_batch (stmt, info, &range);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Spread s = { .id = sqlite3_column_int64 (stmt, 0), .spread = sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (all, s);
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "matching devices");

  limit = all->len == 0 ? 0 : MAX (1, (guint64) all->len * info->gray_percent / 100);
  *n_gray = limit;
  *cutoff = 0;
  if (limit > 0)
    {
      select_nth ((Spread *) all->data, all->len, limit - 1);
      *cutoff = g_array_index (all, Spread, limit - 1).id;
    }
  return TRUE;
}

gboolean
ota_rollout_fix_gray_cutoff (OtaEngine  *self,
                             gint64      batch_id,
                             gint64      last_id,
                             guint64    *n_gray,
                             GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_auto(BatchInfo) info = { 0 };
  g_autoptr(OtaCachedStmt) stmt = NULL;
  gint64 cutoff;

  if (!read_batch_info (self, batch_id, &info, error) ||
      !find_gray_cutoff (self, &info, last_id, &cutoff, n_gray, error))
    return FALSE;

  stmt = ota_store_prepare (store, "UPDATE batches SET enrol_gray_cutoff = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, cutoff);
  sqlite3_bind_int64 (stmt, 2, batch_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "saving a gray cutoff");

  return TRUE;
}

gboolean
ota_rollout_find_nth_match (OtaEngine            *self,
                            gint64                batch_id,
                            const OtaMatchRange  *range,
                            guint                 n,
                            gint64               *device_id,
                            GError              **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_auto(BatchInfo) info = { 0 };
  g_autofree char *sql = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (n > 0, FALSE);

  if (!read_batch_info (self, batch_id, &info, error))
    return FALSE;

  sql = match_sql (&info, "d.id", range_flags (range, TRUE), " ORDER BY d.name LIMIT 1 OFFSET ?7");
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_batch (stmt, &info, range);
  sqlite3_bind_int64 (stmt, P_LIMIT, n - 1);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "matching devices");

  *device_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

gboolean
ota_rollout_count_matches (OtaEngine            *self,
                           gint64                batch_id,
                           const OtaMatchRange  *range,
                           guint64              *n,
                           GError              **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_auto(BatchInfo) info = { 0 };
  g_autofree char *sql = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;

  if (!read_batch_info (self, batch_id, &info, error))
    return FALSE;

  /* In id order when no name bounds apply: the device rows are read in their order. */
  sql = match_sql (&info, "count(*)",
                   range_flags (range, range->after_name != NULL || range->upto_name != NULL), NULL);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_batch (stmt, &info, range);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "counting matching devices");

  *n = (guint64) sqlite3_column_int64 (stmt, 0);
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

/* The matching devices in @range that have an unfinished task in another batch: R-B15
 * decides about them one by one. A chunk (@by_name) looks its devices up in the partial
 * index of unfinished tasks; a whole product starts from the unfinished tasks, which are
 * usually far fewer than the devices. */
static GArray *
list_busy (OtaEngine            *self,
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
  append_match_filter (sql, info, range_flags (range, by_name));
  /* A device already in this batch (a dynamic one matching again) is not busy. */
  g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM tasks x WHERE x.batch_id = ?1 "
                        "AND x.device_id = d.id) ORDER BY d.id");

  stmt = ota_store_prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;

  bind_batch (stmt, info, range);
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
  g_autofree char *inner = match_sql (info, "d.id AS id, v.version AS version, d.online AS online, "
                                      "d.name AS name", range_flags (range, by_name), NULL);
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
  bind_batch (stmt, info, range);
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

  busy = others ? list_busy (self, info, range, by_name, error) : g_array_new (FALSE, FALSE, sizeof (Busy));
  if (busy == NULL)
    return FALSE;

  /* Each busy device gets exactly one task here (new, conflict, or after an overwrite). */
  for (guint i = 0; i < busy->len; i++)
    {
      Busy *b = &g_array_index (busy, Busy, i);

      if (!enroll_with_info (self, info, b->device_id, b->version, now, error))
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

  if (!read_batch_info (self, batch_id, &info, error) ||
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

  if (!read_batch_info (self, batch_id, &info, error))
    return FALSE;

  /* The gray share of the devices that match now (R-B10), whoever has a task already. */
  if (info.scope == OTA_BATCH_SCOPE_GRAY &&
      (!ota_rollout_fix_gray_cutoff (self, batch_id, OTA_DEVICE_ID_MAX, &n_gray, error) ||
       !read_batch_info (self, batch_id, &info, error)))
    return FALSE;

  return match_with_info (self, &info, &all, FALSE, now, &n_tasks, error);
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
  g_autofree char *sql = NULL;
  OtaMatchRange all = OTA_MATCH_RANGE_ALL;
  guint64 busy_online_conflicts = 0, n_gray;

  /* The batch row is never committed: a cutoff saved on it goes with it. */
  if (!read_batch_info (self, batch_id, &info, error) ||
      (info.scope == OTA_BATCH_SCOPE_GRAY &&
       (!ota_rollout_fix_gray_cutoff (self, batch_id, OTA_DEVICE_ID_MAX, &n_gray, error) ||
        !read_batch_info (self, batch_id, &info, error))))
    return FALSE;

  sql = match_sql (&info, "count(*), total(d.online = 0)", range_flags (&all, FALSE), NULL);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_batch (stmt, &info, &all);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "counting matching devices");

  memset (forecast, 0, sizeof *forecast);
  forecast->matched = sqlite3_column_int64 (stmt, 0);
  forecast->offline = (guint64) sqlite3_column_double (stmt, 1);

  busy = list_busy (self, &info, &all, FALSE, error);
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

/* Running dynamic batches of a product (a device's product when @device_id > 0; a device
 * that reports before the enrolment cursor reaches it is enrolled at once). */
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
                       /* A batch still enrolling reaches the new devices with its cursor. */
                       : "SELECT b.id FROM batches b JOIN firmwares f ON f.id = b.firmware_id "
                         "WHERE f.product_key = ?1 AND b.kind = 'batch' AND b.strategy = 'dynamic' "
                         "AND b.state = 'running' AND b.enrol_after_device_id IS NULL ORDER BY b.id",
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
  OtaMatchRange all = OTA_MATCH_RANGE_ALL;

  if (batches == NULL)
    return FALSE;

  for (guint i = 0; i < batches->len; i++)
    {
      g_auto(BatchInfo) info = { 0 };
      g_autoptr(GString) sql = g_string_new ("SELECT v.version FROM devices d "
                                             "CROSS JOIN device_versions v WHERE");
      g_autoptr(OtaCachedStmt) stmt = NULL;
      g_autofree char *version = NULL;
      int rc;

      if (!read_batch_info (self, g_array_index (batches, gint64, i), &info, error))
        return FALSE;

      append_match_filter (sql, &info, MATCH_DEVICE);
      g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM tasks x WHERE x.batch_id = ?1 "
                            "AND x.device_id = d.id)");
      stmt = ota_store_prepare (store, sql->str, error);
      if (stmt == NULL)
        return FALSE;

      bind_batch (stmt, &info, &all);
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
