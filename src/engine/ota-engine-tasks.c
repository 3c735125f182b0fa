/* ota-engine-tasks.c — reading a batch's device tasks (R-D2, R-D3)
 *
 * A batch may hold a million tasks and the console pages through them by offset. SQLite
 * walks an OFFSET row by row, so each page first picks its row ids from an index that
 * already holds the sort key (schema 2 → 3) and only then reads the 50 or so full rows.
 * Counts come from the batch's counters (kept by every transition) unless the device
 * name is searched, and sorting by status is done as one index range per status in the
 * order of the task's life, the counters telling which ranges a page falls into.
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "ota-error.h"
#include "ota-rollout-private.h"

#define TASK_COLUMNS \
  "t.id, t.batch_id, t.device_id, t.device_name, t.status, t.reason, t.error_code, " \
  "t.detail, t.progress, t.source_version, t.current_version, t.tries, t.needs_push, " \
  "t.last_reason, t.created_at, t.updated_at, b.schedule_start"

static OtaTask *
task_from_row (sqlite3_stmt *stmt)
{
  OtaTaskFields f = {
    .id = sqlite3_column_int64 (stmt, 0),
    .batch_id = sqlite3_column_int64 (stmt, 1),
    .device_id = sqlite3_column_int64 (stmt, 2),
    .device_name = (const char *) sqlite3_column_text (stmt, 3),
    .status = ota_task_status_from_nick ((const char *) sqlite3_column_text (stmt, 4)),
    .reason = ota_task_reason_from_nick ((const char *) sqlite3_column_text (stmt, 5)),
    .error_code = sqlite3_column_int (stmt, 6),
    .detail = (const char *) sqlite3_column_text (stmt, 7),
    .progress = (guint) CLAMP (sqlite3_column_int (stmt, 8), 0, 100),
    .source_version = (const char *) sqlite3_column_text (stmt, 9),
    .current_version = (const char *) sqlite3_column_text (stmt, 10),
    .tries = (guint) MAX (sqlite3_column_int (stmt, 11), 0),
    .last_reason = ota_task_reason_from_nick ((const char *) sqlite3_column_text (stmt, 13)),
    .created_at = sqlite3_column_int64 (stmt, 14),
    .updated_at = sqlite3_column_int64 (stmt, 15),
  };
  gboolean needs_push = sqlite3_column_int (stmt, 12) != 0;

  /* R-D2: a task waiting for the batch's start shows when it starts. */
  if (f.status == OTA_TASK_STATUS_PENDING_PUSH && f.reason == OTA_TASK_REASON_SCHEDULED)
    f.scheduled_at = sqlite3_column_int64 (stmt, 16);
  /* R-R4: a retry keeps the status; the queued notice is what tells it apart. */
  f.retry_pending = needs_push && (f.status == OTA_TASK_STATUS_PUSHED ||
                                   f.status == OTA_TASK_STATUS_UPGRADING);

  return ota_task_new (&f);
}

/* The batch's task counts per status; NOT_FOUND naming "batch" when there is none. */
static gboolean
read_batch_counts (OtaStore  *store,
                   gint64     batch_id,
                   guint64    counts[OTA_N_TASK_STATUSES],
                   GError   **error)
{
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT n_pending_confirm, n_pending_push, n_pushed, n_upgrading, "
                       "n_succeeded, n_failed, n_cancelled FROM batches WHERE id = ?",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "batch",
                           _("Batch %" PRId64 " does not exist"), batch_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading a batch");

  for (guint i = 0; i < OTA_N_TASK_STATUSES; i++)
    counts[i] = (guint64) MAX (sqlite3_column_int64 (stmt, i), 0);

  return TRUE;
}

/* A search of the device name: the SQL condition on parameter ?3 and the text bound to
 * it. A search without ASCII letters is a plain substring test (instr(), a quarter
 * cheaper than LIKE per row: a search of a million-task batch reads every name once to
 * count the matches); case can only matter with letters, and then LIKE (which ignores
 * ASCII case) gets "%text%" with the wildcards of @search taken literally. */
