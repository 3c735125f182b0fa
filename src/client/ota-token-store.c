/* ota-token-store.c — server tokens in the keyring, under the servers' normalised URLs */
#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "ota-remote-backend.h"
#include "ota-token-store.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.otaconsole.OtaConsole.ServerToken", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* The URL as stored, or the task reported with the URL's error; NULL then. */
static char *
normalise_or_report (const char          *url,
                     gpointer             source_tag,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GError *error = NULL;
  char *normalised = ota_remote_normalise_url (url, &error);

  if (normalised == NULL)
    g_task_report_error (NULL, callback, user_data, source_tag, error);
  return normalised;
}

static void
prefix_keyring_error (GError **error)
{
  g_prefix_error (error, "%s", _("The keyring could not be used: "));
}

/* ---- Save ---------------------------------------------------------------------- */

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    {
      prefix_keyring_error (&error);
      g_task_return_error (task, error);
    }
}

void
ota_token_store_save_async (const char          *url,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *server = NULL;
  g_autofree char *label = NULL;
  GTask *task;

  g_return_if_fail (url != NULL);
  g_return_if_fail (token != NULL);

  if ((server = normalise_or_report (url, ota_token_store_save_async, callback, user_data)) == NULL)
    return;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_token_store_save_async);
  /* Translators: the label of the token in the user's keyring (Passwords and Keys) */
  label = g_strdup_printf (_("OTA Console token for %s"), server);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                         on_stored, task, "server", server, NULL);
}

gboolean
ota_token_store_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Look up ------------------------------------------------------------------- */

/* Secrets come in non-pageable memory to be wiped with secret_password_free(); callers
 * get plain memory they free with g_free(). */
static char *
take_password (char *password)
{
  char *copy = g_strdup (password);

  secret_password_free (password);
  return copy;
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      prefix_keyring_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, password != NULL ? take_password (password) : NULL, g_free);
}

void
ota_token_store_lookup_async (const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *server = NULL;
  GTask *task;

  g_return_if_fail (url != NULL);

  if ((server = normalise_or_report (url, ota_token_store_lookup_async, callback, user_data)) == NULL)
    return;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_token_store_lookup_async);
  secret_password_lookup (token_schema (), cancellable, on_looked_up, task, "server", server, NULL);
}

char *
ota_token_store_lookup_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
ota_token_store_lookup_sync (const char    *url,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autofree char *server = ota_remote_normalise_url (url, error);
  GError *local_error = NULL;
  char *password;

  if (server == NULL)
    return NULL;

  password = secret_password_lookup_sync (token_schema (), cancellable, &local_error,
                                          "server", server, NULL);
  if (local_error != NULL)
    {
      prefix_keyring_error (&local_error);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return password != NULL ? take_password (password) : NULL;
}

/* ---- Forget -------------------------------------------------------------------- */

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to remove, which is what was asked. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      prefix_keyring_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
ota_token_store_forget_async (const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *server = NULL;
  GTask *task;

  g_return_if_fail (url != NULL);

  if ((server = normalise_or_report (url, ota_token_store_forget_async, callback, user_data)) == NULL)
    return;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_token_store_forget_async);
  secret_password_clear (token_schema (), cancellable, on_cleared, task, "server", server, NULL);
}

gboolean
ota_token_store_forget_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
