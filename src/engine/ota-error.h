/* ota-error.h — the engine's error domain
 *
 * Every validation error names the field it is about: the message says it in words,
 * ota_error_get_field() gives it to programs (the server's JSON error body).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OTA_ERROR (ota_error_quark ())

typedef enum {
  OTA_ERROR_INVALID_FIELD,   /* a value outside its allowed range or form */
  OTA_ERROR_NOT_FOUND,       /* a product, device, firmware … that does not exist */
  OTA_ERROR_CONFLICT,        /* a duplicate, or an operation the current state forbids */
  OTA_ERROR_STORE,           /* the database failed */
  OTA_ERROR_IO,              /* a file could not be read or written */
  OTA_ERROR_CRYPTO,          /* key generation or signing failed */
} OtaErrorCode;

GQuark       ota_error_quark     (void);

void         ota_error_set_field (GError       **error,
                                  OtaErrorCode   code,
                                  const char    *field,
                                  const char    *format,
                                  ...) G_GNUC_PRINTF (4, 5);
const char  *ota_error_get_field (const GError  *error);
const char  *ota_error_code_to_string (OtaErrorCode code);

G_END_DECLS
