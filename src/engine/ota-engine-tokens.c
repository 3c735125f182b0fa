/* ota-engine-tokens.c — the HTTP API's operator tokens
 *
 * A token is 32 random bytes in base64url, shown once when it is made. The database
 * keeps only its SHA-256, so a copy of the database gives nobody a working token.
 */
#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "ota-engine-private.h"
#include "ota-error.h"

#define TOKEN_BYTES 32
#define TOKEN_NAME_MAX 64

void
ota_api_token_free (OtaApiToken *token)
{
  if (token == NULL)
    return;
  g_free (token->name);
  g_free (token);
}

static gboolean
validate_token_name (const char  *name,
                     GError     **error)
{
  gboolean valid = name != NULL && *name != '\0' && g_utf8_validate (name, -1, NULL) &&
                   g_utf8_strlen (name, -1) <= TOKEN_NAME_MAX;

  for (const char *p = name; valid && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      valid = FALSE;

  if (!valid)
    ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "name",
                         _("Token name must be 1 to %d characters without control characters"),
                         TOKEN_NAME_MAX);
  return valid;
}

/* base64url without padding, as in RFC 4648 §5. */
static char *
encode_base64url (const guint8 *data,
                  gsize         length)
{
  g_autofree char *base64 = g_base64_encode (data, length);
  GString *out = g_string_new (NULL);

  for (const char *p = base64; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, '-');
      else if (*p == '/')
        g_string_append_c (out, '_');
      else if (*p != '=')
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static char *
hash_secret (const char *secret)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

/**
 * ota_engine_create_token:
 * @name: who the token is for (unique among the tokens not revoked)
 *
 * Returns: (transfer full): the token's secret; it cannot be read back later
 */
char *
ota_engine_create_token (OtaEngine   *self,
                         const char  *name,
                         GError     **error)
{
  OtaStore *store;
  guint8 random[TOKEN_BYTES];
  g_autofree char *secret = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(OtaTransaction) tx = NULL;
  g_autoptr(OtaCachedStmt) exists = NULL;
  g_autoptr(OtaCachedStmt) insert = NULL;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  if (!validate_token_name (name, error))
    return NULL;

  if (gnutls_rnd (GNUTLS_RND_KEY, random, sizeof random) < 0)
    {
      ota_error_set_field (error, OTA_ERROR_CRYPTO, NULL, _("Cannot make a random token"));
      return NULL;
    }
  secret = encode_base64url (random, sizeof random);
  memset (random, 0, sizeof random);
  hash = hash_secret (secret);

  store = ota_engine_get_store (self);
  tx = ota_transaction_begin (store, error);
  if (tx == NULL)
    return NULL;

  exists = ota_store_prepare (store, "SELECT 1 FROM api_tokens WHERE name = ? AND revoked_at IS NULL",
                              error);
  if (exists == NULL)
    return NULL;
  sqlite3_bind_text (exists, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (exists);
  if (rc == SQLITE_ROW)
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "name",
                           _("A token named “%s” exists already; revoke it first"), name);
      return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading the tokens");
      return NULL;
    }

  insert = ota_store_prepare (store, "INSERT INTO api_tokens (name, hash, created_at) VALUES (?, ?, ?)",
                              error);
  if (insert == NULL)
    return NULL;
  sqlite3_bind_text (insert, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 3, ota_engine_now (self));
  if (sqlite3_step (insert) != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "adding a token");
      return NULL;
    }

  if (!ota_engine_audit (self, "token.create", g_variant_new_parsed ("{'name': <%s>}", name), error) ||
      !ota_transaction_commit (tx, error))
    return NULL;

  return g_steal_pointer (&secret);
}

/**
 * ota_engine_list_tokens:
 *
 * Returns: (element-type OtaApiToken) (transfer full): every token, revoked ones too,
 *   oldest first
 */
GPtrArray *
ota_engine_list_tokens (OtaEngine  *self,
                        GError    **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) ota_api_token_free);
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));
  stmt = ota_store_prepare (store,
                            "SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OtaApiToken *token = g_new0 (OtaApiToken, 1);

      token->id = sqlite3_column_int64 (stmt, 0);
      token->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      token->created_at = sqlite3_column_int64 (stmt, 2);
      token->revoked_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (tokens, token);
    }
  if (rc != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "reading the tokens");
      return NULL;
    }

  return g_steal_pointer (&tokens);
}

/**
 * ota_engine_revoke_token:
 * @name: the name of a token that is not revoked
 *
 * The token stops working at once; NOT_FOUND when no such token is active.
 */
gboolean
ota_engine_revoke_token (OtaEngine   *self,
                         const char  *name,
                         GError     **error)
{
  OtaStore *store;
  g_autoptr(OtaTransaction) tx = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  store = ota_engine_get_store (self);
  tx = ota_transaction_begin (store, error);
  if (tx == NULL)
    return FALSE;

  stmt = ota_store_prepare (store,
                            "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ota_engine_now (self));
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (store, error, "revoking a token");

  if (sqlite3_changes (ota_store_get_db (store)) == 0)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "name",
                           _("No active token is named “%s”"), name);
      return FALSE;
    }

  return ota_engine_audit (self, "token.revoke", g_variant_new_parsed ("{'name': <%s>}", name), error) &&
         ota_transaction_commit (tx, error);
}

/**
 * ota_engine_check_token:
 * @secret: what the client presented
 * @name: (out) (optional) (transfer full): the token's name
 *
 * Returns: TRUE for a token that exists and is not revoked; otherwise FALSE with
 *   OTA_ERROR_NOT_FOUND (or OTA_ERROR_STORE when the database failed)
 */
gboolean
ota_engine_check_token (OtaEngine   *self,
                        const char  *secret,
                        char       **name,
                        GError     **error)
{
  OtaStore *store;
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(OtaCachedStmt) stmt = NULL;
  g_autofree char *hash = NULL;
  int rc;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);

  /* Looked up by its hash: the comparison never touches the secret itself. */
  if (secret == NULL || *secret == '\0' || strlen (secret) > 256)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "token", _("The token is not valid"));
      return FALSE;
    }
  hash = hash_secret (secret);

  store = ota_engine_get_store (self);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (store));
  stmt = ota_store_prepare (store,
                            "SELECT name FROM api_tokens WHERE hash = ? AND revoked_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (name != NULL)
        *name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading the tokens");

  ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "token", _("The token is not valid"));
  return FALSE;
}
