/* test-backend-remote.c — what only the remote backend does: connecting with a token,
 * refusing a bad address, reconnecting with back-off after the server went away and
 * catching up on what changed meanwhile, stopping an upload midway */
#include <string.h>

#include "backend-fixture.h"
#include "ota-remote-backend-private.h"
#include "ota-server-private.h"

#define REMOTE(f) OTA_REMOTE_BACKEND ((f)->backend)

static void
wait_for_state (OtaRemoteBackend *backend,
                OtaRemoteState    state)
{
  CLIENT_TEST_WAIT_UNTIL (ota_remote_backend_get_state (backend) == state);
}

static void
on_state (OtaRemoteBackend *backend,
          GParamSpec       *pspec,
          GArray           *states)
{
  OtaRemoteState state = ota_remote_backend_get_state (backend);

  g_array_append_val (states, state);
}

/* A port nobody listens on. */
static guint
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
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

/* A wrong token, or none: refused when connecting, the state stays DISCONNECTED with
 * the error kept; calls are refused the same way. */
static void
test_remote_wrong_token (BackendFixture *f,
                         gconstpointer   data)
{
  const char *tokens[] = { "not-a-token", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaRemoteBackend) backend = ota_remote_backend_new (f->url, tokens[i], &error);
      g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (OtaRemoteState));
      const GError *last;

      g_assert_no_error (error);
      g_signal_connect (backend, "notify::state", G_CALLBACK (on_state), states);

      error = backend_test_connect (backend);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, f->name));
      g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_DISCONNECTED);
      g_assert_cmpuint (states->len, ==, 2);
      g_assert_cmpint (g_array_index (states, OtaRemoteState, 0), ==, OTA_REMOTE_STATE_CONNECTING);
      last = ota_remote_backend_get_last_error (backend);
      g_assert_error (last, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);

      error = list_products_error (OTA_BACKEND (backend));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_signal_handlers_disconnect_by_data (backend, states);
    }
}

/* Nobody listens: the error names the address, for connecting and for calls. The
 * first connection does not give up on a server that is not up yet: it keeps trying
 * with back-off, and connects once the server is there. */
static void
test_remote_unreachable_names_the_address (BackendFixture *f,
                                           gconstpointer   data)
{
  guint port = closed_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaRemoteBackend) backend = ota_remote_backend_new (url, f->token, &error);
  g_autoptr(OtaServer) late = NULL;

  g_assert_no_error (error);
  error = backend_test_connect (backend);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, address));
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_RECONNECTING);
  g_assert_cmpuint (ota_remote_get_retry_step (backend), ==, 1);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (backend), >=, 1);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (backend), <=, 2);
  g_assert_error (ota_remote_backend_get_last_error (backend), G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  error = list_products_error (OTA_BACKEND (backend));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, address));

  /* The server comes up: the next try (here at once) connects. */
  late = backend_test_start_server (f->base.engine, port);
  ota_remote_backend_reconnect_now (backend);
  wait_for_state (backend, OTA_REMOTE_STATE_CONNECTED);
  g_assert_null (ota_remote_backend_get_last_error (backend));
  ota_remote_backend_disconnect (backend);
  backend_test_stop_server (&late);
}

/* The back-off of each try is moved by up to ±20 %, so that the consoles a restart
 * dropped do not all come back in the same second. */
static void
test_remote_backoff_has_jitter (BackendFixture *f,
                                gconstpointer   data)
{
  g_assert_cmpuint (ota_remote_backoff_ms (1, 0.0), ==, 800);
  g_assert_cmpuint (ota_remote_backoff_ms (1, 0.5), ==, 1000);
  g_assert_cmpuint (ota_remote_backoff_ms (1, 0.999999), <=, 1200);
  g_assert_cmpuint (ota_remote_backoff_ms (30, 0.0), ==, 24000);
  g_assert_cmpuint (ota_remote_backoff_ms (30, 0.999999), <=, 36000);
  g_assert_cmpuint (ota_remote_backoff_ms (30, 0.999999), >, 35000);
}

