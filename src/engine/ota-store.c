/* ota-store.c — the engine's SQLite database: open, migrate, transactions, statements */
#include <glib/gi18n-lib.h>
#include <fcntl.h>
#include <glib/gstdio.h>

#include "ota-blob-store.h"
#include "ota-error.h"
#include "ota-schema.h"
#include "ota-store.h"

struct _OtaStore
{
  GObject     parent_instance;

  char       *path;
  char       *blob_dir;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
  GRecMutex   lock;
  int         last_error;   /* extended result code of the last ota_store_set_error() */
};

G_DEFINE_FINAL_TYPE (OtaStore, ota_store, G_TYPE_OBJECT)

static void
ota_store_finalize (GObject *object)
{
  OtaStore *self = OTA_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);
  g_free (self->blob_dir);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (ota_store_parent_class)->finalize (object);
}

static void
ota_store_class_init (OtaStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
ota_store_init (OtaStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_statement);
}

int
ota_store_schema_version (void)
{
  return (int) ota_schema_n_migrations;
}

gboolean
ota_store_set_error (OtaStore    *self,
                     GError     **error,
                     const char  *what)
{
  self->last_error = sqlite3_extended_errcode (self->db);
  g_set_error (error, OTA_ERROR, OTA_ERROR_STORE,
               _("Database error while %s: %s"), what, sqlite3_errmsg (self->db));
  return FALSE;
}

int
ota_store_get_last_error (OtaStore *self)
{
  g_return_val_if_fail (OTA_IS_STORE (self), SQLITE_ERROR);
  return self->last_error;
}

gboolean
ota_store_exec (OtaStore    *self,
                const char  *sql,
                GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      self->last_error = sqlite3_extended_errcode (self->db);
      g_set_error (error, OTA_ERROR, OTA_ERROR_STORE, _("Database error: %s"), message);
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static int
ota_store_get_user_version (OtaStore *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
ota_store_migrate (OtaStore  *self,
                   GError   **error)
{
  int version = ota_store_get_user_version (self);

  if (version < 0)
    return ota_store_set_error (self, error, "reading the schema version");

  if (version > (int) ota_schema_n_migrations)
    {
      g_set_error (error, OTA_ERROR, OTA_ERROR_STORE,
                   _("The database %s has schema version %d; this program knows up to %u. "
                     "Use a newer version of OTA Console."),
                   self->path, version, ota_schema_n_migrations);
      return FALSE;
    }

  /* Each migration and its version bump commit together: a crash leaves either. */
  for (guint i = (guint) version; i < ota_schema_n_migrations; i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      g_debug ("Migrating %s to schema version %u", self->path, i + 1);

      if (!ota_store_begin (self, error))
        return FALSE;
      if (!ota_store_exec (self, ota_schema_migrations[i], error) ||
          !ota_store_exec (self, bump, error) ||
          !ota_store_commit (self, error))
        {
          ota_store_rollback (self);
          return FALSE;
        }
    }

  return TRUE;
}

/* The database holds the products' private signing keys: its files and the firmware
 * folder are the user's alone, also when they were made before with looser modes (an
 * older release, a restored backup). The -wal and -shm files SQLite makes later take
 * the database file's mode. */
static void
make_private (const char *path,
              int         mode)
{
  /* A file of someone else's (a shared database) still opens; it is only not ours to
   * restrict. */
  if (g_chmod (path, mode) != 0 && errno != ENOENT)
    g_warning ("Cannot restrict access to %s: %s", path, g_strerror (errno));
}

static void
make_store_private (OtaStore *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);

  make_private (self->blob_dir, 0700);
  make_private (self->path, 0600);
  make_private (wal, 0600);
  make_private (shm, 0600);
}

/**
 * ota_store_open:
 * @path: the database file; its folder is created when missing
 *
 * Opens (or creates) a database and brings its schema up to date.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
OtaStore *
ota_store_open (const char  *path,
                GError     **error)
{
  g_autoptr(OtaStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (OTA_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->blob_dir = g_strconcat (path, ".blobs", NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_mkdir_with_parents (self->blob_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, OTA_ERROR, OTA_ERROR_IO,
                   _("Cannot create the data folder for %s: %s"), path, g_strerror (saved_errno));
      return NULL;
    }

  /* Made private before SQLite opens it, so a new database is never readable by others
   * (when this fails SQLite reports why just below). */
  {
    int fd = g_open (path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);

    if (fd >= 0)
      g_close (fd, NULL);
  }

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, OTA_ERROR, OTA_ERROR_STORE, _("Cannot open the database %s: %s"),
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  if (!ota_store_exec (self,
                       "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -65536;",
                       error))
    return NULL;

  if (!ota_store_migrate (self, error))
    return NULL;

  make_store_private (self);

  ota_blob_store_remove_stale_uploads (self->blob_dir);
  ota_blob_store_remove_orphans (self);

  return g_steal_pointer (&self);
}

