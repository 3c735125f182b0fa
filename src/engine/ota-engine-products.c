/* ota-engine-products.c — products and secure upgrade (R-P1, R-P2, R-P3) */
#include <glib/gi18n-lib.h>

#include "ota-engine-private.h"
#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-signer.h"
#include "ota-validate.h"

#define PRODUCT_COLUMNS \
  "p.key, p.name, p.project_type, p.network_type, p.alios_things, p.android_sdk, " \
  "p.secure_upgrade, p.public_key, p.created_at, " \
  "(SELECT count(*) FROM devices d WHERE d.product_key = p.key)"

static OtaProduct *
product_from_row (sqlite3_stmt *stmt)
{
  int project_type = 0, network_type = 0;

  ota_enum_from_nick (OTA_TYPE_PROJECT_TYPE, (const char *) sqlite3_column_text (stmt, 2), &project_type);
  ota_enum_from_nick (OTA_TYPE_NETWORK_TYPE, (const char *) sqlite3_column_text (stmt, 3), &network_type);

  return g_object_new (OTA_TYPE_PRODUCT,
                       "key", sqlite3_column_text (stmt, 0),
                       "name", sqlite3_column_text (stmt, 1),
                       "project-type", project_type,
                       "network-type", network_type,
                       "alios-things", sqlite3_column_int (stmt, 4) != 0,
                       "android-sdk", sqlite3_column_int (stmt, 5) != 0,
                       "secure-upgrade", sqlite3_column_int (stmt, 6) != 0,
                       "public-key", sqlite3_column_text (stmt, 7),
                       "created-at", (gint64) sqlite3_column_int64 (stmt, 8),
                       "device-count", (guint64) sqlite3_column_int64 (stmt, 9),
                       NULL);
}

OtaProduct *
ota_engine_lookup_product (OtaEngine   *self,
                           const char  *key,
                           GError     **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT " PRODUCT_COLUMNS " FROM products p WHERE p.key = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return product_from_row (stmt);
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading a product");
      return NULL;
    }

  ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "product",
                       _("Product “%s” does not exist"), key);
  return NULL;
}

OtaProduct *
ota_engine_get_product (OtaEngine   *self,
                        const char  *key,
                        GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  locker = g_rec_mutex_locker_new (ota_store_get_lock (ota_engine_get_store (self)));
  return ota_engine_lookup_product (self, key, error);
}

GPtrArray *
ota_engine_list_products (OtaEngine  *self,
                          GError    **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(OtaCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));
  stmt = ota_store_prepare (store, "SELECT " PRODUCT_COLUMNS " FROM products p ORDER BY p.name, p.key", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (products, product_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "listing products");
      return NULL;
    }

  return g_steal_pointer (&products);
}

/* Product keys look like the vendor's: 11 characters, starting with a letter. */
static char *
make_product_key (void)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  char key[12];

  key[0] = 'a';
  for (guint i = 1; i < 11; i++)
    key[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  key[11] = '\0';

  return g_strdup (key);
}

