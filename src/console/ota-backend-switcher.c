/* ota-backend-switcher.c — where the console works, and a menu to go elsewhere */
#include <glib/gi18n.h>

#include "ota-backend-switcher.h"
#include "ota-server-url.h"

struct _OtaBackendSwitcher
{
  AdwBin             parent_instance;

  OtaBackendManager *manager;
  GSignalGroup      *manager_signals;
  GMenu             *menu;

  GtkMenuButton     *button;
  GtkImage          *icon;
  GtkLabel          *title_label;
  GtkLabel          *subtitle_label;
  GtkSpinner        *spinner;
};

G_DEFINE_FINAL_TYPE (OtaBackendSwitcher, ota_backend_switcher, ADW_TYPE_BIN)

/* A menu label takes "_" for a mnemonic: a server's own ("ota_lab") is doubled to stay. */
static char *
escape_mnemonics (const char *text)
{
  g_autoptr(GString) escaped = g_string_new (text);

  g_string_replace (escaped, "_", "__", 0);
  return g_string_free (g_steal_pointer (&escaped), FALSE);
}

static void
update_menu (OtaBackendSwitcher *self)
{
  g_autoptr(GMenu) places = g_menu_new ();
  g_autoptr(GMenu) actions = g_menu_new ();
  g_auto(GStrv) servers = ota_backend_manager_dup_servers (self->manager);
  g_autoptr(GMenuItem) local = g_menu_item_new (_("_Local Database"), NULL);
  g_autoptr(GMenuItem) connect = NULL;

  g_menu_item_set_action_and_target (local, "server.use", "s", "");
  g_menu_append_item (places, local);
  for (guint i = 0; servers[i] != NULL; i++)
    {
      g_autofree char *label = escape_mnemonics (servers[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "server.use", "s", servers[i]);
      g_menu_append_item (places, item);
    }
  connect = g_menu_item_new (_("_Connect to Server…"), "server.connect");
  /* The window's shortcut (ota-window-actions.c), shown in the menu. */
  g_menu_item_set_attribute (connect, "accel", "s", "<Control><Shift>o");
  g_menu_append_item (actions, connect);
  g_menu_append (actions, _("_Forget This Server"), "server.forget");

  g_menu_remove_all (self->menu);
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (places));
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (actions));
}

static void
update_display (OtaBackendSwitcher *self)
{
  g_autofree char *title = NULL;
  g_autofree char *status = NULL;
  g_autofree char *tooltip = NULL;
  OtaRemoteState state;
  const char *icon_name;
  const char *server;
  gboolean unencrypted;

  /* Without a choice to make (no manager, the demo), nothing to show. */
  gtk_widget_set_visible (GTK_WIDGET (self), self->manager != NULL &&
                                             !ota_backend_manager_get_local_only (self->manager));
  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return;

  title = ota_backend_manager_dup_title (self->manager);
  status = ota_backend_manager_dup_status (self->manager);
  state = ota_backend_manager_get_state (self->manager);
  server = ota_backend_manager_get_server (self->manager);

  /* Plain http to another machine: the token crosses the network readable. */
  unencrypted = *server != '\0' && ota_server_url_is_unencrypted (server);
  if (unencrypted && status != NULL)
    {
      g_autofree char *connection = g_steal_pointer (&status);

      /* Translators: the connection state ("Connected") of a server reached over plain
       * http, then a warning */
      status = g_strdup_printf (_("%s · Not encrypted"), connection);
    }

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->subtitle_label, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), status != NULL);

  if (*server == '\0')
    icon_name = "computer-symbolic";
  else if (state == OTA_REMOTE_STATE_CONNECTED || state == OTA_REMOTE_STATE_CONNECTING)
    icon_name = "network-server-symbolic";
  else
    icon_name = "network-error-symbolic";
  gtk_image_set_from_icon_name (self->icon, icon_name);

  /* Trouble stands out: the warning colour on the state and its icon. */
  if (*server != '\0' && (unencrypted || state == OTA_REMOTE_STATE_RECONNECTING ||
                          state == OTA_REMOTE_STATE_DISCONNECTED))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->subtitle_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), "warning");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->subtitle_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), "warning");
    }

  gtk_spinner_set_spinning (self->spinner, ota_backend_manager_get_busy (self->manager) ||
                                           state == OTA_REMOTE_STATE_CONNECTING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), gtk_spinner_get_spinning (self->spinner));
  gtk_widget_set_visible (GTK_WIDGET (self->icon), !gtk_spinner_get_spinning (self->spinner));

  if (*server != '\0')
    /* Translators: the tooltip of the sidebar's title; %s is the server's address */
    tooltip = g_strdup_printf (_("Working on the server %s — click to switch"), server);
  else
    tooltip = g_strdup (_("Working on the database on this computer — click to switch"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
}

void
ota_backend_switcher_set_manager (OtaBackendSwitcher *self,
                                  OtaBackendManager  *manager)
{
  g_return_if_fail (OTA_IS_BACKEND_SWITCHER (self));
  g_return_if_fail (manager == NULL || OTA_IS_BACKEND_MANAGER (manager));

  if (!g_set_object (&self->manager, manager))
    return;

  g_signal_group_set_target (self->manager_signals, manager);
  if (manager != NULL)
    update_menu (self);
  update_display (self);
}

const char *
ota_backend_switcher_get_title (OtaBackendSwitcher *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_SWITCHER (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
ota_backend_switcher_get_subtitle (OtaBackendSwitcher *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_SWITCHER (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->subtitle_label))
           ? gtk_label_get_label (self->subtitle_label) : NULL;
}

GMenuModel *
ota_backend_switcher_get_menu (OtaBackendSwitcher *self)
{
  g_return_val_if_fail (OTA_IS_BACKEND_SWITCHER (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self)) ? G_MENU_MODEL (self->menu) : NULL;
}

static void
ota_backend_switcher_dispose (GObject *object)
{
  OtaBackendSwitcher *self = OTA_BACKEND_SWITCHER (object);

  g_clear_object (&self->manager_signals);
  g_clear_object (&self->manager);
  /* The template's root is bound (and owned by AdwBin): let go of it first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_BACKEND_SWITCHER);
  g_clear_object (&self->menu);

  G_OBJECT_CLASS (ota_backend_switcher_parent_class)->dispose (object);
}

static void
ota_backend_switcher_class_init (OtaBackendSwitcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_backend_switcher_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-backend-switcher.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaBackendSwitcher, button);
  gtk_widget_class_bind_template_child (widget_class, OtaBackendSwitcher, icon);
  gtk_widget_class_bind_template_child (widget_class, OtaBackendSwitcher, title_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBackendSwitcher, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBackendSwitcher, spinner);
}

static void
ota_backend_switcher_init (OtaBackendSwitcher *self)
{
  static const char * const shown[] = {
    "notify::server", "notify::state", "notify::retry-in", "notify::busy", "notify::local-only",
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Connected to whichever manager is set. */
  self->manager_signals = g_signal_group_new (OTA_TYPE_BACKEND_MANAGER);
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    g_signal_group_connect_swapped (self->manager_signals, shown[i], G_CALLBACK (update_display), self);
  g_signal_group_connect_swapped (self->manager_signals, "notify::servers", G_CALLBACK (update_menu), self);

  self->menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->button, G_MENU_MODEL (self->menu));
  update_display (self);
}
