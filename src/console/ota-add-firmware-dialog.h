/* ota-add-firmware-dialog.h — adds a firmware to a product (R-F1..R-F9)
 *
 * Every field is checked as it changes: the field rules (ota_validate_*) at once, the
 * rules that need the product (R-F1, R-F5, R-F6, R-F7, unique names) through
 * ota_backend_check_firmware_spec(). A field's message shows right under it; Add stays
 * insensitive until everything is valid. Adding shows the hashing progress with Cancel;
 * an error of the backend shows under the field it names. Emits "added" (OtaFirmware)
 * and closes when the firmware was stored.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_ADD_FIRMWARE_DIALOG (ota_add_firmware_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtaAddFirmwareDialog, ota_add_firmware_dialog, OTA, ADD_FIRMWARE_DIALOG, AdwWindow)

/* @parent (nullable) */
OtaAddFirmwareDialog *ota_add_firmware_dialog_new      (GtkWindow            *parent,
                                                       OtaBackend           *backend,
                                                       OtaProduct           *product);
/* The file to add, as if chosen in the file chooser. */
void                  ota_add_firmware_dialog_set_file (OtaAddFirmwareDialog *self,
                                                       GFile                *file);

G_END_DECLS
