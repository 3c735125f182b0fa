/* ota-rollout-enrol.c — giving the devices of a very large batch their tasks in chunks
 *
 * Writing a million tasks takes several seconds (each task lands in several indexes) and
 * would hold the store all along. So a new batch is recorded with its matching rules at
 * once and enrols its devices a chunk at a time, in device name order: the first chunk in
 * the creating transaction, the others from ota_engine_run_due(), one transaction per
 * chunk. A chunk is due since the batch's creation and enrolled as of that time (task
 * times, the push pass that follows), so a late due pass gives the outcome that one big
 * enrolment would have given. batches.enrol_after_device_id is the cursor (NULL:
 * complete), enrol_pending the devices matched at creation that have no task yet, for
 * "preparing N devices".
 *
 * Name order: the batch's tasks then lie in the table in the order of its name indexes
 * (the task list's sort keys), so a statement over all of them (cancelling a million)
 * walks the table and those indexes in step instead of jumping about. The cursor is the
 * id of the last device enrolled; devices are never renamed or removed, so it stands
 * for its name.
 *
 * What this means (also in ota-rollout.h): a static batch takes the devices that exist
 * when it is created; each is judged (version, online, other unfinished tasks) when its
 * chunk is enrolled, within seconds after creation. A gray batch fixes its share at
 * creation (the cutoff in the spread order, R-B10). A batch still enrolling never
 * finishes; cancelling it or the end of its window stops the enrolment. Dynamic matching
 * of single devices may enrol a device ahead of the cursor: the unique (batch, device)
 * key keeps it from being enrolled twice.
 */
#include "ota-rollout-private.h"

/* Saves the cursor; @after 0 closes the enrolment. */
static gboolean
write_cursor (OtaEngine  *self,
              gint64      batch_id,
              gint64      after,
              gint64      last,
              guint64     pending,
              GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "UPDATE batches SET enrol_after_device_id = nullif(?2, 0), "
                       "enrol_last_device_id = CASE WHEN ?2 = 0 OR ?3 = ?5 THEN NULL ELSE ?3 END, "
                       "enrol_pending = CASE WHEN ?2 = 0 THEN 0 ELSE ?4 END WHERE id = ?1",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int64 (stmt, 3, last);
  sqlite3_bind_int64 (stmt, 4, (gint64) MIN (pending, (guint64) G_MAXINT64));
  sqlite3_bind_int64 (stmt, 5, OTA_DEVICE_ID_MAX);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "saving the enrolment of a batch");

  ota_engine_mark_batch_changed (self, batch_id);
  return TRUE;
}

