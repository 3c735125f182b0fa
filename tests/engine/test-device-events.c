/* test-device-events.c — what devices tell the engine (R-E1..R-E5) and the task states
 * it leads to (R-S1..R-S7)
 *
 * Every scenario runs a real batch: a verified firmware 1.0 → 2.0 of product p1, devices
 * reporting 1.0, notices recorded by a test link, time from the manual clock.
 */
#include <string.h>

#include "ota-engine-private.h"
#include "ota-test-link.h"
#include "test-rollout-common.h"

static const char * const one_source[] = { "1.0", NULL };

typedef OtaTestRollout Fixture;

/* One online device dev-00 in a batch that pushed its notice; returns the batch id. */
static gint64
pushed_batch (Fixture *f)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "dev-00"), ==, 1);
  return batch_id;
}

static void
assert_refused (Fixture              *f,
                const OtaDeviceEvent *event,
                OtaErrorCode          code,
                const char           *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);

  g_assert_false (ota_engine_apply_device_event (f->base.engine, event, &error));
  ota_test_assert_error (error, code, field, NULL);
  ota_test_assert_unchanged (f->base.engine, before);
}

/* ---- Validation ----------------------------------------------------------- */

/* R-E1..R-E3: an event of a device that does not exist changes nothing. */
static void
test_unknown_device_refused (Fixture       *f,
                             gconstpointer  data)
{
  OtaDeviceEvent event = { .kind = OTA_DEVICE_EVENT_ONLINE, .product_key = OTA_TEST_PRODUCT,
                           .device_name = "nobody" };
  OtaDeviceEvent other_product = { .kind = OTA_DEVICE_EVENT_VERSION, .product_key = "p2",
                                   .device_name = "verifier", .version = "1.0" };

  assert_refused (f, &event, OTA_ERROR_NOT_FOUND, "device");
  assert_refused (f, &other_product, OTA_ERROR_NOT_FOUND, "device");
}

/* R-E3: a step is 0..100 or -1..-4; the bounds themselves are fine. */
static void
test_step_ranges (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  OtaDeviceEvent event = { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT,
                           .device_name = "dev-00" };
  gint64 batch_id = pushed_batch (f);

  event.step = 101;
  assert_refused (f, &event, OTA_ERROR_INVALID_FIELD, "step");
  event.step = -5;
  assert_refused (f, &event, OTA_ERROR_INVALID_FIELD, "step");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  event.step = 100;
  g_assert_true (ota_engine_apply_device_event (f->base.engine, &event, &error));
  g_assert_no_error (error);
  event.step = -4;
  g_assert_true (ota_engine_apply_device_event (f->base.engine, &event, &error));
  g_assert_no_error (error);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_FLASH_FAILED);
}

/* R-E3, R-S6: a device error with a description over 200 characters still fails the
 * task: the text is cut to 200 characters (counted as characters, on a character
 * boundary), never the failure lost. */
static void
test_long_description_cut (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(OtaTask) task = NULL;
  OtaDeviceEvent event = { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT,
                           .device_name = "dev-00", .step = -2 };
  gint64 batch_id = pushed_batch (f);

  /* 250 Chinese characters, 3 bytes each. */
  for (guint i = 0; i < 250; i++)
    g_string_append (text, i < 200 ? "错" : "误");
  event.description = text->str;
  g_assert_true (ota_engine_apply_device_event (f->base.engine, &event, &error));
  g_assert_no_error (error);

  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpint (ota_task_get_error_code (task), ==, -2);
  g_assert_true (g_utf8_validate (ota_task_get_detail (task), -1, NULL));
  g_assert_cmpint (g_utf8_strlen (ota_task_get_detail (task), -1), ==, 200);
  g_assert_cmpuint (strlen (ota_task_get_detail (task)), ==, 200 * strlen ("错"));
  g_assert_null (strstr (ota_task_get_detail (task), "误"));
}

/* R-E2 (R-F4, R-F6): the reported version and the module follow the field rules. */
static void
test_version_and_module_rules (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *long_version = g_strnfill (65, '1');
  OtaDeviceEvent event = { .kind = OTA_DEVICE_EVENT_VERSION, .product_key = OTA_TEST_PRODUCT,
                           .device_name = "verifier" };

  event.version = "2.0 beta";
  assert_refused (f, &event, OTA_ERROR_INVALID_FIELD, "version");
  event.version = long_version;
  assert_refused (f, &event, OTA_ERROR_INVALID_FIELD, "version");
  event.version = NULL;
  assert_refused (f, &event, OTA_ERROR_INVALID_FIELD, "version");
  event.version = "3.0";
  event.module = "wifi module";
  assert_refused (f, &event, OTA_ERROR_INVALID_FIELD, "module");
}

