/* test-otactl-firmware.c — "otactl firmware …" (R-F1..R-F3, R-F7, R-F8, R-F10, R-P3) */
#include <string.h>

#include "cli-test-util.h"

static void
setup_products (CliFixture *f)
{
  cli_assert_status (f, cli_run (f, "product", "add", "--key", "plug1", "--name", "Plug",
                                 "--type", "own-brand", "--network", "wifi", "--alios-things", NULL), 0);
  cli_assert_status (f, cli_run (f, "product", "add", "--key", "lamp1", "--name", "Lamp",
                                 "--type", "tmall-genie", "--network", "ble", NULL), 0);
}

/* A .bin of @size pseudo-random bytes; returns its sha256 in hex. */
static char *
write_bin (CliFixture *f,
           const char *name,
           gsize       size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  g_autofree guint8 *data = g_malloc (size);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand) & 0xFF;
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
}

/* R-F8, R-F10: a firmware is stored with its size and digest, unverified. */
static void
test_add_then_show_json (CliFixture   *f,
                         gconstpointer data)
{
  g_autofree char *sha256 = NULL;
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *id = NULL;
  JsonObject *firmware;
  JsonArray *sources;

  setup_products (f);
  sha256 = write_bin (f, "fw.bin", 200000);
  cli_assert_status (f, cli_run (f, "--json", "firmware", "add", "plug1", "fw.bin", "--name", "插座固件(1_1)",
                                 "--version", "1.1.0", "--source", "1.0.0,1.0.1", "--source", "1.0.2",
                                 "--description", "修复定时", NULL), 0);
  added = cli_out_json (f);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (added), "id"));

  cli_assert_status (f, cli_run (f, "--json", "firmware", "show", id, NULL), 0);
  shown = cli_out_json (f);
  firmware = json_node_get_object (shown);
  g_assert_cmpstr (json_object_get_string_member (firmware, "product"), ==, "plug1");
  g_assert_cmpstr (json_object_get_string_member (firmware, "name"), ==, "插座固件(1_1)");
  g_assert_cmpstr (json_object_get_string_member (firmware, "type"), ==, "full");
  g_assert_cmpstr (json_object_get_string_member (firmware, "version"), ==, "1.1.0");
  g_assert_cmpstr (json_object_get_string_member (firmware, "module"), ==, "default");
  g_assert_cmpstr (json_object_get_string_member (firmware, "file_name"), ==, "fw.bin");
  g_assert_cmpint (json_object_get_int_member (firmware, "size"), ==, 200000);
  /* No restriction applies (R-F7): sha256 by default. */
  g_assert_cmpstr (json_object_get_string_member (firmware, "sign_algorithm"), ==, "sha256");
  g_assert_cmpstr (json_object_get_string_member (firmware, "digest"), ==, sha256);
  g_assert_cmpstr (json_object_get_string_member (firmware, "status"), ==, "unverified");
  g_assert_cmpstr (json_object_get_string_member (firmware, "description"), ==, "修复定时");
  g_assert_true (json_object_get_null_member (firmware, "signature"));
  sources = json_object_get_array_member (firmware, "source_versions");
  g_assert_cmpuint (json_array_get_length (sources), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (sources, 2), ==, "1.0.2");

  cli_assert_status (f, cli_run (f, "--json", "firmware", "list", "plug1", NULL), 0);
  list = cli_out_json (f);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);

  cli_assert_status (f, cli_run (f, "firmware", "show", id, NULL), 0);
  g_assert_nonnull (strstr (f->out, sha256));
  g_assert_nonnull (strstr (f->out, "unverified"));
}

/* R-F2: a 41-character name is refused with one line naming the field; nothing added. */
static void
test_name_41_chars_refused (CliFixture   *f,
                            gconstpointer data)
{
  g_autofree char *sha256 = NULL;
  const char *name_41 = "固件ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abc";   /* 2 + 26 + 10 + 3 */
  g_autoptr(JsonNode) list = NULL;

  g_assert_cmpint (g_utf8_strlen (name_41, -1), ==, 41);
  setup_products (f);
  sha256 = write_bin (f, "fw.bin", 1000);
  cli_assert_status (f, cli_run (f, "firmware", "add", "plug1", "fw.bin", "--name", name_41,
                                 "--version", "1.1.0", "--source", "1.0.0", NULL), 2);
  cli_assert_error_line (f, "name");
  g_assert_nonnull (strstr (f->err, "40"));
  g_assert_cmpstr (f->out, ==, "");

  cli_assert_status (f, cli_run (f, "--json", "firmware", "list", "plug1", NULL), 0);
  list = cli_out_json (f);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);

  /* 40 characters are fine. */
  cli_assert_status (f, cli_run (f, "firmware", "add", "plug1", "fw.bin", "--name", "固件ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab",
                                 "--version", "1.1.0", "--source", "1.0.0", NULL), 0);
}

