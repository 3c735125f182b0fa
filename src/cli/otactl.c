/* otactl.c — the OTA console's command line: global options, dispatch, exit codes
 *
 * otactl [--db PATH | --server URL] [--json] COMMAND [SUBCOMMAND] [OPTION…] [ARGUMENT…]
 *
 * Every failure prints exactly one line "otactl: <message>" on stderr and exits with the
 * code of its kind (see OtactlExit), so scripts can tell a typo from a missing product.
 */
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "otactl-private.h"

static const OtactlCommand top_commands[] = {
  { "product",  otactl_product_run,  N_("Add, list and show products; secure upgrade and its key") },
  { "device",   otactl_device_run,   N_("Add, import, export and list devices; play one by hand") },
  { "firmware", otactl_firmware_run, N_("Add, list and show firmwares") },
  { "module",   otactl_module_run,   N_("List a product’s modules and the versions devices report") },
  { "demo",     otactl_demo_run,     N_("Fill an empty database with a demo catalogue") },
  { "verify",   otactl_verify_run,   N_("Verify a firmware on a few devices") },
  { "batch",    otactl_batch_run,    N_("Create, forecast, list, show and cancel batch upgrades") },
  { "task",     otactl_task_run,     N_("List a batch’s device tasks; cancel one") },
  { "failures", otactl_failures_run, N_("Show why a batch’s devices failed") },
  { "clock",    otactl_clock_run,    N_("Show the clock; run it manually for scripted scenarios") },
  { "audit",    otactl_audit_run,    N_("List the operators’ actions") },
  { "sim",      otactl_sim_run,      N_("Play simulated devices on the manual clock") },
  { "login",    otactl_login_run,    N_("Check a server’s token and keep it in the keyring") },
  { "logout",   otactl_logout_run,   N_("Forget the token kept for a server") },
  { NULL }
};

OtaEngine *
otactl_get_engine (Otactl  *ctl,
                   GError **error)
{
  if (ctl->engine == NULL && otactl_is_remote (ctl))
    {
      if (ctl->server_from_env)
        otactl_usage_error (error, _("“%s” works on a local database only; OTA_SERVER is set, "
                                     "give --db PATH"), g_get_prgname ());
      else
        otactl_usage_error (error, _("“%s” works on a local database only, not with --server"),
                            g_get_prgname ());
      return NULL;
    }
  if (ctl->engine == NULL)
    {
      if (ctl->db_path == NULL)
        {
          const char *env = g_getenv ("OTA_DB");

          ctl->db_path = env != NULL && *env != '\0' ? g_strdup (env) : ota_engine_default_db_path ();
        }
      ctl->engine = ota_engine_new (ctl->db_path, NULL, error);
      /* Every command first handles what fell due, on the clock the database runs on. */
      if (ctl->engine != NULL && !otactl_clock_attach (ctl, error))
        g_clear_object (&ctl->engine);
    }

  return ctl->engine;
}

gboolean
otactl_usage_error (GError     **error,
                    const char  *format,
                    ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (G_OPTION_ERROR, G_OPTION_ERROR_FAILED, format, args));
  va_end (args);

  return FALSE;
}

gboolean
otactl_parse_enum (GType        type,
                   const char  *field,
                   const char  *nick,
                   int         *value,
                   GError     **error)
{
  g_autofree char *allowed = NULL;

  if (ota_enum_from_nick (type, nick, value))
    return TRUE;

  allowed = ota_enum_list_nicks (type);
  ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                       _("“%s” is not a valid %s; use one of %s"), nick, field, allowed);
  return FALSE;
}

static void
print_commands (GString             *out,
                const OtactlCommand *commands)
{
  int width = 0;

  for (const OtactlCommand *c = commands; c->name != NULL; c++)
    width = MAX (width, (int) strlen (c->name));
  for (const OtactlCommand *c = commands; c->name != NULL; c++)
    g_string_append_printf (out, "  %-*s  %s\n", width, c->name, _(c->summary));
}

