/* ota-import-reader.c — device CSV rows, parsed and checked on a thread of their own
 *
 * The thread fills blocks of rows and hands them over through a queue; the caller
 * gives each block back when it is done with it. A fixed set of blocks goes round, so
 * memory stays a few hundred KiB whatever the size of the file, and nothing is
 * allocated per row.
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-csv.h"
#include "ota-error.h"
#include "ota-import-reader.h"
#include "ota-validate.h"

enum {
  COL_PRODUCT,
  COL_DEVICE,
  COL_PROVINCE,
  COL_CITY,
  COL_VERSIONS,
  COL_ONLINE,
  N_COLUMNS
};

static const char * const column_names[N_COLUMNS] = {
  "product", "device", "province", "city", "versions", "online"
};

#define BLOCK_ROWS 1024
#define N_BLOCKS 4

/* A row inside a block: offsets into the block's text. */
typedef struct {
  guint64  line;
  guint32  product;
  guint32  name;
  guint32  province;
  guint32  city;
  guint32  first_report;   /* index into the block's reports */
  guint32  n_reports;
  gboolean online;
} Slot;

typedef struct {
  GString  *text;          /* every field of the rows, each NUL-terminated */
  GArray   *reports;       /* guint32 pairs: module and version offsets */
  Slot      slots[BLOCK_ROWS];
  guint     n_slots;
  guint64   bytes_read;    /* stream position after the block's last row */
  GError   *error;         /* reading stopped after the slots with this error */
  gboolean  last;
} Block;

struct _OtaImportReader
{
  OtaCsvReader    *csv;
  GCancellable    *cancellable;    /* ours: stops a read in progress when freed */
  GCancellable    *caller_cancellable;
  gulong           cancelled_id;
  GThread         *thread;
  GAsyncQueue     *filled;
  GAsyncQueue     *empty;
  gint             stop;
  Block            blocks[N_BLOCKS];

  Block           *current;        /* the block the caller reads from */
  guint            next_slot;
  gboolean         finished;
  OtaImportRow     row;
  GArray          *row_reports;    /* OtaImportReport of row */
};

gboolean
ota_import_row_error (GError  **error,
                      guint64   line,
                      GError   *cause)
{
  ota_error_set_field (error, cause->domain == OTA_ERROR ? (OtaErrorCode) cause->code
                                                         : OTA_ERROR_INVALID_FIELD,
                       ota_error_get_field (cause),
                       _("Line %" PRIu64 ": %s"), line, cause->message);
  g_error_free (cause);
  return FALSE;
}

static guint32
block_add (Block      *block,
           const char *text)
{
  guint32 offset = (guint32) block->text->len;

  g_string_append_len (block->text, text, (gssize) strlen (text) + 1);
  return offset;
}

static const char *
block_text (Block   *block,
            guint32  offset)
{
  return block->text->str + offset;
}

static gboolean
check_product_key (const char  *key,
                   GError     **error)
{
  g_autoptr(GError) invalid = NULL;

  if (ota_validate_product_key (key, &invalid))
    return TRUE;

  ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "product", "%s", invalid->message);
  return FALSE;
}

/* "module=version;…" into the block's reports; the field is split in place. */
static gboolean
parse_versions (Block   *block,
                Slot    *slot,
                char    *text,
                GError **error)
{
  slot->first_report = block->reports->len / 2;
  slot->n_reports = 0;

  if (*text == '\0')
    return TRUE;

  for (char *item = text; item != NULL;)
    {
      char *next = strchr (item, ';');
      char *eq;
      guint32 offsets[2];

      if (next != NULL)
        *next++ = '\0';

      eq = strchr (item, '=');
      if (eq == NULL)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "versions",
                               _("Versions must be written as module=version, separated by "
                                 "“;”, for example default=1.0.2;wifi=2.1"));
          return FALSE;
        }
      *eq = '\0';

      if (!ota_validate_module (item, error) ||
          !ota_validate_version (eq + 1, "version", error))
        return FALSE;

      for (guint i = 0; i < slot->n_reports; i++)
        {
          guint32 module = g_array_index (block->reports, guint32, 2 * (slot->first_report + i));

          if (strcmp (block_text (block, module), item) == 0)
            {
              ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "versions",
                                   _("Versions name module “%s” twice"), item);
              return FALSE;
            }
        }

      offsets[0] = block_add (block, item);
      offsets[1] = block_add (block, eq + 1);
      g_array_append_vals (block->reports, offsets, 2);
      slot->n_reports++;
      item = next;
    }

  return TRUE;
}

