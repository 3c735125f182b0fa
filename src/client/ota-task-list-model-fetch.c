/* ota-task-list-model-fetch.c — the queries of OtaTaskListModel: requery, page fetches
 * and refreshes, at most OTA_TASK_LIST_MODEL_MAX_IN_FLIGHT at a time, scheduled from an
 * idle so that several property changes or get_item() calls in a row coalesce (adjacent
 * pages into one query) */
#include "ota-task-list-model-private.h"

typedef struct {
  OtaTaskListModel *self;           /* strong: the result must find the model */
  guint             gen;
  guint             index;          /* page fetches: the first page */
  guint             n_pages;        /* page fetches: adjacent pages read together */
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
  /* Before the next frame: the rows a jump asks for (all in one go, so still one query)
   * are on their way while GTK draws the empty ones. */
  g_source_set_priority (self->pump_source, G_PRIORITY_DEFAULT);
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

/* Puts @n_tasks tasks into a page's rows; returns the positions of rows that were
 * loaded before and changed (new rows only notify). */
static GArray *
fill_page (OtaTaskListModel *self,
           OtaTaskListPage  *page,
           OtaTask         **tasks,
           guint             n_tasks,
           guint             keep_below)
{
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (guint));
  guint first = page->index * OTA_TASK_LIST_MODEL_PAGE_SIZE;

  for (guint k = 0; k < n_tasks && first + k < self->n_items; k++)
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
      if (ota_task_row_update (row, tasks[k]) && was_loaded && position < keep_below)
        g_array_append_val (changed, position);
    }

  page->loaded = TRUE;
  return changed;
}

/* ---- Page fetches and refreshes ---------------------------------------------- */

/* The pages @first … @first + @n_pages - 1, read in one query. */
static void
apply_span (OtaTaskListModel *self,
            guint             first,
            guint             n_pages,
            GPtrArray        *tasks,
            guint64           total)
{
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  guint old_n = self->n_items;
  guint new_n = (guint) MIN (total, G_MAXUINT);
  guint common = MIN (old_n, new_n);

  self->n_items = new_n;
  if (new_n < old_n)
    ota_task_list_model_truncate (self, new_n);

  for (guint k = 0; k < n_pages; k++)
    {
      OtaTaskListPage *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (first + k));
      guint start = k * OTA_TASK_LIST_MODEL_PAGE_SIZE;

      if (page == NULL)
        continue;
      if (page->index * OTA_TASK_LIST_MODEL_PAGE_SIZE >= new_n)
        ota_task_list_model_drop_page (self, page);
      else
        {
          g_autoptr(GArray) page_changed = NULL;

          page_changed = fill_page (self, page, (OtaTask **) tasks->pdata + MIN (start, tasks->len),
                                    start < tasks->len ? MIN (tasks->len - start, OTA_TASK_LIST_MODEL_PAGE_SIZE) : 0,
                                    common);
          g_array_append_vals (changed, page_changed->data, page_changed->len);
        }
    }

  /* The count first, so every signal leaves the model consistent for its listeners. */
  if (new_n != old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), common, old_n - common, new_n - common);
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
  guint64 total = 0;

  tasks = ota_backend_query_tasks_finish (OTA_BACKEND (source), result, &total, &error);
  self->in_flight--;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Pages of an older query: its cache is gone already. */
  if (request->gen != self->applied_gen)
    {
      schedule_pump (self);
      return;
    }

  for (guint k = 0; k < request->n_pages; k++)
    {
      OtaTaskListPage *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (request->index + k));

      if (page != NULL)
        page->in_flight = FALSE;
    }

  if (tasks == NULL)
    g_warning ("Cannot read the tasks of batch %" G_GINT64_FORMAT ": %s",
               self->applied_batch_id, error->message);
  else
    apply_span (self, request->index, request->n_pages, tasks, total);

  /* Looked up again: applying may have dropped them. */
  for (guint k = 0; k < request->n_pages; k++)
    {
      OtaTaskListPage *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (request->index + k));

      if (page != NULL && page->stale)
        {
          page->stale = FALSE;
          ota_task_list_model_queue_fetch (self, page);
        }
    }

  schedule_pump (self);
}