static char *
exit_codes_text (void)
{
  return g_strdup_printf ("%s\n"
                          "  0    %s\n  1    %s\n  2    %s\n  3    %s\n"
                          "  4    %s\n  5    %s\n  130  %s\n\n%s",
                          _("Exit status:"),
                          _("success"),
                          _("usage error: unknown command or option, missing argument"),
                          _("invalid input: a value outside its allowed range or form"),
                          _("not found: no such product, device or firmware"),
                          _("conflict: a duplicate, or the current state forbids it"),
                          _("store, file, network or crypto error; a token the server refused"),
                          _("cancelled (Ctrl-C)"),
                          _("Run “otactl COMMAND --help” for the options of a command. "
                            "The database is --db PATH, else $OTA_DB, else "
                            "$XDG_DATA_HOME/ota-console/ota.db. With --server URL (or "
                            "$OTA_SERVER when --db is not given) commands run on an ota-server; "
                            "the token is $OTA_TOKEN, else the one “otactl login URL” kept "
                            "in the keyring; an https server’s certificate is checked against "
                            "--tls-ca FILE (or $OTA_CA_FILE), else the system’s authorities."));
}

gboolean
otactl_dispatch (Otactl               *ctl,
                 const char           *group,
                 const OtactlCommand  *commands,
                 int                   argc,
                 char                **argv,
                 GError              **error)
{
  const char *name = argc > 1 ? argv[1] : NULL;
  g_autoptr(GString) names = g_string_new (NULL);

  for (const OtactlCommand *c = commands; c->name != NULL; c++)
    g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", c->name);

  if (name == NULL)
    return otactl_usage_error (error, _("Missing command after “%s”: use one of %s"), group, names->str);

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      g_autoptr(GString) out = g_string_new (NULL);

      g_string_append_printf (out, _("Usage:\n  %s COMMAND [OPTION…]\n\nCommands:\n"), group);
      print_commands (out, commands);
      g_print ("%s\n", out->str);
      return TRUE;
    }

  for (const OtactlCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, name))
      return c->func (ctl, argc - 1, argv + 1, error);

  return otactl_usage_error (error, _("Unknown command “%s %s”: use one of %s"), group, name, names->str);
}

GOptionContext *
otactl_option_context_new (Otactl             *ctl,
                           const char         *command,
                           const char         *parameters,
                           const char         *summary,
                           const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);
  g_autofree char *prgname = g_strconcat ("otactl ", command, NULL);
  g_autofree char *description = exit_codes_text ();
  /* Accepted after the command as well, so "otactl product list --json" works. */
  const GOptionEntry global_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &ctl->db_path, N_("Database file"), N_("PATH") },
    { "server", 0, 0, G_OPTION_ARG_STRING, &ctl->server, N_("Work on this ota-server"), N_("URL") },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &ctl->tls_ca,
      N_("Trust the server’s certificate if signed by one in FILE (PEM)"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctl->json, N_("Print data as JSON"), NULL },
    { NULL }
  };

  /* The help's usage line then reads "otactl product add [OPTION…] …". */
  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);

  return context;
}

gboolean
otactl_parse (GOptionContext   *context,
              int              *argc,
              char           ***argv,
              int               min_args,
              int               max_args,
              GError          **error)
{
  int n;

  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  /* GOption keeps the "--" it stopped at; it is no argument ("clock advance -- 5m"). */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (&(*argv)[i], &(*argv)[i + 1], (*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }

  n = *argc - 1;
  if (n < min_args)
    return otactl_usage_error (error, _("Missing argument; see “%s --help”"), g_get_prgname ());
  if (max_args >= 0 && n > max_args)
    return otactl_usage_error (error, _("Unexpected argument “%s”; see “%s --help”"),
                               (*argv)[max_args + 1], g_get_prgname ());

  return TRUE;
}

static gboolean
on_sigint (gpointer user_data)
{
  Otactl *ctl = user_data;

  g_cancellable_cancel (ctl->cancellable);
  return G_SOURCE_CONTINUE;
}

void
otactl_async_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

void
otactl_catch_sigint (Otactl   *ctl,
                     gboolean  enabled)
{
  /* Removing the last SIGINT source gives the signal its default action back. */
  if (enabled && ctl->sigint_source == 0)
    ctl->sigint_source = g_unix_signal_add (SIGINT, on_sigint, ctl);
  else if (!enabled && ctl->sigint_source != 0)
    g_clear_handle_id (&ctl->sigint_source, g_source_remove);
}

void
otactl_wait (Otactl        *ctl,
             GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}

GAsyncResult **
otactl_next_call (Otactl *ctl)
{
  g_clear_object (&ctl->result);
  otactl_catch_sigint (ctl, TRUE);
  return &ctl->result;
}

GAsyncResult *
otactl_await (Otactl *ctl)
{
  otactl_wait (ctl, &ctl->result);
  otactl_catch_sigint (ctl, FALSE);
  return ctl->result;
}

static int
exit_code_for (Otactl       *ctl,
               const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    return OTACTL_EXIT_USAGE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (ctl->cancellable))
    return OTACTL_EXIT_CANCELLED;
  if (error->domain == OTA_ERROR)
    switch ((OtaErrorCode) error->code)
      {
      case OTA_ERROR_INVALID_FIELD:
        return OTACTL_EXIT_INVALID;
      case OTA_ERROR_NOT_FOUND:
        return OTACTL_EXIT_NOT_FOUND;
      case OTA_ERROR_CONFLICT:
        return OTACTL_EXIT_CONFLICT;
      case OTA_ERROR_STORE:
      case OTA_ERROR_IO:
      case OTA_ERROR_CRYPTO:
      default:
        return OTACTL_EXIT_FAILED;
      }

  return OTACTL_EXIT_FAILED;
}

