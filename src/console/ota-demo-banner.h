/* ota-demo-banner.h — the demo's banner: a simulated fleet, its time and its speed
 *
 * "Demo — simulated fleet · 14:32 simulated time · 60×", with the speeds 1×, 60× and
 * 600× and a Pause toggle bound to an OtaDemo. libadwaita 1.2 has no AdwBanner, so it
 * is a box styled like one (style.css: .ota-banner).
 */
#pragma once

#include <gtk/gtk.h>

#include "ota-demo.h"

G_BEGIN_DECLS

#define OTA_TYPE_DEMO_BANNER (ota_demo_banner_get_type ())
G_DECLARE_FINAL_TYPE (OtaDemoBanner, ota_demo_banner, OTA, DEMO_BANNER, GtkBox)

/* @demo (nullable): without one the banner only says that this is a demo. */
void        ota_demo_banner_set_demo      (OtaDemoBanner *self,
                                           OtaDemo       *demo);
/* While the demo database is being made: a spinner and "Preparing the demo database…". */
void        ota_demo_banner_set_preparing (OtaDemoBanner *self,
                                           gboolean       preparing);
/* (transfer none): what the banner says now, for tests. */
const char *ota_demo_banner_get_text      (OtaDemoBanner *self);

G_END_DECLS
