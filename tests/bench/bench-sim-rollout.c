/* bench-sim-rollout.c — a whole rollout of 100,000 simulated devices
 *
 * One static batch over every device at 1,000 notices a minute; the simulated fleet
 * (ota-sim-fleet.h, default behaviour: churn, 5 % device errors, 1 % hangs that end as
 * timeouts, unexpected versions) plays the devices until every task has ended. Prints
 * the simulated time it took, the wall time, device events per second and peak RSS.
 * Exits non-zero only when the rollout does not end within two simulated days. An
 * optional argument sets the number of devices.
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <ota.h>

#include "ota-sim-fleet.h"

#define DEFAULT_DEVICES 100000
#define PRODUCT "benchSim"
#define EPOCH G_GINT64_CONSTANT (1767225600000000)
#define FIRMWARE_SIZE (4 * 1024 * 1024)
#define SLICE (10 * G_TIME_SPAN_MINUTE)
#define HORIZON (2 * G_TIME_SPAN_DAY)

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
import_devices (OtaEngine *engine,
                guint      n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autoptr(GInputStream) stream = NULL;
  OtaImportResult result = { 0 };

  g_string_append (csv, PRODUCT ",verifier,,,default=1.0,yes\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, PRODUCT ",dev-%07u,,,default=1.0,yes\n", i);

  stream = g_memory_input_stream_new_from_data (csv->str, (gssize) csv->len, NULL);
  ota_engine_import_devices_csv (engine, stream, &result, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, n + 1);
}

static OtaFirmware *
add_verified_firmware (OtaEngine  *engine,
                       const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "fw.bin", NULL);
  g_autofree char *data = g_malloc0 (FIRMWARE_SIZE);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(OtaBatch) verification = NULL;
  const char *sources[] = { "1.0", NULL };
  const char *devices[] = { "verifier", NULL };
  OtaFirmwareSpec spec = {
    .product_key = PRODUCT,
    .name = "fw",
    .type = OTA_FIRMWARE_TYPE_FULL,
    .version = "2.0",
    .source_versions = sources,
    .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
  };
  OtaVerifySpec verify = { .source_versions = sources, .devices = devices, .timeout_minutes = 60 };
  OtaDeviceEvent done = {
    .kind = OTA_DEVICE_EVENT_VERSION,
    .product_key = PRODUCT,
    .device_name = "verifier",
    .version = "2.0",
  };
  OtaFirmware *firmware;

  g_file_set_contents (path, data, FIRMWARE_SIZE, &error);
  g_assert_no_error (error);
  firmware = ota_engine_add_firmware (engine, &spec, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  verify.firmware_id = ota_firmware_get_id (firmware);
  verification = ota_engine_start_verification (engine, &verify, &error);
  g_assert_no_error (error);
  {
    OtaDeviceEvent finished = done;

    /* R-S5: progress 100, then the new version. */
    finished.kind = OTA_DEVICE_EVENT_PROGRESS;
    finished.version = NULL;
    finished.step = 100;
    ota_engine_apply_device_event (engine, &finished, &error);
    g_assert_no_error (error);
  }
  ota_engine_apply_device_event (engine, &done, &error);
  g_assert_no_error (error);

  return firmware;
}

static guint64
unfinished (OtaBatch *batch)
{
  return ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_CONFIRM) +
         ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_PUSH) +
         ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED) +
         ota_batch_get_count (batch, OTA_TASK_STATUS_UPGRADING);
}

/* User + system seconds of @usage. */
static double
cpu_seconds (const struct rusage *usage)
{
  return (double) usage->ru_utime.tv_sec + usage->ru_utime.tv_usec / 1e6 +
         (double) usage->ru_stime.tv_sec + usage->ru_stime.tv_usec / 1e6;
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
  const OtaSimStats *stats;
  struct rusage usage;
  guint n_devices = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_DEVICES;
  gint64 start, wall_start, load_us, sim_us, batch_id;
  double wall, rss_mb, cpu;
  guint64 left;

  n_devices = MAX (n_devices, 1);
  dir = g_dir_make_tmp ("ota-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (dir, "ota.db", NULL);
  clock = ota_manual_clock_new (EPOCH);
  engine = ota_engine_new (db_path, OTA_CLOCK (clock), &error);
  g_assert_no_error (error);

  {
    OtaProductSpec product_spec = { .key = PRODUCT, .name = PRODUCT };
    g_autoptr(OtaProduct) product = ota_engine_add_product (engine, &product_spec, &error);

    g_assert_no_error (error);
  }
  import_devices (engine, n_devices);
  firmware = add_verified_firmware (engine, dir);

  /* A benchmark measures wall time: the real monotonic clock, not the engine's; CPU
   * time too, which other processes on a shared machine do not add to. */
  getrusage (RUSAGE_SELF, &usage);
  cpu = -cpu_seconds (&usage);
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
  getrusage (RUSAGE_SELF, &usage);
  cpu += cpu_seconds (&usage);
  rss_mb = usage.ru_maxrss / 1024.0;

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
  remove_dir (dir);

  return left == 0 && stats->rejected == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
