/* ota-remote-connection.c — the remote backend's connection: connecting (a token
 * check, then the event WebSocket), its state, reconnecting with back-off and ?since=SEQ,
 * and noticing a dead connection
 */
#include <glib/gi18n-lib.h>

#include "ota-remote-backend-private.h"

/* Pings this often; a connection silent for DEAD_AFTER_SECONDS is taken for dead (a
 * cable pulled, a laptop resumed: TCP alone would take many minutes to notice). */
#define KEEPALIVE_SECONDS   15
#define DEAD_AFTER_SECONDS  (2 * KEEPALIVE_SECONDS + 5)

typedef struct _OtaRemoteHandshake {
  OtaRemoteBackend *self;          /* NULL once the backend gave this handshake up */
  SoupMessage      *msg;
  GCancellable     *cancellable;
  GCancellable     *caller_cancellable;   /* connect_async's */
  gulong            caller_handler;
} OtaRemoteHandshake;

static void open_stream (OtaRemoteBackend *self);

/* ---- Frames -------------------------------------------------------------------------------------- */

static void
on_message (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            OtaRemoteBackend        *self)
{
  self->last_heard = g_get_monotonic_time ();
  if (type == SOUP_WEBSOCKET_DATA_TEXT)
    ota_remote_events_take (self, message);
}

static void
on_pong (SoupWebsocketConnection *conn,
         GBytes                  *message,
         OtaRemoteBackend        *self)
{
  self->last_heard = g_get_monotonic_time ();
}

/* ---- The connection's life ---------------------------------------------------------------------- */

static gboolean
on_retry (gpointer data)
{
  OtaRemoteBackend *self = data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  self->retry_at = 0;
  self->retry_step = 0;
  open_stream (self);
  return G_SOURCE_REMOVE;
}

static void
stop_retry (OtaRemoteBackend *self)
{
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
  self->retry_at = 0;
  self->retry_step = 0;
}

guint
ota_remote_backoff_ms (guint  seconds,
                       double fraction)
{
  return (guint) (seconds * 1000.0 * (0.8 + 0.4 * CLAMP (fraction, 0.0, 1.0)) + 0.5);
}

void
ota_remote_set_silence_limit (OtaRemoteBackend *self,
                              guint             dead_after_ms)
{
  self->dead_after_ms = MAX (dead_after_ms, 1);
  self->watchdog_ms = MIN (KEEPALIVE_SECONDS * 1000, MAX (self->dead_after_ms / 4, 1));
}

guint
ota_remote_get_retry_step (OtaRemoteBackend *self)
{
  return self->retry_step;
}

/* RECONNECTING because of @error (taken); the next try after the back-off, moved at
 * random so that the consoles a server restart dropped do not all return at once. */
static void
schedule_retry (OtaRemoteBackend *self,
                GError           *error)
{
  guint step = self->retry_seconds;
  guint delay_ms = ota_remote_backoff_ms (step, g_random_double ());

  self->retry_seconds = MIN (step * 2, OTA_REMOTE_RETRY_MAX_SECONDS);
  stop_retry (self);
  self->retry_step = step;
  self->retry_at = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  self->retry_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->retry_source, on_retry, self, NULL);
  g_source_set_static_name (self->retry_source, "[ota] reconnect");
  g_source_attach (self->retry_source, self->context);

  g_debug ("Reconnecting to %s in %u ms: %s", self->name, delay_ms, error->message);
  ota_remote_set_state (self, OTA_REMOTE_STATE_RECONNECTING, error);
  ota_remote_notify_retry_in (self);
}

/* Forgets the stream (closing it when still open). */
static void
detach (OtaRemoteBackend *self)
{
  g_autoptr(SoupWebsocketConnection) conn = g_steal_pointer (&self->websocket);

  if (self->watchdog != NULL)
    {
      g_source_destroy (self->watchdog);
      g_clear_pointer (&self->watchdog, g_source_unref);
    }
  if (conn == NULL)
    return;

  g_signal_handlers_disconnect_by_data (conn, self);
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
}

/* The stream is gone because of @error (taken): try again later. */
static void
stream_lost (OtaRemoteBackend *self,
             GError           *error)
{
  detach (self);
  ota_remote_release_waiters (self, TRUE);
  schedule_retry (self, error);
}

/* The server closed the stream because its token was revoked: trying again cannot
 * help, so no reconnecting. */
