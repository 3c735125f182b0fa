/* test-server-events.c — live events over the WebSocket: batch and catalogue changes,
 * catching up after a reconnect, and a resync when the client fell too far behind */
#include <string.h>

#include "server-test-util.h"

typedef struct {
  SoupWebsocketConnection *conn;
  GPtrArray               *messages;   /* JsonNode * */
} Stream;

static void
on_message (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Stream                  *stream)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (message, &length);
  g_autofree char *text = g_strndup (data, length);
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_ptr_array_add (stream->messages, node);
}

static void
connected (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Stream *stream = user_data;
  g_autoptr(GError) error = NULL;

  stream->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  g_signal_connect (stream->conn, "message", G_CALLBACK (on_message), stream);
}

/* Opens the event stream (@since: NULL or a sequence number) and waits for the first
 * message. */
static Stream *
stream_open (ServerFixture *f,
             const char    *since)
{
  g_autofree char *path = since != NULL ? g_strconcat ("/api/v1/events?since=", since, NULL)
                                        : g_strdup ("/api/v1/events");
  g_autoptr(SoupMessage) msg = server_message (f, "GET", path, f->token);
  Stream *stream = g_new0 (Stream, 1);

  stream->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, connected, stream);
  SERVER_TEST_WAIT_UNTIL (stream->conn != NULL);
  return stream;
}

