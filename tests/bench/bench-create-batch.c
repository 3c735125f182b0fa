/* bench-create-batch.c — creating a static batch over 1,000,000 devices (R-B7 at scale)
 *
 * Target: ota_engine_create_batch() of a static batch, scope all, push rate 1000, over a
 * product of 1,000,000 devices that all report a source version, under 2 s — matching,
 * the first chunk of tasks, the audit entry, the commit and the first push pass (1000
 * notices) included. The rest of the devices are enrolled by the next
 * ota_engine_run_due(), a chunk per transaction: that is timed too, without a target
 * ("within seconds after creation"), and must end with a task per device. The devices
 * are written with set-based SQL and the firmware is marked verified directly (setup,
 * not timed). The forecast of the same batch is printed too, without a target.
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
#define TARGET_S 2.0
#define ROUNDS 3

typedef struct {
  double create_s, create_cpu;
  double enrol_s, enrol_cpu;
} Round;

static void
run_round (const char *template_path,
           const char *db_path,
           guint       n_devices,
           gboolean    forecast,
           Round      *round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (BENCH_EPOCH);
  g_autoptr(OtaEngine) engine = bench_open_copy (template_path, db_path, clock);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) enrolled = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  BenchTimer timer;

  spec.firmware_id = 1;
  spec.push_rate = PUSH_RATE;

  if (forecast)
    {
      OtaBatchForecast result;
      double seconds, cpu;

      bench_timer_start (&timer);
      ota_engine_forecast_batch (engine, &spec, &result, &error);
      seconds = bench_timer_stop (&timer, &cpu);
      g_assert_no_error (error);
      g_assert_cmpuint (result.matched, ==, n_devices);
      g_print ("# forecast: %llu devices, %llu offline, pushing takes %lld min; "
               "%.2f s, CPU %.2f s (no target)\n",
               (unsigned long long) result.matched, (unsigned long long) result.offline,
               (long long) (result.push_duration_us / G_TIME_SPAN_MINUTE), seconds, cpu);
    }

  bench_timer_start (&timer);
  batch = ota_engine_create_batch (engine, &spec, &error);
  round->create_s = bench_timer_stop (&timer, &round->create_cpu);
  g_assert_no_error (error);

  /* Every device is either enrolled or about to be; the first notices went out. */
  g_assert_cmpuint (ota_batch_get_total (batch) + ota_batch_get_enrolling (batch), ==, n_devices);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED), ==, MIN (PUSH_RATE, n_devices - n_devices / 3));

  bench_timer_start (&timer);
  ota_engine_run_due (engine, &error);
  round->enrol_s = bench_timer_stop (&timer, &round->enrol_cpu);
  g_assert_no_error (error);

  enrolled = ota_engine_get_batch (engine, ota_batch_get_id (batch), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_enrolling (enrolled), ==, 0);
  g_assert_cmpuint (ota_batch_get_total (enrolled), ==, n_devices);
  g_assert_cmpuint (ota_batch_get_count (enrolled, OTA_TASK_STATUS_PUSHED), ==, MIN (PUSH_RATE, n_devices - n_devices / 3));
  g_assert_cmpuint (ota_batch_get_count (enrolled, OTA_TASK_STATUS_PENDING_PUSH), ==,
                    n_devices - MIN (PUSH_RATE, n_devices - n_devices / 3));

  g_print ("# round: create %.2f s (CPU %.2f s, %llu tasks at once), enrol the rest %.2f s "
           "(CPU %.2f s), load %.2f\n",
           round->create_s, round->create_cpu, (unsigned long long) ota_batch_get_total (batch),
           round->enrol_s, round->enrol_cpu, bench_load_average ());
}

int
main (int   argc,
      char *argv[])
{
  guint n_devices = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_DEVICES;
  g_autofree char *dir = bench_make_dir ("ota-bench-batch-XXXXXX");
  g_autofree char *template_path = bench_build_template (dir, n_devices);
  g_autofree char *db_path = g_build_filename (dir, "ota.db", NULL);
  double create[ROUNDS], create_cpu[ROUNDS], enrol[ROUNDS], enrol_cpu[ROUNDS];
  double best = G_MAXDOUBLE, median;
  gboolean ok;

  for (guint i = 0; i < ROUNDS; i++)
    {
      Round round;

      run_round (template_path, db_path, n_devices, i == 0, &round);
      create[i] = round.create_s;
      create_cpu[i] = round.create_cpu;
      enrol[i] = round.enrol_s;
      enrol_cpu[i] = round.enrol_cpu;
      best = MIN (best, round.create_s);
    }

  median = bench_median (create, ROUNDS);
  ok = median < TARGET_S * MAX (n_devices, 1) / 1e6;
  g_print ("%s create static batch over %u devices: best %.2f s, median %.2f s "
           "(CPU median %.2f s; target < %.1f s); enrolment of the rest: median %.2f s "
           "(CPU median %.2f s)\n",
           ok ? "#" : "MISSED", n_devices, best, median, bench_median (create_cpu, ROUNDS),
           TARGET_S, bench_median (enrol, ROUNDS), bench_median (enrol_cpu, ROUNDS));

  bench_remove_dir (dir);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
