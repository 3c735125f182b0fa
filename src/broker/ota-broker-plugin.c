/* ota-broker-plugin.c: a mosquitto 2.0 plugin that gives the broker what
 * Alibaba's IoT cloud gives devices: Alibaba-style logins, per-device topic
 * rights, delivery of downlink messages without a subscription, and
 * online/offline notices for the OTA server. See docs/device-protocol.md.
 *
 * mosquitto.conf:
 *   plugin /path/to/ota-broker-plugin.so
 *   plugin_opt_ota_master_key_file /etc/ota/master-key
 *   plugin_opt_ota_server_username ota-server
 *   plugin_opt_ota_server_password_file /etc/ota/server-password
 */
#include "ota-broker-login.h"
#include "ota-broker-registry.h"
#include "ota-broker-topics.h"
#include "ota-device-secret.h"

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The module is built with hidden visibility; only the plugin entry points are exported. */
#define OTA_PLUGIN_EXPORT __attribute__ ((visibility ("default")))

#define LOG_PREFIX "ota-broker-plugin: "

/* Key files hold one short line; anything longer is a wrong path. */
#define KEY_FILE_MAX 4096

/* What the options name, and what the files hold. */
typedef struct
{
  char *master_key_file;
  char *server_username;
  char *server_password_file;
  char *master_key;
  size_t master_key_len;
  char *server_password;
  size_t server_password_len;
} Config;

typedef struct
{
  mosquitto_plugin_id_t *id;
  Config config;
  OtaBrokerRegistry *registry;
} Plugin;

static void
config_clear (Config *config)
{
  if (config->master_key != NULL)
    memset (config->master_key, 0, config->master_key_len);
  if (config->server_password != NULL)
    memset (config->server_password, 0, config->server_password_len);
  free (config->master_key_file);
  free (config->server_username);
  free (config->server_password_file);
  free (config->master_key);
  free (config->server_password);
  memset (config, 0, sizeof *config);
}

/* Returns: the first line of @path, or NULL (logged) if unreadable or empty. */
static char *
read_key_file (const char *option,
               const char *path,
               size_t     *len)
{
  char buffer[KEY_FILE_MAX + 1];
  size_t n_read, line_len;
  char *key;
  FILE *file;

  file = fopen (path, "re");
  if (file == NULL)
    {
      mosquitto_log_printf (MOSQ_LOG_ERR, LOG_PREFIX "%s: cannot open %s: %s",
                            option, path, strerror (errno));
      return NULL;
    }
  n_read = fread (buffer, 1, sizeof buffer, file);
  fclose (file);

  line_len = ota_device_key_line_length (buffer, n_read);
  if (n_read > KEY_FILE_MAX || line_len == 0)
    {
      mosquitto_log_printf (MOSQ_LOG_ERR, LOG_PREFIX "%s: %s must hold one line of at most %d bytes",
                            option, path, KEY_FILE_MAX);
      memset (buffer, 0, sizeof buffer);
      return NULL;
    }

  key = malloc (line_len + 1);
  if (key != NULL)
    {
      memcpy (key, buffer, line_len);
      key[line_len] = '\0';
      *len = line_len;
    }
  memset (buffer, 0, sizeof buffer);

  return key;
}

/* Fills @config from the plugin_opt_ options; logs what is wrong. */
static bool
config_parse_options (Config                     *config,
                      const struct mosquitto_opt *options,
                      int                         n_options)
{
  const char *master_key_file = NULL, *password_file = NULL, *username = NULL;

  for (int i = 0; i < n_options; i++)
    {
      if (strcmp (options[i].key, "ota_master_key_file") == 0)
        master_key_file = options[i].value;
      else if (strcmp (options[i].key, "ota_server_username") == 0)
        username = options[i].value;
      else if (strcmp (options[i].key, "ota_server_password_file") == 0)
        password_file = options[i].value;
      else
        mosquitto_log_printf (MOSQ_LOG_WARNING, LOG_PREFIX "unknown option plugin_opt_%s ignored",
                              options[i].key);
    }

  if (master_key_file == NULL || password_file == NULL || username == NULL || username[0] == '\0')
    {
      mosquitto_log_printf (MOSQ_LOG_ERR, LOG_PREFIX "plugin_opt_ota_master_key_file, "
                            "plugin_opt_ota_server_username and plugin_opt_ota_server_password_file are required");
      return false;
    }

  config->master_key_file = strdup (master_key_file);
  config->server_username = strdup (username);
  config->server_password_file = strdup (password_file);

  return config->master_key_file != NULL && config->server_username != NULL &&
         config->server_password_file != NULL;
}

