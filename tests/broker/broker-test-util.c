/* broker-test-util.c: a real mosquitto with the OTA plugin, for tests. */
#include "broker-test-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "ota-device-secret.h"

/* Upper bound of every wait for the broker; normally a few milliseconds. */
#define WAIT_USEC (10 * G_USEC_PER_SEC)

static const char *const broker_files[] = {
  "master-key", "server-password", "mosquitto.conf", "mosquitto.log",
};

void
broker_test_message_free (BrokerTestMessage *message)
{
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
  BrokerTestClient *client = user_data;

  /* A refused client must not try again by itself. */
  if (rc != BROKER_TEST_CONNACK_ACCEPTED)
    mosquitto_disconnect (mosq);
  g_async_queue_push (client->connacks, GINT_TO_POINTER (rc + 1));
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *user_data,
               int               rc)
{
  BrokerTestClient *client = user_data;

  /* Closed by the broker (a takeover): stay closed, or it would take over back. */
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
  BrokerTestClient *client = user_data;

  g_async_queue_push (client->subacks, GINT_TO_POINTER (granted_qos[0] + 1));
}

static void
on_publish (struct mosquitto *mosq,
            void             *user_data,
            int               mid)
{
  BrokerTestClient *client = user_data;

  g_async_queue_push (client->pubacks, GINT_TO_POINTER (mid));
}

static void
on_message (struct mosquitto               *mosq,
            void                           *user_data,
            const struct mosquitto_message *msg)
{
  BrokerTestClient *client = user_data;
  BrokerTestMessage *message = g_new0 (BrokerTestMessage, 1);

  message->topic = g_strdup (msg->topic);
  message->payload = g_strndup (msg->payload, (gsize) msg->payloadlen);
  message->qos = msg->qos;
  message->retain = msg->retain;
  g_async_queue_push (client->messages, message);
}

static gpointer
pop (GAsyncQueue *queue,
     const char  *what)
{
  gpointer item = g_async_queue_timeout_pop (queue, WAIT_USEC);

  if (item == NULL)
    g_error ("timed out waiting for %s", what);
  return item;
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

/* If the test process dies (a failed assertion aborts it), its broker goes too. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
broker_test_write_file (BrokerTest *broker,
                        const char *name,
                        const char *contents)
{
  g_autofree char *path = g_build_filename (broker->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static gboolean
try_start (BrokerTest *broker,
           const char *mosquitto,
           const char *server_username)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *config = NULL;
  g_autofree char *config_path = g_build_filename (broker->dir, "mosquitto.conf", NULL);
  g_autoptr(GError) error = NULL;

  broker->port = find_free_port ();
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
                            "plugin_opt_ota_server_username %s\n"
                            "plugin_opt_ota_server_password_file %s/server-password\n",
                            broker->port, g_get_user_name (), broker->dir,
                            g_getenv ("OTA_BROKER_PLUGIN"), broker->dir, server_username, broker->dir);
  broker_test_write_file (broker, "mosquitto.conf", config);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  broker->process = g_subprocess_launcher_spawn (launcher, &error, mosquitto, "-c", config_path, NULL);
  g_assert_no_error (error);

  /* The identifier goes NULL when it exited (another process took the port
   * between our probe and its bind). */
  for (int i = 0; i < 250; i++)
    {
      if (broker_accepts (broker->port))
        return TRUE;
      if (g_subprocess_get_identifier (broker->process) == NULL)
        break;
      g_usleep (20 * 1000);
    }

  g_subprocess_force_exit (broker->process);
  g_subprocess_wait (broker->process, NULL, NULL);
  g_clear_object (&broker->process);
  return FALSE;
}

static void
print_log (BrokerTest *broker)
{
  g_autofree char *path = g_build_filename (broker->dir, "mosquitto.log", NULL);
  g_autofree char *log = NULL;

  if (g_file_get_contents (path, &log, NULL, NULL))
    g_printerr ("---- mosquitto.log ----\n%s\n", log);
}

BrokerTest *
broker_test_start (const char *master_key,
                   const char *server_username,
                   const char *server_password)
{
  const char *mosquitto = g_getenv ("MOSQUITTO");
  g_autofree char *master_key_line = g_strconcat (master_key, "\n", NULL);
  g_autofree char *password_line = g_strconcat (server_password, "\n", NULL);
  g_autoptr(GError) error = NULL;
  BrokerTest *broker;
  gboolean started = FALSE;

  if (mosquitto == NULL || mosquitto[0] == '\0')
    {
      g_test_skip ("mosquitto is not installed");
      return NULL;
    }

  broker = g_new0 (BrokerTest, 1);
  broker->clients = g_ptr_array_new ();
  broker->dir = g_dir_make_tmp ("ota-broker-XXXXXX", &error);
  g_assert_no_error (error);
  broker_test_write_file (broker, "master-key", master_key_line);
  broker_test_write_file (broker, "server-password", password_line);

  for (int attempt = 0; attempt < 3 && !started; attempt++)
    started = try_start (broker, mosquitto, server_username);
  if (!started)
    print_log (broker);
  g_assert_true (started);

  return broker;
}

static void
client_free (BrokerTestClient *client)
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

