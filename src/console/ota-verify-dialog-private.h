/* ota-verify-dialog-private.h — the verify dialog's parts, for its file and the tests */
#pragma once

#include "ota-device-picker.h"
#include "ota-field-message.h"
#include "ota-verify-dialog.h"
#include "ota-version-picker.h"

G_BEGIN_DECLS

struct _OtaVerifyDialog
{
  AdwWindow         parent_instance;

  OtaBackend       *backend;
  OtaFirmware      *firmware;
  GCancellable     *cancellable;
  gboolean          modules_loaded;
  gboolean          busy;

  AdwWindowTitle   *window_title;
  GtkButton        *confirm_button;
  GtkLabel         *general_error;
  AdwPreferencesGroup *sources_group;
  OtaVersionPicker *version_picker;
  OtaDevicePicker  *device_picker;
  AdwActionRow     *timeout_row;
  GtkSpinButton    *timeout_spin;
  OtaFieldMessage  *timeout_message;
  AdwComboRow      *app_confirm_row;
  OtaFieldMessage  *app_confirm_message;
};

/* Checks every field, shows the messages, sets Confirm's sensitivity; TRUE when valid. */
gboolean ota_verify_dialog_validate (OtaVerifyDialog *self);
/* What Confirm does. */
void     ota_verify_dialog_confirm  (OtaVerifyDialog *self);

G_END_DECLS