/* R-E1..R-E3: a group is applied in one go; invalid events are skipped and counted. */
static void
test_group_skips_invalid (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 batch_id = pushed_batch (f);
  const OtaDeviceEvent events[] = {
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00", .step = 10 },
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "ghost", .step = 20 },
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00", .step = 500 },
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00", .step = 100 },
    { .kind = OTA_DEVICE_EVENT_VERSION, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00", .version = "2.0" },
  };
  guint rejected = 99;
  g_autoptr(OtaTask) task = NULL;

  g_assert_true (ota_engine_apply_device_events (f->base.engine, events, G_N_ELEMENTS (events),
                                                 &rejected, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rejected, ==, 2);

  /* In order: progress, then the new version. */
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_SUCCEEDED);
  g_assert_cmpuint (ota_task_get_progress (task), ==, 100);
}

/* R-E1..R-E3: an event that cannot be applied (here a constraint refuses its change) is
 * undone alone and counted; the events before and after it in the group stand. */
static void
test_group_undoes_failing_event_alone (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  const OtaDeviceEvent events[] = {
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00", .step = 10 },
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-01", .step = 20 },
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-02", .step = 30 },
  };
  guint rejected = 99;
  gint64 batch_id;

  ota_test_add_devices (&f->base, "dev", 3, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_exec_sql (f->base.engine, "CREATE TRIGGER refuse_dev01 BEFORE UPDATE ON tasks WHEN NEW.device_name = 'dev-01' "
               "BEGIN SELECT RAISE (ABORT, 'refused by the test'); END;");

  g_assert_true (ota_engine_apply_device_events (f->base.engine, events, G_N_ELEMENTS (events),
                                                 &rejected, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rejected, ==, 1);
  ota_test_exec_sql (f->base.engine, "DROP TRIGGER refuse_dev01;");

  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "dev-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "dev-02", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);
  rollout_assert_counters (f->base.engine);
}

/* R-E1..R-E3: when the store itself fails, the whole group fails with the error and
 * nothing of it was applied (the caller keeps it and tries again). */
static void
test_group_store_failure_applies_nothing (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  const OtaDeviceEvent events[] = {
    { .kind = OTA_DEVICE_EVENT_OFFLINE, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00" },
    { .kind = OTA_DEVICE_EVENT_VERSION, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00", .version = "1.5" },
    { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT, .device_name = "dev-00", .step = 10 },
  };
  guint rejected = 99;

  pushed_batch (f);
  /* Every statement that changes a task fails to compile: no constraint, a broken store. */
  ota_test_exec_sql (f->base.engine, "CREATE TRIGGER broken AFTER UPDATE ON tasks BEGIN SELECT no_such_function (); END;");
  before = ota_test_dump_store (f->base.engine);

  g_assert_false (ota_engine_apply_device_events (f->base.engine, events, G_N_ELEMENTS (events),
                                                  &rejected, &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_STORE);
  g_assert_cmpuint (rejected, ==, 0);

  ota_test_assert_unchanged (f->base.engine, before);
  ota_test_exec_sql (f->base.engine, "DROP TRIGGER broken;");
}

/* ---- R-E1 presence, R-S2 pending-push ---------------------------------------- */

/* R-E1: online and offline set the device's flag. */
static void
test_online_offline_flag (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(OtaDevice) before = NULL;
  g_autoptr(OtaDevice) after = NULL;

  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_OFFLINE, "dev-00");
  before = ota_engine_get_device (f->base.engine, OTA_TEST_PRODUCT, "dev-00", NULL);
  g_assert_false (ota_device_get_online (before));

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-00");
  after = ota_engine_get_device (f->base.engine, OTA_TEST_PRODUCT, "dev-00", NULL);
  g_assert_true (ota_device_get_online (after));
}

/* R-S2, R-E1: an offline device waits as pending-push/offline and gets its notice when it
 * comes online. */
static void
test_offline_device_pushed_when_online (Fixture       *f,
                                        gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;
  const OtaUpgradeNotice *notice;

  ota_test_add_devices (&f->base, "dev", 1, "1.0", FALSE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);

  ota_test_advance (&f->base, 3 * G_TIME_SPAN_HOUR);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-00");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
  notice = ota_test_link_get_notice (f->link, 0);
  g_assert_cmpint (notice->sent_at, ==, OTA_TEST_EPOCH + 3 * G_TIME_SPAN_HOUR);
}

/* R-S2: a device that goes offline before its turn waits as offline, then queues again. */
static void
test_offline_while_rate_limited (Fixture       *f,
                                 gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  spec.push_rate = 10;
  ota_test_add_devices (&f->base, "dev", 12, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  /* Pushed in device order: the last two wait for the window. */
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);
  ota_test_assert_task (&f->base, batch_id, "dev-10", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);
  ota_test_assert_task (&f->base, batch_id, "dev-11", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_OFFLINE, "dev-11");
  ota_test_assert_task (&f->base, batch_id, "dev-11", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);

  /* The window opens at +60 s: only dev-10 goes. */
  ota_test_advance (&f->base, 60 * G_TIME_SPAN_SECOND);
  ota_test_assert_task (&f->base, batch_id, "dev-10", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "dev-11", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "dev-11"), ==, 0);

  ota_test_advance (&f->base, 30 * G_TIME_SPAN_SECOND);
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-11");
  ota_test_assert_task (&f->base, batch_id, "dev-11", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "dev-11"), ==, 1);
}

/* ---- R-S1, R-E5 app confirmation ---------------------------------------------- */

/* R-S1: with app confirmation the task waits for the user; no notice. R-E5: confirm
 * starts the push. */
static void
test_confirm_pushes (Fixture       *f,
                     gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;
  g_autoptr(OtaTask) task = NULL;

  spec.app_confirm = TRUE;
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE);

  /* Progress before the notice is about something else. */
  ota_test_send_progress (&f->base, "dev-00", 50, NULL);
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_CONFIRM, "dev-00");
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_cmpuint (ota_task_get_tries (task), ==, 1);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "dev-00"), ==, 1);
}

