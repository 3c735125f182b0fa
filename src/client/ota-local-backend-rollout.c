/* ota-local-backend-rollout.c — verification, batches, tasks, the audit log, device
 * events and time, on worker threads */
#include <glib/gi18n-lib.h>

#include "ota-local-backend-private.h"
#include "ota-spec-copy.h"
#include "ota-task-csv.h"

#define SELF(source) ((OtaLocalBackend *) (source))
#define ARGS(data) ((OtaLocalArgs *) (data))

static OtaLocalArgs *
args_with_id (gint64 id)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->id = id;
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

/* Verifications, batches and cancels change the firmware's status too (R-V4). */
static void
batch_written (OtaLocalBackend *self,
               gint64           batch_id)
{
  g_autofree char *product_key = ota_local_backend_dup_batch_product (self, batch_id);

  ota_local_backend_catalogue_changed_later (self, product_key);
}

/* ---- Verification and batches --------------------------------------------- */

static void
start_verification_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaBatch *batch = ota_engine_start_verification (SELF (source)->engine, ARGS (data)->spec, &error);

  if (batch != NULL)
    batch_written (SELF (source), ota_batch_get_id (batch));
  ota_local_return (task, batch, g_object_unref, error);
}

static void
start_verification_async (OtaBackend          *backend,
                          const OtaVerifySpec *spec,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_verify_spec_copy (spec),
                                       (GDestroyNotify) ota_verify_spec_free);

  ota_local_backend_run (SELF (backend), start_verification_async, args, TRUE,
                         start_verification_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (start_verification, OtaBatch)

static void
forecast_batch_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaBatchForecast forecast = { 0 };

  if (!ota_engine_forecast_batch (SELF (source)->engine, ARGS (data)->spec, &forecast, &error))
    ota_local_return (task, NULL, NULL, error);
  else
    ota_local_return (task, g_memdup2 (&forecast, sizeof forecast), g_free, NULL);
}

static void
forecast_batch_async (OtaBackend          *backend,
                      const OtaBatchSpec  *spec,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_batch_spec_copy (spec),
                                       (GDestroyNotify) ota_batch_spec_free);

  ota_local_backend_run (SELF (backend), forecast_batch_async, args, FALSE,
                         forecast_batch_thread, cancellable, callback, user_data);
}

static gboolean
forecast_batch_finish (OtaBackend        *backend,
                       GAsyncResult      *result,
                       OtaBatchForecast  *forecast,
                       GError           **error)
{
  g_autofree OtaBatchForecast *found = ota_local_finish_pointer (backend, result, error);

  if (found == NULL)
    return FALSE;

  if (forecast != NULL)
    *forecast = *found;
  return TRUE;
}

static void
create_batch_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaBatch *batch = ota_engine_create_batch (SELF (source)->engine, ARGS (data)->spec, &error);

  if (batch != NULL)
    batch_written (SELF (source), ota_batch_get_id (batch));
  ota_local_return (task, batch, g_object_unref, error);
}

static void
create_batch_async (OtaBackend          *backend,
                    const OtaBatchSpec  *spec,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_batch_spec_copy (spec),
                                       (GDestroyNotify) ota_batch_spec_free);

  ota_local_backend_run (SELF (backend), create_batch_async, args, TRUE,
                         create_batch_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (create_batch, OtaBatch)

static void
list_batches_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *batches = ota_engine_list_batches (SELF (source)->engine, ARGS (data)->id, &error);

  ota_local_return (task, batches, (GDestroyNotify) g_ptr_array_unref, error);
}

static void
list_batches_async (OtaBackend          *backend,
                    gint64               firmware_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), list_batches_async, args_with_id (firmware_id), FALSE,
                         list_batches_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (list_batches, GPtrArray)

static void
get_batch_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaBatch *batch = ota_engine_get_batch (SELF (source)->engine, ARGS (data)->id, &error);

  ota_local_return (task, batch, g_object_unref, error);
}

static void
get_batch_async (OtaBackend          *backend,
                 gint64               batch_id,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), get_batch_async, args_with_id (batch_id), FALSE,
                         get_batch_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (get_batch, OtaBatch)

static void
cancel_batch_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaBatch *batch = ota_engine_cancel_batch (SELF (source)->engine, ARGS (data)->id, &error);

  if (batch != NULL)
    batch_written (SELF (source), ota_batch_get_id (batch));
  ota_local_return (task, batch, g_object_unref, error);
}

static void
cancel_batch_async (OtaBackend          *backend,
                    gint64               batch_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), cancel_batch_async, args_with_id (batch_id), TRUE,
                         cancel_batch_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (cancel_batch, OtaBatch)

/* ---- Tasks ------------------------------------------------------------------ */

static void
cancel_task_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  OtaTask *cancelled = ota_engine_cancel_task (SELF (source)->engine, ARGS (data)->id, &error);

  /* The last task of a verification ending decides the firmware's status. */
  if (cancelled != NULL)
    batch_written (SELF (source), ota_task_get_batch_id (cancelled));
  ota_local_return (task, cancelled, g_object_unref, error);
}

static void
cancel_task_async (OtaBackend          *backend,
                   gint64               task_id,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), cancel_task_async, args_with_id (task_id), TRUE,
                         cancel_task_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (cancel_task, OtaTask)

static void
query_tasks_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  GError *error = NULL;
  guint64 total = 0;
  GPtrArray *tasks = ota_engine_query_tasks (SELF (source)->engine, args->id, args->spec,
                                             &total, &error);

  ota_local_return_page (task, tasks, total, error);
}

