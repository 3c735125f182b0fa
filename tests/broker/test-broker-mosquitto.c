/* The broker plugin inside a real mosquitto: each test starts its own broker
 * on a free loopback port with the built plugin, and drives it with
 * libmosquitto clients that behave like the Alibaba device SDKs (signed
 * logins, no subscriptions) and like the OTA server (a privileged client).
 *
 * Negative checks ("X does not receive M") need no sleeping: after the
 * forbidden message the test sends an allowed one along the same path, and
 * checks that the allowed one is the first to arrive (MQTT keeps order). */
#include <signal.h>
#include <string.h>

#include "broker-test-util.h"

#define MASTER_KEY "test-master-key-0123456789"
#define SERVER_USERNAME "ota-server"
#define SERVER_PASSWORD "server-password-xyz"
#define PK "a1B2c3D4e5F"
/* The fixed timestamp the SDKs sign. */
#define SDK_TIMESTAMP "2524608000000"

#define CONNACK_ACCEPTED BROKER_TEST_CONNACK_ACCEPTED
#define SUBACK_FAILURE BROKER_TEST_SUBACK_FAILURE

typedef struct
{
  BrokerTest *broker;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->broker = broker_test_start (MASTER_KEY, SERVER_USERNAME, SERVER_PASSWORD);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  broker_test_stop (f->broker);
}

static void
expect_presence (BrokerTestClient *server,
                 const char       *device_name,
                 const char       *state,
                 const char       *client_id)
{
  g_autofree char *topic = g_strdup_printf ("$ota/presence/" PK "/%s", device_name);
  g_autofree char *payload = g_strdup_printf ("{\"state\":\"%s\",\"clientId\":\"%s\"}", state, client_id);

  broker_test_expect_message (server, topic, payload);
}

static BrokerTestClient *
server_connect (Fixture *f)
{
  g_autofree char *client_id = g_strdup_printf ("ota-server-%u", g_random_int ());
  BrokerTestClient *server;
  int connack;

  server = broker_test_connect (f->broker, client_id, SERVER_USERNAME, SERVER_PASSWORD, &connack);
  g_assert_cmpint (connack, ==, CONNACK_ACCEPTED);
  g_assert_cmpint (broker_test_subscribe (server, "/ota/device/+/+/+"), ==, 1);
  g_assert_cmpint (broker_test_subscribe (server, "/sys/+/+/thing/ota/firmware/get"), ==, 1);
  g_assert_cmpint (broker_test_subscribe (server, "$ota/presence/+/+"), ==, 1);

  return server;
}

/* The server sends @payload to a device's @real_topic through the plugin. */
static void
server_push (BrokerTestClient *server,
             const char       *device_name,
             const char       *real_topic,
             const char       *payload,
             int               qos)
{
  g_autofree char *topic = g_strdup_printf ("$ota/downlink/" PK "/%s%s", device_name, real_topic);

  broker_test_publish (server, topic, payload, qos);
}

static char *
sdk_client_id (const char *device_name,
               const char *timestamp)
{
  return broker_test_sdk_client_id (PK, device_name, timestamp);
}

static char *
sdk_password (const char *device_name,
              const char *sign_id,
              const char *timestamp)
{
  return broker_test_sdk_password (MASTER_KEY, PK, device_name, sign_id, timestamp);
}

/* Logs in like the Link SDK: client id "{pk}.{dn}|…,timestamp=…|", no subscriptions. */
static BrokerTestClient *
device_connect (Fixture    *f,
                const char *device_name,
                const char *timestamp)
{
  g_autofree char *client_id = sdk_client_id (device_name, timestamp);
  g_autofree char *sign_id = g_strdup_printf (PK ".%s", device_name);
  g_autofree char *password = sdk_password (device_name, sign_id, timestamp);
  g_autofree char *username = g_strdup_printf ("%s&" PK, device_name);
  BrokerTestClient *device;
  int connack;

  device = broker_test_connect (f->broker, client_id, username, password, &connack);
  g_assert_cmpint (connack, ==, CONNACK_ACCEPTED);
  return device;
}

#define SKIP_WITHOUT_BROKER(f) \
  G_STMT_START { if ((f)->broker == NULL) return; } G_STMT_END

