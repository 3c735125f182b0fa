/* ota-window-connection.c — the window and the backend manager: switching backends,
 * the server.* actions of the sidebar's menu, asking for a token */
#include <glib/gi18n.h>

#include "ota-connect-dialog.h"
#include "ota-window-private.h"

gboolean
ota_window_waits_for_server (OtaWindow *self)
{
  OtaRemoteState state;

  /* Only a manager tells the window when the server is there. */
  if (self->manager == NULL || !OTA_IS_REMOTE_BACKEND (self->backend) || self->loaded_once)
    return FALSE;

  state = ota_remote_backend_get_state (OTA_REMOTE_BACKEND (self->backend));
  return state == OTA_REMOTE_STATE_CONNECTING || state == OTA_REMOTE_STATE_DISCONNECTED;
}

/* (nullable): the main window @window belongs to: itself, or the one a dialog of it
 * is transient for. */
static OtaWindow *
main_window_of (GtkWindow *window)
{
  while (window != NULL && !OTA_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  return window != NULL ? OTA_WINDOW (window) : NULL;
}

/* With several windows on one manager, one speaks (one Connect dialog per token
 * prompt, one toast per notice): the active one, else the first. */
static gboolean
is_speaking_window (OtaWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GList) toplevels = NULL;
  OtaWindow *first = NULL;
  GList *windows;

  if (application != NULL)
    {
      OtaWindow *active = main_window_of (gtk_application_get_active_window (application));

      if (active != NULL && active->manager == self->manager)
        return active == self;
      /* Most recently focused first. */
      windows = gtk_application_get_windows (application);
    }
  else
    windows = toplevels = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    {
      OtaWindow *window = main_window_of (l->data);

      if (window == NULL || window->manager != self->manager)
        continue;
      if (gtk_window_is_active (l->data))
        return window == self;
      if (first == NULL)
        first = window;
    }
  return first == NULL || first == self;
}

static void
update_server_actions (OtaWindow *self)
{
  GActionMap *map = G_ACTION_MAP (self->server_actions);
  gboolean servers = self->manager != NULL && !ota_backend_manager_get_local_only (self->manager);
  gboolean remote = servers && ota_backend_manager_get_remote (self->manager) != NULL;
  GAction *use = g_action_map_lookup_action (map, "use");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (use), servers);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "connect")), servers);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "forget")), remote);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "retry")), remote);
  if (self->manager != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (use),
                               g_variant_new_string (ota_backend_manager_get_server (self->manager)));
}

/* ---- Following the manager ----------------------------------------------------------- */

static void
on_manager_backend (OtaWindow *self)
{
  ota_window_set_backend (self, ota_backend_manager_get_backend (self->manager));
  update_server_actions (self);
}

static void
on_manager_state (OtaWindow *self)
{
  /* The first connection: the products were waiting for it. Later ones resync through
   * the backend's own change signals. */
  if (ota_backend_manager_get_state (self->manager) == OTA_REMOTE_STATE_CONNECTED && !self->loaded_once)
    ota_window_reload (self);
  ota_window_update_content (self);
}

static void
on_need_token (OtaWindow  *self,
               const char *url,
               const char *message)
{
  if (is_speaking_window (self))
    ota_window_connect_to_server (self, url, message);
}

static void
on_notice (OtaWindow  *self,
           const char *message)
{
  if (is_speaking_window (self))
    ota_window_add_toast (self, message);
}

/* ---- The Connect dialog -------------------------------------------------------------- */

static void
on_dialog_connected (OtaWindow        *self,
                     OtaRemoteBackend *remote,
                     const char       *token,
                     gboolean          remember)
{
  g_autofree char *name = ota_backend_dup_name (OTA_BACKEND (remote));
  /* Translators: a toast; %s is the server, "ota.example.com:8443" */
  g_autofree char *message = g_strdup_printf (_("Connected to %s"), name);

  if (self->manager != NULL)
    ota_backend_manager_use_remote (self->manager, remote, token, remember);
  else
    ota_window_set_backend (self, OTA_BACKEND (remote));
  ota_window_add_toast (self, message);
}

