/* ota-window.h — the main window: products in a sidebar, the chosen product's page
 *
 * The public entry points below are what the rollout views (OtaFirmwarePage, OtaBatchPage
 * and their dialogs) call back into.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"
#include "ota-backend-manager.h"
#include "ota-demo.h"

G_BEGIN_DECLS

#define OTA_TYPE_WINDOW (ota_window_get_type ())
G_DECLARE_FINAL_TYPE (OtaWindow, ota_window, OTA, WINDOW, AdwApplicationWindow)

/* @application (nullable) */
OtaWindow  *ota_window_new              (GtkApplication *application,
                                         OtaBackend     *backend);
/* A window that follows @manager's backend (rebuilding its views when it changes) and
 * offers its servers in the sidebar's title. */
OtaWindow  *ota_window_new_for_manager  (GtkApplication *application,
                                         OtaBackendManager *manager);
/* (transfer none) (nullable: a manager's window before its first backend) */
OtaBackend *ota_window_get_backend      (OtaWindow      *window);
/* Shows the views of @backend instead: the product list, pages and dialogs of the old
 * one are closed, so nothing listens to it any more. */
void        ota_window_set_backend      (OtaWindow      *window,
                                         OtaBackend     *backend);
/* The Connect to Server dialog, @url (nullable) filled in and @message (nullable: why a
 * token is needed) under the token. */
void        ota_window_connect_to_server (OtaWindow     *window,
                                          const char    *url,
                                          const char    *message);
/* (transfer none) (nullable): the product shown, if any. */
OtaProduct *ota_window_get_product      (OtaWindow      *window);

void        ota_window_add_toast        (OtaWindow      *window,
                                         const char     *message);
/* A toast with @error's message; G_IO_ERROR_CANCELLED (the user's own doing) is not
 * shown. */
void        ota_window_add_error_toast  (OtaWindow      *window,
                                         const GError   *error);
/* For widgets anywhere in a window: a toast in @widget's OtaWindow, if it has one. */
void        ota_widget_add_toast        (GtkWidget      *widget,
                                         const char     *message);
void        ota_widget_add_error_toast  (GtkWidget      *widget,
                                         const GError   *error);

/* The firmware's page (its batches) in place of the product page; Back returns. */
void        ota_window_show_firmware    (OtaWindow      *window,
                                         OtaFirmware    *firmware);
/* The dialogs of the firmware list's row actions. */
void        ota_window_verify_firmware  (OtaWindow      *window,
                                         OtaFirmware    *firmware);
void        ota_window_batch_upgrade    (OtaWindow      *window,
                                         OtaFirmware    *firmware);

/* Demo mode: a banner says the window shows a simulated fleet. */
void        ota_window_set_demo_mode    (OtaWindow      *window,
                                         gboolean        demo_mode);
/* Demo mode with its simulated fleet: the banner shows the simulated time and the speed
 * (bound to the demo-speed setting when the schema is installed). */
void        ota_window_set_demo         (OtaWindow      *window,
                                         OtaDemo        *demo);
/* While the demo catalogue is being made: a "preparing" page instead of the products. */
void        ota_window_set_preparing    (OtaWindow      *window,
                                         gboolean        preparing);
/* Reads the products again (also done on the backend's "catalogue-changed"). */
void        ota_window_reload           (OtaWindow      *window);

G_END_DECLS
