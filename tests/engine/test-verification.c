/* test-verification.c — verifying a firmware on a few devices (R-V1..R-V4, R-B17)
 *
 * A full firmware 1.0 → 2.0 of product p1, devices d-00 … reporting 1.0, notices recorded
 * by a test link, time from the manual clock. Batch counters are compared with a fresh
 * count of the tasks after every step.
 */
#include "test-rollout-common.h"

static const char * const source_1_0[] = { "1.0", NULL };

typedef OtaTestRollout Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ota_test_rollout_setup_unverified (f, data);
  rollout_add_devices (f->base.engine, "d", 12, "1.0");
}

static OtaVerifySpec
verify_spec (Fixture            *f,
             const char * const *devices)
{
  OtaVerifySpec spec = {
    .firmware_id = f->firmware_id,
    .source_versions = source_1_0,
    .devices = devices,
    .timeout_minutes = 60,
  };

  return spec;
}

static gint64
start_ok (Fixture             *f,
          const OtaVerifySpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = ota_engine_start_verification (f->base.engine, spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (batch);
  rollout_assert_counters (f->base.engine);
  return ota_batch_get_id (batch);
}

/* Asserts the verification is refused with @code on @field, the message mentioning
 * @mentions, and that nothing changed. */
static void
start_refused (Fixture             *f,
               const OtaVerifySpec *spec,
               OtaErrorCode         code,
               const char          *field,
               const char          *mentions)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  guint notices = ota_test_link_get_n_notices (f->link);
  g_autoptr(OtaBatch) batch = ota_engine_start_verification (f->base.engine, spec, &error);

  g_assert_null (batch);
  ota_test_assert_error (error, code, field, mentions);
  ota_test_assert_unchanged (f->base.engine, before);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, notices);
}

/* R-V1: a verification is a static, targeted rollout without rate limit or retries; the
 * firmware becomes verifying and the devices get their notice at once. */
static void
test_verification_starts (Fixture       *f,
                          gconstpointer  data)
{
  const char * const devices[] = { "d-00", "d-01", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  id = start_ok (f, &spec);
  batch = ota_engine_get_batch (f->base.engine, id, &error);
  g_assert_no_error (error);

  g_assert_cmpint (ota_batch_get_kind (batch), ==, OTA_BATCH_KIND_VERIFICATION);
  g_assert_cmpint (ota_batch_get_strategy (batch), ==, OTA_BATCH_STRATEGY_STATIC);
  g_assert_cmpint (ota_batch_get_scope (batch), ==, OTA_BATCH_SCOPE_TARGETED);
  g_assert_cmpuint (ota_batch_get_push_rate (batch), ==, 0);
  g_assert_cmpint (ota_batch_get_retry_interval (batch), ==, OTA_RETRY_INTERVAL_NONE);
  g_assert_true (ota_batch_get_sources_named (batch));
  g_assert_cmpuint (ota_batch_get_timeout_minutes (batch), ==, 60);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_RUNNING);
  g_assert_cmpint (ota_batch_get_created_at (batch), ==, OTA_TEST_EPOCH);
  g_assert_cmpstrv (ota_batch_get_source_versions (batch), source_1_0);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 2);

  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFYING);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "d-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_no_task (f->base.engine, id, "d-02");
  g_assert_cmpuint (ota_test_link_count_for (f->link, "d-00"), ==, 1);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  g_assert_cmpuint (rollout_count_audit (f->base.engine, "firmware.verify"), ==, 1);
}

/* R-V1: 1 to 10 devices. */
static void
test_verification_device_count (Fixture       *f,
                                gconstpointer  data)
{
  const char * const none[] = { NULL };
  const char * const eleven[] = { "d-00", "d-01", "d-02", "d-03", "d-04", "d-05", "d-06",
                                  "d-07", "d-08", "d-09", "d-10", NULL };
  OtaVerifySpec spec = verify_spec (f, none);

  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", "10");
  spec.devices = NULL;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", NULL);
  spec.devices = eleven;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", "10");

  /* Ten is the most. */
  spec.devices = eleven + 1;
  start_ok (f, &spec);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);
}

/* R-V1: a device named twice is refused. */
static void
test_verification_duplicate_device (Fixture       *f,
                                    gconstpointer  data)
{
  const char * const devices[] = { "d-00", "d-00", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);

  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", "d-00");
}

