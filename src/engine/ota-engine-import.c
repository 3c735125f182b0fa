/* ota-engine-import.c — importing devices from CSV (R-DV1)
 *
 * The format is read and checked by OtaImportReader (ota-import-reader.h). A file is
 * imported whole or not at all: one transaction, rolled back on the first bad row. A
 * device that exists already (same product and name) takes the row's region and online
 * flag; its versions are merged: the modules in the row get the row's version, other
 * modules keep what the device last reported (a report is never taken back).
 *
 * Built for a million rows in a few seconds: rows are parsed on a second thread,
 * statements are prepared once, nothing is allocated per row, and module_versions
 * counts are summed in memory and written once at the end instead of an upsert per
 * device and module.
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-engine-private.h"
#include "ota-error.h"
#include "ota-import-reader.h"
#include "ota-rollout-private.h"

/* Report progress at most every this many bytes. */
#define PROGRESS_STEP (G_GUINT64_CONSTANT (1) << 20)
#define CANCEL_CHECK_ROWS 1024

/* A change of module_versions.devices, summed over the file. */
typedef struct {
  char   *product;
  char   *module;
  char   *version;
  gint64  delta;
} VersionCount;

typedef struct {
  OtaEngine       *engine;
  OtaStore        *store;
  sqlite3         *db;
  gint64           now;
  gint64           first_new_id;    /* ids from here on were added by this import */
  GArray          *new_lines;       /* guint64: the line of each added device, by id */
  GHashTable      *updated_lines;   /* existing device id → the line that updated it */
  GHashTable      *products;        /* keys of products that exist (owned) */
  const char      *last_product;    /* borrowed from products */
  GHashTable      *counts;          /* set of VersionCount */
  OtaImportResult  result;

  OtaCachedStmt   *insert_device;
  OtaCachedStmt   *find_device;
  OtaCachedStmt   *update_device;
  OtaCachedStmt   *read_version;
  OtaCachedStmt   *add_version;
  OtaCachedStmt   *set_version;
} Import;

static guint
version_count_hash (gconstpointer data)
{
  const VersionCount *c = data;

  return (g_str_hash (c->product) * 31 + g_str_hash (c->module)) * 31 + g_str_hash (c->version);
}

static gboolean
version_count_equal (gconstpointer a,
                     gconstpointer b)
{
  const VersionCount *x = a, *y = b;

  return strcmp (x->version, y->version) == 0 &&
         strcmp (x->module, y->module) == 0 &&
         strcmp (x->product, y->product) == 0;
}

static void
version_count_free (gpointer data)
{
  VersionCount *c = data;

  g_free (c->product);
  g_free (c->module);
  g_free (c->version);
  g_free (c);
}

