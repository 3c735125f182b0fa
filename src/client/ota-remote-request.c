/* ota-remote-request.c — one HTTP request of the remote backend: the message, the body
 * (JSON or a file streamed from disk), the answer read back into snapshots (a query for
 * all in pages), the error mapped back to the engine's, and the wait for the write's
 * own event */
#include <glib/gi18n-lib.h>

#include "ota-remote-backend-private.h"

/* The seq of the last event a write published (see ota-server-router.c). */
#define EVENT_SEQ_HEADER "Ota-Event-Seq"

typedef struct {
  const OtaRemoteOp *op;
  OtaRemoteArgs     *args;
  SoupMessage       *msg;
  GCancellable      *soup_cancellable;   /* what stops the exchange (see ota_remote_request()) */
  GCancellable      *caller_cancellable; /* an upload's: forwarded until the body is out */
  gulong             cancel_handler;
  gint               body_sent;          /* atomic: the caller may cancel from any thread */
  OtaRemoteTransfer *progress;
  GInputStream      *answer;             /* the body being read */
  GByteArray        *body;
  gboolean           paging;             /* a query for all (limit 0), page by page */
  guint              page_offset;        /* of the next page */
  GPtrArray         *paged;              /* the items of the pages so far */
  gpointer           result;
  GDestroyNotify     result_free;
  GError            *error;
} Call;

static void
call_free (Call *call)
{
  if (call->caller_cancellable != NULL)
    g_cancellable_disconnect (call->caller_cancellable, call->cancel_handler);
  g_clear_object (&call->caller_cancellable);
  ota_remote_args_free (call->args);
  g_clear_object (&call->msg);
  g_clear_object (&call->soup_cancellable);
  g_clear_pointer (&call->progress, ota_remote_progress_free);
  g_clear_object (&call->answer);
  g_clear_pointer (&call->body, g_byte_array_unref);
  g_clear_pointer (&call->paged, g_ptr_array_unref);
  if (call->result != NULL && call->result_free != NULL)
    call->result_free (call->result);
  g_clear_error (&call->error);
  g_free (call);
}

#define SELF(task) ((OtaRemoteBackend *) g_task_get_source_object (task))
#define CALL(task) ((Call *) g_task_get_task_data (task))

/* ---- Arguments ---------------------------------------------------------------------- */

char *
ota_remote_path (const char *format,
                 ...)
{
  GString *path = g_string_new (NULL);
  va_list args;

  va_start (args, format);
  for (const char *p = format; *p != '\0'; p++)
    {
      if (g_str_has_prefix (p, "{s}"))
        {
          g_autofree char *escaped = g_uri_escape_string (va_arg (args, const char *), NULL, FALSE);

          g_string_append (path, escaped);
          p += 2;
        }
      else if (g_str_has_prefix (p, "{i}"))
        {
          g_string_append_printf (path, "%" G_GINT64_FORMAT, va_arg (args, gint64));
          p += 2;
        }
      else
        g_string_append_c (path, *p);
    }
  va_end (args);

  return g_string_free (path, FALSE);
}

OtaRemoteArgs *
ota_remote_args_new (char *path)
{
  OtaRemoteArgs *args = g_new0 (OtaRemoteArgs, 1);

  args->path = path;
  return args;
}

OtaRemoteArgs *
ota_remote_args_new_write (char     *path,
                           JsonNode *body)
{
  OtaRemoteArgs *args = ota_remote_args_new (path);

  args->body = body;
  args->is_write = TRUE;
  return args;
}

void
ota_remote_args_free (OtaRemoteArgs *args)
{
  g_free (args->path);
  g_clear_pointer (&args->query, g_hash_table_unref);
  g_clear_pointer (&args->body, json_node_unref);
  g_clear_object (&args->upload);
  g_clear_object (&args->download);
  g_free (args);
}

/* ---- Messages and errors ------------------------------------------------------------------ */