/* ---- the tests ---- */

static void
test_downlink_without_subscription (Fixture       *f,
                                    gconstpointer  data)
{
  BrokerTestClient *server, *device;
  BrokerTestMessage *message;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01",
               "{\"code\":\"1000\",\"data\":{\"version\":\"2.0\"}}", 1);
  message = broker_test_pop_message (device);
  g_assert_cmpstr (message->topic, ==, "/ota/device/upgrade/" PK "/dev01");
  g_assert_cmpstr (message->payload, ==, "{\"code\":\"1000\",\"data\":{\"version\":\"2.0\"}}");
  g_assert_cmpint (message->qos, ==, 1);
  g_assert_false (message->retain);
  broker_test_message_free (message);

  /* The answer to firmware/get, at QoS 0 as given. */
  server_push (server, "dev01", "/sys/" PK "/dev01/thing/ota/firmware/get_reply", "{\"code\":200}", 0);
  message = broker_test_pop_message (device);
  g_assert_cmpstr (message->topic, ==, "/sys/" PK "/dev01/thing/ota/firmware/get_reply");
  g_assert_cmpstr (message->payload, ==, "{\"code\":200}");
  g_assert_cmpint (message->qos, ==, 0);
  broker_test_message_free (message);
}

static void
test_downlink_to_offline_device_dropped (Fixture       *f,
                                         gconstpointer  data)
{
  BrokerTestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);

  /* The broker takes it (PUBACK, the server stays connected) and drops it. */
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "while offline", 1);

  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "while online", 1);
  broker_test_expect_message (device, "/ota/device/upgrade/" PK "/dev01", "while online");
}

