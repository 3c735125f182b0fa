/* test-remote-http.c — the remote backend against HTTP answers an ota-server does not
 * give by itself: redirects (never followed: the token would go along), a handshake
 * refused after the token check, a check answered late, oversized answers, and what it
 * says it is (User-Agent); and from a real server a query for all fetched in pages, an
 * upload over its limit, an export that cannot be written
 *
 * A plain SoupServer on 127.0.0.1 plays the server; each test says how it answers.
 */
#include <string.h>

#include "backend-fixture.h"
#include "ota-remote-backend-private.h"

typedef struct _FakeServer FakeServer;

/* Answers one request (the path is below the server root: "/api/v1/products"). */
typedef void (*FakeHandler) (FakeServer        *fake,
                             SoupServerMessage *msg,
                             const char        *path);

struct _FakeServer
{
  SoupServer  *soup;
  char        *url;             /* "http://127.0.0.1:PORT" */
  FakeHandler  handle;
  const char  *location;        /* where a redirect points */
  const char  *json;            /* a 200 answer's body */
  gboolean     chunked;         /* without a Content-Length */

  /* What it saw */
  guint        n_requests;
  guint        n_checks;        /* GET /api/v1/whoami: token checks */
  guint        n_products;      /* GET /api/v1/products (older servers' check) */
  guint        n_authorized;    /* requests with an Authorization header */
  guint        n_streams;       /* WebSocket streams accepted */
  char        *user_agent;      /* of the last request */
  GPtrArray   *held;            /* SoupServerMessage *: answers held back */
  GPtrArray   *streams;         /* SoupWebsocketConnection * */
};

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FakeServer *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  fake->n_requests++;
  if (soup_message_headers_get_one (headers, "Authorization") != NULL)
    fake->n_authorized++;
  if (g_str_equal (path, "/api/v1/whoami"))
    fake->n_checks++;
  if (g_str_equal (path, "/api/v1/products"))
    fake->n_products++;
  g_free (fake->user_agent);
  fake->user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  fake->handle (fake, msg, path);
}

static void
on_stream (SoupServer              *soup,
           SoupServerMessage       *msg,
           const char              *path,
           SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  FakeServer *fake = user_data;

  fake->n_streams++;
  g_ptr_array_add (fake->streams, g_object_ref (connection));
}

