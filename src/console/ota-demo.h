/* ota-demo.h — `ota-console --demo`: the demo database and its simulated fleet
 *
 * OtaDemo prepares the demo database on a worker thread — the demo catalogue and its
 * rollouts (ota-demo-rollouts.h) when the database is new — and then drives an
 * OtaSimFleet over every product: every OTA_DEMO_TICK_MS of wall time a tick moves the
 * simulated time on by OTA_DEMO_TICK_MS × speed. The fleet's run is synchronous engine
 * work, so it runs on a worker thread, one run at a time: a tick that finds the last
 * run still busy is skipped, and the UI thread never waits for the engine. The views
 * follow through the engine's coalesced "batch-changed" signals.
 *
 * The demo's time is kept in the database (meta clock.mode and clock.manual_now, the
 * keys otactl uses), so a demo started again goes on where it stopped, and otactl on
 * the demo database sees the same time.
 */
#pragma once

#include <ota-demo-catalogue.h>
#include <ota-demo-rollouts.h>

G_BEGIN_DECLS

#define OTA_DEMO_TICK_MS 250
/* The speeds the banner offers; the demo-speed setting may hold any from 1 to 600. */
#define OTA_DEMO_MAX_SPEED 600

#define OTA_TYPE_DEMO (ota_demo_get_type ())
G_DECLARE_FINAL_TYPE (OtaDemo, ota_demo, OTA, DEMO, GObject)

/* @engine must run on an OtaManualClock; the demo delivers its upgrade notices from now
 * on (it becomes the engine's device link). */
OtaDemo  *ota_demo_new            (OtaEngine              *engine);
/* Fills the database with the demo catalogue and plays its rollouts when it holds no
 * product yet (a demo database filled before is left as it is), then loads the fleet. */
void      ota_demo_prepare_async  (OtaDemo                *self,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data);
/* @catalogue, @rollouts (optional): what was added; all zero when the database was
 * filled before. */
gboolean  ota_demo_prepare_finish (OtaDemo                *self,
                                   GAsyncResult           *result,
                                   OtaDemoSummary         *catalogue,
                                   OtaDemoRolloutSummary  *rollouts,
                                   GError                **error);
/* Starts / stops the ticks on the thread-default main context (prepared first). */
void      ota_demo_start          (OtaDemo                *self);
void      ota_demo_stop           (OtaDemo                *self);
/* One tick now, paused or not (what the timeout does unless paused); FALSE when it was
 * skipped: not prepared yet, or the last run still busy. */
gboolean  ota_demo_tick           (OtaDemo                *self);
/* TRUE while a run is on the worker thread. */
gboolean  ota_demo_get_busy       (OtaDemo                *self);
gboolean  ota_demo_get_prepared   (OtaDemo                *self);
/* Simulated seconds per wall second, 1..OTA_DEMO_MAX_SPEED. */
guint     ota_demo_get_speed      (OtaDemo                *self);
void      ota_demo_set_speed      (OtaDemo                *self,
                                   guint                   speed);
gboolean  ota_demo_get_paused     (OtaDemo                *self);
void      ota_demo_set_paused     (OtaDemo                *self,
                                   gboolean                paused);
/* The simulated time (µs since the epoch) the last run reached. */
gint64    ota_demo_get_now        (OtaDemo                *self);

G_END_DECLS
