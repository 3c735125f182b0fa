/* ota-window.c — the main window: products in a sidebar, the chosen product's page */
#include <glib/gi18n.h>

#include "ota-connect-dialog.h"
#include "ota-format.h"
#include "ota-labels.h"
#include "ota-window-private.h"


G_DEFINE_FINAL_TYPE (OtaWindow, ota_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BACKEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_products (OtaWindow *self);

/* ---- What the content pane shows ---------------------------------------------- */

static void
update_header (OtaWindow *self)
{
  OtaProduct *product = ota_product_page_get_product (self->product_page);
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  if (self->shown_firmware != NULL)
    {
      adw_view_switcher_title_set_stack (self->switcher_title, NULL);
      adw_view_switcher_title_set_title (self->switcher_title,
                                         ota_firmware_get_name (self->shown_firmware));
      adw_view_switcher_title_set_subtitle (self->switcher_title,
                                            product != NULL ? ota_product_get_name (product) : NULL);
    }
  else if (product != NULL && self->loaded_once && !self->preparing)
    {
      AdwViewStack *stack = ota_product_page_get_view_stack (self->product_page);

      adw_view_switcher_title_set_stack (self->switcher_title, stack);
      adw_view_switcher_title_set_title (self->switcher_title, ota_product_get_name (product));
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
    }
  else
    {
      adw_view_switcher_title_set_stack (self->switcher_title, NULL);
      adw_view_switcher_title_set_title (self->switcher_title, _("OTA Console"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
    }

  adw_view_switcher_bar_set_stack (self->switcher_bar,
                                   adw_view_switcher_title_get_stack (self->switcher_title));
  gtk_widget_set_visible (self->back_button, self->shown_firmware != NULL || folded);
}

/* Before the first products: loading them, connecting to the server, or why the
 * server cannot be reached (the banner offers to retry). */
static void
update_loading_page (OtaWindow *self)
{
  OtaRemoteBackend *remote = OTA_IS_REMOTE_BACKEND (self->backend) ? OTA_REMOTE_BACKEND (self->backend) : NULL;
  OtaRemoteState state = remote != NULL ? ota_remote_backend_get_state (remote) : OTA_REMOTE_STATE_CONNECTED;
  g_autofree char *name = self->backend != NULL ? ota_backend_dup_name (self->backend) : NULL;
  g_autofree char *title = NULL;
  const char *description = NULL;
  gboolean spinning = TRUE;

  if (remote != NULL && state == OTA_REMOTE_STATE_CONNECTING)
    /* Translators: %s is the server, "ota.example.com:8443" */
    title = g_strdup_printf (_("Connecting to %s…"), name);
  else if (remote != NULL && state != OTA_REMOTE_STATE_CONNECTED && self->manager != NULL &&
           ota_backend_manager_get_error_message (self->manager) != NULL)
    {
      title = g_strdup (_("Not Connected"));
      description = ota_backend_manager_get_error_message (self->manager);
      spinning = FALSE;
    }
  else
    title = g_strdup (_("Loading…"));

  adw_status_page_set_title (self->loading_page, title);
  adw_status_page_set_description (self->loading_page, description);
  adw_status_page_set_icon_name (self->loading_page, spinning ? NULL : "network-error-symbolic");
  gtk_widget_set_visible (self->loading_spinner, spinning);
}

void
ota_window_update_content (OtaWindow *self)
{
  guint n_products = g_list_model_get_n_items (G_LIST_MODEL (self->products));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->product_filter_model));
  OtaProduct *product = ota_product_page_get_product (self->product_page);
  const char *page;

  if (self->preparing)
    {
      adw_status_page_set_title (self->loading_page, _("Preparing the Demo"));
      adw_status_page_set_description (self->loading_page,
                                       _("Adding demo products, thousands of devices and "
                                         "their firmware, and starting a few rollouts. This "
                                         "takes a few seconds."));
      page = "loading";
    }
  else if (!self->loaded_once)
    {
      update_loading_page (self);
      page = "loading";
    }
  else if (n_products == 0)
    page = "empty";
  else if (self->shown_firmware != NULL)
    page = "firmware";
  else if (product != NULL)
    page = "product";
  else
    page = "empty";

  gtk_stack_set_visible_child_name (self->content_stack, page);
  gtk_stack_set_visible_child_name (self->sidebar_stack,
                                    n_shown == 0 && n_products > 0 ? "no-match" : "list");
  update_header (self);
  ota_window_update_actions (self);
}

static void
show_product (OtaWindow  *self,
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

/* ---- Products ------------------------------------------------------------------ */

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
      load_products (self);
      return;
    }

  if (products == NULL)
    {
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
    show_product (self, NULL);
  else if (gtk_single_selection_get_selected_item (self->product_selection) != NULL)
    show_product (self, gtk_single_selection_get_selected_item (self->product_selection));
  else
    ota_window_update_content (self);
}

static void
load_products (OtaWindow *self)
{
  /* No backend yet, or a server still connecting: its "connected" loads. */
  if (self->backend == NULL || ota_window_waits_for_server (self))
    return;

  if (self->loading)
    {
      self->reload_pending = TRUE;
      return;
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
    load_products (self);
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

/* ---- Template callbacks ------------------------------------------------------------- */

static void
on_selected_product_changed (OtaWindow *self)
{
  OtaProduct *product = gtk_single_selection_get_selected_item (self->product_selection);
  GtkWidget *focus;

  if (self->restoring || product == NULL)
    return;

  show_product (self, product);

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

static void
on_folded_changed (OtaWindow *self)
{
  update_header (self);
}

/* ---- Public ------------------------------------------------------------------------- */

OtaWindow *
ota_window_new (GtkApplication *application,
                OtaBackend     *backend)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);

  return g_object_new (OTA_TYPE_WINDOW,
                       "application", application,
                       "backend", backend,
                       NULL);
}

OtaWindow *
ota_window_new_for_manager (GtkApplication    *application,
                            OtaBackendManager *manager)
{
  OtaWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (manager), NULL);

  self = g_object_new (OTA_TYPE_WINDOW, "application", application, NULL);
  ota_window_set_manager (self, manager);
  return self;
}

/* Dialogs of the old backend would act on it: they go with it. */
static void
close_backend_dialogs (OtaWindow *self)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      GtkWindow *window = l->data;

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (self) &&
          !OTA_IS_CONNECT_DIALOG (window) && !ADW_IS_ABOUT_WINDOW (window) &&
          !GTK_IS_SHORTCUTS_WINDOW (window))
        gtk_window_destroy (window);
    }
}

