/* ota-rollout-format.c — the sentences and style classes the rollout views share */
#include <inttypes.h>
#include <glib/gi18n.h>

#include "ota-format.h"
#include "ota-labels.h"
#include "ota-rollout-format.h"

char *
ota_format_status_count (OtaTaskStatus status,
                         guint64       count)
{
  g_autofree char *n = ota_format_count (count);
  gulong plural = (gulong) MIN (count, G_MAXULONG);

  switch (status)
    {
    case OTA_TASK_STATUS_PENDING_CONFIRM:
      return g_strdup_printf (ngettext ("%s waiting for confirmation", "%s waiting for confirmation", plural), n);
    case OTA_TASK_STATUS_PENDING_PUSH:
      return g_strdup_printf (ngettext ("%s pending push", "%s pending push", plural), n);
    case OTA_TASK_STATUS_PUSHED:
      return g_strdup_printf (ngettext ("%s pushed", "%s pushed", plural), n);
    case OTA_TASK_STATUS_UPGRADING:
      return g_strdup_printf (ngettext ("%s upgrading", "%s upgrading", plural), n);
    case OTA_TASK_STATUS_SUCCEEDED:
      return g_strdup_printf (ngettext ("%s succeeded", "%s succeeded", plural), n);
    case OTA_TASK_STATUS_FAILED:
      return g_strdup_printf (ngettext ("%s failed", "%s failed", plural), n);
    case OTA_TASK_STATUS_CANCELLED:
      return g_strdup_printf (ngettext ("%s cancelled", "%s cancelled", plural), n);
    default:
      return g_strdup (n);
    }
}

