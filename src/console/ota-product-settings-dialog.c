/* ota-product-settings-dialog.c — a product's secure upgrade (R-P2) and public key */
#include <glib/gi18n.h>

#include "ota-dialog-private.h"

G_DEFINE_FINAL_TYPE (OtaProductSettingsDialog, ota_product_settings_dialog, ADW_TYPE_WINDOW)

static void
update (OtaProductSettingsDialog *self)
{
  OtaProduct *product = self->product;
  gboolean alios = ota_product_get_alios_things (product);
  gboolean secure = ota_product_get_secure_upgrade (product);
  const char *pem = ota_product_get_public_key (product);

  adw_window_title_set_subtitle (self->window_title, ota_product_get_name (product));

  /* R-P2: only AliOS Things devices can check signatures; say so instead of failing. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->secure_row), alios && !self->changing);
  if (!alios)
    adw_action_row_set_subtitle (self->secure_row,
                                 _("Not available: secure upgrade needs devices built on "
                                   "AliOS Things chips, and this product’s devices are not"));
  else if (secure)
    adw_action_row_set_subtitle (self->secure_row, _("New firmware is signed with the product’s key"));
  else
    adw_action_row_set_subtitle (self->secure_row, _("New firmware is not signed"));

  self->syncing = TRUE;
  gtk_switch_set_active (self->secure_switch, secure);
  gtk_switch_set_state (self->secure_switch, secure);
  self->syncing = FALSE;

  if (pem != NULL && *pem != '\0')
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->key_view);
      g_autofree char *trimmed = g_strchomp (g_strdup (pem));

      gtk_text_buffer_set_text (buffer, trimmed, -1);
      gtk_stack_set_visible_child_name (self->key_stack, "key");
    }
  else
    gtk_stack_set_visible_child_name (self->key_stack, "none");
  gtk_widget_set_sensitive (self->copy_button, pem != NULL && *pem != '\0');
}

static void
secure_upgrade_set (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OtaProductSettingsDialog) self = user_data;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(GError) error = NULL;

  product = ota_backend_set_secure_upgrade_finish (OTA_BACKEND (source), result, &error);
  self->changing = FALSE;

  if (product != NULL)
    {
      g_set_object (&self->product, product);
      ota_field_message_set_text (self->secure_message, NULL);
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (ota_product_get_secure_upgrade (product)
                                                  ? _("Secure upgrade switched on")
                                                  : _("Secure upgrade switched off")));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ota_field_message_set_error (self->secure_message, error);

  /* Either way the switch shows what is stored now. */
  update (self);
}

static gboolean
on_secure_state_set (OtaProductSettingsDialog *self,
                     gboolean                  state)
{
  if (self->syncing)
    return FALSE;

  if (self->changing)
    return TRUE;

  self->changing = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->secure_row), FALSE);
  ota_backend_set_secure_upgrade_async (self->backend, ota_product_get_key (self->product), state,
                                        self->cancellable, secure_upgrade_set, g_object_ref (self));
  /* The switch's state follows once the backend stored the change. */
  return TRUE;
}

void
ota_product_settings_dialog_copy_key (OtaProductSettingsDialog *self)
{
  const char *pem;

  g_return_if_fail (OTA_IS_PRODUCT_SETTINGS_DIALOG (self));

  pem = ota_product_get_public_key (self->product);
  if (pem == NULL || *pem == '\0')
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), pem);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Public key copied")));
}

static void
on_copy_clicked (OtaProductSettingsDialog *self)
{
  ota_product_settings_dialog_copy_key (self);
}

OtaProduct *
ota_product_settings_dialog_get_product (OtaProductSettingsDialog *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT_SETTINGS_DIALOG (self), NULL);
  return self->product;
}

static void
ota_product_settings_dialog_dispose (GObject *object)
{
  OtaProductSettingsDialog *self = OTA_PRODUCT_SETTINGS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_PRODUCT_SETTINGS_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->product);
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_product_settings_dialog_parent_class)->dispose (object);
}

static void
ota_product_settings_dialog_class_init (OtaProductSettingsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_product_settings_dialog_dispose;

  g_type_ensure (OTA_TYPE_FIELD_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-product-settings-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, secure_row);
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, secure_switch);
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, key_stack);
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, key_view);
  gtk_widget_class_bind_template_child (widget_class, OtaProductSettingsDialog, secure_message);
  gtk_widget_class_bind_template_callback (widget_class, on_secure_state_set);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ota_product_settings_dialog_init (OtaProductSettingsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

OtaProductSettingsDialog *
ota_product_settings_dialog_new (GtkWindow  *parent,
                                 OtaBackend *backend,
                                 OtaProduct *product)
{
  OtaProductSettingsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (OTA_IS_PRODUCT (product), NULL);

  self = g_object_new (OTA_TYPE_PRODUCT_SETTINGS_DIALOG, "transient-for", parent, NULL);
  self->backend = g_object_ref (backend);
  self->product = g_object_ref (product);
  update (self);
  return self;
}