typedef struct {
  const char *condition;
  char       *text;
} Search;

static void
search_clear (Search *search)
{
  g_clear_pointer (&search->text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Search, search_clear)

static void
search_init (Search     *search,
             const char *text)
{
  GString *pattern;
  gboolean letters = FALSE;

  for (const char *p = text; *p != '\0' && !letters; p++)
    letters = g_ascii_isalpha (*p);

  if (!letters)
    {
      search->condition = "instr(device_name, ?3) > 0";
      search->text = g_strdup (text);
      return;
    }

  pattern = g_string_new ("%");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  search->condition = "device_name LIKE ?3 ESCAPE '\\'";
  search->text = g_string_free (pattern, FALSE);
}

/* Task counts among those whose device name matches @search: of @status only (the
 * others stay 0), or per status when @per_status, or else the total alone in
 * *@total (@counts stay 0). Each reads only the index it needs: one status's range of
 * (batch, status, name), or (batch, name) without grouping. */
static gboolean
count_matches (OtaStore      *store,
               gint64         batch_id,
               const Search  *search,
               int            status,
               gboolean       per_status,
               guint64        counts[OTA_N_TASK_STATUSES],
               guint64       *total,
               GError       **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  if (status >= 0)
    sql = g_strdup_printf ("SELECT ?2, count(*) FROM tasks WHERE batch_id = ?1 AND status = ?2 AND %s",
                           search->condition);
  else if (per_status)
    sql = g_strdup_printf ("SELECT status, count(*) FROM tasks WHERE batch_id = ?1 AND %s GROUP BY status",
                           search->condition);
  else
    sql = g_strdup_printf ("SELECT NULL, count(*) FROM tasks INDEXED BY tasks_by_batch_name "
                           "WHERE batch_id = ?1 AND %s", search->condition);
  stmt = ota_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  memset (counts, 0, sizeof (guint64) * OTA_N_TASK_STATUSES);
  *total = 0;
  sqlite3_bind_int64 (stmt, 1, batch_id);
  if (status >= 0)
    sqlite3_bind_text (stmt, 2, ota_task_status_to_nick (status), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, search->text, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint64 n = (guint64) sqlite3_column_int64 (stmt, 1);

      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        counts[ota_task_status_from_nick ((const char *) sqlite3_column_text (stmt, 0))] = n;
      *total += n;
    }

  return rc == SQLITE_DONE || ota_store_set_error (store, error, "counting tasks");
}

/* The ORDER BY terms of @sort, columns prefixed with @table ("" or "t."). */
static char *
order_terms (OtaTaskSort  sort,
             gboolean     descending,
             const char  *table)
{
  const char *d = descending ? " DESC" : "";

  switch (sort)
    {
    case OTA_TASK_SORT_UPDATED:
      return g_strdup_printf ("%supdated_at%s, %sstatus%s, %sid%s", table, d, table, d, table, d);
    case OTA_TASK_SORT_PROGRESS:
      return g_strdup_printf ("%sprogress%s, %sstatus%s, %sid%s", table, d, table, d, table, d);
    case OTA_TASK_SORT_DEVICE:
    case OTA_TASK_SORT_STATUS:   /* within one status range */
    default:
      return g_strdup_printf ("%sdevice_name%s, %sid%s", table, d, table, d);
    }
}

/* The SQL of one page of one status range (@by_status) or of the whole batch. The
 * inner query reads only a covering index (its order is the index order: the key, then
 * the row id, so pages never overlap); the outer one reads the few full rows. */
static char *
page_sql (OtaTaskSort   sort,
          gboolean      descending,
          gboolean      by_status,
          const Search *search)
{
  g_autofree char *inner = order_terms (sort, descending, "");
  g_autofree char *outer = order_terms (sort, descending, "t.");

  return g_strdup_printf ("SELECT " TASK_COLUMNS " FROM "
                          "(SELECT id FROM tasks WHERE batch_id = ?1%s%s%s ORDER BY %s LIMIT ?4 OFFSET ?5) AS page "
                          "JOIN tasks t ON t.id = page.id JOIN batches b ON b.id = t.batch_id "
                          "ORDER BY %s",
                          by_status ? " AND status = ?2" : "",
                          search != NULL ? " AND " : "", search != NULL ? search->condition : "",
                          inner, outer);
}

/* Appends up to @limit tasks of one range (@status, or -1 for all) from @offset. */
static gboolean
read_page (OtaStore            *store,
           gint64               batch_id,
           const OtaTaskQuery  *query,
           int                  status,
           const Search        *search,
           guint64              offset,
           guint64              limit,
           GPtrArray           *tasks,
           GError             **error)
{
  g_autofree char *sql = page_sql (query->sort, query->descending, status >= 0, search);
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  if (status >= 0)
    sqlite3_bind_text (stmt, 2, ota_task_status_to_nick (status), -1, SQLITE_STATIC);
  if (search != NULL)
    sqlite3_bind_text (stmt, 3, search->text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, limit > G_MAXINT64 ? -1 : (sqlite3_int64) limit);
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) offset);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tasks, task_from_row (stmt));

  return rc == SQLITE_DONE || ota_store_set_error (store, error, "reading tasks");
}