SoupMessage *
ota_remote_message_new (OtaRemoteBackend *self,
                        const char       *method,
                        const char       *path)
{
  g_autofree char *uri = g_strconcat (self->api_root, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  g_return_val_if_fail (msg != NULL, NULL);
  /* A redirect is reported, never followed: the token would go along to another host,
   * or from https to http. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (self->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  self->authorization);
  return msg;
}

GError *
ota_remote_network_error (OtaRemoteBackend *self,
                          GError           *error)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (error->domain == G_TLS_ERROR)
    mapped = g_error_new (G_TLS_ERROR, error->code, _("Cannot talk securely to %s: %s"),
                          self->name, error->message);
  else if (error->domain == G_IO_ERROR)
    mapped = g_error_new (G_IO_ERROR, error->code, _("Cannot reach %s: %s"), self->name,
                          error->message);
  else if (error->domain == G_RESOLVER_ERROR)
    mapped = g_error_new (G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, _("Cannot reach %s: %s"),
                          self->name, error->message);
  else
    mapped = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot reach %s: %s"), self->name,
                          error->message);

  g_error_free (error);
  return mapped;
}

static GIOErrorEnum
io_code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      return G_IO_ERROR_PERMISSION_DENIED;
    case SOUP_STATUS_NOT_FOUND:
      return G_IO_ERROR_NOT_FOUND;
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
    case SOUP_STATUS_NOT_IMPLEMENTED:
      return G_IO_ERROR_NOT_SUPPORTED;
    case SOUP_STATUS_BAD_REQUEST:
    case SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE:
      return G_IO_ERROR_INVALID_ARGUMENT;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return G_IO_ERROR_MESSAGE_TOO_LARGE;
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return G_IO_ERROR_BUSY;
    default:
      return G_IO_ERROR_FAILED;
    }
}

/* Where a redirect of @msg points, as a server address to connect to: the API part of
 * the path and anything that may hold a secret left out ("https://host:8443"). NULL
 * without a Location. (transfer full) */
static char *
dup_redirect_target (SoupMessage *msg)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                       "Location");
  g_autoptr(GUri) target = NULL;
  g_autofree char *path = NULL;
  g_autofree char *joined = NULL;
  char *api;
  char *normalised;

  if (location == NULL)
    return NULL;
  target = g_uri_parse_relative (soup_message_get_uri (msg), location, G_URI_FLAGS_NONE, NULL);
  if (target == NULL || g_uri_get_host (target) == NULL)
    return ota_remote_redact_url (location);

  path = g_strdup (g_uri_get_path (target));
  if ((api = g_strrstr (path, "/api/v1")) != NULL)
    *api = '\0';
  joined = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (target), NULL, g_uri_get_host (target),
                       g_uri_get_port (target), path, NULL, NULL);
  normalised = ota_remote_normalise_url (joined, NULL);
  return normalised != NULL ? normalised : ota_remote_redact_url (joined);
}

static GError *
redirect_error (OtaRemoteBackend *self,
                SoupMessage      *msg)
{
  g_autofree char *target = dup_redirect_target (msg);
  GError *error = NULL;

  /* The address is what to change: reported like a wrong one, naming the field "url". */
  if (target != NULL)
    ota_error_set_field (&error, OTA_ERROR_INVALID_FIELD, "url",
                         _("The server %s redirected to %s; connect to that address instead"),
                         self->name, target);
  else
    ota_error_set_field (&error, OTA_ERROR_INVALID_FIELD, "url",
                         _("The server %s answered “%u %s” without saying where to; check the address"),
                         self->name, soup_message_get_status (msg), soup_message_get_reason_phrase (msg));
  return error;
}

GError *
ota_remote_status_error (OtaRemoteBackend *self,
                         SoupMessage      *msg,
                         GBytes           *body)
{
  guint status = soup_message_get_status (msg);
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;
  g_autoptr(JsonNode) node = NULL;

  if (SOUP_STATUS_IS_REDIRECTION (status))
    return redirect_error (self, msg);

  /* Our server always explains itself; a proxy in front of it may not. */
  if (length > 0)
    node = ota_json_parse (data, length, NULL);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_has_member (json_node_get_object (node), "code"))
    return ota_json_to_error (node);

  return g_error_new (G_IO_ERROR, io_code_for_status (status), _("The server %s answered “%u %s”"),
                      self->name, status, soup_message_get_reason_phrase (msg));
}

