/* test-device-import.c — CSV import and export of devices (R-DV1), and the CSV reader */
#include <string.h>

#include "ota-csv.h"
#include "ota-test-util.h"

#define HEADER "product,device,province,city,versions,online\n"

static gboolean
import_text (OtaEngine        *engine,
             const char       *csv,
             OtaImportResult  *result,
             GError          **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_strdup (csv), -1, g_free);

  return ota_engine_import_devices_csv (engine, stream, result, NULL, NULL, NULL, error);
}

static char *
export_text (OtaEngine  *engine,
             const char *product_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();

  ota_engine_export_devices_csv (engine, product_key, stream, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);
  return g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)));
}

static gint64
count_rows (OtaEngine  *engine,
            const char *sql)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
add_products (OtaEngine *engine)
{
  g_object_unref (ota_test_add_product (engine, "lamp", OTA_PROJECT_TYPE_OWN_BRAND,
                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE));
  g_object_unref (ota_test_add_product (engine, "plug", OTA_PROJECT_TYPE_OWN_BRAND,
                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE));
}

/* module_versions must equal a fresh count over device_versions (zero rows aside). */
static void
assert_module_versions_in_step (OtaEngine *engine)
{
  g_assert_cmpint (count_rows (engine,
                               "SELECT count(*) FROM ("
                               "  SELECT product_key, module, version, devices FROM module_versions "
                               "  WHERE devices <> 0"
                               "  EXCEPT"
                               "  SELECT d.product_key, v.module, v.version, count(*) "
                               "  FROM device_versions v JOIN devices d ON d.id = v.device_id "
                               "  GROUP BY 1, 2, 3)"), ==, 0);
  g_assert_cmpint (count_rows (engine,
                               "SELECT count(*) FROM ("
                               "  SELECT d.product_key, v.module, v.version, count(*) "
                               "  FROM device_versions v JOIN devices d ON d.id = v.device_id "
                               "  GROUP BY 1, 2, 3"
                               "  EXCEPT"
                               "  SELECT product_key, module, version, devices FROM module_versions)"),
                   ==, 0);
  g_assert_cmpint (count_rows (engine, "SELECT count(*) FROM module_versions WHERE devices < 0"), ==, 0);
}

/* R-DV1: a good file adds every device, with region, online flag and versions. */
static void
test_import_good_file (OtaTestFixture *f,
                       gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaDevice) lamp1 = NULL;
  g_autoptr(OtaDevice) plug1 = NULL;
  OtaImportResult result = { 99, 99 };

  add_products (f->engine);
  import_text (f->engine,
               HEADER
               "lamp,lamp-0001,浙江,杭州,default=1.0;wifi=2.0,yes\n"
               "lamp,lamp-0002,,,,no\n"
               "plug,lamp-0001,广东,,default=3.1,TRUE\n",
               &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 3);
  g_assert_cmpuint (result.updated, ==, 0);

  lamp1 = ota_engine_get_device (f->engine, "lamp", "lamp-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_province (lamp1), ==, "浙江");
  g_assert_cmpstr (ota_device_get_city (lamp1), ==, "杭州");
  g_assert_true (ota_device_get_online (lamp1));
  g_assert_cmpstr (ota_device_get_version (lamp1, NULL), ==, "1.0");
  g_assert_cmpstr (ota_device_get_version (lamp1, "wifi"), ==, "2.0");
  g_assert_cmpint (ota_device_get_created_at (lamp1), ==, OTA_TEST_EPOCH);

  plug1 = ota_engine_get_device (f->engine, "plug", "lamp-0001", &error);
  g_assert_no_error (error);
  g_assert_true (ota_device_get_online (plug1));
  g_assert_cmpstr (ota_device_get_version (plug1, "default"), ==, "3.1");

  g_assert_cmpint (count_rows (f->engine, "SELECT count(*) FROM devices"), ==, 3);
  g_assert_cmpint (count_rows (f->engine, "SELECT count(*) FROM modules WHERE product_key = 'lamp'"), ==, 2);
  g_assert_cmpint (count_rows (f->engine,
                               "SELECT count(*) FROM audit_log WHERE action = 'device.import' "
                               "AND params LIKE '%''added'': <uint64 3>%'"), ==, 1);
  assert_module_versions_in_step (f->engine);
}

