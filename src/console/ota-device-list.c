/* ota-device-list.c — a product's devices, a page at a time, with CSV import and export
 *
 * A product may have millions of devices, so the list never holds more than one page:
 * each page is a query to the backend (search, online filter, offset, limit).
 */
#include <glib/gi18n.h>

#include "ota-device-list-private.h"
#include "ota-format.h"
#include "ota-labels.h"
#include "ota-window.h"


G_DEFINE_FINAL_TYPE (OtaDeviceList, ota_device_list, ADW_TYPE_BIN)

static void query_page (OtaDeviceList *self);

/* ---- Cells (closures of data/ui/ota-device-list.ui; @device is NULL on unbind) ------- */

static char *
device_name (gpointer   unused,
             OtaDevice *device)
{
  return device != NULL ? g_strdup (ota_device_get_name (device)) : NULL;
}

static char *
device_online (gpointer   unused,
               OtaDevice *device)
{
  if (device == NULL)
    return NULL;
  return g_strdup (ota_device_get_online (device) ? _("Online") : _("Offline"));
}

static GStrv
device_online_classes (gpointer   unused,
                       OtaDevice *device)
{
  const char *classes[] = { device != NULL && ota_device_get_online (device) ? "success" : "dim-label",
                            NULL };

  return g_strdupv ((char **) classes);
}

static char *
device_region (gpointer   unused,
               OtaDevice *device)
{
  const char *province, *city;

  if (device == NULL)
    return NULL;

  province = ota_device_get_province (device);
  city = ota_device_get_city (device);
  if (*province == '\0' && *city == '\0')
    return g_strdup (_("Unknown"));
  if (*city == '\0' || g_strcmp0 (province, city) == 0)
    return g_strdup (*province != '\0' ? province : city);
  /* Translators: a device's region, "province city", e.g. "浙江 杭州" */
  return g_strdup_printf (_("%s %s"), province, city);
}

static char *
device_updated (gpointer   unused,
                OtaDevice *device)
{
  return device != NULL ? ota_format_time (ota_device_get_updated_at (device)) : NULL;
}

/* ---- A version column per module ------------------------------------------------------ */

static void
version_cell_setup (GtkSignalListItemFactory *factory,
                    GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
version_cell_bind (GtkSignalListItemFactory *factory,
                   GtkListItem              *item)
{
  const char *module = g_object_get_data (G_OBJECT (factory), "module");
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *version = ota_device_get_version (gtk_list_item_get_item (item), module);

  /* R-DV2: a device that never reported this module shows a dash, not a version. */
  gtk_label_set_label (GTK_LABEL (label), version != NULL ? version : "—");
  if (version != NULL)
    gtk_widget_remove_css_class (label, "dim-label");
  else
    gtk_widget_add_css_class (label, "dim-label");
}

static void
set_module_columns (OtaDeviceList *self,
                    GStrv          modules)
{
  if (self->modules != NULL && g_strv_equal ((const char * const *) self->modules,
                                             (const char * const *) modules))
    return;

  for (guint i = 0; i < self->module_columns->len; i++)
    gtk_column_view_remove_column (self->column_view, g_ptr_array_index (self->module_columns, i));
  g_ptr_array_set_size (self->module_columns, 0);

  /* GTK 4.8 can only append columns: take "Last change" off and put it back last. */
  g_object_ref (self->updated_column);
  gtk_column_view_remove_column (self->column_view, self->updated_column);
  for (guint i = 0; modules[i] != NULL; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data_full (G_OBJECT (factory), "module", g_strdup (modules[i]), g_free);
      g_signal_connect (factory, "setup", G_CALLBACK (version_cell_setup), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (version_cell_bind), NULL);
      column = gtk_column_view_column_new (modules[i], factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_ptr_array_add (self->module_columns, column);
    }
  gtk_column_view_append_column (self->column_view, self->updated_column);
  g_object_unref (self->updated_column);

  g_strfreev (self->modules);
  self->modules = g_strdupv (modules);
}

static void
modules_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(OtaDeviceList) self = user_data;
  g_autoptr(GPtrArray) modules = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  modules = ota_backend_list_modules_finish (OTA_BACKEND (source), result, &error);
  if (modules == NULL)
    {
      ota_widget_add_error_toast (GTK_WIDGET (self), error);
      return;
    }

  for (guint i = 0; i < modules->len; i++)
    g_strv_builder_add (names, ota_module_get_name (g_ptr_array_index (modules, i)));
  strv = g_strv_builder_end (names);
  set_module_columns (self, strv);
}

/* ---- Pages ------------------------------------------------------------------------------ */

static gboolean
is_filtered (OtaDeviceList *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0' ||
         gtk_drop_down_get_selected (self->online_dropdown) != 0;
}

static void
update_pager (OtaDeviceList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->devices));
  g_autofree char *range = ota_format_range (self->offset, n, self->total);

  gtk_label_set_label (self->range_label, range);
  gtk_widget_set_sensitive (self->previous_button, self->offset > 0);
  gtk_widget_set_sensitive (self->next_button, self->offset + n < self->total);
  gtk_widget_set_sensitive (self->export_button, self->product_key != NULL);

  if (self->total > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    gtk_stack_set_visible_child_name (self->stack, is_filtered (self) ? "no-match" : "empty");
}

