/* ota-clock.h — where the engine's time comes from
 *
 * Nothing in the engine reads the wall clock directly: it asks an OtaClock. The real
 * clock reads the system time; the manual clock (ota-manual-clock.h) only moves when told
 * to, so tests and scripted scenarios let minutes pass instantly.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define OTA_TYPE_CLOCK (ota_clock_get_type ())
G_DECLARE_INTERFACE (OtaClock, ota_clock, OTA, CLOCK, GObject)

struct _OtaClockInterface
{
  GTypeInterface parent_iface;

  gint64 (*get_now) (OtaClock *self);
};

/* Microseconds since the Unix epoch, UTC. */
gint64 ota_clock_get_now (OtaClock *self);

/* Emits OtaClock::changed: the time jumped (a manual clock was set or advanced). */
void   ota_clock_emit_changed (OtaClock *self);

#define OTA_TYPE_REAL_CLOCK (ota_real_clock_get_type ())
G_DECLARE_FINAL_TYPE (OtaRealClock, ota_real_clock, OTA, REAL_CLOCK, GObject)

OtaClock *ota_real_clock_new (void);

G_END_DECLS