static void
stream_close (Stream *stream)
{
  g_signal_handlers_disconnect_by_data (stream->conn, stream);
  soup_websocket_connection_close (stream->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  SERVER_TEST_WAIT_UNTIL (soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_CLOSED);
  g_object_unref (stream->conn);
  g_ptr_array_unref (stream->messages);
  g_free (stream);
}

static JsonNode *
stream_wait (Stream *stream,
             guint   index)
{
  SERVER_TEST_WAIT_UNTIL (stream->messages->len > index);
  return g_ptr_array_index (stream->messages, index);
}

static void
add_product (ServerFixture *f,
             const char    *key)
{
  g_autofree char *body = g_strdup_printf ("{\"key\": \"%s\", \"name\": \"Pump\", \"project_type\": \"own-brand\", "
                                           "\"network_type\": \"wifi\"}", key);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = server_json (f, "POST", "/api/v1/products", body, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
}

static void
test_hello_then_catalogue_change (ServerFixture *f,
                                  gconstpointer  data)
{
  Stream *stream = stream_open (f, NULL);
  JsonNode *hello = stream_wait (stream, 0);
  JsonNode *event;

  g_assert_cmpstr (server_get_string (hello, "type"), ==, "hello");
  g_assert_cmpint (server_get_int (hello, "seq"), ==, (gint64) ota_server_get_last_event_seq (f->server));

  add_product (f, "pump1");
  event = stream_wait (stream, 1);
  g_assert_cmpstr (server_get_string (event, "type"), ==, "catalogue-changed");
  g_assert_cmpstr (server_get_string (event, "product"), ==, "pump1");
  g_assert_cmpint (server_get_int (event, "seq"), ==, server_get_int (hello, "seq") + 1);
  stream_close (stream);
}

/* A change of a batch's tasks, made by the engine itself, reaches the stream. */
static void
test_batch_change_produces_an_event (ServerFixture *f,
                                     gconstpointer  data)
{
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL,
                                                           NULL, "1.0.0", "2.0.0");
  const char *sources[] = { "1.0.0", NULL };
  const char *devices[] = { "device-1", NULL };
  OtaVerifySpec spec = { ota_firmware_get_id (firmware), sources, devices, 30, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  Stream *stream;
  gboolean seen = FALSE;

  g_object_unref (ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "device-1", "1.0.0"));
  stream = stream_open (f, NULL);
  stream_wait (stream, 0);

  batch = ota_engine_start_verification (f->base.engine, &spec, &error);
  g_assert_no_error (error);

  for (guint i = 1; !seen; i++)
    {
      JsonNode *event = stream_wait (stream, i);

      if (g_strcmp0 (server_get_string (event, "type"), "batch-changed") == 0)
        {
          g_assert_cmpint (server_get_int (event, "batch_id"), ==, ota_batch_get_id (batch));
          seen = TRUE;
        }
    }
  stream_close (stream);
}

/* A client that reconnects with ?since=SEQ first gets what it missed, in order. */
static void
test_reconnect_since_gets_missed_events (ServerFixture *f,
                                         gconstpointer  data)
{
  Stream *first = stream_open (f, NULL);
  gint64 seq = server_get_int (stream_wait (first, 0), "seq");
  g_autofree char *since = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  Stream *second;

  stream_close (first);
  add_product (f, "pump1");
  add_product (f, "pump2");

  second = stream_open (f, since);
  g_assert_cmpstr (server_get_string (stream_wait (second, 0), "product"), ==, "pump1");
  g_assert_cmpint (server_get_int (stream_wait (second, 0), "seq"), ==, seq + 1);
  g_assert_cmpstr (server_get_string (stream_wait (second, 1), "product"), ==, "pump2");
  g_assert_cmpint (server_get_int (stream_wait (second, 1), "seq"), ==, seq + 2);

  /* Live events follow the missed ones. */
  add_product (f, "pump3");
  g_assert_cmpstr (server_get_string (stream_wait (second, 2), "product"), ==, "pump3");
  g_assert_cmpuint (second->messages->len, ==, 3);
  stream_close (second);
}

/* When SEQ fell out of the ring the client is told to reload. */
static void
test_resync_when_too_old (ServerFixture *f,
                          gconstpointer  data)
{
  Stream *first = stream_open (f, NULL);
  gint64 seq = server_get_int (stream_wait (first, 0), "seq");
  g_autofree char *since = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  Stream *second, *third;
  JsonNode *resync;

  stream_close (first);
  ota_server_set_event_ring_size (f->server, 2);
  add_product (f, "pump1");
  add_product (f, "pump2");
  add_product (f, "pump3");

  second = stream_open (f, since);
  resync = stream_wait (second, 0);
  g_assert_cmpstr (server_get_string (resync, "type"), ==, "resync");
  g_assert_cmpint (server_get_int (resync, "seq"), ==, seq + 3);
  stream_close (second);

  /* A number from another run of the server (or from the future) is no better. */
  third = stream_open (f, "12");
  g_assert_cmpstr (server_get_string (stream_wait (third, 0), "type"), ==, "resync");
  stream_close (third);
}

/* A write's answer names the seq of the event it published (a client can wait for it);
 * a read's answer names none. */
static void
test_write_answer_names_its_event (ServerFixture *f,
                                   gconstpointer  data)
{
  g_autoptr(SoupMessage) write = server_message (f, "POST", "/api/v1/products", f->token);
  g_autoptr(SoupMessage) read = server_message (f, "GET", "/api/v1/products", f->token);
  const char *spec = "{\"key\": \"pump1\", \"name\": \"Pump\", \"project_type\": \"own-brand\", "
                     "\"network_type\": \"wifi\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (spec, strlen (spec));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seq = NULL;

  soup_message_set_request_body_from_bytes (write, "application/json", body);
  answer = server_send (f, write, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (write), ==, SOUP_STATUS_CREATED);
  seq = g_strdup_printf ("%" G_GUINT64_FORMAT, ota_server_get_last_event_seq (f->server));
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (write), "Ota-Event-Seq"),
                   ==, seq);
  g_clear_pointer (&answer, g_bytes_unref);

  answer = server_send (f, read, &error);
  g_assert_no_error (error);
  g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (read), "Ota-Event-Seq"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, ServerFixture, NULL, server_fixture_setup, func, server_fixture_teardown)

  ADD ("/server/events/hello-then-catalogue-change", test_hello_then_catalogue_change);
  ADD ("/server/events/batch-change-produces-an-event", test_batch_change_produces_an_event);
  ADD ("/server/events/reconnect-since-gets-the-missed-events", test_reconnect_since_gets_missed_events);
  ADD ("/server/events/resync-when-too-old", test_resync_when_too_old);
  ADD ("/server/events/write-answer-names-its-event", test_write_answer_names_its_event);

  return g_test_run ();
}
