/* ota-local-backend-rollout.c — verification, batches, tasks, the audit log, device
 * events and time, on worker threads: each operation is its engine call, run by
 * ota-local-backend-call.c */
#include <glib/gi18n-lib.h>

#include "ota-local-backend-private.h"
#include "ota-spec-copy.h"
#include "ota-task-csv.h"

#define SELF(backend) ((OtaLocalBackend *) (backend))

/* Verifications, batches and cancels change the firmware's status too (R-V4). */
static void
batch_written (OtaLocalBackend *self,
               gint64           batch_id)
{
  g_autofree char *product_key = ota_local_backend_dup_batch_product (self, batch_id);

  ota_local_backend_catalogue_changed_later (self, product_key);
}

/* A batch that a write returned (NULL when it failed). */
static OtaBatch *
batch_returned (OtaLocalBackend *self,
                OtaBatch        *batch)
{
  if (batch != NULL)
    batch_written (self, ota_batch_get_id (batch));
  return batch;
}

/* ---- Verification and batches --------------------------------------------- */

static gpointer
start_verification (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return batch_returned (self, ota_engine_start_verification (self->engine, args->spec, error));
}

static void
start_verification_async (OtaBackend *backend, const OtaVerifySpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_verify_spec_copy (spec),
                                                (GDestroyNotify) ota_verify_spec_free);

  ota_local_backend_call (SELF (backend), start_verification_async, args, TRUE,
                          start_verification, g_object_unref, cancellable, callback, user_data);
}

static gpointer
forecast_batch (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  OtaBatchForecast forecast = { 0 };

  if (!ota_engine_forecast_batch (self->engine, args->spec, &forecast, error))
    return NULL;
  return g_memdup2 (&forecast, sizeof forecast);
}

static void
forecast_batch_async (OtaBackend *backend, const OtaBatchSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_batch_spec_copy (spec),
                                                (GDestroyNotify) ota_batch_spec_free);

  ota_local_backend_call (SELF (backend), forecast_batch_async, args, FALSE,
                          forecast_batch, g_free, cancellable, callback, user_data);
}

static gpointer
create_batch (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return batch_returned (self, ota_engine_create_batch (self->engine, args->spec, error));
}

static void
create_batch_async (OtaBackend *backend, const OtaBatchSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_batch_spec_copy (spec),
                                                (GDestroyNotify) ota_batch_spec_free);

  ota_local_backend_call (SELF (backend), create_batch_async, args, TRUE,
                          create_batch, g_object_unref, cancellable, callback, user_data);
}

static gpointer
list_batches (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_list_batches (self->engine, args->id, error);
}

static void
list_batches_async (OtaBackend *backend, gint64 firmware_id, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), list_batches_async, ota_local_args_new_id (firmware_id),
                          FALSE, list_batches, (GDestroyNotify) g_ptr_array_unref,
                          cancellable, callback, user_data);
}

static gpointer
get_batch (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_get_batch (self->engine, args->id, error);
}

static void
get_batch_async (OtaBackend *backend, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), get_batch_async, ota_local_args_new_id (batch_id),
                          FALSE, get_batch, g_object_unref, cancellable, callback, user_data);
}

static gpointer
cancel_batch (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return batch_returned (self, ota_engine_cancel_batch (self->engine, args->id, error));
}

static void
cancel_batch_async (OtaBackend *backend, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), cancel_batch_async, ota_local_args_new_id (batch_id),
                          TRUE, cancel_batch, g_object_unref, cancellable, callback, user_data);
}

/* ---- Tasks ------------------------------------------------------------------ */

/* args: key the product, spec the device's name. */
static gpointer
get_device_task (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_get_device_task (self->engine, args->key, args->spec, error);
}

static void
get_device_task_async (OtaBackend *backend, const char *product_key, const char *device_name,
                       OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_key (product_key);

  args->spec = g_strdup (device_name);
  args->spec_free = g_free;
  ota_local_backend_call (SELF (backend), get_device_task_async, args,
                          FALSE, get_device_task, g_object_unref, cancellable, callback, user_data);
}

static gpointer
cancel_task (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  OtaTask *cancelled = ota_engine_cancel_task (self->engine, args->id, error);

  /* The last task of a verification ending decides the firmware's status. */
  if (cancelled != NULL)
    batch_written (self, ota_task_get_batch_id (cancelled));
  return cancelled;
}

static void
cancel_task_async (OtaBackend *backend, gint64 task_id, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), cancel_task_async, ota_local_args_new_id (task_id),
                          TRUE, cancel_task, g_object_unref, cancellable, callback, user_data);
}

