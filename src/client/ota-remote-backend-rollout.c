/* ota-remote-backend-rollout.c — verification, batches, tasks, the audit log, device
 * events and time over the HTTP API: each operation is its request, sent by
 * ota-remote-request.c */
#include "ota-remote-backend-private.h"

/* ---- Verification and batches -------------------------------------------------- */

OTA_REMOTE_OP (start_verification, "POST", ITEM, ota_json_to_batch, g_object_unref);

static void
start_verification_async (OtaBackend *backend, const OtaVerifySpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (start_verification,
                      ota_remote_args_new_write (ota_remote_path ("/firmwares/{i}/verify", spec->firmware_id),
                                                 ota_json_from_verify_spec (spec)));
}

static gpointer
parse_forecast (JsonNode  *node,
                GError   **error)
{
  OtaBatchForecast forecast = { 0 };

  if (!ota_json_to_forecast (node, &forecast, error))
    return NULL;
  return g_memdup2 (&forecast, sizeof forecast);
}

OTA_REMOTE_OP (forecast_batch, "POST", ITEM, parse_forecast, g_free);

static void
forecast_batch_async (OtaBackend *backend, const OtaBatchSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/firmwares/{i}/batches/forecast",
                                                              spec->firmware_id));

  /* A POST, but it changes nothing: a cancel may stop it like a read. */
  args->body = ota_json_from_batch_spec (spec);
  OTA_REMOTE_REQUEST (forecast_batch, args);
}

OTA_REMOTE_OP (create_batch, "POST", ITEM, ota_json_to_batch, g_object_unref);

static void
create_batch_async (OtaBackend *backend, const OtaBatchSpec *spec, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (create_batch,
                      ota_remote_args_new_write (ota_remote_path ("/firmwares/{i}/batches", spec->firmware_id),
                                                 ota_json_from_batch_spec (spec)));
}

OTA_REMOTE_OP (list_batches, "GET", LIST, ota_json_to_batch, g_object_unref);

static void
list_batches_async (OtaBackend *backend, gint64 firmware_id, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (list_batches,
                      ota_remote_args_new (ota_remote_path ("/firmwares/{i}/batches", firmware_id)));
}

OTA_REMOTE_OP (get_batch, "GET", ITEM, ota_json_to_batch, g_object_unref);

static void
get_batch_async (OtaBackend *backend, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (get_batch, ota_remote_args_new (ota_remote_path ("/batches/{i}", batch_id)));
}

OTA_REMOTE_OP (cancel_batch, "POST", ITEM, ota_json_to_batch, g_object_unref);

static void
cancel_batch_async (OtaBackend *backend, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (cancel_batch,
                      ota_remote_args_new_write (ota_remote_path ("/batches/{i}/cancel", batch_id), NULL));
}

/* ---- Tasks ------------------------------------------------------------------ */

OTA_REMOTE_OP (cancel_task, "POST", ITEM, ota_json_to_task, g_object_unref);

static void
cancel_task_async (OtaBackend *backend, gint64 task_id, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (cancel_task,
                      ota_remote_args_new_write (ota_remote_path ("/tasks/{i}/cancel", task_id), NULL));
}

OTA_REMOTE_OP (get_device_task, "GET", ITEM, ota_json_to_task, g_object_unref);

static void
get_device_task_async (OtaBackend *backend, const char *product_key, const char *device_name,
                       OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (get_device_task,
                      ota_remote_args_new (ota_remote_path ("/products/{s}/devices/{s}/task",
                                                            product_key, device_name)));
}

OTA_REMOTE_OP (query_tasks, "GET", PAGE, ota_json_to_task, g_object_unref);

static void
query_tasks_async (OtaBackend *backend, gint64 batch_id, const OtaTaskQuery *query,
                   OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/batches/{i}/tasks", batch_id));

  args->query = ota_json_task_query_to_params (query);
  OTA_REMOTE_REQUEST (query_tasks, args);
}

OTA_REMOTE_OP (count_failures, "GET", ITEM, ota_json_to_failure_groups, g_array_unref);

static void
count_failures_async (OtaBackend *backend, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (count_failures,
                      ota_remote_args_new (ota_remote_path ("/batches/{i}/failures", batch_id)));
}

OTA_REMOTE_OP (export_tasks, "GET", NONE, NULL, NULL);

static void
export_tasks_async (OtaBackend *backend, gint64 batch_id, GFile *file, OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new (ota_remote_path ("/batches/{i}/tasks.csv", batch_id));

  args->download = g_object_ref (file);
  OTA_REMOTE_REQUEST (export_tasks, args);
}

/* ---- Audit log, device events, time ----------------------------------------------- */

OTA_REMOTE_OP (list_audit, "GET", PAGE, ota_json_to_audit_entry, g_object_unref);

static void
list_audit_async (OtaBackend *backend, guint offset, guint limit, OTA_BACKEND_ASYNC_ARGS)
{
  OtaRemoteArgs *args = ota_remote_args_new (g_strdup ("/audit"));

  args->query = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (args->query, "offset", g_strdup_printf ("%u", offset));
  g_hash_table_insert (args->query, "limit", g_strdup_printf ("%u", limit));
  OTA_REMOTE_REQUEST (list_audit, args);
}

OTA_REMOTE_OP (apply_device_event, "POST", NONE, NULL, NULL);

static void
apply_device_event_async (OtaBackend *backend, const OtaDeviceEvent *event, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (apply_device_event,
                      ota_remote_args_new_write (ota_remote_path ("/devices/{s}/{s}/events", event->product_key,
                                                                  event->device_name),
                                                 ota_json_from_device_event (event)));
}

OTA_REMOTE_OP (run_due, "POST", NONE, NULL, NULL);

static void
run_due_async (OtaBackend *backend, OTA_BACKEND_ASYNC_ARGS)
{
  OTA_REMOTE_REQUEST (run_due, ota_remote_args_new_write (g_strdup ("/clock/run-due"), NULL));
}

OTA_REMOTE_OP (advance_clock, "POST", NONE, NULL, NULL);

/* A server on real time answers 501, which comes back as G_IO_ERROR_NOT_SUPPORTED. */
static void
advance_clock_async (OtaBackend *backend, GTimeSpan delta, OTA_BACKEND_ASYNC_ARGS)
{
  JsonNode *body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "delta_us", delta);
  json_node_take_object (body, object);
  OTA_REMOTE_REQUEST (advance_clock, ota_remote_args_new_write (g_strdup ("/clock/advance"), body));
}

void
ota_remote_backend_init_rollout (OtaBackendInterface *iface)
{
  OTA_BACKEND_SET_ROLLOUT_ASYNC (iface);
}
