/* ota-mqtt-bridge-notices.c — upgrade notices out: the engine's pushes (R-E4), the
 * notice again after a reconnect, and answers to firmware/get
 *
 * A notice is made on whichever thread runs the engine (the download URL is signed
 * there) and published on the main context, where libmosquitto lives. The Alibaba SDKs
 * ask for nothing after a reconnect, so a device that comes online while its try was
 * sent but has not started (no progress) gets the notice again; a running download
 * never does. firmware/get is answered from the same notice.
 */
#include "ota-mqtt-bridge-private.h"
#include "ota-mqtt-protocol.h"

void
ota_mqtt_pending_get_free (gpointer data)
{
  OtaMqttPendingGet *request = data;

  g_free (request->product_key);
  g_free (request->device_name);
  g_free (request->module);
  g_clear_pointer (&request->id, json_node_unref);
  g_free (request);
}

void
ota_mqtt_outgoing_free (gpointer data)
{
  OtaMqttOutgoing *out = data;

  g_free (out->topic);
  g_free (out->payload);
  g_free (out->device);
  g_free (out);
}

char *
ota_mqtt_device_key (const char *product_key,
                     const char *device_name)
{
  /* Neither part can contain '/' (docs/device-protocol.md, Topics). */
  return g_strconcat (product_key, "/", device_name, NULL);
}

/* ---- notices (any thread) ------------------------------------------------------ */

/* The notice as it goes out; NULL (logged) without a download URL. */
static OtaMqttOutgoing *
make_notice (OtaMqttBridge          *self,
             const OtaUpgradeNotice *notice,
             gboolean                reply,
             JsonNode               *id)
{
  g_autofree char *url = NULL;
  OtaMqttOutgoing *out;

  if (notice != NULL)
    {
      url = self->url_func != NULL ? self->url_func (notice, self->url_data) : NULL;
      if (url == NULL)
        {
          g_warning ("No download URL for firmware %" G_GINT64_FORMAT ": nothing sent to %s/%s",
                     notice->firmware_id, notice->product_key, notice->device_name);
          if (!reply)
            return NULL;
          notice = NULL;
        }
    }

  out = g_new0 (OtaMqttOutgoing, 1);
  out->payload = reply ? ota_mqtt_format_get_reply (notice, url, id)
                      : ota_mqtt_format_notice (notice, url);
  return out;
}

/* Main thread. */
void
ota_mqtt_bridge_publish_outgoing (OtaMqttBridge   *self,
                                  OtaMqttOutgoing *out)
{
  if (out->device != NULL)
    g_hash_table_remove (self->last_progress, out->device);
  ota_mqtt_bridge_publish (self, out->topic, out->payload);
}

typedef struct {
  OtaMqttBridge   *bridge;
  OtaMqttOutgoing *out;
} NoticeCall;

static void
notice_call_free (gpointer data)
{
  NoticeCall *call = data;

  g_object_unref (call->bridge);
  ota_mqtt_outgoing_free (call->out);
  g_free (call);
}

static gboolean
notice_call_run (gpointer data)
{
  NoticeCall *call = data;

  if (call->bridge->started)
    {
      ota_mqtt_bridge_publish_outgoing (call->bridge, call->out);
      call->bridge->stats.notices++;
    }
  return G_SOURCE_REMOVE;
}

/* OtaDeviceLink: the engine's push pass, on whichever thread runs the engine (a worker
 * of the HTTP side, or this bridge's). libmosquitto is used on the main context only. */
static void
send_notice (OtaDeviceLink          *link,
             const OtaUpgradeNotice *notice)
{
  OtaMqttBridge *self = OTA_MQTT_BRIDGE (link);
  NoticeCall *call;
  OtaMqttOutgoing *out = make_notice (self, notice, FALSE, NULL);

  if (out == NULL)
    return;

  out->topic = ota_mqtt_notice_topic (notice->product_key, notice->device_name);
  out->device = ota_mqtt_device_key (notice->product_key, notice->device_name);
  g_debug ("Notice to %s (task %" G_GINT64_FORMAT ", try %u)", out->device, notice->task_id,
           notice->try_number);

  call = g_new0 (NoticeCall, 1);
  call->bridge = g_object_ref (self);
  call->out = out;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, notice_call_run, call, notice_call_free);
}

void
ota_mqtt_bridge_link_iface_init (OtaDeviceLinkInterface *iface)
{
  iface->send_notice = send_notice;
}

static OtaUpgradeNotice *
dup_unstarted (OtaMqttBridge *self,
               const char    *key)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (key, "/", 2);
  OtaUpgradeNotice *notice = ota_engine_dup_sent_notice (self->engine, parts[0], parts[1], NULL,
                                                         OTA_SENT_NOTICE_NOT_STARTED, &error);

  if (error != NULL)
    g_warning ("Cannot read the notice of %s: %s", key, error->message);
  return notice;
}

/* Devices whose last presence in the group is "online", with a try that was sent before
 * it and has not started: its notice may have been lost with the old connection. */
GHashTable *
ota_mqtt_bridge_find_unstarted (OtaMqttBridge *self,
                                GHashTable    *presence)
{
  GHashTable *unstarted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) ota_upgrade_notice_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, presence);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      OtaUpgradeNotice *notice;

      if (GPOINTER_TO_INT (value) == TRUE + 1 && (notice = dup_unstarted (self, key)) != NULL)
        g_hash_table_insert (unstarted, g_strdup (key), notice);
    }
  return unstarted;
}

/* Still the same try, still not started after the group: it goes out again. A try the
 * group's own push pass sent (the device's first, or a retry) is another try or was not
 * there before, so it is never sent twice. */
void
ota_mqtt_bridge_find_resends (OtaMqttBridge *self,
                              GHashTable    *unstarted,
                              GPtrArray     *resent)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, unstarted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const OtaUpgradeNotice *before = value;
      g_autoptr(OtaUpgradeNotice) notice = dup_unstarted (self, key);
      OtaMqttOutgoing *out;

      if (notice == NULL || notice->task_id != before->task_id || notice->try_number != before->try_number)
        continue;

      out = make_notice (self, notice, FALSE, NULL);
      if (out == NULL)
        continue;
      out->topic = ota_mqtt_notice_topic (notice->product_key, notice->device_name);
      out->device = g_strdup (key);
      g_ptr_array_add (resent, out);
    }
}

void
ota_mqtt_bridge_answer_requests (OtaMqttBridge *self,
                                 GPtrArray     *requests,
                                 GPtrArray     *replies)
{
  for (guint i = 0; i < requests->len; i++)
    {
      OtaMqttPendingGet *request = g_ptr_array_index (requests, i);
      g_autoptr(OtaUpgradeNotice) notice = NULL;
      g_autoptr(GError) error = NULL;
      OtaMqttOutgoing *out;

      notice = ota_engine_dup_sent_notice (self->engine, request->product_key, request->device_name,
                                           request->module, OTA_SENT_NOTICE_RUNNING, &error);
      if (error != NULL)
        g_warning ("Cannot read the notice of %s/%s: %s", request->product_key,
                   request->device_name, error->message);

      out = make_notice (self, notice, TRUE, request->id);
      out->topic = ota_mqtt_get_reply_topic (request->product_key, request->device_name);
      if (notice != NULL)
        out->device = ota_mqtt_device_key (request->product_key, request->device_name);
      g_ptr_array_add (replies, out);
    }
}
