/* ota-product-page.c — one product: its facts, its firmwares and its devices */
#include <glib/gi18n.h>

#include "ota-device-list.h"
#include "ota-firmware-list.h"
#include "ota-format.h"
#include "ota-labels.h"
#include "ota-product-page.h"
#include "ota-window.h"

struct _OtaProductPage
{
  AdwBin           parent_instance;

  OtaBackend      *backend;
  OtaProduct      *product;
  gulong           catalogue_changed_id;

  /* Template children */
  GtkLabel        *name_label;
  GtkLabel        *key_label;
  GtkLabel        *project_label;
  GtkLabel        *network_label;
  GtkLabel        *alios_label;
  GtkLabel        *android_label;
  GtkLabel        *secure_label;
  GtkLabel        *devices_label;
  AdwViewStack    *view_stack;
  OtaFirmwareList *firmware_list;
  OtaDeviceList   *device_list;
};

G_DEFINE_FINAL_TYPE (OtaProductPage, ota_product_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BACKEND,
  PROP_PRODUCT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
yes_no (gboolean value)
{
  return value ? _("Yes") : _("No");
}

static void
update_facts (OtaProductPage *self)
{
  OtaProduct *product = self->product;
  g_autofree char *devices = NULL;

  if (product == NULL)
    {
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->key_label, "");
      return;
    }

  devices = ota_format_count (ota_product_get_device_count (product));
  gtk_label_set_label (self->name_label, ota_product_get_name (product));
  gtk_label_set_label (self->key_label, ota_product_get_key (product));
  gtk_label_set_label (self->project_label, ota_project_type_label (ota_product_get_project_type (product)));
  gtk_label_set_label (self->network_label, ota_network_type_label (ota_product_get_network_type (product)));
  gtk_label_set_label (self->alios_label, yes_no (ota_product_get_alios_things (product)));
  gtk_label_set_label (self->android_label, yes_no (ota_product_get_android_sdk (product)));
  gtk_label_set_label (self->secure_label,
                       ota_product_get_secure_upgrade (product) ? _("On") : _("Off"));
  gtk_label_set_label (self->devices_label, devices);
}

static void
on_catalogue_changed (OtaBackend     *backend,
                      const char     *product_key,
                      OtaProductPage *self)
{
  if (self->product == NULL)
    return;
  if (product_key == NULL || g_strcmp0 (product_key, ota_product_get_key (self->product)) == 0)
    ota_product_page_reload (self);
}

static void
on_copy_key_clicked (OtaProductPage *self)
{
  if (self->product == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          ota_product_get_key (self->product));
  ota_widget_add_toast (GTK_WIDGET (self), _("Product key copied"));
}

void
ota_product_page_set_backend (OtaProductPage *self,
                              OtaBackend     *backend)
{
  g_return_if_fail (OTA_IS_PRODUCT_PAGE (self));
  g_return_if_fail (backend == NULL || OTA_IS_BACKEND (backend));

  if (self->backend == backend)
    return;

  g_clear_signal_handler (&self->catalogue_changed_id, self->backend);
  g_set_object (&self->backend, backend);
  if (backend != NULL)
    self->catalogue_changed_id = g_signal_connect (backend, "catalogue-changed",
                                                   G_CALLBACK (on_catalogue_changed), self);
  ota_firmware_list_set_backend (self->firmware_list, backend);
  ota_device_list_set_backend (self->device_list, backend);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKEND]);
}

void
ota_product_page_set_product (OtaProductPage *self,
                              OtaProduct     *product)
{
  const char *key;

  g_return_if_fail (OTA_IS_PRODUCT_PAGE (self));
  g_return_if_fail (product == NULL || OTA_IS_PRODUCT (product));

  if (self->product == product)
    return;

  g_set_object (&self->product, product);
  key = product != NULL ? ota_product_get_key (product) : NULL;
  update_facts (self);
  /* The lists reload only when the key changed: a fresh snapshot of the same product
   * (after "catalogue-changed") is already handled by on_catalogue_changed(). */
  ota_firmware_list_set_product (self->firmware_list, key);
  ota_device_list_set_product (self->device_list, key);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRODUCT]);
}

OtaProduct *
ota_product_page_get_product (OtaProductPage *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT_PAGE (self), NULL);
  return self->product;
}

AdwViewStack *
ota_product_page_get_view_stack (OtaProductPage *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT_PAGE (self), NULL);
  return self->view_stack;
}

OtaFirmwareList *
ota_product_page_get_firmware_list (OtaProductPage *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT_PAGE (self), NULL);
  return self->firmware_list;
}

OtaDeviceList *
ota_product_page_get_device_list (OtaProductPage *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT_PAGE (self), NULL);
  return self->device_list;
}

void
ota_product_page_reload (OtaProductPage *self)
{
  g_return_if_fail (OTA_IS_PRODUCT_PAGE (self));

  ota_firmware_list_reload (self->firmware_list);
  ota_device_list_reload (self->device_list);
}

void
ota_product_page_show_firmwares (OtaProductPage *self)
{
  g_return_if_fail (OTA_IS_PRODUCT_PAGE (self));
  adw_view_stack_set_visible_child_name (self->view_stack, "firmwares");
}

void
ota_product_page_choose_import (OtaProductPage *self)
{
  g_return_if_fail (OTA_IS_PRODUCT_PAGE (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "devices");
  ota_device_list_choose_import (self->device_list);
}

void
ota_product_page_choose_export (OtaProductPage *self)
{
  g_return_if_fail (OTA_IS_PRODUCT_PAGE (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "devices");
  ota_device_list_choose_export (self->device_list);
}

static void
ota_product_page_dispose (GObject *object)
{
  OtaProductPage *self = OTA_PRODUCT_PAGE (object);

  g_clear_signal_handler (&self->catalogue_changed_id, self->backend);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_PRODUCT_PAGE);
  g_clear_object (&self->product);
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_product_page_parent_class)->dispose (object);
}

static void
ota_product_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OtaProductPage *self = OTA_PRODUCT_PAGE (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    case PROP_PRODUCT:
      g_value_set_object (value, self->product);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_product_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  OtaProductPage *self = OTA_PRODUCT_PAGE (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      ota_product_page_set_backend (self, g_value_get_object (value));
      break;

    case PROP_PRODUCT:
      ota_product_page_set_product (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_product_page_class_init (OtaProductPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_product_page_dispose;
  object_class->get_property = ota_product_page_get_property;
  object_class->set_property = ota_product_page_set_property;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL, OTA_TYPE_BACKEND,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRODUCT] =
    g_param_spec_object ("product", NULL, NULL, OTA_TYPE_PRODUCT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (OTA_TYPE_FIRMWARE_LIST);
  g_type_ensure (OTA_TYPE_DEVICE_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-product-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, key_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, project_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, network_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, alios_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, android_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, secure_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, devices_label);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, firmware_list);
  gtk_widget_class_bind_template_child (widget_class, OtaProductPage, device_list);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_key_clicked);
}

static void
ota_product_page_init (OtaProductPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
