/* test-mqtt-protocol.c — the device protocol's bytes: notices, firmware/get replies,
 * what devices send, and the topics (docs/device-protocol.md)
 *
 * The SDKs find members by substring, so the notice is compared byte for byte.
 */
#include <ota.h>
#include <string.h>

#include "ota-mqtt-protocol.h"

#define URL "http://127.0.0.1:8080/download/7/fw.bin?e=1767312000&s=ab12"
#define MD5 "0123456789abcdef0123456789abcdef"
#define SHA256 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static OtaUpgradeNotice
md5_notice (void)
{
  return (OtaUpgradeNotice) {
    .task_id = 3,
    .batch_id = 2,
    .firmware_id = 7,
    .product_key = (char *) "a1Prod",
    .device_name = (char *) "dev-0001",
    .module = (char *) "MCU",
    .version = (char *) "2.0.0",
    .size = 123,
    .digest = (char *) MD5,
    .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
    .try_number = 1,
    .sent_at = G_GINT64_CONSTANT (1767225600123456),
  };
}

static void
test_notice_md5_exact_bytes (void)
{
  OtaUpgradeNotice notice = md5_notice ();
  g_autofree char *payload = ota_mqtt_format_notice (&notice, URL);

  /* md5 for the 3.x SDKs, sign + signMethod "Md5" for 4.x; extData last; the id is
   * the send time in ms; no spaces. */
  g_assert_cmpstr (payload, ==,
                   "{\"code\":\"1000\",\"data\":{\"size\":123,\"version\":\"2.0.0\",\"isDiff\":0,"
                   "\"url\":\"" URL "\",\"md5\":\"" MD5 "\",\"sign\":\"" MD5 "\",\"signMethod\":\"Md5\","
                   "\"module\":\"MCU\",\"extData\":{}},\"id\":1767225600123,\"message\":\"success\"}");
}

static void
test_notice_sha256_signature_exact_bytes (void)
{
  OtaUpgradeNotice notice = md5_notice ();
  g_autofree char *payload = NULL;

  notice.sign_algorithm = OTA_SIGN_ALGORITHM_SHA256;
  notice.digest = (char *) SHA256;
  notice.is_diff = TRUE;
  notice.module = (char *) "default";
  notice.signature = (char *) "MEUCIQD+/x==";
  notice.size = G_GUINT64_CONSTANT (1048576000);
  payload = ota_mqtt_format_notice (&notice, URL);

  /* No md5 member with SHA256; the secure upgrade signature inside extData. */
  g_assert_cmpstr (payload, ==,
                   "{\"code\":\"1000\",\"data\":{\"size\":1048576000,\"version\":\"2.0.0\",\"isDiff\":1,"
                   "\"url\":\"" URL "\",\"sign\":\"" SHA256 "\",\"signMethod\":\"SHA256\","
                   "\"module\":\"default\",\"extData\":{\"signature\":\"MEUCIQD+/x==\"}},"
                   "\"id\":1767225600123,\"message\":\"success\"}");
}

static void
test_get_reply (void)
{
  OtaUpgradeNotice notice = md5_notice ();
  g_autoptr(JsonNode) id = json_node_init_string (json_node_alloc (), "42");
  g_autoptr(JsonNode) number = json_node_init_int (json_node_alloc (), 7);
  g_autofree char *with_data = ota_mqtt_format_get_reply (&notice, URL, id);
  g_autofree char *without = ota_mqtt_format_get_reply (NULL, NULL, number);
  g_autofree char *no_id = ota_mqtt_format_get_reply (NULL, NULL, NULL);

  g_assert_cmpstr (with_data, ==,
                   "{\"code\":200,\"data\":{\"size\":123,\"version\":\"2.0.0\",\"isDiff\":0,"
                   "\"url\":\"" URL "\",\"md5\":\"" MD5 "\",\"sign\":\"" MD5 "\",\"signMethod\":\"Md5\","
                   "\"module\":\"MCU\",\"extData\":{}},\"id\":\"42\",\"message\":\"success\"}");
  g_assert_cmpstr (without, ==, "{\"code\":200,\"data\":{},\"id\":7,\"message\":\"success\"}");
  g_assert_cmpstr (no_id, ==, "{\"code\":200,\"data\":{},\"message\":\"success\"}");
}

