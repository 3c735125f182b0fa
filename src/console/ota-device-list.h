/* ota-device-list.h — a product's devices, a page at a time, with search, an online
 * filter, and CSV import and export */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_DEVICE_LIST (ota_device_list_get_type ())
G_DECLARE_FINAL_TYPE (OtaDeviceList, ota_device_list, OTA, DEVICE_LIST, AdwBin)

/* Devices per page. */
#define OTA_DEVICE_LIST_PAGE_SIZE 50

void        ota_device_list_set_backend   (OtaDeviceList *self,
                                           OtaBackend    *backend);
/* @product_key (nullable) */
void        ota_device_list_set_product   (OtaDeviceList *self,
                                           const char    *product_key);
void        ota_device_list_reload        (OtaDeviceList *self);
/* (transfer none): the devices of the page shown (OtaDevice). */
GListModel *ota_device_list_get_model     (OtaDeviceList *self);
/* Devices matching the search and filter, over all pages. */
guint64     ota_device_list_get_total     (OtaDeviceList *self);

/* Asks for a CSV file, then imports it / exports to it. */
void        ota_device_list_choose_import (OtaDeviceList *self);
void        ota_device_list_choose_export (OtaDeviceList *self);
/* What the import button does once it has the file: progress with Cancel, then a toast. */
void        ota_device_list_import_file   (OtaDeviceList *self,
                                           GFile         *file);
void        ota_device_list_export_file   (OtaDeviceList *self,
                                           GFile         *file);

G_END_DECLS
