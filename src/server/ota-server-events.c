/* ota-server-events.c — live events over a WebSocket, with catch-up after a reconnect
 *
 * Every change becomes one JSON text message with an increasing "seq":
 *   {"seq": N, "type": "batch-changed", "batch_id": 12}
 *   {"seq": N, "type": "catalogue-changed", "product": "a1Fx…" | null}
 * The last events are kept in a ring. A client that reconnects with ?since=SEQ gets
 * every event after SEQ first; when SEQ is no longer in the ring (or comes from an
 * earlier run of the server) it gets {"type": "resync", "seq": LAST} and must reload
 * what it shows. A client without since gets {"type": "hello", "seq": LAST}.
 *
 * Sequence numbers start from the wall clock in µs when the server starts, so a
 * number from an earlier run is always older than this run's ring: a resync.
 */
#include "ota-server-private.h"

typedef struct {
  guint64  seq;
  char    *text;
} OtaServerEvent;

static void
event_free (OtaServerEvent *event)
{
  g_free (event->text);
  g_free (event);
}

static char *
event_text (guint64     seq,
            const char *type,
            const char *member,
            JsonNode   *value)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) seq);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  if (member != NULL)
    {
      json_builder_set_member_name (b, member);
      json_builder_add_value (b, value);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return ota_json_to_string (root, NULL);
}

static void
send_to_all (OtaServer  *self,
             const char *text)
{
  for (guint i = 0; i < self->websockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (self->websockets, i);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (conn, text);
    }
}

/* @value (transfer full) */
static void
publish (OtaServer  *self,
         const char *type,
         const char *member,
         JsonNode   *value)
{
  OtaServerEvent *event;

  if (self->events == NULL)
    {
      json_node_unref (value);
      return;
    }

  event = g_new0 (OtaServerEvent, 1);
  event->seq = ++self->last_seq;
  event->text = event_text (event->seq, type, member, value);
  g_queue_push_tail (self->events, event);
  while (g_queue_get_length (self->events) > self->event_ring_size)
    event_free (g_queue_pop_head (self->events));

  send_to_all (self, event->text);
}

void
ota_server_publish_catalogue (OtaServer  *self,
                              const char *product_key)
{
  JsonNode *value = json_node_new (JSON_NODE_NULL);

  if (product_key != NULL)
    json_node_init_string (value, product_key);
  publish (self, "catalogue-changed", "product", value);
}

void
ota_server_publish_batch (OtaServer *self,
                          gint64     batch_id)
{
  publish (self, "batch-changed", "batch_id", json_node_init_int (json_node_alloc (), batch_id));
}

guint64
ota_server_get_last_event_seq (OtaServer *self)
{
  g_return_val_if_fail (OTA_IS_SERVER (self), 0);
  return self->last_seq;
}

static void
on_batch_changed (OtaEngine *engine,
                  gint64     batch_id,
                  OtaServer *self)
{
  ota_server_publish_batch (self, batch_id);
}

/* ---- Connections ---------------------------------------------------------------- */

static void
on_closed (SoupWebsocketConnection *conn,
           OtaServer               *self)
{
  if (g_ptr_array_remove (self->websockets, conn))
    ota_server_connection_end (self);
}

/* Sends what a client with @since missed, or tells it to reload. */
static void
catch_up (OtaServer               *self,
          SoupWebsocketConnection *conn,
          const char              *since_text)
{
  OtaServerEvent *oldest = g_queue_peek_head (self->events);
  guint64 first = oldest != NULL ? oldest->seq : self->last_seq + 1;
  guint64 since;
  g_autofree char *text = NULL;

  if (since_text == NULL)
    {
      text = event_text (self->last_seq, "hello", NULL, NULL);
      soup_websocket_connection_send_text (conn, text);
      return;
    }

  if (!g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXUINT64, &since, NULL) ||
      since + 1 < first || since > self->last_seq)
    {
      text = event_text (self->last_seq, "resync", NULL, NULL);
      soup_websocket_connection_send_text (conn, text);
      return;
    }

  for (GList *l = self->events->head; l != NULL; l = l->next)
    {
      OtaServerEvent *event = l->data;

      if (event->seq > since)
        soup_websocket_connection_send_text (conn, event->text);
    }
}

static void
on_websocket (SoupServer              *soup,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  OtaServer *self = user_data;
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = query != NULL ? soup_form_decode (query) : NULL;

  g_ptr_array_add (self->websockets, g_object_ref (conn));
  ota_server_connection_begin (self);
  g_signal_connect_object (conn, "closed", G_CALLBACK (on_closed), self, 0);
  soup_websocket_connection_set_keepalive_interval (conn, 30);

  catch_up (self, conn, params != NULL ? g_hash_table_lookup (params, "since") : NULL);
}

void
ota_server_events_init (OtaServer *self)
{
  self->events = g_queue_new ();
  self->websockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->last_seq = (guint64) g_get_real_time ();
  self->batch_changed_id = g_signal_connect (self->engine, "batch-changed",
                                             G_CALLBACK (on_batch_changed), self);
  soup_server_add_websocket_handler (self->soup, "/api/v1/events", NULL, NULL, on_websocket, self, NULL);
}

void
ota_server_events_dispose (OtaServer *self)
{
  if (self->batch_changed_id != 0 && self->engine != NULL)
    g_clear_signal_handler (&self->batch_changed_id, self->engine);

  while (self->websockets != NULL && self->websockets->len > 0)
    {
      g_autoptr(SoupWebsocketConnection) conn = g_object_ref (g_ptr_array_index (self->websockets, 0));

      g_signal_handlers_disconnect_by_data (conn, self);
      g_ptr_array_remove_index (self->websockets, 0);
      ota_server_connection_end (self);
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
    }
  g_clear_pointer (&self->websockets, g_ptr_array_unref);

  if (self->events != NULL)
    g_queue_free_full (g_steal_pointer (&self->events), (GDestroyNotify) event_free);
}
