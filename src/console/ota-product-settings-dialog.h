/* ota-product-settings-dialog.h — a product's secure upgrade (R-P2) and public key
 *
 * The secure upgrade switch is sensitive only for products whose devices use AliOS
 * Things chips; its subtitle says why otherwise. Switching it on makes the signing key
 * pair; the public key (PEM) is shown and can be copied for device makers.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_PRODUCT_SETTINGS_DIALOG (ota_product_settings_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtaProductSettingsDialog, ota_product_settings_dialog, OTA,
                      PRODUCT_SETTINGS_DIALOG, AdwWindow)

/* @parent (nullable) */
OtaProductSettingsDialog *ota_product_settings_dialog_new      (GtkWindow                *parent,
                                                               OtaBackend               *backend,
                                                               OtaProduct               *product);
/* (transfer none): the product as last stored. */
OtaProduct               *ota_product_settings_dialog_get_product (OtaProductSettingsDialog *self);
/* Copies the public key to the clipboard (the Copy button). */
void                      ota_product_settings_dialog_copy_key (OtaProductSettingsDialog *self);

G_END_DECLS
