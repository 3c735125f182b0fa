/* ota-rollout-count.c — how many devices a batch matches, without giving them tasks:
 * the gray share (R-B10), the bounds of an enrolment chunk, and the forecast
 */
#include <string.h>

#include "ota-rollout-match-private.h"

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
  g_autofree char *sql = ota_match_sql (info, "d.id, " SPREAD_SQL ("d.id"),
                                        ota_match_range_flags (&range, FALSE) & ~MATCH_GRAY, NULL);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (Spread));
  guint64 limit;
  int rc;

  if (stmt == NULL)
    return FALSE;

  ota_match_bind (stmt, info, &range);
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

  if (!ota_match_read_batch_info (self, batch_id, &info, error) ||
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

  if (!ota_match_read_batch_info (self, batch_id, &info, error))
    return FALSE;

  sql = ota_match_sql (&info, "d.id", ota_match_range_flags (range, TRUE), " ORDER BY d.name LIMIT 1 OFFSET ?7");
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  ota_match_bind (stmt, &info, range);
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

  if (!ota_match_read_batch_info (self, batch_id, &info, error))
    return FALSE;

  /* In id order when no name bounds apply: the device rows are read in their order. */
  sql = ota_match_sql (&info, "count(*)",
                       ota_match_range_flags (range, range->after_name != NULL || range->upto_name != NULL), NULL);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  ota_match_bind (stmt, &info, range);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "counting matching devices");

  *n = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
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
  if (!ota_match_read_batch_info (self, batch_id, &info, error) ||
      (info.scope == OTA_BATCH_SCOPE_GRAY &&
       (!ota_rollout_fix_gray_cutoff (self, batch_id, OTA_DEVICE_ID_MAX, &n_gray, error) ||
        !ota_match_read_batch_info (self, batch_id, &info, error))))
    return FALSE;

  sql = ota_match_sql (&info, "count(*), total(d.online = 0)", ota_match_range_flags (&all, FALSE), NULL);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  ota_match_bind (stmt, &info, &all);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "counting matching devices");

  memset (forecast, 0, sizeof *forecast);
  forecast->matched = sqlite3_column_int64 (stmt, 0);
  forecast->offline = (guint64) sqlite3_column_double (stmt, 1);

  busy = ota_match_list_busy (self, &info, &all, FALSE, error);
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

