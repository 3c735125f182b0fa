/* ota-local-backend-call.c — the part every OtaLocalBackend operation shares: its
 * arguments, and running its engine call on a worker through ota_local_backend_run() */
#include "ota-local-backend-private.h"

OtaLocalArgs *
ota_local_args_new_key (const char *key)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->key = g_strdup (key);
  return args;
}

OtaLocalArgs *
ota_local_args_new_id (gint64 id)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->id = id;
  return args;
}

OtaLocalArgs *
ota_local_args_new_spec (gpointer       spec,
                         GDestroyNotify spec_free)
{
  OtaLocalArgs *args = ota_local_args_new ();

  args->spec = spec;
  args->spec_free = spec_free;
  return args;
}

static void
call_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  GError *error = NULL;
  gpointer result = args->call (source, args, cancellable, &error);

  ota_local_return (task, result, args->result_free, error);
}

void
ota_local_backend_call (OtaLocalBackend     *self,
                        gpointer             source_tag,
                        OtaLocalArgs        *args,
                        gboolean             is_write,
                        OtaLocalCall         call,
                        GDestroyNotify       result_free,
                        OTA_BACKEND_ASYNC_ARGS)
{
  args->call = call;
  args->result_free = result_free;
  ota_local_backend_run (self, source_tag, args, is_write, call_thread, cancellable,
                         callback, user_data);
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  GError *error = NULL;
  gboolean ok = args->check (source, args, cancellable, &error);

  ota_local_return_boolean (task, ok, error);
}

void
ota_local_backend_check (OtaLocalBackend     *self,
                         gpointer             source_tag,
                         OtaLocalArgs        *args,
                         gboolean             is_write,
                         OtaLocalCheck        check,
                         OTA_BACKEND_ASYNC_ARGS)
{
  args->check = check;
  ota_local_backend_run (self, source_tag, args, is_write, check_thread, cancellable,
                         callback, user_data);
}

static void
query_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  OtaLocalArgs *args = data;
  GError *error = NULL;
  guint64 total = 0;
  GPtrArray *items = args->query (source, args, &total, &error);

  ota_local_return_page (task, items, total, error);
}

void
ota_local_backend_query (OtaLocalBackend     *self,
                         gpointer             source_tag,
                         OtaLocalArgs        *args,
                         OtaLocalQuery        query,
                         OTA_BACKEND_ASYNC_ARGS)
{
  args->query = query;
  ota_local_backend_run (self, source_tag, args, FALSE, query_thread, cancellable,
                         callback, user_data);
}

typedef struct {
  OtaEngine    *engine;
  OtaLocalArgs *args;
} Export;

static gboolean
write_export (GOutputStream  *stream,
              gpointer        data,
              GCancellable   *cancellable,
              GError        **error)
{
  Export *export = data;

  return export->args->export (export->engine, export->args, stream, cancellable, error);
}

static gboolean
export_file (OtaLocalBackend  *self,
             OtaLocalArgs     *args,
             GCancellable     *cancellable,
             GError          **error)
{
  Export export = { self->engine, args };

  return ota_local_replace_file (args->file, write_export, &export, cancellable, error);
}

void
ota_local_backend_export (OtaLocalBackend     *self,
                          gpointer             source_tag,
                          OtaLocalArgs        *args,
                          OtaLocalExport       export,
                          OTA_BACKEND_ASYNC_ARGS)
{
  args->export = export;
  ota_local_backend_check (self, source_tag, args, FALSE, export_file, cancellable,
                           callback, user_data);
}
