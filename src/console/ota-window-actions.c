/* ota-window-actions.c — the main window's win.* actions and their shortcuts, and the
 * entry points into the rollout views */
#include <glib/gi18n.h>

#include "ota-add-firmware-dialog.h"
#include "ota-add-product-dialog.h"
#include "ota-batch-dialog.h"
#include "ota-firmware-page.h"
#include "ota-format.h"
#include "ota-product-settings-dialog.h"
#include "ota-rollout-format.h"
#include "ota-verify-dialog.h"
#include "ota-window-private.h"

/* Actions that need a product on screen. */
static const char * const product_actions[] = {
  "win.add-firmware",
  "win.import-devices",
  "win.export-devices",
  "win.product-settings",
};

void
ota_window_update_actions (OtaWindow *self)
{
  gboolean has_product = ota_product_page_get_product (self->product_page) != NULL &&
                         !self->preparing &&
                         g_list_model_get_n_items (G_LIST_MODEL (self->products)) > 0;

  for (guint i = 0; i < G_N_ELEMENTS (product_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), product_actions[i], has_product);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-product", !self->preparing);
  gtk_widget_set_visible (self->add_firmware_button, has_product);
  gtk_widget_set_visible (self->product_menu_button, has_product);
}

static void
on_product_added (OtaWindow  *self,
                  OtaProduct *product)
{
  g_autofree char *message = g_strdup_printf (_("Product “%s” added"), ota_product_get_name (product));

  ota_window_select_product_later (self, ota_product_get_key (product));
  ota_window_add_toast (self, message);
}

static void
add_product_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);
  OtaAddProductDialog *dialog = ota_add_product_dialog_new (GTK_WINDOW (self), self->backend);

  g_signal_connect_object (dialog, "added", G_CALLBACK (on_product_added), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_firmware_added (OtaWindow   *self,
                   OtaFirmware *firmware)
{
  g_autofree char *message = g_strdup_printf (_("Firmware “%s” added"), ota_firmware_get_name (firmware));

  ota_product_page_show_firmwares (self->product_page);
  ota_window_add_toast (self, message);
}

static void
add_firmware_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);
  OtaProduct *product = ota_product_page_get_product (self->product_page);
  OtaAddFirmwareDialog *dialog;

  if (product == NULL)
    return;

  dialog = ota_add_firmware_dialog_new (GTK_WINDOW (self), self->backend, product);
  g_signal_connect_object (dialog, "added", G_CALLBACK (on_firmware_added), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
product_settings_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);
  OtaProduct *product = ota_product_page_get_product (self->product_page);

  if (product != NULL)
    gtk_window_present (GTK_WINDOW (ota_product_settings_dialog_new (GTK_WINDOW (self),
                                                                     self->backend, product)));
}

static void
import_devices_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);

  ota_product_page_choose_import (self->product_page);
}

static void
export_devices_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);

  ota_product_page_choose_export (self->product_page);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);

  ota_window_reload (self);
  ota_product_page_reload (self->product_page);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OtaWindow *self = OTA_WINDOW (widget);

  if (self->shown_firmware != NULL)
    {
      g_clear_object (&self->shown_firmware);
      adw_bin_set_child (self->firmware_bin, NULL);
      ota_product_page_reload (self->product_page);
      ota_window_update_content (self);
    }
  else
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* ---- The rollout views (OtaFirmwarePage and its dialogs) ------------------------------- */

/* The firmware's page with its batches (OtaFirmwarePage) in place of the product's. */
void
ota_window_show_firmware (OtaWindow   *self,
                          OtaFirmware *firmware)
{
  g_return_if_fail (OTA_IS_WINDOW (self));
  g_return_if_fail (OTA_IS_FIRMWARE (firmware));

  g_set_object (&self->shown_firmware, firmware);
  adw_bin_set_child (self->firmware_bin, ota_firmware_page_new (self->backend, firmware));
  ota_window_update_content (self);
}

/* A verification or batch started from the firmware list: show it at once. */
static void
on_rollout_created (OtaWindow *self,
                    OtaBatch  *batch,
                    GtkWidget *dialog)
{
  OtaFirmware *firmware = g_object_get_data (G_OBJECT (dialog), "ota-firmware");
  g_autofree char *title = ota_format_batch_title (batch);
  g_autofree char *count = ota_format_count (ota_batch_get_total (batch));
  /* Translators: "Verification #3 started on 5 devices" */
  g_autofree char *message = g_strdup_printf (_("%s started on %s devices"), title, count);
  GtkWidget *page;

  ota_window_show_firmware (self, firmware);
  page = adw_bin_get_child (self->firmware_bin);
  ota_firmware_page_show_batch (OTA_FIRMWARE_PAGE (page), ota_batch_get_id (batch));
  ota_window_add_toast (self, message);
}

static void
present_rollout_dialog (OtaWindow   *self,
                        GtkWidget   *dialog,
                        OtaFirmware *firmware)
{
  g_object_set_data_full (G_OBJECT (dialog), "ota-firmware", g_object_ref (firmware), g_object_unref);
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_rollout_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
ota_window_verify_firmware (OtaWindow   *self,
                            OtaFirmware *firmware)
{
  g_return_if_fail (OTA_IS_WINDOW (self));
  g_return_if_fail (OTA_IS_FIRMWARE (firmware));

  present_rollout_dialog (self, ota_verify_dialog_new (GTK_WINDOW (self), self->backend, firmware), firmware);
}

void
ota_window_batch_upgrade (OtaWindow   *self,
                          OtaFirmware *firmware)
{
  g_return_if_fail (OTA_IS_WINDOW (self));
  g_return_if_fail (OTA_IS_FIRMWARE (firmware));

  present_rollout_dialog (self, ota_batch_dialog_new (GTK_WINDOW (self), self->backend, firmware), firmware);
}

void
ota_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-product", NULL, add_product_action);
  gtk_widget_class_install_action (widget_class, "win.add-firmware", NULL, add_firmware_action);
  gtk_widget_class_install_action (widget_class, "win.product-settings", NULL, product_settings_action);
  gtk_widget_class_install_action (widget_class, "win.import-devices", NULL, import_devices_action);
  gtk_widget_class_install_action (widget_class, "win.export-devices", NULL, export_devices_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);

  /* Listed in data/ui/ota-shortcuts.ui: keep both in step. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-firmware", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.add-product", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.import-devices", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.product-settings", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  /* The server.* group of ota-window-connection.c (the backend switcher's menu shows
   * the first one too). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "server.connect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "server.retry", NULL);
}
