/* ota-mqtt-bridge-private.h — what the parts of OtaMqttBridge share: the connection
 * (ota-mqtt-bridge.c), the device messages applied in groups (ota-mqtt-bridge-events.c)
 * and the notices (ota-mqtt-bridge-notices.c) */
#pragma once

#include <json-glib/json-glib.h>
#include <mosquitto.h>

#include "ota-mqtt-bridge.h"

G_BEGIN_DECLS

typedef struct _OtaMqttGroup OtaMqttGroup;

struct _OtaMqttBridge
{
  GObject             parent_instance;

  OtaEngine          *engine;
  GMainContext       *context;
  char               *host;
  guint16             port;
  char               *username;
  char               *password;
  char               *client_id;
  OtaMqttUrlFunc      url_func;
  gpointer            url_data;
  GDestroyNotify      url_destroy;

  struct mosquitto   *mosq;
  GSource            *socket_source;
  gboolean            started;
  gboolean            connected;
  guint               reconnect_id;
  guint               backoff_ms;

  /* The group of events being collected, and whether one is being applied (on a
   * worker thread: the engine's lock may be held by a long HTTP request). */
  OtaMqttGroup       *group;
  GQueue             *sealed;       /* OtaMqttGroup: closed, waiting for their turn */
  gboolean            applying;
  guint               flush_id;

  /* "pk/dn" → the last progress passed on ("module\nstep\ndesc"). Main thread. */
  GHashTable         *last_progress;

  OtaMqttBridgeStats  stats;
};

/* A firmware/get request waiting for its group. */
typedef struct {
  char     *product_key;
  char     *device_name;
  char     *module;     /* nullable: any */
  JsonNode *id;         /* nullable */
} OtaMqttPendingGet;

/* A message for a device, made on any thread and published on the main one. */
typedef struct {
  char *topic;
  char *payload;
  char *device;         /* nullable: "pk/dn", whose progress is news again */
} OtaMqttOutgoing;

/* ota-mqtt-bridge-notices.c */
void     ota_mqtt_pending_get_free       (gpointer       data);
void     ota_mqtt_outgoing_free          (gpointer       data);
/* "pk/dn": neither part can contain '/'. */
char    *ota_mqtt_device_key             (const char    *product_key,
                                          const char    *device_name);
void     ota_mqtt_bridge_link_iface_init (OtaDeviceLinkInterface *iface);
/* Main thread. */
void     ota_mqtt_bridge_publish_outgoing (OtaMqttBridge   *self,
                                           OtaMqttOutgoing *out);
/* Worker thread. Before a group is applied: the tries that were sent and have not
 * started, of the devices that come online in it (@presence: "pk/dn" → online + 1);
 * returns "pk/dn" → OtaUpgradeNotice. After: those still the same try and still not
 * started go out again (appended to @resent as OtaMqttOutgoing), so a notice the group
 * itself caused is never sent twice. Then the answers to firmware/get. */
GHashTable *ota_mqtt_bridge_find_unstarted (OtaMqttBridge *self,
                                            GHashTable    *presence);
void     ota_mqtt_bridge_find_resends    (OtaMqttBridge *self,
                                          GHashTable    *unstarted,
                                          GPtrArray     *resent);
void     ota_mqtt_bridge_answer_requests (OtaMqttBridge *self,
                                          GPtrArray     *requests,
                                          GPtrArray     *replies);

/* ota-mqtt-bridge-events.c */
void     ota_mqtt_bridge_init_events     (OtaMqttBridge *self);
void     ota_mqtt_bridge_clear_events    (OtaMqttBridge *self);
void     ota_mqtt_bridge_receive         (OtaMqttBridge *self,
                                          const char    *topic,
                                          const void    *payload,
                                          gsize          length);
/* The broker's view was (re)gained: every device offline until presence says otherwise.
 * Queued behind the events received so far. */
void     ota_mqtt_bridge_reset_presence  (OtaMqttBridge *self);
/* Waits (iterating the bridge's context) until no group is being applied. */
void     ota_mqtt_bridge_wait_applied    (OtaMqttBridge *self);

/* ota-mqtt-bridge.c: QoS 1, not retained; FALSE (logged) when it could not be queued. */
gboolean ota_mqtt_bridge_publish         (OtaMqttBridge *self,
                                          const char    *topic,
                                          const char    *payload);
void     ota_mqtt_bridge_emit_events_applied (OtaMqttBridge *self);

G_END_DECLS
