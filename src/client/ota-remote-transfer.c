/* ota-remote-transfer.c — files in and out of the remote backend: an upload streamed
 * from disk with coalesced progress, an export streamed into a file that is replaced
 * only when all was written. Never a whole file in memory. */
#include <errno.h>
#include <glib/gi18n-lib.h>

#include "ota-progress-relay.h"
#include "ota-remote-backend-private.h"

#define COPY_CHUNK (64 * 1024)

/* ---- Opening an upload ---------------------------------------------------------------- */

typedef struct {
  OtaRemoteArgs     *args;          /* (unowned): the request's */
  GCancellable      *cancellable;
  OtaRemoteOpenFunc  done;
  gpointer           data;
  goffset            size;
} Opening;

static void
opening_end (Opening      *opening,
             GInputStream *stream,
             GError       *error)
{
  opening->done (stream, opening->size, error, opening->data);
  g_clear_object (&opening->cancellable);
  g_free (opening);
}

static void
upload_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GFileInputStream) stream = NULL;
  GError *error = NULL;

  stream = g_file_read_finish (G_FILE (source), result, &error);
  if (stream == NULL)
    {
      opening_end (opening, NULL, opening->args->file_error (G_FILE (source), error));
      return;
    }
  opening_end (opening, G_INPUT_STREAM (stream), NULL);
}

static void
upload_info (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (info == NULL)
    {
      opening_end (opening, NULL, opening->args->file_error (G_FILE (source), error));
      return;
    }
  if (opening->args->prepare != NULL && !opening->args->prepare (opening->args, info, &error))
    {
      opening_end (opening, NULL, error);
      return;
    }

  opening->size = g_file_info_get_size (info);
  g_file_read_async (G_FILE (source), G_PRIORITY_DEFAULT, opening->cancellable, upload_read, opening);
}

void
ota_remote_upload_open (OtaRemoteArgs     *args,
                        GCancellable      *cancellable,
                        OtaRemoteOpenFunc  done,
                        gpointer           data)
{
  Opening *opening = g_new0 (Opening, 1);

  opening->args = args;
  opening->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  opening->done = done;
  opening->data = data;
  g_file_query_info_async (args->upload,
                           G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                           G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                           G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           upload_info, opening);
}

/* ---- Upload progress ------------------------------------------------------------------- */

/* Everything happens on the backend's main context: the reports are made in the
 * handler of libsoup's "wrote-body-data", coalesced with a timeout. */
struct _OtaRemoteTransfer
{
  SoupMessage     *msg;
  gulong           handler;
  OtaProgressFunc  func;
  gpointer         func_data;
  guint64          done;
  guint64          total;
  guint64          delivered;
  gint64           last_delivery;   /* monotonic µs: rate limiting only */
  GSource         *pending;
};

static void
deliver (OtaRemoteTransfer *self)
{
  self->last_delivery = g_get_monotonic_time ();
  self->delivered = self->done;
  self->func (self->done, self->total, self->func_data);
}

static gboolean
deliver_pending (gpointer data)
{
  OtaRemoteTransfer *self = data;

  g_clear_pointer (&self->pending, g_source_unref);
  deliver (self);
  return G_SOURCE_REMOVE;
}

static void
on_wrote_body_data (SoupMessage       *msg,
                    guint              chunk_size,
                    OtaRemoteTransfer *self)
{
  gint64 since_ms;

  self->done = MIN (self->done + chunk_size, self->total);
  if (self->pending != NULL)
    return;

  since_ms = (g_get_monotonic_time () - self->last_delivery) / 1000;
  if (since_ms >= OTA_PROGRESS_RELAY_PERIOD_MS)
    {
      deliver (self);
      return;
    }

  self->pending = g_timeout_source_new ((guint) (OTA_PROGRESS_RELAY_PERIOD_MS - since_ms));
  g_source_set_callback (self->pending, deliver_pending, self, NULL);
  g_source_set_static_name (self->pending, "[ota] upload progress");
  g_source_attach (self->pending, g_main_context_get_thread_default ());
}

OtaRemoteTransfer *
ota_remote_progress_new (SoupMessage   *msg,
                         OtaRemoteArgs *args,
                         goffset        total)
{
  OtaRemoteTransfer *self = g_new0 (OtaRemoteTransfer, 1);

  self->total = (guint64) MAX (total, 0);
  if (args->progress == NULL)
    return self;

  self->msg = g_object_ref (msg);
  self->func = args->progress;
  self->func_data = args->progress_data;
  self->handler = g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), self);
  return self;
}