void
ota_window_set_backend (OtaWindow  *self,
                        OtaBackend *backend)
{
  g_return_if_fail (OTA_IS_WINDOW (self));
  g_return_if_fail (backend == NULL || OTA_IS_BACKEND (backend));

  if (self->backend == backend)
    return;

  close_backend_dialogs (self);

  /* Loads in flight are for the old backend; nothing of it stays on screen. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = FALSE;
  self->reload_pending = FALSE;
  self->loaded_once = FALSE;
  g_clear_pointer (&self->pending_key, g_free);

  g_clear_signal_handler (&self->catalogue_changed_id, self->backend);
  g_set_object (&self->backend, backend);
  if (backend != NULL)
    self->catalogue_changed_id = g_signal_connect (backend, "catalogue-changed",
                                                   G_CALLBACK (on_catalogue_changed), self);

  g_clear_object (&self->shown_firmware);
  adw_bin_set_child (self->firmware_bin, NULL);
  self->restoring = TRUE;
  g_list_store_remove_all (self->products);
  self->restoring = FALSE;
  ota_product_page_set_product (self->product_page, NULL);
  ota_product_page_set_backend (self->product_page, backend);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKEND]);
  load_products (self);
  ota_window_update_content (self);
}

OtaBackend *
ota_window_get_backend (OtaWindow *self)
{
  g_return_val_if_fail (OTA_IS_WINDOW (self), NULL);
  return self->backend;
}

OtaProduct *
ota_window_get_product (OtaWindow *self)
{
  g_return_val_if_fail (OTA_IS_WINDOW (self), NULL);
  return ota_product_page_get_product (self->product_page);
}

void
ota_window_add_toast (OtaWindow  *self,
                      const char *message)
{
  g_return_if_fail (OTA_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
ota_window_add_error_toast (OtaWindow    *self,
                            const GError *error)
{
  g_return_if_fail (OTA_IS_WINDOW (self));

  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("Error shown: %s", error->message);
  ota_window_add_toast (self, error->message);
}

void
ota_widget_add_toast (GtkWidget  *widget,
                      const char *message)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (OTA_IS_WINDOW (root))
    ota_window_add_toast (OTA_WINDOW (root), message);
}

void
ota_widget_add_error_toast (GtkWidget    *widget,
                            const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (OTA_IS_WINDOW (root))
    ota_window_add_error_toast (OTA_WINDOW (root), error);
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Error without a window to show it: %s", error->message);
}

void
ota_window_set_demo_mode (OtaWindow *self,
                          gboolean   demo_mode)
{
  g_return_if_fail (OTA_IS_WINDOW (self));

  self->demo_mode = !!demo_mode;
  gtk_revealer_set_reveal_child (self->demo_banner, self->demo_mode);
}

void
ota_window_set_demo (OtaWindow *self,
                     OtaDemo   *demo)
{
  g_return_if_fail (OTA_IS_WINDOW (self));
  g_return_if_fail (OTA_IS_DEMO (demo));

  ota_window_set_demo_mode (self, TRUE);
  ota_demo_banner_set_demo (self->demo_banner_box, demo);
  if (self->settings != NULL)
    g_settings_bind (self->settings, "demo-speed", demo, "speed", G_SETTINGS_BIND_DEFAULT);
}

void
ota_window_set_preparing (OtaWindow *self,
                          gboolean   preparing)
{
  g_return_if_fail (OTA_IS_WINDOW (self));

  preparing = !!preparing;
  if (self->preparing == preparing)
    return;

  self->preparing = preparing;
  ota_demo_banner_set_preparing (self->demo_banner_box, preparing);
  if (!preparing)
    {
      /* Show "loading" rather than "no products" until the catalogue was read. */
      self->loaded_once = FALSE;
      load_products (self);
    }
  ota_window_update_content (self);
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
ota_window_dispose (GObject *object)
{
  OtaWindow *self = OTA_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_signal_handler (&self->catalogue_changed_id, self->backend);
  ota_window_dispose_connection (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_WINDOW);
  g_clear_object (&self->shown_firmware);
  g_clear_object (&self->settings);
  g_clear_object (&self->backend);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ota_window_parent_class)->dispose (object);
}

