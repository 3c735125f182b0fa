/* ota-server-firmwares.c — firmwares: list, get, check a spec, upload (R-F)
 *
 * Upload: POST /api/v1/products/{key}/firmwares?name=…&version=…&type=…
 *   &source_versions=1.0,1.1&module=…&sign_algorithm=…&description=…&file_name=…
 * with the raw file as the body. The parameters and the file name are checked before
 * the body is read, so a wrong version is refused at once, not after a gigabyte.
 */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"
#include "ota-spec-copy.h"

#define ENGINE(request) ((request)->server->engine)

static gboolean
list_firmwares (OtaRequest  *request,
                GError     **error)
{
  g_autoptr(GPtrArray) firmwares = NULL;
  g_autoptr(OtaProduct) product = ota_engine_get_product (ENGINE (request), request->params[0], error);

  if (product == NULL)
    return FALSE;
  firmwares = ota_engine_list_firmwares (ENGINE (request), request->params[0], error);
  if (firmwares == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK,
                          ota_json_from_list (firmwares, (OtaJsonFromFunc) ota_json_from_firmware));
  return TRUE;
}

static gboolean
get_firmware (OtaRequest  *request,
              GError     **error)
{
  g_autoptr(OtaFirmware) firmware = NULL;
  gint64 id;

  if (!ota_request_get_id (request, 0, "firmware", &id, error) ||
      (firmware = ota_engine_get_firmware (ENGINE (request), id, error)) == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_firmware (firmware));
  return TRUE;
}

/* The spec of the query parameters, checked against the product as stored now. */
static OtaFirmwareSpec *
checked_spec (OtaRequest  *request,
              GError     **error)
{
  g_autoptr(OtaFirmwareSpec) spec = ota_json_firmware_spec_from_params (request->query, request->params[0], error);

  if (spec == NULL || !ota_engine_check_firmware_spec (ENGINE (request), spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}

static gboolean
check_firmware_spec (OtaRequest  *request,
                     GError     **error)
{
  g_autoptr(OtaFirmwareSpec) spec = checked_spec (request, error);

  if (spec == NULL)
    return FALSE;
  request->status = SOUP_STATUS_NO_CONTENT;
  return TRUE;
}

static gboolean
precheck_upload (OtaRequest  *request,
                 GError     **error)
{
  g_autoptr(OtaFirmwareSpec) spec = checked_spec (request, error);
  const char *file_name = request->query != NULL ? g_hash_table_lookup (request->query, "file_name") : NULL;

  if (spec == NULL)
    return FALSE;

  /* The name becomes a file in the upload folder: one path component, nothing more. */
  if (file_name == NULL || *file_name == '\0' || strchr (file_name, '/') != NULL ||
      g_str_equal (file_name, ".") || g_str_equal (file_name, "..") || strlen (file_name) > 255 ||
      !g_utf8_validate (file_name, -1, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file-name",
                           _("“file_name” must be the firmware file’s name, without folders"));
      return FALSE;
    }
  if (!ota_validate_firmware_file_name (file_name, error))
    return FALSE;

  request->upload_name = g_strdup (file_name);
  return TRUE;
}

static gboolean
add_firmware (OtaRequest  *request,
              GError     **error)
{
  g_autoptr(OtaFirmwareSpec) spec = ota_json_firmware_spec_from_params (request->query, request->params[0], error);
  g_autoptr(GFile) file = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;

  if (spec == NULL)
    return FALSE;

  file = g_file_new_for_path (request->upload_path);
  firmware = ota_engine_add_firmware (ENGINE (request), spec, file, NULL, NULL, NULL, error);
  if (firmware == NULL)
    return FALSE;

  ota_request_catalogue_changed (request, ota_firmware_get_product_key (firmware));
  ota_request_reply_json (request, SOUP_STATUS_CREATED, ota_json_from_firmware (firmware));
  return TRUE;
}

const OtaRoute ota_server_firmware_routes[] = {
  { "GET",  "/api/v1/products/*/firmwares", list_firmwares, 0, NULL },
  { "POST", "/api/v1/products/*/firmwares", add_firmware, OTA_ROUTE_UPLOAD | OTA_ROUTE_WRITE, precheck_upload },
  { "POST", "/api/v1/products/*/firmwares/check", check_firmware_spec, 0, NULL },
  { "GET",  "/api/v1/firmwares/*", get_firmware, 0, NULL },
  { NULL }
};
