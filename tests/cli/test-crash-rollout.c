/* test-crash-rollout.c — kill -9 during a rollout of 10,000 simulated devices: what was
 * acknowledged survives, the store stays consistent, and the rollout goes on
 *
 * A child process (crash-rollout-child) plays the fleet on the database and
 * acknowledges each committed group of device events on stdout; it logs every group
 * before handing it to the engine, and the tasks that ended, after the commit. The test
 * kills it with SIGKILL after a random number of acknowledgements, several times,
 * spawning it again on the same database each time, and after every kill opens the
 * database and checks:
 *   - PRAGMA integrity_check and foreign_key_check find nothing;
 *   - every batch's counters equal a fresh count of its tasks (R-D1), and no device has
 *     two unfinished tasks (R-B15);
 *   - every device's version (R-E2) and online flag (R-E1) is the one its last
 *     acknowledged event set, or one that a later, unacknowledged group set;
 *   - every task that ended in an acknowledged group still has that status, and every
 *     task seen ended after one kill is still ended so after the next (R-S5..R-S7).
 * The kill moments come from a GRand with a fixed seed; no sleeps, no wall clock: the
 * kill is timed by the acknowledgements read.
 */
#include <gio/gunixinputstream.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "cli-test-util.h"

#define N_DEVICES   10000
#define N_KILLS     6
#define PRODUCT     "crashroll"
#define EPOCH       G_GINT64_CONSTANT (1767225600000000)
#define FW_SIZE     (200 * 1024)

typedef struct {
  char       *dir;
  char       *db;
  GHashTable *versions;   /* device → GPtrArray of acceptable versions */
  GHashTable *online;     /* device → bit 1: offline acceptable, bit 2: online acceptable */
  GHashTable *ended;      /* task id (string) → status that must stay */
  guint64     acked_total;
} Rollout;

/* ---- Preparing the database ------------------------------------------------- */

static void
prepare_database (Rollout *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = ota_manual_clock_new (EPOCH);
  g_autoptr(OtaEngine) engine = ota_engine_new (r->db, OTA_CLOCK (clock), &error);
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *fw_path = g_build_filename (r->dir, "fw.bin", NULL);
  g_autofree char *fw_data = g_malloc0 (FW_SIZE);
  g_autoptr(GFile) fw_file = g_file_new_for_path (fw_path);
  const char *sources[] = { "1.0", NULL };
  const char *verifiers[] = { "verifier", NULL };
  OtaProductSpec product_spec = { .key = PRODUCT, .name = PRODUCT };
  OtaFirmwareSpec fw_spec = {
    .product_key = PRODUCT, .name = "fw", .type = OTA_FIRMWARE_TYPE_FULL, .version = "2.0",
    .source_versions = sources, .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
  };
  OtaVerifySpec verify = { .source_versions = sources, .devices = verifiers, .timeout_minutes = 60 };
  OtaDeviceEvent done = {
    .kind = OTA_DEVICE_EVENT_VERSION, .product_key = PRODUCT, .device_name = "verifier", .version = "2.0",
  };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  OtaImportResult imported = { 0 };

  g_assert_no_error (error);
  product = ota_engine_add_product (engine, &product_spec, &error);
  g_assert_no_error (error);

  g_string_append (csv, PRODUCT ",verifier,,,default=1.0,yes\n");
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%05u", i);
      GPtrArray *versions = g_ptr_array_new ();

      g_string_append_printf (csv, PRODUCT ",%s,,,default=1.0,%s\n", name, i % 10 == 0 ? "no" : "yes");
      g_ptr_array_add (versions, (gpointer) g_intern_static_string ("1.0"));
      g_hash_table_insert (r->online, g_strdup (name), GUINT_TO_POINTER (i % 10 == 0 ? 1 : 2));
      g_hash_table_insert (r->versions, g_steal_pointer (&name), versions);
    }
  stream = g_memory_input_stream_new_from_data (csv->str, (gssize) csv->len, NULL);
  ota_engine_import_devices_csv (engine, stream, &imported, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imported.added, ==, N_DEVICES + 1);

  g_file_set_contents (fw_path, fw_data, FW_SIZE, &error);
  g_assert_no_error (error);
  firmware = ota_engine_add_firmware (engine, &fw_spec, fw_file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  verify.firmware_id = ota_firmware_get_id (firmware);
  verification = ota_engine_start_verification (engine, &verify, &error);
  g_assert_no_error (error);
  /* R-S5: progress 100, then the new version. */
  {
    OtaDeviceEvent finished = { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = PRODUCT,
                                .device_name = "verifier", .step = 100 };

    ota_engine_apply_device_event (engine, &finished, &error);
    g_assert_no_error (error);
  }
  ota_engine_apply_device_event (engine, &done, &error);
  g_assert_no_error (error);

  /* Scheduled, so that the first notices go out once the fleet plays the devices. */
  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  spec.push_rate = 1000;
  spec.retry_interval = OTA_RETRY_INTERVAL_10_MINUTES;
  spec.retry_limit = 2;
  spec.timeout_minutes = 20;
  spec.schedule_start = EPOCH + 10 * G_TIME_SPAN_MINUTE;
  batch = ota_engine_create_batch (engine, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, N_DEVICES);
}

