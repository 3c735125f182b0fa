/* ota-broker-supervisor.h — the OTA server's own mosquitto
 *
 * Unless the server is pointed at an external broker, it runs mosquitto itself with the
 * OTA plugin and a generated configuration, restarts it when it dies (with a growing
 * delay) and stops it on exit.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  const char *mosquitto;              /* nullable: $MOSQUITTO, PATH, /usr/sbin */
  const char *plugin;                 /* nullable: $OTA_BROKER_PLUGIN, build, installed */
  const char *state_dir;              /* the generated config and the log go here */
  const char *bind_address;           /* nullable: every address */
  guint16     port;                   /* 0: a free port, chosen once */
  const char *master_key_file;
  const char *server_username;
  const char *server_password_file;
} OtaBrokerConfig;

#define OTA_TYPE_BROKER_SUPERVISOR (ota_broker_supervisor_get_type ())
G_DECLARE_FINAL_TYPE (OtaBrokerSupervisor, ota_broker_supervisor, OTA, BROKER_SUPERVISOR, GObject)

OtaBrokerSupervisor *ota_broker_supervisor_new      (const OtaBrokerConfig  *config);
/* Finds mosquitto and the plugin, writes the config and starts the broker (without
 * waiting for it to listen: clients retry). */
gboolean             ota_broker_supervisor_start    (OtaBrokerSupervisor    *self,
                                                     GError                **error);
/* SIGTERM, and SIGKILL when it has not exited within a few seconds. */
void                 ota_broker_supervisor_stop     (OtaBrokerSupervisor    *self);
/* The port it listens on (chosen at start when configured as 0). */
guint16              ota_broker_supervisor_get_port (OtaBrokerSupervisor    *self);
/* How many times it was started (1 + restarts). */
guint                ota_broker_supervisor_get_starts (OtaBrokerSupervisor  *self);
/* (nullable): the running broker's process id, as text. */
const char          *ota_broker_supervisor_get_pid  (OtaBrokerSupervisor    *self);

G_END_DECLS
