/* bench-create-batch.c — creating a static batch over 1,000,000 devices (R-B7 at scale)
 *
 * Target: ota_engine_create_batch() of a static batch, scope all, push rate 1000, over a
 * product of 1,000,000 devices that all report a source version, under 2 s — matching,
 * a task per device, the audit entry, the commit and the first push pass (1000 notices)
 * included. The devices are written with set-based SQL and the firmware is marked
 * verified directly (setup, not timed). The forecast of the same batch is printed too,
 * without a target. Exits 1 when the target is missed.
 */
#include <glib/gstdio.h>

#include <ota.h>

#define N_DEVICES 1000000
#define PUSH_RATE 1000
#define TARGET_S 2.0

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_remove (child);
    }
  g_rmdir (path);
}

/* N_DEVICES devices of product "bench", two thirds online, half on 1.0 and half on 1.1;
 * firmware 1 (1.0, 1.1 → 2.0) verified. */
static void
build_fleet (OtaEngine *engine)
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

  sql = g_strdup_printf (
    "INSERT OR IGNORE INTO modules (product_key, name, created_at) VALUES ('bench', 'default', 0);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
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
    N_DEVICES);

  ota_store_exec (store, sql, &error);
  g_assert_no_error (error);
  ota_transaction_commit (tx, &error);
  g_assert_no_error (error);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-bench-batch-XXXXXX", &error);
  g_autofree char *db_path = NULL;
  g_autoptr(OtaManualClock) clock = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  OtaBatchForecast forecast;
  double forecast_s, create_s;
  gint64 start;
  gboolean ok;

  g_assert_no_error (error);
  db_path = g_build_filename (dir, "ota.db", NULL);
  clock = ota_manual_clock_new (G_GINT64_CONSTANT (1767225600000000));

  engine = ota_engine_new (db_path, OTA_CLOCK (clock), &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  build_fleet (engine);
  g_print ("# built %d devices in %.1f s\n", N_DEVICES, (g_get_monotonic_time () - start) / 1e6);

  spec.firmware_id = 1;
  spec.push_rate = PUSH_RATE;

  start = g_get_monotonic_time ();
  ota_engine_forecast_batch (engine, &spec, &forecast, &error);
  forecast_s = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (error);
  g_assert_cmpuint (forecast.matched, ==, N_DEVICES);
  g_print ("# forecast: %" G_GUINT64_FORMAT " devices, %" G_GUINT64_FORMAT " offline, "
           "pushing takes %" G_GINT64_FORMAT " min; %.2f s (no target)\n",
           forecast.matched, forecast.offline, forecast.push_duration_us / G_TIME_SPAN_MINUTE,
           forecast_s);

  start = g_get_monotonic_time ();
  batch = ota_engine_create_batch (engine, &spec, &error);
  create_s = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (error);

  g_assert_cmpuint (ota_batch_get_total (batch), ==, N_DEVICES);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED), ==, PUSH_RATE);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_PUSH), ==, N_DEVICES - PUSH_RATE);

  ok = create_s < TARGET_S;
  g_print ("%s create static batch over %d devices: %.2f s (target < %.1f s)\n",
           ok ? "#" : "MISSED", N_DEVICES, create_s, TARGET_S);

  g_clear_object (&batch);
  g_clear_object (&engine);
  remove_dir (dir);

  return ok ? 0 : 1;
}
