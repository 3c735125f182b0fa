/* test-device-protocol.c — the device side end to end: mosquitto with the OTA plugin,
 * the server (HTTP + MQTT bridge) on a manual clock, and devices that behave like the
 * Alibaba SDKs (R-E1..R-E5, R-R2)
 */
#include <string.h>

#include "mqtt-test-util.h"

#define NOTICE_TOPIC(dn) "/ota/device/upgrade/" MQTT_TEST_PRODUCT "/" dn
#define GET_TOPIC(dn) "/sys/" MQTT_TEST_PRODUCT "/" dn "/thing/ota/firmware/get"

static OtaFirmwareStatus
firmware_status (MqttFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) firmware = ota_engine_get_firmware (f->s.base.engine, ota_firmware_get_id (f->firmware),
                                                             &error);

  g_assert_no_error (error);
  return ota_firmware_get_status (firmware);
}

static gboolean
task_is (MqttFixture   *f,
         gint64         batch_id,
         const char    *name,
         OtaTaskStatus  status)
{
  g_autoptr(OtaTask) task = mqtt_test_get_task (f, batch_id, name);

  return ota_task_get_status (task) == status;
}

static gboolean
retry_pending (MqttFixture *f,
               gint64       batch_id,
               const char  *name)
{
  g_autoptr(OtaTask) task = mqtt_test_get_task (f, batch_id, name);

  return ota_task_get_retry_pending (task);
}

static guint
task_progress (MqttFixture *f,
               gint64       batch_id,
               const char  *name)
{
  g_autoptr(OtaTask) task = mqtt_test_get_task (f, batch_id, name);

  return ota_task_get_progress (task);
}

static guint64
messages_received (MqttFixture *f)
{
  OtaMqttBridgeStats stats;

  ota_mqtt_bridge_get_stats (f->bridge, &stats);
  return stats.messages;
}

/* A device that logs in, reports its version, and is seen online. */
static BrokerTestClient *
online_device (MqttFixture *f,
               const char  *name)
{
  BrokerTestClient *device = mqtt_test_device (f, name);

  mqtt_test_inform (device, name, "1.0.0");
  mqtt_test_wait_online (f, name, TRUE);
  return device;
}

static void
expect_notice (MqttFixture      *f,
               BrokerTestClient *device,
               const char       *topic)
{
  g_autoptr(BrokerTestMessage) message = mqtt_test_next_message (device);
  g_autofree char *expected = mqtt_test_expected_notice (f);

  g_assert_cmpstr (message->topic, ==, topic);
  g_assert_cmpstr (message->payload, ==, expected);
}

/* R-V: the firmware verified on dev-0004 through the protocol, without checks. */
static void
verify_firmware (MqttFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(BrokerTestMessage) notice = NULL;
  const char *sources[] = { "1.0.0", NULL };
  const char *devices[] = { "dev-0004", NULL };
  OtaVerifySpec spec = {
    .firmware_id = ota_firmware_get_id (f->firmware),
    .source_versions = sources,
    .devices = devices,
    .timeout_minutes = 60,
  };
  BrokerTestClient *device = online_device (f, "dev-0004");

  verification = ota_engine_start_verification (f->s.base.engine, &spec, &error);
  g_assert_no_error (error);
  notice = mqtt_test_next_message (device);
  mqtt_test_progress (device, "dev-0004", "100", "");
  mqtt_test_inform (device, "dev-0004", "2.0.0");
  MQTT_TEST_WAIT_FOR (firmware_status (f) == OTA_FIRMWARE_STATUS_VERIFIED, "the firmware verified");
}

static gint64
start_batch (MqttFixture      *f,
             const char       *name,
             OtaRetryInterval  retry_interval)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  const char *sources[] = { "1.0.0", NULL };
  const char *devices[] = { name, NULL };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  spec.firmware_id = ota_firmware_get_id (f->firmware);
  spec.scope = OTA_BATCH_SCOPE_TARGETED;
  spec.source_versions = sources;   /* named: retries allowed (R-R1) */
  spec.devices = devices;
  spec.retry_interval = retry_interval;
  spec.retry_limit = 1;
  batch = ota_engine_create_batch (f->s.base.engine, &spec, &error);
  g_assert_no_error (error);
  return ota_batch_get_id (batch);
}