/* R-V2: one or more source versions, each one that devices of the product report. */
static void
test_verification_sources (Fixture       *f,
                           gconstpointer  data)
{
  const char * const devices[] = { "d-00", NULL };
  const char * const none[] = { NULL };
  const char * const unknown[] = { "9.9", NULL };
  const char * const target[] = { "2.0", NULL };
  const char * const twice[] = { "1.0", "1.0", NULL };
  const char * const bad[] = { "1.0 beta", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);

  spec.source_versions = NULL;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", NULL);
  spec.source_versions = none;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", NULL);
  spec.source_versions = unknown;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", "9.9");
  spec.source_versions = target;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", "2.0");
  spec.source_versions = twice;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", "1.0");
  spec.source_versions = bad;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", NULL);
}

/* R-V2: several sources: devices on any of them can verify. */
static void
test_verification_several_sources (Fixture       *f,
                                   gconstpointer  data)
{
  const char * const devices[] = { "d-00", "e-01", NULL };
  const char * const sources[] = { "1.0", "1.1", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);
  gint64 id;

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "e-01", "1.1", NULL, NULL, TRUE);
  spec.source_versions = sources;
  id = start_ok (f, &spec);
  rollout_assert_task (f->base.engine, id, "e-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
}

/* R-V2: a device outside the chosen sources is refused, naming it and its version. */
static void
test_verification_device_off_source (Fixture       *f,
                                     gconstpointer  data)
{
  const char * const devices[] = { "d-00", "odd-1", NULL };
  const char * const never[] = { "mute", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "odd-1", "1.5", NULL, NULL, TRUE);
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", "odd-1 1.5");

  /* R-DV2: a device that never reported a version for the module. */
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "mute", NULL, NULL, NULL, TRUE);
  spec.devices = never;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", "mute");
}

/* R-V2: a device of another product, or no device at all, is refused. */
static void
test_verification_device_of_other_product (Fixture       *f,
                                           gconstpointer  data)
{
  const char * const devices[] = { "stranger", NULL };
  const char * const missing[] = { "nobody", NULL };
  g_autoptr(OtaProduct) other = ota_test_add_product (f->base.engine, "p2", OTA_PROJECT_TYPE_OWN_BRAND,
                                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaVerifySpec spec = verify_spec (f, devices);

  rollout_add_device (f->base.engine, "p2", "stranger", "1.0", NULL, NULL, TRUE);
  start_refused (f, &spec, OTA_ERROR_NOT_FOUND, "devices", "stranger");
  spec.devices = missing;
  start_refused (f, &spec, OTA_ERROR_NOT_FOUND, "devices", "nobody");
}

/* R-V2: a device with an unfinished task (here: verifying another firmware) is refused. */
static void
test_verification_device_busy (Fixture       *f,
                               gconstpointer  data)
{
  const char * const devices[] = { "d-03", NULL };
  g_autoptr(OtaFirmware) other = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-b",
                                                        OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "3.0");
  OtaVerifySpec spec = verify_spec (f, devices);
  OtaVerifySpec other_spec = verify_spec (f, devices);

  other_spec.firmware_id = ota_firmware_get_id (other);
  start_ok (f, &other_spec);
  start_refused (f, &spec, OTA_ERROR_CONFLICT, "devices", "d-03");
}

/* R-V2: a diff firmware can only be verified from its one source version. */
static void
test_verification_diff_fixed_source (Fixture       *f,
                                     gconstpointer  data)
{
  const char * const devices[] = { "e-01", NULL };
  const char * const other_source[] = { "1.1", NULL };
  g_autoptr(OtaFirmware) diff = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-diff",
                                                       OTA_FIRMWARE_TYPE_DIFF, NULL, "1.0", "2.1");
  OtaVerifySpec spec = verify_spec (f, devices);

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "e-01", "1.1", NULL, NULL, TRUE);
  spec.firmware_id = ota_firmware_get_id (diff);
  spec.source_versions = other_source;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", "1.0");
}

/* R-V1: an unknown firmware. */
static void
test_verification_unknown_firmware (Fixture       *f,
                                    gconstpointer  data)
{
  const char * const devices[] = { "d-00", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);

  spec.firmware_id = 999;
  start_refused (f, &spec, OTA_ERROR_NOT_FOUND, "firmware", NULL);
}

