/* test-batches.c — creating and cancelling batch upgrades (R-B1..R-B17, R-S1, R-S2)
 *
 * A full firmware "fw" 1.0 → 2.0 of product p1, verified through the real flow on the
 * device "verifier"; notices recorded by a test link; time from the manual clock. Batch
 * counters are compared with a fresh count of the tasks after every step, and every
 * refused input must leave the whole store unchanged.
 */
#include "test-rollout-common.h"

static const char * const source_1_0[] = { "1.0", NULL };

typedef OtaTestRollout Fixture;

static gint64
create_ok (Fixture            *f,
           const OtaBatchSpec *spec)
{
  gint64 id = ota_test_create_batch (&f->base, spec);

  rollout_assert_counters (f->base.engine);
  return id;
}

/* Refused with @code on @field (message mentioning @mentions), nothing changed, nothing
 * sent; the forecast refuses it the same way. */
static void
create_refused (Fixture            *f,
                const OtaBatchSpec *spec,
                OtaErrorCode        code,
                const char         *field,
                const char         *mentions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) forecast_error = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  guint notices = ota_test_link_get_n_notices (f->link);
  OtaBatchForecast forecast;
  g_autoptr(OtaBatch) batch = ota_engine_create_batch (f->base.engine, spec, &error);

  g_assert_null (batch);
  ota_test_assert_error (error, code, field, mentions);
  g_assert_false (ota_engine_forecast_batch (f->base.engine, spec, &forecast, &forecast_error));
  ota_test_assert_error (forecast_error, code, field, mentions);

  ota_test_assert_unchanged (f->base.engine, before);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, notices);
}

/* Verifies another firmware of p1 (@source → @version) on a new device @verifier. */
static OtaFirmware *
add_verified_firmware (Fixture         *f,
                       const char      *name,
                       OtaFirmwareType  type,
                       const char      *source,
                       const char      *version,
                       const char      *verifier)
{
  OtaFirmware *firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, name, type, NULL,
                                                 source, version);

  ota_test_verify_firmware (&f->base, firmware, verifier);
  return firmware;
}

/* R-B1: only a verified firmware; unverified and verifying ones are refused. */
static void
test_batch_needs_verified_firmware (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-b",
                                                        OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "3.0");
  const char * const devices[] = { "d-00", NULL };
  OtaVerifySpec verify = {
    .firmware_id = ota_firmware_get_id (other),
    .source_versions = source_1_0,
    .devices = devices,
    .timeout_minutes = 10,
  };
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(GError) error = NULL;

  rollout_add_devices (f->base.engine, "d", 2, "1.0");
  spec.firmware_id = ota_firmware_get_id (other);
  create_refused (f, &spec, OTA_ERROR_CONFLICT, "firmware", "fw-b");

  verification = ota_engine_start_verification (f->base.engine, &verify, &error);
  g_assert_no_error (error);
  create_refused (f, &spec, OTA_ERROR_CONFLICT, "firmware", "fw-b");

  spec.firmware_id = 999;
  create_refused (f, &spec, OTA_ERROR_NOT_FOUND, "firmware", NULL);
}

/* R-B7, R-B2, R-DV2, R-S2: scope all takes every device of the product on a source
 * version, offline ones wait as pending-push (offline). */
static void
test_batch_all (Fixture       *f,
                gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaProduct) p2 = ota_test_add_product (f->base.engine, "p2", OTA_PROJECT_TYPE_OWN_BRAND,
                                                   OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 5, "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "odd-1", "1.5", NULL, NULL, TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "mute", NULL, NULL, NULL, TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "sleeper", "1.0", NULL, NULL, FALSE);
  rollout_add_device (f->base.engine, "p2", "stranger", "1.0", NULL, NULL, TRUE);

  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_SECOND);
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);

  g_assert_cmpint (ota_batch_get_kind (batch), ==, OTA_BATCH_KIND_BATCH);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_RUNNING);
  g_assert_cmpint (ota_batch_get_created_at (batch), ==, ota_test_now (&f->base));
  g_assert_cmpint (ota_batch_get_started_at (batch), ==, ota_test_now (&f->base));
  g_assert_cmpuint (ota_batch_get_push_rate (batch), ==, 100);
  g_assert_false (ota_batch_get_sources_named (batch));
  g_assert_cmpstrv (ota_batch_get_source_versions (batch), source_1_0);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 6);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED), ==, 5);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("d-%02u", i);

      rollout_assert_task (f->base.engine, id, name, OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
      g_assert_cmpuint (ota_test_link_count_for (f->link, name), ==, 1);
    }
  rollout_assert_task (f->base.engine, id, "sleeper", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
  rollout_assert_no_task (f->base.engine, id, "odd-1");
  rollout_assert_no_task (f->base.engine, id, "mute");
  rollout_assert_no_task (f->base.engine, id, "verifier");
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 5);
  g_assert_cmpuint (rollout_count_audit (f->base.engine, "batch.create"), ==, 1);
}

