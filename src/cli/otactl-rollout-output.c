/* otactl-rollout-output.c — how otactl shows batches and tasks (R-D1, R-D2, R-S2) */
#include "otactl-private.h"

gboolean
otactl_parse_id (const char  *text,
                 const char  *field,
                 const char  *label,
                 gint64      *id,
                 GError     **error)
{
  if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, id, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s must be a positive whole number, not “%s”"), label, text);
      return FALSE;
    }
  return TRUE;
}

GStrv
otactl_split_list (char **options)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      g_auto(GStrv) pieces = g_strsplit (options[i], ",", -1);

      for (guint j = 0; pieces[j] != NULL; j++)
        {
          g_strstrip (pieces[j]);
          if (*pieces[j] != '\0')
            g_strv_builder_add (builder, pieces[j]);
        }
    }

  return g_strv_builder_end (builder);
}

char *
otactl_task_describe_status (OtaTask *task)
{
  OtaTaskStatus status = ota_task_get_status (task);
  OtaTaskReason reason = ota_task_get_reason (task);
  const char *nick = ota_enum_to_nick (OTA_TYPE_TASK_STATUS, status);

  if (status == OTA_TASK_STATUS_PENDING_PUSH && reason == OTA_TASK_REASON_SCHEDULED)
    {
      g_autofree char *at = otactl_format_time (ota_task_get_scheduled_at (task));

      /* TRANSLATORS: a task's status and its scheduled start, e.g. "pending-push (scheduled: 2026-01-01 08:15:00)" */
      return g_strdup_printf (_("%s (scheduled: %s)"), nick, at);
    }
  if (ota_task_get_retry_pending (task))
    /* TRANSLATORS: a task waiting to be pushed again after a failure, e.g. "pushed (retry: download-failed)" */
    return g_strdup_printf (_("%s (retry: %s)"), nick,
                            ota_enum_to_nick (OTA_TYPE_TASK_REASON, ota_task_get_last_reason (task)));
  if (reason != OTA_TASK_REASON_NONE)
    return g_strdup_printf ("%s (%s)", nick, ota_enum_to_nick (OTA_TYPE_TASK_REASON, reason));
  return g_strdup (nick);
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          gint64       usec)
{
  g_autofree char *text = usec > 0 ? otactl_format_time_iso (usec) : NULL;

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL && *value != '\0')
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static int
progress_percent (OtaBatch *batch)
{
  return (int) (ota_batch_get_progress (batch) * 100.0 + 0.5);
}

