/* ota-server-download.c — firmware files for devices, by signed and expiring URL
 *
 *   GET|HEAD /download/{firmware_id}/{file_name}?e=EXPIRY&s=SIGNATURE
 *
 * EXPIRY is in seconds since the epoch (the engine's clock); SIGNATURE the hex
 * HMAC-SHA256 over "{firmware_id}/{EXPIRY}" with the server's key (32 random bytes in
 * "server.key" beside the database, made at the first start). Devices need no token:
 * the URL is the permission, and it stops working when it expires.
 *
 * Answers are HTTP/1.1 with Content-Length (never chunked) and few, short header lines:
 * the devices' SDK reads at most 128 bytes per line. The file is mapped, not read, and
 * a range is a slice of the mapping.
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "ota-server-private.h"

#define KEY_FILE "server.key"

gboolean
ota_server_load_download_key (OtaServer   *self,
                              const char  *data_dir,
                              GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, KEY_FILE, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_file_get_contents (path, &contents, &length, NULL))
    {
      if (length != OTA_SERVER_KEY_BYTES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The download key %s must hold %d bytes"), path, OTA_SERVER_KEY_BYTES);
          return FALSE;
        }
      memcpy (self->download_key, contents, OTA_SERVER_KEY_BYTES);
      memset (contents, 0, length);
      return TRUE;
    }

  if (gnutls_rnd (GNUTLS_RND_KEY, self->download_key, OTA_SERVER_KEY_BYTES) < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot make a random download key"));
      return FALSE;
    }
  return g_file_set_contents_full (path, (const char *) self->download_key, OTA_SERVER_KEY_BYTES,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

static char *
sign (OtaServer *self,
      gint64     firmware_id,
      gint64     expiry)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, firmware_id, expiry);
  guint8 mac[32];
  GString *hex = g_string_sized_new (2 * sizeof mac);

  gnutls_hmac_fast (GNUTLS_MAC_SHA256, self->download_key, OTA_SERVER_KEY_BYTES,
                    text, strlen (text), mac);
  for (guint i = 0; i < sizeof mac; i++)
    g_string_append_printf (hex, "%02x", mac[i]);
  return g_string_free (hex, FALSE);
}

/* Compares without leaking where the first difference is. */
static gboolean
equal_secret (const char *a,
              const char *b)
{
  gsize length = strlen (a);
  guint8 diff = 0;

  if (length != strlen (b))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}

char *
ota_server_make_download_url (OtaServer   *self,
                              OtaFirmware *firmware,
                              const char  *host,
                              guint        port,
                              GTimeSpan    lifetime)
{
  gint64 expiry;
  g_autofree char *signature = NULL;
  g_autofree char *name = NULL;
  gboolean ipv6;

  g_return_val_if_fail (OTA_IS_SERVER (self), NULL);
  g_return_val_if_fail (OTA_IS_FIRMWARE (firmware), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  expiry = (ota_clock_get_now (ota_engine_get_clock (self->engine)) + lifetime) / G_USEC_PER_SEC;
  signature = sign (self, ota_firmware_get_id (firmware), expiry);
  name = g_uri_escape_string (ota_firmware_get_file_name (firmware), NULL, FALSE);
  ipv6 = strchr (host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%u/download/%" G_GINT64_FORMAT "/%s?e=%" G_GINT64_FORMAT "&s=%s",
                          self->https ? "https" : "http", ipv6 ? "[" : "", host, ipv6 ? "]" : "",
                          port, ota_firmware_get_id (firmware), name, expiry, signature);
}

/* ---- Ranges (RFC 7233, one range) --------------------------------------------------- */

typedef enum {
  RANGE_WHOLE,          /* no Range, or one we ignore (other units, several ranges) */
  RANGE_PART,
  RANGE_UNSATISFIABLE,
} RangeAnswer;

static gboolean
parse_offset (const char *text,
              guint64    *value)
{
  return *text != '\0' && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, value, NULL);
}

