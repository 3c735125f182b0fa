/* bench-console-batch.c — the console's batch page on a 1,000,000-task batch (R-D2 at
 * scale), in a real window under Xvfb
 *
 * Targets: the first rows on screen (loaded and drawn) under 1 s after the page was
 * made; scrolling (the column view's vadjustment moved to 10 %, 25 %, 50 %, 75 % and the
 * end) until the rows shown there are loaded and drawn, under 200 ms per step; filtering
 * by a status the same, under 200 ms; peak memory (VmHWM) under 300 MB. The batch is
 * written with set-based SQL by a child process (`--build PATH`), so its SQLite memory
 * does not count. Prints the numbers; exits 1 when a target is missed. `--db PATH`
 * measures again on a database made before with `--build PATH`; OTA_BENCH_TRACE=1
 * prints when each step's frames, queries and model changes happened.
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "ota-batch-page-private.h"
#include "ota-cell-label.h"
#include "ota-local-backend.h"

#define N_TASKS          1000000
#define FIRST_TARGET_MS  1000.0
#define STEP_TARGET_MS   200.0
#define RSS_TARGET_MB    300.0
/* Rows that must be on screen for a step to count as done. */
#define MIN_ROWS_SHOWN   10
/* 2026-01-01 00:00:00 UTC */
#define EPOCH            G_GINT64_CONSTANT (1767225600000000)

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* ---- The database (child process) ------------------------------------------------ */

/* One product, N_TASKS devices named out of id order, one running batch with a task
 * per device in a mix of statuses as in the middle of a big rollout. */
static int
build_database (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (EPOCH);
  g_autoptr(OtaEngine) engine = ota_engine_new (db_path, OTA_CLOCK (clock), &error);
  OtaProductSpec spec = { .key = "bench", .name = "Bench" };
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaTransaction) tx = NULL;
  g_autofree char *sql = NULL;
  OtaStore *store;

  g_assert_no_error (error);
  store = ota_engine_get_store (engine);
  product = ota_engine_add_product (engine, &spec, &error);
  g_assert_no_error (error);
  tx = ota_transaction_begin (store, &error);
  g_assert_no_error (error);

  /* i·7919 mod 1000003 (a prime) permutes the names; a multiplicative hash spreads the
   * statuses: 60 % succeeded, 8 % failed, 12 % pending push, 8 % pushed, 7 % upgrading,
   * 3 % cancelled, 2 % waiting for confirmation. */
  sql = g_strdup_printf (
    "INSERT OR IGNORE INTO modules (product_key, name, created_at) VALUES ('bench', 'default', 0);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO devices (id, product_key, name, online, created_at, updated_at) "
    "SELECT i, 'bench', printf ('dev-%%08d', (i * 7919) %% 1000003), i %% 3 > 0, 0, 0 FROM n;"
    "INSERT INTO firmwares (id, product_key, name, type, version, module, sign_algorithm, file_name, "
    "size, digest, blob_sha256, created_at) VALUES (1, 'bench', 'fw', 'full', '2.0', 'default', "
    "'md5', 'fw.bin', 1, '00', '00', %" G_GINT64_FORMAT ");"
    "INSERT INTO batches (id, firmware_id, kind, strategy, scope, push_rate, timeout_minutes, state, "
    "created_at, started_at) VALUES (1, 1, 'batch', 'static', 'all', 1000, 60, 'running', "
    "%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ");"
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
    "  %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " + i * 1000 FROM m;"
    "UPDATE batches SET "
    "  n_pending_confirm = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pending-confirm'),"
    "  n_pending_push = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pending-push'),"
    "  n_pushed = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pushed'),"
    "  n_upgrading = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'upgrading'),"
    "  n_succeeded = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'succeeded'),"
    "  n_failed = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'failed'),"
    "  n_cancelled = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'cancelled') "
    "WHERE id = 1;",
    N_TASKS, EPOCH, EPOCH, EPOCH, N_TASKS, EPOCH, EPOCH);

  ota_store_exec (store, sql, &error);
  g_assert_no_error (error);
  ota_transaction_commit (tx, &error);
  g_assert_no_error (error);
  return EXIT_SUCCESS;
}

