/* ota-backend-finish.c — the interface's default _finish vfuncs: the GTask an
 * implementation's _async call made, with the backend as its source object */
#include <string.h>

#include "ota-backend-private.h"

OtaBackendPage *
ota_backend_page_new (GPtrArray *items,
                      guint64    total)
{
  OtaBackendPage *page = g_new0 (OtaBackendPage, 1);

  page->items = items;
  page->total = total;
  return page;
}

void
ota_backend_page_free (OtaBackendPage *page)
{
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page);
}

static gpointer
finish_pointer (OtaBackend    *backend,
                GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
ota_backend_task_finish_boolean (OtaBackend    *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static GPtrArray *
finish_page (OtaBackend    *backend,
             GAsyncResult  *result,
             guint64       *total,
             GError       **error)
{
  OtaBackendPage *page = finish_pointer (backend, result, error);
  GPtrArray *items;

  if (page == NULL)
    return NULL;

  if (total != NULL)
    *total = page->total;
  items = g_steal_pointer (&page->items);
  ota_backend_page_free (page);
  return items;
}

/* A copy of a plain struct of @size bytes, into @out (optional). */
static gboolean
finish_copy (OtaBackend    *backend,
             GAsyncResult  *result,
             gpointer       out,
             gsize          size,
             GError       **error)
{
  g_autofree gpointer found = finish_pointer (backend, result, error);

  if (found == NULL)
    return FALSE;

  if (out != NULL)
    memcpy (out, found, size);
  return TRUE;
}

static gboolean
import_devices_finish (OtaBackend       *backend,
                       GAsyncResult     *result,
                       OtaImportResult  *import_result,
                       GError          **error)
{
  return finish_copy (backend, result, import_result, sizeof *import_result, error);
}

static gboolean
forecast_batch_finish (OtaBackend        *backend,
                       GAsyncResult      *result,
                       OtaBatchForecast  *forecast,
                       GError           **error)
{
  return finish_copy (backend, result, forecast, sizeof *forecast, error);
}

/* Typed vfuncs over finish_pointer(). */
#define FINISH_POINTER(name, type) \
  static type * \
  name##_finish (OtaBackend    *backend, \
                 GAsyncResult  *result, \
                 GError       **error) \
  { \
    return finish_pointer (backend, result, error); \
  }

FINISH_POINTER (list_products, GPtrArray)
FINISH_POINTER (get_product, OtaProduct)
FINISH_POINTER (add_product, OtaProduct)
FINISH_POINTER (set_secure_upgrade, OtaProduct)
FINISH_POINTER (dup_public_key, char)
FINISH_POINTER (list_modules, GPtrArray)
FINISH_POINTER (add_device, OtaDevice)
FINISH_POINTER (list_firmwares, GPtrArray)
FINISH_POINTER (get_firmware, OtaFirmware)
FINISH_POINTER (add_firmware, OtaFirmware)
FINISH_POINTER (start_verification, OtaBatch)
FINISH_POINTER (create_batch, OtaBatch)
FINISH_POINTER (list_batches, GPtrArray)
FINISH_POINTER (get_batch, OtaBatch)
FINISH_POINTER (cancel_batch, OtaBatch)
FINISH_POINTER (cancel_task, OtaTask)
FINISH_POINTER (get_device_task, OtaTask)
FINISH_POINTER (count_failures, GArray)

void
ota_backend_init_finish (OtaBackendInterface *iface)
{
  iface->list_products_finish = list_products_finish;
  iface->get_product_finish = get_product_finish;
  iface->add_product_finish = add_product_finish;
  iface->set_secure_upgrade_finish = set_secure_upgrade_finish;
  iface->dup_public_key_finish = dup_public_key_finish;
  iface->list_modules_finish = list_modules_finish;

  iface->query_devices_finish = finish_page;
  iface->add_device_finish = add_device_finish;
  iface->import_devices_finish = import_devices_finish;
  iface->export_devices_finish = ota_backend_task_finish_boolean;

  iface->list_firmwares_finish = list_firmwares_finish;
  iface->get_firmware_finish = get_firmware_finish;
  iface->check_firmware_spec_finish = ota_backend_task_finish_boolean;
  iface->add_firmware_finish = add_firmware_finish;

  iface->start_verification_finish = start_verification_finish;
  iface->forecast_batch_finish = forecast_batch_finish;
  iface->create_batch_finish = create_batch_finish;
  iface->list_batches_finish = list_batches_finish;
  iface->get_batch_finish = get_batch_finish;
  iface->cancel_batch_finish = cancel_batch_finish;

  iface->cancel_task_finish = cancel_task_finish;
  iface->query_tasks_finish = finish_page;
  iface->count_failures_finish = count_failures_finish;
  iface->export_tasks_finish = ota_backend_task_finish_boolean;
  iface->get_device_task_finish = get_device_task_finish;

  iface->list_audit_finish = finish_page;
  iface->apply_device_event_finish = ota_backend_task_finish_boolean;
  iface->run_due_finish = ota_backend_task_finish_boolean;
  iface->advance_clock_finish = ota_backend_task_finish_boolean;
}
