/* test-retries.c — automatic retries after a failure (R-R1..R-R5)
 *
 * A verified firmware 1.0 → 2.0 of product p1; notices recorded by a test link; time
 * from the manual clock.
 */
#include "ota-test-link.h"

#define SECOND G_TIME_SPAN_SECOND
#define MINUTE G_TIME_SPAN_MINUTE
#define HOUR   G_TIME_SPAN_HOUR

static const char * const one_source[] = { "1.0", NULL };

typedef OtaTestRollout Fixture;

/* A batch of one online device "dev-x" that got its first notice at t0, with an upgrade
 * timeout of @timeout_minutes. */
static gint64
start_batch_timeout (Fixture            *f,
                     OtaRetryInterval    interval,
                     guint               limit,
                     gboolean            sources_named,
                     guint               timeout_minutes)
{
  g_autoptr(OtaDevice) device = ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "dev-x", "1.0");
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  gint64 batch_id;

  spec.firmware_id = ota_firmware_get_id (f->firmware);
  spec.source_versions = sources_named ? one_source : NULL;
  spec.retry_interval = interval;
  spec.retry_limit = limit;
  spec.timeout_minutes = timeout_minutes;
  batch_id = ota_test_create_batch (&f->base, &spec);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
  return batch_id;
}

/* The same with a timeout of 5 minutes. */
static gint64
start_batch (Fixture            *f,
             OtaRetryInterval    interval,
             guint               limit,
             gboolean            sources_named)
{
  return start_batch_timeout (f, interval, limit, sources_named, 5);
}

static OtaTask *
get_task (Fixture *f,
          gint64   batch_id)
{
  return ota_test_get_task (&f->base, batch_id, "dev-x");
}

static const OtaUpgradeNotice *
last_notice (Fixture *f)
{
  return ota_test_link_get_notice (f->link, ota_test_link_get_n_notices (f->link) - 1);
}

/* ---- R-R1 when retries happen at all ----------------------------------------- */

/* R-R1: a batch that did not name its source versions never retries. */
static void
test_no_retry_without_named_sources (Fixture       *f,
                                     gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_IMMEDIATE, 5, FALSE);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-x", -1, "boom");
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);

  task = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_UPGRADE_FAILED);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
}

/* R-R1: nor does one whose interval is none. */
static void
test_no_retry_with_interval_none (Fixture       *f,
                                  gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_NONE, 5, TRUE);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-x", 10, NULL);
  ota_test_send_version (&f->base, "dev-x", "6.6");
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);

  task = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_UNEXPECTED_VERSION);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
}

/* R-R1: a diff firmware's source is fixed by the firmware (R-B4), so its batch always
 * names it, whether or not the operator passed it: it retries. */
static void
test_diff_batch_retries_without_explicit_sources (Fixture       *f,
                                                  gconstpointer  data)
{
  g_autoptr(OtaFirmware) diff = NULL;
  g_autoptr(OtaDevice) device = NULL;
  g_autoptr(OtaTask) waiting = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  gint64 batch_id;

  diff = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-diff", OTA_FIRMWARE_TYPE_DIFF,
                                NULL, "1.0", "2.5");
  ota_test_verify_firmware (&f->base, diff, "diff-verifier");
  ota_test_link_clear (f->link);
  device = ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "dev-d", "1.0");

  spec.firmware_id = ota_firmware_get_id (diff);
  spec.source_versions = NULL;
  spec.retry_interval = OTA_RETRY_INTERVAL_IMMEDIATE;
  spec.retry_limit = 1;
  batch_id = ota_test_create_batch (&f->base, &spec);
  batch = ota_engine_get_batch (f->base.engine, batch_id, NULL);
  g_assert_true (ota_batch_get_sources_named (batch));
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);

  ota_test_send_progress (&f->base, "dev-d", -3, "patch does not apply");
  waiting = ota_test_get_task (&f->base, batch_id, "dev-d");
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_cmpuint (ota_task_get_tries (waiting), ==, 2);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
}

/* ---- R-R2, R-R4 what is retried and how ---------------------------------------- */

