/* test-server-json.c — the API's JSON (src/client/ota-json.c): snapshots and specs to
 * JSON and back, errors naming the member, field names between engine and API */
#include <string.h>

#include "ota-json.h"
#include "ota-spec-copy.h"
#include "ota-test-util.h"

static JsonNode *
reparse (JsonNode *node)
{
  g_autofree char *text = ota_json_to_string (node, NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *again = ota_json_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  return again;
}

static void
test_product_round_trip (OtaTestFixture *f,
                         gconstpointer   data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "p1", OTA_PROJECT_TYPE_TMALL_GENIE,
                                                        OTA_NETWORK_TYPE_BLE, TRUE, FALSE);
  g_autoptr(JsonNode) node = ota_json_from_product (product);
  g_autoptr(JsonNode) wire = reparse (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) back = ota_json_to_product (wire, &error);
  JsonObject *object = json_node_get_object (wire);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (object, "project_type"), ==, "tmall-genie");
  g_assert_cmpstr (json_object_get_string_member (object, "created_at_iso"), ==, "2026-01-01T00:00:00Z");
  g_assert_cmpint (json_object_get_int_member (object, "created_at"), ==, OTA_TEST_EPOCH);
  g_assert_cmpstr (ota_product_get_key (back), ==, "p1");
  g_assert_cmpint (ota_product_get_project_type (back), ==, OTA_PROJECT_TYPE_TMALL_GENIE);
  g_assert_cmpint (ota_product_get_network_type (back), ==, OTA_NETWORK_TYPE_BLE);
  g_assert_true (ota_product_get_alios_things (back));
  g_assert_cmpint (ota_product_get_created_at (back), ==, OTA_TEST_EPOCH);
}

static void
test_device_round_trip (OtaTestFixture *f,
                        gconstpointer   data)
{
  g_autoptr(OtaDevice) device = NULL;
  g_autoptr(OtaDevice) back = NULL;
  g_autoptr(JsonNode) wire = NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (ota_test_add_product (f->engine, "p1", 0, 0, FALSE, FALSE));
  device = ota_test_add_device (f->engine, "p1", "pump-0001", "1.2.3");
  {
    g_autoptr(JsonNode) node = ota_json_from_device (device);
    wire = reparse (node);
  }
  back = ota_json_to_device (wire, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_device_get_id (back), ==, ota_device_get_id (device));
  g_assert_cmpstr (ota_device_get_version (back, "default"), ==, "1.2.3");
  g_assert_cmpint (ota_device_get_online (back), ==, ota_device_get_online (device));
}

static void
test_batch_round_trip (OtaTestFixture *f,
                       gconstpointer   data)
{
  const char *sources[] = { "1.0.0", "1.0.1", NULL };
  OtaBatchFields fields = {
    .id = 7, .firmware_id = 3, .kind = OTA_BATCH_KIND_BATCH, .strategy = OTA_BATCH_STRATEGY_DYNAMIC,
    .scope = OTA_BATCH_SCOPE_REGION, .app_confirm = TRUE, .schedule_start = OTA_TEST_EPOCH + 1,
    .push_rate = 250, .retry_interval = OTA_RETRY_INTERVAL_10_MINUTES, .retry_limit = 5,
    .timeout_minutes = 90, .sources_named = TRUE, .state = OTA_BATCH_STATE_RUNNING,
    .created_at = OTA_TEST_EPOCH, .source_versions = sources,
    .counts = { 1, 2, 3, 4, 5, 6, 7 }, .enrolling = 40000,
  };
  g_autoptr(OtaBatch) batch = ota_batch_new (&fields);
  g_autoptr(JsonNode) node = ota_json_from_batch (batch);
  g_autoptr(JsonNode) wire = reparse (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) back = ota_json_to_batch (wire, &error);
  JsonObject *object = json_node_get_object (wire);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (object, "retry_interval"), ==, "10m");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "counts"), "pending_push"), ==, 2);
  g_assert_true (json_object_get_null_member (object, "ended_at"));
  g_assert_true (json_object_get_null_member (object, "ended_at_iso"));
  g_assert_cmpstr (json_object_get_string_member (object, "schedule_start_iso"), ==, "2026-01-01T00:00:00.000001Z");

  g_assert_cmpint (ota_batch_get_scope (back), ==, OTA_BATCH_SCOPE_REGION);
  g_assert_cmpint (ota_batch_get_retry_interval (back), ==, OTA_RETRY_INTERVAL_10_MINUTES);
  g_assert_cmpint (ota_batch_get_schedule_start (back), ==, OTA_TEST_EPOCH + 1);
  g_assert_cmpint (ota_batch_get_ended_at (back), ==, 0);
  g_assert_cmpuint (ota_batch_get_push_rate (back), ==, 250);
  g_assert_cmpstrv (ota_batch_get_source_versions (back), sources);
  for (int status = 0; status < OTA_N_TASK_STATUSES; status++)
    g_assert_cmpuint (ota_batch_get_count (back, status), ==, (guint64) status + 1);
  /* A large batch still enrolling reads as such ("preparing") on the remote side too. */
  g_assert_cmpint (json_object_get_int_member (object, "enrolling"), ==, 40000);
  g_assert_cmpuint (ota_batch_get_enrolling (back), ==, 40000);
  g_assert_cmpuint (ota_batch_get_total (back), ==, ota_batch_get_total (batch));
}