const char *
ota_store_get_path (OtaStore *self)
{
  g_return_val_if_fail (OTA_IS_STORE (self), NULL);
  return self->path;
}

const char *
ota_store_get_blob_dir (OtaStore *self)
{
  g_return_val_if_fail (OTA_IS_STORE (self), NULL);
  return self->blob_dir;
}

sqlite3 *
ota_store_get_db (OtaStore *self)
{
  g_return_val_if_fail (OTA_IS_STORE (self), NULL);
  return self->db;
}

GRecMutex *
ota_store_get_lock (OtaStore *self)
{
  g_return_val_if_fail (OTA_IS_STORE (self), NULL);
  return &self->lock;
}

gboolean
ota_store_begin (OtaStore  *self,
                 GError   **error)
{
  /* IMMEDIATE: take the write lock now, not half-way through the operation. */
  return ota_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
ota_store_commit (OtaStore  *self,
                  GError   **error)
{
  return ota_store_exec (self, "COMMIT", error);
}

void
ota_store_rollback (OtaStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

void
ota_cached_stmt_release (OtaCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/**
 * ota_store_prepare:
 *
 * Returns: (transfer none): a statement that stays owned by the store; hold it in a
 *   g_autoptr(OtaCachedStmt) so it is reset after use.
 */
OtaCachedStmt *
ota_store_prepare (OtaStore    *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      ota_store_set_error (self, error, "preparing a statement");
      g_warning ("Cannot prepare «%s»: %s", sql, sqlite3_errmsg (self->db));
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

char *
ota_store_dup_meta (OtaStore   *self,
                    const char *key)
{
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
ota_store_set_meta (OtaStore    *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (self,
                       "INSERT INTO meta (key, value) VALUES (?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (self, error, "saving a setting");

  return TRUE;
}

static gboolean
ota_store_pragma_reports_nothing (OtaStore    *self,
                                  const char  *pragma,
                                  const char  *ok_row,
                                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) found = g_string_new (NULL);
  int rc;

  if (sqlite3_prepare_v2 (self->db, pragma, -1, &stmt, NULL) != SQLITE_OK)
    return ota_store_set_error (self, error, "checking integrity");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *row = (const char *) sqlite3_column_text (stmt, 0);

      if (ok_row != NULL && g_strcmp0 (row, ok_row) == 0)
        continue;
      g_string_append_printf (found, "%s%s", found->len > 0 ? "; " : "", row ? row : "(row)");
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return ota_store_set_error (self, error, "checking integrity");

  if (found->len > 0)
    {
      g_set_error (error, OTA_ERROR, OTA_ERROR_STORE, _("The database is damaged: %s"), found->str);
      return FALSE;
    }

  return TRUE;
}

gboolean
ota_store_check_integrity (OtaStore  *self,
                           GError   **error)
{
  g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&self->lock);

  return ota_store_pragma_reports_nothing (self, "PRAGMA integrity_check", "ok", error) &&
         ota_store_pragma_reports_nothing (self, "PRAGMA foreign_key_check", NULL, error);
}

struct _OtaTransaction
{
  OtaStore *store;
  gboolean  done;
};

OtaTransaction *
ota_transaction_begin (OtaStore  *store,
                       GError   **error)
{
  OtaTransaction *self;

  g_return_val_if_fail (OTA_IS_STORE (store), NULL);

  g_rec_mutex_lock (&store->lock);
  if (!ota_store_begin (store, error))
    {
      g_rec_mutex_unlock (&store->lock);
      return NULL;
    }

  self = g_new0 (OtaTransaction, 1);
  self->store = g_object_ref (store);
  return self;
}

gboolean
ota_transaction_commit (OtaTransaction  *self,
                        GError         **error)
{
  g_return_val_if_fail (self != NULL && !self->done, FALSE);

  if (!ota_store_commit (self->store, error))
    return FALSE;

  self->done = TRUE;
  return TRUE;
}

void
ota_transaction_free (OtaTransaction *self)
{
  if (!self->done)
    ota_store_rollback (self->store);

  g_rec_mutex_unlock (&self->store->lock);
  g_object_unref (self->store);
  g_free (self);
}