JsonNode *
otactl_batch_to_json (OtaBatch *batch)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *sources = ota_batch_get_source_versions (batch);
  guint rate = ota_batch_get_push_rate (batch);

  json_builder_begin_object (builder);
  add_int (builder, "id", ota_batch_get_id (batch));
  add_int (builder, "firmware_id", ota_batch_get_firmware_id (batch));
  add_string_or_null (builder, "kind", ota_enum_to_nick (OTA_TYPE_BATCH_KIND, ota_batch_get_kind (batch)));
  add_string_or_null (builder, "strategy",
                      ota_enum_to_nick (OTA_TYPE_BATCH_STRATEGY, ota_batch_get_strategy (batch)));
  add_string_or_null (builder, "scope", ota_enum_to_nick (OTA_TYPE_BATCH_SCOPE, ota_batch_get_scope (batch)));
  json_builder_set_member_name (builder, "gray_percent");
  if (ota_batch_get_scope (batch) == OTA_BATCH_SCOPE_GRAY)
    json_builder_add_int_value (builder, ota_batch_get_gray_percent (batch));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "source_versions");
  json_builder_begin_array (builder);
  for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
    json_builder_add_string_value (builder, sources[i]);
  json_builder_end_array (builder);
  add_bool (builder, "sources_named", ota_batch_get_sources_named (batch));
  add_bool (builder, "app_confirm", ota_batch_get_app_confirm (batch));
  add_time (builder, "schedule_start", ota_batch_get_schedule_start (batch));
  add_time (builder, "schedule_end", ota_batch_get_schedule_end (batch));
  json_builder_set_member_name (builder, "push_rate");   /* null: unlimited */
  if (rate > 0)
    json_builder_add_int_value (builder, rate);
  else
    json_builder_add_null_value (builder);
  add_string_or_null (builder, "retry_interval",
                      ota_enum_to_nick (OTA_TYPE_RETRY_INTERVAL, ota_batch_get_retry_interval (batch)));
  add_int (builder, "retry_limit", ota_batch_get_retry_limit (batch));
  add_int (builder, "timeout_minutes", ota_batch_get_timeout_minutes (batch));
  add_bool (builder, "overwrite", ota_batch_get_overwrite (batch));
  add_bool (builder, "only_new_reports", ota_batch_get_only_new_reports (batch));
  add_string_or_null (builder, "state", ota_enum_to_nick (OTA_TYPE_BATCH_STATE, ota_batch_get_state (batch)));
  add_time (builder, "created_at", ota_batch_get_created_at (batch));
  add_time (builder, "started_at", ota_batch_get_started_at (batch));
  add_time (builder, "ended_at", ota_batch_get_ended_at (batch));
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (int s = 0; s < OTA_N_TASK_STATUSES; s++)
    add_int (builder, ota_enum_to_nick (OTA_TYPE_TASK_STATUS, s), (gint64) ota_batch_get_count (batch, s));
  json_builder_end_object (builder);
  add_int (builder, "total", (gint64) ota_batch_get_total (batch));
  add_int (builder, "progress_percent", progress_percent (batch));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
