/* broker-test-util.h: a real mosquitto with the OTA plugin, for tests, and
 * libmosquitto clients whose events the test thread waits for.
 *
 * The broker runs on a free loopback port with its own temporary directory
 * (config, key files, log). It needs the environment variables MOSQUITTO (the
 * broker binary; empty when not installed) and OTA_BROKER_PLUGIN (the built
 * module), which tests/broker/meson.build sets.
 *
 * Every wait is bounded (10 s) and fails the test when it runs out; none
 * sleeps, except while the broker starts (20 ms steps, at most 5 s).
 */
#pragma once

#include <gio/gio.h>
#include <mosquitto.h>

G_BEGIN_DECLS

/* CONNACK codes of MQTT 3.1.1, which the device SDKs speak. */
#define BROKER_TEST_CONNACK_ACCEPTED 0
#define BROKER_TEST_SUBACK_FAILURE 0x80

typedef struct
{
  char *topic;
  char *payload;
  int qos;
  gboolean retain;
} BrokerTestMessage;

void broker_test_message_free (BrokerTestMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BrokerTestMessage, broker_test_message_free)

/* A client; its callbacks run on libmosquitto's thread and only queue events. */
typedef struct
{
  struct mosquitto *mosq;
  char *client_id;
  GAsyncQueue *connacks;      /* CONNACK code + 1 */
  GAsyncQueue *disconnects;   /* reason + 1 */
  GAsyncQueue *subacks;       /* first granted QoS + 1 */
  GAsyncQueue *pubacks;       /* message id */
  GAsyncQueue *messages;      /* BrokerTestMessage */
} BrokerTestClient;

typedef struct
{
  char *dir;
  int port;
  GSubprocess *process;
  GPtrArray *clients;
} BrokerTest;

/* Returns: (nullable): the running broker, or NULL when mosquitto is not
 * installed (the test is then marked skipped). Key files end with a newline. */
BrokerTest        *broker_test_start          (const char *master_key,
                                               const char *server_username,
                                               const char *server_password);
/* Closes the clients, stops the broker with SIGTERM (it must exit with 0:
 * the plugin's cleanup ran without crashing) and removes its files. */
void               broker_test_stop           (BrokerTest *broker);
void               broker_test_write_file     (BrokerTest *broker,
                                               const char *name,
                                               const char *contents);
void               broker_test_signal         (BrokerTest *broker,
                                               int         signal_number);

/* Connects, waits for the CONNACK and sets @connack to its code. A refused
 * or later closed client does not reconnect by itself. The broker owns it. */
BrokerTestClient  *broker_test_connect        (BrokerTest *broker,
                                               const char *client_id,
                                               const char *username,
                                               const char *password,
                                               int        *connack);
/* Returns: the granted QoS, or BROKER_TEST_SUBACK_FAILURE. */
int                broker_test_subscribe      (BrokerTestClient *client,
                                               const char       *filter);
/* Publishes and waits until it is sent (QoS 0) or acknowledged (QoS 1). */
void               broker_test_publish_full   (BrokerTestClient *client,
                                               const char       *topic,
                                               const char       *payload,
                                               int               qos,
                                               gboolean          retain);
void               broker_test_publish        (BrokerTestClient *client,
                                               const char       *topic,
                                               const char       *payload,
                                               int               qos);
/* Disconnects cleanly and waits until it is done. */
void               broker_test_disconnect     (BrokerTestClient *client);
/* Waits until the broker closes @client; returns libmosquitto's reason (0: clean). */
int                broker_test_wait_closed    (BrokerTestClient *client);

BrokerTestMessage *broker_test_pop_message    (BrokerTestClient *client);
void               broker_test_expect_message (BrokerTestClient *client,
                                               const char       *topic,
                                               const char       *payload);

/* Credentials as the Link SDK makes them (securemode=2, hmacsha256). */
char              *broker_test_sdk_client_id  (const char *product_key,
                                               const char *device_name,
                                               const char *timestamp);
char              *broker_test_sdk_password   (const char *master_key,
                                               const char *product_key,
                                               const char *device_name,
                                               const char *sign_id,
                                               const char *timestamp);

G_END_DECLS