static void
test_verified_and_rolled_out (MqttFixture   *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(BrokerTestMessage) notice = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree char *expected = NULL;
  g_autofree char *url = NULL;
  g_autofree char *content_range = NULL;
  const char *sources[] = { "1.0.0", NULL };
  const char *devices[] = { "dev-0004", NULL };
  OtaVerifySpec spec = {
    .firmware_id = ota_firmware_get_id (f->firmware),
    .source_versions = sources,
    .devices = devices,
    .timeout_minutes = 60,
  };
  const guint8 *file;
  BrokerTestClient *device;
  guint status = 0;
  gint64 batch_id;

  if (f->broker == NULL)
    return;

  /* R-E1, R-E2: derived credentials, a version report, online. */
  device = online_device (f, "dev-0004");
  verification = ota_engine_start_verification (f->s.base.engine, &spec, &error);
  g_assert_no_error (error);

  /* R-E4: the exact compact notice, without a subscription. */
  notice = mqtt_test_next_message (device);
  expected = mqtt_test_expected_notice (f);
  g_assert_cmpstr (notice->topic, ==, NOTICE_TOPIC ("dev-0004"));
  g_assert_cmpstr (notice->payload, ==, expected);
  g_assert_nonnull (strstr (notice->payload, "\"size\":70001,"));
  g_assert_null (strchr (notice->payload, ' '));

  /* The download, cut after 1000 bytes and resumed with Range as the SDK does. */
  url = mqtt_test_notice_url (notice->payload);
  file = g_bytes_get_data (f->firmware_bytes, NULL);
  head = mqtt_test_download (f, url, 0, 1000, &status, NULL);
  g_assert_true (status == SOUP_STATUS_OK || status == SOUP_STATUS_PARTIAL_CONTENT);
  g_assert_cmpmem (g_bytes_get_data (head, NULL), g_bytes_get_size (head), file, 1000);
  mqtt_test_progress (device, "dev-0004", "0", "");

  rest = mqtt_test_download (f, url, 1000, G_MAXSIZE, &status, &headers);
  g_assert_cmpuint (status, ==, SOUP_STATUS_PARTIAL_CONTENT);
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, MQTT_TEST_FIRMWARE_SIZE - 1000);
  content_range = g_strdup (soup_message_headers_get_one (headers, "Content-Range"));
  g_assert_cmpstr (content_range, ==, "bytes 1000-70000/70001");
  g_assert_cmpmem (g_bytes_get_data (rest, NULL), g_bytes_get_size (rest), file + 1000,
                   MQTT_TEST_FIRMWARE_SIZE - 1000);
  g_checksum_update (md5, g_bytes_get_data (head, NULL), g_bytes_get_size (head));
  g_checksum_update (md5, g_bytes_get_data (rest, NULL), g_bytes_get_size (rest));
  g_assert_cmpstr (g_checksum_get_string (md5), ==, ota_firmware_get_digest (f->firmware));

  /* R-E3 string steps, then R-E2 the new version: succeeded (R-S5), verified (R-V4). */
  mqtt_test_progress (device, "dev-0004", "50", "");
  mqtt_test_progress (device, "dev-0004", "100", "");
  mqtt_test_inform (device, "dev-0004", "2.0.0");
  MQTT_TEST_WAIT_FOR (task_is (f, ota_batch_get_id (verification), "dev-0004", OTA_TASK_STATUS_SUCCEEDED),
                      "the verification task to succeed");
  MQTT_TEST_WAIT_FOR (firmware_status (f) == OTA_FIRMWARE_STATUS_VERIFIED, "the firmware verified");

  /* Rolled out: a batch upgrade of dev-0001 through the same protocol. */
  device = online_device (f, "dev-0001");
  batch_id = start_batch (f, "dev-0001", OTA_RETRY_INTERVAL_NONE);
  expect_notice (f, device, NOTICE_TOPIC ("dev-0001"));
  mqtt_test_progress (device, "dev-0001", "100", "");
  mqtt_test_inform (device, "dev-0001", "2.0.0");
  MQTT_TEST_WAIT_FOR (task_is (f, batch_id, "dev-0001", OTA_TASK_STATUS_SUCCEEDED), "the batch task to succeed");
}