/* A static batch that matches nobody has nothing left to do: it ends at once. */
static void
test_batch_static_without_devices_ends (Fixture       *f,
                                        gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = ota_test_get_batch (&f->base, create_ok (f, &spec));

  g_assert_cmpuint (ota_batch_get_total (batch), ==, 0);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_FINISHED);
}

/* R-B12: notices over the rate wait as pending-push (rate-limited). */
static void
test_batch_rate_limits_first_pushes (Fixture       *f,
                                     gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 15, "1.0");
  spec.push_rate = 10;
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);

  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED), ==, 10);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_PUSH), ==, 5);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);
  rollout_assert_task (f->base.engine, id, "d-14", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);
}

/* R-B12: push rate 10..1000 per minute. */
static void
test_batch_push_rate_bounds (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);

  spec.push_rate = 9;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "push-rate", "10 1000");
  spec.push_rate = 1001;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "push-rate", "10 1000");
  spec.push_rate = 0;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "push-rate", "10 1000");

  spec.push_rate = 10;
  create_ok (f, &spec);
  spec.push_rate = 1000;
  create_ok (f, &spec);
}

/* R-B14: timeout 5..1440 minutes. */
static void
test_batch_timeout_bounds (Fixture       *f,
                           gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;

  spec.timeout_minutes = 4;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "timeout", "5 1440");
  spec.timeout_minutes = 1441;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "timeout", "5 1440");

  spec.timeout_minutes = 5;
  create_ok (f, &spec);
  spec.timeout_minutes = 1440;
  batch = ota_test_get_batch (&f->base, create_ok (f, &spec));
  g_assert_cmpuint (ota_batch_get_timeout_minutes (batch), ==, 1440);
}

/* R-B13: retry interval from the list, retry limit 1, 2 or 5. */
static void
test_batch_retry_options (Fixture       *f,
                          gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  static const guint limits[] = { 1, 2, 5 };

  spec.retry_interval = OTA_RETRY_INTERVAL_10_MINUTES;
  spec.retry_limit = 3;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "retry-limit", NULL);
  spec.retry_limit = 0;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "retry-limit", NULL);
  spec.retry_limit = 1;
  spec.retry_interval = 42;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "retry-interval", "24h");

  spec.retry_interval = OTA_RETRY_INTERVAL_24_HOURS;
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autoptr(OtaBatch) batch = NULL;

      spec.retry_limit = limits[i];
      batch = ota_test_get_batch (&f->base, create_ok (f, &spec));
      g_assert_cmpuint (ota_batch_get_retry_limit (batch), ==, limits[i]);
      g_assert_cmpint (ota_batch_get_retry_interval (batch), ==, OTA_RETRY_INTERVAL_24_HOURS);
    }
}

/* Strategy and scope must be known values. */
static void
test_batch_unknown_strategy_scope (Fixture       *f,
                                   gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);

  spec.strategy = 7;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "strategy", NULL);
  spec.strategy = OTA_BATCH_STRATEGY_STATIC;
  spec.scope = 9;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "scope", NULL);
}

/* R-B11: start between now + 10 min and now + 7 days, end between start + 1 h and
 * start + 30 days, both bounds inclusive; static only. */
static void
test_batch_schedule_bounds (Fixture       *f,
                            gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 start;

  spec.schedule_start = ota_test_now (&f->base) + 10 * G_TIME_SPAN_MINUTE - G_TIME_SPAN_SECOND;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "schedule-start", "10 7");
  spec.schedule_start = ota_test_now (&f->base) + 7 * G_TIME_SPAN_DAY + G_TIME_SPAN_SECOND;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "schedule-start", "10 7");

  start = ota_test_now (&f->base) + G_TIME_SPAN_DAY;
  spec.schedule_start = start;
  spec.schedule_end = start + G_TIME_SPAN_HOUR - G_TIME_SPAN_SECOND;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "schedule-end", "1 30");
  spec.schedule_end = start + 30 * G_TIME_SPAN_DAY + G_TIME_SPAN_SECOND;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "schedule-end", "1 30");

  /* An end needs a start. */
  spec.schedule_start = 0;
  spec.schedule_end = ota_test_now (&f->base) + G_TIME_SPAN_DAY;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "schedule-end", NULL);

  /* Scheduled is static only. */
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  spec.schedule_start = start;
  spec.schedule_end = 0;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "schedule-start", "static");
  spec.strategy = OTA_BATCH_STRATEGY_STATIC;

  spec.schedule_start = ota_test_now (&f->base) + 10 * G_TIME_SPAN_MINUTE;
  spec.schedule_end = spec.schedule_start + G_TIME_SPAN_HOUR;
  create_ok (f, &spec);
  spec.schedule_start = ota_test_now (&f->base) + 7 * G_TIME_SPAN_DAY;
  spec.schedule_end = spec.schedule_start + 30 * G_TIME_SPAN_DAY;
  batch = ota_test_get_batch (&f->base, create_ok (f, &spec));
  g_assert_cmpint (ota_batch_get_schedule_start (batch), ==, ota_test_now (&f->base) + 7 * G_TIME_SPAN_DAY);
  g_assert_cmpint (ota_batch_get_schedule_end (batch), ==, ota_test_now (&f->base) + 37 * G_TIME_SPAN_DAY);
}

