/* ota-server-router.c — from a SoupServerMessage to a route's function on a worker
 * thread, and its answer back (see ota-server-private.h for a request's life) */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"

#define REQUEST_KEY OTA_SERVER_REQUEST_KEY

static const OtaRoute * const route_tables[] = {
  ota_server_product_routes,
  ota_server_device_routes,
  ota_server_firmware_routes,
  ota_server_rollout_routes,
  ota_server_task_routes,
  ota_server_download_routes,
  ota_server_misc_routes,
};

/* ---- Routes ------------------------------------------------------------------- */

static gboolean
match_pattern (const char  *pattern,
               char       **segments,
               GStrv       *params)
{
  g_auto(GStrv) parts = g_strsplit (pattern + 1, "/", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint i;

  for (i = 0; parts[i] != NULL && segments[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "*"))
        {
          if (*segments[i] == '\0')
            return FALSE;
          g_strv_builder_add (builder, segments[i]);
        }
      else if (!g_str_equal (parts[i], segments[i]))
        return FALSE;
    }
  if (parts[i] != NULL || segments[i] != NULL)
    return FALSE;

  *params = g_strv_builder_end (builder);
  return TRUE;
}

/* The route for @method and @path; *@path_known says whether another method would do. */
static const OtaRoute *
find_route (const char  *method,
            const char  *path,
            GStrv       *params,
            gboolean    *path_known)
{
  g_auto(GStrv) segments = NULL;

  *path_known = FALSE;
  if (path == NULL || *path != '/')
    return NULL;
  segments = g_strsplit (path + 1, "/", -1);

  for (guint t = 0; t < G_N_ELEMENTS (route_tables); t++)
    for (const OtaRoute *route = route_tables[t]; route->method != NULL; route++)
      {
        GStrv found = NULL;

        if (!match_pattern (route->pattern, segments, &found))
          continue;
        *path_known = TRUE;
        if (g_str_equal (route->method, method) ||
            (g_str_equal (route->method, "GET") && g_str_equal (method, "HEAD")))
          {
            *params = found;
            return route;
          }
        g_strfreev (found);
      }

  return NULL;
}

/* ---- The request ------------------------------------------------------------------ */

void
ota_request_free (OtaRequest *request)
{
  ota_upload_discard (request);
  g_clear_object (&request->server);
  g_free (request->method);
  g_strfreev (request->params);
  g_clear_pointer (&request->query, g_hash_table_unref);
  g_free (request->token);
  g_free (request->actor);
  g_free (request->range);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->json, json_node_unref);
  g_clear_pointer (&request->bytes, g_bytes_unref);
  g_free (request->content_type);
  g_free (request->content_range);
  g_free (request->disposition);
  g_clear_pointer (&request->changed_products, g_ptr_array_unref);
  g_free (request);
}

gboolean
ota_request_get_id (OtaRequest  *request,
                    guint        index,
                    const char  *field,
                    gint64      *id,
                    GError     **error)
{
  const char *text = request->params[index];

  if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, id, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, field, _("“%s” is not an id"), text);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
ota_request_parse_body (OtaRequest  *request,
                        GError     **error)
{
  gsize length = 0;
  const char *data = request->body != NULL ? g_bytes_get_data (request->body, &length) : NULL;

  return ota_json_parse (data, length, error);
}

void
ota_request_reply_json (OtaRequest *request,
                        guint       status,
                        JsonNode   *node)
{
  request->status = status;
  g_clear_pointer (&request->json, json_node_unref);
  request->json = node;
}

void
ota_request_catalogue_changed (OtaRequest *request,
                               const char *product_key)
{
  if (request->changed_products == NULL)
    request->changed_products = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (request->changed_products, g_strdup (product_key != NULL ? product_key : ""));
}