/**
 * ota_engine_query_tasks:
 * @total: (out) (optional): tasks matching the filter and search, before paging
 *
 * One page of a batch's device list (R-D2): filtered by status, searched by a part of
 * the device name (case does not matter; “%” and “_” are plain characters), sorted.
 * Sorting by status follows the task's life (pending-confirm … cancelled), then the
 * device name.
 *
 * Returns: (element-type OtaTask) (transfer full): the page, or NULL with NOT_FOUND
 *   when the batch does not exist
 */
GPtrArray *
ota_engine_query_tasks (OtaEngine           *self,
                        gint64               batch_id,
                        const OtaTaskQuery  *query,
                        guint64             *total,
                        GError             **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(Search) search = { NULL, NULL };
  gboolean searching = query->search != NULL && query->search[0] != '\0';
  guint64 counts[OTA_N_TASK_STATUSES];
  guint64 search_total = 0;
  int ranges[OTA_N_TASK_STATUSES];
  guint n_ranges = 0;
  guint64 matches = 0, offset, remaining;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (query->status < -1 || query->status >= OTA_N_TASK_STATUSES)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "status", _("Unknown task status %d"), query->status);
      return NULL;
    }
  if ((guint) query->sort > OTA_TASK_SORT_PROGRESS)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "sort", _("Unknown sort order %d"), (int) query->sort);
      return NULL;
    }

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  if (!read_batch_counts (store, batch_id, counts, error))
    return NULL;

  /* The status ranges of a status sort need a count each; otherwise one count will do. */
  if (searching)
    {
      search_init (&search, query->search);
      if (!count_matches (store, batch_id, &search, query->status,
                          query->status < 0 && query->sort == OTA_TASK_SORT_STATUS,
                          counts, &search_total, error))
        return NULL;
    }

  /* The status ranges a page is taken from, in order; -1: the whole batch at once. */
  if (query->status >= 0)
    ranges[n_ranges++] = query->status;
  else if (query->sort == OTA_TASK_SORT_STATUS)
    for (int i = 0; i < OTA_N_TASK_STATUSES; i++)
      ranges[n_ranges++] = query->descending ? OTA_N_TASK_STATUSES - 1 - i : i;
  else
    ranges[n_ranges++] = -1;

  if (searching)
    matches = search_total;
  else
    for (int i = 0; i < OTA_N_TASK_STATUSES; i++)
      if (query->status < 0 || query->status == i)
        matches += counts[i];

  offset = query->offset;
  remaining = query->limit > 0 ? query->limit : G_MAXUINT64;
  for (guint i = 0; i < n_ranges && remaining > 0; i++)
    {
      guint64 size = ranges[i] >= 0 ? counts[ranges[i]] : matches;
      guint before = tasks->len;

      if (offset >= size)
        {
          offset -= size;
          continue;
        }
      if (!read_page (store, batch_id, query, ranges[i], searching ? &search : NULL, offset, remaining,
                      tasks, error))
        return NULL;
      offset = 0;
      if (remaining != G_MAXUINT64)
        remaining -= MIN (remaining, tasks->len - before);
    }

  if (total != NULL)
    *total = matches;

  return g_steal_pointer (&tasks);
}

