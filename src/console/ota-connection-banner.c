/* ota-connection-banner.c — the bar under the header while a server is out of reach */
#include <glib/gi18n.h>

#include "ota-connection-banner.h"

struct _OtaConnectionBanner
{
  GtkBox             parent_instance;

  OtaBackendManager *manager;
  GSignalGroup      *manager_signals;
  gboolean           active;

  GtkLabel          *label;
  GtkLabel          *detail_label;
  GtkWidget         *retry_button;
};

G_DEFINE_FINAL_TYPE (OtaConnectionBanner, ota_connection_banner, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (OtaConnectionBanner *self)
{
  OtaRemoteState state = OTA_REMOTE_STATE_CONNECTED;
  const char *error = NULL;
  g_autofree char *text = NULL;
  gboolean active;

  if (self->manager != NULL && ota_backend_manager_get_remote (self->manager) != NULL)
    {
      state = ota_backend_manager_get_state (self->manager);
      error = ota_backend_manager_get_error_message (self->manager);
    }

  active = state == OTA_REMOTE_STATE_RECONNECTING ||
           (state == OTA_REMOTE_STATE_DISCONNECTED && error != NULL);

  if (state == OTA_REMOTE_STATE_RECONNECTING)
    {
      guint retry_in = ota_backend_manager_get_retry_in (self->manager);
      /* A server never reached (at start, say) had no connection to lose. */
      gboolean lost = ota_backend_manager_get_was_connected (self->manager);

      if (lost && retry_in > 0)
        /* Translators: the connection banner; %u is a number of seconds */
        text = g_strdup_printf (ngettext ("Connection lost. Reconnecting in %u second…",
                                          "Connection lost. Reconnecting in %u seconds…", retry_in),
                                retry_in);
      else if (lost)
        text = g_strdup (_("Connection lost. Reconnecting…"));
      else if (retry_in > 0)
        /* Translators: the banner for a server never reached yet; %u is seconds */
        text = g_strdup_printf (ngettext ("Cannot reach the server. Retrying in %u second…",
                                          "Cannot reach the server. Retrying in %u seconds…", retry_in),
                                retry_in);
      else
        text = g_strdup (_("Cannot reach the server. Retrying…"));
    }
  else if (active)
    text = g_strdup (_("Not connected to the server"));

  /* The title says what happens; the line under it why (the server's or the network's
   * words, "Cannot reach 10.0.0.5:8443: Connection refused"). */
  gtk_label_set_label (self->label, text != NULL ? text : "");
  gtk_label_set_label (self->detail_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), error != NULL);
  /* Hiding the text while the revealer closes would make it jump; keep the last one. */
  if (self->active != active)
    {
      self->active = active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }
}

void
ota_connection_banner_set_manager (OtaConnectionBanner *self,
                                   OtaBackendManager   *manager)
{
  g_return_if_fail (OTA_IS_CONNECTION_BANNER (self));
  g_return_if_fail (manager == NULL || OTA_IS_BACKEND_MANAGER (manager));

  if (!g_set_object (&self->manager, manager))
    return;

  g_signal_group_set_target (self->manager_signals, manager);
  update (self);
}

gboolean
ota_connection_banner_get_active (OtaConnectionBanner *self)
{
  g_return_val_if_fail (OTA_IS_CONNECTION_BANNER (self), FALSE);
  return self->active;
}

const char *
ota_connection_banner_get_text (OtaConnectionBanner *self)
{
  g_return_val_if_fail (OTA_IS_CONNECTION_BANNER (self), NULL);
  return gtk_label_get_label (self->label);
}

static void
ota_connection_banner_dispose (GObject *object)
{
  OtaConnectionBanner *self = OTA_CONNECTION_BANNER (object);

  g_clear_object (&self->manager_signals);
  g_clear_object (&self->manager);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_CONNECTION_BANNER);

  G_OBJECT_CLASS (ota_connection_banner_parent_class)->dispose (object);
}

static void
ota_connection_banner_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  OtaConnectionBanner *self = OTA_CONNECTION_BANNER (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_connection_banner_class_init (OtaConnectionBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_connection_banner_dispose;
  object_class->get_property = ota_connection_banner_get_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-connection-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaConnectionBanner, label);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectionBanner, detail_label);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectionBanner, retry_button);
}

static void
ota_connection_banner_init (OtaConnectionBanner *self)
{
  static const char * const shown[] = {
    "notify::state", "notify::retry-in", "notify::error-message", "notify::server",
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Connected to whichever manager is set. */
  self->manager_signals = g_signal_group_new (OTA_TYPE_BACKEND_MANAGER);
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    g_signal_group_connect_swapped (self->manager_signals, shown[i], G_CALLBACK (update), self);
}
