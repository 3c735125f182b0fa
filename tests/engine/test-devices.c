/* test-devices.c — devices (R-DV1, R-DV2), device queries and module lists (R-F5) */
#include "ota-test-util.h"

static OtaDevice *
add_device_full (OtaEngine  *engine,
                 const char *product,
                 const char *name,
                 const char *province,
                 const char *city,
                 gboolean    online,
                 const char *versions_text,   /* "module=version;…" or NULL */
                 GError    **error)
{
  g_autoptr(GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) items = versions_text != NULL ? g_strsplit (versions_text, ";", -1) : NULL;
  OtaDeviceSpec spec = {
    .product_key = product,
    .name = name,
    .province = province,
    .city = city,
    .online = online,
    .versions = versions,
  };

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (items[i], "=", 2);
      g_hash_table_insert (versions, g_strdup (kv[0]), g_strdup (kv[1]));
    }

  return ota_engine_add_device (engine, &spec, error);
}

static void
import_ok (OtaEngine  *engine,
           const char *csv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_strdup (csv), -1, g_free);

  ota_engine_import_devices_csv (engine, stream, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* The names of a query's devices, joined with spaces. */
static char *
query_names (OtaEngine            *engine,
             const OtaDeviceQuery *query,
             guint64              *total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = ota_engine_query_devices (engine, query, total, &error);
  g_autoptr(GString) names = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (devices);
  for (guint i = 0; i < devices->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? " " : "",
                            ota_device_get_name (g_ptr_array_index (devices, i)));

  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* R-DV1: a device has a product, a name, a region, an online flag and versions per module. */
static void
test_device_add_and_read_back (OtaTestFixture *f,
                               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "lamp", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaDevice) added = add_device_full (f->engine, "lamp", "lamp-0001", "浙江", "杭州", TRUE,
                                                "default=1.0.0;wifi=2.1", &error);
  g_autoptr(OtaDevice) read = NULL;
  g_auto(GStrv) modules = NULL;
  g_autofree char *versions = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (added);

  ota_test_fixture_reopen (f);
  read = ota_engine_get_device (f->engine, "lamp", "lamp-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_product_key (read), ==, "lamp");
  g_assert_cmpstr (ota_device_get_name (read), ==, "lamp-0001");
  g_assert_cmpstr (ota_device_get_province (read), ==, "浙江");
  g_assert_cmpstr (ota_device_get_city (read), ==, "杭州");
  g_assert_true (ota_device_get_online (read));
  g_assert_cmpstr (ota_device_get_version (read, "default"), ==, "1.0.0");
  g_assert_cmpstr (ota_device_get_version (read, "wifi"), ==, "2.1");
  g_assert_null (ota_device_get_version (read, "ble"));
  modules = ota_device_dup_modules (read);
  g_assert_cmpuint (g_strv_length (modules), ==, 2);
  versions = ota_device_format_versions (read);
  g_assert_cmpstr (versions, ==, "default=1.0.0;wifi=2.1");
  g_assert_cmpint (ota_device_get_created_at (read), ==, OTA_TEST_EPOCH);
}

/* R-DV1: module "default" is the one used when a device names none. */
static void
test_device_default_module (OtaTestFixture *f,
                            gconstpointer   data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "lamp", OTA_PROJECT_TYPE_TMALL_GENIE,
                                                        OTA_NETWORK_TYPE_BLE, FALSE, FALSE);
  g_autoptr(OtaDevice) device = ota_test_add_device (f->engine, "lamp", "lamp-0001", "3.2.1");
  g_autoptr(OtaDevice) silent = ota_test_add_device (f->engine, "lamp", "lamp-0002", NULL);

  g_assert_cmpstr (ota_device_get_version (device, NULL), ==, "3.2.1");
  g_assert_cmpstr (ota_device_get_version (device, "default"), ==, "3.2.1");
  g_assert_null (ota_device_get_version (silent, NULL));
}

/* R-DV1: a name is unique within its product; another product may use it. */
static void
test_device_name_unique_in_product (OtaTestFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) p1 = ota_test_add_product (f->engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                   OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaProduct) p2 = ota_test_add_product (f->engine, "p2", OTA_PROJECT_TYPE_OWN_BRAND,
                                                   OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaDevice) first = ota_test_add_device (f->engine, "p1", "dev-0001", "1.0");
  g_autoptr(OtaDevice) again = NULL;
  g_autoptr(OtaDevice) other = NULL;
  g_autofree char *before = ota_test_dump_store (f->engine);

  again = add_device_full (f->engine, "p1", "dev-0001", NULL, NULL, FALSE, "default=2.0", &error);
  g_assert_null (again);
  ota_test_assert_error (error, OTA_ERROR_CONFLICT, "device", NULL);
  ota_test_assert_unchanged (f->engine, before);
  g_clear_error (&error);

  other = add_device_full (f->engine, "p2", "dev-0001", NULL, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_product_key (other), ==, "p2");
  g_assert_cmpint (ota_device_get_id (other), !=, ota_device_get_id (first));
}

