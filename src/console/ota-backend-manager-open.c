/* ota-backend-manager-open.c — opening a server: its token (given, or from the keyring),
 * the connection, and what comes of it (the switch, "need-token" or "notice") */
#include <glib/gi18n.h>

#include "ota-backend-manager-private.h"
#include "ota-token-store.h"

typedef struct {
  OtaBackendManager  *self;
  char               *url;
  OtaOpenServerFlags  flags;
  OtaRemoteBackend   *remote;
  GCancellable       *cancellable;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->remote);
  g_clear_object (&data->cancellable);
  g_free (data->url);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

static void
open_failed (OpenData     *data,
             const GError *error)
{
  OtaBackendManager *self = data->self;
  gboolean restore = (data->flags & OTA_OPEN_SERVER_RESTORE) != 0;
  gboolean current = data->remote != NULL && self->backend == OTA_BACKEND (data->remote);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      /* Nothing to show from a server that refuses us. */
      if (restore && (current || self->backend == NULL))
        ota_backend_manager_use_local_or_tell (self);
      ota_backend_manager_emit_need_token (self, data->url, error->message);
    }
  else if (restore && current)
    {
      /* Unreachable at start: stay on it, so the banner offers to retry. */
      g_free (self->connect_error);
      self->connect_error = g_strdup (error->message);
      ota_backend_manager_update_state (self);
    }
  else
    {
      /* Not shown, so not kept trying in the background either. */
      if (data->remote != NULL && !current)
        ota_remote_backend_disconnect (data->remote);
      if (restore && self->backend == NULL)
        ota_backend_manager_use_local_or_tell (self);
      ota_backend_manager_emit_notice (self, error->message);
    }
}

static void
server_connected (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OpenData) data = user_data;
  OtaBackendManager *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ota_remote_backend_connect_finish (data->remote, result, &error);
  if (self->connecting == data->remote)
    self->connecting = NULL;
  ota_backend_manager_set_busy (self, FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      open_failed (data, error);
      return;
    }

  if (self->backend != OTA_BACKEND (data->remote))
    ota_backend_manager_switch (self, OTA_BACKEND (data->remote));
  ota_backend_manager_remember (self, data->url);
  ota_backend_manager_update_state (self);
}

static void
connect_with_token (OpenData   *data,
                    const char *token)
{
  OtaBackendManager *self = data->self;
  g_autoptr(GError) error = NULL;

  data->remote = ota_remote_backend_new (data->url, token, &error);
  if (data->remote == NULL)
    {
      open_failed (data, error);
      open_data_free (data);
      return;
    }

  /* At start the window shows the server right away ("Connecting to …"). */
  if (data->flags & OTA_OPEN_SERVER_RESTORE)
    ota_backend_manager_switch (self, OTA_BACKEND (data->remote));

  self->connecting = data->remote;
  ota_backend_manager_set_busy (self, TRUE);
  ota_remote_backend_connect_async (data->remote, data->cancellable, server_connected, data);
}

static void
token_looked_up (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenData *data = user_data;
  OtaBackendManager *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = ota_token_store_lookup_finish (result, &error);
  ota_backend_manager_set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      open_data_free (data);
      return;
    }

  if (token == NULL)
    {
      g_autofree char *message = NULL;

      /* The token store's errors already say the keyring could not be used. */
      if (error != NULL)
        message = g_strdup (error->message);
      else
        message = g_strdup (_("No token is saved for this server: enter the operator token."));
      if ((data->flags & OTA_OPEN_SERVER_RESTORE) && self->backend == NULL)
        ota_backend_manager_use_local_or_tell (self);
      ota_backend_manager_emit_need_token (self, data->url, message);
      open_data_free (data);
      return;
    }

  connect_with_token (data, token);
}

void
ota_backend_manager_open_server (OtaBackendManager  *self,
                                 const char         *url,
                                 const char         *token,
                                 OtaOpenServerFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalised = NULL;
  OpenData *data;

  g_return_if_fail (OTA_IS_BACKEND_MANAGER (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (!self->local_only);

  data = g_new0 (OpenData, 1);
  data->self = g_object_ref (self);
  data->flags = flags;
  data->cancellable = g_object_ref (ota_backend_manager_new_choice (self));

  normalised = ota_remote_normalise_url (url, &error);
  if (normalised == NULL)
    {
      data->url = g_strdup (url);
      open_failed (data, error);
      open_data_free (data);
      return;
    }
  data->url = g_steal_pointer (&normalised);

  if (token != NULL)
    {
      connect_with_token (data, token);
      return;
    }

  ota_backend_manager_set_busy (self, TRUE);
  ota_token_store_lookup_async (data->url, data->cancellable, token_looked_up, data);
}

static void
retried (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(OtaBackendManager) self = user_data;
  OtaRemoteBackend *remote = OTA_REMOTE_BACKEND (source);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ota_remote_backend_connect_finish (remote, result, &error);
  if (self->connecting == remote)
    self->connecting = NULL;
  ota_backend_manager_set_busy (self, FALSE);
  if (ok || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || remote != self->remote)
    {
      ota_backend_manager_update_state (self);
      return;
    }

  g_free (self->connect_error);
  self->connect_error = g_strdup (error->message);
  ota_backend_manager_update_state (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    ota_backend_manager_emit_need_token (self, ota_remote_backend_get_url (remote),
                                         error->message);
}

void
ota_backend_manager_retry (OtaBackendManager *self)
{
  g_return_if_fail (OTA_IS_BACKEND_MANAGER (self));

  if (self->remote == NULL || self->connecting == self->remote)
    return;

  switch (ota_remote_backend_get_state (self->remote))
    {
    case OTA_REMOTE_STATE_RECONNECTING:
      ota_remote_backend_reconnect_now (self->remote);
      break;

    case OTA_REMOTE_STATE_DISCONNECTED:
      g_clear_object (&self->retry_cancellable);
      self->retry_cancellable = g_cancellable_new ();
      self->connecting = self->remote;
      ota_backend_manager_set_busy (self, TRUE);
      ota_remote_backend_connect_async (self->remote, self->retry_cancellable, retried,
                                        g_object_ref (self));
      break;

    case OTA_REMOTE_STATE_CONNECTING:
    case OTA_REMOTE_STATE_CONNECTED:
    default:
      break;
    }
  ota_backend_manager_update_state (self);
}
