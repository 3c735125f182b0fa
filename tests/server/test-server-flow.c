/* test-server-flow.c — a whole rollout over HTTP: product, devices, firmware upload,
 * verification, batch, device events through the events endpoint, tasks succeeded */
#include <string.h>

#include "server-test-util.h"

static JsonNode *
request (ServerFixture *f,
         const char    *method,
         const char    *path,
         const char    *body,
         guint          expected_status)
{
  guint status = 0;
  JsonNode *node = server_json (f, method, path, body, &status);

  if (status != expected_status)
    {
      g_autofree char *text = node != NULL ? json_to_string (node, FALSE) : g_strdup ("(empty)");
      g_error ("%s %s: %u, expected %u: %s", method, path, status, expected_status, text);
    }
  return node;
}

static void
device_says (ServerFixture *f,
             const char    *device,
             const char    *event)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/devices/pump/%s/events", device);
  g_autoptr(JsonNode) node = request (f, "POST", path, event, SOUP_STATUS_OK);

  g_assert_cmpint (server_get_int (node, "applied"), ==, 1);
}

static gint64
upload_firmware (ServerFixture *f)
{
  g_autoptr(SoupMessage) msg = server_message (f, "POST", "/api/v1/products/pump/firmwares?name=pump-fw"
                                               "&version=2.0.0&type=full&source_versions=1.0.0"
                                               "&sign_algorithm=sha256&file_name=pump.bin"
                                               "&description=Quieter%20motor", f->token);
  g_autoptr(GBytes) contents = g_bytes_new_static ("\x7f" "ELF pump firmware 2.0.0", 24);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", contents);
  answer = server_send (f, msg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_CREATED);
  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (server_get_string (node, "description"), ==, "Quieter motor");
  return server_get_int (node, "id");
}

static JsonObject *
counts (JsonNode *batch)
{
  return json_object_get_object_member (json_node_get_object (batch), "counts");
}

/* R-V1..R-V4, R-B7, R-S3..R-S5, R-E1..R-E3 over the API. */
static void
test_verification_and_batch_to_success (ServerFixture *f,
                                        gconstpointer  data)
{
  g_autoptr(JsonNode) product = NULL, verification = NULL, firmware = NULL, batch = NULL;
  g_autoptr(JsonNode) finished = NULL, tasks = NULL, failures = NULL, audit = NULL, forecast = NULL;
  g_autoptr(JsonNode) verified_batch = NULL, task = NULL;
  g_autofree char *path = NULL;
  JsonArray *items;
  gint64 firmware_id, batch_id;

  product = request (f, "POST", "/api/v1/products",
                     "{\"key\": \"pump\", \"name\": \"Pump\", \"project_type\": \"own-brand\", "
                     "\"network_type\": \"wifi\"}", SOUP_STATUS_CREATED);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("pump-%04u", i);
      g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"province\": \"Zhejiang\", "
                                               "\"city\": \"Hangzhou\", \"online\": true, "
                                               "\"versions\": {\"default\": \"1.0.0\"}}", name);
      g_autoptr(JsonNode) device = request (f, "POST", "/api/v1/products/pump/devices", body, SOUP_STATUS_CREATED);
      g_assert_cmpstr (server_get_string (device, "name"), ==, name);
    }
  firmware_id = upload_firmware (f);

  /* Verification on one device: pushed at once (online, no rate), then it upgrades. */
  path = g_strdup_printf ("/api/v1/firmwares/%" G_GINT64_FORMAT "/verify", firmware_id);
  verification = request (f, "POST", path, "{\"source_versions\": [\"1.0.0\"], \"devices\": [\"pump-0001\"], "
                                           "\"timeout_minutes\": 30}", SOUP_STATUS_CREATED);
  g_assert_cmpstr (server_get_string (verification, "kind"), ==, "verification");
  g_assert_cmpint (json_object_get_int_member (counts (verification), "pushed"), ==, 1);

  device_says (f, "pump-0001", "{\"kind\": \"progress\", \"step\": 50, \"description\": \"writing\"}");
  device_says (f, "pump-0001", "{\"kind\": \"progress\", \"step\": 100}");   /* R-S5: 100 and the version */
  device_says (f, "pump-0001", "{\"kind\": \"version\", \"version\": \"2.0.0\"}");
  g_free (path);
  path = g_strdup_printf ("/api/v1/firmwares/%" G_GINT64_FORMAT, firmware_id);
  firmware = request (f, "GET", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (server_get_string (firmware, "status"), ==, "verified");

  /* The batch: every matching device but the verification's (R-B2). */
  g_free (path);
  path = g_strdup_printf ("/api/v1/firmwares/%" G_GINT64_FORMAT "/batches/forecast", firmware_id);
  forecast = request (f, "POST", path, "{\"scope\": \"all\", \"push_rate\": 100}", SOUP_STATUS_OK);
  g_assert_cmpint (server_get_int (forecast, "matched"), ==, 2);

  g_free (path);
  path = g_strdup_printf ("/api/v1/firmwares/%" G_GINT64_FORMAT "/batches", firmware_id);
  batch = request (f, "POST", path, "{\"scope\": \"all\", \"push_rate\": 100, \"retry_interval\": \"10m\"}",
                   SOUP_STATUS_CREATED);
  batch_id = server_get_int (batch, "id");
  g_assert_cmpint (server_get_int (batch, "total"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (counts (batch), "pushed"), ==, 2);

  for (guint i = 2; i <= 3; i++)
    {
      g_autofree char *device = g_strdup_printf ("pump-%04u", i);
      device_says (f, device, "{\"kind\": \"progress\", \"step\": 100}");
      device_says (f, device, "[{\"kind\": \"version\", \"version\": \"2.0.0\"}]");
    }

  g_free (path);
  path = g_strdup_printf ("/api/v1/batches/%" G_GINT64_FORMAT, batch_id);
  finished = request (f, "GET", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (server_get_string (finished, "state"), ==, "finished");
  g_assert_cmpint (json_object_get_int_member (counts (finished), "succeeded"), ==, 2);
  g_assert_cmpint (json_object_get_double_member (json_node_get_object (finished), "progress"), ==, 1);

  g_free (path);
  path = g_strdup_printf ("/api/v1/batches/%" G_GINT64_FORMAT "/tasks?status=succeeded&sort=device", batch_id);
  tasks = request (f, "GET", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpint (server_get_int (tasks, "total"), ==, 2);
  items = json_object_get_array_member (json_node_get_object (tasks), "items");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "device_name"),
                   ==, "pump-0002");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 1), "progress"), ==, 100);

  g_free (path);
  path = g_strdup_printf ("/api/v1/tasks/%" G_GINT64_FORMAT,
                          json_object_get_int_member (json_array_get_object_element (items, 0), "id"));
  task = request (f, "GET", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (server_get_string (task, "status"), ==, "succeeded");
  g_assert_cmpstr (server_get_string (task, "current_version"), ==, "2.0.0");

  g_free (path);
  path = g_strdup_printf ("/api/v1/batches/%" G_GINT64_FORMAT "/failures", batch_id);
  failures = request (f, "GET", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (failures)), ==, 0);

  audit = request (f, "GET", "/api/v1/audit?limit=1", NULL, SOUP_STATUS_OK);
  g_assert_cmpint (server_get_int (audit, "total"), >=, 4);
  items = json_object_get_array_member (json_node_get_object (audit), "items");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "action"),
                   ==, "batch.create");
}

