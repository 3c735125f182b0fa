/* ota-store.h — the engine's SQLite database
 *
 * One connection, WAL journal, foreign keys on, schema versioned by PRAGMA user_version
 * with forward migrations. Every engine operation runs in one transaction while holding
 * the store's lock, so worker threads (firmware hashing, imports) and the main thread
 * never interleave statements.
 *
 * Durability: synchronous=FULL. A commit returns only after the WAL is on disk, so what
 * the engine acknowledged survives kill -9 and also a power loss (see docs/storage.md).
 */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define OTA_TYPE_STORE (ota_store_get_type ())
G_DECLARE_FINAL_TYPE (OtaStore, ota_store, OTA, STORE, GObject)

/* The schema version this build writes; older databases are migrated on open. */
#define OTA_STORE_SCHEMA_VERSION ota_store_schema_version ()

OtaStore     *ota_store_open            (const char  *path,
                                         GError     **error);
int           ota_store_schema_version  (void);
const char   *ota_store_get_path        (OtaStore    *self);
/* Folder of content-addressed firmware files, beside the database. */
const char   *ota_store_get_blob_dir    (OtaStore    *self);
sqlite3      *ota_store_get_db          (OtaStore    *self);

/* Serialises all use of the connection. Hold it for a whole operation. */
GRecMutex    *ota_store_get_lock        (OtaStore    *self);

gboolean      ota_store_begin           (OtaStore    *self,
                                         GError     **error);
gboolean      ota_store_commit          (OtaStore    *self,
                                         GError     **error);
void          ota_store_rollback        (OtaStore    *self);

/* A transaction that holds the store's lock. Declare it g_autoptr(OtaTransaction): if
 * it goes out of scope without ota_transaction_commit() it is rolled back, so an
 * operation that fails half-way changes nothing. */
typedef struct _OtaTransaction OtaTransaction;

OtaTransaction *ota_transaction_begin  (OtaStore        *store,
                                        GError         **error);
gboolean        ota_transaction_commit (OtaTransaction  *self,
                                        GError         **error);
void            ota_transaction_free   (OtaTransaction  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaTransaction, ota_transaction_free)

/* A prepared statement cached per SQL text. Declare it g_autoptr(OtaCachedStmt): the
 * statement is reset and its bindings cleared when it goes out of scope. */
typedef sqlite3_stmt OtaCachedStmt;
void           ota_cached_stmt_release  (OtaCachedStmt *stmt);

OtaCachedStmt *ota_store_prepare        (OtaStore    *self,
                                         const char  *sql,
                                         GError     **error);
/* Runs SQL with no result rows (may hold several statements). */
gboolean      ota_store_exec            (OtaStore    *self,
                                         const char  *sql,
                                         GError     **error);
/* Sets an OTA_ERROR_STORE error from the connection's last error. Returns FALSE. */
gboolean      ota_store_set_error       (OtaStore    *self,
                                         GError     **error,
                                         const char  *what);
/* The SQLite extended result code behind the last ota_store_set_error(), so a caller
 * can tell a constraint the data broke from a failing store. */
int           ota_store_get_last_error  (OtaStore    *self);

/* Small key/value settings kept in the database (for example a manual clock's time). */
char         *ota_store_dup_meta        (OtaStore    *self,
                                         const char  *key);
gboolean      ota_store_set_meta        (OtaStore    *self,
                                         const char  *key,
                                         const char  *value,
                                         GError     **error);

/* Runs PRAGMA integrity_check and foreign_key_check; TRUE when both find nothing. */
gboolean      ota_store_check_integrity (OtaStore    *self,
                                         GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaCachedStmt, ota_cached_stmt_release)

G_END_DECLS
