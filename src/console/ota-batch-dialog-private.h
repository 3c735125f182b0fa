/* ota-batch-dialog-private.h — the batch dialog's parts, shared by its files and tests */
#pragma once

#include "ota-batch-dialog.h"
#include "ota-device-picker.h"
#include "ota-field-message.h"
#include "ota-region-picker.h"
#include "ota-version-picker.h"

G_BEGIN_DECLS

/* How long the forecast waits for typing to stop. */
#define OTA_BATCH_DIALOG_FORECAST_DELAY_MS 300

/* The rows of the combo rows, in model order. */
enum { OTA_TIME_IMMEDIATE, OTA_TIME_SCHEDULED };

struct _OtaBatchDialog
{
  AdwWindow            parent_instance;

  OtaBackend          *backend;
  OtaFirmware         *firmware;
  GCancellable        *cancellable;      /* the dialog's life */
  GCancellable        *forecast_cancellable;
  guint                forecast_source;
  guint                n_forecasts;      /* forecasts shown, for tests */
  gboolean             modules_loaded;
  gboolean             busy;
  gboolean             refused;          /* the backend refused the current values */

  AdwWindowTitle      *window_title;
  GtkButton           *confirm_button;
  GtkLabel            *general_error;
  AdwComboRow         *strategy_row;
  OtaFieldMessage     *strategy_message;
  AdwComboRow         *scope_row;
  OtaFieldMessage     *scope_message;
  AdwActionRow        *gray_row;
  GtkSpinButton       *gray_spin;
  OtaFieldMessage     *gray_message;
  AdwPreferencesGroup *targeted_group;
  OtaDevicePicker     *device_picker;
  AdwPreferencesGroup *region_group;
  OtaRegionPicker     *region_picker;
  AdwPreferencesGroup *sources_group;
  OtaVersionPicker    *version_picker;
  AdwPreferencesGroup *schedule_group;
  AdwComboRow         *time_row;
  AdwEntryRow         *start_row;
  OtaFieldMessage     *start_message;
  AdwEntryRow         *end_row;
  OtaFieldMessage     *end_message;
  AdwActionRow        *rate_row;
  GtkSpinButton       *rate_spin;
  OtaFieldMessage     *rate_message;
  AdwComboRow         *retry_interval_row;
  AdwComboRow         *retry_limit_row;
  OtaFieldMessage     *retry_message;
  AdwActionRow        *timeout_row;
  GtkSpinButton       *timeout_spin;
  OtaFieldMessage     *timeout_message;
  GtkSwitch           *app_confirm_switch;
  GtkSwitch           *overwrite_switch;
  AdwActionRow        *only_new_row;
  GtkSwitch           *only_new_switch;
  OtaFieldMessage     *only_new_message;
  GtkWidget           *forecast_box;
  GtkSpinner          *forecast_spinner;
  GtkLabel            *forecast_label;
};

/* The spec the widgets describe, with the storage its pointers use. */
typedef struct {
  OtaBatchSpec  spec;
  GStrv         sources;
  GStrv         devices;
  GArray       *regions;
} OtaBatchDialogSpec;

void ota_batch_dialog_spec_clear (OtaBatchDialogSpec *data);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OtaBatchDialogSpec, ota_batch_dialog_spec_clear)

/* ota-batch-dialog-validate.c: reads the widgets into @data and shows a message on every
 * field whose value breaks its rule; TRUE when all are valid. Hides or desensitises the
 * options that do not apply. */
gboolean ota_batch_dialog_read      (OtaBatchDialog     *self,
                                     OtaBatchDialogSpec *data);
/* A "YYYY-MM-DD HH:MM" local time as µs, FALSE when it is not one. */
gboolean ota_batch_dialog_parse_time (const char        *text,
                                      gint64            *time_us);
/* Shows a refusal of the backend on the field it names; TRUE when a field took it. */
gboolean ota_batch_dialog_show_error (OtaBatchDialog    *self,
                                      const GError      *error);

/* ota-batch-dialog.c */
/* Validates, sets Confirm's sensitivity and schedules the forecast. */
gboolean ota_batch_dialog_validate  (OtaBatchDialog *self);
/* What Confirm does. */
void     ota_batch_dialog_confirm   (OtaBatchDialog *self);

G_END_DECLS
