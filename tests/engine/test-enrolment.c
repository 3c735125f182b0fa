/* test-enrolment.c — large batches enrol their devices in chunks; batches end their
 * unfinished tasks at once (R-B5, R-B7, R-B10, R-B11, R-B15, R-B17, R-D2)
 *
 * A full firmware "fw" 1.0 → 2.0 of product p1, verified through the real flow on the
 * device "verifier"; notices recorded by a test link; time from the manual clock. The
 * engine's first chunk is made tiny (3 devices, 12 per due-pass chunk) so that a dozen
 * devices take several chunks. Batch counters are compared with a fresh count of the
 * tasks after every step.
 */
#include "test-rollout-common.h"
#include "ota-rollout-private.h"

#define CHUNK 3

typedef OtaTestRollout Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ota_test_rollout_setup (f, data);
  ota_engine_set_enrol_chunk (f->base.engine, CHUNK);
}

static OtaBatchSpec
batch_spec (Fixture *f)
{
  OtaBatchSpec spec = ota_test_rollout_batch_spec (f, NULL);

  spec.push_rate = 10;
  return spec;
}

static OtaBatch *
create (Fixture            *f,
        const OtaBatchSpec *spec)
{
  g_autoptr(GError) error = NULL;
  OtaBatch *batch = ota_engine_create_batch (f->base.engine, spec, &error);

  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);
  return batch;
}

static void
run_due (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ota_engine_run_due (f->base.engine, &error));
  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);
}

/* "d-00" … on 1.0, added out of name order (ids do not follow names); @offline: every
 * fourth device is offline. */
static void
add_fleet (Fixture  *f,
           guint     n,
           gboolean  offline)
{
  for (guint i = 0; i < n; i++)
    {
      guint k = (i * 7) % n;   /* n is never a multiple of 7 here */
      g_autofree char *name = g_strdup_printf ("d-%02u", k);

      rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, name, "1.0", NULL, NULL,
                          !offline || k % 4 != 3);
    }
}

/* The batch's tasks as text, by device name: what a chunked enrolment must get the same
 * as one done at once. */
static char *
describe_tasks (Fixture *f,
                gint64   batch_id)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->base.engine));
  sqlite3_stmt *stmt = NULL;
  GString *text = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT d.name, t.status, coalesce (t.reason, '-'), t.needs_push, "
                                       "coalesce (t.queue_at, 0), t.tries, t.created_at, t.updated_at "
                                       "FROM tasks t JOIN devices d ON d.id = t.device_id "
                                       "WHERE t.batch_id = ? ORDER BY d.name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s %s %s push=%d queue=%lld tries=%d created=%lld updated=%lld\n",
                            sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            sqlite3_column_text (stmt, 2), sqlite3_column_int (stmt, 3),
                            (long long) sqlite3_column_int64 (stmt, 4), sqlite3_column_int (stmt, 5),
                            (long long) sqlite3_column_int64 (stmt, 6), (long long) sqlite3_column_int64 (stmt, 7));
  sqlite3_finalize (stmt);
  return g_string_free (text, FALSE);
}

/* Every notice as "device@time", in send order. */
static char *
describe_notices (OtaTestLink *link)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < ota_test_link_get_n_notices (link); i++)
    {
      const OtaUpgradeNotice *notice = ota_test_link_get_notice (link, i);

      g_string_append_printf (text, "%s@%lld\n", notice->device_name, (long long) notice->sent_at);
    }
  return g_string_free (text, FALSE);
}

/* R-B7: over more devices than a chunk, creation gives the first chunk its tasks and
 * says how many are still to come; the batch is due at once, and the due pass enrols
 * the rest, a chunk per transaction, as of the creation. */
