/* ota-server-refuse.c — answering before the request body was read
 *
 * libsoup 3.2 reads a request's whole body before it writes any answer, even when an
 * early handler has set an error status, unless the client sent "Expect: 100-continue"
 * (then libsoup answers at once and the client sends no body). A 1 GB upload without a
 * valid token, or announcing 1 GB more than allowed, must not be read at all, so for
 * other clients, and for a body that passes its limit midway, the connection is taken
 * from libsoup, the short error answer is written here, and the connection is closed.
 *
 * Closing a socket with unread data makes the kernel send a reset, and a client that is
 * still sending would lose the answer. So after the answer the server reads and drops
 * what keeps coming, for a little while (a "lingering close", as HTTP servers do),
 * and closes when the client does, or after DRAIN_BYTES or DRAIN_SECONDS.
 */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"

#define DRAIN_BYTES   (16 * 1024 * 1024)
#define DRAIN_SECONDS 5
#define DRAIN_CHUNK   (64 * 1024)

typedef struct {
  GIOStream    *stream;
  GBytes       *answer;
  GCancellable *cancellable;
  GMainContext *context;
  GSource      *timeout;
  guint64       drained;
  guint8        buffer[DRAIN_CHUNK];
} Refusal;

static void
refusal_close (Refusal *refusal)
{
  if (refusal->timeout != NULL)
    {
      g_source_destroy (refusal->timeout);
      g_source_unref (refusal->timeout);
    }
  g_main_context_unref (refusal->context);
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_object_unref (refusal->stream);
  g_object_unref (refusal->cancellable);
  g_bytes_unref (refusal->answer);
  g_free (refusal);
}

static gboolean
drain_timeout (gpointer user_data)
{
  Refusal *refusal = user_data;

  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
drained (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || (refusal->drained += (guint64) n) >= DRAIN_BYTES)
    {
      refusal_close (refusal);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (source), refusal->buffer, sizeof refusal->buffer,
                             G_PRIORITY_DEFAULT, refusal->cancellable, drained, refusal);
}

static void
answered (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      refusal_close (refusal);
      return;
    }

  refusal->timeout = g_timeout_source_new_seconds (DRAIN_SECONDS);
  g_source_set_callback (refusal->timeout, drain_timeout, refusal, NULL);
  g_source_attach (refusal->timeout, refusal->context);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_DEFAULT, refusal->cancellable,
                             drained, refusal);
}

/* The client waits for "100 Continue": libsoup sends this answer instead, and the
 * client sends no body. */
static void
answer_before_continue (SoupServerMessage *msg,
                        guint              status,
                        char              *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Connection", "close");
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

void
ota_server_refuse (OtaServer         *self,
                   SoupServerMessage *msg,
                   guint              status,
                   const GError      *error)
{
  g_autoptr(SoupServerMessage) held = g_object_ref (msg);
  OtaRequest *request = g_object_get_data (G_OBJECT (msg), "ota-request");
  g_autoptr(JsonNode) node = ota_server_error_to_json (error);
  g_autofree char *body = ota_json_to_string (node, NULL);
  g_autoptr(GIOStream) stream = NULL;
  GString *answer;
  Refusal *refusal;

  if (request != NULL)
    request->refused = TRUE;

  if (request != NULL && !request->body_started &&
      (soup_message_headers_get_expectations (soup_server_message_get_request_headers (msg)) &
       SOUP_EXPECTATION_CONTINUE))
    {
      answer_before_continue (msg, status, body);
      if (request->early_paused)
        {
          request->early_paused = FALSE;
          soup_server_message_unpause (msg);
        }
      return;
    }

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;

  /* The smallest complete HTTP/1.1 answer; libsoup has no writer for a stolen stream. */
  answer = g_string_new (NULL);
  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  g_string_append (answer, "Content-Type: application/json\r\n");
  g_string_append_printf (answer, "Content-Length: %" G_GSIZE_FORMAT "\r\n", strlen (body));
  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_string_append (answer, "WWW-Authenticate: Bearer\r\n");
  g_string_append (answer, "Connection: close\r\n\r\n");
  g_string_append (answer, body);

  refusal = g_new0 (Refusal, 1);
  refusal->stream = g_steal_pointer (&stream);
  refusal->cancellable = g_cancellable_new ();
  refusal->context = g_main_context_ref (self->context);
  refusal->answer = g_string_free_to_bytes (answer);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   g_bytes_get_data (refusal->answer, NULL),
                                   g_bytes_get_size (refusal->answer), G_PRIORITY_DEFAULT, NULL,
                                   answered, refusal);
}