/* R-E5, R-S7: decline cancels the task (reason declined) and nothing is sent. */
static void
test_decline_cancels (Fixture       *f,
                      gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  spec.app_confirm = TRUE;
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_DECLINE, "dev-00");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_DECLINED);

  /* A late confirm cannot revive it. */
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_CONFIRM, "dev-00");
  ota_test_advance (&f->base, G_TIME_SPAN_HOUR);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_DECLINED);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);
}

/* R-E5: confirm and decline only answer a task that waits for the user. */
static void
test_answers_ignored_after_push (Fixture       *f,
                                 gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_DECLINE, "dev-00");
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_CONFIRM, "dev-00");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "dev-00"), ==, 1);
}

/* ---- R-S3, R-E4 the notice ------------------------------------------------------ */

/* R-S3, R-E4: a pushed task got a notice with everything the device needs. */
static void
test_notice_contents (Fixture       *f,
                      gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  const OtaUpgradeNotice *notice = ota_test_link_get_notice (f->link, 0);
  g_autoptr(OtaTask) task = ota_test_get_task (&f->base, batch_id, "dev-00");

  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_cmpuint (ota_task_get_tries (task), ==, 1);

  g_assert_cmpint (notice->task_id, ==, ota_task_get_id (task));
  g_assert_cmpint (notice->batch_id, ==, batch_id);
  g_assert_cmpint (notice->firmware_id, ==, ota_firmware_get_id (f->firmware));
  g_assert_cmpstr (notice->product_key, ==, OTA_TEST_PRODUCT);
  g_assert_cmpstr (notice->device_name, ==, "dev-00");
  g_assert_cmpstr (notice->module, ==, "default");
  g_assert_cmpstr (notice->version, ==, "2.0");
  g_assert_cmpuint (notice->size, ==, 19);
  g_assert_cmpstr (notice->digest, ==, ota_firmware_get_digest (f->firmware));
  g_assert_cmpint (notice->sign_algorithm, ==, OTA_SIGN_ALGORITHM_MD5);
  g_assert_false (notice->is_diff);
  g_assert_null (notice->signature);
  g_assert_cmpuint (notice->try_number, ==, 1);
  g_assert_cmpint (notice->sent_at, ==, OTA_TEST_EPOCH);
}

/* R-E4, R-P3: a diff package says so, and a signed firmware's notice carries the
 * signature. */
