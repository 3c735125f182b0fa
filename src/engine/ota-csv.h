/* ota-csv.h — streaming RFC 4180 CSV: a record reader over a GInputStream and a field
 * writer
 *
 * The reader handles quoted fields (with "" for a quote and line breaks inside), CRLF,
 * LF or CR line ends, skips a UTF-8 byte order mark, and knows the line each record
 * starts on, for error messages. It keeps one record in memory, never the file: fields
 * are valid until the next call of ota_csv_reader_next().
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _OtaCsvReader OtaCsvReader;

OtaCsvReader *ota_csv_reader_new            (GInputStream   *stream);
void          ota_csv_reader_free           (OtaCsvReader   *self);

/* Reads the next record. Returns FALSE at the end of the input (@error unset) or on a
 * read or syntax error (@error set, its message naming the line). */
gboolean      ota_csv_reader_next           (OtaCsvReader   *self,
                                             GCancellable   *cancellable,
                                             GError        **error);
guint         ota_csv_reader_get_n_fields   (OtaCsvReader   *self);
/* The field's text, NUL-terminated; the caller may change it in place (not beyond its
 * length) until the next record. */
char         *ota_csv_reader_get_field      (OtaCsvReader   *self,
                                             guint           index);
gsize         ota_csv_reader_get_field_length (OtaCsvReader *self,
                                             guint           index);
/* The line (from 1) the current record starts on. */
guint64       ota_csv_reader_get_line       (OtaCsvReader   *self);
/* Bytes read from the stream so far. */
guint64       ota_csv_reader_get_bytes_read (OtaCsvReader   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaCsvReader, ota_csv_reader_free)

/* Appends @field to @out, quoted when it holds a comma, a quote or a line break. */
void          ota_csv_append_field          (GString        *out,
                                             const char     *field);

G_END_DECLS