/* @streams: whether /api/v1/events takes WebSockets; else @handle answers it too. */
static FakeServer *
fake_server_new (FakeHandler handle,
                 gboolean    streams)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->handle = handle;
  fake->held = g_ptr_array_new_with_free_func (g_object_unref);
  fake->streams = g_ptr_array_new_with_free_func (g_object_unref);
  fake->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->soup, NULL, on_request, fake, NULL);
  if (streams)
    soup_server_add_websocket_handler (fake->soup, "/api/v1/events", NULL, NULL, on_stream, fake, NULL);
  soup_server_listen_local (fake->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->soup);
  fake->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  for (guint i = 0; i < fake->streams->len; i++)
    {
      SoupWebsocketConnection *stream = g_ptr_array_index (fake->streams, i);

      /* The client may have closed it already (a stream it took for dead). */
      if (soup_websocket_connection_get_state (stream) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (stream, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_ptr_array_unref (fake->streams);
  g_ptr_array_unref (fake->held);
  soup_server_disconnect (fake->soup);
  g_object_unref (fake->soup);
  g_free (fake->user_agent);
  g_free (fake->url);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

static void
answer_json (FakeServer        *fake,
             SoupServerMessage *msg,
             guint              status,
             const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  if (!fake->chunked)
    {
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
      return;
    }
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/json", NULL);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_COPY, json, strlen (json));
  soup_message_body_complete (soup_server_message_get_response_body (msg));
}

/* ---- How the fake server answers --------------------------------------------------------- */

static void
redirect_all (FakeServer        *fake,
              SoupServerMessage *msg,
              const char        *path)
{
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, fake->location);
}

/* The token check passes; the event stream is sent elsewhere. */
static void
redirect_events (FakeServer        *fake,
                 SoupServerMessage *msg,
                 const char        *path)
{
  if (g_str_equal (path, "/api/v1/events"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, fake->location);
  else
    answer_json (fake, msg, SOUP_STATUS_OK, "[]");
}

#define REVOKED "{\"code\": \"unauthorised\", \"field\": null, \"message\": \"Token alice was revoked a moment ago\"}"

/* The first token check passes; then the token is revoked, before the stream opens. */
static void
revoke_after_check (FakeServer        *fake,
                    SoupServerMessage *msg,
                    const char        *path)
{
  if (g_str_equal (path, "/api/v1/whoami") && fake->n_checks == 1)
    answer_json (fake, msg, SOUP_STATUS_OK, "{}");
  else
    answer_json (fake, msg, SOUP_STATUS_UNAUTHORIZED, REVOKED);
}

static void
answer_body (FakeServer        *fake,
             SoupServerMessage *msg,
             const char        *path)
{
  answer_json (fake, msg, SOUP_STATUS_OK, fake->json);
}

static void
on_held_finished (SoupServerMessage *msg,
                  FakeServer        *fake)
{
  g_ptr_array_remove (fake->held, msg);
}

/* Token checks wait until the test answers them (answer_held()). */
static void
hold_checks (FakeServer        *fake,
             SoupServerMessage *msg,
             const char        *path)
{
  if (!g_str_equal (path, "/api/v1/whoami"))
    {
      answer_json (fake, msg, SOUP_STATUS_NOT_FOUND, "{\"code\": \"no-endpoint\", \"field\": null, \"message\": \"no\"}");
      return;
    }
  g_ptr_array_add (fake->held, g_object_ref (msg));
  g_signal_connect (msg, "finished", G_CALLBACK (on_held_finished), fake);
  soup_server_message_pause (msg);
}

/* Answers every check held back (the server may not have noticed yet that a client
 * gave one up). */
static void
answer_held (FakeServer *fake)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&fake->held);

  fake->held = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (held, i);

      g_signal_handlers_disconnect_by_data (msg, fake);
      answer_json (fake, msg, SOUP_STATUS_OK, "[]");
      soup_server_message_unpause (msg);
    }
}

/* ---- Helpers -------------------------------------------------------------------------------- */

static OtaRemoteBackend *
backend_for (BackendFixture *f,
             FakeServer     *fake)
{
  g_autoptr(GError) error = NULL;
  OtaRemoteBackend *backend = ota_remote_backend_new (fake->url, f->token, &error);

  g_assert_no_error (error);
  return backend;
}

static GError *
list_products_error (OtaBackend *backend)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) products = NULL;
  GError *error = NULL;

  ota_backend_list_products_async (backend, NULL, client_test_store_result, &result);
  products = ota_backend_list_products_finish (backend, client_test_wait (&result), &error);
  g_assert_true ((products == NULL) == (error != NULL));
  return error;
}

/* Runs what is ready until nothing is: the callbacks of what already happened. */
static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- Redirects --------------------------------------------------------------------------------- */

/* A redirect to another host is never followed (the token would go along): the error
 * names where it points, as an address to connect to instead; the other host hears
 * nothing. For connecting, and for every call. */
static void
test_redirect_not_followed (BackendFixture *f,
                            gconstpointer   data)
{
  g_autoptr(FakeServer) elsewhere = fake_server_new (answer_body, TRUE);
  g_autoptr(FakeServer) fake = fake_server_new (redirect_all, TRUE);
  g_autofree char *location = g_strconcat (elsewhere->url, "/api/v1/products?limit=1", NULL);
  g_autoptr(OtaRemoteBackend) backend = NULL;
  g_autoptr(GError) error = NULL;

  elsewhere->json = "[]";
  fake->location = location;
  backend = backend_for (f, fake);

  error = backend_test_connect (backend);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "url", NULL);
  g_assert_nonnull (strstr (error->message, elsewhere->url));
  g_assert_null (strstr (error->message, "limit"));
  g_assert_nonnull (strstr (error->message, "connect to that address instead"));
  /* Not worth trying again: the address is what has to change. */
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_DISCONNECTED);
  g_clear_error (&error);

  error = list_products_error (OTA_BACKEND (backend));
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "url", NULL);
  g_assert_cmpuint (fake->n_requests, ==, 2);
  g_assert_cmpuint (elsewhere->n_requests, ==, 0);
  g_assert_cmpuint (elsewhere->n_authorized, ==, 0);
}

