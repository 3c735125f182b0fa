/* ota-window-private.h — what ota-window.c and ota-window-actions.c share, and what the
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
  OtaProductPage       *product_page;
  AdwBin               *firmware_bin;
};

/* ota-window-actions.c: the win.* actions and their keyboard shortcuts. */
void ota_window_class_install_actions (GtkWidgetClass *widget_class);
/* Enables the actions that need a product when one is shown. */
void ota_window_update_actions        (OtaWindow      *self);
/* Shows what fits the state: loading, empty, the product or the firmware page. */
void ota_window_update_content        (OtaWindow      *self);
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
