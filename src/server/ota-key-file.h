/* ota-key-file.h — the server's key files: the master key from which device secrets
 * are derived, and the server's broker password
 *
 * A key file holds one line; its line ending is not part of the key
 * (docs/device-protocol.md, Broker configuration).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Creates @path with a new random key (mode 0600) unless it exists. */
gboolean  ota_key_file_ensure (const char  *path,
                               GError     **error);
/* Returns: (transfer full): the key in @path, or NULL with @error set (unreadable, or
 * no key on its first line). */
char     *ota_key_file_read   (const char  *path,
                               GError     **error);

/* Returns: (transfer full): the secret of device @device_name of @product_key, derived
 * from @master_key (docs/device-protocol.md, Device secrets are derived). */
char     *ota_key_derive_device_secret (const char *master_key,
                                        const char *product_key,
                                        const char *device_name);

G_END_DECLS
