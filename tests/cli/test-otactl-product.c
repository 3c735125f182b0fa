/* test-otactl-product.c — otactl basics and "otactl product …" (R-P1, R-P2) */
#include <string.h>

#include "cli-test-util.h"

static int
add_plug (CliFixture *f)
{
  return cli_run (f, "product", "add", "--key", "plug1", "--name", "智能插座", "--type", "own-brand",
                  "--network", "wifi", "--alios-things", NULL);
}

static void
test_version_and_help (CliFixture   *f,
                       gconstpointer data)
{
  g_autofree char *expected = g_strdup_printf ("otactl %s\n", PACKAGE_VERSION);

  cli_assert_status (f, cli_run (f, "--version", NULL), 0);
  g_assert_cmpstr (f->out, ==, expected);

  /* The exit codes are documented in the help. */
  cli_assert_status (f, cli_run (f, "--help", NULL), 0);
  g_assert_nonnull (strstr (f->out, "Exit status:"));
  g_assert_nonnull (strstr (f->out, "130"));
  g_assert_nonnull (strstr (f->out, "product"));
}

static void
test_usage_errors_exit_1 (CliFixture   *f,
                          gconstpointer data)
{
  const char *cases[][6] = {
    { NULL },                                         /* no command */
    { "frobnicate", NULL },                           /* unknown command */
    { "product", "explode", NULL },                   /* unknown subcommand */
    { "product", "list", "--colour", NULL },          /* unknown option */
    { "product", "show", NULL },                      /* missing argument */
    { "product", "add", "--name", "x", NULL },        /* missing required options */
    { "device", "list", "p", "extra", NULL },         /* one argument too many */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      cli_assert_status (f, cli_runv (f, cases[i]), 1);
      cli_assert_error_line (f, NULL);
      g_assert_cmpstr (f->out, ==, "");
    }
}

/* R-P1: a product added on the command line reads back, in text and in JSON. */
static void
test_product_add_list_show (CliFixture   *f,
                            gconstpointer data)
{
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) shown = NULL;
  JsonObject *product;
  JsonArray *modules;

  cli_assert_status (f, add_plug (f), 0);
  g_assert_nonnull (strstr (f->out, "plug1"));
  cli_assert_status (f, cli_run (f, "product", "add", "--key", "lamp1", "--name", "Lamp",
                                 "--type", "tmall-genie", "--network", "ble", NULL), 0);

  cli_assert_status (f, cli_run (f, "product", "list", NULL), 0);
  g_assert_nonnull (strstr (f->out, "智能插座"));
  g_assert_nonnull (strstr (f->out, "tmall-genie"));

  cli_assert_status (f, cli_run (f, "--json", "product", "list", NULL), 0);
  list = cli_out_json (f);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  /* Sorted by name: "Lamp" before "智能插座". */
  product = json_array_get_object_element (json_node_get_array (list), 1);
  g_assert_cmpstr (json_object_get_string_member (product, "key"), ==, "plug1");
  g_assert_cmpstr (json_object_get_string_member (product, "name"), ==, "智能插座");
  g_assert_cmpstr (json_object_get_string_member (product, "project_type"), ==, "own-brand");
  g_assert_cmpstr (json_object_get_string_member (product, "network_type"), ==, "wifi");
  g_assert_true (json_object_get_boolean_member (product, "alios_things"));
  g_assert_false (json_object_get_boolean_member (product, "android_sdk"));
  g_assert_false (json_object_get_boolean_member (product, "secure_upgrade"));
  g_assert_cmpint (json_object_get_int_member (product, "device_count"), ==, 0);

  /* --json is accepted after the command as well. */
  cli_assert_status (f, cli_run (f, "product", "show", "lamp1", "--json", NULL), 0);
  shown = cli_out_json (f);
  product = json_node_get_object (shown);
  g_assert_cmpstr (json_object_get_string_member (product, "project_type"), ==, "tmall-genie");
  g_assert_cmpstr (json_object_get_string_member (product, "network_type"), ==, "ble");
  g_assert_cmpint (json_object_get_int_member (product, "firmware_count"), ==, 0);
  /* No device reported anything yet: whatever modules exist have no devices. */
  modules = json_object_get_array_member (product, "modules");
  for (guint i = 0; i < json_array_get_length (modules); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (modules, i), "device_count"), ==, 0);
  g_assert_true (json_object_get_null_member (product, "public_key"));
}

/* Terminal columns @text takes up to @end: CJK characters are two wide. */
static guint
columns (const char *text,
         const char *end)
{
  guint width = 0;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  return width;
}

/* Translated labels (two columns a character) still line the values up: padding counts
 * display columns, not bytes. */
static void
test_product_show_translated_aligned (CliFixture   *f,
                                      gconstpointer data)
{
  g_auto(GStrv) lines = NULL;
  guint checked = 0;

  cli_assert_status (f, add_plug (f), 0);
  f->language = "zh_CN";
  cli_assert_status (f, cli_run (f, "product", "show", "plug1", NULL), 0);
  g_assert_nonnull (strstr (f->out, "产品标识："));
  g_assert_nonnull (strstr (f->out, "AliOS Things："));

  lines = g_strsplit (f->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      const char *colon = strstr (lines[i], "：");
      const char *value;

      g_assert_nonnull (colon);
      for (value = colon + strlen ("："); *value == ' '; value++)
        ;
      g_test_message ("%s", lines[i]);
      g_assert_cmpuint (columns (lines[i], value), ==, 17);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 9);
}

