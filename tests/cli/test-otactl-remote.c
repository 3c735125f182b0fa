/* test-otactl-remote.c — otactl --server against a real ota-server (R-P1, R-P2, R-DV1,
 * R-DV2, R-F1, R-V1, R-V4, R-B1, R-B11, R-B17, R-D1, R-D3)
 *
 * Each test starts the built ota-server on 127.0.0.1 with a free port (--port 0; it
 * prints the URL it listens on) and a token of its own, then runs the same commands with
 * --db on a local database and with --server: text, JSON, errors and exit codes must be
 * the same, times aside. Run under keyring-session.sh, so "otactl login" has a keyring;
 * without one the login test skips, saying why.
 */
#include <gio/gio.h>
#include <string.h>

#include "cli-test-util.h"

typedef struct {
  CliFixture   cli;        /* the local database (--db); out and err of the last run */
  char        *server_db;
  GSubprocess *server;
  char        *url;        /* "http://127.0.0.1:PORT" */
  char        *token;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  cli_fixture_setup (&f->cli, data);
  f->server_db = g_build_filename (f->cli.dir, "server.db", NULL);

  /* The server's audit log names the token, otactl's local one the login name: give the
   * token the login name, so the two logs match. */
  f->token = cli_server_token (f->server_db, g_get_user_name ());
  /* The same audit entry in the local database, so the two audit logs match. */
  g_free (cli_server_token (f->cli.db, g_get_user_name ()));

  f->server = cli_server_start (f->server_db, NULL, &f->url);
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cli_server_stop (f->server);
  g_clear_object (&f->server);
  g_free (f->server_db);
  g_free (f->url);
  g_free (f->token);
  cli_fixture_teardown (&f->cli, data);
}

/* Runs "otactl ARG…" as cli_runv() does, but with --server unless @with_server is
 * FALSE, OTA_TOKEN set to the fixture's token, @env ("NAME=VALUE", or "NAME" to unset)
 * applied after, and @input on standard input. */
static int
run_remote_full (Fixture            *f,
                 gboolean            with_server,
                 const char * const *env,
                 const char         *input,
                 const char * const *args)
{
  g_autoptr(GStrvBuilder) all_env = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) all_args = g_strv_builder_new ();
  g_auto(GStrv) full_env = NULL, full_args = NULL;
  g_autofree char *token = g_strconcat ("OTA_TOKEN=", f->token, NULL);

  g_strv_builder_add (all_env, token);
  if (env != NULL)
    g_strv_builder_addv (all_env, (const char **) env);
  if (with_server)
    g_strv_builder_add_many (all_args, "--server", f->url, NULL);
  g_strv_builder_addv (all_args, (const char **) args);
  full_env = g_strv_builder_end (all_env);
  full_args = g_strv_builder_end (all_args);
  return cli_run_env (&f->cli, (const char * const *) full_env, input, (const char * const *) full_args);
}

static int
run_remote (Fixture    *f,
            const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return run_remote_full (f, TRUE, NULL, NULL, (const char * const *) args->pdata);
}

/* Times differ between the two runs by their nature: the text and ISO forms, and µs
 * since 1970 (in the audit log's options), become "<time>". */
static char *
mask_times (const char *text)
{
  static GRegex *times;

  if (g_once_init_enter (&times))
    g_once_init_leave (&times, g_regex_new ("\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?"
                                            "(Z|[+-]\\d\\d:\\d\\d)?|\\b1\\d{15}\\b", G_REGEX_OPTIMIZE, 0, NULL));
  return g_regex_replace_literal (times, text, -1, 0, "<time>", 0, NULL);
}

/* Runs the command on the local database, then on the server: the same exit status,
 * output and error line. Returns the status; f->cli.out holds the server's output. */
static int
run_both (Fixture    *f,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *local_out = NULL, *local_err = NULL, *remote_out = NULL, *remote_err = NULL;
  g_autofree char *joined = NULL;
  int local_status, remote_status;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  joined = g_strjoinv (" ", (char **) args->pdata);

  local_status = cli_runv (&f->cli, (const char * const *) args->pdata);
  local_out = mask_times (f->cli.out);
  local_err = mask_times (f->cli.err);
  remote_status = run_remote_full (f, TRUE, NULL, NULL, (const char * const *) args->pdata);
  remote_out = mask_times (f->cli.out);
  remote_err = mask_times (f->cli.err);

  g_test_message ("otactl %s: exit %d / %d", joined, local_status, remote_status);
  if (remote_status != local_status || g_strcmp0 (local_err, remote_err) != 0)
    g_test_message ("local stderr: %s\nserver stderr: %s", local_err, remote_err);
  g_assert_cmpint (remote_status, ==, local_status);
  g_assert_cmpstr (remote_out, ==, local_out);
  g_assert_cmpstr (remote_err, ==, local_err);
  return remote_status;
}