static void
test_login_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *client_id = sdk_client_id ("dev01", SDK_TIMESTAMP);
  g_autofree char *other_password = sdk_password ("dev02", PK ".dev02", SDK_TIMESTAMP);
  g_autofree char *good_password = sdk_password ("dev01", PK ".dev01", SDK_TIMESTAMP);
  g_autofree char *tampered = g_strdup (good_password);
  BrokerTestClient *server;
  int connack = CONNACK_ACCEPTED;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';

  broker_test_connect (f->broker, client_id, "dev01&" PK, tampered, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  /* Another device's valid password does not open this device. */
  broker_test_connect (f->broker, client_id, "dev01&" PK, other_password, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  /* A signature over another timestamp than the client id carries. */
  g_clear_pointer (&client_id, g_free);
  client_id = sdk_client_id ("dev01", "1700000000000");
  broker_test_connect (f->broker, client_id, "dev01&" PK, good_password, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  broker_test_connect (f->broker, "anonymous", NULL, NULL, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);
  broker_test_connect (f->broker, "fake-server", SERVER_USERNAME, "guess", &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);
  broker_test_connect (f->broker, "plain", "dev01", good_password, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  /* None of them was reported online: the first presence message the server
   * gets is that of the device that logs in properly now. */
  device_connect (f, "dev03", SDK_TIMESTAMP);
  g_clear_pointer (&client_id, g_free);
  client_id = sdk_client_id ("dev03", SDK_TIMESTAMP);
  expect_presence (server, "dev03", "online", client_id);
}

static void
test_login_without_timestamp (Fixture       *f,
                              gconstpointer  data)
{
  const char *client_id = "sensor-7|securemode=3,signmethod=hmacsha256|";
  g_autofree char *password = sdk_password ("dev01", "sensor-7", NULL);
  BrokerTestClient *server, *device;
  int connack;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = broker_test_connect (f->broker, client_id, "dev01&" PK, password, &connack);
  g_assert_cmpint (connack, ==, CONNACK_ACCEPTED);
  expect_presence (server, "dev01", "online", client_id);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "notice", 1);
  broker_test_expect_message (device, "/ota/device/upgrade/" PK "/dev01", "notice");
}

static void
test_uplink_reaches_server (Fixture       *f,
                            gconstpointer  data)
{
  BrokerTestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  broker_test_publish (device, "/ota/device/inform/" PK "/dev01",
                  "{\"id\":\"1\",\"params\":{\"version\":\"1.0.0\",\"module\":\"mcu\"}}", 1);
  broker_test_publish (device, "/ota/device/progress/" PK "/dev01",
                  "{\"id\":\"2\",\"params\":{\"step\":\"42\",\"desc\":\"\",\"module\":\"mcu\"}}", 1);
  broker_test_publish (device, "/sys/" PK "/dev01/thing/ota/firmware/get",
                  "{\"id\":\"3\",\"params\":{\"module\":\"mcu\"}}", 0);

  broker_test_expect_message (server, "/ota/device/inform/" PK "/dev01",
                  "{\"id\":\"1\",\"params\":{\"version\":\"1.0.0\",\"module\":\"mcu\"}}");
  broker_test_expect_message (server, "/ota/device/progress/" PK "/dev01",
                  "{\"id\":\"2\",\"params\":{\"step\":\"42\",\"desc\":\"\",\"module\":\"mcu\"}}");
  broker_test_expect_message (server, "/sys/" PK "/dev01/thing/ota/firmware/get",
                  "{\"id\":\"3\",\"params\":{\"module\":\"mcu\"}}");
}

static void
test_device_cannot_publish_for_another (Fixture       *f,
                                        gconstpointer  data)
{
  BrokerTestClient *server, *attacker, *victim;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  victim = device_connect (f, "dev02", SDK_TIMESTAMP);
  expect_presence (server, "dev02", "online", victim->client_id);
  attacker = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", attacker->client_id);

  /* A forged progress report, a forged downlink envelope, a forged presence,
   * and the victim's own downlink topic. */
  broker_test_publish (attacker, "/ota/device/progress/" PK "/dev02", "{\"params\":{\"step\":\"100\"}}", 1);
  broker_test_publish (attacker, "$ota/downlink/" PK "/dev02/ota/device/upgrade/" PK "/dev02", "forged", 1);
  broker_test_publish (attacker, "$ota/presence/" PK "/dev02", "{\"state\":\"offline\"}", 1);
  broker_test_publish (attacker, "/ota/device/upgrade/" PK "/dev02", "forged", 1);
  /* Its own topic, but retained: a later subscriber would get it replayed. */
  broker_test_publish_full (attacker, "/ota/device/inform/" PK "/dev01", "stale", 1, TRUE);

  /* The first things to arrive are the allowed ones sent after. */
  broker_test_publish (attacker, "/ota/device/inform/" PK "/dev01", "own report", 1);
  broker_test_expect_message (server, "/ota/device/inform/" PK "/dev01", "own report");
  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev02", "genuine", 1);
  broker_test_expect_message (victim, "/ota/device/upgrade/" PK "/dev02", "genuine");
}

static void
test_device_cannot_read_another (Fixture       *f,
                                 gconstpointer  data)
{
  BrokerTestClient *server, *attacker, *victim;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  victim = device_connect (f, "dev02", SDK_TIMESTAMP);
  expect_presence (server, "dev02", "online", victim->client_id);
  attacker = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", attacker->client_id);

  g_assert_cmpint (broker_test_subscribe (attacker, "/ota/device/upgrade/" PK "/dev02"), ==, SUBACK_FAILURE);
  g_assert_cmpint (broker_test_subscribe (attacker, "/ota/device/upgrade/" PK "/+"), ==, SUBACK_FAILURE);
  g_assert_cmpint (broker_test_subscribe (attacker, "/sys/" PK "/dev02/thing/ota/firmware/get_reply"), ==, SUBACK_FAILURE);
  g_assert_cmpint (broker_test_subscribe (attacker, "#"), ==, SUBACK_FAILURE);
  g_assert_cmpint (broker_test_subscribe (attacker, "$ota/presence/+/+"), ==, SUBACK_FAILURE);
  g_assert_cmpint (broker_test_subscribe (attacker, "/ota/device/inform/" PK "/dev02"), ==, SUBACK_FAILURE);
  /* Its own downlink topic it may subscribe to, though it needs not. */
  g_assert_cmpint (broker_test_subscribe (attacker, "/ota/device/upgrade/" PK "/dev01"), ==, 1);

  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev02", "for dev02", 1);
  broker_test_publish (victim, "/ota/device/inform/" PK "/dev02", "dev02 report", 1);
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "for dev01", 1);

  broker_test_expect_message (attacker, "/ota/device/upgrade/" PK "/dev01", "for dev01");
  broker_test_expect_message (victim, "/ota/device/upgrade/" PK "/dev02", "for dev02");
  broker_test_expect_message (server, "/ota/device/inform/" PK "/dev02", "dev02 report");
}

static void
test_server_rights_are_limited (Fixture       *f,
                                gconstpointer  data)
{
  BrokerTestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  g_assert_cmpint (broker_test_subscribe (server, "#"), ==, SUBACK_FAILURE);
  g_assert_cmpint (broker_test_subscribe (server, "$ota/downlink/#"), ==, SUBACK_FAILURE);
  /* Subscribed, so that a publish the broker let through would arrive. */
  g_assert_cmpint (broker_test_subscribe (device, "/ota/device/upgrade/" PK "/dev01"), ==, 1);

  /* Not on the real topic directly, and not another device's topic in a device's envelope. */
  broker_test_publish (server, "/ota/device/upgrade/" PK "/dev01", "direct", 1);
  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev01", "wrong envelope", 1);
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "right envelope", 1);
  broker_test_expect_message (device, "/ota/device/upgrade/" PK "/dev01", "right envelope");
}

