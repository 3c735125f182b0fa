/* ota-add-product-dialog.h — adds a product (R-P1)
 *
 * Validates name and key as they are typed (ota_validate_product_name/_key); the Add
 * button stays insensitive until both are valid. Emits "added" (OtaProduct) and closes
 * when the backend added it; an error of the backend shows under the field it names.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_ADD_PRODUCT_DIALOG (ota_add_product_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtaAddProductDialog, ota_add_product_dialog, OTA, ADD_PRODUCT_DIALOG, AdwWindow)

/* @parent (nullable) */
OtaAddProductDialog *ota_add_product_dialog_new (GtkWindow  *parent,
                                                 OtaBackend *backend);

G_END_DECLS
