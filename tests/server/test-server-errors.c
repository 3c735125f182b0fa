/* test-server-errors.c — error answers: status, and a body naming code, field and the
 * engine's own message; nothing changes when a request fails */
#include <string.h>

#include "server-test-util.h"

static void
test_malformed_json_names_the_problem (ServerFixture *f,
                                       gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  g_autofree char *after = NULL;
  guint status = 0;

  node = server_json (f, "POST", "/api/v1/products", "{\"name\": \"Pump\", \"project_type\": ", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (node, "invalid-json", NULL);
  /* json-glib's message: where (line 1) and what went wrong. */
  g_assert_nonnull (strstr (server_get_string (node, "message"), ":1:"));

  after = ota_test_dump_store (f->base.engine);
  g_assert_cmpstr (before, ==, after);
}

static void
test_empty_body_is_malformed_json (ServerFixture *f,
                                   gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = server_json (f, "POST", "/api/v1/products", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (node, "invalid-json", NULL);
}

/* R-B12: the push rate's error comes through with the engine's field and message. */
static void
test_push_rate_9_names_push_rate (ServerFixture *f,
                                  gconstpointer  data)
{
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL,
                                                           NULL, "1.0.0", "2.0.0");
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  g_autoptr(GError) engine_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL, *after = NULL;
  guint status = 0;

  ota_test_verify_firmware (&f->base, firmware, "verifier-1");
  g_object_unref (ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "device-1", "1.0.0"));

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.push_rate = 9;
  g_assert_null (ota_engine_create_batch (f->base.engine, &spec, &engine_error));
  g_assert_error (engine_error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ota_error_get_field (engine_error), ==, "push-rate");

  before = ota_test_dump_store (f->base.engine);
  path = g_strdup_printf ("/api/v1/firmwares/%" G_GINT64_FORMAT "/batches", ota_firmware_get_id (firmware));
  node = server_json (f, "POST", path, "{\"scope\": \"all\", \"push_rate\": 9}", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (node, "invalid-field", "push_rate");
  g_assert_cmpstr (server_get_string (node, "message"), ==, engine_error->message);

  after = ota_test_dump_store (f->base.engine);
  g_assert_cmpstr (before, ==, after);
}

/* R-V3: a verification's timeout is named as the API names it. */
static void
test_verification_timeout_names_timeout_minutes (ServerFixture *f,
                                                 gconstpointer  data)
{
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL,
                                                           NULL, "1.0.0", "2.0.0");
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  guint status = 0;

  g_object_unref (ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "device-1", "1.0.0"));
  path = g_strdup_printf ("/api/v1/firmwares/%" G_GINT64_FORMAT "/verify", ota_firmware_get_id (firmware));
  node = server_json (f, "POST", path,
                      "{\"source_versions\": [\"1.0.0\"], \"devices\": [\"device-1\"], \"timeout_minutes\": 0}",
                      &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (node, "invalid-field", "timeout_minutes");
}