static void
test_task_round_trip (OtaTestFixture *f,
                      gconstpointer   data)
{
  OtaTaskFields fields = {
    .id = 11, .batch_id = 7, .device_id = 5, .device_name = "pump-0005",
    .status = OTA_TASK_STATUS_FAILED, .reason = OTA_TASK_REASON_DOWNLOAD_FAILED, .error_code = -2,
    .detail = "no space", .progress = 40, .source_version = "1.0.0", .tries = 2,
    .last_reason = OTA_TASK_REASON_NONE, .created_at = OTA_TEST_EPOCH, .updated_at = OTA_TEST_EPOCH + 5,
  };
  g_autoptr(OtaTask) task = ota_task_new (&fields);
  g_autoptr(JsonNode) node = ota_json_from_task (task);
  g_autoptr(JsonNode) wire = reparse (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaTask) back = ota_json_to_task (wire, &error);
  JsonObject *object = json_node_get_object (wire);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, "download-failed");
  g_assert_true (json_object_get_null_member (object, "last_reason"));
  g_assert_true (json_object_get_null_member (object, "current_version"));
  g_assert_cmpint (ota_task_get_reason (back), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpint (ota_task_get_error_code (back), ==, -2);
  g_assert_cmpstr (ota_task_get_detail (back), ==, "no space");
  g_assert_cmpuint (ota_task_get_tries (back), ==, 2);
  g_assert_null (ota_task_get_current_version (back));
  g_assert_cmpint (ota_task_get_updated_at (back), ==, OTA_TEST_EPOCH + 5);
}

/* ---- Specs ------------------------------------------------------------------------ */

static void
test_batch_spec_round_trip (OtaTestFixture *f,
                            gconstpointer   data)
{
  const char *sources[] = { "1.0.0", NULL };
  const OtaRegion regions[] = { { "Zhejiang", "Hangzhou" }, { "Jiangsu", NULL } };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) wire = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatchSpec) back = NULL;

  spec.firmware_id = 3;
  spec.scope = OTA_BATCH_SCOPE_REGION;
  spec.source_versions = sources;
  spec.regions = regions;
  spec.n_regions = 2;
  spec.schedule_start = OTA_TEST_EPOCH + 20 * G_TIME_SPAN_MINUTE;
  spec.push_rate = 500;
  spec.retry_interval = OTA_RETRY_INTERVAL_1_HOUR;
  spec.overwrite = TRUE;

  node = ota_json_from_batch_spec (&spec);
  wire = reparse (node);
  back = ota_json_to_batch_spec (wire, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->firmware_id, ==, 3);
  g_assert_cmpint (back->scope, ==, OTA_BATCH_SCOPE_REGION);
  g_assert_cmpuint (back->n_regions, ==, 2);
  g_assert_cmpstr (back->regions[0].city, ==, "Hangzhou");
  g_assert_null (back->regions[1].city);
  g_assert_cmpint (back->schedule_start, ==, spec.schedule_start);
  g_assert_cmpuint (back->push_rate, ==, 500);
  g_assert_cmpint (back->retry_interval, ==, OTA_RETRY_INTERVAL_1_HOUR);
  g_assert_true (back->overwrite);
  g_assert_cmpuint (back->timeout_minutes, ==, 60);
}

