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
 *
 * A stream whose token is revoked meanwhile is closed with code 4401 (see below).
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

/* ---- Revoked tokens ---------------------------------------------------------------- */

/* A token is checked when a stream opens; "ota-server token revoke" (another process,
 * on the same database) cannot reach the streams already open, so their tokens are
 * checked again every token_check_ms and the streams of revoked ones closed. */

#define TOKEN_KEY "ota-token"

/* Owned by the callback's user data, released on the main thread: the worker only
 * reads it (see ota-server-router.c on worker tasks). */
typedef struct {
  OtaServer  *server;
  OtaEngine  *engine;
  GPtrArray  *tokens;     /* char *, each once */
  GHashTable *revoked;    /* char * → NULL, filled by the worker */
} OtaTokenCheck;

static void
token_check_free (OtaTokenCheck *check)
{
  g_object_unref (check->server);
  g_object_unref (check->engine);
  g_ptr_array_unref (check->tokens);
  g_hash_table_unref (check->revoked);
  g_free (check);
}

static void
token_check_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  OtaTokenCheck *check = task_data;

  for (guint i = 0; i < check->tokens->len; i++)
    {
      const char *token = g_ptr_array_index (check->tokens, i);
      g_autoptr(GError) error = NULL;

      /* A failing database proves nothing: the next check looks again. */
      if (!ota_engine_check_token (check->engine, token, NULL, &error) &&
          g_error_matches (error, OTA_ERROR, OTA_ERROR_NOT_FOUND))
        g_hash_table_add (check->revoked, g_strdup (token));
    }
  g_task_return_boolean (task, TRUE);
}

static void
token_check_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OtaTokenCheck *check = user_data;
  OtaServer *self = check->server;
  g_autoptr(GPtrArray) closing = g_ptr_array_new_with_free_func (g_object_unref);

  self->token_check_running = FALSE;
  /* Collected first: a close may end a stream (and change the array) at once. */
  for (guint i = 0; self->websockets != NULL && i < self->websockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (self->websockets, i);
      const char *token = g_object_get_data (G_OBJECT (conn), TOKEN_KEY);

      if (token != NULL && g_hash_table_contains (check->revoked, token) &&
          soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        g_ptr_array_add (closing, g_object_ref (conn));
    }
  for (guint i = 0; i < closing->len; i++)
    soup_websocket_connection_close (g_ptr_array_index (closing, i), OTA_SERVER_CLOSE_TOKEN_REVOKED,
                                     "token-revoked");

  token_check_free (check);
}

static gboolean
on_token_check (gpointer data)
{
  OtaServer *self = data;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) seen = NULL;
  OtaTokenCheck *check;

  if (self->token_check_running || self->websockets == NULL || self->websockets->len == 0)
    return G_SOURCE_CONTINUE;

  check = g_new0 (OtaTokenCheck, 1);
  check->server = g_object_ref (self);
  check->engine = g_object_ref (self->engine);
  check->tokens = g_ptr_array_new_with_free_func (g_free);
  check->revoked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->websockets->len; i++)
    {
      const char *token = g_object_get_data (g_ptr_array_index (self->websockets, i), TOKEN_KEY);

      if (token != NULL && g_hash_table_add (seen, (gpointer) token))
        g_ptr_array_add (check->tokens, g_strdup (token));
    }

  self->token_check_running = TRUE;
  task = g_task_new (NULL, NULL, token_check_done, check);
  g_task_set_task_data (task, check, NULL);
  g_task_run_in_thread (task, token_check_thread);
  return G_SOURCE_CONTINUE;
}

static void
stop_token_check (OtaServer *self)
{
  if (self->token_check_source != NULL)
    {
      g_source_destroy (self->token_check_source);
      g_clear_pointer (&self->token_check_source, g_source_unref);
    }
}

void
ota_server_events_rearm_token_check (OtaServer *self)
{
  stop_token_check (self);
  if (self->websockets == NULL)
    return;   /* stopped */

  self->token_check_source = g_timeout_source_new (self->token_check_ms);
  g_source_set_callback (self->token_check_source, on_token_check, self, NULL);
  g_source_set_static_name (self->token_check_source, "[ota] event stream token check");
  g_source_attach (self->token_check_source, self->context);
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

  OtaRequest *request = g_object_get_data (G_OBJECT (msg), OTA_SERVER_REQUEST_KEY);

  /* Checked again now and then: it may be revoked while the stream is open. */
  if (request != NULL && request->token != NULL)
    g_object_set_data_full (G_OBJECT (conn), TOKEN_KEY, g_strdup (request->token), g_free);
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
  ota_server_events_rearm_token_check (self);
}

void
ota_server_events_dispose (OtaServer *self)
{
  if (self->batch_changed_id != 0 && self->engine != NULL)
    g_clear_signal_handler (&self->batch_changed_id, self->engine);
  stop_token_check (self);

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
