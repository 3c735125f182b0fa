/* ota-batch-dialog.c — start a batch upgrade of a verified firmware (R-B1..R-B16)
 *
 * Every change validates the form (ota-batch-dialog-validate.c); a valid form asks the
 * backend for a forecast after a short pause, cancelling the one before, so typing a
 * push rate costs one query, not one per key.
 */
#include <glib/gi18n.h>

#include "ota-batch-dialog-private.h"
#include "ota-labels.h"
#include "ota-rollout-format.h"

G_DEFINE_FINAL_TYPE (OtaBatchDialog, ota_batch_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Forecast ----------------------------------------------------------------------- */

static void
on_forecast (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(OtaBatchDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  OtaBatchForecast forecast = { 0 };
  g_autofree char *text = NULL;
  gint64 rate = 0;

  if (!ota_backend_forecast_batch_finish (OTA_BACKEND (source), result, &forecast, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->forecast_spinner, FALSE);
  self->n_forecasts++;

  if (error != NULL)
    {
      /* What the engine would refuse on Confirm (R-B1, R-B2, R-B6 …), said now. */
      self->refused = TRUE;
      ota_batch_dialog_show_error (self, error);
      gtk_label_set_label (self->forecast_label, _("The batch cannot start with these options"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
      return;
    }

  ota_spin_button_read_value (self->rate_spin, &rate);
  text = ota_format_forecast (&forecast, (guint) rate);
  gtk_label_set_label (self->forecast_label, text);
}

static gboolean
run_forecast (gpointer user_data)
{
  OtaBatchDialog *self = user_data;
  g_auto(OtaBatchDialogSpec) data = { { 0 } };

  self->forecast_source = 0;
  if (!ota_batch_dialog_read (self, &data))
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->forecast_cancellable);
  g_clear_object (&self->forecast_cancellable);
  self->forecast_cancellable = g_cancellable_new ();
  gtk_spinner_set_spinning (self->forecast_spinner, TRUE);
  ota_backend_forecast_batch_async (self->backend, &data.spec, self->forecast_cancellable,
                                    on_forecast, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_forecast (OtaBatchDialog *self)
{
  g_clear_handle_id (&self->forecast_source, g_source_remove);
  self->forecast_source = g_timeout_add (OTA_BATCH_DIALOG_FORECAST_DELAY_MS, run_forecast, self);
}

/* ---- Validation --------------------------------------------------------------------- */

gboolean
ota_batch_dialog_validate (OtaBatchDialog *self)
{
  g_auto(OtaBatchDialogSpec) data = { { 0 } };
  gboolean valid;

  g_return_val_if_fail (OTA_IS_BATCH_DIALOG (self), FALSE);

  /* Widgets notify while the template is built, before there is a firmware. */
  if (self->firmware == NULL)
    return FALSE;

  valid = ota_batch_dialog_read (self, &data);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), valid && !self->busy && !self->refused);

  /* An invalid form has nothing to forecast; the one in flight is stale. */
  g_cancellable_cancel (self->forecast_cancellable);
  g_clear_handle_id (&self->forecast_source, g_source_remove);
  if (valid)
    {
      gtk_label_set_label (self->forecast_label, _("Counting the devices that match…"));
      schedule_forecast (self);
    }
  else
    {
      gtk_spinner_set_spinning (self->forecast_spinner, FALSE);
      gtk_label_set_label (self->forecast_label, _("Complete the options to see which devices match"));
    }
  return valid;
}

static void
on_field_changed (OtaBatchDialog *self)
{
  /* Any change may answer what the backend refused. */
  self->refused = FALSE;
  ota_field_message_set_text (self->strategy_message, NULL);
  gtk_label_set_label (self->general_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->general_error), FALSE);
  ota_batch_dialog_validate (self);
}

static void
on_versions_changed (OtaVersionPicker *picker,
                     OtaBatchDialog   *self)
{
  g_auto(GStrv) sources = ota_version_picker_dup_selected (picker);

  /* R-B8: targeted devices come from the chosen source versions too. */
  ota_device_picker_set_query (self->device_picker, self->backend,
                               ota_firmware_get_product_key (self->firmware),
                               ota_firmware_get_module (self->firmware),
                               (const char * const *) sources);
  on_field_changed (self);
}

/* Switching to a scheduled start suggests one an hour ahead, on a round minute. */
static void
on_time_selected (AdwComboRow    *row,
                  GParamSpec     *pspec,
                  OtaBatchDialog *self)
{
  const char *start = gtk_editable_get_text (GTK_EDITABLE (self->start_row));

  if (adw_combo_row_get_selected (row) == OTA_TIME_SCHEDULED && *start == '\0')
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) later = g_date_time_add_minutes (now, 60 + 5 - g_date_time_get_minute (now) % 5);
      g_autofree char *text = g_date_time_format (later, "%Y-%m-%d %H:%M");

      gtk_editable_set_text (GTK_EDITABLE (self->start_row), text);
    }
  on_field_changed (self);
}

/* ---- Loading the versions ----------------------------------------------------------- */

static void
on_modules_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OtaBatchDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) modules = ota_backend_list_modules_finish (OTA_BACKEND (source), result, &error);
  OtaFirmware *firmware = self->firmware;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (modules == NULL)
    {
      ota_batch_dialog_show_error (self, error);
      return;
    }

  self->modules_loaded = TRUE;
  if (ota_firmware_get_firmware_type (firmware) == OTA_FIRMWARE_TYPE_DIFF)
    ota_version_picker_set_fixed (self->version_picker, ota_firmware_get_source_versions (firmware)[0],
                                  _("A differential package upgrades from this version only"));
  else
    /* R-B4: the firmware's own list is the default. */
    ota_version_picker_set_firmware_sources (self->version_picker, modules, firmware);
}