static void
token_revoked (OtaRemoteBackend *self)
{
  detach (self);
  ota_remote_release_waiters (self, TRUE);
  stop_retry (self);
  ota_remote_set_state (self, OTA_REMOTE_STATE_DISCONNECTED,
                        g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                     _("The server %s closed the connection: the token was revoked"),
                                     self->name));
  ota_remote_notify_retry_in (self);
}

static void
on_closed (SoupWebsocketConnection *conn,
           OtaRemoteBackend        *self)
{
  const char *why = soup_websocket_connection_get_close_data (conn);

  if (conn != self->websocket)
    return;

  if (soup_websocket_connection_get_close_code (conn) == OTA_REMOTE_CLOSE_TOKEN_REVOKED)
    token_revoked (self);
  else if (why != NULL && *why != '\0')
    stream_lost (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                    _("The connection to %s was closed: %s"), self->name, why));
  else
    stream_lost (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                    _("The connection to %s was closed"), self->name));
}

static gboolean
on_watchdog (gpointer data)
{
  OtaRemoteBackend *self = data;

  if (g_get_monotonic_time () - self->last_heard < (gint64) self->dead_after_ms * 1000)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&self->watchdog, g_source_unref);
  stream_lost (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                  _("%s stopped answering for %u seconds"), self->name,
                                  (self->dead_after_ms + 999) / 1000));
  return G_SOURCE_REMOVE;
}

static void
attach (OtaRemoteBackend        *self,
        SoupWebsocketConnection *conn)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  self->websocket = conn;
  g_signal_connect (conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (conn, "pong", G_CALLBACK (on_pong), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), self);
  soup_websocket_connection_set_keepalive_interval (conn, KEEPALIVE_SECONDS);

  self->last_heard = g_get_monotonic_time ();
  /* Whole seconds (the default) let GLib group the wake-ups with others'. */
  self->watchdog = self->watchdog_ms % 1000 == 0 ? g_timeout_source_new_seconds (self->watchdog_ms / 1000)
                                                 : g_timeout_source_new (self->watchdog_ms);
  g_source_set_callback (self->watchdog, on_watchdog, self, NULL);
  g_source_set_static_name (self->watchdog, "[ota] connection watchdog");
  g_source_attach (self->watchdog, self->context);

  self->retry_seconds = 1;
  g_debug ("Connected to the events of %s", self->name);
  ota_remote_set_state (self, OTA_REMOTE_STATE_CONNECTED, NULL);
  ota_remote_notify_retry_in (self);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

/* Whether trying again later may help: the network or the server's load, not an
 * answer that will be the same the next time (a refused token, a redirect, a
 * certificate nobody trusts, no ota-server at that address). */
static gboolean
is_transient (const GError *error)
{
  if (error->domain == G_TLS_ERROR)
    return error->code == G_TLS_ERROR_MISC || error->code == G_TLS_ERROR_EOF;
  if (error->domain != G_IO_ERROR)
    return FALSE;

  switch (error->code)
    {
    case G_IO_ERROR_CANCELLED:
    case G_IO_ERROR_PERMISSION_DENIED:
    case G_IO_ERROR_NOT_FOUND:
    case G_IO_ERROR_NOT_SUPPORTED:
    case G_IO_ERROR_INVALID_ARGUMENT:
    case G_IO_ERROR_INVALID_DATA:
    case G_IO_ERROR_MESSAGE_TOO_LARGE:
      return FALSE;
    default:
      return TRUE;
    }
}

/* The stream could not be opened (@error taken). */
static void
stream_failed (OtaRemoteBackend *self,
               GError           *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);
  /* A first connection keeps trying while the server cannot be reached (the caller
   * hears of the failure all the same); a reconnection gives up only on a refused
   * token: the server was there a moment ago. */
  gboolean final = task != NULL ? !is_transient (error)
                                : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);

  if (final)
    {
      stop_retry (self);
      ota_remote_set_state (self, OTA_REMOTE_STATE_DISCONNECTED, g_error_copy (error));
      ota_remote_notify_retry_in (self);
    }
  else
    schedule_retry (self, g_error_copy (error));

  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static GError *
refused_error (OtaRemoteBackend *self,
               const char       *why)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                      _("The server %s refused the token: %s"), self->name, why);
}

static void
handshake_free (OtaRemoteHandshake *handshake)
{
  if (handshake->caller_cancellable != NULL)
    g_cancellable_disconnect (handshake->caller_cancellable, handshake->caller_handler);
  g_clear_object (&handshake->caller_cancellable);
  g_clear_object (&handshake->cancellable);
  g_clear_object (&handshake->msg);
  g_free (handshake);
}

