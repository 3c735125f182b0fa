/* ota-progress-relay.h — progress from a worker thread, delivered on the caller's main
 * context
 *
 * The engine reports progress from the thread doing the work; a user interface may only
 * be touched from its main context. A relay is made on the caller's thread (it keeps the
 * thread-default main context of that moment), handed to the worker, and calls the
 * caller's function there, coalesced: the latest value only, at most one delivery per
 * OTA_PROGRESS_RELAY_PERIOD_MS.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

#define OTA_PROGRESS_RELAY_PERIOD_MS 50

typedef struct _OtaProgressRelay OtaProgressRelay;

/* @func (nullable): then reports are dropped. */
OtaProgressRelay *ota_progress_relay_new    (OtaProgressFunc   func,
                                             gpointer          func_data);
OtaProgressRelay *ota_progress_relay_ref    (OtaProgressRelay *self);
void              ota_progress_relay_unref  (OtaProgressRelay *self);

/* An OtaProgressFunc: pass it with the relay as data. Any thread. */
void              ota_progress_relay_report (guint64           done,
                                             guint64           total,
                                             gpointer          relay);
/* Call on the worker before its task returns: a delivery still waiting for its period
 * is made due at once, so it comes before the task's callback (both are sources of the
 * same priority on the same context, dispatched in the order they were attached). */
void              ota_progress_relay_flush  (OtaProgressRelay *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaProgressRelay, ota_progress_relay_unref)

G_END_DECLS