/* ---- Confirm ---------------------------------------------------------------------------- */

static void
set_busy (OtaBatchDialog *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_button_set_label (self->confirm_button, busy ? _("Starting…") : _("_Start Upgrade"));
}

static void
on_batch_created (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OtaBatchDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = ota_backend_create_batch_finish (OTA_BACKEND (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  set_busy (self, FALSE);
  if (batch == NULL)
    {
      self->refused = TRUE;
      ota_batch_dialog_show_error (self, error);
      gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, batch);
  gtk_window_close (GTK_WINDOW (self));
}

void
ota_batch_dialog_confirm (OtaBatchDialog *self)
{
  g_auto(OtaBatchDialogSpec) data = { { 0 } };

  g_return_if_fail (OTA_IS_BATCH_DIALOG (self));

  if (self->busy || self->refused || !ota_batch_dialog_read (self, &data))
    return;

  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  ota_backend_create_batch_async (self->backend, &data.spec, self->cancellable,
                                  on_batch_created, g_object_ref (self));
}

static void
on_confirm_clicked (GtkButton      *button,
                    OtaBatchDialog *self)
{
  ota_batch_dialog_confirm (self);
}

/* ---- Object ---------------------------------------------------------------------------- */

static void
ota_batch_dialog_dispose (GObject *object)
{
  OtaBatchDialog *self = OTA_BATCH_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->forecast_cancellable);
  g_clear_handle_id (&self->forecast_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_BATCH_DIALOG);
  g_clear_object (&self->backend);
  g_clear_object (&self->firmware);

  G_OBJECT_CLASS (ota_batch_dialog_parent_class)->dispose (object);
}

static void
ota_batch_dialog_finalize (GObject *object)
{
  OtaBatchDialog *self = OTA_BATCH_DIALOG (object);

  g_object_unref (self->cancellable);
  g_clear_object (&self->forecast_cancellable);

  G_OBJECT_CLASS (ota_batch_dialog_parent_class)->finalize (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, OtaBatchDialog, name)

static void
ota_batch_dialog_class_init (OtaBatchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_batch_dialog_dispose;
  object_class->finalize = ota_batch_dialog_finalize;

  /**
   * OtaBatchDialog::created:
   * @batch: the batch upgrade that was started
   */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, OTA_TYPE_BATCH);

  g_type_ensure (OTA_TYPE_VERSION_PICKER);
  g_type_ensure (OTA_TYPE_DEVICE_PICKER);
  g_type_ensure (OTA_TYPE_REGION_PICKER);
  g_type_ensure (OTA_TYPE_FIELD_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-batch-dialog.ui");
  BIND (window_title);
  BIND (confirm_button);
  BIND (general_error);
  BIND (strategy_row);
  BIND (strategy_message);
  BIND (scope_row);
  BIND (scope_message);
  BIND (gray_row);
  BIND (gray_spin);
  BIND (gray_message);
  BIND (targeted_group);
  BIND (device_picker);
  BIND (region_group);
  BIND (region_picker);
  BIND (sources_group);
  BIND (version_picker);
  BIND (schedule_group);
  BIND (time_row);
  BIND (start_row);
  BIND (start_message);
  BIND (end_row);
  BIND (end_message);
  BIND (rate_row);
  BIND (rate_spin);
  BIND (rate_message);
  BIND (retry_interval_row);
  BIND (retry_limit_row);
  BIND (retry_message);
  BIND (timeout_row);
  BIND (timeout_spin);
  BIND (timeout_message);
  BIND (app_confirm_switch);
  BIND (overwrite_switch);
  BIND (only_new_row);
  BIND (only_new_switch);
  BIND (only_new_message);
  BIND (forecast_box);
  BIND (forecast_spinner);
  BIND (forecast_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_versions_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_time_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ota_batch_dialog_init (OtaBatchDialog *self)
{
  g_autoptr(GtkStringList) intervals = gtk_string_list_new (NULL);

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* R-B13 in the words of the original, from one place (ota-labels). */
  for (int interval = OTA_RETRY_INTERVAL_NONE; interval <= OTA_RETRY_INTERVAL_24_HOURS; interval++)
    gtk_string_list_append (intervals, ota_retry_interval_label (interval));
  adw_combo_row_set_model (self->retry_interval_row, G_LIST_MODEL (intervals));
}

GtkWidget *
ota_batch_dialog_new (GtkWindow   *parent,
                      OtaBackend  *backend,
                      OtaFirmware *firmware)
{
  OtaBatchDialog *self;
  g_autofree char *subtitle = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (OTA_IS_FIRMWARE (firmware), NULL);

  self = g_object_new (OTA_TYPE_BATCH_DIALOG, "transient-for", parent, NULL);
  self->backend = g_object_ref (backend);
  self->firmware = g_object_ref (firmware);

  subtitle = ota_format_firmware_title (firmware);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* TRANSLATORS: %s is a firmware module name */
  description = g_strdup_printf (_("Devices that report one of these versions for module “%s” are upgraded"),
                                 ota_firmware_get_module (firmware));
  adw_preferences_group_set_description (self->sources_group, description);

  ota_batch_dialog_validate (self);
  ota_backend_list_modules_async (backend, ota_firmware_get_product_key (firmware), self->cancellable,
                                  on_modules_listed, g_object_ref (self));

  return GTK_WIDGET (self);
}