/* R-B11, R-S2: until the start, tasks are pending-push (scheduled) and nothing is sent. */
static void
test_batch_scheduled_tasks_wait (Fixture       *f,
                                 gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) started = NULL;
  g_autoptr(OtaTask) task = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 3, "1.0");
  spec.schedule_start = ota_test_now (&f->base) + G_TIME_SPAN_HOUR;
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);

  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_SCHEDULED);
  g_assert_cmpint (ota_batch_get_started_at (batch), ==, 0);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_PUSH), ==, 3);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_SCHEDULED);
  task = ota_test_get_task (&f->base, id, "d-00");
  g_assert_cmpint (ota_task_get_scheduled_at (task), ==, spec.schedule_start);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);

  ota_test_advance (&f->base, G_TIME_SPAN_HOUR - G_TIME_SPAN_SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);

  ota_test_advance (&f->base, G_TIME_SPAN_SECOND);
  rollout_assert_counters (f->base.engine);
  started = ota_test_get_batch (&f->base, id);
  g_assert_cmpint (ota_batch_get_state (started), ==, OTA_BATCH_STATE_RUNNING);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 3);
}

/* R-B3, R-S1: with app confirmation tasks wait in pending-confirm, nothing is sent. */
static void
test_batch_app_confirm (Fixture       *f,
                        gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 3, "1.0");
  spec.app_confirm = TRUE;
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);

  g_assert_true (ota_batch_get_app_confirm (batch));
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_CONFIRM), ==, 3);
  rollout_assert_task (f->base.engine, id, "d-02", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);
}

/* R-B4: full firmware: the firmware's own list by default (not named, R-R1), or named
 * versions that devices report; diff firmware: its one source only. */
static void
test_batch_source_versions (Fixture       *f,
                            gconstpointer  data)
{
  const char * const named[] = { "1.0", "1.1", NULL };
  const char * const unknown[] = { "9.9", NULL };
  const char * const target[] = { "2.0", NULL };
  const char * const none[] = { NULL };
  const char * const other[] = { "1.1", NULL };
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaFirmware) diff = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) diff_batch = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 2, "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "e-01", "1.1", NULL, NULL, TRUE);

  spec.source_versions = unknown;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", "9.9");
  spec.source_versions = target;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", "2.0");
  spec.source_versions = none;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", NULL);

  spec.source_versions = named;
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);
  g_assert_true (ota_batch_get_sources_named (batch));
  g_assert_cmpstrv (ota_batch_get_source_versions (batch), named);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 3);
  rollout_assert_task (f->base.engine, id, "e-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  diff = add_verified_firmware (f, "fw-diff", OTA_FIRMWARE_TYPE_DIFF, "1.1", "2.1", "verifier-d");
  spec.firmware_id = ota_firmware_get_id (diff);
  spec.source_versions = source_1_0;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions", "1.1");
  spec.source_versions = other;
  g_clear_object (&batch);
  batch = ota_test_get_batch (&f->base, create_ok (f, &spec));
  g_assert_true (ota_batch_get_sources_named (batch));
  /* R-R1: a diff firmware's one source is fixed by the package: named either way. */
  spec.source_versions = NULL;
  diff_batch = ota_test_get_batch (&f->base, create_ok (f, &spec));
  g_assert_true (ota_batch_get_sources_named (diff_batch));
  g_assert_cmpstrv (ota_batch_get_source_versions (diff_batch), other);
}

/* R-B6: one dynamic batch per firmware that is not cancelled. */
static void
test_batch_one_dynamic (Fixture       *f,
                        gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first;

  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  first = create_ok (f, &spec);
  create_refused (f, &spec, OTA_ERROR_CONFLICT, "strategy", "dynamic");

  /* Static batches are not limited. */
  spec.strategy = OTA_BATCH_STRATEGY_STATIC;
  create_ok (f, &spec);

  cancelled = ota_engine_cancel_batch (f->base.engine, first, &error);
  g_assert_no_error (error);
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  create_ok (f, &spec);
}

