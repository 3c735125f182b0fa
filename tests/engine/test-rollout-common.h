/* test-rollout-common.h — checks shared by the verification and batch tests
 *
 * Static helpers (header only): the batch counters against a fresh count of the tasks,
 * a task's status by device name, devices with a region and an online flag.
 */
#pragma once

#include <string.h>

#include "ota-test-link.h"

/* Every batch's counters equal SELECT status, count(*) FROM tasks GROUP BY status. */
G_GNUC_UNUSED static void
rollout_assert_counters (OtaEngine *engine)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GHashTable) counted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT batch_id, status, count(*) FROM tasks "
                                       "GROUP BY batch_id, status",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (counted,
                         g_strdup_printf ("%" G_GINT64_FORMAT "/%s", (gint64) sqlite3_column_int64 (stmt, 0),
                                          (const char *) sqlite3_column_text (stmt, 1)),
                         GINT_TO_POINTER (sqlite3_column_int (stmt, 2)));
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM batches", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(OtaBatch) batch = ota_engine_get_batch (engine, id, &error);

      g_assert_no_error (error);
      for (OtaTaskStatus s = 0; s < OTA_N_TASK_STATUSES; s++)
        {
          g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", id,
                                                  ota_enum_to_nick (OTA_TYPE_TASK_STATUS, s));

          g_assert_cmpuint (ota_batch_get_count (batch, s), ==,
                            (guint64) GPOINTER_TO_INT (g_hash_table_lookup (counted, key)));
        }
    }
}

/* A device of @product_key with a region and an online flag; @version (nullable) for
 * module default. Returns its id. */
G_GNUC_UNUSED static gint64
rollout_add_device (OtaEngine  *engine,
                    const char *product_key,
                    const char *name,
                    const char *version,
                    const char *province,
                    const char *city,
                    gboolean    online)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) versions = g_hash_table_new (g_str_hash, g_str_equal);
  OtaDeviceSpec spec = {
    .product_key = product_key,
    .name = name,
    .province = province,
    .city = city,
    .online = online,
    .versions = versions,
  };
  g_autoptr(OtaDevice) device = NULL;

  if (version != NULL)
    g_hash_table_insert (versions, (gpointer) "default", (gpointer) version);

  device = ota_engine_add_device (engine, &spec, &error);
  g_assert_no_error (error);
  return ota_device_get_id (device);
}

/* Adds @n online devices "@prefix-NN" of OTA_TEST_PRODUCT on @version. */
G_GNUC_UNUSED static void
rollout_add_devices (OtaEngine  *engine,
                     const char *prefix,
                     guint       n,
                     const char *version)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%02u", prefix, i);

      rollout_add_device (engine, OTA_TEST_PRODUCT, name, version, NULL, NULL, TRUE);
    }
}

/* Status and reason of @device's task (of OTA_TEST_PRODUCT) in @batch_id; FALSE when the
 * device has no task there. */
G_GNUC_UNUSED static gboolean
rollout_get_task_state (OtaEngine     *engine,
                        gint64         batch_id,
                        const char    *device,
                        OtaTaskStatus *status,
                        OtaTaskReason *reason)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  sqlite3_stmt *stmt = NULL;
  gboolean found;
  int value;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT t.status, t.reason FROM tasks t "
                                       "JOIN devices d ON d.id = t.device_id "
                                       "WHERE t.batch_id = ? AND d.product_key = ? AND d.name = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_text (stmt, 2, OTA_TEST_PRODUCT, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, device, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      g_assert_true (ota_enum_from_nick (OTA_TYPE_TASK_STATUS, (const char *) sqlite3_column_text (stmt, 0), &value));
      *status = value;
      value = OTA_TASK_REASON_NONE;
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        g_assert_true (ota_enum_from_nick (OTA_TYPE_TASK_REASON, (const char *) sqlite3_column_text (stmt, 1), &value));
      *reason = value;
    }
  sqlite3_finalize (stmt);
  return found;
}

#define rollout_assert_task(engine, batch_id, device, want_status, want_reason) \
  G_STMT_START { \
    OtaTaskStatus _status; \
    OtaTaskReason _reason; \
    g_assert_true (rollout_get_task_state ((engine), (batch_id), (device), &_status, &_reason)); \
    g_assert_cmpstr (ota_enum_to_nick (OTA_TYPE_TASK_STATUS, _status), ==, \
                     ota_enum_to_nick (OTA_TYPE_TASK_STATUS, (want_status))); \
    g_assert_cmpstr (_reason == OTA_TASK_REASON_NONE ? "none" : ota_enum_to_nick (OTA_TYPE_TASK_REASON, _reason), ==, \
                     (want_reason) == OTA_TASK_REASON_NONE ? "none" : ota_enum_to_nick (OTA_TYPE_TASK_REASON, (want_reason))); \
  } G_STMT_END

#define rollout_assert_no_task(engine, batch_id, device) \
  G_STMT_START { \
    OtaTaskStatus _status; \
    OtaTaskReason _reason; \
    g_assert_false (rollout_get_task_state ((engine), (batch_id), (device), &_status, &_reason)); \
  } G_STMT_END

/* SELECT count(*) FROM tasks WHERE batch_id = @batch_id [AND status = @status]. */
G_GNUC_UNUSED static guint
rollout_count_tasks (OtaEngine  *engine,
                     gint64      batch_id,
                     const char *status)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM tasks WHERE batch_id = ?1 "
                                       "AND (?2 IS NULL OR status = ?2)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* How many audit entries have @action. */
G_GNUC_UNUSED static guint
rollout_count_audit (OtaEngine  *engine,
                     const char *action)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (engine));
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM audit_log WHERE action = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

G_GNUC_UNUSED static OtaFirmwareStatus
rollout_firmware_status (OtaEngine *engine,
                         gint64     firmware_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) firmware = ota_engine_get_firmware (engine, firmware_id, &error);

  g_assert_no_error (error);
  return ota_firmware_get_status (firmware);
}