/* ---- One child run ------------------------------------------------------------ */

/* Runs the child until it has printed @kill_after acknowledgements (-1: never kill, it
 * must end by itself); collects every acknowledgement it printed. */
static void
run_child (Rollout    *r,
           guint       round,
           int         kill_after,
           guint       horizon_minutes,
           GHashTable *acked)
{
  g_autofree char *log = g_strdup_printf ("%s/round-%u.log", r->dir, round);
  g_autofree char *seed = g_strdup_printf ("%u", 1000 + round);
  g_autofree char *horizon = g_strdup_printf ("%u", horizon_minutes);
  const char *argv[] = { g_getenv ("CRASH_ROLLOUT_CHILD"), r->db, log, seed, horizon, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) pipe = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  int fd, status = 0, read_acks = 0;
  GPid pid;
  char *line;

  g_assert_nonnull (argv[0]);
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &fd, NULL, &error);
  g_assert_no_error (error);
  pipe = g_unix_input_stream_new (fd, TRUE);
  lines = g_data_input_stream_new (pipe);

  if (kill_after == 0)
    kill (pid, SIGKILL);

  /* Lines still in the pipe after the kill were printed after their commit: they count. */
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL)) != NULL)
    {
      g_autofree char *owned = line;

      g_assert_true (g_str_has_prefix (owned, "ack "));
      g_hash_table_add (acked, g_strdup (owned + 4));
      if (++read_acks == kill_after)
        kill (pid, SIGKILL);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  if (kill_after < 0)
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  else
    g_assert_true ((WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL) ||
                   (WIFEXITED (status) && WEXITSTATUS (status) == 0));
  r->acked_total += g_hash_table_size (acked);
}

/* ---- Checking what survived ------------------------------------------------- */

