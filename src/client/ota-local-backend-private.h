/* ota-local-backend-private.h — what the OtaLocalBackend files share: the arguments of
 * an operation, running it on a worker thread and returning its result */
#pragma once

#include "ota-backend-private.h"
#include "ota-due-scheduler.h"
#include "ota-local-backend.h"
#include "ota-progress-relay.h"

G_BEGIN_DECLS

struct _OtaLocalBackend
{
  GObject       parent_instance;

  OtaEngine    *engine;
  GMainContext *context;            /* where this backend's signals are emitted */
  gulong        batch_changed_id;

  /* The engine's due work, run on a worker when it falls due ("scheduler"). */
  gboolean         scheduler;
  OtaDueScheduler *due_scheduler;
};

typedef struct _OtaLocalArgs OtaLocalArgs;

/* The engine call of one operation, run on a worker thread by the runners below: it
 * returns its result, or fails with @error set. Writes that succeed say what changed
 * (ota_local_backend_catalogue_changed_later()) before they return. */
typedef gpointer   (*OtaLocalCall)   (OtaLocalBackend *self, OtaLocalArgs *args,
                                      GCancellable *cancellable, GError **error);
typedef gboolean   (*OtaLocalCheck)  (OtaLocalBackend *self, OtaLocalArgs *args,
                                      GCancellable *cancellable, GError **error);
/* A page of results and, in @total, the number of matches before paging. */
typedef GPtrArray *(*OtaLocalQuery)  (OtaLocalBackend *self, OtaLocalArgs *args,
                                      guint64 *total, GError **error);
/* Writes what an export holds to @stream. */
typedef gboolean   (*OtaLocalExport) (OtaEngine *engine, OtaLocalArgs *args, GOutputStream *stream,
                                      GCancellable *cancellable, GError **error);

/* The arguments of one operation, copied on the calling thread, owned by the task. */
struct _OtaLocalArgs {
  gint64            id;
  char             *key;
  gboolean          flag;
  GTimeSpan         delta;
  guint             limit;
  GFile            *file;
  gpointer          spec;
  GDestroyNotify    spec_free;
  OtaProgressRelay *progress;
  GTaskThreadFunc   func;             /* set by ota_local_backend_run() */
  /* One of these is set by the runner the operation went through. */
  OtaLocalCall      call;
  GDestroyNotify    result_free;
  OtaLocalCheck     check;
  OtaLocalQuery     query;
  OtaLocalExport    export;
};

OtaLocalArgs *ota_local_args_new      (void);
OtaLocalArgs *ota_local_args_new_key  (const char     *key);
OtaLocalArgs *ota_local_args_new_id   (gint64          id);
/* @spec is taken over and freed with @spec_free. */
OtaLocalArgs *ota_local_args_new_spec (gpointer        spec,
                                       GDestroyNotify  spec_free);
void          ota_local_args_free     (OtaLocalArgs   *args);

/* Runs @func on a worker thread with @args (taken over), unless @cancellable was
 * cancelled before it started (then nothing is done: G_IO_ERROR_CANCELLED). A write reports what happened
 * even when @cancellable was cancelled meanwhile: a change that was made is not hidden
 * behind a "cancelled" error. */
void      ota_local_backend_run   (OtaLocalBackend     *self,
                                   gpointer             source_tag,
                                   OtaLocalArgs        *args,
                                   gboolean             is_write,
                                   GTaskThreadFunc      func,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);

/* The runners of ota-local-backend-call.c: ota_local_backend_run() with @call, @check,
 * @query or @export as what the worker does, and its result returned to the task.
 * @result_free frees what @call returns. Queries and exports only read. An export
 * replaces @args->file with what @export writes. */
void      ota_local_backend_call   (OtaLocalBackend *self, gpointer source_tag, OtaLocalArgs *args,
                                    gboolean is_write, OtaLocalCall call,
                                    GDestroyNotify result_free, OTA_BACKEND_ASYNC_ARGS);
void      ota_local_backend_check  (OtaLocalBackend *self, gpointer source_tag, OtaLocalArgs *args,
                                    gboolean is_write, OtaLocalCheck check, OTA_BACKEND_ASYNC_ARGS);
void      ota_local_backend_query  (OtaLocalBackend *self, gpointer source_tag, OtaLocalArgs *args,
                                    OtaLocalQuery query, OTA_BACKEND_ASYNC_ARGS);
void      ota_local_backend_export (OtaLocalBackend *self, gpointer source_tag, OtaLocalArgs *args,
                                    OtaLocalExport export, OTA_BACKEND_ASYNC_ARGS);

/* Worker side: returns @result (freed with @result_free if nobody takes it), or @error
 * (taken over) when @result is NULL. */
void      ota_local_return        (GTask               *task,
                                   gpointer             result,
                                   GDestroyNotify       result_free,
                                   GError              *error);
/* Worker side: a page of query results (an OtaBackendPage) and the number of matches
 * before paging. */
void      ota_local_return_page   (GTask               *task,
                                   GPtrArray           *items,
                                   guint64              total,
                                   GError              *error);
/* Worker side: a boolean outcome; @error taken over. */
void      ota_local_return_boolean (GTask              *task,
                                    gboolean            ok,
                                    GError             *error);

/* Worker side, after a successful write: emits "catalogue-changed" on the backend's main
 * context (before the task's callback when that runs on the same context). */
void      ota_local_backend_catalogue_changed_later (OtaLocalBackend *self,
                                                     const char      *product_key);
/* Worker side: the product of a batch, or NULL when it cannot be read. */
char     *ota_local_backend_dup_batch_product       (OtaLocalBackend *self,
                                                     gint64           batch_id);

/* Writes @file through @write; the file is replaced only when all was written. Errors
 * other than a cancel name the field "file". */
typedef gboolean (*OtaLocalWriteFunc) (GOutputStream  *stream,
                                       gpointer        data,
                                       GCancellable   *cancellable,
                                       GError        **error);
gboolean  ota_local_replace_file   (GFile              *file,
                                    OtaLocalWriteFunc   write,
                                    gpointer            data,
                                    GCancellable       *cancellable,
                                    GError            **error);

/* Filled in by ota-local-backend-catalogue.c and ota-local-backend-rollout.c. */
void      ota_local_backend_init_catalogue (OtaBackendInterface *iface);
void      ota_local_backend_init_rollout   (OtaBackendInterface *iface);

G_END_DECLS
