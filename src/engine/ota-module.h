/* ota-module.h — a firmware module of a product (R-F6) with the versions its devices
 * report and how many devices report each (the choices of R-F5) */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define OTA_TYPE_MODULE (ota_module_get_type ())
G_DECLARE_FINAL_TYPE (OtaModule, ota_module, OTA, MODULE, GObject)

const char *ota_module_get_product_key    (OtaModule  *self);
const char *ota_module_get_name           (OtaModule  *self);
/* Number of distinct versions reported, sorted by version. */
guint       ota_module_get_n_versions     (OtaModule  *self);
const char *ota_module_get_version        (OtaModule  *self,
                                           guint       index);
guint64     ota_module_get_version_devices (OtaModule *self,
                                           guint       index);
/* Devices reporting any version of this module. */
guint64     ota_module_get_device_count   (OtaModule  *self);

/* For the engine. */
OtaModule  *ota_module_new                (const char *product_key,
                                           const char *name);
void        ota_module_add_version        (OtaModule  *self,
                                           const char *version,
                                           guint64     devices);

G_END_DECLS
