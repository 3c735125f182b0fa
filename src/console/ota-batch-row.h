/* ota-batch-row.h — one verification or batch upgrade in a firmware's list (R-D1):
 * kind, strategy, scope, created, state, per-status counts and overall progress */
#pragma once

#include <gtk/gtk.h>
#include <ota.h>

G_BEGIN_DECLS

#define OTA_TYPE_BATCH_ROW (ota_batch_row_get_type ())
G_DECLARE_FINAL_TYPE (OtaBatchRow, ota_batch_row, OTA, BATCH_ROW, GtkListBoxRow)

GtkWidget *ota_batch_row_new       (OtaBatch    *batch);
/* (transfer none) */
OtaBatch  *ota_batch_row_get_batch (OtaBatchRow *self);
/* Shows a newer snapshot of the same batch in place (keeps focus and hover). */
void       ota_batch_row_set_batch (OtaBatchRow *self,
                                    OtaBatch    *batch);

/* The per-status counts as shown ("12 succeeded · 3 failed"). */
const char *ota_batch_row_get_counts_text (OtaBatchRow *self);

G_END_DECLS
