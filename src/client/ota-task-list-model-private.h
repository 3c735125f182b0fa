/* ota-task-list-model-private.h — the state of OtaTaskListModel, shared by its files:
 * ota-task-list-model.c (object, pages, rows) and ota-task-list-model-fetch.c (queries) */
#pragma once

#include "ota-task-list-model.h"
#include "ota-task-row.h"

G_BEGIN_DECLS

typedef struct {
  guint      index;
  GPtrArray *rows;        /* OtaTaskRow (strong), NULL where nobody asked yet */
  gboolean   loaded;      /* fetched at least once for the applied query */
  gboolean   queued;      /* waiting in fetch_queue */
  gboolean   in_flight;
  gboolean   stale;       /* the batch changed while it was in flight: fetch again */
  GList      lru_link;
} OtaTaskListPage;

struct _OtaTaskListModel
{
  GObject        parent_instance;

  /* The query as set; every change bumps desired_gen. */
  OtaBackend    *backend;
  gulong         batch_changed_id;
  gint64         batch_id;
  int            status_filter;
  char          *search;
  OtaTaskSort    sort;
  gboolean       descending;
  guint          desired_gen;

  /* The query whose results the model shows. */
  guint          applied_gen;
  OtaBackend    *applied_backend;
  gint64         applied_batch_id;
  OtaTaskQuery   applied;           /* search owned */
  guint          n_items;

  GHashTable    *pages;             /* index → OtaTaskListPage */
  GQueue         lru;               /* pages, most recently used first */
  GHashTable    *rows;              /* position → weak entry of a row handed out */
  GQueue         fetch_queue;       /* page indices, most recently asked first */

  guint          in_flight;
  gboolean       requery_in_flight;
  gboolean       refresh_wanted;
  guint          n_queries;
  GCancellable  *cancellable;
  GMainContext  *context;
  GSource       *pump_source;
};

typedef enum {
  OTA_TASK_LIST_PROP_LOADING,
  OTA_TASK_LIST_PROP_N_QUERIES,
} OtaTaskListProp;

/* ota-task-list-model.c */
void             ota_task_list_model_notify        (OtaTaskListModel *self,
                                                    OtaTaskListProp   prop);
OtaTaskListPage *ota_task_list_model_ensure_page   (OtaTaskListModel *self,
                                                    guint             index);
void             ota_task_list_model_drop_page     (OtaTaskListModel *self,
                                                    OtaTaskListPage  *page);
/* (transfer full) */
OtaTaskRow      *ota_task_list_model_ensure_row    (OtaTaskListModel *self,
                                                    guint             position);
void             ota_task_list_model_clear_cache   (OtaTaskListModel *self);
/* (transfer full) (element-type guint) */
GArray          *ota_task_list_model_release_pages (OtaTaskListModel *self,
                                                    guint             n_items);
OtaTaskRow      *ota_task_list_model_lookup_row    (OtaTaskListModel *self,
                                                    guint             position);
void             ota_task_list_model_truncate      (OtaTaskListModel *self,
                                                    guint             n_items);

/* ota-task-list-model-fetch.c */
void             ota_task_list_model_request_requery (OtaTaskListModel *self);
void             ota_task_list_model_request_refresh (OtaTaskListModel *self);
void             ota_task_list_model_queue_fetch     (OtaTaskListModel *self,
                                                      OtaTaskListPage  *page);

G_END_DECLS
