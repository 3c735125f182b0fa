/* ota-backend-manager.h — what the console works on: the local database or a server
 *
 * The application holds one OtaBackendManager; windows follow its "backend" property
 * and rebuild their views when it changes. It remembers the servers connected to
 * (GSettings "servers"), the one to open at start ("last-server"), keeps operator tokens
 * in the keyring (OtaTokenStore), and sums up the connection for the header bar and the
 * banner ("state", "retry-in", "error-message").
 *
 * Things the user has to act on arrive as signals, so callers need no callbacks:
 *  - "need-token" (url, message): no usable token for @url (none saved, or refused):
 *    ask for one, the Connect dialog prefilled.
 *  - "notice" (message): something to tell in a toast (a server could not be reached,
 *    the keyring could not save a token).
 */
#pragma once

#include <gio/gio.h>

#include "ota-backend.h"
#include "ota-remote-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_BACKEND_MANAGER (ota_backend_manager_get_type ())
G_DECLARE_FINAL_TYPE (OtaBackendManager, ota_backend_manager, OTA, BACKEND_MANAGER, GObject)

/* Opens the local database on first use (so a console started on a server never
 * touches it), without blocking the UI thread: the slow part (SQLite, migrations) goes
 * to a worker. Completes @task (the manager's) with the backend,
 * g_task_return_pointer (task, backend, g_object_unref), or with an error. */
typedef void (*OtaLocalBackendOpener) (gpointer  user_data,
                                       GTask    *task);

typedef enum {
  OTA_OPEN_SERVER_DEFAULT = 0,       /* switch once connected; on failure stay, and tell */
  OTA_OPEN_SERVER_RESTORE = 1 << 0,  /* at start: switch at once; a refused token goes
                                      * back to the local database, an unreachable
                                      * server stays (the banner offers Retry) */
} OtaOpenServerFlags;

/* @settings (nullable): without the schema installed nothing is remembered. */
OtaBackendManager *ota_backend_manager_new              (GSettings             *settings);
void               ota_backend_manager_set_local_opener (OtaBackendManager     *self,
                                                         OtaLocalBackendOpener  opener,
                                                         gpointer               user_data,
                                                         GDestroyNotify         destroy);
/* Demo mode: the local (demo) database only; servers are neither offered nor opened. */
void               ota_backend_manager_set_local_only   (OtaBackendManager     *self,
                                                         gboolean               local_only);
gboolean           ota_backend_manager_get_local_only   (OtaBackendManager     *self);

/* (transfer none) (nullable): the current backend; NULL before the first one is
 * chosen (a token being read from the keyring at start). */
OtaBackend        *ota_backend_manager_get_backend      (OtaBackendManager     *self);
/* (transfer none) (nullable): the current backend when it is a server. */
OtaRemoteBackend  *ota_backend_manager_get_remote       (OtaBackendManager     *self);
/* The server's URL, "" on the local database (the "server" property: what the backend
 * menu marks as current). */
const char        *ota_backend_manager_get_server       (OtaBackendManager     *self);
/* The connection in a few words: the local database is always CONNECTED. */
OtaRemoteState     ota_backend_manager_get_state        (OtaBackendManager     *self);
/* Whether the current server was ever connected since it became current: a lost
 * connection, not a server never reached. Changes only with "state" or "server"
 * (notified there). */
gboolean           ota_backend_manager_get_was_connected (OtaBackendManager    *self);
/* Seconds to the next try while RECONNECTING (updated every second). */
guint              ota_backend_manager_get_retry_in     (OtaBackendManager     *self);
/* (nullable): why the server is not connected (RECONNECTING, DISCONNECTED). */
const char        *ota_backend_manager_get_error_message (OtaBackendManager    *self);
/* Whether a server or the local database is being opened (before the switch): for a
 * spinner. */
gboolean           ota_backend_manager_get_busy         (OtaBackendManager     *self);
/* Whether a switch to the local database waits for it to open: windows show their
 * loading page meanwhile. */
gboolean           ota_backend_manager_get_opening_local (OtaBackendManager    *self);
/* (transfer full) (nullable): the connection in words, "Connected", "Reconnecting in
 * 5 s…"; NULL on the local database. */
char              *ota_backend_manager_dup_status       (OtaBackendManager     *self);
/* (transfer full): what to call the current backend: the server's host:port, "Local
 * Database" ("Demo Database" in demo mode). */
char              *ota_backend_manager_dup_title        (OtaBackendManager     *self);
/* (transfer full): the remembered servers' URLs, in the order first connected. */
GStrv              ota_backend_manager_dup_servers      (OtaBackendManager     *self);

/* Switches to the local database, opening it first (off the UI thread) if this is its
 * first use. A later choice (another server, the local database again) cancels this
 * one: G_IO_ERROR_CANCELLED, nothing switched. */
void               ota_backend_manager_use_local_async  (OtaBackendManager     *self,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
gboolean           ota_backend_manager_use_local_finish (OtaBackendManager     *self,
                                                         GAsyncResult          *result,
                                                         GError               **error);
/* Switches to @remote (connected by the caller, e.g. the Connect dialog), remembers its
 * URL, and saves @token in the keyring when @remember (else forgets a saved one). */
void               ota_backend_manager_use_remote       (OtaBackendManager     *self,
                                                         OtaRemoteBackend      *remote,
                                                         const char            *token,
                                                         gboolean               remember);
/* Opens the server at @url with @token, or (NULL) the token saved in the keyring.
 * Outcomes come as the switch itself, "need-token" or "notice". */
void               ota_backend_manager_open_server      (OtaBackendManager     *self,
                                                         const char            *url,
                                                         const char            *token,
                                                         OtaOpenServerFlags     flags);
/* Drops @url from the remembered servers and its token from the keyring; when it is
 * the current server, switches to the local database. */
void               ota_backend_manager_forget_server    (OtaBackendManager     *self,
                                                         const char            *url);
/* "Retry Now": connects a server that gave up again, or hurries a reconnection. */
void               ota_backend_manager_retry            (OtaBackendManager     *self);

G_END_DECLS