/* ---- Waiting for what is on screen --------------------------------------------------- */

/* ---- OTA_BENCH_TRACE=1: when each step's frames, queries and changes happened ---- */

static gint64 trace_start;

static void
trace (const char *what)
{
  g_printerr ("#   %7.1f ms  %s\n", (g_get_monotonic_time () - trace_start) / 1000.0, what);
}

static void
trace_clock (GdkFrameClock *clock,
             const char    *phase)
{
  trace (phase);
}

static void
trace_query (GObject    *model,
             GParamSpec *pspec,
             gpointer    user_data)
{
  trace ("query sent");
}

static void
trace_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  g_autofree char *what = g_strdup_printf ("items-changed at %u: -%u +%u", position, removed, added);

  trace (what);
}

static void
trace_start_step (OtaBatchPage *page,
                  gint64        start)
{
  static gboolean connected;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (page));

  if (g_getenv ("OTA_BENCH_TRACE") == NULL)
    return;
  trace_start = start;
  if (connected || clock == NULL)
    return;

  connected = TRUE;
  g_signal_connect (clock, "layout", G_CALLBACK (trace_clock), (gpointer) "layout");
  g_signal_connect (clock, "after-paint", G_CALLBACK (trace_clock), (gpointer) "painted");
  g_signal_connect (page->task_model, "notify::n-queries", G_CALLBACK (trace_query), NULL);
  g_signal_connect (page->task_model, "items-changed", G_CALLBACK (trace_items_changed), NULL);
}

static gboolean
heartbeat (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* The device labels (OtaCellLabel) of the rows the column view shows inside its
 * viewport: @n_shown of them, @n_empty not loaded yet. Rows are found by their CSS name,
 * cells in column order (the device is the first). */
static void
count_rows (GtkWidget *widget,
            GtkWidget *viewport,
            guint     *n_shown,
            guint     *n_empty)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;

      if (g_str_equal (gtk_widget_get_css_name (child), "row") &&
          gtk_widget_get_first_child (child) != NULL)
        {
          GtkWidget *cell = gtk_widget_get_first_child (child);
          GtkWidget *label = gtk_widget_get_first_child (cell);
          graphene_rect_t bounds;

          if (!OTA_IS_CELL_LABEL (label) || !gtk_widget_compute_bounds (child, viewport, &bounds) ||
              bounds.origin.y + bounds.size.height <= 0 ||
              bounds.origin.y >= gtk_widget_get_height (viewport))
            continue;
          (*n_shown)++;
          if (*ota_cell_label_get_text (OTA_CELL_LABEL (label)) == '\0')
            (*n_empty)++;
        }
      else
        count_rows (child, viewport, n_shown, n_empty);
    }
}