/* ---- Completion ----------------------------------------------------------------------------- */

static gboolean
return_call (gpointer data)
{
  GTask *task = data;
  Call *call = CALL (task);

  if (call->error != NULL)
    g_task_return_error (task, g_steal_pointer (&call->error));
  else if (call->op->answer == OTA_REMOTE_ANSWER_NONE)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, g_steal_pointer (&call->result), call->result_free);

  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* @task: (transfer full) */
static void
finish_call (GTask  *task,
             GError *error)
{
  Call *call = CALL (task);
  const char *seq_text = NULL;
  guint64 seq = 0;

  /* The last progress report comes before the callback, never after it. */
  if (call->progress != NULL)
    ota_remote_progress_finish (call->progress);

  if (error != NULL)
    {
      call->error = error;
      return_call (task);
      return;
    }

  /* A write's "catalogue-changed" comes before its callback, as with the local backend. */
  if (call->msg != NULL)
    seq_text = soup_message_headers_get_one (soup_message_get_response_headers (call->msg),
                                             EVENT_SEQ_HEADER);
  if (seq_text != NULL && g_ascii_string_to_unsigned (seq_text, 10, 1, G_MAXUINT64, &seq, NULL))
    ota_remote_wait_for_event (SELF (task), seq, return_call, task);
  else
    return_call (task);
}

static void
remember_batches (OtaRemoteBackend *self,
                  Call             *call)
{
  GPtrArray *items = NULL;

  /* Only snapshots are GObjects (freed with g_object_unref); lists hold snapshots. */
  if (call->op->answer == OTA_REMOTE_ANSWER_ITEM && call->op->free_func == g_object_unref)
    ota_remote_remember_batch (self, call->result);
  else if (call->op->answer == OTA_REMOTE_ANSWER_LIST)
    items = call->result;
  else if (call->op->answer == OTA_REMOTE_ANSWER_PAGE)
    items = ((OtaBackendPage *) call->result)->items;

  for (guint i = 0; items != NULL && i < items->len; i++)
    ota_remote_remember_batch (self, g_ptr_array_index (items, i));
}

static gboolean
read_answer (OtaRemoteBackend  *self,
             Call              *call,
             GBytes            *bytes,
             GError           **error)
{
  const OtaRemoteOp *op = call->op;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (op->answer == OTA_REMOTE_ANSWER_NONE)
    return TRUE;

  node = ota_json_parse (data, length, &local_error);
  if (node != NULL)
    switch (op->answer)
      {
      case OTA_REMOTE_ANSWER_ITEM:
        call->result = op->parse (node, &local_error);
        call->result_free = op->free_func;
        break;

      case OTA_REMOTE_ANSWER_LIST:
        call->result = ota_json_to_list (node, op->parse, op->free_func, &local_error);
        call->result_free = (GDestroyNotify) g_ptr_array_unref;
        break;

      case OTA_REMOTE_ANSWER_PAGE:
        {
          guint64 total = 0;
          GPtrArray *items = ota_json_to_page (node, op->parse, op->free_func, &total, &local_error);

          if (items != NULL)
            {
              call->result = ota_backend_page_new (items, total);
              call->result_free = (GDestroyNotify) ota_backend_page_free;
            }
        }
        break;

      case OTA_REMOTE_ANSWER_NONE:
      default:
        g_assert_not_reached ();
      }

  if (call->result == NULL && local_error != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The server %s sent an answer that cannot be read: %s"), self->name,
                   local_error->message);
      return FALSE;
    }
  if (call->result == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The server %s sent an empty answer where data was expected"), self->name);
      return FALSE;
    }

  remember_batches (self, call);
  return TRUE;
}

/* The error of an answer with an error status; an upload's "too large" is about its
 * file, as the engine's size check would say. */