/* R-DV1: every form of the online flag. */
static void
test_import_online_forms (OtaTestFixture *f,
                          gconstpointer   data)
{
  const char *forms[] = { "yes", "no", "true", "false", "1", "0", "", "Yes", "NO" };
  const gboolean online[] = { TRUE, FALSE, TRUE, FALSE, TRUE, FALSE, FALSE, TRUE, FALSE };
  g_autoptr(GString) csv = g_string_new (HEADER);
  g_autoptr(GError) error = NULL;

  add_products (f->engine);
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    g_string_append_printf (csv, "lamp,dev-%04u,,,,%s\n", i, forms[i]);
  import_text (f->engine, csv->str, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%04u", i);
      g_autoptr(OtaDevice) device = ota_engine_get_device (f->engine, "lamp", name, &error);

      g_assert_no_error (error);
      g_assert_cmpint (ota_device_get_online (device), ==, online[i]);
    }
}

/* A bad row fails the file: the error names the line and the field, nothing is kept. */
static void
test_import_bad_row_imports_nothing (OtaTestFixture *f,
                                     gconstpointer   data)
{
  struct {
    const char *row;
    int code;   /* OtaErrorCode */
    const char *field;
  } cases[] = {
    { "lamp,ab,,,,yes", OTA_ERROR_INVALID_FIELD, "device" },
    { "nope,lamp-0009,,,,yes", OTA_ERROR_NOT_FOUND, "product" },
    { "bad key,lamp-0009,,,,yes", OTA_ERROR_INVALID_FIELD, "product" },
    { "lamp,lamp-0009,,杭州,,yes", OTA_ERROR_INVALID_FIELD, "city" },
    { "lamp,lamp-0009,一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三,,,yes",
      OTA_ERROR_INVALID_FIELD, "province" },
    { "lamp,lamp-0009,,,1.0,yes", OTA_ERROR_INVALID_FIELD, "versions" },
    { "lamp,lamp-0009,,,=1.0,yes", OTA_ERROR_INVALID_FIELD, "module" },
    { "lamp,lamp-0009,,,default=1.0;default=2.0,yes", OTA_ERROR_INVALID_FIELD, "versions" },
    { "lamp,lamp-0009,,,default=1 0,yes", OTA_ERROR_INVALID_FIELD, "version" },
    { "lamp,lamp-0009,,,default=1.0;,yes", OTA_ERROR_INVALID_FIELD, "versions" },
    { "lamp,lamp-0009,,,,maybe", OTA_ERROR_INVALID_FIELD, "online" },
    { "lamp,lamp-0009,,,yes", OTA_ERROR_INVALID_FIELD, "file" },
    { "lamp,lamp-0009,,,,yes,extra", OTA_ERROR_INVALID_FIELD, "file" },
    { "lamp,lamp-0009,\"a\nb\",,,yes", OTA_ERROR_INVALID_FIELD, "province" },
    { "lamp,lamp-0009,x\"y,,,yes", OTA_ERROR_INVALID_FIELD, "file" },
  };
  g_autofree char *before = NULL;

  add_products (f->engine);
  g_object_unref (ota_test_add_device (f->engine, "lamp", "lamp-0001", "1.0"));
  before = ota_test_dump_store (f->engine);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      /* Lines 2–4 are good (one updates lamp-0001); the bad row is line 5. */
      g_autofree char *csv = g_strdup_printf (HEADER
                                              "lamp,lamp-0001,浙江,,default=2.0,no\n"
                                              "lamp,lamp-0002,,,default=1.0,yes\n"
                                              "\n"
                                              "%s\n"
                                              "lamp,lamp-0003,,,,yes\n",
                                              cases[i].row);

      g_assert_false (import_text (f->engine, csv, NULL, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, OTA_ERROR, cases[i].code);
      g_assert_cmpstr (ota_error_get_field (error), ==, cases[i].field);
      if (!g_str_has_prefix (error->message, "Line 5: "))
        g_error ("case %u: “%s” does not name line 5", i, error->message);
      after = ota_test_dump_store (f->engine);
      g_assert_cmpstr (before, ==, after);
    }

  g_assert_cmpint (count_rows (f->engine,
                               "SELECT count(*) FROM audit_log WHERE action = 'device.import'"), ==, 0);
}