/* R-B17 and R-S7 over the API, and the device list as CSV (R-D2). */
static void
test_cancel_task_and_batch_and_export (ServerFixture *f,
                                       gconstpointer  data)
{
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL,
                                                           NULL, "1.0.0", "2.0.0");
  g_autoptr(JsonNode) batch = NULL, cancelled_task = NULL, cancelled = NULL, tasks = NULL;
  g_autoptr(SoupMessage) csv = NULL;
  g_autoptr(GBytes) csv_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonArray *items;
  gint64 batch_id;

  ota_test_verify_firmware (&f->base, firmware, "verifier");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%u", i);
      g_object_unref (ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, name, "1.0.0"));
    }

  path = g_strdup_printf ("/api/v1/firmwares/%" G_GINT64_FORMAT "/batches", ota_firmware_get_id (firmware));
  batch = request (f, "POST", path, "{\"scope\": \"targeted\", \"devices\": [\"dev-0\", \"dev-1\"], "
                                    "\"source_versions\": [\"1.0.0\"], \"push_rate\": 10}", SOUP_STATUS_CREATED);
  batch_id = server_get_int (batch, "id");

  g_free (path);
  path = g_strdup_printf ("/api/v1/batches/%" G_GINT64_FORMAT "/tasks?sort=device", batch_id);
  tasks = request (f, "GET", path, NULL, SOUP_STATUS_OK);
  items = json_object_get_array_member (json_node_get_object (tasks), "items");
  g_free (path);
  path = g_strdup_printf ("/api/v1/tasks/%" G_GINT64_FORMAT "/cancel",
                          json_object_get_int_member (json_array_get_object_element (items, 0), "id"));
  cancelled_task = request (f, "POST", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (server_get_string (cancelled_task, "status"), ==, "cancelled");
  g_assert_cmpstr (server_get_string (cancelled_task, "reason"), ==, "cancelled");

  g_free (path);
  path = g_strdup_printf ("/api/v1/batches/%" G_GINT64_FORMAT "/tasks.csv", batch_id);
  csv = server_message (f, "GET", path, f->token);
  csv_body = server_send (f, csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (csv), ==, SOUP_STATUS_OK);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (csv_body, NULL), "device,status,reason"));
  g_assert_nonnull (strstr (g_bytes_get_data (csv_body, NULL), "dev-0,cancelled,cancelled"));

  g_free (path);
  path = g_strdup_printf ("/api/v1/batches/%" G_GINT64_FORMAT "/cancel", batch_id);
  cancelled = request (f, "POST", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (server_get_string (cancelled, "state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (counts (cancelled), "cancelled"), ==, 2);
}

/* The audit log names the operator by the name of the token they used, also when
 * several operators work on one server. */
static void
test_audit_names_the_token (ServerFixture *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *alice = ota_engine_create_token (f->base.engine, "alice", &error);
  g_autoptr(JsonNode) product = NULL, audit = NULL;
  JsonObject *entry;
  guint status = 0;

  g_assert_no_error (error);
  product = server_json_with_token (f, alice, "POST", "/api/v1/products",
                                    "{\"key\": \"valve\", \"name\": \"Valve\", "
                                    "\"project_type\": \"own-brand\", \"network_type\": \"wifi\"}",
                                    &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
  audit = request (f, "GET", "/api/v1/audit?limit=1", NULL, SOUP_STATUS_OK);
  entry = json_array_get_object_element (json_object_get_array_member (json_node_get_object (audit),
                                                                       "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "product.add");
  g_assert_cmpstr (json_object_get_string_member (entry, "actor"), ==, "alice");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, ServerFixture, NULL, server_fixture_setup, func, server_fixture_teardown)

  ADD ("/server/flow/R-V4/verification-and-batch-to-success", test_verification_and_batch_to_success);
  ADD ("/server/flow/R-B17/cancel-task-and-batch-and-export-the-device-list", test_cancel_task_and_batch_and_export);
  ADD ("/server/flow/audit-names-the-token", test_audit_names_the_token);

  return g_test_run ();
}
