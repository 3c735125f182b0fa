/* ota-mqtt-bridge-events.c — device messages in, applied in groups
 *
 * What devices publish becomes engine events, collected for a few milliseconds (or up
 * to a thousand) and applied with one ota_engine_apply_device_events() call on a worker
 * thread: one disk flush for a whole group (R-E1..R-E3), and the main loop keeps
 * reading while the engine writes. One group is applied at a time, in arrival order.
 * Progress that repeats a device's last one is dropped here already: a device that
 * cannot download may repeat step "0" hundreds of times a second. What a group causes to
 * go out (notices again after a reconnect, firmware/get answers) is made on the worker
 * too (ota-mqtt-bridge-notices.c) and published when the group is back.
 */
#include "ota-mqtt-bridge-private.h"
#include "ota-mqtt-protocol.h"

/* How long events are collected before they are applied, and the most in one group. */
#define GROUP_DELAY_MS 5
#define GROUP_MAX 1000
/* A group the store failed to apply is kept and tried again after this long; stopping
 * gives up on it after this many failures. */
#define RETRY_DELAY_MS 1000
#define FLUSH_MAX_FAILURES 3

struct _OtaMqttGroup {
  GArray       *events;       /* OtaDeviceEvent, strings in @strings */
  GStringChunk *strings;
  GHashTable   *presence;     /* "pk/dn" → the last presence in the group, online + 1 */
  GPtrArray    *requests;     /* OtaMqttPendingGet */
  gboolean      reset;        /* then every device offline (a new broker login) */
  gint64        first_at;     /* monotonic time of its first message */

  /* Results, for the main thread */
  GPtrArray    *resent;       /* OtaMqttOutgoing: notices again after a reconnect */
  GPtrArray    *replies;      /* OtaMqttOutgoing: firmware/get answers */
  guint         rejected;
  gboolean      applied;
  guint         failures;     /* times the store failed to apply it */
};

static OtaMqttGroup *
group_new (void)
{
  OtaMqttGroup *group = g_new0 (OtaMqttGroup, 1);

  group->events = g_array_new (FALSE, TRUE, sizeof (OtaDeviceEvent));
  group->strings = g_string_chunk_new (16 * 1024);
  group->presence = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  group->requests = g_ptr_array_new_with_free_func (ota_mqtt_pending_get_free);
  group->resent = g_ptr_array_new_with_free_func (ota_mqtt_outgoing_free);
  group->replies = g_ptr_array_new_with_free_func (ota_mqtt_outgoing_free);
  return group;
}

static void
group_free (gpointer data)
{
  OtaMqttGroup *group = data;

  g_array_unref (group->events);
  g_string_chunk_free (group->strings);
  g_hash_table_unref (group->presence);
  g_ptr_array_unref (group->requests);
  g_ptr_array_unref (group->resent);
  g_ptr_array_unref (group->replies);
  g_free (group);
}

static gboolean
group_is_empty (OtaMqttGroup *group)
{
  return group->events->len == 0 && group->requests->len == 0 && !group->reset;
}

void
ota_mqtt_bridge_init_events (OtaMqttBridge *self)
{
  self->group = group_new ();
  self->sealed = g_queue_new ();
  self->last_progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
ota_mqtt_bridge_clear_events (OtaMqttBridge *self)
{
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_pointer (&self->group, group_free);
  if (self->sealed != NULL)
    g_queue_free_full (g_steal_pointer (&self->sealed), group_free);
  g_clear_pointer (&self->last_progress, g_hash_table_unref);
}

static void
apply_group (OtaMqttBridge *self,
             OtaMqttGroup  *group)
{
  g_autoptr(GHashTable) unstarted = NULL;
  g_autoptr(GError) error = NULL;

  /* Presence seen before a reset is stale: those devices are offline after it. */
  if (!group->reset)
    unstarted = ota_mqtt_bridge_find_unstarted (self, group->presence);

  if (group->events->len > 0)
    {
      group->applied = ota_engine_apply_device_events (self->engine,
                                                       (const OtaDeviceEvent *) (gpointer) group->events->data,
                                                       group->events->len, &group->rejected, &error);
      if (!group->applied)
        {
          /* Nothing of it was applied: it is kept and tried again (group_done()), and
           * what follows it waits, so that events stay in order. */
          g_warning ("Applying %u device events failed, trying again: %s",
                     group->events->len, error->message);
          group->failures++;
          return;
        }
    }

  /* After the events of the old connection: they must not undo the reset. */
  if (group->reset && !ota_engine_reset_presence (self->engine, NULL, &error))
    g_warning ("Cannot reset the devices' presence: %s", error->message);

  if (unstarted != NULL)
    ota_mqtt_bridge_find_resends (self, unstarted, group->resent);
  ota_mqtt_bridge_answer_requests (self, group->requests, group->replies);
}

static void
apply_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  apply_group (source, data);
  g_task_return_boolean (task, TRUE);
}