otactl_task_to_json (OtaTask *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  OtaTaskReason reason = ota_task_get_reason (task);
  int code = ota_task_get_error_code (task);

  json_builder_begin_object (builder);
  add_int (builder, "id", ota_task_get_id (task));
  add_int (builder, "batch_id", ota_task_get_batch_id (task));
  add_string_or_null (builder, "device", ota_task_get_device_name (task));
  add_string_or_null (builder, "status", ota_enum_to_nick (OTA_TYPE_TASK_STATUS, ota_task_get_status (task)));
  add_string_or_null (builder, "reason",
                      reason != OTA_TASK_REASON_NONE ? ota_enum_to_nick (OTA_TYPE_TASK_REASON, reason) : NULL);
  json_builder_set_member_name (builder, "error_code");
  if (code != 0)
    json_builder_add_int_value (builder, code);
  else
    json_builder_add_null_value (builder);
  add_string_or_null (builder, "detail", ota_task_get_detail (task));
  add_int (builder, "progress", ota_task_get_progress (task));
  add_string_or_null (builder, "source_version", ota_task_get_source_version (task));
  add_string_or_null (builder, "current_version", ota_task_get_current_version (task));
  add_int (builder, "tries", ota_task_get_tries (task));
  add_time (builder, "scheduled_at", ota_task_get_scheduled_at (task));
  add_bool (builder, "retry_pending", ota_task_get_retry_pending (task));
  add_string_or_null (builder, "retry_reason",
                      ota_task_get_retry_pending (task)
                        ? ota_enum_to_nick (OTA_TYPE_TASK_REASON, ota_task_get_last_reason (task)) : NULL);
  add_time (builder, "created_at", ota_task_get_created_at (task));
  add_time (builder, "updated_at", ota_task_get_updated_at (task));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
format_optional_time (gint64 usec,
                      const char *none)
{
  return usec > 0 ? otactl_format_time (usec) : g_strdup (none);
}

void
otactl_print_batch_text (OtaBatch *batch)
{
  const char * const *sources = ota_batch_get_source_versions (batch);
  g_autofree char *joined = g_strjoinv (", ", (GStrv) sources);
  g_autofree char *start = format_optional_time (ota_batch_get_schedule_start (batch), _("immediate"));
  g_autofree char *end = format_optional_time (ota_batch_get_schedule_end (batch), _("none"));
  g_autofree char *created = otactl_format_time (ota_batch_get_created_at (batch));
  g_autofree char *started = format_optional_time (ota_batch_get_started_at (batch), _("not yet"));
  g_autofree char *ended = format_optional_time (ota_batch_get_ended_at (batch), _("not yet"));
  g_autofree char *rate = ota_batch_get_push_rate (batch) > 0
                          ? g_strdup_printf (_("%u per minute"), ota_batch_get_push_rate (batch))
                          : g_strdup (_("unlimited"));
  g_autoptr(OtactlTable) table = otactl_table_new (2, _("STATUS"), _("TASKS"));

  otactl_print_field (18, _("Batch:"), "%" G_GINT64_FORMAT "\n", ota_batch_get_id (batch));
  otactl_print_field (18, _("Firmware:"), "%" G_GINT64_FORMAT "\n", ota_batch_get_firmware_id (batch));
  otactl_print_field (18, _("Kind:"), "%s\n", ota_enum_to_nick (OTA_TYPE_BATCH_KIND, ota_batch_get_kind (batch)));
  otactl_print_field (18, _("State:"), "%s\n", ota_enum_to_nick (OTA_TYPE_BATCH_STATE, ota_batch_get_state (batch)));
  otactl_print_field (18, _("Strategy:"), "%s\n", ota_enum_to_nick (OTA_TYPE_BATCH_STRATEGY, ota_batch_get_strategy (batch)));
  if (ota_batch_get_scope (batch) == OTA_BATCH_SCOPE_GRAY)
    otactl_print_field (18, _("Scope:"), "%s %u%%\n", "gray", ota_batch_get_gray_percent (batch));
  else
    otactl_print_field (18, _("Scope:"), "%s\n", ota_enum_to_nick (OTA_TYPE_BATCH_SCOPE, ota_batch_get_scope (batch)));
  otactl_print_field (18, _("Source versions:"), "%s%s\n", joined,
                      ota_batch_get_sources_named (batch) ? "" : _(" (the firmware’s own list: no retries)"));
  otactl_print_field (18, _("App confirmation:"), "%s\n", otactl_yes_no (ota_batch_get_app_confirm (batch)));
  otactl_print_field (18, _("Start:"), "%s\n", start);
  otactl_print_field (18, _("End:"), "%s\n", end);
  otactl_print_field (18, _("Push rate:"), "%s\n", rate);
  otactl_print_field (18, _("Retry interval:"), "%s\n",
                      ota_enum_to_nick (OTA_TYPE_RETRY_INTERVAL, ota_batch_get_retry_interval (batch)));
  otactl_print_field (18, _("Retry limit:"), "%u\n", ota_batch_get_retry_limit (batch));
  otactl_print_field (18, _("Timeout:"), _("%u minutes from the first progress report\n"),
                      ota_batch_get_timeout_minutes (batch));
  otactl_print_field (18, _("Overwrite:"), "%s\n", otactl_yes_no (ota_batch_get_overwrite (batch)));
  if (ota_batch_get_strategy (batch) == OTA_BATCH_STRATEGY_DYNAMIC)
    otactl_print_field (18, _("Only new reports:"), "%s\n", otactl_yes_no (ota_batch_get_only_new_reports (batch)));
  otactl_print_field (18, _("Created:"), "%s\n", created);
  otactl_print_field (18, _("Started:"), "%s\n", started);
  otactl_print_field (18, _("Ended:"), "%s\n", ended);
  otactl_print_field (18, _("Progress:"), _("%d%% of %llu tasks ended\n\n"), progress_percent (batch),
                      (unsigned long long) ota_batch_get_total (batch));

  for (int s = 0; s < OTA_N_TASK_STATUSES; s++)
    {
      g_autofree char *count = g_strdup_printf ("%llu", (unsigned long long) ota_batch_get_count (batch, s));

      otactl_table_add_row (table, ota_enum_to_nick (OTA_TYPE_TASK_STATUS, s), count);
    }
  otactl_table_print (table);
}
