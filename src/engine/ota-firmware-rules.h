/* ota-firmware-rules.h — the rules of adding a firmware that need no file (engine-internal)
 *
 * Shared by ota_engine_check_firmware_spec() and the add itself, which checks them once
 * before it reads the file and again in the transaction that records the firmware.
 */
#pragma once

#include "ota-engine.h"

G_BEGIN_DECLS

/* The module a spec names, "default" when it names none (R-F6). */
const char *ota_firmware_spec_get_module (const OtaFirmwareSpec  *spec);

/* R-F2: @spec with its name in Unicode NFC, the form names are checked and stored in
 * (decomposed kana, as some input methods type them, are the same name). Returns @spec
 * itself when there is nothing to normalise, else @copy, whose name @name_out owns. */
const OtaFirmwareSpec *ota_firmware_spec_normalize (const OtaFirmwareSpec  *spec,
                                                    OtaFirmwareSpec        *copy,
                                                    char                  **name_out);

/* R-F1..R-F7, R-F9 and the name's uniqueness in its product, against the store as it is
 * now; call with the store's lock held. Returns the source versions without duplicates,
 * in the order given, NULL-terminated (R-F5). */
GPtrArray  *ota_firmware_rules_check     (OtaEngine              *self,
                                          const OtaFirmwareSpec  *spec,
                                          GError                **error);

G_END_DECLS