static void schedule_flush (OtaMqttBridge *self);
static void start_apply (OtaMqttBridge *self);

static gboolean flush_cb (gpointer user_data);

/* Main thread: the results go out; a group the store failed goes back to the head of
 * the queue and is tried again a little later. Takes @group. */
static void
group_done (OtaMqttBridge *self,
            OtaMqttGroup  *group)
{
  if (group->events->len > 0 && !group->applied)
    {
      g_autoptr(GSource) retry = g_timeout_source_new (RETRY_DELAY_MS);

      g_queue_push_head (self->sealed, group);
      self->applying = FALSE;
      g_clear_handle_id (&self->flush_id, g_source_remove);
      g_source_set_callback (retry, flush_cb, self, NULL);
      self->flush_id = g_source_attach (retry, self->context);
      return;
    }

  if (group->applied)
    {
      self->stats.events += group->events->len;
      self->stats.rejected += group->rejected;
      self->stats.batches++;
    }

  for (guint i = 0; i < group->resent->len; i++)
    {
      ota_mqtt_bridge_publish_outgoing (self, g_ptr_array_index (group->resent, i));
      self->stats.resent++;
    }
  for (guint i = 0; i < group->replies->len; i++)
    {
      ota_mqtt_bridge_publish_outgoing (self, g_ptr_array_index (group->replies, i));
      self->stats.get_replies++;
    }

  self->applying = FALSE;
  group_free (group);
  ota_mqtt_bridge_emit_events_applied (self);

  if (!g_queue_is_empty (self->sealed))
    start_apply (self);
  else if (!group_is_empty (self->group))
    schedule_flush (self);
}

static void
apply_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  OtaMqttBridge *self = OTA_MQTT_BRIDGE (source);

  group_done (self, g_task_get_task_data (G_TASK (result)));
}

/* Closes the group being collected: what arrives from now on goes to the next one. */
static void
seal_group (OtaMqttBridge *self)
{
  g_queue_push_tail (self->sealed, g_steal_pointer (&self->group));
  self->group = group_new ();
}

/* Applies the oldest sealed group, or else the one being collected, unless a group is
 * being applied already (its end starts the next). */
static void
start_apply (OtaMqttBridge *self)
{
  g_autoptr(GTask) task = NULL;
  OtaMqttGroup *group;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->applying)
    return;

  if (g_queue_is_empty (self->sealed))
    {
      if (group_is_empty (self->group))
        return;
      seal_group (self);
    }
  group = g_queue_pop_head (self->sealed);

  self->applying = TRUE;
  task = g_task_new (self, NULL, apply_done, NULL);
  g_task_set_source_tag (task, start_apply);
  g_task_set_task_data (task, group, NULL);   /* group_done() takes it */
  g_task_run_in_thread (task, apply_thread);
}

void
ota_mqtt_bridge_wait_applied (OtaMqttBridge *self)
{
  while (self->applying)
    g_main_context_iteration (self->context, TRUE);
}

/**
 * ota_mqtt_bridge_flush:
 *
 * Applies what was collected so far, and returns once it is applied and its answers are
 * queued.
 */