/* Not an http(s) URL with a host: refused naming the field "url". Good ones are
 * normalised, as the token store keys them. */
static void
test_remote_bad_url_refused (BackendFixture *f,
                             gconstpointer   data)
{
  const char *bad[] = {
    "", "ota.example.com", "ftp://ota.example.com", "http://", "http://alice@ota.example.com",
    "http://ota.example.com/?x=1", "http://ota.example.com/#top",
  };
  /* What was typed as a secret is refused and never quoted back. */
  const char *secret[] = {
    "http://alice:s3cr3t@ota.example.com", "https://ota.example.com/?token=s3cr3t",
    "ftp://alice:s3cr3t@ota.example.com/?token=s3cr3t#s3cr3t", "alice:s3cr3t@ota.example.com",
  };
  const struct {
    const char *url;
    const char *normalised;
    const char *name;
  } good[] = {
    { "  HTTP://Example.COM:80/api/v1/ ", "http://example.com", "example.com:80" },
    { "https://ota.example.com:443/", "https://ota.example.com", "ota.example.com:443" },
    { "http://ota.example.com:8080/ota/api/v1", "http://ota.example.com:8080/ota", "ota.example.com:8080" },
    { "http://[::1]:9000", "http://[::1]:9000", "[::1]:9000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaRemoteBackend) backend = ota_remote_backend_new (bad[i], f->token, &error);
      g_autofree char *normalised = NULL;

      g_assert_null (backend);
      ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "url", NULL);
      g_clear_error (&error);

      normalised = ota_remote_normalise_url (bad[i], &error);
      g_assert_null (normalised);
      g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
    }

  for (guint i = 0; i < G_N_ELEMENTS (secret); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaRemoteBackend) backend = ota_remote_backend_new (secret[i], f->token, &error);

      g_assert_null (backend);
      ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "url", NULL);
      g_assert_null (strstr (error->message, "s3cr3t"));
      g_assert_null (strstr (error->message, "alice"));
      g_assert_nonnull (strstr (error->message, "ota.example.com"));
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OtaRemoteBackend) backend = ota_remote_backend_new (good[i].url, NULL, &error);
      g_autofree char *name = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (ota_remote_backend_get_url (backend), ==, good[i].normalised);
      name = ota_backend_dup_name (OTA_BACKEND (backend));
      g_assert_cmpstr (name, ==, good[i].name);
      g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_DISCONNECTED);
      g_assert_null (ota_remote_backend_get_last_error (backend));
    }
}

/* HTTPS: a certificate the system does not trust is a TLS error naming the server;
 * trusted through a CA file, the backend connects and works. */
static void
test_remote_https (BackendFixture *f,
                   gconstpointer   data)
{
  g_autofree char *cert = NULL, *key = NULL, *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaServer) server = NULL;
  g_autoptr(OtaRemoteBackend) untrusting = NULL;
  g_autoptr(OtaRemoteBackend) trusting = NULL;

  if (!ota_test_make_certificate (f->base.dir, &cert, &key))
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  server = ota_server_new (f->base.engine, &error);
  g_assert_no_error (error);
  ota_server_set_tls_files (server, cert, key, &error);
  g_assert_no_error (error);
  ota_server_listen (server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("https://127.0.0.1:%u", ota_server_get_port (server));

  untrusting = ota_remote_backend_new (url, f->token, &error);
  g_assert_no_error (error);
  error = backend_test_connect (untrusting);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_TLS_ERROR);
  g_assert_nonnull (strstr (error->message, "127.0.0.1:"));
  g_assert_cmpint (ota_remote_backend_get_state (untrusting), ==, OTA_REMOTE_STATE_DISCONNECTED);
  g_clear_error (&error);

  trusting = ota_remote_backend_new (url, f->token, &error);
  g_assert_no_error (error);
  ota_remote_backend_set_tls_ca_file (trusting, cert, &error);
  g_assert_no_error (error);
  error = backend_test_connect (trusting);
  g_assert_no_error (error);
  g_assert_cmpint (ota_remote_backend_get_state (trusting), ==, OTA_REMOTE_STATE_CONNECTED);
  error = list_products_error (OTA_BACKEND (trusting));
  g_assert_no_error (error);

  ota_remote_backend_disconnect (trusting);
  g_clear_object (&trusting);
  g_clear_object (&untrusting);
  backend_test_stop_server (&server);
}