static void
parse_ok (OtaMqttTopicKind  kind,
          const char       *payload,
          OtaMqttUplink    *uplink)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ota_mqtt_parse_uplink (kind, payload, strlen (payload), uplink, &error));
  g_assert_no_error (error);
}

static void
parse_refused (OtaMqttTopicKind  kind,
               const char       *payload)
{
  g_auto(OtaMqttUplink) uplink = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (ota_mqtt_parse_uplink (kind, payload, strlen (payload), &uplink, &error));
  g_assert_nonnull (error);
}

static void
test_inform (void)
{
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    /* Link SDK 4.x: a number id and a space after the comma. */
    parse_ok (OTA_MQTT_TOPIC_INFORM, "{\"id\":1, \"params\":{\"version\":\"1.0.0\",\"module\":\"MCU\"}}", &uplink);
    g_assert_cmpstr (uplink.version, ==, "1.0.0");
    g_assert_cmpstr (uplink.module, ==, "MCU");
  }
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    /* Alibaba's documentation: a string id; the default module without a module. */
    parse_ok (OTA_MQTT_TOPIC_INFORM, "{\"id\":\"123\",\"params\":{\"version\":\"1.0.1\"}}", &uplink);
    g_assert_cmpstr (uplink.version, ==, "1.0.1");
    g_assert_null (uplink.module);
  }

  parse_refused (OTA_MQTT_TOPIC_INFORM, "{\"id\":1,\"params\":{}}");
  parse_refused (OTA_MQTT_TOPIC_INFORM, "{\"id\":1,\"params\":{\"version\":1}}");
  parse_refused (OTA_MQTT_TOPIC_INFORM, "[1,2]");
  parse_refused (OTA_MQTT_TOPIC_INFORM, "not json");
}

static void
test_progress (void)
{
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    parse_ok (OTA_MQTT_TOPIC_PROGRESS,
              "{\"id\":2, \"params\":{\"step\":\"45\",\"desc\":\"\",\"module\":\"MCU\"}}", &uplink);
    g_assert_cmpint (uplink.step, ==, 45);
    g_assert_cmpstr (uplink.description, ==, "");
    g_assert_cmpstr (uplink.module, ==, "MCU");
  }
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    /* iotkit-embedded 3.x: "step": " -2" with a description; a number works too. */
    parse_ok (OTA_MQTT_TOPIC_PROGRESS, "{\"id\":3,\"params\":{\"step\": \"-2\",\"desc\":\"no space\"}}", &uplink);
    g_assert_cmpint (uplink.step, ==, -2);
    g_assert_cmpstr (uplink.description, ==, "no space");
    g_assert_null (uplink.module);
  }
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    parse_ok (OTA_MQTT_TOPIC_PROGRESS, "{\"id\":\"4\",\"params\":{\"step\":100}}", &uplink);
    g_assert_cmpint (uplink.step, ==, 100);
  }

  parse_refused (OTA_MQTT_TOPIC_PROGRESS, "{\"id\":5,\"params\":{\"step\":\"half\"}}");
  parse_refused (OTA_MQTT_TOPIC_PROGRESS, "{\"id\":5,\"params\":{\"desc\":\"x\"}}");
  parse_refused (OTA_MQTT_TOPIC_PROGRESS, "{\"id\":5,\"step\":\"5\"}");
}