/* R-B8: only the listed devices; each must exist in the product. */
static void
test_batch_targeted (Fixture       *f,
                     gconstpointer  data)
{
  const char * const chosen[] = { "d-01", "d-03", "odd-1", NULL };
  const char * const unknown[] = { "d-01", "nobody", NULL };
  const char * const stranger[] = { "stranger", NULL };
  const char * const twice[] = { "d-01", "d-01", NULL };
  const char * const none[] = { NULL };
  g_autoptr(OtaProduct) p2 = ota_test_add_product (f->base.engine, "p2", OTA_PROJECT_TYPE_OWN_BRAND,
                                                   OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 5, "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "odd-1", "1.5", NULL, NULL, TRUE);
  rollout_add_device (f->base.engine, "p2", "stranger", "1.0", NULL, NULL, TRUE);

  spec.scope = OTA_BATCH_SCOPE_TARGETED;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", NULL);
  spec.devices = none;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", NULL);
  spec.devices = unknown;
  create_refused (f, &spec, OTA_ERROR_NOT_FOUND, "devices", "nobody");
  spec.devices = stranger;
  create_refused (f, &spec, OTA_ERROR_NOT_FOUND, "devices", "stranger");
  spec.devices = twice;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", "d-01");

  /* A listed device on another version simply does not match. */
  spec.devices = chosen;
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);
  g_assert_cmpint (ota_batch_get_scope (batch), ==, OTA_BATCH_SCOPE_TARGETED);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 2);
  rollout_assert_task (f->base.engine, id, "d-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "d-03", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_no_task (f->base.engine, id, "d-00");
  rollout_assert_no_task (f->base.engine, id, "odd-1");
}

/* R-B2: devices of this firmware's verification — here one that failed it and is still
 * on 1.0 — are left out of all, region and gray, and refused in targeted. */
static void
test_batch_excludes_verification_devices (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(OtaFirmware) fw = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-r",
                                                     OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "4.0");
  const char * const failing[] = { "tester", NULL };
  OtaVerifySpec verify = {
    .firmware_id = ota_firmware_get_id (fw),
    .source_versions = source_1_0,
    .devices = failing,
    .timeout_minutes = 10,
  };
  const OtaRegion zhejiang[] = { { "Zhejiang", NULL } };
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(GError) error = NULL;
  gint64 all, region, gray;

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "tester", "1.0", "Zhejiang", "Hangzhou", TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "plain", "1.0", "Zhejiang", "Hangzhou", TRUE);
  verification = ota_engine_start_verification (f->base.engine, &verify, &error);
  g_assert_no_error (error);
  ota_test_send_progress (&f->base, "tester", -4, "flash broken");
  g_assert_cmpint (rollout_firmware_status (f->base.engine, ota_firmware_get_id (fw)), ==,
                   OTA_FIRMWARE_STATUS_VERIFY_FAILED);
  ota_test_verify_firmware (&f->base, fw, "tester-2");

  spec.firmware_id = ota_firmware_get_id (fw);
  spec.scope = OTA_BATCH_SCOPE_TARGETED;
  spec.devices = failing;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "devices", "tester");

  spec.scope = OTA_BATCH_SCOPE_ALL;
  all = create_ok (f, &spec);
  rollout_assert_no_task (f->base.engine, all, "tester");
  rollout_assert_task (f->base.engine, all, "plain", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  spec.scope = OTA_BATCH_SCOPE_REGION;
  spec.regions = zhejiang;
  spec.n_regions = 1;
  spec.overwrite = TRUE;
  region = create_ok (f, &spec);
  rollout_assert_no_task (f->base.engine, region, "tester");
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, region, NULL), ==, 1);

  spec.scope = OTA_BATCH_SCOPE_GRAY;
  spec.gray_percent = 100;
  gray = create_ok (f, &spec);
  rollout_assert_no_task (f->base.engine, gray, "tester");
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, gray, NULL), ==, 1);
}

/* R-B9: by province (every city), and by city within a province. */
static void
test_batch_region (Fixture       *f,
                   gconstpointer  data)
{
  const OtaRegion regions[] = { { "Zhejiang", NULL }, { "Jiangsu", "Suzhou" } };
  const OtaRegion no_province[] = { { "", "Suzhou" } };
  const OtaRegion twice[] = { { "Jiangsu", "Suzhou" }, { "Jiangsu", "Suzhou" } };
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "zj-hz", "1.0", "Zhejiang", "Hangzhou", TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "zj-nb", "1.0", "Zhejiang", "Ningbo", TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "js-nj", "1.0", "Jiangsu", "Nanjing", TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "js-sz", "1.0", "Jiangsu", "Suzhou", TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "nowhere", "1.0", NULL, NULL, TRUE);

  spec.scope = OTA_BATCH_SCOPE_REGION;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "regions", NULL);
  spec.regions = no_province;
  spec.n_regions = 1;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "regions", NULL);
  spec.regions = twice;
  spec.n_regions = 2;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "regions", "Suzhou");

  spec.regions = regions;
  spec.n_regions = G_N_ELEMENTS (regions);
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 3);
  rollout_assert_task (f->base.engine, id, "zj-hz", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "zj-nb", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "js-sz", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_no_task (f->base.engine, id, "js-nj");
  rollout_assert_no_task (f->base.engine, id, "nowhere");
}

