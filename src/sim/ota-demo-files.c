/* ota-demo-files.c — demo firmware files of the right type
 *
 * The engine sniffs a file's content against its extension (R-F8), so the demo needs a
 * real zip and a real gzip-compressed tar. Both are small and hand-assembled: one stored
 * (uncompressed) zip entry; a ustar archive compressed with GIO's zlib converter. Fixed
 * timestamps keep the bytes identical for the same seed.
 */
#include <gio/gio.h>
#include <string.h>

#include "ota-demo-files.h"

/* 2026-01-01 00:00:00 UTC */
#define DEMO_MTIME 1767225600

static GBytes *
make_image (const char *version,
            gsize       payload_size,
            GRand      *rand)
{
  g_autoptr(GByteArray) image = g_byte_array_sized_new (payload_size + 64);
  g_autofree char *header = g_strdup_printf ("OTAFW1\n%s\n", version);

  g_byte_array_append (image, (const guint8 *) header, strlen (header));
  while (image->len < payload_size)
    {
      guint32 word = g_rand_int (rand);

      g_byte_array_append (image, (const guint8 *) &word, MIN (sizeof word, payload_size - image->len));
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&image));
}

/* CRC-32 (IEEE 802.3, reflected), as zip wants it. Bitwise: the files are small. */
static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xFFFFFFFFu;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }

  return crc ^ 0xFFFFFFFFu;
}

static void
put16 (GByteArray *out,
       guint16     value)
{
  guint8 b[2] = { value & 0xFF, value >> 8 };

  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out,
       guint32     value)
{
  guint8 b[4] = { value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, value >> 24 };

  g_byte_array_append (out, b, 4);
}

/* Header fields shared by the local and the central entry, from "version needed" on. */
static void
put_zip_entry_fields (GByteArray *out,
                      guint32     crc,
                      guint32     size,
                      const char *name)
{
  put16 (out, 10);                 /* version needed: 1.0, stored */
  put16 (out, 0);                  /* flags */
  put16 (out, 0);                  /* method: stored */
  put16 (out, 0);                  /* DOS time 00:00:00 */
  put16 (out, (46 << 9) | (1 << 5) | 1);  /* DOS date 2026-01-01 */
  put32 (out, crc);
  put32 (out, size);               /* compressed size */
  put32 (out, size);               /* uncompressed size */
  put16 (out, strlen (name));
  put16 (out, 0);                  /* extra field length */
}

static GBytes *
make_zip (const char *entry_name,
          GBytes     *content)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (content, &size);
  guint32 crc = crc32_of (data, size);
  guint32 central_offset, central_size;

  put32 (out, 0x04034b50);         /* local file header */
  put_zip_entry_fields (out, crc, size, entry_name);
  g_byte_array_append (out, (const guint8 *) entry_name, strlen (entry_name));
  g_byte_array_append (out, data, size);

  central_offset = out->len;
  put32 (out, 0x02014b50);         /* central directory header */
  put16 (out, (3 << 8) | 20);      /* made by: Unix, zip 2.0 */
  put_zip_entry_fields (out, crc, size, entry_name);
  put16 (out, 0);                  /* comment length */
  put16 (out, 0);                  /* disk number */
  put16 (out, 0);                  /* internal attributes */
  put32 (out, 0100644u << 16);     /* external attributes: a regular file, rw-r--r-- */
  put32 (out, 0);                  /* offset of the local header */
  g_byte_array_append (out, (const guint8 *) entry_name, strlen (entry_name));

  central_size = out->len - central_offset;
  put32 (out, 0x06054b50);         /* end of central directory */
  put16 (out, 0);                  /* this disk */
  put16 (out, 0);                  /* disk of the central directory */
  put16 (out, 1);                  /* entries on this disk */
  put16 (out, 1);                  /* entries */
  put32 (out, central_size);
  put32 (out, central_offset);
  put16 (out, 0);                  /* comment length */

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* One ustar member: a 512-byte header, then the data padded to 512 bytes. */
static void
append_tar_member (GByteArray *out,
                   const char *name,
                   GBytes     *content)
{
  guint8 header[512] = { 0 };
  gsize size;
  const guint8 *data = g_bytes_get_data (content, &size);
  guint checksum = 0;
  static const guint8 zeros[512] = { 0 };

  g_strlcpy ((char *) header, name, 100);
  memcpy (header + 100, "0000644", 8);
  memcpy (header + 108, "0000000", 8);
  memcpy (header + 116, "0000000", 8);
  g_snprintf ((char *) header + 124, 12, "%011" G_GSIZE_MODIFIER "o", size);
  g_snprintf ((char *) header + 136, 12, "%011o", (unsigned) DEMO_MTIME);
  memset (header + 148, ' ', 8);   /* the checksum counts its own field as spaces */
  header[156] = '0';               /* a regular file */
  memcpy (header + 257, "ustar", 6);
  memcpy (header + 263, "00", 2);
  g_strlcpy ((char *) header + 265, "ota", 32);
  g_strlcpy ((char *) header + 297, "ota", 32);

  for (guint i = 0; i < sizeof header; i++)
    checksum += header[i];
  g_snprintf ((char *) header + 148, 8, "%06o", checksum);
  header[155] = ' ';

  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, data, size);
  if (size % 512 != 0)
    g_byte_array_append (out, zeros, 512 - size % 512);
}

static GBytes *
make_tar_gz (const char *version,
             GBytes     *image,
             GError    **error)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autofree char *manifest_text = g_strdup_printf ("version=%s\nimage=firmware.bin\n", version);
  g_autoptr(GBytes) manifest = g_bytes_new (manifest_text, strlen (manifest_text));
  static const guint8 zeros[1024] = { 0 };
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) gzip = NULL;

  append_tar_member (tar, "manifest.txt", manifest);
  append_tar_member (tar, "firmware.bin", image);
  g_byte_array_append (tar, zeros, sizeof zeros);   /* two empty blocks end the archive */

  gzip = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  if (!g_output_stream_write_all (gzip, tar->data, tar->len, NULL, NULL, error) ||
      !g_output_stream_close (gzip, NULL, error))
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

gboolean
ota_demo_write_firmware_file (const char  *path,
                              const char  *version,
                              gsize        payload_size,
                              GRand       *rand,
                              GError     **error)
{
  g_autoptr(GBytes) image = make_image (version, payload_size, rand);
  g_autoptr(GBytes) contents = NULL;
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".zip"))
    contents = make_zip ("firmware.bin", image);
  else if (g_str_has_suffix (lower, ".tar.gz"))
    contents = make_tar_gz (version, image, error);
  else
    contents = g_bytes_ref (image);

  if (contents == NULL)
    return FALSE;

  return g_file_set_contents (path, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents), error);
}
