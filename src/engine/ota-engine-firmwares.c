/* ota-engine-firmwares.c — adding firmwares (R-F1..R-F10) and signing them (R-P3)
 *
 * Adding is three steps so that hashing a 1 GB file never blocks other operations:
 * check every rule that does not need the file (under the store lock, briefly), stream
 * the file into the blob store (no lock), then record it in one transaction that checks
 * the rules again, publishes the blob, signs the digest and writes the rows.
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "ota-blob-store.h"
#include "ota-engine-private.h"
#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-file-sniff.h"
#include "ota-firmware-rules.h"
#include "ota-signer.h"
#include "ota-validate.h"

#define FIRMWARE_COLUMNS \
  "id, product_key, name, type, version, module, sign_algorithm, file_name, size, " \
  "digest, blob_sha256, signature, description, status, created_at"

static GStrv
read_source_versions (OtaStore  *store,
                      gint64     firmware_id,
                      GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT version FROM firmware_sources WHERE firmware_id = ? ORDER BY position",
                       error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, firmware_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));

  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading a firmware's source versions");
      return NULL;
    }

  return g_strv_builder_end (builder);
}

static OtaFirmware *
firmware_from_row (OtaStore      *store,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  OtaFirmwareFields fields = { 0 };
  int type = 0, sign_algorithm = 0, status = 0;
  g_auto(GStrv) sources = NULL;

  fields.id = sqlite3_column_int64 (stmt, 0);
  sources = read_source_versions (store, fields.id, error);
  if (sources == NULL)
    return NULL;

  ota_enum_from_nick (OTA_TYPE_FIRMWARE_TYPE, (const char *) sqlite3_column_text (stmt, 3), &type);
  ota_enum_from_nick (OTA_TYPE_SIGN_ALGORITHM, (const char *) sqlite3_column_text (stmt, 6), &sign_algorithm);
  ota_enum_from_nick (OTA_TYPE_FIRMWARE_STATUS, (const char *) sqlite3_column_text (stmt, 13), &status);

  fields.product_key = (const char *) sqlite3_column_text (stmt, 1);
  fields.name = (const char *) sqlite3_column_text (stmt, 2);
  fields.type = type;
  fields.version = (const char *) sqlite3_column_text (stmt, 4);
  fields.source_versions = (const char * const *) sources;
  fields.module = (const char *) sqlite3_column_text (stmt, 5);
  fields.sign_algorithm = sign_algorithm;
  fields.file_name = (const char *) sqlite3_column_text (stmt, 7);
  fields.size = (guint64) sqlite3_column_int64 (stmt, 8);
  fields.digest = (const char *) sqlite3_column_text (stmt, 9);
  fields.blob_sha256 = (const char *) sqlite3_column_text (stmt, 10);
  fields.signature = (const char *) sqlite3_column_text (stmt, 11);
  fields.description = (const char *) sqlite3_column_text (stmt, 12);
  fields.status = status;
  fields.created_at = sqlite3_column_int64 (stmt, 14);

  return ota_firmware_new (&fields);
}

OtaFirmware *
ota_engine_lookup_firmware (OtaEngine   *self,
                            gint64       id,
                            GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT " FIRMWARE_COLUMNS " FROM firmwares WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return firmware_from_row (store, stmt, error);
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading a firmware");
      return NULL;
    }

  ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "firmware",
                       _("Firmware %" PRId64 " does not exist"), id);
  return NULL;
}

OtaFirmware *
ota_engine_get_firmware (OtaEngine   *self,
                         gint64       id,
                         GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  locker = g_rec_mutex_locker_new (ota_store_get_lock (ota_engine_get_store (self)));
  return ota_engine_lookup_firmware (self, id, error);
}

GPtrArray *
ota_engine_list_firmwares (OtaEngine   *self,
                           const char  *product_key,
                           GError     **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(GPtrArray) firmwares = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (product_key != NULL, NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  product = ota_engine_lookup_product (self, product_key, error);
  if (product == NULL)
    return NULL;

  stmt = ota_store_prepare (store,
                            "SELECT " FIRMWARE_COLUMNS " FROM firmwares WHERE product_key = ? "
                            "ORDER BY created_at DESC, id DESC",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OtaFirmware *firmware = firmware_from_row (store, stmt, error);

      if (firmware == NULL)
        return NULL;
      g_ptr_array_add (firmwares, firmware);
    }

  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "listing firmwares");
      return NULL;
    }

  return g_steal_pointer (&firmwares);
}

GFile *
ota_engine_get_firmware_file (OtaEngine   *self,
                              OtaFirmware *firmware)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (OTA_IS_FIRMWARE (firmware), NULL);

  path = ota_blob_store_dup_path (ota_engine_get_store (self), ota_firmware_get_blob_sha256 (firmware));
  return g_file_new_for_path (path);
}

/* ---- Recording a firmware ------------------------------------------------- */

