/* ota-server-private.h — what the server's files share: the object, the request, routes
 *
 * A request's life: the early handler (after the headers) finds its route, checks the
 * body's announced size and, for uploads, the token before any byte of the body is
 * taken. The handler (after the body) pauses the message and runs the route's
 * function on a worker thread; the function reads only the OtaRequest, never the
 * SoupServerMessage, and leaves its answer in the OtaRequest; back on the main thread
 * the answer is written, events are published and the message is unpaused.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ota-due-scheduler.h"
#include "ota-json.h"
#include "ota-server.h"

G_BEGIN_DECLS

#define OTA_SERVER_KEY_BYTES 32

struct _OtaServer
{
  GObject       parent_instance;

  OtaEngine    *engine;
  SoupServer   *soup;
  GMainContext *context;
  char         *blob_dir;
  guint8        download_key[OTA_SERVER_KEY_BYTES];
  gboolean      https;
  guint         port;

  guint64       max_upload;
  guint         max_connections;
  guint         n_active;          /* requests in progress + open event streams */

  /* Live events (ota-server-events.c) */
  GQueue       *events;            /* OtaServerEvent *, oldest first */
  guint         event_ring_size;
  guint64       last_seq;
  GPtrArray    *websockets;        /* SoupWebsocketConnection * */
  gulong        batch_changed_id;
  guint         token_check_ms;    /* how often open streams' tokens are checked again */
  GSource      *token_check_source;
  gboolean      token_check_running;

  /* The engine's scheduler (ota-server-scheduler.c) */
  OtaDueScheduler *due_scheduler;
};

/* The OtaRequest of a SoupServerMessage, as object data. */
#define OTA_SERVER_REQUEST_KEY "ota-request"

typedef struct _OtaRequest OtaRequest;
typedef struct _OtaRoute   OtaRoute;

/* Runs on a worker thread; FALSE with @error for an error answer. */
typedef gboolean (*OtaRouteFunc) (OtaRequest  *request,
                                  GError     **error);

typedef enum {
  OTA_ROUTE_PUBLIC = 1 << 0,   /* no token: device downloads */
  OTA_ROUTE_UPLOAD = 1 << 1,   /* the body is streamed into a temporary file */
  OTA_ROUTE_WRITE  = 1 << 2,   /* changes state: the scheduler looks again */
  OTA_ROUTE_EARLY_AUTH = 1 << 3, /* the token is checked before the body (uploads, events) */
} OtaRouteFlags;

struct _OtaRoute
{
  const char    *method;       /* "GET" also answers HEAD */
  const char    *pattern;      /* "/api/v1/products/{*}": a star is one path segment */
  OtaRouteFunc   func;
  OtaRouteFlags  flags;
  /* UPLOAD only: checks the parameters (and the token) before the body is read. */
  OtaRouteFunc   precheck;
};

struct _OtaRequest
{
  OtaServer          *server;      /* (owned) */
  SoupServerMessage  *msg;         /* (unowned: the message holds the request) main thread only */
  const OtaRoute     *route;
  char               *method;
  GStrv               params;      /* the '*' segments of the path, in order */
  GHashTable         *query;       /* (nullable) */
  char               *token;       /* (nullable) the bearer token presented */
  char               *actor;       /* (nullable) the token's name, once accepted */
  char               *range;       /* (nullable) the Range header */
  GBytes             *body;        /* JSON routes: the whole body */
  gboolean            authorised;  /* the token was checked already (uploads) */
  gboolean            gone;        /* the client went away */
  gboolean            refused;     /* answered without reading the body */
  gboolean            early_paused;  /* paused at the headers for the early checks */
  gboolean            body_started;  /* a byte of the body arrived */

  /* Uploads (ota-server-upload.c) */
  char               *upload_name;   /* the file's name: the precheck sets it */
  char               *upload_dir;
  char               *upload_path;
  GOutputStream      *upload_stream;
  GByteArray         *upload_buffer;
  guint64             upload_size;
  gboolean            upload_writing;
  gboolean            upload_paused;   /* reading waits for a write */
  GError             *upload_error;
  GSourceFunc         upload_done;
  gpointer            upload_done_data;

  /* The answer */
  guint               status;
  JsonNode           *json;
  GBytes             *bytes;       /* raw body (CSV, a firmware file) */
  char               *content_type;
  guint64             content_length;  /* of the whole resource: HEAD, 416 */
  char               *content_range;
  char               *disposition;
  gboolean            accept_ranges;  /* "Accept-Ranges: bytes" (downloads) */
  GPtrArray          *changed_products;  /* "catalogue-changed" to publish; "" = any */
};

