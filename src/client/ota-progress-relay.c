/* ota-progress-relay.c — coalesced progress hand-over to the caller's main context */
#include "ota-progress-relay.h"

struct _OtaProgressRelay
{
  GMutex           lock;
  GMainContext    *context;
  OtaProgressFunc  func;
  gpointer         func_data;

  /* Under lock: the latest report and the source that will deliver it. */
  guint64          done;
  guint64          total;
  GSource         *source;
  gboolean         source_is_idle;
  gint64           last_delivery;   /* monotonic µs; rate limiting only, not domain time */
};

OtaProgressRelay *
ota_progress_relay_new (OtaProgressFunc func,
                        gpointer        func_data)
{
  OtaProgressRelay *self = g_atomic_rc_box_new0 (OtaProgressRelay);

  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->func = func;
  self->func_data = func_data;
  return self;
}

static void
relay_clear (OtaProgressRelay *self)
{
  /* Only a destroyed source can be left here: an attached one holds a reference. */
  g_clear_pointer (&self->source, g_source_unref);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
}

OtaProgressRelay *
ota_progress_relay_ref (OtaProgressRelay *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
ota_progress_relay_unref (OtaProgressRelay *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) relay_clear);
}

static gboolean
deliver (gpointer data)
{
  OtaProgressRelay *self = data;
  guint64 done, total;

  g_mutex_lock (&self->lock);
  done = self->done;
  total = self->total;
  /* A flush may have replaced this source by an idle one meanwhile: keep that. */
  if (self->source == g_main_current_source ())
    g_clear_pointer (&self->source, g_source_unref);
  self->last_delivery = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  self->func (done, total, self->func_data);
  return G_SOURCE_REMOVE;
}

/* With the lock held. */
static void
schedule (OtaProgressRelay *self,
          guint             delay_ms)
{
  self->source = delay_ms > 0 ? g_timeout_source_new (delay_ms) : g_idle_source_new ();
  self->source_is_idle = delay_ms == 0;
  g_source_set_priority (self->source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->source, deliver, ota_progress_relay_ref (self),
                         (GDestroyNotify) ota_progress_relay_unref);
  g_source_set_static_name (self->source, "[ota] progress");
  g_source_attach (self->source, self->context);
}

void
ota_progress_relay_report (guint64  done,
                           guint64  total,
                           gpointer relay)
{
  OtaProgressRelay *self = relay;
  gint64 since;

  if (self->func == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->done = done;
  self->total = total;

  if (self->source == NULL)
    {
      since = (g_get_monotonic_time () - self->last_delivery) / 1000;
      schedule (self, since >= OTA_PROGRESS_RELAY_PERIOD_MS ? 0 : OTA_PROGRESS_RELAY_PERIOD_MS - since);
    }

  g_mutex_unlock (&self->lock);
}

void
ota_progress_relay_flush (OtaProgressRelay *self)
{
  g_mutex_lock (&self->lock);

  if (self->source != NULL && !self->source_is_idle)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
      schedule (self, 0);
    }

  g_mutex_unlock (&self->lock);
}
