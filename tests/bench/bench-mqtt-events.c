/* bench-mqtt-events.c — 10,000 MQTT devices through one mosquitto into the engine
 *
 *   bench-mqtt-events FLEET   (FLEET: the bench-mqtt-fleet program)
 *
 * The server side is ota-server's own: an OtaServer (HTTP on 127.0.0.1, for the notices'
 * download URLs) and ota_server_mqtt_start(), which starts mosquitto with the OTA plugin
 * under its supervisor (generated config, a free port) and connects the MQTT bridge.
 * The devices are real MQTT connections, 10,000 of them, played by bench-mqtt-fleet
 * processes (5,000 each, one thread each): they log in with their derived credentials
 * and publish progress reports as the Link SDK does. The path measured is device →
 * broker (plugin ACL) → bridge (parse, de-duplicate, group) → engine
 * (ota_engine_apply_device_events, one transaction per group) → SQLite (WAL,
 * synchronous=FULL: each group's commit waits for the disk).
 *
 * Setup (not measured): bench_build_fleet()'s 10,000 devices, all online, one batch over
 * them with every notice sent (the engine on a manual clock, pushed in simulated
 * minutes). The server then runs on the real clock; the devices log in and the bridge
 * catches up with their presence (and re-sends the unstarted notices, as it must).
 *
 * Two phases:
 *  1. paced: the fleets together offer PACED_RATE progress reports a second, evenly
 *     spread (each device one report every 10,000 / PACED_RATE seconds), steps 1 … 20;
 *  2. flood: steps 21 … 50 of every device as fast as the fleets can send them.
 * Publish → committed latency of every single event: each fleet notes when it published
 * each report (CLOCK_MONOTONIC, shared by the processes). The commit is seen from the
 * bridge's "events-applied" signal (emitted on the main loop once a group's transaction
 * committed): at the main loop's next turn a separate read connection reads the tasks
 * changed since the last look ((batch_id, updated_at) index) and notes, for every step
 * a task's progress moved past, that time as its commit time. That is an upper bound:
 * it adds the main loop's way from the worker's commit to the signal and to the look.
 *
 * Targets (issue 6), on the paced phase: at least 10,000 events/s end to end (events
 * over the time from the schedule's start to the last commit) with p99 latency under
 * 50 ms. The flood phase prints the most the path takes (no target). CPU time of the
 * server process, of mosquitto and of the fleets is printed. Exits 1 when a target is
 * missed.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-util.h"
#include "ota-key-file.h"
#include "ota-server-mqtt.h"

#define N_DEVICES 10000
#define PER_FLEET 5000
#define PACED_RATE 12000
#define PACED_STEPS 20
#define FLOOD_STEPS 30
#define MAX_STEP (PACED_STEPS + FLOOD_STEPS)
#define TARGET_RATE 10000.0
#define TARGET_P99_MS 50.0
#define WAIT_US (120 * G_USEC_PER_SEC)

typedef struct {
  guint32 device_id;
  guint32 step;
  gint64  published_at;
} Record;

typedef struct {
  GSubprocess      *process;
  GOutputStream    *in;
  GDataInputStream *out;
  guint             first;
  guint             count;
  char             *line;        /* the last line read, once read */
  GArray           *records;     /* Record, once read */
  double            cpu;         /* CPU seconds it reported last */
} Fleet;

/* When each step of each device was seen committed (0: not yet). */
typedef struct {
  sqlite3      *db;
  sqlite3_stmt *changed;
  gint64        watermark;       /* the newest updated_at seen */
  guint        *progress;        /* per device index */
  gint64       *committed_at;    /* [index * (MAX_STEP + 1) + step] */
  guint64       n_committed;
  gint64        last_commit;
  gboolean      tracking;
  guint         look_id;         /* a look is scheduled */
  double        query_seconds;   /* spent here, part of the server process's CPU */
} Tracker;

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main loop until *@flag, for at most WAIT_US. */
#define WAIT_FOR(cond, what) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + WAIT_US; \
    guint _tick = g_timeout_add (10, tick, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("timed out waiting for %s", what); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (_tick); \
  } G_STMT_END