/* R-V3: timeout 1..1440 minutes. */
static void
test_verification_timeout_bounds (Fixture       *f,
                                  gconstpointer  data)
{
  const char * const first[] = { "d-00", NULL };
  const char * const second[] = { "d-01", NULL };
  g_autoptr(OtaFirmware) other = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-b",
                                                        OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "3.0");
  OtaVerifySpec spec = verify_spec (f, first);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  spec.timeout_minutes = 0;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "timeout", "1440");
  spec.timeout_minutes = 1441;
  start_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "timeout", "1440");

  spec.timeout_minutes = 1;
  id = start_ok (f, &spec);
  batch = ota_engine_get_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_timeout_minutes (batch), ==, 1);

  spec.firmware_id = ota_firmware_get_id (other);
  spec.devices = second;
  spec.timeout_minutes = 1440;
  start_ok (f, &spec);
}

/* R-V3: with app confirmation the tasks wait in pending-confirm; offline devices wait
 * as pending-push (offline). */
static void
test_verification_confirm_and_offline (Fixture       *f,
                                       gconstpointer  data)
{
  const char * const devices[] = { "d-00", "sleeper", NULL };
  g_autoptr(OtaFirmware) other = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-b",
                                                        OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "3.0");
  const char * const devices_b[] = { "d-01", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);
  OtaVerifySpec spec_b = verify_spec (f, devices_b);
  gint64 id, id_b;

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "sleeper", "1.0", NULL, NULL, FALSE);
  id = start_ok (f, &spec);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "sleeper", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);

  spec_b.firmware_id = ota_firmware_get_id (other);
  spec_b.app_confirm = TRUE;
  id_b = start_ok (f, &spec_b);
  rollout_assert_task (f->base.engine, id_b, "d-01", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "d-01"), ==, 0);
}

/* R-V4: every task succeeded → verified, and the verification is finished. */
static void
test_verification_all_succeeded (Fixture       *f,
                                 gconstpointer  data)
{
  const char * const devices[] = { "d-00", "d-01", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = start_ok (f, &spec);

  ota_test_send_progress (&f->base, "d-00", 100, NULL);
  ota_test_send_version (&f->base, "d-00", "2.0");
  rollout_assert_counters (f->base.engine);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFYING);

  ota_test_send_progress (&f->base, "d-01", 100, NULL);
  ota_test_send_version (&f->base, "d-01", "2.0");
  rollout_assert_counters (f->base.engine);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFIED);

  batch = ota_engine_get_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_FINISHED);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED), ==, 2);
}

/* R-V4: any other end → verify-failed; such a firmware can be verified again. */
static void
test_verification_failure_then_again (Fixture       *f,
                                      gconstpointer  data)
{
  const char * const devices[] = { "d-00", "d-01", NULL };
  const char * const again[] = { "d-02", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);
  gint64 id = start_ok (f, &spec);
  gint64 second;

  ota_test_send_progress (&f->base, "d-00", -2, "download failed");
  rollout_assert_counters (f->base.engine);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFYING);

  ota_test_send_progress (&f->base, "d-01", 100, NULL);
  ota_test_send_version (&f->base, "d-01", "2.0");
  rollout_assert_counters (f->base.engine);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFY_FAILED);

  spec.devices = again;
  second = start_ok (f, &spec);
  g_assert_cmpint (second, !=, id);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFYING);
}

/* R-V4: a verified firmware cannot be verified again; a verifying one cannot start a
 * second verification. */
static void
test_verification_not_twice (Fixture       *f,
                             gconstpointer  data)
{
  const char * const devices[] = { "d-00", NULL };
  const char * const others[] = { "d-01", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);

  start_ok (f, &spec);
  spec.devices = others;
  start_refused (f, &spec, OTA_ERROR_CONFLICT, "firmware", "fw");

  ota_test_send_progress (&f->base, "d-00", 100, NULL);
  ota_test_send_version (&f->base, "d-00", "2.0");
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFIED);
  start_refused (f, &spec, OTA_ERROR_CONFLICT, "firmware", "fw");
}

/* R-B17, R-V4: cancelling a verification cancels its tasks and fails it; an ended one
 * cannot be cancelled again. */