/* The devices of @batch_id against the first @k of "g-…" devices in spread order. */
static void
assert_gray_pick (Fixture *f,
                  gint64   batch_id,
                  guint    k)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->base.engine));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpuint (rollout_count_tasks (f->base.engine, batch_id, NULL), ==, k);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM tasks WHERE batch_id = ?1 AND device_id IN "
                                       "(SELECT id FROM devices WHERE name LIKE 'g-%' "
                                       "ORDER BY (id * 2654435761) % 4294967296, id LIMIT ?2)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int (stmt, 2, k);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, k);
  sqlite3_finalize (stmt);
}

/* R-B10: 1 % of 50 devices is one device, picked in the spread order. */
static void
test_batch_gray_one_percent_of_50 (Fixture       *f,
                                   gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "g", 50, "1.0");
  spec.scope = OTA_BATCH_SCOPE_GRAY;
  spec.gray_percent = 1;
  id = create_ok (f, &spec);
  batch = ota_test_get_batch (&f->base, id);
  g_assert_cmpuint (ota_batch_get_gray_percent (batch), ==, 1);
  assert_gray_pick (f, id, 1);
}

/* R-B10: 10 % of 55 devices rounds down to 5. */
static void
test_batch_gray_ten_percent_of_55 (Fixture       *f,
                                   gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);

  rollout_add_devices (f->base.engine, "g", 55, "1.0");
  spec.scope = OTA_BATCH_SCOPE_GRAY;
  spec.gray_percent = 10;
  assert_gray_pick (f, create_ok (f, &spec), 5);
}

/* R-B10: 1..100 percent, static strategy only. */
static void
test_batch_gray_options (Fixture       *f,
                         gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);

  rollout_add_devices (f->base.engine, "g", 3, "1.0");
  spec.scope = OTA_BATCH_SCOPE_GRAY;
  spec.gray_percent = 0;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "gray-percent", "1 100");
  spec.gray_percent = 101;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "gray-percent", "1 100");
  spec.gray_percent = 50;
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "scope", "static");

  /* At least one device: 1 % of 3 is one. */
  spec.strategy = OTA_BATCH_STRATEGY_STATIC;
  spec.gray_percent = 1;
  assert_gray_pick (f, create_ok (f, &spec), 1);
}

/* R-B15: overwrite no → the new task fails (conflict) and the earlier one goes on. */
static void
test_batch_overwrite_no (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = add_verified_firmware (f, "fw-b", OTA_FIRMWARE_TYPE_FULL,
                                                        "1.0", "3.0", "verifier-b");
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) second_batch = NULL;
  gint64 first, second;

  rollout_add_devices (f->base.engine, "d", 3, "1.0");
  first = create_ok (f, &spec);
  spec.firmware_id = ota_firmware_get_id (other);
  second = create_ok (f, &spec);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("d-%02u", i);

      rollout_assert_task (f->base.engine, first, name, OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
      rollout_assert_task (f->base.engine, second, name, OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_CONFLICT);
      g_assert_cmpuint (ota_test_link_count_for (f->link, name), ==, 1);
    }

  /* Every task of the static batch ended at once: it is finished. */
  second_batch = ota_test_get_batch (&f->base, second);
  g_assert_cmpint (ota_batch_get_state (second_batch), ==, OTA_BATCH_STATE_FINISHED);
  g_assert_cmpuint (ota_batch_get_count (second_batch, OTA_TASK_STATUS_FAILED), ==, 3);
}

/* R-B15: overwrite yes → the earlier task is cancelled (overwritten), except an upgrading
 * one, which goes on while the new task fails (conflict). */
static void
test_batch_overwrite_yes (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = add_verified_firmware (f, "fw-b", OTA_FIRMWARE_TYPE_FULL,
                                                        "1.0", "3.0", "verifier-b");
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) first_batch = NULL;
  gint64 first, second;

  rollout_add_devices (f->base.engine, "d", 3, "1.0");
  first = create_ok (f, &spec);
  ota_test_send_progress (&f->base, "d-00", 10, NULL);
  rollout_assert_task (f->base.engine, first, "d-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);

  spec.firmware_id = ota_firmware_get_id (other);
  spec.overwrite = TRUE;
  second = create_ok (f, &spec);

  rollout_assert_task (f->base.engine, first, "d-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, second, "d-00", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_CONFLICT);
  rollout_assert_task (f->base.engine, first, "d-01", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_OVERWRITTEN);
  rollout_assert_task (f->base.engine, second, "d-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, first, "d-02", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_OVERWRITTEN);
  rollout_assert_task (f->base.engine, second, "d-02", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "d-01"), ==, 2);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "d-00"), ==, 1);

  first_batch = ota_test_get_batch (&f->base, first);
  g_assert_cmpuint (ota_batch_get_count (first_batch, OTA_TASK_STATUS_CANCELLED), ==, 2);
  g_assert_cmpuint (ota_batch_get_count (first_batch, OTA_TASK_STATUS_UPGRADING), ==, 1);
  g_assert_cmpint (ota_batch_get_state (first_batch), ==, OTA_BATCH_STATE_RUNNING);
}

