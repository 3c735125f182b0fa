/* ota-firmware-list.h — a product's firmwares in a table, with their row actions
 * (details, verify, batch upgrade) */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_FIRMWARE_LIST (ota_firmware_list_get_type ())
G_DECLARE_FINAL_TYPE (OtaFirmwareList, ota_firmware_list, OTA, FIRMWARE_LIST, AdwBin)

void        ota_firmware_list_set_backend (OtaFirmwareList *self,
                                           OtaBackend      *backend);
/* @product_key (nullable): the product whose firmwares to list. */
void        ota_firmware_list_set_product (OtaFirmwareList *self,
                                           const char      *product_key);
void        ota_firmware_list_reload      (OtaFirmwareList *self);
/* (transfer none): the firmwares shown (OtaFirmware), newest first. */
GListModel *ota_firmware_list_get_model   (OtaFirmwareList *self);

G_END_DECLS