static void
test_notice_diff_and_signature (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaProduct) secured = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaDevice) device = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  const OtaUpgradeNotice *notice;

  product = ota_test_add_product (f->base.engine, "secure", OTA_PROJECT_TYPE_OWN_BRAND,
                                  OTA_NETWORK_TYPE_WIFI, TRUE, FALSE);
  secured = ota_engine_set_secure_upgrade (f->base.engine, "secure", TRUE, &error);
  g_assert_no_error (error);

  firmware = ota_test_add_firmware (&f->base, "secure", "fw-diff", OTA_FIRMWARE_TYPE_DIFF,
                                    NULL, "1.0", "1.1");
  g_assert_nonnull (ota_firmware_get_signature (firmware));
  ota_test_verify_firmware (&f->base, firmware, "secure-verifier");
  ota_test_link_clear (f->link);

  device = ota_test_add_device (f->base.engine, "secure", "s-00", "1.0");
  spec.firmware_id = ota_firmware_get_id (firmware);
  ota_test_create_batch (&f->base, &spec);

  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
  notice = ota_test_link_get_notice (f->link, 0);
  g_assert_cmpstr (notice->device_name, ==, "s-00");
  g_assert_true (notice->is_diff);
  g_assert_cmpstr (notice->version, ==, "1.1");
  g_assert_cmpstr (notice->signature, ==, ota_firmware_get_signature (firmware));
}

/* R-E4: the link a due pass sends through is a reference of its own: replacing the
 * engine's link (the main thread) while a pass runs on a worker thread never frees it
 * under the pass. */
static gpointer
run_due_passes (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaDeviceLink) link = ota_engine_dup_device_link (f->base.engine);

      g_assert_true (ota_engine_run_due (f->base.engine, &error));
      g_assert_no_error (error);
      g_assert_true (link == NULL || OTA_IS_DEVICE_LINK (link));
    }

  return NULL;
}

static void
test_link_replaced_while_pushing (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(OtaDeviceLink) held = NULL;
  GThread *worker;

  /* A reference outlives the engine's. */
  held = ota_engine_dup_device_link (f->base.engine);
  g_assert_true (held == OTA_DEVICE_LINK (f->link));
  ota_engine_set_device_link (f->base.engine, NULL);
  g_assert_null (ota_engine_dup_device_link (f->base.engine));
  g_assert_cmpuint (ota_test_link_get_n_notices (OTA_TEST_LINK (held)), ==, 0);

  /* Links that only the engine holds, replaced as fast as passes take them. */
  worker = g_thread_new ("due-passes", run_due_passes, f);
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(OtaTestLink) link = ota_test_link_new ();

      ota_engine_set_device_link (f->base.engine, OTA_DEVICE_LINK (link));
    }
  g_thread_join (worker);
  ota_engine_set_device_link (f->base.engine, NULL);
}

/* ---- R-E3 progress, R-S4 upgrading -------------------------------------------- */

/* R-S4: the first progress report makes the task upgrading, with the reported step. */
static void
test_progress_makes_upgrading (Fixture       *f,
                               gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-00", 0, NULL);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);

  ota_test_send_progress (&f->base, "dev-00", 35, NULL);
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_cmpuint (ota_task_get_progress (task), ==, 35);
}

/* R-E3: the same step again is nothing new (the task's last change stays). */
static void
test_identical_progress_ignored (Fixture       *f,
                                 gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) first = NULL;
  g_autoptr(OtaTask) again = NULL;

  ota_test_send_progress (&f->base, "dev-00", 40, NULL);
  first = ota_test_get_task (&f->base, batch_id, "dev-00");
  ota_test_advance (&f->base, G_TIME_SPAN_MINUTE);
  ota_test_send_progress (&f->base, "dev-00", 40, NULL);
  again = ota_test_get_task (&f->base, batch_id, "dev-00");

  g_assert_cmpuint (ota_task_get_progress (again), ==, 40);
  g_assert_cmpint (ota_task_get_updated_at (again), ==, ota_task_get_updated_at (first));
}

