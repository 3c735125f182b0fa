/* ota-batch-dialog-validate.c — the batch dialog's fields, their rules and messages
 *
 * Every message is the engine's own: a field is checked by running the engine's rule
 * (ota_validate_*(), ota_rollout_check_batch_spec()) on a spec that is valid except for
 * that field, so the console and the engine can never disagree on a range.
 */
#include <glib/gi18n.h>
#include <stdio.h>

#include "ota-batch-dialog-private.h"
#include "ota-rollout-format.h"
#include "ota-rollout-validate.h"

static const guint retry_limits[] = { 1, 2, 5 };

void
ota_batch_dialog_spec_clear (OtaBatchDialogSpec *data)
{
  g_clear_pointer (&data->sources, g_strfreev);
  g_clear_pointer (&data->devices, g_strfreev);
  g_clear_pointer (&data->regions, g_array_unref);
}

gboolean
ota_batch_dialog_parse_time (const char *text,
                             gint64     *time_us)
{
  int year, month, day, hour, minute, consumed = 0;
  g_autoptr(GDateTime) time = NULL;

  if (text == NULL ||
      sscanf (text, " %4d-%2d-%2d %2d:%2d %n", &year, &month, &day, &hour, &minute, &consumed) != 5 ||
      text[consumed] != '\0')
    return FALSE;

  /* NULL for a date that does not exist (February 30th, hour 25). */
  time = g_date_time_new_local (year, month, day, hour, minute, 0);
  if (time == NULL)
    return FALSE;

  *time_us = g_date_time_to_unix (time) * G_USEC_PER_SEC;
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* The message of the engine's rule for @probe, a spec valid but for one field. */
static gboolean
check_probe (const OtaBatchSpec  *probe,
             OtaFieldMessage     *message,
             GError             **error)
{
  gboolean valid = ota_rollout_check_batch_spec (probe, g_get_real_time (), error);

  if (message != NULL)
    ota_field_message_set_error (message, valid ? NULL : *error);
  return valid;
}

static gboolean
read_number (GtkSpinButton   *spin,
             OtaFieldMessage *message,
             const char      *not_a_number,
             guint           *value)
{
  gint64 number = 0;

  if (!ota_spin_button_read_value (spin, &number))
    {
      ota_field_message_set_text (message, not_a_number);
      return FALSE;
    }
  *value = (guint) CLAMP (number, 0, G_MAXUINT);
  return TRUE;
}

/* Only what applies to the chosen strategy, scope and time is shown (R-B10, R-B11, R-B16). */
static void
update_visibility (OtaBatchDialog *self,
                   OtaBatchSpec   *spec,
                   gboolean        scheduled)
{
  gboolean dynamic = spec->strategy == OTA_BATCH_STRATEGY_DYNAMIC;

  gtk_widget_set_visible (GTK_WIDGET (self->gray_row), spec->scope == OTA_BATCH_SCOPE_GRAY);
  gtk_widget_set_visible (GTK_WIDGET (self->targeted_group), spec->scope == OTA_BATCH_SCOPE_TARGETED);
  gtk_widget_set_visible (GTK_WIDGET (self->region_group), spec->scope == OTA_BATCH_SCOPE_REGION);
  gtk_widget_set_sensitive (GTK_WIDGET (self->time_row), !dynamic);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->time_row),
                               dynamic ? _("A dynamic upgrade starts at once and keeps matching devices")
                                       : _("A scheduled start between 10 minutes and 7 days from now"));
  gtk_widget_set_visible (GTK_WIDGET (self->start_row), !dynamic && scheduled);
  gtk_widget_set_visible (GTK_WIDGET (self->end_row), !dynamic && scheduled);
  gtk_widget_set_visible (GTK_WIDGET (self->only_new_row), dynamic);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_limit_row),
                            spec->retry_interval != OTA_RETRY_INTERVAL_NONE);

  if (spec->scope != OTA_BATCH_SCOPE_GRAY)
    ota_field_message_set_text (self->gray_message, NULL);
  if (dynamic || !scheduled)
    {
      ota_field_message_set_text (self->start_message, NULL);
      ota_field_message_set_text (self->end_message, NULL);
    }
  if (!dynamic)
    ota_field_message_set_text (self->only_new_message, NULL);
  if (spec->scope == OTA_BATCH_SCOPE_REGION && self->backend != NULL)
    ota_region_picker_set_product (self->region_picker, self->backend,
                                   ota_firmware_get_product_key (self->firmware));
}