static void
test_download_failed_retried (MqttFixture   *f,
                              gconstpointer  data)
{
  g_autoptr(OtaTask) task = NULL;
  BrokerTestClient *device;
  gint64 batch_id;

  if (f->broker == NULL)
    return;

  verify_firmware (f);
  device = online_device (f, "dev-0001");
  batch_id = start_batch (f, "dev-0001", OTA_RETRY_INTERVAL_10_MINUTES);
  expect_notice (f, device, NOTICE_TOPIC ("dev-0001"));

  /* -2: a retry waits 10 minutes; the task stays pushed meanwhile (R-R4). */
  mqtt_test_progress (device, "dev-0001", "-2", "no space");
  MQTT_TEST_WAIT_FOR (retry_pending (f, batch_id, "dev-0001"), "the retry to be pending");

  /* The engine's clock moves 10 minutes: the server pushes the notice again. */
  ota_manual_clock_advance (f->s.base.clock, 10 * G_TIME_SPAN_MINUTE);
  expect_notice (f, device, NOTICE_TOPIC ("dev-0001"));

  /* The same error again: the retry limit (1) is used up (R-R5). */
  mqtt_test_progress (device, "dev-0001", "-2", "no space");
  MQTT_TEST_WAIT_FOR (task_is (f, batch_id, "dev-0001", OTA_TASK_STATUS_FAILED), "the task to fail");
  task = mqtt_test_get_task (f, batch_id, "dev-0001");
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpint (ota_task_get_error_code (task), ==, -2);
  g_assert_cmpstr (ota_task_get_detail (task), ==, "no space");
  g_assert_cmpuint (ota_task_get_tries (task), ==, 2);
}

static void
test_reconnect_resends_notice (MqttFixture   *f,
                               gconstpointer  data)
{
  g_autoptr(BrokerTestMessage) first = NULL;
  g_autoptr(BrokerTestMessage) again = NULL;
  g_autoptr(OtaTask) task = NULL;
  OtaMqttBridgeStats stats;
  BrokerTestClient *device;
  gint64 batch_id;

  if (f->broker == NULL)
    return;

  verify_firmware (f);
  device = online_device (f, "dev-0001");
  batch_id = start_batch (f, "dev-0001", OTA_RETRY_INTERVAL_NONE);
  first = mqtt_test_next_message (device);

  /* Gone before it reported progress; the SDK asks for nothing when it is back. */
  broker_test_disconnect (device);
  mqtt_test_wait_online (f, "dev-0001", FALSE);
  device = mqtt_test_device (f, "dev-0001");

  again = mqtt_test_next_message (device);
  g_assert_cmpstr (again->topic, ==, NOTICE_TOPIC ("dev-0001"));
  g_assert_cmpstr (again->payload, ==, first->payload);
  ota_mqtt_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.resent, ==, 1);

  /* Sent again is not a new try (R-R5 counts tries). */
  task = mqtt_test_get_task (f, batch_id, "dev-0001");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_cmpuint (ota_task_get_tries (task), ==, 1);
}

static void
test_reconnect_while_downloading (MqttFixture   *f,
                                  gconstpointer  data)
{
  g_autoptr(BrokerTestMessage) notice = NULL;
  g_autoptr(BrokerTestMessage) reply = NULL;
  g_autofree char *url = NULL;
  OtaMqttBridgeStats stats;
  BrokerTestClient *device;
  gint64 batch_id;

  if (f->broker == NULL)
    return;

  verify_firmware (f);
  device = online_device (f, "dev-0001");
  batch_id = start_batch (f, "dev-0001", OTA_RETRY_INTERVAL_NONE);
  notice = mqtt_test_next_message (device);
  mqtt_test_progress (device, "dev-0001", "30", "");
  MQTT_TEST_WAIT_FOR (task_is (f, batch_id, "dev-0001", OTA_TASK_STATUS_UPGRADING), "the task upgrading");

  broker_test_disconnect (device);
  mqtt_test_wait_online (f, "dev-0001", FALSE);
  device = mqtt_test_device (f, "dev-0001");
  mqtt_test_wait_online (f, "dev-0001", TRUE);

  /* Its download runs: no notice again. firmware/get still answers with it, and the
   * answer is the first thing the device receives. */
  broker_test_publish (device, GET_TOPIC ("dev-0001"), "{\"id\":\"7\",\"params\":{\"module\":\"default\"}}", 0);
  reply = mqtt_test_next_message (device);
  g_assert_cmpstr (reply->topic, ==, GET_TOPIC ("dev-0001") "_reply");
  url = mqtt_test_notice_url (notice->payload);
  g_assert_true (g_str_has_prefix (reply->payload, "{\"code\":200,\"data\":{\"size\":70001,\"version\":\"2.0.0\","));
  g_assert_nonnull (strstr (reply->payload, url));
  g_assert_true (g_str_has_suffix (reply->payload, "\"extData\":{}},\"id\":\"7\",\"message\":\"success\"}"));
  ota_mqtt_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.resent, ==, 0);
}