/**
 * ota_engine_get_task:
 *
 * Returns: (transfer full): one task, or NULL with NOT_FOUND naming "task"
 */
OtaTask *
ota_engine_get_task (OtaEngine  *self,
                     gint64      task_id,
                     GError    **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  stmt = ota_store_prepare (store,
                            "SELECT " TASK_COLUMNS " FROM tasks t JOIN batches b ON b.id = t.batch_id "
                            "WHERE t.id = ?",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, task_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return task_from_row (stmt);

  if (rc == SQLITE_DONE)
    ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "task", _("Task %" PRId64 " does not exist"), task_id);
  else
    ota_store_set_error (store, error, "reading a task");
  return NULL;
}

/**
 * ota_engine_get_device_task:
 *
 * What a device is doing now: its unfinished task (the database allows one), else the
 * task that changed last (a finished upgrade shows how it ended).
 *
 * Returns: (transfer full): the task, or NULL with NOT_FOUND naming "device" (no such
 *   device) or "task" (the device never had one)
 */
OtaTask *
ota_engine_get_device_task (OtaEngine   *self,
                            const char  *product_key,
                            const char  *device_name,
                            GError     **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  gint64 task_id = 0;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (product_key != NULL && device_name != NULL, NULL);

  store = ota_engine_get_store (self);
  /* Held across both reads: the task found is the one returned. */
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  {
    g_autoptr(OtaCachedStmt) stmt =
      ota_store_prepare (store,
                         "SELECT (SELECT t.id FROM tasks t WHERE t.device_id = d.id "
                         "ORDER BY t.status IN " OTA_TASK_UNFINISHED_SQL " DESC, "
                         "t.updated_at DESC, t.id DESC LIMIT 1) "
                         "FROM devices d WHERE d.product_key = ? AND d.name = ?",
                         error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, device_name, -1, SQLITE_STATIC);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE)
      {
        ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "device",
                             _("Device “%s” of product “%s” does not exist"), device_name, product_key);
        return NULL;
      }
    if (rc != SQLITE_ROW)
      {
        ota_store_set_error (store, error, "reading the device’s task");
        return NULL;
      }
    task_id = sqlite3_column_int64 (stmt, 0);
  }

  if (task_id == 0)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "task",
                           _("Device “%s” has no upgrade task"), device_name);
      return NULL;
    }
  return ota_engine_get_task (self, task_id, error);
}

/**
 * ota_engine_count_failures:
 *
 * The failed tasks of a batch per reason (R-D3), the largest group first and groups of
 * the same size by reason name.
 *
 * Returns: (element-type OtaFailureGroup) (transfer full)
 */
GArray *
ota_engine_count_failures (OtaEngine  *self,
                           gint64      batch_id,
                           GError    **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autoptr(GArray) groups = g_array_new (FALSE, FALSE, sizeof (OtaFailureGroup));
  guint64 counts[OTA_N_TASK_STATUSES];
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  if (!read_batch_counts (store, batch_id, counts, error))
    return NULL;
  if (counts[OTA_TASK_STATUS_FAILED] == 0)
    return g_steal_pointer (&groups);

  stmt = ota_store_prepare (store,
                            "SELECT reason, count(*) AS n FROM tasks "
                            "WHERE batch_id = ? AND status = 'failed' "
                            "GROUP BY reason ORDER BY n DESC, reason",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, batch_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OtaFailureGroup group = {
        .reason = ota_task_reason_from_nick ((const char *) sqlite3_column_text (stmt, 0)),
        .count = (guint64) sqlite3_column_int64 (stmt, 1),
      };

      g_array_append_val (groups, group);
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "counting failures");
      return NULL;
    }

  return g_steal_pointer (&groups);
}
