/* otactl-server.c — which backend the commands go through, the server's token, and
 * "otactl login|logout URL"
 *
 * With --server URL (or $OTA_SERVER when --db is not given) every command with a backend
 * operation goes to an ota-server through OtaRemoteBackend; the token comes from
 * $OTA_TOKEN, else from the keyring, where "otactl login" put it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ota-local-backend.h"
#include "ota-remote-backend.h"
#include "ota-token-store.h"
#include "otactl-private.h"

gboolean
otactl_is_remote (Otactl *ctl)
{
  const char *env;

  if (ctl->server != NULL)
    return TRUE;
  /* An explicit --db wins over the environment (db_path is set by then only by --db). */
  if (ctl->db_path != NULL || ctl->engine != NULL)
    return FALSE;

  env = g_getenv ("OTA_SERVER");
  if (env == NULL || *env == '\0')
    return FALSE;
  ctl->server = g_strdup (env);
  ctl->server_from_env = TRUE;
  return TRUE;
}

/* (transfer full): free with ota_token_free(). */
static char *
find_token (Otactl  *ctl,
            GError **error)
{
  const char *env = g_getenv ("OTA_TOKEN");
  g_autoptr(GError) keyring_error = NULL;
  char *token;

  /* "export OTA_TOKEN=$(cat token.txt)" from a file with Windows line ends keeps a CR,
   * which would make the header invalid or the token wrong. */
  token = env != NULL ? g_strstrip (g_strdup (env)) : NULL;
  if (token != NULL && *token != '\0')
    {
      ctl->token_from_env = TRUE;
      return token;
    }
  ota_token_free (token);

  token = ota_token_store_lookup_sync (ctl->server, ctl->cancellable, &keyring_error);
  if (token != NULL)
    return token;

  if (g_error_matches (keyring_error, OTA_ERROR, OTA_ERROR_INVALID_FIELD))
    g_propagate_error (error, g_steal_pointer (&keyring_error));
  else if (keyring_error != NULL)
    otactl_usage_error (error, _("No token for %s: set OTA_TOKEN, or keep one in the keyring with "
                                 "“otactl login %s” (%s)"), ctl->server, ctl->server, keyring_error->message);
  else
    otactl_usage_error (error, _("No token for %s: set OTA_TOKEN, or keep one in the keyring with "
                                 "“otactl login %s”"), ctl->server, ctl->server);
  return NULL;
}

/* A backend for @url that says it is otactl and trusts --tls-ca (or $OTA_CA_FILE). */
static OtaRemoteBackend *
new_remote (Otactl      *ctl,
            const char  *url,
            const char  *token,
            GError     **error)
{
  const char *ca_file = ctl->tls_ca != NULL ? ctl->tls_ca : g_getenv ("OTA_CA_FILE");
  g_autoptr(OtaRemoteBackend) remote = ota_remote_backend_new (url, token, error);
  g_autoptr(GError) ca_error = NULL;

  if (remote == NULL)
    return NULL;
  ota_remote_backend_set_user_agent (remote, "otactl/" PACKAGE_VERSION);

  if (ca_file != NULL && *ca_file != '\0' &&
      !ota_remote_backend_set_tls_ca_file (remote, ca_file, &ca_error))
    {
      g_autofree char *name = g_filename_display_name (ca_file);

      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "tls-ca",
                           _("Cannot use the certificates in “%s” (--tls-ca, OTA_CA_FILE): %s"), name,
                           ca_error->message);
      return NULL;
    }
  return g_steal_pointer (&remote);
}

OtaBackend *
otactl_get_backend (Otactl  *ctl,
                    GError **error)
{
  char *token = NULL;
  OtaRemoteBackend *remote;

  if (ctl->backend != NULL)
    return ctl->backend;

  if (!otactl_is_remote (ctl))
    {
      OtaEngine *engine = otactl_get_engine (ctl, error);

      if (engine == NULL)
        return NULL;
      ctl->backend = ota_local_backend_new (engine);
      /* Each command runs what fell due itself, in its order; no background runs. */
      ota_local_backend_set_scheduler (OTA_LOCAL_BACKEND (ctl->backend), FALSE);
      return ctl->backend;
    }

  if (ctl->db_path != NULL)
    {
      otactl_usage_error (error, _("--db and --server cannot be used together"));
      return NULL;
    }
  if ((token = find_token (ctl, error)) == NULL)
    return NULL;
  remote = new_remote (ctl, ctl->server, token, error);
  ota_token_free (token);
  if (remote == NULL)
    return NULL;

  ctl->backend = OTA_BACKEND (remote);
  return ctl->backend;
}