/* Exactly one line, whatever the message holds. */
static void
print_error (const GError *error)
{
  g_autofree char *message = g_strdup (error->message);

  g_strdelimit (message, "\r\n", ' ');
  g_strchomp (message);
  fprintf (stderr, "otactl: %s\n", message);
}

static char *
top_summary (void)
{
  g_autoptr(GString) out = g_string_new (_("Manage the OTA console’s products, devices, firmwares and rollouts."));

  g_string_append_printf (out, "\n\n%s\n", _("Commands:"));
  print_commands (out, top_commands);
  g_string_truncate (out, out->len - 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

int
main (int    argc,
      char **argv)
{
  Otactl ctl = { 0 };
  gboolean version = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *description = NULL;
  const char *localedir;
  gboolean ok;
  int status;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &ctl.db_path,
      N_("Database file (default: $OTA_DB, else $XDG_DATA_HOME/ota-console/ota.db)"), N_("PATH") },
    { "server", 0, 0, G_OPTION_ARG_STRING, &ctl.server,
      N_("Work on this ota-server instead of a database (default: $OTA_SERVER)"), N_("URL") },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &ctl.tls_ca,
      N_("Trust the server’s certificate if signed by one in FILE (PEM), instead of the system’s "
         "certificate authorities (default: $OTA_CA_FILE)"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctl.json, N_("Print data as JSON"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  /* OTA_CONSOLE_LOCALEDIR: the translations compiled in a build folder, as for
   * ota-console (tests of translated output, running uninstalled). */
  localedir = g_getenv ("OTA_CONSOLE_LOCALEDIR");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  summary = top_summary ();
  description = exit_codes_text ();
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* Stop at the command: its options belong to its own context. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  ctl.cancellable = g_cancellable_new ();
  ctl.stderr_is_tty = isatty (STDERR_FILENO);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    ok = FALSE;
  else if (version)
    {
      g_print ("otactl %s\n", PACKAGE_VERSION);
      ok = TRUE;
    }
  else
    ok = otactl_dispatch (&ctl, "otactl", top_commands, argc, argv, &error);

  if (ok)
    status = OTACTL_EXIT_OK;
  else
    {
      otactl_explain_remote_error (&ctl, error);
      print_error (error);
      status = exit_code_for (&ctl, error);
    }

  if (fflush (stdout) != 0 && status == OTACTL_EXIT_OK)
    {
      fprintf (stderr, "otactl: %s\n", _("Could not write the output"));
      status = OTACTL_EXIT_FAILED;
    }

  otactl_catch_sigint (&ctl, FALSE);
  g_clear_object (&ctl.result);
  g_clear_object (&ctl.backend);
  g_clear_object (&ctl.engine);
  g_clear_object (&ctl.manual_clock);
  g_clear_object (&ctl.cancellable);
  g_free (ctl.db_path);
  g_free (ctl.server);
  g_free (ctl.tls_ca);

  return status;
}