static void
test_first_chunk_then_due_pass (Fixture       *f,
                                gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) enrolled = NULL;
  gint64 created_at = ota_test_now (&f->base);

  add_fleet (f, 30, FALSE);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, G_MAXINT64);

  batch = create (f, &spec);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, CHUNK);
  g_assert_cmpuint (ota_batch_get_enrolling (batch), ==, 30 - CHUNK);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED), ==, CHUNK);
  g_assert_cmpfloat (ota_batch_get_progress (batch), ==, 0.0);
  /* The first chunk is the first devices in name order. */
  rollout_assert_task (f->base.engine, ota_batch_get_id (batch), "d-02", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_assert_no_task (f->base.engine, ota_batch_get_id (batch), "d-03");
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, created_at);

  /* Later, the pass still enrols as of the creation: the window of ten a minute is
   * full with the first three and seven more. */
  ota_manual_clock_advance (f->base.clock, 10 * G_TIME_SPAN_SECOND);
  run_due (f);
  enrolled = ota_test_get_batch (&f->base, ota_batch_get_id (batch));
  g_assert_cmpuint (ota_batch_get_total (enrolled), ==, 30);
  g_assert_cmpuint (ota_batch_get_enrolling (enrolled), ==, 0);
  g_assert_cmpuint (ota_batch_get_count (enrolled, OTA_TASK_STATUS_PUSHED), ==, 10);
  g_assert_cmpuint (ota_test_link_count_at (f->link, created_at), ==, 10);
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, ota_batch_get_id (batch), NULL), ==, 30);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, created_at + G_TIME_SPAN_MINUTE);
}

/* Runs the same scenario with chunks or in one go and returns its outcome. */
static char *
run_scenario (gboolean  chunked,
              gboolean  gray)
{
  Fixture fx = { 0 }, *f = &fx;
  OtaBatchSpec spec;
  OtaBatchSpec busy_spec;
  const char *busy_devices[] = { "d-05", "d-12", NULL };
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *tasks = NULL;
  g_autofree char *notices = NULL;

  fixture_setup (f, NULL);
  if (!chunked)
    ota_engine_set_enrol_chunk (f->base.engine, OTA_ENROL_CHUNK_DEFAULT);
  add_fleet (f, 26, TRUE);

  /* Two devices busy in another batch: conflicts (R-B15). */
  busy_spec = batch_spec (f);
  busy_spec.scope = OTA_BATCH_SCOPE_TARGETED;
  busy_spec.devices = busy_devices;
  g_clear_object (&batch);
  batch = create (f, &busy_spec);
  ota_test_link_clear (f->link);

  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_MINUTE);
  spec = batch_spec (f);
  if (gray)
    {
      spec.scope = OTA_BATCH_SCOPE_GRAY;
      spec.gray_percent = 40;
    }
  g_clear_object (&batch);
  batch = create (f, &spec);
  run_due (f);
  ota_test_advance (&f->base, 2 * G_TIME_SPAN_MINUTE);
  rollout_assert_counters (f->base.engine);

  tasks = describe_tasks (f, ota_batch_get_id (batch));
  notices = describe_notices (f->link);
  ota_test_rollout_teardown (f, NULL);
  return g_strconcat (tasks, "--\n", notices, NULL);
}

/* R-B7, R-B12, R-B15: chunks give exactly what enrolling at once gives: the same tasks
 * with the same times, conflicts and offline devices, the same notices at the same
 * times. */
static void
test_chunks_equal_one_go (void)
{
  g_autofree char *at_once = run_scenario (FALSE, FALSE);
  g_autofree char *chunked = run_scenario (TRUE, FALSE);

  g_assert_nonnull (strstr (at_once, "d-05 failed conflict"));
  g_assert_nonnull (strstr (at_once, "d-03 pending-push offline"));
  g_assert_cmpstr (chunked, ==, at_once);
}

/* R-B10: a gray batch fixes its share at creation, floor(26 · 40 / 100) = 10 devices, in
 * the spread order, however many chunks it takes. */
static void
test_gray_share_fixed_at_creation (void)
{
  g_autofree char *at_once = run_scenario (FALSE, TRUE);
  g_autofree char *chunked = run_scenario (TRUE, TRUE);
  guint lines = 0;

  for (const char *p = at_once; *p != '\0' && !g_str_has_prefix (p, "--"); p = strchr (p, '\n') + 1)
    lines++;
  g_assert_cmpuint (lines, ==, 10);
  g_assert_cmpstr (chunked, ==, at_once);
}

