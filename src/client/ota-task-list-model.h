/* ota-task-list-model.h — a batch's device list as a lazy GListModel (R-D2)
 *
 * n_items is the number of tasks matching the query (status filter, device name search,
 * sort); nothing more is loaded than what is looked at. get_item() returns an
 * OtaTaskRow at once — the same object for the same position while the query is
 * unchanged — and fetches the page of PAGE_SIZE rows holding it in the background; the
 * row fills in when the page arrives. A bounded number of pages stays cached (least
 * recently used go first), plus the rows someone still holds; at most a few queries are
 * in flight, adjacent pages asked for together share one. On the backend's
 * "batch-changed" for its batch the model fetches the total and the pages it holds
 * again: rows change in place (property notifications, their "changed" signal, and
 * items-changed for rows whose content changed), and a changed total is one
 * items-changed at the tail. A new query applies once its first page arrived: the rows
 * someone holds (a list view's widgets) stay the same objects at their positions and
 * are refilled, and items-changed reports the change of the total at the tail, then
 * every other position as replaced, in runs that keep the held rows apart (so GTK 4.8
 * reuses its widgets instead of reading every row looking for them).
 */
#pragma once

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TASK_LIST_MODEL_PAGE_SIZE  200
#define OTA_TASK_LIST_MODEL_MAX_PAGES  20
/* Adjacent pages asked for together are read in one query, up to this many: a list
 * view that jumps shows rows of two pages, and each query pays for its offset. */
#define OTA_TASK_LIST_MODEL_MAX_SPAN   3
/* Queries in flight at most: a fast scroll must not become a burst of queries, and a
 * slow remote backend must not be flooded. */
#define OTA_TASK_LIST_MODEL_MAX_IN_FLIGHT 2

#define OTA_TYPE_TASK_LIST_MODEL (ota_task_list_model_get_type ())
G_DECLARE_FINAL_TYPE (OtaTaskListModel, ota_task_list_model, OTA, TASK_LIST_MODEL, GObject)

/* @backend (nullable), @batch_id 0: none yet (empty). */
OtaTaskListModel *ota_task_list_model_new              (OtaBackend       *backend,
                                                        gint64            batch_id);

OtaBackend       *ota_task_list_model_get_backend      (OtaTaskListModel *self);
void              ota_task_list_model_set_backend      (OtaTaskListModel *self,
                                                        OtaBackend       *backend);
gint64            ota_task_list_model_get_batch_id     (OtaTaskListModel *self);
void              ota_task_list_model_set_batch_id     (OtaTaskListModel *self,
                                                        gint64            batch_id);
/* An OtaTaskStatus, or -1 for any. */
int               ota_task_list_model_get_status_filter (OtaTaskListModel *self);
void              ota_task_list_model_set_status_filter (OtaTaskListModel *self,
                                                         int               status);
/* (nullable): a substring of the device name; "" or NULL for any. */
const char       *ota_task_list_model_get_search       (OtaTaskListModel *self);
void              ota_task_list_model_set_search       (OtaTaskListModel *self,
                                                        const char       *search);
OtaTaskSort       ota_task_list_model_get_sort         (OtaTaskListModel *self);
void              ota_task_list_model_set_sort         (OtaTaskListModel *self,
                                                        OtaTaskSort       sort);
gboolean          ota_task_list_model_get_descending   (OtaTaskListModel *self);
void              ota_task_list_model_set_descending   (OtaTaskListModel *self,
                                                        gboolean          descending);
/* TRUE until the current query's total is known. */
gboolean          ota_task_list_model_get_loading      (OtaTaskListModel *self);
/* Debugging and tests: how many queries the model sent so far. */
guint             ota_task_list_model_get_n_queries    (OtaTaskListModel *self);

G_END_DECLS
