/* bench-task-queries.c — pages of a 1,000,000-task batch's device list (R-D2 at scale)
 *
 * Target: page 1 and a page deep inside (offset 500,000) of the list filtered by a
 * status and sorted by device name, and of the whole list sorted by status or by device
 * name, each under 50 ms. The batch is written with set-based SQL (the engine's batch
 * creation is not what is measured here). Each query runs once on a freshly opened
 * engine (empty SQLite cache) and then five times; the target applies to the median,
 * the first run is printed too. Sorting by last change or progress, a search and the
 * failure groups are printed without a target. Exits 1 when a target is missed.
 */
#include <stdlib.h>

#include "bench-util.h"

#define N_TASKS 1000000
#define TARGET_MS 50.0
#define PAGE 50

/* One product, N_TASKS devices named out of id order, one running batch with a task per
 * device in a mix of statuses as in the middle of a big rollout. */
static gint64
build_batch (OtaEngine *engine)
{
  /* i·7919 mod 1000003 (a prime) is a permutation: names are unique and unordered. */
  g_autofree char *sql = g_strdup_printf (
    "INSERT OR IGNORE INTO modules (product_key, name, created_at) VALUES ('bench', 'default', 0);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO devices (id, product_key, name, online, created_at, updated_at) "
    "SELECT i, 'bench', printf ('dev-%%08d', (i * 7919) %% 1000003), i %% 3 > 0, 0, 0 FROM n;"
    "INSERT INTO firmwares (id, product_key, name, type, version, module, sign_algorithm, file_name, "
    "size, digest, blob_sha256, created_at) VALUES (1, 'bench', 'fw', 'full', '2.0', 'default', "
    "'md5', 'fw.bin', 1, '00', '00', 0);"
    "INSERT INTO batches (id, firmware_id, kind, strategy, scope, push_rate, timeout_minutes, state, "
    "created_at) VALUES (1, 1, 'batch', 'static', 'all', 1000, 60, 'running', 0);"
    /* 60 %% succeeded, 8 %% failed, 12 %% pending-push, 8 %% pushed, 7 %% upgrading,
     * 3 %% cancelled, 2 %% pending-confirm; spread by a hash so statuses interleave. */
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d), "
    "m(i, h) AS (SELECT i, (i * 2654435761) %% 4294967296 %% 100 FROM n) "
    "INSERT INTO tasks (batch_id, device_id, device_name, status, reason, error_code, progress, "
    "source_version, current_version, tries, created_at, updated_at) "
    "SELECT 1, i, printf ('dev-%%08d', (i * 7919) %% 1000003), "
    "  CASE WHEN h < 60 THEN 'succeeded' WHEN h < 68 THEN 'failed' WHEN h < 80 THEN 'pending-push' "
    "       WHEN h < 88 THEN 'pushed' WHEN h < 95 THEN 'upgrading' WHEN h < 98 THEN 'cancelled' "
    "       ELSE 'pending-confirm' END, "
    "  CASE WHEN h < 60 THEN NULL WHEN h < 62 THEN 'timeout' WHEN h < 68 THEN 'download-failed' "
    "       WHEN h < 80 THEN (CASE WHEN i %% 3 = 0 THEN 'offline' ELSE 'rate-limited' END) "
    "       WHEN h < 95 THEN NULL WHEN h < 98 THEN 'cancelled' ELSE NULL END, "
    "  CASE WHEN h >= 62 AND h < 68 THEN -2 END, "
    "  CASE WHEN h < 60 THEN 100 WHEN h < 95 AND h >= 88 THEN i %% 100 ELSE 0 END, "
    "  '1.0', CASE WHEN h < 60 THEN '2.0' ELSE '1.0' END, CASE WHEN h < 80 AND h >= 68 THEN 0 ELSE 1 END, "
    "  0, i * 1000 %% 86400000000 FROM m;"
    "UPDATE batches SET "
    "  n_pending_confirm = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pending-confirm'),"
    "  n_pending_push = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pending-push'),"
    "  n_pushed = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pushed'),"
    "  n_upgrading = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'upgrading'),"
    "  n_succeeded = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'succeeded'),"
    "  n_failed = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'failed'),"
    "  n_cancelled = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'cancelled') "
    "WHERE id = 1;",
    N_TASKS, N_TASKS);

  bench_exec_setup (engine, sql);
  return 1;
}

