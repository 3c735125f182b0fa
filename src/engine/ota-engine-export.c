/* ota-engine-export.c — writing devices as CSV, the format the import reads (R-DV1)
 *
 * Rows stream from one join walked in index order (product, name, module): nothing but
 * a 64 KiB output buffer is kept in memory, whatever the number of devices. Lines end
 * in CRLF as RFC 4180 asks; the import reads both.
 */
#include <glib/gi18n-lib.h>

#include "ota-csv.h"
#include "ota-engine-private.h"
#include "ota-error.h"

#define FLUSH_SIZE 65536

#define EXPORT_COLUMNS \
  "SELECT d.id, d.product_key, d.name, d.province, d.city, d.online, v.module, v.version " \
  "FROM devices d LEFT JOIN device_versions v ON v.device_id = d.id "

static gboolean
flush (GOutputStream  *stream,
       GString        *out,
       GCancellable   *cancellable,
       GError        **error)
{
  g_autoptr(GError) write_error = NULL;

  if (!g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, &write_error))
    {
      if (g_error_matches (write_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&write_error));
      else
        ota_error_set_field (error, OTA_ERROR_IO, "file",
                             _("Cannot write the device list: %s"), write_error->message);
      return FALSE;
    }

  g_string_truncate (out, 0);
  return TRUE;
}

static void
append_row (GString    *out,
            const char *product,
            const char *name,
            const char *province,
            const char *city,
            const char *versions,
            gboolean    online)
{
  ota_csv_append_field (out, product);
  g_string_append_c (out, ',');
  ota_csv_append_field (out, name);
  g_string_append_c (out, ',');
  ota_csv_append_field (out, province);
  g_string_append_c (out, ',');
  ota_csv_append_field (out, city);
  g_string_append_c (out, ',');
  ota_csv_append_field (out, versions);
  g_string_append (out, online ? ",yes\r\n" : ",no\r\n");
}

/**
 * ota_engine_export_devices_csv:
 * @product_key: (nullable): one product, or every product
 *
 * Writes devices sorted by product, then name, with a header line; the import reads
 * the result back to the same devices.
 */
gboolean
ota_engine_export_devices_csv (OtaEngine      *self,
                               const char     *product_key,
                               GOutputStream  *stream,
                               GCancellable   *cancellable,
                               GError        **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autoptr(GString) out = g_string_sized_new (FLUSH_SIZE + 1024);
  /* The device whose row is being put together: one result row per module. */
  g_autoptr(GString) versions = g_string_new (NULL);
  g_autofree char *product = NULL, *name = NULL, *province = NULL, *city = NULL;
  gboolean online = FALSE;
  gint64 current = -1;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  if (product_key != NULL)
    {
      g_autoptr(OtaProduct) found = ota_engine_lookup_product (self, product_key, error);

      if (found == NULL)
        return FALSE;
      stmt = ota_store_prepare (store,
                                EXPORT_COLUMNS "WHERE d.product_key = ? ORDER BY d.name, v.module",
                                error);
      if (stmt != NULL)
        sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_TRANSIENT);
    }
  else
    {
      stmt = ota_store_prepare (store, EXPORT_COLUMNS "ORDER BY d.product_key, d.name, v.module",
                                error);
    }
  if (stmt == NULL)
    return FALSE;

  g_string_append (out, "product,device,province,city,versions,online\r\n");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (id != current)
        {
          if (current >= 0)
            append_row (out, product, name, province, city, versions->str, online);

          if (out->len >= FLUSH_SIZE && !flush (stream, out, cancellable, error))
            return FALSE;

          current = id;
          g_free (product);
          g_free (name);
          g_free (province);
          g_free (city);
          product = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          province = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          city = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
          online = sqlite3_column_int (stmt, 5) != 0;
          g_string_truncate (versions, 0);
        }

      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        g_string_append_printf (versions, "%s%s=%s", versions->len > 0 ? ";" : "",
                                (const char *) sqlite3_column_text (stmt, 6),
                                (const char *) sqlite3_column_text (stmt, 7));
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading devices");

  if (current >= 0)
    append_row (out, product, name, province, city, versions->str, online);

  return flush (stream, out, cancellable, error);
}
