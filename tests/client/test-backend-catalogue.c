/* test-backend-catalogue.c — products, devices and firmwares through the backend:
 * results on the main context, specs copied at the call, errors with their field,
 * progress on the caller's thread, "catalogue-changed" before the write's callback */
#include <string.h>

#include "backend-fixture.h"

/* ---- Products ------------------------------------------------------------------ */

/* R-P1 through the backend: the call returns at once, the spec is copied, the signal
 * comes before the callback. */
static void
test_products_round_trip (BackendFixture *f,
                          gconstpointer   data)
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
  g_assert_cmpstr (name, ==, f->name);
}

/* R-P1: a refused write keeps the engine's code and field, changes nothing and
 * announces nothing. */
static void
test_products_error_keeps_field (BackendFixture *f,
                                 gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  OtaProductSpec spec = { .key = "bad key", .name = "Lamp" };

  ota_backend_add_product_async (f->backend, &spec, NULL, client_test_store_result, &result);
  product = ota_backend_add_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (product);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "key", NULL);
  g_clear_error (&error);
  g_clear_object (&result);

  ota_backend_get_product_async (f->backend, "missing", NULL, client_test_store_result, &result);
  product = ota_backend_get_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (product);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "product", NULL);

  backend_fixture_assert_unchanged (f, before);
}

/* R-P2: secure upgrade on, then the public key; refused for a product without AliOS
 * Things, naming the field. */
static void
test_products_secure_upgrade (BackendFixture *f,
                              gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) alios = ota_test_add_product (f->base.engine, "alios", OTA_PROJECT_TYPE_OWN_BRAND,
                                                      OTA_NETWORK_TYPE_WIFI, TRUE, FALSE);
  g_autoptr(OtaProduct) plain = backend_fixture_add_product (f, "plain");
  g_autoptr(OtaProduct) product = NULL;
  g_autofree char *pem = NULL;

  ota_backend_set_secure_upgrade_async (f->backend, "alios", TRUE, NULL, client_test_store_result, &result);
  product = ota_backend_set_secure_upgrade_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (ota_product_get_secure_upgrade (product));
  g_assert_true (backend_fixture_has_change (f, "alios"));
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
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "secure-upgrade", NULL);
  g_assert_false (backend_fixture_has_change (f, "plain"));
}

/* ---- Devices -------------------------------------------------------------------- */

/* R-DV1, R-DV2: add with versions (the table is copied), query with total, modules. */
static void
test_devices_add_and_query (BackendFixture *f,
                            gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
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
  g_assert_true (backend_fixture_has_change (f, "p1"));
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
test_devices_import_progress_on_main_thread (BackendFixture *f,
                                             gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  g_autofree char *csv = client_test_devices_csv ("p1", "dev", 3000, 100, "1.0");
  g_autofree char *path = ota_test_write_file (&f->base, "devices.csv", csv, strlen (csv));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  BackendProgress progress = BACKEND_PROGRESS_INIT;
  OtaImportResult counts = { 0 };

  ota_backend_import_devices_async (f->backend, file, backend_progress_report, &progress, NULL,
                                    client_test_store_result, &result);
  g_assert_null (result);
  ota_backend_import_devices_finish (f->backend, client_test_wait (&result), &counts, &error);
  g_assert_no_error (error);
  backend_progress_finish (&progress);

  g_assert_cmpuint (counts.added, ==, 3000);
  g_assert_cmpuint (counts.updated, ==, 0);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.done, ==, strlen (csv));
  g_assert_true (backend_fixture_has_change (f, ""));
}

/* CSV import errors keep their field; nothing of the file is imported. */
static void
test_devices_import_errors (BackendFixture *f,
                            gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  const char *bad_csv = "product,device,province,city,versions,online\n"
                        "p1,dev-1,Zhejiang,Hangzhou,default=1.0,yes\n"
                        "p1,dev-2,Zhejiang,Hangzhou,default=1.0,maybe\n";
  g_autofree char *path = ota_test_write_file (&f->base, "bad.csv", bad_csv, strlen (bad_csv));
  g_autofree char *missing_path = g_build_filename (f->base.dir, "missing.csv", NULL);
  g_autoptr(GFile) bad = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autofree char *before = ota_test_dump_store (f->base.engine);

  ota_backend_import_devices_async (f->backend, bad, NULL, NULL, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_import_devices_finish (f->backend, client_test_wait (&result), NULL, &error));
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "online", NULL);
  g_clear_error (&error);
  g_clear_object (&result);

  ota_backend_import_devices_async (f->backend, missing, NULL, NULL, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_import_devices_finish (f->backend, client_test_wait (&result), NULL, &error));
  ota_test_assert_error (error, OTA_ERROR_IO, "file", NULL);

  backend_fixture_assert_unchanged (f, before);
}