void
otactl_explain_remote_error (Otactl *ctl,
                             GError *error)
{
  g_autofree char *name = NULL;
  char *message;

  if (ctl->backend == NULL || !OTA_IS_REMOTE_BACKEND (ctl->backend) ||
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return;

  name = ota_backend_dup_name (ctl->backend);
  if (ctl->token_from_env)
    message = g_strdup_printf (_("Server %s refused the token in OTA_TOKEN: %s"), name, error->message);
  else
    message = g_strdup_printf (_("Server %s refused the token kept in the keyring (run “otactl login %s” "
                                 "again): %s"), name, ctl->server, error->message);
  g_free (error->message);
  error->message = message;
}

/* ---- Reading a token ----------------------------------------------------------- */

/* Where a Ctrl-C at the prompt finds the terminal settings to put back: a signal
 * handler has nothing else to reach them by. */
static struct termios prompt_saved_termios;

static void
on_prompt_signal (int signal_number)
{
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &prompt_saved_termios);
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

/* One line of standard input, without its line end; NULL at the end of input. */
static char *
read_line (void)
{
  char *line = NULL;
  size_t size = 0;
  ssize_t length = getline (&line, &size, stdin);
  char *copy;

  if (length < 0)
    {
      free (line);
      return NULL;
    }
  copy = g_strdup (line);
  explicit_bzero (line, size);
  free (line);
  return copy;
}

/* On a terminal: a prompt on stderr, the answer not echoed. */
static char *
prompt_token (const char  *server,
              GError     **error)
{
  struct termios quiet;
  struct sigaction action = { 0 }, previous_int, previous_term;
  char *line;

  if (tcgetattr (STDIN_FILENO, &prompt_saved_termios) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot read the token from the terminal: %s"), g_strerror (saved_errno));
      return NULL;
    }

  fprintf (stderr, _("Token for %s: "), server);
  fflush (stderr);

  action.sa_handler = on_prompt_signal;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, &previous_int);
  sigaction (SIGTERM, &action, &previous_term);
  quiet = prompt_saved_termios;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);

  line = read_line ();

  tcsetattr (STDIN_FILENO, TCSAFLUSH, &prompt_saved_termios);
  sigaction (SIGINT, &previous_int, NULL);
  sigaction (SIGTERM, &previous_term, NULL);
  fputc ('\n', stderr);
  return line;
}

static char *
read_token (const char  *server,
            GError     **error)
{
  GError *local_error = NULL;
  char *token = isatty (STDIN_FILENO) ? prompt_token (server, &local_error) : read_line ();

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (token != NULL)
    g_strstrip (token);
  if (token == NULL || *token == '\0')
    {
      ota_token_free (token);
      otactl_usage_error (error, _("No token given: type it at the prompt, or pipe it in, like "
                                   "“ota-server token create NAME | otactl login %s”"), server);
      return NULL;
    }
  return token;
}

/* ---- otactl login | logout ----------------------------------------------------- */

static void
print_server_result (Otactl     *ctl,
                     const char *server,
                     const char *member,
                     gboolean    value,
                     const char *text)
{
  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, server);
      json_builder_set_member_name (builder, member);
      json_builder_add_boolean_value (builder, value);
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
    }
  else
    g_print ("%s\n", text);
}

gboolean
otactl_login_run (Otactl  *ctl,
                  int      argc,
                  char   **argv,
                  GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "login", _("URL"),
                               _("Check an operator token with the server at URL and keep it in the "
                                 "keyring, for “otactl --server URL”. The token is read from standard "
                                 "input, or asked for (not shown) on a terminal."), NULL);
  g_autofree char *server = NULL;
  char *token = NULL;
  g_autofree char *text = NULL;
  g_autoptr(OtaRemoteBackend) remote = NULL;
  gboolean ok;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      (server = ota_remote_normalise_url (argv[1], error)) == NULL ||
      (token = read_token (server, error)) == NULL)
    return FALSE;
  if ((remote = new_remote (ctl, server, token, error)) == NULL)
    {
      ota_token_free (token);
      return FALSE;
    }

  /* Only a token the server takes is kept. */
  ota_remote_backend_connect_async (remote, OTACTL_ASYNC (ctl));
  ok = ota_remote_backend_connect_finish (remote, otactl_await (ctl), error);
  ota_remote_backend_disconnect (remote);
  if (ok)
    {
      ota_token_store_save_async (server, token, OTACTL_ASYNC (ctl));
      ok = ota_token_store_save_finish (otactl_await (ctl), error);
    }
  ota_token_free (token);
  if (!ok)
    return FALSE;

  text = g_strdup_printf (_("Logged in to %s: the token is kept in the keyring"), server);
  print_server_result (ctl, server, "saved", TRUE, text);
  return TRUE;
}

gboolean
otactl_logout_run (Otactl  *ctl,
                   int      argc,
                   char   **argv,
                   GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "logout", _("URL"),
                               _("Forget the token kept in the keyring for the server at URL."), NULL);
  g_autofree char *server = NULL;
  char *token = NULL;
  gboolean kept;
  g_autofree char *text = NULL;
  GError *local_error = NULL;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      (server = ota_remote_normalise_url (argv[1], error)) == NULL)
    return FALSE;

  ota_token_store_lookup_async (server, OTACTL_ASYNC (ctl));
  token = ota_token_store_lookup_finish (otactl_await (ctl), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  kept = token != NULL;
  ota_token_free (token);

  if (!kept)
    {
      text = g_strdup_printf (_("No token was kept for %s"), server);
      print_server_result (ctl, server, "forgotten", FALSE, text);
      return TRUE;
    }

  ota_token_store_forget_async (server, OTACTL_ASYNC (ctl));
  if (!ota_token_store_forget_finish (otactl_await (ctl), error))
    return FALSE;

  text = g_strdup_printf (_("Forgot the token kept for %s"), server);
  print_server_result (ctl, server, "forgotten", TRUE, text);
  return TRUE;
}
