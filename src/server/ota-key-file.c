/* ota-key-file.c — the server's key files */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <unistd.h>

#include "ota-device-secret.h"
#include "ota-key-file.h"

#define KEY_BYTES 32
#define KEY_FILE_MAX 4096

gboolean
ota_key_file_ensure (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *line = NULL;
  guint8 random[KEY_BYTES];
  gsize written = 0, length;
  int fd;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  /* A key, not a nonce: GLib's random numbers are not meant for secrets. */
  if (gnutls_rnd (GNUTLS_RND_KEY, random, sizeof random) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot make a random key for %s"), path);
      return FALSE;
    }
  /* base64 has no line break or '\r', so the whole text is the key. */
  {
    g_autofree char *encoded = g_base64_encode (random, sizeof random);

    line = g_strconcat (encoded, "\n", NULL);
  }
  length = strlen (line);

  /* O_EXCL: two servers starting at once must not write two different keys. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == EEXIST)
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the key file %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  while (written < length)
    {
      gssize n = write (fd, line + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          close (fd);
          g_unlink (path);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot write the key file %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      written += (gsize) n;
    }

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot write the key file %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

char *
ota_key_file_read (const char  *path,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0, key_length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  key_length = ota_device_key_line_length (contents, MIN (length, KEY_FILE_MAX));
  if (key_length == 0 || length > KEY_FILE_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The key file %s must hold one line of at most %d bytes"), path, KEY_FILE_MAX);
      return NULL;
    }

  return g_strndup (contents, key_length);
}

char *
ota_key_derive_device_secret (const char *master_key,
                              const char *product_key,
                              const char *device_name)
{
  char secret[OTA_DEVICE_SECRET_LEN + 1];

  if (ota_device_secret_derive (master_key, strlen (master_key), product_key, device_name, secret) != 0)
    return NULL;
  return g_strdup (secret);
}
