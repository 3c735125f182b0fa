/* test-mosquitto-source.c — a libmosquitto client on a GLib main context, against a real
 * mosquitto with the OTA plugin: idle, the main loop sleeps; a flood is read whole
 */
#include <string.h>

#include "broker-test-util.h"
#include "ota-mosquitto-source.h"

#define MASTER_KEY "test-master-key"
#define SERVER_PASSWORD "test-server-password"
#define PRODUCT "a1Prod"
#define DEVICE "dev-0001"
#define SDK_TIMESTAMP "2524608000000"
/* More than one wake-up reads (READ_BURST): the rest must come on the next ones. */
#define N_MESSAGES 1000

typedef struct {
  BrokerTest       *broker;
  struct mosquitto *mosq;
  GSource          *source;
  gboolean          connected;
  guint             subscribed;
  guint             received;
} Fixture;

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @cond holds, for at most 10 s. */
#define WAIT_FOR(cond, what) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; \
    guint _tick = g_timeout_add (10, tick, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("timed out waiting for %s", what); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (_tick); \
  } G_STMT_END

static void
on_connect (struct mosquitto *mosq,
            void             *user_data,
            int               rc)
{
  Fixture *f = user_data;

  g_assert_cmpint (rc, ==, 0);
  f->connected = TRUE;
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *user_data,
              int               mid,
              int               qos_count,
              const int        *granted_qos)
{
  Fixture *f = user_data;

  g_assert_cmpint (granted_qos[0], <=, 2);
  f->subscribed++;
}

static void
on_message (struct mosquitto               *mosq,
            void                           *user_data,
            const struct mosquitto_message *message)
{
  Fixture *f = user_data;

  if (g_str_has_prefix (message->topic, "/ota/device/progress/"))
    f->received++;
}

static void
on_lost (struct mosquitto *mosq,
         int               rc,
         gpointer          user_data)
{
  g_error ("the connection was lost: %s", mosquitto_strerror (rc));
}

/* The server's login, driven by the source on the default main context. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->broker = broker_test_start (MASTER_KEY, "ota-server", SERVER_PASSWORD);
  if (f->broker == NULL)
    return;

  mosquitto_lib_init ();
  f->mosq = mosquitto_new ("ota-server-test", true, f);
  g_assert_nonnull (f->mosq);
  mosquitto_connect_callback_set (f->mosq, on_connect);
  mosquitto_subscribe_callback_set (f->mosq, on_subscribe);
  mosquitto_message_callback_set (f->mosq, on_message);
  g_assert_cmpint (mosquitto_username_pw_set (f->mosq, "ota-server", SERVER_PASSWORD), ==, MOSQ_ERR_SUCCESS);

  f->source = ota_mosquitto_source_new (f->mosq, on_lost, f);
  g_source_attach (f->source, NULL);
  g_assert_cmpint (mosquitto_connect_async (f->mosq, "127.0.0.1", f->broker->port, 60), ==, MOSQ_ERR_SUCCESS);
  WAIT_FOR (f->connected, "the login");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->source != NULL)
    {
      g_source_destroy (f->source);
      g_source_unref (f->source);
    }
  if (f->mosq != NULL)
    {
      mosquitto_disconnect (f->mosq);
      mosquitto_destroy (f->mosq);
    }
  broker_test_stop (f->broker);
}

static guint n_polls;
static GPollFunc default_poll;

static gint
counting_poll (GPollFD *fds,
               guint    n_fds,
               gint     timeout)
{
  n_polls++;
  return default_poll (fds, n_fds, timeout);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Nothing to read or write: the main loop sleeps until something is due (here a 300 ms
 * timer; the keep-alive wakes it once a second), instead of waking itself up at every
 * turn (a changed poll record or ready time wakes the whole context). */
static void
test_idle_sleeps (Fixture       *f,
                  gconstpointer  data)
{
  GMainContext *context = g_main_context_default ();
  gboolean fired = FALSE;

  if (f->broker == NULL)
    return;

  default_poll = g_main_context_get_poll_func (context);
  g_main_context_set_poll_func (context, counting_poll);
  n_polls = 0;
  g_timeout_add (300, set_flag, &fired);
  while (!fired)
    g_main_context_iteration (context, TRUE);
  g_main_context_set_poll_func (context, default_poll);

  /* The timer and at most one keep-alive wake-up, give or take a turn. */
  g_assert_cmpuint (n_polls, <=, 4);
}

/* A device floods its progress topic: every message reaches the client, across many
 * wake-ups (each reads a burst, until the socket is empty). */
static void
test_flood_read_whole (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *client_id = NULL;
  g_autofree char *password = NULL;
  g_autofree char *topic = g_strdup_printf ("/ota/device/progress/%s/%s", PRODUCT, DEVICE);
  BrokerTestClient *device;
  int connack = -1;

  if (f->broker == NULL)
    return;

  g_assert_cmpint (mosquitto_subscribe (f->mosq, NULL, "/ota/device/progress/+/+", 0), ==, MOSQ_ERR_SUCCESS);
  WAIT_FOR (f->subscribed == 1, "the subscription");

  client_id = broker_test_sdk_client_id (PRODUCT, DEVICE, SDK_TIMESTAMP);
  password = broker_test_sdk_password (MASTER_KEY, PRODUCT, DEVICE, PRODUCT "." DEVICE, SDK_TIMESTAMP);
  device = broker_test_connect (f->broker, client_id, DEVICE "&" PRODUCT, password, &connack);
  g_assert_cmpint (connack, ==, BROKER_TEST_CONNACK_ACCEPTED);

  /* Queued at once, written by the device's thread while this one does not read. */
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"id\":%u,\"params\":{\"step\":\"%u\"}}", i, i % 100);

      g_assert_cmpint (mosquitto_publish (device->mosq, NULL, topic, (int) strlen (payload), payload, 0, false),
                       ==, MOSQ_ERR_SUCCESS);
    }
  WAIT_FOR (f->received == N_MESSAGES, "every message");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/mosquitto-source/idle-main-loop-sleeps", Fixture, NULL,
              fixture_setup, test_idle_sleeps, fixture_teardown);
  g_test_add ("/mosquitto-source/flood-read-whole", Fixture, NULL,
              fixture_setup, test_flood_read_whole, fixture_teardown);

  return g_test_run ();
}
