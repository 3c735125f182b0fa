/* ota-remote-backend-catalogue.c — products, devices and firmwares over the HTTP API:
 * each operation is its request, sent by ota-remote-request.c */
#include <glib/gi18n-lib.h>

#include "ota-remote-backend-private.h"

/* ---- Products ------------------------------------------------------------- */

OTA_REMOTE_OP (list_products, "GET", LIST, ota_json_to_product, g_object_unref);

static void
list_products_async (OtaBackend *backend, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (list_products, ota_remote_args_new (g_strdup ("/products")));
}

OTA_REMOTE_OP (get_product, "GET", ITEM, ota_json_to_product, g_object_unref);

static void
get_product_async (OtaBackend *backend, const char *key, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (get_product, ota_remote_args_new (ota_remote_path ("/products/{s}", key)));
}

OTA_REMOTE_OP (add_product, "POST", ITEM, ota_json_to_product, g_object_unref);

static void
add_product_async (OtaBackend *backend, const OtaProductSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (add_product, ota_remote_args_new_write (g_strdup ("/products"),
                                                              ota_json_from_product_spec (spec)));
}

OTA_REMOTE_OP (set_secure_upgrade, "POST", ITEM, ota_json_to_product, g_object_unref);

static void
set_secure_upgrade_async (OtaBackend *backend, const char *key, gboolean enabled,
                          OTA_BACKEND_ASYNC_ARGS)
{
  JsonNode *body = json_from_string (enabled ? "{\"enabled\": true}" : "{\"enabled\": false}", NULL);

  OTA_REMOTE_REQUEST (set_secure_upgrade,
                      ota_remote_args_new_write (ota_remote_path ("/products/{s}/secure-upgrade", key), body));
}

/* {"public_key": "-----BEGIN PUBLIC KEY-----…"} */
static char *
parse_public_key (JsonNode  *node,
                  GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *pem = object != NULL ? json_object_get_string_member_with_default (object, "public_key", NULL)
                                   : NULL;

  if (pem == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“public_key” is missing"));
      return NULL;
    }
  return g_strdup (pem);
}

OTA_REMOTE_OP (dup_public_key, "GET", ITEM, parse_public_key, g_free);

static void
dup_public_key_async (OtaBackend *backend, const char *key, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (dup_public_key, ota_remote_args_new (ota_remote_path ("/products/{s}/public-key", key)));
}

OTA_REMOTE_OP (list_modules, "GET", LIST, ota_json_to_module, g_object_unref);

static void
list_modules_async (OtaBackend *backend, const char *product_key, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (list_modules,
                      ota_remote_args_new (ota_remote_path ("/products/{s}/modules", product_key)));
}

/* ---- Devices -------------------------------------------------------------- */

OTA_REMOTE_OP (query_devices, "GET", PAGE, ota_json_to_device, g_object_unref);

static void
query_devices_async (OtaBackend *backend, const OtaDeviceQuery *query, OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/products/{s}/devices", query->product_key));

  args->query = ota_json_device_query_to_params (query);
  OTA_REMOTE_REQUEST (query_devices, args);
}

OTA_REMOTE_OP (add_device, "POST", ITEM, ota_json_to_device, g_object_unref);

static void
add_device_async (OtaBackend *backend, const OtaDeviceSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (add_device, ota_remote_args_new_write (ota_remote_path ("/products/{s}/devices",
                                                                              spec->product_key),
                                                             ota_json_from_device_spec (spec)));
}

/* The local backend's words, so both report a missing file alike. */
static GError *
device_list_error (GFile  *file,
                   GError *error)
{
  g_autofree char *name = NULL;
  GError *mapped = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  name = g_file_get_parse_name (file);
  ota_error_set_field (&mapped, OTA_ERROR_IO, "file", _("Cannot open the device list “%s”: %s"),
                       name, error->message);
  g_error_free (error);
  return mapped;
}

static gpointer
parse_import_result (JsonNode  *node,
                     GError   **error)
{
  OtaImportResult counts = { 0 };

  if (!ota_json_to_import_result (node, &counts, error))
    return NULL;
  return g_memdup2 (&counts, sizeof counts);
}

