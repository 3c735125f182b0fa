/* devsim-device.c — one simulated device: its MQTT connection and its reports
 *
 * Credentials as the Link SDK 4.x makes them: client id "{pk}.{dn}|timestamp=…,_ss=1,
 * _v=sdk-c-4.1.0,securemode=3,signmethod=hmacsha256,ext=3,|" (plain TCP), user name
 * "{dn}&{pk}", password HMAC-SHA256 over the sign content with the derived device secret.
 * No subscriptions: the broker delivers the device's notices without one.
 */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ota-device-secret.h"
#include "ota-devsim.h"
#include "ota-mosquitto-source.h"

/* The fixed timestamp the SDKs sign (docs/device-protocol.md). */
#define SDK_TIMESTAMP "2524608000000"
#define KEEPALIVE_SECONDS 60
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS (30 * 1000)

static void schedule_reconnect (DevsimDevice *device);

static void
publish_json (DevsimDevice *device,
              const char   *kind,
              JsonBuilder  *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *payload = json_to_string (root, FALSE);
  g_autofree char *topic = g_strdup_printf ("/ota/device/%s/%s/%s", kind, device->fleet->config.product_key,
                                            device->name);

  if (!device->connected)
    return;
  /* QoS 0 like the SDKs: a report lost with a connection is simply lost. */
  mosquitto_publish (device->mosq, NULL, topic, (int) strlen (payload), payload, 0, false);
}

static void
begin_message (DevsimDevice *device,
               JsonBuilder  *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, ++device->message_id);
  json_builder_set_member_name (builder, "params");
  json_builder_begin_object (builder);
}

void
devsim_device_inform (DevsimDevice *device)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  const char *module = device->fleet->config.module;

  begin_message (device, builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, device->version);
  /* The default module's version is reported without one, as the SDKs do. */
  if (module != NULL && g_strcmp0 (module, "default") != 0)
    {
      json_builder_set_member_name (builder, "module");
      json_builder_add_string_value (builder, module);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  publish_json (device, "inform", builder);
}

void
devsim_device_progress (DevsimDevice *device,
                        int           step,
                        const char   *description,
                        const char   *module)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *step_text = g_strdup_printf ("%d", step);

  begin_message (device, builder);
  /* A string, as Link SDK 4.x sends it. */
  json_builder_set_member_name (builder, "step");
  json_builder_add_string_value (builder, step_text);
  json_builder_set_member_name (builder, "desc");
  json_builder_add_string_value (builder, description != NULL ? description : "");
  if (module != NULL)
    {
      json_builder_set_member_name (builder, "module");
      json_builder_add_string_value (builder, module);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  publish_json (device, "progress", builder);
}

static void
on_connect (struct mosquitto *mosq,
            void             *user_data,
            int               rc)
{
  DevsimDevice *device = user_data;

  if (rc != 0)
    {
      g_warning ("%s: the broker refused the login: %s", device->name, mosquitto_connack_string (rc));
      return;
    }

  device->connected = TRUE;
  device->backoff_ms = BACKOFF_MIN_MS;
  device->fleet->stats.connected++;
  /* The SDK's application reports its version after every connect. */
  devsim_device_inform (device);
}

static void
lost (struct mosquitto *mosq,
      int               rc,
      gpointer          user_data)
{
  DevsimDevice *device = user_data;

  if (device->connected)
    device->fleet->stats.connected--;
  device->connected = FALSE;
  schedule_reconnect (device);
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *user_data,
               int               rc)
{
  DevsimDevice *device = user_data;

  /* rc 0: our own disconnect (a reboot), which schedules its own reconnect. */
  if (rc == 0)
    {
      if (device->connected)
        device->fleet->stats.connected--;
      device->connected = FALSE;
      return;
    }
  lost (mosq, rc, device);
}