static void
test_presence_online_offline (Fixture       *f,
                              gconstpointer  data)
{
  BrokerTestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);

  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);
  broker_test_disconnect (device);
  expect_presence (server, "dev01", "offline", device->client_id);

  /* And online again with a new connection. */
  device = device_connect (f, "dev01", "1700000000000");
  expect_presence (server, "dev01", "online", device->client_id);
}

static void
test_presence_retained_for_late_server (Fixture       *f,
                                        gconstpointer  data)
{
  BrokerTestClient *server, *device;
  BrokerTestMessage *message;

  SKIP_WITHOUT_BROKER (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);

  /* A server that (re)subscribes later learns the state it missed. */
  server = server_connect (f);
  message = broker_test_pop_message (server);
  g_assert_cmpstr (message->topic, ==, "$ota/presence/" PK "/dev01");
  g_assert_true (message->retain);
  g_assert_nonnull (strstr (message->payload, "\"state\":\"online\""));
  broker_test_message_free (message);

  broker_test_disconnect (device);
  expect_presence (server, "dev01", "offline", device->client_id);
}

static void
test_takeover_new_client_id (Fixture       *f,
                             gconstpointer  data)
{
  BrokerTestClient *server, *old, *current;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  old = device_connect (f, "dev01", "1700000000000");
  expect_presence (server, "dev01", "online", old->client_id);

  /* The device reconnects under a new client id before the broker noticed
   * that the old connection is gone: the old one is closed, silently. */
  current = device_connect (f, "dev01", "1700000000001");
  expect_presence (server, "dev01", "online", current->client_id);
  g_assert_cmpint (broker_test_wait_closed (old), !=, 0);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "to the new connection", 1);
  broker_test_expect_message (current, "/ota/device/upgrade/" PK "/dev01", "to the new connection");

  /* The next presence message is the current connection's offline: none came for the old one. */
  broker_test_disconnect (current);
  expect_presence (server, "dev01", "offline", current->client_id);
  g_assert_cmpint (g_async_queue_length (old->messages), ==, 0);
}

static void
test_takeover_same_client_id (Fixture       *f,
                              gconstpointer  data)
{
  BrokerTestClient *server, *old, *current;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  /* The SDKs sign a fixed timestamp, so a reconnect reuses the client id. */
  old = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", old->client_id);

  current = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", current->client_id);
  g_assert_cmpint (broker_test_wait_closed (old), !=, 0);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "still delivered", 1);
  broker_test_expect_message (current, "/ota/device/upgrade/" PK "/dev01", "still delivered");

  broker_test_disconnect (current);
  expect_presence (server, "dev01", "offline", current->client_id);
}