/* The event stream's handshake is not followed either. */
static void
test_redirect_of_stream_not_followed (BackendFixture *f,
                                      gconstpointer   data)
{
  g_autoptr(FakeServer) elsewhere = fake_server_new (answer_body, TRUE);
  g_autoptr(FakeServer) fake = fake_server_new (redirect_events, FALSE);
  g_autofree char *location = g_strconcat (elsewhere->url, "/api/v1/events", NULL);
  g_autoptr(OtaRemoteBackend) backend = NULL;
  g_autoptr(GError) error = NULL;

  elsewhere->json = "[]";
  fake->location = location;
  backend = backend_for (f, fake);

  error = backend_test_connect (backend);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "url", NULL);
  g_assert_nonnull (strstr (error->message, elsewhere->url));
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_DISCONNECTED);
  g_assert_cmpuint (fake->n_checks, ==, 1);
  g_assert_cmpuint (elsewhere->n_requests, ==, 0);
}

/* ---- The event stream ------------------------------------------------------------------------ */

/* The token is revoked between the check and the stream's handshake: the error is the
 * server's own message, not libsoup's "Unauthorized", and the token is given up on. */
static void
test_refused_stream_says_why (BackendFixture *f,
                              gconstpointer   data)
{
  g_autoptr(FakeServer) fake = fake_server_new (revoke_after_check, FALSE);
  g_autoptr(OtaRemoteBackend) backend = backend_for (f, fake);
  g_autoptr(GError) error = NULL;

  error = backend_test_connect (backend);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "Token alice was revoked a moment ago"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1:"));
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_DISCONNECTED);
  g_assert_error (ota_remote_backend_get_last_error (backend), G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
}

typedef struct {
  gboolean  done;
  GError   *error;
} Connecting;

static void
connected (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Connecting *connecting = user_data;

  ota_remote_backend_connect_finish (OTA_REMOTE_BACKEND (source), result, &connecting->error);
  connecting->done = TRUE;
}

/* A server from before /whoami answers it "no-endpoint": the token is checked by
 * listing the products, as before, and the backend connects. */
static void
before_whoami (FakeServer        *fake,
               SoupServerMessage *msg,
               const char        *path)
{
  if (g_str_equal (path, "/api/v1/products"))
    answer_json (fake, msg, SOUP_STATUS_OK, "[]");
  else
    answer_json (fake, msg, SOUP_STATUS_NOT_FOUND, "{\"code\": \"no-endpoint\", \"field\": null, \"message\": \"no\"}");
}

static void
test_check_on_server_before_whoami (BackendFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(FakeServer) fake = fake_server_new (before_whoami, TRUE);
  g_autoptr(OtaRemoteBackend) backend = backend_for (f, fake);
  g_autoptr(GError) error = NULL;

  error = backend_test_connect (backend);
  g_assert_no_error (error);
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_CONNECTED);
  g_assert_cmpuint (fake->n_checks, ==, 1);
  g_assert_cmpuint (fake->n_products, ==, 1);
  ota_remote_backend_disconnect (backend);
}

/* connect, disconnect, connect: the first attempt's check, ending late, is not taken
 * for the second's. The second connects on its own check, with one stream. */
