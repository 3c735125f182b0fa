/* test-backend-rollout.c — verification, batches, tasks, the audit log and time through
 * the backend: errors with their field, "catalogue-changed" after each write and
 * "batch-changed" for what the engine does by itself */
#include "backend-fixture.h"

/* ---- Rollouts ---------------------------------------------------------------------- */

static void
send_event (BackendFixture *f,
            OtaDeviceEventKind  kind,
            const char         *device,
            const char         *version,
            int                 step)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  char device_text[32];
  OtaDeviceEvent event = { .kind = kind, .product_key = OTA_TEST_PRODUCT, .device_name = device_text,
                           .version = version, .step = step, .description = "from the test" };

  g_strlcpy (device_text, device, sizeof device_text);
  ota_backend_apply_device_event_async (f->backend, &event, NULL, client_test_store_result, &result);
  device_text[0] = 'X';
  g_assert_true (ota_backend_apply_device_event_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
}

static gint64
task_of (BackendFixture *f,
         gint64      batch_id,
         const char *device)
{
  g_autoptr(OtaTask) task = ota_test_get_task (&f->base, batch_id, device);

  return ota_task_get_id (task);
}

/* R-V1..R-V4 and R-B through the backend: verify, forecast, create, read, fail, count
 * failures, export, cancel a task and the batch, audit; each write announces the
 * firmware's product. */
static void
test_rollout_round_trip (BackendFixture *f,
                         gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaTestLink) link = ota_test_attach_link (&f->base);
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  g_autoptr(OtaFirmware) verified = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) read = NULL;
  g_autoptr(OtaTask) cancelled = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GArray) failures = NULL;
  g_autofree char *csv_path = g_build_filename (f->base.dir, "tasks.csv", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  char verifier[] = "dev-00010";
  const char *verify_devices[] = { verifier, NULL };
  const char *sources[] = { "1.0", NULL };
  OtaVerifySpec verify = { .firmware_id = ota_firmware_get_id (firmware), .source_versions = sources,
                           .devices = verify_devices, .timeout_minutes = 60 };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  OtaBatchForecast forecast = { 0 };
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  guint64 total = 0;

  client_test_import (f->base.engine, OTA_TEST_PRODUCT, "dev", 20, 5, "1.0");
  g_ptr_array_set_size (f->catalogue_changes, 0);

  /* R-V1: verify on one device. */
  ota_backend_start_verification_async (f->backend, &verify, NULL, client_test_store_result, &result);
  verifier[0] = 'X';
  verification = ota_backend_start_verification_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_kind (verification), ==, OTA_BATCH_KIND_VERIFICATION);
  g_assert_cmpuint (ota_batch_get_total (verification), ==, 1);
  g_assert_true (backend_fixture_has_change (f, OTA_TEST_PRODUCT));
  g_clear_object (&result);

  /* R-V4, R-S5: the device reports progress 100 and the new version: the firmware is
   * verified. */
  send_event (f, OTA_DEVICE_EVENT_PROGRESS, "dev-00010", NULL, 100);
  send_event (f, OTA_DEVICE_EVENT_VERSION, "dev-00010", "2.0", 0);
  ota_backend_get_firmware_async (f->backend, ota_firmware_get_id (firmware), NULL,
                                  client_test_store_result, &result);
  verified = ota_backend_get_firmware_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_firmware_get_status (verified), ==, OTA_FIRMWARE_STATUS_VERIFIED);
  g_clear_object (&result);

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  ota_backend_forecast_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_forecast_batch_finish (f->backend, client_test_wait (&result), &forecast, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (forecast.matched, ==, 19);
  g_assert_cmpuint (forecast.offline, ==, 5);
  g_clear_object (&result);

  g_ptr_array_set_size (f->catalogue_changes, 0);
  ota_backend_create_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  batch = ota_backend_create_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 19);
  g_assert_true (backend_fixture_has_change (f, OTA_TEST_PRODUCT));
  g_clear_object (&result);

  ota_backend_list_batches_async (f->backend, ota_firmware_get_id (firmware), NULL,
                                  client_test_store_result, &result);
  batches = ota_backend_list_batches_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batches->len, ==, 2);
  g_assert_cmpint (ota_batch_get_id (g_ptr_array_index (batches, 0)), ==, ota_batch_get_id (batch));
  g_clear_object (&result);

  /* R-S2: the offline devices wait as pending-push. */
  query.status = OTA_TASK_STATUS_PENDING_PUSH;
  query.sort = OTA_TASK_SORT_DEVICE;
  ota_backend_query_tasks_async (f->backend, ota_batch_get_id (batch), &query, NULL,
                                 client_test_store_result, &result);
  tasks = ota_backend_query_tasks_finish (f->backend, client_test_wait (&result), &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 5);
  g_assert_cmpstr (ota_task_get_device_name (g_ptr_array_index (tasks, 0)), ==, "dev-00000");
  g_assert_cmpint (ota_task_get_reason (g_ptr_array_index (tasks, 0)), ==, OTA_TASK_REASON_OFFLINE);
  g_clear_object (&result);

  /* R-S6, R-D3: a download failure is counted by reason. */
  send_event (f, OTA_DEVICE_EVENT_PROGRESS, "dev-00005", NULL, -2);
  ota_backend_count_failures_async (f->backend, ota_batch_get_id (batch), NULL,
                                    client_test_store_result, &result);
  failures = ota_backend_count_failures_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (failures->len, ==, 1);
  g_assert_cmpint (g_array_index (failures, OtaFailureGroup, 0).reason, ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpuint (g_array_index (failures, OtaFailureGroup, 0).count, ==, 1);
  g_clear_object (&result);

  /* R-D2: the device list as CSV. */
  ota_backend_export_tasks_async (f->backend, ota_batch_get_id (batch), csv_file, NULL,
                                  client_test_store_result, &result);
  g_assert_true (ota_backend_export_tasks_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 19 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "device,status,reason,error_code,progress"));
  g_assert_true (g_str_has_prefix (lines[1], "dev-00000,pending-push,offline,,0,1.0,"));
  g_assert_true (g_str_has_prefix (lines[6], "dev-00005,failed,download-failed,-2,"));
  g_assert_true (g_str_has_suffix (lines[6], ",from the test"));
  g_clear_object (&result);

  /* R-B17: one task, then the batch. */
  g_ptr_array_set_size (f->catalogue_changes, 0);
  ota_backend_cancel_task_async (f->backend, task_of (f, ota_batch_get_id (batch), "dev-00006"), NULL,
                                 client_test_store_result, &result);
  cancelled = ota_backend_cancel_task_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (cancelled), ==, OTA_TASK_STATUS_CANCELLED);
  g_assert_cmpint (ota_task_get_reason (cancelled), ==, OTA_TASK_REASON_CANCELLED);
  g_assert_true (backend_fixture_has_change (f, OTA_TEST_PRODUCT));
  g_clear_object (&result);

  ota_backend_cancel_batch_async (f->backend, ota_batch_get_id (batch), NULL, client_test_store_result, &result);
  g_clear_object (&batch);
  batch = ota_backend_cancel_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_CANCELLED);
  g_clear_object (&result);

  ota_backend_get_batch_async (f->backend, ota_batch_get_id (batch), NULL, client_test_store_result, &result);
  read = ota_backend_get_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (read, OTA_TASK_STATUS_FAILED), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (read, OTA_TASK_STATUS_CANCELLED), ==, 18);
  g_clear_object (&result);

  ota_backend_list_audit_async (f->backend, 0, 2, NULL, client_test_store_result, &result);
  audit = ota_backend_list_audit_finish (f->backend, client_test_wait (&result), &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 2);
  g_assert_cmpuint (total, >=, 5);
  g_assert_cmpstr (ota_audit_entry_get_action (g_ptr_array_index (audit, 0)), ==, "batch.cancel");
  g_assert_cmpstr (ota_audit_entry_get_action (g_ptr_array_index (audit, 1)), ==, "task.cancel");
}

