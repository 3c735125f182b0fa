/* The broker plugin inside a real mosquitto: each test starts its own broker
 * on a free loopback port with the built plugin, and drives it with
 * libmosquitto clients that behave like the Alibaba device SDKs (signed
 * logins, no subscriptions) and like the OTA server (a privileged client).
 *
 * Negative checks ("X does not receive M") need no sleeping: after the
 * forbidden message the test sends an allowed one along the same path, and
 * checks that the allowed one is the first to arrive (MQTT keeps order). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <mosquitto.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "ota-device-secret.h"

#define MASTER_KEY "test-master-key-0123456789"
#define SERVER_USERNAME "ota-server"
#define SERVER_PASSWORD "server-password-xyz"
#define PK "a1B2c3D4e5F"
#define SDK_TIMESTAMP "2524608000000"

/* Upper bound of every wait for the broker; normally a few milliseconds. */
#define WAIT_USEC (10 * G_USEC_PER_SEC)

/* CONNACK codes of MQTT 3.1.1 (what the SDKs speak). */
#define CONNACK_ACCEPTED 0
#define SUBACK_FAILURE 0x80

typedef struct
{
  char *topic;
  char *payload;
  int qos;
  gboolean retain;
} Message;

typedef struct
{
  struct mosquitto *mosq;
  char *client_id;
  GAsyncQueue *connacks;      /* CONNACK code + 1 */
  GAsyncQueue *disconnects;   /* reason + 1 */
  GAsyncQueue *subacks;       /* first granted QoS + 1 */
  GAsyncQueue *pubacks;       /* message id */
  GAsyncQueue *messages;      /* Message */
} TestClient;

typedef struct
{
  char *dir;
  int port;
  GSubprocess *broker;
  GPtrArray *clients;
} Fixture;

static void
message_free (gpointer data)
{
  Message *message = data;

  g_free (message->topic);
  g_free (message->payload);
  g_free (message);
}

/* ---- libmosquitto callbacks: they run on the client's network thread ---- */

static void
on_connect (struct mosquitto *mosq,
            void             *user_data,
            int               rc)
{
  TestClient *client = user_data;

  /* A refused client must not reconnect by itself. */
  if (rc != CONNACK_ACCEPTED)
    mosquitto_disconnect (mosq);
  g_async_queue_push (client->connacks, GINT_TO_POINTER (rc + 1));
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *user_data,
               int               rc)
{
  TestClient *client = user_data;

  /* Closed by the broker (a takeover): stay closed, like a test needs. */
  if (rc != 0)
    mosquitto_disconnect (mosq);
  g_async_queue_push (client->disconnects, GINT_TO_POINTER (rc + 1));
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *user_data,
              int               mid,
              int               qos_count,
              const int        *granted_qos)
{
  TestClient *client = user_data;

  g_async_queue_push (client->subacks, GINT_TO_POINTER (granted_qos[0] + 1));
}

static void
on_publish (struct mosquitto *mosq,
            void             *user_data,
            int               mid)
{
  TestClient *client = user_data;

  g_async_queue_push (client->pubacks, GINT_TO_POINTER (mid));
}

static void
on_message (struct mosquitto               *mosq,
            void                           *user_data,
            const struct mosquitto_message *msg)
{
  TestClient *client = user_data;
  Message *message = g_new0 (Message, 1);

  message->topic = g_strdup (msg->topic);
  message->payload = g_strndup (msg->payload, (gsize) msg->payloadlen);
  message->qos = msg->qos;
  message->retain = msg->retain;
  g_async_queue_push (client->messages, message);
}

/* ---- waiting ---- */

static gpointer
pop (GAsyncQueue *queue,
     const char  *what)
{
  gpointer item = g_async_queue_timeout_pop (queue, WAIT_USEC);

  if (item == NULL)
    g_error ("timed out waiting for %s", what);
  return item;
}

static Message *
pop_message (TestClient *client)
{
  return pop (client->messages, "a message");
}

