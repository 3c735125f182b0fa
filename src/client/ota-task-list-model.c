/* ota-task-list-model.c — the lazy device list of a batch
 *
 * Two generations: "desired" bumps on every query change, "applied" is the query whose
 * results the model shows. A requery runs the desired query's first page; only when it
 * returns does the model switch over (items-changed for every position, see
 * ota-task-list-model.h), so positions never change meaning between signals. Page fetches always use the applied query, and results of
 * an older generation are dropped.
 */
#include "ota-task-list-model-private.h"

static void ota_task_list_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaTaskListModel, ota_task_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ota_task_list_model_list_init))

enum {
  PROP_0,
  PROP_BACKEND,
  PROP_BATCH_ID,
  PROP_STATUS_FILTER,
  PROP_SEARCH,
  PROP_SORT,
  PROP_DESCENDING,
  PROP_LOADING,
  PROP_N_QUERIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Rows handed out: a weak table by position ------------------------------ */

typedef struct {
  OtaTaskListModel *model;
  guint             position;
  OtaTaskRow       *row;      /* NULL once finalized */
} RowRef;

static void
row_finalized (gpointer  data,
               GObject  *where_the_object_was)
{
  RowRef *ref = data;

  ref->row = NULL;
  g_hash_table_remove (ref->model->rows, GUINT_TO_POINTER (ref->position));
}

static void
row_ref_free (gpointer data)
{
  RowRef *ref = data;

  if (ref->row != NULL)
    g_object_weak_unref (G_OBJECT (ref->row), row_finalized, ref);
  g_free (ref);
}

static OtaTaskRow *
lookup_row (OtaTaskListModel *self,
            guint             position)
{
  RowRef *ref = g_hash_table_lookup (self->rows, GUINT_TO_POINTER (position));

  return ref != NULL ? ref->row : NULL;
}

/* (transfer full): the row at @position, the one already handed out or a new empty
 * one; the table only watches it, the caller's page keeps it. */
OtaTaskRow *
ota_task_list_model_ensure_row (OtaTaskListModel *self,
                                guint             position)
{
  OtaTaskRow *row = lookup_row (self, position);
  RowRef *ref;

  if (row != NULL)
    return g_object_ref (row);

  row = ota_task_row_new ();
  ref = g_new0 (RowRef, 1);
  ref->model = self;
  ref->position = position;
  ref->row = row;
  g_object_weak_ref (G_OBJECT (row), row_finalized, ref);
  g_hash_table_insert (self->rows, GUINT_TO_POINTER (position), ref);

  return row;
}

/* ---- Pages ------------------------------------------------------------------ */

/* Page slots stay NULL until a row is asked for. */
static void
row_unref0 (gpointer row)
{
  if (row != NULL)
    g_object_unref (row);
}

static void
page_free (OtaTaskListPage *page)
{
  g_ptr_array_unref (page->rows);
  g_free (page);
}

void
ota_task_list_model_drop_page (OtaTaskListModel *self,
                               OtaTaskListPage  *page)
{
  g_queue_unlink (&self->lru, &page->lru_link);
  /* Frees the page: its rows go unless someone else holds them. */
  g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->index));
}

static void
evict_pages (OtaTaskListModel *self)
{
  GList *link = self->lru.tail;

  while (g_hash_table_size (self->pages) > OTA_TASK_LIST_MODEL_MAX_PAGES && link != NULL)
    {
      OtaTaskListPage *page = link->data;

      link = link->prev;
      /* A page being fetched stays: its result is on the way. */
      if (!page->in_flight)
        ota_task_list_model_drop_page (self, page);
    }
}

/* The page @index, made most recently used; created (empty) when missing. */
OtaTaskListPage *
ota_task_list_model_ensure_page (OtaTaskListModel *self,
                                 guint             index)
{
  OtaTaskListPage *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));

  if (page != NULL)
    {
      g_queue_unlink (&self->lru, &page->lru_link);
      g_queue_push_head_link (&self->lru, &page->lru_link);
      return page;
    }

  page = g_new0 (OtaTaskListPage, 1);
  page->index = index;
  page->rows = g_ptr_array_new_full (OTA_TASK_LIST_MODEL_PAGE_SIZE, row_unref0);
  page->lru_link.data = page;
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  g_queue_push_head_link (&self->lru, &page->lru_link);

  evict_pages (self);
  return page;
}

