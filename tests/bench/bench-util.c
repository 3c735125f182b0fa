/* bench-util.c — what the benchmarks share */
#include <glib/gstdio.h>
#include <stdlib.h>
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

void
bench_build_fleet (OtaEngine *engine,
                   guint      n)
{
  g_autoptr(GError) error = NULL;
  OtaStore *store = ota_engine_get_store (engine);
  OtaProductSpec spec = { .key = "bench", .name = "Bench" };
  g_autoptr(OtaProduct) product = ota_engine_add_product (engine, &spec, &error);
  g_autoptr(OtaTransaction) tx = NULL;
  g_autofree char *sql = NULL;

  g_assert_no_error (error);
  tx = ota_transaction_begin (store, &error);
  g_assert_no_error (error);

  /* i·7919 mod 1000003 (a prime) is a permutation: names are unique and unordered. */
  sql = g_strdup_printf (
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

  ota_store_exec (store, sql, &error);
  g_assert_no_error (error);
  ota_transaction_commit (tx, &error);
  g_assert_no_error (error);
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
