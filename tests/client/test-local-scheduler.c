/* test-local-scheduler.c — OtaLocalBackend runs the engine's due work by itself: the
 * enrolment of a large batch (R-B), pushes held back by the rate (R-S2, R-B12),
 * retries (R-R) and timeouts (R-B14), without anyone calling run_due
 *
 * The scheduler's timeout is computed from the engine's clock, so a test with the
 * manual clock makes work due "now" (a write, or a jump of the clock) and iterates the
 * main context until the backend has run it. Nothing here calls ota_engine_run_due().
 */
#include "client-test-util.h"
#include "ota-local-backend.h"
#include "ota-rollout-private.h"

#define SECOND G_TIME_SPAN_SECOND
#define MINUTE G_TIME_SPAN_MINUTE

static const char * const one_source[] = { "1.0", NULL };

typedef struct {
  OtaTestRollout rollout;
  OtaBackend    *backend;
  guint          n_changed;
} Fixture;

static void
on_batch_changed (OtaBackend *backend,
                  gint64      batch_id,
                  Fixture    *f)
{
  f->n_changed++;
}

static OtaLocalBackend *
local (Fixture *f)
{
  return OTA_LOCAL_BACKEND (f->backend);
}

/* Iterates until the scheduler has no run on a worker (the notices it sent and the
 * test link's records are then complete). */
static void
wait_idle (Fixture *f)
{
  CLIENT_TEST_WAIT_UNTIL (!ota_local_backend_get_scheduler_busy (local (f)));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ota_test_rollout_setup (&f->rollout, data);
  f->backend = ota_local_backend_new (f->rollout.base.engine);
  /* The manual clock: off until the test turns it on. */
  g_assert_false (ota_local_backend_get_scheduler (local (f)));
  g_signal_connect (f->backend, "batch-changed", G_CALLBACK (on_batch_changed), f);
  ota_local_backend_set_scheduler (local (f), TRUE);
  wait_idle (f);
}

/* Waits until the backend is gone: a run in flight holds it, so none is left on the
 * database the fixture deletes next. */
static void
drop_backend (OtaBackend **backend)
{
  OtaBackend *weak = *backend;

  if (weak == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_clear_object (backend);
  CLIENT_TEST_WAIT_UNTIL (weak == NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  drop_backend (&f->backend);
  ota_test_rollout_teardown (&f->rollout, data);
}

static OtaBatchSpec
batch_spec (Fixture *f)
{
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  spec.firmware_id = f->rollout.firmware_id;
  spec.source_versions = one_source;
  return spec;
}

/* 25 devices, 10 pushed a minute: 10 go out at once. Made on the engine, behind the
 * backend's back. */
static gint64
create_rate_limited_batch (Fixture *f)
{
  OtaBatchSpec spec = batch_spec (f);

  spec.push_rate = 10;
  ota_test_add_devices (&f->rollout.base, "dev", 25, "1.0", TRUE);
  return ota_test_create_batch (&f->rollout.base, &spec);
}

/* Tells the backend of a change made behind its back; waits for the run it starts. */
static void
rearm (Fixture *f)
{
  ota_local_backend_rearm (local (f));
  wait_idle (f);
}

static guint64
count_in (Fixture       *f,
          gint64         batch_id,
          OtaTaskStatus  status)
{
  g_autoptr(OtaBatch) batch = ota_test_get_batch (&f->rollout.base, batch_id);

  return ota_batch_get_count (batch, status);
}

static guint64
enrolling_of (Fixture *f,
              gint64   batch_id)
{
  g_autoptr(OtaBatch) batch = ota_test_get_batch (&f->rollout.base, batch_id);

  return ota_batch_get_enrolling (batch);
}

/* Moves the manual clock only: the backend hears of the jump and runs what fell due. */
static void
jump (Fixture   *f,
      GTimeSpan  delta)
{
  ota_manual_clock_advance (f->rollout.base.clock, delta);
  wait_idle (f);
}

/* R-B: a batch too large for one transaction gets its first chunk of tasks when it is
 * created through the backend and the rest from the scheduler, which the write woke:
 * the batch does not stay "preparing". */
static void
test_enrolment_runs_by_itself (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaBatch) created = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  OtaBatchSpec spec = batch_spec (f);
  guint changed;

  ota_engine_set_enrol_chunk (f->rollout.base.engine, 2);
  ota_test_add_devices (&f->rollout.base, "dev", 30, "1.0", TRUE);

  changed = f->n_changed;
  ota_backend_create_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  created = ota_backend_create_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  /* As written: the first chunk only. */
  g_assert_cmpuint (ota_batch_get_enrolling (created), ==, 28);

  CLIENT_TEST_WAIT_UNTIL (f->n_changed > changed && !ota_local_backend_get_scheduler_busy (local (f)) &&
                          enrolling_of (f, ota_batch_get_id (created)) == 0);
  batch = ota_test_get_batch (&f->rollout.base, ota_batch_get_id (created));
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 30);
  g_assert_cmpuint (ota_batch_get_enrolling (batch), ==, 0);
  g_assert_cmpint (ota_engine_get_next_due (f->rollout.base.engine), >, ota_clock_get_now (OTA_CLOCK (f->rollout.base.clock)));
}

