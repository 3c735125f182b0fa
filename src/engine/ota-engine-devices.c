/* ota-engine-devices.c — adding and reading single devices (R-DV1, R-DV2) */
#include <glib/gi18n-lib.h>

#include "ota-engine-private.h"
#include "ota-error.h"
#include "ota-rollout-private.h"
#include "ota-validate.h"

gboolean
ota_engine_check_versions (GHashTable  *versions,
                           GError     **error)
{
  GHashTableIter iter;
  gpointer module, version;

  if (versions == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, versions);
  while (g_hash_table_iter_next (&iter, &module, &version))
    if (!ota_validate_module (module, error) ||
        !ota_validate_version (version, "version", error))
      return FALSE;

  return TRUE;
}

static gboolean
bump_module_version (OtaStore    *store,
                     const char  *product_key,
                     const char  *module,
                     const char  *version,
                     int          delta,
                     GError     **error)
{
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "INSERT INTO module_versions (product_key, module, version, devices) "
                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET devices = devices + ?4",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, module, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, version, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, delta);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "counting module versions");

  return TRUE;
}

gboolean
ota_engine_store_device_version (OtaEngine   *self,
                                 const char  *product_key,
                                 gint64       device_id,
                                 const char  *module,
                                 const char  *version,
                                 GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autofree char *old_version = NULL;
  g_autoptr(OtaCachedStmt) read = NULL;
  g_autoptr(OtaCachedStmt) write = NULL;

  read = ota_store_prepare (store,
                            "SELECT version FROM device_versions WHERE device_id = ? AND module = ?",
                            error);
  if (read == NULL)
    return FALSE;
  sqlite3_bind_int64 (read, 1, device_id);
  sqlite3_bind_text (read, 2, module, -1, SQLITE_STATIC);
  if (sqlite3_step (read) == SQLITE_ROW)
    old_version = g_strdup ((const char *) sqlite3_column_text (read, 0));
  sqlite3_reset (read);

  /* R-B16: a report counts as new whenever it arrives, also when it repeats the
   * version (a device re-reporting after a batch was created joins it). */
  if (g_strcmp0 (old_version, version) == 0)
    {
      write = ota_store_prepare (store,
                                 "UPDATE device_versions SET reported_at = ?3 "
                                 "WHERE device_id = ?1 AND module = ?2",
                                 error);
      if (write == NULL)
        return FALSE;
      sqlite3_bind_int64 (write, 1, device_id);
      sqlite3_bind_text (write, 2, module, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (write, 3, ota_engine_now (self));
      if (sqlite3_step (write) != SQLITE_DONE)
        return ota_store_set_error (store, error, "saving a device version");
      return TRUE;
    }

  write = ota_store_prepare (store,
                             "INSERT INTO device_versions (device_id, module, version, reported_at) "
                             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE "
                             "SET version = ?3, reported_at = ?4",
                             error);
  if (write == NULL)
    return FALSE;
  sqlite3_bind_int64 (write, 1, device_id);
  sqlite3_bind_text (write, 2, module, -1, SQLITE_STATIC);
  sqlite3_bind_text (write, 3, version, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (write, 4, ota_engine_now (self));
  if (sqlite3_step (write) != SQLITE_DONE)
    return ota_store_set_error (store, error, "saving a device version");

  return ota_engine_ensure_module (self, product_key, module, error) &&
         (old_version == NULL ||
          bump_module_version (store, product_key, module, old_version, -1, error)) &&
         bump_module_version (store, product_key, module, version, +1, error);
}

GHashTable *
ota_engine_read_device_versions (OtaStore *store,
                                 gint64    device_id)
{
  GHashTable *versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT module, version FROM device_versions WHERE device_id = ?", NULL);

  if (stmt == NULL)
    return versions;

  sqlite3_bind_int64 (stmt, 1, device_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (versions,
                         g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));

  return versions;
}

OtaDevice *
ota_engine_lookup_device (OtaEngine   *self,
                          const char  *product_key,
                          const char  *name,
                          GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT id, province, city, online, created_at, updated_at "
                       "FROM devices WHERE product_key = ? AND name = ?",
                       error);
  gint64 id;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "device",
                           _("Device “%s” of product “%s” does not exist"), name, product_key);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      ota_store_set_error (store, error, "reading a device");
      return NULL;
    }

  id = sqlite3_column_int64 (stmt, 0);
  return ota_device_new (id, product_key, name,
                         (const char *) sqlite3_column_text (stmt, 1),
                         (const char *) sqlite3_column_text (stmt, 2),
                         sqlite3_column_int (stmt, 3) != 0,
                         ota_engine_read_device_versions (store, id),
                         sqlite3_column_int64 (stmt, 4),
                         sqlite3_column_int64 (stmt, 5));
}

