/* ota-mqtt-bridge.h — the OTA server's MQTT side
 *
 * A libmosquitto client of the broker (with the OTA plugin) that logs in as the server,
 * turns what devices publish into engine events (R-E1..R-E3), applied in groups, and
 * delivers the engine's upgrade notices (R-E4) through the plugin's downlink envelope.
 * libmosquitto runs on the main context the bridge was created in; groups of events are
 * applied on a worker thread, like the HTTP side's engine calls.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

#define OTA_TYPE_MQTT_BRIDGE (ota_mqtt_bridge_get_type ())
G_DECLARE_FINAL_TYPE (OtaMqttBridge, ota_mqtt_bridge, OTA, MQTT_BRIDGE, GObject)

/* The download URL of a notice's firmware (the HTTP side signs it). Returns NULL when
 * there is none. Called on whichever thread runs the engine: it must be thread-safe. */
typedef char *(*OtaMqttUrlFunc) (const OtaUpgradeNotice *notice,
                                 gpointer                user_data);

typedef struct {
  guint64 messages;        /* device messages received */
  guint64 invalid;         /* … that could not be parsed */
  guint64 duplicates;      /* … progress repeating the last one, dropped */
  guint64 events;          /* events handed to the engine */
  guint64 rejected;        /* … that the engine refused (unknown device …) */
  guint64 batches;         /* ota_engine_apply_device_events() calls */
  guint64 notices;         /* notices published for the engine's pushes */
  guint64 resent;          /* notices sent again after a reconnect */
  guint64 get_replies;     /* firmware/get answers */
  guint64 connects;        /* successful logins to the broker */
} OtaMqttBridgeStats;

OtaMqttBridge *ota_mqtt_bridge_new           (OtaEngine          *engine,
                                              const char         *host,
                                              guint16             port,
                                              const char         *username,
                                              const char         *password);
void           ota_mqtt_bridge_set_url_func  (OtaMqttBridge      *self,
                                              OtaMqttUrlFunc      func,
                                              gpointer            user_data,
                                              GDestroyNotify      destroy);
/* Becomes the engine's device link and connects; reconnects by itself (with backoff)
 * until stopped. FALSE only for a setup error (no client could be made). */
gboolean       ota_mqtt_bridge_start         (OtaMqttBridge      *self,
                                              GError            **error);
/* Applies what is pending, disconnects and stops being the engine's device link (the
 * engine holds a reference to its link: stop before dropping the bridge). */
void           ota_mqtt_bridge_stop          (OtaMqttBridge      *self);
gboolean       ota_mqtt_bridge_get_connected (OtaMqttBridge      *self);
/* Applies the events collected so far now, instead of after the grouping delay, and
 * returns when they are applied (and their answers queued). */
void           ota_mqtt_bridge_flush         (OtaMqttBridge      *self);
void           ota_mqtt_bridge_get_stats     (OtaMqttBridge      *self,
                                              OtaMqttBridgeStats *stats);

G_END_DECLS
