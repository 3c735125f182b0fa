/* ota-broker-topics.h: which client may use which topic, and the internal
 * $ota/ topics between the broker plugin and the OTA server.
 *
 * Pure functions, without mosquitto, so they can be unit-tested.
 * docs/device-protocol.md lists the rules.
 */
#pragma once

#include "ota-broker-login.h"

#include <stdbool.h>
#include <stddef.h>

/* The server publishes "$ota/downlink/{pk}/{dn}" + the device's real topic. */
#define OTA_BROKER_DOWNLINK_PREFIX "$ota/downlink/"
/* The plugin publishes (retained) on "$ota/presence/{pk}/{dn}". */
#define OTA_BROKER_PRESENCE_PREFIX "$ota/presence/"

/* Devices: uplink topics (publish), downlink topics (subscribe and receive). */
bool  ota_broker_device_may_publish (const OtaBrokerDevice *device,
                                     const char            *topic);
bool  ota_broker_device_may_receive (const OtaBrokerDevice *device,
                                     const char            *topic);

/* The server: subscribes to uplink and presence topics (with "+" for the
 * product key, device name and uplink kind), receives them, and publishes on
 * the downlink topics only. */
bool  ota_broker_server_may_subscribe (const char *filter);
bool  ota_broker_server_may_receive   (const char *topic);
bool  ota_broker_server_may_publish   (const char *topic);

/**
 * ota_broker_parse_downlink:
 * @topic: a topic the server published on
 * @device: (out): the device it is for
 * @real_topic: (out) (transfer none): the topic to deliver it on, inside @topic
 *
 * Returns: true if @topic is "$ota/downlink/{pk}/{dn}{real topic}" and the
 *   real topic is one of that device's downlink topics.
 */
bool  ota_broker_parse_downlink (const char      *topic,
                                 OtaBrokerDevice *device,
                                 const char     **real_topic);

/* "{pk}/{dn}": the key the plugin tracks a device's connection by. */
void  ota_broker_device_key (const OtaBrokerDevice *device,
                             char                   key[OTA_BROKER_PRODUCT_KEY_MAX + 1 + OTA_BROKER_DEVICE_NAME_MAX + 1]);

/* Returns: (transfer full): "$ota/presence/{pk}/{dn}", to free(); NULL if out of memory. */
char *ota_broker_presence_topic (const OtaBrokerDevice *device);

/**
 * ota_broker_presence_payload:
 * @online: the new state
 * @client_id: the client id of the connection that came or went
 * @len: (out): the payload's length
 *
 * Returns: (transfer full): {"state":"online"|"offline","clientId":"…"}, to
 *   free(); NULL if out of memory.
 */
char *ota_broker_presence_payload (bool        online,
                                   const char *client_id,
                                   size_t     *len);