/* Forgets every page and row of the applied query (the rows stay valid objects for
 * whoever holds them, but are no longer this model's). */
void
ota_task_list_model_clear_cache (OtaTaskListModel *self)
{
  /* Weak entries first, so dropping the pages' rows does not call back into the table. */
  g_hash_table_remove_all (self->rows);
  g_hash_table_remove_all (self->pages);
  g_queue_init (&self->lru);
  g_queue_clear (&self->fetch_queue);
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  guint pa = *(const guint *) a, pb = *(const guint *) b;

  return pa < pb ? -1 : pa > pb;
}

/* Drops every page and queued fetch and returns, in order, the positions below
 * @n_items of the rows someone else still holds (a list view's widgets): they stay in
 * the table, so the next query fills the same objects. Rows at @n_items and beyond are
 * forgotten. */
GArray *
ota_task_list_model_release_pages (OtaTaskListModel *self,
                                   guint             n_items)
{
  GArray *held = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  /* Rows that only their page held go with it; their weak entries remove themselves. */
  g_hash_table_remove_all (self->pages);
  g_queue_init (&self->lru);
  g_queue_clear (&self->fetch_queue);

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint position = GPOINTER_TO_UINT (key);

      if (position < n_items)
        g_array_append_val (held, position);
      else
        g_ptr_array_add (gone, key);
    }
  for (guint i = 0; i < gone->len; i++)
    g_hash_table_remove (self->rows, g_ptr_array_index (gone, i));

  g_array_sort (held, compare_positions);
  return held;
}

/* (nullable) (transfer none): the row handed out for @position, if it is still alive. */
OtaTaskRow *
ota_task_list_model_lookup_row (OtaTaskListModel *self,
                                guint             position)
{
  return lookup_row (self, position);
}

/* Forgets rows and pages at @n_items and beyond (the total shrank). */
void
ota_task_list_model_truncate (OtaTaskListModel *self,
                              guint             n_items)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();
  g_autoptr(GPtrArray) positions = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (pages, value);

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) >= n_items)
      g_ptr_array_add (positions, key);
  for (guint i = 0; i < positions->len; i++)
    g_hash_table_remove (self->rows, g_ptr_array_index (positions, i));

  for (guint i = 0; i < pages->len; i++)
    {
      OtaTaskListPage *page = g_ptr_array_index (pages, i);
      guint first = page->index * OTA_TASK_LIST_MODEL_PAGE_SIZE;

      if (first >= n_items && !page->in_flight)
        ota_task_list_model_drop_page (self, page);
      else if (first < n_items && page->rows->len > n_items - first)
        g_ptr_array_set_size (page->rows, n_items - first);
    }
}

/* ---- GListModel ---------------------------------------------------------------- */

static GType
ota_task_list_model_get_item_type (GListModel *list)
{
  return OTA_TYPE_TASK_ROW;
}

static guint
ota_task_list_model_get_n_items (GListModel *list)
{
  return OTA_TASK_LIST_MODEL (list)->n_items;
}

static gpointer
ota_task_list_model_get_item (GListModel *list,
                              guint       position)
{
  OtaTaskListModel *self = OTA_TASK_LIST_MODEL (list);
  OtaTaskListPage *page;
  guint slot = position % OTA_TASK_LIST_MODEL_PAGE_SIZE;
  OtaTaskRow *row;

  if (position >= self->n_items)
    return NULL;

  page = ota_task_list_model_ensure_page (self, position / OTA_TASK_LIST_MODEL_PAGE_SIZE);
  /* Also after a failed fetch: asking again tries again. */
  if (!page->loaded)
    ota_task_list_model_queue_fetch (self, page);

  if (page->rows->len <= slot)
    g_ptr_array_set_size (page->rows, slot + 1);
  row = g_ptr_array_index (page->rows, slot);
  if (row == NULL)
    {
      row = ota_task_list_model_ensure_row (self, position);
      g_ptr_array_index (page->rows, slot) = row;
    }

  return g_object_ref (row);
}

static void
ota_task_list_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = ota_task_list_model_get_item_type;
  iface->get_n_items = ota_task_list_model_get_n_items;
  iface->get_item = ota_task_list_model_get_item;
}

/* ---- Object ------------------------------------------------------------------- */

