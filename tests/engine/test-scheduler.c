/* test-scheduler.c — the time side of rollouts: scheduled start and window end (R-B11),
 * the push rate (R-B12), upgrade timeouts (R-B14, R-V3), and that neither a restart nor
 * a big clock jump changes any outcome
 *
 * Time only moves with the manual clock (ota_test_advance = advance + run_due).
 */
#include <string.h>

#include "ota-test-link.h"

#define SECOND G_TIME_SPAN_SECOND
#define MINUTE G_TIME_SPAN_MINUTE
#define HOUR   G_TIME_SPAN_HOUR

static const char * const one_source[] = { "1.0", NULL };

/* t0: when the fixture was ready. */
typedef OtaTestRollout Fixture;

static guint64
count_in (Fixture        *f,
          gint64          batch_id,
          OtaTaskStatus   status)
{
  g_autoptr(OtaBatch) batch = ota_engine_get_batch (f->base.engine, batch_id, NULL);

  g_assert_nonnull (batch);
  return ota_batch_get_count (batch, status);
}

/* Every task (name, status, reason, tries, progress, last change) and every notice
 * (device, time, try): what two runs of a scenario must agree on. */
static char *
describe_outcome (Fixture *f)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->base.engine));
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT d.name, t.status, coalesce(t.reason, '-'), t.tries, t.progress, "
                                       "t.updated_at, coalesce(t.last_reason, '-'), t.needs_push "
                                       "FROM tasks t JOIN devices d ON d.id = t.device_id ORDER BY t.batch_id, d.name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s %s %s tries=%d progress=%d at=+%" G_GINT64_FORMAT "s last=%s queued=%d\n",
                            sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            sqlite3_column_text (stmt, 2), sqlite3_column_int (stmt, 3),
                            sqlite3_column_int (stmt, 4),
                            (gint64) (sqlite3_column_int64 (stmt, 5) - f->t0) / SECOND,
                            sqlite3_column_text (stmt, 6), sqlite3_column_int (stmt, 7));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < ota_test_link_get_n_notices (f->link); i++)
    {
      const OtaUpgradeNotice *notice = ota_test_link_get_notice (f->link, i);

      g_string_append_printf (out, "notice %s +%" G_GINT64_FORMAT "s try %u\n", notice->device_name,
                              (notice->sent_at - f->t0) / SECOND, notice->try_number);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- R-B12 push rate -------------------------------------------------------- */

/* R-B12: 25 online devices at 10 per minute: 10 at t0, 10 at t0 + 60 s, 5 at t0 + 120 s,
 * never earlier; the others wait as pending-push (rate-limited). */
static void
test_rate_ten_per_minute (Fixture       *f,
                          gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  spec.push_rate = 10;
  ota_test_add_devices (&f->base, "dev", 25, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);

  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0), ==, 10);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 10);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PENDING_PUSH), ==, 15);
  ota_test_assert_task (&f->base, batch_id, "dev-24", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, f->t0 + 60 * SECOND);

  ota_test_advance (&f->base, 59 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);

  ota_test_advance (&f->base, 1 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 20);
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0 + 60 * SECOND), ==, 10);
  ota_test_assert_task (&f->base, batch_id, "dev-24", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);

  ota_test_advance (&f->base, 59 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 20);

  ota_test_advance (&f->base, 1 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 25);
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0 + 120 * SECOND), ==, 5);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 25);

  ota_test_advance (&f->base, HOUR);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 25);
  g_assert_cmpuint (ota_test_link_max_in_window (f->link, batch_id, 60 * SECOND), ==, 10);
  /* Every device got exactly one notice, in device order. */
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%02u", i);

      g_assert_cmpuint (ota_test_link_count_for (f->link, name), ==, 1);
      g_assert_cmpstr (ota_test_link_get_notice (f->link, i)->device_name, ==, name);
    }
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, G_MAXINT64);
}

/* R-B12: the window slides: a place frees 60 s after the notice that took it, not at
 * the next full minute. */
static void
test_rate_window_slides (Fixture       *f,
                         gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  spec.push_rate = 10;
  ota_test_add_devices (&f->base, "early", 6, "1.0", TRUE);
  ota_test_add_devices (&f->base, "late", 10, "1.0", FALSE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0), ==, 6);

  ota_test_advance (&f->base, 30 * SECOND);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("late-%02u", i);
      ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, name);
    }
  /* 4 places left at +30 s; the 6 of t0 free theirs at +60 s. */
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0 + 30 * SECOND), ==, 4);
  ota_test_assert_task (&f->base, batch_id, "late-09", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);

  ota_test_advance (&f->base, 29 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);
  ota_test_advance (&f->base, 1 * SECOND);
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0 + 60 * SECOND), ==, 6);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 16);
  g_assert_cmpuint (ota_test_link_max_in_window (f->link, batch_id, 60 * SECOND), ==, 10);
}

