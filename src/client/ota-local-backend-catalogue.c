/* ota-local-backend-catalogue.c — products, devices and firmwares on worker threads:
 * each operation is its engine call, run by ota-local-backend-call.c */
#include <glib/gi18n-lib.h>

#include "ota-local-backend-private.h"
#include "ota-spec-copy.h"

#define SELF(backend) ((OtaLocalBackend *) (backend))

/* A write that succeeded changed the catalogue of @product_key. */
static gpointer
changed (OtaLocalBackend *self,
         gpointer         result,
         const char      *product_key)
{
  if (result != NULL)
    ota_local_backend_catalogue_changed_later (self, product_key);
  return result;
}

/* ---- Products ------------------------------------------------------------- */

static gpointer
list_products (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_list_products (self->engine, error);
}

static void
list_products_async (OtaBackend *backend, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), list_products_async, ota_local_args_new (), FALSE,
                          list_products, (GDestroyNotify) g_ptr_array_unref,
                          cancellable, callback, user_data);
}

static gpointer
get_product (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_get_product (self->engine, args->key, error);
}

static void
get_product_async (OtaBackend *backend, const char *key, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), get_product_async, ota_local_args_new_key (key), FALSE,
                          get_product, g_object_unref, cancellable, callback, user_data);
}

static gpointer
add_product (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  OtaProduct *product = ota_engine_add_product (self->engine, args->spec, error);

  return changed (self, product, product != NULL ? ota_product_get_key (product) : NULL);
}

static void
add_product_async (OtaBackend *backend, const OtaProductSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_product_spec_copy (spec),
                                                (GDestroyNotify) ota_product_spec_free);

  ota_local_backend_call (SELF (backend), add_product_async, args, TRUE,
                          add_product, g_object_unref, cancellable, callback, user_data);
}

static gpointer
set_secure_upgrade (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return changed (self, ota_engine_set_secure_upgrade (self->engine, args->key, args->flag, error),
                  args->key);
}

static void
set_secure_upgrade_async (OtaBackend *backend, const char *key, gboolean enabled,
                          OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_key (key);

  args->flag = enabled;
  ota_local_backend_call (SELF (backend), set_secure_upgrade_async, args, TRUE,
                          set_secure_upgrade, g_object_unref, cancellable, callback, user_data);
}

static gpointer
dup_public_key (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_dup_public_key_pem (self->engine, args->key, error);
}

static void
dup_public_key_async (OtaBackend *backend, const char *key, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), dup_public_key_async, ota_local_args_new_key (key),
                          FALSE, dup_public_key, g_free, cancellable, callback, user_data);
}

static gpointer
list_modules (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_list_modules (self->engine, args->key, error);
}

static void
list_modules_async (OtaBackend *backend, const char *product_key, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), list_modules_async, ota_local_args_new_key (product_key),
                          FALSE, list_modules, (GDestroyNotify) g_ptr_array_unref,
                          cancellable, callback, user_data);
}

/* ---- Devices -------------------------------------------------------------- */

static GPtrArray *
query_devices (OtaLocalBackend *self, OtaLocalArgs *args, guint64 *total, GError **error)
{
  return ota_engine_query_devices (self->engine, args->spec, total, error);
}

static void
query_devices_async (OtaBackend *backend, const OtaDeviceQuery *query, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_device_query_copy (query),
                                                (GDestroyNotify) ota_device_query_free);

  ota_local_backend_query (SELF (backend), query_devices_async, args, query_devices,
                           cancellable, callback, user_data);
}

static gpointer
add_device (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  const OtaDeviceSpec *spec = args->spec;

  return changed (self, ota_engine_add_device (self->engine, spec, error), spec->product_key);
}

static void
add_device_async (OtaBackend *backend, const OtaDeviceSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_device_spec_copy (spec),
                                                (GDestroyNotify) ota_device_spec_free);

  ota_local_backend_call (SELF (backend), add_device_async, args, TRUE,
                          add_device, g_object_unref, cancellable, callback, user_data);
}