/* The server goes away: RECONNECTING, retried after 1 s; restarted on the same port,
 * the backend is CONNECTED again and announces what changed meanwhile (the new server
 * cannot know what the old one sent: a resync, so the catalogue and every batch the
 * backend has seen). */
static void
test_remote_reconnects_after_restart (BackendFixture *f,
                                      gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw",
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  g_autoptr(OtaDevice) device = ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "dev-1", "1.0");
  g_autoptr(OtaDevice) later = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) seen = NULL;
  g_autoptr(OtaProduct) product = NULL;
  const char *sources[] = { "1.0", NULL };
  const char *devices[] = { "dev-1", NULL };
  OtaVerifySpec verify = { ota_firmware_get_id (firmware), sources, devices, 30, FALSE };
  OtaProductSpec spec = { .key = "p2", .name = "Pump" };

  batch = ota_engine_start_verification (f->base.engine, &verify, &error);
  g_assert_no_error (error);
  ota_backend_get_batch_async (f->backend, ota_batch_get_id (batch), NULL, client_test_store_result, &result);
  seen = ota_backend_get_batch_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  backend_test_stop_server (&f->server);
  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_RECONNECTING);
  /* 1 s, give or take the jitter; the seconds shown round up. */
  g_assert_cmpuint (ota_remote_get_retry_step (REMOTE (f)), ==, 1);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), >=, 1);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), <=, 2);
  g_assert_error (ota_remote_backend_get_last_error (REMOTE (f)), G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_nonnull (strstr (ota_remote_backend_get_last_error (REMOTE (f))->message, f->name));

  /* Meanwhile, on the server's engine. */
  later = ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, "dev-2", "1.0");
  g_ptr_array_set_size (f->catalogue_changes, 0);
  g_array_set_size (f->batch_changes, 0);

  f->server = backend_test_start_server (f->base.engine, f->port);
  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_CONNECTED);
  g_assert_null (ota_remote_backend_get_last_error (REMOTE (f)));
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), ==, 0);
  CLIENT_TEST_WAIT_UNTIL (backend_fixture_has_change (f, ""));
  g_assert_true (backend_fixture_has_batch_change (f, ota_batch_get_id (batch)));

  /* Writes and their events go on as before. */
  ota_backend_add_product_async (f->backend, &spec, NULL, client_test_store_result, &result);
  product = ota_backend_add_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (backend_fixture_has_change (f, "p2"));
}

/* "Retry now" while the server is still gone: the try fails at once, naming the
 * server, and the back-off doubles; calls meanwhile are still attempted. Once the
 * server is back, "Retry now" connects. */
static void
test_remote_retry_now_and_back_off (BackendFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  const GError *last;

  backend_test_stop_server (&f->server);
  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_RECONNECTING);

  ota_remote_backend_reconnect_now (REMOTE (f));
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), ==, 0);
  CLIENT_TEST_WAIT_UNTIL (ota_remote_backend_get_retry_in (REMOTE (f)) > 0);
  g_assert_cmpuint (ota_remote_get_retry_step (REMOTE (f)), ==, 2);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), >=, 2);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), <=, 3);
  g_assert_cmpint (ota_remote_backend_get_state (REMOTE (f)), ==, OTA_REMOTE_STATE_RECONNECTING);
  last = ota_remote_backend_get_last_error (REMOTE (f));
  g_assert_error (last, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (last->message, f->name));

  error = list_products_error (f->backend);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, f->name));

  f->server = backend_test_start_server (f->base.engine, f->port);
  ota_remote_backend_reconnect_now (REMOTE (f));
  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_CONNECTED);

  /* Disconnecting stops it all. */
  ota_remote_backend_disconnect (REMOTE (f));
  g_assert_cmpint (ota_remote_backend_get_state (REMOTE (f)), ==, OTA_REMOTE_STATE_DISCONNECTED);
  g_assert_null (ota_remote_backend_get_last_error (REMOTE (f)));
}