static GError *
call_status_error (OtaRemoteBackend *self,
                   Call             *call,
                   GBytes           *bytes)
{
  GError *error = ota_remote_status_error (self, call->msg, bytes);
  GError *about_file = NULL;

  if (call->args->upload == NULL || !g_error_matches (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD) ||
      soup_message_get_status (call->msg) != SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE ||
      ota_error_get_field (error) != NULL)
    return error;

  ota_error_set_field (&about_file, OTA_ERROR_INVALID_FIELD, "file", "%s", error->message);
  g_error_free (error);
  return about_file;
}

static void send_message (GTask        *task,
                          GInputStream *upload,
                          goffset       upload_size);

/* A query for all: "limit" 0 asked in pages (OTA_REMOTE_PAGE_SIZE), so that no answer
 * grows without bound. */
static void
set_page (OtaRemoteBackend *self,
          Call             *call)
{
  g_hash_table_insert (call->args->query, "offset", g_strdup_printf ("%u", call->page_offset));
  g_hash_table_insert (call->args->query, "limit", g_strdup_printf ("%u", self->page_size));
}

/* Keeps the page just read; TRUE when the next one was asked for. */
static gboolean
next_page (GTask *task)
{
  Call *call = CALL (task);
  OtaBackendPage *page = g_steal_pointer (&call->result);
  guint64 total = page->total;
  guint n = page->items->len;

  if (call->paged == NULL)
    call->paged = g_ptr_array_new_with_free_func (call->op->free_func);
  g_ptr_array_extend_and_steal (call->paged, g_steal_pointer (&page->items));
  ota_backend_page_free (page);
  call->page_offset += n;

  /* A short page is the last, whatever changed meanwhile on the server. */
  if (n < SELF (task)->page_size || call->page_offset >= total)
    {
      call->result = ota_backend_page_new (g_steal_pointer (&call->paged), total);
      return FALSE;
    }

  set_page (SELF (task), call);
  g_clear_object (&call->msg);
  send_message (task, NULL, 0);
  return TRUE;
}

static void
answer_complete (GTask  *task,
                 GBytes *bytes)
{
  Call *call = CALL (task);
  OtaRemoteBackend *self = SELF (task);
  GError *error = NULL;

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (call->msg)))
    error = call_status_error (self, call, bytes);
  else if (read_answer (self, call, bytes, &error) && call->paging && next_page (task))
    return;
  finish_call (task, error);
}

static GError *
too_large_error (OtaRemoteBackend *self)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                      _("The server %s sent an answer larger than %u MiB; it was not read"),
                      self->name, (guint) (self->max_answer / (1024 * 1024)));
}

/* Stops reading the answer; the connection goes with it. */
static void
drop_answer (Call *call)
{
  g_input_stream_close_async (call->answer, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&call->answer);
}

static void read_more (GTask *task);

static void
answer_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = CALL (task);
  OtaRemoteBackend *self = SELF (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_clear_object (&call->answer);
      finish_call (task, ota_remote_network_error (self, error));
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&call->body));

      /* At the end already: closing does not wait for anything. */
      drop_answer (call);
      answer_complete (task, body);
      return;
    }
  if (size > self->max_answer - call->body->len)
    {
      drop_answer (call);
      finish_call (task, too_large_error (self));
      return;
    }

  g_byte_array_append (call->body, g_bytes_get_data (chunk, NULL), size);
  read_more (task);
}

static void
read_more (GTask *task)
{
  Call *call = CALL (task);

  g_input_stream_read_bytes_async (call->answer, 64 * 1024, G_PRIORITY_DEFAULT, call->soup_cancellable,
                                   answer_read, task);
}