/* Reads the files that @config names. */
static bool
config_read_keys (Config *config)
{
  config->master_key = read_key_file ("ota_master_key_file", config->master_key_file,
                                      &config->master_key_len);
  config->server_password = read_key_file ("ota_server_password_file", config->server_password_file,
                                           &config->server_password_len);

  return config->master_key != NULL && config->server_password != NULL;
}

static void
publish_presence (const OtaBrokerDevice *device,
                  bool                   online,
                  const char            *client_id)
{
  char *topic = ota_broker_presence_topic (device);
  size_t len = 0;
  char *payload = ota_broker_presence_payload (online, client_id, &len);

  /* To every subscriber (the OTA server may run more than one connection),
   * retained so that a server that (re)subscribes learns every device's state. */
  if (topic == NULL || payload == NULL ||
      mosquitto_broker_publish_copy (NULL, topic, (int) len, payload, 1, true, NULL) != MOSQ_ERR_SUCCESS)
    mosquitto_log_printf (MOSQ_LOG_ERR, LOG_PREFIX "could not publish presence of %s/%s",
                          device->product_key, device->device_name);
  free (topic);
  free (payload);
}

static bool
is_server_login (const Plugin *plugin,
                 const char   *username,
                 const char   *password)
{
  if (username == NULL || strcmp (username, plugin->config.server_username) != 0)
    return false;

  return password != NULL &&
         ota_broker_secret_equal (password, strlen (password),
                                  plugin->config.server_password, plugin->config.server_password_len);
}

/* mosquitto checks every open connection again when it reloads its
 * configuration (SIGHUP): such a connection is already registered, and must
 * not be reported online twice. */
static bool
is_open_connection (Plugin                *plugin,
                    const struct mosquitto *client,
                    const char            *client_id,
                    const OtaBrokerDevice *device)
{
  OtaBrokerDevice known;
  bool is_device = false;

  if (!ota_broker_registry_identify (plugin->registry, client, client_id, &is_device, &known))
    return false;
  if (device == NULL || !is_device)
    return device == NULL && !is_device;

  return strcmp (known.product_key, device->product_key) == 0 &&
         strcmp (known.device_name, device->device_name) == 0;
}

static int
on_basic_auth (int   event,
               void *event_data,
               void *user_data)
{
  struct mosquitto_evt_basic_auth *data = event_data;
  Plugin *plugin = user_data;
  const char *client_id = mosquitto_client_id (data->client);
  const char *address = mosquitto_client_address (data->client);
  OtaBrokerRegistryResult registered;
  OtaBrokerLoginResult result;
  OtaBrokerDevice device;
  char *kick_client_id = NULL;

  if (client_id == NULL)
    return MOSQ_ERR_AUTH;

  if (data->username != NULL && strcmp (data->username, plugin->config.server_username) == 0)
    {
      if (!is_server_login (plugin, data->username, data->password))
        {
          mosquitto_log_printf (MOSQ_LOG_NOTICE, LOG_PREFIX "refused server login from %s: wrong password",
                                address != NULL ? address : "?");
          return MOSQ_ERR_AUTH;
        }
      if (is_open_connection (plugin, data->client, client_id, NULL))
        return MOSQ_ERR_SUCCESS;
      registered = ota_broker_registry_login (plugin->registry, data->client, client_id, NULL, &kick_client_id);
      if (registered != OTA_BROKER_REGISTRY_OK)
        {
          mosquitto_log_printf (MOSQ_LOG_NOTICE, LOG_PREFIX "refused server login as %s: client id in use by a device",
                                client_id);
          return MOSQ_ERR_AUTH;
        }
      return MOSQ_ERR_SUCCESS;
    }

  result = ota_broker_check_device_login (plugin->config.master_key, plugin->config.master_key_len,
                                          client_id, data->username, data->password, &device);
  if (result != OTA_BROKER_LOGIN_OK)
    {
      mosquitto_log_printf (MOSQ_LOG_NOTICE, LOG_PREFIX "refused login of %s from %s: %s",
                            data->username != NULL ? data->username : "(no username)",
                            address != NULL ? address : "?",
                            ota_broker_login_result_describe (result));
      return MOSQ_ERR_AUTH;
    }

  if (is_open_connection (plugin, data->client, client_id, &device))
    return MOSQ_ERR_SUCCESS;

  registered = ota_broker_registry_login (plugin->registry, data->client, client_id, &device, &kick_client_id);
  if (registered != OTA_BROKER_REGISTRY_OK)
    {
      mosquitto_log_printf (MOSQ_LOG_NOTICE, LOG_PREFIX "refused login of %s: %s",
                            data->username,
                            registered == OTA_BROKER_REGISTRY_ID_TAKEN
                              ? "its client id is in use by another device or the server"
                              : "out of memory");
      return MOSQ_ERR_AUTH;
    }

  publish_presence (&device, true, client_id);

  /* The device logged in again under a new client id while its old connection
   * is still open: close the old one. Its disconnect then reports nothing,
   * because it is no longer the device's current connection. */
  if (kick_client_id != NULL)
    {
      mosquitto_log_printf (MOSQ_LOG_INFO, LOG_PREFIX "%s/%s logged in again as %s: closing %s",
                            device.product_key, device.device_name, client_id, kick_client_id);
      mosquitto_kick_client_by_clientid (kick_client_id, false);
      free (kick_client_id);
    }

  return MOSQ_ERR_SUCCESS;
}

