/* ota-server.h — the OTA engine served over HTTP/JSON (docs/api.md)
 *
 * An OtaServer owns a SoupServer on the main context it was made in. Operators call
 * /api/v1 with a bearer token; devices download firmware files from /download with a
 * signed, expiring URL and no token. Engine calls run on worker threads, so the main
 * loop keeps serving while a firmware is hashed or a million devices are imported.
 * The server also runs the engine's scheduler (pushes, retries, timeouts).
 */
#pragma once

#include <gio/gio.h>
#include <ota.h>

G_BEGIN_DECLS

/* R-F8: the largest firmware file, also the largest CSV import. */
#define OTA_SERVER_MAX_UPLOAD     G_GUINT64_CONSTANT (1048576000)
/* Request bodies of the JSON endpoints. */
#define OTA_SERVER_MAX_JSON_BODY  (1024 * 1024)
#define OTA_SERVER_DEFAULT_MAX_CONNECTIONS 256
/* Events kept for clients that reconnect with ?since=SEQ. */
#define OTA_SERVER_DEFAULT_EVENT_RING 10000
/* How often an open event stream's token is checked again, in ms. */
#define OTA_SERVER_DEFAULT_TOKEN_CHECK_MS 30000
/* The WebSocket close code of an event stream whose token was revoked (4000-4999 are
 * the application's; 4401 for HTTP's 401). */
#define OTA_SERVER_CLOSE_TOKEN_REVOKED 4401

#define OTA_SERVER_ERROR (ota_server_error_quark ())

/* Failures of the HTTP layer itself; the engine's own are OTA_ERROR. */
typedef enum {
  OTA_SERVER_ERROR_UNAUTHORISED,      /* 401: no token, a wrong or revoked one */
  OTA_SERVER_ERROR_FORBIDDEN,         /* 403: a download URL expired or was altered */
  OTA_SERVER_ERROR_NOT_FOUND,         /* 404: no such endpoint */
  OTA_SERVER_ERROR_METHOD_NOT_ALLOWED,/* 405 */
  OTA_SERVER_ERROR_TOO_LARGE,         /* 413 */
  OTA_SERVER_ERROR_RANGE,             /* 416 */
  OTA_SERVER_ERROR_UNAVAILABLE,       /* 503: too many connections */
  OTA_SERVER_ERROR_BAD_REQUEST,       /* 400 */
} OtaServerError;

GQuark      ota_server_error_quark           (void);

#define OTA_TYPE_SERVER (ota_server_get_type ())
G_DECLARE_FINAL_TYPE (OtaServer, ota_server, OTA, SERVER, GObject)

/* Reads (or makes, at the first start) the download signing key "server.key" beside
 * @engine's database. */
OtaServer  *ota_server_new                   (OtaEngine    *engine,
                                              GError      **error);
OtaEngine  *ota_server_get_engine            (OtaServer    *self);

/* HTTPS from now on: both files PEM. Call before ota_server_listen(). */
gboolean    ota_server_set_tls_files         (OtaServer    *self,
                                              const char   *cert_file,
                                              const char   *key_file,
                                              GError      **error);
/* Requests in progress (and open event streams) beyond which new ones get 503. */
void        ota_server_set_max_connections   (OtaServer    *self,
                                              guint         max_connections);
/* The largest upload body (default OTA_SERVER_MAX_UPLOAD; tests lower it). */
void        ota_server_set_max_upload_size   (OtaServer    *self,
                                              guint64       max_size);
/* How many events a reconnecting client can catch up on (default 10,000). */
void        ota_server_set_event_ring_size   (OtaServer    *self,
                                              guint         size);

/* How often the tokens of open event streams are checked again (default
 * OTA_SERVER_DEFAULT_TOKEN_CHECK_MS; tests lower it): a stream whose token was revoked
 * is closed with OTA_SERVER_CLOSE_TOKEN_REVOKED. Takes effect at the next check. */
void        ota_server_set_token_check_interval (OtaServer *self,
                                                 guint      interval_ms);

/* @address: an IP address ("127.0.0.1", "::"); @port 0: any free port. */
gboolean    ota_server_listen                (OtaServer    *self,
                                              const char   *address,
                                              guint         port,
                                              GError      **error);
/* The port it listens on (the chosen one after port 0), 0 before listening. */
guint       ota_server_get_port              (OtaServer    *self);
gboolean    ota_server_is_https              (OtaServer    *self);
/* Stops listening and closes every connection. */
void        ota_server_stop                  (OtaServer    *self);

/* A signed download URL for devices (R-E4): valid for @lifetime from the engine's
 * now, for @host:@port (always written with the port). Free with g_free(). */
char       *ota_server_make_download_url     (OtaServer    *self,
                                              OtaFirmware  *firmware,
                                              const char   *host,
                                              guint         port,
                                              GTimeSpan     lifetime);

/* The sequence number of the newest live event (0 before the first). */
guint64     ota_server_get_last_event_seq    (OtaServer    *self);

G_END_DECLS
