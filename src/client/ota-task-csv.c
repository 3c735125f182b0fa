/* ota-task-csv.c — a batch's device list as CSV */
#include "ota-task-csv.h"

#include "ota-csv.h"

#define PAGE_SIZE 5000

static void
append_uint (GString *out,
             guint64  value)
{
  g_string_append_printf (out, "%" G_GUINT64_FORMAT ",", value);
}

static void
append_task (GString *out,
             OtaTask *task)
{
  g_autoptr(GDateTime) updated = g_date_time_new_from_unix_utc (ota_task_get_updated_at (task) / G_USEC_PER_SEC);
  g_autofree char *updated_text = updated != NULL ? g_date_time_format_iso8601 (updated) : NULL;
  const char *reason = ota_enum_to_nick (OTA_TYPE_TASK_REASON, ota_task_get_reason (task));

  ota_csv_append_field (out, ota_task_get_device_name (task));
  g_string_append_c (out, ',');
  g_string_append (out, ota_enum_to_nick (OTA_TYPE_TASK_STATUS, ota_task_get_status (task)));
  g_string_append_c (out, ',');
  /* No reason is an empty field, not the nick "none". */
  if (ota_task_get_reason (task) != OTA_TASK_REASON_NONE && reason != NULL)
    g_string_append (out, reason);
  g_string_append_c (out, ',');
  if (ota_task_get_error_code (task) != 0)
    g_string_append_printf (out, "%d", ota_task_get_error_code (task));
  g_string_append_c (out, ',');
  append_uint (out, ota_task_get_progress (task));
  ota_csv_append_field (out, ota_task_get_source_version (task) != NULL ? ota_task_get_source_version (task) : "");
  g_string_append_c (out, ',');
  ota_csv_append_field (out, ota_task_get_current_version (task) != NULL ? ota_task_get_current_version (task) : "");
  g_string_append_c (out, ',');
  append_uint (out, ota_task_get_tries (task));
  g_string_append (out, updated_text != NULL ? updated_text : "");
  g_string_append_c (out, ',');
  ota_csv_append_field (out, ota_task_get_detail (task) != NULL ? ota_task_get_detail (task) : "");
  g_string_append (out, "\r\n");
}

gboolean
ota_task_csv_write (OtaEngine      *engine,
                    gint64          batch_id,
                    GOutputStream  *stream,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autoptr(GString) out = g_string_new ("device,status,reason,error_code,progress,source_version,"
                                         "current_version,tries,updated_at,detail\r\n");
  g_autoptr(OtaBatch) batch = NULL;
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  guint64 total = 0;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  /* A missing batch is NOT_FOUND, not an empty file. */
  batch = ota_engine_get_batch (engine, batch_id, error);
  if (batch == NULL)
    return FALSE;

  query.sort = OTA_TASK_SORT_DEVICE;
  query.limit = PAGE_SIZE;

  do
    {
      g_autoptr(GPtrArray) tasks = ota_engine_query_tasks (engine, batch_id, &query, &total, error);

      if (tasks == NULL)
        return FALSE;

      for (guint i = 0; i < tasks->len; i++)
        append_task (out, g_ptr_array_index (tasks, i));

      if (!g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error))
        return FALSE;
      g_string_truncate (out, 0);

      if (tasks->len < PAGE_SIZE)
        break;
      query.offset += PAGE_SIZE;
    }
  while (query.offset < total);

  return TRUE;
}
