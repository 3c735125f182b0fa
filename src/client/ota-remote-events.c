/* ota-remote-events.c — what comes over the remote backend's event stream: the
 * OtaBackend signals, the sequence number, a "resync", and the writes waiting for
 * their own event
 *
 * The backend remembers the last sequence number, so a reconnection asks only for what
 * it missed (ota-remote-connection.c); when the server cannot tell (it restarted, or
 * the client fell too far behind) it says "resync" and the backend announces a change
 * of everything it knows of: the catalogue and every batch it saw.
 */
#include "ota-remote-backend-private.h"

/* How long a write's answer waits for its own event before it is returned anyway. */
#define WAIT_FOR_EVENT_MS   2000

typedef struct {
  OtaRemoteBackend *self;
  guint64           seq;
  GSourceFunc       func;
  gpointer          data;
  GSource          *timeout;
} OtaRemoteWaiter;

/* ---- Writes waiting for their event ------------------------------------------------------ */

static void
waiter_run (OtaRemoteWaiter *waiter)
{
  if (waiter->timeout != NULL)
    {
      g_source_destroy (waiter->timeout);
      g_source_unref (waiter->timeout);
    }
  waiter->func (waiter->data);
  g_free (waiter);
}

/* Taken from the queue first: their callbacks may call back into the backend. */
void
ota_remote_release_waiters (OtaRemoteBackend *self,
                            gboolean          all)
{
  g_autoptr(GPtrArray) ready = g_ptr_array_new ();

  for (GList *l = self->waiters->head; l != NULL;)
    {
      OtaRemoteWaiter *waiter = l->data;
      GList *next = l->next;

      if (all || (self->have_seq && waiter->seq <= self->last_seq))
        {
          g_ptr_array_add (ready, waiter);
          g_queue_delete_link (self->waiters, l);
        }
      l = next;
    }

  for (guint i = 0; i < ready->len; i++)
    waiter_run (g_ptr_array_index (ready, i));
}

static gboolean
waiter_timed_out (gpointer data)
{
  OtaRemoteWaiter *waiter = data;

  g_debug ("The event %" G_GUINT64_FORMAT " of a write did not come in time", waiter->seq);
  g_queue_remove (waiter->self->waiters, waiter);
  g_clear_pointer (&waiter->timeout, g_source_unref);
  waiter_run (waiter);
  return G_SOURCE_REMOVE;
}

void
ota_remote_wait_for_event (OtaRemoteBackend *self,
                           guint64           seq,
                           GSourceFunc       func,
                           gpointer          data)
{
  OtaRemoteWaiter *waiter;

  if (self->state != OTA_REMOTE_STATE_CONNECTED || (self->have_seq && self->last_seq >= seq))
    {
      func (data);
      return;
    }

  waiter = g_new0 (OtaRemoteWaiter, 1);
  waiter->self = self;
  waiter->seq = seq;
  waiter->func = func;
  waiter->data = data;
  waiter->timeout = g_timeout_source_new (WAIT_FOR_EVENT_MS);
  g_source_set_callback (waiter->timeout, waiter_timed_out, waiter, NULL);
  g_source_set_static_name (waiter->timeout, "[ota] wait for event");
  g_source_attach (waiter->timeout, self->context);
  g_queue_push_tail (self->waiters, waiter);
}

/* ---- Batches seen ---------------------------------------------------------------------------- */

static void
remember_id (OtaRemoteBackend *self,
             gint64            batch_id)
{
  if (!g_hash_table_contains (self->batch_ids, &batch_id))
    g_hash_table_add (self->batch_ids, g_memdup2 (&batch_id, sizeof batch_id));
}

void
ota_remote_remember_batch (OtaRemoteBackend *self,
                           gpointer          snapshot)
{
  if (OTA_IS_BATCH (snapshot))
    remember_id (self, ota_batch_get_id (snapshot));
  else if (OTA_IS_TASK (snapshot))
    remember_id (self, ota_task_get_batch_id (snapshot));
}

/* ---- Events ------------------------------------------------------------------------------------ */

static void
resync (OtaRemoteBackend *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->batch_ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);

  g_debug ("Resync from %s: announcing the catalogue and %u batches", self->name, ids->len);
  ota_backend_emit_catalogue_changed (OTA_BACKEND (self), NULL);
  for (guint i = 0; i < ids->len; i++)
    ota_backend_emit_batch_changed (OTA_BACKEND (self), g_array_index (ids, gint64, i));
}

static void
handle_event (OtaRemoteBackend *self,
              JsonObject       *event)
{
  const char *type = json_object_get_string_member_with_default (event, "type", "");
  gint64 seq = json_object_get_int_member_with_default (event, "seq", -1);

  if (seq < 0)
    {
      g_debug ("An event from %s without a sequence number", self->name);
      return;
    }
  self->last_seq = (guint64) seq;
  self->have_seq = TRUE;

  if (g_str_equal (type, "batch-changed"))
    {
      gint64 batch_id = json_object_get_int_member_with_default (event, "batch_id", 0);

      remember_id (self, batch_id);
      ota_backend_emit_batch_changed (OTA_BACKEND (self), batch_id);
    }
  else if (g_str_equal (type, "catalogue-changed"))
    ota_backend_emit_catalogue_changed (OTA_BACKEND (self),
                                        json_object_get_string_member_with_default (event, "product", NULL));
  else if (g_str_equal (type, "resync"))
    resync (self);
  /* "hello" only tells the sequence number; newer servers may send more kinds. */
}

void
ota_remote_events_take (OtaRemoteBackend *self,
                        GBytes           *message)
{
  g_autoptr(OtaRemoteBackend) held = g_object_ref (self);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (message, &length);

  node = ota_json_parse (data, length, &error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_debug ("An event from %s that is not a JSON object: %s", self->name,
               error != NULL ? error->message : "");
      return;
    }

  handle_event (self, json_node_get_object (node));
  ota_remote_release_waiters (self, FALSE);
}

void
ota_remote_events_init (OtaRemoteBackend *self)
{
  self->batch_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->waiters = g_queue_new ();
}

void
ota_remote_events_dispose (OtaRemoteBackend *self)
{
  if (self->waiters != NULL)
    ota_remote_release_waiters (self, TRUE);
  g_clear_pointer (&self->batch_ids, g_hash_table_unref);
  g_clear_pointer (&self->waiters, g_queue_free);
}