void
ota_window_connect_to_server (OtaWindow  *self,
                              const char *url,
                              const char *message)
{
  g_autoptr(GList) toplevels = NULL;
  OtaConnectDialog *dialog = NULL;

  g_return_if_fail (OTA_IS_WINDOW (self));

  /* One dialog at a time: a second request fills in the one open. */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL && dialog == NULL; l = l->next)
    if (OTA_IS_CONNECT_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == GTK_WINDOW (self))
      dialog = l->data;

  if (dialog == NULL)
    {
      dialog = ota_connect_dialog_new (GTK_WINDOW (self));
      g_signal_connect_object (dialog, "connected", G_CALLBACK (on_dialog_connected), self,
                               G_CONNECT_SWAPPED);
    }
  if (url != NULL)
    ota_connect_dialog_prefill (dialog, url, message);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- server.* actions ----------------------------------------------------------------- */

static void
local_used (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(OtaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled: another choice came meanwhile, nothing to tell. */
  if (!ota_backend_manager_use_local_finish (OTA_BACKEND_MANAGER (source), result, &error))
    ota_window_add_error_toast (self, error);
}

static void
use_activated (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  OtaWindow *self = user_data;
  const char *url = g_variant_get_string (parameter, NULL);

  if (g_str_equal (url, ota_backend_manager_get_server (self->manager)) &&
      ota_backend_manager_get_backend (self->manager) != NULL &&
      !ota_backend_manager_get_opening_local (self->manager))
    return;

  if (*url == '\0')
    ota_backend_manager_use_local_async (self->manager, NULL, local_used, g_object_ref (self));
  else
    ota_backend_manager_open_server (self->manager, url, NULL, OTA_OPEN_SERVER_DEFAULT);
}

static void
connect_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ota_window_connect_to_server (OTA_WINDOW (user_data), NULL, NULL);
}

static void
forget_response (AdwMessageDialog *dialog,
                 const char       *response,
                 OtaWindow        *self)
{
  const char *url = g_object_get_data (G_OBJECT (dialog), "ota-server");

  if (g_str_equal (response, "forget") && self->manager != NULL)
    ota_backend_manager_forget_server (self->manager, url);
}

static void
forget_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  OtaWindow *self = user_data;
  const char *url = ota_backend_manager_get_server (self->manager);
  AdwMessageDialog *dialog;

  if (*url == '\0')
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  /* Translators: a question; %s is the server's address */
  adw_message_dialog_format_heading (dialog, _("Forget %s?"), url);
  adw_message_dialog_set_body (dialog, _("The server leaves the menu and its token is removed "
                                         "from the keyring. The console goes back to the local "
                                         "database; nothing changes on the server."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "forget", _("_Forget"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "forget", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ota-server", g_strdup (url), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (forget_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
retry_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  OtaWindow *self = user_data;

  ota_backend_manager_retry (self->manager);
}

static const GActionEntry server_entries[] = {
  { "use", use_activated, "s", "''" },
  { "connect", connect_activated },
  { "forget", forget_activated },
  { "retry", retry_activated },
};

/* ---- Setting up --------------------------------------------------------------------------- */

void
ota_window_set_manager (OtaWindow         *self,
                        OtaBackendManager *manager)
{
  g_return_if_fail (OTA_IS_WINDOW (self));
  g_return_if_fail (OTA_IS_BACKEND_MANAGER (manager));
  g_return_if_fail (self->manager == NULL);

  self->manager = g_object_ref (manager);
  self->server_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->server_actions), server_entries,
                                   G_N_ELEMENTS (server_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "server", G_ACTION_GROUP (self->server_actions));

  g_signal_connect_swapped (manager, "notify::backend", G_CALLBACK (on_manager_backend), self);
  g_signal_connect_swapped (manager, "notify::local-only", G_CALLBACK (update_server_actions), self);
  g_signal_connect_swapped (manager, "notify::state", G_CALLBACK (on_manager_state), self);
  g_signal_connect_swapped (manager, "notify::error-message", G_CALLBACK (ota_window_update_content), self);
  g_signal_connect_swapped (manager, "notify::opening-local", G_CALLBACK (ota_window_update_content), self);
  g_signal_connect_swapped (manager, "need-token", G_CALLBACK (on_need_token), self);
  g_signal_connect_swapped (manager, "notice", G_CALLBACK (on_notice), self);

  ota_backend_switcher_set_manager (self->backend_switcher, manager);
  ota_connection_banner_set_manager (self->connection_banner_box, manager);
  on_manager_backend (self);
}

void
ota_window_dispose_connection (OtaWindow *self)
{
  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->manager, self);
      ota_backend_switcher_set_manager (self->backend_switcher, NULL);
      ota_connection_banner_set_manager (self->connection_banner_box, NULL);
    }
  g_clear_object (&self->manager);
  g_clear_object (&self->server_actions);
}