gboolean
ota_request_authorise (OtaRequest  *request,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  if (request->token != NULL &&
      ota_engine_check_token (request->server->engine, request->token, &name, &local_error))
    {
      g_free (request->actor);
      request->actor = g_steal_pointer (&name);
      return TRUE;
    }

  if (local_error != NULL && !g_error_matches (local_error, OTA_ERROR, OTA_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_set_error_literal (error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_UNAUTHORISED,
                       _("A valid API token is required: “Authorization: Bearer TOKEN”"));
  return FALSE;
}

/* ---- Running a route -------------------------------------------------------------- */

static void
on_disconnected (SoupServerMessage *msg,
                 OtaRequest        *request)
{
  request->gone = TRUE;
}

/* Worker tasks have no source object and hold no reference of their own: a GTask may
 * be finalized on its worker thread, and the message, the request and the server must
 * only ever be released on the main thread. The caller's reference on the message
 * travels as the callback's user data. */

static void
route_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  OtaRequest *request = g_object_get_data (task_data, REQUEST_KEY);
  const OtaRoute *route = request->route;
  g_autoptr(GError) error = NULL;
  gboolean failed;

  if (request->upload_error != NULL)
    error = g_steal_pointer (&request->upload_error);
  failed = error != NULL ||
           ((route->flags & OTA_ROUTE_PUBLIC) == 0 && !request->authorised &&
            !ota_request_authorise (request, &error));
  if (!failed)
    {
      /* The audit log names the operator whose token this is. */
      ota_engine_set_thread_actor (request->actor);
      failed = !route->func (request, &error);
      ota_engine_set_thread_actor (NULL);
    }
  if (failed)
    {
      g_clear_pointer (&request->bytes, g_bytes_unref);
      ota_request_reply_json (request, ota_server_status_for_error (error),
                              ota_server_error_to_json (error));
    }

  if (request->json != NULL)
    {
      gsize length = 0;
      char *text = ota_json_to_string (request->json, &length);

      request->bytes = g_bytes_new_take (text, length);
      g_free (request->content_type);
      request->content_type = g_strdup ("application/json");
      g_clear_pointer (&request->json, json_node_unref);
    }

  if (route->flags & OTA_ROUTE_UPLOAD)
    ota_upload_discard (request);
  g_task_return_boolean (task, TRUE);
}

static void
write_answer (OtaRequest *request)
{
  SoupServerMessage *msg = request->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, request->status != 0 ? request->status : SOUP_STATUS_OK, NULL);
  if (request->content_type != NULL)
    soup_message_headers_set_content_type (headers, request->content_type, NULL);
  if (request->content_range != NULL)
    soup_message_headers_replace (headers, "Content-Range", request->content_range);
  if (request->accept_ranges)
    soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  if (request->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", request->disposition);
  if (request->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer");
  if (request->bytes != NULL)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), request->bytes);
  soup_message_headers_set_content_length (headers, request->bytes != NULL
                                                    ? g_bytes_get_size (request->bytes) : 0);

  /* Ranges are answered by the routes themselves; libsoup would copy the whole body to
   * cut a range from it. */
  soup_message_headers_remove (soup_server_message_get_request_headers (msg), "Range");
}

static void
route_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  OtaRequest *request = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);
  g_autoptr(OtaServer) self = g_object_ref (request->server);

  /* Published before the answer, which names the last event's seq: a client can hold
   * the answer back until its event stream got that far, so it sees its own change
   * announced before the call returns. */
  for (guint i = 0; request->changed_products != NULL && i < request->changed_products->len; i++)
    {
      const char *key = g_ptr_array_index (request->changed_products, i);
      ota_server_publish_catalogue (self, *key != '\0' ? key : NULL);
    }

  if (!request->gone)
    {
      write_answer (request);
      if (request->changed_products != NULL && request->changed_products->len > 0 &&
          ota_server_get_last_event_seq (self) > 0)
        {
          g_autofree char *seq = g_strdup_printf ("%" G_GUINT64_FORMAT, ota_server_get_last_event_seq (self));

          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Ota-Event-Seq", seq);
        }
      soup_server_message_unpause (msg);
    }

  if (request->route->flags & OTA_ROUTE_WRITE)
    ota_server_scheduler_rearm (self);
}

static void
run_route (OtaRequest *request)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, route_done, g_object_ref (request->msg));

  g_task_set_task_data (task, request->msg, NULL);
  g_task_run_in_thread (task, route_thread);
}

static gboolean
upload_received (gpointer user_data)
{
  OtaRequest *request = g_object_get_data (user_data, REQUEST_KEY);

  run_route (request);
  return G_SOURCE_REMOVE;
}

/* ---- Checks before the body ------------------------------------------------------------ */

static void
early_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  OtaRequest *request = g_object_get_data (task_data, REQUEST_KEY);
  GError *error = NULL;

  if (!ota_request_authorise (request, &error) ||
      (request->route->precheck != NULL && !request->route->precheck (request, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
early_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  OtaRequest *request = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);
  g_autoptr(OtaServer) self = g_object_ref (request->server);
  g_autoptr(GError) error = NULL;

  if (request->gone)
    return;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      ((request->route->flags & OTA_ROUTE_UPLOAD) && !ota_upload_begin (request, &error)))
    {
      ota_server_refuse (self, msg, ota_server_status_for_error (error), error);
      return;
    }

  request->authorised = TRUE;
  request->early_paused = FALSE;
  soup_server_message_unpause (msg);
}

static void
set_too_large (GError  **error,
               guint64   limit)
{
  g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, limit);

  g_set_error (error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_TOO_LARGE,
               _("The request body is larger than the limit of %s bytes"), bytes);
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              OtaRequest        *request)
{
  g_autoptr(GError) error = NULL;

  request->body_started = TRUE;
  if (request->refused || ota_upload_take_chunk (request, chunk))
    return;

  set_too_large (&error, (request->route != NULL && (request->route->flags & OTA_ROUTE_UPLOAD))
                         ? request->server->max_upload : (guint64) OTA_SERVER_MAX_JSON_BODY);
  ota_server_refuse (request->server, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, error);
}

