/* ota-backend-manager.c — what the console works on: the local database or a server */
#include <glib/gi18n.h>

#include "ota-backend-manager-private.h"
#include "ota-token-store.h"


G_DEFINE_FINAL_TYPE (OtaBackendManager, ota_backend_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BACKEND,
  PROP_SERVER,
  PROP_STATE,
  PROP_RETRY_IN,
  PROP_ERROR_MESSAGE,
  PROP_BUSY,
  PROP_SERVERS,
  PROP_LOCAL_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint signals[OTA_BACKEND_MANAGER_N_SIGNALS];

/* ---- Remembered servers ------------------------------------------------------------ */

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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVERS]);
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

/* ---- The current backend ------------------------------------------------------------- */

static void
on_remote_changed (OtaBackendManager *self)
{
  ota_backend_manager_update_state (self);
}

static void
set_error_message (OtaBackendManager *self,
                   const char        *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
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
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (self->retry_in != retry_in)
    {
      self->retry_in = retry_in;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
    }

  /* The server gave up on its own (a token revoked while reconnecting): ask for a new
   * one. A refusal of our own connect call is answered where that call ends. */
  if (state == OTA_REMOTE_STATE_DISCONNECTED && !self->token_asked &&
      self->connecting != self->remote &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      self->token_asked = TRUE;
      g_signal_emit (self, signals[OTA_BACKEND_MANAGER_NEED_TOKEN], 0,
                     ota_remote_backend_get_url (self->remote), error->message);
    }
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKEND]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
}

gboolean
ota_backend_manager_use_local (OtaBackendManager  *self,
                               GError            **error)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_cancellable_cancel (self->open_cancellable);
  if (self->local == NULL)
    {
      if (self->opener == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("There is no local database to open"));
          return FALSE;
        }
      self->local = self->opener (self->opener_data, error);
      if (self->local == NULL)
        return FALSE;
    }

  ota_backend_manager_switch (self, self->local);
  /* The demo never becomes what the console opens next time. */
  if (self->settings != NULL && !self->local_only)
    g_settings_set_string (self->settings, "last-server", "");
  return TRUE;
}

void
ota_backend_manager_use_local_or_tell (OtaBackendManager *self)
{
  g_autoptr(GError) error = NULL;

  if (!ota_backend_manager_use_local (self, &error))
    g_signal_emit (self, signals[OTA_BACKEND_MANAGER_NOTICE], 0, error->message);
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
      g_signal_emit (self, signals[OTA_BACKEND_MANAGER_NOTICE], 0, message);
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

  g_cancellable_cancel (self->open_cancellable);
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

void
ota_backend_manager_emit_need_token (OtaBackendManager *self,
                                     const char        *url,
                                     const char        *message)
{
  g_signal_emit (self, signals[OTA_BACKEND_MANAGER_NEED_TOKEN], 0, url, message);
}

void
ota_backend_manager_emit_notice (OtaBackendManager *self,
                                 const char        *message)
{
  g_signal_emit (self, signals[OTA_BACKEND_MANAGER_NOTICE], 0, message);
}

/* ---- Getters ------------------------------------------------------------------------------ */

void
ota_backend_manager_set_local_opener (OtaBackendManager     *self,
                                      OtaLocalBackendOpener  opener,
                                      gpointer               user_data,
                                      GDestroyNotify         destroy)
{
  g_return_if_fail (OTA_IS_BACKEND_MANAGER (self));

  if (self->opener_destroy != NULL)
    self->opener_destroy (self->opener_data);
  self->opener = opener;
  self->opener_data = user_data;
  self->opener_destroy = destroy;
}

void
ota_backend_manager_set_local_only (OtaBackendManager *self,
                                    gboolean           local_only)
{
  g_return_if_fail (OTA_IS_BACKEND_MANAGER (self));

  local_only = !!local_only;
  if (self->local_only == local_only)
    return;
  self->local_only = local_only;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_ONLY]);
}

gboolean
ota_backend_manager_get_local_only (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), FALSE);
  return self->local_only;
}

OtaBackend *
ota_backend_manager_get_backend (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), NULL);
  return self->backend;
}

OtaRemoteBackend *
ota_backend_manager_get_remote (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), NULL);
  return self->remote;
}

const char *
ota_backend_manager_get_server (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), "");
  return self->remote != NULL ? ota_remote_backend_get_url (self->remote) : "";
}

OtaRemoteState
ota_backend_manager_get_state (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), OTA_REMOTE_STATE_DISCONNECTED);
  return self->state;
}

guint
ota_backend_manager_get_retry_in (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), 0);
  return self->retry_in;
}

const char *
ota_backend_manager_get_error_message (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), NULL);
  return self->error_message;
}

