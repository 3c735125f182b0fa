/* ota-server-mqtt.c — wires the device side into ota-server
 *
 * The bridge's notices get download URLs from the HTTP side (signed, with an explicit
 * port, for the host devices can reach); its device events re-arm the HTTP side's
 * scheduler, so a first progress report's timeout or a retry is waited for.
 */
#include <glib/gi18n-lib.h>

#include "ota-broker-supervisor.h"
#include "ota-key-file.h"
#include "ota-mqtt-bridge.h"
#include "ota-server-mqtt.h"
#include "ota-server-private.h"

/* A download URL stays valid this long: a slow device resumes with the same URL. */
#define DOWNLOAD_URL_LIFETIME G_TIME_SPAN_DAY

struct _OtaServerMqtt
{
  OtaServer           *server;
  OtaMqttBridge       *bridge;
  OtaBrokerSupervisor *supervisor;   /* nullable: an external broker */
  char                *public_host;
  gulong               applied_id;

  /* firmware id → OtaFirmware: URLs are made on any thread, often for one firmware. */
  GMutex               lock;
  GHashTable          *firmwares;
};

static char *
dir_of_db (const char *db_path)
{
  return g_path_get_dirname (db_path);
}

static char *
master_key_path (const char *db_path,
                 const char *configured)
{
  g_autofree char *dir = dir_of_db (db_path);

  return configured != NULL ? g_strdup (configured) : g_build_filename (dir, "master-key", NULL);
}

/* Runs on whichever thread the engine pushes from. */
static char *
make_url (const OtaUpgradeNotice *notice,
          gpointer                user_data)
{
  OtaServerMqtt *mqtt = user_data;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&mqtt->lock);
  firmware = g_hash_table_lookup (mqtt->firmwares, &notice->firmware_id);
  if (firmware != NULL)
    g_object_ref (firmware);
  g_mutex_unlock (&mqtt->lock);

  if (firmware == NULL)
    {
      firmware = ota_engine_get_firmware (ota_server_get_engine (mqtt->server), notice->firmware_id, &error);
      if (firmware == NULL)
        {
          g_warning ("Cannot read firmware %" G_GINT64_FORMAT ": %s", notice->firmware_id, error->message);
          return NULL;
        }
      g_mutex_lock (&mqtt->lock);
      g_hash_table_replace (mqtt->firmwares, g_memdup2 (&notice->firmware_id, sizeof (gint64)),
                            g_object_ref (firmware));
      g_mutex_unlock (&mqtt->lock);
    }

  return ota_server_make_download_url (mqtt->server, firmware, mqtt->public_host,
                                       ota_server_get_port (mqtt->server), DOWNLOAD_URL_LIFETIME);
}

static void
on_events_applied (OtaMqttBridge *bridge,
                   OtaServerMqtt *mqtt)
{
  ota_server_scheduler_rearm (mqtt->server);
}

static gboolean
parse_broker_url (const char  *url,
                  char       **host,
                  int         *port,
                  GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "mqtt") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--broker-url must look like mqtt://HOST:PORT, not “%s”"), url);
      return FALSE;
    }
  *host = g_strdup (g_uri_get_host (uri));
  *port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : OTA_SERVER_MQTT_DEFAULT_PORT;
  return TRUE;
}

static gboolean
is_wildcard (const char *address)
{
  return g_strcmp0 (address, "0.0.0.0") == 0 || g_strcmp0 (address, "::") == 0;
}

