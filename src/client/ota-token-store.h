/* ota-token-store.h — operators' server tokens in the user's keyring (libsecret)
 *
 * One secret per server, schema "io.github.otaconsole.OtaConsole.ServerToken" with the
 * attribute "server" = the URL as ota_remote_normalise_url() (ota-remote-backend.h)
 * writes it, so "http://Host:80/api/v1/" and "http://host" find the same token. A URL
 * it refuses is refused here too, before the keyring is asked. Errors of the
 * secret service (none running, a locked keyring the user would not open) come back as
 * they are, prefixed with what was being done.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Stores @token for @url, replacing the one stored before. */
void      ota_token_store_save_async    (const char           *url,
                                         const char           *token,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  ota_token_store_save_finish   (GAsyncResult         *result,
                                         GError              **error);

void      ota_token_store_lookup_async  (const char           *url,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* (transfer full) (nullable): the token; NULL without an error when none is stored. */
char     *ota_token_store_lookup_finish (GAsyncResult         *result,
                                         GError              **error);
/* The same, blocking: for otactl, which has nothing else to do meanwhile. */
char     *ota_token_store_lookup_sync   (const char           *url,
                                         GCancellable         *cancellable,
                                         GError              **error);

/* Removes the token stored for @url; TRUE also when none was stored. */
void      ota_token_store_forget_async  (const char           *url,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  ota_token_store_forget_finish (GAsyncResult         *result,
                                         GError              **error);

/* Overwrites @token (nullable) with zeros, then frees it: a token read from the keyring
 * or typed in should not linger in freed memory. */
void      ota_token_free                (char                 *token);

G_END_DECLS