static void
expect_message (TestClient *client,
                const char *topic,
                const char *payload)
{
  Message *message = pop_message (client);

  g_assert_cmpstr (message->topic, ==, topic);
  g_assert_cmpstr (message->payload, ==, payload);
  message_free (message);
}

static void
expect_presence (TestClient *server,
                 const char *device_name,
                 const char *state,
                 const char *client_id)
{
  g_autofree char *topic = g_strdup_printf ("$ota/presence/" PK "/%s", device_name);
  g_autofree char *payload = g_strdup_printf ("{\"state\":\"%s\",\"clientId\":\"%s\"}", state, client_id);

  expect_message (server, topic, payload);
}

/* ---- the broker ---- */

static int
find_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
broker_accepts (int port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, (guint16) port);

  return socket != NULL && g_socket_connect (socket, address, NULL, NULL);
}

/* If this test process dies (a failed assertion aborts it), its broker goes too. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static gboolean
broker_start (Fixture    *f,
              const char *mosquitto)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *config = NULL;
  g_autofree char *config_path = g_build_filename (f->dir, "mosquitto.conf", NULL);
  g_autoptr(GError) error = NULL;

  f->port = find_free_port ();
  /* "user": as root, mosquitto would switch to user "mosquitto", which cannot
   * read our files; naming the current user keeps it as is. */
  config = g_strdup_printf ("listener %d 127.0.0.1\n"
                            "allow_anonymous false\n"
                            "persistence false\n"
                            "user %s\n"
                            "log_dest file %s/mosquitto.log\n"
                            "log_type all\n"
                            "plugin %s\n"
                            "plugin_opt_ota_master_key_file %s/master-key\n"
                            "plugin_opt_ota_server_username " SERVER_USERNAME "\n"
                            "plugin_opt_ota_server_password_file %s/server-password\n",
                            f->port, g_get_user_name (), f->dir,
                            g_getenv ("OTA_BROKER_PLUGIN"), f->dir, f->dir);
  write_file (f->dir, "mosquitto.conf", config);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->broker = g_subprocess_launcher_spawn (launcher, &error, mosquitto, "-c", config_path, NULL);
  g_assert_no_error (error);

  /* Bounded: 250 tries of 20 ms. The identifier goes NULL when it exited
   * (another process took the port between our probe and its bind). */
  for (int i = 0; i < 250; i++)
    {
      if (broker_accepts (f->port))
        return TRUE;
      if (g_subprocess_get_identifier (f->broker) == NULL)
        break;
      g_usleep (20 * 1000);
    }

  g_subprocess_force_exit (f->broker);
  g_subprocess_wait (f->broker, NULL, NULL);
  g_clear_object (&f->broker);
  return FALSE;
}

static void
print_broker_log (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "mosquitto.log", NULL);
  g_autofree char *log = NULL;

  if (g_file_get_contents (path, &log, NULL, NULL))
    g_printerr ("---- mosquitto.log ----\n%s\n", log);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *mosquitto = g_getenv ("MOSQUITTO");
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  f->clients = g_ptr_array_new ();
  if (mosquitto == NULL || mosquitto[0] == '\0')
    {
      g_test_skip ("mosquitto is not installed");
      return;
    }

  f->dir = g_dir_make_tmp ("ota-broker-XXXXXX", &error);
  g_assert_no_error (error);
  /* Key files end with a newline, as an editor saves them: not part of the key. */
  write_file (f->dir, "master-key", MASTER_KEY "\n");
  write_file (f->dir, "server-password", SERVER_PASSWORD "\n");

  for (int attempt = 0; attempt < 3 && !started; attempt++)
    started = broker_start (f, mosquitto);
  if (!started)
    print_broker_log (f);
  g_assert_true (started);
}

