/* mqtt-test-util.c — broker + server + bridge + SDK-like devices in one process */
#include <json-glib/json-glib.h>
#include <string.h>

#include "mqtt-test-util.h"
#include "ota-server-private.h"

#define SDK_TIMESTAMP "2524608000000"
#define URL_LIFETIME G_TIME_SPAN_DAY

gboolean
mqtt_test_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The same URL the server makes (ota-server-mqtt.c does this in ota-server). */
static char *
make_url (const OtaUpgradeNotice *notice,
          gpointer                user_data)
{
  MqttFixture *f = user_data;

  g_assert_cmpint (notice->firmware_id, ==, ota_firmware_get_id (f->firmware));
  return ota_server_make_download_url (f->s.server, f->firmware, "127.0.0.1",
                                       ota_server_get_port (f->s.server), URL_LIFETIME);
}

static void
on_events_applied (OtaMqttBridge *bridge,
                   MqttFixture   *f)
{
  ota_server_scheduler_rearm (f->s.server);
}

static void
add_firmware (MqttFixture *f)
{
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (MQTT_TEST_FIRMWARE_SIZE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  const char *sources[] = { "1.0.0", NULL };
  OtaFirmwareSpec spec = {
    .product_key = MQTT_TEST_PRODUCT,
    .name = "fw-2",
    .type = OTA_FIRMWARE_TYPE_FULL,
    .version = "2.0.0",
    .source_versions = sources,
    .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
  };

  for (guint i = 0; i < MQTT_TEST_FIRMWARE_SIZE; i++)
    {
      guint8 byte = (guint8) ((i * 2654435761u) >> 13);
      g_byte_array_append (bytes, &byte, 1);
    }
  f->firmware_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  path = ota_test_write_file (&f->s.base, "fw-2.bin", g_bytes_get_data (f->firmware_bytes, NULL),
                              g_bytes_get_size (f->firmware_bytes));
  file = g_file_new_for_path (path);
  f->firmware = ota_engine_add_firmware (f->s.base.engine, &spec, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
all_offline (MqttFixture *f)
{
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%04u", i);
      g_autoptr(OtaDevice) device = mqtt_test_get_device (f, name);

      if (ota_device_get_online (device))
        return FALSE;
    }
  return TRUE;
}

void
mqtt_fixture_setup (MqttFixture   *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = NULL;

  server_fixture_setup (&f->s, data);
  f->broker = broker_test_start (MQTT_TEST_MASTER_KEY, "ota-server", MQTT_TEST_PASSWORD);
  if (f->broker == NULL)
    return;

  product = ota_test_add_product (f->s.base.engine, MQTT_TEST_PRODUCT, OTA_PROJECT_TYPE_OWN_BRAND,
                                  OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%04u", i);
      g_autoptr(OtaDevice) device = ota_test_add_device (f->s.base.engine, MQTT_TEST_PRODUCT, name, "1.0.0");
    }
  add_firmware (f);

  f->bridge = ota_mqtt_bridge_new (f->s.base.engine, "127.0.0.1", (guint16) f->broker->port,
                                   "ota-server", MQTT_TEST_PASSWORD);
  ota_mqtt_bridge_set_url_func (f->bridge, make_url, f, NULL);
  g_signal_connect (f->bridge, "events-applied", G_CALLBACK (on_events_applied), f);
  ota_mqtt_bridge_start (f->bridge, &error);
  g_assert_no_error (error);

  /* Devices were added online; the bridge's first login sets them offline until the
   * broker's presence says otherwise. */
  MQTT_TEST_WAIT_FOR (ota_mqtt_bridge_get_connected (f->bridge) && all_offline (f), "the bridge to log in");
}

void
mqtt_fixture_teardown (MqttFixture   *f,
                       gconstpointer  data)
{
  if (f->bridge != NULL)
    {
      ota_mqtt_bridge_stop (f->bridge);
      g_clear_object (&f->bridge);
    }
  broker_test_stop (f->broker);
  g_clear_object (&f->firmware);
  g_clear_pointer (&f->firmware_bytes, g_bytes_unref);
  server_fixture_teardown (&f->s, data);
}

BrokerTestClient *
mqtt_test_device (MqttFixture *f,
                  const char  *name)
{
  g_autofree char *client_id = broker_test_sdk_client_id (MQTT_TEST_PRODUCT, name, SDK_TIMESTAMP);
  g_autofree char *sign_id = g_strdup_printf ("%s.%s", MQTT_TEST_PRODUCT, name);
  g_autofree char *password = broker_test_sdk_password (MQTT_TEST_MASTER_KEY, MQTT_TEST_PRODUCT, name,
                                                        sign_id, SDK_TIMESTAMP);
  g_autofree char *username = g_strdup_printf ("%s&%s", name, MQTT_TEST_PRODUCT);
  int connack = -1;
  BrokerTestClient *device = broker_test_connect (f->broker, client_id, username, password, &connack);

  g_assert_cmpint (connack, ==, BROKER_TEST_CONNACK_ACCEPTED);
  return device;
}

void
mqtt_test_inform (BrokerTestClient *device,
                  const char       *name,
                  const char       *version)
{
  g_autofree char *topic = g_strdup_printf ("/ota/device/inform/%s/%s", MQTT_TEST_PRODUCT, name);
  g_autofree char *payload = g_strdup_printf ("{\"id\":1, \"params\":{\"version\":\"%s\"}}", version);

  broker_test_publish (device, topic, payload, 0);
}

void
mqtt_test_progress (BrokerTestClient *device,
                    const char       *name,
                    const char       *step,
                    const char       *description)
{
  g_autofree char *topic = g_strdup_printf ("/ota/device/progress/%s/%s", MQTT_TEST_PRODUCT, name);
  g_autofree char *payload =
    g_strdup_printf ("{\"id\":2, \"params\":{\"step\":\"%s\",\"desc\":\"%s\",\"module\":\"default\"}}",
                     step, description);

  broker_test_publish (device, topic, payload, 0);
}

BrokerTestMessage *
mqtt_test_next_message (BrokerTestClient *device)
{
  BrokerTestMessage *message = NULL;

  MQTT_TEST_WAIT_FOR ((message = g_async_queue_try_pop (device->messages)) != NULL, "a message to the device");
  return message;
}

OtaDevice *
mqtt_test_get_device (MqttFixture *f,
                      const char  *name)
{
  g_autoptr(GError) error = NULL;
  OtaDevice *device = ota_engine_get_device (f->s.base.engine, MQTT_TEST_PRODUCT, name, &error);

  g_assert_no_error (error);
  return device;
}

OtaTask *
mqtt_test_get_task (MqttFixture *f,
                    gint64       batch_id,
                    const char  *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  guint64 total = 0;

  query.search = name;
  tasks = ota_engine_query_tasks (f->s.base.engine, batch_id, &query, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 1);
  return g_object_ref (g_ptr_array_index (tasks, 0));
}

static gboolean
device_online_is (MqttFixture *f,
                  const char  *name,
                  gboolean     online)
{
  g_autoptr(OtaDevice) device = mqtt_test_get_device (f, name);

  return ota_device_get_online (device) == online;
}

void
mqtt_test_wait_online (MqttFixture *f,
                       const char  *name,
                       gboolean     online)
{
  MQTT_TEST_WAIT_FOR (device_online_is (f, name, online), online ? "the device online" : "the device offline");
}

char *
mqtt_test_expected_notice (MqttFixture *f)
{
  g_autofree char *url = ota_server_make_download_url (f->s.server, f->firmware, "127.0.0.1",
                                                       ota_server_get_port (f->s.server), URL_LIFETIME);
  const char *md5 = ota_firmware_get_digest (f->firmware);
  gint64 now_ms = ota_clock_get_now (ota_engine_get_clock (f->s.base.engine)) / 1000;

  return g_strdup_printf ("{\"code\":\"1000\",\"data\":{\"size\":%u,\"version\":\"2.0.0\",\"isDiff\":0,"
                          "\"url\":\"%s\",\"md5\":\"%s\",\"sign\":\"%s\",\"signMethod\":\"Md5\","
                          "\"module\":\"default\",\"extData\":{}},\"id\":%" G_GINT64_FORMAT ","
                          "\"message\":\"success\"}",
                          MQTT_TEST_FIRMWARE_SIZE, url, md5, md5, now_ms);
}

char *
mqtt_test_notice_url (const char *payload)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *data;

  json_parser_load_from_data (parser, payload, -1, &error);
  g_assert_no_error (error);
  data = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "data");
  return g_strdup (json_object_get_string_member (data, "url"));
}