/* R-R2, R-R4: a device error is retried after the interval (10 min: at 10 min, not at
 * 9 min 59 s); meanwhile the task keeps its status and shows the pending retry. */
static void
test_device_error_retried_after_interval (Fixture       *f,
                                          gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_10_MINUTES, 1, TRUE);
  g_autoptr(OtaTask) waiting = NULL;
  g_autoptr(OtaTask) retried = NULL;
  const OtaUpgradeNotice *notice;
  gint64 failed_at;

  ota_test_advance (&f->base, MINUTE);
  ota_test_send_progress (&f->base, "dev-x", 20, NULL);
  ota_test_advance (&f->base, MINUTE);
  failed_at = ota_clock_get_now (OTA_CLOCK (f->base.clock));
  ota_test_send_progress (&f->base, "dev-x", -2, "connection reset");

  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_cmpint (ota_task_get_reason (waiting), ==, OTA_TASK_REASON_NONE);
  g_assert_true (ota_task_get_retry_pending (waiting));
  g_assert_cmpint (ota_task_get_last_reason (waiting), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpstr (ota_task_get_detail (waiting), ==, "connection reset");
  g_assert_cmpuint (ota_task_get_progress (waiting), ==, 20);
  g_assert_cmpuint (ota_task_get_tries (waiting), ==, 1);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, failed_at + 10 * MINUTE);

  ota_test_advance (&f->base, 10 * MINUTE - SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);

  ota_test_advance (&f->base, SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  notice = last_notice (f);
  g_assert_cmpuint (notice->try_number, ==, 2);
  g_assert_cmpint (notice->sent_at, ==, failed_at + 10 * MINUTE);

  retried = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (retried), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_cmpuint (ota_task_get_tries (retried), ==, 2);
  g_assert_false (ota_task_get_retry_pending (retried));
}

/* R-R4: a pushed task that fails before any progress stays pushed while it waits. */
static void
test_pushed_stays_pushed (Fixture       *f,
                          gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_30_MINUTES, 1, TRUE);
  g_autoptr(OtaTask) waiting = NULL;
  g_autoptr(OtaTask) retried = NULL;

  ota_test_send_progress (&f->base, "dev-x", -2, "no route");
  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_true (ota_task_get_retry_pending (waiting));

  ota_test_advance (&f->base, 30 * MINUTE);
  retried = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (retried), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_cmpuint (ota_task_get_tries (retried), ==, 2);
  g_assert_cmpint (last_notice (f)->sent_at, ==, f->t0 + 30 * MINUTE);
}

/* R-R2: an unexpected version while upgrading is retried too (1 h). */
static void
test_unexpected_version_retried (Fixture       *f,
                                 gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_1_HOUR, 1, TRUE);
  g_autoptr(OtaTask) waiting = NULL;

  ota_test_send_progress (&f->base, "dev-x", 90, NULL);
  ota_test_send_version (&f->base, "dev-x", "1.9");
  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_cmpint (ota_task_get_last_reason (waiting), ==, OTA_TASK_REASON_UNEXPECTED_VERSION);

  /* The same report again is not a second failure. */
  ota_test_send_version (&f->base, "dev-x", "1.9");
  ota_test_advance (&f->base, HOUR - SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
  ota_test_advance (&f->base, SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  g_assert_cmpuint (last_notice (f)->try_number, ==, 2);

  /* The retry worked. */
  ota_test_send_progress (&f->base, "dev-x", 100, NULL);
  ota_test_send_version (&f->base, "dev-x", "2.0");
  g_clear_object (&waiting);
  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_SUCCEEDED);
  g_assert_cmpuint (ota_task_get_tries (waiting), ==, 2);
}

/* R-R2: an immediate retry goes out at once (24 h: a day later). */
static void
test_immediate_and_daily (Fixture       *f,
                          gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_IMMEDIATE, 1, TRUE);

  ota_test_advance (&f->base, 3 * MINUTE);
  ota_test_send_progress (&f->base, "dev-x", -3, "checksum");
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  g_assert_cmpint (last_notice (f)->sent_at, ==, f->t0 + 3 * MINUTE);
  g_assert_cmpint (last_notice (f)->batch_id, ==, batch_id);

  /* The limit (1) is used up: the next failure ends the task. */
  ota_test_send_progress (&f->base, "dev-x", -3, "checksum again");
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
}

