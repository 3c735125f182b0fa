/* ota-backend-switcher.h — where the console works, and a menu to go elsewhere
 *
 * In the header bar: the current backend (the local database, or a server's host:port
 * with its connection state: "Connected", "Reconnecting in 5 seconds…") as a menu
 * button whose menu offers the local database, the remembered servers, "Connect to
 * Server…" and "Forget This Server" (the window's server.* actions). Hidden without a
 * manager and in demo mode (nothing to choose).
 */
#pragma once

#include <adwaita.h>

#include "ota-backend-manager.h"

G_BEGIN_DECLS

#define OTA_TYPE_BACKEND_SWITCHER (ota_backend_switcher_get_type ())
G_DECLARE_FINAL_TYPE (OtaBackendSwitcher, ota_backend_switcher, OTA, BACKEND_SWITCHER, AdwBin)

/* @manager (nullable) */
void        ota_backend_switcher_set_manager  (OtaBackendSwitcher *self,
                                               OtaBackendManager  *manager);
/* (transfer none): what the switcher shows, for tests. */
const char *ota_backend_switcher_get_title    (OtaBackendSwitcher *self);
/* (transfer none) (nullable) */
const char *ota_backend_switcher_get_subtitle (OtaBackendSwitcher *self);
/* (transfer none) (nullable): the menu, NULL while it is a plain title. */
GMenuModel *ota_backend_switcher_get_menu     (OtaBackendSwitcher *self);

G_END_DECLS
