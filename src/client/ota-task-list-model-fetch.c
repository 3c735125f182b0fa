/* ota-task-list-model-fetch.c — the queries of OtaTaskListModel: requery, page fetches
 * and refreshes, at most OTA_TASK_LIST_MODEL_MAX_IN_FLIGHT at a time, scheduled from an
 * idle so that several property changes or get_item() calls in a row coalesce */
#include "ota-task-list-model-private.h"

typedef struct {
  OtaTaskListModel *self;           /* strong: the result must find the model */
  guint             gen;
  guint             index;          /* page fetches */
  OtaBackend       *backend;        /* requeries: the query they apply */
  gint64            batch_id;
  OtaTaskQuery      query;          /* search owned */
} Request;

static void pump (OtaTaskListModel *self);

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  g_clear_object (&request->backend);
  g_free ((char *) request->query.search);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static gboolean
pump_cb (gpointer data)
{
  OtaTaskListModel *self = data;

  g_clear_pointer (&self->pump_source, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_pump (OtaTaskListModel *self)
{
  if (self->pump_source != NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  self->pump_source = g_idle_source_new ();
  g_source_set_callback (self->pump_source, pump_cb, self, NULL);
  g_source_set_static_name (self->pump_source, "[ota] task list fetch");
  g_source_attach (self->pump_source, self->context);
}

void
ota_task_list_model_request_requery (OtaTaskListModel *self)
{
  gboolean was_loading = ota_task_list_model_get_loading (self);

  self->desired_gen++;
  schedule_pump (self);
  if (!was_loading)
    ota_task_list_model_notify (self, OTA_TASK_LIST_PROP_LOADING);
}

void
ota_task_list_model_request_refresh (OtaTaskListModel *self)
{
  self->refresh_wanted = TRUE;
  schedule_pump (self);
}

void
ota_task_list_model_queue_fetch (OtaTaskListModel *self,
                                 OtaTaskListPage  *page)
{
  if (page->queued || page->in_flight)
    return;

  page->queued = TRUE;
  g_queue_push_head (&self->fetch_queue, GUINT_TO_POINTER (page->index));
  schedule_pump (self);
}

static void
count_query (OtaTaskListModel *self)
{
  self->in_flight++;
  self->n_queries++;
  ota_task_list_model_notify (self, OTA_TASK_LIST_PROP_N_QUERIES);
}

/* ---- Filling rows ----------------------------------------------------------- */

static void
emit_runs (OtaTaskListModel *self,
           GArray           *positions)
{
  guint i = 0;

  while (i < positions->len)
    {
      guint start = g_array_index (positions, guint, i);
      guint length = 1;

      while (i + length < positions->len && g_array_index (positions, guint, i + length) == start + length)
        length++;

      g_list_model_items_changed (G_LIST_MODEL (self), start, length, length);
      i += length;
    }
}

/* Puts a page's tasks into its rows; returns the positions of rows that were loaded
 * before and changed (new rows only notify). */
static GArray *
fill_page (OtaTaskListModel *self,
           OtaTaskListPage  *page,
           GPtrArray        *tasks,
           guint             keep_below)
{
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (guint));
  guint first = page->index * OTA_TASK_LIST_MODEL_PAGE_SIZE;

  for (guint k = 0; k < tasks->len && first + k < self->n_items; k++)
    {
      guint position = first + k;
      OtaTaskRow *row;
      gboolean was_loaded;

      if (page->rows->len <= k)
        g_ptr_array_set_size (page->rows, k + 1);
      row = g_ptr_array_index (page->rows, k);
      if (row == NULL)
        {
          row = ota_task_list_model_ensure_row (self, position);
          g_ptr_array_index (page->rows, k) = row;
        }

      was_loaded = ota_task_row_get_loaded (row);
      if (ota_task_row_update (row, g_ptr_array_index (tasks, k)) && was_loaded && position < keep_below)
        g_array_append_val (changed, position);
    }

  page->loaded = TRUE;
  return changed;
}

/* ---- Page fetches and refreshes ---------------------------------------------- */

static void
apply_page (OtaTaskListModel *self,
            OtaTaskListPage  *page,
            GPtrArray        *tasks,
            guint64           total)
{
  g_autoptr(GArray) changed = NULL;
  guint old_n = self->n_items;
  guint new_n = (guint) MIN (total, G_MAXUINT);
  guint common = MIN (old_n, new_n);

  self->n_items = new_n;
  if (new_n < old_n)
    ota_task_list_model_truncate (self, new_n);

  if (page->index * OTA_TASK_LIST_MODEL_PAGE_SIZE >= new_n)
    ota_task_list_model_drop_page (self, page);
  else
    changed = fill_page (self, page, tasks, common);

  /* The count first, so every signal leaves the model consistent for its listeners. */
  if (new_n != old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), common, old_n - common, new_n - common);
  if (changed != NULL)
    emit_runs (self, changed);
}

static void
fetch_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  OtaTaskListModel *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  OtaTaskListPage *page;
  guint64 total = 0;

  tasks = ota_backend_query_tasks_finish (OTA_BACKEND (source), result, &total, &error);
  self->in_flight--;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* A page of an older query: its cache is gone already. */
  if (request->gen != self->applied_gen)
    {
      schedule_pump (self);
      return;
    }

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (request->index));
  if (page != NULL)
    page->in_flight = FALSE;

  if (tasks == NULL)
    g_warning ("Cannot read the tasks of batch %" G_GINT64_FORMAT ": %s",
               self->applied_batch_id, error->message);
  else if (page != NULL)
    apply_page (self, page, tasks, total);

  /* Looked up again: applying may have dropped it. */
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (request->index));
  if (page != NULL && page->stale)
    {
      page->stale = FALSE;
      ota_task_list_model_queue_fetch (self, page);
    }

  schedule_pump (self);
}