/* R-B7: a static batch takes the devices that exist when it is created; one added while
 * it enrols does not join. */
static void
test_static_takes_devices_of_its_creation (Fixture       *f,
                                           gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) enrolled = NULL;

  add_fleet (f, 10, FALSE);
  batch = create (f, &spec);
  g_assert_cmpuint (ota_batch_get_enrolling (batch), ==, 10 - CHUNK);

  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "d-99", "1.0", NULL, NULL, TRUE);
  run_due (f);
  enrolled = ota_test_get_batch (&f->base, ota_batch_get_id (batch));
  g_assert_cmpuint (ota_batch_get_total (enrolled), ==, 10);
  rollout_assert_no_task (f->base.engine, ota_batch_get_id (batch), "d-99");
}

/* R-B5: a dynamic batch enrols a device that reports a source version before the
 * enrolment reached it at once, and the enrolment does not enrol it again; devices
 * added meanwhile join too. */
static void
test_dynamic_device_ahead_enrolled_once (Fixture       *f,
                                         gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) enrolled = NULL;
  gint64 id;

  add_fleet (f, 10, FALSE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "d-50", "0.9", NULL, NULL, TRUE);
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  batch = create (f, &spec);
  id = ota_batch_get_id (batch);
  rollout_assert_no_task (f->base.engine, id, "d-50");

  ota_test_send_version (&f->base, "d-50", "1.0");
  rollout_assert_task (f->base.engine, id, "d-50", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "d-60", "1.0", NULL, NULL, TRUE);

  run_due (f);
  enrolled = ota_test_get_batch (&f->base, id);
  g_assert_cmpuint (ota_batch_get_total (enrolled), ==, 12);
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, id, NULL), ==, 12);
  g_assert_cmpuint (ota_batch_get_enrolling (enrolled), ==, 0);
}

/* R-B17: cancelling a batch that is still enrolling stops the enrolment: its tasks are
 * cancelled and nobody joins later. */
static void
test_cancel_stops_enrolment (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(OtaBatch) later = NULL;
  gint64 id;

  add_fleet (f, 10, FALSE);
  batch = create (f, &spec);
  id = ota_batch_get_id (batch);

  cancelled = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_state (cancelled), ==, OTA_BATCH_STATE_CANCELLED);
  g_assert_cmpuint (ota_batch_get_count (cancelled, OTA_TASK_STATUS_CANCELLED), ==, CHUNK);
  g_assert_cmpuint (ota_batch_get_enrolling (cancelled), ==, 0);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, G_MAXINT64);

  run_due (f);
  later = ota_test_get_batch (&f->base, id);
  g_assert_cmpuint (ota_batch_get_total (later), ==, CHUNK);
}

/* R-B11: a window that ends before the enrolment went on (no due pass ran, an event
 * caught up) stops it too; the batch is finished. */
static void
test_window_end_stops_enrolment (Fixture       *f,
                                 gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) ended = NULL;
  gint64 id;

  add_fleet (f, 10, FALSE);
  spec.schedule_start = ota_test_now (&f->base) + 10 * G_TIME_SPAN_MINUTE;
  spec.schedule_end = spec.schedule_start + G_TIME_SPAN_HOUR;
  batch = create (f, &spec);
  id = ota_batch_get_id (batch);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_SCHEDULED);

  ota_manual_clock_advance (f->base.clock, 2 * G_TIME_SPAN_HOUR);
  ota_test_send_event (&f->base, OTA_DEVICE_EVENT_ONLINE, "d-09");
  ended = ota_test_get_batch (&f->base, id);
  g_assert_cmpint (ota_batch_get_state (ended), ==, OTA_BATCH_STATE_FINISHED);
  g_assert_cmpuint (ota_batch_get_enrolling (ended), ==, 0);
  g_assert_cmpuint (ota_batch_get_count (ended, OTA_TASK_STATUS_CANCELLED), ==, CHUNK);
  rollout_assert_task (f->base.engine, id, "d-00", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_WINDOW_ENDED);

  run_due (f);
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, id, NULL), ==, CHUNK);
}

