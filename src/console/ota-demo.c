/* ota-demo.c — the demo database and the simulated fleet that drives it
 *
 * The fleet is not thread-safe, and the engine hands upgrade notices to its device link
 * on whichever thread made them: the tick's worker, or a backend worker creating a
 * batch. So the engine's link is a small OtaDemoLink that owns the fleet and a lock:
 * a tick holds the lock while the fleet runs, and a notice from another thread waits
 * for it (at most one tick's run) before it reaches the fleet.
 */
#include "ota-demo.h"

/* The keys otactl keeps its manual clock in (src/cli/otactl-private.h). */
#define CLOCK_MODE_KEY "clock.mode"
#define CLOCK_NOW_KEY  "clock.manual_now"

/* ---- OtaDemoLink: the fleet behind a lock ---------------------------------------- */

#define OTA_TYPE_DEMO_LINK (ota_demo_link_get_type ())
G_DECLARE_FINAL_TYPE (OtaDemoLink, ota_demo_link, OTA, DEMO_LINK, GObject)

struct _OtaDemoLink
{
  GObject      parent_instance;
  GRecMutex    lock;
  OtaSimFleet *fleet;   /* under the lock; NULL until the demo was prepared */
};

static void ota_demo_link_iface_init (OtaDeviceLinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaDemoLink, ota_demo_link, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_DEVICE_LINK, ota_demo_link_iface_init))

static void
ota_demo_link_send_notice (OtaDeviceLink          *link,
                           const OtaUpgradeNotice *notice)
{
  OtaDemoLink *self = OTA_DEMO_LINK (link);
  g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&self->lock);

  /* Before the fleet exists no device is connected: the fleet resumes pushed tasks
   * when it loads. */
  if (self->fleet != NULL)
    ota_device_link_send_notice (OTA_DEVICE_LINK (self->fleet), notice);
}

static void
ota_demo_link_iface_init (OtaDeviceLinkInterface *iface)
{
  iface->send_notice = ota_demo_link_send_notice;
}

static void
ota_demo_link_finalize (GObject *object)
{
  OtaDemoLink *self = OTA_DEMO_LINK (object);

  g_clear_object (&self->fleet);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (ota_demo_link_parent_class)->finalize (object);
}

static void
ota_demo_link_class_init (OtaDemoLinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_demo_link_finalize;
}

static void
ota_demo_link_init (OtaDemoLink *self)
{
  g_rec_mutex_init (&self->lock);
}

/* ---- OtaDemo ------------------------------------------------------------------------- */

struct _OtaDemo
{
  GObject         parent_instance;

  OtaEngine      *engine;
  OtaManualClock *clock;
  OtaDemoLink    *link;
  GCancellable   *cancellable;   /* runs on the worker; cancelled on dispose */
  guint           tick_source;
  guint           speed;
  gint64          now;
  gboolean        paused;
  gboolean        prepared;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (OtaDemo, ota_demo, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SPEED,
  PROP_PAUSED,
  PROP_NOW,
  PROP_BUSY,
  PROP_PREPARED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  OtaDemoSummary         catalogue;
  OtaDemoRolloutSummary  rollouts;
} Prepared;

/* A demo started again goes on from the time it had reached, never back. */
static void
restore_clock (OtaDemo *self)
{
  OtaStore *store = ota_engine_get_store (self->engine);
  g_autofree char *mode = ota_store_dup_meta (store, CLOCK_MODE_KEY);
  g_autofree char *text = ota_store_dup_meta (store, CLOCK_NOW_KEY);
  gint64 saved = 0;

  if (g_strcmp0 (mode, "manual") == 0 && text != NULL &&
      g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &saved, NULL) &&
      saved > ota_clock_get_now (OTA_CLOCK (self->clock)))
    ota_manual_clock_set (self->clock, saved);
}