/* R-DV1: the region may be unknown; a city needs its province. */
static void
test_device_region (OtaTestFixture *f,
                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "lamp", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaDevice) unknown = add_device_full (f->engine, "lamp", "lamp-0001", NULL, NULL, FALSE,
                                                  NULL, &error);
  g_autoptr(OtaDevice) province_only = NULL;
  g_autoptr(OtaDevice) city_only = NULL;
  g_autofree char *before = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_province (unknown), ==, "");
  g_assert_cmpstr (ota_device_get_city (unknown), ==, "");
  g_assert_false (ota_device_get_online (unknown));

  province_only = add_device_full (f->engine, "lamp", "lamp-0002", "广东", NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_device_get_province (province_only), ==, "广东");
  g_assert_cmpstr (ota_device_get_city (province_only), ==, "");
  g_assert_true (ota_device_get_online (province_only));

  before = ota_test_dump_store (f->engine);
  city_only = add_device_full (f->engine, "lamp", "lamp-0003", NULL, "深圳", TRUE, NULL, &error);
  g_assert_null (city_only);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "city", NULL);
  ota_test_assert_unchanged (f->engine, before);
}

/* R-DV1: a refused device changes nothing, and the error names the field. */
static void
test_device_bad_input_changes_nothing (OtaTestFixture *f,
                                       gconstpointer   data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "lamp", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaDevice) existing = ota_test_add_device (f->engine, "lamp", "lamp-0001", "1.0");
  g_autofree char *before = ota_test_dump_store (f->engine);
  struct {
    const char *product, *name, *versions;
    int code;   /* OtaErrorCode */
    const char *field;
  } cases[] = {
    { "lamp", "ab", NULL, OTA_ERROR_INVALID_FIELD, "device" },
    { "lamp", "lamp 0002", NULL, OTA_ERROR_INVALID_FIELD, "device" },
    { "nope", "lamp-0002", NULL, OTA_ERROR_NOT_FOUND, "product" },
    { "lamp", "lamp-0002", "wi fi=1.0", OTA_ERROR_INVALID_FIELD, "module" },
    { "lamp", "lamp-0002", "default=", OTA_ERROR_INVALID_FIELD, "version" },
    { "lamp", "lamp-0002", "default=1.0/2", OTA_ERROR_INVALID_FIELD, "version" },
    { "lamp", "lamp-0001", "default=2.0", OTA_ERROR_CONFLICT, "device" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaDevice) device = add_device_full (f->engine, cases[i].product, cases[i].name,
                                                     NULL, NULL, TRUE, cases[i].versions, &error);

      g_assert_null (device);
      ota_test_assert_error (error, cases[i].code, cases[i].field, NULL);
    }

  ota_test_assert_unchanged (f->engine, before);
}

/* R-DV2: a device that never reported a module is not matched by a query on it; once it
 * reports, it is. */
