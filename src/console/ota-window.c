/* ota-window.c — the main window: products in a sidebar, the chosen product's page */
#include <glib/gi18n.h>

#include "ota-connect-dialog.h"
#include "ota-window-private.h"

G_DEFINE_FINAL_TYPE (OtaWindow, ota_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BACKEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- What the content pane shows ---------------------------------------------- */

/* The local database opens for a switch: the loading page, whatever is shown now. */
static gboolean
opening_local (OtaWindow *self)
{
  return self->manager != NULL && ota_backend_manager_get_opening_local (self->manager);
}

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
  else if (product != NULL && self->loaded_once && !self->preparing && !opening_local (self))
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

/* Before the first products: opening the local database, loading them, connecting to
 * the server, or why the server cannot be reached (the banner offers to retry). */
static void
update_loading_page (OtaWindow *self)
{
  OtaRemoteBackend *remote = OTA_IS_REMOTE_BACKEND (self->backend) ? OTA_REMOTE_BACKEND (self->backend) : NULL;
  OtaRemoteState state = remote != NULL ? ota_remote_backend_get_state (remote) : OTA_REMOTE_STATE_CONNECTED;
  g_autofree char *name = self->backend != NULL ? ota_backend_dup_name (self->backend) : NULL;
  g_autofree char *title = NULL;
  const char *description = NULL;
  gboolean spinning = TRUE;

  if (opening_local (self))
    title = g_strdup (_("Opening the Database…"));
  else if (remote != NULL && state == OTA_REMOTE_STATE_CONNECTING)
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

/* The server is not there: the loading page says so, rather than the error page of a
 * load that failed on the way. */
static gboolean
server_in_trouble (OtaWindow *self)
{
  return OTA_IS_REMOTE_BACKEND (self->backend) &&
         ota_remote_backend_get_state (OTA_REMOTE_BACKEND (self->backend)) != OTA_REMOTE_STATE_CONNECTED;
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
  else if (opening_local (self))
    {
      update_loading_page (self);
      page = "loading";
    }
  else if (!self->loaded_once && self->load_error != NULL && !server_in_trouble (self))
    {
      adw_status_page_set_description (self->error_page, self->load_error);
      page = "error";
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
  ota_window_detach_products (self);
  g_set_object (&self->backend, backend);

  g_clear_object (&self->shown_firmware);
  adw_bin_set_child (self->firmware_bin, NULL);
  ota_product_page_set_product (self->product_page, NULL);
  ota_product_page_set_backend (self->product_page, backend);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKEND]);
  ota_window_attach_products (self);
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
      ota_window_load_products (self);
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
  g_free (self->load_error);

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
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, product_page);
  gtk_widget_class_bind_template_child (widget_class, OtaWindow, firmware_bin);
  ota_window_class_bind_products (widget_class);

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