/* R-B12: the rate window survives a restart (it is kept in the database). */
static void
test_rate_window_survives_restart (Fixture       *f,
                                   gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);

  spec.push_rate = 10;
  ota_test_add_devices (&f->base, "dev", 15, "1.0", TRUE);
  ota_test_create_batch (&f->base, &spec);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);

  ota_test_fixture_reopen (&f->base);
  ota_engine_set_device_link (f->base.engine, OTA_DEVICE_LINK (f->link));
  ota_test_advance (&f->base, 59 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);
  ota_test_advance (&f->base, 1 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 15);
}

/* R-B12: each batch has its own window: two batches of 10 per minute send 20 at once. */
static void
test_rate_per_batch (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = NULL;
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  const char *other_sources[] = { "1.5", NULL };
  gint64 first_id, second_id;

  other = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw-b", OTA_FIRMWARE_TYPE_FULL,
                                 NULL, "1.5", "3.0");
  ota_test_verify_firmware (&f->base, other, "verifier-b");
  ota_test_link_clear (f->link);

  ota_test_add_devices (&f->base, "a", 15, "1.0", TRUE);
  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *name = g_strdup_printf ("b-%02u", i);
      g_autoptr(OtaDevice) device = ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, name, "1.5");
    }

  spec.push_rate = 10;
  first_id = ota_test_create_batch (&f->base, &spec);
  spec.firmware_id = ota_firmware_get_id (other);
  spec.source_versions = other_sources;
  second_id = ota_test_create_batch (&f->base, &spec);
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0), ==, 20);

  ota_test_advance (&f->base, 2 * MINUTE);
  g_assert_cmpuint (ota_test_link_count_at (f->link, f->t0 + MINUTE), ==, 10);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 30);
  g_assert_cmpuint (ota_test_link_max_in_window (f->link, first_id, MINUTE), ==, 10);
  g_assert_cmpuint (ota_test_link_max_in_window (f->link, second_id, MINUTE), ==, 10);
}

/* ---- R-B11 schedule ----------------------------------------------------------- */

/* R-B11: until the start tasks are pending-push (scheduled: TIME); at the start the
 * online devices get their notices, an offline one waits as offline. */
static void
test_scheduled_start_pushes (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 start = f->t0 + 10 * MINUTE;
  gint64 batch_id;
  g_autoptr(OtaTask) task = NULL;
  g_autoptr(OtaBatch) batch = NULL;

  spec.schedule_start = start;
  ota_test_add_devices (&f->base, "dev", 3, "1.0", TRUE);
  ota_test_add_devices (&f->base, "off", 1, "1.0", FALSE);
  batch_id = ota_test_create_batch (&f->base, &spec);

  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PENDING_PUSH);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_SCHEDULED);
  g_assert_cmpint (ota_task_get_scheduled_at (task), ==, start);
  ota_test_assert_task (&f->base, batch_id, "off-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_SCHEDULED);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, start);

  /* Coming online or going offline before the start changes nothing. */
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_OFFLINE, "dev-02");
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "dev-02");
  ota_test_advance (&f->base, 10 * MINUTE - SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);
  ota_test_assert_task (&f->base, batch_id, "dev-02", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_SCHEDULED);

  ota_test_advance (&f->base, SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 3);
  g_assert_cmpuint (ota_test_link_count_at (f->link, start), ==, 3);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "off-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);

  batch = ota_engine_get_batch (f->base.engine, batch_id, NULL);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_RUNNING);
  g_assert_cmpint (ota_batch_get_started_at (batch), ==, start);
}

/* R-B11, R-B12, R-S2: all tasks start at once, but only the first window's worth of
 * online devices is pushed at the start; the others wait rate-limited, the offline one
 * offline, and the batch's counters add up. */
