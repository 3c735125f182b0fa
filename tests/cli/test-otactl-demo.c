/* test-otactl-demo.c — "otactl demo": a realistic, reproducible demo catalogue */
#include <string.h>

#include "cli-test-util.h"

/* The device export, then every firmware's name and digest: what a seed decides. */
static char *
export_with_seed (CliFixture *f,
                  const char *db_name,
                  const char *seed)
{
  g_autoptr(GString) catalogue = g_string_new (NULL);
  g_autoptr(JsonNode) products = NULL;
  JsonArray *array;

  g_free (f->db);
  f->db = g_build_filename (f->dir, db_name, NULL);
  cli_assert_status (f, cli_run (f, "demo", "--devices", "400", "--seed", seed, NULL), 0);
  cli_assert_status (f, cli_run (f, "device", "export", NULL), 0);
  g_string_append (catalogue, f->out);

  cli_assert_status (f, cli_run (f, "--json", "product", "list", NULL), 0);
  products = cli_out_json (f);
  array = json_node_get_array (products);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *key = json_object_get_string_member (json_array_get_object_element (array, i), "key");
      g_autoptr(JsonNode) firmwares = NULL;
      JsonArray *list;

      cli_assert_status (f, cli_run (f, "--json", "firmware", "list", key, NULL), 0);
      firmwares = cli_out_json (f);
      list = json_node_get_array (firmwares);
      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          JsonObject *firmware = json_array_get_object_element (list, j);

          g_string_append_printf (catalogue, "%s %s %s\n", key,
                                  json_object_get_string_member (firmware, "file_name"),
                                  json_object_get_string_member (firmware, "digest"));
        }
    }

  return g_string_free (g_steal_pointer (&catalogue), FALSE);
}

/* R-P1, R-DV1, R-F1..R-F8: the demo fills the database through the engine's rules. */
static void
test_demo_fills_database (CliFixture   *f,
                          gconstpointer data)
{
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(JsonNode) products = NULL;
  g_autoptr(GHashTable) provinces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = NULL;
  JsonArray *array;
  gint64 devices = 0, firmwares = 0;
  gboolean own_brand = FALSE, tmall = FALSE, secure = FALSE;

  cli_assert_status (f, cli_run (f, "--json", "demo", "--devices", "1000", NULL), 0);
  summary = cli_out_json (f);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "devices"), ==, 1000);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "products"), >=, 4);

  cli_assert_status (f, cli_run (f, "--json", "product", "list", NULL), 0);
  products = cli_out_json (f);
  array = json_node_get_array (products);
  g_assert_cmpuint (json_array_get_length (array), >=, 4);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *product = json_array_get_object_element (array, i);
      const char *key = json_object_get_string_member (product, "key");
      g_autoptr(JsonNode) list = NULL;
      g_autoptr(JsonNode) modules = NULL;

      devices += json_object_get_int_member (product, "device_count");
      own_brand |= g_str_equal (json_object_get_string_member (product, "project_type"), "own-brand");
      tmall |= g_str_equal (json_object_get_string_member (product, "project_type"), "tmall-genie");
      secure |= json_object_get_boolean_member (product, "secure_upgrade");

      cli_assert_status (f, cli_run (f, "--json", "firmware", "list", key, NULL), 0);
      list = cli_out_json (f);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), >=, 2);
      firmwares += json_array_get_length (json_node_get_array (list));

      /* Every module has several versions reported. */
      cli_assert_status (f, cli_run (f, "--json", "module", "list", key, NULL), 0);
      modules = cli_out_json (f);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (modules)), >=, 1);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                          json_array_get_object_element (json_node_get_array (modules), 0), "versions")), >=, 3);
    }

  g_assert_cmpint (devices, ==, 1000);
  g_assert_cmpint (firmwares, ==, json_object_get_int_member (json_node_get_object (summary), "firmwares"));
  g_assert_true (own_brand);
  g_assert_true (tmall);
  g_assert_true (secure);

  /* Spread over at least 20 provinces, named in Chinese. */
  cli_assert_status (f, cli_run (f, "device", "export", NULL), 0);
  lines = g_strsplit (f->out, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      if (g_strv_length (fields) == 6 && *fields[2] != '\0')
        g_hash_table_add (provinces, g_strdup (fields[2]));
    }
  g_assert_cmpuint (g_hash_table_size (provinces), >=, 20);
  g_assert_true (g_hash_table_contains (provinces, "浙江省"));
  g_assert_true (g_hash_table_contains (provinces, "广东省"));
}