static void
import_clear (Import *imp)
{
  g_clear_pointer (&imp->new_lines, g_array_unref);
  g_clear_pointer (&imp->updated_lines, g_hash_table_unref);
  g_clear_pointer (&imp->products, g_hash_table_unref);
  g_clear_pointer (&imp->counts, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Import, import_clear)

/* Looks up without allocating; the key's strings are copied only when it is new. */
static void
count_version (Import     *imp,
               const char *product,
               const char *module,
               const char *version,
               gint64      delta)
{
  VersionCount key = { (char *) product, (char *) module, (char *) version, 0 };
  VersionCount *found = g_hash_table_lookup (imp->counts, &key);

  if (found == NULL)
    {
      found = g_new (VersionCount, 1);
      found->product = g_strdup (product);
      found->module = g_strdup (module);
      found->version = g_strdup (version);
      found->delta = 0;
      g_hash_table_add (imp->counts, found);
    }

  found->delta += delta;
}

/* Products are few and rows come grouped by product: compare with the last one first,
 * and ask the database once per product. */
static const char *
check_product (Import      *imp,
               const char  *key,
               GError     **error)
{
  const char *known;
  g_autoptr(OtaProduct) product = NULL;

  if (imp->last_product != NULL && strcmp (imp->last_product, key) == 0)
    return imp->last_product;

  known = g_hash_table_lookup (imp->products, key);
  if (known == NULL)
    {
      product = ota_engine_lookup_product (imp->engine, key, error);
      if (product == NULL)
        return NULL;

      known = g_strdup (key);
      g_hash_table_add (imp->products, (char *) known);
    }

  imp->last_product = known;
  return known;
}

static gboolean
step_done (Import       *imp,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return ota_store_set_error (imp->store, error, what);

  return TRUE;
}

static gboolean
write_version (Import                *imp,
               sqlite3_stmt          *stmt,
               gint64                 device_id,
               const OtaImportReport *report,
               GError               **error)
{
  sqlite3_bind_int64 (stmt, 1, device_id);
  sqlite3_bind_text (stmt, 2, report->module, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, report->version, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, imp->now);
  return step_done (imp, stmt, "saving a device version", error);
}

static gboolean
duplicate_error (GError     **error,
                 guint64      line,
                 guint64      first_line,
                 const char  *product,
                 const char  *name)
{
  ota_error_set_field (error, OTA_ERROR_CONFLICT, "device",
                       _("Line %" PRIu64 ": device “%s” of product “%s” is already "
                         "on line %" PRIu64 "; a file may name a device once"),
                       line, name, product, first_line);
  return FALSE;
}

/* The row names a device that was in the database before this import, or one added
 * by an earlier line of the file (an error). */
static gboolean
update_device (Import              *imp,
               const OtaImportRow  *row,
               const char          *product,
               GError             **error)
{
  sqlite3_stmt *find = imp->find_device;
  gpointer first_line;
  gboolean changed;
  gint64 id;

  sqlite3_bind_text (find, 1, product, -1, SQLITE_STATIC);
  sqlite3_bind_text (find, 2, row->name, -1, SQLITE_STATIC);
  if (sqlite3_step (find) != SQLITE_ROW)
    {
      sqlite3_reset (find);
      return ota_store_set_error (imp->store, error, "reading a device");
    }
  id = sqlite3_column_int64 (find, 0);
  changed = strcmp ((const char *) sqlite3_column_text (find, 1), row->province) != 0 ||
            strcmp ((const char *) sqlite3_column_text (find, 2), row->city) != 0 ||
            (sqlite3_column_int (find, 3) != 0) != row->online;
  sqlite3_reset (find);

  if (id >= imp->first_new_id)
    return duplicate_error (error, row->line,
                            g_array_index (imp->new_lines, guint64, id - imp->first_new_id),
                            product, row->name);
  if (g_hash_table_lookup_extended (imp->updated_lines, GSIZE_TO_POINTER (id), NULL, &first_line))
    return duplicate_error (error, row->line, GPOINTER_TO_SIZE (first_line), product, row->name);
  g_hash_table_insert (imp->updated_lines, GSIZE_TO_POINTER (id), GSIZE_TO_POINTER (row->line));

  for (guint i = 0; i < row->n_reports; i++)
    {
      const OtaImportReport *report = &row->reports[i];
      g_autofree char *old = NULL;

      sqlite3_bind_int64 (imp->read_version, 1, id);
      sqlite3_bind_text (imp->read_version, 2, report->module, -1, SQLITE_STATIC);
      if (sqlite3_step (imp->read_version) == SQLITE_ROW)
        old = g_strdup ((const char *) sqlite3_column_text (imp->read_version, 0));
      sqlite3_reset (imp->read_version);

      if (g_strcmp0 (old, report->version) == 0)
        continue;

      if (!write_version (imp, imp->set_version, id, report, error))
        return FALSE;
      if (old != NULL)
        count_version (imp, product, report->module, old, -1);
      count_version (imp, product, report->module, report->version, +1);
      changed = TRUE;
    }

  if (changed)
    {
      sqlite3_bind_text (imp->update_device, 1, row->province, -1, SQLITE_STATIC);
      sqlite3_bind_text (imp->update_device, 2, row->city, -1, SQLITE_STATIC);
      sqlite3_bind_int (imp->update_device, 3, row->online ? 1 : 0);
      sqlite3_bind_int64 (imp->update_device, 4, imp->now);
      sqlite3_bind_int64 (imp->update_device, 5, id);
      if (!step_done (imp, imp->update_device, "updating a device", error))
        return FALSE;
    }

  imp->result.updated++;
  return TRUE;
}

static gboolean
import_row (Import              *imp,
            const OtaImportRow  *row,
            GError             **error)
{
  GError *cause = NULL;
  const char *product;
  gint64 id;

  product = check_product (imp, row->product, &cause);
  if (product == NULL)
    return ota_import_row_error (error, row->line, cause);

  sqlite3_bind_text (imp->insert_device, 1, product, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert_device, 2, row->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert_device, 3, row->province, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert_device, 4, row->city, -1, SQLITE_STATIC);
  sqlite3_bind_int (imp->insert_device, 5, row->online ? 1 : 0);
  sqlite3_bind_int64 (imp->insert_device, 6, imp->now);
  if (!step_done (imp, imp->insert_device, "adding a device", error))
    return FALSE;

  if (sqlite3_changes (imp->db) == 0)
    return update_device (imp, row, product, error);

  /* New rows get max(id) + 1, so the added devices are numbered in file order. */
  id = sqlite3_last_insert_rowid (imp->db);
  if (id != imp->first_new_id + (gint64) imp->new_lines->len)
    {
      g_set_error (error, OTA_ERROR, OTA_ERROR_STORE,
                   _("Database error while adding a device: unexpected row id"));
      return FALSE;
    }
  g_array_append_val (imp->new_lines, row->line);

  for (guint i = 0; i < row->n_reports; i++)
    {
      if (!write_version (imp, imp->add_version, id, &row->reports[i], error))
        return FALSE;
      count_version (imp, product, row->reports[i].module, row->reports[i].version, +1);
    }

  imp->result.added++;
  return TRUE;
}

/* Writes the summed counts; modules first, module_versions refers to them. */
static gboolean
apply_counts (Import  *imp,
              GError **error)
{
  g_autoptr(OtaCachedStmt) bump =
    ota_store_prepare (imp->store,
                       "INSERT INTO module_versions (product_key, module, version, devices) "
                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET devices = devices + ?4",
                       error);
  GHashTableIter iter;
  VersionCount *c;

  if (bump == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, imp->counts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &c, NULL))
    {
      if (!ota_engine_ensure_module (imp->engine, c->product, c->module, error))
        return FALSE;
      if (c->delta == 0)
        continue;

      sqlite3_bind_text (bump, 1, c->product, -1, SQLITE_STATIC);
      sqlite3_bind_text (bump, 2, c->module, -1, SQLITE_STATIC);
      sqlite3_bind_text (bump, 3, c->version, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (bump, 4, c->delta);
      if (!step_done (imp, bump, "counting module versions", error))
        return FALSE;
    }

  return TRUE;
}

static guint64
stream_size (GInputStream *stream,
             GCancellable *cancellable)
{
  g_autoptr(GFileInfo) info = NULL;

  if (!G_IS_FILE_INPUT_STREAM (stream))
    return 0;

  info = g_file_input_stream_query_info (G_FILE_INPUT_STREAM (stream),
                                         G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info == NULL || !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    return 0;

  return (guint64) g_file_info_get_size (info);
}

/* Field and syntax errors pass as they are; a failing stream becomes OTA_ERROR_IO. */
static gboolean
read_failed (GError **error,
             GError  *cause)
{
  if (cause->domain == OTA_ERROR || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return FALSE;
    }

  ota_error_set_field (error, OTA_ERROR_IO, "file",
                       _("Cannot read the device list: %s"), cause->message);
  g_error_free (cause);
  return FALSE;
}

static gboolean
prepare_statements (Import  *imp,
                    GError **error)
{
  g_autoptr(OtaCachedStmt) max_id =
    ota_store_prepare (imp->store, "SELECT coalesce(max(id), 0) FROM devices", error);

  if (max_id == NULL)
    return FALSE;
  if (sqlite3_step (max_id) != SQLITE_ROW)
    return ota_store_set_error (imp->store, error, "reading devices");
  imp->first_new_id = sqlite3_column_int64 (max_id, 0) + 1;

  imp->insert_device = ota_store_prepare (imp->store,
                                          "INSERT INTO devices (product_key, name, province, "
                                          "city, online, created_at, updated_at) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
                                          "ON CONFLICT DO NOTHING",
                                          error);
  imp->find_device = ota_store_prepare (imp->store,
                                        "SELECT id, province, city, online FROM devices "
                                        "WHERE product_key = ? AND name = ?",
                                        error);
  imp->update_device = ota_store_prepare (imp->store,
                                          "UPDATE devices SET province = ?, city = ?, "
                                          "online = ?, updated_at = ? WHERE id = ?",
                                          error);
  imp->read_version = ota_store_prepare (imp->store,
                                         "SELECT version FROM device_versions "
                                         "WHERE device_id = ? AND module = ?",
                                         error);
  imp->add_version = ota_store_prepare (imp->store,
                                        "INSERT INTO device_versions (device_id, module, "
                                        "version, reported_at) VALUES (?1, ?2, ?3, ?4)",
                                        error);
  imp->set_version = ota_store_prepare (imp->store,
                                        "INSERT INTO device_versions (device_id, module, "
                                        "version, reported_at) VALUES (?1, ?2, ?3, ?4) "
                                        "ON CONFLICT DO UPDATE SET version = ?3, reported_at = ?4",
                                        error);

  return imp->insert_device != NULL && imp->find_device != NULL &&
         imp->update_device != NULL && imp->read_version != NULL &&
         imp->add_version != NULL && imp->set_version != NULL;
}

/* The cached statements stay with the store; reset them whatever happened. */
static void
release_statements (Import *imp)
{
  OtaCachedStmt *statements[] = {
    imp->insert_device, imp->find_device, imp->update_device,
    imp->read_version, imp->add_version, imp->set_version,
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (statements[i] != NULL)
      ota_cached_stmt_release (statements[i]);
}

/* R-B5: imported devices join the dynamic batches of their products. */
static gboolean
match_dynamic_batches (Import  *imp,
                       GError **error)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, imp->products);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!ota_rollout_match_dynamic_product (imp->engine, key, imp->now, error))
      return FALSE;

  return TRUE;
}