static OtaTask *
device_task (BackendFixture  *f,
             const char      *device,
             GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  char device_text[32];
  OtaTask *task;

  /* Copied by the call: the caller's string may go at once. */
  g_strlcpy (device_text, device, sizeof device_text);
  ota_backend_get_device_task_async (f->backend, OTA_TEST_PRODUCT, device_text, NULL,
                                     client_test_store_result, &result);
  device_text[0] = 'X';
  task = ota_backend_get_device_task_finish (f->backend, client_test_wait (&result), error);
  g_assert_true ((task == NULL) == (error == NULL || *error != NULL));
  return task;
}

/* R-S1..R-S7: what a device is doing: none, its unfinished task, then how it ended;
 * "device" for an unknown device, "task" for one that never had a task. */
static void
test_device_task (BackendFixture *f,
                  gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaTestLink) link = ota_test_attach_link (&f->base);
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaTask) task = NULL;
  g_autofree char *before = NULL;
  const char *verify_devices[] = { "dev-00003", NULL };
  const char *sources[] = { "1.0", NULL };
  OtaVerifySpec verify = { .firmware_id = ota_firmware_get_id (firmware), .source_versions = sources,
                           .devices = verify_devices, .timeout_minutes = 60 };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  client_test_import (f->base.engine, OTA_TEST_PRODUCT, "dev", 5, 0, "1.0");

  task = device_task (f, "nobody", &error);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "device", "nobody");
  g_clear_error (&error);
  before = ota_test_dump_store (f->base.engine);
  task = device_task (f, "dev-00001", &error);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "task", "dev-00001");
  g_clear_error (&error);
  backend_fixture_assert_unchanged (f, before);

  ota_backend_start_verification_async (f->backend, &verify, NULL, client_test_store_result, &result);
  verification = ota_backend_start_verification_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Unfinished: pushed to the online device. */
  task = device_task (f, "dev-00003", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_batch_id (task), ==, ota_batch_get_id (verification));
  g_assert_cmpstr (ota_task_get_device_name (task), ==, "dev-00003");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_clear_object (&task);

  /* Finished, it is still the device's task: how it ended. */
  send_event (f, OTA_DEVICE_EVENT_PROGRESS, "dev-00003", NULL, 100);
  send_event (f, OTA_DEVICE_EVENT_VERSION, "dev-00003", "2.0", 0);
  task = device_task (f, "dev-00003", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_SUCCEEDED);
  g_assert_cmpint (ota_task_get_batch_id (task), ==, ota_batch_get_id (verification));
  g_clear_object (&task);

  /* A batch: dev-00001 gets its first task, then fails it (R-S6). */
  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  ota_backend_create_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  batch = ota_backend_create_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  task = device_task (f, "dev-00001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_batch_id (task), ==, ota_batch_get_id (batch));
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_clear_object (&task);

  send_event (f, OTA_DEVICE_EVENT_PROGRESS, "dev-00001", NULL, -2);
  task = device_task (f, "dev-00001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
}

/* R-B12 and friends: a refused batch keeps the field and changes nothing. */
static void
test_rollout_errors_keep_field (BackendFixture *f,
                                gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *before = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  ota_test_verify_firmware (&f->base, firmware, "verifier");
  before = ota_test_dump_store (f->base.engine);
  g_ptr_array_set_size (f->catalogue_changes, 0);

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.push_rate = 5;
  ota_backend_create_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  batch = ota_backend_create_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (batch);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "push-rate", NULL);
  g_clear_error (&error);
  g_clear_object (&result);

  ota_backend_cancel_batch_async (f->backend, 9999, NULL, client_test_store_result, &result);
  batch = ota_backend_cancel_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (batch);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);

  backend_fixture_assert_unchanged (f, before);
}