static RangeAnswer
parse_range (const char *header,
             guint64     size,
             guint64    *start,
             guint64    *end)
{
  g_autofree char *spec = NULL;
  char *dash;
  guint64 first, last;

  if (header == NULL || !g_str_has_prefix (header, "bytes="))
    return RANGE_WHOLE;
  spec = g_strstrip (g_strdup (header + strlen ("bytes=")));
  if (strchr (spec, ',') != NULL || (dash = strchr (spec, '-')) == NULL)
    return RANGE_WHOLE;
  *dash = '\0';

  if (*spec == '\0')
    {
      /* "bytes=-N": the last N bytes. */
      if (!parse_offset (dash + 1, &last))
        return RANGE_WHOLE;
      if (last == 0)
        return RANGE_UNSATISFIABLE;
      *start = last < size ? size - last : 0;
      *end = size - 1;
      return RANGE_PART;
    }

  if (!parse_offset (spec, &first))
    return RANGE_WHOLE;
  if (dash[1] == '\0')
    last = size - 1;
  else if (!parse_offset (dash + 1, &last) || last < first)
    return RANGE_WHOLE;
  if (first >= size)
    return RANGE_UNSATISFIABLE;

  *start = first;
  *end = MIN (last, size - 1);
  return RANGE_PART;
}

/* ---- The route ------------------------------------------------------------------------- */

static gboolean
forbidden (GError **error)
{
  g_set_error_literal (error, OTA_SERVER_ERROR, OTA_SERVER_ERROR_FORBIDDEN,
                       _("The download link has expired or is not valid"));
  return FALSE;
}

GBytes *
ota_server_map_file (const char  *path,
                     GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);

  return mapped != NULL ? g_mapped_file_get_bytes (mapped) : NULL;
}

static gboolean
download (OtaRequest  *request,
          GError     **error)
{
  OtaServer *self = request->server;
  const char *expiry_text = request->query != NULL ? g_hash_table_lookup (request->query, "e") : NULL;
  const char *signature = request->query != NULL ? g_hash_table_lookup (request->query, "s") : NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GBytes) contents = NULL;
  gint64 id, expiry;
  guint64 size, start = 0, end = 0;

  if (!ota_request_get_id (request, 0, "firmware", &id, error))
    return FALSE;
  if (expiry_text == NULL || signature == NULL ||
      !g_ascii_string_to_signed (expiry_text, 10, 0, G_MAXINT64, &expiry, NULL))
    return forbidden (error);

  expected = sign (self, id, expiry);
  if (!equal_secret (expected, signature) ||
      expiry < ota_clock_get_now (ota_engine_get_clock (self->engine)) / G_USEC_PER_SEC)
    return forbidden (error);

  firmware = ota_engine_get_firmware (self->engine, id, error);
  if (firmware == NULL)
    return FALSE;
  if (g_strcmp0 (ota_firmware_get_file_name (firmware), request->params[1]) != 0)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "file",
                           _("Firmware %s has no file named “%s”"), request->params[0], request->params[1]);
      return FALSE;
    }

  file = ota_engine_get_firmware_file (self->engine, firmware);
  path = g_file_get_path (file);
  contents = ota_server_map_file (path, error);
  if (contents == NULL)
    return FALSE;
  size = g_bytes_get_size (contents);

  request->content_type = g_strdup ("application/octet-stream");
  request->accept_ranges = TRUE;
  switch (parse_range (request->range, size, &start, &end))
    {
    case RANGE_WHOLE:
      request->status = SOUP_STATUS_OK;
      request->bytes = g_steal_pointer (&contents);
      break;

    case RANGE_PART:
      request->status = SOUP_STATUS_PARTIAL_CONTENT;
      request->content_range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                                                "/%" G_GUINT64_FORMAT, start, end, size);
      request->bytes = g_bytes_new_from_bytes (contents, start, end - start + 1);
      break;

    case RANGE_UNSATISFIABLE:
    default:
      request->status = SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE;
      request->content_range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, size);
      break;
    }
  return TRUE;
}

const OtaRoute ota_server_download_routes[] = {
  { "GET", "/download/*/*", download, OTA_ROUTE_PUBLIC, NULL },
  { NULL }
};
