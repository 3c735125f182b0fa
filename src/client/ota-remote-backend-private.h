/* ota-remote-backend-private.h — what the OtaRemoteBackend files share: the object, the
 * one request helper every operation goes through, and the event stream */
#pragma once

#include <libsoup/soup.h>

#include "ota-backend-private.h"
#include "ota-json.h"
#include "ota-remote-backend.h"

G_BEGIN_DECLS

struct _OtaRemoteBackend
{
  GObject                  parent_instance;

  char                    *url;            /* normalised, without /api/v1 */
  char                    *api_root;       /* url + "/api/v1" */
  char                    *name;           /* "host:port", for messages and "name" */
  char                    *authorization;  /* "Bearer TOKEN", or NULL */
  SoupSession             *session;
  GMainContext            *context;        /* where the signals are emitted */

  /* The connection (ota-remote-connection.c) and its events (ota-remote-events.c) */
  OtaRemoteState           state;
  GError                  *last_error;
  GTask                   *connect_task;   /* connect_async waiting for the stream */
  SoupWebsocketConnection *websocket;
  gboolean                 have_seq;
  guint64                  last_seq;       /* of the last event handled */
  guint                    attempt;        /* bumped by every connect, stream and stop:
                                            * an answer to an older one is ignored */
  guint                    retry_seconds;  /* the next back-off */
  guint                    retry_step;     /* the back-off of the try scheduled, before jitter */
  GSource                 *retry_source;
  gint64                   retry_at;       /* monotonic µs of the next try */
  struct _OtaRemoteHandshake *handshake; /* the stream's handshake in progress */
  GSource                 *watchdog;
  gint64                   last_heard;     /* monotonic µs of the last frame */
  guint                    dead_after_ms;  /* silence after which the stream is dead */
  guint                    watchdog_ms;    /* how often the watchdog looks */
  GHashTable              *batch_ids;      /* gint64 → NULL: batches seen (for a resync) */
  GQueue                  *waiters;        /* OtaRemoteWaiter *: answers waiting for their event */
  gsize                    max_answer;     /* bytes of a JSON answer read at most */
  guint                    page_size;      /* of a query for all, fetched in pages */
};

/* A JSON answer larger than this is refused rather than read into memory: no answer of
 * an ota-server comes near it (a query with limit 0 is fetched in pages). */
#define OTA_REMOTE_MAX_ANSWER (64 * 1024 * 1024)
/* The close code of an event stream whose token the server revoked (ota-server.h's
 * OTA_SERVER_CLOSE_TOKEN_REVOKED): no reconnecting, G_IO_ERROR_PERMISSION_DENIED. */
#define OTA_REMOTE_CLOSE_TOKEN_REVOKED 4401
/* The page size of a query for all (limit 0), fetched page by page (tests set less). */
#define OTA_REMOTE_PAGE_SIZE 1000

/* ---- ota-remote-backend.c ------------------------------------------------------------ */

/* Sets the state and "last-error" (@error taken, nullable), notifying what changed. */
void           ota_remote_set_state       (OtaRemoteBackend  *self,
                                           OtaRemoteState     state,
                                           GError            *error);
void           ota_remote_notify_retry_in (OtaRemoteBackend  *self);
/* @url for a message: a user and password, a query and a fragment replaced by "***"
 * (a token typed in the wrong place must not be shown). Any text. (transfer full) */
char          *ota_remote_redact_url      (const char        *url);

/* ---- ota-remote-request.c: one request, its answer, its error ---------------------- */

typedef enum {
  OTA_REMOTE_ANSWER_NONE,   /* success is any 2xx: a boolean */
  OTA_REMOTE_ANSWER_ITEM,   /* op->parse of the body: a pointer */
  OTA_REMOTE_ANSWER_LIST,   /* an array of op->parse items: a GPtrArray */
  OTA_REMOTE_ANSWER_PAGE,   /* {"total", "items"}: an OtaBackendPage */
} OtaRemoteAnswer;