static gboolean
import_rows (Import           *imp,
             OtaImportReader  *reader,
             guint64           total,
             GCancellable     *cancellable,
             OtaProgressFunc   progress,
             gpointer          progress_data,
             GError          **error)
{
  const OtaImportRow *row;
  GError *read_error = NULL;
  guint64 next_progress = PROGRESS_STEP;
  guint rows = 0;

  while ((row = ota_import_reader_next (reader, &read_error)) != NULL)
    {
      if (++rows % CANCEL_CHECK_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!import_row (imp, row, error))
        return FALSE;

      if (progress != NULL && ota_import_reader_get_bytes_read (reader) >= next_progress)
        {
          next_progress = ota_import_reader_get_bytes_read (reader) + PROGRESS_STEP;
          progress (ota_import_reader_get_bytes_read (reader), total, progress_data);
        }
    }
  if (read_error != NULL)
    return read_failed (error, read_error);

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/**
 * ota_engine_import_devices_csv:
 * @stream: the CSV text; its size is known for progress when it is a file stream
 * @result: (out) (optional): devices added and updated
 * @progress: (nullable): called with bytes read, from the calling thread
 *
 * Imports a device list (R-DV1): all rows or none.
 */
gboolean
ota_engine_import_devices_csv (OtaEngine        *self,
                               GInputStream     *stream,
                               OtaImportResult  *result,
                               GCancellable     *cancellable,
                               OtaProgressFunc   progress,
                               gpointer          progress_data,
                               GError          **error)
{
  g_auto(Import) imp = { 0 };
  g_autoptr(OtaImportReader) reader = NULL;
  g_autoptr(OtaTransaction) tx = NULL;
  GError *read_error = NULL;
  guint64 total;
  gboolean ok;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), FALSE);

  total = stream_size (stream, cancellable);
  reader = ota_import_reader_new (stream, cancellable, &read_error);
  if (reader == NULL)
    return read_failed (error, read_error);

  /* Due work first (a timeout may free a device that a dynamic batch now matches). */
  if (!ota_rollout_catch_up (self, error))
    return FALSE;

  imp.engine = self;
  imp.store = ota_engine_get_store (self);
  imp.db = ota_store_get_db (imp.store);
  imp.now = ota_engine_now (self);
  imp.new_lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  imp.updated_lines = g_hash_table_new (g_direct_hash, g_direct_equal);
  imp.products = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.counts = g_hash_table_new_full (version_count_hash, version_count_equal,
                                      version_count_free, NULL);

  tx = ota_transaction_begin (imp.store, error);
  if (tx == NULL)
    return FALSE;

  ok = prepare_statements (&imp, error) &&
       import_rows (&imp, reader, total, cancellable, progress, progress_data, error);
  release_statements (&imp);

  if (!ok ||
      !apply_counts (&imp, error) ||
      !match_dynamic_batches (&imp, error) ||
      !ota_engine_audit (self, "device.import",
                         g_variant_new_parsed ("{'added': <%t>, 'updated': <%t>}",
                                               imp.result.added, imp.result.updated),
                         error) ||
      !ota_transaction_commit (tx, error))
    return FALSE;

  g_debug ("Imported devices: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT " updated",
           imp.result.added, imp.result.updated);

  if (progress != NULL)
    progress (ota_import_reader_get_bytes_read (reader), total, progress_data);
  if (result != NULL)
    *result = imp.result;
  return TRUE;
}

