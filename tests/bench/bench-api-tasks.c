/* bench-api-tasks.c — the API's task list of a 1,000,000-task batch, over HTTP
 *
 * GET /api/v1/batches/{id}/tasks?… from the real ota-server binary (HTTP on 127.0.0.1,
 * no broker) over a database with a batch of 1,000,000 tasks in a mix of statuses, as in
 * the middle of a big rollout. Measured from sending the request until the whole JSON
 * answer (50 tasks and the total) was read, on one kept-alive connection: the first
 * page, a deep offset, the last page, a status filter (page 1 and deep), a search, and
 * the status sort. Target (issue 6): every page under 100 ms. Each query runs once on
 * the freshly started server (empty SQLite cache: printed) and then five times; the
 * target applies to the median. Exits 1 when a target is missed.
 *
 * The devices come from bench_build_fleet(); the batch and its tasks are written with
 * set-based SQL (what bench-task-queries does): setup, not what is measured.
 */
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdlib.h>

#include "bench-util.h"

#define N_TASKS 1000000
#define PAGE 50
#define RUNS 5
#define TARGET_MS 100.0

/* Batch 1 of firmware 1 over every device of bench_build_fleet(): 60 % succeeded, 8 %
 * failed, 12 % pending-push, 8 % pushed, 7 % upgrading, 3 % cancelled, 2 %
 * pending-confirm, spread by a hash so statuses interleave in name order. */
static void
build_batch (OtaEngine *engine)
{
  g_autoptr(GError) error = NULL;
  OtaStore *store = ota_engine_get_store (engine);
  g_autoptr(OtaTransaction) tx = ota_transaction_begin (store, &error);

  g_assert_no_error (error);
  ota_store_exec (store,
    "INSERT INTO batches (id, firmware_id, kind, strategy, scope, push_rate, timeout_minutes, state, "
    "created_at) VALUES (1, 1, 'batch', 'static', 'all', 1000, 60, 'running', 0);"
    "INSERT INTO tasks (batch_id, device_id, device_name, status, reason, error_code, progress, "
    "source_version, current_version, tries, created_at, updated_at) "
    "SELECT 1, id, name, "
    "  CASE WHEN h < 60 THEN 'succeeded' WHEN h < 68 THEN 'failed' WHEN h < 80 THEN 'pending-push' "
    "       WHEN h < 88 THEN 'pushed' WHEN h < 95 THEN 'upgrading' WHEN h < 98 THEN 'cancelled' "
    "       ELSE 'pending-confirm' END, "
    "  CASE WHEN h < 60 THEN NULL WHEN h < 62 THEN 'timeout' WHEN h < 68 THEN 'download-failed' "
    "       WHEN h < 80 THEN (CASE WHEN id % 3 = 0 THEN 'offline' ELSE 'rate-limited' END) "
    "       WHEN h < 95 THEN NULL WHEN h < 98 THEN 'cancelled' ELSE NULL END, "
    "  CASE WHEN h >= 62 AND h < 68 THEN -2 END, "
    "  CASE WHEN h < 60 THEN 100 WHEN h < 95 AND h >= 88 THEN id % 100 ELSE 0 END, "
    "  '1.0', CASE WHEN h < 60 THEN '2.0' ELSE '1.0' END, CASE WHEN h < 80 AND h >= 68 THEN 0 ELSE 1 END, "
    "  0, id * 1000 % 86400000000 "
    "FROM (SELECT id, name, (id * 2654435761) % 4294967296 % 100 AS h FROM devices ORDER BY id);"
    "UPDATE batches SET "
    "  n_pending_confirm = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pending-confirm'),"
    "  n_pending_push = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pending-push'),"
    "  n_pushed = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'pushed'),"
    "  n_upgrading = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'upgrading'),"
    "  n_succeeded = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'succeeded'),"
    "  n_failed = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'failed'),"
    "  n_cancelled = (SELECT count(*) FROM tasks WHERE batch_id = 1 AND status = 'cancelled') "
    "WHERE id = 1;",
    &error);
  g_assert_no_error (error);
  ota_transaction_commit (tx, &error);
  g_assert_no_error (error);
}