/* R-P3: the product's signing key when secure upgrade is on, else NULL. */
static gboolean
read_signing_key (OtaEngine   *self,
                  const char  *product_key,
                  char       **private_pem,
                  GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT secure_upgrade, private_key FROM products WHERE key = ?", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading a product's signing key");

  *private_pem = NULL;
  if (sqlite3_column_int (stmt, 0) == 0)
    return TRUE;

  if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
    {
      g_set_error (error, OTA_ERROR, OTA_ERROR_CRYPTO,
                   _("Secure upgrade is on for product “%s” but it has no signing key"), product_key);
      return FALSE;
    }

  *private_pem = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  return TRUE;
}

static gboolean
insert_sources (OtaStore    *store,
                gint64       firmware_id,
                GPtrArray   *sources,
                GError     **error)
{
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "INSERT INTO firmware_sources (firmware_id, position, version) VALUES (?, ?, ?)",
                       error);

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; g_ptr_array_index (sources, i) != NULL; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, firmware_id);
      sqlite3_bind_int (stmt, 2, (int) i);
      sqlite3_bind_text (stmt, 3, g_ptr_array_index (sources, i), -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return ota_store_set_error (store, error, "saving a firmware's source versions");
    }

  return TRUE;
}

/* One transaction: rules again (the product or the names may have changed while the
 * file was hashed), publish the blob, sign, write. Returns the new firmware, read before
 * the commit (once committed, the caller must get it), or NULL. */
static OtaFirmware *
record_firmware (OtaEngine              *self,
                 const OtaFirmwareSpec  *spec,
                 const char             *file_name,
                 OtaBlobUpload          *upload,
                 gboolean               *blob_created,
                 GError                **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaTransaction) tx = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autoptr(OtaSecret) private_pem = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  const char *type_nick = ota_enum_to_nick (OTA_TYPE_FIRMWARE_TYPE, spec->type);
  const char *sign_nick = ota_enum_to_nick (OTA_TYPE_SIGN_ALGORITHM, spec->sign_algorithm);
  gint64 id;

  tx = ota_transaction_begin (store, error);
  if (tx == NULL)
    return NULL;

  sources = ota_firmware_rules_check (self, spec, error);
  if (sources == NULL || !read_signing_key (self, spec->product_key, &private_pem, error))
    return NULL;

  if (private_pem != NULL)
    {
      /* The raw digest bytes, not their hex text: what a device computes itself. */
      GBytes *raw = ota_blob_upload_get_raw_digest (upload);
      gsize length = 0;
      gconstpointer data = g_bytes_get_data (raw, &length);

      signature = ota_signer_sign (private_pem, data, length, error);
      if (signature == NULL)
        return NULL;
    }

  if (!ota_blob_upload_publish (upload, blob_created, error) ||
      !ota_engine_ensure_module (self, spec->product_key, ota_firmware_spec_get_module (spec), error))
    return NULL;

  stmt = ota_store_prepare (store,
                            "INSERT INTO firmwares (product_key, name, type, version, module, "
                            "sign_algorithm, file_name, size, digest, blob_sha256, signature, "
                            "description, status, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unverified', ?)",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, spec->product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, type_nick, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, spec->version, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ota_firmware_spec_get_module (spec), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, sign_nick, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, file_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, (sqlite3_int64) ota_blob_upload_get_size (upload));
  sqlite3_bind_text (stmt, 9, ota_blob_upload_get_digest (upload), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, ota_blob_upload_get_sha256 (upload), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, signature, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, spec->description != NULL ? spec->description : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 13, ota_engine_now (self));

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "adding a firmware");
      return NULL;
    }
  id = sqlite3_last_insert_rowid (ota_store_get_db (store));

  if (!insert_sources (store, id, sources, error) ||
      !ota_engine_audit (self, "firmware.add",
                         g_variant_new_parsed ("{'id': <%x>, 'product': <%s>, 'name': <%s>, "
                                               "'type': <%s>, 'version': <%s>, "
                                               "'source-versions': <%^as>, 'module': <%s>, "
                                               "'sign-algorithm': <%s>, 'file-name': <%s>, "
                                               "'size': <%t>, 'digest': <%s>, 'signed': <%b>}",
                                               id, spec->product_key, spec->name, type_nick,
                                               spec->version, (const char **) sources->pdata,
                                               ota_firmware_spec_get_module (spec), sign_nick, file_name,
                                               ota_blob_upload_get_size (upload),
                                               ota_blob_upload_get_digest (upload),
                                               signature != NULL),
                         error))
    return NULL;

  firmware = ota_engine_lookup_firmware (self, id, error);
  if (firmware == NULL || !ota_transaction_commit (tx, error))
    return NULL;

  return g_steal_pointer (&firmware);
}

/* After a failed record: a blob published for it alone goes again. */
static void
remove_blob_if_unreferenced (OtaEngine  *self,
                             const char *sha256)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT 1 FROM firmwares WHERE blob_sha256 = ? LIMIT 1", &local_error);

  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return;
    }

  if (local_error != NULL || !ota_blob_store_remove (store, sha256, &local_error))
    g_warning ("Cannot remove unused firmware file %s: %s", sha256,
               local_error != NULL ? local_error->message : "?");
}