static void
test_spec_time_as_iso_string (OtaTestFixture *f,
                              gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ota_json_parse ("{\"schedule_start\": \"2026-01-01T08:10:00+08:00\"}", -1, &error);
  g_autoptr(OtaBatchSpec) spec = NULL;

  g_assert_no_error (error);
  spec = ota_json_to_batch_spec (node, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (spec->schedule_start, ==, OTA_TEST_EPOCH + 10 * G_TIME_SPAN_MINUTE);
}

static void
assert_spec_error (const char *json,
                   const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ota_json_parse (json, -1, &error);
  g_autoptr(OtaBatchSpec) spec = NULL;

  g_assert_no_error (error);
  spec = ota_json_to_batch_spec (node, 1, &error);
  g_assert_null (spec);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ota_error_get_field (error), ==, field);
}

/* Field names inside the process are the engine's: "push-rate". */
static void
test_spec_errors_name_the_member (OtaTestFixture *f,
                                  gconstpointer   data)
{
  assert_spec_error ("{\"push-rate\": 9}", "push-rate");
  assert_spec_error ("{\"push_rate\": \"fast\"}", "push-rate");
  assert_spec_error ("{\"push_rate\": -1}", "push-rate");
  assert_spec_error ("{\"push_rate\": 1.5}", "push-rate");
  assert_spec_error ("{\"scope\": \"most\"}", "scope");
  assert_spec_error ("{\"devices\": [\"a\", 2]}", "devices");
  assert_spec_error ("{\"regions\": [{\"city\": \"Hangzhou\"}]}", "regions");
  assert_spec_error ("{\"schedule_end\": \"tomorrow\"}", "schedule-end");
  assert_spec_error ("{\"timeout_minutes\": true}", "timeout");
}

static void
test_error_round_trip (OtaTestFixture *f,
                       gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) back = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *member = ota_json_member_for_field ("timeout");
  g_autofree char *field = ota_json_field_for_member ("timeout_minutes");

  ota_error_set_field (&error, OTA_ERROR_INVALID_FIELD, "push-rate", "Push rate must be between 10 and 1000");
  body = ota_json_from_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "field"), ==, "push_rate");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "code"), ==, "invalid-field");

  back = ota_json_to_error (body);
  g_assert_error (back, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_assert_cmpstr (ota_error_get_field (back), ==, "push-rate");
  g_assert_cmpstr (back->message, ==, error->message);

  g_assert_cmpstr (member, ==, "timeout_minutes");
  g_assert_cmpstr (field, ==, "timeout");
}

/* The HTTP layer's own codes come back as errors a caller can tell apart: "no such
 * endpoint" is not "no such product", a busy server not a failed one; the message is
 * the server's. */
