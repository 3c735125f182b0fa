/* ota-local-backend-private.h — what the OtaLocalBackend files share: the arguments of
 * an operation, running it on a worker thread, returning and finishing */
#pragma once

#include "ota-local-backend.h"
#include "ota-progress-relay.h"

G_BEGIN_DECLS

struct _OtaLocalBackend
{
  GObject       parent_instance;

  OtaEngine    *engine;
  GMainContext *context;            /* where this backend's signals are emitted */
  gulong        batch_changed_id;
};

/* The arguments of one operation, copied on the calling thread, owned by the task. */
typedef struct {
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
} OtaLocalArgs;

OtaLocalArgs *ota_local_args_new  (void);
void          ota_local_args_free (OtaLocalArgs *args);

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

/* Worker side: returns @result (freed with @result_free if nobody takes it), or @error
 * (taken over) when @result is NULL. */
void      ota_local_return        (GTask               *task,
                                   gpointer             result,
                                   GDestroyNotify       result_free,
                                   GError              *error);
/* Worker side: a page of query results and the number of matches before paging. */
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

gpointer  ota_local_finish_pointer (OtaBackend   *backend,
                                    GAsyncResult *result,
                                    GError      **error);
GPtrArray *ota_local_finish_page  (OtaBackend   *backend,
                                    GAsyncResult *result,
                                    guint64      *total,
                                    GError      **error);
gboolean  ota_local_finish_boolean (OtaBackend   *backend,
                                    GAsyncResult *result,
                                    GError      **error);

/* Typed finish vfuncs over ota_local_finish_pointer(). */
#define OTA_LOCAL_FINISH_POINTER(name, type) \
  static type * \
  name##_finish (OtaBackend    *backend, \
                 GAsyncResult  *result, \
                 GError       **error) \
  { \
    return ota_local_finish_pointer (backend, result, error); \
  }

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