static void
ota_window_finalize (GObject *object)
{
  OtaWindow *self = OTA_WINDOW (object);

  g_free (self->pending_key);

  G_OBJECT_CLASS (ota_window_parent_class)->finalize (object);
}

static void
ota_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  OtaWindow *self = OTA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  OtaWindow *self = OTA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      ota_window_set_backend (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_window_class_init (OtaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_window_dispose;
  object_class->finalize = ota_window_finalize;
  object_class->get_property = ota_window_get_property;
  object_class->set_property = ota_window_set_property;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL, OTA_TYPE_BACKEND,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (OTA_TYPE_PRODUCT);
  g_type_ensure (OTA_TYPE_PRODUCT_PAGE);
  g_type_ensure (OTA_TYPE_DEMO_BANNER);
  g_type_ensure (OTA_TYPE_BACKEND_SWITCHER);
  g_type_ensure (OTA_TYPE_CONNECTION_BANNER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, product_list);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, product_selection);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, product_filter_model);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, products);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, product_menu_button);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, add_firmware_button);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, backend_switcher);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, connection_banner);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, connection_banner_box);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, demo_banner_box);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, product_page);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, firmware_bin);
  gtk_widget_class_bind_template_callback (widget_class, on_selected_product_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_product_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_filtered_products_changed);
  gtk_widget_class_bind_template_callback (widget_class, product_project_label);
  gtk_widget_class_bind_template_callback (widget_class, product_device_count_label);
  gtk_widget_class_bind_template_callback (widget_class, product_device_count_tooltip);

  ota_window_class_install_actions (widget_class);
}

/* Without the schema installed (running from the build folder) the window simply does
 * not remember its size. */
static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  return schema != NULL ? g_settings_new (APPLICATION_ID) : NULL;
}

static void
ota_window_init (OtaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }

  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (on_folded_changed), self);
  ota_window_update_content (self);
}
