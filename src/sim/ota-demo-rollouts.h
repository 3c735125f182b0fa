/* ota-demo-rollouts.h — rollouts in every state on the demo catalogue, played with the
 * simulated fleet, so that a fresh demo looks like a console in daily use
 *
 * After ota_demo_catalogue_fill(): one firmware per product is verified on a few
 * devices, one verification fails, a few batch upgrades run (static for every device
 * with a push rate, by region with app confirmation, a 10 % gray release, a dynamic
 * one, one cancelled), one starts in two hours, and a verification waits for its app
 * users. Everything goes through the engine on its manual clock; the fleet plays the
 * devices for some simulated minutes so that statuses, progress and failures are mixed.
 */
#pragma once

#include "ota-sim-fleet.h"

G_BEGIN_DECLS

typedef struct {
  guint   verifications;   /* started, the failed ones and their repeats included */
  guint   batches;         /* batch upgrades created */
  gint64  played_us;       /* simulated time the setup took */
} OtaDemoRolloutSummary;

/* The fleet settings of the demo: the simulator's defaults with @seed. */
void         ota_demo_sim_config      (OtaSimConfig           *config,
                                       guint32                 seed);
/* A fleet with the demo settings holding every product of @engine (not yet its device
 * link: the caller decides what delivers the notices). */
OtaSimFleet *ota_demo_fleet_new       (OtaEngine              *engine,
                                       OtaManualClock         *clock,
                                       guint32                 seed,
                                       GError                **error);
/* Plays the rollouts. @fleet must hold every product and deliver @engine's notices;
 * @engine must run on the fleet's manual clock, which moves forward. Blocking: a few
 * seconds for the default catalogue. Expects the demo catalogue and no rollout yet
 * (else OTA_ERROR_CONFLICT); on failure what was started so far stays. */
gboolean     ota_demo_rollouts_play   (OtaEngine              *engine,
                                       OtaSimFleet            *fleet,
                                       OtaDemoRolloutSummary  *summary,
                                       GError                **error);

G_END_DECLS