static int
on_acl_check (int   event,
              void *event_data,
              void *user_data)
{
  struct mosquitto_evt_acl_check *data = event_data;
  Plugin *plugin = user_data;
  OtaBrokerDevice device;
  bool is_device = false;
  bool allowed;

  if (!ota_broker_registry_identify (plugin->registry, data->client, mosquitto_client_id (data->client),
                                     &is_device, &device))
    return MOSQ_ERR_ACL_DENIED;

  switch (data->access)
    {
    case MOSQ_ACL_SUBSCRIBE:
      allowed = is_device ? ota_broker_device_may_receive (&device, data->topic)
                          : ota_broker_server_may_subscribe (data->topic);
      break;
    case MOSQ_ACL_READ:
      allowed = is_device ? ota_broker_device_may_receive (&device, data->topic)
                          : ota_broker_server_may_receive (data->topic);
      break;
    case MOSQ_ACL_WRITE:
      /* No retained uplinks: a server that subscribes again would get stale
       * reports replayed. Alibaba's cloud does not keep them either. */
      allowed = is_device ? !data->retain && ota_broker_device_may_publish (&device, data->topic)
                          : ota_broker_server_may_publish (data->topic);
      break;
    case MOSQ_ACL_UNSUBSCRIBE:
      allowed = true;
      break;
    default:
      allowed = false;
      break;
    }

  return allowed ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
}

static int
on_message (int   event,
            void *event_data,
            void *user_data)
{
  struct mosquitto_evt_message *data = event_data;
  Plugin *plugin = user_data;
  const char *device_client_id;
  const char *real_topic;
  OtaBrokerDevice device;
  bool is_device = true;
  int rc;

  if (strncmp (data->topic, OTA_BROKER_DOWNLINK_PREFIX, strlen (OTA_BROKER_DOWNLINK_PREFIX)) != 0)
    return MOSQ_ERR_SUCCESS;

  /* The ACL lets only the server write here; check again, it costs nothing.
   * Every outcome below denies the internal message its normal delivery. */
  if (!ota_broker_registry_identify (plugin->registry, data->client, mosquitto_client_id (data->client),
                                     &is_device, &device) ||
      is_device ||
      !ota_broker_parse_downlink (data->topic, &device, &real_topic))
    return MOSQ_ERR_ACL_DENIED;

  device_client_id = ota_broker_registry_lookup (plugin->registry, &device);
  if (device_client_id == NULL)
    {
      /* The server pushes again when the device comes online. */
      mosquitto_log_printf (MOSQ_LOG_DEBUG, LOG_PREFIX "%s/%s is offline: dropped a message on %s",
                            device.product_key, device.device_name, real_topic);
      return MOSQ_ERR_ACL_DENIED;
    }

  /* Alibaba's cloud offers QoS 0 and 1 only. */
  rc = mosquitto_broker_publish_copy (device_client_id, real_topic, (int) data->payloadlen, data->payload,
                                      data->qos > 1 ? 1 : data->qos, false, NULL);
  if (rc != MOSQ_ERR_SUCCESS)
    mosquitto_log_printf (MOSQ_LOG_ERR, LOG_PREFIX "could not deliver %s to %s: %s",
                          real_topic, device_client_id, mosquitto_strerror (rc));

  return MOSQ_ERR_ACL_DENIED;
}

static int
on_disconnect (int   event,
               void *event_data,
               void *user_data)
{
  struct mosquitto_evt_disconnect *data = event_data;
  Plugin *plugin = user_data;
  const char *client_id = mosquitto_client_id (data->client);
  OtaBrokerDevice device;

  if (ota_broker_registry_logout (plugin->registry, data->client, client_id, &device))
    publish_presence (&device, false, client_id);

  return MOSQ_ERR_SUCCESS;
}

