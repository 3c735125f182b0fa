/* ota-rollout-dynamic.c — dynamic batches match devices after their creation: a device
 * that reports a source version or is added, and the devices of an import (R-B5, R-B16)
 */
#include "ota-rollout-match-private.h"

/* Running dynamic batches of a product (a device's product when @device_id > 0; a device
 * that reports before the enrolment cursor reaches it is enrolled at once). */
static GArray *
list_dynamic_batches (OtaEngine   *self,
                      const char  *product_key,
                      gint64       device_id,
                      GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       device_id > 0
                       ? "SELECT b.id FROM batches b JOIN firmwares f ON f.id = b.firmware_id "
                         "JOIN devices d ON d.product_key = f.product_key "
                         "WHERE d.id = ?2 AND b.kind = 'batch' AND b.strategy = 'dynamic' "
                         "AND b.state = 'running' ORDER BY b.id"
                       /* A batch still enrolling reaches the new devices with its cursor. */
                       : "SELECT b.id FROM batches b JOIN firmwares f ON f.id = b.firmware_id "
                         "WHERE f.product_key = ?1 AND b.kind = 'batch' AND b.strategy = 'dynamic' "
                         "AND b.state = 'running' AND b.enrol_after_device_id IS NULL ORDER BY b.id",
                       error);
  int rc;

  if (stmt == NULL)
    return NULL;

  if (device_id > 0)
    sqlite3_bind_int64 (stmt, 2, device_id);
  else
    sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading dynamic batches");
      return NULL;
    }

  return g_steal_pointer (&ids);
}

gboolean
ota_rollout_match_dynamic (OtaEngine   *self,
                           gint64       device_id,
                           gint64       now,
                           GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(GArray) batches = list_dynamic_batches (self, NULL, device_id, error);
  OtaMatchRange all = OTA_MATCH_RANGE_ALL;

  if (batches == NULL)
    return FALSE;

  for (guint i = 0; i < batches->len; i++)
    {
      g_auto(BatchInfo) info = { 0 };
      g_autoptr(GString) sql = g_string_new ("SELECT v.version FROM devices d "
                                             "CROSS JOIN device_versions v WHERE");
      g_autoptr(OtaCachedStmt) stmt = NULL;
      g_autofree char *version = NULL;
      int rc;

      if (!ota_match_read_batch_info (self, g_array_index (batches, gint64, i), &info, error))
        return FALSE;

      ota_match_append_filter (sql, &info, MATCH_DEVICE);
      g_string_append (sql, " AND NOT EXISTS (SELECT 1 FROM tasks x WHERE x.batch_id = ?1 "
                            "AND x.device_id = d.id)");
      stmt = ota_store_prepare (store, sql->str, error);
      if (stmt == NULL)
        return FALSE;

      ota_match_bind (stmt, &info, &all);
      sqlite3_bind_int64 (stmt, P_DEVICE, device_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        version = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        return ota_store_set_error (store, error, "matching a device");
      sqlite3_reset (stmt);

      if (version != NULL &&
          !ota_match_enroll (self, &info, device_id, version, now, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
ota_rollout_match_dynamic_product (OtaEngine   *self,
                                   const char  *product_key,
                                   gint64       now,
                                   GError     **error)
{
  g_autoptr(GArray) batches = list_dynamic_batches (self, product_key, 0, error);

  if (batches == NULL)
    return FALSE;

  for (guint i = 0; i < batches->len; i++)
    if (!ota_rollout_match_batch (self, g_array_index (batches, gint64, i), now, error))
      return FALSE;

  return TRUE;
}