static GPtrArray *
query_tasks (OtaLocalBackend *self, OtaLocalArgs *args, guint64 *total, GError **error)
{
  return ota_engine_query_tasks (self->engine, args->id, args->spec, total, error);
}

static void
query_tasks_async (OtaBackend *backend, gint64 batch_id, const OtaTaskQuery *query,
                   OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_task_query_copy (query),
                                                (GDestroyNotify) ota_task_query_free);

  args->id = batch_id;
  ota_local_backend_query (SELF (backend), query_tasks_async, args, query_tasks,
                           cancellable, callback, user_data);
}

static gpointer
count_failures (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_engine_count_failures (self->engine, args->id, error);
}

static void
count_failures_async (OtaBackend *backend, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_call (SELF (backend), count_failures_async, ota_local_args_new_id (batch_id),
                          FALSE, count_failures, (GDestroyNotify) g_array_unref,
                          cancellable, callback, user_data);
}

static gboolean
write_tasks (OtaEngine *engine, OtaLocalArgs *args, GOutputStream *stream,
             GCancellable *cancellable, GError **error)
{
  return ota_task_csv_write (engine, args->id, stream, cancellable, error);
}

static void
export_tasks_async (OtaBackend *backend, gint64 batch_id, GFile *file, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_id (batch_id);

  args->file = g_object_ref (file);
  ota_local_backend_export (SELF (backend), export_tasks_async, args, write_tasks,
                            cancellable, callback, user_data);
}

/* ---- Audit log ---------------------------------------------------------------- */

static GPtrArray *
list_audit (OtaLocalBackend *self, OtaLocalArgs *args, guint64 *total, GError **error)
{
  return ota_engine_list_audit (self->engine, (guint) args->id, args->limit, total, error);
}

static void
list_audit_async (OtaBackend *backend, guint offset, guint limit, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_id (offset);

  args->limit = limit;
  ota_local_backend_query (SELF (backend), list_audit_async, args, list_audit,
                           cancellable, callback, user_data);
}

/* ---- Device events and time -------------------------------------------------- */

static gboolean
apply_device_event (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  const OtaDeviceEvent *event = args->spec;

  if (!ota_engine_apply_device_event (self->engine, event, error))
    return FALSE;

  /* Online state and reported versions are part of the device list. */
  ota_local_backend_catalogue_changed_later (self, event->product_key);
  return TRUE;
}

static void
apply_device_event_async (OtaBackend *backend, const OtaDeviceEvent *event, OTA_BACKEND_ASYNC_ARGS)
{
  OtaLocalArgs *args = ota_local_args_new_spec (ota_device_event_copy (event),
                                                (GDestroyNotify) ota_device_event_free);

  ota_local_backend_check (SELF (backend), apply_device_event_async, args, TRUE,
                           apply_device_event, cancellable, callback, user_data);
}

/* No "catalogue-changed" here: a demo runs this several times a second, and what it
 * changes shows up as "batch-changed". Through the scheduler, which may be running the
 * same due work on its own worker right now (a clock advance wakes it too). */
static gboolean
run_due (OtaLocalBackend *self, OtaLocalArgs *args, GCancellable *cancellable, GError **error)
{
  return ota_due_scheduler_run_due (self->due_scheduler, error);
}

static void
run_due_async (OtaBackend *backend, OTA_BACKEND_ASYNC_ARGS)
{
  ota_local_backend_check (SELF (backend), run_due_async, ota_local_args_new (), TRUE,
                           run_due, cancellable, callback, user_data);
}

static void
advance_clock_async (OtaBackend *backend, GTimeSpan delta, OTA_BACKEND_ASYNC_ARGS)
{
  OtaClock *clock = ota_engine_get_clock (SELF (backend)->engine);

  if (!OTA_IS_MANUAL_CLOCK (clock))
    {
      g_task_report_new_error (backend, callback, user_data, advance_clock_async,
                               G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The clock of this database follows real time and cannot be moved"));
      return;
    }

  /* Moved here, not on the worker: the clock's "changed" signal belongs to this thread. */
  ota_manual_clock_advance (OTA_MANUAL_CLOCK (clock), delta);
  ota_local_backend_check (SELF (backend), advance_clock_async, ota_local_args_new (), TRUE,
                           run_due, cancellable, callback, user_data);
}

void
ota_local_backend_init_rollout (OtaBackendInterface *iface)
{
  OTA_BACKEND_SET_ROLLOUT_ASYNC (iface);
}