/* What an operation is, apart from its arguments: a static const per operation. */
typedef struct {
  const char       *method;
  OtaRemoteAnswer   answer;
  OtaJsonToFunc     parse;       /* ITEM, LIST, PAGE */
  GDestroyNotify    free_func;   /* of what parse returns */
} OtaRemoteOp;

/* Defines name_op, the OtaRemoteOp of the operation @name. */
#define OTA_REMOTE_OP(name, method, answer, parse, free_func) \
  static const OtaRemoteOp name##_op = { method, OTA_REMOTE_ANSWER_##answer, (OtaJsonToFunc) (parse), \
                                         (GDestroyNotify) (free_func) }

/* The body of name_async(): sends @args with name_op. */
#define OTA_REMOTE_REQUEST(name, args) \
  ota_remote_request ((OtaRemoteBackend *) (backend), name##_async, &name##_op, (args), \
                      cancellable, callback, user_data)

typedef struct _OtaRemoteArgs OtaRemoteArgs;

/* Checks the file of an upload and adds what it tells to @args (the file name). */
typedef gboolean (*OtaRemotePrepareFunc) (OtaRemoteArgs  *args,
                                          GFileInfo      *info,
                                          GError        **error);
/* The error to report when the file of an upload cannot be read (@error taken). */
typedef GError  *(*OtaRemoteFileErrorFunc) (GFile        *file,
                                            GError       *error);

/* The arguments of one request; owned by it once passed to ota_remote_request(). */
struct _OtaRemoteArgs
{
  char                   *path;          /* below /api/v1, escaped: "/products/a1Fx" */
  GHashTable             *query;         /* (nullable) name → value (ota-json params) */
  JsonNode               *body;          /* (nullable) the JSON body */
  gboolean                is_write;      /* a cancel after sending does not hide the outcome */

  GFile                  *upload;        /* (nullable) streamed as the body */
  const char             *upload_type;   /* its Content-Type */
  OtaRemotePrepareFunc    prepare;       /* (nullable) */
  OtaRemoteFileErrorFunc  file_error;
  OtaProgressFunc         progress;      /* (nullable) bytes sent */
  gpointer                progress_data;

  GFile                  *download;      /* (nullable) a 2xx body goes into this file */
};

/* "/products/{s}/modules" with each {s} a const char * (escaped here) and each {i} a
 * gint64. (transfer full) */
char          *ota_remote_path            (const char        *format,
                                           ...);
/* (transfer full): arguments with @path (taken) and nothing else. */
OtaRemoteArgs *ota_remote_args_new        (char              *path);
/* (transfer full): the arguments of a write, with @path and @body (nullable), taken. */
OtaRemoteArgs *ota_remote_args_new_write  (char              *path,
                                           JsonNode          *body);
void           ota_remote_args_free       (OtaRemoteArgs     *args);

/* Sends the request of @op with @args (taken) and completes a GTask of @self with the
 * answer, as the interface's default _finish vfuncs expect (ota-backend-private.h).
 * Cancelled before it is sent: nothing is sent, G_IO_ERROR_CANCELLED. */
void           ota_remote_request         (OtaRemoteBackend    *self,
                                           gpointer             source_tag,
                                           const OtaRemoteOp   *op,
                                           OtaRemoteArgs       *args,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);

/* A message to @path (below /api/v1, with its query) carrying the token. */
SoupMessage   *ota_remote_message_new     (OtaRemoteBackend  *self,
                                           const char        *method,
                                           const char        *path);
/* A failure to talk to the server at all, as G_IO_ERROR (TLS errors keep their
 * domain) with a message naming the server. @error taken; a cancel stays as it is. */
GError        *ota_remote_network_error   (OtaRemoteBackend  *self,
                                           GError            *error);
/* The error of an answer with an error status: the server's error body mapped back
 * with ota_json_to_error(), or a plain status error. */
GError        *ota_remote_status_error    (OtaRemoteBackend  *self,
                                           SoupMessage       *msg,
                                           GBytes            *body);

