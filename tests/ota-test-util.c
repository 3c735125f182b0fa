/* ota-test-util.c — fixtures shared by the engine tests */
#include <glib/gstdio.h>
#include <string.h>

#include "ota-test-util.h"

void
ota_test_fixture_setup (OtaTestFixture *fixture,
                        gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("ota-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "ota.db", NULL);
  fixture->clock = ota_manual_clock_new (OTA_TEST_EPOCH);
  fixture->engine = ota_engine_new (fixture->db_path, OTA_CLOCK (fixture->clock), &error);
  g_assert_no_error (error);
  ota_engine_set_actor (fixture->engine, "test");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }

  g_remove (path);
}

void
ota_test_fixture_teardown (OtaTestFixture *fixture,
                           gconstpointer   data)
{
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->clock);
  remove_tree (fixture->dir);
  g_free (fixture->db_path);
  g_free (fixture->dir);
}

void
ota_test_fixture_reopen (OtaTestFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->engine);
  fixture->engine = ota_engine_new (fixture->db_path, OTA_CLOCK (fixture->clock), &error);
  g_assert_no_error (error);
  ota_engine_set_actor (fixture->engine, "test");
}

gint64
ota_test_now (OtaTestFixture *fixture)
{
  return ota_clock_get_now (OTA_CLOCK (fixture->clock));
}

OtaProduct *
ota_test_add_product (OtaEngine      *engine,
                      const char     *key,
                      OtaProjectType  project_type,
                      OtaNetworkType  network_type,
                      gboolean        alios_things,
                      gboolean        android_sdk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("Product %s", key);
  OtaProductSpec spec = {
    .key = key,
    .name = name,
    .project_type = project_type,
    .network_type = network_type,
    .alios_things = alios_things,
    .android_sdk = android_sdk,
  };
  OtaProduct *product = ota_engine_add_product (engine, &spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (product);
  return product;
}

OtaDevice *
ota_test_add_device (OtaEngine  *engine,
                     const char *product_key,
                     const char *name,
                     const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  OtaDeviceSpec spec = {
    .product_key = product_key,
    .name = name,
    .online = TRUE,
    .versions = versions,
  };
  OtaDevice *device;

  if (version != NULL)
    g_hash_table_insert (versions, g_strdup ("default"), g_strdup (version));

  device = ota_engine_add_device (engine, &spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (device);
  return device;
}

void
ota_test_exec_sql (OtaEngine  *engine,
                   const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ota_store_exec (ota_engine_get_store (engine), sql, &error));
  g_assert_no_error (error);
}

char *
ota_test_dump_store (OtaEngine *engine)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                       "AND name NOT IN ('audit_log') ORDER BY name",
                                       -1, &tables, NULL), ==, SQLITE_OK);

  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", table);
      sqlite3_stmt *rows = NULL;

      g_string_append_printf (out, "[%s]\n", table);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL), ==, SQLITE_OK);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int i = 0; i < sqlite3_column_count (rows); i++)
            g_string_append_printf (out, "%s|", sqlite3_column_text (rows, i) ? (const char *) sqlite3_column_text (rows, i) : "NULL");
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (rows);
    }
  sqlite3_finalize (tables);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
ota_test_assert_unchanged (OtaEngine  *engine,
                           const char *before)
{
  g_autofree char *after = ota_test_dump_store (engine);

  g_assert_cmpstr (before, ==, after);
}

void
ota_test_assert_error (const GError *error,
                       OtaErrorCode  code,
                       const char   *field,
                       const char   *mentions)
{
  g_auto(GStrv) words = mentions != NULL ? g_strsplit (mentions, " ", -1) : NULL;

  g_assert_error ((GError *) error, OTA_ERROR, (gint) code);
  g_assert_cmpstr (ota_error_get_field (error), ==, field);
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    if (strstr (error->message, words[i]) == NULL)
      g_error ("“%s” does not mention “%s”", error->message, words[i]);
}

char *
ota_test_write_file (OtaTestFixture *fixture,
                     const char     *name,
                     const void     *contents,
                     gsize           length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, contents, (gssize) length, &error);
  g_assert_no_error (error);
  return path;
}

gboolean
ota_test_make_certificate (const char  *dir,
                           char       **cert,
                           char       **key)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  if (openssl == NULL)
    return FALSE;
  *cert = g_build_filename (dir, "cert.pem", NULL);
  *key = g_build_filename (dir, "key.pem", NULL);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                              "-nodes", "-keyout", *key, "-out", *cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                              "-addext", "subjectAltName=IP:127.0.0.1", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  return TRUE;
}