/* The device export writes the file; an unknown product leaves no file. */
static void
test_devices_export (BackendFixture *f,
                     gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  g_autofree char *path = g_build_filename (f->base.dir, "export.csv", NULL);
  g_autofree char *other_path = g_build_filename (f->base.dir, "other.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) other = g_file_new_for_path (other_path);
  g_autofree char *contents = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  client_test_import (f->base.engine, "p1", "dev", 3, 1, "1.0");
  /* An older export is replaced. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));

  ota_backend_export_devices_async (f->backend, "p1", file, NULL, client_test_store_result, &result);
  g_assert_true (ota_backend_export_devices_finish (f->backend, client_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "product,device,province,city,versions,online"));
  g_assert_nonnull (strstr (contents, "p1,dev-00002,Zhejiang,Hangzhou,default=1.0,"));
  g_clear_object (&result);

  ota_backend_export_devices_async (f->backend, "nope", other, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_export_devices_finish (f->backend, client_test_wait (&result), &error));
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "product", NULL);
  g_assert_false (g_file_test (other_path, G_FILE_TEST_EXISTS));

  /* Nothing half-written is left beside them. */
  dir = g_dir_open (f->base.dir, 0, NULL);
  while ((entry = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_suffix (entry, ".part"));
}

/* ---- Firmwares ------------------------------------------------------------------ */

static void
test_firmwares_add_with_progress (BackendFixture *f,
                                  gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  const gsize size = 3 * 1024 * 1024;
  g_autofree char *path = backend_fixture_write_firmware (f, "fw.bin", size);
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
  BackendProgress progress = BACKEND_PROGRESS_INIT;

  ota_backend_add_firmware_async (f->backend, &spec, file, backend_progress_report, &progress, NULL,
                                  client_test_store_result, &result);
  name_text[0] = 'X';
  source_text[0] = '9';
  firmware = ota_backend_add_firmware_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  backend_progress_finish (&progress);

  g_assert_cmpstr (ota_firmware_get_name (firmware), ==, "fw_20");
  g_assert_cmpstr (ota_firmware_get_source_versions (firmware)[0], ==, "1.0");
  g_assert_cmpuint (ota_firmware_get_size (firmware), ==, size);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.done, ==, size);
  g_assert_true (backend_fixture_has_change (f, "p1"));
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
  ota_test_assert_error (error, OTA_ERROR_CONFLICT, "name", NULL);
}

/* A cancelled firmware add stores nothing and announces nothing. */
static void
test_firmwares_cancel_changes_nothing (BackendFixture *f,
                                       gconstpointer   data)
{
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  g_autofree char *path = backend_fixture_write_firmware (f, "fw.bin", 1024 * 1024);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BackendProgress progress = BACKEND_PROGRESS_INIT;

  g_cancellable_cancel (cancellable);
  backend_fixture_add_firmware_cancelled (f, path, &progress, cancellable);
}

void
backend_test_add_catalogue (void)
{
  BACKEND_TEST_ADD ("/client/backend/R-P1/products-round-trip", test_products_round_trip);
  BACKEND_TEST_ADD ("/client/backend/R-P1/error-keeps-code-and-field", test_products_error_keeps_field);
  BACKEND_TEST_ADD ("/client/backend/R-P2/secure-upgrade-and-public-key", test_products_secure_upgrade);
  BACKEND_TEST_ADD ("/client/backend/R-DV1/devices-add-and-query", test_devices_add_and_query);
  BACKEND_TEST_ADD ("/client/backend/import/progress-on-main-thread", test_devices_import_progress_on_main_thread);
  BACKEND_TEST_ADD ("/client/backend/import/errors-keep-field", test_devices_import_errors);
  BACKEND_TEST_ADD ("/client/backend/export/devices", test_devices_export);
  BACKEND_TEST_ADD ("/client/backend/R-F8/firmware-add-with-progress", test_firmwares_add_with_progress);
  BACKEND_TEST_ADD ("/client/backend/R-F8/firmware-cancel-changes-nothing", test_firmwares_cancel_changes_nothing);
}
