/* ota-server-scheduler.c — runs the engine's due work (pushes within the rate,
 * retries, timeouts, scheduled starts and window ends) when it falls due
 *
 * The work is done by an OtaDueScheduler (a worker thread for the store's lock, a
 * timeout on the main loop for the next due time). Any write through the API, a device
 * event, or a jump of the engine's clock looks again.
 */
#include "ota-server-private.h"

void
ota_server_scheduler_start (OtaServer *self)
{
  self->due_scheduler = ota_due_scheduler_new (G_OBJECT (self), self->engine, self->context,
                                               G_LOG_DOMAIN);
  ota_due_scheduler_start (self->due_scheduler);
}

void
ota_server_scheduler_stop (OtaServer *self)
{
  if (self->due_scheduler != NULL)
    ota_due_scheduler_stop (self->due_scheduler);
}

/* For /clock/run-due and /clock/advance, on a worker: never alongside the scheduler's
 * own run. */
gboolean
ota_server_scheduler_run_due (OtaServer  *self,
                              GError    **error)
{
  if (self->due_scheduler == NULL)
    return ota_engine_run_due (self->engine, error);
  return ota_due_scheduler_run_due (self->due_scheduler, error);
}

void
ota_server_scheduler_rearm (OtaServer *self)
{
  if (self->due_scheduler != NULL)
    ota_due_scheduler_rearm (self->due_scheduler);
}