/* The token is revoked while the stream is open, by another engine on the same
 * database ("ota-server token revoke" is another process): the server's next check
 * closes the stream with 4401 and the backend gives up at once: DISCONNECTED with
 * PERMISSION_DENIED, no reconnecting. */
static void
test_remote_revoked_while_streaming (BackendFixture *f,
                                     gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaEngine) other = NULL;
  const GError *last;

  g_assert_cmpint (ota_remote_backend_get_state (REMOTE (f)), ==, OTA_REMOTE_STATE_CONNECTED);
  ota_server_set_token_check_interval (f->server, 20);

  other = ota_engine_new (f->base.db_path, OTA_CLOCK (f->base.clock), &error);
  g_assert_no_error (error);
  ota_engine_revoke_token (other, "test", &error);
  g_assert_no_error (error);

  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_DISCONNECTED);
  last = ota_remote_backend_get_last_error (REMOTE (f));
  g_assert_error (last, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (last->message, f->name));
  g_assert_cmpuint (ota_remote_get_retry_step (REMOTE (f)), ==, 0);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), ==, 0);

  /* Calls are refused as well, and the stream is not opened again. */
  error = list_products_error (f->backend);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpint (ota_remote_backend_get_state (REMOTE (f)), ==, OTA_REMOTE_STATE_DISCONNECTED);
}

/* The server closes its side of every event stream (a proxy timing idle connections
 * out, say) and keeps its event log: unlike a restart, the reconnection's ?since= can
 * be answered with what was missed. The next try comes after a back-off of
 * @retry_seconds (OTA_REMOTE_RETRY_MAX_SECONDS: far enough for the test to say when,
 * with "Retry now"). */
static void
server_drops_streams (BackendFixture *f,
                      guint           retry_seconds)
{
  g_autoptr(GPtrArray) streams = g_ptr_array_new_with_free_func (g_object_unref);

  REMOTE (f)->retry_seconds = retry_seconds;
  for (guint i = 0; i < f->server->websockets->len; i++)
    g_ptr_array_add (streams, g_object_ref (g_ptr_array_index (f->server->websockets, i)));
  g_assert_cmpuint (streams->len, ==, 1);
  for (guint i = 0; i < streams->len; i++)
    soup_websocket_connection_close (g_ptr_array_index (streams, i), SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                     "dropped by the test");
  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_RECONNECTING);
  g_assert_cmpuint (ota_remote_get_retry_step (REMOTE (f)), ==, retry_seconds);
}

static OtaProduct *
add_product (BackendFixture *f,
             const char     *key,
             GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  OtaProductSpec spec = { .key = key, .name = "Pump" };

  ota_backend_add_product_async (f->backend, &spec, NULL, client_test_store_result, &result);
  return ota_backend_add_product_finish (f->backend, client_test_wait (&result), error);
}

/* The stream drops while a change is made (here by the backend's own write, which
 * cannot wait for its event meanwhile): the reconnection asks ?since= the last event
 * seen and gets the missed one, with the number the server gave it, announced once; no
 * resync (which would announce the whole catalogue, NULL). */
