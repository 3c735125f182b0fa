/* ota-dialog-private.h — the template children of the console's dialogs, for the UI tests
 * (and for the dialogs' own files) */
#pragma once

#include "ota-add-firmware-dialog.h"
#include "ota-add-product-dialog.h"
#include "ota-field-message.h"
#include "ota-product-settings-dialog.h"
#include "ota-source-picker.h"

G_BEGIN_DECLS

struct _OtaAddProductDialog
{
  AdwWindow        parent_instance;

  OtaBackend      *backend;
  GCancellable    *cancellable;
  gboolean         adding;

  AdwEntryRow     *name_row;
  AdwEntryRow     *key_row;
  AdwComboRow     *project_row;
  AdwComboRow     *network_row;
  GtkSwitch       *alios_switch;
  GtkSwitch       *android_switch;
  GtkWidget       *add_button;
  OtaFieldMessage *name_message;
  OtaFieldMessage *key_message;
  OtaFieldMessage *general_message;
};

struct _OtaProductSettingsDialog
{
  AdwWindow        parent_instance;

  OtaBackend      *backend;
  OtaProduct      *product;
  GCancellable    *cancellable;
  gboolean         changing;      /* a secure-upgrade change is on its way */
  gboolean         syncing;       /* the switch is set from the product, not by the user */

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  AdwActionRow    *secure_row;
  GtkSwitch       *secure_switch;
  GtkWidget       *copy_button;
  GtkStack        *key_stack;
  GtkTextView     *key_view;
  OtaFieldMessage *secure_message;
};

/* The fields of the add-firmware form, in the order shown. */
typedef enum {
  OTA_FIRMWARE_FIELD_TYPE,
  OTA_FIRMWARE_FIELD_NAME,
  OTA_FIRMWARE_FIELD_VERSION,
  OTA_FIRMWARE_FIELD_MODULE,
  OTA_FIRMWARE_FIELD_SOURCES,
  OTA_FIRMWARE_FIELD_FILE,
  OTA_FIRMWARE_FIELD_SIGN,
  OTA_FIRMWARE_FIELD_DESCRIPTION,
  OTA_FIRMWARE_FIELD_GENERAL,      /* an error that names no field of the form */
  OTA_N_FIRMWARE_FIELDS
} OtaFirmwareField;

struct _OtaAddFirmwareDialog
{
  AdwWindow         parent_instance;

  OtaBackend       *backend;
  OtaProduct       *product;
  GPtrArray        *modules;             /* OtaModule of the product */
  GStrv             module_names;        /* the module row's choices before "New module…" */
  OtaSignAlgorithm  sign_choices[2];
  guint             n_sign_choices;
  GCancellable     *cancellable;         /* loads that live as long as the dialog */
  GCancellable     *check_cancellable;   /* the backend check in flight */
  GCancellable     *add_cancellable;     /* hashing and storing */
  gboolean          check_ok;            /* the backend accepted the spec as it is now */
  GError           *check_error;         /* … or what it objected to */
  GError           *local_errors[OTA_N_FIRMWARE_FIELDS];
  gboolean          touched[OTA_N_FIRMWARE_FIELDS];
  GFile            *file;
  GError           *file_error;
  gboolean          file_ready;          /* its size is known and allowed */
  gboolean          adding;
  gboolean          syncing;             /* combo models change: not the user's doing */
  GtkFileChooserNative *chooser;

  AdwWindowTitle   *window_title;
  GtkWidget        *confirm_button;
  GtkStack         *stack;
  AdwComboRow      *type_row;
  AdwEntryRow      *name_row;
  AdwEntryRow      *version_row;
  AdwComboRow      *module_row;
  AdwEntryRow      *new_module_row;
  OtaSourcePicker  *source_picker;
  AdwActionRow     *file_row;
  AdwComboRow      *sign_row;
  AdwEntryRow      *description_row;
  GtkLabel         *description_counter;
  GtkProgressBar   *progress_bar;
  OtaFieldMessage  *messages[OTA_N_FIRMWARE_FIELDS];
};

/* ota-add-firmware-check.c: checking the form as it changes. */
void     ota_add_firmware_dialog_revalidate    (OtaAddFirmwareDialog *self);
/* Shows the messages of the fields the user touched (and those the user cannot fix
 * by typing) and sets Add's sensitivity. */
void     ota_add_firmware_dialog_show_messages (OtaAddFirmwareDialog *self);
/* The spec as the form says now; strings are borrowed, except *@sources (free it). */
void     ota_add_firmware_dialog_build_spec    (OtaAddFirmwareDialog *self,
                                                OtaFirmwareSpec      *spec,
                                                GStrv                *sources);
OtaFirmwareField ota_firmware_field_from_name  (const char           *name);

G_END_DECLS