static void
test_daily (Fixture       *f,
            gconstpointer  data)
{
  start_batch (f, OTA_RETRY_INTERVAL_24_HOURS, 1, TRUE);

  ota_test_send_progress (&f->base, "dev-x", -1, NULL);
  ota_test_advance (&f->base, G_TIME_SPAN_DAY - SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
  ota_test_advance (&f->base, SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  g_assert_cmpint (last_notice (f)->sent_at, ==, f->t0 + G_TIME_SPAN_DAY);
}

/* R-R4: a device that reports progress again is working: the pending retry is dropped. */
static void
test_progress_drops_pending_retry (Fixture       *f,
                                   gconstpointer  data)
{
  gint64 batch_id;
  g_autoptr(OtaTask) task = NULL;

  batch_id = start_batch_timeout (f, OTA_RETRY_INTERVAL_10_MINUTES, 2, TRUE, 60);
  ota_test_send_progress (&f->base, "dev-x", 10, NULL);
  ota_test_send_progress (&f->base, "dev-x", -1, "hiccup");
  ota_test_advance (&f->base, MINUTE);
  ota_test_send_progress (&f->base, "dev-x", 30, NULL);
  /* Well past when the retry would have gone (t0 + 10 min). */
  ota_test_advance (&f->base, 20 * MINUTE);

  task = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_false (ota_task_get_retry_pending (task));
  g_assert_cmpuint (ota_task_get_progress (task), ==, 30);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
}

/* R-R4: a retry whose device is offline when it falls due waits for the device; it is
 * never sent before its interval. */
static void
test_retry_waits_for_offline_device (Fixture       *f,
                                     gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_10_MINUTES, 1, TRUE);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-x", -4, "flash worn");
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_OFFLINE, "dev-x");
  ota_test_advance (&f->base, 2 * MINUTE);
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-x");
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_OFFLINE, "dev-x");
  ota_test_advance (&f->base, 13 * MINUTE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
  task = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_true (ota_task_get_retry_pending (task));

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-x");
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  g_assert_cmpint (last_notice (f)->sent_at, ==, f->t0 + 15 * MINUTE);
}

/* R-R4: a retry queued while the device is offline (its last report came after the
 * engine saw it go) keeps its interval: coming online a minute later sends nothing; the
 * notice goes after 24 h. */
static void
test_retry_queued_offline_keeps_interval (Fixture       *f,
                                          gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_24_HOURS, 1, TRUE);
  g_autoptr(OtaTask) waiting = NULL;
  g_autoptr(OtaTask) retried = NULL;

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_OFFLINE, "dev-x");
  ota_test_send_progress (&f->base, "dev-x", -2, "lost the connection");
  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_true (ota_task_get_retry_pending (waiting));

  ota_test_advance (&f->base, MINUTE);
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-x");
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);

  ota_test_advance (&f->base, G_TIME_SPAN_DAY - MINUTE - SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
  ota_test_advance (&f->base, SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  g_assert_cmpint (last_notice (f)->sent_at, ==, f->t0 + G_TIME_SPAN_DAY);
  retried = get_task (f, batch_id);
  g_assert_cmpuint (ota_task_get_tries (retried), ==, 2);
}

/* R-R4, R-S6: a retry's notice starts its timeout when it is sent: a device that never
 * reports again ends as timeout instead of staying pushed for ever (which would also
 * block overwrites and verifications). Its first progress report counts from then on
 * (R-B14), never earlier. */
static void
test_silent_retry_times_out (Fixture       *f,
                             gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_10_MINUTES, 2, TRUE);
  g_autoptr(OtaTask) waiting = NULL;
  g_autoptr(OtaTask) timed_out = NULL;
  gint64 sent_at = f->t0 + 10 * MINUTE;

  ota_test_send_progress (&f->base, "dev-x", -1, "first try broke");
  ota_test_advance (&f->base, 10 * MINUTE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, sent_at + 5 * MINUTE);

  ota_test_advance (&f->base, 5 * MINUTE - SECOND);
  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_PUSHED);

  ota_test_advance (&f->base, SECOND);
  timed_out = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (timed_out), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (timed_out), ==, OTA_TASK_REASON_TIMEOUT);
  g_assert_cmpint (ota_task_get_updated_at (timed_out), ==, sent_at + 5 * MINUTE);
  g_assert_cmpuint (ota_task_get_tries (timed_out), ==, 2);
  /* R-R3: a timeout is not retried, though one retry was left. */
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
}

