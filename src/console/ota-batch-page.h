/* ota-batch-page.h — one verification or batch upgrade: its options and counts, its
 * devices (R-D2) in a lazy column view with status filter, search and sorting, its
 * failures grouped by reason (R-D3), cancelling the batch or a device's task (R-B17)
 * and exporting the device list as CSV
 *
 * The device list is an OtaTaskListModel: it never loads more than the rows looked at,
 * so a batch of 1,000,000 devices scrolls like one of 100.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_BATCH_PAGE (ota_batch_page_get_type ())
G_DECLARE_FINAL_TYPE (OtaBatchPage, ota_batch_page, OTA, BATCH_PAGE, AdwBin)

GtkWidget  *ota_batch_page_new          (OtaBackend   *backend,
                                         gint64        batch_id);
gint64      ota_batch_page_get_batch_id (OtaBatchPage *self);
/* (transfer none) (nullable): the latest snapshot, NULL until it arrived. */
OtaBatch   *ota_batch_page_get_batch    (OtaBatchPage *self);

G_END_DECLS