/* Gives the handshake in progress up: its callback will not touch the backend. */
static void
abandon_handshake (OtaRemoteBackend *self)
{
  OtaRemoteHandshake *handshake = g_steal_pointer (&self->handshake);

  if (handshake == NULL)
    return;
  handshake->self = NULL;
  g_cancellable_cancel (handshake->cancellable);
}

/* A cheap authenticated request: the address and the token are right. Servers
 * before /whoami answer it with "no-endpoint" (NOT_SUPPORTED): they are asked for the
 * products instead. */
static const OtaRemoteOp check_op = { "GET", OTA_REMOTE_ANSWER_NONE, NULL, NULL };
#define CHECK_PATH        "/whoami"
#define CHECK_PATH_BEFORE "/products"

typedef struct {
  guint        attempt;
  SoupMessage *msg;       /* the refused handshake */
} OtaRemoteRefusal;

static void
refusal_explained (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  OtaRemoteBackend *self = OTA_REMOTE_BACKEND (source);
  OtaRemoteRefusal *refusal = user_data;
  GError *error = NULL;
  gboolean checked_ok = ota_backend_task_finish_boolean (OTA_BACKEND (self), result, &error);

  /* A stop, a connect or another try came meanwhile: this stream is no longer awaited. */
  if (refusal->attempt != self->attempt)
    g_clear_error (&error);
  else
    {
      /* The server takes the token but not the stream (a proxy without WebSockets?):
       * all there is to say is the status. */
      if (checked_ok || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          g_clear_error (&error);
          error = ota_remote_status_error (self, refusal->msg, NULL);
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        {
          GError *refused = refused_error (self, error->message);

          g_error_free (error);
          error = refused;
        }
      stream_failed (self, error);
    }

  g_object_unref (refusal->msg);
  g_free (refusal);
}

/* libsoup keeps the body of a refused handshake to itself, and with it the server's own
 * words (a revoked token, too many connections): the token check again brings them. */
static void
explain_refusal (OtaRemoteBackend *self,
                 SoupMessage      *msg)
{
  OtaRemoteRefusal *refusal = g_new0 (OtaRemoteRefusal, 1);
  /* The first connection's caller may still give up on it. */
  GCancellable *caller = self->connect_task != NULL ? g_task_get_cancellable (self->connect_task) : NULL;

  refusal->attempt = self->attempt;
  refusal->msg = g_object_ref (msg);
  ota_remote_request (self, explain_refusal, &check_op, ota_remote_args_new (g_strdup (CHECK_PATH)),
                      caller, refusal_explained, refusal);
}

static void
stream_opened (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OtaRemoteHandshake *handshake = user_data;
  OtaRemoteBackend *self = handshake->self;
  SoupWebsocketConnection *conn;
  GError *error = NULL;
  guint status;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (self == NULL)
    {
      g_clear_object (&conn);
      g_clear_error (&error);
      handshake_free (handshake);
      return;
    }
  self->handshake = NULL;
  status = soup_message_get_status (handshake->msg);

  if (conn != NULL)
    attach (self, conn);
  else if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      /* Never followed: the token would go along to wherever it points. */
      stream_failed (self, ota_remote_status_error (self, handshake->msg, NULL));
      g_error_free (error);
    }
  else if (SOUP_STATUS_IS_CLIENT_ERROR (status) || SOUP_STATUS_IS_SERVER_ERROR (status))
    {
      explain_refusal (self, handshake->msg);
      g_error_free (error);
    }
  else
    stream_failed (self, ota_remote_network_error (self, error));

  handshake_free (handshake);
}

static void
caller_cancelled (GCancellable       *cancellable,
                  OtaRemoteHandshake *handshake)
{
  g_cancellable_cancel (handshake->cancellable);
}

static void
open_stream (OtaRemoteBackend *self)
{
  OtaRemoteHandshake *handshake = g_new0 (OtaRemoteHandshake, 1);
  g_autofree char *path = NULL;
  GCancellable *caller = self->connect_task != NULL ? g_task_get_cancellable (self->connect_task) : NULL;

  abandon_handshake (self);
  self->attempt++;
  path = self->have_seq ? g_strdup_printf ("/events?since=%" G_GUINT64_FORMAT, self->last_seq)
                        : g_strdup ("/events");

  handshake->self = self;
  handshake->msg = ota_remote_message_new (self, "GET", path);
  handshake->cancellable = g_cancellable_new ();
  if (caller != NULL)
    {
      handshake->caller_cancellable = g_object_ref (caller);
      handshake->caller_handler = g_cancellable_connect (caller, G_CALLBACK (caller_cancelled),
                                                         handshake, NULL);
    }
  self->handshake = handshake;

  soup_session_websocket_connect_async (self->session, handshake->msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        handshake->cancellable, stream_opened, handshake);
}