char *
ota_format_batch_counts (OtaBatch *batch)
{
  /* Outcomes first, then work in progress, then what has not started: the order an
   * operator scans a rollout in. */
  static const OtaTaskStatus order[] = {
    OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_STATUS_FAILED, OTA_TASK_STATUS_UPGRADING,
    OTA_TASK_STATUS_PUSHED, OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_STATUS_PENDING_CONFIRM,
    OTA_TASK_STATUS_CANCELLED,
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      guint64 count = ota_batch_get_count (batch, order[i]);
      g_autofree char *part = NULL;

      if (count == 0)
        continue;
      part = ota_format_status_count (order[i], count);
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, part);
    }

  if (text->len == 0)
    return g_strdup (_("No devices"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}


char *
ota_format_batch_title (OtaBatch *batch)
{
  if (ota_batch_get_kind (batch) == OTA_BATCH_KIND_VERIFICATION)
    /* TRANSLATORS: a firmware verification and its number */
    return g_strdup_printf (_("Verification #%" PRId64), ota_batch_get_id (batch));

  /* TRANSLATORS: a batch upgrade and its number */
  return g_strdup_printf (_("Batch upgrade #%" PRId64), ota_batch_get_id (batch));
}

static char *
describe_scope (OtaBatch *batch)
{
  if (ota_batch_get_scope (batch) == OTA_BATCH_SCOPE_GRAY)
    /* TRANSLATORS: gray upgrade and its percentage of the matching devices */
    return g_strdup_printf (_("Gray upgrade of %u %%"), ota_batch_get_gray_percent (batch));

  return g_strdup (ota_batch_scope_label (ota_batch_get_scope (batch)));
}

char *
ota_format_batch_subtitle (OtaBatch *batch)
{
  g_autofree char *scope = describe_scope (batch);
  g_autofree char *created = ota_format_time (ota_batch_get_created_at (batch));

  if (ota_batch_get_kind (batch) == OTA_BATCH_KIND_VERIFICATION)
    /* TRANSLATORS: %s is a date and time */
    return g_strdup_printf (_("Chosen devices · created %s"), created);

  /* TRANSLATORS: strategy · scope · created DATE */
  return g_strdup_printf (_("%s · %s · created %s"),
                          ota_batch_strategy_label (ota_batch_get_strategy (batch)),
                          scope, created);
}

static void
append_phrase (GPtrArray  *phrases,
               char       *phrase)
{
  g_ptr_array_add (phrases, phrase);
}

char *
ota_format_batch_options (OtaBatch *batch)
{
  g_autoptr(GPtrArray) phrases = g_ptr_array_new_with_free_func (g_free);
  const char * const *sources = ota_batch_get_source_versions (batch);
  gboolean verification = ota_batch_get_kind (batch) == OTA_BATCH_KIND_VERIFICATION;
  guint limit = ota_batch_get_retry_limit (batch);

  if (!verification)
    {
      append_phrase (phrases, g_strdup (ota_batch_strategy_label (ota_batch_get_strategy (batch))));
      append_phrase (phrases, describe_scope (batch));
    }

  if (sources != NULL && sources[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) sources);

      /* TRANSLATORS: %s lists the source versions */
      append_phrase (phrases, g_strdup_printf (_("from %s"), list));
    }

  if (ota_batch_get_schedule_start (batch) != 0)
    {
      g_autofree char *start = ota_format_time (ota_batch_get_schedule_start (batch));

      append_phrase (phrases, g_strdup_printf (_("starts %s"), start));
      if (ota_batch_get_schedule_end (batch) != 0)
        {
          g_autofree char *end = ota_format_time (ota_batch_get_schedule_end (batch));

          append_phrase (phrases, g_strdup_printf (_("ends %s"), end));
        }
    }
  else
    append_phrase (phrases, g_strdup (_("starts immediately")));

  if (ota_batch_get_push_rate (batch) > 0)
    append_phrase (phrases, g_strdup_printf (_("%u devices/min"), ota_batch_get_push_rate (batch)));
  else
    append_phrase (phrases, g_strdup (_("no push rate limit")));

  if (ota_batch_get_retry_interval (batch) == OTA_RETRY_INTERVAL_NONE)
    append_phrase (phrases, g_strdup (_("no retry")));
  else
    /* TRANSLATORS: "Retry after 10 minutes, up to 2 times" */
    append_phrase (phrases, g_strdup_printf (ngettext ("%s, up to %u time", "%s, up to %u times", limit),
                                             ota_retry_interval_label (ota_batch_get_retry_interval (batch)),
                                             limit));

  append_phrase (phrases, g_strdup_printf (_("device timeout %u min"), ota_batch_get_timeout_minutes (batch)));

  if (!verification)
    append_phrase (phrases, g_strdup (ota_batch_get_overwrite (batch)
                                      ? _("overwrites earlier tasks")
                                      : _("keeps earlier tasks")));

  append_phrase (phrases, g_strdup (ota_batch_get_app_confirm (batch)
                                    ? _("asks in the user’s app first")
                                    : _("silent, no app confirmation")));

  if (ota_batch_get_strategy (batch) == OTA_BATCH_STRATEGY_DYNAMIC && ota_batch_get_only_new_reports (batch))
    append_phrase (phrases, g_strdup (_("only devices that report a new version")));

  g_ptr_array_add (phrases, NULL);
  return g_strjoinv (" · ", (char **) phrases->pdata);
}