/* The highest device id now: a static batch enrols nobody added later. */
static gboolean
read_last_device_id (OtaEngine  *self,
                     gint64     *last,
                     GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, "SELECT coalesce(max(id), 0) FROM devices", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading devices");

  *last = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* (transfer full): the name of a device. */
static char *
dup_device_name (OtaEngine  *self,
                 gint64      device_id,
                 GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, "SELECT name FROM devices WHERE id = ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, device_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      ota_store_set_error (store, error, "reading a device");
      return NULL;
    }

  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
ota_rollout_start_enrolment (OtaEngine  *self,
                             gint64      batch_id,
                             gint64      now,
                             GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  guint chunk = ota_engine_get_enrol_chunk (self);
  OtaMatchRange range = OTA_MATCH_RANGE_ALL;
  g_autofree char *upto_name = NULL;
  gboolean is_static, gray;
  gint64 upto = 0;
  guint64 n_gray = 0, n_first = 0, n_all = 0;

  {
    g_autoptr(OtaCachedStmt) stmt =
      ota_store_prepare (store, "SELECT strategy = 'static', scope = 'gray' FROM batches WHERE id = ?", error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, batch_id);
    if (sqlite3_step (stmt) != SQLITE_ROW)
      return ota_store_set_error (store, error, "reading a batch");
    is_static = sqlite3_column_int (stmt, 0) != 0;
    gray = sqlite3_column_int (stmt, 1) != 0;
  }

  if ((is_static && !read_last_device_id (self, &range.last_id, error)) ||
      (gray && !ota_rollout_fix_gray_cutoff (self, batch_id, range.last_id, &n_gray, error)) ||
      !ota_rollout_find_nth_match (self, batch_id, &range, chunk, &upto, error))
    return FALSE;

  /* Few enough for one go: enrolment is complete with the batch. */
  if (upto == 0)
    return ota_rollout_match_range (self, batch_id, &range, now, NULL, error);

  upto_name = dup_device_name (self, upto, error);
  if (upto_name == NULL)
    return FALSE;
  range.upto_name = upto_name;

  /* Every match in the first chunk got a task: the rest is what is still to come. */
  if (!ota_rollout_match_range (self, batch_id, &range, now, &n_first, error))
    return FALSE;
  range.upto_name = NULL;
  if (!ota_rollout_count_matches (self, batch_id, &range, &n_all, error))
    return FALSE;

  g_debug ("Batch %" G_GINT64_FORMAT ": %" G_GUINT64_FORMAT " tasks at creation, %"
           G_GUINT64_FORMAT " devices to enrol in chunks", batch_id, n_first, n_all - MIN (n_first, n_all));
  return write_cursor (self, batch_id, upto, range.last_id, n_all - MIN (n_first, n_all), error);
}

gboolean
ota_rollout_enrol_next_chunk (OtaEngine  *self,
                              gint64      now,
                              gboolean   *enrolled,
                              GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  /* Larger than the first chunk: every commit rewrites the pages that the chunk's tasks
   * touched in the indexes keyed by device id, nearly all of them, so fewer commits cost
   * less in all. A chunk still holds the store for well under a second. */
  guint chunk = ota_engine_get_enrol_chunk (self) * 4;
  OtaMatchRange range = OTA_MATCH_RANGE_ALL;
  g_autofree char *after_name = NULL;
  g_autofree char *upto_name = NULL;
  gint64 batch_id, after, upto = 0;
  guint64 pending, n = 0;
  gboolean is_static;

  *enrolled = FALSE;

  {
    g_autoptr(OtaCachedStmt) stmt =
      ota_store_prepare (store,
                         "SELECT id, enrol_after_device_id, coalesce(enrol_last_device_id, ?1), "
                         "enrol_pending, strategy = 'static' FROM batches "
                         "WHERE enrol_after_device_id IS NOT NULL AND state IN ('scheduled', 'running') "
                         "ORDER BY created_at, id LIMIT 1",
                         error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, OTA_DEVICE_ID_MAX);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE)
      return TRUE;
    if (rc != SQLITE_ROW)
      return ota_store_set_error (store, error, "reading the enrolling batches");

    batch_id = sqlite3_column_int64 (stmt, 0);
    after = sqlite3_column_int64 (stmt, 1);
    range.last_id = sqlite3_column_int64 (stmt, 2);
    pending = (guint64) MAX (0, sqlite3_column_int64 (stmt, 3));
    is_static = sqlite3_column_int (stmt, 4) != 0;
  }

  after_name = dup_device_name (self, after, error);
  if (after_name == NULL)
    return FALSE;
  range.after_name = after_name;

  if (!ota_rollout_find_nth_match (self, batch_id, &range, chunk, &upto, error))
    return FALSE;
  if (upto != 0)
    {
      upto_name = dup_device_name (self, upto, error);
      if (upto_name == NULL)
        return FALSE;
      range.upto_name = upto_name;
    }

  if (!ota_rollout_match_range (self, batch_id, &range, now, &n, error))
    return FALSE;

  *enrolled = TRUE;
  g_debug ("Batch %" G_GINT64_FORMAT ": %" G_GUINT64_FORMAT " tasks enrolled after device %"
           G_GINT64_FORMAT "%s", batch_id, n, after, upto == 0 ? ", enrolment complete" : "");

  if (upto != 0)
    return write_cursor (self, batch_id, upto, range.last_id, pending - MIN (n, pending), error);

  /* The last chunk: a static batch whose tasks all ended already (conflicts) is over. */
  return write_cursor (self, batch_id, 0, range.last_id, 0, error) &&
         (!is_static || ota_rollout_maybe_finish_batch (self, batch_id, now, error));
}

gboolean
ota_rollout_stop_enrolment (OtaEngine  *self,
                            gint64      batch_id,
                            GError    **error)
{
  return write_cursor (self, batch_id, 0, OTA_DEVICE_ID_MAX, 0, error);
}