static gboolean
save_clock (OtaDemo  *self,
            gint64    now,
            GError  **error)
{
  OtaStore *store = ota_engine_get_store (self->engine);
  g_autoptr(OtaTransaction) tx = ota_transaction_begin (store, error);
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, now);

  return tx != NULL &&
         ota_store_set_meta (store, CLOCK_MODE_KEY, "manual", error) &&
         ota_store_set_meta (store, CLOCK_NOW_KEY, text, error) &&
         ota_transaction_commit (tx, error);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OtaDemo *self = source_object;
  g_autofree Prepared *prepared = g_new0 (Prepared, 1);
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(OtaSimFleet) fleet = NULL;
  GError *error = NULL;
  gboolean fresh;
  gboolean ok;

  restore_clock (self);
  products = ota_engine_list_products (self->engine, &error);
  if (products == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A demo database that holds products was filled by an earlier run: keep what the
   * operator did with it. */
  fresh = products->len == 0;

  /* A new demo starts on a whole minute: the fleet's events fall on whole seconds, so
   * the same seed then plays the same story, and screenshots show the same rollouts. */
  if (fresh)
    {
      gint64 now = ota_clock_get_now (OTA_CLOCK (self->clock));

      ota_manual_clock_set (self->clock, now - now % G_TIME_SPAN_MINUTE);
    }

  if (fresh &&
      !ota_demo_catalogue_fill (self->engine, OTA_DEMO_DEFAULT_DEVICES, OTA_DEMO_DEFAULT_SEED,
                                cancellable, &prepared->catalogue, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  fleet = ota_demo_fleet_new (self->engine, self->clock, OTA_DEMO_DEFAULT_SEED, &error);
  if (fleet == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_rec_mutex_lock (&self->link->lock);
  g_set_object (&self->link->fleet, fleet);
  ok = !fresh || ota_demo_rollouts_play (self->engine, fleet, &prepared->rollouts, &error);
  g_rec_mutex_unlock (&self->link->lock);

  if (!ok || !save_clock (self, ota_clock_get_now (OTA_CLOCK (self->clock)), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&prepared), g_free);
}

void
ota_demo_prepare_async (OtaDemo             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OTA_IS_DEMO (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_demo_prepare_async);
  g_task_run_in_thread (task, prepare_thread);
}

static void
set_now (OtaDemo *self,
         gint64   now)
{
  if (self->now == now)
    return;
  self->now = now;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOW]);
}

gboolean
ota_demo_prepare_finish (OtaDemo                *self,
                         GAsyncResult           *result,
                         OtaDemoSummary         *catalogue,
                         OtaDemoRolloutSummary  *rollouts,
                         GError                **error)
{
  g_autofree Prepared *prepared = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  prepared = g_task_propagate_pointer (G_TASK (result), error);
  if (prepared == NULL)
    return FALSE;

  if (catalogue != NULL)
    *catalogue = prepared->catalogue;
  if (rollouts != NULL)
    *rollouts = prepared->rollouts;

  self->prepared = TRUE;
  set_now (self, ota_clock_get_now (OTA_CLOCK (self->clock)));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREPARED]);
  return TRUE;
}

/* ---- Ticks ----------------------------------------------------------------------------- */

