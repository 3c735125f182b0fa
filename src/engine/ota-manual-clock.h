/* ota-manual-clock.h — a clock that moves only when told to (tests, scripted scenarios) */
#pragma once

#include "ota-clock.h"

G_BEGIN_DECLS

#define OTA_TYPE_MANUAL_CLOCK (ota_manual_clock_get_type ())
G_DECLARE_FINAL_TYPE (OtaManualClock, ota_manual_clock, OTA, MANUAL_CLOCK, GObject)

OtaManualClock *ota_manual_clock_new     (gint64          start_us);
void            ota_manual_clock_set     (OtaManualClock *self,
                                          gint64          now_us);
void            ota_manual_clock_advance (OtaManualClock *self,
                                          GTimeSpan       delta_us);

G_END_DECLS