static void
test_late_check_of_old_attempt_ignored (BackendFixture *f,
                                        gconstpointer   data)
{
  g_autoptr(FakeServer) fake = fake_server_new (hold_checks, TRUE);
  g_autoptr(OtaRemoteBackend) backend = backend_for (f, fake);
  g_autoptr(GCancellable) first_cancellable = g_cancellable_new ();
  Connecting first = { FALSE, NULL };
  Connecting second = { FALSE, NULL };

  ota_remote_backend_connect_async (backend, first_cancellable, connected, &first);
  CLIENT_TEST_WAIT_UNTIL (fake->held->len == 1);
  ota_remote_backend_disconnect (backend);
  CLIENT_TEST_WAIT_UNTIL (first.done);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  ota_remote_backend_connect_async (backend, NULL, connected, &second);
  CLIENT_TEST_WAIT_UNTIL (fake->held->len == 2);

  /* The first check ends now (cancelled by its caller): nothing of the second changes. */
  g_cancellable_cancel (first_cancellable);
  drain ();
  g_assert_false (second.done);
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_CONNECTING);

  answer_held (fake);
  CLIENT_TEST_WAIT_UNTIL (second.done);
  g_assert_no_error (second.error);
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_CONNECTED);
  CLIENT_TEST_WAIT_UNTIL (fake->n_streams == 1);
  drain ();
  g_assert_cmpuint (fake->n_streams, ==, 1);

  ota_remote_backend_disconnect (backend);
  g_clear_error (&first.error);
}

typedef struct {
  gint64 connected_at;
  gint64 reconnecting_at;
} StateTimes;

static void
on_state_time (OtaRemoteBackend *backend,
               GParamSpec       *pspec,
               StateTimes       *times)
{
  OtaRemoteState state = ota_remote_backend_get_state (backend);

  if (state == OTA_REMOTE_STATE_CONNECTED && times->connected_at == 0)
    times->connected_at = g_get_monotonic_time ();
  else if (state == OTA_REMOTE_STATE_RECONNECTING && times->reconnecting_at == 0)
    times->reconnecting_at = g_get_monotonic_time ();
}

/* The server takes the stream and then says nothing, not even to pings (a peer gone
 * without a FIN: TCP would notice after many minutes): once silent for the limit the
 * backend takes the stream for dead, closes it and is RECONNECTING with TIMED_OUT; the
 * back-off's try then opens a new stream. The limit is 1 s here instead of 35. */
static void
test_silent_stream_declared_dead (BackendFixture *f,
                                  gconstpointer   data)
{
  g_autoptr(FakeServer) fake = fake_server_new (answer_body, TRUE);
  g_autoptr(OtaRemoteBackend) backend = backend_for (f, fake);
  g_autoptr(GError) error = NULL;
  StateTimes times = { 0, 0 };
  const GError *last;
  gint64 heard;

  fake->json = "{}";
  ota_remote_set_silence_limit (backend, 1000);
  g_signal_connect (backend, "notify::state", G_CALLBACK (on_state_time), &times);

  error = backend_test_connect (backend);
  g_assert_no_error (error);
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_CONNECTED);
  heard = backend->last_heard;
  CLIENT_TEST_WAIT_UNTIL (fake->n_streams == 1);

  CLIENT_TEST_WAIT_UNTIL (ota_remote_backend_get_state (backend) == OTA_REMOTE_STATE_RECONNECTING);
  /* Not before the limit, and soon after it (not after the default's 35 s). */
  g_assert_cmpint (backend->last_heard, ==, heard);
  g_assert_cmpint (times.reconnecting_at - heard, >=, 1000 * 1000);
  g_assert_cmpint (times.reconnecting_at - times.connected_at, <, 10 * G_USEC_PER_SEC);
  last = ota_remote_backend_get_last_error (backend);
  g_assert_error (last, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (last->message, "127.0.0.1:"));
  g_assert_cmpuint (ota_remote_get_retry_step (backend), ==, 1);
  g_assert_null (backend->websocket);
  /* The dead stream was closed from this side. */
  CLIENT_TEST_WAIT_UNTIL (soup_websocket_connection_get_state (g_ptr_array_index (fake->streams, 0)) ==
                          SOUP_WEBSOCKET_STATE_CLOSED);

  /* The back-off's try (1 s) opens a new stream. */
  CLIENT_TEST_WAIT_UNTIL (ota_remote_backend_get_state (backend) == OTA_REMOTE_STATE_CONNECTED);
  g_assert_cmpuint (fake->n_streams, ==, 2);
  g_assert_null (ota_remote_backend_get_last_error (backend));

  g_signal_handlers_disconnect_by_data (backend, &times);
  ota_remote_backend_disconnect (backend);
}