/* R-S2/R-S3: progress for a task whose notice has not gone out is ignored. */
static void
test_progress_on_pending_push_ignored (Fixture       *f,
                                       gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  ota_test_add_devices (&f->base, "dev", 1, "1.0", FALSE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_send_progress (&f->base, "dev-00", 20, NULL);
  ota_test_send_progress (&f->base, "dev-00", -1, "whatever");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
}

/* R-E3: only the task of the module the event names is touched. */
static void
test_only_named_module (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) wifi = NULL;
  g_autoptr(OtaTask) task = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  const char *wifi_sources[] = { "w1", NULL };
  OtaDeviceEvent report = { .kind = OTA_DEVICE_EVENT_VERSION, .product_key = OTA_TEST_PRODUCT,
                            .device_name = "dev-00", .module = "wifi", .version = "w1" };
  OtaDeviceEvent progress = { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT,
                              .device_name = "dev-00", .module = "wifi", .step = 60 };
  gint64 batch_id;

  wifi = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-wifi", OTA_FIRMWARE_TYPE_FULL,
                                "wifi", "w1", "w2");
  ota_test_verify_firmware (&f->base, wifi, "wifi-verifier");
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  g_assert_true (ota_engine_apply_device_event (f->base.engine, &report, &error));
  g_assert_no_error (error);

  spec.firmware_id = ota_firmware_get_id (wifi);
  spec.source_versions = wifi_sources;
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  /* Module default: not this task. */
  ota_test_send_progress (&f->base, "dev-00", 30, NULL);
  ota_test_send_progress (&f->base, "dev-00", -1, "default module broke");
  ota_test_send_version (&f->base, "dev-00", "w2");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  g_assert_true (ota_engine_apply_device_event (f->base.engine, &progress, &error));
  g_assert_no_error (error);
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_cmpuint (ota_task_get_progress (task), ==, 60);

  progress.step = 100;
  g_assert_true (ota_engine_apply_device_event (f->base.engine, &progress, &error));
  g_assert_no_error (error);
  report.version = "w2";
  g_assert_true (ota_engine_apply_device_event (f->base.engine, &report, &error));
  g_assert_no_error (error);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
}

/* ---- R-E2 versions, R-S5 success, R-S6 failures ----------------------------------- */

/* R-E2: a report is stored per module (R-DV1). */
static void
test_version_report_stored (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(OtaDevice) device = NULL;
  OtaDeviceEvent report = { .kind = OTA_DEVICE_EVENT_VERSION, .product_key = OTA_TEST_PRODUCT,
                            .device_name = "dev-00", .module = "ble", .version = "b7" };
  g_autoptr(GError) error = NULL;

  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  ota_test_send_version (&f->base, "dev-00", "1.5");
  g_assert_true (ota_engine_apply_device_event (f->base.engine, &report, &error));
  g_assert_no_error (error);

  device = ota_engine_get_device (f->base.engine, OTA_TEST_PRODUCT, "dev-00", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_version (device, "default"), ==, "1.5");
  g_assert_cmpstr (ota_device_get_version (device, "ble"), ==, "b7");
}

/* R-S5: progress 100 alone is not success. */
static void
test_progress_100_is_not_success (Fixture       *f,
                                  gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-00", 100, NULL);
  ota_test_advance (&f->base, 30 * G_TIME_SPAN_MINUTE);
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_cmpuint (ota_task_get_progress (task), ==, 100);
}

/* R-S5 (升级成功: 设备上报升级进度100%，并上报了升级后的正确版本号): progress 100 and then
 * the firmware's version is success. */
static void
test_progress_100_then_version_succeeds (Fixture       *f,
                                         gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) task = NULL;
  g_autoptr(OtaBatch) batch = NULL;

  ota_test_send_progress (&f->base, "dev-00", 100, NULL);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);
  ota_test_send_version (&f->base, "dev-00", "2.0");

  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_SUCCEEDED);
  g_assert_cmpuint (ota_task_get_progress (task), ==, 100);
  g_assert_cmpstr (ota_task_get_current_version (task), ==, "2.0");

  /* All ended: a static batch is finished. */
  batch = ota_engine_get_batch (f->base.engine, batch_id, NULL);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED), ==, 1);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_FINISHED);
}

/* R-S5: the other order works too. The version on its own is noted and waits for
 * progress 100: a pushed task stays pushed (no timeout starts), and is not failed by
 * time passing. */
static void
test_version_then_progress_100_succeeds (Fixture       *f,
                                         gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) waiting = NULL;
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_version (&f->base, "dev-00", "2.0");
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);
  waiting = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_cmpstr (ota_task_get_current_version (waiting), ==, "2.0");
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, G_MAXINT64);

  ota_test_send_progress (&f->base, "dev-00", 100, NULL);
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_SUCCEEDED);
  g_assert_cmpuint (ota_task_get_progress (task), ==, 100);
}

