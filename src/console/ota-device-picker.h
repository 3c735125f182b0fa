/* ota-device-picker.h — choose devices of a product by name (R-V2, R-B8)
 *
 * A search entry over the product's devices that report one of the given versions for
 * a module (the backend searches; at most OTA_DEVICE_PICKER_MAX_RESULTS rows show), a
 * check per device, and a counter ("3 of 10 chosen"). Chosen devices stay chosen across
 * searches; checking one more than the maximum is refused with a message. Devices whose
 * version is no longer among the given ones are dropped.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_DEVICE_PICKER_MAX_RESULTS 20

#define OTA_TYPE_DEVICE_PICKER (ota_device_picker_get_type ())
G_DECLARE_FINAL_TYPE (OtaDevicePicker, ota_device_picker, OTA, DEVICE_PICKER, AdwBin)

GtkWidget  *ota_device_picker_new          (void);
/* Where the devices come from; @versions empty or NULL: none can be chosen. */
void        ota_device_picker_set_query    (OtaDevicePicker    *self,
                                            OtaBackend         *backend,
                                            const char         *product_key,
                                            const char         *module,
                                            const char * const *versions);
/* @max 0: no limit; @limit_message: what a refused check says. */
void        ota_device_picker_set_max      (OtaDevicePicker    *self,
                                            guint               max,
                                            const char         *limit_message);
guint       ota_device_picker_get_n_chosen (OtaDevicePicker    *self);
/* (transfer full): the chosen device names, sorted (never NULL). */
GStrv       ota_device_picker_dup_chosen   (OtaDevicePicker    *self);
/* Checks or unchecks the listed device @name like a click; FALSE when it is not listed
 * (search first) or the check was refused. */
gboolean    ota_device_picker_choose       (OtaDevicePicker    *self,
                                            const char         *name,
                                            gboolean            chosen);
void        ota_device_picker_set_search   (OtaDevicePicker    *self,
                                            const char         *text);
/* Devices listed now, and whether a search is still running. */
guint       ota_device_picker_get_n_listed (OtaDevicePicker    *self);
gboolean    ota_device_picker_get_loading  (OtaDevicePicker    *self);
/* @text (nullable): a message under the list (a refusal, the backend's error). */
void        ota_device_picker_set_message  (OtaDevicePicker    *self,
                                            const char         *text);
const char *ota_device_picker_get_message  (OtaDevicePicker    *self);

G_END_DECLS
