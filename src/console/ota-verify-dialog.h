/* ota-verify-dialog.h — verify a firmware on a few chosen devices (R-V1..R-V3)
 *
 * Source versions from those the product's devices report for the firmware's module, a
 * searchable picker of up to 10 devices on those versions, the device timeout and app
 * confirmation. Confirm stays insensitive until every field is valid; a refusal of the
 * backend is shown on the field it names. Emits "created" with the new OtaBatch, then
 * closes.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_VERIFY_DIALOG (ota_verify_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtaVerifyDialog, ota_verify_dialog, OTA, VERIFY_DIALOG, AdwWindow)

GtkWidget *ota_verify_dialog_new (GtkWindow   *parent,
                                  OtaBackend  *backend,
                                  OtaFirmware *firmware);

G_END_DECLS