static void
client_free (TestClient *client)
{
  mosquitto_disconnect (client->mosq);
  mosquitto_loop_stop (client->mosq, false);
  mosquitto_destroy (client->mosq);
  g_async_queue_unref (client->connacks);
  g_async_queue_unref (client->disconnects);
  g_async_queue_unref (client->subacks);
  g_async_queue_unref (client->pubacks);
  g_async_queue_unref (client->messages);
  g_free (client->client_id);
  g_free (client);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < f->clients->len; i++)
    client_free (g_ptr_array_index (f->clients, i));
  g_ptr_array_unref (f->clients);

  if (f->broker != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* A clean stop runs the plugin's cleanup: it must not crash. */
      g_subprocess_send_signal (f->broker, SIGTERM);
      g_subprocess_wait (f->broker, NULL, &error);
      g_assert_no_error (error);
      if (g_test_failed ())
        print_broker_log (f);
      g_assert_true (g_subprocess_get_if_exited (f->broker));
      g_assert_cmpint (g_subprocess_get_exit_status (f->broker), ==, 0);
      g_clear_object (&f->broker);
    }

  if (f->dir != NULL)
    {
      const char *names[] = { "master-key", "server-password", "mosquitto.conf", "mosquitto.log" };

      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (f->dir, names[i], NULL);

          g_unlink (path);
        }
      g_rmdir (f->dir);
      g_free (f->dir);
    }
}

/* ---- clients ---- */

/* Connects and waits for the CONNACK; returns its code through @connack. */
static TestClient *
client_connect (Fixture    *f,
                const char *client_id,
                const char *username,
                const char *password,
                int        *connack)
{
  TestClient *client = g_new0 (TestClient, 1);

  client->client_id = g_strdup (client_id);
  client->connacks = g_async_queue_new ();
  client->disconnects = g_async_queue_new ();
  client->subacks = g_async_queue_new ();
  client->pubacks = g_async_queue_new ();
  client->messages = g_async_queue_new_full (message_free);
  client->mosq = mosquitto_new (client_id, true, client);
  g_assert_nonnull (client->mosq);
  g_ptr_array_add (f->clients, client);

  mosquitto_connect_callback_set (client->mosq, on_connect);
  mosquitto_disconnect_callback_set (client->mosq, on_disconnect);
  mosquitto_subscribe_callback_set (client->mosq, on_subscribe);
  mosquitto_publish_callback_set (client->mosq, on_publish);
  mosquitto_message_callback_set (client->mosq, on_message);
  if (username != NULL)
    g_assert_cmpint (mosquitto_username_pw_set (client->mosq, username, password), ==, MOSQ_ERR_SUCCESS);

  g_assert_cmpint (mosquitto_connect (client->mosq, "127.0.0.1", f->port, 60), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_loop_start (client->mosq), ==, MOSQ_ERR_SUCCESS);
  *connack = GPOINTER_TO_INT (pop (client->connacks, "CONNACK")) - 1;

  return client;
}

static int
client_subscribe (TestClient *client,
                  const char *filter)
{
  g_assert_cmpint (mosquitto_subscribe (client->mosq, NULL, filter, 1), ==, MOSQ_ERR_SUCCESS);
  return GPOINTER_TO_INT (pop (client->subacks, "SUBACK")) - 1;
}

/* Publishes and waits until it is sent (QoS 0) or acknowledged (QoS 1):
 * libmosquitto reports both through the publish callback. */