OtaServerMqtt *
ota_server_mqtt_start (OtaServer                   *server,
                       const OtaServerMqttOptions  *options,
                       GError                     **error)
{
  g_autofree char *dir = dir_of_db (options->db_path);
  g_autofree char *master_key_file = master_key_path (options->db_path, options->master_key_file);
  g_autofree char *password_file = g_build_filename (dir, "server-password", NULL);
  g_autofree char *password = NULL;
  g_autofree char *host = NULL;
  OtaServerMqtt *mqtt;
  int port;

  if (!ota_key_file_ensure (master_key_file, error) || !ota_key_file_ensure (password_file, error) ||
      (password = ota_key_file_read (password_file, error)) == NULL)
    return NULL;

  mqtt = g_new0 (OtaServerMqtt, 1);
  mqtt->server = g_object_ref (server);
  g_mutex_init (&mqtt->lock);
  mqtt->firmwares = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  mqtt->public_host = g_strdup (options->public_host != NULL ? options->public_host
                                : !is_wildcard (options->listen) ? options->listen
                                : g_get_host_name ());

  if (options->broker_url != NULL)
    {
      if (!parse_broker_url (options->broker_url, &host, &port, error))
        {
          ota_server_mqtt_stop (mqtt);
          return NULL;
        }
      g_message ("Using the broker at %s:%d; its plugin needs ota_master_key_file %s, "
                 "ota_server_username %s and ota_server_password_file %s",
                 host, port, master_key_file, OTA_SERVER_MQTT_USERNAME, password_file);
    }
  else
    {
      g_autofree char *broker_dir = g_build_filename (dir, "broker", NULL);
      OtaBrokerConfig config = {
        .state_dir = broker_dir,
        .bind_address = is_wildcard (options->listen) ? NULL : options->listen,
        .port = (guint16) (options->mqtt_port < 0 ? OTA_SERVER_MQTT_DEFAULT_PORT : options->mqtt_port),
        .master_key_file = master_key_file,
        .server_username = OTA_SERVER_MQTT_USERNAME,
        .server_password_file = password_file,
      };

      mqtt->supervisor = ota_broker_supervisor_new (&config);
      if (!ota_broker_supervisor_start (mqtt->supervisor, error))
        {
          ota_server_mqtt_stop (mqtt);
          return NULL;
        }
      host = g_strdup (is_wildcard (options->listen) ? "127.0.0.1" : options->listen);
      port = ota_broker_supervisor_get_port (mqtt->supervisor);
    }

  mqtt->bridge = ota_mqtt_bridge_new (ota_server_get_engine (server), host, (guint16) port,
                                      OTA_SERVER_MQTT_USERNAME, password);
  ota_mqtt_bridge_set_url_func (mqtt->bridge, make_url, mqtt, NULL);
  mqtt->applied_id = g_signal_connect (mqtt->bridge, "events-applied", G_CALLBACK (on_events_applied), mqtt);
  if (!ota_mqtt_bridge_start (mqtt->bridge, error))
    {
      ota_server_mqtt_stop (mqtt);
      return NULL;
    }

  g_message ("Devices: MQTT broker %s:%d, downloads from %s", host, port, mqtt->public_host);
  return mqtt;
}

void
ota_server_mqtt_stop (OtaServerMqtt *mqtt)
{
  if (mqtt == NULL)
    return;

  if (mqtt->bridge != NULL)
    {
      ota_mqtt_bridge_stop (mqtt->bridge);
      g_clear_signal_handler (&mqtt->applied_id, mqtt->bridge);
      g_clear_object (&mqtt->bridge);
    }
  if (mqtt->supervisor != NULL)
    {
      ota_broker_supervisor_stop (mqtt->supervisor);
      g_clear_object (&mqtt->supervisor);
    }
  g_hash_table_unref (mqtt->firmwares);
  g_mutex_clear (&mqtt->lock);
  g_free (mqtt->public_host);
  g_object_unref (mqtt->server);
  g_free (mqtt);
}

OtaMqttBridge *
ota_server_mqtt_get_bridge (OtaServerMqtt *mqtt)
{
  g_return_val_if_fail (mqtt != NULL, NULL);
  return mqtt->bridge;
}

OtaBrokerSupervisor *
ota_server_mqtt_get_supervisor (OtaServerMqtt *mqtt)
{
  g_return_val_if_fail (mqtt != NULL, NULL);
  return mqtt->supervisor;
}

int
ota_server_cli_device_secret (const char  *db_path,
                              const char  *master_key_file,
                              int          argc,
                              char       **argv)
{
  g_autofree char *path = master_key_path (db_path, master_key_file);
  g_autofree char *master_key = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 3)
    {
      g_printerr (_("Usage: ota-server [--db PATH] [--master-key FILE] device-secret PRODUCT DEVICE\n"));
      return 2;
    }
  /* Devices may be provisioned before the server first runs: the key is made then. */
  if (!ota_validate_product_key (argv[1], &error) || !ota_validate_device_name (argv[2], &error) ||
      !ota_key_file_ensure (path, &error) || (master_key = ota_key_file_read (path, &error)) == NULL)
    {
      g_printerr ("ota-server: %s\n", error->message);
      return 1;
    }

  secret = ota_key_derive_device_secret (master_key, argv[1], argv[2]);
  if (secret == NULL)
    {
      g_printerr (_("ota-server: cannot derive the secret\n"));
      return 1;
    }
  g_print ("%s\n", secret);
  return 0;
}