static void
test_progress_flood_deduplicated (MqttFixture   *f,
                                  gconstpointer  data)
{
  g_autoptr(BrokerTestMessage) notice = NULL;
  OtaMqttBridgeStats before, after;
  BrokerTestClient *device;
  gint64 batch_id;

  if (f->broker == NULL)
    return;

  verify_firmware (f);
  device = online_device (f, "dev-0001");
  batch_id = start_batch (f, "dev-0001", OTA_RETRY_INTERVAL_NONE);
  notice = mqtt_test_next_message (device);

  /* A device that cannot download repeats step "0"; then a different step. */
  ota_mqtt_bridge_get_stats (f->bridge, &before);
  for (guint i = 0; i < 500; i++)
    mqtt_test_progress (device, "dev-0001", "0", "");
  mqtt_test_progress (device, "dev-0001", "1", "");
  MQTT_TEST_WAIT_FOR (task_progress (f, batch_id, "dev-0001") == 1, "the progress to reach 1");

  /* The group's numbers are counted once its worker is back. */
  ota_mqtt_bridge_flush (f->bridge);
  ota_mqtt_bridge_get_stats (f->bridge, &after);
  g_assert_cmpuint (after.messages - before.messages, ==, 501);
  g_assert_cmpuint (after.duplicates - before.duplicates, ==, 499);
  /* The engine saw one "0" and the "1". */
  g_assert_cmpuint (after.events - before.events, ==, 2);
}

static void
test_wrong_password_refused (MqttFixture   *f,
                             gconstpointer  data)
{
  g_autofree char *client_id = NULL;
  int connack = -1;

  if (f->broker == NULL)
    return;

  client_id = broker_test_sdk_client_id (MQTT_TEST_PRODUCT, "dev-0001", "2524608000000");
  broker_test_connect (f->broker, client_id, "dev-0001&" MQTT_TEST_PRODUCT,
                       "0000000000000000000000000000000000000000000000000000000000000000", &connack);
  g_assert_cmpint (connack, !=, BROKER_TEST_CONNACK_ACCEPTED);
}

static void
test_no_publishing_for_another_device (MqttFixture   *f,
                                       gconstpointer  data)
{
  g_autoptr(OtaDevice) other = NULL;
  OtaMqttBridgeStats before, after;
  BrokerTestClient *device;

  if (f->broker == NULL)
    return;

  device = online_device (f, "dev-0001");
  ota_mqtt_bridge_get_stats (f->bridge, &before);

  /* Denied by the broker; the device's own report after it is the marker. */
  broker_test_publish (device, "/ota/device/inform/" MQTT_TEST_PRODUCT "/dev-0002",
                       "{\"id\":1,\"params\":{\"version\":\"9.9.9\"}}", 1);
  mqtt_test_inform (device, "dev-0001", "1.0.0");
  MQTT_TEST_WAIT_FOR (messages_received (f) > before.messages, "the device's own report");
  ota_mqtt_bridge_flush (f->bridge);
  ota_mqtt_bridge_get_stats (f->bridge, &after);

  g_assert_cmpuint (after.messages - before.messages, ==, 1);
  other = mqtt_test_get_device (f, "dev-0002");
  g_assert_cmpstr (ota_device_get_version (other, "default"), ==, "1.0.0");
}

static void
test_firmware_get_without_task (MqttFixture   *f,
                                gconstpointer  data)
{
  g_autoptr(BrokerTestMessage) reply = NULL;
  BrokerTestClient *device;

  if (f->broker == NULL)
    return;

  device = online_device (f, "dev-0003");
  broker_test_publish (device, GET_TOPIC ("dev-0003"), "{\"id\":\"8\",\"params\":{}}", 0);
  reply = mqtt_test_next_message (device);
  g_assert_cmpstr (reply->topic, ==, GET_TOPIC ("dev-0003") "_reply");
  g_assert_cmpstr (reply->payload, ==, "{\"code\":200,\"data\":{},\"id\":\"8\",\"message\":\"success\"}");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/device-protocol/" path, MqttFixture, NULL, mqtt_fixture_setup, func, mqtt_fixture_teardown)

  ADD ("R-E4/verified-and-rolled-out-with-resumed-download", test_verified_and_rolled_out);
  ADD ("R-R2/download-failed-is-retried-then-fails", test_download_failed_retried);
  ADD ("R-E4/reconnect-before-progress-resends-notice", test_reconnect_resends_notice);
  ADD ("R-E4/reconnect-while-downloading-resends-nothing", test_reconnect_while_downloading);
  ADD ("R-E3/identical-progress-flood-deduplicated", test_progress_flood_deduplicated);
  ADD ("R-E1/wrong-password-refused", test_wrong_password_refused);
  ADD ("R-E2/no-publishing-for-another-device", test_no_publishing_for_another_device);
  ADD ("R-E4/firmware-get-without-task", test_firmware_get_without_task);

#undef ADD
  return g_test_run ();
}