/* The engine's "batch-changed" reaches the backend's listeners. */
static void
test_rollout_batch_changed_forwarded (BackendFixture *f,
                                      gconstpointer   data)
{
  g_autoptr(OtaTestLink) link = ota_test_attach_link (&f->base);
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  gint64 batch_id;
  gboolean seen = FALSE;

  ota_test_verify_firmware (&f->base, firmware, "verifier");
  client_test_import (f->base.engine, OTA_TEST_PRODUCT, "dev", 3, 0, "1.0");
  spec.firmware_id = ota_firmware_get_id (firmware);
  batch_id = ota_test_create_batch (&f->base, &spec);
  /* Not synchronously: the engine coalesces its announcements. */
  g_assert_cmpuint (f->batch_changes->len, ==, 0);

  client_test_wait_batch_changed (f->backend, batch_id);
  for (guint i = 0; i < f->batch_changes->len; i++)
    seen |= g_array_index (f->batch_changes, gint64, i) == batch_id;
  g_assert_true (seen);
}

/* Demo time: a manual clock moves by the asked amount and what fell due runs; real
 * time cannot be moved. */
static void
test_time_advance_clock (BackendFixture *f,
                         gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *real_path = g_build_filename (f->base.dir, "real.db", NULL);
  g_autoptr(OtaEngine) real_engine = NULL;
  g_autoptr(OtaBackend) real_backend = NULL;
  OtaServer *real_server = NULL;

  ota_backend_advance_clock_async (f->backend, 10 * G_TIME_SPAN_MINUTE, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_advance_clock_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (ota_clock_get_now (OTA_CLOCK (f->base.clock)), ==, OTA_TEST_EPOCH + 10 * G_TIME_SPAN_MINUTE);
  g_clear_object (&result);

  ota_backend_run_due_async (f->backend, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_run_due_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  real_engine = ota_engine_new (real_path, NULL, &error);
  g_assert_no_error (error);
  real_backend = backend_test_open (real_engine, &real_server);
  ota_backend_advance_clock_async (real_backend, G_TIME_SPAN_MINUTE, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_advance_clock_finish (real_backend, client_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);

  g_clear_object (&real_backend);
  backend_test_stop_server (&real_server);
}

/* A read cancelled before it ran does nothing and says so. */
static void
test_read_cancelled_before_start (BackendFixture *f,
                                  gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) products = NULL;

  g_cancellable_cancel (cancellable);
  ota_backend_list_products_async (f->backend, cancellable, client_test_store_result, &result);
  products = ota_backend_list_products_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (products);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

void
backend_test_add_rollout (void)
{
  BACKEND_TEST_ADD ("/client/backend/R-V4/verify-batch-tasks-round-trip", test_rollout_round_trip);
  BACKEND_TEST_ADD ("/client/backend/R-B12/batch-errors-keep-field", test_rollout_errors_keep_field);
  BACKEND_TEST_ADD ("/client/backend/R-S1/device-task-unfinished-else-last", test_device_task);
  BACKEND_TEST_ADD ("/client/backend/batch-changed-forwarded", test_rollout_batch_changed_forwarded);
  BACKEND_TEST_ADD ("/client/backend/time/advance-manual-clock-only", test_time_advance_clock);
  BACKEND_TEST_ADD ("/client/backend/read-cancelled-before-start", test_read_cancelled_before_start);
}
