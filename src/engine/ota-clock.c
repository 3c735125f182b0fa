/* ota-clock.c — the clock interface and the real (system time) clock */
#include "ota-clock.h"

G_DEFINE_INTERFACE (OtaClock, ota_clock, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint clock_signals[N_SIGNALS];

static void
ota_clock_default_init (OtaClockInterface *iface)
{
  /**
   * OtaClock::changed:
   *
   * The time jumped. A scheduler re-reads its deadlines when it sees this.
   */
  clock_signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

gint64
ota_clock_get_now (OtaClock *self)
{
  g_return_val_if_fail (OTA_IS_CLOCK (self), 0);

  return OTA_CLOCK_GET_IFACE (self)->get_now (self);
}

void
ota_clock_emit_changed (OtaClock *self)
{
  g_return_if_fail (OTA_IS_CLOCK (self));

  g_signal_emit (self, clock_signals[CHANGED], 0);
}

struct _OtaRealClock
{
  GObject parent_instance;
};

static void ota_real_clock_iface_init (OtaClockInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaRealClock, ota_real_clock, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_CLOCK, ota_real_clock_iface_init))

static gint64
ota_real_clock_get_now (OtaClock *clock)
{
  return g_get_real_time ();
}

static void
ota_real_clock_iface_init (OtaClockInterface *iface)
{
  iface->get_now = ota_real_clock_get_now;
}

static void
ota_real_clock_class_init (OtaRealClockClass *klass)
{
}

static void
ota_real_clock_init (OtaRealClock *self)
{
}

OtaClock *
ota_real_clock_new (void)
{
  return g_object_new (OTA_TYPE_REAL_CLOCK, NULL);
}
