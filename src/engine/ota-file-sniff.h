/* ota-file-sniff.h — does a firmware file's content match its extension? (R-F8)
 *
 * Only the first bytes of the file are looked at, so the check runs on the first chunk
 * read while the file is streamed into the blob store: the file is never read twice.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  OTA_FILE_KIND_BIN,      /* anything goes */
  OTA_FILE_KIND_TAR,
  OTA_FILE_KIND_GZIP,     /* .gz, .gzip */
  OTA_FILE_KIND_TAR_GZ,
  OTA_FILE_KIND_ZIP,      /* .zip, .apk */
} OtaFileKind;

/* The kind a firmware file name promises, from its extension (any letter case,
 * ".tar.gz" before ".gz"). FALSE when the extension is not one of R-F8's. */
gboolean ota_file_kind_from_name (const char   *file_name,
                                  OtaFileKind  *kind);

/* Checks that @head, the first bytes of the file called @file_name (a few KiB are
 * plenty; all of it when the file is shorter), looks like what the extension promises. Fails with OTA_ERROR_INVALID_FIELD, field "file", saying what the
 * content is not. */
gboolean ota_file_sniff_check    (const char   *file_name,
                                  const guint8 *head,
                                  gsize         length,
                                  GError      **error);

G_END_DECLS