typedef struct {
  GInputStream *stream;
  GBytes       *chunk;
  GError       *error;
  gboolean      done;
} Pending;

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  Pending *p = user_data;

  p->stream = soup_session_send_finish (SOUP_SESSION (source), result, &p->error);
  p->done = TRUE;
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *p = user_data;

  p->chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &p->error);
  p->done = TRUE;
}

GBytes *
mqtt_test_download (MqttFixture         *f,
                    const char          *url,
                    guint64              from,
                    gsize                max,
                    guint               *status,
                    SoupMessageHeaders **headers)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autofree char *range = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", from);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GInputStream) stream = NULL;
  Pending p = { 0 };

  g_assert_nonnull (msg);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Range", range);
  soup_session_send_async (f->s.session, msg, G_PRIORITY_DEFAULT, NULL, sent, &p);
  MQTT_TEST_WAIT_FOR (p.done, "the download's headers");
  g_assert_no_error (p.error);
  stream = p.stream;

  *status = soup_message_get_status (msg);
  if (headers != NULL)
    *headers = g_boxed_copy (SOUP_TYPE_MESSAGE_HEADERS, soup_message_get_response_headers (msg));

  /* Read like a device: chunk by chunk, stopping at @max (the cut). */
  while (body->len < max)
    {
      g_autoptr(GBytes) chunk = NULL;

      p = (Pending) { 0 };
      g_input_stream_read_bytes_async (stream, MIN (max - body->len, 8192), G_PRIORITY_DEFAULT, NULL,
                                       read_done, &p);
      MQTT_TEST_WAIT_FOR (p.done, "download bytes");
      g_assert_no_error (p.error);
      chunk = p.chunk;
      if (g_bytes_get_size (chunk) == 0)
        break;
      g_byte_array_append (body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}