/* R-S2, R-B12: pushes held back by the rate go out when a minute has passed on the
 * engine's clock, not before, and nothing calls run_due. */
static void
test_rate_limited_pushes_go_out_on_time (Fixture       *f,
                                         gconstpointer  data)
{
  gint64 batch_id = create_rate_limited_batch (f);

  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 10);
  ota_test_assert_task (&f->rollout.base, batch_id, "dev-24", OTA_TASK_STATUS_PENDING_PUSH,
                        OTA_TASK_REASON_RATE_LIMITED);

  /* Made behind the backend's back: it looks again when told. */
  rearm (f);
  jump (f, 59 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->rollout.link), ==, 10);

  jump (f, 1 * SECOND);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->rollout.link), ==, 20);
  g_assert_cmpuint (ota_test_link_count_at (f->rollout.link, f->rollout.t0 + 60 * SECOND), ==, 10);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 20);

  jump (f, 60 * SECOND);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 25);
  g_assert_cmpint (ota_engine_get_next_due (f->rollout.base.engine), ==, G_MAXINT64);
}

/* R-R2, R-R4: a device error is retried after the batch's interval, by the scheduler. */
static void
test_retry_goes_out_when_due (Fixture       *f,
                              gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  g_autoptr(OtaTask) task = NULL;
  gint64 batch_id;

  spec.retry_interval = OTA_RETRY_INTERVAL_10_MINUTES;
  spec.retry_limit = 2;
  ota_test_add_devices (&f->rollout.base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->rollout.base, &spec);
  ota_test_send_progress (&f->rollout.base, "dev-00", -1, "flash failed");
  task = ota_test_get_task (&f->rollout.base, batch_id, "dev-00");
  g_assert_true (ota_task_get_retry_pending (task));
  g_clear_object (&task);
  rearm (f);
  g_assert_cmpuint (ota_test_link_count_for (f->rollout.link, "dev-00"), ==, 1);

  jump (f, 10 * MINUTE - SECOND);
  g_assert_cmpuint (ota_test_link_count_for (f->rollout.link, "dev-00"), ==, 1);

  jump (f, SECOND);
  g_assert_cmpuint (ota_test_link_count_for (f->rollout.link, "dev-00"), ==, 2);
  task = ota_test_get_task (&f->rollout.base, batch_id, "dev-00");
  g_assert_cmpuint (ota_task_get_tries (task), ==, 2);
  g_assert_false (ota_task_get_retry_pending (task));
}

/* R-B14: an upgrade that stops reporting fails with "timeout" when its time is up. */
static void
test_timeout_fails_when_due (Fixture       *f,
                             gconstpointer  data)
{
  OtaBatchSpec spec = batch_spec (f);
  gint64 batch_id;

  spec.timeout_minutes = 5;
  ota_test_add_devices (&f->rollout.base, "dev", 1, "1.0", TRUE);
  batch_id = ota_test_create_batch (&f->rollout.base, &spec);
  ota_test_send_progress (&f->rollout.base, "dev-00", 10, NULL);
  rearm (f);

  jump (f, 5 * MINUTE - SECOND);
  ota_test_assert_task (&f->rollout.base, batch_id, "dev-00", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE);
  jump (f, SECOND);
  ota_test_assert_task (&f->rollout.base, batch_id, "dev-00", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT);
}