typedef struct {
  GFile           *file;
  OtaProgressFunc  progress;
  gpointer         progress_data;
} ImportTaskData;

static void
import_task_data_free (gpointer data)
{
  ImportTaskData *d = data;

  g_object_unref (d->file);
  g_free (d);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportTaskData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  OtaImportResult result = { 0 };

  stream = g_file_read (data->file, cancellable, &error);
  if (stream == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (data->file);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, OTA_ERROR, OTA_ERROR_IO,
                                 _("Cannot open the device list %s: %s"), name, error->message);
      return;
    }

  if (!ota_engine_import_devices_csv (source_object, G_INPUT_STREAM (stream), &result,
                                      cancellable, data->progress, data->progress_data, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_memdup2 (&result, sizeof result), g_free);
}

/**
 * ota_engine_import_devices_csv_async:
 * @progress: (nullable): called on the worker thread
 *
 * Imports a CSV file on a worker thread.
 */
void
ota_engine_import_devices_csv_async (OtaEngine           *self,
                                     GFile               *file,
                                     GCancellable        *cancellable,
                                     OtaProgressFunc      progress,
                                     gpointer             progress_data,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportTaskData *data;

  g_return_if_fail (OTA_IS_ENGINE (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ImportTaskData, 1);
  data->file = g_object_ref (file);
  data->progress = progress;
  data->progress_data = progress_data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_engine_import_devices_csv_async);
  g_task_set_task_data (task, data, import_task_data_free);
  g_task_run_in_thread (task, import_thread);
}

gboolean
ota_engine_import_devices_csv_finish (OtaEngine         *self,
                                      GAsyncResult      *result,
                                      OtaImportResult   *import_result,
                                      GError           **error)
{
  g_autofree OtaImportResult *counts = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ota_engine_import_devices_csv_async, FALSE);

  counts = g_task_propagate_pointer (G_TASK (result), error);
  if (counts == NULL)
    return FALSE;

  if (import_result != NULL)
    *import_result = *counts;
  return TRUE;
}