/* ---- setup --------------------------------------------------------------------------- */

/* Devices 1 … @n online, one batch over them, every notice sent. */
static void
build_database (const char *db_path,
                guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (g_get_real_time () - 2 * G_TIME_SPAN_HOUR);
  g_autoptr(OtaEngine) engine = ota_engine_new (db_path, OTA_CLOCK (clock), &error);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) pushed = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  g_assert_no_error (error);
  bench_build_fleet (engine, n);
  {
    OtaStore *store = ota_engine_get_store (engine);
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (store, &error);

    g_assert_no_error (error);
    ota_store_exec (store, "UPDATE devices SET online = 1", &error);
    g_assert_no_error (error);
    ota_transaction_commit (tx, &error);
    g_assert_no_error (error);
  }

  spec.firmware_id = 1;
  spec.push_rate = 1000;
  spec.timeout_minutes = 1440;
  batch = ota_engine_create_batch (engine, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_id (batch), ==, 1);
  ota_manual_clock_advance (clock, (GTimeSpan) (n / spec.push_rate + 1) * G_TIME_SPAN_MINUTE);
  ota_engine_run_due (engine, &error);
  g_assert_no_error (error);
  pushed = ota_engine_get_batch (engine, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (pushed, OTA_TASK_STATUS_PUSHED), ==, n);
}

/* Counted at most every 100 ms: WAIT_FOR asks after every main loop iteration. */
static guint64
count_online (sqlite3 *db)
{
  static gint64 last_time;
  static guint64 count;
  sqlite3_stmt *stmt = NULL;

  if (g_get_monotonic_time () - last_time < 100 * 1000)
    return count;
  last_time = g_get_monotonic_time ();

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM devices WHERE online = 1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* ---- commits ------------------------------------------------------------------------- */

static gboolean
look (gpointer user_data)
{
  Tracker *tracker = user_data;
  gint64 now = g_get_monotonic_time ();
  sqlite3_stmt *stmt = tracker->changed;
  int rc;

  tracker->look_id = 0;

  sqlite3_bind_int64 (stmt, 1, tracker->watermark);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint index = (guint) sqlite3_column_int64 (stmt, 0) - 1;
      guint progress = (guint) MIN (sqlite3_column_int (stmt, 1), MAX_STEP);

      tracker->watermark = MAX (tracker->watermark, sqlite3_column_int64 (stmt, 2));
      g_assert_cmpuint (index, <, N_DEVICES);
      for (guint step = tracker->progress[index] + 1; step <= progress; step++)
        {
          tracker->committed_at[index * (MAX_STEP + 1) + step] = now;
          tracker->n_committed++;
          tracker->last_commit = now;
        }
      tracker->progress[index] = MAX (tracker->progress[index], progress);
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_reset (stmt);
  tracker->query_seconds += (g_get_monotonic_time () - now) / 1e6;
  return G_SOURCE_REMOVE;
}

/* The look runs at the main loop's next turn: by then the bridge has started applying
 * the next group, which the query would only delay. It sees this group's commit (and
 * perhaps a later one, seen late): the time noted is never before the commit. */
static void
on_events_applied (OtaMqttBridge *bridge,
                   Tracker       *tracker)
{
  if (tracker->tracking && tracker->look_id == 0)
    tracker->look_id = g_idle_add_full (G_PRIORITY_DEFAULT, look, tracker, NULL);
}

/* ---- fleets -------------------------------------------------------------------------- */

static void
fleet_send (Fleet      *fleet,
            const char *line)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (fleet->in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (fleet->in, NULL, &error);
  g_assert_no_error (error);
}

static void
records_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fleet *fleet = user_data;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, fleet->records->len * sizeof (Record));
  g_free (g_steal_pointer (&fleet->line));
  fleet->line = g_strdup ("records");
}