OTA_REMOTE_OP (import_devices, "POST", ITEM, parse_import_result, g_free);

static void
import_devices_async (OtaBackend *backend, GFile *file, OtaProgressFunc progress,
                      gpointer progress_data, OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new_write (g_strdup ("/devices/import"), NULL);

  args->upload = g_object_ref (file);
  args->upload_type = "text/csv";
  args->file_error = device_list_error;
  args->progress = progress;
  args->progress_data = progress_data;
  OTA_REMOTE_REQUEST (import_devices, args);
}

OTA_REMOTE_OP (export_devices, "GET", NONE, NULL, NULL);

static void
export_devices_async (OtaBackend *backend, const char *product_key, GFile *file,
                      OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new (product_key != NULL
                                             ? ota_remote_path ("/products/{s}/devices.csv", product_key)
                                             : g_strdup ("/devices.csv"));

  args->download = g_object_ref (file);
  OTA_REMOTE_REQUEST (export_devices, args);
}

/* ---- Firmwares ------------------------------------------------------------ */

OTA_REMOTE_OP (list_firmwares, "GET", LIST, ota_json_to_firmware, g_object_unref);

static void
list_firmwares_async (OtaBackend *backend, const char *product_key, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (list_firmwares,
                      ota_remote_args_new (ota_remote_path ("/products/{s}/firmwares", product_key)));
}

OTA_REMOTE_OP (get_firmware, "GET", ITEM, ota_json_to_firmware, g_object_unref);

static void
get_firmware_async (OtaBackend *backend, gint64 firmware_id, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (get_firmware, ota_remote_args_new (ota_remote_path ("/firmwares/{i}", firmware_id)));
}

OTA_REMOTE_OP (check_firmware_spec, "POST", NONE, NULL, NULL);

static void
check_firmware_spec_async (OtaBackend *backend, const OtaFirmwareSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/products/{s}/firmwares/check",
                                                              spec->product_key));

  args->query = ota_json_firmware_spec_to_params (spec);
  OTA_REMOTE_REQUEST (check_firmware_spec, args);
}

/* The engine's words for a file it cannot read (ota_engine_add_firmware()). */
static GError *
firmware_file_error (GFile  *file,
                     GError *error)
{
  GError *mapped = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  ota_error_set_field (&mapped, OTA_ERROR_IO, "file", _("Cannot read the firmware file: %s"),
                       error->message);
  g_error_free (error);
  return mapped;
}

/* What the engine checks of the file before reading it (R-F8, R-F9); the file's name
 * becomes the upload's "file_name". */
static gboolean
prepare_firmware (OtaRemoteArgs  *args,
                  GFileInfo      *info,
                  GError        **error)
{
  const char *file_name = g_file_info_get_display_name (info);

  if (!ota_validate_firmware_file_name (file_name, error))
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file", _("“%s” is not a regular file"),
                           file_name);
      return FALSE;
    }
  if (!ota_validate_firmware_size ((guint64) g_file_info_get_size (info), error))
    return FALSE;

  g_hash_table_insert (args->query, "file_name", g_strdup (file_name));
  return TRUE;
}

OTA_REMOTE_OP (add_firmware, "POST", ITEM, ota_json_to_firmware, g_object_unref);

static void
add_firmware_async (OtaBackend *backend, const OtaFirmwareSpec *spec, GFile *file,
                    OtaProgressFunc progress, gpointer progress_data, OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new_write (ota_remote_path ("/products/{s}/firmwares",
                                                                    spec->product_key), NULL);

  args->query = ota_json_firmware_spec_to_params (spec);
  args->upload = g_object_ref (file);
  args->upload_type = "application/octet-stream";
  args->prepare = prepare_firmware;
  args->file_error = firmware_file_error;
  args->progress = progress;
  args->progress_data = progress_data;
  OTA_REMOTE_REQUEST (add_firmware, args);
}

void
ota_remote_backend_init_catalogue (OtaBackendInterface *iface)
{
  OTA_BACKEND_SET_CATALOGUE_ASYNC (iface);
}