#define both_ok(f, ...) g_assert_cmpint (run_both ((f), __VA_ARGS__, NULL), ==, 0)

static void
add_products (Fixture *f)
{
  both_ok (f, "product", "add", "--key", "plug", "--name", "智能插座", "--type", "own-brand",
           "--network", "wifi", "--alios-things");
  both_ok (f, "--json", "product", "add", "--key", "lamp", "--name", "Lamp", "--type", "tmall-genie",
           "--network", "ble");
}

/* R-P1, R-P2: products read back the same from the server as from the database. */
static void
test_products_same_as_local (Fixture       *f,
                             gconstpointer  data)
{
  add_products (f);
  both_ok (f, "product", "list");
  g_assert_nonnull (strstr (f->cli.out, "智能插座"));
  both_ok (f, "--json", "product", "list");
  both_ok (f, "product", "show", "lamp");
  both_ok (f, "product", "secure-upgrade", "plug", "on");
  g_assert_nonnull (strstr (f->cli.out, "is on"));

  /* Each side made its own key pair: only the form can be compared. */
  g_assert_cmpint (run_remote (f, "product", "public-key", "plug", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (f->cli.out, "-----BEGIN PUBLIC KEY-----"));
}

/* R-DV1, R-DV2: devices added, imported (a file and standard input), listed and exported. */
static void
test_devices_same_as_local (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *csv = cli_write_file (&f->cli, "devices.csv",
                                         "product,device,province,city,versions,online\n"
                                         "plug,dev-0001,浙江省,杭州市,default=1.0.0,yes\n"
                                         "plug,dev-0002,浙江省,宁波市,default=1.0.0;wifi=2.0,no\n"
                                         "plug,dev-0003,江苏省,,default=0.9.0,no\n");
  g_autofree char *bad = cli_write_file (&f->cli, "bad.csv",
                                         "product,device,province,city,versions,online\n"
                                         "plug,x,,,default=1.0.0,yes\n");
  const char *stdin_csv = "product,device,province,city,versions,online\nplug,dev-0009,,,default=1.0.0,no\n";
  g_autofree char *exported = NULL;

  add_products (f);
  both_ok (f, "device", "add", "plug", "dev-0000", "--province", "浙江省", "--city", "杭州市",
           "--version", "default=1.0.0", "--online");
  both_ok (f, "device", "import", csv);
  g_assert_nonnull (strstr (f->cli.out, "3 added, 0 updated"));
  both_ok (f, "--json", "device", "import", csv);
  /* A bad row refuses the whole file, naming the line and the field. */
  g_assert_cmpint (run_both (f, "device", "import", bad, NULL), ==, 2);
  cli_assert_error_line (&f->cli, "bad.csv");

  both_ok (f, "device", "list", "plug");
  g_assert_nonnull (strstr (f->cli.out, "Devices 1–4 of 4"));
  both_ok (f, "--json", "device", "list", "plug", "--online", "no", "--sort", "region", "--desc");
  both_ok (f, "device", "list", "plug", "--module", "default", "--versions", "1.0.0", "--limit", "2");

  /* Standard input goes to the server too. */
  cli_assert_status (&f->cli, run_remote_full (f, TRUE, NULL, stdin_csv,
                                               (const char * const[]) { "device", "import", "-", NULL }), 0);
  g_assert_cmpstr (f->cli.out, ==, "imported -: 1 added, 0 updated\n");
  g_assert_cmpint (run_remote (f, "device", "export", "--product", "plug", NULL), ==, 0);
  g_assert_nonnull (strstr (f->cli.out, "plug,dev-0009,"));
  exported = g_build_filename (f->cli.dir, "exported.csv", NULL);
  g_assert_cmpint (run_remote (f, "device", "export", exported, NULL), ==, 0);
  g_assert_true (g_file_test (exported, G_FILE_TEST_EXISTS));
}

static void
add_firmware (Fixture *f)
{
  g_autofree char *csv = cli_write_file (&f->cli, "devices.csv",
                                         "product,device,province,city,versions,online\n"
                                         "plug,ver-0001,,,default=1.0.0,yes\n"
                                         "plug,ver-0002,,,default=1.0.0,yes\n"
                                         "plug,dev-0001,浙江省,杭州市,default=1.0.0,no\n"
                                         "plug,dev-0002,浙江省,宁波市,default=1.0.0,no\n"
                                         "plug,dev-0003,江苏省,,default=1.0.0,no\n");
  g_autofree char *bin = cli_write_file (&f->cli, "plug.bin", "firmware image 1.1.0");

  add_products (f);
  both_ok (f, "device", "import", csv);
  both_ok (f, "firmware", "add", "plug", bin, "--name", "plug-1_1", "--version", "1.1.0",
           "--source", "1.0.0", "--description", "修复若干问题");
}

/* R-F1: a firmware uploaded to the server reads back as one added locally. */
static void
test_firmwares_same_as_local (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *bin = NULL;

  add_firmware (f);
  g_assert_nonnull (strstr (f->cli.out, "Added firmware 1"));
  both_ok (f, "firmware", "list", "plug");
  both_ok (f, "--json", "firmware", "list", "plug");
  both_ok (f, "firmware", "show", "1");
  both_ok (f, "module", "list", "plug");

  /* R-F2: a refused spec is refused before the upload, with the same message. */
  bin = cli_write_file (&f->cli, "again.bin", "another image");
  g_assert_cmpint (run_both (f, "firmware", "add", "plug", bin, "--name", "a-name-of-forty-one-characters-is-too-lon",
                             "--version", "1.2.0", "--source", "1.0.0", NULL), ==, 2);
  cli_assert_error_line (&f->cli, NULL);
  both_ok (f, "firmware", "list", "plug");
}

/* R-V1, R-V4, R-B1, R-B11, R-B17, R-D1, R-D3: a verification, a scheduled batch, its
 * tasks, cancels and the audit log, the same through the server. */
static void
test_rollout_same_as_local (Fixture       *f,
                            gconstpointer  data)
{
  add_firmware (f);

  both_ok (f, "verify", "1", "--source", "1.0.0", "--device", "ver-0001,ver-0002");
  g_assert_nonnull (strstr (f->cli.out, "Started verification 1"));
  both_ok (f, "device", "progress", "plug", "ver-0001", "100");
  both_ok (f, "device", "report", "plug", "ver-0001", "1.1.0");
  g_assert_nonnull (strstr (f->cli.out, "succeeded"));
  both_ok (f, "--json", "device", "report", "plug", "ver-0002", "1.1.0");
  both_ok (f, "device", "progress", "plug", "ver-0002", "100");
  both_ok (f, "device", "online", "plug", "dev-0003");
  g_assert_nonnull (strstr (f->cli.out, "no upgrade task"));
  both_ok (f, "firmware", "show", "1");
  g_assert_nonnull (strstr (f->cli.out, "verified"));

  /* Scheduled, so neither side pushes while the test runs. */
  both_ok (f, "batch", "create", "1", "--source", "1.0.0", "--start", "+1d", "--rate", "10", "--dry-run");
  g_assert_nonnull (strstr (f->cli.out, "Forecast"));
  both_ok (f, "batch", "create", "1", "--source", "1.0.0", "--start", "+1d", "--rate", "10");
  g_assert_nonnull (strstr (f->cli.out, "Created batch 2 with 3 tasks"));
  both_ok (f, "batch", "list", "1");
  both_ok (f, "--json", "batch", "show", "2");
  both_ok (f, "task", "list", "2");
  g_assert_nonnull (strstr (f->cli.out, "pending-push (scheduled: "));
  both_ok (f, "--json", "task", "list", "2", "--sort", "device", "--desc", "--limit", "2");
  both_ok (f, "task", "cancel", "4");
  both_ok (f, "device", "offline", "plug", "dev-0001");
  both_ok (f, "failures", "2");
  both_ok (f, "batch", "cancel", "2");
  g_assert_nonnull (strstr (f->cli.out, "Cancelled batch 2"));
  both_ok (f, "audit");
  g_assert_nonnull (strstr (f->cli.out, "batch.cancel"));
  both_ok (f, "--json", "audit", "--limit", "3");
}

/* Errors keep their message and exit code through the server. */
static void
test_errors_same_as_local (Fixture       *f,
                           gconstpointer  data)
{
  add_products (f);

  g_assert_cmpint (run_both (f, "product", "show", "nope", NULL), ==, 3);
  cli_assert_error_line (&f->cli, "nope");
  g_assert_cmpint (run_both (f, "product", "add", "--key", "plug", "--name", "Again", "--type", "own-brand",
                             "--network", "wifi", NULL), ==, 4);
  g_assert_cmpint (run_both (f, "product", "add", "--key", "bad key!", "--name", "X", "--type", "own-brand",
                             "--network", "wifi", NULL), ==, 2);
  g_assert_cmpint (run_both (f, "product", "secure-upgrade", "lamp", "on", NULL), ==, 2);
  g_assert_cmpint (run_both (f, "batch", "show", "99", NULL), ==, 3);
  g_assert_cmpint (run_both (f, "task", "cancel", "99", NULL), ==, 3);
  g_assert_cmpint (run_both (f, "device", "report", "plug", "ghost-01", "1.0", NULL), ==, 3);
  /* The server's clock is real, like a database's by default: not moved, exit 4. */
  g_assert_cmpint (run_remote (f, "clock", "advance", "5m", NULL), ==, 4);
  cli_assert_error_line (&f->cli, "real time");
  cli_assert_status (&f->cli, cli_run (&f->cli, "clock", "advance", "5m", NULL), 4);
}

static void
test_wrong_token_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *server = g_strdup (f->url + strlen ("http://"));

  g_assert_cmpint (run_remote_full (f, TRUE, (const char * const[]) { "OTA_TOKEN=not-a-token", NULL }, NULL,
                                    (const char * const[]) { "product", "list", NULL }), ==, 5);
  cli_assert_error_line (&f->cli, "refused the token in OTA_TOKEN");
  g_assert_nonnull (strstr (f->cli.err, server));
  g_assert_cmpstr (f->cli.out, ==, "");
}