typedef struct {
  const char  *what;
  int          status;
  OtaTaskSort  sort;
  gboolean     descending;
  guint        offset;
  const char  *search;
  gboolean     target;     /* the 50 ms target applies */
} Case;

static const Case cases[] = {
  { "succeeded by name, page 1", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_SORT_DEVICE, FALSE, 0, NULL, TRUE },
  { "succeeded by name, offset 300,000", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_SORT_DEVICE, FALSE, 300000, NULL, TRUE },
  { "succeeded by name, offset 500,000", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_SORT_DEVICE, FALSE, 500000, NULL, TRUE },
  { "failed by name desc, offset 40,000", OTA_TASK_STATUS_FAILED, OTA_TASK_SORT_DEVICE, TRUE, 40000, NULL, TRUE },
  { "all by status, page 1", -1, OTA_TASK_SORT_STATUS, FALSE, 0, NULL, TRUE },
  { "all by status, offset 500,000", -1, OTA_TASK_SORT_STATUS, FALSE, 500000, NULL, TRUE },
  { "all by status desc, offset 500,000", -1, OTA_TASK_SORT_STATUS, TRUE, 500000, NULL, TRUE },
  { "all by name, offset 500,000", -1, OTA_TASK_SORT_DEVICE, FALSE, 500000, NULL, TRUE },
  { "all by last change, offset 500,000", -1, OTA_TASK_SORT_UPDATED, FALSE, 500000, NULL, FALSE },
  { "all by progress desc, offset 500,000", -1, OTA_TASK_SORT_PROGRESS, TRUE, 500000, NULL, FALSE },
  { "pushed by last change, offset 40,000", OTA_TASK_STATUS_PUSHED, OTA_TASK_SORT_UPDATED, FALSE, 40000, NULL, FALSE },
  { "search \"0012\" by name, page 1", -1, OTA_TASK_SORT_DEVICE, FALSE, 0, "0012", FALSE },
};

static double
run_case (OtaEngine  *engine,
          const Case *c)
{
  g_autoptr(GError) error = NULL;
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  g_autoptr(GPtrArray) tasks = NULL;
  guint64 total = 0;
  gint64 start;

  query.status = c->status;
  query.sort = c->sort;
  query.descending = c->descending;
  query.offset = c->offset;
  query.limit = PAGE;
  query.search = c->search;

  start = g_get_monotonic_time ();
  tasks = ota_engine_query_tasks (engine, 1, &query, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, MIN (PAGE, total > c->offset ? total - c->offset : 0));
  if (c->offset == 0 || c->search == NULL)
    g_assert_cmpuint (tasks->len, ==, PAGE);

  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = bench_make_dir ("ota-bench-tasks-XXXXXX");
  g_autofree char *db_path = g_build_filename (dir, "ota.db", NULL);
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (BENCH_EPOCH);
  g_autoptr(OtaEngine) engine = bench_open_engine (db_path, clock);
  g_autoptr(GArray) groups = NULL;
  gint64 start;
  gboolean ok = TRUE;

  start = g_get_monotonic_time ();
  build_batch (engine);
  g_print ("# built %d devices and tasks in %.1f s\n", N_TASKS, (g_get_monotonic_time () - start) / 1e6);

  /* A fresh connection: the first query of each kind meets an empty SQLite cache. */
  g_clear_object (&engine);
  engine = bench_open_engine (db_path, clock);

  g_print ("# %-40s %10s %10s\n", "page of 50", "first ms", "median ms");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double first = run_case (engine, &cases[i]);
      double runs[5], median;
      gboolean missed;

      for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
        runs[r] = run_case (engine, &cases[i]);
      median = bench_median (runs, G_N_ELEMENTS (runs));

      missed = cases[i].target && median >= TARGET_MS;
      ok = ok && !missed;
      g_print ("%s %-40s %10.1f %10.1f%s\n", missed ? "MISSED" : "#",
               cases[i].what, first, median, cases[i].target ? "" : "   (no target)");
    }

  start = g_get_monotonic_time ();
  groups = ota_engine_count_failures (engine, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 2);
  g_print ("# %-40s %10.1f            (no target)\n", "failure groups", (g_get_monotonic_time () - start) / 1000.0);

  g_clear_object (&engine);
  bench_remove_dir (dir);

  g_print ("%s: task list pages under %.0f ms\n", ok ? "PASS" : "FAIL", TARGET_MS);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
