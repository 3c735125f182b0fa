/* ota-server-cli.c — ota-server token create NAME | list | revoke NAME
 *
 * Runs on the database directly, so it works while the server runs: a revoked token
 * is refused by the very next request.
 */
#include <glib/gi18n.h>
#include <ota.h>

#include "ota-server-cli.h"

static char *
format_time (gint64 us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format_iso8601 (time) : g_strdup ("?");
}

static gboolean
list_tokens (OtaEngine  *engine,
             GError    **error)
{
  g_autoptr(GPtrArray) tokens = ota_engine_list_tokens (engine, error);

  if (tokens == NULL)
    return FALSE;

  for (guint i = 0; i < tokens->len; i++)
    {
      OtaApiToken *token = g_ptr_array_index (tokens, i);
      g_autofree char *created = format_time (token->created_at);
      g_autofree char *revoked = token->revoked_at != 0 ? format_time (token->revoked_at) : NULL;

      if (revoked != NULL)
        /* Translators: a token's name, when it was made, when it was revoked */
        g_print (_("%s\tcreated %s\trevoked %s\n"), token->name, created, revoked);
      else
        g_print (_("%s\tcreated %s\tactive\n"), token->name, created);
    }
  return TRUE;
}

int
ota_server_cli_tokens (const char  *db_path,
                       int          argc,
                       char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  const char *command = argc > 1 ? argv[1] : NULL;
  gboolean ok;

  if (!g_str_equal (argv[0], "token") || command == NULL ||
      (g_str_equal (command, "list") && argc != 2) ||
      ((g_str_equal (command, "create") || g_str_equal (command, "revoke")) && argc != 3) ||
      !g_strv_contains ((const char * const[]) { "create", "list", "revoke", NULL }, command))
    {
      g_printerr ("ota-server: %s\n", _("Usage: ota-server token create NAME | token list | token revoke NAME"));
      return 2;
    }

  engine = ota_engine_new (db_path, NULL, &error);
  if (engine == NULL)
    {
      g_printerr ("ota-server: %s\n", error->message);
      return 1;
    }

  if (g_str_equal (command, "create"))
    {
      g_autofree char *secret = ota_engine_create_token (engine, argv[2], &error);

      ok = secret != NULL;
      if (ok)
        {
          /* The secret goes to stdout alone, for scripts; the advice to stderr. */
          g_print ("%s\n", secret);
          g_printerr ("%s\n", _("Keep this token now: it is not stored and cannot be shown again."));
        }
    }
  else if (g_str_equal (command, "revoke"))
    ok = ota_engine_revoke_token (engine, argv[2], &error);
  else
    ok = list_tokens (engine, &error);

  if (!ok)
    {
      g_printerr ("ota-server: %s\n", error->message);
      return 1;
    }
  return 0;
}
