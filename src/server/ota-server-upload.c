/* ota-server-upload.c — a request body streamed into a temporary file
 *
 * Firmware files and CSV imports may be a gigabyte: the body goes to disk as it
 * arrives, in 1 MiB writes; while a write is in flight the message is paused, so a
 * fast client cannot fill the server's memory. The file lives in a private folder in
 * the blob folder (same disk as the blobs the engine will copy it into) and is removed
 * when the request ends, whatever happened.
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ota-server-private.h"

#define UPLOAD_PREFIX ".server-upload-"
#define WRITE_SIZE (1024 * 1024)
#define REQUEST_KEY "ota-request"

gboolean
ota_upload_begin (OtaRequest  *request,
                  GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  char *dir = g_build_filename (request->server->blob_dir, UPLOAD_PREFIX "XXXXXX", NULL);

  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      int saved_errno = errno;

      ota_error_set_field (error, OTA_ERROR_IO, NULL, _("Cannot make a folder for the upload: %s"),
                           g_strerror (saved_errno));
      g_free (dir);
      return FALSE;
    }
  request->upload_dir = dir;
  request->upload_path = g_build_filename (dir, request->upload_name != NULL ? request->upload_name : "upload",
                                           NULL);

  file = g_file_new_for_path (request->upload_path);
  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, error);
  if (stream == NULL)
    return FALSE;

  request->upload_stream = G_OUTPUT_STREAM (g_steal_pointer (&stream));
  request->upload_buffer = g_byte_array_new ();
  return TRUE;
}

typedef struct {
  SoupServerMessage *msg;
  GBytes            *bytes;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_object_unref (data->msg);
  g_bytes_unref (data->bytes);
  g_free (data);
}

static void finish_step (OtaRequest *request);

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  WriteData *data = user_data;
  OtaRequest *request = g_object_get_data (G_OBJECT (data->msg), REQUEST_KEY);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error) &&
      request->upload_error == NULL)
    request->upload_error = error;
  else
    g_clear_error (&error);
  request->upload_writing = FALSE;

  if (request->upload_paused)
    {
      request->upload_paused = FALSE;
      if (request->upload_error != NULL && !request->gone)
        ota_server_refuse (request->server, data->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                           request->upload_error);
      else if (!request->gone)
        soup_server_message_unpause (data->msg);
    }
  else if (request->upload_done != NULL)
    finish_step (request);

  write_data_free (data);
}

static void
start_write (OtaRequest *request,
             gboolean    pause_reading)
{
  WriteData *data = g_new0 (WriteData, 1);
  gconstpointer bytes;
  gsize length;

  data->msg = g_object_ref (request->msg);
  data->bytes = g_byte_array_free_to_bytes (request->upload_buffer);
  request->upload_buffer = g_byte_array_new ();
  request->upload_writing = TRUE;

  if (pause_reading)
    {
      request->upload_paused = TRUE;
      soup_server_message_pause (request->msg);
    }

  bytes = g_bytes_get_data (data->bytes, &length);
  g_output_stream_write_all_async (request->upload_stream, bytes, length, G_PRIORITY_DEFAULT, NULL,
                                   write_done, data);
}

gboolean
ota_upload_take_chunk (OtaRequest *request,
                       GBytes     *chunk)
{
  gboolean upload = request->route != NULL && (request->route->flags & OTA_ROUTE_UPLOAD);
  guint64 limit = upload ? request->server->max_upload : OTA_SERVER_MAX_JSON_BODY;
  gsize length;
  gconstpointer data = g_bytes_get_data (chunk, &length);

  request->upload_size += length;
  if (request->upload_size > limit)
    return FALSE;
  if (!upload || request->upload_buffer == NULL)
    return TRUE;

  g_byte_array_append (request->upload_buffer, data, length);
  if (request->upload_buffer->len >= WRITE_SIZE && !request->upload_writing)
    start_write (request, TRUE);
  return TRUE;
}

static void
close_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  OtaRequest *request = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);
  GError *error = NULL;
  GSourceFunc done;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error) && request->upload_error == NULL)
    request->upload_error = error;
  else
    g_clear_error (&error);
  g_clear_object (&request->upload_stream);

  done = g_steal_pointer (&request->upload_done);
  done (request->upload_done_data);
}

static void
finish_step (OtaRequest *request)
{
  if (request->upload_error == NULL && request->upload_buffer->len > 0)
    {
      start_write (request, FALSE);
      return;
    }
  g_output_stream_close_async (request->upload_stream, G_PRIORITY_DEFAULT, NULL, close_done,
                               g_object_ref (request->msg));
}

void
ota_upload_finish (OtaRequest  *request,
                   GSourceFunc  done,
                   gpointer     data)
{
  request->upload_done = done;
  request->upload_done_data = data;
  if (!request->upload_writing)
    finish_step (request);
}

void
ota_upload_discard (OtaRequest *request)
{
  if (request->upload_stream != NULL)
    {
      g_output_stream_close (request->upload_stream, NULL, NULL);
      g_clear_object (&request->upload_stream);
    }
  if (request->upload_path != NULL)
    g_unlink (request->upload_path);
  if (request->upload_dir != NULL)
    g_rmdir (request->upload_dir);
  g_clear_pointer (&request->upload_path, g_free);
  g_clear_pointer (&request->upload_dir, g_free);
  g_clear_pointer (&request->upload_name, g_free);
  g_clear_pointer (&request->upload_buffer, g_byte_array_unref);
  g_clear_error (&request->upload_error);
}

void
ota_upload_remove_stale (const char *blob_dir)
{
  g_autoptr(GDir) dir = g_dir_open (blob_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GDir) inner = NULL;
      const char *file;

      if (!g_str_has_prefix (name, UPLOAD_PREFIX))
        continue;
      path = g_build_filename (blob_dir, name, NULL);
      inner = g_dir_open (path, 0, NULL);
      while (inner != NULL && (file = g_dir_read_name (inner)) != NULL)
        {
          g_autofree char *file_path = g_build_filename (path, file, NULL);
          g_unlink (file_path);
        }
      g_debug ("Removing the stale upload %s", path);
      g_rmdir (path);
    }
}
