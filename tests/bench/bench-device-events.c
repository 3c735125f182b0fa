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
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <ota.h>

#define DEFAULT_DEVICES 100000
#define GROUP 1000
#define ROUNDS 10
#define MIN_EVENTS_PER_SECOND 50000.0
#define MAX_RSS_MB 300.0
#define PRODUCT "benchEvents"

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

static char *
device_name (guint i)
{
  return g_strdup_printf ("dev-%07u", i);
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
  OtaVerifySpec verify = {
    .source_versions = sources,
    .devices = devices,
    .timeout_minutes = 60,
  };
  OtaDeviceEvent done = {
    .kind = OTA_DEVICE_EVENT_VERSION,
    .product_key = PRODUCT,
    .device_name = "verifier",
    .version = "2.0",
  };
  OtaFirmware *firmware;

  g_file_set_contents (path, "\x7f" "ELF firmware image", 19, &error);
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

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
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
  struct rusage usage;
  guint n_devices = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_DEVICES;
  guint64 n_events = 0, rejected_total = 0;
  double seconds, push_seconds, cpu, rss_mb, rate;
  gint64 start;

  n_devices = MAX (n_devices, GROUP);
  n_devices -= n_devices % GROUP;

  dir = g_dir_make_tmp ("ota-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (dir, "ota.db", NULL);
  clock = ota_manual_clock_new (G_GINT64_CONSTANT (1767225600000000));
  engine = ota_engine_new (db_path, OTA_CLOCK (clock), &error);
  g_assert_no_error (error);

  {
    OtaProductSpec product_spec = { .key = PRODUCT, .name = PRODUCT };
    g_autoptr(OtaProduct) product = ota_engine_add_product (engine, &product_spec, &error);

    g_assert_no_error (error);
  }
  import_devices (engine, n_devices);
  firmware = add_verified_firmware (engine, dir);

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
  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  for (guint round = 0; round < ROUNDS; round++)
    {
      gint64 round_start = g_get_monotonic_time ();
      double round_cpu = cpu_seconds ();

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
               (cpu_seconds () - round_cpu) * 1e6 / n_devices);
    }
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  cpu = cpu_seconds () - cpu;

  g_clear_object (&after);
  after = ota_engine_get_batch (engine, ota_batch_get_id (batch), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected_total, ==, 0);
  g_assert_cmpuint (ota_batch_get_count (after, OTA_TASK_STATUS_SUCCEEDED), ==, n_devices);
  g_assert_cmpint (ota_batch_get_state (after), ==, OTA_BATCH_STATE_FINISHED);

  getrusage (RUSAGE_SELF, &usage);
  rss_mb = (double) usage.ru_maxrss / 1024.0;
  rate = n_events / MAX (seconds, 1e-9);

  g_print ("device-events: %" G_GUINT64_FORMAT " events (%u devices, groups of %u) in %.2f s "
           "(%.0f events/s), CPU %.2f s, peak RSS %.1f MB; batch creation + %u notices: %.2f s; "
           "targets: >= %.0f events/s, < %.0f MB\n",
           n_events, n_devices, GROUP, seconds, rate, cpu, rss_mb, n_devices, push_seconds,
           MIN_EVENTS_PER_SECOND, MAX_RSS_MB);

  g_free (events);
  g_clear_object (&engine);
  remove_dir (dir);

  return rate >= MIN_EVENTS_PER_SECOND && rss_mb < MAX_RSS_MB ? EXIT_SUCCESS : EXIT_FAILURE;
}