static void
early_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  OtaServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GError) error = NULL;
  gboolean path_known = FALSE;
  OtaRequest *request;
  guint64 limit;

  request = g_new0 (OtaRequest, 1);
  request->server = g_object_ref (self);
  request->msg = msg;
  request->method = g_strdup (soup_server_message_get_method (msg));
  request->route = find_route (request->method, path, &request->params, &path_known);
  request->query = query != NULL ? g_hash_table_ref (query) : NULL;
  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    request->token = g_strstrip (g_strdup (authorization + 7));
  request->range = g_strdup (soup_message_headers_get_one (headers, "Range"));
  g_object_set_data_full (G_OBJECT (msg), REQUEST_KEY, request, (GDestroyNotify) ota_request_free);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected), request);

  if (self->n_active > self->max_connections)
    {
      g_set_error (&error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_UNAVAILABLE,
                   _("The server is busy: more than %u requests are in progress"), self->max_connections);
      ota_server_refuse (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, error);
      return;
    }

  /* Refused before a byte of the body is read: nothing of it is stored. */
  limit = request->route != NULL && (request->route->flags & OTA_ROUTE_UPLOAD)
          ? self->max_upload : OTA_SERVER_MAX_JSON_BODY;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > limit)
    {
      set_too_large (&error, limit);
      ota_server_refuse (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, error);
      return;
    }
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), request);

  if (request->route != NULL && (request->route->flags & (OTA_ROUTE_EARLY_AUTH | OTA_ROUTE_UPLOAD)))
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, early_done, g_object_ref (msg));

      if (request->route->flags & OTA_ROUTE_UPLOAD)
        soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_server_message_pause (msg);
      request->early_paused = TRUE;
      g_task_set_task_data (task, msg, NULL);
      g_task_run_in_thread (task, early_thread);
    }
}

/* ---- After the body ------------------------------------------------------------------------ */

static void
reply_now (SoupServerMessage *msg,
           const GError      *error)
{
  g_autoptr(JsonNode) node = ota_server_error_to_json (error);
  gsize length = 0;
  char *text = ota_json_to_string (node, &length);

  soup_server_message_set_status (msg, ota_server_status_for_error (error), NULL);
  if (g_error_matches (error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_UNAUTHORISED))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Bearer");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static void
handler (SoupServer        *soup,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  OtaRequest *request = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);
  g_autoptr(GError) error = NULL;
  gboolean path_known = FALSE;
  g_auto(GStrv) unused = NULL;

  if (request == NULL || request->route == NULL)
    {
      find_route (soup_server_message_get_method (msg), path, &unused, &path_known);
      if (path_known)
        g_set_error (&error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_METHOD_NOT_ALLOWED,
                     _("%s is not allowed on %s"), soup_server_message_get_method (msg), path);
      else
        g_set_error (&error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_NOT_FOUND, _("There is no %s"), path);
      reply_now (msg, error);
      return;
    }

  /* The event stream: libsoup answers the handshake once the token was accepted. */
  if (request->route->func == NULL)
    {
      if (!request->authorised)
        {
          g_set_error_literal (&error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_UNAUTHORISED,
                               _("A valid API token is required: “Authorization: Bearer TOKEN”"));
          reply_now (msg, error);
        }
      return;
    }

  soup_server_message_pause (msg);
  if (request->route->flags & OTA_ROUTE_UPLOAD)
    {
      ota_upload_finish (request, upload_received, msg);
      return;
    }

  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  run_route (request);
}

/* ---- Counting requests ---------------------------------------------------------------------- */

#define COUNTED_KEY "ota-counted"

static void
count_end (OtaServer         *self,
           SoupServerMessage *msg)
{
  if (g_object_steal_data (G_OBJECT (msg), COUNTED_KEY) != NULL)
    ota_server_connection_end (self);
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    OtaServer         *self)
{
  ota_server_connection_begin (self);
  g_object_set_data (G_OBJECT (msg), COUNTED_KEY, GINT_TO_POINTER (1));
  /* Also when the message's connection is stolen (a refusal, an event stream), for
   * which libsoup reports no end. */
  g_signal_connect_object (msg, "disconnected", G_CALLBACK (count_end), self, G_CONNECT_SWAPPED);
}

void
ota_server_router_init (OtaServer *self)
{
  soup_server_add_early_handler (self->soup, "/", early_handler, self, NULL);
  soup_server_add_handler (self->soup, "/", handler, self, NULL);
  soup_server_add_early_handler (self->soup, "/api/v1/events", early_handler, self, NULL);
  soup_server_add_handler (self->soup, "/api/v1/events", handler, self, NULL);

  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect_swapped (self->soup, "request-finished", G_CALLBACK (count_end), self);
  g_signal_connect_swapped (self->soup, "request-aborted", G_CALLBACK (count_end), self);
}
