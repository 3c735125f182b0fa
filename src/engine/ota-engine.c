/* ota-engine.c — the engine object: store, clock, actor and the audit log */
#include <glib/gi18n-lib.h>

#include "ota-engine-private.h"
#include "ota-error.h"

struct _OtaEngine
{
  GObject   parent_instance;

  OtaStore *store;
  OtaClock *clock;
  char     *actor;
};

G_DEFINE_FINAL_TYPE (OtaEngine, ota_engine, G_TYPE_OBJECT)

static void
ota_engine_dispose (GObject *object)
{
  OtaEngine *self = OTA_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (ota_engine_parent_class)->dispose (object);
}

static void
ota_engine_finalize (GObject *object)
{
  OtaEngine *self = OTA_ENGINE (object);

  g_free (self->actor);

  G_OBJECT_CLASS (ota_engine_parent_class)->finalize (object);
}

static void
ota_engine_class_init (OtaEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_engine_dispose;
  object_class->finalize = ota_engine_finalize;
}

static void
ota_engine_init (OtaEngine *self)
{
  self->actor = g_strdup (g_get_user_name ());
}

/**
 * ota_engine_new:
 * @db_path: the database file (created when missing)
 * @clock: (nullable): where time comes from; %NULL: the real clock
 *
 * Returns: (transfer full): the engine, or %NULL with @error set
 */
OtaEngine *
ota_engine_new (const char  *db_path,
                OtaClock    *clock,
                GError     **error)
{
  g_autoptr(OtaEngine) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (clock == NULL || OTA_IS_CLOCK (clock), NULL);

  self = g_object_new (OTA_TYPE_ENGINE, NULL);
  self->clock = clock != NULL ? g_object_ref (clock) : ota_real_clock_new ();
  self->store = ota_store_open (db_path, error);
  if (self->store == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

char *
ota_engine_default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "ota-console", "ota.db", NULL);
}

OtaClock *
ota_engine_get_clock (OtaEngine *self)
{
  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  return self->clock;
}

OtaStore *
ota_engine_get_store (OtaEngine *self)
{
  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  return self->store;
}

void
ota_engine_set_actor (OtaEngine  *self,
                      const char *actor)
{
  g_return_if_fail (OTA_IS_ENGINE (self));
  g_return_if_fail (actor != NULL);

  g_free (self->actor);
  self->actor = g_strdup (actor);
}

const char *
ota_engine_get_actor (OtaEngine *self)
{
  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  return self->actor;
}

gint64
ota_engine_now (OtaEngine *self)
{
  return ota_clock_get_now (self->clock);
}

gboolean
ota_engine_audit (OtaEngine   *self,
                  const char  *action,
                  GVariant    *params,
                  GError     **error)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (params);
  g_autofree char *text = g_variant_print (owned, FALSE);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (self->store,
                       "INSERT INTO audit_log (at, actor, action, params) VALUES (?, ?, ?, ?)",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ota_engine_now (self));
  sqlite3_bind_text (stmt, 2, self->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_STATIC);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (self->store, error, "writing the audit log");

  return TRUE;
}

gboolean
ota_engine_ensure_module (OtaEngine   *self,
                          const char  *product_key,
                          const char  *module,
                          GError     **error)
{
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (self->store,
                       "INSERT OR IGNORE INTO modules (product_key, name, created_at) VALUES (?, ?, ?)",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, module, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, ota_engine_now (self));

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return ota_store_set_error (self->store, error, "saving a module");

  return TRUE;
}
