/* ota-remote-backend-rollout.c — verification, batches, tasks, the audit log, device
 * events and time over the HTTP API */
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

/* ---- Verification and batches -------------------------------------------------- */

OP (start_verification, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_batch, g_object_unref);

static void
start_verification_async (OtaBackend          *backend,
                          const OtaVerifySpec *spec,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  ota_remote_request (SELF (backend), start_verification_async, &start_verification_op,
                      write_args (ota_remote_path ("/firmwares/{i}/verify", spec->firmware_id),
                                  ota_json_from_verify_spec (spec)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (start_verification, OtaBatch)

static gpointer
parse_forecast (JsonNode  *node,
                GError   **error)
{
  OtaBatchForecast forecast = { 0 };

  if (!ota_json_to_forecast (node, &forecast, error))
    return NULL;
  return g_memdup2 (&forecast, sizeof forecast);
}

OP (forecast_batch, "POST", OTA_REMOTE_ANSWER_ITEM, parse_forecast, g_free);

static void
forecast_batch_async (OtaBackend          *backend,
                      const OtaBatchSpec  *spec,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/firmwares/{i}/batches/forecast",
                                                              spec->firmware_id));

  /* A POST, but it changes nothing: a cancel may stop it like a read. */
  args->body = ota_json_from_batch_spec (spec);
  ota_remote_request (SELF (backend), forecast_batch_async, &forecast_batch_op, args,
                      cancellable, callback, user_data);
}

static gboolean
forecast_batch_finish (OtaBackend        *backend,
                       GAsyncResult      *result,
                       OtaBatchForecast  *forecast,
                       GError           **error)
{
  g_autofree OtaBatchForecast *found = ota_remote_finish_pointer (backend, result, error);

  if (found == NULL)
    return FALSE;

  if (forecast != NULL)
    *forecast = *found;
  return TRUE;
}

OP (create_batch, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_batch, g_object_unref);

static void
create_batch_async (OtaBackend          *backend,
                    const OtaBatchSpec  *spec,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_remote_request (SELF (backend), create_batch_async, &create_batch_op,
                      write_args (ota_remote_path ("/firmwares/{i}/batches", spec->firmware_id),
                                  ota_json_from_batch_spec (spec)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (create_batch, OtaBatch)

OP (list_batches, "GET", OTA_REMOTE_ANSWER_LIST, ota_json_to_batch, g_object_unref);

static void
list_batches_async (OtaBackend          *backend,
                    gint64               firmware_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_remote_request (SELF (backend), list_batches_async, &list_batches_op,
                      ota_remote_args_new (ota_remote_path ("/firmwares/{i}/batches", firmware_id)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (list_batches, GPtrArray)

OP (get_batch, "GET", OTA_REMOTE_ANSWER_ITEM, ota_json_to_batch, g_object_unref);

static void
get_batch_async (OtaBackend          *backend,
                 gint64               batch_id,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  ota_remote_request (SELF (backend), get_batch_async, &get_batch_op,
                      ota_remote_args_new (ota_remote_path ("/batches/{i}", batch_id)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (get_batch, OtaBatch)

OP (cancel_batch, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_batch, g_object_unref);

static void
cancel_batch_async (OtaBackend          *backend,
                    gint64               batch_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ota_remote_request (SELF (backend), cancel_batch_async, &cancel_batch_op,
                      write_args (ota_remote_path ("/batches/{i}/cancel", batch_id), NULL),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (cancel_batch, OtaBatch)

/* ---- Tasks ------------------------------------------------------------------ */

OP (cancel_task, "POST", OTA_REMOTE_ANSWER_ITEM, ota_json_to_task, g_object_unref);

static void
cancel_task_async (OtaBackend          *backend,
                   gint64               task_id,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  ota_remote_request (SELF (backend), cancel_task_async, &cancel_task_op,
                      write_args (ota_remote_path ("/tasks/{i}/cancel", task_id), NULL),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (cancel_task, OtaTask)

OP (query_tasks, "GET", OTA_REMOTE_ANSWER_PAGE, ota_json_to_task, g_object_unref);

static void
query_tasks_async (OtaBackend          *backend,
                   gint64               batch_id,
                   const OtaTaskQuery  *query,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/batches/{i}/tasks", batch_id));

  args->query = ota_json_task_query_to_params (query);
  ota_remote_request (SELF (backend), query_tasks_async, &query_tasks_op, args,
                      cancellable, callback, user_data);
}

OP (count_failures, "GET", OTA_REMOTE_ANSWER_ITEM, ota_json_to_failure_groups, g_array_unref);

static void
count_failures_async (OtaBackend          *backend,
                      gint64               batch_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  ota_remote_request (SELF (backend), count_failures_async, &count_failures_op,
                      ota_remote_args_new (ota_remote_path ("/batches/{i}/failures", batch_id)),
                      cancellable, callback, user_data);
}

OTA_REMOTE_FINISH_POINTER (count_failures, GArray)

OP (export_tasks, "GET", OTA_REMOTE_ANSWER_NONE, NULL, NULL);

static void
export_tasks_async (OtaBackend          *backend,
                    gint64               batch_id,
                    GFile               *file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/batches/{i}/tasks.csv", batch_id));

  args->download = g_object_ref (file);
  ota_remote_request (SELF (backend), export_tasks_async, &export_tasks_op, args,
                      cancellable, callback, user_data);
}

/* ---- Audit log, device events, time ----------------------------------------------- */

OP (list_audit, "GET", OTA_REMOTE_ANSWER_PAGE, ota_json_to_audit_entry, g_object_unref);

static void
list_audit_async (OtaBackend          *backend,
                  guint                offset,
                  guint                limit,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  OtaRemoteArgs *args = ota_remote_args_new (g_strdup ("/audit"));

  args->query = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (args->query, "offset", g_strdup_printf ("%u", offset));
  g_hash_table_insert (args->query, "limit", g_strdup_printf ("%u", limit));
  ota_remote_request (SELF (backend), list_audit_async, &list_audit_op, args,
                      cancellable, callback, user_data);
}

OP (apply_device_event, "POST", OTA_REMOTE_ANSWER_NONE, NULL, NULL);

static void
apply_device_event_async (OtaBackend           *backend,
                          const OtaDeviceEvent *event,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  ota_remote_request (SELF (backend), apply_device_event_async, &apply_device_event_op,
                      write_args (ota_remote_path ("/devices/{s}/{s}/events", event->product_key,
                                                   event->device_name),
                                  ota_json_from_device_event (event)),
                      cancellable, callback, user_data);
}

OP (run_due, "POST", OTA_REMOTE_ANSWER_NONE, NULL, NULL);

static void
run_due_async (OtaBackend          *backend,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  ota_remote_request (SELF (backend), run_due_async, &run_due_op,
                      write_args (g_strdup ("/clock/run-due"), NULL),
                      cancellable, callback, user_data);
}

/* A server on real time answers 501, which comes back as G_IO_ERROR_NOT_SUPPORTED. */
static void
advance_clock_async (OtaBackend          *backend,
                     GTimeSpan            delta,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  JsonNode *body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "delta_us", delta);
  json_node_take_object (body, object);
  ota_remote_request (SELF (backend), advance_clock_async, &run_due_op,
                      write_args (g_strdup ("/clock/advance"), body),
                      cancellable, callback, user_data);
}

void
ota_remote_backend_init_rollout (OtaBackendInterface *iface)
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
  iface->query_tasks_finish = ota_remote_finish_page;
  iface->count_failures_async = count_failures_async;
  iface->count_failures_finish = count_failures_finish;
  iface->export_tasks_async = export_tasks_async;
  iface->export_tasks_finish = ota_remote_finish_boolean;

  iface->list_audit_async = list_audit_async;
  iface->list_audit_finish = ota_remote_finish_page;
  iface->apply_device_event_async = apply_device_event_async;
  iface->apply_device_event_finish = ota_remote_finish_boolean;
  iface->run_due_async = run_due_async;
  iface->run_due_finish = ota_remote_finish_boolean;
  iface->advance_clock_async = advance_clock_async;
  iface->advance_clock_finish = ota_remote_finish_boolean;
}
