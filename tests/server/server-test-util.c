/* server-test-util.c — the server fixture and an HTTP client for the server tests */
#include <string.h>

#include "server-test-util.h"

void
server_fixture_setup (ServerFixture *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ota_test_fixture_setup (&f->base, data);

  f->server = ota_server_new (f->base.engine, &error);
  g_assert_no_error (error);
  ota_server_listen (f->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_server_get_port (f->server), >, 0);
  f->url = g_strdup_printf ("http://127.0.0.1:%u", ota_server_get_port (f->server));

  f->token = ota_engine_create_token (f->base.engine, "test", &error);
  g_assert_no_error (error);

  f->session = soup_session_new ();
  soup_session_set_timeout (f->session, 30);
}

void
server_fixture_teardown (ServerFixture *f,
                         gconstpointer  data)
{
  OtaServer *server;

  soup_session_abort (f->session);
  g_clear_object (&f->session);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  ota_server_stop (f->server);
  /* Workers still running hold the server: wait for them before the engine goes. */
  server = f->server;
  g_object_add_weak_pointer (G_OBJECT (server), (gpointer *) &server);
  g_clear_object (&f->server);
  SERVER_TEST_WAIT_UNTIL (server == NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&f->token, g_free);
  g_clear_pointer (&f->url, g_free);
  ota_test_fixture_teardown (&f->base, data);
}

SoupMessage *
server_message (ServerFixture *f,
                const char    *method,
                const char    *path,
                const char    *token)
{
  g_autofree char *uri = g_strconcat (f->url, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  return msg;
}

typedef struct {
  GBytes   *body;
  GError   *error;
  gboolean  done;
} Sent;

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  Sent *s = user_data;

  s->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &s->error);
  s->done = TRUE;
}

GBytes *
server_send (ServerFixture *f,
             SoupMessage   *msg,
             GError       **error)
{
  Sent s = { NULL, NULL, FALSE };

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent, &s);
  SERVER_TEST_WAIT_UNTIL (s.done);
  if (s.error != NULL)
    g_propagate_error (error, s.error);
  return s.body;
}

JsonNode *
server_json_with_token (ServerFixture *f,
                        const char    *token,
                        const char    *method,
                        const char    *path,
                        const char    *body,
                        guint         *status)
{
  g_autoptr(SoupMessage) msg = server_message (f, method, path, token);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data;

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer = server_send (f, msg, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = soup_message_get_status (msg);

  data = g_bytes_get_data (answer, &length);
  if (length == 0)
    return NULL;
  json_parser_load_from_data (parser, data, (gssize) length, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

JsonNode *
server_json (ServerFixture *f,
             const char    *method,
             const char    *path,
             const char    *body,
             guint         *status)
{
  return server_json_with_token (f, f->token, method, path, body, status);
}

const char *
server_get_string (JsonNode   *node,
                   const char *member)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_string_member_with_default (json_node_get_object (node), member, NULL);
}

gint64
server_get_int (JsonNode   *node,
                const char *member)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_true (json_object_has_member (json_node_get_object (node), member));
  return json_object_get_int_member (json_node_get_object (node), member);
}

void
server_assert_error (JsonNode   *node,
                     const char *code,
                     const char *field)
{
  JsonObject *object;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "code", NULL), ==, code);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "field", NULL), ==, field);
  g_assert_nonnull (json_object_get_string_member_with_default (object, "message", NULL));
}

guint
server_count_blob_entries (ServerFixture *f)
{
  OtaStore *store = ota_engine_get_store (f->base.engine);
  g_autoptr(GDir) dir = g_dir_open (ota_store_get_blob_dir (store), 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

typedef struct {
  guint     port;
  char     *request;
  GString  *answer;
  gboolean  done;
} Raw;

static gpointer
raw_thread (gpointer user_data)
{
  Raw *raw = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *in;
  char buffer[4096];
  gssize n;
  gsize header_end = 0;
  guint64 body_length = 0;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", raw->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), raw->request,
                             strlen (raw->request), NULL, NULL, &error);
  g_assert_no_error (error);

  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      const char *end;

      g_string_append_len (raw->answer, buffer, n);
      if (header_end == 0 && (end = strstr (raw->answer->str, "\r\n\r\n")) != NULL)
        {
          const char *length = g_strstr_len (raw->answer->str, end - raw->answer->str, "Content-Length: ");

          header_end = (gsize) (end - raw->answer->str) + 4;
          body_length = length != NULL ? g_ascii_strtoull (length + strlen ("Content-Length: "), NULL, 10) : 0;
        }
      if (header_end != 0 && raw->answer->len >= header_end + body_length)
        break;
    }

  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_atomic_int_set (&raw->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

char *
server_raw_request (ServerFixture *f,
                    const char    *request)
{
  Raw raw = { ota_server_get_port (f->server), (char *) request, g_string_new (NULL), FALSE };
  GThread *thread = g_thread_new ("raw-client", raw_thread, &raw);

  SERVER_TEST_WAIT_UNTIL (g_atomic_int_get (&raw.done));
  g_thread_join (thread);
  return g_string_free (raw.answer, FALSE);
}
