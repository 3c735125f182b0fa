/* ota-task-cells.h — the cells of the batch page's device list (R-D2, R-S2)
 *
 * One GtkSignalListItemFactory per column, its widgets built in C: GTK 4.8's column
 * view keeps about 200 rows and rebinds all of them after every jump of the scroll
 * bar, and a GtkBuilderListItemFactory with expressions costs a template parse per cell
 * and a watch per property. These cells bind to an OtaTaskRow with one handler for its
 * "changed" signal and set only what changed. Tooltips are answered on demand
 * (query-tooltip): setting a tooltip text asks the X server where the pointer is, a
 * round trip per cell and row.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  OTA_TASK_CELL_DEVICE,
  OTA_TASK_CELL_STATUS,
  OTA_TASK_CELL_PROGRESS,
  OTA_TASK_CELL_SOURCE_VERSION,
  OTA_TASK_CELL_CURRENT_VERSION,
  OTA_TASK_CELL_TRIES,
  OTA_TASK_CELL_UPDATED,
  /* A button that asks before cancelling the row's task (R-B17), via the OtaBatchPage
   * it sits in. */
  OTA_TASK_CELL_CANCEL,
} OtaTaskCellKind;

/* (transfer full): a factory for the cells of @kind, for a GtkColumnViewColumn over a
 * list of OtaTaskRow. */
GtkListItemFactory *ota_task_cell_factory_new (OtaTaskCellKind kind);

G_END_DECLS
