/* ota-window-private.h — what the files of OtaWindow share (ota-window.c,
 * ota-window-products.c, ota-window-actions.c, ota-window-connection.c), and what the
 * UI tests look at */
#pragma once

#include "ota-backend-manager.h"
#include "ota-backend-switcher.h"
#include "ota-connection-banner.h"
#include "ota-demo-banner.h"
#include "ota-product-page.h"
#include "ota-window.h"

G_BEGIN_DECLS

struct _OtaWindow
{
  AdwApplicationWindow  parent_instance;

  OtaBackend           *backend;
  OtaBackendManager    *manager;           /* nullable: the backend never changes then */
  GSimpleActionGroup   *server_actions;    /* server.*: the backend switcher's menu */
  GSettings            *settings;
  GCancellable         *cancellable;       /* product loads; cancelled on dispose */
  gulong                catalogue_changed_id;
  gboolean              loading;           /* a load is in flight … */
  gboolean              reload_pending;    /* … and another one was asked for meanwhile */
  gboolean              loaded_once;
  gboolean              preparing;
  gboolean              demo_mode;
  gboolean              restoring;         /* the product list is being replaced */
  char                 *pending_key;       /* the product to select after the next load */
  char                 *load_error;        /* why the first load failed: the error page */
  OtaFirmware          *shown_firmware;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkListView          *product_list;
  GtkSingleSelection   *product_selection;
  GtkFilterListModel   *product_filter_model;
  GListStore           *products;
  AdwHeaderBar         *content_header;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkWidget            *back_button;
  GtkWidget            *product_menu_button;
  GtkWidget            *add_firmware_button;
  OtaBackendSwitcher   *backend_switcher;
  GtkRevealer          *connection_banner;
  OtaConnectionBanner  *connection_banner_box;
  GtkWidget            *loading_spinner;
  GtkRevealer          *demo_banner;
  OtaDemoBanner        *demo_banner_box;
  GtkStack             *content_stack;
  AdwStatusPage        *loading_page;
  AdwStatusPage        *empty_page;
  AdwStatusPage        *error_page;
  OtaProductPage       *product_page;
  AdwBin               *firmware_bin;
};

/* ota-window-actions.c: the win.* actions and their keyboard shortcuts. */
void ota_window_class_install_actions (GtkWidgetClass *widget_class);
/* Enables the actions that need a product when one is shown. */
void ota_window_update_actions        (OtaWindow      *self);
/* Shows what fits the state: loading, error, empty, the product or the firmware page. */
void ota_window_update_content        (OtaWindow      *self);
/* ota-window-products.c: the product list. */
void ota_window_class_bind_products   (GtkWidgetClass *widget_class);
/* Before the backend changes: loads in flight and its products go. */
void ota_window_detach_products       (OtaWindow      *self);
/* After: follows the new backend's catalogue and loads its products. */
void ota_window_attach_products       (OtaWindow      *self);
void ota_window_load_products         (OtaWindow      *self);
/* Shows @product (nullable) in the content pane. */
void ota_window_show_product          (OtaWindow      *self,
                                       OtaProduct     *product);
/* ota-window-connection.c: following the manager (switching backends, the server.*
 * actions, asking for a token). */
void ota_window_set_manager           (OtaWindow      *self,
                                       OtaBackendManager *manager);
void ota_window_dispose_connection    (OtaWindow      *self);
/* Whether the products wait for the server to connect first. */
gboolean ota_window_waits_for_server  (OtaWindow      *self);
/* Selects the product with @key once the next load has it. */
void ota_window_select_product_later  (OtaWindow      *self,
                                       const char     *key);

G_END_DECLS
