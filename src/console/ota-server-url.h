/* ota-server-url.h — what a server's address says about the connection to it */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @url is plain http:// to another machine: the operator token and all data
 * cross the network in clear text. https://, and http:// to this machine (127.0.0.0/8,
 * ::1, localhost), are not; nor is something that is not a URL. */
gboolean ota_server_url_is_unencrypted (const char *url);

G_END_DECLS
