/* ota-connection-banner.h — the bar under the header while a server is out of reach
 *
 * "Connection lost. Reconnecting in 4 seconds…", why under it ("Cannot reach
 * 10.0.0.5:8443: Connection refused"), and a "Retry Now" button (the window's server.retry action). Its
 * "active" property says when there is something to show (RECONNECTING, or
 * DISCONNECTED with an error); the window's GtkRevealer follows it. libadwaita 1.2 has
 * no AdwBanner, so it is a box styled like one (style.css: .ota-banner).
 */
#pragma once

#include <gtk/gtk.h>

#include "ota-backend-manager.h"

G_BEGIN_DECLS

#define OTA_TYPE_CONNECTION_BANNER (ota_connection_banner_get_type ())
G_DECLARE_FINAL_TYPE (OtaConnectionBanner, ota_connection_banner, OTA, CONNECTION_BANNER, GtkBox)

/* @manager (nullable) */
void        ota_connection_banner_set_manager (OtaConnectionBanner *self,
                                               OtaBackendManager   *manager);
gboolean    ota_connection_banner_get_active  (OtaConnectionBanner *self);
/* (transfer none): what the banner says (its title; the error under it is apart), for
 * tests. */
const char *ota_connection_banner_get_text    (OtaConnectionBanner *self);

G_END_DECLS
