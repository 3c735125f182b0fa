/* ota-validate.h — one function per field rule, shared by the engine and the console
 *
 * Each returns TRUE when the value is allowed, or FALSE with an OTA_ERROR_INVALID_FIELD
 * error whose message names the field and the allowed range (translatable) and whose
 * ota_error_get_field() is the field's name. The console calls these for live
 * validation; the engine calls them again before changing anything.
 */
#pragma once

#include <glib.h>

#include "ota-types.h"

G_BEGIN_DECLS

/* Largest firmware file (R-F8): 1,000 MB. */
#define OTA_FIRMWARE_MAX_SIZE G_GUINT64_CONSTANT (1048576000)
#define OTA_FIRMWARE_NAME_MAX_CHARS 40
#define OTA_FIRMWARE_DESCRIPTION_MAX_CHARS 100
#define OTA_VERSION_MAX_CHARS 64

/* Products and devices */
gboolean ota_validate_product_key   (const char *key, GError **error);
gboolean ota_validate_product_name  (const char *name, GError **error);
gboolean ota_validate_device_name   (const char *name, GError **error);
gboolean ota_validate_region        (const char *province, const char *city, GError **error);

/* Firmwares (R-F2, R-F4, R-F6, R-F8, R-F9). @field names the field in the message, for
 * versions used as firmware version or as a source version. */
gboolean ota_validate_firmware_name        (const char *name, GError **error);
gboolean ota_validate_version              (const char *version, const char *field, GError **error);
gboolean ota_validate_module               (const char *module, GError **error);
gboolean ota_validate_description          (const char *description, GError **error);
gboolean ota_validate_firmware_file_name   (const char *file_name, GError **error);
gboolean ota_validate_firmware_size        (guint64 size, GError **error);

G_END_DECLS