static void
test_scheduled_start_keeps_rate (Fixture       *f,
                                 gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 start = f->t0 + 10 * MINUTE;
  gint64 batch_id;

  spec.schedule_start = start;
  spec.push_rate = 10;
  ota_test_add_devices (&f->base, "dev", 25, "1.0", TRUE);
  ota_test_add_devices (&f->base, "off", 2, "1.0", FALSE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PENDING_PUSH), ==, 27);

  ota_test_advance (&f->base, 10 * MINUTE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 10);
  g_assert_cmpuint (ota_test_link_count_at (f->link, start), ==, 10);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 10);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PENDING_PUSH), ==, 17);
  ota_test_assert_task (&f->base, batch_id, "dev-09", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "dev-10", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED);
  ota_test_assert_task (&f->base, batch_id, "off-01", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, start + 60 * SECOND);

  /* The offline device is queued when it comes back, behind those waiting already. */
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "off-01");
  ota_test_advance (&f->base, 2 * MINUTE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 26);
  ota_test_assert_task (&f->base, batch_id, "off-01", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "off-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
  g_assert_cmpuint (ota_test_link_max_in_window (f->link, batch_id, 60 * SECOND), ==, 10);
}

/* R-B11, R-B3: with app confirmation a scheduled task waits for the user at the start. */
static void
test_scheduled_start_with_confirm (Fixture       *f,
                                   gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  spec.schedule_start = f->t0 + HOUR;
  spec.app_confirm = TRUE;
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);

  ota_test_advance (&f->base, HOUR);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->link), ==, 0);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PENDING_CONFIRM), ==, 1);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PENDING_PUSH), ==, 0);

  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_CONFIRM, "dev-00");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
}

/* R-B11: at the end of the window what has not ended is cancelled (window-ended); what
 * succeeded stays; the batch is finished. Not one second early. */
static void
test_window_end_cancels_unfinished (Fixture       *f,
                                    gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 start = f->t0 + 10 * MINUTE;
  gint64 end = start + HOUR;
  gint64 batch_id;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaTask) done = NULL;

  spec.schedule_start = start;
  spec.schedule_end = end;
  spec.timeout_minutes = 180;
  ota_test_add_devices (&f->base, "dev", 3, "1.0", TRUE);
  ota_test_add_devices (&f->base, "off", 1, "1.0", FALSE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, start);

  ota_test_advance (&f->base, 10 * MINUTE);
  ota_test_send_progress (&f->base, "dev-00", 100, NULL);
  ota_test_send_version (&f->base, "dev-00", "2.0");
  ota_test_send_progress (&f->base, "dev-01", 40, NULL);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, end);

  ota_test_advance (&f->base, HOUR - SECOND);
  ota_test_assert_task (&f->base, batch_id, "dev-01", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "dev-02", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  ota_test_advance (&f->base, SECOND);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  ota_test_assert_task (&f->base, batch_id, "dev-01", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_WINDOW_ENDED);
  ota_test_assert_task (&f->base, batch_id, "dev-02", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_WINDOW_ENDED);
  ota_test_assert_task (&f->base, batch_id, "off-00", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_WINDOW_ENDED);

  done = ota_test_get_task (&f->base, batch_id, "dev-01");
  g_assert_cmpint (ota_task_get_updated_at (done), ==, end);
  batch = ota_engine_get_batch (f->base.engine, batch_id, NULL);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_FINISHED);
  g_assert_cmpint (ota_batch_get_ended_at (batch), ==, end);

  /* The offline device coming back gets nothing. */
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "off-00");
  g_assert_cmpuint (ota_test_link_count_for (f->link, "off-00"), ==, 0);
}

/* R-B11: without an end nothing is forced to end. */
static void
test_no_end_never_forced (Fixture       *f,
                          gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_advance (&f->base, 60 * G_TIME_SPAN_DAY);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, G_MAXINT64);
}

/* ---- R-B14, R-V3 timeout ------------------------------------------------------ */

/* R-B14: the timeout counts from the FIRST progress report, not from the push, and
 * fires exactly at first report + N minutes. */
static void
test_timeout_from_first_progress (Fixture       *f,
                                  gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id, first;
  g_autoptr(OtaTask) task = NULL;

  spec.timeout_minutes = 5;
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);

  ota_test_advance (&f->base, 3 * MINUTE);
  first = ota_clock_get_now (OTA_CLOCK (f->base.clock));
  ota_test_send_progress (&f->base, "dev-00", 10, NULL);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, first + 5 * MINUTE);

  /* Five minutes after the push: nothing (it counts from the report). */
  ota_test_advance (&f->base, 2 * MINUTE);
  ota_test_send_progress (&f->base, "dev-00", 60, NULL);
  ota_test_advance (&f->base, 3 * MINUTE - SECOND);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);

  ota_test_advance (&f->base, SECOND);
  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_TIMEOUT);
  g_assert_cmpint (ota_task_get_updated_at (task), ==, first + 5 * MINUTE);
  g_assert_cmpuint (ota_task_get_tries (task), ==, 1);

  /* The new version after the timeout is too late. */
  ota_test_send_version (&f->base, "dev-00", "2.0");
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT);
}

