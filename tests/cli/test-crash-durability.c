/* test-crash-durability.c — kill -9 while otactl writes: what it acknowledged survives,
 * what it did not is all there or not there at all, and the store stays consistent
 *
 * "otactl device import f1 … fN" prints "imported FILE: …" after each file's commit.
 * Each round kills it (SIGKILL) after a random number of those acknowledgements — or at
 * once — then opens the database with the engine and checks it. The random choices come
 * from a GRand with a fixed seed, so a failure can be replayed. No sleeps: the kill is
 * timed by the lines read from the child, or by the blob store's temporary file appearing.
 */
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-test-util.h"

#define N_FILES        30
#define ROWS_PER_FILE  2000
#define N_ROUNDS       5
#define PRODUCT        "crash1"
#define BIG_SIZE       (G_GUINT64_CONSTANT (300) * 1024 * 1024)

typedef struct {
  char *dir;
  char *files[N_FILES + 1];   /* NULL-terminated paths */
} Durability;

static void
durability_setup (Durability    *d,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  d->dir = g_dir_make_tmp ("otactl-crash-XXXXXX", &error);
  g_assert_no_error (error);
  if (data != NULL)   /* the firmware test needs no CSV files */
    return;

  /* File i holds devices "Fii-nnnnn": distinct names, so every file's rows can be found. */
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
      g_autofree char *name = g_strdup_printf ("f%02u.csv", i);

      for (guint row = 0; row < ROWS_PER_FILE; row++)
        g_string_append_printf (csv, PRODUCT ",F%02u-%05u,广东省,深圳市,default=1.%u;wifi=2.%u,%s\n",
                                i, row, row % 4, i % 3, row % 3 == 0 ? "yes" : "no");

      d->files[i] = g_build_filename (d->dir, name, NULL);
      g_file_set_contents (d->files[i], csv->str, csv->len, &error);
      g_assert_no_error (error);
    }
}

static void
durability_teardown (Durability    *d,
                     gconstpointer  data)
{
  cli_remove_tree (d->dir);
  for (guint i = 0; i < N_FILES; i++)
    g_free (d->files[i]);
  g_free (d->dir);
}

static void
create_database (const char *db,
                 const char *product)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaEngine) engine = ota_engine_new (db, NULL, &error);
  OtaProductSpec spec = {
    .key = product, .name = product,
    .project_type = OTA_PROJECT_TYPE_OWN_BRAND, .network_type = OTA_NETWORK_TYPE_WIFI,
  };
  g_autoptr(OtaProduct) added = NULL;

  g_assert_no_error (error);
  added = ota_engine_add_product (engine, &spec, &error);
  g_assert_no_error (error);
}

static gint64
query_int (OtaEngine  *engine,
           const char *sql,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (ota_engine_get_store (engine), sql, &error);

  g_assert_no_error (error);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The cached per-version counts (R-F5 choices) agree with the devices' own reports. */
static void
assert_counts_consistent (OtaEngine *engine)
{
  g_assert_cmpint (query_int (engine,
                              "SELECT count(*) FROM module_versions mv WHERE mv.devices != "
                              "(SELECT count(*) FROM device_versions dv JOIN devices d ON d.id = dv.device_id "
                              " WHERE d.product_key = mv.product_key AND dv.module = mv.module "
                              " AND dv.version = mv.version)", NULL), ==, 0);
  g_assert_cmpint (query_int (engine,
                              "SELECT count(*) FROM device_versions dv JOIN devices d ON d.id = dv.device_id "
                              "WHERE NOT EXISTS (SELECT 1 FROM module_versions mv WHERE mv.product_key = "
                              "d.product_key AND mv.module = dv.module AND mv.version = dv.version)", NULL), ==, 0);
}

static OtaEngine *
open_and_check (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaEngine) engine = ota_engine_new (db, NULL, &error);
  gboolean ok;

  g_assert_no_error (error);
  ok = ota_store_check_integrity (ota_engine_get_store (engine), &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  assert_counts_consistent (engine);
  return g_steal_pointer (&engine);
}

/* Spawns "otactl --db DB ARG…" with stdout on a pipe; the caller reaps it. */
static GPid
spawn_otactl (const char         *db,
              const char * const *args,
              int                *stdout_fd)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_ptr_array_add (argv, (gpointer) g_getenv ("OTACTL"));
  g_assert_nonnull (argv->pdata[0]);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL |
                            (stdout_fd == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0),
                            NULL, NULL, &pid, NULL, stdout_fd, NULL, &error);
  g_assert_no_error (error);
  return pid;
}

