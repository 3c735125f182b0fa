/* test-otactl-connection.c — how otactl --server reaches a server: an https server
 * trusted through --tls-ca or $OTA_CA_FILE, a token in $OTA_TOKEN with a line end, what
 * it says it is (User-Agent), a redirect it does not follow, a list of everything
 * fetched in pages (R-DV2); and an import from standard input that names "-" (R-DV1)
 *
 * The servers: the built ota-server on 127.0.0.1 with a free port, and for what an
 * ota-server never does a SoupServer of the test's own, on a thread (otactl runs as a
 * child the test waits for).
 */
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cli-test-util.h"
#include "ota-test-util.h"

typedef struct {
  CliFixture   cli;
  GSubprocess *server;
  char        *url;
  char        *token;
} Fixture;

/* Starts ota-server on f->cli.dir/server.db with @extra arguments; f->url is where it
 * listens, f->token a token of it. */
static void
start_server (Fixture            *f,
              const char * const *extra)
{
  g_autofree char *db = g_build_filename (f->cli.dir, "server.db", NULL);

  f->token = cli_server_token (db, "tester");
  f->server = cli_server_start (db, extra, &f->url);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  cli_fixture_setup (&f->cli, data);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->server != NULL)
    {
      cli_server_stop (f->server);
      g_clear_object (&f->server);
    }
  g_free (f->url);
  g_free (f->token);
  cli_fixture_teardown (&f->cli, data);
}

/* Runs "otactl ARG…" with OTA_TOKEN = the fixture's token, then @env ("NAME=VALUE", or
 * "NAME" to unset), and @input on standard input; out and err in f->cli. */
static int
run_otactl (Fixture            *f,
            const char * const *env,
            const char         *input,
            const char * const *args)
{
  g_autoptr(GStrvBuilder) all_env = g_strv_builder_new ();
  g_auto(GStrv) full_env = NULL;
  g_autofree char *token = f->token != NULL ? g_strconcat ("OTA_TOKEN=", f->token, NULL) : NULL;

  if (token != NULL)
    g_strv_builder_add (all_env, token);
  if (env != NULL)
    g_strv_builder_addv (all_env, (const char **) env);
  full_env = g_strv_builder_end (all_env);
  return cli_run_env (&f->cli, (const char * const *) full_env, input, args);
}

#define ARGS(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define ENV(...) ((const char * const[]) { __VA_ARGS__, NULL })

/* ---- https ------------------------------------------------------------------------------------ */

/* A self-signed server: refused by default (exit 5, naming the server), trusted with
 * --tls-ca (before or after the command) or $OTA_CA_FILE; a CA file that cannot be
 * read is a bad value (exit 2) naming the option. */
static void
test_tls_ca_trusts_server (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *cert = NULL, *key = NULL, *ca_env = NULL, *missing = NULL;

  if (!ota_test_make_certificate (f->cli.dir, &cert, &key))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  start_server (f, ARGS ("--tls-cert", cert, "--tls-key", key));
  g_assert_true (g_str_has_prefix (f->url, "https://127.0.0.1:"));

  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "product", "list")), 5);
  cli_assert_error_line (&f->cli, f->url + strlen ("https://"));

  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "--tls-ca", cert,
                                                               "--json", "product", "list")), 0);
  g_assert_cmpstr (g_strstrip (f->cli.out), ==, "[]");
  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "product", "list",
                                                               "--tls-ca", cert)), 0);
  ca_env = g_strconcat ("OTA_CA_FILE=", cert, NULL);
  cli_assert_status (&f->cli, run_otactl (f, ENV (ca_env), NULL, ARGS ("--server", f->url, "product", "list")), 0);

  missing = g_build_filename (f->cli.dir, "missing.pem", NULL);
  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "--tls-ca", missing,
                                                               "product", "list")), 2);
  cli_assert_error_line (&f->cli, "--tls-ca");
}

/* ---- The token ---------------------------------------------------------------------------------- */

/* A token read from a file with Windows line ends still works. */
static void
test_token_with_line_end (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *token_env = NULL;

  start_server (f, NULL);
  token_env = g_strconcat ("OTA_TOKEN= ", f->token, "\r\n", NULL);
  cli_assert_status (&f->cli, run_otactl (f, ENV (token_env), NULL, ARGS ("--server", f->url, "product", "list")), 0);

  /* Blank is no token at all. */
  cli_assert_status (&f->cli, run_otactl (f, ENV ("OTA_TOKEN= \r\n"), NULL,
                                          ARGS ("--server", f->url, "product", "list")), 1);
  cli_assert_error_line (&f->cli, "OTA_TOKEN");
}

/* ---- A server of the test's own ---------------------------------------------------------------- */

typedef struct {
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  char         *url;
  const char   *location;      /* (nullable): every request redirected there */
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  /* Under lock */
  guint         n_requests;
  guint         n_authorized;
  char         *user_agent;
} FakeServer;

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FakeServer *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  g_mutex_lock (&fake->lock);
  fake->n_requests++;
  fake->n_authorized += soup_message_headers_get_one (headers, "Authorization") != NULL;
  g_free (fake->user_agent);
  fake->user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  g_mutex_unlock (&fake->lock);

  if (fake->location != NULL)
    soup_server_message_set_redirect (msg, SOUP_STATUS_TEMPORARY_REDIRECT, fake->location);
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "[]", 2);
    }
}

