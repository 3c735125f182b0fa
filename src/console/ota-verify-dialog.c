/* ota-verify-dialog.c — verify a firmware on a few chosen devices (R-V1..R-V3) */
#include <glib/gi18n.h>

#include "ota-labels.h"
#include "ota-rollout-format.h"
#include "ota-rollout-validate.h"
#include "ota-verify-dialog-private.h"

G_DEFINE_FINAL_TYPE (OtaVerifyDialog, ota_verify_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Validation ---------------------------------------------------------------------- */

static gboolean
validate_sources (OtaVerifyDialog *self)
{
  g_auto(GStrv) sources = ota_version_picker_dup_selected (self->version_picker);

  if (!self->modules_loaded)
    return FALSE;
  if (sources[0] == NULL)
    {
      ota_version_picker_set_message (self->version_picker, _("Choose at least one source version"));
      return FALSE;
    }
  ota_version_picker_set_message (self->version_picker, NULL);
  return TRUE;
}

static gboolean
validate_timeout (OtaVerifyDialog *self)
{
  g_autoptr(GError) error = NULL;
  gint64 minutes = 0;

  if (!ota_spin_button_read_value (self->timeout_spin, &minutes))
    {
      ota_field_message_set_text (self->timeout_message, _("Enter the upgrade timeout in whole minutes"));
      return FALSE;
    }
  /* R-V3: 1..1440 minutes; the rule's own message. */
  if (!ota_validate_timeout ((guint) CLAMP (minutes, 0, G_MAXUINT), TRUE, &error))
    {
      ota_field_message_set_error (self->timeout_message, error);
      return FALSE;
    }
  ota_field_message_set_text (self->timeout_message, NULL);
  return TRUE;
}

gboolean
ota_verify_dialog_validate (OtaVerifyDialog *self)
{
  guint n_devices = ota_device_picker_get_n_chosen (self->device_picker);
  gboolean valid = TRUE;

  g_return_val_if_fail (OTA_IS_VERIFY_DIALOG (self), FALSE);

  valid &= validate_sources (self);
  valid &= validate_timeout (self);
  /* The picker refuses an eleventh device itself; none chosen is not an error yet, just
   * not enough (the counter says so). */
  valid &= n_devices >= 1 && n_devices <= OTA_VERIFY_MAX_DEVICES;

  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), valid && !self->busy);
  return valid;
}

static void
on_field_changed (OtaVerifyDialog *self)
{
  gtk_label_set_label (self->general_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->general_error), FALSE);
  ota_field_message_set_text (self->app_confirm_message, NULL);
  ota_verify_dialog_validate (self);
}

static void
on_versions_changed (OtaVersionPicker *picker,
                     OtaVerifyDialog  *self)
{
  g_auto(GStrv) sources = ota_version_picker_dup_selected (picker);

  /* R-V2: the devices offered are those on the chosen versions. */
  ota_device_picker_set_query (self->device_picker, self->backend,
                               ota_firmware_get_product_key (self->firmware),
                               ota_firmware_get_module (self->firmware),
                               (const char * const *) sources);
  on_field_changed (self);
}

/* ---- Loading the versions ------------------------------------------------------------ */

static void
on_modules_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OtaVerifyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) modules = ota_backend_list_modules_finish (OTA_BACKEND (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (modules == NULL)
    {
      gtk_label_set_label (self->general_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->general_error), TRUE);
      return;
    }

  self->modules_loaded = TRUE;
  /* The firmware's own source versions start checked (R-F5). */
  ota_version_picker_set_firmware_sources (self->version_picker, modules, self->firmware);
}

/* ---- Confirm ------------------------------------------------------------------------ */

static void
set_busy (OtaVerifyDialog *self,
          gboolean         busy)
{
  self->busy = busy;
  gtk_button_set_label (self->confirm_button, busy ? _("Starting…") : _("_Start Verification"));
  ota_verify_dialog_validate (self);
}

/* The backend's refusal goes to the field it names (R-V2: a device, a version). */
static void
show_error (OtaVerifyDialog *self,
            const GError    *error)
{
  const char *field = ota_error_get_field (error);

  if (g_strcmp0 (field, "source-versions") == 0)
    ota_version_picker_set_message (self->version_picker, error->message);
  else if (g_strcmp0 (field, "devices") == 0)
    ota_device_picker_set_message (self->device_picker, error->message);
  else if (g_strcmp0 (field, "timeout") == 0)
    ota_field_message_set_error (self->timeout_message, error);
  else if (g_strcmp0 (field, "app-confirm") == 0)
    ota_field_message_set_error (self->app_confirm_message, error);
  else
    {
      gtk_label_set_label (self->general_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->general_error), TRUE);
    }
}