static gboolean
read_scope (OtaBatchDialog     *self,
            OtaBatchDialogSpec *data)
{
  OtaBatchSpec *spec = &data->spec;
  OtaBatchSpec probe = OTA_BATCH_SPEC_INIT;
  g_autoptr(GError) error = NULL;
  gboolean valid;

  /* R-B10: gray needs the static strategy. */
  probe.strategy = spec->strategy;
  probe.scope = spec->scope == OTA_BATCH_SCOPE_GRAY ? OTA_BATCH_SCOPE_GRAY : OTA_BATCH_SCOPE_ALL;
  probe.gray_percent = 50;
  valid = check_probe (&probe, self->scope_message, &error);
  g_clear_error (&error);

  switch (spec->scope)
    {
    case OTA_BATCH_SCOPE_GRAY:
      if (!read_number (self->gray_spin, self->gray_message, _("Enter the percentage as a whole number"),
                        &spec->gray_percent))
        return FALSE;
      probe.strategy = OTA_BATCH_STRATEGY_STATIC;
      probe.gray_percent = spec->gray_percent;
      return check_probe (&probe, self->gray_message, &error) && valid;

    case OTA_BATCH_SCOPE_TARGETED:
      data->devices = ota_device_picker_dup_chosen (self->device_picker);
      spec->devices = (const char * const *) data->devices;
      probe.scope = OTA_BATCH_SCOPE_TARGETED;
      probe.devices = spec->devices;
      if (!check_probe (&probe, NULL, &error))
        {
          ota_device_picker_set_message (self->device_picker, error->message);
          return FALSE;
        }
      ota_device_picker_set_message (self->device_picker, NULL);
      return valid;

    case OTA_BATCH_SCOPE_REGION:
      data->regions = ota_region_picker_dup_regions (self->region_picker);
      spec->regions = (const OtaRegion *) data->regions->data;
      spec->n_regions = data->regions->len;
      probe.scope = OTA_BATCH_SCOPE_REGION;
      probe.regions = spec->regions;
      probe.n_regions = spec->n_regions;
      if (!check_probe (&probe, NULL, &error))
        {
          ota_region_picker_set_message (self->region_picker, error->message);
          return FALSE;
        }
      ota_region_picker_set_message (self->region_picker, NULL);
      return valid;

    case OTA_BATCH_SCOPE_ALL:
    default:
      return valid;
    }
}

/* R-B4: a full firmware's sources are chosen (named: retries allowed, R-R1); a diff
 * firmware's one source is fixed. */
static gboolean
read_sources (OtaBatchDialog     *self,
              OtaBatchDialogSpec *data)
{
  if (!self->modules_loaded)
    return FALSE;

  data->sources = ota_version_picker_dup_selected (self->version_picker);
  data->spec.source_versions = (const char * const *) data->sources;
  if (data->sources[0] == NULL)
    {
      ota_version_picker_set_message (self->version_picker, _("Choose at least one source version"));
      return FALSE;
    }
  ota_version_picker_set_message (self->version_picker, NULL);
  return TRUE;
}

/* R-B11: "YYYY-MM-DD HH:MM", start 10 min..7 days from now, end 1 h..30 days after. */
static gboolean
read_schedule (OtaBatchDialog *self,
               OtaBatchSpec   *spec)
{
  g_autoptr(GError) error = NULL;
  const char *start_text = gtk_editable_get_text (GTK_EDITABLE (self->start_row));
  const char *end_text = gtk_editable_get_text (GTK_EDITABLE (self->end_row));
  gboolean valid = TRUE;
  const char *field;

  ota_field_message_set_text (self->start_message, NULL);
  ota_field_message_set_text (self->end_message, NULL);

  if (!ota_batch_dialog_parse_time (start_text, &spec->schedule_start))
    {
      ota_field_message_set_text (self->start_message, _("Enter the start as YYYY-MM-DD HH:MM"));
      valid = FALSE;
    }
  if (!is_blank (end_text) && !ota_batch_dialog_parse_time (end_text, &spec->schedule_end))
    {
      ota_field_message_set_text (self->end_message, _("Enter the end as YYYY-MM-DD HH:MM, or leave it empty"));
      valid = FALSE;
    }
  if (!valid)
    return FALSE;

  if (ota_validate_schedule (spec->schedule_start, spec->schedule_end, g_get_real_time (), &error))
    return TRUE;

  field = ota_error_get_field (error);
  ota_field_message_set_error (g_strcmp0 (field, "schedule-end") == 0 ? self->end_message
                                                                       : self->start_message, error);
  return FALSE;
}

