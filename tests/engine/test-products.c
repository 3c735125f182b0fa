/* test-products.c — products and secure upgrade (R-P1, R-P2, R-P3 key handling) */
#include "ota-test-util.h"

/* R-P1: a product has a key, a name, a project type, a network type and two flags. */
static void
test_product_add_and_read_back (OtaTestFixture *f,
                                gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) added = ota_test_add_product (f->engine, "a1Lamp", OTA_PROJECT_TYPE_TMALL_GENIE,
                                                      OTA_NETWORK_TYPE_BLE, TRUE, FALSE);
  g_autoptr(OtaProduct) read = NULL;

  ota_test_fixture_reopen (f);
  read = ota_engine_get_product (f->engine, "a1Lamp", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_key (read), ==, "a1Lamp");
  g_assert_cmpstr (ota_product_get_name (read), ==, "Product a1Lamp");
  g_assert_cmpint (ota_product_get_project_type (read), ==, OTA_PROJECT_TYPE_TMALL_GENIE);
  g_assert_cmpint (ota_product_get_network_type (read), ==, OTA_NETWORK_TYPE_BLE);
  g_assert_true (ota_product_get_alios_things (read));
  g_assert_false (ota_product_get_android_sdk (read));
  g_assert_false (ota_product_get_secure_upgrade (read));
  g_assert_null (ota_product_get_public_key (read));
  g_assert_cmpint (ota_product_get_created_at (read), ==, OTA_TEST_EPOCH);
}

/* R-P1: the key is made up when none is given, and keys are unique. */
static void
test_product_key_generated_and_unique (OtaTestFixture *f,
                                       gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  OtaProductSpec spec = { .name = "Plug", .project_type = OTA_PROJECT_TYPE_OWN_BRAND };
  g_autoptr(OtaProduct) product = ota_engine_add_product (f->engine, &spec, &error);
  g_autoptr(OtaProduct) again = NULL;
  g_autofree char *before = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (ota_product_get_key (product)), ==, 11);

  before = ota_test_dump_store (f->engine);
  spec.key = ota_product_get_key (product);
  again = ota_engine_add_product (f->engine, &spec, &error);
  ota_test_assert_error (error, OTA_ERROR_CONFLICT, "key", NULL);
  g_assert_null (again);
  ota_test_assert_unchanged (f->engine, before);
}

/* R-P1: bad names and keys are refused, naming the field, and change nothing. */
static void
test_product_bad_input_changes_nothing (OtaTestFixture *f,
                                        gconstpointer   data)
{
  g_autofree char *before = ota_test_dump_store (f->engine);
  struct { OtaProductSpec spec; const char *field; } cases[] = {
    { { .key = "bad key", .name = "x" }, "key" },
    { { .key = "k1", .name = "" }, "name" },
    { { .key = "k2", .name = "ok", .project_type = 7 }, "project-type" },
    { { .key = "k3", .name = "ok", .network_type = 9 }, "network-type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaProduct) product = ota_engine_add_product (f->engine, &cases[i].spec, &error);

      g_assert_null (product);
      ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, cases[i].field, NULL);
    }

  ota_test_assert_unchanged (f->engine, before);
}

/* R-P2: secure upgrade only for AliOS Things products. */
static void
test_secure_upgrade_needs_alios_things (OtaTestFixture *f,
                                        gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) plain = ota_test_add_product (f->engine, "plain", OTA_PROJECT_TYPE_OWN_BRAND,
                                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autofree char *before = ota_test_dump_store (f->engine);
  g_autoptr(OtaProduct) result = ota_engine_set_secure_upgrade (f->engine, "plain", TRUE, &error);

  g_assert_null (result);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "secure-upgrade", NULL);
  ota_test_assert_unchanged (f->engine, before);
}

/* R-P2: switching on makes the key pair once; off and on again keeps it (R-P3). */
static void
test_secure_upgrade_makes_key_once (OtaTestFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "alios", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, TRUE, FALSE);
  g_autoptr(OtaProduct) on = NULL;
  g_autoptr(OtaProduct) off = NULL;
  g_autoptr(OtaProduct) on_again = NULL;
  g_autofree char *pem = NULL;

  pem = ota_engine_dup_public_key_pem (f->engine, "alios", &error);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
  g_assert_null (pem);
  g_clear_error (&error);

  on = ota_engine_set_secure_upgrade (f->engine, "alios", TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (ota_product_get_secure_upgrade (on));
  g_assert_true (g_str_has_prefix (ota_product_get_public_key (on), "-----BEGIN PUBLIC KEY-----"));

  off = ota_engine_set_secure_upgrade (f->engine, "alios", FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (ota_product_get_secure_upgrade (off));

  on_again = ota_engine_set_secure_upgrade (f->engine, "alios", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_public_key (on_again), ==, ota_product_get_public_key (on));

  pem = ota_engine_dup_public_key_pem (f->engine, "alios", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pem, ==, ota_product_get_public_key (on));
  g_assert_null (strstr (pem, "PRIVATE"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/product/R-P1/add-and-read-back", test_product_add_and_read_back);
  ADD ("/product/R-P1/key-generated-and-unique", test_product_key_generated_and_unique);
  ADD ("/product/R-P1/bad-input-changes-nothing", test_product_bad_input_changes_nothing);
  ADD ("/product/R-P2/secure-upgrade-needs-alios-things", test_secure_upgrade_needs_alios_things);
  ADD ("/product/R-P2/secure-upgrade-makes-key-once", test_secure_upgrade_makes_key_once);

  return g_test_run ();
}
