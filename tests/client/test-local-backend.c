/* test-local-backend.c — every OtaBackend operation through OtaLocalBackend: results on
 * the main context, specs copied at the call, errors with their field, progress on the
 * caller's thread, "catalogue-changed" after writes and "batch-changed" forwarded */
#include <string.h>

#include "client-test-util.h"
#include "ota-local-backend.h"

typedef struct {
  OtaTestFixture  base;
  OtaBackend     *backend;
  GPtrArray      *catalogue_changes;   /* product keys, "" for NULL */
  GArray         *batch_changes;       /* gint64 */
} Fixture;

typedef struct {
  GThread  *main_thread;
  guint     calls;
  guint64   done;
  guint64   total;
  gboolean  finished;
} Progress;

static void
on_catalogue_changed (OtaBackend *backend,
                      const char *product_key,
                      Fixture    *f)
{
  g_ptr_array_add (f->catalogue_changes, g_strdup (product_key != NULL ? product_key : ""));
}

static void
on_batch_changed (OtaBackend *backend,
                  gint64      batch_id,
                  Fixture    *f)
{
  g_array_append_val (f->batch_changes, batch_id);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ota_test_fixture_setup (&f->base, data);
  f->backend = ota_local_backend_new (f->base.engine);
  f->catalogue_changes = g_ptr_array_new_with_free_func (g_free);
  f->batch_changes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (f->backend, "catalogue-changed", G_CALLBACK (on_catalogue_changed), f);
  g_signal_connect (f->backend, "batch-changed", G_CALLBACK (on_batch_changed), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->backend);
  g_ptr_array_unref (f->catalogue_changes);
  g_array_unref (f->batch_changes);
  ota_test_fixture_teardown (&f->base, data);
}

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Progress *p = user_data;

  /* On the caller's thread, inside its main loop, in order, never after the callback. */
  g_assert_true (g_thread_self () == p->main_thread);
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_false (p->finished);
  g_assert_cmpuint (done, >=, p->done);
  p->calls++;
  p->done = done;
  p->total = total;
}

/* Marks the operation finished and runs whatever is still pending: a late progress
 * report would fail on_progress(). */
static void
finish_progress (Progress *p)
{
  p->finished = TRUE;
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
has_change (Fixture    *f,
            const char *product_key)
{
  for (guint i = 0; i < f->catalogue_changes->len; i++)
    if (g_str_equal (g_ptr_array_index (f->catalogue_changes, i), product_key))
      return TRUE;
  return FALSE;
}

/* ---- Products ------------------------------------------------------------------ */

/* R-P1 through the backend: the call returns at once, the spec is copied, the signal
 * comes before the callback. */
static void
test_products_round_trip (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(GPtrArray) products = NULL;
  g_autofree char *name = NULL;
  char key_text[] = "a1Lamp";
  char name_text[] = "Desk lamp";
  OtaProductSpec spec = {
    .key = key_text,
    .name = name_text,
    .project_type = OTA_PROJECT_TYPE_OWN_BRAND,
    .network_type = OTA_NETWORK_TYPE_WIFI,
  };

  ota_backend_add_product_async (f->backend, &spec, NULL, client_test_store_result, &result);
  g_assert_null (result);
  /* The caller's strings are its own again as soon as the call returned. */
  key_text[0] = 'X';
  name_text[0] = 'X';

  product = ota_backend_add_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_key (product), ==, "a1Lamp");
  g_assert_cmpstr (ota_product_get_name (product), ==, "Desk lamp");
  g_assert_cmpuint (f->catalogue_changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->catalogue_changes, 0), ==, "a1Lamp");
  g_clear_object (&result);
  g_clear_object (&product);

  ota_backend_list_products_async (f->backend, NULL, client_test_store_result, &result);
  products = ota_backend_list_products_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (products->len, ==, 1);
  g_assert_cmpstr (ota_product_get_key (g_ptr_array_index (products, 0)), ==, "a1Lamp");
  g_clear_object (&result);

  ota_backend_get_product_async (f->backend, "a1Lamp", NULL, client_test_store_result, &result);
  product = ota_backend_get_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_name (product), ==, "Desk lamp");

  /* Reads do not announce changes. */
  g_assert_cmpuint (f->catalogue_changes->len, ==, 1);

  name = ota_backend_dup_name (f->backend);
  g_assert_cmpstr (name, ==, f->base.db_path);
}