/* ---- Answers --------------------------------------------------------------------------------- */

/* An answer over the limit is refused, whether it says its size or not, naming the
 * server; the backend works on afterwards. */
static void
test_oversized_answer_refused (BackendFixture *f,
                               gconstpointer   data)
{
  g_autoptr(FakeServer) fake = fake_server_new (answer_body, TRUE);
  g_autoptr(OtaRemoteBackend) backend = backend_for (f, fake);
  g_autoptr(GString) big = g_string_new ("[");

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (big, "%s\"padding-padding-padding-%03u\"", i > 0 ? ", " : "", i);
  g_string_append (big, "]");
  fake->json = big->str;
  backend->max_answer = 1024;

  for (guint chunked = 0; chunked < 2; chunked++)
    {
      g_autoptr(GError) error = NULL;

      fake->chunked = chunked;
      error = list_products_error (OTA_BACKEND (backend));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "127.0.0.1:"));
    }

  fake->json = "[]";
  g_assert_no_error (list_products_error (OTA_BACKEND (backend)));
}

/* The console says it is ota-console; otactl (or anyone) can say otherwise. */
static void
test_user_agent_set_by_maker (BackendFixture *f,
                              gconstpointer   data)
{
  g_autoptr(FakeServer) fake = fake_server_new (answer_body, TRUE);
  g_autoptr(OtaRemoteBackend) backend = backend_for (f, fake);
  g_autofree char *property = NULL;

  fake->json = "[]";
  g_assert_no_error (list_products_error (OTA_BACKEND (backend)));
  g_assert_true (g_str_has_prefix (fake->user_agent, "ota-console/"));

  ota_remote_backend_set_user_agent (backend, "otactl/9.9");
  g_assert_no_error (list_products_error (OTA_BACKEND (backend)));
  g_assert_cmpstr (fake->user_agent, ==, "otactl/9.9");
  g_object_get (backend, "user-agent", &property, NULL);
  g_assert_cmpstr (property, ==, "otactl/9.9");
}

static void
on_request_queued (SoupSession *session,
                   SoupMessage *msg,
                   guint       *n)
{
  (*n)++;
}

/* A query for all (limit 0) comes in pages from the server, all of them, in order,
 * with the total; an offset counts from where it says. */
static void
test_query_for_all_in_pages (BackendFixture *f,
                             gconstpointer   data)
{
  OtaRemoteBackend *remote = OTA_REMOTE_BACKEND (f->backend);
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  guint n_requests = 0;
  /* From 0: pages of 2, 2 and 1; from 1: 2 and 2, and the total says that is all. */
  const guint offsets[] = { 0, 1 };
  const guint pages[] = { 3, 2 };

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%u", i);

      g_object_unref (ota_test_add_device (f->base.engine, "p1", name, "1.0"));
    }
  remote->page_size = 2;
  g_signal_connect (remote->session, "request-queued", G_CALLBACK (on_request_queued), &n_requests);

  query.product_key = "p1";
  query.limit = 0;
  for (guint o = 0; o < G_N_ELEMENTS (offsets); o++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) devices = NULL;
      g_autoptr(GError) error = NULL;
      guint64 total = 0;

      n_requests = 0;
      query.offset = offsets[o];
      ota_backend_query_devices_async (f->backend, &query, NULL, client_test_store_result, &result);
      devices = ota_backend_query_devices_finish (f->backend, client_test_wait (&result), &total, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (total, ==, 5);
      g_assert_cmpuint (devices->len, ==, 5 - offsets[o]);
      for (guint i = 0; i < devices->len; i++)
        {
          g_autofree char *name = g_strdup_printf ("dev-%u", i + offsets[o]);

          g_assert_cmpstr (ota_device_get_name (g_ptr_array_index (devices, i)), ==, name);
        }
      g_assert_cmpuint (n_requests, ==, pages[o]);
    }

  g_signal_handlers_disconnect_by_data (remote->session, &n_requests);
}

