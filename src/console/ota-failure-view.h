/* ota-failure-view.h — a batch's failures grouped by reason, largest first (R-D3, R-S6)
 *
 * Each group expands to the failed devices of that reason with the device's own
 * description and the number of tries; "Show All Failed Devices" asks the batch page to
 * filter its device list (signal "show-failed").
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_FAILURE_VIEW (ota_failure_view_get_type ())
G_DECLARE_FINAL_TYPE (OtaFailureView, ota_failure_view, OTA, FAILURE_VIEW, AdwBin)

/* Devices an expanded group lists at most; failed tasks read to find them at most. */
#define OTA_FAILURE_VIEW_MAX_EXAMPLES 20
#define OTA_FAILURE_VIEW_MAX_SCANNED  1000

GtkWidget *ota_failure_view_new       (void);
void       ota_failure_view_set_batch (OtaFailureView *self,
                                       OtaBackend     *backend,
                                       gint64          batch_id);
/* Counts the failures again (after "batch-changed"). */
void       ota_failure_view_refresh   (OtaFailureView *self);
/* Groups shown, and the count of the @index-th (largest first): for tests. */
guint      ota_failure_view_get_n_groups (OtaFailureView *self);
guint64    ota_failure_view_get_group_count (OtaFailureView *self,
                                             guint           index,
                                             OtaTaskReason  *reason);

G_END_DECLS
