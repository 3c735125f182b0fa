/* bench-device-events.c — 1,000,000 device events through ota_engine_apply_device_events
 *
 * 100,000 devices in one running batch (all notified), then ten rounds of reports in
 * groups of 1,000 as the server hands them over: nine progress steps (10 … 90) and the
 * new version, so every task goes pushed → upgrading → succeeded.
 *
 * Target (R-E at scale): at least 50,000 events per second with a peak RSS under
 * 300 MB, with the store's normal durability (WAL, synchronous=FULL: one flush per
 * group). Prints events per second and peak RSS; exits 1 when a target is missed. An
 * optional argument sets the number of devices (events = 10 × devices).
 */
#include <stdlib.h>

#include "bench-util.h"

#define DEFAULT_DEVICES 100000
#define GROUP 1000
#define ROUNDS 10
#define MIN_EVENTS_PER_SECOND 50000.0
#define MAX_RSS_MB 300.0
#define PRODUCT "benchEvents"

static char *
device_name (guint i)
{
  return g_strdup_printf ("dev-%07u", i);
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
  g_autoptr(OtaBatch) after = NULL;
  g_auto(GStrv) names = NULL;
  OtaDeviceEvent *events;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  const char *sources[] = { "1.0", NULL };
  guint n_devices = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_DEVICES;
  guint64 n_events = 0, rejected_total = 0;
  double seconds, push_seconds, cpu, rss_mb, rate;
  gint64 start;

  n_devices = MAX (n_devices, GROUP);
  n_devices -= n_devices % GROUP;

  dir = bench_make_dir ("ota-bench-XXXXXX");
  db_path = g_build_filename (dir, "ota.db", NULL);
  clock = ota_manual_clock_new (BENCH_EPOCH);
  engine = bench_open_engine (db_path, clock);

  bench_import_fleet (engine, PRODUCT, n_devices);
  firmware = bench_add_verified_firmware (engine, PRODUCT, dir, "\x7f" "ELF firmware image", 19);

  /* The batch, then every notice out: 1,000 a minute. */
  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  spec.push_rate = 1000;
  spec.timeout_minutes = 1440;
  start = g_get_monotonic_time ();
  batch = ota_engine_create_batch (engine, &spec, &error);
  g_assert_no_error (error);
  ota_manual_clock_advance (clock, (GTimeSpan) (n_devices / 1000) * G_TIME_SPAN_MINUTE);
  ota_engine_run_due (engine, &error);
  g_assert_no_error (error);
  push_seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_clear_object (&after);
  after = ota_engine_get_batch (engine, ota_batch_get_id (batch), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (after, OTA_TASK_STATUS_PUSHED), ==, n_devices);

  names = g_new0 (char *, n_devices + 1);
  for (guint i = 0; i < n_devices; i++)
    names[i] = device_name (i);
  events = g_new0 (OtaDeviceEvent, GROUP);

  /* A benchmark measures wall time: the real monotonic clock, not the engine's. */
  cpu = bench_cpu_seconds ();
  start = g_get_monotonic_time ();
  for (guint round = 0; round < ROUNDS; round++)
    {
      gint64 round_start = g_get_monotonic_time ();
      double round_cpu = bench_cpu_seconds ();

      for (guint first = 0; first < n_devices; first += GROUP)
        {
          guint rejected = 0;

          for (guint i = 0; i < GROUP; i++)
            {
              OtaDeviceEvent *event = &events[i];

              event->product_key = PRODUCT;
              event->device_name = names[first + i];
              if (round < ROUNDS - 1)
                {
                  /* Up to 100 in the last progress round: success needs it (R-S5). */
                  event->kind = OTA_DEVICE_EVENT_PROGRESS;
                  event->step = (int) ((round + 1) * 100 / (ROUNDS - 1));
                }
              else
                {
                  event->kind = OTA_DEVICE_EVENT_VERSION;
                  event->version = "2.0";
                }
            }

          ota_engine_apply_device_events (engine, events, GROUP, &rejected, &error);
          g_assert_no_error (error);
          rejected_total += rejected;
          n_events += GROUP;
        }
      ota_manual_clock_advance (clock, G_TIME_SPAN_SECOND);
      g_print ("  round %2u (%s): %6.0f events/s, %.1f us CPU per event\n", round + 1,
               round < ROUNDS - 1 ? "progress" : "version ",
               n_devices / ((g_get_monotonic_time () - round_start) / 1e6),
               (bench_cpu_seconds () - round_cpu) * 1e6 / n_devices);
    }
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  cpu = bench_cpu_seconds () - cpu;

  g_clear_object (&after);
  after = ota_engine_get_batch (engine, ota_batch_get_id (batch), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected_total, ==, 0);
  g_assert_cmpuint (ota_batch_get_count (after, OTA_TASK_STATUS_SUCCEEDED), ==, n_devices);
  g_assert_cmpint (ota_batch_get_state (after), ==, OTA_BATCH_STATE_FINISHED);

  rss_mb = bench_peak_rss_mb ();
  rate = n_events / MAX (seconds, 1e-9);

  g_print ("device-events: %" G_GUINT64_FORMAT " events (%u devices, groups of %u) in %.2f s "
           "(%.0f events/s), CPU %.2f s, peak RSS %.1f MB; batch creation + %u notices: %.2f s; "
           "targets: >= %.0f events/s, < %.0f MB\n",
           n_events, n_devices, GROUP, seconds, rate, cpu, rss_mb, n_devices, push_seconds,
           MIN_EVENTS_PER_SECOND, MAX_RSS_MB);

  g_free (events);
  g_clear_object (&engine);
  bench_remove_dir (dir);

  return rate >= MIN_EVENTS_PER_SECOND && rss_mb < MAX_RSS_MB ? EXIT_SUCCESS : EXIT_FAILURE;
}
