/* ota-server-url.c — what a server's address says about the connection to it */
#include <gio/gio.h>

#include "ota-server-url.h"

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  /* Names resolve to this machine only by convention: "localhost" (RFC 6761). */
  return g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0;
}

gboolean
ota_server_url_is_unencrypted (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  host = g_uri_get_host (uri);
  return host != NULL && *host != '\0' && !is_loopback (host);
}
