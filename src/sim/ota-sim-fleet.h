/* ota-sim-fleet.h — a simulated fleet of devices on the engine's manual clock
 *
 * The fleet plays every device of the products it was given: devices go offline and
 * come back (R-E1), answer upgrade notices with progress (R-E3), a device error or the
 * new version (R-E2), sometimes hang or come back on a version nobody expected, and app
 * users confirm or decline tasks waiting in pending-confirm (R-E5). It is the engine's
 * OtaDeviceLink: set it with ota_engine_set_device_link().
 *
 * Time is the engine's OtaManualClock, moved only by ota_sim_fleet_run_until(): a
 * discrete-event loop over the engine's due work and the fleet's own timed events. Every
 * random choice comes from one GRand seeded from the config, so the same seed on the
 * same database gives the same run.
 *
 * A device costs about 60 bytes plus its name: 100,000 devices fit in a few megabytes.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

typedef struct {
  guint32  seed;
  double   failure_rate;          /* attempts ending with a device error step -1..-4 */
  double   hang_rate;             /* attempts that stop reporting (the engine's timeout ends them) */
  double   unexpected_rate;       /* attempts that come back on an unexpected version */
  double   churn_per_hour;        /* how often an online device goes offline, per device and hour */
  gint64   offline_mean_us;       /* how long a device stays away on average */
  guint64  download_min_bps;      /* per-device download speed, bytes per second … */
  guint64  download_max_bps;      /* … drawn log-uniformly from this range */
  guint    progress_step;         /* percent between two download progress reports, 1..80 */
  double   confirm_rate;          /* app users who confirm a pending-confirm task; the rest decline */
  gint64   confirm_delay_max_us;  /* an app user answers within this delay */
  gint64   confirm_poll_us;       /* how often the apps look for tasks to answer */
  gint64   tick_us;               /* device events fall on multiples of this: what arrives in
                                   * one tick is applied in one group (one transaction) */
} OtaSimConfig;

#define OTA_SIM_CONFIG_INIT { \
    .seed = 1, \
    .failure_rate = 0.05, \
    .hang_rate = 0.01, \
    .unexpected_rate = 0.005, \
    .churn_per_hour = 0.05, \
    .offline_mean_us = 10 * G_TIME_SPAN_MINUTE, \
    .download_min_bps = 20 * 1024, \
    .download_max_bps = 2 * 1024 * 1024, \
    .progress_step = 5, \
    .confirm_rate = 0.8, \
    .confirm_delay_max_us = 30 * G_TIME_SPAN_MINUTE, \
    .confirm_poll_us = G_TIME_SPAN_MINUTE, \
    .tick_us = G_TIME_SPAN_SECOND, \
  }

typedef struct {
  guint64 devices;
  guint64 notices;          /* notices received */
  guint64 notices_ignored;  /* … by devices that were offline or of no loaded product */
  guint64 groups;           /* ota_engine_apply_device_events calls */
  guint64 events;           /* device events handed to the engine */
  guint64 rejected;         /* … that the engine refused */
  guint64 succeeded;        /* new versions reported */
  guint64 failures;         /* error steps reported */
  guint64 hangs;
  guint64 unexpected;
  guint64 confirms;
  guint64 declines;
} OtaSimStats;

#define OTA_TYPE_SIM_FLEET (ota_sim_fleet_get_type ())
G_DECLARE_FINAL_TYPE (OtaSimFleet, ota_sim_fleet, OTA, SIM_FLEET, GObject)

/* Called twice per group of device events: before it is handed to the engine
 * (@committed FALSE) and after the engine committed it (@committed TRUE). @seq counts
 * the groups of this fleet from 1. Crash tests log what they are about to send and
 * acknowledge what was committed. */
typedef void (*OtaSimGroupFunc) (OtaSimFleet           *fleet,
                                 guint64                seq,
                                 const OtaDeviceEvent  *events,
                                 guint                  n_events,
                                 gboolean               committed,
                                 gpointer               user_data);

/* @engine must run on @clock. The fleet does not keep @engine alive (the engine holds
 * the fleet as its device link); @config is copied (NULL: OTA_SIM_CONFIG_INIT). */
OtaSimFleet       *ota_sim_fleet_new            (OtaEngine           *engine,
                                                 OtaManualClock      *clock,
                                                 const OtaSimConfig  *config);
/* Loads the devices of @product_key (names and online flags) and starts their churn. */
gboolean           ota_sim_fleet_add_product    (OtaSimFleet         *self,
                                                 const char          *product_key,
                                                 GError             **error);
/* When the fleet's next own event falls (µs), G_MAXINT64 when none is pending. */
gint64             ota_sim_fleet_get_next_event (OtaSimFleet         *self);
/* Runs engine and fleet together up to @until_us: repeatedly moves the clock to the
 * earliest of the engine's next due time and the fleet's next event, runs the engine's
 * due work, then applies the fleet's events of that instant in one group. Ends with the
 * clock at @until_us (never moved back). FALSE when the engine's store failed. */
gboolean           ota_sim_fleet_run_until      (OtaSimFleet         *self,
                                                 gint64               until_us,
                                                 GError             **error);
void               ota_sim_fleet_set_group_func (OtaSimFleet         *self,
                                                 OtaSimGroupFunc      func,
                                                 gpointer             user_data);
const OtaSimStats *ota_sim_fleet_get_stats      (OtaSimFleet         *self);

G_END_DECLS