static void
page_loaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(OtaDeviceList) self = user_data;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  devices = ota_backend_query_devices_finish (OTA_BACKEND (source), result, &total, &error);
  if (devices == NULL)
    {
      ota_widget_add_error_toast (GTK_WIDGET (self), error);
      return;
    }

  /* Devices went away (another import, a narrower search): show the last page left. */
  if (devices->len == 0 && total > 0 && self->offset > 0)
    {
      self->offset = (guint) ((total - 1) / OTA_DEVICE_LIST_PAGE_SIZE * OTA_DEVICE_LIST_PAGE_SIZE);
      query_page (self);
      return;
    }

  self->total = total;
  g_list_store_splice (self->devices, 0, g_list_model_get_n_items (G_LIST_MODEL (self->devices)),
                       devices->pdata, devices->len);
  update_pager (self);
}

static void
query_page (OtaDeviceList *self)
{
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  static const int online_filters[] = { -1, 1, 0 };
  guint selected = gtk_drop_down_get_selected (self->online_dropdown);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->backend == NULL || self->product_key == NULL)
    {
      g_list_store_remove_all (self->devices);
      self->total = 0;
      update_pager (self);
      return;
    }

  query.product_key = self->product_key;
  query.search = *search != '\0' ? search : NULL;
  query.online = selected < G_N_ELEMENTS (online_filters) ? online_filters[selected] : -1;
  query.sort = OTA_DEVICE_SORT_NAME;
  query.offset = self->offset;
  query.limit = OTA_DEVICE_LIST_PAGE_SIZE;

  self->cancellable = g_cancellable_new ();
  ota_backend_query_devices_async (self->backend, &query, self->cancellable,
                                   page_loaded, g_object_ref (self));
}

void
ota_device_list_reload (OtaDeviceList *self)
{
  g_return_if_fail (OTA_IS_DEVICE_LIST (self));

  query_page (self);

  g_cancellable_cancel (self->modules_cancellable);
  g_clear_object (&self->modules_cancellable);
  if (self->backend != NULL && self->product_key != NULL)
    {
      self->modules_cancellable = g_cancellable_new ();
      ota_backend_list_modules_async (self->backend, self->product_key, self->modules_cancellable,
                                      modules_loaded, g_object_ref (self));
    }
}

static void
on_filter_changed (OtaDeviceList *self)
{
  self->offset = 0;
  query_page (self);
}

static void
on_previous_clicked (OtaDeviceList *self)
{
  self->offset = self->offset > OTA_DEVICE_LIST_PAGE_SIZE ? self->offset - OTA_DEVICE_LIST_PAGE_SIZE : 0;
  query_page (self);
}

static void
on_next_clicked (OtaDeviceList *self)
{
  if ((guint64) self->offset + OTA_DEVICE_LIST_PAGE_SIZE < self->total)
    {
      self->offset += OTA_DEVICE_LIST_PAGE_SIZE;
      query_page (self);
    }
}

void
ota_device_list_set_backend (OtaDeviceList *self,
                             OtaBackend    *backend)
{
  g_return_if_fail (OTA_IS_DEVICE_LIST (self));

  if (g_set_object (&self->backend, backend))
    ota_device_list_reload (self);
}

void
ota_device_list_set_product (OtaDeviceList *self,
                             const char    *product_key)
{
  g_auto(GStrv) none = g_new0 (char *, 1);

  g_return_if_fail (OTA_IS_DEVICE_LIST (self));

  if (g_strcmp0 (self->product_key, product_key) == 0)
    return;

  g_free (self->product_key);
  self->product_key = g_strdup (product_key);
  self->offset = 0;
  self->total = 0;
  g_list_store_remove_all (self->devices);
  set_module_columns (self, none);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  ota_device_list_reload (self);
}

GListModel *
ota_device_list_get_model (OtaDeviceList *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE_LIST (self), NULL);
  return G_LIST_MODEL (self->devices);
}

guint64
ota_device_list_get_total (OtaDeviceList *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE_LIST (self), 0);
  return self->total;
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
ota_device_list_dispose (GObject *object)
{
  OtaDeviceList *self = OTA_DEVICE_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->modules_cancellable);
  g_cancellable_cancel (self->import_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_DEVICE_LIST);
  g_clear_pointer (&self->module_columns, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->modules_cancellable);
  g_clear_object (&self->import_cancellable);
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_device_list_parent_class)->dispose (object);
}

static void
ota_device_list_finalize (GObject *object)
{
  OtaDeviceList *self = OTA_DEVICE_LIST (object);

  g_free (self->product_key);
  g_strfreev (self->modules);

  G_OBJECT_CLASS (ota_device_list_parent_class)->finalize (object);
}

static void
ota_device_list_class_init (OtaDeviceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_device_list_dispose;
  object_class->finalize = ota_device_list_finalize;

  g_type_ensure (OTA_TYPE_DEVICE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-device-list.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, online_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, import_button);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, export_button);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, import_progress);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, stack);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, column_view);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, updated_column);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, devices);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, range_label);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, previous_button);
  gtk_widget_class_bind_template_child (widget_class, OtaDeviceList, next_button);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_previous_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, ota_device_list_cancel_import);
  gtk_widget_class_bind_template_callback (widget_class, ota_device_list_choose_import);
  gtk_widget_class_bind_template_callback (widget_class, ota_device_list_choose_export);
  gtk_widget_class_bind_template_callback (widget_class, device_name);
  gtk_widget_class_bind_template_callback (widget_class, device_online);
  gtk_widget_class_bind_template_callback (widget_class, device_online_classes);
  gtk_widget_class_bind_template_callback (widget_class, device_region);
  gtk_widget_class_bind_template_callback (widget_class, device_updated);
}

static void
ota_device_list_init (OtaDeviceList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->module_columns = g_ptr_array_new_with_free_func (g_object_unref);
  update_pager (self);
}