static void
test_http_errors_mapped (OtaTestFixture *f,
                         gconstpointer   data)
{
  const struct {
    const char *code;
    const char *field;         /* in the body, snake_case */
    GQuark      domain;
    int         error_code;
    const char *engine_field;
  } cases[] = {
    { "too-large", NULL, OTA_ERROR, OTA_ERROR_INVALID_FIELD, NULL },
    { "too-large", "file", OTA_ERROR, OTA_ERROR_INVALID_FIELD, "file" },
    { "unavailable", NULL, G_IO_ERROR, G_IO_ERROR_BUSY, NULL },
    { "no-endpoint", NULL, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, NULL },
    { "method-not-allowed", NULL, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, NULL },
    { "not-supported", NULL, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, NULL },
    { "bad-request", NULL, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, NULL },
    { "range-not-satisfiable", NULL, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, NULL },
    { "unauthorised", NULL, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, NULL },
    { "forbidden", NULL, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, NULL },
    { "not-found", "product", OTA_ERROR, OTA_ERROR_NOT_FOUND, "product" },
    { "internal", NULL, G_IO_ERROR, G_IO_ERROR_FAILED, NULL },
    { "from-a-newer-server", NULL, G_IO_ERROR, G_IO_ERROR_FAILED, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = g_strdup_printf ("What the server said about %s", cases[i].code);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, cases[i].code);
      json_builder_set_member_name (b, "field");
      if (cases[i].field != NULL)
        json_builder_add_string_value (b, cases[i].field);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, message);
      json_builder_end_object (b);
      body = json_builder_get_root (b);

      error = ota_json_to_error (body);
      g_test_message ("%s", cases[i].code);
      g_assert_error (error, cases[i].domain, cases[i].error_code);
      g_assert_cmpstr (error->message, ==, message);
      if (cases[i].domain == OTA_ERROR)
        g_assert_cmpstr (ota_error_get_field (error), ==, cases[i].engine_field);
    }
}

/* ---- Query parameters ---------------------------------------------------------------- */

static void
test_queries_as_parameters (OtaTestFixture *f,
                            gconstpointer   data)
{
  const char *versions[] = { "1.0.0", "1.0.1", NULL };
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  OtaTaskQuery tasks = OTA_TASK_QUERY_INIT;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) task_params = NULL;
  g_autoptr(OtaDeviceQuery) back = NULL;
  g_autoptr(OtaTaskQuery) tasks_back = NULL;
  g_autoptr(GError) error = NULL;

  query.search = "pump";
  query.online = 0;
  query.module = "default";
  query.versions = versions;
  query.sort = OTA_DEVICE_SORT_UPDATED;
  query.descending = TRUE;
  query.offset = 200;
  query.limit = 100;
  params = ota_json_device_query_to_params (&query);
  g_assert_cmpstr (g_hash_table_lookup (params, "versions"), ==, "1.0.0,1.0.1");
  back = ota_json_device_query_from_params (params, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->product_key, ==, "p1");
  g_assert_cmpint (back->online, ==, 0);
  g_assert_cmpstrv (back->versions, versions);
  g_assert_cmpint (back->sort, ==, OTA_DEVICE_SORT_UPDATED);
  g_assert_true (back->descending);
  g_assert_cmpuint (back->offset, ==, 200);

  tasks.status = OTA_TASK_STATUS_PENDING_PUSH;
  tasks.sort = OTA_TASK_SORT_PROGRESS;
  task_params = ota_json_task_query_to_params (&tasks);
  g_assert_cmpstr (g_hash_table_lookup (task_params, "status"), ==, "pending-push");
  tasks_back = ota_json_task_query_from_params (task_params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tasks_back->status, ==, OTA_TASK_STATUS_PENDING_PUSH);
  g_assert_cmpint (tasks_back->sort, ==, OTA_TASK_SORT_PROGRESS);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/json/product/round-trip-with-both-time-forms", test_product_round_trip);
  ADD ("/json/device/round-trip", test_device_round_trip);
  ADD ("/json/batch/round-trip-with-counts-and-unset-times", test_batch_round_trip);
  ADD ("/json/task/round-trip-with-reasons", test_task_round_trip);
  ADD ("/json/batch-spec/round-trip", test_batch_spec_round_trip);
  ADD ("/json/batch-spec/time-as-iso-string", test_spec_time_as_iso_string);
  ADD ("/json/batch-spec/errors-name-the-member", test_spec_errors_name_the_member);
  ADD ("/json/error/round-trip-keeps-code-field-and-message", test_error_round_trip);
  ADD ("/json/error/http-codes-mapped-apart", test_http_errors_mapped);
  ADD ("/json/params/queries-round-trip", test_queries_as_parameters);

  return g_test_run ();
}
