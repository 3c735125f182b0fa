/* ota-server.c — the server object: the SoupServer, listening, TLS, limits */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"

G_DEFINE_QUARK (ota-server-error-quark, ota_server_error)

G_DEFINE_FINAL_TYPE (OtaServer, ota_server, G_TYPE_OBJECT)

static void
ota_server_dispose (GObject *object)
{
  OtaServer *self = OTA_SERVER (object);

  ota_server_scheduler_stop (self);
  ota_server_events_dispose (self);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (ota_server_parent_class)->dispose (object);
}

static void
ota_server_finalize (GObject *object)
{
  OtaServer *self = OTA_SERVER (object);

  g_clear_pointer (&self->due_scheduler, ota_due_scheduler_free);
  memset (self->download_key, 0, sizeof self->download_key);
  g_free (self->blob_dir);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ota_server_parent_class)->finalize (object);
}

static void
ota_server_class_init (OtaServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_server_dispose;
  object_class->finalize = ota_server_finalize;
}

static void
ota_server_init (OtaServer *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->max_upload = OTA_SERVER_MAX_UPLOAD;
  self->max_connections = OTA_SERVER_DEFAULT_MAX_CONNECTIONS;
  self->event_ring_size = OTA_SERVER_DEFAULT_EVENT_RING;
  self->token_check_ms = OTA_SERVER_DEFAULT_TOKEN_CHECK_MS;
}

/**
 * ota_server_new:
 * @engine: the engine to serve
 *
 * Returns: (transfer full): a server that does not listen yet, or %NULL when the
 *   download key could not be read or made
 */
OtaServer *
ota_server_new (OtaEngine  *engine,
                GError    **error)
{
  g_autoptr(OtaServer) self = NULL;
  OtaStore *store;
  g_autofree char *data_dir = NULL;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), NULL);

  self = g_object_new (OTA_TYPE_SERVER, NULL);
  self->engine = g_object_ref (engine);
  store = ota_engine_get_store (engine);
  self->blob_dir = g_strdup (ota_store_get_blob_dir (store));
  data_dir = g_path_get_dirname (ota_store_get_path (store));

  if (!ota_server_load_download_key (self, data_dir, error))
    return NULL;
  ota_upload_remove_stale (self->blob_dir);

  /* No "Server:" header: devices' HTTP clients have small header buffers. */
  self->soup = soup_server_new ("server-header", NULL, NULL);
  ota_server_router_init (self);
  ota_server_events_init (self);
  ota_server_scheduler_start (self);

  return g_steal_pointer (&self);
}

OtaEngine *
ota_server_get_engine (OtaServer *self)
{
  g_return_val_if_fail (OTA_IS_SERVER (self), NULL);
  return self->engine;
}

gboolean
ota_server_set_tls_files (OtaServer   *self,
                          const char  *cert_file,
                          const char  *key_file,
                          GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;

  g_return_val_if_fail (OTA_IS_SERVER (self), FALSE);

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);
  if (certificate == NULL)
    return FALSE;

  soup_server_set_tls_certificate (self->soup, certificate);
  self->https = TRUE;
  return TRUE;
}

void
ota_server_set_max_connections (OtaServer *self,
                                guint      max_connections)
{
  g_return_if_fail (OTA_IS_SERVER (self));
  self->max_connections = MAX (max_connections, 1);
}

void
ota_server_set_max_upload_size (OtaServer *self,
                                guint64    max_size)
{
  g_return_if_fail (OTA_IS_SERVER (self));
  self->max_upload = max_size;
}

void
ota_server_set_event_ring_size (OtaServer *self,
                                guint      size)
{
  g_return_if_fail (OTA_IS_SERVER (self));
  self->event_ring_size = MAX (size, 1);
}

void
ota_server_set_token_check_interval (OtaServer *self,
                                     guint      interval_ms)
{
  g_return_if_fail (OTA_IS_SERVER (self));
  self->token_check_ms = MAX (interval_ms, 1);
  ota_server_events_rearm_token_check (self);
}

gboolean
ota_server_listen (OtaServer   *self,
                   const char  *address,
                   guint        port,
                   GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *listeners;

  g_return_val_if_fail (OTA_IS_SERVER (self), FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || port > G_MAXUINT16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot listen on “%s” port %u: give an IP address and a port up to 65535"),
                   address, port);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  if (!soup_server_listen (self->soup, socket_address, self->https ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (l->data, NULL);

      if (local != NULL && G_IS_INET_SOCKET_ADDRESS (local))
        self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);

  return TRUE;
}

guint
ota_server_get_port (OtaServer *self)
{
  g_return_val_if_fail (OTA_IS_SERVER (self), 0);
  return self->port;
}

gboolean
ota_server_is_https (OtaServer *self)
{
  g_return_val_if_fail (OTA_IS_SERVER (self), FALSE);
  return self->https;
}

void
ota_server_stop (OtaServer *self)
{
  g_return_if_fail (OTA_IS_SERVER (self));

  ota_server_events_dispose (self);
  soup_server_disconnect (self->soup);
  self->port = 0;
}

void
ota_server_connection_begin (OtaServer *self)
{
  self->n_active++;
}

void
ota_server_connection_end (OtaServer *self)
{
  g_return_if_fail (self->n_active > 0);
  self->n_active--;
}