/* R-P1: a refused write keeps the engine's code and field, changes nothing and
 * announces nothing. */
static void
test_products_error_keeps_field (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  g_autofree char *after = NULL;
  OtaProductSpec spec = { .key = "bad key", .name = "Lamp" };

  ota_backend_add_product_async (f->backend, &spec, NULL, client_test_store_result, &result);
  product = ota_backend_add_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (product);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ota_error_get_field (error), ==, "key");
  g_clear_error (&error);
  g_clear_object (&result);

  ota_backend_get_product_async (f->backend, "missing", NULL, client_test_store_result, &result);
  product = ota_backend_get_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (product);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
  g_assert_cmpstr (ota_error_get_field (error), ==, "product");

  after = ota_test_dump_store (f->base.engine);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (f->catalogue_changes->len, ==, 0);
}

/* R-P2: secure upgrade on, then the public key; refused for a product without AliOS
 * Things, naming the field. */
static void
test_products_secure_upgrade (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) alios = ota_test_add_product (f->base.engine, "alios", OTA_PROJECT_TYPE_OWN_BRAND,
                                                      OTA_NETWORK_TYPE_WIFI, TRUE, FALSE);
  g_autoptr(OtaProduct) plain = ota_test_add_product (f->base.engine, "plain", OTA_PROJECT_TYPE_OWN_BRAND,
                                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaProduct) product = NULL;
  g_autofree char *pem = NULL;

  ota_backend_set_secure_upgrade_async (f->backend, "alios", TRUE, NULL, client_test_store_result, &result);
  product = ota_backend_set_secure_upgrade_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (ota_product_get_secure_upgrade (product));
  g_assert_true (has_change (f, "alios"));
  g_clear_object (&result);
  g_clear_object (&product);

  ota_backend_dup_public_key_async (f->backend, "alios", NULL, client_test_store_result, &result);
  pem = ota_backend_dup_public_key_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN PUBLIC KEY-----"));
  g_clear_object (&result);

  ota_backend_set_secure_upgrade_async (f->backend, "plain", TRUE, NULL, client_test_store_result, &result);
  product = ota_backend_set_secure_upgrade_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (product);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ota_error_get_field (error), ==, "secure-upgrade");
  g_assert_false (has_change (f, "plain"));
}

/* ---- Devices -------------------------------------------------------------------- */

/* R-DV1, R-DV2: add with versions (the table is copied), query with total, modules. */
static void
test_devices_add_and_query (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(OtaDevice) device = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) modules = NULL;
  const char * const wanted[] = { "1.0", NULL };
  OtaDeviceSpec spec = { .product_key = "p1", .name = "lamp-1", .province = "Zhejiang",
                         .city = "Hangzhou", .online = TRUE, .versions = versions };
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  guint64 total = 0;

  g_hash_table_insert (versions, g_strdup ("default"), g_strdup ("1.0"));
  ota_backend_add_device_async (f->backend, &spec, NULL, client_test_store_result, &result);
  /* The table is the caller's again. */
  g_hash_table_insert (versions, g_strdup ("default"), g_strdup ("9.9"));

  device = ota_backend_add_device_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_version (device, "default"), ==, "1.0");
  g_assert_true (has_change (f, "p1"));
  g_clear_object (&result);

  client_test_import (f->base.engine, "p1", "dev", 30, 0, "2.0");

  query.product_key = "p1";
  query.module = "default";
  query.versions = wanted;
  query.limit = 10;
  ota_backend_query_devices_async (f->backend, &query, NULL, client_test_store_result, &result);
  devices = ota_backend_query_devices_finish (f->backend, client_test_wait (&result), &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpuint (devices->len, ==, 1);
  g_assert_cmpstr (ota_device_get_name (g_ptr_array_index (devices, 0)), ==, "lamp-1");
  g_clear_pointer (&devices, g_ptr_array_unref);
  g_clear_object (&result);

  query.versions = NULL;
  query.module = NULL;
  ota_backend_query_devices_async (f->backend, &query, NULL, client_test_store_result, &result);
  devices = ota_backend_query_devices_finish (f->backend, client_test_wait (&result), &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 31);
  g_assert_cmpuint (devices->len, ==, 10);
  g_clear_object (&result);

  ota_backend_list_modules_async (f->backend, "p1", NULL, client_test_store_result, &result);
  modules = ota_backend_list_modules_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (modules->len, ==, 1);
  g_assert_cmpuint (ota_module_get_n_versions (g_ptr_array_index (modules, 0)), ==, 2);
  g_assert_cmpuint (ota_module_get_device_count (g_ptr_array_index (modules, 0)), ==, 31);
}