static gboolean
parse_online (const char  *text,
              gboolean    *online,
              GError     **error)
{
  static const char * const yes[] = { "yes", "true", "1" };
  static const char * const no[] = { "no", "false", "0", "" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (text, yes[i]) == 0)
      {
        *online = TRUE;
        return TRUE;
      }

  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_ascii_strcasecmp (text, no[i]) == 0)
      {
        *online = FALSE;
        return TRUE;
      }

  ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "online",
                       _("Online must be yes, no, true, false, 1, 0 or empty (no)"));
  return FALSE;
}

/* Checks the fields of the CSV reader's current record, in column order, and copies
 * them into @block. */
static gboolean
parse_row (OtaCsvReader  *csv,
           Block         *block,
           GError       **error)
{
  Slot *slot = &block->slots[block->n_slots];
  guint64 line = ota_csv_reader_get_line (csv);
  guint n_fields = ota_csv_reader_get_n_fields (csv);
  const char *product, *name, *province, *city;
  GError *cause = NULL;

  if (n_fields != N_COLUMNS)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("Line %" PRIu64 ": %u fields; each line must have "
                             "%u: “%s”"),
                           line, n_fields, N_COLUMNS, OTA_IMPORT_HEADER);
      return FALSE;
    }

  product = ota_csv_reader_get_field (csv, COL_PRODUCT);
  name = ota_csv_reader_get_field (csv, COL_DEVICE);
  province = ota_csv_reader_get_field (csv, COL_PROVINCE);
  city = ota_csv_reader_get_field (csv, COL_CITY);

  if (!check_product_key (product, &cause) ||
      !ota_validate_device_name (name, &cause) ||
      !ota_validate_region (province, city, &cause) ||
      !parse_versions (block, slot, ota_csv_reader_get_field (csv, COL_VERSIONS), &cause) ||
      !parse_online (ota_csv_reader_get_field (csv, COL_ONLINE), &slot->online, &cause))
    return ota_import_row_error (error, line, cause);

  slot->line = line;
  slot->product = block_add (block, product);
  slot->name = block_add (block, name);
  slot->province = block_add (block, province);
  slot->city = block_add (block, city);
  block->n_slots++;
  return TRUE;
}

static gboolean
is_blank_line (OtaCsvReader *csv)
{
  return ota_csv_reader_get_n_fields (csv) == 1 &&
         ota_csv_reader_get_field_length (csv, 0) == 0;
}

/* Fills @block; TRUE when it is the last one (end of file or an error). */
static gboolean
fill_block (OtaImportReader *self,
            Block           *block)
{
  g_string_truncate (block->text, 0);
  g_array_set_size (block->reports, 0);
  block->n_slots = 0;
  g_clear_error (&block->error);

  while (block->n_slots < BLOCK_ROWS)
    {
      if (g_atomic_int_get (&self->stop) ||
          !ota_csv_reader_next (self->csv, self->cancellable, &block->error))
        {
          block->last = TRUE;
          break;
        }

      if (is_blank_line (self->csv))
        continue;

      if (!parse_row (self->csv, block, &block->error))
        {
          block->last = TRUE;
          break;
        }
    }

  block->bytes_read = ota_csv_reader_get_bytes_read (self->csv);
  return block->last;
}

static gpointer
read_rows (gpointer data)
{
  OtaImportReader *self = data;
  gboolean last = FALSE;

  while (!last)
    {
      Block *block = g_async_queue_pop (self->empty);

      last = fill_block (self, block);
      g_async_queue_push (self->filled, block);
    }

  return NULL;
}

static gboolean
check_header (OtaCsvReader  *csv,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) read_error = NULL;
  guint n;

  if (!ota_csv_reader_next (csv, cancellable, &read_error))
    {
      if (read_error != NULL)
        g_propagate_error (error, g_steal_pointer (&read_error));
      else
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                             _("The file is empty; its first line must be the header “%s”"),
                             OTA_IMPORT_HEADER);
      return FALSE;
    }

  n = ota_csv_reader_get_n_fields (csv);
  for (guint i = 0; i < MIN (n, N_COLUMNS); i++)
    {
      char *name = g_strstrip (ota_csv_reader_get_field (csv, i));

      if (g_ascii_strcasecmp (name, column_names[i]) != 0)
        {
          g_autofree char *shown = g_utf8_make_valid (name, -1);

          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                               _("Line %" PRIu64 ": column %u of the header must "
                                 "be “%s”, not “%s”; the header line is “%s”"),
                               ota_csv_reader_get_line (csv), i + 1, column_names[i],
                               shown, OTA_IMPORT_HEADER);
          return FALSE;
        }
    }

  if (n != N_COLUMNS)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("Line %" PRIu64 ": the header has %u columns; it must "
                             "have %u: “%s”"),
                           ota_csv_reader_get_line (csv), n, N_COLUMNS, OTA_IMPORT_HEADER);
      return FALSE;
    }

  return TRUE;
}