gboolean
ota_backend_manager_get_busy (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), FALSE);
  return self->busy > 0;
}

char *
ota_backend_manager_dup_status (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), NULL);

  if (self->remote == NULL)
    return NULL;

  switch (self->state)
    {
    case OTA_REMOTE_STATE_CONNECTING:
      return g_strdup (_("Connecting…"));
    case OTA_REMOTE_STATE_CONNECTED:
      return g_strdup (_("Connected"));
    case OTA_REMOTE_STATE_RECONNECTING:
      if (self->retry_in > 0)
        /* Translators: %u is a number of seconds */
        return g_strdup_printf (ngettext ("Reconnecting in %u second…",
                                          "Reconnecting in %u seconds…", self->retry_in),
                                self->retry_in);
      return g_strdup (_("Reconnecting…"));
    case OTA_REMOTE_STATE_DISCONNECTED:
    default:
      return g_strdup (_("Not connected"));
    }
}

char *
ota_backend_manager_dup_title (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), NULL);

  if (self->remote != NULL)
    return ota_backend_dup_name (OTA_BACKEND (self->remote));
  return g_strdup (self->local_only ? _("Demo Database") : _("Local Database"));
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
ota_backend_manager_dispose (GObject *object)
{
  OtaBackendManager *self = OTA_BACKEND_MANAGER (object);

  g_cancellable_cancel (self->open_cancellable);
  g_cancellable_cancel (self->retry_cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->remote != NULL)
    {
      g_clear_signal_handler (&self->state_id, self->remote);
      g_clear_signal_handler (&self->error_id, self->remote);
      g_clear_signal_handler (&self->retry_id, self->remote);
      ota_remote_backend_disconnect (self->remote);
      self->remote = NULL;
    }
  g_clear_object (&self->backend);
  g_clear_object (&self->local);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->retry_cancellable);
  g_clear_object (&self->settings);
  ota_backend_manager_set_local_opener (self, NULL, NULL, NULL);

  G_OBJECT_CLASS (ota_backend_manager_parent_class)->dispose (object);
}

static void
ota_backend_manager_finalize (GObject *object)
{
  OtaBackendManager *self = OTA_BACKEND_MANAGER (object);

  g_strfreev (self->servers);
  g_free (self->error_message);
  g_free (self->connect_error);

  G_OBJECT_CLASS (ota_backend_manager_parent_class)->finalize (object);
}

static void
ota_backend_manager_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OtaBackendManager *self = OTA_BACKEND_MANAGER (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    case PROP_SERVER:
      g_value_set_string (value, ota_backend_manager_get_server (self));
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_RETRY_IN:
      g_value_set_uint (value, self->retry_in);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy > 0);
      break;

    case PROP_SERVERS:
      g_value_take_boxed (value, ota_backend_manager_dup_servers (self));
      break;

    case PROP_LOCAL_ONLY:
      g_value_set_boolean (value, self->local_only);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_backend_manager_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  OtaBackendManager *self = OTA_BACKEND_MANAGER (object);

  switch (prop_id)
    {
    case PROP_LOCAL_ONLY:
      ota_backend_manager_set_local_only (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_backend_manager_class_init (OtaBackendManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_backend_manager_dispose;
  object_class->finalize = ota_backend_manager_finalize;
  object_class->get_property = ota_backend_manager_get_property;
  object_class->set_property = ota_backend_manager_set_property;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL, OTA_TYPE_BACKEND,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, OTA_TYPE_REMOTE_STATE, OTA_REMOTE_STATE_CONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVERS] =
    g_param_spec_boxed ("servers", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCAL_ONLY] =
    g_param_spec_boolean ("local-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OtaBackendManager::need-token:
   * @url: the server
   * @message: why a token is needed (none saved, refused)
   */
  signals[OTA_BACKEND_MANAGER_NEED_TOKEN] =
    g_signal_new ("need-token", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * OtaBackendManager::notice:
   * @message: something for a toast
   */
  signals[OTA_BACKEND_MANAGER_NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ota_backend_manager_init (OtaBackendManager *self)
{
  self->state = OTA_REMOTE_STATE_CONNECTED;
  self->servers = g_new0 (char *, 1);
}

static void
on_servers_changed (OtaBackendManager *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVERS]);
}

OtaBackendManager *
ota_backend_manager_new (GSettings *settings)
{
  OtaBackendManager *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (OTA_TYPE_BACKEND_MANAGER, NULL);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      /* Another window or dconf-editor may change the list too. */
      g_signal_connect_object (settings, "changed::servers", G_CALLBACK (on_servers_changed),
                               self, G_CONNECT_SWAPPED);
    }
  return self;
}