/* R-B15, R-S7: a static batch whose first chunk all conflicts has no unfinished task,
 * yet it is not over while devices are still to enrol. */
static void
test_never_finishes_while_enrolling (Fixture       *f,
                                     gconstpointer  data)
{
  OtaBatchSpec busy_spec = batch_spec (f);
  OtaBatchSpec spec = batch_spec (f);
  const char *first[] = { "d-00", "d-01", "d-02", NULL };
  g_autoptr(OtaBatch) busy = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) enrolled = NULL;

  add_fleet (f, 8, FALSE);
  busy_spec.scope = OTA_BATCH_SCOPE_TARGETED;
  busy_spec.devices = first;
  busy = create (f, &busy_spec);

  batch = create (f, &spec);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED), ==, CHUNK);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, CHUNK);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_RUNNING);

  run_due (f);
  enrolled = ota_test_get_batch (&f->base, ota_batch_get_id (batch));
  g_assert_cmpint (ota_batch_get_state (enrolled), ==, OTA_BATCH_STATE_RUNNING);
  g_assert_cmpuint (ota_batch_get_total (enrolled), ==, 8);
}

/* R-B7: the forecast counts what the enrolment then gives, chunks or not. */
static void
test_forecast_matches_enrolment (Fixture       *f,
                                 gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) enrolled = NULL;
  OtaBatchForecast forecast;

  add_fleet (f, 20, TRUE);
  g_assert_true (ota_engine_forecast_batch (f->base.engine, &spec, &forecast, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (forecast.matched, ==, 20);
  g_assert_cmpuint (forecast.offline, ==, 5);

  batch = create (f, &spec);
  g_assert_cmpuint (ota_batch_get_total (batch) + ota_batch_get_enrolling (batch), ==, forecast.matched);
  run_due (f);
  enrolled = ota_test_get_batch (&f->base, ota_batch_get_id (batch));
  g_assert_cmpuint (ota_batch_get_total (enrolled), ==, forecast.matched);
  /* Ten a minute: ten notified, the other ten online or not wait. */
  g_assert_cmpuint (ota_batch_get_count (enrolled, OTA_TASK_STATUS_PUSHED), ==, 10);
  g_assert_cmpuint (ota_batch_get_count (enrolled, OTA_TASK_STATUS_PENDING_PUSH), ==, 10);
}

/* R-B17: ending a batch's unfinished tasks at once leaves its ended tasks as they were,
 * recounts the counters, and ends the batch. */
static void
test_end_unfinished_keeps_terminal_tasks (Fixture       *f,
                                          gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(OtaTask) done = NULL;
  g_autoptr(OtaTask) done_after = NULL;
  g_autoptr(OtaTask) failed_after = NULL;
  g_autoptr(OtaTask) pending_after = NULL;
  gint64 id;

  ota_engine_set_enrol_chunk (f->base.engine, OTA_ENROL_CHUNK_DEFAULT);
  add_fleet (f, 6, FALSE);
  spec.retry_interval = OTA_RETRY_INTERVAL_NONE;
  batch = create (f, &spec);
  id = ota_batch_get_id (batch);
  ota_test_send_progress (&f->base, "d-00", 100, NULL);
  ota_test_send_version (&f->base, "d-00", "2.0");
  ota_test_send_progress (&f->base, "d-01", -2, "no space");
  ota_test_send_progress (&f->base, "d-02", 40, NULL);
  done = ota_test_get_task (&f->base, id, "d-00");

  ota_manual_clock_advance (f->base.clock, G_TIME_SPAN_MINUTE);
  cancelled = ota_engine_cancel_batch (f->base.engine, id, &error);
  g_assert_no_error (error);
  rollout_assert_counters (f->base.engine);

  g_assert_cmpuint (ota_batch_get_count (cancelled, OTA_TASK_STATUS_SUCCEEDED), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (cancelled, OTA_TASK_STATUS_FAILED), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (cancelled, OTA_TASK_STATUS_CANCELLED), ==, 4);
  done_after = ota_test_get_task (&f->base, id, "d-00");
  g_assert_cmpint (ota_task_get_updated_at (done_after), ==, ota_task_get_updated_at (done));
  failed_after = ota_test_get_task (&f->base, id, "d-01");
  g_assert_cmpint (ota_task_get_status (failed_after), ==, OTA_TASK_STATUS_FAILED);
  rollout_assert_task (f->base.engine, id, "d-02", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_CANCELLED);
  pending_after = ota_test_get_task (&f->base, id, "d-03");
  g_assert_cmpint (ota_task_get_updated_at (pending_after), ==, ota_test_now (&f->base));

  /* Nothing left in any queue: no notice, no timeout, nothing due. */
  g_assert_cmpuint (rollout_count_tasks (f->base.engine, id, "cancelled"), ==, 4);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), ==, G_MAXINT64);
}

