/* ota-engine-queries.c — finding devices and listing a product's modules (R-DV2, R-F5)
 *
 * The device query is put together from the filters asked for; every value is a bound
 * parameter, never text in the SQL. Such statements vary with the number of versions,
 * so they are prepared per call rather than kept in the store's cache.
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-engine-private.h"
#include "ota-error.h"

typedef sqlite3_stmt OtaQueryStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaQueryStmt, sqlite3_finalize)

/* Texts bound in order to the "?" of a WHERE clause. */
typedef struct {
  GString   *sql;
  GPtrArray *params;
} Where;

static void
where_clear (Where *where)
{
  if (where->sql != NULL)
    g_string_free (where->sql, TRUE);
  g_clear_pointer (&where->params, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Where, where_clear)

static void
where_add (Where      *where,
           const char *condition,
           const char *param)
{
  g_string_append_printf (where->sql, " AND %s", condition);
  if (param != NULL)
    g_ptr_array_add (where->params, g_strdup (param));
}

/* "%", "_" and the escape character itself match literally after this. */
static char *
escape_like (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static OtaQueryStmt *
prepare (OtaStore     *store,
         const char   *sql,
         const Where  *where,
         GError      **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (ota_store_get_db (store), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      ota_store_set_error (store, error, "preparing a device query");
      return NULL;
    }

  for (guint i = 0; i < where->params->len; i++)
    sqlite3_bind_text (stmt, (int) i + 1, g_ptr_array_index (where->params, i), -1, SQLITE_STATIC);

  return stmt;
}

static const char *
order_by (OtaDeviceSort  sort,
          gboolean       descending,
          GError       **error)
{
  /* The name breaks ties: names are unique in a product, so pages never overlap. */
  switch (sort)
    {
    case OTA_DEVICE_SORT_NAME:
      return descending ? "d.name DESC" : "d.name";
    case OTA_DEVICE_SORT_REGION:
      return descending ? "d.province DESC, d.city DESC, d.name" : "d.province, d.city, d.name";
    case OTA_DEVICE_SORT_ONLINE:
      return descending ? "d.online DESC, d.name" : "d.online, d.name";
    case OTA_DEVICE_SORT_UPDATED:
      return descending ? "d.updated_at DESC, d.name" : "d.updated_at, d.name";
    default:
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "sort",
                           _("Devices can be sorted by name, region, online or last update"));
      return NULL;
    }
}

/**
 * ota_engine_query_devices:
 * @total: (out) (optional): how many devices match, before @offset and @limit
 *
 * Finds a product's devices. With @module, only devices that reported a version for it
 * match — one of @versions when given (R-DV2: a device that never reported the module
 * is never matched). @versions without @module means module "default". An empty
 * @versions array matches no device.
 *
 * Returns: (element-type OtaDevice) (transfer full): the page of devices
 */
GPtrArray *
ota_engine_query_devices (OtaEngine             *self,
                          const OtaDeviceQuery  *query,
                          guint64               *total,
                          GError               **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(Where) where = { g_string_new ("d.product_key = ?"), g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(OtaQueryStmt) count = NULL;
  g_autoptr(OtaQueryStmt) rows = NULL;
  g_autofree char *count_sql = NULL;
  g_autofree char *rows_sql = NULL;
  const char *order;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (query->product_key == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "product",
                           _("Choose the product whose devices to list"));
      return NULL;
    }

  order = order_by (query->sort, query->descending, error);
  if (order == NULL)
    return NULL;

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  product = ota_engine_lookup_product (self, query->product_key, error);
  if (product == NULL)
    return NULL;

  g_ptr_array_add (where.params, g_strdup (query->product_key));

  if (query->search != NULL && *query->search != '\0')
    {
      g_autofree char *escaped = escape_like (query->search);
      g_autofree char *pattern = g_strdup_printf ("%%%s%%", escaped);

      /* LIKE ignores ASCII case, and device names are ASCII. */
      where_add (&where, "d.name LIKE ? ESCAPE '\\'", pattern);
    }

  if (query->online >= 0)
    where_add (&where, query->online ? "d.online = 1" : "d.online = 0", NULL);
  if (query->province != NULL)
    where_add (&where, "d.province = ?", query->province);
  if (query->city != NULL)
    where_add (&where, "d.city = ?", query->city);

  if (query->module != NULL || query->versions != NULL)
    {
      g_autoptr(GString) exists =
        g_string_new ("EXISTS (SELECT 1 FROM device_versions v WHERE v.device_id = d.id "
                      "AND v.module = ?");
      guint n_versions = query->versions != NULL ? g_strv_length ((char **) query->versions) : 0;

      g_ptr_array_add (where.params, g_strdup (query->module != NULL ? query->module : "default"));

      if (query->versions != NULL)
        {
          if (n_versions == 0)
            {
              if (total != NULL)
                *total = 0;
              return g_steal_pointer (&devices);
            }

          g_string_append (exists, " AND v.version IN (?");
          for (guint i = 1; i < n_versions; i++)
            g_string_append (exists, ", ?");
          g_string_append_c (exists, ')');
          for (guint i = 0; i < n_versions; i++)
            g_ptr_array_add (where.params, g_strdup (query->versions[i]));
        }

      g_string_append_c (exists, ')');
      where_add (&where, exists->str, NULL);
    }

  if (total != NULL)
    {
      count_sql = g_strdup_printf ("SELECT count(*) FROM devices d WHERE %s", where.sql->str);
      count = prepare (store, count_sql, &where, error);
      if (count == NULL)
        return NULL;
      if (sqlite3_step (count) != SQLITE_ROW)
        {
          ota_store_set_error (store, error, "counting devices");
          return NULL;
        }
      *total = (guint64) sqlite3_column_int64 (count, 0);
    }

  rows_sql = g_strdup_printf ("SELECT d.id, d.name, d.province, d.city, d.online, "
                              "d.created_at, d.updated_at FROM devices d WHERE %s "
                              "ORDER BY %s LIMIT ? OFFSET ?",
                              where.sql->str, order);
  rows = prepare (store, rows_sql, &where, error);
  if (rows == NULL)
    return NULL;
  sqlite3_bind_int64 (rows, (int) where.params->len + 1,
                      query->limit > 0 ? (gint64) query->limit : -1);
  sqlite3_bind_int64 (rows, (int) where.params->len + 2, query->offset);

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (rows, 0);

      g_ptr_array_add (devices,
                       ota_device_new (id, query->product_key,
                                       (const char *) sqlite3_column_text (rows, 1),
                                       (const char *) sqlite3_column_text (rows, 2),
                                       (const char *) sqlite3_column_text (rows, 3),
                                       sqlite3_column_int (rows, 4) != 0,
                                       ota_engine_read_device_versions (store, id),
                                       sqlite3_column_int64 (rows, 5),
                                       sqlite3_column_int64 (rows, 6)));
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading devices");
      return NULL;
    }

  return g_steal_pointer (&devices);
}

