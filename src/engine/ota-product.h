/* ota-product.h — a product: the kind of device a firmware is made for (R-P1)
 *
 * A snapshot read from the engine; it does not change when the database does. Ask the
 * engine again for a fresh one.
 */
#pragma once

#include <glib-object.h>

#include "ota-types.h"

G_BEGIN_DECLS

#define OTA_TYPE_PRODUCT (ota_product_get_type ())
G_DECLARE_FINAL_TYPE (OtaProduct, ota_product, OTA, PRODUCT, GObject)

const char     *ota_product_get_key            (OtaProduct *self);
const char     *ota_product_get_name           (OtaProduct *self);
OtaProjectType  ota_product_get_project_type   (OtaProduct *self);
OtaNetworkType  ota_product_get_network_type   (OtaProduct *self);
/* Its devices are built on AliOS Things chips (needed for secure upgrade, R-P2). */
gboolean        ota_product_get_alios_things   (OtaProduct *self);
/* It uses the vendor's Android SDK (restricts diff signatures to md5, R-F7). */
gboolean        ota_product_get_android_sdk    (OtaProduct *self);
gboolean        ota_product_get_secure_upgrade (OtaProduct *self);
/* (nullable): the signing public key in PEM, once secure upgrade was switched on. */
const char     *ota_product_get_public_key     (OtaProduct *self);
guint64         ota_product_get_device_count   (OtaProduct *self);
gint64          ota_product_get_created_at     (OtaProduct *self);

G_END_DECLS
