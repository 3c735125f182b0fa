/* ota-backend-private.h — argument checks shared by the OtaBackend wrapper files, and
 * what the backends share: the _finish half of every operation and the vtable */
#pragma once

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_BACKEND_CHECK_ASYNC(self, cancellable) \
  G_STMT_START { \
    g_return_if_fail (OTA_IS_BACKEND (self)); \
    g_return_if_fail ((cancellable) == NULL || G_IS_CANCELLABLE (cancellable)); \
  } G_STMT_END

#define OTA_BACKEND_CHECK_FINISH(self, result, error, value) \
  G_STMT_START { \
    g_return_val_if_fail (OTA_IS_BACKEND (self), value); \
    g_return_val_if_fail (G_IS_ASYNC_RESULT (result), value); \
    g_return_val_if_fail ((error) == NULL || *(error) == NULL, value); \
  } G_STMT_END

#define OTA_BACKEND_IFACE(self) OTA_BACKEND_GET_IFACE (self)

/* ---- ota-backend-finish.c: the default _finish vfuncs ----------------------------
 *
 * Both backends end an operation with a GTask whose source object is the backend: a
 * pointer (a snapshot, a list, a copied plain struct, an OtaBackendPage) or a boolean.
 * So the interface's default vtable finishes every operation, and a backend only
 * brings its _async vfuncs. */

/* What a query's task returns. */
typedef struct {
  GPtrArray *items;
  guint64    total;   /* matches before paging */
} OtaBackendPage;

/* (transfer full): a page of @items (taken). */
OtaBackendPage *ota_backend_page_new            (GPtrArray            *items,
                                                 guint64               total);
void            ota_backend_page_free           (OtaBackendPage       *page);

gboolean        ota_backend_task_finish_boolean (OtaBackend           *backend,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Sets every _finish vfunc of @iface (from ota_backend_default_init()). */
void            ota_backend_init_finish         (OtaBackendInterface  *iface);

/* Sets the _async vfuncs of @iface to the static functions of the including file that
 * are named after them: products, devices and firmwares; then the rest. */
#define OTA_BACKEND_SET_CATALOGUE_ASYNC(iface) \
  G_STMT_START { \
    (iface)->list_products_async = list_products_async; \
    (iface)->get_product_async = get_product_async; \
    (iface)->add_product_async = add_product_async; \
    (iface)->set_secure_upgrade_async = set_secure_upgrade_async; \
    (iface)->dup_public_key_async = dup_public_key_async; \
    (iface)->list_modules_async = list_modules_async; \
    (iface)->query_devices_async = query_devices_async; \
    (iface)->add_device_async = add_device_async; \
    (iface)->import_devices_async = import_devices_async; \
    (iface)->export_devices_async = export_devices_async; \
    (iface)->list_firmwares_async = list_firmwares_async; \
    (iface)->get_firmware_async = get_firmware_async; \
    (iface)->check_firmware_spec_async = check_firmware_spec_async; \
    (iface)->add_firmware_async = add_firmware_async; \
  } G_STMT_END

#define OTA_BACKEND_SET_ROLLOUT_ASYNC(iface) \
  G_STMT_START { \
    (iface)->start_verification_async = start_verification_async; \
    (iface)->forecast_batch_async = forecast_batch_async; \
    (iface)->create_batch_async = create_batch_async; \
    (iface)->list_batches_async = list_batches_async; \
    (iface)->get_batch_async = get_batch_async; \
    (iface)->cancel_batch_async = cancel_batch_async; \
    (iface)->cancel_task_async = cancel_task_async; \
    (iface)->query_tasks_async = query_tasks_async; \
    (iface)->count_failures_async = count_failures_async; \
    (iface)->export_tasks_async = export_tasks_async; \
    (iface)->get_device_task_async = get_device_task_async; \
    (iface)->list_audit_async = list_audit_async; \
    (iface)->apply_device_event_async = apply_device_event_async; \
    (iface)->run_due_async = run_due_async; \
    (iface)->advance_clock_async = advance_clock_async; \
  } G_STMT_END

G_END_DECLS
