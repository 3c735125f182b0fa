/* ota-due-scheduler.h — runs an engine's due work (pushes within the rate, retries,
 * timeouts, scheduled starts, the enrolment of large batches) when it falls due
 *
 * Reading the next due time and running what is due take the store's lock (which an
 * import may hold for seconds), so both happen on a worker; the main context only keeps
 * a timeout for the next due time, computed from the engine's clock. One run at a time:
 * a rearm or a jump of the clock during a run looks again when it is over. The local
 * backend and ota-server each own one.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

typedef struct _OtaDueScheduler OtaDueScheduler;

/* A stopped scheduler for @engine on @context, used from the calling thread (the one
 * that runs @context). @owner (unowned) owns it and frees it when finalized: a run in
 * flight, or a clock jump on its way to @context, holds a reference to @owner, so the
 * owner (and the engine) outlives it. @log_domain (static): where a failed run is
 * reported (a repeated failure at most once a minute). */
OtaDueScheduler *ota_due_scheduler_new      (GObject         *owner,
                                             OtaEngine       *engine,
                                             GMainContext    *context,
                                             const char      *log_domain);
void             ota_due_scheduler_free     (OtaDueScheduler *self);

/* Follows the engine's clock and runs what is due now. */
void             ota_due_scheduler_start    (OtaDueScheduler *self);
/* No more runs; a run in flight ends without consequence. */
void             ota_due_scheduler_stop     (OtaDueScheduler *self);
/* Looks again now (after a write); nothing when stopped. */
void             ota_due_scheduler_rearm    (OtaDueScheduler *self);
/* TRUE while a run is on a worker. */
gboolean         ota_due_scheduler_get_busy (OtaDueScheduler *self);
/* Runs the engine's due work now, on the calling thread (a worker: it blocks), never
 * at the same time as the scheduler's own run: for an explicit run_due or a clock
 * advance of the owner. Works whether the scheduler is started or not. */
gboolean         ota_due_scheduler_run_due  (OtaDueScheduler  *self,
                                             GError          **error);

G_END_DECLS