/* R-F3: the product must exist (exit 3); a missing firmware too. */
static void
test_unknown_product_exit_3 (CliFixture   *f,
                             gconstpointer data)
{
  g_autofree char *sha256 = write_bin (f, "fw.bin", 1000);

  cli_assert_status (f, cli_run (f, "firmware", "add", "nope", "fw.bin", "--name", "fw",
                                 "--version", "1.1.0", "--source", "1.0.0", NULL), 3);
  cli_assert_error_line (f, "nope");
  cli_assert_status (f, cli_run (f, "firmware", "list", "nope", NULL), 3);
  cli_assert_error_line (f, "nope");
  cli_assert_status (f, cli_run (f, "firmware", "show", "42", NULL), 3);
  cli_assert_error_line (f, "42");
  cli_assert_status (f, cli_run (f, "firmware", "show", "forty-two", NULL), 2);
  cli_assert_error_line (f, "forty-two");
}

/* R-F1, R-F7: Tmall Genie takes full only; on BLE md5 is the default and the only choice. */
static void
test_tmall_genie_rules (CliFixture   *f,
                        gconstpointer data)
{
  g_autofree char *sha256 = NULL;
  g_autoptr(JsonNode) added = NULL;

  setup_products (f);
  sha256 = write_bin (f, "lamp.bin", 5000);
  cli_assert_status (f, cli_run (f, "firmware", "add", "lamp1", "lamp.bin", "--name", "lamp",
                                 "--version", "3.2.0", "--source", "3.1.0", "--type", "diff", NULL), 2);
  cli_assert_error_line (f, "full");
  cli_assert_status (f, cli_run (f, "firmware", "add", "lamp1", "lamp.bin", "--name", "lamp",
                                 "--version", "3.2.0", "--source", "3.1.0", "--sign", "sha256", NULL), 2);
  cli_assert_error_line (f, "md5");
  cli_assert_status (f, cli_run (f, "firmware", "add", "lamp1", "lamp.bin", "--name", "lamp",
                                 "--version", "3.2.0", "--source", "3.1.0", "--type", "patch", NULL), 2);
  cli_assert_error_line (f, "type");

  cli_assert_status (f, cli_run (f, "--json", "firmware", "add", "lamp1", "lamp.bin", "--name", "lamp",
                                 "--version", "3.2.0", "--source", "3.1.0", NULL), 0);
  added = cli_out_json (f);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (added), "sign_algorithm"), ==, "md5");
  g_assert_cmpuint (strlen (json_object_get_string_member (json_node_get_object (added), "digest")), ==, 32);
}

/* R-F8: content must match the extension; R-P3: with secure upgrade on, it is signed. */
static void
test_file_checks_and_signature (CliFixture   *f,
                                gconstpointer data)
{
  g_autofree char *sha256 = NULL;
  g_autoptr(JsonNode) added = NULL;
  const char *signature;

  setup_products (f);
  sha256 = write_bin (f, "fake.zip", 3000);
  cli_assert_status (f, cli_run (f, "firmware", "add", "plug1", "fake.zip", "--name", "fw",
                                 "--version", "1.1.0", "--source", "1.0.0", NULL), 2);
  cli_assert_error_line (f, "zip");
  cli_write_file (f, "empty.bin", "");
  cli_assert_status (f, cli_run (f, "firmware", "add", "plug1", "empty.bin", "--name", "fw",
                                 "--version", "1.1.0", "--source", "1.0.0", NULL), 2);
  cli_assert_error_line (f, NULL);
  cli_write_file (f, "fw.exe", "MZ not a firmware");
  cli_assert_status (f, cli_run (f, "firmware", "add", "plug1", "fw.exe", "--name", "fw",
                                 "--version", "1.1.0", "--source", "1.0.0", NULL), 2);
  cli_assert_error_line (f, NULL);

  g_free (sha256);
  sha256 = write_bin (f, "fw.bin", 3000);
  cli_assert_status (f, cli_run (f, "product", "secure-upgrade", "plug1", "on", NULL), 0);
  cli_assert_status (f, cli_run (f, "--json", "firmware", "add", "plug1", "fw.bin", "--name", "fw",
                                 "--version", "1.1.0", "--source", "1.0.0", NULL), 0);
  added = cli_out_json (f);
  signature = json_object_get_string_member (json_node_get_object (added), "signature");
  g_assert_nonnull (signature);
  g_assert_cmpuint (strlen (signature), >, 40);

  /* Names are unique in a product. */
  cli_assert_status (f, cli_run (f, "firmware", "add", "plug1", "fw.bin", "--name", "fw",
                                 "--version", "1.2.0", "--source", "1.0.0", NULL), 4);
  cli_assert_error_line (f, "fw");

  /* Missing required options are a usage error. */
  cli_assert_status (f, cli_run (f, "firmware", "add", "plug1", "fw.bin", "--name", "fw2", NULL), 1);
  cli_assert_error_line (f, "--version");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/firmware/R-F8/R-F10/add-then-show-json-has-digest-size-unverified", test_add_then_show_json);
  ADD ("/cli/firmware/R-F2/name-41-chars-exit-2", test_name_41_chars_refused);
  ADD ("/cli/firmware/R-F3/unknown-product-exit-3", test_unknown_product_exit_3);
  ADD ("/cli/firmware/R-F1/R-F7/tmall-genie-full-only-md5-default", test_tmall_genie_rules);
  ADD ("/cli/firmware/R-F8/R-P3/content-checked-and-signed", test_file_checks_and_signature);

  return g_test_run ();
}
