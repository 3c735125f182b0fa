/* ota-product-page.h — one product: its facts, its firmwares and its devices */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"
#include "ota-device-list.h"
#include "ota-firmware-list.h"

G_BEGIN_DECLS

#define OTA_TYPE_PRODUCT_PAGE (ota_product_page_get_type ())
G_DECLARE_FINAL_TYPE (OtaProductPage, ota_product_page, OTA, PRODUCT_PAGE, AdwBin)

void          ota_product_page_set_backend    (OtaProductPage *self,
                                               OtaBackend     *backend);
/* @product (nullable). A fresh snapshot of the product shown updates the facts; another
 * product reloads the lists too. */
void          ota_product_page_set_product    (OtaProductPage *self,
                                               OtaProduct     *product);
/* (transfer none) (nullable) */
OtaProduct   *ota_product_page_get_product    (OtaProductPage *self);
/* (transfer none): "firmwares" and "devices", for a view switcher. */
AdwViewStack *ota_product_page_get_view_stack (OtaProductPage *self);
/* (transfer none): the two lists, for tests. */
OtaFirmwareList *ota_product_page_get_firmware_list (OtaProductPage *self);
OtaDeviceList   *ota_product_page_get_device_list   (OtaProductPage *self);
void          ota_product_page_reload         (OtaProductPage *self);
void          ota_product_page_show_firmwares (OtaProductPage *self);
/* Switch to the devices and ask for the CSV file to import from / export to. */
void          ota_product_page_choose_import  (OtaProductPage *self);
void          ota_product_page_choose_export  (OtaProductPage *self);

G_END_DECLS