typedef struct {
  const char *what;
  const char *query;       /* after "?", without limit */
  guint       expect;      /* items on the page */
} Case;

static const Case cases[] = {
  { "page 1 (by device name)", "offset=0", PAGE },
  { "offset 500,000", "offset=500000", PAGE },
  { "last page (offset 999,950)", "offset=999950", PAGE },
  { "status failed, page 1", "status=failed&offset=0", PAGE },
  { "status succeeded, offset 300,000", "status=succeeded&offset=300000", PAGE },
  { "search \"0012\", page 1", "search=0012&offset=0", PAGE },
  { "search \"0012\", status failed", "search=0012&status=failed&offset=0", PAGE },
  { "by status, offset 500,000", "sort=status&offset=500000", PAGE },
};

typedef struct {
  SoupSession *session;
  char        *base;     /* http://127.0.0.1:PORT/api/v1/batches/1/tasks */
  char        *auth;
} Client;

/* One GET; returns its time in ms and checks the page. */
static double
get_page (Client     *client,
          const Case *c,
          guint64    *total)
{
  g_autofree char *uri = g_strdup_printf ("%s?%s&limit=%d", client->base, c->query, PAGE);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *page;
  gint64 start;
  double ms;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", client->auth);
  start = g_get_monotonic_time ();
  body = soup_session_send_and_read (client->session, msg, NULL, &error);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  page = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "items")), ==, c->expect);
  *total = (guint64) json_object_get_int_member (page, "total");

  return ms;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-bench-api-XXXXXX", &error);
  g_autofree char *db_path = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GSubprocess) server = NULL;
  Client client = { 0 };
  BenchTimer timer;
  guint port = 0;
  gboolean ok = TRUE;

  g_assert_no_error (error);
  db_path = g_build_filename (dir, "ota.db", NULL);

  {
    g_autoptr(OtaEngine) engine = ota_engine_new (db_path, NULL, &error);

    g_assert_no_error (error);
    bench_timer_start (&timer);
    bench_build_fleet (engine, N_TASKS);
    build_batch (engine);
    token = ota_engine_create_token (engine, "bench", &error);
    g_assert_no_error (error);
    g_print ("# built %d devices and a batch of as many tasks in %.1f s\n", N_TASKS,
             bench_timer_stop (&timer, NULL));
  }

  /* A fresh server process: the first query of each kind meets an empty SQLite cache. */
  server = bench_start_server (db_path, &port);
  client.session = soup_session_new ();
  client.base = g_strdup_printf ("http://127.0.0.1:%u/api/v1/batches/1/tasks", port);
  client.auth = g_strconcat ("Bearer ", token, NULL);

  /* Open the connection (and check the token) with something small first. */
  {
    g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/batches/1", port);
    g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
    g_autoptr(GBytes) body = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", client.auth);
    body = soup_session_send_and_read (client.session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  }

  g_print ("# load %.2f; GET /api/v1/batches/1/tasks?QUERY&limit=%d\n", bench_load_average (), PAGE);
  g_print ("# %-36s %9s %10s %10s %10s\n", "page of 50", "total", "first ms", "median ms", "max ms");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double runs[RUNS];
      double first, median, max = 0;
      guint64 total = 0;
      gboolean missed;

      first = get_page (&client, &cases[i], &total);
      for (guint r = 0; r < RUNS; r++)
        {
          runs[r] = get_page (&client, &cases[i], &total);
          max = MAX (max, runs[r]);
        }
      median = bench_median (runs, RUNS);
      missed = median >= TARGET_MS;
      ok = ok && !missed;
      g_print ("%s %-36s %9" G_GUINT64_FORMAT " %10.1f %10.1f %10.1f\n", missed ? "MISSED" : "#",
               cases[i].what, total, first, median, max);
    }

  g_object_unref (client.session);
  g_free (client.base);
  g_free (client.auth);
  bench_stop_server (g_steal_pointer (&server));
  bench_remove_dir (dir);

  g_print ("%s: API task list pages of a %d-task batch under %.0f ms\n", ok ? "PASS" : "FAIL",
           N_TASKS, TARGET_MS);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