/* R-S5, R-S6: while upgrading, the version without progress 100 keeps the task
 * upgrading; the timeout fails it. */
static void
test_version_alone_times_out (Fixture       *f,
                              gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-00", 60, NULL);
  ota_test_send_version (&f->base, "dev-00", "2.0");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);

  /* The batch's timeout: 60 minutes (OTA_BATCH_SPEC_INIT) from the first progress. */
  ota_test_advance (&f->base, 60 * G_TIME_SPAN_MINUTE);
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_TIMEOUT);
  g_assert_cmpstr (ota_task_get_current_version (task), ==, "2.0");
}

/* R-S5: a device that reports the new version before its notice went out (offline,
 * pending-push) succeeds once the notice is out and it reports progress 100. */
static void
test_version_before_notice (Fixture       *f,
                            gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  ota_test_add_devices (&f->base, "dev", 1, "1.0", FALSE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_send_version (&f->base, "dev-00", "2.0");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-00");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  ota_test_send_progress (&f->base, "dev-00", 100, NULL);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
}

/* R-S6: while upgrading, a version that is neither a source nor the target fails the
 * task; a source version is fine. */
static void
test_unexpected_version_fails (Fixture       *f,
                               gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) task = NULL;

  /* Before any progress it is only noted. */
  ota_test_send_version (&f->base, "dev-00", "1.7");
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_cmpstr (ota_task_get_current_version (task), ==, "1.7");
  g_clear_object (&task);

  ota_test_send_progress (&f->base, "dev-00", 50, NULL);
  ota_test_send_version (&f->base, "dev-00", "1.0");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);

  ota_test_send_version (&f->base, "dev-00", "3.1");
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_UNEXPECTED_VERSION);
  g_assert_cmpstr (ota_task_get_current_version (task), ==, "3.1");
}

/* R-S6: a device error step ends the task with its reason, code and the device's text. */
static void
test_device_error_fails_with_text (Fixture       *f,
                                   gconstpointer  data)
{
  gint64 batch_id = pushed_batch (f);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-00", 20, NULL);
  ota_test_send_progress (&f->base, "dev-00", -2, "HTTP 404 while downloading");
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpint (ota_task_get_error_code (task), ==, -2);
  g_assert_cmpstr (ota_task_get_detail (task), ==, "HTTP 404 while downloading");
}

/* R-S6: -1..-4 each have their reason, also straight from pushed. */
static void
test_each_error_step (Fixture       *f,
                      gconstpointer  data)
{
  static const OtaTaskReason reasons[] = {
    OTA_TASK_REASON_UPGRADE_FAILED, OTA_TASK_REASON_DOWNLOAD_FAILED,
    OTA_TASK_REASON_VERIFY_FAILED, OTA_TASK_REASON_FLASH_FAILED,
  };
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  ota_test_add_devices (&f->base, "dev", 4, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);

  for (int i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%02d", i);
      g_autoptr(OtaTask) task = NULL;

      ota_test_send_progress (&f->base, name, -1 - i, "broken");
      task = ota_test_get_task (&f->base, batch_id, name);
      g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
      g_assert_cmpint (ota_task_get_reason (task), ==, reasons[i]);
      g_assert_cmpint (ota_task_get_error_code (task), ==, -1 - i);
    }
}