static void
client_publish_full (TestClient *client,
                     const char *topic,
                     const char *payload,
                     int         qos,
                     gboolean    retain)
{
  int mid = 0;

  g_assert_cmpint (mosquitto_publish (client->mosq, &mid, topic, (int) strlen (payload), payload, qos, retain),
                   ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (GPOINTER_TO_INT (pop (client->pubacks, "PUBACK")), ==, mid);
}

static void
client_publish (TestClient *client,
                const char *topic,
                const char *payload,
                int         qos)
{
  client_publish_full (client, topic, payload, qos, FALSE);
}

static void
client_disconnect (TestClient *client)
{
  g_assert_cmpint (mosquitto_disconnect (client->mosq), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (GPOINTER_TO_INT (pop (client->disconnects, "the disconnect")) - 1, ==, 0);
}

static TestClient *
server_connect (Fixture *f)
{
  g_autofree char *client_id = g_strdup_printf ("ota-server-%u", g_random_int ());
  TestClient *server;
  int connack;

  server = client_connect (f, client_id, SERVER_USERNAME, SERVER_PASSWORD, &connack);
  g_assert_cmpint (connack, ==, CONNACK_ACCEPTED);
  g_assert_cmpint (client_subscribe (server, "/ota/device/+/+/+"), ==, 1);
  g_assert_cmpint (client_subscribe (server, "/sys/+/+/thing/ota/firmware/get"), ==, 1);
  g_assert_cmpint (client_subscribe (server, "$ota/presence/+/+"), ==, 1);

  return server;
}

/* The server sends @payload to a device's @real_topic through the plugin. */
static void
server_push (TestClient *server,
             const char *device_name,
             const char *real_topic,
             const char *payload,
             int         qos)
{
  g_autofree char *topic = g_strdup_printf ("$ota/downlink/" PK "/%s%s", device_name, real_topic);

  client_publish (server, topic, payload, qos);
}

static char *
sdk_client_id (const char *device_name,
               const char *timestamp)
{
  return g_strdup_printf (PK ".%s|securemode=2,signmethod=hmacsha256,timestamp=%s|", device_name, timestamp);
}

static char *
sdk_password (const char *device_name,
              const char *sign_id,
              const char *timestamp)
{
  char secret[OTA_DEVICE_SECRET_LEN + 1];
  char password[OTA_DEVICE_PASSWORD_LEN + 1];

  g_assert_cmpint (ota_device_secret_derive (MASTER_KEY, strlen (MASTER_KEY), PK, device_name, secret), ==, 0);
  g_assert_cmpint (ota_device_password_sign (secret, sign_id, PK, device_name, timestamp, password), ==, 0);
  return g_strdup (password);
}

/* Logs in like the Link SDK: client id "{pk}.{dn}|…,timestamp=…|", no subscriptions. */
static TestClient *
device_connect_as (Fixture    *f,
                   const char *device_name,
                   const char *timestamp,
                   int        *connack)
{
  g_autofree char *client_id = sdk_client_id (device_name, timestamp);
  g_autofree char *sign_id = g_strdup_printf (PK ".%s", device_name);
  g_autofree char *password = sdk_password (device_name, sign_id, timestamp);
  g_autofree char *username = g_strdup_printf ("%s&" PK, device_name);

  return client_connect (f, client_id, username, password, connack);
}

static TestClient *
device_connect (Fixture    *f,
                const char *device_name,
                const char *timestamp)
{
  int connack;
  TestClient *device = device_connect_as (f, device_name, timestamp, &connack);

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
  TestClient *server, *device;
  Message *message;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01",
               "{\"code\":\"1000\",\"data\":{\"version\":\"2.0\"}}", 1);
  message = pop_message (device);
  g_assert_cmpstr (message->topic, ==, "/ota/device/upgrade/" PK "/dev01");
  g_assert_cmpstr (message->payload, ==, "{\"code\":\"1000\",\"data\":{\"version\":\"2.0\"}}");
  g_assert_cmpint (message->qos, ==, 1);
  g_assert_false (message->retain);
  message_free (message);

  /* The answer to firmware/get, at QoS 0 as given. */
  server_push (server, "dev01", "/sys/" PK "/dev01/thing/ota/firmware/get_reply", "{\"code\":200}", 0);
  message = pop_message (device);
  g_assert_cmpstr (message->topic, ==, "/sys/" PK "/dev01/thing/ota/firmware/get_reply");
  g_assert_cmpstr (message->payload, ==, "{\"code\":200}");
  g_assert_cmpint (message->qos, ==, 0);
  message_free (message);
}

static void
test_downlink_to_offline_device_dropped (Fixture       *f,
                                         gconstpointer  data)
{
  TestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);

  /* The broker takes it (PUBACK, the server stays connected) and drops it. */
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "while offline", 1);

  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "while online", 1);
  expect_message (device, "/ota/device/upgrade/" PK "/dev01", "while online");
}