static void
line_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fleet *fleet = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  g_auto(GStrv) words = NULL;

  g_assert_no_error (error);
  if (line == NULL)
    g_error ("fleet %u exited", fleet->first);
  words = g_strsplit (line, " ", 0);

  /* "done N CPU": N records follow. */
  if (g_str_equal (words[0], "done"))
    {
      guint n = (guint) g_ascii_strtoull (words[1], NULL, 10);

      fleet->cpu = g_ascii_strtod (words[2], NULL);
      g_clear_pointer (&fleet->records, g_array_unref);
      fleet->records = g_array_sized_new (FALSE, FALSE, sizeof (Record), n);
      g_array_set_size (fleet->records, n);
      g_input_stream_read_all_async (G_INPUT_STREAM (fleet->out), fleet->records->data, n * sizeof (Record),
                                     G_PRIORITY_DEFAULT, NULL, records_read, fleet);
      return;
    }
  fleet->line = g_steal_pointer (&line);
}

static void
fleet_expect (Fleet *fleet)
{
  g_clear_pointer (&fleet->line, g_free);
  g_data_input_stream_read_line_async (fleet->out, G_PRIORITY_DEFAULT, NULL, line_read, fleet);
}

static void
fleet_start (Fleet      *fleet,
             const char *program,
             guint       first,
             guint       count,
             guint16     port,
             const char *master_key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first_text = g_strdup_printf ("%u", first);
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *key_line = g_strconcat (master_key, "\n", NULL);

  fleet->first = first;
  fleet->count = count;
  fleet->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                     program, first_text, count_text, port_text, NULL);
  g_assert_no_error (error);
  fleet->in = g_subprocess_get_stdin_pipe (fleet->process);
  fleet->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fleet->process));
  fleet_send (fleet, key_line);
  fleet_expect (fleet);
}

/* User + system CPU seconds of a process so far (/proc/PID/stat). */
static double
process_cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (pid == NULL || !g_file_get_contents (path, &stat, NULL, NULL) || (after_name = strrchr (stat, ')')) == NULL)
    return -1;
  /* After "pid (comm) ": state, …; utime and stime are fields 14 and 15 of the line. */
  fields = g_strsplit (after_name + 2, " ", 0);
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* ---- a phase ------------------------------------------------------------------------- */

typedef struct {
  guint64 events;
  double  rate;          /* events / (last commit − schedule start) */
  double  p50_ms, p99_ms, max_ms;
  double  server_cpu, broker_cpu, fleet_cpu, query_cpu;
  double  groups;        /* engine calls */
  double  load;
} Phase;

static void
run_phase (Fleet         *fleets,
           guint          n_fleets,
           Tracker       *tracker,
           OtaMqttBridge *bridge,
           const char    *broker_pid,
           guint          rate,
           guint          from,
           guint          to,
           Phase         *phase)
{
  g_autofree char *go = NULL;
  g_autofree double *latencies = NULL;
  OtaMqttBridgeStats before, after;
  guint64 expected = (guint64) N_DEVICES * (to - from + 1);
  double server_cpu = bench_cpu_seconds (), broker_cpu = process_cpu_seconds (broker_pid);
  double fleet_cpu = 0, query_seconds = tracker->query_seconds;
  gint64 t0;
  guint n = 0;

  ota_mqtt_bridge_get_stats (bridge, &before);
  phase->load = bench_load_average ();
  for (guint i = 0; i < n_fleets; i++)
    fleet_cpu -= fleets[i].cpu;

  tracker->n_committed = 0;
  tracker->tracking = TRUE;
  t0 = g_get_monotonic_time () + 200 * 1000;
  go = g_strdup_printf ("go %" G_GINT64_FORMAT " %u %u %u %u\n", t0, rate, N_DEVICES, from, to);
  for (guint i = 0; i < n_fleets; i++)
    {
      fleet_send (&fleets[i], go);
      fleet_expect (&fleets[i]);
    }
  for (guint i = 0; i < n_fleets; i++)
    WAIT_FOR (g_strcmp0 (fleets[i].line, "records") == 0, "a fleet to publish");
  WAIT_FOR (tracker->n_committed >= expected, "every event to be committed");
  tracker->tracking = FALSE;

  ota_mqtt_bridge_get_stats (bridge, &after);
  phase->server_cpu = bench_cpu_seconds () - server_cpu;
  phase->broker_cpu = process_cpu_seconds (broker_pid) - broker_cpu;
  phase->query_cpu = tracker->query_seconds - query_seconds;
  for (guint i = 0; i < n_fleets; i++)
    fleet_cpu += fleets[i].cpu;
  phase->fleet_cpu = fleet_cpu;
  phase->groups = (double) (after.batches - before.batches);
  g_assert_cmpuint (after.invalid, ==, before.invalid);
  g_assert_cmpuint (after.rejected, ==, before.rejected);
  g_assert_cmpuint (after.duplicates, ==, before.duplicates);

  latencies = g_new (double, expected);
  for (guint i = 0; i < n_fleets; i++)
    for (guint r = 0; r < fleets[i].records->len; r++)
      {
        const Record *record = &g_array_index (fleets[i].records, Record, r);
        gint64 committed = tracker->committed_at[(record->device_id - 1) * (MAX_STEP + 1) + record->step];

        g_assert_cmpint (committed, >, 0);
        g_assert_cmpuint (n, <, expected);
        latencies[n++] = (committed - record->published_at) / 1000.0;
      }
  g_assert_cmpuint (n, ==, expected);

  phase->events = expected;
  phase->rate = expected / ((tracker->last_commit - t0) / 1e6);
  phase->p50_ms = bench_percentile (latencies, n, 50);
  phase->p99_ms = bench_percentile (latencies, n, 99);
  phase->max_ms = bench_percentile (latencies, n, 100);
}