/* ---- ota-remote-transfer.c: uploads from a file, downloads into a file -------------- */

typedef struct _OtaRemoteTransfer OtaRemoteTransfer;

/* Opens the upload of @args and calls @done with the stream and its size, or an error
 * (then @stream is NULL). */
typedef void (*OtaRemoteOpenFunc) (GInputStream *stream,
                                   goffset       size,
                                   GError       *error,
                                   gpointer      data);
void           ota_remote_upload_open     (OtaRemoteArgs     *args,
                                           GCancellable      *cancellable,
                                           OtaRemoteOpenFunc  done,
                                           gpointer           data);
/* Reports the bytes of @msg's body written to @args->progress, coalesced like the
 * local backend's progress (at most one call per OTA_PROGRESS_RELAY_PERIOD_MS). */
OtaRemoteTransfer *ota_remote_progress_new   (SoupMessage       *msg,
                                              OtaRemoteArgs     *args,
                                              goffset            total);
/* Delivers a report still waiting, at once: before the operation's callback. */
void           ota_remote_progress_finish (OtaRemoteTransfer *transfer);
void           ota_remote_progress_free   (OtaRemoteTransfer *transfer);

/* Writes @stream into @file, replacing it only when all was written; a failure leaves
 * the old file (or none). Errors other than a cancel name the field "file". */
void           ota_remote_download_async  (GFile               *file,
                                           GInputStream        *stream,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean       ota_remote_download_finish (GAsyncResult        *result,
                                           GError             **error);

/* ---- ota-remote-connection.c: the connection's life ---------------------------------- */

/* The delay of a try after a back-off of @seconds: @seconds ± 20 %, by @fraction in
 * [0, 1) (0 → -20 %, 0.5 → exact). */
guint          ota_remote_backoff_ms          (guint              seconds,
                                               double             fraction);
/* The back-off of the try scheduled, in whole seconds before jitter (1, 2, 4 …); 0
 * when none is. For tests, which cannot wait for wall time. */
guint          ota_remote_get_retry_step      (OtaRemoteBackend  *self);
/* A stream silent for @dead_after_ms is taken for dead (default 35 s, looked at every
 * 15 s; here every quarter of the limit, at most 15 s). For tests, which cannot wait
 * that long; takes effect at the next stream. */
void           ota_remote_set_silence_limit   (OtaRemoteBackend  *self,
                                               guint              dead_after_ms);

void           ota_remote_connection_init     (OtaRemoteBackend  *self);
/* Stops reconnecting and closes the stream, without notifying. */
void           ota_remote_connection_dispose  (OtaRemoteBackend  *self);

/* ---- ota-remote-events.c: what comes over the event stream ----------------------------- */

void           ota_remote_events_init     (OtaRemoteBackend  *self);
void           ota_remote_events_dispose  (OtaRemoteBackend  *self);
/* Handles one text message of the stream: a signal, and the waiters it releases. */
void           ota_remote_events_take     (OtaRemoteBackend  *self,
                                           GBytes            *message);
/* Remembers the batches of an answer's snapshot (OtaBatch or OtaTask; others ignored). */
void           ota_remote_remember_batch  (OtaRemoteBackend  *self,
                                           gpointer           snapshot);
/* Calls @func(@data) once the stream delivered the event @seq, or at once when it is
 * not connected or already did; at the latest after a short while. */
void           ota_remote_wait_for_event  (OtaRemoteBackend  *self,
                                           guint64            seq,
                                           GSourceFunc        func,
                                           gpointer           data);
/* Runs the waiters whose event came, or every one when @all (the stream is gone). */
void           ota_remote_release_waiters (OtaRemoteBackend  *self,
                                           gboolean           all);

/* ---- The operations ----------------------------------------------------------------- */

void           ota_remote_backend_init_catalogue (OtaBackendInterface *iface);
void           ota_remote_backend_init_rollout   (OtaBackendInterface *iface);

G_END_DECLS
