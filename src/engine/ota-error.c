/* ota-error.c — the engine's error domain, with the field name carried in the GError */
#include "ota-error.h"

typedef struct {
  char *field;
} OtaErrorPrivate;

static void
ota_error_private_init (OtaErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
ota_error_private_copy (const OtaErrorPrivate *src,
                        OtaErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
}

static void
ota_error_private_clear (OtaErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (OtaError, ota_error)

void
ota_error_set_field (GError       **error,
                     OtaErrorCode   code,
                     const char    *field,
                     const char    *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, OTA_ERROR, code, message);

  if (field != NULL)
    {
      OtaErrorPrivate *priv = ota_error_get_private (*error);
      priv->field = g_strdup (field);
    }
}

/**
 * ota_error_get_field:
 * @error: an error of any domain
 *
 * Returns: (nullable) (transfer none): the field an %OTA_ERROR is about, if any
 */
const char *
ota_error_get_field (const GError *error)
{
  OtaErrorPrivate *priv;

  if (error == NULL || error->domain != OTA_ERROR)
    return NULL;

  priv = ota_error_get_private (error);
  return priv != NULL ? priv->field : NULL;
}

const char *
ota_error_code_to_string (OtaErrorCode code)
{
  switch (code)
    {
    case OTA_ERROR_INVALID_FIELD: return "invalid-field";
    case OTA_ERROR_NOT_FOUND:     return "not-found";
    case OTA_ERROR_CONFLICT:      return "conflict";
    case OTA_ERROR_STORE:         return "store";
    case OTA_ERROR_IO:            return "io";
    case OTA_ERROR_CRYPTO:        return "crypto";
    default:                      return "unknown";
    }
}
