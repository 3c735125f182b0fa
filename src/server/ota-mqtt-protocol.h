/* ota-mqtt-protocol.h — the device messages of Alibaba's OTA protocol: topics, the
 * JSON devices send (version reports, progress, firmware/get) and the JSON they get
 * (upgrade notices, firmware/get replies)
 *
 * Pure functions without a connection, so the exact bytes can be tested alone. See
 * docs/device-protocol.md for the formats.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <ota.h>

G_BEGIN_DECLS

typedef enum {
  OTA_MQTT_TOPIC_OTHER,
  OTA_MQTT_TOPIC_INFORM,         /* /ota/device/inform/{pk}/{dn} */
  OTA_MQTT_TOPIC_PROGRESS,       /* /ota/device/progress/{pk}/{dn} */
  OTA_MQTT_TOPIC_FIRMWARE_GET,   /* /sys/{pk}/{dn}/thing/ota/firmware/get */
  OTA_MQTT_TOPIC_PRESENCE,       /* $ota/presence/{pk}/{dn} (the broker plugin) */
} OtaMqttTopicKind;

/* The topic filters the server subscribes to. */
extern const char * const ota_mqtt_server_filters[];

/* What @topic is, and whose: @product_key and @device_name (transfer full) are set for
 * every kind but OTHER. */
OtaMqttTopicKind ota_mqtt_parse_topic (const char  *topic,
                                       char       **product_key,
                                       char       **device_name);

/* The envelope the plugin delivers to the device alone:
 * "$ota/downlink/{pk}/{dn}" + "/ota/device/upgrade/{pk}/{dn}" (or firmware/get_reply). */
char *ota_mqtt_notice_topic    (const char *product_key,
                                const char *device_name);
char *ota_mqtt_get_reply_topic (const char *product_key,
                                const char *device_name);

/* A device's message, parsed. Strings are owned by the struct. */
typedef struct {
  char     *version;       /* inform */
  char     *module;        /* inform, progress, firmware/get: NULL when missing */
  int       step;          /* progress */
  char     *description;   /* progress: NULL when missing */
  gboolean  online;        /* presence */
  JsonNode *id;            /* firmware/get: the request's id, echoed in the reply */
} OtaMqttUplink;

void     ota_mqtt_uplink_clear (OtaMqttUplink    *uplink);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OtaMqttUplink, ota_mqtt_uplink_clear)

/* Parses @payload of a message on a topic of @kind. Lenient where the SDKs differ (id
 * number or string, step string or number, module missing), strict on the rest. */
gboolean ota_mqtt_parse_uplink (OtaMqttTopicKind  kind,
                                const void       *payload,
                                gsize             length,
                                OtaMqttUplink    *uplink,
                                GError          **error);

/* The upgrade notice (R-E4), compact and in the member order the SDKs were tested
 * with; @url is the signed download URL. Its id is the send time in milliseconds. */
char *ota_mqtt_format_notice    (const OtaUpgradeNotice *notice,
                                 const char             *url);
/* The answer to firmware/get: the same data as the notice, or "data":{} when @notice is
 * NULL (nothing to upgrade). @id: the request's id (nullable). */
char *ota_mqtt_format_get_reply (const OtaUpgradeNotice *notice,
                                 const char             *url,
                                 JsonNode               *id);

G_END_DECLS
