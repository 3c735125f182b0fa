/* ota-local-backend.h — OtaBackend over an in-process OtaEngine
 *
 * Every operation runs on a worker thread (the engine serialises them on its store
 * lock), so the calling thread never waits for the database or a file. The engine's
 * "batch-changed" is forwarded; "catalogue-changed" follows this backend's own writes.
 * Changes made by others on the same engine (a simulator, a server) reach it only as
 * "batch-changed".
 */
#pragma once

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_LOCAL_BACKEND (ota_local_backend_get_type ())
G_DECLARE_FINAL_TYPE (OtaLocalBackend, ota_local_backend, OTA, LOCAL_BACKEND, GObject)

/* Signals are emitted on the thread-default main context of the caller. */
OtaBackend *ota_local_backend_new        (OtaEngine       *engine);
/* (transfer none) */
OtaEngine  *ota_local_backend_get_engine (OtaLocalBackend *self);

/* The scheduler runs the engine's due work (R-S2 pushes within the rate, R-R retries
 * and timeouts, R-B enrolment of large batches, scheduled starts) on a worker when it
 * falls due, and looks again after every write of this backend and every jump of the
 * clock. On by default unless the engine's clock is manual (a demo or a test moves it
 * and runs the due work itself). */
gboolean    ota_local_backend_get_scheduler      (OtaLocalBackend *self);
void        ota_local_backend_set_scheduler      (OtaLocalBackend *self,
                                                  gboolean         scheduler);
/* Looks again now, after a change made on the engine behind this backend's back. */
void        ota_local_backend_rearm              (OtaLocalBackend *self);
/* TRUE while a run is on a worker (tests wait for it before deleting the database). */
gboolean    ota_local_backend_get_scheduler_busy (OtaLocalBackend *self);

G_END_DECLS