/* R-B15: pending-confirm and pending-push tasks are overwritten too; a device with an
 * unfinished task and overwrite no fails even in a dynamic batch. */
static void
test_batch_overwrite_pending (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = add_verified_firmware (f, "fw-b", OTA_FIRMWARE_TYPE_FULL,
                                                        "1.0", "3.0", "verifier-b");
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  gint64 confirm, dynamic, overwriting;

  rollout_add_devices (f->base.engine, "d", 1, "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "sleeper", "1.0", NULL, NULL, FALSE);
  spec.app_confirm = TRUE;
  confirm = create_ok (f, &spec);
  rollout_assert_task (f->base.engine, confirm, "d-00", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, confirm, "sleeper", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE);

  spec.firmware_id = ota_firmware_get_id (other);
  spec.app_confirm = FALSE;
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  dynamic = create_ok (f, &spec);
  rollout_assert_task (f->base.engine, dynamic, "d-00", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_CONFLICT);

  spec.strategy = OTA_BATCH_STRATEGY_STATIC;
  spec.overwrite = TRUE;
  spec.firmware_id = f->firmware_id;
  overwriting = create_ok (f, &spec);
  rollout_assert_task (f->base.engine, confirm, "d-00", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_OVERWRITTEN);
  rollout_assert_task (f->base.engine, confirm, "sleeper", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_OVERWRITTEN);
  rollout_assert_task (f->base.engine, overwriting, "d-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, overwriting, "sleeper", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
}

/* R-B5: a dynamic batch also takes devices activated later (added or imported) and
 * devices that later report a source version; cancelled, it stops (R-B17). */
static void
test_batch_dynamic_keeps_matching (Fixture       *f,
                                   gconstpointer  data)
{
  static const char csv[] =
    "product,device,province,city,versions,online\n"
    "p1,csv-1,,,default=1.0,yes\n"
    "p1,csv-2,,,default=0.9,yes\n"
    "p1,late-2,,,default=1.0,no\n";
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (csv, -1, NULL);
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 2, "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "late-1", "0.9", NULL, NULL, TRUE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "late-2", "0.9", NULL, NULL, TRUE);
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  id = create_ok (f, &spec);
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, id, NULL), ==, 2);
  rollout_assert_no_task (f->base.engine, id, "late-1");

  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_SECOND);
  ota_test_send_version (&f->base, "late-1", "1.0");
  rollout_assert_counters (f->base.engine);
  /* Applying device events ends with a push pass: within the rate it is sent at once. */
  rollout_assert_task (f->base.engine, id, "late-1", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "new-1", "1.0", NULL, NULL, FALSE);
  rollout_assert_counters (f->base.engine);
  rollout_assert_task (f->base.engine, id, "new-1", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);

  ota_engine_import_devices_csv (f->base.engine, stream, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);
  rollout_assert_task (f->base.engine, id, "csv-1", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);
  rollout_assert_task (f->base.engine, id, "late-2", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
  rollout_assert_no_task (f->base.engine, id, "csv-2");
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, id, NULL), ==, 6);

  /* The push pass sends what joined. */
  ota_test_advance (&f->base, G_TIME_SPAN_MINUTE);
  rollout_assert_task (f->base.engine, id, "csv-1", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  cancelled = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);
  ota_test_send_version (&f->base, "csv-2", "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "new-2", "1.0", NULL, NULL, TRUE);
  rollout_assert_no_task (f->base.engine, id, "csv-2");
  rollout_assert_no_task (f->base.engine, id, "new-2");
}

/* R-B16: only devices whose version report arrives after creation; static refuses it. */
static void
test_batch_only_new_reports (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 2, "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "late-1", "0.9", NULL, NULL, TRUE);

  spec.only_new_reports = TRUE;
  create_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "only-new-reports", "dynamic");

  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  id = create_ok (f, &spec);
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, id, NULL), ==, 0);

  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_SECOND);
  ota_test_send_version (&f->base, "late-1", "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "new-1", "1.0", NULL, NULL, TRUE);
  rollout_assert_counters (f->base.engine);

  rollout_assert_no_task (f->base.engine, id, "d-00");
  rollout_assert_no_task (f->base.engine, id, "d-01");
  rollout_assert_task (f->base.engine, id, "late-1", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "new-1", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);
}

/* R-B16: a report is new when it arrives after the batch was created, also when it
 * repeats the version the device had (a device that re-reports joins), also within the
 * same microsecond. A report handled before the batch existed never counts, even at the
 * very time of the creation. */
static void
test_batch_only_new_reports_same_version (Fixture       *f,
                                          gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 3, "1.0");
  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_MINUTE);
  /* At the creation's very time, but before it. */
  ota_test_send_version (&f->base, "d-02", "1.0");

  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  spec.only_new_reports = TRUE;
  id = create_ok (f, &spec);
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, id, NULL), ==, 0);

  /* Same microsecond, after the creation: new. */
  ota_test_send_version (&f->base, "d-00", "1.0");
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_HOUR);
  ota_test_send_version (&f->base, "d-01", "1.0");
  rollout_assert_task (f->base.engine, id, "d-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_no_task (f->base.engine, id, "d-02");
  rollout_assert_counters (f->base.engine);
}