static void
test_remote_catches_up_without_resync (BackendFixture *f,
                                       gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) missed = NULL;
  g_autoptr(OtaProduct) later = NULL;
  guint64 seen, seq;

  /* The stream's "hello" tells where the log is. */
  CLIENT_TEST_WAIT_UNTIL (REMOTE (f)->have_seq);
  seen = REMOTE (f)->last_seq;
  g_assert_cmpuint (seen, ==, ota_server_get_last_event_seq (f->server));

  server_drops_streams (f, OTA_REMOTE_RETRY_MAX_SECONDS);
  missed = add_product (f, "p2", &error);
  g_assert_no_error (error);
  seq = ota_server_get_last_event_seq (f->server);
  g_assert_cmpuint (seq, ==, seen + 1);
  /* Not heard: the stream is down. */
  g_assert_cmpuint (f->catalogue_changes->len, ==, 0);
  g_assert_cmpuint (REMOTE (f)->last_seq, ==, seen);
  g_assert_cmpint (ota_remote_backend_get_state (REMOTE (f)), ==, OTA_REMOTE_STATE_RECONNECTING);

  ota_remote_backend_reconnect_now (REMOTE (f));
  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_CONNECTED);
  CLIENT_TEST_WAIT_UNTIL (f->catalogue_changes->len > 0);
  g_assert_cmpuint (REMOTE (f)->last_seq, ==, seq);
  g_assert_cmpuint (f->catalogue_changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->catalogue_changes, 0), ==, "p2");

  /* A write now waits for its own, later event: anything else the catch-up sent came
   * before it. Still only "p2" once, then "p3"; no batches, no resync. */
  later = add_product (f, "p3", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (REMOTE (f)->last_seq, ==, seq + 1);
  g_assert_cmpuint (f->catalogue_changes->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->catalogue_changes, 0), ==, "p2");
  g_assert_cmpstr (g_ptr_array_index (f->catalogue_changes, 1), ==, "p3");
  g_assert_false (backend_fixture_has_change (f, ""));
  g_assert_cmpuint (f->batch_changes->len, ==, 0);
}

/* The token is revoked while the backend is RECONNECTING: the next try (by the
 * back-off's own timer) is refused with 401, and the backend gives up at once:
 * DISCONNECTED with PERMISSION_DENIED naming the server, no further try scheduled. */
static void
test_remote_revoked_while_reconnecting (BackendFixture *f,
                                        gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (OtaRemoteState));
  const GError *last;

  /* The next try comes in about a second, by the backend's own timer; nothing runs
   * until the token is gone. */
  server_drops_streams (f, 1);
  g_signal_connect (REMOTE (f), "notify::state", G_CALLBACK (on_state), states);

  ota_engine_revoke_token (f->base.engine, "test", &error);
  g_assert_no_error (error);

  wait_for_state (REMOTE (f), OTA_REMOTE_STATE_DISCONNECTED);
  last = ota_remote_backend_get_last_error (REMOTE (f));
  g_assert_error (last, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (last->message, f->name));
  g_assert_cmpuint (ota_remote_get_retry_step (REMOTE (f)), ==, 0);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (REMOTE (f)), ==, 0);
  g_assert_null (REMOTE (f)->retry_source);
  g_assert_null (REMOTE (f)->handshake);

  /* Straight from RECONNECTING to DISCONNECTED, and it stays there. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (states->len, ==, 1);
  g_assert_cmpint (g_array_index (states, OtaRemoteState, 0), ==, OTA_REMOTE_STATE_DISCONNECTED);
  ota_remote_backend_reconnect_now (REMOTE (f));
  g_assert_null (REMOTE (f)->handshake);
  g_assert_cmpint (ota_remote_backend_get_state (REMOTE (f)), ==, OTA_REMOTE_STATE_DISCONNECTED);
  g_signal_handlers_disconnect_by_data (REMOTE (f), states);
}

typedef struct {
  GCancellable *cancellable;
  guint         n_sent;
} CancelAfterSent;

static void
on_wrote_body (SoupMessage     *msg,
               CancelAfterSent *cancel)
{
  cancel->n_sent++;
  g_cancellable_cancel (cancel->cancellable);
}

/* Cancels the caller's cancellable as soon as a write's body went out. */
static void
on_queued_cancel_after_sent (SoupSession     *session,
                             SoupMessage     *msg,
                             CancelAfterSent *cancel)
{
  if (g_str_equal (soup_message_get_method (msg), "POST"))
    g_signal_connect (msg, "wrote-body", G_CALLBACK (on_wrote_body), cancel);
}

/* A write cancelled after it was sent reports what the server did, as the local
 * backend does (ota-remote-backend.h): the product made, with its announcement first;
 * or the server's own error. Never "cancelled" for a change that was made. */