static void
test_verification_cancel (Fixture       *f,
                          gconstpointer  data)
{
  const char * const devices[] = { "d-00", "d-01", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(OtaBatch) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 id = start_ok (f, &spec);

  ota_test_send_progress (&f->base, "d-00", 100, NULL);
  ota_test_send_version (&f->base, "d-00", "2.0");
  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_MINUTE);
  cancelled = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);

  g_assert_cmpint (ota_batch_get_state (cancelled), ==, OTA_BATCH_STATE_CANCELLED);
  g_assert_cmpint (ota_batch_get_ended_at (cancelled), ==, OTA_TEST_EPOCH + G_TIME_SPAN_MINUTE);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "d-01", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_CANCELLED);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFY_FAILED);
  g_assert_cmpuint (rollout_count_audit (f->base.engine, "batch.cancel"), ==, 1);

  before = ota_test_dump_store (f->base.engine);
  again = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_null (again);
  ota_test_assert_error (error, OTA_ERROR_CONFLICT, "batch", NULL);
  ota_test_assert_unchanged (f->base.engine, before);
}

/* R-B17: cancelling one task of a verification; the verification then fails when the
 * rest has ended. A task that has ended cannot be cancelled. */
static void
test_verification_cancel_task (Fixture       *f,
                               gconstpointer  data)
{
  const char * const devices[] = { "d-00", "d-01", NULL };
  OtaVerifySpec spec = verify_spec (f, devices);
  g_autoptr(OtaTask) task = ota_test_get_task (&f->base, start_ok (f, &spec), "d-00");
  g_autoptr(OtaTask) cancelled = NULL;
  g_autoptr(OtaTask) again = NULL;
  g_autoptr(OtaTask) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  cancelled = ota_engine_cancel_task (f->base.engine, ota_task_get_id (task), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (cancelled), ==, OTA_TASK_STATUS_CANCELLED);
  g_assert_cmpint (ota_task_get_reason (cancelled), ==, OTA_TASK_REASON_CANCELLED);
  rollout_assert_counters (f->base.engine);
  g_assert_cmpuint (rollout_count_audit (f->base.engine, "task.cancel"), ==, 1);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFYING);

  before = ota_test_dump_store (f->base.engine);
  again = ota_engine_cancel_task (f->base.engine, ota_task_get_id (task), &error);
  g_assert_null (again);
  ota_test_assert_error (error, OTA_ERROR_CONFLICT, "task", NULL);
  g_clear_error (&error);
  missing = ota_engine_cancel_task (f->base.engine, 4242, &error);
  g_assert_null (missing);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "task", NULL);
  ota_test_assert_unchanged (f->base.engine, before);

  ota_test_send_progress (&f->base, "d-01", 100, NULL);
  ota_test_send_version (&f->base, "d-01", "2.0");
  rollout_assert_counters (f->base.engine);
  g_assert_cmpint (rollout_firmware_status (f->base.engine, f->firmware_id), ==, OTA_FIRMWARE_STATUS_VERIFY_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, ota_test_rollout_teardown)

  ADD ("/verification/R-V1/starts-static-targeted-firmware-verifying", test_verification_starts);
  ADD ("/verification/R-V1/one-to-ten-devices", test_verification_device_count);
  ADD ("/verification/R-V1/device-listed-twice-refused", test_verification_duplicate_device);
  ADD ("/verification/R-V1/unknown-firmware-refused", test_verification_unknown_firmware);
  ADD ("/verification/R-V2/source-versions-checked", test_verification_sources);
  ADD ("/verification/R-V2/several-sources", test_verification_several_sources);
  ADD ("/verification/R-V2/device-off-source-refused", test_verification_device_off_source);
  ADD ("/verification/R-V2/device-of-other-product-refused", test_verification_device_of_other_product);
  ADD ("/verification/R-V2/device-with-unfinished-task-refused", test_verification_device_busy);
  ADD ("/verification/R-V2/diff-firmware-fixed-source", test_verification_diff_fixed_source);
  ADD ("/verification/R-V3/timeout-1-to-1440", test_verification_timeout_bounds);
  ADD ("/verification/R-V3/app-confirm-and-offline", test_verification_confirm_and_offline);
  ADD ("/verification/R-V4/all-succeeded-verified", test_verification_all_succeeded);
  ADD ("/verification/R-V4/failed-then-verified-again", test_verification_failure_then_again);
  ADD ("/verification/R-V4/not-while-verifying-nor-after-verified", test_verification_not_twice);
  ADD ("/verification/R-B17/cancel-fails-verification", test_verification_cancel);
  ADD ("/verification/R-B17/cancel-one-task", test_verification_cancel_task);

#undef ADD

  return g_test_run ();
}