static void
test_client_id_of_another_device_refused (Fixture       *f,
                                          gconstpointer  data)
{
  g_autofree char *password = sdk_password ("dev02", PK ".dev01", SDK_TIMESTAMP);
  BrokerTestClient *server, *owner;
  int connack = CONNACK_ACCEPTED;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  owner = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", owner->client_id);

  /* dev02 signs correctly, but with dev01's client id it would push dev01 off. */
  broker_test_connect (f->broker, owner->client_id, "dev02&" PK, password, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "owner still here", 1);
  broker_test_expect_message (owner, "/ota/device/upgrade/" PK "/dev01", "owner still here");
  g_assert_cmpint (g_async_queue_length (owner->disconnects), ==, 0);
}

static void
test_sighup_rechecks_connections (Fixture       *f,
                                  gconstpointer  data)
{
  BrokerTestClient *server;
  int connack = CONNACK_ACCEPTED;
  int attempts = 0;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);

  broker_test_write_file (f->broker, "server-password", "rotated-password\n");
  broker_test_signal (f->broker, SIGHUP);

  /* The broker reloads at its next loop turn; each refused login is a round
   * trip, so a few attempts are plenty and none needs a sleep. */
  do
    broker_test_connect (f->broker, "ota-server-rotated", SERVER_USERNAME, "rotated-password", &connack);
  while (connack != CONNACK_ACCEPTED && ++attempts < 50);
  g_assert_cmpint (connack, ==, CONNACK_ACCEPTED);

  broker_test_connect (f->broker, "ota-server-old", SERVER_USERNAME, SERVER_PASSWORD, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  /* mosquitto checked the open connection against the new password, and closed it. */
  g_assert_cmpint (broker_test_wait_closed (server), !=, 0);
}

static void
test_sighup_no_duplicate_presence (Fixture       *f,
                                   gconstpointer  data)
{
  BrokerTestClient *server, *device, *late;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  /* Same files: every connection passes the new check, and stays. kill()
   * makes the signal pending at once and mosquitto reloads at the start of
   * its next loop turn, so after these two round trips it has reloaded. */
  broker_test_signal (f->broker, SIGHUP);
  late = device_connect (f, "dev02", SDK_TIMESTAMP);
  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev02", "after reload", 1);
  broker_test_expect_message (late, "/ota/device/upgrade/" PK "/dev02", "after reload");

  /* No second "online" for dev01 in between. */
  broker_test_disconnect (device);
  expect_presence (server, "dev02", "online", late->client_id);
  expect_presence (server, "dev01", "offline", device->client_id);
}

static void
add_broker_test (const char *path,
                 void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  mosquitto_lib_init ();

  add_broker_test ("/broker/R-E4/downlink-reaches-device-without-subscription", test_downlink_without_subscription);
  add_broker_test ("/broker/R-E4/downlink-to-offline-device-dropped", test_downlink_to_offline_device_dropped);
  add_broker_test ("/broker/auth/bad-logins-refused", test_login_refused);
  add_broker_test ("/broker/auth/securemode-3-without-timestamp", test_login_without_timestamp);
  add_broker_test ("/broker/auth/sighup-rechecks-connections", test_sighup_rechecks_connections);
  add_broker_test ("/broker/R-E2/R-E3/uplink-reaches-server", test_uplink_reaches_server);
  add_broker_test ("/broker/acl/device-cannot-publish-for-another-device", test_device_cannot_publish_for_another);
  add_broker_test ("/broker/acl/device-cannot-read-another-device", test_device_cannot_read_another);
  add_broker_test ("/broker/acl/server-rights-limited", test_server_rights_are_limited);
  add_broker_test ("/broker/acl/client-id-of-another-device-refused", test_client_id_of_another_device_refused);
  add_broker_test ("/broker/R-E1/presence-online-offline", test_presence_online_offline);
  add_broker_test ("/broker/R-E1/presence-retained-for-late-server", test_presence_retained_for_late_server);
  add_broker_test ("/broker/R-E1/takeover-new-client-id-no-offline", test_takeover_new_client_id);
  add_broker_test ("/broker/R-E1/takeover-same-client-id-no-offline", test_takeover_same_client_id);
  add_broker_test ("/broker/R-E1/sighup-no-duplicate-presence", test_sighup_no_duplicate_presence);

  rc = g_test_run ();
  mosquitto_lib_cleanup ();
  return rc;
}
