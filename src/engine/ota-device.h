/* ota-device.h — a device of a product (R-DV1); a snapshot read from the engine */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define OTA_TYPE_DEVICE (ota_device_get_type ())
G_DECLARE_FINAL_TYPE (OtaDevice, ota_device, OTA, DEVICE, GObject)

gint64       ota_device_get_id          (OtaDevice  *self);
const char  *ota_device_get_product_key (OtaDevice  *self);
const char  *ota_device_get_name        (OtaDevice  *self);
/* "" when unknown. */
const char  *ota_device_get_province    (OtaDevice  *self);
const char  *ota_device_get_city        (OtaDevice  *self);
gboolean     ota_device_get_online      (OtaDevice  *self);
/* (nullable): the version last reported for @module, NULL if it never reported one. */
const char  *ota_device_get_version     (OtaDevice  *self,
                                         const char *module);
/* (transfer full): modules it reported a version for, sorted. */
GStrv        ota_device_dup_modules     (OtaDevice  *self);
/* "module=version;module=version", sorted by module: the CSV form. Free with g_free(). */
char        *ota_device_format_versions (OtaDevice  *self);
gint64       ota_device_get_created_at  (OtaDevice  *self);
gint64       ota_device_get_updated_at  (OtaDevice  *self);

/* For the engine: builds a snapshot. @versions (module → version) is taken over. */
OtaDevice   *ota_device_new             (gint64      id,
                                         const char *product_key,
                                         const char *name,
                                         const char *province,
                                         const char *city,
                                         gboolean    online,
                                         GHashTable *versions,
                                         gint64      created_at,
                                         gint64      updated_at);

G_END_DECLS
