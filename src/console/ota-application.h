/* ota-application.h — the console application: options, the engine it opens, app actions
 *
 * `ota-console [--demo] [--db PATH] [--server URL]`. Without options it opens the server
 * of the last run (token from the keyring) or else the default database
 * (ota_engine_default_db_path()); --server URL connects to that server (token from
 * $OTA_TOKEN or the keyring; none or refused: the Connect dialog asks); --demo opens a separate demo database on a manual
 * clock, fills it with the demo catalogue and its rollouts when it is empty, and lets a
 * simulated fleet play it (OtaDemo); every window shows the demo banner.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"
#include "ota-backend-manager.h"

G_BEGIN_DECLS

#define OTA_TYPE_APPLICATION (ota_application_get_type ())
G_DECLARE_FINAL_TYPE (OtaApplication, ota_application, OTA, APPLICATION, AdwApplication)

OtaApplication *ota_application_new            (void);
/* Whether the application runs on the demo database: the simulated fleet hooks in here. */
gboolean        ota_application_get_demo_mode  (OtaApplication *self);
/* (transfer none) (nullable): the engine, once the application was activated. In demo
 * mode its clock is an OtaManualClock, for the simulated fleet to advance. */
OtaEngine      *ota_application_get_engine     (OtaApplication *self);
/* (transfer none) (nullable): the backend the windows use, once activated. */
OtaBackend     *ota_application_get_backend    (OtaApplication *self);
/* (transfer none) (nullable): what chooses that backend, once activated. */
OtaBackendManager *ota_application_get_manager (OtaApplication *self);

/* The demo database: $XDG_DATA_HOME/ota-console/demo.db. Free with g_free(). */
char           *ota_application_demo_db_path   (void);

G_END_DECLS
