/* ota-engine-notices.c — what the MQTT side of the server asks about notices already
 * sent: the notice a device is working on (to answer firmware/get, and to send it again
 * after a reconnect, R-E4), and the reset of presence when the broker's view is lost
 * (R-E1)
 *
 * Neither changes a task: sending a notice again is not a new try (R-R4 counts tries by
 * the push pass alone).
 */
#include "ota-enum-types.h"
#include "ota-rollout-private.h"

/* The device's unfinished task, through the partial unique index on device_id (hence
 * the unfinished list first), with its firmware. ?3: module or NULL; ?4: 1 = only a try
 * that has not reported progress yet. */
#define SENT_NOTICE_SQL \
  "SELECT t.id, t.batch_id, t.tries, f.id, f.module, f.version, f.size, f.digest, " \
  "f.sign_algorithm, f.type, f.signature " \
  "FROM devices d JOIN tasks t ON t.device_id = d.id " \
  "JOIN batches b ON b.id = t.batch_id JOIN firmwares f ON f.id = b.firmware_id " \
  "WHERE d.product_key = ?1 AND d.name = ?2 " \
  "AND t.status IN " OTA_TASK_UNFINISHED_SQL " AND t.status IN ('pushed', 'upgrading') " \
  "AND t.needs_push = 0 AND t.tries > 0 AND (?3 IS NULL OR f.module = ?3) " \
  "AND (?4 = 0 OR t.first_progress_at IS NULL)"

/**
 * ota_engine_dup_sent_notice:
 * @product_key: the device's product
 * @device_name: the device
 * @module: (nullable): only a notice for this module; %NULL: any
 * @which: every notice whose try is running, or only one without progress yet
 *
 * The notice of the device's current try: its task was pushed (or is upgrading), no
 * retry is waiting, and with %OTA_SENT_NOTICE_NOT_STARTED the device has not reported
 * progress for this try. A task waiting for its (first or next) push has none: the push
 * pass and its rate decide when that goes out.
 *
 * Returns: (transfer full) (nullable): the notice, with @try_number the current try and
 *   @sent_at now; %NULL without @error set when there is none
 */
OtaUpgradeNotice *
ota_engine_dup_sent_notice (OtaEngine           *self,
                            const char          *product_key,
                            const char          *device_name,
                            const char          *module,
                            OtaSentNoticeFilter  which,
                            GError             **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  OtaUpgradeNotice *notice;
  int algorithm = OTA_SIGN_ALGORITHM_MD5;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (product_key != NULL && device_name != NULL, NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));
  stmt = ota_store_prepare (store, SENT_NOTICE_SQL, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, device_name, -1, SQLITE_STATIC);
  if (module != NULL)
    sqlite3_bind_text (stmt, 3, module, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, which == OTA_SENT_NOTICE_NOT_STARTED ? 1 : 0);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      ota_store_set_error (store, error, "reading a device's notice");
      return NULL;
    }

  ota_enum_from_nick (OTA_TYPE_SIGN_ALGORITHM, (const char *) sqlite3_column_text (stmt, 8), &algorithm);
  notice = g_new0 (OtaUpgradeNotice, 1);
  *notice = (OtaUpgradeNotice) {
    .task_id = sqlite3_column_int64 (stmt, 0),
    .batch_id = sqlite3_column_int64 (stmt, 1),
    .try_number = sqlite3_column_int (stmt, 2),
    .firmware_id = sqlite3_column_int64 (stmt, 3),
    .product_key = g_strdup (product_key),
    .device_name = g_strdup (device_name),
    .module = g_strdup ((const char *) sqlite3_column_text (stmt, 4)),
    .version = g_strdup ((const char *) sqlite3_column_text (stmt, 5)),
    .size = sqlite3_column_int64 (stmt, 6),
    .digest = g_strdup ((const char *) sqlite3_column_text (stmt, 7)),
    .sign_algorithm = algorithm,
    .is_diff = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 9), "diff") == 0,
    .signature = g_strdup ((const char *) sqlite3_column_text (stmt, 10)),
    .sent_at = ota_engine_now (self),
  };
  return notice;
}

/**
 * ota_engine_reset_presence:
 * @n_reset: (out) (optional): how many devices were online
 *
 * Every device marked online goes offline, with the effects of an offline event (R-E1),
 * in one transaction. For a server that lost its broker connection or starts: it cannot
 * know who is still connected, and the broker's retained presence tells it again.
 */
gboolean
ota_engine_reset_presence (OtaEngine  *self,
                           guint      *n_reset,
                           GError    **error)
{
  OtaStore *store;
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (OtaDeviceEvent));
  g_autoptr(GStringChunk) names = g_string_chunk_new (4096);

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);

  if (n_reset != NULL)
    *n_reset = 0;

  store = ota_engine_get_store (self);
  {
    g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (ota_store_get_lock (store));
    g_autoptr(OtaCachedStmt) stmt =
      ota_store_prepare (store, "SELECT product_key, name FROM devices WHERE online = 1", error);
    int rc;

    if (stmt == NULL)
      return FALSE;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        OtaDeviceEvent event = {
          .kind = OTA_DEVICE_EVENT_OFFLINE,
          .product_key = g_string_chunk_insert_const (names, (const char *) sqlite3_column_text (stmt, 0)),
          .device_name = g_string_chunk_insert (names, (const char *) sqlite3_column_text (stmt, 1)),
        };

        g_array_append_val (events, event);
      }
    if (rc != SQLITE_DONE)
      return ota_store_set_error (store, error, "reading online devices");
  }

  /* The lock is not held across the events: they take it themselves, and a device that
   * came online meanwhile only goes through offline → online again. */
  if (!ota_engine_apply_device_events (self, (const OtaDeviceEvent *) (gpointer) events->data,
                                       events->len, NULL, error))
    return FALSE;

  if (n_reset != NULL)
    *n_reset = events->len;
  return TRUE;
}
