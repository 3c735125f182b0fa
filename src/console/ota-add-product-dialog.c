/* ota-add-product-dialog.c — adds a product (R-P1) */
#include <glib/gi18n.h>

#include "ota-dialog-private.h"
#include "ota-labels.h"

G_DEFINE_FINAL_TYPE (OtaAddProductDialog, ota_add_product_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Validates both fields; shows a message only for a field that was typed in, so an
 * empty form does not open with an error. */
static gboolean
validate (OtaAddProductDialog *self,
          gboolean             show_name,
          gboolean             show_key)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  g_autoptr(GError) name_error = NULL;
  g_autoptr(GError) key_error = NULL;

  ota_validate_product_name (name, &name_error);
  if (*key != '\0')
    ota_validate_product_key (key, &key_error);

  if (show_name)
    ota_field_message_set_error (self->name_message, name_error);
  if (show_key)
    ota_field_message_set_error (self->key_message, key_error);

  gtk_widget_set_sensitive (self->add_button, name_error == NULL && key_error == NULL && !self->adding);
  return name_error == NULL && key_error == NULL;
}

static void
on_name_changed (OtaAddProductDialog *self)
{
  ota_field_message_set_text (self->general_message, NULL);
  validate (self, TRUE, FALSE);
}

static void
on_key_changed (OtaAddProductDialog *self)
{
  ota_field_message_set_text (self->general_message, NULL);
  validate (self, FALSE, TRUE);
}

static void
product_added (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OtaAddProductDialog) self = user_data;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(GError) error = NULL;
  const char *field;

  product = ota_backend_add_product_finish (OTA_BACKEND (source), result, &error);
  self->adding = FALSE;

  if (product != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_ADDED], 0, product);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  field = ota_error_get_field (error);
  if (g_strcmp0 (field, "name") == 0)
    ota_field_message_set_error (self->name_message, error);
  else if (g_strcmp0 (field, "key") == 0)
    ota_field_message_set_error (self->key_message, error);
  else
    ota_field_message_set_error (self->general_message, error);
  gtk_widget_set_sensitive (self->add_button, TRUE);
}

static void
on_add_clicked (OtaAddProductDialog *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  OtaProductSpec spec = { 0 };

  if (self->adding || !validate (self, TRUE, TRUE))
    return;

  spec.name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  spec.key = *key != '\0' ? key : NULL;
  spec.project_type = adw_combo_row_get_selected (self->project_row);
  spec.network_type = adw_combo_row_get_selected (self->network_row);
  spec.alios_things = gtk_switch_get_active (self->alios_switch);
  spec.android_sdk = gtk_switch_get_active (self->android_switch);

  self->adding = TRUE;
  gtk_widget_set_sensitive (self->add_button, FALSE);
  ota_field_message_set_text (self->general_message, NULL);
  ota_backend_add_product_async (self->backend, &spec, self->cancellable,
                                 product_added, g_object_ref (self));
}

/* The labels of an enum's values, in value order (the combo row's position is the value). */
static GListModel *
enum_labels (GType        type,
             const char *(*label) (int value))
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GtkStringList *labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    gtk_string_list_append (labels, label (klass->values[i].value));
  return G_LIST_MODEL (labels);
}

static const char *
project_label (int value)
{
  return ota_project_type_label (value);
}

static const char *
network_label (int value)
{
  return ota_network_type_label (value);
}

static void
ota_add_product_dialog_dispose (GObject *object)
{
  OtaAddProductDialog *self = OTA_ADD_PRODUCT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_ADD_PRODUCT_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_add_product_dialog_parent_class)->dispose (object);
}

static void
ota_add_product_dialog_class_init (OtaAddProductDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_add_product_dialog_dispose;

  /**
   * OtaAddProductDialog::added:
   * @product: the product as the backend stored it
   */
  signals[SIGNAL_ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, OTA_TYPE_PRODUCT);

  g_type_ensure (OTA_TYPE_FIELD_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-add-product-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, project_row);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, network_row);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, alios_switch);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, android_switch);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, name_message);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, key_message);
  gtk_widget_class_bind_template_child (widget_class, OtaAddProductDialog, general_message);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_key_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ota_add_product_dialog_init (OtaAddProductDialog *self)
{
  g_autoptr(GListModel) projects = enum_labels (OTA_TYPE_PROJECT_TYPE, project_label);
  g_autoptr(GListModel) networks = enum_labels (OTA_TYPE_NETWORK_TYPE, network_label);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  adw_combo_row_set_model (self->project_row, projects);
  adw_combo_row_set_model (self->network_row, networks);
}

OtaAddProductDialog *
ota_add_product_dialog_new (GtkWindow  *parent,
                            OtaBackend *backend)
{
  OtaAddProductDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);

  self = g_object_new (OTA_TYPE_ADD_PRODUCT_DIALOG, "transient-for", parent, NULL);
  self->backend = g_object_ref (backend);
  return self;
}
