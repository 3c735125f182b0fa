/* test-store.c — the SQLite store: schema versions, durability settings, leftovers */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "ota-schema.h"
#include "ota-test-util.h"

static gint64
pragma_int (OtaEngine  *engine,
            const char *pragma)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, pragma, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_store_is_migrated_and_durable (OtaTestFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->engine));

  g_assert_cmpint (pragma_int (f->engine, "PRAGMA user_version"), ==, ota_store_schema_version ());
  /* synchronous = FULL (2): a commit is on disk before the engine acknowledges it. */
  g_assert_cmpint (pragma_int (f->engine, "PRAGMA synchronous"), ==, 2);
  g_assert_cmpint (pragma_int (f->engine, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpstr (sqlite3_db_readonly (db, "main") ? "ro" : "rw", ==, "rw");
  g_assert_true (ota_store_check_integrity (ota_engine_get_store (f->engine), &error));
  g_assert_no_error (error);

  /* Reopening an up-to-date database migrates nothing and keeps the data. */
  g_clear_object (&f->engine);
  ota_test_fixture_reopen (f);
  g_assert_cmpint (pragma_int (f->engine, "PRAGMA user_version"), ==, ota_store_schema_version ());
}

static void
test_store_refuses_newer_schema (OtaTestFixture *f,
                                 gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", ota_store_schema_version () + 1);
  g_autoptr(OtaEngine) engine = NULL;

  g_assert_true (ota_store_exec (ota_engine_get_store (f->engine), sql, &error));
  g_clear_object (&f->engine);

  engine = ota_engine_new (f->db_path, OTA_CLOCK (f->clock), &error);
  g_assert_null (engine);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_STORE);
}

/* A database written by the first release opens in this one: forward migrations keep
 * what it held. */
static void
test_store_migrates_old_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaProduct) product = NULL;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, ota_schema_migrations[0], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO products (key, name, project_type, network_type, created_at) "
                                 "VALUES ('old1', 'Old lamp', 'own-brand', 'wifi', 1);"
                                 "PRAGMA user_version = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  engine = ota_engine_new (path, NULL, &error);
  g_assert_no_error (error);
  product = ota_engine_get_product (engine, "old1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_name (product), ==, "Old lamp");
  g_assert_true (ota_store_check_integrity (ota_engine_get_store (engine), &error));

  g_clear_object (&engine);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_autofree char *blobs = g_strconcat (path, ".blobs", NULL);
    g_remove (wal);
    g_remove (shm);
    g_rmdir (blobs);
  }
  g_rmdir (dir);
}

/* A process killed during a firmware upload leaves its temporary file; the next open
 * removes it, but never the file of an upload that is still running (it holds a lock). */
static void
test_store_removes_stale_uploads (OtaTestFixture *f,
                                  gconstpointer   data)
{
  const char *blob_dir = ota_store_get_blob_dir (ota_engine_get_store (f->engine));
  g_autofree char *stale = g_build_filename (blob_dir, ".upload-stale1", NULL);
  g_autofree char *live = g_build_filename (blob_dir, ".upload-live01", NULL);
  g_autofree char *blob = g_build_filename (blob_dir, "0123abcd", NULL);
  int live_fd;

  g_assert_true (g_file_set_contents (stale, "partial", -1, NULL));
  g_assert_true (g_file_set_contents (blob, "kept", -1, NULL));
  g_assert_true (g_file_set_contents (live, "running", -1, NULL));
  live_fd = g_open (live, O_RDONLY, 0);
  g_assert_cmpint (live_fd, >=, 0);
  g_assert_cmpint (flock (live_fd, LOCK_EX), ==, 0);

  ota_test_fixture_reopen (f);

  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (blob, G_FILE_TEST_EXISTS));
  close (live_fd);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/store/migrated-and-durable", test_store_is_migrated_and_durable);
  ADD ("/store/refuses-newer-schema", test_store_refuses_newer_schema);
  g_test_add_func ("/store/migrates-old-database", test_store_migrates_old_database);
  ADD ("/store/removes-stale-uploads", test_store_removes_stale_uploads);

  return g_test_run ();
}
