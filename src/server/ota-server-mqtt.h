/* ota-server-mqtt.h — the device side of ota-server: its own broker (or an external
 * one), the MQTT bridge, the key files, and the "device-secret" command
 *
 * Key files live beside the database: "master-key" (device secrets are derived from it)
 * and "server-password" (the server's broker login), made at the first start. The
 * broker's generated config and log go to "broker/" there.
 */
#pragma once

#include "ota-broker-supervisor.h"
#include "ota-mqtt-bridge.h"
#include "ota-server.h"

G_BEGIN_DECLS

#define OTA_SERVER_MQTT_USERNAME "ota-server"
#define OTA_SERVER_MQTT_DEFAULT_PORT 1883

typedef struct {
  const char *db_path;
  const char *master_key_file;   /* nullable: "master-key" beside the database */
  const char *broker_url;        /* nullable: run our own broker; else mqtt://HOST:PORT */
  int         mqtt_port;         /* our broker's port; -1: 1883, 0: any free one */
  const char *listen;            /* our broker listens on this address too */
  const char *public_host;       /* nullable: the host in download URLs (else @listen,
                                  * or the host name when @listen is a wildcard) */
} OtaServerMqttOptions;

typedef struct _OtaServerMqtt OtaServerMqtt;

/* Starts the broker (unless @broker_url) and the bridge; the bridge keeps trying to
 * connect. NULL with @error when a key file or the broker cannot be set up. */
OtaServerMqtt *ota_server_mqtt_start (OtaServer                   *server,
                                      const OtaServerMqttOptions  *options,
                                      GError                     **error);
/* Stops the bridge and our broker, and frees @mqtt. */
void           ota_server_mqtt_stop  (OtaServerMqtt               *mqtt);

/* (transfer none): the bridge, for its statistics and "events-applied". */
OtaMqttBridge       *ota_server_mqtt_get_bridge     (OtaServerMqtt *mqtt);
/* (transfer none) (nullable): our broker's supervisor; NULL with an external broker. */
OtaBrokerSupervisor *ota_server_mqtt_get_supervisor (OtaServerMqtt *mqtt);

/* "device-secret PRODUCT DEVICE": prints the device's secret. @argv: the command and
 * its arguments. Returns the exit code (0, 1 failed, 2 usage). */
int            ota_server_cli_device_secret (const char  *db_path,
                                             const char  *master_key_file,
                                             int          argc,
                                             char       **argv);

G_END_DECLS
