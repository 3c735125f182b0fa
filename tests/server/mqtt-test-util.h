/* mqtt-test-util.h — the whole device side in one test process: a real mosquitto with
 * the OTA plugin, a real OtaServer (HTTP on 127.0.0.1, manual clock), the MQTT bridge,
 * and devices played by libmosquitto clients that behave like the Alibaba SDKs (no
 * subscriptions, string steps, Range downloads)
 *
 * Every wait iterates the main context until its condition holds, for at most 10 s.
 */
#pragma once

#include "broker-test-util.h"
#include "ota-mqtt-bridge.h"
#include "server-test-util.h"

G_BEGIN_DECLS

#define MQTT_TEST_MASTER_KEY "test-master-key"
#define MQTT_TEST_PASSWORD "test-server-password"
#define MQTT_TEST_PRODUCT "a1Prod"
/* The firmware: 2.0.0 from 1.0.0, module default, MD5. */
#define MQTT_TEST_FIRMWARE_SIZE 70001

typedef struct {
  ServerFixture   s;
  BrokerTest     *broker;        /* NULL: mosquitto missing, the test is skipped */
  OtaMqttBridge  *bridge;
  OtaFirmware    *firmware;
  GBytes         *firmware_bytes;
} MqttFixture;

/* Devices "dev-0001" … "dev-0004" on 1.0.0; the firmware; the bridge, connected and
 * past its presence reset (every device offline). */
void               mqtt_fixture_setup     (MqttFixture *f,
                                           gconstpointer data);
void               mqtt_fixture_teardown  (MqttFixture *f,
                                           gconstpointer data);

#define MQTT_TEST_WAIT_FOR(cond, what) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; \
    guint _tick = g_timeout_add (5, mqtt_test_tick, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("timed out waiting for %s", what); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (_tick); \
  } G_STMT_END
gboolean           mqtt_test_tick         (gpointer data);

/* A device logging in as the Link SDK does; asserts the login is accepted. */
BrokerTestClient  *mqtt_test_device       (MqttFixture *f,
                                           const char  *name);
void               mqtt_test_inform       (BrokerTestClient *device,
                                           const char       *name,
                                           const char       *version);
void               mqtt_test_progress     (BrokerTestClient *device,
                                           const char       *name,
                                           const char       *step,
                                           const char       *description);
/* The next message the device receives (the main loop runs meanwhile). */
BrokerTestMessage *mqtt_test_next_message (BrokerTestClient *device);

OtaDevice         *mqtt_test_get_device   (MqttFixture *f,
                                           const char  *name);
/* The task of @name in @batch_id (asserted to exist). */
OtaTask           *mqtt_test_get_task     (MqttFixture *f,
                                           gint64       batch_id,
                                           const char  *name);
/* Waits until the engine sees @name online (or offline). */
void               mqtt_test_wait_online  (MqttFixture *f,
                                           const char  *name,
                                           gboolean     online);

/* The notice the server must send for @try at the engine's now: built here by hand, byte
 * by byte, from the firmware and its signed URL. */
char              *mqtt_test_expected_notice (MqttFixture *f);
/* The download URL inside a notice. */
char              *mqtt_test_notice_url   (const char *payload);

/* GET @url with "Range: bytes=@from-", reading at most @max bytes (then the connection is
 * cut). Sets @status and, when not NULL, @headers (transfer full). */
GBytes            *mqtt_test_download     (MqttFixture         *f,
                                           const char          *url,
                                           guint64              from,
                                           gsize                max,
                                           guint               *status,
                                           SoupMessageHeaders **headers);

G_END_DECLS