static gint64
query_int (OtaEngine  *engine,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (ota_engine_get_store (engine), sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

typedef struct {
  char      *seq;
  guint      n;
  GPtrArray *events;   /* "device kind value" lines */
} LoggedGroup;

static void
logged_group_free (gpointer data)
{
  LoggedGroup *group = data;

  g_free (group->seq);
  g_ptr_array_unref (group->events);
  g_free (group);
}

/* Applies one round's log to the expectations: an acknowledged group's events are
 * what the device now must show, an unacknowledged complete one may or may not have
 * been committed. A group cut short by the kill was never handed to the engine. */
static void
apply_log (Rollout    *r,
           guint       round,
           GHashTable *acked,
           GHashTable *must_end)
{
  g_autofree char *path = g_strdup_printf ("%s/round-%u.log", r->dir, round);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (logged_group_free);
  LoggedGroup *open = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    return;   /* killed before it opened its log */

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", 4);
      guint n = g_strv_length (f);

      if (n == 3 && g_str_equal (f[0], "G"))
        {
          open = g_new0 (LoggedGroup, 1);
          open->seq = g_strdup (f[1]);
          open->n = (guint) g_ascii_strtoull (f[2], NULL, 10);
          open->events = g_ptr_array_new_with_free_func (g_free);
        }
      else if (n == 4 && g_str_equal (f[0], "E") && open != NULL)
        g_ptr_array_add (open->events, g_strdup (lines[i] + 2));
      else if (n == 2 && g_str_equal (f[0], "P") && open != NULL)
        {
          g_assert_cmpstr (f[1], ==, open->seq);
          g_assert_cmpuint (open->events->len, ==, open->n);
          g_ptr_array_add (groups, open);
          open = NULL;
        }
      else if (n == 4 && g_str_equal (f[0], "A") && g_hash_table_contains (acked, f[1]))
        g_hash_table_insert (must_end, g_strdup (f[2]), g_strdup (f[3]));
    }
  if (open != NULL)
    logged_group_free (open);

  for (guint g = 0; g < groups->len; g++)
    {
      LoggedGroup *group = g_ptr_array_index (groups, g);
      gboolean sure = g_hash_table_contains (acked, group->seq);

      for (guint e = 0; e < group->events->len; e++)
        {
          g_auto(GStrv) f = g_strsplit (g_ptr_array_index (group->events, e), " ", 3);
          GPtrArray *versions = g_hash_table_lookup (r->versions, f[0]);

          if (versions == NULL)
            continue;
          if (g_str_equal (f[1], "version"))
            {
              if (sure)
                g_ptr_array_set_size (versions, 0);
              g_ptr_array_add (versions, (gpointer) g_intern_string (f[2]));
            }
          else if (g_str_equal (f[1], "online") || g_str_equal (f[1], "offline"))
            {
              guint bit = g_str_equal (f[1], "online") ? 2 : 1;
              guint bits = GPOINTER_TO_UINT (g_hash_table_lookup (r->online, f[0]));

              g_hash_table_insert (r->online, g_strdup (f[0]), GUINT_TO_POINTER (sure ? bit : bits | bit));
            }
        }
    }
}

static void
check_database (Rollout    *r,
                guint       round,
                GHashTable *acked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaEngine) engine = ota_engine_new (r->db, NULL, &error);
  g_autoptr(GHashTable) must_end = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(OtaCachedStmt) devices = NULL;
  g_autoptr(OtaCachedStmt) tasks = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint checked = 0;
  gboolean ok;

  g_assert_no_error (error);
  ok = ota_store_check_integrity (ota_engine_get_store (engine), &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  /* R-D1, R-B15 */
  g_assert_cmpint (query_int (engine,
                              "SELECT count(*) FROM batches b WHERE "
                              "n_pending_confirm + n_pending_push + n_pushed + n_upgrading + n_succeeded + "
                              "n_failed + n_cancelled != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id) OR "
                              "n_pending_push != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'pending-push') OR "
                              "n_pushed != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'pushed') OR "
                              "n_upgrading != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'upgrading') OR "
                              "n_succeeded != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'succeeded') OR "
                              "n_failed != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'failed') OR "
                              "n_cancelled != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'cancelled')"),
                   ==, 0);
  g_assert_cmpint (query_int (engine,
                              "SELECT count(*) FROM (SELECT device_id FROM tasks WHERE status IN "
                              "('pending-confirm', 'pending-push', 'pushed', 'upgrading') "
                              "GROUP BY device_id HAVING count(*) > 1)"), ==, 0);

  /* R-E1, R-E2: the device rows hold the last acknowledged report, or a later one. */
  apply_log (r, round, acked, must_end);
  devices = ota_store_prepare (ota_engine_get_store (engine),
                               "SELECT d.name, d.online, v.version FROM devices d "
                               "JOIN device_versions v ON v.device_id = d.id AND v.module = 'default' "
                               "WHERE d.product_key = '" PRODUCT "'", &error);
  g_assert_no_error (error);
  while (sqlite3_step (devices) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (devices, 0);
      GPtrArray *versions = g_hash_table_lookup (r->versions, name);
      guint online_bits = GPOINTER_TO_UINT (g_hash_table_lookup (r->online, name));
      const char *version = g_intern_string ((const char *) sqlite3_column_text (devices, 2));

      if (versions == NULL)
        continue;   /* the verifier */
      if (!g_ptr_array_find (versions, version, NULL))
        g_error ("round %u: %s runs %s, which no acknowledged or later report said", round, name, version);
      if (!(online_bits & (sqlite3_column_int (devices, 1) ? 2 : 1)))
        g_error ("round %u: %s is %s against its last acknowledged event", round, name,
                 sqlite3_column_int (devices, 1) ? "online" : "offline");
      checked++;
    }
  g_assert_cmpuint (checked, ==, N_DEVICES);

  /* R-S5..R-S7: what ended stays ended, with the same status. */
  g_hash_table_iter_init (&iter, must_end);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (r->ended, g_strdup (key), g_strdup (value));
  tasks = ota_store_prepare (ota_engine_get_store (engine), "SELECT id, status FROM tasks", &error);
  g_assert_no_error (error);
  {
    g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

    while (sqlite3_step (tasks) == SQLITE_ROW)
      g_hash_table_insert (now, g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (tasks, 0)),
                           g_strdup ((const char *) sqlite3_column_text (tasks, 1)));

    g_hash_table_iter_init (&iter, r->ended);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (g_strcmp0 (g_hash_table_lookup (now, key), value) != 0)
        g_error ("round %u: task %s ended %s but is now %s", round, (const char *) key,
                 (const char *) value, (const char *) g_hash_table_lookup (now, key));

    g_hash_table_iter_init (&iter, now);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (g_str_equal (value, "succeeded") || g_str_equal (value, "failed") || g_str_equal (value, "cancelled"))
        g_hash_table_insert (r->ended, g_strdup (key), g_strdup (value));
  }

  g_test_message ("round %u: %u acknowledged groups, %u tasks ended, %" G_GINT64_FORMAT " succeeded",
                  round, g_hash_table_size (acked), g_hash_table_size (r->ended),
                  query_int (engine, "SELECT count(*) FROM tasks WHERE status = 'succeeded'"));
}