static void
ota_task_list_model_dispose (GObject *object)
{
  OtaTaskListModel *self = OTA_TASK_LIST_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  if (self->pump_source != NULL)
    {
      g_source_destroy (self->pump_source);
      g_clear_pointer (&self->pump_source, g_source_unref);
    }
  if (self->backend != NULL)
    g_clear_signal_handler (&self->batch_changed_id, self->backend);
  g_clear_object (&self->backend);
  g_clear_object (&self->applied_backend);
  ota_task_list_model_clear_cache (self);

  G_OBJECT_CLASS (ota_task_list_model_parent_class)->dispose (object);
}

static void
ota_task_list_model_finalize (GObject *object)
{
  OtaTaskListModel *self = OTA_TASK_LIST_MODEL (object);

  g_free (self->search);
  g_free ((char *) self->applied.search);
  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->pages);
  g_object_unref (self->cancellable);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ota_task_list_model_parent_class)->finalize (object);
}

static void
ota_task_list_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OtaTaskListModel *self = OTA_TASK_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_BACKEND:       g_value_set_object (value, self->backend); break;
    case PROP_BATCH_ID:      g_value_set_int64 (value, self->batch_id); break;
    case PROP_STATUS_FILTER: g_value_set_int (value, self->status_filter); break;
    case PROP_SEARCH:        g_value_set_string (value, self->search); break;
    case PROP_SORT:          g_value_set_int (value, self->sort); break;
    case PROP_DESCENDING:    g_value_set_boolean (value, self->descending); break;
    case PROP_LOADING:       g_value_set_boolean (value, ota_task_list_model_get_loading (self)); break;
    case PROP_N_QUERIES:     g_value_set_uint (value, self->n_queries); break;
    default:                 G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_task_list_model_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  OtaTaskListModel *self = OTA_TASK_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_BACKEND:       ota_task_list_model_set_backend (self, g_value_get_object (value)); break;
    case PROP_BATCH_ID:      ota_task_list_model_set_batch_id (self, g_value_get_int64 (value)); break;
    case PROP_STATUS_FILTER: ota_task_list_model_set_status_filter (self, g_value_get_int (value)); break;
    case PROP_SEARCH:        ota_task_list_model_set_search (self, g_value_get_string (value)); break;
    case PROP_SORT:          ota_task_list_model_set_sort (self, g_value_get_int (value)); break;
    case PROP_DESCENDING:    ota_task_list_model_set_descending (self, g_value_get_boolean (value)); break;
    default:                 G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define RW_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)
#define RO_FLAGS (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
ota_task_list_model_class_init (OtaTaskListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_task_list_model_dispose;
  object_class->finalize = ota_task_list_model_finalize;
  object_class->get_property = ota_task_list_model_get_property;
  object_class->set_property = ota_task_list_model_set_property;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL, OTA_TYPE_BACKEND, RW_FLAGS);
  properties[PROP_BATCH_ID] =
    g_param_spec_int64 ("batch-id", NULL, NULL, 0, G_MAXINT64, 0, RW_FLAGS);
  properties[PROP_STATUS_FILTER] =
    g_param_spec_int ("status-filter", NULL, NULL, -1, OTA_TASK_STATUS_CANCELLED, -1, RW_FLAGS);
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL, RW_FLAGS);
  /* An OtaTaskSort (not a registered enum type). */
  properties[PROP_SORT] =
    g_param_spec_int ("sort", NULL, NULL, OTA_TASK_SORT_DEVICE, OTA_TASK_SORT_PROGRESS,
                      OTA_TASK_SORT_DEVICE, RW_FLAGS);
  properties[PROP_DESCENDING] =
    g_param_spec_boolean ("descending", NULL, NULL, FALSE, RW_FLAGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, RO_FLAGS);
  properties[PROP_N_QUERIES] =
    g_param_spec_uint ("n-queries", NULL, NULL, 0, G_MAXUINT, 0, RO_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ota_task_list_model_init (OtaTaskListModel *self)
{
  OtaTaskQuery init = OTA_TASK_QUERY_INIT;

  self->status_filter = -1;
  self->sort = OTA_TASK_SORT_DEVICE;
  self->applied = init;
  self->rows = g_hash_table_new_full (NULL, NULL, NULL, row_ref_free);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

OtaTaskListModel *
ota_task_list_model_new (OtaBackend *backend,
                         gint64      batch_id)
{
  g_return_val_if_fail (backend == NULL || OTA_IS_BACKEND (backend), NULL);

  return g_object_new (OTA_TYPE_TASK_LIST_MODEL,
                       "backend", backend,
                       "batch-id", batch_id,
                       NULL);
}

void
ota_task_list_model_notify (OtaTaskListModel *self,
                            OtaTaskListProp   prop)
{
  static const guint map[] = {
    [OTA_TASK_LIST_PROP_LOADING] = PROP_LOADING,
    [OTA_TASK_LIST_PROP_N_QUERIES] = PROP_N_QUERIES,
  };

  g_object_notify_by_pspec (G_OBJECT (self), properties[map[prop]]);
}

/* ---- Query properties ------------------------------------------------------------ */

static void
on_batch_changed (OtaBackend *backend,
                  gint64      batch_id,
                  gpointer    user_data)
{
  OtaTaskListModel *self = user_data;

  if (batch_id == self->batch_id && batch_id > 0)
    ota_task_list_model_request_refresh (self);
}

OtaBackend *
ota_task_list_model_get_backend (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), NULL);
  return self->backend;
}