/* kill -9 an import after @kill_after acknowledgements (-1: at once). Fills
 * @acknowledged with the files the child acknowledged, including lines still in the
 * pipe when it died: each was printed only after its commit. */
static void
import_and_kill (Durability *d,
                 const char *db,
                 int         kill_after,
                 GHashTable *acknowledged)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GInputStream) pipe = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  int fd, status = 0, read_lines = 0;
  GPid pid;
  char *line;

  g_ptr_array_add (args, (gpointer) "device");
  g_ptr_array_add (args, (gpointer) "import");
  for (guint i = 0; i < N_FILES; i++)
    g_ptr_array_add (args, d->files[i]);
  g_ptr_array_add (args, NULL);

  pid = spawn_otactl (db, (const char * const *) args->pdata, &fd);
  pipe = g_unix_input_stream_new (fd, TRUE);
  lines = g_data_input_stream_new (pipe);

  if (kill_after < 0)
    kill (pid, SIGKILL);

  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL)) != NULL)
    {
      g_autofree char *owned = line;
      const char *colon = strrchr (owned, ':');

      g_assert_true (g_str_has_prefix (owned, "imported "));
      g_assert_nonnull (colon);
      g_hash_table_add (acknowledged, g_strndup (owned + strlen ("imported "),
                                                 colon - owned - strlen ("imported ")));
      if (++read_lines == kill_after)
        kill (pid, SIGKILL);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  /* Killed, or it finished every file before the kill came. */
  g_assert_true ((WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL) ||
                 (WIFEXITED (status) && WEXITSTATUS (status) == 0 &&
                  g_hash_table_size (acknowledged) == N_FILES));
}

/* R-DV1 and the store's promise: acknowledged imports survive kill -9, the others are
 * atomic, files commit in order, and every count agrees with a fresh count. */
static void
test_kill_during_import (Durability    *d,
                         gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autofree char *name = g_strdup_printf ("round-%u.db", round);
      g_autofree char *db = g_build_filename (d->dir, name, NULL);
      g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(OtaEngine) engine = NULL;
      g_autoptr(OtaProduct) product = NULL;
      g_autoptr(GError) error = NULL;
      /* Round 0 kills at once; the others after 1..N_FILES-1 acknowledgements. */
      int kill_after = round == 0 ? -1 : g_rand_int_range (rand, 1, N_FILES);
      guint present = 0;
      gboolean gap = FALSE;

      create_database (db, PRODUCT);
      import_and_kill (d, db, kill_after, acknowledged);
      g_test_message ("round %u: killed after %d acknowledgements, %u acknowledged",
                      round, kill_after, g_hash_table_size (acknowledged));

      engine = open_and_check (db);
      for (guint i = 0; i < N_FILES; i++)
        {
          g_autofree char *pattern = g_strdup_printf ("F%02u-%%", i);
          gint64 rows = query_int (engine, "SELECT count(*) FROM devices WHERE name LIKE ?", pattern);

          if (g_hash_table_contains (acknowledged, d->files[i]))
            g_assert_cmpint (rows, ==, ROWS_PER_FILE);
          else
            g_assert_true (rows == 0 || rows == ROWS_PER_FILE);

          /* Files are committed in order: no file is there after a missing one. */
          if (rows == 0)
            gap = TRUE;
          else
            {
              g_assert_false (gap);
              present++;
            }
        }
      g_test_message ("round %u: %u files present", round, present);
      /* At most the file being committed when the kill came is there unacknowledged. */
      g_assert_cmpuint (present, <=, g_hash_table_size (acknowledged) + 1);

      product = ota_engine_get_product (engine, PRODUCT, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ota_product_get_device_count (product), ==, (guint64) present * ROWS_PER_FILE);
      g_assert_cmpint (query_int (engine, "SELECT count(*) FROM devices", NULL), ==,
                       (gint64) present * ROWS_PER_FILE);

      /* After the crash the same import runs to the end. */
      if (round == N_ROUNDS - 1)
        {
          g_autoptr(GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

          g_clear_object (&engine);
          import_and_kill (d, db, N_FILES + 1, all);
          g_assert_cmpuint (g_hash_table_size (all), ==, N_FILES);
          engine = open_and_check (db);
          g_assert_cmpint (query_int (engine, "SELECT count(*) FROM devices", NULL), ==,
                           (gint64) N_FILES * ROWS_PER_FILE);
        }
    }
}

static guint
count_hidden_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += name[0] == '.';
  return n;
}

/* Sparse: a big file to read and copy, nothing much to write here. */
static void
write_sparse (const char *path,
              guint64     size)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  g_assert_cmpint (pwrite (fd, "OTAFW", 5, 0), ==, 5);
  g_assert_no_errno (close (fd));
}

