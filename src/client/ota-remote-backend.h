/* ota-remote-backend.h — OtaBackend over the HTTP API of an ota-server (docs/api.md)
 *
 * Every operation is one HTTP request; the server's error bodies come back as the
 * engine's own errors (same domain, code and field as OtaLocalBackend gives), network
 * failures as G_IO_ERROR errors whose message names the server. Changes arrive over the
 * event WebSocket (/api/v1/events) as the interface's "batch-changed" and
 * "catalogue-changed", emitted on the main context the backend was made in; a dropped
 * stream reconnects by itself with back-off and catches up on what it missed.
 *
 * A write's "catalogue-changed" comes before its callback, as with the local backend:
 * the server tells the sequence number of the event a write published, and the answer
 * waits (briefly) until the stream delivered it.
 *
 * Cancelling: a read stops at once; a write that was sent reports what the server did
 * (as the local backend does); an upload (firmware, device CSV) stops while its file is
 * being sent, and the server then stores nothing.
 *
 * Use a backend from the thread it was made in (libsoup's sessions are bound to one
 * main context).
 */
#pragma once

#include "ota-backend.h"

G_BEGIN_DECLS

typedef enum {
  OTA_REMOTE_STATE_DISCONNECTED,  /* not connected yet, or given up (bad token) */
  OTA_REMOTE_STATE_CONNECTING,    /* first connection in progress */
  OTA_REMOTE_STATE_CONNECTED,     /* the event stream is open */
  OTA_REMOTE_STATE_RECONNECTING,  /* the stream dropped; retrying with back-off */
} OtaRemoteState;

GType ota_remote_state_get_type (void) G_GNUC_CONST;
#define OTA_TYPE_REMOTE_STATE (ota_remote_state_get_type ())

#define OTA_TYPE_REMOTE_BACKEND (ota_remote_backend_get_type ())
G_DECLARE_FINAL_TYPE (OtaRemoteBackend, ota_remote_backend, OTA, REMOTE_BACKEND, GObject)

/* Back-off between reconnection tries: 1, 2, 4 … up to this many seconds, each try
 * moved by up to ±20 % at random so that many consoles dropped at once by a restarting
 * server do not all come back in the same second. */
#define OTA_REMOTE_RETRY_MAX_SECONDS 30

/* "http[s]://host[:port][/prefix]": scheme and host in lower case, the default port, a
 * trailing "/" and a trailing "/api/v1" dropped. (transfer full); NULL with
 * OTA_ERROR_INVALID_FIELD (field "url") when @url is not an http(s) URL with a host, or
 * carries a user, a query or a fragment. The token store keys tokens by this form. */
char             *ota_remote_normalise_url          (const char          *url,
                                                     GError             **error);

/* @url: the server root "http[s]://host[:port]" (a trailing "/" or "/api/v1" is
 * accepted and dropped); OTA_ERROR_INVALID_FIELD with field "url" when it is not an
 * http(s) URL with a host. @token (nullable): the operator's bearer token (NULL: every
 * call is refused with G_IO_ERROR_PERMISSION_DENIED). (transfer full) */
OtaRemoteBackend *ota_remote_backend_new            (const char          *url,
                                                     const char          *token,
                                                     GError             **error);

/* The User-Agent of its requests (property "user-agent"): "ota-console/VERSION" by
 * default (@user_agent NULL); otactl sends "otactl/VERSION". */
void              ota_remote_backend_set_user_agent (OtaRemoteBackend   *self,
                                                     const char         *user_agent);

/* Trusts the certificates in @ca_file (PEM) instead of the system's CA database: for a
 * server with a self-signed or private-CA certificate. Call before connecting. */
gboolean          ota_remote_backend_set_tls_ca_file (OtaRemoteBackend   *self,
                                                      const char         *ca_file,
                                                      GError            **error);

/* One authenticated request to check the address and the token, then opens the event
 * stream. Errors: G_IO_ERROR_* for network problems (the message names the address),
 * G_IO_ERROR_PERMISSION_DENIED when the token was refused, TLS errors as they come
 * (message naming the address), OTA_ERROR_INVALID_FIELD "url" when the server
 * redirects elsewhere (never followed: the token would go along). Success: the state
 * is CONNECTED. Failure: the error is "last-error"; a server that cannot be reached
 * for now (network, a dropped TLS connection, 5xx) leaves it RECONNECTING with
 * back-off, any other failure (a refused token, a redirect, an untrusted certificate,
 * no ota-server at that address) DISCONNECTED. */
void              ota_remote_backend_connect_async  (OtaRemoteBackend    *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          ota_remote_backend_connect_finish (OtaRemoteBackend    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Closes the event stream and stops reconnecting (state DISCONNECTED). Requests in
 * flight go on. */
void              ota_remote_backend_disconnect     (OtaRemoteBackend    *self);

/* The normalised URL (property "url", construct-only). */
const char       *ota_remote_backend_get_url        (OtaRemoteBackend    *self);
/* Property "state"; notified on every change. */
OtaRemoteState    ota_remote_backend_get_state      (OtaRemoteBackend    *self);
/* (transfer none) (nullable): the error that made the state RECONNECTING or
 * DISCONNECTED (property "last-error", a boxed GError), NULL while all is well. */
const GError     *ota_remote_backend_get_last_error (OtaRemoteBackend    *self);
/* Whole seconds, rounded up, until the next reconnection try while RECONNECTING
 * (property "retry-in", notified when a try is scheduled); 0 otherwise. */
guint             ota_remote_backend_get_retry_in   (OtaRemoteBackend    *self);
/* While RECONNECTING: tries at once (a "Retry now" button). Does nothing otherwise. */
void              ota_remote_backend_reconnect_now  (OtaRemoteBackend    *self);

G_END_DECLS
