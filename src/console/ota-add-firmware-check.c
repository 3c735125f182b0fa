/* ota-add-firmware-check.c — checking the add-firmware form as it changes
 *
 * Two layers: the field rules of ota-validate.h run at once on every change; when the
 * fields they cover are valid, the whole spec goes to ota_backend_check_firmware_spec()
 * for the rules that need the product (R-F1, R-F5, R-F6, R-F7, unique names). Only the
 * answer to the newest spec counts.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "ota-dialog-private.h"

static const char * const field_names[] = {
  [OTA_FIRMWARE_FIELD_TYPE] = "type",
  [OTA_FIRMWARE_FIELD_NAME] = "name",
  [OTA_FIRMWARE_FIELD_VERSION] = "version",
  [OTA_FIRMWARE_FIELD_MODULE] = "module",
  [OTA_FIRMWARE_FIELD_SOURCES] = "source-versions",
  [OTA_FIRMWARE_FIELD_FILE] = "file",
  [OTA_FIRMWARE_FIELD_SIGN] = "sign-algorithm",
  [OTA_FIRMWARE_FIELD_DESCRIPTION] = "description",
};

OtaFirmwareField
ota_firmware_field_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    if (field_names[i] != NULL && g_strcmp0 (field_names[i], name) == 0)
      return i;
  return OTA_FIRMWARE_FIELD_GENERAL;
}

void
ota_add_firmware_dialog_build_spec (OtaAddFirmwareDialog *self,
                                    OtaFirmwareSpec      *spec,
                                    GStrv                *sources)
{
  guint module = adw_combo_row_get_selected (self->module_row);
  guint sign = adw_combo_row_get_selected (self->sign_row);
  const char *description = gtk_editable_get_text (GTK_EDITABLE (self->description_row));

  *sources = ota_source_picker_dup_selected (self->source_picker);

  memset (spec, 0, sizeof *spec);
  spec->product_key = ota_product_get_key (self->product);
  spec->name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  spec->type = adw_combo_row_get_selected (self->type_row) == OTA_FIRMWARE_TYPE_DIFF
               ? OTA_FIRMWARE_TYPE_DIFF : OTA_FIRMWARE_TYPE_FULL;
  spec->version = gtk_editable_get_text (GTK_EDITABLE (self->version_row));
  spec->source_versions = (const char * const *) *sources;
  if (self->module_names != NULL && module < g_strv_length (self->module_names))
    spec->module = self->module_names[module];
  else
    spec->module = gtk_editable_get_text (GTK_EDITABLE (self->new_module_row));
  spec->sign_algorithm = sign < self->n_sign_choices ? self->sign_choices[sign] : OTA_SIGN_ALGORITHM_MD5;
  spec->description = *description != '\0' ? description : NULL;
}

/* Fields the user cannot fix by typing are shown even before they were touched. */
static gboolean
always_shown (OtaFirmwareField field)
{
  return field == OTA_FIRMWARE_FIELD_TYPE || field == OTA_FIRMWARE_FIELD_SIGN ||
         field == OTA_FIRMWARE_FIELD_GENERAL;
}

void
ota_add_firmware_dialog_show_messages (OtaAddFirmwareDialog *self)
{
  OtaFirmwareField checked = OTA_N_FIRMWARE_FIELDS;
  gboolean valid = self->check_ok && self->file_ready && !self->adding;

  if (self->check_error != NULL)
    checked = ota_firmware_field_from_name (ota_error_get_field (self->check_error));

  for (guint i = 0; i < OTA_N_FIRMWARE_FIELDS; i++)
    {
      const GError *error = self->local_errors[i];

      if (error == NULL && checked == i)
        error = self->check_error;
      if (self->local_errors[i] != NULL)
        valid = FALSE;

      ota_field_message_set_error (self->messages[i],
                                   self->touched[i] || always_shown (i) ? error : NULL);
    }

  gtk_widget_set_sensitive (self->confirm_button, valid);
}

static void
spec_checked (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(OtaAddFirmwareDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ota_backend_check_firmware_spec_finish (OTA_BACKEND (source), result, &error);
  /* A newer spec was sent meanwhile (or the dialog closed): its answer decides. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->check_cancellable);
  self->check_ok = ok;
  g_clear_error (&self->check_error);
  self->check_error = g_steal_pointer (&error);
  ota_add_firmware_dialog_show_messages (self);
}

static void
set_local_error (OtaAddFirmwareDialog *self,
                 OtaFirmwareField      field,
                 GError               *error)
{
  g_clear_error (&self->local_errors[field]);
  self->local_errors[field] = error;
}

void
ota_add_firmware_dialog_revalidate (OtaAddFirmwareDialog *self)
{
  OtaFirmwareSpec spec;
  g_auto(GStrv) sources = NULL;
  const GError *picker_error = ota_source_picker_get_error (self->source_picker);
  GError *error = NULL;
  gboolean spec_ok = TRUE;

  ota_add_firmware_dialog_build_spec (self, &spec, &sources);

  for (guint i = 0; i < OTA_N_FIRMWARE_FIELDS; i++)
    g_clear_error (&self->local_errors[i]);

  if (!ota_validate_firmware_name (spec.name, &error))
    set_local_error (self, OTA_FIRMWARE_FIELD_NAME, g_steal_pointer (&error));
  if (!ota_validate_version (spec.version, "version", &error))
    set_local_error (self, OTA_FIRMWARE_FIELD_VERSION, g_steal_pointer (&error));
  if (!ota_validate_module (spec.module, &error))
    set_local_error (self, OTA_FIRMWARE_FIELD_MODULE, g_steal_pointer (&error));
  if (!ota_validate_description (spec.description, &error))
    set_local_error (self, OTA_FIRMWARE_FIELD_DESCRIPTION, g_steal_pointer (&error));
  if (picker_error != NULL)
    set_local_error (self, OTA_FIRMWARE_FIELD_SOURCES, g_error_copy (picker_error));

  for (guint i = 0; i < OTA_N_FIRMWARE_FIELDS; i++)
    if (self->local_errors[i] != NULL)
      spec_ok = FALSE;

  if (self->file_error != NULL)
    set_local_error (self, OTA_FIRMWARE_FIELD_FILE, g_error_copy (self->file_error));
  else if (self->file == NULL)
    set_local_error (self, OTA_FIRMWARE_FIELD_FILE,
                     g_error_new (OTA_ERROR, OTA_ERROR_INVALID_FIELD, _("Choose the firmware file")));

  /* Whatever the backend said was about an older spec. */
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_error (&self->check_error);
  self->check_ok = FALSE;

  if (spec_ok && !self->adding)
    {
      self->check_cancellable = g_cancellable_new ();
      ota_backend_check_firmware_spec_async (self->backend, &spec, self->check_cancellable,
                                             spec_checked, g_object_ref (self));
    }

  ota_add_firmware_dialog_show_messages (self);
}