static gpointer
import_devices (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  GError *local_error = NULL;
  OtaImportResult counts = { 0 };

  stream = g_file_read (args->file, cancellable, &local_error);
  if (stream == NULL)
    {
      g_autofree char *name = NULL;

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }

      name = g_file_get_parse_name (args->file);
      ota_error_set_field (error, OTA_ERROR_IO, "file",
                           _("Cannot open the device list “%s”: %s"), name, local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  if (!ota_engine_import_devices_csv (self->engine, G_INPUT_STREAM (stream), &counts,
                                      cancellable, ota_progress_relay_report, args->progress,
                                      error))
    return NULL;

  /* A file may name several products. */
  return changed (self, g_memdup2 (&counts, sizeof counts), NULL);
}

static void
import_devices_async (OtaBackend *backend, GFile *file, OtaProgressFunc progress,
                      gpointer progress_data, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->file = g_object_ref (file);
  args->progress = ota_progress_relay_new (progress, progress_data);
  ota_local_backend_call (SELF (backend), import_devices_async, args, TRUE,
                          import_devices, g_free, cancellable, callback, user_data);
}

static gboolean
write_devices (OtaEngine *engine, OtaLocalArgs *args, GOutputStream *stream,
               GCancellable *cancellable, GError **error)
{
  return ota_engine_export_devices_csv (engine, args->key, stream, cancellable, error);
}

static void
export_devices_async (OtaBackend *backend, const char *product_key, GFile *file,
                      OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_key (product_key);

  args->file = g_object_ref (file);
  ota_local_backend_export (SELF (backend), export_devices_async, args, write_devices,
                            cancellable, callback, user_data);
}

/* ---- Firmwares ------------------------------------------------------------ */

static gpointer
list_firmwares (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_list_firmwares (self->engine, args->key, error);
}

static void
list_firmwares_async (OtaBackend *backend, const char *product_key, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), list_firmwares_async, ota_local_args_new_key (product_key),
                          FALSE, list_firmwares, (GDestroyNotify) g_ptr_array_unref,
                          cancellable, callback, user_data);
}

static gpointer
get_firmware (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_get_firmware (self->engine, args->id, error);
}

static void
get_firmware_async (OtaBackend *backend, gint64 firmware_id, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), get_firmware_async, ota_local_args_new_id (firmware_id),
                          FALSE, get_firmware, g_object_unref, cancellable, callback, user_data);
}

static gboolean
check_firmware_spec (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_check_firmware_spec (self->engine, args->spec, error);
}

static void
check_firmware_spec_async (OtaBackend *backend, const OtaFirmwareSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_firmware_spec_copy (spec),
                                                (GDestroyNotify) ota_firmware_spec_free);

  ota_local_backend_check (SELF (backend), check_firmware_spec_async, args, FALSE,
                           check_firmware_spec, cancellable, callback, user_data);
}

static gpointer
add_firmware (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  const OtaFirmwareSpec *spec = args->spec;
  OtaFirmware *firmware = ota_engine_add_firmware (self->engine, spec, args->file, cancellable,
                                                   ota_progress_relay_report, args->progress,
                                                   error);

  return changed (self, firmware, spec->product_key);
}

static void
add_firmware_async (OtaBackend *backend, const OtaFirmwareSpec *spec, GFile *file,
                    OtaProgressFunc progress, gpointer progress_data, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_firmware_spec_copy (spec),
                                                (GDestroyNotify) ota_firmware_spec_free);

  args->file = g_object_ref (file);
  args->progress = ota_progress_relay_new (progress, progress_data);
  ota_local_backend_call (SELF (backend), add_firmware_async, args, TRUE,
                          add_firmware, g_object_unref, cancellable, callback, user_data);
}

void
ota_local_backend_init_catalogue (OtaBackendInterface *iface)
{
  OTA_BACKEND_SET_CATALOGUE_ASYNC (iface);
}