static gboolean
rows_on_screen (OtaBatchPage *page)
{
  GtkWidget *viewport = gtk_widget_get_parent (GTK_WIDGET (page->column_view));
  guint n_shown = 0, n_empty = 0;

  if (ota_task_list_model_get_loading (page->task_model))
    return FALSE;
  count_rows (GTK_WIDGET (page->column_view), viewport, &n_shown, &n_empty);
  return n_shown >= MIN_ROWS_SHOWN && n_empty == 0;
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Milliseconds from @start until the rows in view are loaded and a frame with them was
 * painted; -1 when that did not happen within 60 s. */
static double
wait_shown (OtaBatchPage *page,
            gint64        start)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (page));
  guint beat = g_timeout_add (5, heartbeat, NULL);
  gboolean painted = FALSE;
  gulong id;
  double ms = -1;

  trace_start_step (page, start);

  while (g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    {
      if (rows_on_screen (page))
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  /* The frame that draws them. */
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (page));
  while (!painted && g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
  g_source_remove (beat);

  if (painted && rows_on_screen (page))
    ms = (g_get_monotonic_time () - start) / 1000.0;
  return ms;
}

static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

/* Wall time against the target, and the CPU time of the whole process (worker threads
 * included) since @cpu_start: other processes on the machine add to the first only. */
static gboolean
report (const char *what,
        double      ms,
        double      cpu_start,
        double      target)
{
  gboolean missed = ms < 0 || ms >= target;

  g_print ("%s %-30s %8.1f ms (CPU %6.1f ms)   (target < %.0f ms)\n", missed ? "MISSED" : "#", what, ms,
           (bench_cpu_seconds () - cpu_start) * 1000.0, target);
  return !missed;
}

static gboolean
run_page (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (EPOCH);
  g_autoptr(OtaEngine) engine = ota_engine_new (db_path, OTA_CLOCK (clock), &error);
  g_autoptr(OtaBackend) backend = NULL;
  static const double fractions[] = { 0.10, 0.25, 0.50, 0.75, 1.0 };
  GtkWindow *window;
  OtaBatchPage *page;
  GtkAdjustment *adjustment;
  gboolean ok = TRUE;
  double rss, cpu;
  gint64 start;

  g_assert_no_error (error);
  backend = ota_local_backend_new (engine);

  /* The window first, as in the console: the page arrives in a running UI. */
  window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (window, 1280, 800);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  g_print ("# load average %.2f\n", bench_load_average ());
  start = g_get_monotonic_time ();
  cpu = bench_cpu_seconds ();
  page = OTA_BATCH_PAGE (ota_batch_page_new (backend, 1));
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (page));
  ok &= report ("first rows on screen", wait_shown (page, start), cpu, FIRST_TARGET_MS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->task_model)), ==, N_TASKS);

  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (page->column_view));
  for (guint i = 0; i < G_N_ELEMENTS (fractions); i++)
    {
      g_autofree char *what = g_strdup_printf ("scroll to %.0f %%", fractions[i] * 100);
      double upper;

      start = g_get_monotonic_time ();
      cpu = bench_cpu_seconds ();
      upper = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
      gtk_adjustment_set_value (adjustment, upper * fractions[i]);
      ok &= report (what, wait_shown (page, start), cpu, STEP_TARGET_MS);
    }

  start = g_get_monotonic_time ();
  cpu = bench_cpu_seconds ();
  gtk_drop_down_set_selected (page->status_dropdown, 1 + OTA_TASK_STATUS_FAILED);
  ok &= report ("filter by status (failed)", wait_shown (page, start), cpu, STEP_TARGET_MS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->task_model)), <, N_TASKS / 5);
  g_print ("# %-30s %8u queries\n", "task model", ota_task_list_model_get_n_queries (page->task_model));

  rss = peak_rss_mb ();
  g_print ("%s %-30s %8.1f MB   (target < %.0f MB)\n", rss < RSS_TARGET_MB ? "#" : "MISSED",
           "peak memory (VmHWM)", rss, RSS_TARGET_MB);
  ok &= rss >= 0 && rss < RSS_TARGET_MB;

  gtk_window_destroy (window);
  while (G_OBJECT (backend)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  int status = 0;
  gint64 start;
  gboolean ok;

  if (argc == 3 && g_str_equal (argv[1], "--build"))
    return build_database (argv[2]);

  /* --db PATH: a database made before with --build (to measure again quickly). */
  if (argc == 3 && g_str_equal (argv[1], "--db"))
    db_path = g_strdup (argv[2]);
  else
    {
      dir = g_dir_make_tmp ("ota-bench-console-XXXXXX", &error);
      g_assert_no_error (error);
      db_path = g_build_filename (dir, "ota.db", NULL);
    }

  start = g_get_monotonic_time ();
  if (dir != NULL)
  {
    const char *child[] = { argv[0], "--build", db_path, NULL };

    g_spawn_sync (NULL, (char **) child, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_print ("# built %d devices and tasks in %.1f s\n", N_TASKS, (g_get_monotonic_time () - start) / 1e6);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 77;
    }
  adw_init ();

  ok = run_page (db_path);

  if (dir != NULL)
    remove_tree (dir);

  g_print ("%s: batch page of %d tasks\n", ok ? "PASS" : "FAIL", N_TASKS);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