static gboolean
product_key_exists (OtaStore   *store,
                    const char *key,
                    GError    **error,
                    gboolean   *exists)
{
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (store, "SELECT 1 FROM products WHERE key = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading a product");

  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/**
 * ota_engine_add_product:
 *
 * Adds a product (R-P1). Secure upgrade starts off.
 *
 * Returns: (transfer full): the new product
 */
OtaProduct *
ota_engine_add_product (OtaEngine             *self,
                        const OtaProductSpec  *spec,
                        GError               **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaTransaction) tx = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autofree char *key = NULL;
  gboolean exists = FALSE;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (spec->key != NULL && !ota_validate_product_key (spec->key, error))
    return NULL;
  if (!ota_validate_product_name (spec->name, error))
    return NULL;
  if (ota_enum_to_nick (OTA_TYPE_PROJECT_TYPE, spec->project_type) == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "project-type",
                           _("Project type must be own-brand or tmall-genie"));
      return NULL;
    }
  if (ota_enum_to_nick (OTA_TYPE_NETWORK_TYPE, spec->network_type) == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "network-type",
                           _("Network type must be one of wifi, ble, cellular, ethernet, other"));
      return NULL;
    }

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  if (spec->key != NULL)
    {
      key = g_strdup (spec->key);
      if (!product_key_exists (store, key, error, &exists))
        return NULL;
      if (exists)
        {
          ota_error_set_field (error, OTA_ERROR_CONFLICT, "key",
                               _("A product with key “%s” already exists"), key);
          return NULL;
        }
    }
  else
    {
      do
        {
          g_free (key);
          key = make_product_key ();
          if (!product_key_exists (store, key, error, &exists))
            return NULL;
        }
      while (exists);
    }

  tx = ota_transaction_begin (store, error);
  if (tx == NULL)
    return NULL;

  stmt = ota_store_prepare (store,
                            "INSERT INTO products (key, name, project_type, network_type, "
                            "alios_things, android_sdk, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ota_enum_to_nick (OTA_TYPE_PROJECT_TYPE, spec->project_type), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ota_enum_to_nick (OTA_TYPE_NETWORK_TYPE, spec->network_type), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, spec->alios_things ? 1 : 0);
  sqlite3_bind_int (stmt, 6, spec->android_sdk ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, ota_engine_now (self));

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "adding a product");
      return NULL;
    }

  if (!ota_engine_audit (self, "product.add",
                         g_variant_new_parsed ("{'key': <%s>, 'name': <%s>, 'project-type': <%s>, "
                                               "'network-type': <%s>, 'alios-things': <%b>, "
                                               "'android-sdk': <%b>}",
                                               key, spec->name,
                                               ota_enum_to_nick (OTA_TYPE_PROJECT_TYPE, spec->project_type),
                                               ota_enum_to_nick (OTA_TYPE_NETWORK_TYPE, spec->network_type),
                                               spec->alios_things, spec->android_sdk),
                         error) ||
      !ota_engine_ensure_module (self, key, "default", error))
    return NULL;

  /* Read before the commit: once it is committed, the caller must get it. */
  product = ota_engine_lookup_product (self, key, error);
  if (product == NULL || !ota_transaction_commit (tx, error))
    return NULL;

  return g_steal_pointer (&product);
}

/**
 * ota_engine_set_secure_upgrade:
 *
 * Switches secure upgrade on or off (R-P2). The key pair is made the first time it is
 * switched on and kept afterwards, so devices that hold the public key keep verifying
 * after an off/on cycle (R-P3: existing signatures stay valid).
 *
 * Returns: (transfer full): the product as it is now
 */
OtaProduct *
ota_engine_set_secure_upgrade (OtaEngine   *self,
                               const char  *key,
                               gboolean     enabled,
                               GError     **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaTransaction) tx = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autoptr(OtaSecret) private_pem = NULL;
  g_autofree char *public_pem = NULL;
  gboolean make_keys;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));

  product = ota_engine_lookup_product (self, key, error);
  if (product == NULL)
    return NULL;

  if (enabled && !ota_product_get_alios_things (product))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "secure-upgrade",
                           _("Secure upgrade can only be switched on for products whose devices "
                             "use AliOS Things chips; “%s” does not"),
                           ota_product_get_name (product));
      return NULL;
    }

  make_keys = enabled && ota_product_get_public_key (product) == NULL;
  if (make_keys && !ota_signer_generate_key_pair (&private_pem, &public_pem, error))
    return NULL;

  tx = ota_transaction_begin (store, error);
  if (tx == NULL)
    return NULL;

  stmt = ota_store_prepare (store,
                            "UPDATE products SET secure_upgrade = ?, "
                            "private_key = coalesce(?, private_key), "
                            "public_key = coalesce(?, public_key) WHERE key = ?",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  sqlite3_bind_text (stmt, 2, private_pem, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, public_pem, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, key, -1, SQLITE_STATIC);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "switching secure upgrade");
      return NULL;
    }

  if (!ota_engine_audit (self, "product.secure-upgrade",
                         g_variant_new_parsed ("{'key': <%s>, 'enabled': <%b>}", key, enabled),
                         error))
    return NULL;

  /* Read before the commit: once it is committed, the caller must get it. */
  g_clear_object (&product);
  product = ota_engine_lookup_product (self, key, error);
  if (product == NULL || !ota_transaction_commit (tx, error))
    return NULL;

  return g_steal_pointer (&product);
}

char *
ota_engine_dup_public_key_pem (OtaEngine   *self,
                               const char  *key,
                               GError     **error)
{
  g_autoptr(OtaProduct) product = ota_engine_get_product (self, key, error);

  if (product == NULL)
    return NULL;

  if (ota_product_get_public_key (product) == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "secure-upgrade",
                           _("Product “%s” has no signing key yet: switch secure upgrade on first"),
                           ota_product_get_name (product));
      return NULL;
    }

  return g_strdup (ota_product_get_public_key (product));
}