static void
test_device_unreported_module_never_matches (OtaTestFixture *f,
                                             gconstpointer   data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "lamp", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  const char *v10[] = { "1.0", NULL };
  const char *v10_v20[] = { "1.0", "2.0", NULL };
  const char *none[] = { NULL };
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  g_autofree char *names = NULL;
  guint64 total = 0;

  import_ok (f->engine,
             "product,device,province,city,versions,online\n"
             "lamp,dev-a001,,,default=1.0,yes\n"
             "lamp,dev-b001,,,wifi=1.0,yes\n"
             "lamp,dev-c001,,,,yes\n"
             "lamp,dev-d001,,,default=2.0;wifi=1.0,no\n");

  query.product_key = "lamp";
  query.module = "default";
  query.versions = v10;
  names = query_names (f->engine, &query, &total);
  g_assert_cmpstr (names, ==, "dev-a001");
  g_assert_cmpuint (total, ==, 1);
  g_clear_pointer (&names, g_free);

  /* No module: "default" (R-DV1). */
  query.module = NULL;
  query.versions = v10_v20;
  names = query_names (f->engine, &query, &total);
  g_assert_cmpstr (names, ==, "dev-a001 dev-d001");
  g_clear_pointer (&names, g_free);

  /* Module without versions: any device that reported it, never one that did not. */
  query.module = "wifi";
  query.versions = NULL;
  names = query_names (f->engine, &query, &total);
  g_assert_cmpstr (names, ==, "dev-b001 dev-d001");
  g_assert_cmpuint (total, ==, 2);
  g_clear_pointer (&names, g_free);

  /* An empty choice of versions matches nothing. */
  query.versions = none;
  names = query_names (f->engine, &query, &total);
  g_assert_cmpstr (names, ==, "");
  g_assert_cmpuint (total, ==, 0);
  g_clear_pointer (&names, g_free);

  /* dev-c001 reports now: it joins. */
  import_ok (f->engine,
             "product,device,province,city,versions,online\n"
             "lamp,dev-c001,,,wifi=1.0,yes\n");
  query.versions = v10;
  names = query_names (f->engine, &query, &total);
  g_assert_cmpstr (names, ==, "dev-b001 dev-c001 dev-d001");
  g_assert_cmpuint (total, ==, 3);
}

static void
add_query_devices (OtaTestFixture *f)
{
  g_autoptr(OtaProduct) lamp = ota_test_add_product (f->engine, "lamp", OTA_PROJECT_TYPE_OWN_BRAND,
                                                     OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaProduct) plug = ota_test_add_product (f->engine, "plug", OTA_PROJECT_TYPE_OWN_BRAND,
                                                     OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  struct { const char *name, *province, *city; gboolean online; } devices[] = {
    { "lamp-0003", "浙江", "杭州", TRUE },
    { "LAMP-0001", "浙江", "宁波", FALSE },
    { "desk_01", "广东", "深圳", TRUE },
    { "deskx01", "", "", FALSE },
    { "lamp-0002", "广东", "", TRUE },
  };

  /* Each a minute apart, for sorting by last update. */
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaDevice) device = add_device_full (f->engine, "lamp", devices[i].name,
                                                     devices[i].province, devices[i].city,
                                                     devices[i].online, "default=1.0", &error);
      g_assert_no_error (error);
      ota_manual_clock_advance (f->clock, G_TIME_SPAN_MINUTE);
    }

  g_object_unref (ota_test_add_device (f->engine, "plug", "lamp-9999", "1.0"));
}

/* Search is a case-insensitive substring of the name; LIKE wildcards match literally. */
static void
test_query_search (OtaTestFixture *f,
                   gconstpointer   data)
{
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  g_autofree char *lamps = NULL;
  g_autofree char *underscore = NULL;
  g_autofree char *percent = NULL;
  guint64 total = 0;

  add_query_devices (f);
  query.product_key = "lamp";

  query.search = "lamp";
  lamps = query_names (f->engine, &query, &total);
  g_assert_cmpstr (lamps, ==, "LAMP-0001 lamp-0002 lamp-0003");
  g_assert_cmpuint (total, ==, 3);

  query.search = "k_0";
  underscore = query_names (f->engine, &query, &total);
  g_assert_cmpstr (underscore, ==, "desk_01");
  g_assert_cmpuint (total, ==, 1);

  query.search = "%";
  percent = query_names (f->engine, &query, &total);
  g_assert_cmpstr (percent, ==, "");
  g_assert_cmpuint (total, ==, 0);
}

