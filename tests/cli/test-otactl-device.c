/* test-otactl-device.c — "otactl device …" and "otactl module list" (R-DV1, R-DV2) */
#include <string.h>

#include "cli-test-util.h"

#define CSV_HEADER "product,device,province,city,versions,online\n"

static void
add_products (CliFixture *f)
{
  cli_assert_status (f, cli_run (f, "product", "add", "--key", "plug1", "--name", "Plug",
                                 "--type", "own-brand", "--network", "wifi", NULL), 0);
  cli_assert_status (f, cli_run (f, "product", "add", "--key", "lamp1", "--name", "Lamp",
                                 "--type", "tmall-genie", "--network", "ble", NULL), 0);
}

static JsonObject *
list_devices (CliFixture *f,
              JsonNode  **holder,
              const char *first_filter,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, (gpointer) "device");
  g_ptr_array_add (args, (gpointer) "list");
  g_ptr_array_add (args, (gpointer) "plug1");
  va_start (ap, first_filter);
  for (const char *arg = first_filter; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  cli_assert_status (f, cli_runv (f, (const char * const *) args->pdata), 0);
  *holder = cli_out_json (f);
  return json_node_get_object (*holder);
}

/* R-DV1: a device has a region, an online flag and a version per module. */
static void
test_device_add_and_list (CliFixture   *f,
                          gconstpointer data)
{
  g_autoptr(JsonNode) holder = NULL;
  JsonObject *result, *device, *versions;

  add_products (f);
  cli_assert_status (f, cli_run (f, "device", "add", "plug1", "dev-0001", "--province", "浙江省",
                                 "--city", "杭州市", "--online", "--version", "default=1.0.0",
                                 "--version", "wifi=2.1", NULL), 0);
  cli_assert_status (f, cli_run (f, "device", "add", "plug1", "dev-0002", NULL), 0);

  result = list_devices (f, &holder, NULL);
  g_assert_cmpint (json_object_get_int_member (result, "total"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (result, "limit"), ==, 50);
  device = json_array_get_object_element (json_object_get_array_member (result, "devices"), 0);
  g_assert_cmpstr (json_object_get_string_member (device, "name"), ==, "dev-0001");
  g_assert_cmpstr (json_object_get_string_member (device, "province"), ==, "浙江省");
  g_assert_cmpstr (json_object_get_string_member (device, "city"), ==, "杭州市");
  g_assert_true (json_object_get_boolean_member (device, "online"));
  versions = json_object_get_object_member (device, "versions");
  g_assert_cmpstr (json_object_get_string_member (versions, "default"), ==, "1.0.0");
  g_assert_cmpstr (json_object_get_string_member (versions, "wifi"), ==, "2.1");

  /* The second device has no known region: null, not "". */
  device = json_array_get_object_element (json_object_get_array_member (result, "devices"), 1);
  g_assert_true (json_object_get_null_member (device, "province"));
  g_assert_false (json_object_get_boolean_member (device, "online"));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (device, "versions")), ==, 0);

  /* A name is unique in its product: conflict. */
  cli_assert_status (f, cli_run (f, "device", "add", "plug1", "dev-0001", NULL), 4);
  cli_assert_error_line (f, "dev-0001");
  /* The product must exist. */
  cli_assert_status (f, cli_run (f, "device", "add", "nope", "dev-0003", NULL), 3);
  cli_assert_error_line (f, "nope");
  /* A version option without "=". */
  cli_assert_status (f, cli_run (f, "device", "add", "plug1", "dev-0004", "--version", "1.0", NULL), 2);
  cli_assert_error_line (f, "MODULE=VERSION");

  cli_assert_status (f, cli_run (f, "device", "list", "plug1", NULL), 0);
  g_assert_nonnull (strstr (f->out, "default=1.0.0;wifi=2.1"));
  g_assert_nonnull (strstr (f->out, "of 2"));
}