void
ota_mqtt_bridge_flush (OtaMqttBridge *self)
{
  g_return_if_fail (OTA_IS_MQTT_BRIDGE (self));

  for (;;)
    {
      OtaMqttGroup *head;

      ota_mqtt_bridge_wait_applied (self);
      if (g_queue_is_empty (self->sealed) && group_is_empty (self->group))
        break;

      /* A store that keeps failing must not hold a stop for ever. */
      head = g_queue_peek_head (self->sealed);
      if (head != NULL && head->failures >= FLUSH_MAX_FAILURES)
        {
          g_warning ("Giving up on %u device events: the database keeps failing", head->events->len);
          break;
        }
      start_apply (self);
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  OtaMqttBridge *self = user_data;

  self->flush_id = 0;
  start_apply (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (OtaMqttBridge *self)
{
  g_autoptr(GSource) timeout = NULL;
  gint64 waited_us;

  /* A full group is closed at once (and waits its turn if another is being applied). */
  if (self->group->events->len + self->group->requests->len >= GROUP_MAX)
    {
      seal_group (self);
      start_apply (self);
      return;
    }

  if (self->applying || self->flush_id != 0)
    return;

  /* The delay counts from the group's first message: what came in while the previous
   * group was being applied has waited long enough already, and goes at once. */
  waited_us = g_get_monotonic_time () - self->group->first_at;
  if (waited_us >= GROUP_DELAY_MS * 1000)
    {
      start_apply (self);
      return;
    }

  timeout = g_timeout_source_new ((guint) ((GROUP_DELAY_MS * 1000 - waited_us + 999) / 1000));
  g_source_set_callback (timeout, flush_cb, self, NULL);
  self->flush_id = g_source_attach (timeout, self->context);
}

/* ---- receiving (main thread) ------------------------------------------------------ */

static void
add_event (OtaMqttBridge      *self,
           OtaDeviceEventKind  kind,
           const char         *product_key,
           const char         *device_name,
           OtaMqttUplink      *uplink)
{
  GStringChunk *strings = self->group->strings;
  OtaDeviceEvent event = {
    .kind = kind,
    .product_key = g_string_chunk_insert_const (strings, product_key),
    .device_name = g_string_chunk_insert (strings, device_name),
    .step = uplink->step,
  };

  if (uplink->module != NULL)
    event.module = g_string_chunk_insert_const (strings, uplink->module);
  if (uplink->version != NULL)
    event.version = g_string_chunk_insert_const (strings, uplink->version);
  if (uplink->description != NULL)
    event.description = g_string_chunk_insert (strings, uplink->description);

  g_array_append_val (self->group->events, event);
}

/* TRUE when the progress is the device's last one again (R-E3: nothing new). */
static gboolean
repeats_progress (OtaMqttBridge *self,
                  const char    *key,
                  OtaMqttUplink *uplink)
{
  g_autofree char *value = g_strdup_printf ("%s\n%d\n%s", uplink->module != NULL ? uplink->module : "",
                                            uplink->step,
                                            uplink->description != NULL ? uplink->description : "");
  const char *last = g_hash_table_lookup (self->last_progress, key);

  if (g_strcmp0 (last, value) == 0)
    return TRUE;

  g_hash_table_replace (self->last_progress, g_strdup (key), g_steal_pointer (&value));
  return FALSE;
}

void
ota_mqtt_bridge_receive (OtaMqttBridge *self,
                         const char    *topic,
                         const void    *payload,
                         gsize          length)
{
  g_autofree char *product_key = NULL;
  g_autofree char *device_name = NULL;
  g_autofree char *key = NULL;
  g_auto(OtaMqttUplink) uplink = { 0 };
  g_autoptr(GError) error = NULL;
  OtaMqttTopicKind kind;

  kind = ota_mqtt_parse_topic (topic, &product_key, &device_name);
  if (kind == OTA_MQTT_TOPIC_OTHER)
    {
      g_debug ("Ignoring a message on %s", topic);
      return;
    }

  self->stats.messages++;
  if (!ota_mqtt_parse_uplink (kind, payload, length, &uplink, &error))
    {
      self->stats.invalid++;
      g_debug ("Ignoring a message on %s: %s", topic, error->message);
      return;
    }

  if (group_is_empty (self->group))
    self->group->first_at = g_get_monotonic_time ();

  key = ota_mqtt_device_key (product_key, device_name);
  switch (kind)
    {
    case OTA_MQTT_TOPIC_INFORM:
      g_hash_table_remove (self->last_progress, key);
      add_event (self, OTA_DEVICE_EVENT_VERSION, product_key, device_name, &uplink);
      break;

    case OTA_MQTT_TOPIC_PROGRESS:
      if (repeats_progress (self, key, &uplink))
        {
          self->stats.duplicates++;
          return;
        }
      add_event (self, OTA_DEVICE_EVENT_PROGRESS, product_key, device_name, &uplink);
      break;

    case OTA_MQTT_TOPIC_PRESENCE:
      g_hash_table_remove (self->last_progress, key);
      add_event (self, uplink.online ? OTA_DEVICE_EVENT_ONLINE : OTA_DEVICE_EVENT_OFFLINE,
                 product_key, device_name, &uplink);
      g_hash_table_replace (self->group->presence, g_steal_pointer (&key), GINT_TO_POINTER (uplink.online + 1));
      break;

    case OTA_MQTT_TOPIC_FIRMWARE_GET:
      {
        OtaMqttPendingGet *request = g_new0 (OtaMqttPendingGet, 1);

        request->product_key = g_steal_pointer (&product_key);
        request->device_name = g_steal_pointer (&device_name);
        request->module = g_steal_pointer (&uplink.module);
        request->id = g_steal_pointer (&uplink.id);
        g_ptr_array_add (self->group->requests, request);
      }
      break;

    case OTA_MQTT_TOPIC_OTHER:
    default:
      g_assert_not_reached ();
    }

  schedule_flush (self);
}

/* A new login: the engine forgets who was online, after the events received so far; the
 * retained presence that follows the subscriptions tells it again (a later group). */
void
ota_mqtt_bridge_reset_presence (OtaMqttBridge *self)
{
  g_hash_table_remove_all (self->last_progress);
  self->group->reset = TRUE;
  seal_group (self);
  start_apply (self);
}