/* A device named twice in one file fails the file; the error names both lines. */
static void
test_import_duplicate_in_file (OtaTestFixture *f,
                               gconstpointer   data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *files[] = {
    /* a new device twice */
    HEADER "lamp,lamp-0002,,,,yes\nplug,lamp-0002,,,,yes\nlamp,lamp-0002,,,,no\n",
    /* an existing device twice */
    HEADER "lamp,lamp-0001,,,,yes\nplug,lamp-0002,,,,yes\nlamp,lamp-0001,,,,no\n",
  };

  add_products (f->engine);
  g_object_unref (ota_test_add_device (f->engine, "lamp", "lamp-0001", "1.0"));
  before = ota_test_dump_store (f->engine);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (import_text (f->engine, files[i], NULL, &error));
      g_assert_error (error, OTA_ERROR, OTA_ERROR_CONFLICT);
      g_assert_cmpstr (ota_error_get_field (error), ==, "device");
      g_assert_true (g_str_has_prefix (error->message, "Line 4: "));
      g_assert_nonnull (strstr (error->message, "line 2"));
    }

  after = ota_test_dump_store (f->engine);
  g_assert_cmpstr (before, ==, after);
}

/* The header is required, with these columns in this order. */
static void
test_import_header_checked (OtaTestFixture *f,
                           gconstpointer   data)
{
  const char *files[] = {
    "",
    "lamp,lamp-0001,,,,yes\n",
    "product,device,city,province,versions,online\n",
    "product,device,province,city,versions\n",
    "product,device,province,city,versions,online,extra\n",
  };
  const char *mentions[] = { "header", "column 1", "column 3", "6", "6" };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  add_products (f->engine);
  before = ota_test_dump_store (f->engine);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (import_text (f->engine, files[i], NULL, &error));
      g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
      g_assert_cmpstr (ota_error_get_field (error), ==, "file");
      g_assert_nonnull (strstr (error->message, "product,device,province,city,versions,online"));
      if (strstr (error->message, mentions[i]) == NULL)
        g_error ("case %u: “%s” does not mention %s", i, error->message, mentions[i]);
    }

  after = ota_test_dump_store (f->engine);
  g_assert_cmpstr (before, ==, after);
}

/* RFC 4180: quoted fields with commas and doubled quotes; CRLF; a UTF-8 BOM. */
static void
test_import_quoting_crlf_bom (OtaTestFixture *f,
                              gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaDevice) one = NULL;
  g_autoptr(OtaDevice) two = NULL;
  OtaImportResult result = { 0 };

  add_products (f->engine);
  import_text (f->engine,
               "\xEF\xBB\xBF" "product,device,province,\"city\",versions,online\r\n"
               "lamp,lamp-0001,\"Zhe,jiang\",\"Hang \"\"West\"\" zhou\",\"default=1.0;wifi=2\",yes\r\n"
               "\"lamp\",lamp-0002,\"\",,,\"no\"\r\n",
               &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 2);

  one = ota_engine_get_device (f->engine, "lamp", "lamp-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_province (one), ==, "Zhe,jiang");
  g_assert_cmpstr (ota_device_get_city (one), ==, "Hang \"West\" zhou");
  g_assert_cmpstr (ota_device_get_version (one, "wifi"), ==, "2");
  g_assert_true (ota_device_get_online (one));

  two = ota_engine_get_device (f->engine, "lamp", "lamp-0002", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_province (two), ==, "");
  g_assert_false (ota_device_get_online (two));
}

