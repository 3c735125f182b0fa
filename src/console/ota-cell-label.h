/* ota-cell-label.h — one line of text for list cells that never changes its size
 *
 * A GtkLabel asks for a new layout of its row whenever its text changes, and measures
 * itself with two or three Pango layouts: GTK 4.8 refills about 200 rows of 9 cells after
 * every jump of the scroll bar, and that measuring is most of the cost. This label is as
 * tall as one line of its font, as wide as its column makes it (or as a sample text),
 * ellipsizes at the end, and only redraws when its text changes.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OTA_TYPE_CELL_LABEL (ota_cell_label_get_type ())
G_DECLARE_FINAL_TYPE (OtaCellLabel, ota_cell_label, OTA, CELL_LABEL, GtkWidget)

/* @xalign: 0 start … 1 end (mirrored right to left); @numeric: tabular figures, as the
 * "numeric" style class gives a GtkLabel; @width_sample (nullable): the natural width is
 * that of this text, else 0 (the column decides). */
GtkWidget  *ota_cell_label_new      (float         xalign,
                                     gboolean      numeric,
                                     const char   *width_sample);
const char *ota_cell_label_get_text (OtaCellLabel *self);
void        ota_cell_label_set_text (OtaCellLabel *self,
                                     const char   *text);

G_END_DECLS
