/* ota-broker-registry.h: who is connected, by client id and by device.
 *
 * The plugin needs the CURRENT client id of a device to deliver downlink
 * messages, and must tell a takeover (the device logged in again before its
 * old connection was closed) from a real disconnect. Pure logic, without
 * mosquitto, so it can be unit-tested.
 */
#pragma once

#include "ota-broker-login.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct _OtaBrokerRegistry OtaBrokerRegistry;

typedef enum
{
  OTA_BROKER_REGISTRY_OK,
  OTA_BROKER_REGISTRY_ID_TAKEN,
  OTA_BROKER_REGISTRY_NO_MEMORY,
} OtaBrokerRegistryResult;

OtaBrokerRegistry      *ota_broker_registry_new       (void);
void                    ota_broker_registry_free      (OtaBrokerRegistry *registry);

/**
 * ota_broker_registry_login:
 * @connection: the broker's handle of the connection; compared, never dereferenced
 * @client_id: its client id
 * @device: (nullable): the device that logged in, or %NULL for the OTA server
 * @kick_client_id: (out) (transfer full): set to the client id of the device's
 *   previous connection when that one is still open under ANOTHER client id:
 *   the caller closes it (one connection per device, as on Alibaba's cloud);
 *   %NULL otherwise. free() it.
 *
 * Makes @connection the device's current connection.
 *
 * Returns: OTA_BROKER_REGISTRY_ID_TAKEN if @client_id is in use by another
 *   device (or by the server, or a device's by the server): then nothing changed.
 */
OtaBrokerRegistryResult ota_broker_registry_login     (OtaBrokerRegistry     *registry,
                                                       const void            *connection,
                                                       const char            *client_id,
                                                       const OtaBrokerDevice *device,
                                                       char                 **kick_client_id);

/**
 * ota_broker_registry_logout:
 * @connection: the connection that closed
 * @client_id: (nullable): its client id
 * @device: (out): the device that went offline, when this returns true
 *
 * Forgets @connection. A connection that was replaced by a newer login of the
 * same device (a takeover) or that never logged in changes nothing.
 *
 * Returns: true if @connection was a device's current connection: the device
 *   is offline now.
 */
bool                    ota_broker_registry_logout    (OtaBrokerRegistry *registry,
                                                       const void        *connection,
                                                       const char        *client_id,
                                                       OtaBrokerDevice   *device);

/* Returns: (transfer none) (nullable): the client id of @device's current
 * connection, or NULL if it is offline. */
const char             *ota_broker_registry_lookup    (OtaBrokerRegistry     *registry,
                                                       const OtaBrokerDevice *device);

/**
 * ota_broker_registry_identify:
 * @connection: a connection
 * @client_id: (nullable): its client id
 * @is_device: (out): whether it is a device (else the OTA server)
 * @device: (out): the device, when it is one
 *
 * Access is granted to the connections this registry knows only: those that
 * logged in through the plugin and were not replaced since.
 *
 * Returns: whether @connection is a current connection.
 */
bool                    ota_broker_registry_identify  (OtaBrokerRegistry *registry,
                                                       const void        *connection,
                                                       const char        *client_id,
                                                       bool              *is_device,
                                                       OtaBrokerDevice   *device);

size_t                  ota_broker_registry_n_devices (OtaBrokerRegistry *registry);
