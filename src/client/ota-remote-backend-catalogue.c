/* ota-remote-backend-catalogue.c — products, devices and firmwares over the HTTP API */
#include <glib/gi18n-lib.h>

#include "ota-remote-backend-private.h"

#define SELF(backend) ((OtaRemoteBackend *) (backend))

#define OP(name, method, answer, parse, free_func) \
  static const OtaRemoteOp name##_op = { method, answer, (OtaJsonToFunc) (parse), (GDestroyNotify) (free_func) }

static OtaRemoteArgs *
write_args (char     *path,
            JsonNode *body)
{
  OtaRemoteArgs *args = ota_remote_args_new (path);

  args->body = body;
  args->is_write = TRUE;
  return args;
}

/* ---- Products ------------------------------------------------------------- */

OP (list_products, "GET", OTA_REMOTE_ANSWER_LIST, ota_json_to_product, g_object_unref);

static void
list_products_async (OtaBackend          *backend,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  ota_remote_request (SELF (backend), list_products_async, &list_products_op,
                      ota_remote_args_new (g_strdup ("/products")), cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (list_products, GPtrArray)

OP (get_product, "GET", OTA_REMOTE_ANSWER_ITEM, ota_json_to_product, g_object_unref);

static void
get_product_async (OtaBackend          *backend,
                   const char          *key,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  ota_remote_request (SELF (backend), get_product_async, &get_product_op,
                      ota_remote_args_new (ota_remote_path ("/products/{s}", key)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (get_product, OtaProduct)

OP (add_product, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_product, g_object_unref);

static void
add_product_async (OtaBackend           *backend,
                   const OtaProductSpec *spec,
                   GCancellable         *cancellable,
                   GAsyncReadyCallback   callback,
                   gpointer              user_data)
{
  ota_remote_request (SELF (backend), add_product_async, &add_product_op,
                      write_args (g_strdup ("/products"), ota_json_from_product_spec (spec)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (add_product, OtaProduct)

OP (set_secure_upgrade, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_product, g_object_unref);

static void
set_secure_upgrade_async (OtaBackend          *backend,
                          const char          *key,
                          gboolean             enabled,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  JsonNode *body = json_from_string (enabled ? "{\"enabled\": true}" : "{\"enabled\": false}", NULL);

  ota_remote_request (SELF (backend), set_secure_upgrade_async, &set_secure_upgrade_op,
                      write_args (ota_remote_path ("/products/{s}/secure-upgrade", key), body),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (set_secure_upgrade, OtaProduct)

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

OP (dup_public_key, "GET", OTA_REMOTE_ANSWER_ITEM, parse_public_key, g_free);

static void
dup_public_key_async (OtaBackend          *backend,
                      const char          *key,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  ota_remote_request (SELF (backend), dup_public_key_async, &dup_public_key_op,
                      ota_remote_args_new (ota_remote_path ("/products/{s}/public-key", key)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (dup_public_key, char)

OP (list_modules, "GET", OTA_REMOTE_ANSWER_LIST, ota_json_to_module, g_object_unref);

static void
list_modules_async (OtaBackend          *backend,
                    const char          *product_key,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_remote_request (SELF (backend), list_modules_async, &list_modules_op,
                      ota_remote_args_new (ota_remote_path ("/products/{s}/modules", product_key)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (list_modules, GPtrArray)

/* ---- Devices -------------------------------------------------------------- */

OP (query_devices, "GET", OTA_REMOTE_ANSWER_PAGE, ota_json_to_device, g_object_unref);

static void
query_devices_async (OtaBackend           *backend,
                     const OtaDeviceQuery *query,
                     GCancellable         *cancellable,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/products/{s}/devices", query->product_key));

  args->query = ota_json_device_query_to_params (query);
  ota_remote_request (SELF (backend), query_devices_async, &query_devices_op, args,
                      cancellable, callback, user_data);
}

OP (add_device, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_device, g_object_unref);

static void
add_device_async (OtaBackend          *backend,
                  const OtaDeviceSpec *spec,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  ota_remote_request (SELF (backend), add_device_async, &add_device_op,
                      write_args (ota_remote_path ("/products/{s}/devices", spec->product_key),
                                  ota_json_from_device_spec (spec)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (add_device, OtaDevice)

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

OP (import_devices, "POST", OTA_REMOTE_ANSWER_ITEM, parse_import_result, g_free);

static void
import_devices_async (OtaBackend          *backend,
                      GFile               *file,
                      OtaProgressFunc      progress,
                      gpointer             progress_data,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  OtaRemoteArgs *args = write_args (g_strdup ("/devices/import"), NULL);

  args->upload = g_object_ref (file);
  args->upload_type = "text/csv";
  args->file_error = device_list_error;
  args->progress = progress;
  args->progress_data = progress_data;
  ota_remote_request (SELF (backend), import_devices_async, &import_devices_op, args,
                      cancellable, callback, user_data);
}

static gboolean
import_devices_finish (OtaBackend       *backend,
                       GAsyncResult     *result,
                       OtaImportResult  *import_result,
                       GError          **error)
{
  g_autofree OtaImportResult *counts = ota_remote_finish_pointer (backend, result, error);

  if (counts == NULL)
    return FALSE;

  if (import_result != NULL)
    *import_result = *counts;
  return TRUE;
}

OP (export, "GET", OTA_REMOTE_ANSWER_NONE, NULL, NULL);

static void
export_devices_async (OtaBackend          *backend,
                      const char          *product_key,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  OtaRemoteArgs *args = ota_remote_args_new (product_key != NULL
                                             ? ota_remote_path ("/products/{s}/devices.csv", product_key)
                                             : g_strdup ("/devices.csv"));

  args->download = g_object_ref (file);
  ota_remote_request (SELF (backend), export_devices_async, &export_op, args,
                      cancellable, callback, user_data);
}

/* ---- Firmwares ------------------------------------------------------------ */

OP (list_firmwares, "GET", OTA_REMOTE_ANSWER_LIST, ota_json_to_firmware, g_object_unref);

static void
list_firmwares_async (OtaBackend          *backend,
                      const char          *product_key,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  ota_remote_request (SELF (backend), list_firmwares_async, &list_firmwares_op,
                      ota_remote_args_new (ota_remote_path ("/products/{s}/firmwares", product_key)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (list_firmwares, GPtrArray)

OP (get_firmware, "GET", OTA_REMOTE_ANSWER_ITEM, ota_json_to_firmware, g_object_unref);

static void
get_firmware_async (OtaBackend          *backend,
                    gint64               firmware_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_remote_request (SELF (backend), get_firmware_async, &get_firmware_op,
                      ota_remote_args_new (ota_remote_path ("/firmwares/{i}", firmware_id)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (get_firmware, OtaFirmware)

OP (check_firmware_spec, "POST", OTA_REMOTE_ANSWER_NONE, NULL, NULL);

static void
check_firmware_spec_async (OtaBackend            *backend,
                           const OtaFirmwareSpec *spec,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/products/{s}/firmwares/check",
                                                              spec->product_key));

  args->query = ota_json_firmware_spec_to_params (spec);
  ota_remote_request (SELF (backend), check_firmware_spec_async, &check_firmware_spec_op, args,
                      cancellable, callback, user_data);
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

OP (add_firmware, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_firmware, g_object_unref);

static void
add_firmware_async (OtaBackend            *backend,
                    const OtaFirmwareSpec *spec,
                    GFile                 *file,
                    OtaProgressFunc        progress,
                    gpointer               progress_data,
                    GCancellable          *cancellable,
                    GAsyncReadyCallback    callback,
                    gpointer               user_data)
{
  OtaRemoteArgs *args = write_args (ota_remote_path ("/products/{s}/firmwares", spec->product_key), NULL);

  args->query = ota_json_firmware_spec_to_params (spec);
  args->upload = g_object_ref (file);
  args->upload_type = "application/octet-stream";
  args->prepare = prepare_firmware;
  args->file_error = firmware_file_error;
  args->progress = progress;
  args->progress_data = progress_data;
  ota_remote_request (SELF (backend), add_firmware_async, &add_firmware_op, args,
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (add_firmware, OtaFirmware)

void
ota_remote_backend_init_catalogue (OtaBackendInterface *iface)
{
  iface->list_products_async = list_products_async;
  iface->list_products_finish = list_products_finish;
  iface->get_product_async = get_product_async;
  iface->get_product_finish = get_product_finish;
  iface->add_product_async = add_product_async;
  iface->add_product_finish = add_product_finish;
  iface->set_secure_upgrade_async = set_secure_upgrade_async;
  iface->set_secure_upgrade_finish = set_secure_upgrade_finish;
  iface->dup_public_key_async = dup_public_key_async;
  iface->dup_public_key_finish = dup_public_key_finish;
  iface->list_modules_async = list_modules_async;
  iface->list_modules_finish = list_modules_finish;

  iface->query_devices_async = query_devices_async;
  iface->query_devices_finish = ota_remote_finish_page;
  iface->add_device_async = add_device_async;
  iface->add_device_finish = add_device_finish;
  iface->import_devices_async = import_devices_async;
  iface->import_devices_finish = import_devices_finish;
  iface->export_devices_async = export_devices_async;
  iface->export_devices_finish = ota_remote_finish_boolean;

  iface->list_firmwares_async = list_firmwares_async;
  iface->list_firmwares_finish = list_firmwares_finish;
  iface->get_firmware_async = get_firmware_async;
  iface->get_firmware_finish = get_firmware_finish;
  iface->check_firmware_spec_async = check_firmware_spec_async;
  iface->check_firmware_spec_finish = ota_remote_finish_boolean;
  iface->add_firmware_async = add_firmware_async;
  iface->add_firmware_finish = add_firmware_finish;
}
