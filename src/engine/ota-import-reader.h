/* ota-import-reader.h — the rows of a device CSV file, parsed and checked ahead on a
 * thread of their own (engine-private)
 *
 * The format: a header line "product,device,province,city,versions,online", then one
 * device per line; versions as "module=version;module=version" (may be empty), online
 * as yes/no/true/false/1/0 or empty (no). Blank lines are skipped.
 *
 * Every field is checked here except what needs the database (does the product exist,
 * is the device named twice). Reading and checking run on a second thread while the
 * caller writes the previous rows to the database: on two cores, an import costs
 * what its SQL costs.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OTA_IMPORT_HEADER "product,device,province,city,versions,online"

typedef struct {
  const char *module;
  const char *version;
} OtaImportReport;

typedef struct {
  guint64                line;
  const char            *product;    /* a valid product key, maybe of no product */
  const char            *name;
  const char            *province;   /* "" when unknown */
  const char            *city;
  gboolean               online;
  guint                  n_reports;
  const OtaImportReport *reports;
} OtaImportRow;

typedef struct _OtaImportReader OtaImportReader;

/* Checks the header line, then starts reading rows ahead. */
OtaImportReader    *ota_import_reader_new            (GInputStream      *stream,
                                                      GCancellable      *cancellable,
                                                      GError           **error);
/* The next row, valid until the next call; NULL at the end (@error unset) or at the
 * first bad row or read error (@error set, its message starting "Line N: "). */
const OtaImportRow *ota_import_reader_next           (OtaImportReader   *self,
                                                      GError           **error);
/* Bytes of the stream read for the rows handed out so far. */
guint64             ota_import_reader_get_bytes_read (OtaImportReader   *self);
/* Stops the reading thread. */
void                ota_import_reader_free           (OtaImportReader   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaImportReader, ota_import_reader_free)

/* Sets @error to "Line N: <cause's message>" with the cause's code and field; frees
 * @cause. Returns FALSE. */
gboolean            ota_import_row_error             (GError          **error,
                                                      guint64           line,
                                                      GError           *cause);

G_END_DECLS