static void
test_login_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *client_id = sdk_client_id ("dev01", SDK_TIMESTAMP);
  g_autofree char *other_password = sdk_password ("dev02", PK ".dev02", SDK_TIMESTAMP);
  g_autofree char *good_password = sdk_password ("dev01", PK ".dev01", SDK_TIMESTAMP);
  g_autofree char *tampered = g_strdup (good_password);
  TestClient *server;
  int connack = CONNACK_ACCEPTED;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';

  client_connect (f, client_id, "dev01&" PK, tampered, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  /* Another device's valid password does not open this device. */
  client_connect (f, client_id, "dev01&" PK, other_password, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  /* A signature over another timestamp than the client id carries. */
  g_clear_pointer (&client_id, g_free);
  client_id = sdk_client_id ("dev01", "1700000000000");
  client_connect (f, client_id, "dev01&" PK, good_password, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  client_connect (f, "anonymous", NULL, NULL, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);
  client_connect (f, "fake-server", SERVER_USERNAME, "guess", &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);
  client_connect (f, "plain", "dev01", good_password, &connack);
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
  TestClient *server, *device;
  int connack;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = client_connect (f, client_id, "dev01&" PK, password, &connack);
  g_assert_cmpint (connack, ==, CONNACK_ACCEPTED);
  expect_presence (server, "dev01", "online", client_id);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "notice", 1);
  expect_message (device, "/ota/device/upgrade/" PK "/dev01", "notice");
}

static void
test_uplink_reaches_server (Fixture       *f,
                            gconstpointer  data)
{
  TestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  client_publish (device, "/ota/device/inform/" PK "/dev01",
                  "{\"id\":\"1\",\"params\":{\"version\":\"1.0.0\",\"module\":\"mcu\"}}", 1);
  client_publish (device, "/ota/device/progress/" PK "/dev01",
                  "{\"id\":\"2\",\"params\":{\"step\":\"42\",\"desc\":\"\",\"module\":\"mcu\"}}", 1);
  client_publish (device, "/sys/" PK "/dev01/thing/ota/firmware/get",
                  "{\"id\":\"3\",\"params\":{\"module\":\"mcu\"}}", 0);

  expect_message (server, "/ota/device/inform/" PK "/dev01",
                  "{\"id\":\"1\",\"params\":{\"version\":\"1.0.0\",\"module\":\"mcu\"}}");
  expect_message (server, "/ota/device/progress/" PK "/dev01",
                  "{\"id\":\"2\",\"params\":{\"step\":\"42\",\"desc\":\"\",\"module\":\"mcu\"}}");
  expect_message (server, "/sys/" PK "/dev01/thing/ota/firmware/get",
                  "{\"id\":\"3\",\"params\":{\"module\":\"mcu\"}}");
}

static void
test_device_cannot_publish_for_another (Fixture       *f,
                                        gconstpointer  data)
{
  TestClient *server, *attacker, *victim;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  victim = device_connect (f, "dev02", SDK_TIMESTAMP);
  expect_presence (server, "dev02", "online", victim->client_id);
  attacker = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", attacker->client_id);

  /* A forged progress report, a forged downlink envelope, a forged presence,
   * and the victim's own downlink topic. */
  client_publish (attacker, "/ota/device/progress/" PK "/dev02", "{\"params\":{\"step\":\"100\"}}", 1);
  client_publish (attacker, "$ota/downlink/" PK "/dev02/ota/device/upgrade/" PK "/dev02", "forged", 1);
  client_publish (attacker, "$ota/presence/" PK "/dev02", "{\"state\":\"offline\"}", 1);
  client_publish (attacker, "/ota/device/upgrade/" PK "/dev02", "forged", 1);
  /* Its own topic, but retained: a later subscriber would get it replayed. */
  client_publish_full (attacker, "/ota/device/inform/" PK "/dev01", "stale", 1, TRUE);

  /* The first things to arrive are the allowed ones sent after. */
  client_publish (attacker, "/ota/device/inform/" PK "/dev01", "own report", 1);
  expect_message (server, "/ota/device/inform/" PK "/dev01", "own report");
  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev02", "genuine", 1);
  expect_message (victim, "/ota/device/upgrade/" PK "/dev02", "genuine");
}

static void
test_device_cannot_read_another (Fixture       *f,
                                 gconstpointer  data)
{
  TestClient *server, *attacker, *victim;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  victim = device_connect (f, "dev02", SDK_TIMESTAMP);
  expect_presence (server, "dev02", "online", victim->client_id);
  attacker = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", attacker->client_id);

  g_assert_cmpint (client_subscribe (attacker, "/ota/device/upgrade/" PK "/dev02"), ==, SUBACK_FAILURE);
  g_assert_cmpint (client_subscribe (attacker, "/ota/device/upgrade/" PK "/+"), ==, SUBACK_FAILURE);
  g_assert_cmpint (client_subscribe (attacker, "/sys/" PK "/dev02/thing/ota/firmware/get_reply"), ==, SUBACK_FAILURE);
  g_assert_cmpint (client_subscribe (attacker, "#"), ==, SUBACK_FAILURE);
  g_assert_cmpint (client_subscribe (attacker, "$ota/presence/+/+"), ==, SUBACK_FAILURE);
  g_assert_cmpint (client_subscribe (attacker, "/ota/device/inform/" PK "/dev02"), ==, SUBACK_FAILURE);
  /* Its own downlink topic it may subscribe to, though it needs not. */
  g_assert_cmpint (client_subscribe (attacker, "/ota/device/upgrade/" PK "/dev01"), ==, 1);

  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev02", "for dev02", 1);
  client_publish (victim, "/ota/device/inform/" PK "/dev02", "dev02 report", 1);
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "for dev01", 1);

  expect_message (attacker, "/ota/device/upgrade/" PK "/dev01", "for dev01");
  expect_message (victim, "/ota/device/upgrade/" PK "/dev02", "for dev02");
  expect_message (server, "/ota/device/inform/" PK "/dev02", "dev02 report");
}