/* R-D2: the trigger that copies the device name onto a task written by plain SQL does
 * nothing (no second write) when the insert gives the name itself, as the engine does. */
static void
test_name_trigger_idle_when_name_given (Fixture       *f,
                                        gconstpointer  data)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->base.engine));
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *with_name = NULL;
  g_autofree char *without_name = NULL;
  g_autoptr(OtaTask) filled = NULL;
  gint64 d1, d2;
  int before;

  d1 = rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "dev-one", "0.9", NULL, NULL, TRUE);
  d2 = rollout_add_device (f->base.engine, OTA_TEST_PRODUCT, "dev-two", "0.9", NULL, NULL, TRUE);
  batch = create (f, &spec);
  with_name = g_strdup_printf ("INSERT INTO tasks (batch_id, device_id, status, created_at, updated_at, device_name) "
                               "VALUES (%lld, %lld, 'succeeded', 0, 0, 'dev-one')",
                               (long long) ota_batch_get_id (batch), (long long) d1);
  without_name = g_strdup_printf ("INSERT INTO tasks (batch_id, device_id, status, created_at, updated_at) "
                                  "VALUES (%lld, %lld, 'succeeded', 0, 0)",
                                  (long long) ota_batch_get_id (batch), (long long) d2);

  /* sqlite3_total_changes() counts the rows a trigger writes too. */
  before = sqlite3_total_changes (db);
  g_assert_cmpint (sqlite3_exec (db, with_name, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_total_changes (db) - before, ==, 1);

  before = sqlite3_total_changes (db);
  g_assert_cmpint (sqlite3_exec (db, without_name, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_total_changes (db) - before, ==, 2);
  filled = ota_test_get_task (&f->base, ota_batch_get_id (batch), "dev-two");
  g_assert_cmpstr (ota_task_get_device_name (filled), ==, "dev-two");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, ota_test_rollout_teardown)
  ADD ("/enrolment/R-B7/first-chunk-at-creation-rest-in-due-pass", test_first_chunk_then_due_pass);
  g_test_add_func ("/enrolment/R-B7-R-B12-R-B15/chunks-equal-one-go", test_chunks_equal_one_go);
  g_test_add_func ("/enrolment/R-B10/gray-share-fixed-at-creation", test_gray_share_fixed_at_creation);
  ADD ("/enrolment/R-B7/static-takes-devices-of-its-creation", test_static_takes_devices_of_its_creation);
  ADD ("/enrolment/R-B5/dynamic-device-ahead-of-cursor-enrolled-once", test_dynamic_device_ahead_enrolled_once);
  ADD ("/enrolment/R-B17/cancel-stops-enrolment", test_cancel_stops_enrolment);
  ADD ("/enrolment/R-B11/window-end-stops-enrolment", test_window_end_stops_enrolment);
  ADD ("/enrolment/R-B15/never-finishes-while-enrolling", test_never_finishes_while_enrolling);
  ADD ("/enrolment/R-B7/forecast-matches-enrolment", test_forecast_matches_enrolment);
  ADD ("/tasks/R-B17/end-unfinished-keeps-terminal-tasks", test_end_unfinished_keeps_terminal_tasks);
  ADD ("/tasks/R-D2/name-trigger-idle-when-name-given", test_name_trigger_idle_when_name_given);
#undef ADD

  return g_test_run ();
}