/* No OTA_TOKEN and nothing in the keyring: the message names both ways to give one. */
static void
test_no_token_names_both_ways (Fixture       *f,
                               gconstpointer  data)
{
  g_assert_cmpint (run_remote_full (f, TRUE, (const char * const[]) { "OTA_TOKEN", NULL }, NULL,
                                    (const char * const[]) { "product", "list", NULL }), ==, 1);
  cli_assert_error_line (&f->cli, "OTA_TOKEN");
  g_assert_nonnull (strstr (f->cli.err, "otactl login"));
  g_assert_cmpstr (f->cli.out, ==, "");
}

static void
test_server_unreachable (Fixture       *f,
                         gconstpointer  data)
{
  cli_server_stop (f->server);

  g_assert_cmpint (run_remote (f, "product", "list", NULL), ==, 5);
  cli_assert_error_line (&f->cli, f->url + strlen ("http://"));
}

/* Commands that work on the database itself refuse a server: one line, exit 1. */
static void
test_local_only_commands_refused (Fixture       *f,
                                  gconstpointer  data)
{
  const char *cases[][5] = {
    { "demo", NULL },
    { "sim", "run", "--for", "1m", NULL },
    { "clock", "manual", NULL },
    { "clock", "real", NULL },
    { "clock", "set", "2030-01-01T00:00:00Z", NULL },
    { "clock", "show", NULL },
  };
  g_autoptr(JsonNode) listed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (run_remote_full (f, TRUE, NULL, NULL, cases[i]), ==, 1);
      cli_assert_error_line (&f->cli, "works on a local database only");
      g_assert_cmpstr (f->cli.out, ==, "");
    }

  /* The same with the server from OTA_SERVER; an explicit --db wins over it. */
  {
    g_autofree char *env_server = g_strconcat ("OTA_SERVER=", f->url, NULL);

    g_assert_cmpint (run_remote_full (f, FALSE, (const char * const[]) { env_server, NULL }, NULL,
                                      (const char * const[]) { "demo", "--devices", "10", NULL }), ==, 1);
    cli_assert_error_line (&f->cli, "OTA_SERVER");
    g_assert_cmpint (run_remote_full (f, FALSE, (const char * const[]) { env_server, NULL }, NULL,
                                      (const char * const[]) { "--db", f->cli.db, "demo", "--devices", "10",
                                                               NULL }), ==, 0);
    /* And OTA_SERVER alone takes the commands to the server, where the demo is not. */
    g_assert_cmpint (run_remote_full (f, FALSE, (const char * const[]) { env_server, NULL }, NULL,
                                      (const char * const[]) { "--json", "product", "list", NULL }), ==, 0);
    listed = cli_out_json (&f->cli);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 0);
  }

  g_assert_cmpint (run_remote_full (f, TRUE, NULL, NULL,
                                    (const char * const[]) { "--db", f->cli.db, "product", "list", NULL }), ==, 1);
  cli_assert_error_line (&f->cli, "--db and --server");
}