static void
test_server_rights_are_limited (Fixture       *f,
                                gconstpointer  data)
{
  TestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  g_assert_cmpint (client_subscribe (server, "#"), ==, SUBACK_FAILURE);
  g_assert_cmpint (client_subscribe (server, "$ota/downlink/#"), ==, SUBACK_FAILURE);
  /* Subscribed, so that a publish the broker let through would arrive. */
  g_assert_cmpint (client_subscribe (device, "/ota/device/upgrade/" PK "/dev01"), ==, 1);

  /* Not on the real topic directly, and not another device's topic in a device's envelope. */
  client_publish (server, "/ota/device/upgrade/" PK "/dev01", "direct", 1);
  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev01", "wrong envelope", 1);
  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "right envelope", 1);
  expect_message (device, "/ota/device/upgrade/" PK "/dev01", "right envelope");
}

static void
test_presence_online_offline (Fixture       *f,
                              gconstpointer  data)
{
  TestClient *server, *device;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);

  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);
  client_disconnect (device);
  expect_presence (server, "dev01", "offline", device->client_id);

  /* And online again with a new connection. */
  device = device_connect (f, "dev01", "1700000000000");
  expect_presence (server, "dev01", "online", device->client_id);
}

static void
test_presence_retained_for_late_server (Fixture       *f,
                                        gconstpointer  data)
{
  TestClient *server, *device;
  Message *message;

  SKIP_WITHOUT_BROKER (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);

  /* A server that (re)subscribes later learns the state it missed. */
  server = server_connect (f);
  message = pop_message (server);
  g_assert_cmpstr (message->topic, ==, "$ota/presence/" PK "/dev01");
  g_assert_true (message->retain);
  g_assert_nonnull (strstr (message->payload, "\"state\":\"online\""));
  message_free (message);

  client_disconnect (device);
  expect_presence (server, "dev01", "offline", device->client_id);
}