/* R-S5..R-S7: a task that ended never changes again, whatever the device says. */
static void
test_terminal_never_changes (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;
  g_autoptr(OtaTask) succeeded = NULL;
  g_autoptr(OtaTask) failed = NULL;
  g_autoptr(OtaTask) succeeded_after = NULL;
  g_autoptr(OtaTask) failed_after = NULL;
  const char *devices[] = { "dev-00", "dev-01" };

  ota_test_add_devices (&f->base, "dev", 2, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_send_progress (&f->base, "dev-00", 100, NULL);
  ota_test_send_version (&f->base, "dev-00", "2.0");
  ota_test_send_progress (&f->base, "dev-01", -3, "bad signature");
  succeeded = ota_test_get_task (&f->base, batch_id, "dev-00");
  failed = ota_test_get_task (&f->base, batch_id, "dev-01");

  ota_test_advance (&f->base, G_TIME_SPAN_MINUTE);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      ota_test_send_progress (&f->base, devices[i], 10, NULL);
      ota_test_send_progress (&f->base, devices[i], -1, "late");
      ota_test_send_version (&f->base, devices[i], "9.9");
      ota_test_send_version (&f->base, devices[i], "2.0");
      ota_test_send_event (&f->base, OTA_DEVICE_EVENT_OFFLINE, devices[i]);
      ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, devices[i]);
      ota_test_send_event (&f->base, OTA_DEVICE_EVENT_CONFIRM, devices[i]);
      ota_test_send_event (&f->base, OTA_DEVICE_EVENT_DECLINE, devices[i]);
    }
  ota_test_advance (&f->base, 2 * G_TIME_SPAN_DAY);

  succeeded_after = ota_test_get_task (&f->base, batch_id, "dev-00");
  failed_after = ota_test_get_task (&f->base, batch_id, "dev-01");
  g_assert_cmpint (ota_task_get_status (succeeded_after), ==, OTA_TASK_STATUS_SUCCEEDED);
  g_assert_cmpint (ota_task_get_updated_at (succeeded_after), ==, ota_task_get_updated_at (succeeded));
  g_assert_cmpstr (ota_task_get_current_version (succeeded_after), ==, "2.0");
  g_assert_cmpint (ota_task_get_status (failed_after), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (failed_after), ==, OTA_TASK_REASON_VERIFY_FAILED);
  g_assert_cmpstr (ota_task_get_detail (failed_after), ==, "bad signature");
  g_assert_cmpint (ota_task_get_updated_at (failed_after), ==, ota_task_get_updated_at (failed));
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, ota_test_rollout_setup, func, ota_test_rollout_teardown)

  ADD ("/events/R-E1/unknown-device-refused", test_unknown_device_refused);
  ADD ("/events/R-E3/step-ranges", test_step_ranges);
  ADD ("/events/R-E3/R-S6/long-description-cut-to-200-characters", test_long_description_cut);
  ADD ("/events/R-E2/version-and-module-follow-R-F4-R-F6", test_version_and_module_rules);
  ADD ("/events/R-E3/group-skips-and-counts-invalid", test_group_skips_invalid);
  ADD ("/events/R-E3/group-undoes-failing-event-alone", test_group_undoes_failing_event_alone);
  ADD ("/events/R-E3/group-store-failure-applies-nothing", test_group_store_failure_applies_nothing);
  ADD ("/events/R-E1/online-offline-flag", test_online_offline_flag);
  ADD ("/events/R-S2/offline-device-pushed-when-online", test_offline_device_pushed_when_online);
  ADD ("/events/R-S2/offline-while-rate-limited", test_offline_while_rate_limited);
  ADD ("/events/R-S1/R-E5/confirm-pushes", test_confirm_pushes);
  ADD ("/events/R-E5/R-S7/decline-cancels", test_decline_cancels);
  ADD ("/events/R-E5/answers-ignored-after-push", test_answers_ignored_after_push);
  ADD ("/events/R-S3/R-E4/notice-contents", test_notice_contents);
  ADD ("/events/R-E4/notice-diff-and-signature", test_notice_diff_and_signature);
  ADD ("/events/R-E4/link-replaced-while-pushing", test_link_replaced_while_pushing);
  ADD ("/events/R-S4/progress-makes-upgrading", test_progress_makes_upgrading);
  ADD ("/events/R-E3/identical-progress-ignored", test_identical_progress_ignored);
  ADD ("/events/R-S2/progress-on-pending-push-ignored", test_progress_on_pending_push_ignored);
  ADD ("/events/R-E3/only-the-named-module", test_only_named_module);
  ADD ("/events/R-E2/version-report-stored", test_version_report_stored);
  ADD ("/events/R-S5/progress-100-is-not-success", test_progress_100_is_not_success);
  ADD ("/events/R-S5/progress-100-then-version-succeeds", test_progress_100_then_version_succeeds);
  ADD ("/events/R-S5/version-then-progress-100-succeeds", test_version_then_progress_100_succeeds);
  ADD ("/events/R-S5/version-alone-times-out", test_version_alone_times_out);
  ADD ("/events/R-S5/version-before-notice-waits-for-100", test_version_before_notice);
  ADD ("/events/R-S6/unexpected-version-fails", test_unexpected_version_fails);
  ADD ("/events/R-S6/device-error-fails-with-text", test_device_error_fails_with_text);
  ADD ("/events/R-S6/each-error-step-has-its-reason", test_each_error_step);
  ADD ("/events/R-S7/terminal-never-changes", test_terminal_never_changes);

  return g_test_run ();
}