static gboolean
sniff_head (const guint8  *head,
            gsize          length,
            gpointer       user_data,
            GError       **error)
{
  return ota_file_sniff_check (user_data, head, length, error);
}

/* Errors about the file name the "file" field; a cancel stays G_IO_ERROR_CANCELLED. */
static void
propagate_file_error (GError **error,
                      GError  *local_error)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local_error);
  else
    {
      ota_error_set_field (error, OTA_ERROR_IO, "file", _("Cannot read the firmware file: %s"),
                           local_error->message);
      g_error_free (local_error);
    }
}

/**
 * ota_engine_add_firmware:
 *
 * Adds a firmware to a product (R-F1..R-F10). The file is checked (R-F8), hashed and
 * copied into the blob store while it is streamed; secure upgrade signs its digest
 * (R-P3). Fails with G_IO_ERROR_CANCELLED when @cancellable is cancelled first.
 *
 * Returns: (transfer full): the new firmware, status unverified (R-F10)
 */
OtaFirmware *
ota_engine_add_firmware (OtaEngine              *self,
                         const OtaFirmwareSpec  *spec,
                         GFile                  *file,
                         GCancellable           *cancellable,
                         OtaProgressFunc         progress,
                         gpointer                progress_data,
                         GError                **error)
{
  OtaStore *store;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(OtaBlobUpload) upload = NULL;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autofree char *nfc_name = NULL;
  OtaFirmwareSpec normalized;
  GError *local_error = NULL;
  const char *file_name;
  gboolean blob_created = FALSE;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  store = ota_engine_get_store (self);

  /* R-F2: checked, compared and kept in NFC. */
  spec = ota_firmware_spec_normalize (spec, &normalized, &nfc_name);
  if (!ota_engine_check_firmware_spec (self, spec, error))
    return NULL;

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      propagate_file_error (error, local_error);
      return NULL;
    }

  file_name = g_file_info_get_display_name (info);
  if (!ota_validate_firmware_file_name (file_name, error))
    return NULL;

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("“%s” is not a regular file"), file_name);
      return NULL;
    }

  /* Checked here so a big file is refused at once; checked again while streaming. */
  if (!ota_validate_firmware_size ((guint64) g_file_info_get_size (info), error))
    return NULL;

  upload = ota_blob_upload_new (store, file, spec->sign_algorithm, sniff_head, (gpointer) file_name,
                                cancellable, progress, progress_data, error);
  if (upload == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* Held across the transaction and the clean-up after it, so no other add can come to
   * rely on a blob between its publication and its removal. */
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  firmware = record_firmware (self, spec, file_name, upload, &blob_created, error);
  if (firmware == NULL)
    {
      if (blob_created)
        remove_blob_if_unreferenced (self, ota_blob_upload_get_sha256 (upload));
      return NULL;
    }

  return g_steal_pointer (&firmware);
}

/* ---- Async ---------------------------------------------------------------- */

typedef struct {
  OtaFirmwareSpec  spec;    /* points into the copies below */
  char            *product_key;
  char            *name;
  char            *version;
  GStrv            source_versions;
  char            *module;
  char            *description;
  GFile           *file;
  OtaProgressFunc  progress;
  gpointer         progress_data;
} AddData;

static void
add_data_free (AddData *data)
{
  g_free (data->product_key);
  g_free (data->name);
  g_free (data->version);
  g_strfreev (data->source_versions);
  g_free (data->module);
  g_free (data->description);
  g_clear_object (&data->file);
  g_free (data);
}

static void
add_firmware_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  AddData *data = task_data;
  GError *error = NULL;
  OtaFirmware *firmware;

  firmware = ota_engine_add_firmware (source_object, &data->spec, data->file, cancellable,
                                      data->progress, data->progress_data, &error);
  if (firmware == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, firmware, g_object_unref);
}

/**
 * ota_engine_add_firmware_async:
 *
 * Runs ota_engine_add_firmware() on a worker thread; @progress is called there too.
 */
void
ota_engine_add_firmware_async (OtaEngine              *self,
                               const OtaFirmwareSpec  *spec,
                               GFile                  *file,
                               GCancellable           *cancellable,
                               OtaProgressFunc         progress,
                               gpointer                progress_data,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  AddData *data;

  g_return_if_fail (OTA_IS_ENGINE (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (AddData, 1);
  data->product_key = g_strdup (spec->product_key);
  data->name = g_strdup (spec->name);
  data->version = g_strdup (spec->version);
  data->source_versions = g_strdupv ((GStrv) spec->source_versions);
  data->module = g_strdup (spec->module);
  data->description = g_strdup (spec->description);
  data->file = g_object_ref (file);
  data->progress = progress;
  data->progress_data = progress_data;

  data->spec = *spec;
  data->spec.product_key = data->product_key;
  data->spec.name = data->name;
  data->spec.version = data->version;
  data->spec.source_versions = (const char * const *) data->source_versions;
  data->spec.module = data->module;
  data->spec.description = data->description;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_engine_add_firmware_async);
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);
  g_task_run_in_thread (task, add_firmware_thread);
}

OtaFirmware *
ota_engine_add_firmware_finish (OtaEngine     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