/* R-B7: the set-based enrolment skips only devices that already have a task (a
 * uniqueness conflict); any other constraint that its rows break fails the creation,
 * which changes nothing, instead of dropping what broke it silently (as INSERT OR IGNORE
 * did: its IGNORE also applies to what triggers of the insert write). */
static void
test_batch_constraint_violation_not_hidden (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *before = NULL;
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->base.engine));

  rollout_add_devices (f->base.engine, "d", 3, "1.0");
  /* A row the database refuses (push_log.batch_id is NOT NULL), written with d-01's task. */
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER break_d01 AFTER INSERT ON tasks "
                                     "WHEN NEW.device_name = 'd-01' "
                                     "BEGIN INSERT INTO push_log (batch_id, at) VALUES (NULL, NEW.id); END;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  before = ota_test_dump_store (f->base.engine);

  batch = ota_engine_create_batch (f->base.engine, &spec, &error);
  g_assert_null (batch);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_STORE);
  ota_test_assert_unchanged (f->base.engine, before);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER break_d01;", NULL, NULL, NULL), ==, SQLITE_OK);
}

/* R-B17: cancelling a batch cancels what has not ended; an ended batch is refused. */
static void
test_batch_cancel (Fixture       *f,
                   gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(OtaBatch) again = NULL;
  g_autoptr(OtaBatch) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 3, "1.0");
  id = create_ok (f, &spec);
  ota_test_send_progress (&f->base, "d-00", 100, NULL);
  ota_test_send_version (&f->base, "d-00", "2.0");
  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_MINUTE);

  cancelled = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);
  g_assert_cmpint (ota_batch_get_state (cancelled), ==, OTA_BATCH_STATE_CANCELLED);
  g_assert_cmpint (ota_batch_get_ended_at (cancelled), ==, ota_test_now (&f->base));
  g_assert_cmpuint (ota_batch_get_count (cancelled, OTA_TASK_STATUS_CANCELLED), ==, 2);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  rollout_assert_task (f->base.engine, id, "d-01", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_CANCELLED);
  g_assert_cmpuint (rollout_count_audit (f->base.engine, "batch.cancel"), ==, 1);

  before = ota_test_dump_store (f->base.engine);
  again = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_null (again);
  ota_test_assert_error (error, OTA_ERROR_CONFLICT, "batch", NULL);
  g_clear_error (&error);
  missing = ota_engine_cancel_batch (f->base.engine, 777, &error);
  g_assert_null (missing);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "batch", NULL);
  ota_test_assert_unchanged (f->base.engine, before);
}

/* R-B17: a scheduled batch can be cancelled before it starts; nothing is ever sent. */
static void
test_batch_cancel_scheduled (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  rollout_add_devices (f->base.engine, "d", 2, "1.0");
  spec.schedule_start = ota_test_now (&f->base) + G_TIME_SPAN_HOUR;
  id = create_ok (f, &spec);
  cancelled = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);
  g_assert_cmpuint (ota_batch_get_count (cancelled, OTA_TASK_STATUS_CANCELLED), ==, 2);

  ota_test_advance (&f->base, 2 * G_TIME_SPAN_HOUR);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);
}

/* The forecast counts what creation would do and changes nothing. */
static void
test_batch_forecast (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = add_verified_firmware (f, "fw-b", OTA_FIRMWARE_TYPE_FULL,
                                                        "1.0", "3.0", "verifier-b");
  const char * const busy[] = { "d-00", "d-01", NULL };
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  OtaBatchForecast forecast;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autoptr(OtaBatch) batch = NULL;

  rollout_add_devices (f->base.engine, "d", 25, "1.0");
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "sleeper", "1.0", NULL, NULL, FALSE);
  spec.firmware_id = ota_firmware_get_id (other);
  spec.scope = OTA_BATCH_SCOPE_TARGETED;
  spec.devices = busy;
  create_ok (f, &spec);
  ota_test_send_progress (&f->base, "d-01", 5, NULL);

  spec = ota_test_rollout_batch_spec (f, NULL);
  spec.push_rate = 10;
  before = ota_test_dump_store (f->base.engine);
  g_assert_true (ota_engine_forecast_batch (f->base.engine, &spec, &forecast, &error));
  g_assert_no_error (error);
  ota_test_assert_unchanged (f->base.engine, before);

  g_assert_cmpuint (forecast.matched, ==, 26);
  g_assert_cmpuint (forecast.offline, ==, 1);
  g_assert_cmpuint (forecast.conflicts, ==, 2);
  g_assert_cmpuint (forecast.overwrites, ==, 0);
  /* 23 online devices to push at 10 a minute fill 3 minutes. */
  g_assert_cmpint (forecast.push_duration_us, ==, 3 * G_TIME_SPAN_MINUTE);

  spec.overwrite = TRUE;
  g_assert_true (ota_engine_forecast_batch (f->base.engine, &spec, &forecast, &error));
  g_assert_cmpuint (forecast.conflicts, ==, 1);
  g_assert_cmpuint (forecast.overwrites, ==, 1);
  g_assert_cmpint (forecast.push_duration_us, ==, 3 * G_TIME_SPAN_MINUTE);

  batch = ota_test_get_batch (&f->base, create_ok (f, &spec));
  g_assert_cmpuint (ota_batch_get_total (batch), ==, forecast.matched);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED), ==, forecast.conflicts);
}

