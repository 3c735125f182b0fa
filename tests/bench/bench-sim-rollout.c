/* bench-sim-rollout.c — a whole rollout of 100,000 simulated devices
 *
 * One static batch over every device at 1,000 notices a minute; the simulated fleet
 * (ota-sim-fleet.h, default behaviour: churn, 5 % device errors, 1 % hangs that end as
 * timeouts, unexpected versions) plays the devices until every task has ended. Prints
 * the simulated time it took, the wall time, device events per second and peak RSS.
 * Exits non-zero only when the rollout does not end within two simulated days. An
 * optional argument sets the number of devices.
 */
#include <stdlib.h>

#include "bench-util.h"
#include "ota-sim-fleet.h"

#define DEFAULT_DEVICES 100000
#define PRODUCT "benchSim"
#define FIRMWARE_SIZE (4 * 1024 * 1024)
#define SLICE (10 * G_TIME_SPAN_MINUTE)
#define HORIZON (2 * G_TIME_SPAN_DAY)

static guint64
unfinished (OtaBatch *batch)
{
  return ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_CONFIRM) +
         ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_PUSH) +
         ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED) +
         ota_batch_get_count (batch, OTA_TASK_STATUS_UPGRADING);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(OtaManualClock) clock = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaSimFleet) fleet = NULL;
  OtaSimConfig config = OTA_SIM_CONFIG_INIT;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  const char *sources[] = { "1.0", NULL };
  g_autofree char *firmware_data = g_malloc0 (FIRMWARE_SIZE);
  const OtaSimStats *stats;
  guint n_devices = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_DEVICES;
  gint64 start, wall_start, load_us, sim_us, batch_id;
  double wall, rss_mb, cpu;
  guint64 left;

  n_devices = MAX (n_devices, 1);
  dir = bench_make_dir ("ota-bench-XXXXXX");
  db_path = g_build_filename (dir, "ota.db", NULL);
  clock = ota_manual_clock_new (BENCH_EPOCH);
  engine = bench_open_engine (db_path, clock);

  bench_import_fleet (engine, PRODUCT, n_devices);
  firmware = bench_add_verified_firmware (engine, PRODUCT, dir, firmware_data, FIRMWARE_SIZE);

  /* A benchmark measures wall time: the real monotonic clock, not the engine's; CPU
   * time too, which other processes on a shared machine do not add to. */
  cpu = -bench_cpu_seconds ();
  wall_start = g_get_monotonic_time ();
  fleet = ota_sim_fleet_new (engine, clock, &config);
  ota_engine_set_device_link (engine, OTA_DEVICE_LINK (fleet));
  ota_sim_fleet_add_product (fleet, PRODUCT, &error);
  g_assert_no_error (error);
  load_us = g_get_monotonic_time () - wall_start;

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  spec.push_rate = 1000;
  spec.timeout_minutes = 60;
  start = ota_clock_get_now (OTA_CLOCK (clock));
  batch = ota_engine_create_batch (engine, &spec, &error);
  g_assert_no_error (error);
  batch_id = ota_batch_get_id (batch);

  do
    {
      gint64 slice_start = g_get_monotonic_time ();
      guint64 events_before = ota_sim_fleet_get_stats (fleet)->events;

      ota_sim_fleet_run_until (fleet, ota_clock_get_now (OTA_CLOCK (clock)) + SLICE, &error);
      g_assert_no_error (error);
      g_clear_object (&batch);
      batch = ota_engine_get_batch (engine, batch_id, &error);
      g_assert_no_error (error);
      left = unfinished (batch);
      g_print ("  +%4" G_GINT64_FORMAT " min: %7" G_GUINT64_FORMAT " unfinished, %7" G_GUINT64_FORMAT
               " succeeded, %6.0f events/s\n",
               (ota_clock_get_now (OTA_CLOCK (clock)) - start) / G_TIME_SPAN_MINUTE, left,
               ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED),
               (ota_sim_fleet_get_stats (fleet)->events - events_before) /
               MAX ((g_get_monotonic_time () - slice_start) / 1e6, 1e-6));
    }
  while (left > 0 && ota_clock_get_now (OTA_CLOCK (clock)) - start < HORIZON);

  wall = (g_get_monotonic_time () - wall_start) / 1e6;
  sim_us = ota_clock_get_now (OTA_CLOCK (clock)) - start;
  stats = ota_sim_fleet_get_stats (fleet);
  cpu += bench_cpu_seconds ();
  rss_mb = bench_peak_rss_mb ();

  g_print ("sim-rollout: %u devices, every task ended after %.1f simulated minutes "
           "(%" G_GUINT64_FORMAT " succeeded, %" G_GUINT64_FORMAT " failed, %" G_GUINT64_FORMAT
           " cancelled); wall %.1f s, CPU %.1f s (fleet load %.2f s); %" G_GUINT64_FORMAT " notices, %"
           G_GUINT64_FORMAT " device events in %" G_GUINT64_FORMAT " groups: %.0f events/s; "
           "peak RSS %.1f MB\n",
           n_devices, sim_us / 60e6,
           ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED),
           ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED),
           ota_batch_get_count (batch, OTA_TASK_STATUS_CANCELLED),
           wall, cpu, load_us / 1e6, stats->notices, stats->events, stats->groups,
           stats->events / MAX (wall, 1e-6), rss_mb);

  ota_engine_set_device_link (engine, NULL);
  g_clear_object (&fleet);
  g_clear_object (&engine);
  bench_remove_dir (dir);

  return left == 0 && stats->rejected == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
