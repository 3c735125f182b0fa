/* ota-connect-dialog.h — connects to an ota-server: address, operator token, keyring
 *
 * The address is checked as it is typed (ota_remote_normalise_url()'s message under the
 * field; Connect stays insensitive until it and a token are there). Connect checks both
 * with the server (a spinner meanwhile); a refused token, an unreachable server or a TLS
 * failure shows in the dialog, which stays open to fix it. On success "connected" hands
 * over the connected backend and the dialog closes.
 */
#pragma once

#include <adwaita.h>

#include "ota-remote-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_CONNECT_DIALOG (ota_connect_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtaConnectDialog, ota_connect_dialog, OTA, CONNECT_DIALOG, AdwWindow)

/* @parent (nullable) */
OtaConnectDialog *ota_connect_dialog_new     (GtkWindow        *parent);
/* Fills in @url and moves the focus to the token; @message (nullable): why a token is
 * asked for (none saved, refused), shown under the token field. */
void              ota_connect_dialog_prefill (OtaConnectDialog *self,
                                              const char       *url,
                                              const char       *message);

/* Signal "connected" (OtaRemoteBackend *backend, const char *token, gboolean remember):
 * @backend is connected; @remember: the user wants @token kept in the keyring. */

G_END_DECLS
