/* ota-batch-page-private.h — the batch page's parts, shared by its files and the tests */
#pragma once

#include "ota-batch-page.h"
#include "ota-failure-view.h"
#include "ota-task-list-model.h"
#include "ota-task-row.h"

G_BEGIN_DECLS

/* What the column sorters stand for: probing the column view's sorter tells which
 * column sorts first and in which direction (GTK 4.8 has no API for it). */
typedef struct {
  OtaBatchPage *page;
  OtaTaskSort   sort;
} OtaSortProbe;

struct _OtaBatchPage
{
  AdwBin             parent_instance;

  OtaBackend        *backend;
  gint64             batch_id;
  OtaBatch          *batch;
  GCancellable      *cancellable;
  gulong             batch_changed_id;
  gboolean           loading;
  gboolean           load_again;
  guint              n_loads;          /* batch snapshots shown, for tests */
  OtaSortProbe       probes[4];
  int                probed_sort;      /* set by the probe sorters, -1 none */
  GtkToggleButton   *chips[1 + OTA_N_TASK_STATUSES];
  gboolean           syncing_filter;
  GtkNativeDialog   *file_chooser;

  GtkLabel          *title_label;
  GtkLabel          *state_label;
  GtkLabel          *options_label;
  GtkLabel          *times_label;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  GtkFlowBox        *chips_box;
  AdwViewStack      *view_stack;
  GtkWidget         *list_toolbar;
  GtkSearchEntry    *search_entry;
  GtkDropDown       *status_dropdown;
  GtkStack          *list_stack;
  GtkColumnView     *column_view;
  GtkColumnViewColumn *device_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *progress_column;
  GtkColumnViewColumn *source_column;
  GtkColumnViewColumn *current_column;
  GtkColumnViewColumn *tries_column;
  GtkColumnViewColumn *updated_column;
  GtkColumnViewColumn *cancel_column;
  OtaTaskListModel  *task_model;
  OtaFailureView    *failure_view;
};

/* ota-batch-page-actions.c: R-B17 and the CSV export, the same calls the dialogs'
 * responses make. */
void ota_batch_page_cancel_batch   (OtaBatchPage *self);
void ota_batch_page_cancel_task    (OtaBatchPage *self,
                                    gint64        task_id);
void ota_batch_page_export         (OtaBatchPage *self,
                                    GFile        *file);
/* Asks before cancelling (AdwMessageDialog); returns the dialog, for tests. */
GtkWidget *ota_batch_page_confirm_cancel_batch (OtaBatchPage *self);
GtkWidget *ota_batch_page_confirm_cancel_task  (OtaBatchPage *self,
                                                OtaTaskRow   *row);
void ota_batch_page_install_actions (GtkWidgetClass *widget_class);
void ota_batch_page_update_actions  (OtaBatchPage   *self);
/* Reads the batch again (counts, state) after a change. */
void ota_batch_page_reload          (OtaBatchPage   *self);

G_END_DECLS
