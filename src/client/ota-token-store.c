/* ota-token-store.c — server tokens in the keyring, under the servers' normalised URLs */
#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

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

/* The task of a keyring call for @url, with the URL as stored in @server; NULL when
 * @url is refused: the task was then reported with the URL's error. */
static GTask *
keyring_task_new (const char           *url,
                  gpointer              source_tag,
                  char                **server,
                  GCancellable         *cancellable,
                  GAsyncReadyCallback   callback,
                  gpointer              user_data)
{
  GError *error = NULL;
  GTask *task;

  *server = ota_remote_normalise_url (url, &error);
  if (*server == NULL)
    {
      g_task_report_error (NULL, callback, user_data, source_tag, error);
      return NULL;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
prefix_keyring_error (GError **error)
{
  g_prefix_error (error, "%s", _("The keyring could not be used: "));
}

/* Ends @task with the keyring's @error (taken), or else TRUE. */
static void
return_keyring_outcome (GTask  *task,
                        GError *error)
{
  if (error != NULL)
    {
      prefix_keyring_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- Save ---------------------------------------------------------------------- */

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE always comes with an error. */
  secret_password_store_finish (result, &error);
  return_keyring_outcome (task, error);
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

  task = keyring_task_new (url, ota_token_store_save_async, &server, cancellable, callback, user_data);
  if (task == NULL)
    return;

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

void
ota_token_free (char *token)
{
  if (token == NULL)
    return;
  /* Not memset: a store just before free() may be optimised away. */
  explicit_bzero (token, strlen (token));
  g_free (token);
}

/* Secrets come in non-pageable memory to be wiped with secret_password_free(); callers
 * get plain memory they free with ota_token_free() (or g_free()). */
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
    /* Wiped too when nobody finishes the task. */
    g_task_return_pointer (task, password != NULL ? take_password (password) : NULL,
                           (GDestroyNotify) ota_token_free);
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

  task = keyring_task_new (url, ota_token_store_lookup_async, &server, cancellable, callback, user_data);
  if (task != NULL)
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
  return_keyring_outcome (task, error);
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

  task = keyring_task_new (url, ota_token_store_forget_async, &server, cancellable, callback, user_data);
  if (task != NULL)
    secret_password_clear (token_schema (), cancellable, on_cleared, task, "server", server, NULL);
}

gboolean
ota_token_store_forget_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
