/* ota-mqtt-bridge.c — the OTA server's connection to the broker
 *
 * libmosquitto without its thread (ota-mosquitto-source.c): every callback runs on the
 * main thread, and what needs the engine goes to a worker (ota-mqtt-bridge-events.c),
 * like the HTTP side's requests. A lost connection is tried again with a growing delay;
 * each new login starts from "every device offline", and the plugin's retained presence
 * tells who is connected (docs/device-protocol.md, Presence).
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-mosquitto-source.h"
#include "ota-mqtt-bridge-private.h"
#include "ota-mqtt-protocol.h"

#define KEEPALIVE_SECONDS 30
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS (10 * 1000)
/* QoS 1 notices in flight at once; more wait in libmosquitto's queue. */
#define MAX_INFLIGHT 200

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

enum {
  EVENTS_APPLIED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaMqttBridge, ota_mqtt_bridge, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_DEVICE_LINK,
                                                      ota_mqtt_bridge_link_iface_init))

static void schedule_reconnect (OtaMqttBridge *self);

/* ---- the connection ------------------------------------------------------------ */

static void
set_connected (OtaMqttBridge *self,
               gboolean       connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/* Any error of the loop functions: the connection is gone (libmosquitto closed it). */
static void
connection_lost (struct mosquitto *mosq,
                 int               rc,
                 gpointer          user_data)
{
  OtaMqttBridge *self = user_data;

  if (self->connected)
    g_message ("Lost the broker connection: %s", mosquitto_strerror (rc));
  set_connected (self, FALSE);
  schedule_reconnect (self);
}

/* ---- libmosquitto callbacks (on the main thread, from the source) ----------- */

static void
on_connect (struct mosquitto *mosq,
            void             *user_data,
            int               rc)
{
  OtaMqttBridge *self = user_data;

  if (rc != 0)
    {
      g_warning ("The broker refused the server's login: %s", mosquitto_connack_string (rc));
      schedule_reconnect (self);
      return;
    }

  g_message ("Connected to the broker at %s:%u as %s", self->host, self->port, self->client_id);
  self->backoff_ms = BACKOFF_MIN_MS;
  self->stats.connects++;

  /* Before the retained presence comes in: whoever is connected is told again. */
  ota_mqtt_bridge_reset_presence (self);

  for (gsize i = 0; ota_mqtt_server_filters[i] != NULL; i++)
    {
      int src = mosquitto_subscribe (mosq, NULL, ota_mqtt_server_filters[i], 1);

      if (src != MOSQ_ERR_SUCCESS)
        g_warning ("Cannot subscribe to %s: %s", ota_mqtt_server_filters[i], mosquitto_strerror (src));
    }

  set_connected (self, TRUE);
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *user_data,
               int               rc)
{
  OtaMqttBridge *self = user_data;

  if (!self->started)
    return;
  connection_lost (mosq, rc == 0 ? MOSQ_ERR_CONN_LOST : rc, self);
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *user_data,
              int               mid,
              int               qos_count,
              const int        *granted_qos)
{
  for (int i = 0; i < qos_count; i++)
    if (granted_qos[i] > 2)
      g_warning ("The broker refused one of the server's subscriptions");
}

static void
on_message (struct mosquitto               *mosq,
            void                           *user_data,
            const struct mosquitto_message *message)
{
  ota_mqtt_bridge_receive (user_data, message->topic, message->payload,
                           message->payloadlen > 0 ? (gsize) message->payloadlen : 0);
}

static void
on_log (struct mosquitto *mosq,
        void             *user_data,
        int               level,
        const char       *text)
{
  g_debug ("libmosquitto: %s", text);
}

/* ---- connecting --------------------------------------------------------------- */

static gboolean
reconnect_cb (gpointer user_data)
{
  OtaMqttBridge *self = user_data;
  int rc;

  self->reconnect_id = 0;
  rc = mosquitto_reconnect_async (self->mosq);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_debug ("Connecting to the broker at %s:%u failed: %s", self->host, self->port,
               rc == MOSQ_ERR_ERRNO ? g_strerror (errno) : mosquitto_strerror (rc));
      schedule_reconnect (self);
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (OtaMqttBridge *self)
{
  g_autoptr(GSource) timeout = NULL;

  if (!self->started || self->reconnect_id != 0)
    return;

  timeout = g_timeout_source_new (self->backoff_ms);
  g_source_set_callback (timeout, reconnect_cb, self, NULL);
  self->reconnect_id = g_source_attach (timeout, self->context);
  self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
}

gboolean
ota_mqtt_bridge_publish (OtaMqttBridge *self,
                         const char    *topic,
                         const char    *payload)
{
  int rc;

  if (self->mosq == NULL || !self->connected)
    {
      g_debug ("Not connected to the broker: %s dropped (sent again on reconnect)", topic);
      return FALSE;
    }

  rc = mosquitto_publish (self->mosq, NULL, topic, (int) strlen (payload), payload, 1, false);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_warning ("Cannot publish on %s: %s", topic, mosquitto_strerror (rc));
      return FALSE;
    }

  return TRUE;
}

/**
 * ota_mqtt_bridge_start:
 *
 * Becomes the engine's device link and starts connecting (asynchronously: the result
 * shows in #OtaMqttBridge:connected).
 */
gboolean
ota_mqtt_bridge_start (OtaMqttBridge  *self,
                       GError        **error)
{
  g_autofree char *suffix = NULL;

  g_return_val_if_fail (OTA_IS_MQTT_BRIDGE (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  /* A client id no device can use: devices' ids carry "|securemode=…|". */
  suffix = g_strdup_printf ("%08x", g_random_int ());
  g_free (self->client_id);
  self->client_id = g_strconcat ("ota-server-", suffix, NULL);

  self->mosq = mosquitto_new (self->client_id, true, self);
  if (self->mosq == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot create an MQTT client: %s"),
                   g_strerror (errno));
      return FALSE;
    }

  mosquitto_connect_callback_set (self->mosq, on_connect);
  mosquitto_disconnect_callback_set (self->mosq, on_disconnect);
  mosquitto_subscribe_callback_set (self->mosq, on_subscribe);
  mosquitto_message_callback_set (self->mosq, on_message);
  mosquitto_log_callback_set (self->mosq, on_log);
  mosquitto_max_inflight_messages_set (self->mosq, MAX_INFLIGHT);
  mosquitto_int_option (self->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  /* Notices and acknowledgements are small packets: out at once, not after an ACK. */
  mosquitto_int_option (self->mosq, MOSQ_OPT_TCP_NODELAY, 1);
  if (mosquitto_username_pw_set (self->mosq, self->username, self->password) != MOSQ_ERR_SUCCESS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot set the MQTT login"));
      g_clear_pointer (&self->mosq, mosquitto_destroy);
      return FALSE;
    }

  self->socket_source = ota_mosquitto_source_new (self->mosq, connection_lost, self);
  g_source_set_name (self->socket_source, "ota-mqtt-bridge");
  g_source_attach (self->socket_source, self->context);

  self->started = TRUE;
  self->backoff_ms = BACKOFF_MIN_MS;
  ota_engine_set_device_link (self->engine, OTA_DEVICE_LINK (self));

  /* The first try is like every other: it fails when the broker is not up yet. */
  if (mosquitto_connect_async (self->mosq, self->host, self->port, KEEPALIVE_SECONDS) != MOSQ_ERR_SUCCESS)
    schedule_reconnect (self);

  return TRUE;
}

void
ota_mqtt_bridge_stop (OtaMqttBridge *self)
{
  g_return_if_fail (OTA_IS_MQTT_BRIDGE (self));

  if (!self->started)
    return;

  ota_mqtt_bridge_flush (self);
  self->started = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);

  /* Breaks the engine → link → engine reference cycle. */
  if (self->engine != NULL)
    ota_engine_set_device_link (self->engine, NULL);

  if (self->connected)
    {
      /* Send the DISCONNECT and what is queued before it, without waiting for acks. */
      mosquitto_disconnect (self->mosq);
      while (mosquitto_want_write (self->mosq) && mosquitto_loop_write (self->mosq, 1) == MOSQ_ERR_SUCCESS)
        ;
    }
  set_connected (self, FALSE);

  if (self->socket_source != NULL)
    {
      g_source_destroy (self->socket_source);
      g_clear_pointer (&self->socket_source, g_source_unref);
    }
  g_clear_pointer (&self->mosq, mosquitto_destroy);
}

gboolean
ota_mqtt_bridge_get_connected (OtaMqttBridge *self)
{
  g_return_val_if_fail (OTA_IS_MQTT_BRIDGE (self), FALSE);
  return self->connected;
}

void
ota_mqtt_bridge_get_stats (OtaMqttBridge      *self,
                           OtaMqttBridgeStats *stats)
{
  g_return_if_fail (OTA_IS_MQTT_BRIDGE (self));
  *stats = self->stats;
}

void
ota_mqtt_bridge_set_url_func (OtaMqttBridge  *self,
                              OtaMqttUrlFunc  func,
                              gpointer        user_data,
                              GDestroyNotify  destroy)
{
  g_return_if_fail (OTA_IS_MQTT_BRIDGE (self));

  if (self->url_destroy != NULL)
    self->url_destroy (self->url_data);
  self->url_func = func;
  self->url_data = user_data;
  self->url_destroy = destroy;
}

void
ota_mqtt_bridge_emit_events_applied (OtaMqttBridge *self)
{
  g_signal_emit (self, signals[EVENTS_APPLIED], 0);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
ota_mqtt_bridge_dispose (GObject *object)
{
  OtaMqttBridge *self = OTA_MQTT_BRIDGE (object);

  ota_mqtt_bridge_stop (self);
  ota_mqtt_bridge_set_url_func (self, NULL, NULL, NULL);
  ota_mqtt_bridge_clear_events (self);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (ota_mqtt_bridge_parent_class)->dispose (object);
}

static void
ota_mqtt_bridge_finalize (GObject *object)
{
  OtaMqttBridge *self = OTA_MQTT_BRIDGE (object);

  g_free (self->host);
  g_free (self->username);
  g_free (self->password);
  g_free (self->client_id);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ota_mqtt_bridge_parent_class)->finalize (object);
}

static void
ota_mqtt_bridge_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OtaMqttBridge *self = OTA_MQTT_BRIDGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_mqtt_bridge_class_init (OtaMqttBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_mqtt_bridge_dispose;
  object_class->finalize = ota_mqtt_bridge_finalize;
  object_class->get_property = ota_mqtt_bridge_get_property;

  /**
   * OtaMqttBridge:connected:
   *
   * Whether the server is logged in to the broker now.
   */
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OtaMqttBridge::events-applied:
   *
   * A group of device events was applied: what falls due next may have changed (the
   * server re-arms its scheduler).
   */
  signals[EVENTS_APPLIED] =
    g_signal_new ("events-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  mosquitto_lib_init ();
}

static void
ota_mqtt_bridge_init (OtaMqttBridge *self)
{
  ota_mqtt_bridge_init_events (self);
}

/**
 * ota_mqtt_bridge_new:
 * @engine: where device events go and notices come from
 * @host: the broker's address
 * @port: its MQTT port
 * @username: the server's login (the plugin's ota_server_username)
 * @password: its password (the plugin's ota_server_password_file)
 *
 * Callbacks run on the thread-default main context of the caller.
 */
OtaMqttBridge *
ota_mqtt_bridge_new (OtaEngine  *engine,
                     const char *host,
                     guint16     port,
                     const char *username,
                     const char *password)
{
  OtaMqttBridge *self;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (host != NULL && username != NULL && password != NULL, NULL);

  self = g_object_new (OTA_TYPE_MQTT_BRIDGE, NULL);
  self->engine = g_object_ref (engine);
  self->context = g_main_context_ref_thread_default ();
  self->host = g_strdup (host);
  self->port = port;
  self->username = g_strdup (username);
  self->password = g_strdup (password);
  return self;
}
