/* ota-local-backend-catalogue.c — products, devices and firmwares on worker threads */
#include <glib/gi18n-lib.h>

#include "ota-local-backend-private.h"
#include "ota-spec-copy.h"

#define SELF(source) ((OtaLocalBackend *) (source))
#define ARGS(data) ((OtaLocalArgs *) (data))

static OtaLocalArgs *
args_with_key (const char *key)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->key = g_strdup (key);
  return args;
}

static OtaLocalArgs *
args_with_spec (gpointer       spec,
                GDestroyNotify spec_free)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->spec = spec;
  args->spec_free = spec_free;
  return args;
}

/* ---- Products ------------------------------------------------------------- */

static void
list_products_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *products = ota_engine_list_products (SELF (source)->engine, &error);

  ota_local_return (task, products, (GDestroyNotify) g_ptr_array_unref, error);
}

static void
list_products_async (OtaBackend          *backend,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), list_products_async, ota_local_args_new (), FALSE,
                         list_products_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (list_products, GPtrArray)

static void
get_product_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaProduct *product = ota_engine_get_product (SELF (source)->engine, ARGS (data)->key, &error);

  ota_local_return (task, product, g_object_unref, error);
}

static void
get_product_async (OtaBackend          *backend,
                   const char          *key,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), get_product_async, args_with_key (key), FALSE,
                         get_product_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (get_product, OtaProduct)

static void
add_product_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaProduct *product = ota_engine_add_product (SELF (source)->engine, ARGS (data)->spec, &error);

  if (product != NULL)
    ota_local_backend_catalogue_changed_later (SELF (source), ota_product_get_key (product));
  ota_local_return (task, product, g_object_unref, error);
}

static void
add_product_async (OtaBackend           *backend,
                   const OtaProductSpec *spec,
                   GCancellable         *cancellable,
                   GAsyncReadyCallback   callback,
                   gpointer              user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_product_spec_copy (spec),
                                       (GDestroyNotify) ota_product_spec_free);

  ota_local_backend_run (SELF (backend), add_product_async, args, TRUE,
                         add_product_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (add_product, OtaProduct)

static void
set_secure_upgrade_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  GError *error = NULL;
  OtaProduct *product = ota_engine_set_secure_upgrade (SELF (source)->engine, args->key,
                                                       args->flag, &error);

  if (product != NULL)
    ota_local_backend_catalogue_changed_later (SELF (source), args->key);
  ota_local_return (task, product, g_object_unref, error);
}

static void
set_secure_upgrade_async (OtaBackend          *backend,
                          const char          *key,
                          gboolean             enabled,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  OtaLocalArgs *args = args_with_key (key);

  args->flag = enabled;
  ota_local_backend_run (SELF (backend), set_secure_upgrade_async, args, TRUE,
                         set_secure_upgrade_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (set_secure_upgrade, OtaProduct)

static void
dup_public_key_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  char *pem = ota_engine_dup_public_key_pem (SELF (source)->engine, ARGS (data)->key, &error);

  ota_local_return (task, pem, g_free, error);
}

static void
dup_public_key_async (OtaBackend          *backend,
                      const char          *key,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), dup_public_key_async, args_with_key (key), FALSE,
                         dup_public_key_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (dup_public_key, char)

static void
list_modules_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *modules = ota_engine_list_modules (SELF (source)->engine, ARGS (data)->key, &error);

  ota_local_return (task, modules, (GDestroyNotify) g_ptr_array_unref, error);
}

static void
list_modules_async (OtaBackend          *backend,
                    const char          *product_key,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), list_modules_async, args_with_key (product_key), FALSE,
                         list_modules_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (list_modules, GPtrArray)

/* ---- Devices -------------------------------------------------------------- */

static void
query_devices_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  guint64 total = 0;
  GPtrArray *devices = ota_engine_query_devices (SELF (source)->engine, ARGS (data)->spec,
                                                 &total, &error);

  ota_local_return_page (task, devices, total, error);
}

static void
query_devices_async (OtaBackend           *backend,
                     const OtaDeviceQuery *query,
                     GCancellable         *cancellable,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_device_query_copy (query),
                                       (GDestroyNotify) ota_device_query_free);

  ota_local_backend_run (SELF (backend), query_devices_async, args, FALSE,
                         query_devices_thread, cancellable, callback, user_data);
}

static void
add_device_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const OtaDeviceSpec *spec = ARGS (data)->spec;
  GError *error = NULL;
  OtaDevice *device = ota_engine_add_device (SELF (source)->engine, spec, &error);

  if (device != NULL)
    ota_local_backend_catalogue_changed_later (SELF (source), spec->product_key);
  ota_local_return (task, device, g_object_unref, error);
}

static void
add_device_async (OtaBackend          *backend,
                  const OtaDeviceSpec *spec,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_device_spec_copy (spec),
                                       (GDestroyNotify) ota_device_spec_free);

  ota_local_backend_run (SELF (backend), add_device_async, args, TRUE,
                         add_device_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (add_device, OtaDevice)

static void
import_devices_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  g_autoptr(GFileInputStream) stream = NULL;
  GError *error = NULL;
  OtaImportResult counts = { 0 };

  stream = g_file_read (args->file, cancellable, &error);
  if (stream == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = g_file_get_parse_name (args->file);
          g_autoptr(GError) io_error = g_steal_pointer (&error);

          ota_error_set_field (&error, OTA_ERROR_IO, "file",
                               _("Cannot open the device list “%s”: %s"), name, io_error->message);
        }
      ota_local_return (task, NULL, NULL, error);
      return;
    }

  if (!ota_engine_import_devices_csv (SELF (source)->engine, G_INPUT_STREAM (stream), &counts,
                                      cancellable, ota_progress_relay_report, args->progress,
                                      &error))
    {
      ota_local_return (task, NULL, NULL, error);
      return;
    }

  /* A file may name several products. */
  ota_local_backend_catalogue_changed_later (SELF (source), NULL);
  ota_local_return (task, g_memdup2 (&counts, sizeof counts), g_free, NULL);
}