static void
print_phase (const char  *what,
             const Phase *phase)
{
  g_print ("# %s: %" G_GUINT64_FORMAT " events, %.0f events/s committed; latency p50 %.1f ms, "
           "p99 %.1f ms, max %.1f ms; %.0f groups (%.0f events each); CPU: server %.2f s "
           "(of it %.2f s measuring), mosquitto %.2f s, fleets %.2f s; load %.2f\n",
           what, phase->events, phase->rate, phase->p50_ms, phase->p99_ms, phase->max_ms, phase->groups,
           phase->events / MAX (phase->groups, 1), phase->server_cpu, phase->query_cpu, phase->broker_cpu,
           phase->fleet_cpu, phase->load);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-bench-mqtt-XXXXXX", &error);
  g_autofree char *db_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *master_key = NULL;
  g_autofree char *broker_pid = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaServer) server = NULL;
  OtaServerMqttOptions options = { .mqtt_port = 0, .listen = "127.0.0.1" };
  OtaServerMqtt *mqtt;
  OtaMqttBridge *bridge;
  Tracker tracker = { 0 };
  Fleet fleets[(N_DEVICES + PER_FLEET - 1) / PER_FLEET] = { { 0 } };
  guint n_fleets = G_N_ELEMENTS (fleets);
  OtaMqttBridgeStats stats;
  Phase paced, flood;
  BenchTimer timer;
  struct rlimit limit;
  guint16 port;
  gboolean ok;

  g_assert_no_error (error);
  if (argc != 2)
    {
      g_printerr ("Usage: %s BENCH-MQTT-FLEET\n", argv[0]);
      return 2;
    }

  /* 10,000 connections: mosquitto (our child) needs as many descriptors. */
  getrlimit (RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit (RLIMIT_NOFILE, &limit);
  g_assert_cmpuint (limit.rlim_cur, >, N_DEVICES + 100);

  db_path = g_build_filename (dir, "ota.db", NULL);
  bench_timer_start (&timer);
  build_database (db_path, N_DEVICES);
  g_print ("# built %d devices and a batch with every notice sent in %.1f s\n", N_DEVICES,
           bench_timer_stop (&timer, NULL));

  /* The server as ota-server runs it, on the real clock. */
  engine = ota_engine_new (db_path, NULL, &error);
  g_assert_no_error (error);
  server = ota_server_new (engine, &error);
  g_assert_no_error (error);
  ota_server_listen (server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  options.db_path = db_path;
  mqtt = ota_server_mqtt_start (server, &options, &error);
  g_assert_no_error (error);
  bridge = ota_server_mqtt_get_bridge (mqtt);
  port = ota_broker_supervisor_get_port (ota_server_mqtt_get_supervisor (mqtt));
  WAIT_FOR (ota_mqtt_bridge_get_connected (bridge), "the bridge to log in");
  ota_mqtt_bridge_flush (bridge);
  broker_pid = g_strdup (ota_broker_supervisor_get_pid (ota_server_mqtt_get_supervisor (mqtt)));

  key_path = g_build_filename (dir, "master-key", NULL);
  master_key = ota_key_file_read (key_path, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (db_path, &tracker.db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (tracker.db,
                                       "SELECT device_id, progress, updated_at FROM tasks "
                                       "WHERE batch_id = 1 AND updated_at >= ?1",
                                       -1, &tracker.changed, NULL), ==, SQLITE_OK);
  tracker.progress = g_new0 (guint, N_DEVICES);
  tracker.committed_at = g_new0 (gint64, (gsize) N_DEVICES * (MAX_STEP + 1));
  g_signal_connect (bridge, "events-applied", G_CALLBACK (on_events_applied), &tracker);

  /* The devices log in; the bridge takes in their presence. */
  bench_timer_start (&timer);
  for (guint i = 0; i < n_fleets; i++)
    fleet_start (&fleets[i], argv[1], i * PER_FLEET, MIN (PER_FLEET, N_DEVICES - i * PER_FLEET), port,
                 master_key);
  for (guint i = 0; i < n_fleets; i++)
    WAIT_FOR (fleets[i].line != NULL, "a fleet to log in");
  WAIT_FOR (count_online (tracker.db) == N_DEVICES, "every device online");
  ota_mqtt_bridge_flush (bridge);
  ota_mqtt_bridge_get_stats (bridge, &stats);
  g_print ("# %d devices logged in (%u fleets) and online in %.1f s; %" G_GUINT64_FORMAT " notices re-sent\n",
           N_DEVICES, n_fleets, bench_timer_stop (&timer, NULL), stats.resent);

  run_phase (fleets, n_fleets, &tracker, bridge, broker_pid, PACED_RATE, 1, PACED_STEPS, &paced);
  print_phase ("paced", &paced);
  run_phase (fleets, n_fleets, &tracker, bridge, broker_pid, 0, PACED_STEPS + 1, MAX_STEP, &flood);
  print_phase ("flood", &flood);

  ok = paced.rate >= TARGET_RATE && paced.p99_ms < TARGET_P99_MS;
  g_print ("%s mqtt-events: %d devices, offered %d events/s: %.0f events/s committed, p99 %.1f ms "
           "(targets >= %.0f events/s, p99 < %.0f ms); flood: %.0f events/s, p99 %.1f ms\n",
           ok ? "PASS" : "FAIL", N_DEVICES, PACED_RATE, paced.rate, paced.p99_ms, TARGET_RATE,
           TARGET_P99_MS, flood.rate, flood.p99_ms);

  /* Broker and bridge first: the fleets must not see their connections drop. */
  ota_server_mqtt_stop (mqtt);
  for (guint i = 0; i < n_fleets; i++)
    {
      fleet_send (&fleets[i], "quit\n");
      g_subprocess_wait (fleets[i].process, NULL, &error);
      g_assert_no_error (error);
      g_object_unref (fleets[i].out);
      g_object_unref (fleets[i].process);
      g_clear_pointer (&fleets[i].records, g_array_unref);
      g_free (fleets[i].line);
    }
  g_clear_handle_id (&tracker.look_id, g_source_remove);
  sqlite3_finalize (tracker.changed);
  sqlite3_close (tracker.db);
  g_free (tracker.progress);
  g_free (tracker.committed_at);

  ota_server_stop (server);
  {
    OtaServer *alive = server;

    g_object_add_weak_pointer (G_OBJECT (alive), (gpointer *) &alive);
    g_clear_object (&server);
    WAIT_FOR (alive == NULL, "the server's workers");
  }
  g_clear_object (&engine);
  bench_remove_dir (dir);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