void
ota_remote_progress_finish (OtaRemoteTransfer *self)
{
  gboolean undelivered = self->pending != NULL;

  if (self->msg != NULL)
    g_clear_signal_handler (&self->handler, self->msg);
  if (self->pending != NULL)
    {
      g_source_destroy (self->pending);
      g_clear_pointer (&self->pending, g_source_unref);
    }
  if (undelivered)
    deliver (self);
}

void
ota_remote_progress_free (OtaRemoteTransfer *self)
{
  ota_remote_progress_finish (self);
  g_clear_object (&self->msg);
  g_free (self);
}

/* ---- Downloads into a file ------------------------------------------------------------------ */

/* The answer goes into a hidden file beside the destination, which is renamed over the
 * destination once all was written: an interrupted export never leaves a cut file
 * under the name the user chose, nor spoils the one that was there. */
typedef struct {
  GFile         *file;
  GFile         *temp;
  GInputStream  *in;
  GOutputStream *out;
  gboolean       temp_made;     /* the temporary file exists: a failure removes it */
  gboolean       read_failed;   /* the error is the server's stream's, not the file's */
  GError        *error;         /* the failure, while the temporary file goes */
  guint8         buffer[COPY_CHUNK];
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->file);
  g_clear_object (&download->temp);
  g_clear_object (&download->in);
  g_clear_object (&download->out);
  g_clear_error (&download->error);
  g_free (download);
}

static void copy_next (GTask *task);

/* Ends @task (taken) with the failure kept in the download. */
static void
fail_return (GTask *task)
{
  Download *download = g_task_get_task_data (task);
  GError *error = g_steal_pointer (&download->error);
  g_autofree char *name = NULL;
  GError *file_error = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || download->read_failed)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  name = g_file_get_parse_name (download->file);
  ota_error_set_field (&file_error, OTA_ERROR_IO, "file", _("Cannot write “%s”: %s"), name,
                       error->message);
  g_error_free (error);
  g_task_return_error (task, file_error);
  g_object_unref (task);
}

static void
temp_deleted (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  /* Nothing more to do about a temporary file that will not go: the failure stands. */
  g_file_delete_finish (G_FILE (source), result, NULL);
  fail_return (user_data);
}

static void
temp_closed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);

  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL);
  g_clear_object (&download->out);
  /* Not cancellable: a cancelled export leaves no temporary file behind either. */
  g_file_delete_async (download->temp, G_PRIORITY_DEFAULT, NULL, temp_deleted, task);
}

/* Ends @task (taken) with @error (taken) once the temporary file is closed and gone:
 * all of it off this thread, which is the caller's main thread. */
static void
download_fail (GTask  *task,
               GError *error)
{
  Download *download = g_task_get_task_data (task);

  download->error = error;
  if (download->out != NULL)
    g_output_stream_close_async (download->out, G_PRIORITY_DEFAULT, NULL, temp_closed, task);
  else if (download->temp_made)
    g_file_delete_async (download->temp, G_PRIORITY_DEFAULT, NULL, temp_deleted, task);
  else
    fail_return (task);
}

static void
moved (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_file_move_finish (G_FILE (source), result, &error))
    {
      download_fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
closed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      download_fail (task, error);
      return;
    }
  g_clear_object (&download->out);
  g_file_move_async (download->temp, download->file, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                     g_task_get_cancellable (task), NULL, NULL, moved, task);
}

static void
written (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      download_fail (task, error);
      return;
    }
  copy_next (task);
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    {
      download->read_failed = TRUE;
      download_fail (task, error);
      return;
    }
  if (n == 0)
    {
      g_output_stream_close_async (download->out, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   closed, task);
      return;
    }
  g_output_stream_write_all_async (download->out, download->buffer, (gsize) n, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), written, task);
}

static void
copy_next (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  g_input_stream_read_async (download->in, download->buffer, sizeof download->buffer,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task), read_done, task);
}

static void
created (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;

  download->out = G_OUTPUT_STREAM (g_file_create_finish (G_FILE (source), result, &error));
  if (download->out == NULL)
    {
      download_fail (task, error);
      return;
    }
  download->temp_made = TRUE;
  copy_next (task);
}

void
ota_remote_download_async (GFile               *file,
                           GInputStream        *stream,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Download *download = g_new0 (Download, 1);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *temp_name = g_strdup_printf (".%s.%08x.part", base, g_random_int ());

  download->file = g_object_ref (file);
  download->in = g_object_ref (stream);
  g_task_set_source_tag (task, ota_remote_download_async);
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);

  if (parent == NULL)
    {
      download_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                                                g_strerror (EISDIR)));
      return;
    }
  download->temp = g_file_get_child (parent, temp_name);
  g_file_create_async (download->temp, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT, cancellable,
                       created, task);
}

gboolean
ota_remote_download_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