static void
test_takeover_new_client_id (Fixture       *f,
                             gconstpointer  data)
{
  TestClient *server, *old, *current;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  old = device_connect (f, "dev01", "1700000000000");
  expect_presence (server, "dev01", "online", old->client_id);

  /* The device reconnects under a new client id before the broker noticed
   * that the old connection is gone: the old one is closed, silently. */
  current = device_connect (f, "dev01", "1700000000001");
  expect_presence (server, "dev01", "online", current->client_id);
  g_assert_cmpint (GPOINTER_TO_INT (pop (old->disconnects, "the old connection's close")) - 1, !=, 0);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "to the new connection", 1);
  expect_message (current, "/ota/device/upgrade/" PK "/dev01", "to the new connection");

  /* The next presence message is the current connection's offline: none came for the old one. */
  client_disconnect (current);
  expect_presence (server, "dev01", "offline", current->client_id);
  g_assert_cmpint (g_async_queue_length (old->messages), ==, 0);
}

static void
test_takeover_same_client_id (Fixture       *f,
                              gconstpointer  data)
{
  TestClient *server, *old, *current;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  /* The SDKs sign a fixed timestamp, so a reconnect reuses the client id. */
  old = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", old->client_id);

  current = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", current->client_id);
  g_assert_cmpint (GPOINTER_TO_INT (pop (old->disconnects, "the old connection's close")) - 1, !=, 0);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "still delivered", 1);
  expect_message (current, "/ota/device/upgrade/" PK "/dev01", "still delivered");

  client_disconnect (current);
  expect_presence (server, "dev01", "offline", current->client_id);
}

static void
test_client_id_of_another_device_refused (Fixture       *f,
                                          gconstpointer  data)
{
  g_autofree char *password = sdk_password ("dev02", PK ".dev01", SDK_TIMESTAMP);
  TestClient *server, *owner;
  int connack = CONNACK_ACCEPTED;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  owner = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", owner->client_id);

  /* dev02 signs correctly, but with dev01's client id it would push dev01 off. */
  client_connect (f, owner->client_id, "dev02&" PK, password, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  server_push (server, "dev01", "/ota/device/upgrade/" PK "/dev01", "owner still here", 1);
  expect_message (owner, "/ota/device/upgrade/" PK "/dev01", "owner still here");
  g_assert_cmpint (g_async_queue_length (owner->disconnects), ==, 0);
}

static void
test_sighup_rechecks_connections (Fixture       *f,
                                  gconstpointer  data)
{
  TestClient *server;
  int connack = CONNACK_ACCEPTED;
  int attempts = 0;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);

  write_file (f->dir, "server-password", "rotated-password\n");
  g_subprocess_send_signal (f->broker, SIGHUP);

  /* The broker reloads at its next loop turn; each refused login is a round
   * trip, so a few attempts are plenty and none needs a sleep. */
  do
    client_connect (f, "ota-server-rotated", SERVER_USERNAME, "rotated-password", &connack);
  while (connack != CONNACK_ACCEPTED && ++attempts < 50);
  g_assert_cmpint (connack, ==, CONNACK_ACCEPTED);

  client_connect (f, "ota-server-old", SERVER_USERNAME, SERVER_PASSWORD, &connack);
  g_assert_cmpint (connack, !=, CONNACK_ACCEPTED);

  /* mosquitto checked the open connection against the new password, and closed it. */
  g_assert_cmpint (GPOINTER_TO_INT (pop (server->disconnects, "the old server's close")) - 1, !=, 0);
}

static void
test_sighup_no_duplicate_presence (Fixture       *f,
                                   gconstpointer  data)
{
  TestClient *server, *device, *late;

  SKIP_WITHOUT_BROKER (f);
  server = server_connect (f);
  device = device_connect (f, "dev01", SDK_TIMESTAMP);
  expect_presence (server, "dev01", "online", device->client_id);

  /* Same files: every connection passes the new check, and stays. */
  g_subprocess_send_signal (f->broker, SIGHUP);
  late = device_connect (f, "dev02", SDK_TIMESTAMP);
  expect_presence (server, "dev02", "online", late->client_id);

  client_disconnect (device);
  expect_presence (server, "dev01", "offline", device->client_id);
  server_push (server, "dev02", "/ota/device/upgrade/" PK "/dev02", "after reload", 1);
  expect_message (late, "/ota/device/upgrade/" PK "/dev02", "after reload");
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
