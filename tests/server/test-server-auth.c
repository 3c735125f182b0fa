/* test-server-auth.c — operator tokens: made once, stored as a hash, checked on every
 * /api/v1 request; the token commands of ota-server; the connection limit */
#include <string.h>

#include "server-test-util.h"

/* ---- The engine's tokens ------------------------------------------------------------- */

static void
test_token_is_random_and_only_its_hash_is_stored (ServerFixture *f,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *second = ota_engine_create_token (f->base.engine, "second", &error);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, second, -1);
  g_autofree char *dump = ota_test_dump_store (f->base.engine);
  g_autoptr(GPtrArray) tokens = NULL;

  g_assert_no_error (error);
  /* 32 random bytes in base64url without padding. */
  g_assert_cmpuint (strlen (second), ==, 43);
  g_assert_true (strspn (second, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43);
  g_assert_cmpstr (second, !=, f->token);

  g_assert_null (strstr (dump, second));
  g_assert_nonnull (strstr (dump, hash));

  tokens = ota_engine_list_tokens (f->base.engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 2);
  g_assert_cmpstr (((OtaApiToken *) g_ptr_array_index (tokens, 1))->name, ==, "second");
  g_assert_cmpint (((OtaApiToken *) g_ptr_array_index (tokens, 1))->revoked_at, ==, 0);
}

static void
test_token_name_unique_among_active (ServerFixture *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *again = ota_engine_create_token (f->base.engine, "test", &error);
  g_autofree char *renewed = NULL;

  g_assert_null (again);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_CONFLICT);
  g_assert_cmpstr (ota_error_get_field (error), ==, "name");
  g_clear_error (&error);

  ota_engine_revoke_token (f->base.engine, "test", &error);
  g_assert_no_error (error);
  renewed = ota_engine_create_token (f->base.engine, "test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (renewed);

  g_assert_false (ota_engine_revoke_token (f->base.engine, "nobody", &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
}

/* ---- 401 ----------------------------------------------------------------------------- */

static void
assert_unauthorised (ServerFixture *f,
                     const char    *token)
{
  g_autoptr(SoupMessage) msg = server_message (f, "GET", "/api/v1/products", token);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  body = server_send (f, msg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "WWW-Authenticate"),
                   ==, "Bearer");
  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  server_assert_error (node, "unauthorised", NULL);
}

static void
test_missing_token_401 (ServerFixture *f,
                        gconstpointer  data)
{
  assert_unauthorised (f, NULL);
}

static void
test_wrong_token_401 (ServerFixture *f,
                      gconstpointer  data)
{
  g_autofree char *wrong = g_strdup (f->token);

  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  assert_unauthorised (f, wrong);
  assert_unauthorised (f, "");
}

static void
test_revoked_token_401 (ServerFixture *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) before = NULL;
  guint status = 0;

  before = server_json (f, "GET", "/api/v1/products", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (before));

  ota_engine_revoke_token (f->base.engine, "test", &error);
  g_assert_no_error (error);
  assert_unauthorised (f, f->token);
}