static void
forward_cancel (GCancellable *caller,
                GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

OtaImportReader *
ota_import_reader_new (GInputStream  *stream,
                       GCancellable  *cancellable,
                       GError       **error)
{
  OtaImportReader *self;
  g_autoptr(OtaCsvReader) csv = ota_csv_reader_new (stream);

  if (!check_header (csv, cancellable, error))
    return NULL;

  self = g_new0 (OtaImportReader, 1);
  self->csv = g_steal_pointer (&csv);
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                                  self->cancellable, NULL);
    }
  self->filled = g_async_queue_new ();
  self->empty = g_async_queue_new ();
  self->row_reports = g_array_new (FALSE, FALSE, sizeof (OtaImportReport));

  for (guint i = 0; i < N_BLOCKS; i++)
    {
      self->blocks[i].text = g_string_sized_new (64 * 1024);
      self->blocks[i].reports = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_async_queue_push (self->empty, &self->blocks[i]);
    }

  self->thread = g_thread_new ("ota-import-reader", read_rows, self);
  return self;
}

const OtaImportRow *
ota_import_reader_next (OtaImportReader  *self,
                        GError          **error)
{
  Block *block;
  Slot *slot;

  while (self->current == NULL || self->next_slot == self->current->n_slots)
    {
      if (self->finished)
        return NULL;

      if (self->current != NULL)
        {
          if (self->current->last)
            {
              self->finished = TRUE;
              if (self->current->error != NULL)
                g_propagate_error (error, g_steal_pointer (&self->current->error));
              return NULL;
            }
          g_async_queue_push (self->empty, self->current);
        }

      self->current = g_async_queue_pop (self->filled);
      self->next_slot = 0;
    }

  block = self->current;
  slot = &block->slots[self->next_slot++];

  g_array_set_size (self->row_reports, slot->n_reports);
  for (guint i = 0; i < slot->n_reports; i++)
    {
      OtaImportReport *report = &g_array_index (self->row_reports, OtaImportReport, i);
      guint32 *offsets = &g_array_index (block->reports, guint32, 2 * (slot->first_report + i));

      report->module = block_text (block, offsets[0]);
      report->version = block_text (block, offsets[1]);
    }

  self->row.line = slot->line;
  self->row.product = block_text (block, slot->product);
  self->row.name = block_text (block, slot->name);
  self->row.province = block_text (block, slot->province);
  self->row.city = block_text (block, slot->city);
  self->row.online = slot->online;
  self->row.n_reports = slot->n_reports;
  self->row.reports = (const OtaImportReport *) self->row_reports->data;
  return &self->row;
}

guint64
ota_import_reader_get_bytes_read (OtaImportReader *self)
{
  if (self->current == NULL)
    return 0;

  /* Within the last block: the end of the file once its last row was handed out. */
  return self->current->bytes_read;
}

void
ota_import_reader_free (OtaImportReader *self)
{
  Block *block;

  if (self == NULL)
    return;

  /* Stop the thread: wake it if it waits for a block or for the stream, and take
   * back the blocks it fills until it says it is done. */
  g_atomic_int_set (&self->stop, 1);
  g_cancellable_cancel (self->cancellable);
  if (self->current != NULL && !self->current->last)
    g_async_queue_push (self->empty, self->current);
  while (!self->finished && (self->current == NULL || !self->current->last))
    {
      block = g_async_queue_pop (self->filled);
      self->current = block;
      if (!block->last)
        g_async_queue_push (self->empty, block);
    }
  g_thread_join (self->thread);

  if (self->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (self->caller_cancellable, self->cancelled_id);
      g_object_unref (self->caller_cancellable);
    }
  g_object_unref (self->cancellable);
  for (guint i = 0; i < N_BLOCKS; i++)
    {
      g_string_free (self->blocks[i].text, TRUE);
      g_array_unref (self->blocks[i].reports);
      g_clear_error (&self->blocks[i].error);
    }
  g_async_queue_unref (self->filled);
  g_async_queue_unref (self->empty);
  g_array_unref (self->row_reports);
  ota_csv_reader_free (self->csv);
  g_free (self);
}