/* ---- ota-server-router.c ---- */
void         ota_server_router_init         (OtaServer          *self);
void         ota_request_free               (OtaRequest         *request);
/* The path parameter @index as an id; NOT_FOUND naming @field when it is no number. */
gboolean     ota_request_get_id             (OtaRequest         *request,
                                             guint               index,
                                             const char         *field,
                                             gint64             *id,
                                             GError            **error);
/* The body as JSON (errors: invalid-json, or a body over the limit). */
JsonNode    *ota_request_parse_body         (OtaRequest         *request,
                                             GError            **error);
/* Answers @status with @node (transfer full). */
void         ota_request_reply_json         (OtaRequest         *request,
                                             guint               status,
                                             JsonNode           *node);
/* "catalogue-changed" for @product_key (NULL: maybe any) once the answer is sent. */
void         ota_request_catalogue_changed  (OtaRequest         *request,
                                             const char         *product_key);
/* The worker's token check: FALSE with 401 unless a valid token was presented. */
gboolean     ota_request_authorise          (OtaRequest         *request,
                                             GError            **error);
guint        ota_server_status_for_error    (const GError       *error);
/* The error body {"code", "field", "message"} for any error. (transfer full) */
JsonNode    *ota_server_error_to_json       (const GError       *error);

/* ---- ota-server-refuse.c ---- */
/* Answers @msg with @status and @body at once, without reading the request body, and
 * closes the connection. @msg may be gone when it returns. */
void         ota_server_refuse              (OtaServer          *self,
                                             SoupServerMessage  *msg,
                                             guint               status,
                                             const GError       *error);

/* ---- ota-server-upload.c ---- */
/* Sets up the temporary file and streams the body into it (got-chunk). */
gboolean     ota_upload_begin               (OtaRequest         *request,
                                             GError            **error);
/* Counts a chunk of any request body against its limit (FALSE once it is over) and,
 * for uploads, queues it for the file. */
gboolean     ota_upload_take_chunk          (OtaRequest         *request,
                                             GBytes             *chunk);
/* Calls @done (main thread) once every byte is written or the upload failed
 * (request->upload_error). */
void         ota_upload_finish              (OtaRequest         *request,
                                             GSourceFunc         done,
                                             gpointer            data);
/* Removes the temporary file and folder (any thread). */
void         ota_upload_discard             (OtaRequest         *request);
/* Removes uploads left by a server that was killed. */
void         ota_upload_remove_stale        (const char         *blob_dir);

/* ---- ota-server-events.c ---- */
void         ota_server_events_init         (OtaServer          *self);
void         ota_server_events_dispose      (OtaServer          *self);
/* (Re)starts the periodic check of open streams' tokens at token_check_ms. */
void         ota_server_events_rearm_token_check (OtaServer     *self);
void         ota_server_publish_catalogue   (OtaServer          *self,
                                             const char         *product_key);
void         ota_server_publish_batch       (OtaServer          *self,
                                             gint64              batch_id);

/* ---- ota-server-scheduler.c ---- */
void         ota_server_scheduler_start     (OtaServer          *self);
void         ota_server_scheduler_stop      (OtaServer          *self);
gboolean     ota_server_scheduler_run_due   (OtaServer          *self,
                                             GError            **error);
/* Looks again when the next thing falls due (after a write or a device event). */
void         ota_server_scheduler_rearm     (OtaServer          *self);

/* ---- ota-server-download.c ---- */
gboolean     ota_server_load_download_key   (OtaServer          *self,
                                             const char         *data_dir,
                                             GError            **error);
/* The file's contents without reading it: a mapping (transfer full). */
GBytes      *ota_server_map_file            (const char         *path,
                                             GError            **error);

/* ---- ota-server-misc.c ---- */
/* Runs @write into a private temporary file, then answers its contents as @type
 * (the file is mapped, and removed at once: the mapping keeps it readable). */
typedef gboolean (*OtaWriteFunc) (OtaRequest     *request,
                                  GOutputStream  *stream,
                                  GError        **error);
gboolean     ota_request_reply_file         (OtaRequest         *request,
                                             const char         *type,
                                             const char         *file_name,
                                             OtaWriteFunc        write,
                                             GError            **error);
/* The product key of the firmware @firmware_id, for catalogue events. */
char        *ota_server_dup_firmware_product (OtaServer         *self,
                                              gint64             firmware_id);

/* ---- Connection count (ota-server.c) ---- */
void         ota_server_connection_begin    (OtaServer          *self);
void         ota_server_connection_end      (OtaServer          *self);

/* ---- Route tables, each ended by an entry with a NULL method ---- */
extern const OtaRoute ota_server_product_routes[];
extern const OtaRoute ota_server_device_routes[];
extern const OtaRoute ota_server_firmware_routes[];
extern const OtaRoute ota_server_rollout_routes[];
extern const OtaRoute ota_server_task_routes[];
extern const OtaRoute ota_server_download_routes[];
extern const OtaRoute ota_server_misc_routes[];

G_END_DECLS
