/* ota-version-picker.h — source versions to upgrade from (R-V2, R-B4, R-F5)
 *
 * A boxed list with one checkable row per version the product's devices report for the
 * firmware's module, with how many devices report it; or, for a diff firmware, its one
 * source version, fixed. A validation message can show under the rows.
 */
#pragma once

#include <adwaita.h>
#include <ota.h>

G_BEGIN_DECLS

#define OTA_TYPE_VERSION_PICKER (ota_version_picker_get_type ())
G_DECLARE_FINAL_TYPE (OtaVersionPicker, ota_version_picker, OTA, VERSION_PICKER, AdwBin)

GtkWidget *ota_version_picker_new          (void);
/* The versions of @module (nullable: none reported yet) except @exclude (the firmware's
 * own version); those in @checked start checked. */
void       ota_version_picker_set_versions (OtaVersionPicker   *self,
                                            OtaModule          *module,
                                            const char * const *checked,
                                            const char         *exclude);
/* The versions devices report for @firmware's module, found in @modules (the product's
 * modules), with the firmware's own source versions checked (R-F5, R-B4). */
void       ota_version_picker_set_firmware_sources (OtaVersionPicker *self,
                                                    GPtrArray        *modules,
                                                    OtaFirmware      *firmware);
/* One version, checked and not changeable, with @note under it. */
void       ota_version_picker_set_fixed    (OtaVersionPicker   *self,
                                            const char         *version,
                                            const char         *note);
/* (transfer full): the checked versions in list order (never NULL). */
GStrv      ota_version_picker_dup_selected (OtaVersionPicker   *self);
/* Checks or unchecks @version like a click would; FALSE when it is not offered. */
gboolean   ota_version_picker_set_selected (OtaVersionPicker   *self,
                                            const char         *version,
                                            gboolean            selected);
/* @text (nullable): a message under the rows. */
void       ota_version_picker_set_message  (OtaVersionPicker   *self,
                                            const char         *text);
const char *ota_version_picker_get_message (OtaVersionPicker   *self);

G_END_DECLS