static void
import_devices_async (OtaBackend          *backend,
                      GFile               *file,
                      OtaProgressFunc      progress,
                      gpointer             progress_data,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->file = g_object_ref (file);
  args->progress = ota_progress_relay_new (progress, progress_data);
  ota_local_backend_run (SELF (backend), import_devices_async, args, TRUE,
                         import_devices_thread, cancellable, callback, user_data);
}

static gboolean
import_devices_finish (OtaBackend       *backend,
                       GAsyncResult     *result,
                       OtaImportResult  *import_result,
                       GError          **error)
{
  g_autofree OtaImportResult *counts = ota_local_finish_pointer (backend, result, error);

  if (counts == NULL)
    return FALSE;

  if (import_result != NULL)
    *import_result = *counts;
  return TRUE;
}

typedef struct {
  OtaEngine  *engine;
  const char *product_key;
} ExportDevices;

static gboolean
write_devices (GOutputStream  *stream,
               gpointer        data,
               GCancellable   *cancellable,
               GError        **error)
{
  ExportDevices *export = data;

  return ota_engine_export_devices_csv (export->engine, export->product_key, stream,
                                        cancellable, error);
}

static void
export_devices_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  ExportDevices export = { SELF (source)->engine, args->key };
  GError *error = NULL;
  gboolean ok = ota_local_replace_file (args->file, write_devices, &export, cancellable, &error);

  ota_local_return_boolean (task, ok, error);
}

static void
export_devices_async (OtaBackend          *backend,
                      const char          *product_key,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  OtaLocalArgs *args = args_with_key (product_key);

  args->file = g_object_ref (file);
  ota_local_backend_run (SELF (backend), export_devices_async, args, FALSE,
                         export_devices_thread, cancellable, callback, user_data);
}

/* ---- Firmwares ------------------------------------------------------------ */

static void
list_firmwares_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *firmwares = ota_engine_list_firmwares (SELF (source)->engine, ARGS (data)->key, &error);

  ota_local_return (task, firmwares, (GDestroyNotify) g_ptr_array_unref, error);
}

static void
list_firmwares_async (OtaBackend          *backend,
                      const char          *product_key,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), list_firmwares_async, args_with_key (product_key), FALSE,
                         list_firmwares_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (list_firmwares, GPtrArray)

static void
get_firmware_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaFirmware *firmware = ota_engine_get_firmware (SELF (source)->engine, ARGS (data)->id, &error);

  ota_local_return (task, firmware, g_object_unref, error);
}

static void
get_firmware_async (OtaBackend          *backend,
                    gint64               firmware_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->id = firmware_id;
  ota_local_backend_run (SELF (backend), get_firmware_async, args, FALSE,
                         get_firmware_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (get_firmware, OtaFirmware)

static void
check_firmware_spec_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean ok = ota_engine_check_firmware_spec (SELF (source)->engine, ARGS (data)->spec, &error);

  ota_local_return_boolean (task, ok, error);
}

static void
check_firmware_spec_async (OtaBackend            *backend,
                           const OtaFirmwareSpec *spec,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_firmware_spec_copy (spec),
                                       (GDestroyNotify) ota_firmware_spec_free);

  ota_local_backend_run (SELF (backend), check_firmware_spec_async, args, FALSE,
                         check_firmware_spec_thread, cancellable, callback, user_data);
}

static void
add_firmware_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  const OtaFirmwareSpec *spec = args->spec;
  GError *error = NULL;
  OtaFirmware *firmware = ota_engine_add_firmware (SELF (source)->engine, spec, args->file,
                                                   cancellable, ota_progress_relay_report,
                                                   args->progress, &error);

  if (firmware != NULL)
    ota_local_backend_catalogue_changed_later (SELF (source), spec->product_key);
  ota_local_return (task, firmware, g_object_unref, error);
}

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
  OtaLocalArgs *args = args_with_spec (ota_firmware_spec_copy (spec),
                                       (GDestroyNotify) ota_firmware_spec_free);

  args->file = g_object_ref (file);
  args->progress = ota_progress_relay_new (progress, progress_data);
  ota_local_backend_run (SELF (backend), add_firmware_async, args, TRUE,
                         add_firmware_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (add_firmware, OtaFirmware)

void
ota_local_backend_init_catalogue (OtaBackendInterface *iface)
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
  iface->query_devices_finish = ota_local_finish_page;
  iface->add_device_async = add_device_async;
  iface->add_device_finish = add_device_finish;
  iface->import_devices_async = import_devices_async;
  iface->import_devices_finish = import_devices_finish;
  iface->export_devices_async = export_devices_async;
  iface->export_devices_finish = ota_local_finish_boolean;

  iface->list_firmwares_async = list_firmwares_async;
  iface->list_firmwares_finish = list_firmwares_finish;
  iface->get_firmware_async = get_firmware_async;
  iface->get_firmware_finish = get_firmware_finish;
  iface->check_firmware_spec_async = check_firmware_spec_async;
  iface->check_firmware_spec_finish = ota_local_finish_boolean;
  iface->add_firmware_async = add_firmware_async;
  iface->add_firmware_finish = add_firmware_finish;
}
