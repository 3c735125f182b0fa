/* ota-firmware-page.h — a firmware's details: its facts, the Verify and Batch Upgrade
 * actions, and its verifications and batch upgrades with counts and progress (R-D1)
 *
 * Activating a batch shows its OtaBatchPage inside the firmware page (a navigation
 * leaflet with a back button). The page follows the backend: "catalogue-changed" of the
 * firmware's product and "batch-changed" of its batches refresh it.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_FIRMWARE_PAGE (ota_firmware_page_get_type ())
G_DECLARE_FINAL_TYPE (OtaFirmwarePage, ota_firmware_page, OTA, FIRMWARE_PAGE, AdwBin)

GtkWidget   *ota_firmware_page_new          (OtaBackend      *backend,
                                             OtaFirmware     *firmware);
/* (transfer none): the latest snapshot of the firmware shown. */
OtaFirmware *ota_firmware_page_get_firmware (OtaFirmwarePage *self);
OtaBackend  *ota_firmware_page_get_backend  (OtaFirmwarePage *self);
/* Shows the batch's device list (the same as activating its row). */
void         ota_firmware_page_show_batch   (OtaFirmwarePage *self,
                                             gint64           batch_id);
/* Back from a batch to the firmware's details. */
void         ota_firmware_page_show_details (OtaFirmwarePage *self);

G_END_DECLS