void
broker_test_stop (BrokerTest *broker)
{
  g_autoptr(GError) error = NULL;

  if (broker == NULL)
    return;

  for (guint i = 0; i < broker->clients->len; i++)
    client_free (g_ptr_array_index (broker->clients, i));
  g_ptr_array_unref (broker->clients);

  g_subprocess_send_signal (broker->process, SIGTERM);
  g_subprocess_wait (broker->process, NULL, &error);
  g_assert_no_error (error);
  if (g_test_failed ())
    print_log (broker);
  g_assert_true (g_subprocess_get_if_exited (broker->process));
  g_assert_cmpint (g_subprocess_get_exit_status (broker->process), ==, 0);
  g_clear_object (&broker->process);

  for (gsize i = 0; i < G_N_ELEMENTS (broker_files); i++)
    {
      g_autofree char *path = g_build_filename (broker->dir, broker_files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (broker->dir);
  g_free (broker->dir);
  g_free (broker);
}

void
broker_test_signal (BrokerTest *broker,
                    int         signal_number)
{
  g_subprocess_send_signal (broker->process, signal_number);
}

/* ---- clients ---- */

BrokerTestClient *
broker_test_connect (BrokerTest *broker,
                     const char *client_id,
                     const char *username,
                     const char *password,
                     int        *connack)
{
  BrokerTestClient *client = g_new0 (BrokerTestClient, 1);

  client->client_id = g_strdup (client_id);
  client->connacks = g_async_queue_new ();
  client->disconnects = g_async_queue_new ();
  client->subacks = g_async_queue_new ();
  client->pubacks = g_async_queue_new ();
  client->messages = g_async_queue_new_full ((GDestroyNotify) broker_test_message_free);
  client->mosq = mosquitto_new (client_id, true, client);
  g_assert_nonnull (client->mosq);
  g_ptr_array_add (broker->clients, client);

  mosquitto_connect_callback_set (client->mosq, on_connect);
  mosquitto_disconnect_callback_set (client->mosq, on_disconnect);
  mosquitto_subscribe_callback_set (client->mosq, on_subscribe);
  mosquitto_publish_callback_set (client->mosq, on_publish);
  mosquitto_message_callback_set (client->mosq, on_message);
  if (username != NULL)
    g_assert_cmpint (mosquitto_username_pw_set (client->mosq, username, password), ==, MOSQ_ERR_SUCCESS);

  g_assert_cmpint (mosquitto_connect (client->mosq, "127.0.0.1", broker->port, 60), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_loop_start (client->mosq), ==, MOSQ_ERR_SUCCESS);
  *connack = GPOINTER_TO_INT (pop (client->connacks, "CONNACK")) - 1;

  return client;
}

int
broker_test_subscribe (BrokerTestClient *client,
                       const char       *filter)
{
  g_assert_cmpint (mosquitto_subscribe (client->mosq, NULL, filter, 1), ==, MOSQ_ERR_SUCCESS);
  return GPOINTER_TO_INT (pop (client->subacks, "SUBACK")) - 1;
}

void
broker_test_publish_full (BrokerTestClient *client,
                          const char       *topic,
                          const char       *payload,
                          int               qos,
                          gboolean          retain)
{
  int mid = 0;

  g_assert_cmpint (mosquitto_publish (client->mosq, &mid, topic, (int) strlen (payload), payload, qos, retain),
                   ==, MOSQ_ERR_SUCCESS);
  /* libmosquitto reports both "sent" (QoS 0) and "acknowledged" (QoS 1) here. */
  g_assert_cmpint (GPOINTER_TO_INT (pop (client->pubacks, "PUBACK")), ==, mid);
}

void
broker_test_publish (BrokerTestClient *client,
                     const char       *topic,
                     const char       *payload,
                     int               qos)
{
  broker_test_publish_full (client, topic, payload, qos, FALSE);
}

void
broker_test_disconnect (BrokerTestClient *client)
{
  g_assert_cmpint (mosquitto_disconnect (client->mosq), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (broker_test_wait_closed (client), ==, 0);
}

int
broker_test_wait_closed (BrokerTestClient *client)
{
  return GPOINTER_TO_INT (pop (client->disconnects, "the connection to close")) - 1;
}

BrokerTestMessage *
broker_test_pop_message (BrokerTestClient *client)
{
  return pop (client->messages, "a message");
}

void
broker_test_expect_message (BrokerTestClient *client,
                            const char       *topic,
                            const char       *payload)
{
  g_autoptr(BrokerTestMessage) message = broker_test_pop_message (client);

  g_assert_cmpstr (message->topic, ==, topic);
  g_assert_cmpstr (message->payload, ==, payload);
}

char *
broker_test_sdk_client_id (const char *product_key,
                           const char *device_name,
                           const char *timestamp)
{
  return g_strdup_printf ("%s.%s|securemode=2,signmethod=hmacsha256,timestamp=%s|",
                          product_key, device_name, timestamp);
}

char *
broker_test_sdk_password (const char *master_key,
                          const char *product_key,
                          const char *device_name,
                          const char *sign_id,
                          const char *timestamp)
{
  char secret[OTA_DEVICE_SECRET_LEN + 1];
  char password[OTA_DEVICE_PASSWORD_LEN + 1];

  g_assert_cmpint (ota_device_secret_derive (master_key, strlen (master_key), product_key, device_name, secret),
                   ==, 0);
  g_assert_cmpint (ota_device_password_sign (secret, sign_id, product_key, device_name, timestamp, password),
                   ==, 0);
  return g_strdup (password);
}