/* R-R4, R-B14: the next try gets its own timeout from its own first progress report; the
 * old one does not strike while the retry waits. */
static void
test_retry_has_its_own_timeout (Fixture       *f,
                                gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_10_MINUTES, 1, TRUE);
  g_autoptr(OtaTask) waiting = NULL;
  g_autoptr(OtaTask) timed_out = NULL;

  ota_test_send_progress (&f->base, "dev-x", 10, NULL);
  ota_test_advance (&f->base, MINUTE);
  ota_test_send_progress (&f->base, "dev-x", -1, NULL);

  /* t0 + 6 min: past the first try's timeout; the retry still waits. */
  ota_test_advance (&f->base, 5 * MINUTE);
  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_UPGRADING);

  ota_test_advance (&f->base, 5 * MINUTE);   /* the retry goes at t0 + 11 min */
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);
  ota_test_advance (&f->base, MINUTE);
  ota_test_send_progress (&f->base, "dev-x", 5, NULL);   /* t0 + 12 min */
  ota_test_advance (&f->base, 5 * MINUTE - SECOND);
  g_clear_object (&waiting);
  waiting = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (waiting), ==, OTA_TASK_STATUS_UPGRADING);

  ota_test_advance (&f->base, SECOND);
  timed_out = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (timed_out), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (timed_out), ==, OTA_TASK_REASON_TIMEOUT);
  g_assert_cmpint (ota_task_get_updated_at (timed_out), ==, f->t0 + 17 * MINUTE);
}

/* ---- R-R3 never retried ------------------------------------------------------- */

/* R-R3: a timeout is never retried, whatever the batch allows. */
static void
test_timeout_never_retried (Fixture       *f,
                            gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_IMMEDIATE, 5, TRUE);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-x", 50, NULL);
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);

  task = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_TIMEOUT);
  g_assert_false (ota_task_get_retry_pending (task));
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 1);
}

/* R-R3: nor a conflict, nor a cancellation (declined in the app). */
static void
test_conflict_and_cancel_never_retried (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = NULL;
  g_autoptr(OtaDevice) device = NULL;
  g_autoptr(OtaTask) conflict = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  const char *other_sources[] = { "1.0", NULL };
  gint64 first_id, second_id;

  /* dev-a: pending-confirm in a batch of fw; then a batch of fw2 finds it busy. */
  other = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw2", OTA_FIRMWARE_TYPE_FULL,
                                 NULL, "1.0", "3.0");
  ota_test_verify_firmware (&f->base, other, "verifier2");
  ota_test_link_clear (f->link);
  device = ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "dev-a", "1.0");

  spec.firmware_id = ota_firmware_get_id (f->firmware);
  spec.source_versions = one_source;
  spec.app_confirm = TRUE;
  spec.retry_interval = OTA_RETRY_INTERVAL_IMMEDIATE;
  first_id = ota_test_create_batch (&f->base, &spec);

  spec.firmware_id = ota_firmware_get_id (other);
  spec.source_versions = other_sources;
  spec.app_confirm = FALSE;
  second_id = ota_test_create_batch (&f->base, &spec);
  conflict = ota_test_get_task (&f->base, second_id, "dev-a");
  g_assert_cmpint (ota_task_get_status (conflict), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (conflict), ==, OTA_TASK_REASON_CONFLICT);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_DECLINE, "dev-a");
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);

  g_clear_object (&conflict);
  conflict = ota_test_get_task (&f->base, second_id, "dev-a");
  g_assert_cmpint (ota_task_get_reason (conflict), ==, OTA_TASK_REASON_CONFLICT);
  g_assert_cmpuint (ota_task_get_tries (conflict), ==, 0);
  {
    g_autoptr(OtaTask) declined = ota_test_get_task (&f->base, first_id, "dev-a");

    g_assert_cmpint (ota_task_get_status (declined), ==, OTA_TASK_STATUS_CANCELLED);
    g_assert_cmpint (ota_task_get_reason (declined), ==, OTA_TASK_REASON_DECLINED);
  }
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);
}