/* Existing devices take the row's region and online flag; versions merge per module. */
static void
test_import_updates_existing (OtaTestFixture *f,
                              gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaDevice) changed = NULL;
  g_autoptr(OtaDevice) same = NULL;
  OtaImportResult result = { 0 };

  add_products (f->engine);
  import_text (f->engine,
               HEADER
               "lamp,lamp-0001,浙江,杭州,default=1.0;wifi=2.0,yes\n"
               "lamp,lamp-0002,广东,深圳,default=1.0,yes\n"
               "lamp,lamp-0003,,,default=1.0,no\n",
               &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 3);
  assert_module_versions_in_step (f->engine);

  ota_manual_clock_advance (f->clock, G_TIME_SPAN_HOUR);
  import_text (f->engine,
               HEADER
               "lamp,lamp-0001,江苏,,default=1.1,no\n"
               "lamp,lamp-0002,广东,深圳,default=1.0,yes\n"
               "lamp,lamp-0004,,,default=1.1;ble=5,yes\n",
               &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 1);
  g_assert_cmpuint (result.updated, ==, 2);

  changed = ota_engine_get_device (f->engine, "lamp", "lamp-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_province (changed), ==, "江苏");
  g_assert_cmpstr (ota_device_get_city (changed), ==, "");
  g_assert_false (ota_device_get_online (changed));
  g_assert_cmpstr (ota_device_get_version (changed, "default"), ==, "1.1");
  g_assert_cmpstr (ota_device_get_version (changed, "wifi"), ==, "2.0");
  g_assert_cmpint (ota_device_get_created_at (changed), ==, OTA_TEST_EPOCH);
  g_assert_cmpint (ota_device_get_updated_at (changed), ==, OTA_TEST_EPOCH + G_TIME_SPAN_HOUR);

  same = ota_engine_get_device (f->engine, "lamp", "lamp-0002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_device_get_updated_at (same), ==, OTA_TEST_EPOCH);

  g_assert_cmpint (count_rows (f->engine,
                               "SELECT devices FROM module_versions WHERE product_key = 'lamp' "
                               "AND module = 'default' AND version = '1.0'"), ==, 2);
  g_assert_cmpint (count_rows (f->engine,
                               "SELECT devices FROM module_versions WHERE product_key = 'lamp' "
                               "AND module = 'default' AND version = '1.1'"), ==, 2);
  assert_module_versions_in_step (f->engine);

  /* Everyone moves to 2.0: the old counts drop to zero. */
  import_text (f->engine,
               HEADER
               "lamp,lamp-0001,,,default=2.0,no\n"
               "lamp,lamp-0002,,,default=2.0,no\n"
               "lamp,lamp-0003,,,default=2.0,no\n"
               "lamp,lamp-0004,,,default=2.0,no\n",
               &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.updated, ==, 4);
  g_assert_cmpint (count_rows (f->engine,
                               "SELECT devices FROM module_versions WHERE product_key = 'lamp' "
                               "AND module = 'default' AND version = '2.0'"), ==, 4);
  assert_module_versions_in_step (f->engine);
}

static void
make_export_devices (OtaEngine *engine)
{
  g_autoptr(GError) error = NULL;

  import_text (engine,
               HEADER
               "plug,zz-0001,,,,no\n"
               "lamp,lamp-0002,\"Zhe,jiang\",\"Hang \"\"West\"\" zhou\",wifi=2.0;default=1.0,yes\n"
               "lamp,lamp-0001,广东,深圳,default=1.0,no\n"
               "plug,aa-0001,广东,,ble=0.1,yes\n",
               NULL, &error);
  g_assert_no_error (error);
}

/* Export: header first, sorted by product then name, quoted where needed. */
static void
test_export_format (OtaTestFixture *f,
                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autofree char *all = NULL;
  g_autofree char *plug = NULL;
  g_autofree char *empty = NULL;

  add_products (f->engine);
  empty = export_text (f->engine, "lamp");
  g_assert_cmpstr (empty, ==, "product,device,province,city,versions,online\r\n");

  make_export_devices (f->engine);
  all = export_text (f->engine, NULL);
  g_assert_cmpstr (all, ==,
                   "product,device,province,city,versions,online\r\n"
                   "lamp,lamp-0001,广东,深圳,default=1.0,no\r\n"
                   "lamp,lamp-0002,\"Zhe,jiang\",\"Hang \"\"West\"\" zhou\",default=1.0;wifi=2.0,yes\r\n"
                   "plug,aa-0001,广东,,ble=0.1,yes\r\n"
                   "plug,zz-0001,,,,no\r\n");

  plug = export_text (f->engine, "plug");
  g_assert_cmpstr (plug, ==,
                   "product,device,province,city,versions,online\r\n"
                   "plug,aa-0001,广东,,ble=0.1,yes\r\n"
                   "plug,zz-0001,,,,no\r\n");

  g_assert_false (ota_engine_export_devices_csv (f->engine, "nope", stream, NULL, &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
}

/* Export → import into a fresh database → export: the same bytes. */
static void
test_export_round_trip (OtaTestFixture *f,
                        gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *other_db = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(OtaEngine) other = NULL;
  g_autoptr(GString) many = g_string_new (HEADER);
  OtaImportResult result = { 0 };

  add_products (f->engine);
  make_export_devices (f->engine);
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (many, "%s,bulk-%05u,省%u,市%u,default=1.%u;m%u=2.%u,%s\n",
                            i % 2 ? "lamp" : "plug", i, i % 7, i % 5, i % 3, i % 4, i % 9,
                            i % 3 ? "yes" : "no");
  import_text (f->engine, many->str, NULL, &error);
  g_assert_no_error (error);
  first = export_text (f->engine, NULL);

  other = ota_engine_new (other_db, OTA_CLOCK (f->clock), &error);
  g_assert_no_error (error);
  add_products (other);
  import_text (other, first, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 3004);
  second = export_text (other, NULL);

  g_assert_cmpstr (first, ==, second);
  assert_module_versions_in_step (other);
}

typedef struct {
  GMainLoop    *loop;
  GMutex        mutex;
  guint64       last_done;
  guint64       total;
  guint         calls;
  gboolean      backwards;
  GCancellable *cancel_at_first;   /* cancelled from the first progress report */
  GAsyncResult *result;
} AsyncState;

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  AsyncState *state = user_data;

  g_mutex_lock (&state->mutex);
  state->backwards |= done < state->last_done;
  state->last_done = done;
  state->total = total;
  state->calls++;
  g_mutex_unlock (&state->mutex);

  if (state->cancel_at_first != NULL)
    g_cancellable_cancel (state->cancel_at_first);
}

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  state->result = g_object_ref (result);
  g_main_loop_quit (state->loop);
}

/* A file big enough for several progress reports (1 MiB apart). */
static char *
write_big_file (OtaTestFixture *f,
                guint           rows,
                gsize          *size)
{
  g_autoptr(GString) csv = g_string_new (HEADER);

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (csv, "lamp,device-%07u,Zhejiang,Hangzhou,default=1.0.%u;wifi=2.%u,yes\n",
                            i, i % 10, i % 3);
  *size = csv->len;
  return ota_test_write_file (f, "devices.csv", csv->str, csv->len);
}

static void
test_import_async_progress (OtaTestFixture *f,
                            gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState state = { .loop = loop };
  gsize size = 0;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  OtaImportResult result = { 0 };

  add_products (f->engine);
  path = write_big_file (f, 40000, &size);
  file = g_file_new_for_path (path);
  g_mutex_init (&state.mutex);

  ota_engine_import_devices_csv_async (f->engine, file, NULL, on_progress, &state, on_imported, &state);
  g_main_loop_run (loop);

  g_assert_true (ota_engine_import_devices_csv_finish (f->engine, state.result, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 40000);
  g_assert_cmpuint (state.calls, >=, 2);
  g_assert_false (state.backwards);
  g_assert_cmpuint (state.last_done, ==, size);
  g_assert_cmpuint (state.total, ==, size);
  g_assert_cmpint (count_rows (f->engine, "SELECT count(*) FROM devices"), ==, 40000);
  assert_module_versions_in_step (f->engine);

  g_object_unref (state.result);
  g_mutex_clear (&state.mutex);
}

/* Cancelling half-way rolls the whole file back. */
static void
test_import_cancel (OtaTestFixture *f,
                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncState state = { .loop = loop, .cancel_at_first = cancellable };
  gsize size = 0;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) missing = NULL;

  add_products (f->engine);
  path = write_big_file (f, 40000, &size);
  file = g_file_new_for_path (path);
  g_mutex_init (&state.mutex);
  before = ota_test_dump_store (f->engine);

  ota_engine_import_devices_csv_async (f->engine, file, cancellable, on_progress, &state,
                                       on_imported, &state);
  g_main_loop_run (loop);
  g_assert_false (ota_engine_import_devices_csv_finish (f->engine, state.result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (state.calls, ==, 1);
  g_assert_cmpuint (state.last_done, <, size);
  after = ota_test_dump_store (f->engine);
  g_assert_cmpstr (before, ==, after);
  g_clear_object (&state.result);
  g_clear_error (&error);

  /* A file that cannot be opened: an I/O error naming it. */
  missing = g_file_new_for_path ("/nonexistent/devices.csv");
  ota_engine_import_devices_csv_async (f->engine, missing, NULL, NULL, NULL, on_imported, &state);
  g_main_loop_run (loop);
  g_assert_false (ota_engine_import_devices_csv_finish (f->engine, state.result, NULL, &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/devices.csv"));
  g_clear_object (&state.result);
  g_mutex_clear (&state.mutex);
}

/* The reader on its own: line numbers across quoted line breaks, CR line ends, no final
 * line break, and syntax errors naming their line. */
static void
test_csv_reader (void)
{
  const char *text = "a,\"multi\nline\",c\r\"x\"\"y\",,\n\nlast,\"\"";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(OtaCsvReader) reader = ota_csv_reader_new (stream);
  g_autoptr(GError) error = NULL;

  g_assert_true (ota_csv_reader_next (reader, NULL, &error));
  g_assert_cmpuint (ota_csv_reader_get_line (reader), ==, 1);
  g_assert_cmpuint (ota_csv_reader_get_n_fields (reader), ==, 3);
  g_assert_cmpstr (ota_csv_reader_get_field (reader, 1), ==, "multi\nline");
  g_assert_cmpuint (ota_csv_reader_get_field_length (reader, 1), ==, 10);

  g_assert_true (ota_csv_reader_next (reader, NULL, &error));
  g_assert_cmpuint (ota_csv_reader_get_line (reader), ==, 3);
  g_assert_cmpuint (ota_csv_reader_get_n_fields (reader), ==, 3);
  g_assert_cmpstr (ota_csv_reader_get_field (reader, 0), ==, "x\"y");
  g_assert_cmpstr (ota_csv_reader_get_field (reader, 2), ==, "");

  g_assert_true (ota_csv_reader_next (reader, NULL, &error));
  g_assert_cmpuint (ota_csv_reader_get_line (reader), ==, 4);
  g_assert_cmpuint (ota_csv_reader_get_n_fields (reader), ==, 1);

  g_assert_true (ota_csv_reader_next (reader, NULL, &error));
  g_assert_cmpuint (ota_csv_reader_get_line (reader), ==, 5);
  g_assert_cmpstr (ota_csv_reader_get_field (reader, 0), ==, "last");
  g_assert_cmpstr (ota_csv_reader_get_field (reader, 1), ==, "");

  g_assert_false (ota_csv_reader_next (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ota_csv_reader_get_bytes_read (reader), ==, strlen (text));
}

static void
test_csv_reader_errors (void)
{
  const char *texts[] = { "a,b\nc,\"open\n\n", "a\nb\n\"q\"x,y\n" };
  const char *messages[] = { "Line 2:", "Line 3:" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (texts[i], -1, NULL);
      g_autoptr(OtaCsvReader) reader = ota_csv_reader_new (stream);
      g_autoptr(GError) error = NULL;

      while (ota_csv_reader_next (reader, NULL, &error))
        ;
      g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
      g_assert_true (g_str_has_prefix (error->message, messages[i]));
    }
}

static void
test_csv_writer (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  ota_csv_append_field (out, "plain");
  g_string_append_c (out, '|');
  ota_csv_append_field (out, "a,b");
  g_string_append_c (out, '|');
  ota_csv_append_field (out, "say \"hi\"");
  g_string_append_c (out, '|');
  ota_csv_append_field (out, "two\nlines");
  g_string_append_c (out, '|');
  ota_csv_append_field (out, "");

  g_assert_cmpstr (out->str, ==, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/device/R-DV1/import/good-file", test_import_good_file);
  ADD ("/device/R-DV1/import/online-forms", test_import_online_forms);
  ADD ("/device/R-DV1/import/bad-row-names-line-and-field-imports-nothing",
       test_import_bad_row_imports_nothing);
  ADD ("/device/R-DV1/import/duplicate-in-file-names-both-lines", test_import_duplicate_in_file);
  ADD ("/device/R-DV1/import/header-required-and-checked", test_import_header_checked);
  ADD ("/device/R-DV1/import/quoting-crlf-bom", test_import_quoting_crlf_bom);
  ADD ("/device/R-DV1/import/updates-existing-and-counts-versions", test_import_updates_existing);
  ADD ("/device/R-DV1/import/async-with-progress", test_import_async_progress);
  ADD ("/device/R-DV1/import/cancel-imports-nothing", test_import_cancel);
  ADD ("/device/R-DV1/export/format", test_export_format);
  ADD ("/device/R-DV1/export/round-trip-same-bytes", test_export_round_trip);
  g_test_add_func ("/csv/reader/quotes-lines-and-line-ends", test_csv_reader);
  g_test_add_func ("/csv/reader/errors-name-their-line", test_csv_reader_errors);
  g_test_add_func ("/csv/writer/quotes-when-needed", test_csv_writer);

  return g_test_run ();
}