static void
start_fetch (OtaTaskListModel *self,
             OtaTaskListPage  *page)
{
  Request *request = g_new0 (Request, 1);
  OtaTaskQuery query = self->applied;

  page->queued = FALSE;
  page->in_flight = TRUE;
  page->stale = FALSE;

  request->self = g_object_ref (self);
  request->gen = self->applied_gen;
  request->index = page->index;

  query.offset = page->index * OTA_TASK_LIST_MODEL_PAGE_SIZE;
  query.limit = OTA_TASK_LIST_MODEL_PAGE_SIZE;
  count_query (self);
  ota_backend_query_tasks_async (self->applied_backend, self->applied_batch_id, &query,
                                 self->cancellable, fetch_done, request);
}

/* Every page held, or holding a row someone holds, is fetched again; page 0 when there
 * is none, for the total. */
static void
plan_refresh (OtaTaskListModel *self)
{
  g_autoptr(GHashTable) indices = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (indices, key);

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (indices, GUINT_TO_POINTER (GPOINTER_TO_UINT (key) / OTA_TASK_LIST_MODEL_PAGE_SIZE));

  if (g_hash_table_size (indices) == 0)
    g_hash_table_add (indices, GUINT_TO_POINTER (0));

  g_hash_table_iter_init (&iter, indices);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      OtaTaskListPage *page = ota_task_list_model_ensure_page (self, GPOINTER_TO_UINT (key));

      if (page->in_flight)
        page->stale = TRUE;
      else
        ota_task_list_model_queue_fetch (self, page);
    }
}

/* ---- Requery ------------------------------------------------------------------ */

/* Switches the model to the request's query, with its first page. */
static void
apply_query (OtaTaskListModel *self,
             Request          *request,
             GPtrArray        *tasks,
             guint64           total)
{
  guint old_n = self->n_items;

  ota_task_list_model_clear_cache (self);

  g_set_object (&self->applied_backend, request->backend);
  self->applied_batch_id = request->batch_id;
  g_free ((char *) self->applied.search);
  self->applied = request->query;
  request->query.search = NULL;
  self->applied_gen = request->gen;
  self->n_items = (guint) MIN (total, G_MAXUINT);

  /* All rows are new: nothing to report but the one items-changed below. */
  if (tasks != NULL && self->n_items > 0)
    g_array_unref (fill_page (self, ota_task_list_model_ensure_page (self, 0), tasks, 0));

  if (old_n > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
  if (!ota_task_list_model_get_loading (self))
    ota_task_list_model_notify (self, OTA_TASK_LIST_PROP_LOADING);
}

static void
requery_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  OtaTaskListModel *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  guint64 total = 0;

  tasks = ota_backend_query_tasks_finish (OTA_BACKEND (source), result, &total, &error);
  self->in_flight--;
  self->requery_in_flight = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The query changed again meanwhile: the pump sends the newer one. */
  if (request->gen == self->desired_gen)
    {
      if (tasks == NULL)
        g_warning ("Cannot read the tasks of batch %" G_GINT64_FORMAT ": %s",
                   request->batch_id, error->message);
      apply_query (self, request, tasks, tasks != NULL ? total : 0);
    }

  schedule_pump (self);
}

static void
start_requery (OtaTaskListModel *self)
{
  g_autoptr(Request) request = g_new0 (Request, 1);
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  OtaBackend *backend;
  gint64 batch_id;

  request->self = g_object_ref (self);
  request->gen = self->desired_gen;
  request->backend = self->backend != NULL ? g_object_ref (self->backend) : NULL;
  request->batch_id = self->batch_id;
  request->query = query;
  request->query.status = self->status_filter;
  request->query.search = g_strdup (self->search);
  request->query.sort = self->sort;
  request->query.descending = self->descending;

  /* Nothing to show: no query at all. */
  if (request->backend == NULL || request->batch_id <= 0)
    {
      apply_query (self, request, NULL, 0);
      return;
    }

  query = request->query;
  query.offset = 0;
  query.limit = OTA_TASK_LIST_MODEL_PAGE_SIZE;
  self->requery_in_flight = TRUE;
  count_query (self);
  backend = request->backend;
  batch_id = request->batch_id;
  ota_backend_query_tasks_async (backend, batch_id, &query, self->cancellable,
                                 requery_done, g_steal_pointer (&request));
}

static void
pump (OtaTaskListModel *self)
{
  while (self->in_flight < OTA_TASK_LIST_MODEL_MAX_IN_FLIGHT)
    {
      OtaTaskListPage *page;
      guint index;

      /* Fetches for the shown query would be thrown away once the new one applies. */
      if (self->desired_gen != self->applied_gen)
        {
          if (self->requery_in_flight)
            break;
          start_requery (self);
          continue;
        }

      if (self->refresh_wanted)
        {
          self->refresh_wanted = FALSE;
          if (self->applied_backend != NULL && self->applied_batch_id > 0)
            plan_refresh (self);
          continue;
        }

      if (g_queue_is_empty (&self->fetch_queue))
        break;

      index = GPOINTER_TO_UINT (g_queue_pop_head (&self->fetch_queue));
      page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
      /* Evicted or fetched meanwhile. */
      if (page == NULL || !page->queued)
        continue;

      start_fetch (self, page);
    }
}
