/* ota-manual-clock.c — a clock that moves only when told to */
#include "ota-manual-clock.h"

struct _OtaManualClock
{
  GObject parent_instance;
  gint64  now_us;
};

static void ota_manual_clock_iface_init (OtaClockInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaManualClock, ota_manual_clock, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_CLOCK, ota_manual_clock_iface_init))

static gint64
ota_manual_clock_get_now (OtaClock *clock)
{
  return OTA_MANUAL_CLOCK (clock)->now_us;
}

static void
ota_manual_clock_iface_init (OtaClockInterface *iface)
{
  iface->get_now = ota_manual_clock_get_now;
}

static void
ota_manual_clock_class_init (OtaManualClockClass *klass)
{
}

static void
ota_manual_clock_init (OtaManualClock *self)
{
}

OtaManualClock *
ota_manual_clock_new (gint64 start_us)
{
  OtaManualClock *self = g_object_new (OTA_TYPE_MANUAL_CLOCK, NULL);

  self->now_us = start_us;
  return self;
}

void
ota_manual_clock_set (OtaManualClock *self,
                      gint64          now_us)
{
  g_return_if_fail (OTA_IS_MANUAL_CLOCK (self));

  if (self->now_us == now_us)
    return;

  self->now_us = now_us;
  ota_clock_emit_changed (OTA_CLOCK (self));
}

void
ota_manual_clock_advance (OtaManualClock *self,
                          GTimeSpan       delta_us)
{
  g_return_if_fail (OTA_IS_MANUAL_CLOCK (self));
  g_return_if_fail (delta_us >= 0);

  ota_manual_clock_set (self, self->now_us + delta_us);
}