/* CSV import: progress arrives on the caller's main thread, the last one before the
 * callback; one "catalogue-changed" for any product. */
static void
test_devices_import_progress_on_main_thread (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autofree char *csv = client_test_devices_csv ("p1", "dev", 3000, 100, "1.0");
  g_autofree char *path = ota_test_write_file (&f->base, "devices.csv", csv, strlen (csv));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Progress progress = { .main_thread = g_thread_self () };
  OtaImportResult counts = { 0 };

  ota_backend_import_devices_async (f->backend, file, on_progress, &progress, NULL,
                                    client_test_store_result, &result);
  g_assert_null (result);
  ota_backend_import_devices_finish (f->backend, client_test_wait (&result), &counts, &error);
  g_assert_no_error (error);
  finish_progress (&progress);

  g_assert_cmpuint (counts.added, ==, 3000);
  g_assert_cmpuint (counts.updated, ==, 0);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.done, ==, strlen (csv));
  g_assert_true (has_change (f, ""));
}

/* CSV import errors keep their field; nothing of the file is imported. */
static void
test_devices_import_errors (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  const char *bad_csv = "product,device,province,city,versions,online\n"
                        "p1,dev-1,Zhejiang,Hangzhou,default=1.0,yes\n"
                        "p1,dev-2,Zhejiang,Hangzhou,default=1.0,maybe\n";
  g_autofree char *path = ota_test_write_file (&f->base, "bad.csv", bad_csv, strlen (bad_csv));
  g_autofree char *missing_path = g_build_filename (f->base.dir, "missing.csv", NULL);
  g_autoptr(GFile) bad = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  g_autofree char *after = NULL;

  ota_backend_import_devices_async (f->backend, bad, NULL, NULL, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_import_devices_finish (f->backend, client_test_wait (&result), NULL, &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ota_error_get_field (error), ==, "online");
  g_clear_error (&error);
  g_clear_object (&result);

  ota_backend_import_devices_async (f->backend, missing, NULL, NULL, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_import_devices_finish (f->backend, client_test_wait (&result), NULL, &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_IO);
  g_assert_cmpstr (ota_error_get_field (error), ==, "file");

  after = ota_test_dump_store (f->base.engine);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (f->catalogue_changes->len, ==, 0);
}

/* The device export writes the file; an unknown product leaves no file. */
static void
test_devices_export (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autofree char *path = g_build_filename (f->base.dir, "export.csv", NULL);
  g_autofree char *other_path = g_build_filename (f->base.dir, "other.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) other = g_file_new_for_path (other_path);
  g_autofree char *contents = NULL;

  client_test_import (f->base.engine, "p1", "dev", 3, 1, "1.0");

  ota_backend_export_devices_async (f->backend, "p1", file, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_export_devices_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "product,device,province,city,versions,online"));
  g_assert_nonnull (strstr (contents, "p1,dev-00002,Zhejiang,Hangzhou,default=1.0,"));
  g_clear_object (&result);

  ota_backend_export_devices_async (f->backend, "nope", other, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_export_devices_finish (f->backend, client_test_wait (&result), &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
  g_assert_cmpstr (ota_error_get_field (error), ==, "product");
  g_assert_false (g_file_test (other_path, G_FILE_TEST_EXISTS));
}

/* ---- Firmwares ------------------------------------------------------------------ */

static char *
write_firmware_file (Fixture    *f,
                     const char *name,
                     gsize       size)
{
  g_autofree guint8 *bytes = g_malloc0 (size);

  memcpy (bytes, "\x7f" "ELF", 4);
  for (gsize i = 4; i < size; i++)
    bytes[i] = (guint8) (i * 31);
  return ota_test_write_file (&f->base, name, bytes, size);
}

/* R-F1..R-F10 through the backend: hashing progress on the caller's thread, then the
 * firmware reads back; a duplicate name is refused by the spec check, naming "name". */
static void
test_firmwares_add_with_progress (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  const gsize size = 3 * 1024 * 1024;
  g_autofree char *path = write_firmware_file (f, "fw.bin", size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaFirmware) read = NULL;
  g_autoptr(GPtrArray) firmwares = NULL;
  char name_text[] = "fw_20";
  char source_text[] = "1.0";
  const char *sources[] = { source_text, NULL };
  OtaFirmwareSpec spec = {
    .product_key = "p1", .name = name_text, .type = OTA_FIRMWARE_TYPE_FULL, .version = "2.0",
    .source_versions = sources, .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
  };
  Progress progress = { .main_thread = g_thread_self () };

  ota_backend_add_firmware_async (f->backend, &spec, file, on_progress, &progress, NULL,
                                  client_test_store_result, &result);
  name_text[0] = 'X';
  source_text[0] = '9';
  firmware = ota_backend_add_firmware_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  finish_progress (&progress);

  g_assert_cmpstr (ota_firmware_get_name (firmware), ==, "fw_20");
  g_assert_cmpstr (ota_firmware_get_source_versions (firmware)[0], ==, "1.0");
  g_assert_cmpuint (ota_firmware_get_size (firmware), ==, size);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.done, ==, size);
  g_assert_true (has_change (f, "p1"));
  g_clear_object (&result);

  ota_backend_list_firmwares_async (f->backend, "p1", NULL, client_test_store_result, &result);
  firmwares = ota_backend_list_firmwares_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (firmwares->len, ==, 1);
  g_clear_object (&result);

  ota_backend_get_firmware_async (f->backend, ota_firmware_get_id (firmware), NULL,
                                  client_test_store_result, &result);
  read = ota_backend_get_firmware_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_firmware_get_digest (read), ==, ota_firmware_get_digest (firmware));
  g_assert_cmpint (ota_firmware_get_status (read), ==, OTA_FIRMWARE_STATUS_UNVERIFIED);
  g_clear_object (&result);

  name_text[0] = 'f';
  ota_backend_check_firmware_spec_async (f->backend, &spec, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_check_firmware_spec_finish (f->backend, client_test_wait (&result), &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_CONFLICT);
  g_assert_cmpstr (ota_error_get_field (error), ==, "name");
}

/* A cancelled firmware add stores nothing and announces nothing. */
static void
test_firmwares_cancel_changes_nothing (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autofree char *path = write_firmware_file (f, "fw.bin", 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  g_autofree char *after = NULL;
  const char *sources[] = { "1.0", NULL };
  OtaFirmwareSpec spec = {
    .product_key = "p1", .name = "fw", .type = OTA_FIRMWARE_TYPE_FULL, .version = "2.0",
    .source_versions = sources, .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
  };
  Progress progress = { .main_thread = g_thread_self () };

  g_cancellable_cancel (cancellable);
  ota_backend_add_firmware_async (f->backend, &spec, file, on_progress, &progress, cancellable,
                                  client_test_store_result, &result);
  firmware = ota_backend_add_firmware_finish (f->backend, client_test_wait (&result), &error);
  finish_progress (&progress);

  g_assert_null (firmware);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = ota_test_dump_store (f->base.engine);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (f->catalogue_changes->len, ==, 0);
}

/* ---- Rollouts ---------------------------------------------------------------------- */

static void
send_event (Fixture            *f,
            OtaDeviceEventKind  kind,
            const char         *device,
            const char         *version,
            int                 step)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  char device_text[32];
  OtaDeviceEvent event = { .kind = kind, .product_key = OTA_TEST_PRODUCT, .device_name = device_text,
                           .version = version, .step = step, .description = "from the test" };

  g_strlcpy (device_text, device, sizeof device_text);
  ota_backend_apply_device_event_async (f->backend, &event, NULL, client_test_store_result, &result);
  device_text[0] = 'X';
  g_assert_true (ota_backend_apply_device_event_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
}

static gint64
task_of (Fixture    *f,
         gint64      batch_id,
         const char *device)
{
  g_autoptr(OtaTask) task = ota_test_get_task (&f->base, batch_id, device);

  return ota_task_get_id (task);
}

/* R-V1..R-V4 and R-B through the backend: verify, forecast, create, read, fail, count
 * failures, export, cancel a task and the batch, audit; each write announces the
 * firmware's product. */
static void
test_rollout_round_trip (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaTestLink) link = ota_test_attach_link (&f->base);
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  g_autoptr(OtaFirmware) verified = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) read = NULL;
  g_autoptr(OtaTask) cancelled = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GArray) failures = NULL;
  g_autofree char *csv_path = g_build_filename (f->base.dir, "tasks.csv", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  char verifier[] = "dev-00010";
  const char *verify_devices[] = { verifier, NULL };
  const char *sources[] = { "1.0", NULL };
  OtaVerifySpec verify = { .firmware_id = ota_firmware_get_id (firmware), .source_versions = sources,
                           .devices = verify_devices, .timeout_minutes = 60 };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  OtaBatchForecast forecast = { 0 };
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  guint64 total = 0;

  client_test_import (f->base.engine, OTA_TEST_PRODUCT, "dev", 20, 5, "1.0");
  g_ptr_array_set_size (f->catalogue_changes, 0);

  /* R-V1: verify on one device. */
  ota_backend_start_verification_async (f->backend, &verify, NULL, client_test_store_result, &result);
  verifier[0] = 'X';
  verification = ota_backend_start_verification_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_kind (verification), ==, OTA_BATCH_KIND_VERIFICATION);
  g_assert_cmpuint (ota_batch_get_total (verification), ==, 1);
  g_assert_true (has_change (f, OTA_TEST_PRODUCT));
  g_clear_object (&result);

  /* R-V4, R-S5: the device reports progress 100 and the new version: the firmware is
   * verified. */
  send_event (f, OTA_DEVICE_EVENT_PROGRESS, "dev-00010", NULL, 100);
  send_event (f, OTA_DEVICE_EVENT_VERSION, "dev-00010", "2.0", 0);
  ota_backend_get_firmware_async (f->backend, ota_firmware_get_id (firmware), NULL,
                                  client_test_store_result, &result);
  verified = ota_backend_get_firmware_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_firmware_get_status (verified), ==, OTA_FIRMWARE_STATUS_VERIFIED);
  g_clear_object (&result);

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  ota_backend_forecast_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_forecast_batch_finish (f->backend, client_test_wait (&result), &forecast, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (forecast.matched, ==, 19);
  g_assert_cmpuint (forecast.offline, ==, 5);
  g_clear_object (&result);

  g_ptr_array_set_size (f->catalogue_changes, 0);
  ota_backend_create_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  batch = ota_backend_create_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 19);
  g_assert_true (has_change (f, OTA_TEST_PRODUCT));
  g_clear_object (&result);

  ota_backend_list_batches_async (f->backend, ota_firmware_get_id (firmware), NULL,
                                  client_test_store_result, &result);
  batches = ota_backend_list_batches_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batches->len, ==, 2);
  g_assert_cmpint (ota_batch_get_id (g_ptr_array_index (batches, 0)), ==, ota_batch_get_id (batch));
  g_clear_object (&result);

  /* R-S2: the offline devices wait as pending-push. */
  query.status = OTA_TASK_STATUS_PENDING_PUSH;
  query.sort = OTA_TASK_SORT_DEVICE;
  ota_backend_query_tasks_async (f->backend, ota_batch_get_id (batch), &query, NULL,
                                 client_test_store_result, &result);
  tasks = ota_backend_query_tasks_finish (f->backend, client_test_wait (&result), &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 5);
  g_assert_cmpstr (ota_task_get_device_name (g_ptr_array_index (tasks, 0)), ==, "dev-00000");
  g_assert_cmpint (ota_task_get_reason (g_ptr_array_index (tasks, 0)), ==, OTA_TASK_REASON_OFFLINE);
  g_clear_object (&result);

  /* R-S6, R-D3: a download failure is counted by reason. */
  send_event (f, OTA_DEVICE_EVENT_PROGRESS, "dev-00005", NULL, -2);
  ota_backend_count_failures_async (f->backend, ota_batch_get_id (batch), NULL,
                                    client_test_store_result, &result);
  failures = ota_backend_count_failures_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (failures->len, ==, 1);
  g_assert_cmpint (g_array_index (failures, OtaFailureGroup, 0).reason, ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpuint (g_array_index (failures, OtaFailureGroup, 0).count, ==, 1);
  g_clear_object (&result);

  /* R-D2: the device list as CSV. */
  ota_backend_export_tasks_async (f->backend, ota_batch_get_id (batch), csv_file, NULL,
                                  client_test_store_result, &result);
  g_assert_true (ota_backend_export_tasks_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 19 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "device,status,reason,error_code,progress"));
  g_assert_true (g_str_has_prefix (lines[1], "dev-00000,pending-push,offline,,0,1.0,"));
  g_assert_true (g_str_has_prefix (lines[6], "dev-00005,failed,download-failed,-2,"));
  g_assert_true (g_str_has_suffix (lines[6], ",from the test"));
  g_clear_object (&result);

  /* R-B17: one task, then the batch. */
  g_ptr_array_set_size (f->catalogue_changes, 0);
  ota_backend_cancel_task_async (f->backend, task_of (f, ota_batch_get_id (batch), "dev-00006"), NULL,
                                 client_test_store_result, &result);
  cancelled = ota_backend_cancel_task_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (cancelled), ==, OTA_TASK_STATUS_CANCELLED);
  g_assert_cmpint (ota_task_get_reason (cancelled), ==, OTA_TASK_REASON_CANCELLED);
  g_assert_true (has_change (f, OTA_TEST_PRODUCT));
  g_clear_object (&result);

  ota_backend_cancel_batch_async (f->backend, ota_batch_get_id (batch), NULL, client_test_store_result, &result);
  g_clear_object (&batch);
  batch = ota_backend_cancel_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_CANCELLED);
  g_clear_object (&result);

  ota_backend_get_batch_async (f->backend, ota_batch_get_id (batch), NULL, client_test_store_result, &result);
  read = ota_backend_get_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (read, OTA_TASK_STATUS_FAILED), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (read, OTA_TASK_STATUS_CANCELLED), ==, 18);
  g_clear_object (&result);

  ota_backend_list_audit_async (f->backend, 0, 2, NULL, client_test_store_result, &result);
  audit = ota_backend_list_audit_finish (f->backend, client_test_wait (&result), &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 2);
  g_assert_cmpuint (total, >=, 5);
  g_assert_cmpstr (ota_audit_entry_get_action (g_ptr_array_index (audit, 0)), ==, "batch.cancel");
  g_assert_cmpstr (ota_audit_entry_get_action (g_ptr_array_index (audit, 1)), ==, "task.cancel");
}

