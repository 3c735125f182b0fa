/* bench-cancel-batch.c — cancelling a batch of 1,000,000 unfinished tasks (R-B17 at scale)
 *
 * A static batch over 1,000,000 devices (push rate 1000: 1000 tasks pushed, the rest
 * pending) is created and fully enrolled (setup, not timed), then cancelled with
 * ota_engine_cancel_batch(): every task ends in one statement, the counters are counted
 * again and the batch ends. Target: a few seconds (under 5 s).
 *
 * Three rounds, each on a fresh copy of the same database; wall and CPU time of each,
 * then the best and the median. Exits 1 when the median misses the target. An optional
 * argument sets the number of devices.
 */
#include <gio/gio.h>
#include <stdlib.h>

#include "bench-util.h"

#define DEFAULT_DEVICES 1000000
#define PUSH_RATE 1000
#define TARGET_S 5.0
#define ROUNDS 3

static double
run_round (const char *template_path,
           const char *db_path,
           guint       n_devices,
           double     *cpu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (BENCH_EPOCH);
  g_autoptr(OtaEngine) engine = bench_open_copy (template_path, db_path, clock);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) cancelled = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  BenchTimer timer;
  double seconds;

  spec.firmware_id = 1;
  spec.push_rate = PUSH_RATE;
  batch = ota_engine_create_batch (engine, &spec, &error);
  g_assert_no_error (error);
  ota_engine_run_due (engine, &error);
  g_assert_no_error (error);
  ota_manual_clock_advance (clock, 10 * G_TIME_SPAN_SECOND);

  bench_timer_start (&timer);
  cancelled = ota_engine_cancel_batch (engine, ota_batch_get_id (batch), &error);
  seconds = bench_timer_stop (&timer, cpu);
  g_assert_no_error (error);

  g_assert_cmpint (ota_batch_get_state (cancelled), ==, OTA_BATCH_STATE_CANCELLED);
  g_assert_cmpuint (ota_batch_get_count (cancelled, OTA_TASK_STATUS_CANCELLED), ==, n_devices);
  g_assert_cmpuint (ota_batch_get_total (cancelled), ==, n_devices);

  g_print ("# round: cancel %.2f s (CPU %.2f s), load %.2f\n", seconds, *cpu, bench_load_average ());
  return seconds;
}

int
main (int   argc,
      char *argv[])
{
  guint n_devices = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_DEVICES;
  g_autofree char *dir = bench_make_dir ("ota-bench-cancel-XXXXXX");
  g_autofree char *template_path = bench_build_template (dir, n_devices);
  g_autofree char *db_path = g_build_filename (dir, "ota.db", NULL);
  double wall[ROUNDS], cpu[ROUNDS], best = G_MAXDOUBLE, median;
  gboolean ok;

  for (guint i = 0; i < ROUNDS; i++)
    {
      wall[i] = run_round (template_path, db_path, n_devices, &cpu[i]);
      best = MIN (best, wall[i]);
    }

  median = bench_median (wall, ROUNDS);
  ok = median < TARGET_S * MAX (n_devices, 1) / 1e6;
  g_print ("%s cancel a batch of %u unfinished tasks: best %.2f s, median %.2f s "
           "(CPU median %.2f s; target < %.1f s)\n",
           ok ? "#" : "MISSED", n_devices, best, median, bench_median (cpu, ROUNDS), TARGET_S);

  bench_remove_dir (dir);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