/* ---- Connecting ---------------------------------------------------------------------------------- */

static void
checked (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  OtaRemoteBackend *self = OTA_REMOTE_BACKEND (source);
  guint attempt = GPOINTER_TO_UINT (user_data) >> 1;
  gboolean whoami = (GPOINTER_TO_UINT (user_data) & 1) != 0;
  GError *error = NULL;

  ota_backend_task_finish_boolean (OTA_BACKEND (self), result, &error);
  /* disconnect() came meanwhile and ended this attempt, maybe followed by another
   * connect_async() whose own check is still on its way. */
  if (attempt != self->attempt || self->connect_task == NULL)
    {
      g_clear_error (&error);
      return;
    }

  if (whoami && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_clear_error (&error);
      ota_remote_request (self, ota_remote_backend_connect_async, &check_op,
                          ota_remote_args_new (g_strdup (CHECK_PATH_BEFORE)),
                          g_task_get_cancellable (self->connect_task), checked,
                          GUINT_TO_POINTER (attempt << 1));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      GError *refused = refused_error (self, error->message);

      g_error_free (error);
      error = refused;
    }
  if (error != NULL)
    stream_failed (self, error);
  else
    open_stream (self);
}

void
ota_remote_backend_connect_async (OtaRemoteBackend    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OTA_IS_REMOTE_BACKEND (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_remote_backend_connect_async);

  if (self->state == OTA_REMOTE_STATE_CONNECTED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->connect_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A connection to %s is already being made"), self->name);
      return;
    }

  /* Reconnecting by itself: this attempt takes over. */
  stop_retry (self);
  abandon_handshake (self);

  self->connect_task = g_steal_pointer (&task);
  self->attempt++;
  ota_remote_set_state (self, OTA_REMOTE_STATE_CONNECTING, NULL);
  ota_remote_notify_retry_in (self);
  /* The attempt, and in the lowest bit whether this is the /whoami check. */
  ota_remote_request (self, ota_remote_backend_connect_async, &check_op,
                      ota_remote_args_new (g_strdup (CHECK_PATH)), cancellable, checked,
                      GUINT_TO_POINTER ((self->attempt << 1) | 1));
}

gboolean
ota_remote_backend_connect_finish (OtaRemoteBackend  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (OTA_IS_REMOTE_BACKEND (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
stop_everything (OtaRemoteBackend *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  self->attempt++;
  stop_retry (self);
  abandon_handshake (self);
  detach (self);
  ota_remote_release_waiters (self, TRUE);
  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The connection to %s was closed"), self->name);
}

void
ota_remote_backend_disconnect (OtaRemoteBackend *self)
{
  g_return_if_fail (OTA_IS_REMOTE_BACKEND (self));

  stop_everything (self);
  ota_remote_set_state (self, OTA_REMOTE_STATE_DISCONNECTED, NULL);
  ota_remote_notify_retry_in (self);
}

void
ota_remote_backend_reconnect_now (OtaRemoteBackend *self)
{
  g_return_if_fail (OTA_IS_REMOTE_BACKEND (self));

  /* Not while a try is in progress: that one will tell soon enough. */
  if (self->state != OTA_REMOTE_STATE_RECONNECTING || self->retry_source == NULL)
    return;

  stop_retry (self);
  ota_remote_notify_retry_in (self);
  open_stream (self);
}

guint
ota_remote_backend_get_retry_in (OtaRemoteBackend *self)
{
  gint64 left;

  g_return_val_if_fail (OTA_IS_REMOTE_BACKEND (self), 0);

  if (self->state != OTA_REMOTE_STATE_RECONNECTING || self->retry_source == NULL)
    return 0;
  left = self->retry_at - g_get_monotonic_time ();
  return left <= 0 ? 0 : (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

void
ota_remote_connection_init (OtaRemoteBackend *self)
{
  self->state = OTA_REMOTE_STATE_DISCONNECTED;
  self->retry_seconds = 1;
  self->dead_after_ms = DEAD_AFTER_SECONDS * 1000;
  self->watchdog_ms = KEEPALIVE_SECONDS * 1000;
}

void
ota_remote_connection_dispose (OtaRemoteBackend *self)
{
  stop_everything (self);
}
