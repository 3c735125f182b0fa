/* test-store.c — the SQLite store: schema versions, durability settings, leftovers */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "ota-schema.h"
#include "ota-test-link.h"
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

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* The database holds the products' private signing keys (R-P2): the database, its -wal
 * and -shm files and the firmware folder are the user's alone, also when they were
 * made with looser modes before (an older release, a restored backup). */
static void
test_store_files_are_private (OtaTestFixture *f,
                              gconstpointer   data)
{
  g_autofree char *blob_dir = g_strdup (ota_store_get_blob_dir (ota_engine_get_store (f->engine)));
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db_path, "-shm", NULL);
  const char *files[] = { f->db_path, wal, shm };

  g_assert_cmpuint (file_mode (blob_dir), ==, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_assert_cmpuint (file_mode (files[i]), ==, 0600);

  /* Loosened while it is open: the next open (the -wal and -shm are made again) makes
   * every one private again. */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_assert_cmpint (g_chmod (files[i], 0644), ==, 0);
  g_assert_cmpint (g_chmod (blob_dir, 0755), ==, 0);

  ota_test_fixture_reopen (f);

  g_assert_cmpuint (file_mode (blob_dir), ==, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_assert_cmpuint (file_mode (files[i]), ==, 0600);
}

/* ---- Results are read before the commit ---------------------------------------------- */

static int
interrupt_statement (void *data)
{
  return 1;
}

static int
break_store_after_commit (void *data)
{
  /* The commit goes through; every statement after it is interrupted. */
  sqlite3_progress_handler (data, 1, interrupt_statement, NULL);
  return 0;
}

/* From the next commit on the store fails every read, as one that breaks right after
 * saving would. */
static void
break_after_next_commit (OtaEngine *engine)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));

  sqlite3_commit_hook (db, break_store_after_commit, db);
}

static void
repair_store (OtaEngine *engine)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));

  sqlite3_commit_hook (db, NULL, NULL);
  sqlite3_progress_handler (db, 0, NULL, NULL);
}

/* An operation whose change was committed returns its result even when reading after
 * the commit would fail: an error would make a caller retry and do it twice. The result
 * is read inside the transaction. */
static void
test_results_read_before_commit (OtaTestFixture *f,
                                 gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaTestLink) link = ota_test_attach_link (f);
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaProduct) secured = NULL;
  g_autoptr(OtaDevice) device = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaFirmware) verified = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) cancelled = NULL;
  g_autoptr(OtaTask) task = NULL;
  g_autofree char *path = ota_test_write_file (f, "fw2.bin", "\x7f" "ELF firmware image", 19);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gint64 task_id;
  const char *sources[] = { "1.0", NULL };
  const char *verifiers[] = { "verifier", NULL };
  OtaProductSpec product_spec = {
    .key = "p9", .name = "Lamp", .project_type = OTA_PROJECT_TYPE_OWN_BRAND,
    .network_type = OTA_NETWORK_TYPE_WIFI, .alios_things = TRUE,
  };
  OtaDeviceSpec device_spec = { .product_key = OTA_TEST_PRODUCT, .name = "dev-late", .online = TRUE };
  OtaFirmwareSpec firmware_spec = {
    .product_key = OTA_TEST_PRODUCT, .name = "fw2", .type = OTA_FIRMWARE_TYPE_FULL,
    .version = "3.0", .source_versions = sources, .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
  };
  OtaVerifySpec verify_spec = { .source_versions = sources, .devices = verifiers, .timeout_minutes = 60 };
  OtaBatchSpec batch_spec = OTA_BATCH_SPEC_INIT;

  break_after_next_commit (f->engine);
  product = ota_engine_add_product (f->engine, &product_spec, &error);
  repair_store (f->engine);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_key (product), ==, "p9");

  break_after_next_commit (f->engine);
  secured = ota_engine_set_secure_upgrade (f->engine, "p9", TRUE, &error);
  repair_store (f->engine);
  g_assert_no_error (error);
  g_assert_true (ota_product_get_secure_upgrade (secured));

  /* The catalogue of the rollout steps below. */
  firmware = ota_test_add_firmware (f, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  g_clear_object (&device);
  device = ota_test_add_device (f->engine, OTA_TEST_PRODUCT, "verifier", "1.0");
  g_clear_object (&device);
  device = ota_test_add_device (f->engine, OTA_TEST_PRODUCT, "dev-00", "1.0");
  g_clear_object (&device);
  device = ota_test_add_device (f->engine, OTA_TEST_PRODUCT, "dev-01", "1.0");
  g_clear_object (&device);

  break_after_next_commit (f->engine);
  device = ota_engine_add_device (f->engine, &device_spec, &error);
  repair_store (f->engine);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_name (device), ==, "dev-late");

  break_after_next_commit (f->engine);
  verified = ota_engine_add_firmware (f->engine, &firmware_spec, file, NULL, NULL, NULL, &error);
  repair_store (f->engine);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_firmware_get_version (verified), ==, "3.0");
  g_clear_object (&verified);

  /* The first notices go out after the commit: that pass fails too, and says so. */
  verify_spec.firmware_id = ota_firmware_get_id (firmware);
  break_after_next_commit (f->engine);
  g_test_expect_message ("ota-engine", G_LOG_LEVEL_WARNING, "Pushing the first notices failed*");
  verification = ota_engine_start_verification (f->engine, &verify_spec, &error);
  repair_store (f->engine);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_kind (verification), ==, OTA_BATCH_KIND_VERIFICATION);

  /* Verified through the real flow, then a batch. */
  ota_test_advance (f, G_TIME_SPAN_MINUTE);
  ota_test_send_progress (f, "verifier", 100, NULL);
  ota_test_send_version (f, "verifier", "2.0");
  verified = ota_engine_get_firmware (f->engine, ota_firmware_get_id (firmware), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_firmware_get_status (verified), ==, OTA_FIRMWARE_STATUS_VERIFIED);

  batch_spec.firmware_id = ota_firmware_get_id (firmware);
  batch_spec.app_confirm = TRUE;
  break_after_next_commit (f->engine);
  g_test_expect_message ("ota-engine", G_LOG_LEVEL_WARNING, "Pushing the first notices failed*");
  batch = ota_engine_create_batch (f->engine, &batch_spec, &error);
  repair_store (f->engine);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_CONFIRM), ==, 2);

  task = ota_test_get_task (f, ota_batch_get_id (batch), "dev-00");
  task_id = ota_task_get_id (task);
  g_clear_object (&task);
  break_after_next_commit (f->engine);
  task = ota_engine_cancel_task (f->engine, task_id, &error);
  repair_store (f->engine);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_CANCELLED);

  break_after_next_commit (f->engine);
  cancelled = ota_engine_cancel_batch (f->engine, ota_batch_get_id (batch), &error);
  repair_store (f->engine);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_state (cancelled), ==, OTA_BATCH_STATE_CANCELLED);
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
  ADD ("/store/files-are-private", test_store_files_are_private);
  ADD ("/store/results-read-before-commit", test_results_read_before_commit);

  return g_test_run ();
}