/* The demo only fills an empty database, and says which database it refused. */
static void
test_demo_refuses_filled_database (CliFixture   *f,
                                   gconstpointer data)
{
  cli_assert_status (f, cli_run (f, "demo", "--devices", "50", NULL), 0);
  g_assert_nonnull (strstr (f->out, "4 products"));
  cli_assert_status (f, cli_run (f, "demo", "--devices", "50", NULL), 4);
  cli_assert_error_line (f, f->db);

  cli_assert_status (f, cli_run (f, "demo", "--seed", "minus-one", NULL), 2);
  cli_assert_error_line (f, "eed");
}

/* The same seed gives the same catalogue (devices and firmware bytes), another seed
 * another one. */
static void
test_demo_seed_determinism (CliFixture   *f,
                            gconstpointer data)
{
  g_autofree char *a = export_with_seed (f, "a.db", "42");
  g_autofree char *b = export_with_seed (f, "b.db", "42");
  g_autofree char *c = export_with_seed (f, "c.db", "43");

  g_assert_cmpuint (strlen (a), >, 400 * 20);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
}

static const char *
firmware_status (CliFixture *f,
                 const char *product_key,
                 const char *version)
{
  g_autoptr(JsonNode) list = NULL;
  JsonArray *array;

  cli_assert_status (f, cli_run (f, "--json", "firmware", "list", product_key, NULL), 0);
  list = cli_out_json (f);
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *firmware = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (firmware, "version"), version))
        return g_intern_string (json_object_get_string_member (firmware, "status"));
    }
  g_assert_not_reached ();
}

/* R-V4, R-B5..R-B17: --with-rollouts verifies firmwares (one fails) and starts batch
 * upgrades, played by simulated devices on the database's manual clock. */
static void
test_demo_with_rollouts (CliFixture   *f,
                         gconstpointer data)
{
  g_autoptr(JsonNode) summary = NULL;
  JsonObject *object;

  cli_assert_status (f, cli_run (f, "--json", "demo", "--devices", "1500", "--with-rollouts", NULL), 0);
  summary = cli_out_json (f);
  object = json_node_get_object (summary);
  g_assert_cmpint (json_object_get_int_member (object, "batches"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (object, "verifications"), >=, 6);

  g_assert_cmpstr (firmware_status (f, "a1SmartPlug", "1.3.0"), ==, "verified");
  g_assert_cmpstr (firmware_status (f, "a1SmartPlug", "2.5.0"), ==, "verifying");
  g_assert_cmpstr (firmware_status (f, "a1BleLamp01", "3.1.1"), ==, "verify-failed");
  g_assert_cmpstr (firmware_status (f, "a1Tracker4G", "EC20.R2.3"), ==, "unverified");

  /* The rollouts' time stays with the database. */
  cli_assert_status (f, cli_run (f, "clock", "show", NULL), 0);
  g_assert_nonnull (strstr (f->out, "manual"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/demo/fills-database-with-products-devices-firmwares", test_demo_fills_database);
  ADD ("/cli/demo/refuses-a-database-with-products", test_demo_refuses_filled_database);
  ADD ("/cli/demo/same-seed-same-catalogue", test_demo_seed_determinism);
  ADD ("/cli/demo/R-V4/with-rollouts-leaves-rollouts-in-every-state", test_demo_with_rollouts);

  return g_test_run ();
}