/* R-DV1: import, export and import again give the same devices; acknowledgement lines. */
static void
test_import_export_round_trip (CliFixture   *f,
                               gconstpointer data)
{
  g_autofree char *a = cli_write_file (f, "a.csv",
                                       CSV_HEADER
                                       "plug1,dev-0001,广东省,深圳市,default=1.2.0;wifi=2.0,yes\n"
                                       "plug1,dev-0002,,,default=1.1.0,no\n"
                                       "lamp1,lamp-0001,\"北京市\",北京市,,1\n");
  g_autofree char *b = cli_write_file (f, "b.csv",
                                       CSV_HEADER
                                       "plug1,dev-0002,浙江省,杭州市,default=1.2.0,yes\n"
                                       "plug1,dev-0003,浙江省,宁波市,,no\n");
  g_autofree char *exported = NULL;
  g_autofree char *exported_path = NULL;
  g_autofree char *file_contents = NULL;
  g_autofree char *copy_db = NULL;

  add_products (f);
  cli_assert_status (f, cli_run (f, "device", "import", "a.csv", "b.csv", NULL), 0);
  g_assert_cmpstr (f->out, ==,
                   "imported a.csv: 3 added, 0 updated\n"
                   "imported b.csv: 1 added, 1 updated\n");
  g_assert_cmpstr (f->err, ==, "");   /* no progress: stderr is no terminal */

  cli_assert_status (f, cli_run (f, "device", "export", NULL), 0);
  exported = g_strdup (f->out);
  g_assert_true (g_str_has_prefix (exported, "product,device,province,city,versions,online"));
  g_assert_nonnull (strstr (exported, "plug1,dev-0002,浙江省,杭州市,default=1.2.0,yes"));
  g_assert_nonnull (strstr (exported, "lamp1,lamp-0001,北京市,北京市,,yes"));

  /* To a file, and only one product. */
  cli_assert_status (f, cli_run (f, "device", "export", "--product", "lamp1", "lamp.csv", NULL), 0);
  exported_path = g_build_filename (f->dir, "lamp.csv", NULL);
  g_assert_true (g_file_get_contents (exported_path, &file_contents, NULL, NULL));
  g_assert_nonnull (strstr (file_contents, "lamp-0001"));
  g_assert_null (strstr (file_contents, "dev-0001"));

  /* The export imports into an empty database as the same catalogue. */
  copy_db = g_strdup (f->db);
  g_free (f->db);
  f->db = g_build_filename (f->dir, "copy.db", NULL);
  add_products (f);
  cli_write_file (f, "all.csv", exported);
  cli_assert_status (f, cli_run (f, "device", "import", "all.csv", NULL), 0);
  g_assert_cmpstr (f->out, ==, "imported all.csv: 4 added, 0 updated\n");
  cli_assert_status (f, cli_run (f, "device", "export", NULL), 0);
  g_assert_cmpstr (f->out, ==, exported);

  /* --json reports per file. */
  cli_assert_status (f, cli_run (f, "--json", "device", "import", "b.csv", NULL), 0);
  {
    g_autoptr(JsonNode) node = cli_out_json (f);
    JsonObject *entry = json_array_get_object_element (json_node_get_array (node), 0);

    g_assert_cmpstr (json_object_get_string_member (entry, "file"), ==, "b.csv");
    g_assert_cmpint (json_object_get_int_member (entry, "added"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (entry, "updated"), ==, 2);
  }
}

/* R-DV1: a bad row refuses its whole file, naming the line; earlier files stay. */
static void
test_import_bad_line_imports_nothing (CliFixture   *f,
                                      gconstpointer data)
{
  g_autofree char *bad = cli_write_file (f, "bad.csv",
                                         CSV_HEADER
                                         "plug1,dev-0001,广东省,深圳市,default=1.0,yes\n"
                                         "plug1,dev-0002,广东省,深圳市,default=1.0,yes\n"
                                         "plug1,x,广东省,深圳市,default=1.0,yes\n");
  g_autofree char *good = cli_write_file (f, "good.csv", CSV_HEADER "plug1,dev-0009,,,,no\n");
  g_autoptr(JsonNode) holder = NULL;
  JsonObject *result;

  add_products (f);
  cli_assert_status (f, cli_run (f, "device", "import", "good.csv", "bad.csv", "good.csv", NULL), 2);
  cli_assert_error_line (f, "bad.csv");
  g_assert_nonnull (strstr (f->err, "Line 4"));
  g_assert_cmpstr (f->out, ==, "imported good.csv: 1 added, 0 updated\n");

  result = list_devices (f, &holder, NULL);
  g_assert_cmpint (json_object_get_int_member (result, "total"), ==, 1);

  /* A missing file is an I/O error. */
  cli_assert_status (f, cli_run (f, "device", "import", "missing.csv", NULL), 5);
  cli_assert_error_line (f, "missing.csv");
}

/* R-DV2: filters by online flag, region, name and reported versions; never-reported
 * devices do not match a version filter. */
static void
test_list_filters (CliFixture   *f,
                   gconstpointer data)
{
  g_autofree char *csv = cli_write_file (f, "d.csv",
                                         CSV_HEADER
                                         "plug1,dev-0001,广东省,深圳市,default=1.0,yes\n"
                                         "plug1,dev-0002,广东省,广州市,default=1.1,no\n"
                                         "plug1,dev-0003,浙江省,杭州市,default=1.1,yes\n"
                                         "plug1,dev-0004,浙江省,杭州市,,yes\n"
                                         "plug1,other-05,,,wifi=9,no\n");
  struct {
    const char *args[5];
    gint64      total;
  } cases[] = {
    { { NULL }, 5 },
    { { "--online", "yes", NULL }, 3 },
    { { "--online", "no", NULL }, 2 },
    { { "--province", "广东省", NULL }, 2 },
    { { "--province", "浙江省", "--city", "杭州市", NULL }, 2 },
    { { "--search", "dev-", NULL }, 4 },
    { { "--module", "default", "--versions", "1.0,1.1", NULL }, 3 },
    { { "--module", "default", "--versions", "1.1", NULL }, 2 },
    { { "--limit", "2", NULL }, 5 },
  };

  add_products (f);
  cli_assert_status (f, cli_run (f, "device", "import", "d.csv", NULL), 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) holder = NULL;
      const char **a = cases[i].args;
      JsonObject *result = list_devices (f, &holder, a[0], a[1], a[2], a[3], NULL);

      g_assert_cmpint (json_object_get_int_member (result, "total"), ==, cases[i].total);
    }

  /* Sorted by name, descending, second page of one. */
  {
    g_autoptr(JsonNode) holder = NULL;
    JsonObject *result = list_devices (f, &holder, "--sort", "name", "--desc", "--offset", "1", "--limit", "1", NULL);
    JsonArray *devices = json_object_get_array_member (result, "devices");

    g_assert_cmpuint (json_array_get_length (devices), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (devices, 0), "name"),
                     ==, "dev-0004");
  }

  cli_assert_status (f, cli_run (f, "device", "list", "plug1", "--online", "maybe", NULL), 2);
  cli_assert_error_line (f, "nline");
  cli_assert_status (f, cli_run (f, "device", "list", "plug1", "--sort", "colour", NULL), 2);
  cli_assert_error_line (f, "ort");
  cli_assert_status (f, cli_run (f, "device", "list", "plug1", "--versions", "1.0", NULL), 1);
  cli_assert_error_line (f, "--module");
  cli_assert_status (f, cli_run (f, "device", "list", "nope", NULL), 3);
  cli_assert_error_line (f, "nope");
}