static void
on_message (struct mosquitto               *mosq,
            void                           *user_data,
            const struct mosquitto_message *message)
{
  DevsimDevice *device = user_data;

  if (g_str_has_prefix (message->topic, "/ota/device/upgrade/"))
    devsim_job_start (device, message->payload, message->payloadlen > 0 ? (gsize) message->payloadlen : 0);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  DevsimDevice *device = user_data;

  device->reconnect_id = 0;
  devsim_device_connect (device);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (DevsimDevice *device)
{
  guint delay;

  if (device->reconnect_id != 0)
    return;

  /* Jitter: a fleet that lost its broker must not come back all in one instant. */
  delay = device->backoff_ms + g_rand_int_range (device->rand, 0, (gint32) device->backoff_ms);
  device->reconnect_id = g_timeout_add (delay, reconnect_cb, device);
  device->backoff_ms = MIN (device->backoff_ms * 2, BACKOFF_MAX_MS);
}

void
devsim_device_connect (DevsimDevice *device)
{
  const DevsimConfig *config = &device->fleet->config;
  int rc;

  g_clear_handle_id (&device->reconnect_id, g_source_remove);
  rc = mosquitto_connect_async (device->mosq, config->broker_host, config->broker_port, KEEPALIVE_SECONDS);
  if (rc != MOSQ_ERR_SUCCESS)
    schedule_reconnect (device);
}

static gboolean
reboot_done (gpointer user_data)
{
  DevsimDevice *device = user_data;

  device->reconnect_id = 0;
  devsim_device_connect (device);
  return G_SOURCE_REMOVE;
}

void
devsim_device_reboot (DevsimDevice *device,
                      guint         delay_ms)
{
  g_clear_handle_id (&device->reconnect_id, g_source_remove);
  mosquitto_disconnect (device->mosq);
  if (device->connected)
    device->fleet->stats.connected--;
  device->connected = FALSE;
  device->reconnect_id = g_timeout_add (delay_ms, reboot_done, device);
}

DevsimDevice *
devsim_device_new (DevsimFleet  *fleet,
                   guint         index,
                   GError      **error)
{
  const DevsimConfig *config = &fleet->config;
  DevsimDevice *device = g_new0 (DevsimDevice, 1);
  char secret[OTA_DEVICE_SECRET_LEN + 1];
  char password[OTA_DEVICE_PASSWORD_LEN + 1];
  g_autofree char *sign_id = NULL;

  device->fleet = fleet;
  device->index = index;
  device->name = g_strdup_printf ("%s-%05u", config->prefix, index + 1);
  device->version = g_strdup (config->version);
  device->rand = g_rand_new_with_seed (config->seed * 2654435761u + index);
  device->backoff_ms = BACKOFF_MIN_MS;

  sign_id = g_strdup_printf ("%s.%s", config->product_key, device->name);
  device->client_id = g_strdup_printf ("%s|timestamp=" SDK_TIMESTAMP ",_ss=1,_v=sdk-c-4.1.0,"
                                       "securemode=3,signmethod=hmacsha256,ext=3,|", sign_id);
  device->username = g_strdup_printf ("%s&%s", device->name, config->product_key);
  if (ota_device_secret_derive (config->master_key, strlen (config->master_key), config->product_key,
                                device->name, secret) != 0 ||
      ota_device_password_sign (secret, sign_id, config->product_key, device->name, SDK_TIMESTAMP,
                                password) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot sign the login of %s"), device->name);
      devsim_device_free (device);
      return NULL;
    }
  device->password = g_strdup (password);

  device->mosq = mosquitto_new (device->client_id, true, device);
  if (device->mosq == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot make an MQTT client for %s"), device->name);
      devsim_device_free (device);
      return NULL;
    }
  mosquitto_connect_callback_set (device->mosq, on_connect);
  mosquitto_disconnect_callback_set (device->mosq, on_disconnect);
  mosquitto_message_callback_set (device->mosq, on_message);
  mosquitto_username_pw_set (device->mosq, device->username, device->password);

  device->source = ota_mosquitto_source_new (device->mosq, lost, device);
  g_source_attach (device->source, NULL);
  return device;
}

void
devsim_device_free (DevsimDevice *device)
{
  g_clear_pointer (&device->job, devsim_job_free);
  g_clear_handle_id (&device->reconnect_id, g_source_remove);
  if (device->source != NULL)
    {
      g_source_destroy (device->source);
      g_source_unref (device->source);
    }
  if (device->mosq != NULL)
    {
      mosquitto_disconnect (device->mosq);
      mosquitto_destroy (device->mosq);
    }
  g_rand_free (device->rand);
  g_free (device->name);
  g_free (device->client_id);
  g_free (device->username);
  g_free (device->password);
  g_free (device->version);
  g_free (device);
}