static void
test_remote_write_cancelled_after_sent (BackendFixture *f,
                                        gconstpointer   data)
{
  OtaRemoteBackend *remote = REMOTE (f);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) again = g_cancellable_new ();
  CancelAfterSent cancel = { cancellable, 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaProduct) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  OtaProductSpec spec = { .key = "p1", .name = "Pump" };

  g_signal_connect (remote->session, "request-queued", G_CALLBACK (on_queued_cancel_after_sent), &cancel);

  ota_backend_add_product_async (f->backend, &spec, cancellable, client_test_store_result, &result);
  product = ota_backend_add_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_cmpuint (cancel.n_sent, ==, 1);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_key (product), ==, "p1");
  g_assert_cmpuint (f->catalogue_changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->catalogue_changes, 0), ==, "p1");
  stored = ota_engine_get_product (f->base.engine, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_product_get_name (stored), ==, "Pump");
  g_clear_object (&result);
  g_clear_object (&product);

  /* The same again: the server refuses the duplicate, and says so. */
  before = ota_test_dump_store (f->base.engine);
  g_ptr_array_set_size (f->catalogue_changes, 0);
  cancel.cancellable = again;
  ota_backend_add_product_async (f->backend, &spec, again, client_test_store_result, &result);
  product = ota_backend_add_product_finish (f->backend, client_test_wait (&result), &error);
  g_assert_cmpuint (cancel.n_sent, ==, 2);
  g_assert_true (g_cancellable_is_cancelled (again));
  g_assert_null (product);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_CONFLICT);
  backend_fixture_assert_unchanged (f, before);

  g_signal_handlers_disconnect_by_data (remote->session, &cancel);
}

/* R-F8: an upload cancelled while its body goes out stops at once; the server stores
 * nothing and announces nothing. */
static void
test_firmwares_cancel_midway_changes_nothing (BackendFixture *f,
                                              gconstpointer   data)
{
  g_autoptr(OtaProduct) product = backend_fixture_add_product (f, "p1");
  g_autofree char *path = backend_fixture_write_firmware (f, "fw.bin", 8 * 1024 * 1024);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BackendProgress progress = BACKEND_PROGRESS_INIT;

  progress.cancel_at_first = cancellable;
  backend_fixture_add_firmware_cancelled (f, path, &progress, cancellable);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.done, <, 8 * 1024 * 1024);
}

void
backend_test_add_remote (void)
{
  BACKEND_TEST_ADD ("/client/backend/remote/wrong-token-refused", test_remote_wrong_token);
  BACKEND_TEST_ADD ("/client/backend/remote/unreachable-names-the-address",
                    test_remote_unreachable_names_the_address);
  BACKEND_TEST_ADD ("/client/backend/remote/backoff-has-jitter", test_remote_backoff_has_jitter);
  BACKEND_TEST_ADD ("/client/backend/remote/bad-url-refused", test_remote_bad_url_refused);
  BACKEND_TEST_ADD ("/client/backend/remote/https-needs-a-trusted-certificate", test_remote_https);
  BACKEND_TEST_ADD ("/client/backend/remote/reconnects-after-restart", test_remote_reconnects_after_restart);
  BACKEND_TEST_ADD ("/client/backend/remote/retry-now-and-back-off", test_remote_retry_now_and_back_off);
  BACKEND_TEST_ADD ("/client/backend/remote/revoked-while-streaming-disconnects",
                    test_remote_revoked_while_streaming);
  BACKEND_TEST_ADD ("/client/backend/remote/catches-up-since-without-resync",
                    test_remote_catches_up_without_resync);
  BACKEND_TEST_ADD ("/client/backend/remote/revoked-while-reconnecting-gives-up",
                    test_remote_revoked_while_reconnecting);
  BACKEND_TEST_ADD ("/client/backend/remote/write-cancelled-after-sent-reports-outcome",
                    test_remote_write_cancelled_after_sent);
  BACKEND_TEST_ADD ("/client/backend/remote/R-F8/upload-cancelled-midway",
                    test_firmwares_cancel_midway_changes_nothing);
  backend_test_add_remote_http ();
}