/* ---- R-R5 the limit ------------------------------------------------------------ */

/* R-R5: limit 2 → three notices (the first and two retries), then failed with the last
 * failure's reason and text, tries 3. */
static void
test_limit_two_then_failed (Fixture       *f,
                            gconstpointer  data)
{
  gint64 batch_id = start_batch (f, OTA_RETRY_INTERVAL_10_MINUTES, 2, TRUE);
  g_autoptr(OtaTask) task = NULL;

  ota_test_send_progress (&f->base, "dev-x", -1, "first");
  ota_test_advance (&f->base, 10 * MINUTE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 2);

  ota_test_send_progress (&f->base, "dev-x", 15, NULL);
  ota_test_send_version (&f->base, "dev-x", "0.9");
  ota_test_advance (&f->base, 10 * MINUTE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 3);
  g_assert_cmpuint (last_notice (f)->try_number, ==, 3);

  ota_test_send_progress (&f->base, "dev-x", 40, NULL);
  ota_test_send_progress (&f->base, "dev-x", -4, "flash write error");
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);

  task = get_task (f, batch_id);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_FLASH_FAILED);
  g_assert_cmpint (ota_task_get_error_code (task), ==, -4);
  g_assert_cmpstr (ota_task_get_detail (task), ==, "flash write error");
  g_assert_cmpuint (ota_task_get_tries (task), ==, 3);
  g_assert_false (ota_task_get_retry_pending (task));
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (ota_test_link_get_notice (f->link, i)->try_number, ==, i + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, ota_test_rollout_setup, func, ota_test_rollout_teardown)

  ADD ("/retries/R-R1/none-without-named-sources", test_no_retry_without_named_sources);
  ADD ("/retries/R-R1/none-with-interval-none", test_no_retry_with_interval_none);
  ADD ("/retries/R-R2/R-R4/device-error-retried-at-10-min-not-before", test_device_error_retried_after_interval);
  ADD ("/retries/R-R4/pushed-stays-pushed", test_pushed_stays_pushed);
  ADD ("/retries/R-R2/unexpected-version-retried", test_unexpected_version_retried);
  ADD ("/retries/R-R2/immediate", test_immediate_and_daily);
  ADD ("/retries/R-R2/after-24-hours", test_daily);
  ADD ("/retries/R-R4/progress-drops-pending-retry", test_progress_drops_pending_retry);
  ADD ("/retries/R-R4/waits-for-offline-device", test_retry_waits_for_offline_device);
  ADD ("/retries/R-R4/retry-has-its-own-timeout", test_retry_has_its_own_timeout);
  ADD ("/retries/R-R4/retry-queued-offline-keeps-24h-interval", test_retry_queued_offline_keeps_interval);
  ADD ("/retries/R-R4/R-S6/silent-retry-times-out", test_silent_retry_times_out);
  ADD ("/retries/R-R1/diff-batch-retries-without-explicit-sources", test_diff_batch_retries_without_explicit_sources);
  ADD ("/retries/R-R3/timeout-never-retried", test_timeout_never_retried);
  ADD ("/retries/R-R3/conflict-and-decline-never-retried", test_conflict_and_cancel_never_retried);
  ADD ("/retries/R-R5/limit-2-three-notices-then-failed", test_limit_two_then_failed);

  return g_test_run ();
}
