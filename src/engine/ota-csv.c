/* ota-csv.c — streaming RFC 4180 CSV reader and field writer
 *
 * The reader scans its 64 KiB buffer with a byte table instead of reading character by
 * character through GDataInputStream: a million-row import spends its time in SQLite,
 * not here.
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-csv.h"
#include "ota-error.h"

#define CHUNK_SIZE 65536

struct _OtaCsvReader
{
  GInputStream *stream;

  char         *buf;          /* CHUNK_SIZE bytes read ahead */
  gsize         buf_len;
  gsize         buf_pos;
  gboolean      eof;
  gboolean      started;      /* the byte order mark was looked for */
  gboolean      pending_cr;   /* the last record ended in CR: skip an LF that follows */

  char         *rec;          /* the current record's fields, each NUL-terminated */
  gsize         rec_len;
  gsize         rec_alloc;
  gsize        *starts;       /* offset of each field in rec */
  guint         n_fields;
  guint         starts_alloc;

  guint64       line;         /* line of the next byte, from 1 */
  guint64       record_line;
  guint64       bytes_read;
};

/* Bytes that end an unquoted run: separator, quote, line ends. */
static const guint8 special[256] = {
  [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1,
};

OtaCsvReader *
ota_csv_reader_new (GInputStream *stream)
{
  OtaCsvReader *self = g_new0 (OtaCsvReader, 1);

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self->stream = g_object_ref (stream);
  self->buf = g_malloc (CHUNK_SIZE);
  self->rec_alloc = 256;
  self->rec = g_malloc (self->rec_alloc);
  self->starts_alloc = 8;
  self->starts = g_new (gsize, self->starts_alloc);
  self->line = 1;
  return self;
}

void
ota_csv_reader_free (OtaCsvReader *self)
{
  if (self == NULL)
    return;

  g_object_unref (self->stream);
  g_free (self->buf);
  g_free (self->rec);
  g_free (self->starts);
  g_free (self);
}

static gboolean
refill (OtaCsvReader  *self,
        GCancellable  *cancellable,
        GError       **error)
{
  gssize n;

  if (self->eof)
    return TRUE;

  n = g_input_stream_read (self->stream, self->buf, CHUNK_SIZE, cancellable, error);
  if (n < 0)
    return FALSE;

  self->buf_len = (gsize) n;
  self->buf_pos = 0;
  self->bytes_read += (guint64) n;
  self->eof = n == 0;
  return TRUE;
}

static inline void
rec_append (OtaCsvReader *self,
            const char   *data,
            gsize         len)
{
  if (self->rec_len + len + 1 > self->rec_alloc)
    {
      while (self->rec_len + len + 1 > self->rec_alloc)
        self->rec_alloc *= 2;
      self->rec = g_realloc (self->rec, self->rec_alloc);
    }

  memcpy (self->rec + self->rec_len, data, len);
  self->rec_len += len;
}

static inline void
field_begin (OtaCsvReader *self)
{
  if (self->n_fields == self->starts_alloc)
    {
      self->starts_alloc *= 2;
      self->starts = g_renew (gsize, self->starts, self->starts_alloc);
    }

  self->starts[self->n_fields++] = self->rec_len;
}

static inline void
field_end (OtaCsvReader *self)
{
  rec_append (self, "", 1);
}

static void
count_lines (OtaCsvReader *self,
             const char   *data,
             gsize         len)
{
  const char *end = data + len;

  while ((data = memchr (data, '\n', (gsize) (end - data))) != NULL)
    {
      self->line++;
      data++;
    }
}

/* Skips a UTF-8 byte order mark and an LF left over from a CRLF. */
static gboolean
skip_prefix (OtaCsvReader  *self,
             GCancellable  *cancellable,
             GError       **error)
{
  if (!self->started)
    {
      self->started = TRUE;
      /* Pipes may return fewer bytes than asked: read until the BOM can be seen. */
      while (self->buf_len < 3)
        {
          gssize n = g_input_stream_read (self->stream, self->buf + self->buf_len,
                                          CHUNK_SIZE - self->buf_len, cancellable, error);
          if (n < 0)
            return FALSE;
          if (n == 0)
            break;
          self->buf_len += (gsize) n;
          self->bytes_read += (guint64) n;
        }
      self->eof = self->buf_len == 0;
      if (self->buf_len >= 3 && memcmp (self->buf, "\xEF\xBB\xBF", 3) == 0)
        self->buf_pos = 3;
    }

  if (self->buf_pos == self->buf_len && !refill (self, cancellable, error))
    return FALSE;

  if (self->pending_cr)
    {
      self->pending_cr = FALSE;
      if (self->buf_pos < self->buf_len && self->buf[self->buf_pos] == '\n')
        self->buf_pos++;
      if (self->buf_pos == self->buf_len && !refill (self, cancellable, error))
        return FALSE;
    }

  return TRUE;
}

static void
end_line (OtaCsvReader *self,
          char          c)
{
  self->buf_pos++;
  self->line++;
  self->pending_cr = c == '\r';
  field_end (self);
}

/**
 * ota_csv_reader_next:
 *
 * Reads one record. A record that ends the file without a line break counts; an empty
 * file has no records.
 */
gboolean
ota_csv_reader_next (OtaCsvReader  *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  enum { FIELD_START, UNQUOTED, QUOTED, AFTER_QUOTE } state = FIELD_START;
  guint64 quote_line = 0;

  self->rec_len = 0;
  self->n_fields = 0;

  if (!skip_prefix (self, cancellable, error))
    return FALSE;
  if (self->eof)
    return FALSE;

  self->record_line = self->line;
  field_begin (self);

  for (;;)
    {
      const char *p, *end, *q;

      if (self->buf_pos == self->buf_len)
        {
          if (!refill (self, cancellable, error))
            return FALSE;
          if (self->eof)
            {
              if (state == QUOTED)
                {
                  ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                                       _("Line %" PRIu64 ": the quoted field that "
                                         "starts here has no closing quote"), quote_line);
                  return FALSE;
                }
              field_end (self);
              return TRUE;
            }
        }

      p = self->buf + self->buf_pos;
      end = self->buf + self->buf_len;

      switch (state)
        {
        case FIELD_START:
          if (*p == '"')
            {
              self->buf_pos++;
              quote_line = self->line;
              state = QUOTED;
              break;
            }
          state = UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case UNQUOTED:
          for (q = p; q < end && !special[(guchar) *q]; q++)
            ;
          rec_append (self, p, (gsize) (q - p));
          self->buf_pos = (gsize) (q - self->buf);
          if (q == end)
            break;

          switch (*q)
            {
            case ',':
              self->buf_pos++;
              field_end (self);
              field_begin (self);
              state = FIELD_START;
              break;
            case '"':
              ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                                   _("Line %" PRIu64 ": a quote inside a field "
                                     "that does not start with a quote; quote the whole "
                                     "field and write the quote twice"), self->line);
              return FALSE;
            default:
              end_line (self, *q);
              return TRUE;
            }
          break;

        case QUOTED:
          q = memchr (p, '"', (gsize) (end - p));
          if (q == NULL)
            q = end;
          rec_append (self, p, (gsize) (q - p));
          count_lines (self, p, (gsize) (q - p));
          self->buf_pos = (gsize) (q - self->buf);
          if (q < end)
            {
              self->buf_pos++;
              state = AFTER_QUOTE;
            }
          break;

        case AFTER_QUOTE:
          switch (*p)
            {
            case '"':
              rec_append (self, "\"", 1);
              self->buf_pos++;
              state = QUOTED;
              break;
            case ',':
              self->buf_pos++;
              field_end (self);
              field_begin (self);
              state = FIELD_START;
              break;
            case '\n':
            case '\r':
              end_line (self, *p);
              return TRUE;
            default:
              ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                                   _("Line %" PRIu64 ": text after the closing "
                                     "quote of a field; a quote inside a quoted field is "
                                     "written twice"), self->line);
              return FALSE;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

guint
ota_csv_reader_get_n_fields (OtaCsvReader *self)
{
  return self->n_fields;
}

char *
ota_csv_reader_get_field (OtaCsvReader *self,
                          guint         index)
{
  g_return_val_if_fail (index < self->n_fields, NULL);
  return self->rec + self->starts[index];
}

gsize
ota_csv_reader_get_field_length (OtaCsvReader *self,
                                 guint         index)
{
  gsize end;

  g_return_val_if_fail (index < self->n_fields, 0);

  end = index + 1 < self->n_fields ? self->starts[index + 1] : self->rec_len;
  return end - self->starts[index] - 1;
}

guint64
ota_csv_reader_get_line (OtaCsvReader *self)
{
  return self->record_line;
}

guint64
ota_csv_reader_get_bytes_read (OtaCsvReader *self)
{
  return self->bytes_read;
}

void
ota_csv_append_field (GString    *out,
                      const char *field)
{
  if (field == NULL)
    return;

  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}
