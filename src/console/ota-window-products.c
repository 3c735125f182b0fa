/* ota-window-products.c — the window's product list: read from the backend (again on
 * its "catalogue-changed"), the selection kept across loads, and a first load that
 * failed shown as an error page with Reload */
#include <glib/gi18n.h>

#include "ota-format.h"
#include "ota-labels.h"
#include "ota-window-private.h"

static guint
find_product (OtaWindow  *self,
              const char *key)
{
  GListModel *model = G_LIST_MODEL (self->product_filter_model);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; key != NULL && i < n; i++)
    {
      g_autoptr(OtaProduct) product = g_list_model_get_item (model, i);

      if (g_strcmp0 (ota_product_get_key (product), key) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

void
ota_window_show_product (OtaWindow  *self,
                         OtaProduct *product)
{
  OtaProduct *shown = ota_product_page_get_product (self->product_page);
  gboolean same = shown != NULL && product != NULL &&
                  g_strcmp0 (ota_product_get_key (shown), ota_product_get_key (product)) == 0;

  if (!same)
    g_clear_object (&self->shown_firmware);
  ota_product_page_set_product (self->product_page, product);
  ota_window_update_content (self);
}

static void
products_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OtaWindow) self = user_data;
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  OtaProduct *shown;
  guint position;

  products = ota_backend_list_products_finish (OTA_BACKEND (source), result, &error);
  /* A load of the backend the window showed before: ota_window_set_backend() began anew. */
  if (OTA_BACKEND (source) != self->backend)
    return;
  self->loading = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The demo catalogue is still being made: what is there now is half of it. */
  if (self->preparing)
    return;

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      ota_window_load_products (self);
      return;
    }

  if (products == NULL)
    {
      /* Nothing on screen yet: the error page says why and offers Reload. Later, the
       * last products stay and a toast tells. */
      if (!self->loaded_once)
        {
          g_debug ("First load failed: %s", error->message);
          self->load_error = g_strdup (error->message);
          ota_window_update_content (self);
        }
      else
        ota_window_add_error_toast (self, error);
      return;
    }

  shown = ota_product_page_get_product (self->product_page);
  key = self->pending_key != NULL ? g_steal_pointer (&self->pending_key)
                                  : shown != NULL ? g_strdup (ota_product_get_key (shown)) : NULL;

  /* Replacing the snapshots moves the selection around; only the final one counts. */
  self->restoring = TRUE;
  g_list_store_splice (self->products, 0, g_list_model_get_n_items (G_LIST_MODEL (self->products)),
                       products->pdata, products->len);
  position = find_product (self, key);
  if (position == GTK_INVALID_LIST_POSITION && shown == NULL)
    position = 0;
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->product_selection, position);
  self->restoring = FALSE;
  self->loaded_once = TRUE;

  if (products->len == 0)
    ota_window_show_product (self, NULL);
  else if (gtk_single_selection_get_selected_item (self->product_selection) != NULL)
    ota_window_show_product (self, gtk_single_selection_get_selected_item (self->product_selection));
  else
    ota_window_update_content (self);
}

void
ota_window_load_products (OtaWindow *self)
{
  /* No backend yet, or a server still connecting: its "connected" loads. */
  if (self->backend == NULL || ota_window_waits_for_server (self))
    return;

  if (self->loading)
    {
      self->reload_pending = TRUE;
      return;
    }

  /* Loading again: the error page of the last try gives way to the loading page. */
  if (self->load_error != NULL)
    {
      g_clear_pointer (&self->load_error, g_free);
      ota_window_update_content (self);
    }

  self->loading = TRUE;
  ota_backend_list_products_async (self->backend, self->cancellable,
                                   products_loaded, g_object_ref (self));
}

void
ota_window_reload (OtaWindow *self)
{
  g_return_if_fail (OTA_IS_WINDOW (self));

  if (!self->preparing)
    ota_window_load_products (self);
}

void
ota_window_select_product_later (OtaWindow  *self,
                                 const char *key)
{
  g_free (self->pending_key);
  self->pending_key = g_strdup (key);
  ota_window_reload (self);
}

static void
on_catalogue_changed (OtaBackend *backend,
                      const char *product_key,
                      OtaWindow  *self)
{
  ota_window_reload (self);
}

void
ota_window_detach_products (OtaWindow *self)
{
  /* Loads in flight are for the old backend; nothing of it stays on screen. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = FALSE;
  self->reload_pending = FALSE;
  self->loaded_once = FALSE;
  g_clear_pointer (&self->pending_key, g_free);
  g_clear_pointer (&self->load_error, g_free);
  if (self->backend != NULL)
    g_clear_signal_handler (&self->catalogue_changed_id, self->backend);

  self->restoring = TRUE;
  g_list_store_remove_all (self->products);
  self->restoring = FALSE;
}

void
ota_window_attach_products (OtaWindow *self)
{
  if (self->backend != NULL)
    self->catalogue_changed_id = g_signal_connect (self->backend, "catalogue-changed",
                                                   G_CALLBACK (on_catalogue_changed), self);
  ota_window_load_products (self);
}

/* ---- Template callbacks ------------------------------------------------------------- */

static void
on_selected_product_changed (OtaWindow *self)
{
  OtaProduct *product = gtk_single_selection_get_selected_item (self->product_selection);
  GtkWidget *focus;

  if (self->restoring || product == NULL)
    return;

  ota_window_show_product (self, product);

  /* Only the user's pick moves a folded window on to the product, not the search
   * filter choosing another product while one types. */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->product_list)))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
on_product_activated (OtaWindow *self,
                      guint      position)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
on_filtered_products_changed (OtaWindow *self)
{
  if (!self->restoring && self->loaded_once)
    ota_window_update_content (self);
}

static char *
product_project_label (gpointer       unused,
                       OtaProjectType project_type)
{
  return g_strdup (ota_project_type_label (project_type));
}

static char *
product_device_count_label (gpointer unused,
                            guint64  count)
{
  return ota_format_count (count);
}

static char *
product_device_count_tooltip (gpointer unused,
                              guint64  count)
{
  g_autofree char *number = ota_format_count (count);

  return g_strdup_printf (ngettext ("%s device", "%s devices", count), number);
}

void
ota_window_class_bind_products (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_selected_product_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_product_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_filtered_products_changed);
  gtk_widget_class_bind_template_callback (widget_class, product_project_label);
  gtk_widget_class_bind_template_callback (widget_class, product_device_count_label);
  gtk_widget_class_bind_template_callback (widget_class, product_device_count_tooltip);
}
