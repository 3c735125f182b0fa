/* ota-source-picker.h — choosing a firmware's source versions (R-F5)
 *
 * Offers the versions the product's devices report for a module, each with its device
 * count, as check boxes; more versions can be typed in. In single mode (a diff firmware
 * has exactly one source version) the check boxes act as radio buttons. Emits
 * "changed" whenever the choice or the typed version's validity changed.
 */
#pragma once

#include <adwaita.h>
#include <ota.h>

G_BEGIN_DECLS

#define OTA_TYPE_SOURCE_PICKER (ota_source_picker_get_type ())
G_DECLARE_FINAL_TYPE (OtaSourcePicker, ota_source_picker, OTA, SOURCE_PICKER, AdwBin)

/* @module (nullable): none reported yet (a new module). Clears the choice. */
void        ota_source_picker_set_module   (OtaSourcePicker *self,
                                            OtaModule       *module);
void        ota_source_picker_set_single   (OtaSourcePicker *self,
                                            gboolean         single);
/* Adds @version (checked) if it is a valid version, else sets the picker's error. */
gboolean    ota_source_picker_add_version  (OtaSourcePicker *self,
                                            const char      *version);
/* Checks or unchecks an offered version; FALSE if it is not offered. */
gboolean    ota_source_picker_set_checked  (OtaSourcePicker *self,
                                            const char      *version,
                                            gboolean         checked);
/* (transfer full): the checked versions, in the order offered. */
GStrv       ota_source_picker_dup_selected (OtaSourcePicker *self);
/* (nullable): why the version typed in last was refused. */
const GError *ota_source_picker_get_error  (OtaSourcePicker *self);
/* (transfer none): the row to type another version in. */
AdwEntryRow *ota_source_picker_get_entry_row (OtaSourcePicker *self);

G_END_DECLS