static void
test_query_filters (OtaTestFixture *f,
                    gconstpointer   data)
{
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  g_autofree char *online = NULL;
  g_autofree char *offline = NULL;
  g_autofree char *province = NULL;
  g_autofree char *city = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *all = NULL;
  guint64 total = 0;

  add_query_devices (f);
  query.product_key = "lamp";

  all = query_names (f->engine, &query, &total);
  g_assert_cmpstr (all, ==, "LAMP-0001 desk_01 deskx01 lamp-0002 lamp-0003");
  g_assert_cmpuint (total, ==, 5);

  query.online = 1;
  online = query_names (f->engine, &query, &total);
  g_assert_cmpstr (online, ==, "desk_01 lamp-0002 lamp-0003");
  query.online = 0;
  offline = query_names (f->engine, &query, &total);
  g_assert_cmpstr (offline, ==, "LAMP-0001 deskx01");
  g_assert_cmpuint (total, ==, 2);
  query.online = -1;

  query.province = "广东";
  province = query_names (f->engine, &query, &total);
  g_assert_cmpstr (province, ==, "desk_01 lamp-0002");

  query.province = "浙江";
  query.city = "杭州";
  city = query_names (f->engine, &query, &total);
  g_assert_cmpstr (city, ==, "lamp-0003");
  g_assert_cmpuint (total, ==, 1);

  query.province = "";
  query.city = NULL;
  unknown = query_names (f->engine, &query, &total);
  g_assert_cmpstr (unknown, ==, "deskx01");
}

static void
test_query_sort_and_paging (OtaTestFixture *f,
                            gconstpointer   data)
{
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  struct {
    OtaDeviceSort sort;
    gboolean descending;
    const char *names;
  } cases[] = {
    { OTA_DEVICE_SORT_NAME, FALSE, "LAMP-0001 desk_01 deskx01 lamp-0002 lamp-0003" },
    { OTA_DEVICE_SORT_NAME, TRUE, "lamp-0003 lamp-0002 deskx01 desk_01 LAMP-0001" },
    /* Unknown region ("") first; then province, city (byte order), name. */
    { OTA_DEVICE_SORT_REGION, FALSE, "deskx01 lamp-0002 desk_01 LAMP-0001 lamp-0003" },
    { OTA_DEVICE_SORT_REGION, TRUE, "lamp-0003 LAMP-0001 desk_01 lamp-0002 deskx01" },
    { OTA_DEVICE_SORT_ONLINE, FALSE, "LAMP-0001 deskx01 desk_01 lamp-0002 lamp-0003" },
    { OTA_DEVICE_SORT_ONLINE, TRUE, "desk_01 lamp-0002 lamp-0003 LAMP-0001 deskx01" },
    { OTA_DEVICE_SORT_UPDATED, FALSE, "lamp-0003 LAMP-0001 desk_01 deskx01 lamp-0002" },
    { OTA_DEVICE_SORT_UPDATED, TRUE, "lamp-0002 deskx01 desk_01 LAMP-0001 lamp-0003" },
  };
  g_autofree char *page1 = NULL;
  g_autofree char *page2 = NULL;
  g_autofree char *page3 = NULL;
  guint64 total = 0;

  add_query_devices (f);
  query.product_key = "lamp";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *names = NULL;

      query.sort = cases[i].sort;
      query.descending = cases[i].descending;
      names = query_names (f->engine, &query, NULL);
      g_assert_cmpstr (names, ==, cases[i].names);
    }

  query.sort = OTA_DEVICE_SORT_NAME;
  query.descending = FALSE;
  query.limit = 2;
  page1 = query_names (f->engine, &query, &total);
  g_assert_cmpstr (page1, ==, "LAMP-0001 desk_01");
  g_assert_cmpuint (total, ==, 5);
  query.offset = 2;
  page2 = query_names (f->engine, &query, &total);
  g_assert_cmpstr (page2, ==, "deskx01 lamp-0002");
  g_assert_cmpuint (total, ==, 5);
  query.offset = 4;
  page3 = query_names (f->engine, &query, &total);
  g_assert_cmpstr (page3, ==, "lamp-0003");
  g_assert_cmpuint (total, ==, 5);
}