/* R-B12 and friends: a refused batch keeps the field and changes nothing. */
static void
test_rollout_errors_keep_field (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  ota_test_verify_firmware (&f->base, firmware, "verifier");
  before = ota_test_dump_store (f->base.engine);
  g_ptr_array_set_size (f->catalogue_changes, 0);

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.push_rate = 5;
  ota_backend_create_batch_async (f->backend, &spec, NULL, client_test_store_result, &result);
  batch = ota_backend_create_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (batch);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ota_error_get_field (error), ==, "push-rate");
  g_clear_error (&error);
  g_clear_object (&result);

  ota_backend_cancel_batch_async (f->backend, 9999, NULL, client_test_store_result, &result);
  batch = ota_backend_cancel_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (batch);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);

  after = ota_test_dump_store (f->base.engine);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (f->catalogue_changes->len, ==, 0);
}

/* The engine's "batch-changed" reaches the backend's listeners. */
static void
test_rollout_batch_changed_forwarded (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(OtaTestLink) link = ota_test_attach_link (&f->base);
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  gint64 batch_id;
  gboolean seen = FALSE;

  ota_test_verify_firmware (&f->base, firmware, "verifier");
  client_test_import (f->base.engine, OTA_TEST_PRODUCT, "dev", 3, 0, "1.0");
  spec.firmware_id = ota_firmware_get_id (firmware);
  batch_id = ota_test_create_batch (&f->base, &spec);
  /* Not synchronously: the engine coalesces its announcements. */
  g_assert_cmpuint (f->batch_changes->len, ==, 0);

  client_test_wait_batch_changed (f->backend, batch_id);
  for (guint i = 0; i < f->batch_changes->len; i++)
    seen |= g_array_index (f->batch_changes, gint64, i) == batch_id;
  g_assert_true (seen);
}

