/* ota-engine.c — the engine object: store, clock, actor and the audit log */
#include <glib/gi18n-lib.h>

#include "ota-engine-private.h"
#include "ota-error.h"
#include "ota-rollout-private.h"

/* Change notifications are coalesced: at most one "batch-changed" per batch per period,
 * so a busy fleet cannot flood a user interface. */
#define NOTIFY_PERIOD_MS 250

struct _OtaEngine
{
  GObject        parent_instance;

  OtaStore      *store;
  OtaClock      *clock;
  char          *actor;
  GMutex         link_lock;       /* guards device_link: set on the main thread, used by */
  OtaDeviceLink *device_link;     /* whichever thread runs a due pass */

  GMainContext  *context;         /* where change signals are emitted */
  GMutex         dirty_lock;
  GHashTable    *dirty_batches;   /* batch ids (gint64 *) changed since the last emission */
  GSource       *notify_source;

  guint          enrol_chunk;     /* devices per enrolment chunk of a large batch */
};

G_DEFINE_FINAL_TYPE (OtaEngine, ota_engine, G_TYPE_OBJECT)

enum {
  BATCH_CHANGED,
  N_SIGNALS
};

static guint engine_signals[N_SIGNALS];

static void
ota_engine_dispose (GObject *object)
{
  OtaEngine *self = OTA_ENGINE (object);

  if (self->notify_source != NULL)
    {
      g_source_destroy (self->notify_source);
      g_clear_pointer (&self->notify_source, g_source_unref);
    }
  ota_engine_set_device_link (self, NULL);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (ota_engine_parent_class)->dispose (object);
}

static void
ota_engine_finalize (GObject *object)
{
  OtaEngine *self = OTA_ENGINE (object);

  g_free (self->actor);
  g_hash_table_unref (self->dirty_batches);
  g_mutex_clear (&self->dirty_lock);
  g_mutex_clear (&self->link_lock);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ota_engine_parent_class)->finalize (object);
}

static void
ota_engine_class_init (OtaEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_engine_dispose;
  object_class->finalize = ota_engine_finalize;

  /**
   * OtaEngine::batch-changed:
   * @batch_id: the batch whose tasks or state changed
   *
   * Emitted on the main context the engine was made in, at most once per batch every
   * 250 ms however many changes happened.
   */
  engine_signals[BATCH_CHANGED] =
    g_signal_new ("batch-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
ota_engine_init (OtaEngine *self)
{
  self->actor = g_strdup (g_get_user_name ());
  self->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->dirty_lock);
  g_mutex_init (&self->link_lock);
  self->dirty_batches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->enrol_chunk = OTA_ENROL_CHUNK_DEFAULT;
}

static gboolean
emit_batch_changes (gpointer user_data)
{
  OtaEngine *self = user_data;
  g_autoptr(GHashTable) dirty = NULL;
  GHashTableIter iter;
  gpointer key;

  g_mutex_lock (&self->dirty_lock);
  dirty = g_steal_pointer (&self->dirty_batches);
  self->dirty_batches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_clear_pointer (&self->notify_source, g_source_unref);
  g_mutex_unlock (&self->dirty_lock);

  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_signal_emit (self, engine_signals[BATCH_CHANGED], 0, *(gint64 *) key);

  return G_SOURCE_REMOVE;
}

void
ota_engine_mark_batch_changed (OtaEngine *self,
                               gint64     batch_id)
{
  g_mutex_lock (&self->dirty_lock);

  if (!g_hash_table_contains (self->dirty_batches, &batch_id))
    g_hash_table_add (self->dirty_batches, g_memdup2 (&batch_id, sizeof batch_id));

  if (self->notify_source == NULL)
    {
      self->notify_source = g_timeout_source_new (NOTIFY_PERIOD_MS);
      g_source_set_callback (self->notify_source, emit_batch_changes, self, NULL);
      g_source_set_static_name (self->notify_source, "[ota] batch-changed");
      g_source_attach (self->notify_source, self->context);
    }

  g_mutex_unlock (&self->dirty_lock);
}

void
ota_engine_set_device_link (OtaEngine     *self,
                            OtaDeviceLink *link)
{
  g_return_if_fail (OTA_IS_ENGINE (self));
  g_return_if_fail (link == NULL || OTA_IS_DEVICE_LINK (link));

  /* The old link is released outside the lock: its last unref may do anything. */
  {
    g_autoptr(OtaDeviceLink) old = NULL;

    g_mutex_lock (&self->link_lock);
    old = g_steal_pointer (&self->device_link);
    self->device_link = link != NULL ? g_object_ref (link) : NULL;
    g_mutex_unlock (&self->link_lock);
  }
}

OtaDeviceLink *
ota_engine_dup_device_link (OtaEngine *self)
{
  OtaDeviceLink *link;

  g_mutex_lock (&self->link_lock);
  link = self->device_link != NULL ? g_object_ref (self->device_link) : NULL;
  g_mutex_unlock (&self->link_lock);

  return link;
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

/**
 * ota_engine_set_clock:
 *
 * Replaces where time comes from, for tools that learn only from the database which
 * clock it runs on (otactl's persisted manual clock). Call it before any operation.
 */
void
ota_engine_set_clock (OtaEngine *self,
                      OtaClock  *clock)
{
  g_return_if_fail (OTA_IS_ENGINE (self));
  g_return_if_fail (OTA_IS_CLOCK (clock));

  g_set_object (&self->clock, clock);
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

/* Per thread, because a server's worker threads act for different operators at once. */
static GPrivate thread_actor = G_PRIVATE_INIT (g_free);

void
ota_engine_set_thread_actor (const char *actor)
{
  g_private_replace (&thread_actor, g_strdup (actor));
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
  const char *actor;
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (self->store,
                       "INSERT INTO audit_log (at, actor, action, params) VALUES (?, ?, ?, ?)",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, ota_engine_now (self));
  actor = g_private_get (&thread_actor);
  sqlite3_bind_text (stmt, 2, actor != NULL ? actor : self->actor, -1, SQLITE_STATIC);
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

guint
ota_engine_get_enrol_chunk (OtaEngine *self)
{
  g_return_val_if_fail (OTA_IS_ENGINE (self), OTA_ENROL_CHUNK_DEFAULT);
  return self->enrol_chunk;
}

void
ota_engine_set_enrol_chunk (OtaEngine *self,
                            guint      n_devices)
{
  g_return_if_fail (OTA_IS_ENGINE (self));
  g_return_if_fail (n_devices > 0);
  self->enrol_chunk = n_devices;
}