typedef struct {
  GMainLoop *loop;
  GPid       pid;
  gboolean   killed;
  gboolean   exited;
  int        status;
  int        signal;
  goffset    kill_at_size;   /* 0: as soon as the temporary upload file appears */
  char      *upload_path;
} FirmwareRun;

static void
send_signal (FirmwareRun *run)
{
  if (!run->killed && !run->exited)
    {
      kill (run->pid, run->signal);
      run->killed = TRUE;
    }
}

/* Polls the upload's size between main loop events: the kill is timed by the bytes the
 * child has copied, not by a clock. */
static gboolean
watch_upload_size (gpointer user_data)
{
  FirmwareRun *run = user_data;
  GStatBuf st;

  if (run->exited || run->killed || g_stat (run->upload_path, &st) != 0)
    return G_SOURCE_REMOVE;   /* ended, or renamed to its blob name: too late */

  if (st.st_size >= run->kill_at_size)
    {
      send_signal (run);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
on_blob_dir_changed (GFileMonitor      *monitor,
                     GFile             *file,
                     GFile             *other,
                     GFileMonitorEvent  event,
                     gpointer           user_data)
{
  FirmwareRun *run = user_data;

  if (event != G_FILE_MONITOR_EVENT_CREATED || run->upload_path != NULL)
    return;

  if (run->kill_at_size == 0)
    send_signal (run);
  else
    {
      run->upload_path = g_file_get_path (file);
      g_idle_add (watch_upload_size, run);
    }
}

static void
on_child_exit (GPid     pid,
               int      status,
               gpointer user_data)
{
  FirmwareRun *run = user_data;

  run->exited = TRUE;
  run->status = status;
  g_main_loop_quit (run->loop);
}

/* kill -9 while a 300 MB firmware is copied into the blob store: no firmware row
 * unless acknowledged, the store intact, no temporary file left once it is opened. */
static void
test_kill_during_firmware_add (Durability    *d,
                               gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (300);

  /* Round 0 kills when the upload file appears, the others after 1..299 MB copied. */
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *name = g_strdup_printf ("firmware-%u.db", round);
      g_autofree char *db = g_build_filename (d->dir, name, NULL);
      g_autofree char *blob_dir = g_strconcat (db, ".blobs", NULL);
      g_autofree char *big = g_build_filename (d->dir, "big.bin", NULL);
      g_autoptr(GFile) blob_dir_file = g_file_new_for_path (blob_dir);
      g_autoptr(GFileMonitor) monitor = NULL;
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      g_autoptr(OtaEngine) engine = NULL;
      g_autoptr(GPtrArray) firmwares = NULL;
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GError) error = NULL;
      FirmwareRun run = { loop, 0, FALSE, FALSE, 0, SIGKILL, 0, NULL };
      const char *args[] = { "firmware", "add", PRODUCT, big, "--name", "big", "--version", "2.0.0",
                             "--source", "1.0.0", NULL };
      const char *entry;
      guint leftovers = 0;
      gboolean died;
      int fd;

      create_database (db, PRODUCT);

      write_sparse (big, BIG_SIZE);

      monitor = g_file_monitor_directory (blob_dir_file, G_FILE_MONITOR_NONE, NULL, &error);
      g_assert_no_error (error);
      g_signal_connect (monitor, "changed", G_CALLBACK (on_blob_dir_changed), &run);

      if (round > 0)
        run.kill_at_size = (goffset) g_rand_int_range (rand, 1, 300) * 1024 * 1024;
      run.pid = spawn_otactl (db, args, NULL);
      g_child_watch_add (run.pid, on_child_exit, &run);
      g_main_loop_run (loop);
      g_file_monitor_cancel (monitor);
      g_free (run.upload_path);

      /* Judged by how it ended: a kill that came after a clean exit killed nothing. */
      died = WIFSIGNALED (run.status);
      g_test_message ("firmware round %u: %s at %" G_GOFFSET_FORMAT " bytes", round,
                      died ? "killed while copying" : "finished before the kill", run.kill_at_size);
      g_assert_true (died || g_spawn_check_wait_status (run.status, NULL));

      g_test_message ("firmware round %u: %u temporary file(s) before the store is opened",
                      round, count_hidden_files (blob_dir));
      engine = open_and_check (db);
      firmwares = ota_engine_list_firmwares (engine, PRODUCT, &error);
      g_assert_no_error (error);
      /* Acknowledged (exit 0): the firmware is there. Killed: it is there only if the
       * commit came first, and then with its whole file. */
      if (!died)
        g_assert_cmpuint (firmwares->len, ==, 1);
      g_assert_cmpuint (firmwares->len, <=, 1);
      if (firmwares->len == 1)
        {
          OtaFirmware *firmware = g_ptr_array_index (firmwares, 0);
          g_autofree char *blob = g_build_filename (blob_dir, ota_firmware_get_blob_sha256 (firmware), NULL);
          GStatBuf st;

          g_assert_cmpint (g_stat (blob, &st), ==, 0);
          g_assert_cmpuint (st.st_size, ==, BIG_SIZE);
          g_assert_cmpuint (ota_firmware_get_size (firmware), ==, BIG_SIZE);
        }

      /* kill -9 leaves the temporary upload behind; opening the store removes it.
       * Every other file is the blob of a firmware. */
      dir = g_dir_open (blob_dir, 0, &error);
      g_assert_no_error (error);
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          if (entry[0] == '.')
            leftovers++;
          else
            g_assert_cmpint (query_int (engine, "SELECT count(*) FROM firmwares WHERE blob_sha256 = ?",
                                        entry), >, 0);
        }
      g_assert_cmpuint (leftovers, ==, 0);
      g_clear_object (&engine);

      /* After the crash the same add works. */
      g_unlink (big);
      fd = g_open (big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (write (fd, "OTAFW small", 11), ==, 11);
      g_assert_no_errno (close (fd));
      {
        int out_fd, status = 0;
        GPid pid = spawn_otactl (db, args, &out_fd);

        g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
        g_spawn_close_pid (pid);
        close (out_fd);
        /* Same name: added now, or a conflict (4) with the one that made it. */
        g_assert_true (WIFEXITED (status));
        g_assert_cmpint (WEXITSTATUS (status), ==, firmwares->len == 0 ? 0 : 4);
      }
      engine = open_and_check (db);
      g_clear_pointer (&firmwares, g_ptr_array_unref);
      firmwares = ota_engine_list_firmwares (engine, PRODUCT, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (firmwares->len, ==, 1);
      g_unlink (big);
    }
}

/* R-F8: Ctrl-C while a 1,000 MB firmware is copied cancels cleanly: exit 130, no
 * firmware, no temporary file. */
static void
test_ctrl_c_cancels_firmware_add (Durability    *d,
                                  gconstpointer  data)
{
  g_autofree char *db = g_build_filename (d->dir, "ctrl-c.db", NULL);
  g_autofree char *blob_dir = g_strconcat (db, ".blobs", NULL);
  g_autofree char *big = g_build_filename (d->dir, "big.bin", NULL);
  g_autoptr(GFile) blob_dir_file = g_file_new_for_path (blob_dir);
  g_autoptr(GFileMonitor) monitor = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(GPtrArray) firmwares = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  FirmwareRun run = { loop, 0, FALSE, FALSE, 0, SIGINT, 0, NULL };
  const char *args[] = { "firmware", "add", PRODUCT, big, "--name", "big", "--version", "2.0.0",
                         "--source", "1.0.0", NULL };

  create_database (db, PRODUCT);
  write_sparse (big, OTA_FIRMWARE_MAX_SIZE);

  monitor = g_file_monitor_directory (blob_dir_file, G_FILE_MONITOR_NONE, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (monitor, "changed", G_CALLBACK (on_blob_dir_changed), &run);

  run.pid = spawn_otactl (db, args, NULL);
  g_child_watch_add (run.pid, on_child_exit, &run);
  g_main_loop_run (loop);
  g_file_monitor_cancel (monitor);

  g_assert_true (run.killed);
  g_assert_true (WIFEXITED (run.status));
  g_assert_cmpint (WEXITSTATUS (run.status), ==, 130);

  engine = open_and_check (db);
  firmwares = ota_engine_list_firmwares (engine, PRODUCT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (firmwares->len, ==, 0);
  dir = g_dir_open (blob_dir, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (dir));
  g_unlink (big);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/durability/R-DV1/kill-9-during-import-keeps-acknowledged-files-atomic",
              Durability, NULL, durability_setup, test_kill_during_import, durability_teardown);
  g_test_add ("/cli/durability/R-F8/kill-9-during-firmware-add-leaves-no-firmware",
              Durability, GINT_TO_POINTER (TRUE), durability_setup, test_kill_during_firmware_add,
              durability_teardown);
  g_test_add ("/cli/durability/R-F8/ctrl-c-cancels-firmware-add-cleanly",
              Durability, GINT_TO_POINTER (TRUE), durability_setup, test_ctrl_c_cancels_firmware_add,
              durability_teardown);

  return g_test_run ();
}