/* Natural version order: runs of digits compare as numbers, so 1.9 < 1.10 < 2.0; other
 * bytes compare as bytes. Equal by that (1.01 and 1.1): plain byte order decides. */
static int
compare_versions (const char *a,
                  const char *b)
{
  const char *x = a, *y = b;

  while (*x != '\0' && *y != '\0')
    {
      if (g_ascii_isdigit (*x) && g_ascii_isdigit (*y))
        {
          const char *xs, *ys;
          gsize xn, yn;
          int c;

          while (*x == '0' && g_ascii_isdigit (x[1]))
            x++;
          while (*y == '0' && g_ascii_isdigit (y[1]))
            y++;
          for (xs = x; g_ascii_isdigit (*x); x++)
            ;
          for (ys = y; g_ascii_isdigit (*y); y++)
            ;
          xn = (gsize) (x - xs);
          yn = (gsize) (y - ys);
          if (xn != yn)
            return xn < yn ? -1 : 1;
          c = memcmp (xs, ys, xn);
          if (c != 0)
            return c;
        }
      else
        {
          if (*x != *y)
            return (guchar) *x < (guchar) *y ? -1 : 1;
          x++;
          y++;
        }
    }

  if (*x != *y)
    return *x == '\0' ? -1 : 1;

  return strcmp (a, b);
}

typedef struct {
  char    *version;
  guint64  devices;
} VersionRow;

static int
compare_version_rows (gconstpointer a,
                      gconstpointer b)
{
  return compare_versions (((const VersionRow *) a)->version, ((const VersionRow *) b)->version);
}

static void
version_row_clear (gpointer data)
{
  g_free (((VersionRow *) data)->version);
}

static gboolean
add_versions (OtaStore    *store,
              OtaModule   *module,
              GError     **error)
{
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT version, devices FROM module_versions "
                       "WHERE product_key = ? AND module = ? AND devices > 0",
                       error);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (VersionRow));
  int rc;

  if (stmt == NULL)
    return FALSE;

  g_array_set_clear_func (rows, version_row_clear);
  sqlite3_bind_text (stmt, 1, ota_module_get_product_key (module), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ota_module_get_name (module), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VersionRow row = {
        g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
        (guint64) sqlite3_column_int64 (stmt, 1),
      };
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading module versions");

  g_array_sort (rows, compare_version_rows);
  for (guint i = 0; i < rows->len; i++)
    ota_module_add_version (module, g_array_index (rows, VersionRow, i).version,
                            g_array_index (rows, VersionRow, i).devices);

  return TRUE;
}

/**
 * ota_engine_list_modules:
 *
 * The product's modules, "default" first and then by name, each with the versions its
 * devices report (in natural version order) and how many devices report each (R-F5).
 * Versions no device reports any more are left out.
 *
 * Returns: (element-type OtaModule) (transfer full): the modules
 */
GPtrArray *
ota_engine_list_modules (OtaEngine   *self,
                         const char  *product_key,
                         GError     **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (g_object_unref);
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
                            "SELECT name FROM modules WHERE product_key = ? "
                            "ORDER BY name <> 'default', name",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(OtaModule) module =
        ota_module_new (product_key, (const char *) sqlite3_column_text (stmt, 0));

      if (!add_versions (store, module, error))
        return NULL;
      g_ptr_array_add (modules, g_steal_pointer (&module));
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading modules");
      return NULL;
    }

  return g_steal_pointer (&modules);
}