/* Demo time: a manual clock moves by the asked amount and what fell due runs; real
 * time cannot be moved. */
static void
test_time_advance_clock (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *real_path = g_build_filename (f->base.dir, "real.db", NULL);
  g_autoptr(OtaEngine) real_engine = NULL;
  g_autoptr(OtaBackend) real_backend = NULL;

  ota_backend_advance_clock_async (f->backend, 10 * G_TIME_SPAN_MINUTE, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_advance_clock_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (ota_clock_get_now (OTA_CLOCK (f->base.clock)), ==, OTA_TEST_EPOCH + 10 * G_TIME_SPAN_MINUTE);
  g_clear_object (&result);

  ota_backend_run_due_async (f->backend, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_run_due_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  real_engine = ota_engine_new (real_path, NULL, &error);
  g_assert_no_error (error);
  real_backend = ota_local_backend_new (real_engine);
  ota_backend_advance_clock_async (real_backend, G_TIME_SPAN_MINUTE, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_advance_clock_finish (real_backend, client_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* A read cancelled before it ran does nothing and says so. */
static void
test_read_cancelled_before_start (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) products = NULL;

  g_cancellable_cancel (cancellable);
  ota_backend_list_products_async (f->backend, cancellable, client_test_store_result, &result);
  products = ota_backend_list_products_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (products);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/client/backend/R-P1/products-round-trip", test_products_round_trip);
  ADD ("/client/backend/R-P1/error-keeps-code-and-field", test_products_error_keeps_field);
  ADD ("/client/backend/R-P2/secure-upgrade-and-public-key", test_products_secure_upgrade);
  ADD ("/client/backend/R-DV1/devices-add-and-query", test_devices_add_and_query);
  ADD ("/client/backend/import/progress-on-main-thread", test_devices_import_progress_on_main_thread);
  ADD ("/client/backend/import/errors-keep-field", test_devices_import_errors);
  ADD ("/client/backend/export/devices", test_devices_export);
  ADD ("/client/backend/R-F8/firmware-add-with-progress", test_firmwares_add_with_progress);
  ADD ("/client/backend/R-F8/firmware-cancel-changes-nothing", test_firmwares_cancel_changes_nothing);
  ADD ("/client/backend/R-V4/verify-batch-tasks-round-trip", test_rollout_round_trip);
  ADD ("/client/backend/R-B12/batch-errors-keep-field", test_rollout_errors_keep_field);
  ADD ("/client/backend/batch-changed-forwarded", test_rollout_batch_changed_forwarded);
  ADD ("/client/backend/time/advance-manual-clock-only", test_time_advance_clock);
  ADD ("/client/backend/read-cancelled-before-start", test_read_cancelled_before_start);

#undef ADD

  return g_test_run ();
}