/* R-P1: a duplicate key is a conflict (exit 4), a bad enum value invalid input (exit 2). */
static void
test_product_duplicate_and_invalid (CliFixture   *f,
                                    gconstpointer data)
{
  g_autofree char *before = NULL;

  cli_assert_status (f, add_plug (f), 0);
  cli_assert_status (f, add_plug (f), 4);
  cli_assert_error_line (f, "plug1");

  cli_assert_status (f, cli_run (f, "product", "add", "--name", "x", "--type", "own-brand",
                                 "--network", "zigbee", NULL), 2);
  cli_assert_error_line (f, "network-type");

  cli_assert_status (f, cli_run (f, "product", "add", "--key", "bad key", "--name", "x",
                                 "--type", "own-brand", "--network", "ble", NULL), 2);
  cli_assert_error_line (f, "key");

  cli_assert_status (f, cli_run (f, "product", "show", "nope", NULL), 3);
  cli_assert_error_line (f, "nope");

  cli_assert_status (f, cli_run (f, "--json", "product", "list", NULL), 0);
  before = g_strdup (f->out);
  g_assert_nonnull (strstr (before, "plug1"));
  g_assert_null (strstr (before, "zigbee"));
}

/* R-P2: secure upgrade only for AliOS Things products; one error line naming it. */
static void
test_secure_upgrade_needs_alios (CliFixture   *f,
                                 gconstpointer data)
{
  g_autoptr(JsonNode) shown = NULL;

  cli_assert_status (f, cli_run (f, "product", "add", "--key", "lamp1", "--name", "Lamp",
                                 "--type", "tmall-genie", "--network", "ble", NULL), 0);
  cli_assert_status (f, cli_run (f, "product", "secure-upgrade", "lamp1", "on", NULL), 2);
  cli_assert_error_line (f, "AliOS Things");
  g_assert_cmpstr (f->out, ==, "");

  cli_assert_status (f, cli_run (f, "--json", "product", "show", "lamp1", NULL), 0);
  shown = cli_out_json (f);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (shown), "secure_upgrade"));

  cli_assert_status (f, cli_run (f, "product", "secure-upgrade", "lamp1", "maybe", NULL), 1);
  cli_assert_error_line (f, "maybe");
}

/* R-P2: switching on makes a key pair; public-key prints its PEM, the same every time. */
static void
test_public_key_pem (CliFixture   *f,
                     gconstpointer data)
{
  g_autofree char *pem = NULL;
  g_autoptr(JsonNode) shown = NULL;
  JsonObject *product;

  cli_assert_status (f, add_plug (f), 0);
  cli_assert_status (f, cli_run (f, "product", "public-key", "plug1", NULL), 3);
  cli_assert_error_line (f, NULL);

  cli_assert_status (f, cli_run (f, "product", "secure-upgrade", "plug1", "on", NULL), 0);
  cli_assert_status (f, cli_run (f, "product", "public-key", "plug1", NULL), 0);
  g_assert_true (g_str_has_prefix (f->out, "-----BEGIN PUBLIC KEY-----\n"));
  g_assert_true (g_str_has_suffix (f->out, "-----END PUBLIC KEY-----\n"));
  g_assert_null (strstr (f->out, "PRIVATE"));
  pem = g_strdup (f->out);

  cli_assert_status (f, cli_run (f, "--json", "product", "show", "plug1", NULL), 0);
  shown = cli_out_json (f);
  product = json_node_get_object (shown);
  g_assert_true (json_object_get_boolean_member (product, "secure_upgrade"));
  g_assert_cmpstr (json_object_get_string_member (product, "public_key"), ==, pem);

  /* Off and on again keeps the key pair. */
  cli_assert_status (f, cli_run (f, "product", "secure-upgrade", "plug1", "off", NULL), 0);
  cli_assert_status (f, cli_run (f, "product", "secure-upgrade", "plug1", "on", NULL), 0);
  cli_assert_status (f, cli_run (f, "product", "public-key", "plug1", NULL), 0);
  g_assert_cmpstr (f->out, ==, pem);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/otactl/version-and-help-list-exit-codes", test_version_and_help);
  ADD ("/cli/otactl/usage-errors-exit-1-with-one-line", test_usage_errors_exit_1);
  ADD ("/cli/product/R-P1/add-list-show-text-and-json", test_product_add_list_show);
  ADD ("/cli/product/R-P1/show-translated-labels-aligned", test_product_show_translated_aligned);
  ADD ("/cli/product/R-P1/duplicate-exit-4-invalid-exit-2-unknown-exit-3", test_product_duplicate_and_invalid);
  ADD ("/cli/product/R-P2/secure-upgrade-refused-without-alios-things", test_secure_upgrade_needs_alios);
  ADD ("/cli/product/R-P2/public-key-prints-pem", test_public_key_pem);

  return g_test_run ();
}