/* R-F8: a firmware over the server's upload limit is refused naming the file, as the
 * engine's own size check does, with the server's words; nothing is stored. */
static void
test_upload_too_large_names_the_file (BackendFixture *f,
                                      gconstpointer   data)
{
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  g_autofree char *path = backend_fixture_write_firmware (f, "fw.bin", 64 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GError) error = NULL;
  const char *sources[] = { "1.0", NULL };
  OtaFirmwareSpec spec = {
    .product_key = "p1", .name = "fw", .type = OTA_FIRMWARE_TYPE_FULL, .version = "2.0",
    .source_versions = sources, .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
  };

  ota_server_set_max_upload_size (f->server, 1024);
  ota_backend_add_firmware_async (f->backend, &spec, file, NULL, NULL, NULL, client_test_store_result, &result);
  firmware = ota_backend_add_firmware_finish (f->backend, client_test_wait (&result), &error);
  g_assert_null (firmware);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "file", NULL);
  g_assert_nonnull (strstr (error->message, "1024"));
  backend_fixture_assert_unchanged (f, before);
}

/* An export whose file cannot take the answer (a folder is in the way) fails naming
 * the file, and leaves no temporary file beside it. */
static void
test_export_failure_leaves_nothing (BackendFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  g_autofree char *dir = g_build_filename (f->base.dir, "exports", NULL);
  g_autofree char *in_the_way = g_build_filename (dir, "devices.csv", NULL);
  g_autofree char *inside = g_build_filename (in_the_way, "keep", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (in_the_way);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;

  g_object_unref (ota_test_add_device (f->base.engine, "p1", "dev-0", "1.0"));
  g_assert_cmpint (g_mkdir_with_parents (in_the_way, 0700), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));

  ota_backend_export_devices_async (f->backend, "p1", file, NULL, client_test_store_result, &result);
  g_assert_false (ota_backend_export_devices_finish (f->backend, client_test_wait (&result), &error));
  ota_test_assert_error (error, OTA_ERROR_IO, "file", NULL);
  g_assert_nonnull (strstr (error->message, "devices.csv"));

  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "devices.csv");
  g_assert_null (g_dir_read_name (listing));
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
}

void
backend_test_add_remote_http (void)
{
  BACKEND_TEST_ADD ("/client/backend/remote/redirect-not-followed", test_redirect_not_followed);
  BACKEND_TEST_ADD ("/client/backend/remote/redirect-of-stream-not-followed",
                    test_redirect_of_stream_not_followed);
  BACKEND_TEST_ADD ("/client/backend/remote/refused-stream-says-why", test_refused_stream_says_why);
  BACKEND_TEST_ADD ("/client/backend/remote/check-on-server-before-whoami",
                    test_check_on_server_before_whoami);
  BACKEND_TEST_ADD ("/client/backend/remote/late-check-of-old-attempt-ignored",
                    test_late_check_of_old_attempt_ignored);
  BACKEND_TEST_ADD ("/client/backend/remote/silent-stream-declared-dead", test_silent_stream_declared_dead);
  BACKEND_TEST_ADD ("/client/backend/remote/oversized-answer-refused", test_oversized_answer_refused);
  BACKEND_TEST_ADD ("/client/backend/remote/user-agent-set-by-maker", test_user_agent_set_by_maker);
  BACKEND_TEST_ADD ("/client/backend/remote/R-DV2/query-for-all-in-pages", test_query_for_all_in_pages);
  BACKEND_TEST_ADD ("/client/backend/remote/R-F8/upload-too-large-names-the-file",
                    test_upload_too_large_names_the_file);
  BACKEND_TEST_ADD ("/client/backend/remote/export-failure-leaves-nothing", test_export_failure_leaves_nothing);
}
