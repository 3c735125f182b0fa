/* bench-scheduled-start.c — a scheduled batch of 1,000,000 tasks reaching its start (R-B11
 * at scale)
 *
 * A static batch, scope all, push rate 1000, over 1,000,000 devices, scheduled one hour
 * ahead on a manual clock and fully enrolled (setup, not timed: every task is
 * pending-push/scheduled). The clock then moves past the start and ota_engine_run_due()
 * is timed until no task is left "scheduled": the first window's worth of online devices
 * pushed (1000 notices), the other online ones pending-push/rate-limited, the offline
 * ones pending-push/offline. Target: a few seconds (under 5 s, the median).
 *
 * Three rounds, each on a fresh copy of the same database; wall and CPU time of each,
 * then the best and the median, and the peak RSS. Exits 1 when the median misses the
 * target. Optional arguments: the number of devices, the number of rounds.
 */
#include <gio/gio.h>
#include <stdlib.h>

#include "bench-util.h"

#define DEFAULT_DEVICES 1000000
#define PUSH_RATE 1000
#define TARGET_S 5.0
#define MAX_ROUNDS 9

/* Counts the notices handed to the device link. */
G_DECLARE_FINAL_TYPE (CountingLink, counting_link, COUNTING, LINK, GObject)

struct _CountingLink {
  GObject parent_instance;
  guint   n_notices;
};

static void counting_link_iface_init (OtaDeviceLinkInterface *iface);

G_DEFINE_TYPE_WITH_CODE (CountingLink, counting_link, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (OTA_TYPE_DEVICE_LINK, counting_link_iface_init))

static void
counting_link_send_notice (OtaDeviceLink          *link,
                           const OtaUpgradeNotice *notice)
{
  COUNTING_LINK (link)->n_notices++;
}

static void
counting_link_iface_init (OtaDeviceLinkInterface *iface)
{
  iface->send_notice = counting_link_send_notice;
}

static void
counting_link_class_init (CountingLinkClass *klass)
{
}

static void
counting_link_init (CountingLink *self)
{
}

/* The tasks of @batch_id still pending-push/scheduled, and those with @reason. */
static guint64
count_tasks (OtaEngine  *engine,
             gint64      batch_id,
             const char *reason)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  sqlite3_stmt *stmt = NULL;
  guint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM tasks WHERE batch_id = ? "
                                       "AND status = 'pending-push' AND reason = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static double
run_round (const char *template_path,
           const char *db_path,
           guint       n_devices,
           double     *cpu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (BENCH_EPOCH);
  g_autoptr(OtaEngine) engine = bench_open_copy (template_path, db_path, clock);
  g_autoptr(CountingLink) link = g_object_new (counting_link_get_type (), NULL);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) started = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  BenchTimer timer;
  guint n_online = n_devices - n_devices / 3, n_pushed = MIN (PUSH_RATE, n_online);
  gint64 batch_id;
  double seconds;

  spec.firmware_id = 1;
  spec.push_rate = PUSH_RATE;
  spec.schedule_start = BENCH_EPOCH + G_TIME_SPAN_HOUR;
  batch = ota_engine_create_batch (engine, &spec, &error);
  g_assert_no_error (error);
  batch_id = ota_batch_get_id (batch);
  ota_engine_run_due (engine, &error);   /* the enrolment of the rest */
  g_assert_no_error (error);
  g_assert_cmpuint (count_tasks (engine, batch_id, "scheduled"), ==, n_devices);

  ota_engine_set_device_link (engine, OTA_DEVICE_LINK (link));
  ota_manual_clock_advance (clock, G_TIME_SPAN_HOUR + G_TIME_SPAN_SECOND);

  bench_timer_start (&timer);
  ota_engine_run_due (engine, &error);
  seconds = bench_timer_stop (&timer, cpu);
  g_assert_no_error (error);

  /* R-S2, R-B12: one window's worth pushed, the rest waiting (offline or for the rate). */
  started = ota_engine_get_batch (engine, batch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_state (started), ==, OTA_BATCH_STATE_RUNNING);
  g_assert_cmpuint (count_tasks (engine, batch_id, "scheduled"), ==, 0);
  g_assert_cmpuint (link->n_notices, ==, n_pushed);
  g_assert_cmpuint (ota_batch_get_count (started, OTA_TASK_STATUS_PUSHED), ==, n_pushed);
  g_assert_cmpuint (ota_batch_get_count (started, OTA_TASK_STATUS_PENDING_PUSH), ==, n_devices - n_pushed);
  g_assert_cmpuint (count_tasks (engine, batch_id, "offline"), ==, n_devices / 3);
  g_assert_cmpuint (count_tasks (engine, batch_id, "rate-limited"), ==, n_online - n_pushed);

  g_print ("# round: start %.2f s (CPU %.2f s), %u notices, peak RSS so far %.0f MB, load %.2f\n",
           seconds, *cpu, link->n_notices, bench_peak_rss_mb (), bench_load_average ());
  return seconds;
}

int
main (int   argc,
      char *argv[])
{
  guint n_devices = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_DEVICES;
  guint rounds = argc > 2 ? CLAMP ((guint) g_ascii_strtoull (argv[2], NULL, 10), 1, MAX_ROUNDS) : 3;
  g_autofree char *dir = bench_make_dir ("ota-bench-scheduled-XXXXXX");
  g_autofree char *template_path = bench_build_template (dir, n_devices);
  g_autofree char *db_path = g_build_filename (dir, "ota.db", NULL);
  double wall[MAX_ROUNDS], cpu[MAX_ROUNDS], best = G_MAXDOUBLE, median;
  gboolean ok;

  for (guint i = 0; i < rounds; i++)
    {
      wall[i] = run_round (template_path, db_path, n_devices, &cpu[i]);
      best = MIN (best, wall[i]);
    }

  median = bench_median (wall, rounds);
  ok = median < TARGET_S * MAX (n_devices, 1) / 1e6;
  g_print ("%s start a scheduled batch of %u tasks: best %.2f s, median %.2f s "
           "(CPU median %.2f s; target < %.1f s), peak RSS %.0f MB\n",
           ok ? "#" : "MISSED", n_devices, best, median, bench_median (cpu, rounds), TARGET_S,
           bench_peak_rss_mb ());

  bench_remove_dir (dir);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