static void
tick_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OtaDemo *self = source_object;
  gint64 until = *(gint64 *) task_data;
  GError *error = NULL;
  gboolean ok;

  g_rec_mutex_lock (&self->link->lock);
  ok = ota_sim_fleet_run_until (self->link->fleet, until, &error);
  g_rec_mutex_unlock (&self->link->lock);

  if (!ok || !save_clock (self, until, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_busy (OtaDemo  *self,
          gboolean  busy)
{
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
tick_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  OtaDemo *self = OTA_DEMO (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The store failed (a full disk): stop rather than fail four times a second. */
      g_warning ("The simulated fleet stopped: %s", error->message);
      ota_demo_set_paused (self, TRUE);
    }

  set_now (self, ota_clock_get_now (OTA_CLOCK (self->clock)));
  set_busy (self, FALSE);
}

gboolean
ota_demo_tick (OtaDemo *self)
{
  g_autoptr(GTask) task = NULL;
  gint64 *until;

  g_return_val_if_fail (OTA_IS_DEMO (self), FALSE);

  if (!self->prepared || self->busy)
    return FALSE;

  until = g_new (gint64, 1);
  *until = self->now + (gint64) OTA_DEMO_TICK_MS * 1000 * self->speed;
  task = g_task_new (self, self->cancellable, tick_done, NULL);
  g_task_set_source_tag (task, ota_demo_tick);
  g_task_set_task_data (task, until, g_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, tick_thread);
  return TRUE;
}

static gboolean
on_tick (gpointer user_data)
{
  OtaDemo *self = user_data;

  if (!self->paused)
    ota_demo_tick (self);
  return G_SOURCE_CONTINUE;
}

void
ota_demo_start (OtaDemo *self)
{
  g_return_if_fail (OTA_IS_DEMO (self));
  g_return_if_fail (self->prepared);

  if (self->tick_source == 0)
    self->tick_source = g_timeout_add (OTA_DEMO_TICK_MS, on_tick, self);
}

void
ota_demo_stop (OtaDemo *self)
{
  g_return_if_fail (OTA_IS_DEMO (self));

  g_clear_handle_id (&self->tick_source, g_source_remove);
}

/* ---- Properties -------------------------------------------------------------------------- */

gboolean
ota_demo_get_busy (OtaDemo *self)
{
  g_return_val_if_fail (OTA_IS_DEMO (self), FALSE);
  return self->busy;
}

gboolean
ota_demo_get_prepared (OtaDemo *self)
{
  g_return_val_if_fail (OTA_IS_DEMO (self), FALSE);
  return self->prepared;
}

guint
ota_demo_get_speed (OtaDemo *self)
{
  g_return_val_if_fail (OTA_IS_DEMO (self), 1);
  return self->speed;
}

void
ota_demo_set_speed (OtaDemo *self,
                    guint    speed)
{
  g_return_if_fail (OTA_IS_DEMO (self));

  speed = CLAMP (speed, 1, OTA_DEMO_MAX_SPEED);
  if (self->speed == speed)
    return;
  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

gboolean
ota_demo_get_paused (OtaDemo *self)
{
  g_return_val_if_fail (OTA_IS_DEMO (self), FALSE);
  return self->paused;
}

void
ota_demo_set_paused (OtaDemo  *self,
                     gboolean  paused)
{
  g_return_if_fail (OTA_IS_DEMO (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

gint64
ota_demo_get_now (OtaDemo *self)
{
  g_return_val_if_fail (OTA_IS_DEMO (self), 0);
  return self->now;
}

static void
ota_demo_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  OtaDemo *self = OTA_DEMO (object);

  switch (prop_id)
    {
    case PROP_SPEED:
      g_value_set_uint (value, self->speed);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_NOW:
      g_value_set_int64 (value, self->now);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_PREPARED:
      g_value_set_boolean (value, self->prepared);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_demo_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  OtaDemo *self = OTA_DEMO (object);

  switch (prop_id)
    {
    case PROP_SPEED:
      ota_demo_set_speed (self, g_value_get_uint (value));
      break;
    case PROP_PAUSED:
      ota_demo_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_demo_dispose (GObject *object)
{
  OtaDemo *self = OTA_DEMO (object);

  ota_demo_stop (self);
  g_cancellable_cancel (self->cancellable);
  /* The engine may outlive the demo: it must not deliver to the fleet any more. */
  if (self->engine != NULL)
    ota_engine_set_device_link (self->engine, NULL);
  g_clear_object (&self->link);
  g_clear_object (&self->clock);
  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ota_demo_parent_class)->dispose (object);
}

static void
ota_demo_class_init (OtaDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_demo_dispose;
  object_class->get_property = ota_demo_get_property;
  object_class->set_property = ota_demo_set_property;

  properties[PROP_SPEED] =
    g_param_spec_uint ("speed", NULL, NULL, 1, OTA_DEMO_MAX_SPEED, 60,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOW] =
    g_param_spec_int64 ("now", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREPARED] =
    g_param_spec_boolean ("prepared", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ota_demo_init (OtaDemo *self)
{
  self->speed = 60;
  self->cancellable = g_cancellable_new ();
  self->link = g_object_new (OTA_TYPE_DEMO_LINK, NULL);
}

/**
 * ota_demo_new:
 * @engine: an engine on an #OtaManualClock
 *
 * Returns: (transfer full): the demo, not prepared yet
 */
OtaDemo *
ota_demo_new (OtaEngine *engine)
{
  OtaDemo *self;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (OTA_IS_MANUAL_CLOCK (ota_engine_get_clock (engine)), NULL);

  self = g_object_new (OTA_TYPE_DEMO, NULL);
  self->engine = g_object_ref (engine);
  self->clock = OTA_MANUAL_CLOCK (g_object_ref (ota_engine_get_clock (engine)));
  self->now = ota_clock_get_now (OTA_CLOCK (self->clock));
  ota_engine_set_device_link (engine, OTA_DEVICE_LINK (self->link));
  return self;
}