/* Off: the clock may jump and nothing runs (a demo drives its manual clock itself); on
 * again, it catches up; a backend that is gone runs nothing and leaves no handler on
 * the clock. */
static void
test_off_runs_nothing (Fixture       *f,
                       gconstpointer  data)
{
  gint64 batch_id = create_rate_limited_batch (f);

  ota_local_backend_set_scheduler (local (f), FALSE);
  jump (f, MINUTE);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 10);

  ota_local_backend_set_scheduler (local (f), TRUE);
  wait_idle (f);
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 20);

  drop_backend (&f->backend);
  ota_manual_clock_advance (f->rollout.base.clock, MINUTE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 20);
}

static gpointer
advance_a_minute (gpointer data)
{
  Fixture *f = data;

  ota_manual_clock_advance (f->rollout.base.clock, MINUTE);
  return NULL;
}

/* R-S2: the clock jumps on another thread while the main context is idle: the run it
 * calls for starts on the main context, never on the thread that moved the clock (the
 * scheduler's state is the main thread's alone). */
static void
test_jump_on_other_thread_runs_on_main_context (Fixture       *f,
                                               gconstpointer  data)
{
  gint64 batch_id = create_rate_limited_batch (f);
  GThread *thread;

  rearm (f);
  thread = g_thread_new ("clock", advance_a_minute, f);
  g_thread_join (thread);
  g_assert_false (ota_local_backend_get_scheduler_busy (local (f)));
  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 10);

  CLIENT_TEST_WAIT_UNTIL (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED) == 20);
  wait_idle (f);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->rollout.link), ==, 20);
}

/* R-S2: advance_clock through the backend runs the due work itself while the scheduler
 * (woken by the same jump) wants to: one after the other, each push once. */
static void
test_advance_clock_with_scheduler_pushes_once (Fixture       *f,
                                               gconstpointer  data)
{
  gint64 batch_id = create_rate_limited_batch (f);

  rearm (f);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      ota_backend_advance_clock_async (f->backend, MINUTE, NULL, client_test_store_result, &result);
      g_assert_true (ota_backend_advance_clock_finish (f->backend, client_test_wait (&result), &error));
      g_assert_no_error (error);
      wait_idle (f);
    }

  g_assert_cmpuint (count_in (f, batch_id, OTA_TASK_STATUS_PUSHED), ==, 25);
  g_assert_cmpuint (ota_test_link_get_n_notices (f->rollout.link), ==, 25);
  g_assert_cmpuint (ota_test_link_count_at (f->rollout.link, f->rollout.t0 + MINUTE), ==, 10);
}

/* The default: on with the real clock (the console), off with a manual one (the
 * fixture's, checked in its setup). */
static void
test_on_with_real_clock (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->rollout.base.dir, "real.db", NULL);
  g_autoptr(OtaClock) clock = ota_real_clock_new ();
  g_autoptr(OtaEngine) engine = ota_engine_new (path, clock, &error);
  OtaBackend *backend;

  g_assert_no_error (error);
  backend = ota_local_backend_new (engine);
  g_assert_true (ota_local_backend_get_scheduler (OTA_LOCAL_BACKEND (backend)));
  drop_backend (&backend);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/client/local-scheduler/R-B/enrolment-runs-by-itself", test_enrolment_runs_by_itself);
  ADD ("/client/local-scheduler/R-S2/rate-limited-pushes-go-out-on-time", test_rate_limited_pushes_go_out_on_time);
  ADD ("/client/local-scheduler/R-R/retry-goes-out-when-due", test_retry_goes_out_when_due);
  ADD ("/client/local-scheduler/R-B14/timeout-fails-when-due", test_timeout_fails_when_due);
  ADD ("/client/local-scheduler/off-runs-nothing", test_off_runs_nothing);
  ADD ("/client/local-scheduler/R-S2/jump-on-other-thread-runs-on-main-context",
       test_jump_on_other_thread_runs_on_main_context);
  ADD ("/client/local-scheduler/R-S2/advance-clock-with-scheduler-pushes-once",
       test_advance_clock_with_scheduler_pushes_once);
  ADD ("/client/local-scheduler/on-with-real-clock-only", test_on_with_real_clock);

#undef ADD

  return g_test_run ();
}