void
ota_task_list_model_set_backend (OtaTaskListModel *self,
                                 OtaBackend       *backend)
{
  g_return_if_fail (OTA_IS_TASK_LIST_MODEL (self));
  g_return_if_fail (backend == NULL || OTA_IS_BACKEND (backend));

  if (self->backend == backend)
    return;

  if (self->backend != NULL)
    g_clear_signal_handler (&self->batch_changed_id, self->backend);
  g_set_object (&self->backend, backend);
  if (backend != NULL)
    self->batch_changed_id = g_signal_connect (backend, "batch-changed",
                                               G_CALLBACK (on_batch_changed), self);

  ota_task_list_model_request_requery (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKEND]);
}

gint64
ota_task_list_model_get_batch_id (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), 0);
  return self->batch_id;
}

void
ota_task_list_model_set_batch_id (OtaTaskListModel *self,
                                  gint64            batch_id)
{
  g_return_if_fail (OTA_IS_TASK_LIST_MODEL (self));

  if (self->batch_id == batch_id)
    return;

  self->batch_id = batch_id;
  ota_task_list_model_request_requery (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_ID]);
}

int
ota_task_list_model_get_status_filter (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), -1);
  return self->status_filter;
}

void
ota_task_list_model_set_status_filter (OtaTaskListModel *self,
                                       int               status)
{
  g_return_if_fail (OTA_IS_TASK_LIST_MODEL (self));
  g_return_if_fail (status >= -1 && status <= OTA_TASK_STATUS_CANCELLED);

  if (self->status_filter == status)
    return;

  self->status_filter = status;
  ota_task_list_model_request_requery (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_FILTER]);
}

const char *
ota_task_list_model_get_search (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), NULL);
  return self->search;
}

void
ota_task_list_model_set_search (OtaTaskListModel *self,
                                const char       *search)
{
  g_return_if_fail (OTA_IS_TASK_LIST_MODEL (self));

  /* "" and NULL both mean any device. */
  if (search != NULL && search[0] == '\0')
    search = NULL;

  if (g_strcmp0 (self->search, search) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (search);

  ota_task_list_model_request_requery (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

OtaTaskSort
ota_task_list_model_get_sort (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), OTA_TASK_SORT_DEVICE);
  return self->sort;
}

void
ota_task_list_model_set_sort (OtaTaskListModel *self,
                              OtaTaskSort       sort)
{
  g_return_if_fail (OTA_IS_TASK_LIST_MODEL (self));
  g_return_if_fail (sort <= OTA_TASK_SORT_PROGRESS);

  if (self->sort == sort)
    return;

  self->sort = sort;
  ota_task_list_model_request_requery (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

gboolean
ota_task_list_model_get_descending (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), FALSE);
  return self->descending;
}

void
ota_task_list_model_set_descending (OtaTaskListModel *self,
                                    gboolean          descending)
{
  g_return_if_fail (OTA_IS_TASK_LIST_MODEL (self));

  descending = !!descending;
  if (self->descending == descending)
    return;

  self->descending = descending;
  ota_task_list_model_request_requery (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCENDING]);
}

gboolean
ota_task_list_model_get_loading (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), FALSE);
  return self->desired_gen != self->applied_gen;
}

guint
ota_task_list_model_get_n_queries (OtaTaskListModel *self)
{
  g_return_val_if_fail (OTA_IS_TASK_LIST_MODEL (self), 0);
  return self->n_queries;
}