static void
test_unknown_member_and_wrong_type (ServerFixture *f,
                                    gconstpointer  data)
{
  g_autoptr(JsonNode) unknown = NULL;
  g_autoptr(JsonNode) wrong_type = NULL;
  g_autoptr(JsonNode) wrong_enum = NULL;
  g_autoptr(JsonNode) not_object = NULL;
  guint status = 0;

  unknown = server_json (f, "POST", "/api/v1/products",
                         "{\"name\": \"Pump\", \"project_type\": \"own-brand\", \"network_type\": \"wifi\", "
                         "\"colour\": \"red\"}", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (unknown, "invalid-field", "colour");

  wrong_type = server_json (f, "POST", "/api/v1/products",
                            "{\"name\": 7, \"project_type\": \"own-brand\", \"network_type\": \"wifi\"}", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (wrong_type, "invalid-field", "name");

  wrong_enum = server_json (f, "POST", "/api/v1/products",
                            "{\"name\": \"Pump\", \"project_type\": \"own\", \"network_type\": \"wifi\"}", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (wrong_enum, "invalid-field", "project_type");
  g_assert_nonnull (strstr (server_get_string (wrong_enum, "message"), "own-brand, tmall-genie"));

  not_object = server_json (f, "POST", "/api/v1/products", "[1, 2]", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (not_object, "invalid-field", NULL);
}

/* R-F3 */
static void
test_unknown_firmware_404 (ServerFixture *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) not_an_id = NULL;
  g_autoptr(JsonNode) batches = NULL;
  guint status = 0;

  missing = server_json (f, "GET", "/api/v1/firmwares/999", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NOT_FOUND);
  server_assert_error (missing, "not-found", "firmware");

  not_an_id = server_json (f, "GET", "/api/v1/firmwares/seven", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NOT_FOUND);
  server_assert_error (not_an_id, "not-found", "firmware");

  batches = server_json (f, "POST", "/api/v1/firmwares/999/batches", "{}", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NOT_FOUND);
  server_assert_error (batches, "not-found", "firmware");
}

/* R-P1: a second product with the same key is a conflict. */
static void
test_duplicate_product_409 (ServerFixture *f,
                            gconstpointer  data)
{
  const char *body = "{\"key\": \"pump1\", \"name\": \"Pump\", \"project_type\": \"own-brand\", \"network_type\": \"wifi\"}";
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  guint status = 0;

  first = server_json (f, "POST", "/api/v1/products", body, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
  g_assert_cmpstr (server_get_string (first, "key"), ==, "pump1");

  second = server_json (f, "POST", "/api/v1/products", body, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CONFLICT);
  server_assert_error (second, "conflict", "key");
}

static void
test_unknown_endpoint_and_method (ServerFixture *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) nowhere = NULL;
  g_autoptr(JsonNode) wrong_method = NULL;
  guint status = 0;

  nowhere = server_json (f, "GET", "/api/v1/nowhere", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NOT_FOUND);
  /* Not the engine's "not-found": a client tells "no such endpoint" from "no such product". */
  server_assert_error (nowhere, "no-endpoint", NULL);

  wrong_method = server_json (f, "DELETE", "/api/v1/products", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  server_assert_error (wrong_method, "method-not-allowed", NULL);
}

static void
test_bad_query_parameter_named (ServerFixture *f,
                                gconstpointer  data)
{
  g_autoptr(JsonNode) limit = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  g_autoptr(JsonNode) status_filter = NULL;
  guint status = 0;

  g_object_unref (ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI,
                                        FALSE, FALSE));

  limit = server_json (f, "GET", "/api/v1/products/p1/devices?limit=-1", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (limit, "invalid-field", "limit");

  unknown = server_json (f, "GET", "/api/v1/products/p1/devices?color=red", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (unknown, "invalid-field", "color");

  status_filter = server_json (f, "GET", "/api/v1/batches/1/tasks?status=done", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  server_assert_error (status_filter, "invalid-field", "status");
}

static void
test_json_body_over_1_mib_413 (ServerFixture *f,
                               gconstpointer  data)
{
  gsize size = OTA_SERVER_MAX_JSON_BODY + 1;
  g_autofree char *body = g_malloc (size + 1);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  memset (body, ' ', size);
  body[0] = '{';
  body[size - 1] = '}';
  body[size] = '\0';
  node = server_json (f, "POST", "/api/v1/products", body, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  server_assert_error (node, "too-large", NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, ServerFixture, NULL, server_fixture_setup, func, server_fixture_teardown)

  ADD ("/server/errors/malformed-json-names-the-problem", test_malformed_json_names_the_problem);
  ADD ("/server/errors/empty-body-is-malformed-json", test_empty_body_is_malformed_json);
  ADD ("/server/errors/R-B12/push-rate-9-names-push_rate-with-the-engine-message", test_push_rate_9_names_push_rate);
  ADD ("/server/errors/R-V3/verification-timeout-names-timeout_minutes",
       test_verification_timeout_names_timeout_minutes);
  ADD ("/server/errors/unknown-member-and-wrong-type-named", test_unknown_member_and_wrong_type);
  ADD ("/server/errors/R-F3/unknown-firmware-404", test_unknown_firmware_404);
  ADD ("/server/errors/R-P1/duplicate-product-409", test_duplicate_product_409);
  ADD ("/server/errors/unknown-endpoint-404-and-method-405", test_unknown_endpoint_and_method);
  ADD ("/server/errors/bad-query-parameter-named", test_bad_query_parameter_named);
  ADD ("/server/errors/json-body-over-1-mib-413", test_json_body_over_1_mib_413);

  return g_test_run ();
}