/* R-E1, R-E2, R-S5..R-S7, R-D1: kill -9 the fleet during a rollout several times. */
static void
test_kill_during_rollout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  Rollout r = { 0 };

  r.dir = g_dir_make_tmp ("ota-crash-rollout-XXXXXX", &error);
  g_assert_no_error (error);
  r.db = g_build_filename (r.dir, "ota.db", NULL);
  r.versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  r.online = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.ended = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  prepare_database (&r);

  for (guint round = 0; round <= N_KILLS + 1; round++)
    {
      g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      /* Round 0 runs until 3 minutes into the rollout (it starts 10 minutes after the
       * epoch) and ends by itself, like the last one; round 2 is killed while loading;
       * the others after a random number of groups, one a simulated second. */
      gboolean ends = round == 0 || round == N_KILLS + 1;
      int kill_after = ends ? -1 : round == 2 ? 0 : g_rand_int_range (rand, 1, 400);

      run_child (&r, round, kill_after, round == 0 ? 13 : ends ? 40 : 24 * 60, acked);
      g_test_message ("round %u: killed after %d acknowledgements", round, kill_after);
      check_database (&r, round, acked);
    }

  g_assert_cmpuint (r.acked_total, >, 0);
  g_assert_cmpuint (g_hash_table_size (r.ended), >, 0);

  cli_remove_tree (r.dir);
  g_hash_table_unref (r.versions);
  g_hash_table_unref (r.online);
  g_hash_table_unref (r.ended);
  g_free (r.db);
  g_free (r.dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crash/rollout/R-E1-R-E2-R-S5/acknowledged-groups-survive-kill-9", test_kill_during_rollout);

  return g_test_run ();
}