static void
test_every_api_route_needs_a_token (ServerFixture *f,
                                    gconstpointer  data)
{
  static const char * const routes[][2] = {
    { "GET", "/api/v1/products/p1" }, { "GET", "/api/v1/products/p1/modules" },
    { "GET", "/api/v1/products/p1/devices" }, { "GET", "/api/v1/devices.csv" },
    { "GET", "/api/v1/firmwares/1" }, { "POST", "/api/v1/firmwares/1/batches" },
    { "GET", "/api/v1/batches/1/tasks" }, { "POST", "/api/v1/tasks/1/cancel" },
    { "GET", "/api/v1/audit" }, { "POST", "/api/v1/devices/p1/d1/events" },
    { "POST", "/api/v1/products/p1/firmwares" }, { "POST", "/api/v1/devices/import" },
    { "GET", "/api/v1/whoami" }, { "GET", "/api/v1/products/p1/devices/d1/task" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status = 0;

      node = server_json_with_token (f, NULL, routes[i][0], routes[i][1], "{}", &status);
      g_assert_cmpuint (status, ==, SOUP_STATUS_UNAUTHORIZED);
      server_assert_error (node, "unauthorised", NULL);
    }
}

static void
connected (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(SoupWebsocketConnection) conn =
    soup_session_websocket_connect_finish (SOUP_SESSION (source), result, error);

  if (conn != NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "connected");
}

static void
test_event_stream_needs_a_token (ServerFixture *f,
                                 gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = server_message (f, "GET", "/api/v1/events", NULL);
  GError *error = NULL;

  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected, &error);
  SERVER_TEST_WAIT_UNTIL (error != NULL);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS));
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_UNAUTHORIZED);
  g_error_free (error);
}

/* ---- ota-server token … ------------------------------------------------------------------ */

static char *
run_cli (ServerFixture  *f,
         int            *status,
         const char     *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("OTA_SERVER_BIN"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->base.db_path);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (process);
  return out;
}

static void
test_cli_token_create_list_revoke (ServerFixture *f,
                                   gconstpointer  data)
{
  g_autofree char *created = NULL, *listed = NULL, *revoked = NULL, *again = NULL, *after = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *bearer = NULL;
  g_autoptr(JsonNode) node = NULL;
  int status = -1;
  guint http_status = 0;

  if (g_getenv ("OTA_SERVER_BIN") == NULL)
    {
      g_test_skip ("OTA_SERVER_BIN is not set");
      return;
    }

  created = run_cli (f, &status, "token", "create", "ops", NULL);
  g_assert_cmpint (status, ==, 0);
  secret = g_strstrip (g_strdup (created));
  g_assert_cmpuint (strlen (secret), ==, 43);

  /* The printed token works against the running server at once. */
  node = server_json_with_token (f, secret, "GET", "/api/v1/products", NULL, &http_status);
  g_assert_cmpuint (http_status, ==, SOUP_STATUS_OK);
  g_clear_pointer (&node, json_node_unref);

  listed = run_cli (f, &status, "token", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (listed, "ops\tcreated "));
  g_assert_nonnull (strstr (listed, "\tactive\n"));
  g_assert_null (strstr (listed, secret));

  revoked = run_cli (f, &status, "token", "revoke", "ops", NULL);
  g_assert_cmpint (status, ==, 0);
  node = server_json_with_token (f, secret, "GET", "/api/v1/products", NULL, &http_status);
  g_assert_cmpuint (http_status, ==, SOUP_STATUS_UNAUTHORIZED);

  again = run_cli (f, &status, "token", "revoke", "ops", NULL);
  g_assert_cmpint (status, ==, 1);
  after = run_cli (f, &status, "token", "list", NULL);
  g_assert_nonnull (strstr (after, "\trevoked "));

  g_free (run_cli (f, &status, "token", "frobnicate", NULL));
  g_assert_cmpint (status, ==, 2);
}

/* ---- Limits ------------------------------------------------------------------------------ */

