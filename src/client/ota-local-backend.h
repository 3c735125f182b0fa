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

G_END_DECLS
