/* ota-backend-manager.c — what the console works on: the local database or a server.
 * The object, its properties and getters; the rest is in the files that
 * ota-backend-manager-private.h lists. */
#include <glib/gi18n.h>

#include "ota-backend-manager-private.h"

G_DEFINE_FINAL_TYPE (OtaBackendManager, ota_backend_manager, G_TYPE_OBJECT)

static GParamSpec *properties[OTA_BACKEND_MANAGER_N_PROPS];

static guint signals[OTA_BACKEND_MANAGER_N_SIGNALS];

void
ota_backend_manager_notify (OtaBackendManager     *self,
                            OtaBackendManagerProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* ---- Signals ------------------------------------------------------------------------------ */

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

/* ---- Settings and getters ------------------------------------------------------------------ */

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
  ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_LOCAL_ONLY);
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

gboolean
ota_backend_manager_get_was_connected (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), FALSE);
  return self->was_connected;
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

gboolean
ota_backend_manager_get_opening_local (OtaBackendManager *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), FALSE);
  return self->opening_local;
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
      /* A server never reached (at start, say) is not reconnected to: it is tried. */
      if (!self->was_connected && self->retry_in > 0)
        /* Translators: %u is a number of seconds */
        return g_strdup_printf (ngettext ("Retrying in %u second…",
                                          "Retrying in %u seconds…", self->retry_in),
                                self->retry_in);
      if (!self->was_connected)
        return g_strdup (_("Retrying…"));
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

  /* An opening that ended after dispose (it holds the manager) may still leave these. */
  g_clear_pointer (&self->local_waiters, g_ptr_array_unref);
  g_clear_object (&self->local);
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
    case OTA_BACKEND_MANAGER_PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    case OTA_BACKEND_MANAGER_PROP_SERVER:
      g_value_set_string (value, ota_backend_manager_get_server (self));
      break;

    case OTA_BACKEND_MANAGER_PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case OTA_BACKEND_MANAGER_PROP_RETRY_IN:
      g_value_set_uint (value, self->retry_in);
      break;

    case OTA_BACKEND_MANAGER_PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case OTA_BACKEND_MANAGER_PROP_BUSY:
      g_value_set_boolean (value, self->busy > 0);
      break;

    case OTA_BACKEND_MANAGER_PROP_SERVERS:
      g_value_take_boxed (value, ota_backend_manager_dup_servers (self));
      break;

    case OTA_BACKEND_MANAGER_PROP_LOCAL_ONLY:
      g_value_set_boolean (value, self->local_only);
      break;

    case OTA_BACKEND_MANAGER_PROP_OPENING_LOCAL:
      g_value_set_boolean (value, self->opening_local);
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
    case OTA_BACKEND_MANAGER_PROP_LOCAL_ONLY:
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

  properties[OTA_BACKEND_MANAGER_PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL, OTA_TYPE_BACKEND,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, OTA_TYPE_REMOTE_STATE, OTA_REMOTE_STATE_CONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_SERVERS] =
    g_param_spec_boxed ("servers", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_LOCAL_ONLY] =
    g_param_spec_boolean ("local-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[OTA_BACKEND_MANAGER_PROP_OPENING_LOCAL] =
    g_param_spec_boolean ("opening-local", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, OTA_BACKEND_MANAGER_N_PROPS, properties);

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
  ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_SERVERS);
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