static void
on_verification_started (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(OtaVerifyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = ota_backend_start_verification_finish (OTA_BACKEND (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  set_busy (self, FALSE);
  if (batch == NULL)
    {
      show_error (self, error);
      gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, batch);
  gtk_window_close (GTK_WINDOW (self));
}

void
ota_verify_dialog_confirm (OtaVerifyDialog *self)
{
  g_auto(GStrv) sources = NULL;
  g_auto(GStrv) devices = NULL;
  OtaVerifySpec spec = { 0 };
  gint64 minutes = 0;

  g_return_if_fail (OTA_IS_VERIFY_DIALOG (self));

  if (self->busy || !ota_verify_dialog_validate (self))
    return;

  sources = ota_version_picker_dup_selected (self->version_picker);
  devices = ota_device_picker_dup_chosen (self->device_picker);
  ota_spin_button_read_value (self->timeout_spin, &minutes);

  spec.firmware_id = ota_firmware_get_id (self->firmware);
  spec.source_versions = (const char * const *) sources;
  spec.devices = (const char * const *) devices;
  spec.timeout_minutes = (guint) minutes;
  spec.app_confirm = adw_combo_row_get_selected (self->app_confirm_row) == 1;

  set_busy (self, TRUE);
  ota_backend_start_verification_async (self->backend, &spec, self->cancellable,
                                        on_verification_started, g_object_ref (self));
}

static void
on_confirm_clicked (GtkButton       *button,
                    OtaVerifyDialog *self)
{
  ota_verify_dialog_confirm (self);
}

/* ---- Object --------------------------------------------------------------------------- */

static void
ota_verify_dialog_dispose (GObject *object)
{
  OtaVerifyDialog *self = OTA_VERIFY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_VERIFY_DIALOG);
  g_clear_object (&self->backend);
  g_clear_object (&self->firmware);

  G_OBJECT_CLASS (ota_verify_dialog_parent_class)->dispose (object);
}

static void
ota_verify_dialog_finalize (GObject *object)
{
  OtaVerifyDialog *self = OTA_VERIFY_DIALOG (object);

  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (ota_verify_dialog_parent_class)->finalize (object);
}

static void
ota_verify_dialog_class_init (OtaVerifyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_verify_dialog_dispose;
  object_class->finalize = ota_verify_dialog_finalize;

  /**
   * OtaVerifyDialog::created:
   * @batch: the verification that was started
   */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, OTA_TYPE_BATCH);

  g_type_ensure (OTA_TYPE_VERSION_PICKER);
  g_type_ensure (OTA_TYPE_DEVICE_PICKER);
  g_type_ensure (OTA_TYPE_FIELD_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-verify-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, general_error);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, sources_group);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, version_picker);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, device_picker);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, timeout_message);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, app_confirm_row);
  gtk_widget_class_bind_template_child (widget_class, OtaVerifyDialog, app_confirm_message);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_versions_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ota_verify_dialog_init (OtaVerifyDialog *self)
{
  g_autofree char *limit = NULL;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* TRANSLATORS: shown when an eleventh device is checked (R-V1) */
  limit = g_strdup_printf (_("A verification runs on at most %u devices"), OTA_VERIFY_MAX_DEVICES);
  ota_device_picker_set_max (self->device_picker, OTA_VERIFY_MAX_DEVICES, limit);
}

GtkWidget *
ota_verify_dialog_new (GtkWindow   *parent,
                       OtaBackend  *backend,
                       OtaFirmware *firmware)
{
  OtaVerifyDialog *self;
  g_autofree char *subtitle = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (OTA_IS_FIRMWARE (firmware), NULL);

  self = g_object_new (OTA_TYPE_VERIFY_DIALOG, "transient-for", parent, NULL);
  self->backend = g_object_ref (backend);
  self->firmware = g_object_ref (firmware);

  subtitle = ota_format_firmware_title (firmware);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* TRANSLATORS: %s is a firmware module name */
  description = g_strdup_printf (_("Versions that the product’s devices report for module “%s”"),
                                 ota_firmware_get_module (firmware));
  adw_preferences_group_set_description (self->sources_group, description);

  ota_verify_dialog_validate (self);
  ota_backend_list_modules_async (backend, ota_firmware_get_product_key (firmware), self->cancellable,
                                  on_modules_listed, g_object_ref (self));

  return GTK_WIDGET (self);
}