char *
ota_format_duration (gint64 duration_us)
{
  gint64 minutes = (duration_us + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE;
  guint hours;

  if (duration_us <= 0)
    return g_strdup (_("no time"));
  if (duration_us < G_TIME_SPAN_MINUTE)
    return g_strdup (_("less than a minute"));
  if (minutes < 120)
    return g_strdup_printf (ngettext ("about %u min", "about %u min", (gulong) minutes), (guint) minutes);

  hours = (guint) ((minutes + 30) / 60);
  return g_strdup_printf (ngettext ("about %u h", "about %u h", hours), hours);
}

char *
ota_format_forecast (const OtaBatchForecast *forecast,
                     guint                   push_rate)
{
  g_autoptr(GPtrArray) phrases = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *matched = ota_format_count (forecast->matched);
  gulong plural = (gulong) MIN (forecast->matched, G_MAXULONG);

  append_phrase (phrases, g_strdup_printf (ngettext ("%s device matches now", "%s devices match now", plural),
                                           matched));

  if (forecast->offline > 0)
    {
      g_autofree char *n = ota_format_count (forecast->offline);

      append_phrase (phrases, g_strdup_printf (_("%s offline"), n));
    }
  if (forecast->conflicts > 0)
    {
      g_autofree char *n = ota_format_count (forecast->conflicts);

      append_phrase (phrases, g_strdup_printf (_("%s would conflict"), n));
    }
  if (forecast->overwrites > 0)
    {
      g_autofree char *n = ota_format_count (forecast->overwrites);

      append_phrase (phrases, g_strdup_printf (_("%s earlier tasks would be cancelled"), n));
    }
  if (forecast->matched > forecast->offline + forecast->conflicts)
    {
      g_autofree char *duration = ota_format_duration (forecast->push_duration_us);

      /* TRANSLATORS: "pushing takes about 2 min at 1000/min" */
      append_phrase (phrases, g_strdup_printf (_("pushing takes %s at %u/min"), duration, push_rate));
    }

  g_ptr_array_add (phrases, NULL);
  return g_strjoinv (" · ", (char **) phrases->pdata);
}

/* ---- Styles ------------------------------------------------------------------ */

static const char * const status_styles[] = {
  "success", "warning", "error", "accent", "dim-label", NULL,
};

const char *
ota_task_status_style (OtaTaskStatus status)
{
  switch (status)
    {
    case OTA_TASK_STATUS_SUCCEEDED:       return "success";
    case OTA_TASK_STATUS_FAILED:          return "error";
    case OTA_TASK_STATUS_UPGRADING:
    case OTA_TASK_STATUS_PUSHED:          return "accent";
    case OTA_TASK_STATUS_PENDING_CONFIRM:
    case OTA_TASK_STATUS_PENDING_PUSH:    return "warning";
    case OTA_TASK_STATUS_CANCELLED:
    default:                              return "dim-label";
    }
}

const char *
ota_firmware_status_style (OtaFirmwareStatus status)
{
  switch (status)
    {
    case OTA_FIRMWARE_STATUS_VERIFIED:      return "success";
    case OTA_FIRMWARE_STATUS_VERIFY_FAILED: return "error";
    case OTA_FIRMWARE_STATUS_VERIFYING:     return "accent";
    case OTA_FIRMWARE_STATUS_UNVERIFIED:
    default:                                return "warning";
    }
}

const char *
ota_batch_state_style (OtaBatchState state)
{
  switch (state)
    {
    case OTA_BATCH_STATE_RUNNING:   return "accent";
    case OTA_BATCH_STATE_SCHEDULED: return "warning";
    case OTA_BATCH_STATE_FINISHED:  return "success";
    case OTA_BATCH_STATE_CANCELLED:
    default:                        return "dim-label";
    }
}

void
ota_widget_set_status_style (GtkWidget  *widget,
                             const char *style)
{
  for (guint i = 0; status_styles[i] != NULL; i++)
    if (g_strcmp0 (status_styles[i], style) != 0)
      gtk_widget_remove_css_class (widget, status_styles[i]);
  if (style != NULL)
    gtk_widget_add_css_class (widget, style);
}

gboolean
ota_spin_button_read_value (GtkSpinButton *spin,
                            gint64        *value)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));

  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, value, NULL);
}

char *
ota_format_firmware_title (OtaFirmware *firmware)
{
  /* TRANSLATORS: firmware name and version, "Router 2.0" */
  return g_strdup_printf (_("%s %s"), ota_firmware_get_name (firmware), ota_firmware_get_version (firmware));
}

GtkWidget *
ota_check_row_new (const char *title,
                   const char *subtitle,
                   GtkWidget  *check)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  return row;
}

void
ota_list_box_remove_rows (GtkListBox *list,
                          GtkWidget  *keep)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child != keep && GTK_IS_LIST_BOX_ROW (child))
        gtk_list_box_remove (list, child);
      child = next;
    }
}