/* R-F5, R-F6: module list shows each module's versions with device counts. */
static void
test_module_list (CliFixture   *f,
                  gconstpointer data)
{
  g_autofree char *csv = cli_write_file (f, "m.csv",
                                         CSV_HEADER
                                         "plug1,dev-0001,,,default=1.0;wifi=2.0,yes\n"
                                         "plug1,dev-0002,,,default=1.1,no\n"
                                         "plug1,dev-0003,,,default=1.1,no\n");
  g_autoptr(JsonNode) node = NULL;
  JsonArray *modules;
  JsonObject *module, *version;

  add_products (f);
  cli_assert_status (f, cli_run (f, "device", "import", "m.csv", NULL), 0);
  cli_assert_status (f, cli_run (f, "--json", "module", "list", "plug1", NULL), 0);
  node = cli_out_json (f);
  modules = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (modules), ==, 2);
  module = json_array_get_object_element (modules, 0);
  g_assert_cmpstr (json_object_get_string_member (module, "name"), ==, "default");
  g_assert_cmpint (json_object_get_int_member (module, "device_count"), ==, 3);
  version = json_array_get_object_element (json_object_get_array_member (module, "versions"), 1);
  g_assert_cmpstr (json_object_get_string_member (version, "version"), ==, "1.1");
  g_assert_cmpint (json_object_get_int_member (version, "devices"), ==, 2);

  cli_assert_status (f, cli_run (f, "module", "list", "plug1", NULL), 0);
  g_assert_nonnull (strstr (f->out, "wifi"));
}

/* "KEY" names a product key in one place and a sort key in another: translators tell
 * them apart by context, and each help shows its own word. */
static void
test_help_tells_sort_key_from_product_key (CliFixture   *f,
                                           gconstpointer data)
{
  f->language = "zh_CN";

  cli_assert_status (f, cli_run (f, "device", "list", "--help", NULL), 0);
  g_assert_nonnull (strstr (f->out, "--sort=排序字段"));
  cli_assert_status (f, cli_run (f, "task", "list", "--help", NULL), 0);
  g_assert_nonnull (strstr (f->out, "--sort=排序字段"));
  cli_assert_status (f, cli_run (f, "product", "add", "--help", NULL), 0);
  g_assert_nonnull (strstr (f->out, "--key=标识"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/device/R-DV1/add-and-list", test_device_add_and_list);
  ADD ("/cli/device/R-DV1/import-export-round-trip", test_import_export_round_trip);
  ADD ("/cli/device/R-DV1/bad-csv-line-imports-nothing-of-the-file", test_import_bad_line_imports_nothing);
  ADD ("/cli/device/R-DV2/list-filters-and-never-reported", test_list_filters);
  ADD ("/cli/module/R-F6/list-versions-with-device-counts", test_module_list);
  ADD ("/cli/device/help-translates-sort-key-in-context", test_help_tells_sort_key_from_product_key);

  return g_test_run ();
}