static gboolean
read_pushing (OtaBatchDialog *self,
              OtaBatchSpec   *spec)
{
  g_autoptr(GError) error = NULL;
  guint limit_index = adw_combo_row_get_selected (self->retry_limit_row);
  gboolean valid = TRUE;

  /* R-B12 */
  if (!read_number (self->rate_spin, self->rate_message, _("Enter the push rate as a whole number"),
                    &spec->push_rate))
    valid = FALSE;
  else if (!ota_validate_push_rate (spec->push_rate, &error))
    {
      ota_field_message_set_error (self->rate_message, error);
      valid = FALSE;
    }
  else
    ota_field_message_set_text (self->rate_message, NULL);
  g_clear_error (&error);

  /* R-B13 */
  spec->retry_interval = (OtaRetryInterval) adw_combo_row_get_selected (self->retry_interval_row);
  spec->retry_limit = limit_index < G_N_ELEMENTS (retry_limits) ? retry_limits[limit_index] : 0;
  if (!ota_validate_retry (spec->retry_interval, spec->retry_limit, &error))
    {
      ota_field_message_set_error (self->retry_message, error);
      valid = FALSE;
    }
  else
    ota_field_message_set_text (self->retry_message, NULL);
  g_clear_error (&error);

  /* R-B14 */
  if (!read_number (self->timeout_spin, self->timeout_message, _("Enter the upgrade timeout in whole minutes"),
                    &spec->timeout_minutes))
    valid = FALSE;
  else if (!ota_validate_timeout (spec->timeout_minutes, FALSE, &error))
    {
      ota_field_message_set_error (self->timeout_message, error);
      valid = FALSE;
    }
  else
    ota_field_message_set_text (self->timeout_message, NULL);

  return valid;
}

gboolean
ota_batch_dialog_read (OtaBatchDialog     *self,
                       OtaBatchDialogSpec *data)
{
  OtaBatchSpec init = OTA_BATCH_SPEC_INIT;
  OtaBatchSpec *spec = &data->spec;
  gboolean scheduled = adw_combo_row_get_selected (self->time_row) == OTA_TIME_SCHEDULED;
  gboolean valid = TRUE;

  *spec = init;
  spec->firmware_id = ota_firmware_get_id (self->firmware);
  spec->strategy = (OtaBatchStrategy) adw_combo_row_get_selected (self->strategy_row);
  spec->scope = (OtaBatchScope) adw_combo_row_get_selected (self->scope_row);
  spec->retry_interval = (OtaRetryInterval) adw_combo_row_get_selected (self->retry_interval_row);
  spec->app_confirm = gtk_switch_get_active (self->app_confirm_switch);
  spec->overwrite = gtk_switch_get_active (self->overwrite_switch);
  spec->only_new_reports = spec->strategy == OTA_BATCH_STRATEGY_DYNAMIC &&
                           gtk_switch_get_active (self->only_new_switch);

  update_visibility (self, spec, scheduled);

  valid &= read_scope (self, data);
  valid &= read_sources (self, data);
  if (spec->strategy == OTA_BATCH_STRATEGY_STATIC && scheduled)
    valid &= read_schedule (self, spec);
  valid &= read_pushing (self, spec);

  return valid;
}

gboolean
ota_batch_dialog_show_error (OtaBatchDialog *self,
                             const GError   *error)
{
  const char *field = ota_error_get_field (error);
  OtaFieldMessage *message = NULL;

  if (g_strcmp0 (field, "devices") == 0)
    {
      ota_device_picker_set_message (self->device_picker, error->message);
      return TRUE;
    }
  if (g_strcmp0 (field, "regions") == 0)
    {
      ota_region_picker_set_message (self->region_picker, error->message);
      return TRUE;
    }
  if (g_strcmp0 (field, "source-versions") == 0)
    {
      ota_version_picker_set_message (self->version_picker, error->message);
      return TRUE;
    }

  if (g_strcmp0 (field, "strategy") == 0)
    message = self->strategy_message;
  else if (g_strcmp0 (field, "scope") == 0)
    message = self->scope_message;
  else if (g_strcmp0 (field, "gray-percent") == 0)
    message = self->gray_message;
  else if (g_strcmp0 (field, "schedule-start") == 0)
    message = self->start_message;
  else if (g_strcmp0 (field, "schedule-end") == 0)
    message = self->end_message;
  else if (g_strcmp0 (field, "push-rate") == 0)
    message = self->rate_message;
  else if (g_strcmp0 (field, "retry-interval") == 0 || g_strcmp0 (field, "retry-limit") == 0)
    message = self->retry_message;
  else if (g_strcmp0 (field, "timeout") == 0)
    message = self->timeout_message;
  else if (g_strcmp0 (field, "only-new-reports") == 0)
    message = self->only_new_message;

  if (message != NULL && gtk_widget_get_visible (ota_field_message_get_row (message)))
    {
      ota_field_message_set_error (message, error);
      return TRUE;
    }

  gtk_label_set_label (self->general_error, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->general_error), TRUE);
  return FALSE;
}
