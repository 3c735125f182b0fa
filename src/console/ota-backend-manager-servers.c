/* ota-backend-manager-servers.c — the remembered servers (GSettings "servers" and
 * "last-server") and their operator tokens in the keyring */
#include <glib/gi18n.h>

#include "ota-backend-manager-private.h"
#include "ota-token-store.h"

GStrv
ota_backend_manager_dup_servers (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), NULL);

  if (self->settings != NULL)
    return g_settings_get_strv (self->settings, "servers");
  return g_strdupv (self->servers);
}

static void
store_servers (OtaBackendManager  *self,
               const char * const *servers)
{
  /* With settings, "changed::servers" notifies (for changes made elsewhere too). */
  if (self->settings != NULL)
    g_settings_set_strv (self->settings, "servers", servers);
  else
    {
      g_strfreev (self->servers);
      self->servers = g_strdupv ((GStrv) servers);
      ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_SERVERS);
    }
}

void
ota_backend_manager_remember (OtaBackendManager *self,
                              const char        *url)
{
  g_auto(GStrv) servers = ota_backend_manager_dup_servers (self);

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-server", url);
  if (!g_strv_contains ((const char * const *) servers, url))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) added = NULL;

      g_strv_builder_addv (builder, (const char **) servers);
      g_strv_builder_add (builder, url);
      added = g_strv_builder_end (builder);
      store_servers (self, (const char * const *) added);
    }
}

/* ---- Tokens in the keyring --------------------------------------------------------------- */

static void
token_saved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(OtaBackendManager) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ota_token_store_save_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The token could not be saved in the keyring: %s"),
                                                  error->message);
      ota_backend_manager_emit_notice (self, message);
    }
}

static void
token_forgotten (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Nothing saved, or no keyring at all: either way no token is kept. */
  if (!ota_token_store_forget_finish (result, &error))
    g_debug ("Token not forgotten: %s", error->message);
}

void
ota_backend_manager_use_remote (OtaBackendManager *self,
                                OtaRemoteBackend  *remote,
                                const char        *token,
                                gboolean           remember)
{
  const char *url;

  g_return_if_fail (OTA_IS_BACKEND_MANAGER (self));
  g_return_if_fail (OTA_IS_REMOTE_BACKEND (remote));
  g_return_if_fail (!self->local_only);

  ota_backend_manager_new_choice (self);
  url = ota_remote_backend_get_url (remote);
  ota_backend_manager_switch (self, OTA_BACKEND (remote));
  ota_backend_manager_remember (self, url);

  if (remember && token != NULL)
    ota_token_store_save_async (url, token, NULL, token_saved, g_object_ref (self));
  else if (!remember)
    ota_token_store_forget_async (url, NULL, token_forgotten, NULL);
}

void
ota_backend_manager_forget_server (OtaBackendManager *self,
                                   const char        *url)
{
  g_auto(GStrv) servers = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  g_return_if_fail (OTA_IS_BACKEND_MANAGER (self));
  g_return_if_fail (url != NULL);

  servers = ota_backend_manager_dup_servers (self);
  for (guint i = 0; servers[i] != NULL; i++)
    if (!g_str_equal (servers[i], url))
      g_strv_builder_add (builder, servers[i]);
  kept = g_strv_builder_end (builder);
  store_servers (self, (const char * const *) kept);

  ota_token_store_forget_async (url, NULL, token_forgotten, NULL);
  if (g_str_equal (ota_backend_manager_get_server (self), url))
    ota_backend_manager_use_local_or_tell (self);
  else if (self->settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-server");

      if (g_str_equal (last, url))
        g_settings_set_string (self->settings, "last-server", "");
    }
}
