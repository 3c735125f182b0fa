/* ota-backend-manager-state.c — the current backend and its connection summed up for the
 * header bar and the banner: state, seconds to the next try, why it is not connected */
#include "ota-backend-manager-private.h"

static void
set_error_message (OtaBackendManager *self,
                   const char        *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_ERROR_MESSAGE);
}

void
ota_backend_manager_set_busy (OtaBackendManager *self,
                              gboolean           busy)
{
  gboolean was_busy = self->busy > 0;

  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  if (was_busy != (self->busy > 0))
    ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_BUSY);
}

static gboolean
tick (gpointer user_data)
{
  OtaBackendManager *self = user_data;

  ota_backend_manager_update_state (self);
  return G_SOURCE_CONTINUE;
}

void
ota_backend_manager_update_state (OtaBackendManager *self)
{
  OtaRemoteState state = OTA_REMOTE_STATE_CONNECTED;
  const GError *error = NULL;
  guint retry_in = 0;

  if (self->remote != NULL)
    {
      state = ota_remote_backend_get_state (self->remote);
      error = ota_remote_backend_get_last_error (self->remote);
      /* A connection attempt we gave up on ourselves is nothing to report. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        error = NULL;
      if (state == OTA_REMOTE_STATE_RECONNECTING)
        retry_in = ota_remote_backend_get_retry_in (self->remote);
    }

  if (state == OTA_REMOTE_STATE_CONNECTED)
    {
      g_clear_pointer (&self->connect_error, g_free);
      self->token_asked = FALSE;
      self->was_connected = TRUE;
    }

  if (state == OTA_REMOTE_STATE_RECONNECTING && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick, self);
  else if (state != OTA_REMOTE_STATE_RECONNECTING)
    g_clear_handle_id (&self->tick_id, g_source_remove);

  if (state == OTA_REMOTE_STATE_RECONNECTING || state == OTA_REMOTE_STATE_DISCONNECTED)
    set_error_message (self, error != NULL ? error->message : self->connect_error);
  else
    set_error_message (self, NULL);

  if (self->state != state)
    {
      self->state = state;
      ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_STATE);
    }
  if (self->retry_in != retry_in)
    {
      self->retry_in = retry_in;
      ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_RETRY_IN);
    }

  /* The server gave up on its own (a token revoked while reconnecting): ask for a new
   * one. A refusal of our own connect call is answered where that call ends. */
  if (state == OTA_REMOTE_STATE_DISCONNECTED && !self->token_asked &&
      self->connecting != self->remote &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      self->token_asked = TRUE;
      ota_backend_manager_emit_need_token (self, ota_remote_backend_get_url (self->remote),
                                           error->message);
    }
}

static void
on_remote_changed (OtaBackendManager *self)
{
  ota_backend_manager_update_state (self);
}

void
ota_backend_manager_switch (OtaBackendManager *self,
                            OtaBackend        *backend)
{
  g_autoptr(OtaBackend) old = NULL;

  if (self->backend == backend)
    return;

  /* The server left behind stops reconnecting; the views drop their references. */
  if (self->remote != NULL)
    {
      g_clear_signal_handler (&self->state_id, self->remote);
      g_clear_signal_handler (&self->error_id, self->remote);
      g_clear_signal_handler (&self->retry_id, self->remote);
      g_cancellable_cancel (self->retry_cancellable);
      g_clear_object (&self->retry_cancellable);
      ota_remote_backend_disconnect (self->remote);
      self->remote = NULL;
    }

  old = g_steal_pointer (&self->backend);
  self->backend = backend != NULL ? g_object_ref (backend) : NULL;
  g_clear_pointer (&self->connect_error, g_free);
  self->token_asked = FALSE;
  self->was_connected = FALSE;

  if (OTA_IS_REMOTE_BACKEND (backend))
    {
      self->remote = OTA_REMOTE_BACKEND (backend);
      self->state_id = g_signal_connect_swapped (backend, "notify::state",
                                                 G_CALLBACK (on_remote_changed), self);
      self->error_id = g_signal_connect_swapped (backend, "notify::last-error",
                                                 G_CALLBACK (on_remote_changed), self);
      self->retry_id = g_signal_connect_swapped (backend, "notify::retry-in",
                                                 G_CALLBACK (on_remote_changed), self);
    }

  ota_backend_manager_update_state (self);
  ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_BACKEND);
  ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_SERVER);
}