static void
test_firmware_get_and_presence (void)
{
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    parse_ok (OTA_MQTT_TOPIC_FIRMWARE_GET,
              "{\"id\":\"9\",\"version\":\"1.0\",\"params\":{\"module\":\"MCU\"},\"method\":\"thing.ota.firmware.get\"}",
              &uplink);
    g_assert_cmpstr (uplink.module, ==, "MCU");
    g_assert_cmpstr (json_node_get_string (uplink.id), ==, "9");
  }
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    parse_ok (OTA_MQTT_TOPIC_FIRMWARE_GET, "{\"id\":10,\"params\":{}}", &uplink);
    g_assert_null (uplink.module);
    g_assert_cmpint (json_node_get_int (uplink.id), ==, 10);
  }
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    parse_ok (OTA_MQTT_TOPIC_PRESENCE, "{\"state\":\"offline\",\"clientId\":\"x\"}", &uplink);
    g_assert_false (uplink.online);
  }
  {
    g_auto(OtaMqttUplink) uplink = { 0 };

    parse_ok (OTA_MQTT_TOPIC_PRESENCE, "{\"state\":\"online\",\"clientId\":\"x\"}", &uplink);
    g_assert_true (uplink.online);
  }
  parse_refused (OTA_MQTT_TOPIC_PRESENCE, "{\"state\":\"away\"}");
}

static void
assert_topic (const char       *topic,
              OtaMqttTopicKind  kind,
              const char       *product_key,
              const char       *device_name)
{
  g_autofree char *pk = NULL;
  g_autofree char *dn = NULL;

  g_assert_cmpint (ota_mqtt_parse_topic (topic, &pk, &dn), ==, kind);
  g_assert_cmpstr (pk, ==, product_key);
  g_assert_cmpstr (dn, ==, device_name);
}

static void
test_topics (void)
{
  g_autofree char *notice = ota_mqtt_notice_topic ("a1B2", "dev01");
  g_autofree char *reply = ota_mqtt_get_reply_topic ("a1B2", "dev01");

  assert_topic ("/ota/device/inform/a1B2/dev01", OTA_MQTT_TOPIC_INFORM, "a1B2", "dev01");
  assert_topic ("/ota/device/progress/a1B2/dev@01.x", OTA_MQTT_TOPIC_PROGRESS, "a1B2", "dev@01.x");
  assert_topic ("/sys/a1B2/dev01/thing/ota/firmware/get", OTA_MQTT_TOPIC_FIRMWARE_GET, "a1B2", "dev01");
  assert_topic ("$ota/presence/a1B2/dev01", OTA_MQTT_TOPIC_PRESENCE, "a1B2", "dev01");

  assert_topic ("/ota/device/inform/a1B2", OTA_MQTT_TOPIC_OTHER, NULL, NULL);
  assert_topic ("/ota/device/inform/a1B2/", OTA_MQTT_TOPIC_OTHER, NULL, NULL);
  assert_topic ("/ota/device/inform//dev01", OTA_MQTT_TOPIC_OTHER, NULL, NULL);
  assert_topic ("/ota/device/inform/a1B2/dev01/x", OTA_MQTT_TOPIC_OTHER, NULL, NULL);
  assert_topic ("/sys/a1B2/thing/ota/firmware/get", OTA_MQTT_TOPIC_OTHER, NULL, NULL);
  assert_topic ("/ota/device/upgrade/a1B2/dev01", OTA_MQTT_TOPIC_OTHER, NULL, NULL);

  /* The plugin's envelope: "$ota/downlink/{pk}/{dn}" + the device's real topic. */
  g_assert_cmpstr (notice, ==, "$ota/downlink/a1B2/dev01/ota/device/upgrade/a1B2/dev01");
  g_assert_cmpstr (reply, ==, "$ota/downlink/a1B2/dev01/sys/a1B2/dev01/thing/ota/firmware/get_reply");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mqtt-protocol/R-E4/notice-md5-exact-bytes", test_notice_md5_exact_bytes);
  g_test_add_func ("/mqtt-protocol/R-E4/notice-sha256-signature-exact-bytes", test_notice_sha256_signature_exact_bytes);
  g_test_add_func ("/mqtt-protocol/R-E4/firmware-get-reply", test_get_reply);
  g_test_add_func ("/mqtt-protocol/R-E2/inform-shapes", test_inform);
  g_test_add_func ("/mqtt-protocol/R-E3/progress-step-string-or-number", test_progress);
  g_test_add_func ("/mqtt-protocol/R-E1/firmware-get-and-presence", test_firmware_get_and_presence);
  g_test_add_func ("/mqtt-protocol/topics", test_topics);

  return g_test_run ();
}
