/* bench-util.c — what the benchmarks share */
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "bench-util.h"

void
bench_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        bench_remove_dir (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

double
bench_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

double
bench_load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

void
bench_timer_start (BenchTimer *timer)
{
  timer->start_cpu = bench_cpu_seconds ();
  timer->start_us = g_get_monotonic_time ();
}

double
bench_timer_stop (BenchTimer *timer,
                  double     *cpu)
{
  double seconds = (double) (g_get_monotonic_time () - timer->start_us) / G_USEC_PER_SEC;

  if (cpu != NULL)
    *cpu = bench_cpu_seconds () - timer->start_cpu;
  return seconds;
}

double
bench_peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_maxrss / 1024.0;
}

char *
bench_make_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

OtaEngine *
bench_open_engine (const char     *db_path,
                   OtaManualClock *clock)
{
  g_autoptr(GError) error = NULL;
  OtaEngine *engine = ota_engine_new (db_path, clock != NULL ? OTA_CLOCK (clock) : NULL, &error);

  g_assert_no_error (error);
  return engine;
}

void
bench_exec_setup (OtaEngine  *engine,
                  const char *sql)
{
  g_autoptr(GError) error = NULL;
  OtaStore *store = ota_engine_get_store (engine);
  OtaProductSpec spec = { .key = "bench", .name = "Bench" };
  g_autoptr(OtaProduct) product = ota_engine_add_product (engine, &spec, &error);
  g_autoptr(OtaTransaction) tx = NULL;

  g_assert_no_error (error);
  tx = ota_transaction_begin (store, &error);
  g_assert_no_error (error);
  ota_store_exec (store, sql, &error);
  g_assert_no_error (error);
  ota_transaction_commit (tx, &error);
  g_assert_no_error (error);
}

void
bench_build_fleet (OtaEngine *engine,
                   guint      n)
{
  /* i·7919 mod 1000003 (a prime) is a permutation: names are unique and unordered. */
  g_autofree char *sql = g_strdup_printf (
    "INSERT OR IGNORE INTO modules (product_key, name, created_at) VALUES ('bench', 'default', 0);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %u) "
    "INSERT INTO devices (id, product_key, name, province, city, online, created_at, updated_at) "
    "SELECT i, 'bench', printf ('dev-%%08d', (i * 7919) %% 1000003), 'Zhejiang', 'Hangzhou', "
    "i %% 3 > 0, 0, 0 FROM n;"
    "INSERT INTO device_versions (device_id, module, version, reported_at) "
    "SELECT id, 'default', CASE WHEN id %% 2 THEN '1.0' ELSE '1.1' END, 0 FROM devices;"
    "INSERT INTO module_versions (product_key, module, version, devices) "
    "SELECT 'bench', 'default', version, count(*) FROM device_versions GROUP BY version;"
    "INSERT INTO firmwares (id, product_key, name, type, version, module, sign_algorithm, file_name, "
    "size, digest, blob_sha256, status, created_at) VALUES (1, 'bench', 'fw', 'full', '2.0', "
    "'default', 'md5', 'fw.bin', 1, '00', '00', 'verified', 0);"
    "INSERT INTO firmware_sources (firmware_id, position, version) VALUES (1, 0, '1.0'), (1, 1, '1.1');",
    n);

  bench_exec_setup (engine, sql);
}

char *
bench_build_template (const char *dir,
                      guint       n)
{
  char *template_path = g_build_filename (dir, "template.db", NULL);
  g_autoptr(OtaEngine) engine = bench_open_engine (template_path, NULL);
  BenchTimer timer;

  bench_timer_start (&timer);
  bench_build_fleet (engine, n);
  g_print ("# built %u devices in %.1f s\n", n, bench_timer_stop (&timer, NULL));
  return template_path;
}

OtaEngine *
bench_open_copy (const char     *template_path,
                 const char     *db_path,
                 OtaManualClock *clock)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) source = g_file_new_for_path (template_path);
  g_autoptr(GFile) target = g_file_new_for_path (db_path);

  g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return bench_open_engine (db_path, clock);
}

void
bench_import_fleet (OtaEngine  *engine,
                    const char *product,
                    guint       n)
{
  g_autoptr(GError) error = NULL;
  OtaProductSpec product_spec = { .key = product, .name = product };
  g_autoptr(OtaProduct) added = ota_engine_add_product (engine, &product_spec, &error);
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autoptr(GInputStream) stream = NULL;
  OtaImportResult result = { 0 };

  g_assert_no_error (error);
  g_string_append_printf (csv, "%s,verifier,,,default=1.0,yes\n", product);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "%s,dev-%07u,,,default=1.0,yes\n", product, i);

  stream = g_memory_input_stream_new_from_data (csv->str, (gssize) csv->len, NULL);
  ota_engine_import_devices_csv (engine, stream, &result, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, n + 1);
}

OtaFirmware *
bench_add_verified_firmware (OtaEngine  *engine,
                             const char *product,
                             const char *dir,
                             const char *contents,
                             gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "fw.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(OtaBatch) verification = NULL;
  const char *sources[] = { "1.0", NULL };
  const char *devices[] = { "verifier", NULL };
  OtaFirmwareSpec spec = {
    .product_key = product,
    .name = "fw",
    .type = OTA_FIRMWARE_TYPE_FULL,
    .version = "2.0",
    .source_versions = sources,
    .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
  };
  OtaVerifySpec verify = { .source_versions = sources, .devices = devices, .timeout_minutes = 60 };
  OtaDeviceEvent progress = {
    .kind = OTA_DEVICE_EVENT_PROGRESS,
    .product_key = product,
    .device_name = "verifier",
    .step = 100,
  };
  OtaDeviceEvent done = {
    .kind = OTA_DEVICE_EVENT_VERSION,
    .product_key = product,
    .device_name = "verifier",
    .version = "2.0",
  };
  OtaFirmware *firmware;

  g_file_set_contents (path, contents, (gssize) length, &error);
  g_assert_no_error (error);
  firmware = ota_engine_add_firmware (engine, &spec, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  verify.firmware_id = ota_firmware_get_id (firmware);
  verification = ota_engine_start_verification (engine, &verify, &error);
  g_assert_no_error (error);
  ota_engine_apply_device_event (engine, &progress, &error);
  g_assert_no_error (error);
  ota_engine_apply_device_event (engine, &done, &error);
  g_assert_no_error (error);

  return firmware;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_median (double *values,
              guint   n)
{
  g_return_val_if_fail (n > 0, 0);

  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double
bench_percentile (double *values,
                  guint   n,
                  double  p)
{
  double exact = p / 100.0 * n;
  guint rank = (guint) exact;

  g_return_val_if_fail (n > 0, 0);

  qsort (values, n, sizeof *values, compare_doubles);
  if (rank < exact)
    rank++;
  return values[CLAMP (rank, 1, n) - 1];
}

/* If the benchmark dies (a failed assertion aborts it), its server goes too. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocess *
bench_start_server (const char *db_path,
                    guint      *port)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *binary = g_getenv ("OTA_SERVER_BIN");
  const char *colon;

  g_assert_nonnull (binary);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, binary, "--db", db_path, "--listen", "127.0.0.1",
                                        "--port", "0", "--no-broker", NULL);
  g_assert_no_error (error);

  /* "listening on http://127.0.0.1:PORT" once the socket is bound. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  colon = strrchr (line, ':');
  g_assert_nonnull (colon);
  *port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  g_assert_cmpuint (*port, >, 0);

  return g_steal_pointer (&server);
}

void
bench_stop_server (GSubprocess *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (server);
}