OtaDevice *
ota_engine_get_device (OtaEngine   *self,
                       const char  *product_key,
                       const char  *name,
                       GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  locker = g_rec_mutex_locker_new (ota_store_get_lock (ota_engine_get_store (self)));
  return ota_engine_lookup_device (self, product_key, name, error);
}

/**
 * ota_engine_add_device:
 *
 * Adds one device of an existing product (R-DV1). Its name must be new in the product.
 *
 * Returns: (transfer full): the new device
 */
OtaDevice *
ota_engine_add_device (OtaEngine            *self,
                       const OtaDeviceSpec  *spec,
                       GError              **error)
{
  OtaStore *store;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaTransaction) tx = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autoptr(OtaDevice) device = NULL;
  GHashTableIter iter;
  gpointer module, version;
  gint64 now, id;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (!ota_validate_device_name (spec->name, error) ||
      !ota_validate_region (spec->province, spec->city, error) ||
      !ota_engine_check_versions (spec->versions, error))
    return NULL;

  store = ota_engine_get_store (self);
  tx = ota_transaction_begin (store, error);
  if (tx == NULL)
    return NULL;

  product = ota_engine_lookup_product (self, spec->product_key, error);
  if (product == NULL)
    return NULL;

  stmt = ota_store_prepare (store,
                            "INSERT INTO devices (product_key, name, province, city, online, "
                            "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                            error);
  if (stmt == NULL)
    return NULL;

  now = ota_engine_now (self);
  sqlite3_bind_text (stmt, 1, spec->product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, spec->province != NULL ? spec->province : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, spec->city != NULL ? spec->city : "", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, spec->online ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, now);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (ota_store_get_db (store)) == SQLITE_CONSTRAINT_UNIQUE)
        ota_error_set_field (error, OTA_ERROR_CONFLICT, "device",
                             _("Product “%s” already has a device named “%s”"),
                             spec->product_key, spec->name);
      else
        ota_store_set_error (store, error, "adding a device");
      return NULL;
    }

  id = sqlite3_last_insert_rowid (ota_store_get_db (store));

  if (spec->versions != NULL)
    {
      g_hash_table_iter_init (&iter, spec->versions);
      while (g_hash_table_iter_next (&iter, &module, &version))
        if (!ota_engine_store_device_version (self, spec->product_key, id, module, version, error))
          return NULL;
    }

  /* R-B5: a device activated later joins the dynamic batches it matches. */
  if (!ota_rollout_match_dynamic (self, id, now, error))
    return NULL;

  if (!ota_engine_audit (self, "device.add",
                         g_variant_new_parsed ("{'product': <%s>, 'device': <%s>}",
                                               spec->product_key, spec->name),
                         error))
    return NULL;

  /* Read before the commit: once it is committed, the caller must get it. */
  device = ota_engine_lookup_device (self, spec->product_key, spec->name, error);
  if (device == NULL || !ota_transaction_commit (tx, error))
    return NULL;

  return g_steal_pointer (&device);
}
