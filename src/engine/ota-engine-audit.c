/* ota-engine-audit.c — reading the audit log back */
#include "ota-audit-entry.h"
#include "ota-engine-private.h"

/**
 * ota_engine_list_audit:
 * @offset: entries to skip, newest first
 * @limit: at most this many (0: all)
 * @total: (out) (optional): entries in the log
 *
 * Returns: (element-type OtaAuditEntry) (transfer full): newest first
 */
GPtrArray *
ota_engine_list_audit (OtaEngine  *self,
                       guint       offset,
                       guint       limit,
                       guint64    *total,
                       GError    **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaCachedStmt) count = NULL;
  g_autoptr(OtaCachedStmt) rows = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  if (total != NULL)
    {
      count = ota_store_prepare (store, "SELECT count(*) FROM audit_log", error);
      if (count == NULL)
        return NULL;
      if (sqlite3_step (count) != SQLITE_ROW)
        {
          ota_store_set_error (store, error, "reading the audit log");
          return NULL;
        }
      *total = (guint64) sqlite3_column_int64 (count, 0);
    }

  /* The id grows with every entry, so it orders entries even when the clock jumped back. */
  rows = ota_store_prepare (store,
                            "SELECT id, at, actor, action, params FROM audit_log "
                            "ORDER BY id DESC LIMIT ? OFFSET ?",
                            error);
  if (rows == NULL)
    return NULL;

  sqlite3_bind_int64 (rows, 1, limit > 0 ? (sqlite3_int64) limit : -1);
  sqlite3_bind_int64 (rows, 2, offset);
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    g_ptr_array_add (entries,
                     ota_audit_entry_new (sqlite3_column_int64 (rows, 0),
                                          sqlite3_column_int64 (rows, 1),
                                          (const char *) sqlite3_column_text (rows, 2),
                                          (const char *) sqlite3_column_text (rows, 3),
                                          (const char *) sqlite3_column_text (rows, 4)));
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading the audit log");
      return NULL;
    }

  return g_steal_pointer (&entries);
}