static void
query_tasks_async (OtaBackend          *backend,
                   gint64               batch_id,
                   const OtaTaskQuery  *query,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_task_query_copy (query),
                                       (GDestroyNotify) ota_task_query_free);

  args->id = batch_id;
  ota_local_backend_run (SELF (backend), query_tasks_async, args, FALSE,
                         query_tasks_thread, cancellable, callback, user_data);
}

static void
count_failures_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GArray *groups = ota_engine_count_failures (SELF (source)->engine, ARGS (data)->id, &error);

  ota_local_return (task, groups, (GDestroyNotify) g_array_unref, error);
}

static void
count_failures_async (OtaBackend          *backend,
                      gint64               batch_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), count_failures_async, args_with_id (batch_id), FALSE,
                         count_failures_thread, cancellable, callback, user_data);
}

OTA_LOCAL_FINISH_POINTER (count_failures, GArray)

typedef struct {
  OtaEngine *engine;
  gint64     batch_id;
} ExportTasks;

static gboolean
write_tasks (GOutputStream  *stream,
             gpointer        data,
             GCancellable   *cancellable,
             GError        **error)
{
  ExportTasks *export = data;

  return ota_task_csv_write (export->engine, export->batch_id, stream, cancellable, error);
}

static void
export_tasks_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  ExportTasks export = { SELF (source)->engine, args->id };
  GError *error = NULL;
  gboolean ok = ota_local_replace_file (args->file, write_tasks, &export, cancellable, &error);

  ota_local_return_boolean (task, ok, error);
}

static void
export_tasks_async (OtaBackend          *backend,
                    gint64               batch_id,
                    GFile               *file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  OtaLocalArgs *args = args_with_id (batch_id);

  args->file = g_object_ref (file);
  ota_local_backend_run (SELF (backend), export_tasks_async, args, FALSE,
                         export_tasks_thread, cancellable, callback, user_data);
}

/* ---- Audit log ---------------------------------------------------------------- */

static void
list_audit_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  GError *error = NULL;
  guint64 total = 0;
  GPtrArray *entries = ota_engine_list_audit (SELF (source)->engine, (guint) args->id, args->limit,
                                              &total, &error);

  ota_local_return_page (task, entries, total, error);
}

static void
list_audit_async (OtaBackend          *backend,
                  guint                offset,
                  guint                limit,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  OtaLocalArgs *args = args_with_id (offset);

  args->limit = limit;
  ota_local_backend_run (SELF (backend), list_audit_async, args, FALSE,
                         list_audit_thread, cancellable, callback, user_data);
}

/* ---- Device events and time -------------------------------------------------- */

static void
apply_device_event_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const OtaDeviceEvent *event = ARGS (data)->spec;
  GError *error = NULL;
  gboolean ok = ota_engine_apply_device_event (SELF (source)->engine, event, &error);

  /* Online state and reported versions are part of the device list. */
  if (ok)
    ota_local_backend_catalogue_changed_later (SELF (source), event->product_key);
  ota_local_return_boolean (task, ok, error);
}

static void
apply_device_event_async (OtaBackend           *backend,
                          const OtaDeviceEvent *event,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  OtaLocalArgs *args = args_with_spec (ota_device_event_copy (event),
                                       (GDestroyNotify) ota_device_event_free);

  ota_local_backend_run (SELF (backend), apply_device_event_async, args, TRUE,
                         apply_device_event_thread, cancellable, callback, user_data);
}

/* No "catalogue-changed" here: a demo runs this several times a second, and what it
 * changes shows up as "batch-changed". */
static void
run_due_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean ok = ota_engine_run_due (SELF (source)->engine, &error);

  ota_local_return_boolean (task, ok, error);
}

static void
run_due_async (OtaBackend          *backend,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  ota_local_backend_run (SELF (backend), run_due_async, ota_local_args_new (), TRUE,
                         run_due_thread, cancellable, callback, user_data);
}

static void
advance_clock_async (OtaBackend          *backend,
                     GTimeSpan            delta,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
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
  ota_local_backend_run (SELF (backend), advance_clock_async, ota_local_args_new (), TRUE,
                         run_due_thread, cancellable, callback, user_data);
}

void
ota_local_backend_init_rollout (OtaBackendInterface *iface)
{
  iface->start_verification_async = start_verification_async;
  iface->start_verification_finish = start_verification_finish;
  iface->forecast_batch_async = forecast_batch_async;
  iface->forecast_batch_finish = forecast_batch_finish;
  iface->create_batch_async = create_batch_async;
  iface->create_batch_finish = create_batch_finish;
  iface->list_batches_async = list_batches_async;
  iface->list_batches_finish = list_batches_finish;
  iface->get_batch_async = get_batch_async;
  iface->get_batch_finish = get_batch_finish;
  iface->cancel_batch_async = cancel_batch_async;
  iface->cancel_batch_finish = cancel_batch_finish;

  iface->cancel_task_async = cancel_task_async;
  iface->cancel_task_finish = cancel_task_finish;
  iface->query_tasks_async = query_tasks_async;
  iface->query_tasks_finish = ota_local_finish_page;
  iface->count_failures_async = count_failures_async;
  iface->count_failures_finish = count_failures_finish;
  iface->export_tasks_async = export_tasks_async;
  iface->export_tasks_finish = ota_local_finish_boolean;

  iface->list_audit_async = list_audit_async;
  iface->list_audit_finish = ota_local_finish_page;
  iface->apply_device_event_async = apply_device_event_async;
  iface->apply_device_event_finish = ota_local_finish_boolean;
  iface->run_due_async = run_due_async;
  iface->run_due_finish = ota_local_finish_boolean;
  iface->advance_clock_async = advance_clock_async;
  iface->advance_clock_finish = ota_local_finish_boolean;
}
