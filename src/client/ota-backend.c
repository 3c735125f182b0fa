/* ota-backend.c — the backend interface: signals, the name, and the catalogue calls */
#include "ota-backend-private.h"

G_DEFINE_INTERFACE (OtaBackend, ota_backend, G_TYPE_OBJECT)

enum {
  BATCH_CHANGED,
  CATALOGUE_CHANGED,
  N_SIGNALS
};

static guint backend_signals[N_SIGNALS];

static void
ota_backend_default_init (OtaBackendInterface *iface)
{
  /* Implementations end their operations alike: they bring only the _async vfuncs. */
  ota_backend_init_finish (iface);

  /**
   * OtaBackend:name:
   *
   * What to show the user for this backend: the database file, the server address.
   */
  g_object_interface_install_property (iface,
                                       g_param_spec_string ("name", NULL, NULL, NULL,
                                                            G_PARAM_READABLE |
                                                            G_PARAM_STATIC_STRINGS));

  /**
   * OtaBackend::batch-changed:
   * @batch_id: the batch whose tasks, counters or state changed
   */
  backend_signals[BATCH_CHANGED] =
    g_signal_new ("batch-changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * OtaBackend::catalogue-changed:
   * @product_key: (nullable): the product whose devices, firmwares or settings changed,
   *   or %NULL when it may be any (an import)
   */
  backend_signals[CATALOGUE_CHANGED] =
    g_signal_new ("catalogue-changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

char *
ota_backend_dup_name (OtaBackend *self)
{
  char *name = NULL;

  g_return_val_if_fail (OTA_IS_BACKEND (self), NULL);

  g_object_get (self, "name", &name, NULL);
  return name;
}

void
ota_backend_emit_batch_changed (OtaBackend *self,
                                gint64      batch_id)
{
  g_return_if_fail (OTA_IS_BACKEND (self));
  g_signal_emit (self, backend_signals[BATCH_CHANGED], 0, batch_id);
}

void
ota_backend_emit_catalogue_changed (OtaBackend *self,
                                    const char *product_key)
{
  g_return_if_fail (OTA_IS_BACKEND (self));
  g_signal_emit (self, backend_signals[CATALOGUE_CHANGED], 0, product_key);
}

/* ---- Products ------------------------------------------------------------- */

void
ota_backend_list_products_async (OtaBackend          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->list_products_async (self, cancellable, callback, user_data);
}

GPtrArray *
ota_backend_list_products_finish (OtaBackend    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->list_products_finish (self, result, error);
}

void
ota_backend_get_product_async (OtaBackend          *self,
                               const char          *key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (key != NULL);
  OTA_BACKEND_IFACE (self)->get_product_async (self, key, cancellable, callback, user_data);
}

OtaProduct *
ota_backend_get_product_finish (OtaBackend    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->get_product_finish (self, result, error);
}

void
ota_backend_add_product_async (OtaBackend           *self,
                               const OtaProductSpec *spec,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (spec != NULL);
  OTA_BACKEND_IFACE (self)->add_product_async (self, spec, cancellable, callback, user_data);
}

OtaProduct *
ota_backend_add_product_finish (OtaBackend    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->add_product_finish (self, result, error);
}

void
ota_backend_set_secure_upgrade_async (OtaBackend          *self,
                                      const char          *key,
                                      gboolean             enabled,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (key != NULL);
  OTA_BACKEND_IFACE (self)->set_secure_upgrade_async (self, key, enabled, cancellable,
                                                      callback, user_data);
}

OtaProduct *
ota_backend_set_secure_upgrade_finish (OtaBackend    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->set_secure_upgrade_finish (self, result, error);
}

void
ota_backend_dup_public_key_async (OtaBackend          *self,
                                  const char          *key,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (key != NULL);
  OTA_BACKEND_IFACE (self)->dup_public_key_async (self, key, cancellable, callback, user_data);
}

char *
ota_backend_dup_public_key_finish (OtaBackend    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->dup_public_key_finish (self, result, error);
}

void
ota_backend_list_modules_async (OtaBackend          *self,
                                const char          *product_key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (product_key != NULL);
  OTA_BACKEND_IFACE (self)->list_modules_async (self, product_key, cancellable, callback, user_data);
}

GPtrArray *
ota_backend_list_modules_finish (OtaBackend    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->list_modules_finish (self, result, error);
}

/* ---- Devices -------------------------------------------------------------- */

void
ota_backend_query_devices_async (OtaBackend           *self,
                                 const OtaDeviceQuery *query,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (query != NULL);
  OTA_BACKEND_IFACE (self)->query_devices_async (self, query, cancellable, callback, user_data);
}

GPtrArray *
ota_backend_query_devices_finish (OtaBackend    *self,
                                  GAsyncResult  *result,
                                  guint64       *total,
                                  GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->query_devices_finish (self, result, total, error);
}

void
ota_backend_add_device_async (OtaBackend          *self,
                              const OtaDeviceSpec *spec,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (spec != NULL);
  OTA_BACKEND_IFACE (self)->add_device_async (self, spec, cancellable, callback, user_data);
}

OtaDevice *
ota_backend_add_device_finish (OtaBackend    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->add_device_finish (self, result, error);
}

void
ota_backend_import_devices_async (OtaBackend          *self,
                                  GFile               *file,
                                  OtaProgressFunc      progress,
                                  gpointer             progress_data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (G_IS_FILE (file));
  OTA_BACKEND_IFACE (self)->import_devices_async (self, file, progress, progress_data,
                                                  cancellable, callback, user_data);
}

gboolean
ota_backend_import_devices_finish (OtaBackend       *self,
                                   GAsyncResult     *result,
                                   OtaImportResult  *import_result,
                                   GError          **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->import_devices_finish (self, result, import_result, error);
}

void
ota_backend_export_devices_async (OtaBackend          *self,
                                  const char          *product_key,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (G_IS_FILE (file));
  OTA_BACKEND_IFACE (self)->export_devices_async (self, product_key, file, cancellable,
                                                  callback, user_data);
}

gboolean
ota_backend_export_devices_finish (OtaBackend    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->export_devices_finish (self, result, error);
}

/* ---- Firmwares ------------------------------------------------------------ */

void
ota_backend_list_firmwares_async (OtaBackend          *self,
                                  const char          *product_key,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (product_key != NULL);
  OTA_BACKEND_IFACE (self)->list_firmwares_async (self, product_key, cancellable, callback, user_data);
}

GPtrArray *
ota_backend_list_firmwares_finish (OtaBackend    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->list_firmwares_finish (self, result, error);
}

void
ota_backend_get_firmware_async (OtaBackend          *self,
                                gint64               firmware_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->get_firmware_async (self, firmware_id, cancellable, callback, user_data);
}

OtaFirmware *
ota_backend_get_firmware_finish (OtaBackend    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->get_firmware_finish (self, result, error);
}

void
ota_backend_check_firmware_spec_async (OtaBackend            *self,
                                       const OtaFirmwareSpec *spec,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (spec != NULL);
  OTA_BACKEND_IFACE (self)->check_firmware_spec_async (self, spec, cancellable, callback, user_data);
}

gboolean
ota_backend_check_firmware_spec_finish (OtaBackend    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->check_firmware_spec_finish (self, result, error);
}

void
ota_backend_add_firmware_async (OtaBackend            *self,
                                const OtaFirmwareSpec *spec,
                                GFile                 *file,
                                OtaProgressFunc        progress,
                                gpointer               progress_data,
                                GCancellable          *cancellable,
                                GAsyncReadyCallback    callback,
                                gpointer               user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (spec != NULL);
  g_return_if_fail (G_IS_FILE (file));
  OTA_BACKEND_IFACE (self)->add_firmware_async (self, spec, file, progress, progress_data,
                                                cancellable, callback, user_data);
}

OtaFirmware *
ota_backend_add_firmware_finish (OtaBackend    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->add_firmware_finish (self, result, error);
}