static void
test_query_needs_existing_product (OtaTestFixture *f,
                                   gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;

  devices = ota_engine_query_devices (f->engine, &query, NULL, &error);
  g_assert_null (devices);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "product", NULL);
  g_clear_error (&error);

  query.product_key = "nope";
  devices = ota_engine_query_devices (f->engine, &query, NULL, &error);
  g_assert_null (devices);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "product", NULL);
}

/* The module's version text "v=n v=n", in list order. */
static char *
module_text (OtaModule *module)
{
  g_autoptr(GString) out = g_string_new (ota_module_get_name (module));

  g_string_append_c (out, ':');
  for (guint i = 0; i < ota_module_get_n_versions (module); i++)
    g_string_append_printf (out, " %s=%" G_GUINT64_FORMAT, ota_module_get_version (module, i),
                            ota_module_get_version_devices (module, i));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* R-F5, R-F6: modules "default" first, versions in natural order with device counts;
 * versions no device reports any more are left out. */
static void
test_list_modules (OtaTestFixture *f,
                   gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "lamp", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaProduct) other = ota_test_add_product (f->engine, "plug", OTA_PROJECT_TYPE_OWN_BRAND,
                                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(GPtrArray) modules = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autofree char *m0 = NULL, *m1 = NULL, *m2 = NULL;

  import_ok (f->engine,
             "product,device,province,city,versions,online\n"
             "lamp,dev-0001,,,default=1.10;ble=0.9;zigbee=3,yes\n"
             "lamp,dev-0002,,,default=1.9;ble=0.9,yes\n"
             "lamp,dev-0003,,,default=1.9,yes\n"
             "lamp,dev-0004,,,default=2.0,yes\n"
             "plug,dev-0001,,,default=7.0,yes\n");
  /* dev-0004 leaves 2.0: no device reports it any more. */
  import_ok (f->engine,
             "product,device,province,city,versions,online\n"
             "lamp,dev-0004,,,default=1.10,yes\n");

  modules = ota_engine_list_modules (f->engine, "lamp", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (modules->len, ==, 3);
  m0 = module_text (g_ptr_array_index (modules, 0));
  m1 = module_text (g_ptr_array_index (modules, 1));
  m2 = module_text (g_ptr_array_index (modules, 2));
  g_assert_cmpstr (m0, ==, "default: 1.9=2 1.10=2");
  g_assert_cmpstr (m1, ==, "ble: 0.9=2");
  g_assert_cmpstr (m2, ==, "zigbee: 3=1");
  g_assert_cmpuint (ota_module_get_device_count (g_ptr_array_index (modules, 0)), ==, 4);
  g_assert_cmpstr (ota_module_get_product_key (g_ptr_array_index (modules, 0)), ==, "lamp");

  none = ota_engine_list_modules (f->engine, "nope", &error);
  g_assert_null (none);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/device/R-DV1/add-and-read-back", test_device_add_and_read_back);
  ADD ("/device/R-DV1/module-default-when-none-named", test_device_default_module);
  ADD ("/device/R-DV1/name-unique-in-product", test_device_name_unique_in_product);
  ADD ("/device/R-DV1/region-unknown-allowed-city-needs-province", test_device_region);
  ADD ("/device/R-DV1/bad-input-changes-nothing", test_device_bad_input_changes_nothing);
  ADD ("/device/R-DV2/unreported-module-never-matches", test_device_unreported_module_never_matches);
  ADD ("/device/query/search-is-substring-ignoring-case", test_query_search);
  ADD ("/device/query/filters-online-and-region", test_query_filters);
  ADD ("/device/query/sort-and-paging", test_query_sort_and_paging);
  ADD ("/device/query/needs-existing-product", test_query_needs_existing_product);
  ADD ("/module/R-F5/versions-in-natural-order-with-counts", test_list_modules);

  return g_test_run ();
}