static void
store_connection (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SoupWebsocketConnection **slot = user_data;
  g_autoptr(GError) error = NULL;

  *slot = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
test_over_max_connections_503 (ServerFixture *f,
                               gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = server_message (f, "GET", "/api/v1/events", f->token);
  g_autoptr(SoupWebsocketConnection) stream = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  /* An open event stream counts as a connection. */
  ota_server_set_max_connections (f->server, 1);
  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        store_connection, &stream);
  SERVER_TEST_WAIT_UNTIL (stream != NULL);

  node = server_json (f, "GET", "/api/v1/products", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
  server_assert_error (node, "unavailable", NULL);
  g_clear_pointer (&node, json_node_unref);

  ota_server_set_max_connections (f->server, 2);
  node = server_json (f, "GET", "/api/v1/products", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
}

/* GET /api/v1/whoami: the token's name, the server's version and its clock. */
static void
test_whoami_names_the_token (ServerFixture *f,
                             gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) parsed = NULL;
  guint status = 0;

  ota_manual_clock_advance (f->base.clock, 1234567);
  node = server_json (f, "GET", "/api/v1/whoami", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (server_get_string (node, "token"), ==, "test");
  g_assert_cmpstr (server_get_string (node, "server_version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (server_get_string (node, "clock"), ==, "manual");
  g_assert_cmpint (server_get_int (node, "now"), ==, ota_clock_get_now (OTA_CLOCK (f->base.clock)));
  parsed = g_date_time_new_from_iso8601 (server_get_string (node, "now_iso"), NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpint (g_date_time_to_unix (parsed), ==, server_get_int (node, "now") / G_USEC_PER_SEC);
}

/* A token revoked by "ota-server token revoke" (another process) while its event
 * stream is open: the next check closes that stream with 4401 "token-revoked"; a
 * stream of another token stays open. */
static void
test_revoked_token_closes_open_stream (ServerFixture *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_token = ota_engine_create_token (f->base.engine, "other", &error);
  g_autoptr(SoupMessage) msg = server_message (f, "GET", "/api/v1/events", f->token);
  g_autoptr(SoupMessage) other_msg = server_message (f, "GET", "/api/v1/events", other_token);
  g_autoptr(SoupWebsocketConnection) stream = NULL;
  g_autoptr(SoupWebsocketConnection) other = NULL;
  g_autofree char *out = NULL;
  int exit_status = -1;

  g_assert_no_error (error);
  ota_server_set_token_check_interval (f->server, 20);
  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        store_connection, &stream);
  soup_session_websocket_connect_async (f->session, other_msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        store_connection, &other);
  SERVER_TEST_WAIT_UNTIL (stream != NULL && other != NULL);

  out = run_cli (f, &exit_status, "token", "revoke", "test", NULL);
  g_assert_cmpint (exit_status, ==, 0);

  SERVER_TEST_WAIT_UNTIL (soup_websocket_connection_get_state (stream) == SOUP_WEBSOCKET_STATE_CLOSED);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (stream), ==, OTA_SERVER_CLOSE_TOKEN_REVOKED);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (stream), ==, "token-revoked");
  g_assert_cmpint (soup_websocket_connection_get_state (other), ==, SOUP_WEBSOCKET_STATE_OPEN);

  soup_websocket_connection_close (other, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  SERVER_TEST_WAIT_UNTIL (soup_websocket_connection_get_state (other) == SOUP_WEBSOCKET_STATE_CLOSED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, ServerFixture, NULL, server_fixture_setup, func, server_fixture_teardown)

  ADD ("/server/auth/token-is-random-and-only-its-hash-is-stored", test_token_is_random_and_only_its_hash_is_stored);
  ADD ("/server/auth/token-name-unique-among-active-tokens", test_token_name_unique_among_active);
  ADD ("/server/auth/missing-token-401", test_missing_token_401);
  ADD ("/server/auth/wrong-token-401", test_wrong_token_401);
  ADD ("/server/auth/revoked-token-401", test_revoked_token_401);
  ADD ("/server/auth/every-api-route-needs-a-token", test_every_api_route_needs_a_token);
  ADD ("/server/auth/event-stream-needs-a-token", test_event_stream_needs_a_token);
  ADD ("/server/auth/cli-token-create-list-revoke", test_cli_token_create_list_revoke);
  ADD ("/server/auth/whoami-names-the-token", test_whoami_names_the_token);
  ADD ("/server/auth/revoked-token-closes-open-event-stream", test_revoked_token_closes_open_stream);
  ADD ("/server/limits/over-max-connections-503", test_over_max_connections_503);

  return g_test_run ();
}
