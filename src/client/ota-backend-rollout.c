/* ota-backend-rollout.c — the backend interface: verification, batches, tasks, the audit
 * log, device events and time */
#include "ota-backend-private.h"

/* ---- Verification and batches --------------------------------------------- */

void
ota_backend_start_verification_async (OtaBackend          *self,
                                      const OtaVerifySpec *spec,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (spec != NULL);
  OTA_BACKEND_IFACE (self)->start_verification_async (self, spec, cancellable, callback, user_data);
}

OtaBatch *
ota_backend_start_verification_finish (OtaBackend    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->start_verification_finish (self, result, error);
}

void
ota_backend_forecast_batch_async (OtaBackend          *self,
                                  const OtaBatchSpec  *spec,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (spec != NULL);
  OTA_BACKEND_IFACE (self)->forecast_batch_async (self, spec, cancellable, callback, user_data);
}

gboolean
ota_backend_forecast_batch_finish (OtaBackend        *self,
                                   GAsyncResult      *result,
                                   OtaBatchForecast  *forecast,
                                   GError           **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->forecast_batch_finish (self, result, forecast, error);
}

void
ota_backend_create_batch_async (OtaBackend          *self,
                                const OtaBatchSpec  *spec,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (spec != NULL);
  OTA_BACKEND_IFACE (self)->create_batch_async (self, spec, cancellable, callback, user_data);
}

OtaBatch *
ota_backend_create_batch_finish (OtaBackend    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->create_batch_finish (self, result, error);
}

void
ota_backend_list_batches_async (OtaBackend          *self,
                                gint64               firmware_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->list_batches_async (self, firmware_id, cancellable, callback, user_data);
}

GPtrArray *
ota_backend_list_batches_finish (OtaBackend    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->list_batches_finish (self, result, error);
}

void
ota_backend_get_batch_async (OtaBackend          *self,
                             gint64               batch_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->get_batch_async (self, batch_id, cancellable, callback, user_data);
}

OtaBatch *
ota_backend_get_batch_finish (OtaBackend    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->get_batch_finish (self, result, error);
}

void
ota_backend_cancel_batch_async (OtaBackend          *self,
                                gint64               batch_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->cancel_batch_async (self, batch_id, cancellable, callback, user_data);
}

OtaBatch *
ota_backend_cancel_batch_finish (OtaBackend    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->cancel_batch_finish (self, result, error);
}

/* ---- Tasks ------------------------------------------------------------------ */

void
ota_backend_cancel_task_async (OtaBackend          *self,
                               gint64               task_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->cancel_task_async (self, task_id, cancellable, callback, user_data);
}

OtaTask *
ota_backend_cancel_task_finish (OtaBackend    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->cancel_task_finish (self, result, error);
}

void
ota_backend_get_device_task_async (OtaBackend          *self,
                                   const char          *product_key,
                                   const char          *device_name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (product_key != NULL && device_name != NULL);
  OTA_BACKEND_IFACE (self)->get_device_task_async (self, product_key, device_name, cancellable,
                                                   callback, user_data);
}

OtaTask *
ota_backend_get_device_task_finish (OtaBackend    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->get_device_task_finish (self, result, error);
}

void
ota_backend_query_tasks_async (OtaBackend          *self,
                               gint64               batch_id,
                               const OtaTaskQuery  *query,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (query != NULL);
  OTA_BACKEND_IFACE (self)->query_tasks_async (self, batch_id, query, cancellable, callback, user_data);
}

GPtrArray *
ota_backend_query_tasks_finish (OtaBackend    *self,
                                GAsyncResult  *result,
                                guint64       *total,
                                GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->query_tasks_finish (self, result, total, error);
}

void
ota_backend_count_failures_async (OtaBackend          *self,
                                  gint64               batch_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->count_failures_async (self, batch_id, cancellable, callback, user_data);
}

GArray *
ota_backend_count_failures_finish (OtaBackend    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->count_failures_finish (self, result, error);
}

void
ota_backend_export_tasks_async (OtaBackend          *self,
                                gint64               batch_id,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (G_IS_FILE (file));
  OTA_BACKEND_IFACE (self)->export_tasks_async (self, batch_id, file, cancellable, callback, user_data);
}

gboolean
ota_backend_export_tasks_finish (OtaBackend    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->export_tasks_finish (self, result, error);
}

/* ---- Audit log, device events, time ----------------------------------------- */

void
ota_backend_list_audit_async (OtaBackend          *self,
                              guint                offset,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->list_audit_async (self, offset, limit, cancellable, callback, user_data);
}

GPtrArray *
ota_backend_list_audit_finish (OtaBackend    *self,
                               GAsyncResult  *result,
                               guint64       *total,
                               GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, NULL);
  return OTA_BACKEND_IFACE (self)->list_audit_finish (self, result, total, error);
}

void
ota_backend_apply_device_event_async (OtaBackend           *self,
                                      const OtaDeviceEvent *event,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (event != NULL);
  OTA_BACKEND_IFACE (self)->apply_device_event_async (self, event, cancellable, callback, user_data);
}

gboolean
ota_backend_apply_device_event_finish (OtaBackend    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->apply_device_event_finish (self, result, error);
}

void
ota_backend_run_due_async (OtaBackend          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  OTA_BACKEND_IFACE (self)->run_due_async (self, cancellable, callback, user_data);
}

gboolean
ota_backend_run_due_finish (OtaBackend    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->run_due_finish (self, result, error);
}

void
ota_backend_advance_clock_async (OtaBackend          *self,
                                 GTimeSpan            delta,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  OTA_BACKEND_CHECK_ASYNC (self, cancellable);
  g_return_if_fail (delta >= 0);
  OTA_BACKEND_IFACE (self)->advance_clock_async (self, delta, cancellable, callback, user_data);
}

gboolean
ota_backend_advance_clock_finish (OtaBackend    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  OTA_BACKEND_CHECK_FINISH (self, result, error, FALSE);
  return OTA_BACKEND_IFACE (self)->advance_clock_finish (self, result, error);
}