/* R-B14: a jump far past the timeout still fails the task at its own time. */
static void
test_timeout_after_clock_jump (Fixture       *f,
                               gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;
  g_autoptr(OtaTask) task = NULL;

  spec.timeout_minutes = 7;
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_send_progress (&f->base, "dev-00", 1, NULL);
  ota_test_advance (&f->base, 3 * HOUR);

  task = ota_test_get_task (&f->base, batch_id, "dev-00");
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_TIMEOUT);
  g_assert_cmpint (ota_task_get_updated_at (task), ==, f->t0 + 7 * MINUTE);
}

/* R-B14: without a progress report there is no timeout. */
static void
test_no_progress_no_timeout (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 batch_id;

  spec.timeout_minutes = 5;
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->base, &spec);
  ota_test_advance (&f->base, G_TIME_SPAN_DAY);
  ota_test_assert_task (&f->base, batch_id, "dev-00", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
}

/* R-V3: a verification's timeout (1..1440 min) works the same; R-V4: it ends the
 * verification as verify-failed. */
static void
test_verification_timeout (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaFirmware) after = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  const char *devices[] = { "dev-00", NULL };
  OtaVerifySpec spec = { .source_versions = one_source, .devices = devices, .timeout_minutes = 1 };
  gint64 first;

  firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw3", OTA_FIRMWARE_TYPE_FULL,
                                    NULL, "1.0", "3.0");
  ota_test_add_devices (&f->base, "dev", 1, "1.0", TRUE);
  spec.firmware_id = ota_firmware_get_id (firmware);
  verification = ota_engine_start_verification (f->base.engine, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_test_link_count_for (f->link, "dev-00"), ==, 1);

  ota_test_advance (&f->base, 20 * SECOND);
  first = ota_clock_get_now (OTA_CLOCK (f->base.clock));
  ota_test_send_progress (&f->base, "dev-00", 5, NULL);
  ota_test_advance (&f->base, MINUTE - SECOND);
  ota_test_assert_task (&f->base, ota_batch_get_id (verification), "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);

  ota_test_advance (&f->base, SECOND);
  ota_test_assert_task (&f->base, ota_batch_get_id (verification), "dev-00", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT);
  g_assert_cmpint (ota_clock_get_now (OTA_CLOCK (f->base.clock)), ==, first + MINUTE);

  after = ota_engine_get_firmware (f->base.engine, ota_firmware_get_id (firmware), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_firmware_get_status (after), ==, OTA_FIRMWARE_STATUS_VERIFY_FAILED);
}

/* ---- Restarts and clock jumps --------------------------------------------------- */

/* A scenario with every kind of due item: rate-limited pushes, a timeout, retries, a
 * success, an offline device. @reopen: restart the engine at three points. @step: the
 * clock moves in steps of this size (else in the scenario's own jumps). */
static char *
run_scenario (Fixture   *f,
              gboolean   reopen,
              GTimeSpan  step)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, one_source);
  gint64 end;

  spec.push_rate = 10;
  spec.timeout_minutes = 5;
  spec.retry_interval = OTA_RETRY_INTERVAL_10_MINUTES;
  spec.retry_limit = 2;
  ota_test_add_devices (&f->base, "dev", 25, "1.0", TRUE);
  ota_test_add_devices (&f->base, "off", 2, "1.0", FALSE);
  ota_test_create_batch (&f->base, &spec);

  /* At t0: one works then goes quiet (timeout), one fails (retried after 10 min), one
   * reports a strange version while upgrading (retried), one succeeds. */
  ota_test_send_progress (&f->base, "dev-00", 10, NULL);
  ota_test_send_progress (&f->base, "dev-01", -1, "broken");
  ota_test_send_progress (&f->base, "dev-02", 30, NULL);
  ota_test_send_version (&f->base, "dev-02", "7.7");
  ota_test_send_progress (&f->base, "dev-03", 100, NULL);
  ota_test_send_version (&f->base, "dev-03", "2.0");

  if (reopen)
    {
      ota_test_fixture_reopen (&f->base);
      ota_engine_set_device_link (f->base.engine, OTA_DEVICE_LINK (f->link));
    }

  end = f->t0 + 2 * HOUR;
  if (step > 0)
    {
      while (ota_clock_get_now (OTA_CLOCK (f->base.clock)) + step <= f->t0 + 40 * MINUTE)
        {
          ota_test_advance (&f->base, step);
          if (reopen && ota_clock_get_now (OTA_CLOCK (f->base.clock)) == f->t0 + 90 * SECOND)
            {
              ota_test_fixture_reopen (&f->base);
              ota_engine_set_device_link (f->base.engine, OTA_DEVICE_LINK (f->link));
            }
        }
    }
  else
    {
      ota_test_advance (&f->base, 40 * MINUTE);
    }

  /* At +40 min an offline device comes, the retried one fails again (its last try). */
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "off-00");
  ota_test_send_progress (&f->base, "dev-01", 5, NULL);
  ota_test_send_progress (&f->base, "dev-01", -4, "flash");

  if (reopen)
    {
      ota_test_fixture_reopen (&f->base);
      ota_engine_set_device_link (f->base.engine, OTA_DEVICE_LINK (f->link));
    }

  if (step > 0)
    while (ota_clock_get_now (OTA_CLOCK (f->base.clock)) + step <= end)
      ota_test_advance (&f->base, step);
  else
    ota_test_advance (&f->base, end - ota_clock_get_now (OTA_CLOCK (f->base.clock)));

  return describe_outcome (f);
}