/* R-D1: a firmware's verifications and batches, newest first. */
static void
test_batch_list (Fixture       *f,
                 gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(OtaBatch) missing = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first, second;

  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_SECOND);
  first = create_ok (f, &spec);
  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_SECOND);
  second = create_ok (f, &spec);

  batches = ota_engine_list_batches (f->base.engine, f->firmware_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batches->len, ==, 3);
  g_assert_cmpint (ota_batch_get_id (g_ptr_array_index (batches, 0)), ==, second);
  g_assert_cmpint (ota_batch_get_id (g_ptr_array_index (batches, 1)), ==, first);
  g_assert_cmpint (ota_batch_get_kind (g_ptr_array_index (batches, 2)), ==, OTA_BATCH_KIND_VERIFICATION);
  g_assert_cmpuint (ota_batch_get_count (g_ptr_array_index (batches, 2), OTA_TASK_STATUS_SUCCEEDED), ==, 1);

  none = ota_engine_list_batches (f->base.engine, 999, &error);
  g_assert_null (none);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "firmware", NULL);
  g_clear_error (&error);
  missing = ota_engine_get_batch (f->base.engine, 999, &error);
  g_assert_null (missing);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "batch", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, ota_test_rollout_setup, func, ota_test_rollout_teardown)

  ADD ("/batch/R-B1/needs-verified-firmware", test_batch_needs_verified_firmware);
  ADD ("/batch/R-B2/verification-devices-excluded", test_batch_excludes_verification_devices);
  ADD ("/batch/R-B3/app-confirm-pending-confirm", test_batch_app_confirm);
  ADD ("/batch/R-B4/source-versions", test_batch_source_versions);
  ADD ("/batch/R-B5/dynamic-keeps-matching", test_batch_dynamic_keeps_matching);
  ADD ("/batch/R-B6/one-dynamic-batch-per-firmware", test_batch_one_dynamic);
  ADD ("/batch/R-B7/all-matching-devices", test_batch_all);
  ADD ("/batch/R-B7/static-without-devices-ends", test_batch_static_without_devices_ends);
  ADD ("/batch/R-B8/targeted", test_batch_targeted);
  ADD ("/batch/R-B9/region-by-province-and-city", test_batch_region);
  ADD ("/batch/R-B10/gray-1-percent-of-50-is-1", test_batch_gray_one_percent_of_50);
  ADD ("/batch/R-B10/gray-10-percent-of-55-is-5", test_batch_gray_ten_percent_of_55);
  ADD ("/batch/R-B10/gray-options", test_batch_gray_options);
  ADD ("/batch/R-B11/schedule-bounds", test_batch_schedule_bounds);
  ADD ("/batch/R-B11/scheduled-tasks-wait", test_batch_scheduled_tasks_wait);
  ADD ("/batch/R-B12/push-rate-10-to-1000", test_batch_push_rate_bounds);
  ADD ("/batch/R-B12/rate-limits-first-pushes", test_batch_rate_limits_first_pushes);
  ADD ("/batch/R-B13/retry-options", test_batch_retry_options);
  ADD ("/batch/R-B14/timeout-5-to-1440", test_batch_timeout_bounds);
  ADD ("/batch/R-B15/overwrite-no-conflict", test_batch_overwrite_no);
  ADD ("/batch/R-B15/overwrite-yes-except-upgrading", test_batch_overwrite_yes);
  ADD ("/batch/R-B15/overwrite-pending-tasks", test_batch_overwrite_pending);
  ADD ("/batch/R-B16/only-new-reports", test_batch_only_new_reports);
  ADD ("/batch/R-B16/same-version-reported-again-is-new", test_batch_only_new_reports_same_version);
  ADD ("/batch/R-B7/constraint-violation-not-hidden", test_batch_constraint_violation_not_hidden);
  ADD ("/batch/R-B17/cancel-batch", test_batch_cancel);
  ADD ("/batch/R-B17/cancel-scheduled-batch", test_batch_cancel_scheduled);
  ADD ("/batch/forecast/counts-and-changes-nothing", test_batch_forecast);
  ADD ("/batch/R-D1/list-newest-first", test_batch_list);
  ADD ("/batch/strategy-and-scope-known", test_batch_unknown_strategy_scope);

#undef ADD

  return g_test_run ();
}