/* login checks the token with the server and keeps it; commands then find it there. */
static void
test_login_logout (Fixture       *f,
                   gconstpointer  data)
{
  const char * const no_token[] = { "OTA_TOKEN", NULL };
  const char *missing = g_getenv ("OTA_TEST_NO_SECRET_SERVICE");
  g_autofree char *input = NULL;
  g_autofree char *url_api = NULL;

  if (missing != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("no secret service: %s", missing);

      g_test_skip (reason);
      return;
    }

  /* A refused token is not kept. */
  g_assert_cmpint (run_remote_full (f, FALSE, no_token, "wrong-token\n",
                                    (const char * const[]) { "login", f->url, NULL }), ==, 5);
  cli_assert_error_line (&f->cli, NULL);
  g_assert_cmpint (run_remote_full (f, TRUE, no_token, NULL,
                                    (const char * const[]) { "product", "list", NULL }), ==, 1);
  cli_assert_error_line (&f->cli, "otactl login");

  /* Any spelling of the server's address finds the token kept for it. */
  input = g_strconcat (f->token, "\n", NULL);
  url_api = g_strconcat (f->url, "/api/v1/", NULL);
  g_assert_cmpint (run_remote_full (f, FALSE, no_token, input,
                                    (const char * const[]) { "login", url_api, NULL }), ==, 0);
  g_assert_nonnull (strstr (f->cli.out, "Logged in to"));
  g_assert_nonnull (strstr (f->cli.out, f->url));
  g_assert_cmpint (run_remote_full (f, TRUE, no_token, NULL,
                                    (const char * const[]) { "product", "add", "--key", "kept", "--name",
                                                             "Kept", "--type", "own-brand", "--network",
                                                             "wifi", NULL }), ==, 0);

  g_assert_cmpint (run_remote_full (f, FALSE, no_token, NULL,
                                    (const char * const[]) { "logout", f->url, NULL }), ==, 0);
  g_assert_nonnull (strstr (f->cli.out, "Forgot the token"));
  g_assert_cmpint (run_remote_full (f, FALSE, no_token, NULL,
                                    (const char * const[]) { "--json", "logout", f->url, NULL }), ==, 0);
  g_assert_nonnull (strstr (f->cli.out, "\"forgotten\" : false"));
  g_assert_cmpint (run_remote_full (f, TRUE, no_token, NULL,
                                    (const char * const[]) { "product", "list", NULL }), ==, 1);

  /* No token on standard input at all. */
  g_assert_cmpint (run_remote_full (f, FALSE, no_token, "",
                                    (const char * const[]) { "login", f->url, NULL }), ==, 1);
  cli_assert_error_line (&f->cli, "No token given");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/otactl/remote/R-P1/products-same-as-local", test_products_same_as_local);
  ADD ("/otactl/remote/R-DV1/devices-same-as-local", test_devices_same_as_local);
  ADD ("/otactl/remote/R-F1/R-F2/firmwares-same-as-local", test_firmwares_same_as_local);
  ADD ("/otactl/remote/R-B1/rollout-same-as-local", test_rollout_same_as_local);
  ADD ("/otactl/remote/errors-same-as-local", test_errors_same_as_local);
  ADD ("/otactl/remote/wrong-token-refused", test_wrong_token_refused);
  ADD ("/otactl/remote/no-token-names-both-ways", test_no_token_names_both_ways);
  ADD ("/otactl/remote/server-unreachable-named", test_server_unreachable);
  ADD ("/otactl/remote/local-only-commands-refused", test_local_only_commands_refused);
  ADD ("/otactl/remote/login-logout-keyring", test_login_logout);
#undef ADD

  return g_test_run ();
}