/* A restart in the middle changes no outcome (same states, same notice times). */
static void
test_restart_changes_nothing (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *straight = run_scenario (f, FALSE, MINUTE / 2);
  g_autofree char *restarted = NULL;
  Fixture other = { 0 };

  ota_test_rollout_setup (&other, data);
  restarted = run_scenario (&other, TRUE, MINUTE / 2);
  ota_test_rollout_teardown (&other, data);

  g_test_message ("%s", straight);
  g_assert_cmpstr (restarted, ==, straight);
  /* And the scenario did what it says. */
  g_assert_nonnull (strstr (straight, "dev-00 failed timeout tries=1 progress=10 at=+300s"));
  g_assert_nonnull (strstr (straight, "dev-03 succeeded"));
  g_assert_nonnull (strstr (straight, "off-00 pushed"));
  g_assert_nonnull (strstr (straight, "off-01 pending-push offline"));
}

/* A jump of two hours at once gives the same notices (same times) and states as going
 * minute by minute. */
static void
test_clock_jump_same_as_steps (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *stepped = run_scenario (f, FALSE, MINUTE);
  g_autofree char *jumped = NULL;
  Fixture other = { 0 };

  ota_test_rollout_setup (&other, data);
  jumped = run_scenario (&other, FALSE, 0);
  ota_test_rollout_teardown (&other, data);

  g_test_message ("%s", stepped);
  g_assert_cmpstr (jumped, ==, stepped);
  g_assert_nonnull (strstr (stepped, "notice dev-24 +120s try 1"));
  g_assert_nonnull (strstr (stepped, "notice dev-01 +600s try 2"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, ota_test_rollout_setup, func, ota_test_rollout_teardown)

  ADD ("/scheduler/R-B12/ten-per-minute-25-devices", test_rate_ten_per_minute);
  ADD ("/scheduler/R-B12/window-slides", test_rate_window_slides);
  ADD ("/scheduler/R-B12/window-survives-restart", test_rate_window_survives_restart);
  ADD ("/scheduler/R-B12/one-window-per-batch", test_rate_per_batch);
  ADD ("/scheduler/R-B11/scheduled-start-pushes-at-start", test_scheduled_start_pushes);
  ADD ("/scheduler/R-B11/scheduled-start-keeps-rate", test_scheduled_start_keeps_rate);
  ADD ("/scheduler/R-B11/scheduled-start-with-app-confirm", test_scheduled_start_with_confirm);
  ADD ("/scheduler/R-B11/window-end-cancels-unfinished", test_window_end_cancels_unfinished);
  ADD ("/scheduler/R-B11/no-end-never-forced", test_no_end_never_forced);
  ADD ("/scheduler/R-B14/timeout-from-first-progress", test_timeout_from_first_progress);
  ADD ("/scheduler/R-B14/timeout-after-clock-jump", test_timeout_after_clock_jump);
  ADD ("/scheduler/R-B14/no-progress-no-timeout", test_no_progress_no_timeout);
  ADD ("/scheduler/R-V3/verification-timeout", test_verification_timeout);
  ADD ("/scheduler/restart-changes-no-outcome", test_restart_changes_nothing);
  ADD ("/scheduler/clock-jump-same-as-steps", test_clock_jump_same_as_steps);

  return g_test_run ();
}
