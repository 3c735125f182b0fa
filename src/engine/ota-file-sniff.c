/* ota-file-sniff.c — magic numbers and the tar header checksum (R-F8) */
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-error.h"
#include "ota-file-sniff.h"

#define TAR_BLOCK 512

static const struct {
  const char  *extension;
  OtaFileKind  kind;
} extensions[] = {
  /* ".tar.gz" must come before ".gz". */
  { ".tar.gz", OTA_FILE_KIND_TAR_GZ },
  { ".gzip", OTA_FILE_KIND_GZIP },
  { ".gz", OTA_FILE_KIND_GZIP },
  { ".tar", OTA_FILE_KIND_TAR },
  { ".zip", OTA_FILE_KIND_ZIP },
  { ".apk", OTA_FILE_KIND_ZIP },
  { ".bin", OTA_FILE_KIND_BIN },
};

gboolean
ota_file_kind_from_name (const char  *file_name,
                         OtaFileKind *kind)
{
  /* The extensions are ASCII; g_ascii_strdown also copes with names that are not UTF-8. */
  g_autofree char *lower = NULL;

  g_return_val_if_fail (kind != NULL, FALSE);

  if (file_name == NULL)
    return FALSE;

  lower = g_ascii_strdown (file_name, -1);
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i].extension))
      {
        *kind = extensions[i].kind;
        return TRUE;
      }

  return FALSE;
}

static gboolean
is_zip (const guint8 *head,
        gsize         length)
{
  /* A local file header, or the end-of-central-directory record of an empty archive. */
  return length >= 4 && head[0] == 'P' && head[1] == 'K' &&
         ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
}

static gboolean
is_gzip (const guint8 *head,
         gsize         length)
{
  /* Magic 1f 8b and compression method 8 (deflate), the only one gzip defines. */
  return length >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8;
}

/* The header checksum (bytes 148..155, octal) is the sum of the header's bytes with the
 * checksum field counted as spaces. ustar and v7 headers both have it; historic tars
 * summed signed chars, so either sum is accepted. */
static gboolean
is_tar (const guint8 *head,
        gsize         length)
{
  const guint8 *field = head + 148;
  guint64 stored = 0;
  guint digits = 0;
  guint64 unsigned_sum = 0;
  gint64 signed_sum = 0;
  guint i = 0;

  if (length < TAR_BLOCK)
    return FALSE;

  while (i < 8 && field[i] == ' ')
    i++;
  for (; i < 8 && field[i] >= '0' && field[i] <= '7'; i++, digits++)
    stored = stored * 8 + (field[i] - '0');
  for (; i < 8; i++)
    if (field[i] != ' ' && field[i] != '\0')
      return FALSE;
  if (digits == 0)
    return FALSE;

  for (i = 0; i < TAR_BLOCK; i++)
    {
      guint8 byte = (i >= 148 && i < 156) ? ' ' : head[i];

      unsigned_sum += byte;
      signed_sum += (gint8) byte;
    }

  return stored == unsigned_sum || (gint64) stored == signed_sum;
}

/* Inflates the start of a gzip stream into @out (TAR_BLOCK bytes); FALSE when the
 * stream is broken or ends before a whole block came out. */
static gboolean
inflate_first_block (const guint8 *head,
                     gsize         length,
                     guint8       *out)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  gsize in_pos = 0;
  gsize out_pos = 0;

  while (out_pos < TAR_BLOCK)
    {
      g_autoptr(GError) local_error = NULL;
      gsize bytes_read = 0;
      gsize bytes_written = 0;
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (decompressor),
                                    head + in_pos, length - in_pos,
                                    out + out_pos, TAR_BLOCK - out_pos,
                                    G_CONVERTER_NO_FLAGS, &bytes_read, &bytes_written,
                                    &local_error);
      if (result == G_CONVERTER_ERROR)
        return FALSE;

      in_pos += bytes_read;
      out_pos += bytes_written;

      if (result == G_CONVERTER_FINISHED || (bytes_read == 0 && bytes_written == 0))
        break;
    }

  return out_pos == TAR_BLOCK;
}

gboolean
ota_file_sniff_check (const char    *file_name,
                      const guint8  *head,
                      gsize          length,
                      GError       **error)
{
  OtaFileKind kind;
  guint8 block[TAR_BLOCK];

  g_return_val_if_fail (head != NULL || length == 0, FALSE);

  if (!ota_file_kind_from_name (file_name, &kind))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("Firmware file must end in .bin, .tar, .gz, .tar.gz, .zip, .gzip or .apk"));
      return FALSE;
    }

  switch (kind)
    {
    case OTA_FILE_KIND_BIN:
      return TRUE;

    case OTA_FILE_KIND_ZIP:
      if (is_zip (head, length))
        return TRUE;
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("“%s” is not a zip archive"), file_name);
      return FALSE;

    case OTA_FILE_KIND_GZIP:
      if (is_gzip (head, length))
        return TRUE;
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("“%s” is not a gzip file"), file_name);
      return FALSE;

    case OTA_FILE_KIND_TAR:
      if (is_tar (head, length))
        return TRUE;
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("“%s” is not a tar archive"), file_name);
      return FALSE;

    case OTA_FILE_KIND_TAR_GZ:
      if (!is_gzip (head, length))
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                               _("“%s” is not a gzip file"), file_name);
          return FALSE;
        }
      if (inflate_first_block (head, length, block) && is_tar (block, sizeof block))
        return TRUE;
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("“%s” is gzip-compressed but not a tar archive"), file_name);
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}