/* On SIGHUP: read the key files again, so keys can be changed without a
 * restart; mosquitto then checks every open connection against them.
 * mosquitto 2.0 passes no options with the event: then the files named at
 * start-up are read again. */
static int
on_reload (int   event,
           void *event_data,
           void *user_data)
{
  struct mosquitto_evt_reload *data = event_data;
  Plugin *plugin = user_data;
  Config config = { 0 };
  bool ok;

  if (data->options != NULL && data->option_count > 0)
    ok = config_parse_options (&config, data->options, data->option_count);
  else
    ok = (config.master_key_file = strdup (plugin->config.master_key_file)) != NULL &&
         (config.server_username = strdup (plugin->config.server_username)) != NULL &&
         (config.server_password_file = strdup (plugin->config.server_password_file)) != NULL;

  if (!ok || !config_read_keys (&config))
    {
      config_clear (&config);
      mosquitto_log_printf (MOSQ_LOG_ERR, LOG_PREFIX "reload failed: keeping the previous keys");
      return MOSQ_ERR_SUCCESS;
    }
  config_clear (&plugin->config);
  plugin->config = config;
  mosquitto_log_printf (MOSQ_LOG_INFO, LOG_PREFIX "key files read again");

  return MOSQ_ERR_SUCCESS;
}

static const struct
{
  int event;
  MOSQ_FUNC_generic_callback callback;
} callbacks[] = {
  { MOSQ_EVT_BASIC_AUTH, on_basic_auth },
  { MOSQ_EVT_ACL_CHECK, on_acl_check },
  { MOSQ_EVT_MESSAGE, on_message },
  { MOSQ_EVT_DISCONNECT, on_disconnect },
  { MOSQ_EVT_RELOAD, on_reload },
};

#define N_CALLBACKS (sizeof callbacks / sizeof callbacks[0])

static void
plugin_free (Plugin *plugin)
{
  for (size_t i = 0; i < N_CALLBACKS; i++)
    mosquitto_callback_unregister (plugin->id, callbacks[i].event, callbacks[i].callback, NULL);
  ota_broker_registry_free (plugin->registry);
  config_clear (&plugin->config);
  free (plugin);
}

OTA_PLUGIN_EXPORT int
mosquitto_plugin_version (int        supported_version_count,
                          const int *supported_versions)
{
  for (int i = 0; i < supported_version_count; i++)
    if (supported_versions[i] == MOSQ_PLUGIN_VERSION)
      return MOSQ_PLUGIN_VERSION;

  return -1;
}

OTA_PLUGIN_EXPORT int
mosquitto_plugin_init (mosquitto_plugin_id_t *identifier,
                       void                 **user_data,
                       struct mosquitto_opt  *options,
                       int                    option_count)
{
  Plugin *plugin = calloc (1, sizeof *plugin);

  if (plugin == NULL)
    return MOSQ_ERR_NOMEM;
  plugin->id = identifier;

  if (!config_parse_options (&plugin->config, options, option_count) ||
      !config_read_keys (&plugin->config))
    {
      config_clear (&plugin->config);
      free (plugin);
      return MOSQ_ERR_INVAL;
    }

  plugin->registry = ota_broker_registry_new ();
  if (plugin->registry == NULL)
    {
      config_clear (&plugin->config);
      free (plugin);
      return MOSQ_ERR_NOMEM;
    }

  for (size_t i = 0; i < N_CALLBACKS; i++)
    {
      int rc = mosquitto_callback_register (identifier, callbacks[i].event, callbacks[i].callback,
                                            NULL, plugin);

      if (rc != MOSQ_ERR_SUCCESS)
        {
          mosquitto_log_printf (MOSQ_LOG_ERR, LOG_PREFIX "cannot register callback %d: %s",
                                callbacks[i].event, mosquitto_strerror (rc));
          plugin_free (plugin);
          return rc;
        }
    }

  *user_data = plugin;
  mosquitto_log_printf (MOSQ_LOG_INFO, LOG_PREFIX "ready; the OTA server logs in as %s",
                        plugin->config.server_username);

  return MOSQ_ERR_SUCCESS;
}

OTA_PLUGIN_EXPORT int
mosquitto_plugin_cleanup (void                 *user_data,
                          struct mosquitto_opt *options,
                          int                   option_count)
{
  if (user_data != NULL)
    plugin_free (user_data);

  return MOSQ_ERR_SUCCESS;
}