static void
start_fetch (OtaTaskListModel *self,
             guint             first,
             guint             n_pages)
{
  Request *request = g_new0 (Request, 1);
  OtaTaskQuery query = self->applied;

  for (guint k = 0; k < n_pages; k++)
    {
      OtaTaskListPage *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (first + k));

      page->queued = FALSE;
      page->in_flight = TRUE;
      page->stale = FALSE;
    }

  request->self = g_object_ref (self);
  request->gen = self->applied_gen;
  request->index = first;
  request->n_pages = n_pages;

  query.offset = first * OTA_TASK_LIST_MODEL_PAGE_SIZE;
  query.limit = n_pages * OTA_TASK_LIST_MODEL_PAGE_SIZE;
  count_query (self);
  ota_backend_query_tasks_async (self->applied_backend, self->applied_batch_id, &query,
                                 self->cancellable, fetch_done, request);
}

static gboolean
page_is_queued (OtaTaskListModel *self,
                guint             index)
{
  OtaTaskListPage *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

  return page != NULL && page->queued;
}

/* The page @index and the queued pages next to it, up to OTA_TASK_LIST_MODEL_MAX_SPAN:
 * the rows a list view shows after a jump lie on two pages, asked for together. */
static void
start_span (OtaTaskListModel *self,
            guint             index)
{
  guint first = index, last = index;

  while (last - first + 1 < OTA_TASK_LIST_MODEL_MAX_SPAN)
    {
      if (last < G_MAXUINT && page_is_queued (self, last + 1))
        last++;
      else if (first > 0 && page_is_queued (self, first - 1))
        first--;
      else
        break;
    }

  start_fetch (self, first, last - first + 1);
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

/* Announces that every position below @common shows something new, in runs: the
 * rows someone holds apart from the others. GTK 4.8 finds its widgets again among a
 * run of the rows they show (the same objects), and has none in the runs between; one
 * replacement over all of them would make it read every added row looking for its
 * widgets (a million rows for a million-task batch). */
static void
emit_replaced (OtaTaskListModel *self,
               GArray           *held,
               guint             common)
{
  guint position = 0, i = 0;

  while (position < common)
    {
      guint end;

      if (i < held->len && g_array_index (held, guint, i) == position)
        {
          end = position;
          while (i < held->len && g_array_index (held, guint, i) == end && end < common)
            {
              end++;
              i++;
            }
        }
      else
        end = i < held->len ? MIN (g_array_index (held, guint, i), common) : common;

      g_list_model_items_changed (G_LIST_MODEL (self), position, end - position, end - position);
      position = end;
    }
}

/* Switches the model to the request's query, with its first page. The rows someone
 * holds stay the same objects at their positions: those of the first page are filled
 * in, the others emptied until their pages arrive. */
static void
apply_query (OtaTaskListModel *self,
             Request          *request,
             GPtrArray        *tasks,
             guint64           total)
{
  guint old_n = self->n_items;
  guint new_n = (guint) MIN (total, G_MAXUINT);
  guint common = MIN (old_n, new_n);
  guint n_first = 0;
  g_autoptr(GArray) held = ota_task_list_model_release_pages (self, new_n);

  g_set_object (&self->applied_backend, request->backend);
  self->applied_batch_id = request->batch_id;
  g_free ((char *) self->applied.search);
  self->applied = request->query;
  request->query.search = NULL;
  self->applied_gen = request->gen;
  self->n_items = new_n;

  /* Every row is reported below: nothing to collect here. */
  if (tasks != NULL && new_n > 0)
    {
      n_first = MIN (tasks->len, OTA_TASK_LIST_MODEL_PAGE_SIZE);
      g_array_unref (fill_page (self, ota_task_list_model_ensure_page (self, 0),
                                (OtaTask **) tasks->pdata, n_first, 0));
    }

  for (guint i = 0; i < held->len; i++)
    {
      guint position = g_array_index (held, guint, i);

      if (position < n_first)
        continue;
      ota_task_row_clear (ota_task_list_model_lookup_row (self, position));
      ota_task_list_model_queue_fetch (self, ota_task_list_model_ensure_page (self,
                                                                              position / OTA_TASK_LIST_MODEL_PAGE_SIZE));
    }

  /* The count first, so every signal leaves the model consistent for its listeners. */
  if (new_n != old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), common, old_n - common, new_n - common);
  emit_replaced (self, held, common);
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

      start_span (self, index);
    }
}