static void
downloaded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  /* Errors of the file are the engine's (field "file"); the others are the server's. */
  if (!ota_remote_download_finish (result, &error) && error->domain != OTA_ERROR)
    error = ota_remote_network_error (SELF (task), error);
  finish_call (task, error);
}

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = CALL (task);
  OtaRemoteBackend *self = SELF (task);
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      finish_call (task, ota_remote_network_error (self, error));
      return;
    }

  if (call->args->download != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (call->msg)))
    {
      ota_remote_download_async (call->args->download, stream, call->soup_cancellable,
                                 downloaded, task);
      return;
    }

  call->answer = g_steal_pointer (&stream);
  /* An answer that announces its size is refused before a byte of it is read. */
  if ((guint64) soup_message_headers_get_content_length (soup_message_get_response_headers (call->msg)) >
      self->max_answer)
    {
      drop_answer (call);
      finish_call (task, too_large_error (self));
      return;
    }
  call->body = g_byte_array_new ();
  read_more (task);
}

static void
on_wrote_body (SoupMessage *msg,
               Call        *call)
{
  g_atomic_int_set (&call->body_sent, TRUE);
}

static void
upload_cancelled (GCancellable *cancellable,
                  Call         *call)
{
  if (!g_atomic_int_get (&call->body_sent))
    g_cancellable_cancel (call->soup_cancellable);
}

static void
send_message (GTask        *task,
              GInputStream *upload,
              goffset       upload_size)
{
  OtaRemoteBackend *self = SELF (task);
  Call *call = CALL (task);
  OtaRemoteArgs *args = call->args;
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;

  if (args->query != NULL && g_hash_table_size (args->query) > 0)
    query = soup_form_encode_hash (args->query);
  path = query != NULL ? g_strconcat (args->path, "?", query, NULL) : g_strdup (args->path);
  call->msg = ota_remote_message_new (self, call->op->method, path);

  if (args->body != NULL)
    {
      gsize length = 0;
      char *text = ota_json_to_string (args->body, &length);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, length);

      soup_message_set_request_body_from_bytes (call->msg, "application/json", bytes);
    }
  else if (upload != NULL)
    {
      soup_message_set_request_body (call->msg, args->upload_type, upload, upload_size);
      /* A refused upload (a bad spec, a bad token) costs no byte of the file. */
      soup_message_headers_set_expectations (soup_message_get_request_headers (call->msg),
                                             SOUP_EXPECTATION_CONTINUE);
      call->progress = ota_remote_progress_new (call->msg, args, upload_size);
      g_signal_connect (call->msg, "wrote-body", G_CALLBACK (on_wrote_body), call);
    }

  soup_session_send_async (self->session, call->msg, G_PRIORITY_DEFAULT, call->soup_cancellable,
                           sent, task);
}

static void
upload_opened (GInputStream *stream,
               goffset       size,
               GError       *error,
               gpointer      data)
{
  GTask *task = data;

  if (stream == NULL)
    {
      finish_call (task, error);
      return;
    }
  send_message (task, stream, size);
}

void
ota_remote_request (OtaRemoteBackend    *self,
                    gpointer             source_tag,
                    const OtaRemoteOp   *op,
                    OtaRemoteArgs       *args,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, source_tag);
  call->op = op;
  call->args = args;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  /* A write that was sent reports what the server did, even if cancelled meanwhile: a
   * change that was made is not hidden behind "cancelled". An upload can still be
   * stopped while its body goes out (the server then stores nothing), not after. */
  g_task_set_check_cancellable (task, !args->is_write);
  if (op->answer == OTA_REMOTE_ANSWER_PAGE && args->query != NULL &&
      g_strcmp0 (g_hash_table_lookup (args->query, "limit"), "0") == 0)
    {
      const char *offset = g_hash_table_lookup (args->query, "offset");

      call->paging = TRUE;
      call->page_offset = offset != NULL ? (guint) g_ascii_strtoull (offset, NULL, 10) : 0;
      set_page (self, call);
    }

  if (cancellable != NULL && !args->is_write)
    call->soup_cancellable = g_object_ref (cancellable);
  else if (cancellable != NULL && args->upload != NULL)
    {
      call->soup_cancellable = g_cancellable_new ();
      call->caller_cancellable = g_object_ref (cancellable);
      call->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (upload_cancelled), call, NULL);
    }

  if (args->upload != NULL)
    ota_remote_upload_open (args, cancellable, upload_opened, task);
  else
    send_message (task, NULL, 0);
}