static gpointer
fake_server_run (gpointer data)
{
  FakeServer *fake = data;
  g_autoptr(SoupServer) soup = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (fake->context);
  soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (soup, NULL, on_request, fake, NULL);
  soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup);

  g_mutex_lock (&fake->lock);
  fake->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  fake->ready = TRUE;
  g_cond_signal (&fake->cond);
  g_mutex_unlock (&fake->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (fake->loop);
  soup_server_disconnect (soup);
  g_main_context_pop_thread_default (fake->context);
  return NULL;
}

static FakeServer *
fake_server_start (const char *location)
{
  FakeServer *fake = g_new0 (FakeServer, 1);

  g_mutex_init (&fake->lock);
  g_cond_init (&fake->cond);
  fake->location = location;
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);
  fake->thread = g_thread_new ("fake-server", fake_server_run, fake);

  g_mutex_lock (&fake->lock);
  while (!fake->ready)
    g_cond_wait (&fake->cond, &fake->lock);
  g_mutex_unlock (&fake->lock);
  return fake;
}

static void
fake_server_stop (FakeServer *fake)
{
  g_main_loop_quit (fake->loop);
  g_thread_join (fake->thread);
  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->cond);
  g_free (fake->user_agent);
  g_free (fake->url);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_stop)

/* otactl says it is otactl, not the console, in its User-Agent. */
static void
test_user_agent_is_otactl (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(FakeServer) fake = fake_server_start (NULL);

  f->token = g_strdup ("a-token");
  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", fake->url, "product", "list")), 0);
  g_mutex_lock (&fake->lock);
  g_assert_cmpuint (fake->n_requests, ==, 1);
  g_assert_nonnull (fake->user_agent);
  g_assert_true (g_str_has_prefix (fake->user_agent, "otactl/"));
  g_mutex_unlock (&fake->lock);
}

/* A redirect is not followed, so the token never goes to the other address: exit 2,
 * the error says where to connect instead. */
static void
test_redirect_not_followed (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(FakeServer) elsewhere = fake_server_start (NULL);
  g_autofree char *location = g_strconcat (elsewhere->url, "/api/v1/products", NULL);
  g_autoptr(FakeServer) fake = fake_server_start (location);

  f->token = g_strdup ("a-token");
  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", fake->url, "product", "list")), 2);
  cli_assert_error_line (&f->cli, elsewhere->url);
  g_assert_nonnull (strstr (f->cli.err, "connect to that address instead"));
  g_mutex_lock (&elsewhere->lock);
  g_assert_cmpuint (elsewhere->n_requests, ==, 0);
  g_mutex_unlock (&elsewhere->lock);
}

/* ---- Lists and imports ----------------------------------------------------------------------- */

/* R-DV2: --limit 0 lists every device of a product larger than a page of the API. */
static void
test_device_list_all_in_pages (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) listed = NULL;

  for (guint i = 0; i < 1100; i++)
    g_string_append_printf (csv, "plug,dev-%05u,,,default=1.0.0,no\n", i);
  path = cli_write_file (&f->cli, "devices.csv", csv->str);

  start_server (f, NULL);
  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "product", "add", "--key", "plug",
                                                               "--name", "Plug", "--type", "own-brand",
                                                               "--network", "wifi")), 0);
  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "device", "import", path)), 0);

  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "device", "list", "plug",
                                                               "--limit", "0")), 0);
  g_assert_nonnull (strstr (f->cli.out, "Devices 1–1100 of 1100"));
  g_assert_nonnull (strstr (f->cli.out, "dev-01099"));

  cli_assert_status (&f->cli, run_otactl (f, NULL, NULL, ARGS ("--server", f->url, "--json", "audit", "--limit", "0")), 0);
  listed = cli_out_json (&f->cli);
  g_assert_nonnull (listed);
}

/* R-DV1: an import from standard input names "-" in its errors, never the temporary
 * file otactl keeps it in. */
static void
test_stdin_import_names_dash (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *no_dir = g_build_filename (f->cli.dir, "no-such-folder", NULL);
  g_autofree char *tmpdir_env = g_strconcat ("TMPDIR=", no_dir, NULL);

  cli_assert_status (&f->cli, cli_run (&f->cli, "product", "add", "--key", "plug", "--name", "Plug", "--type",
                                       "own-brand", "--network", "wifi", NULL), 0);
  cli_assert_status (&f->cli, run_otactl (f, ENV (tmpdir_env), "product,device\n",
                                          ARGS ("--db", f->cli.db, "device", "import", "-")), 5);
  cli_assert_error_line (&f->cli, "-: ");
  g_assert_nonnull (strstr (f->cli.err, "standard input"));
  g_assert_null (strstr (f->cli.err, "otactl-import"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/otactl/connection/tls-ca-trusts-a-self-signed-server", test_tls_ca_trusts_server);
  ADD ("/otactl/connection/token-with-line-end-accepted", test_token_with_line_end);
  ADD ("/otactl/connection/user-agent-is-otactl", test_user_agent_is_otactl);
  ADD ("/otactl/connection/redirect-not-followed", test_redirect_not_followed);
  ADD ("/otactl/connection/R-DV2/device-list-all-in-pages", test_device_list_all_in_pages);
  ADD ("/otactl/connection/R-DV1/stdin-import-names-dash", test_stdin_import_names_dash);
#undef ADD

  return g_test_run ();
}
