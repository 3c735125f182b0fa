/* ota-json-snapshots.c — snapshots to JSON */
#include "ota-json-private.h"

#define BEGIN(builder) g_autoptr(JsonBuilder) builder = json_builder_new_immutable (); \
                       json_builder_begin_object (builder)
#define END(builder)   (json_builder_end_object (builder), json_builder_get_root (builder))

JsonNode *
ota_json_from_product (OtaProduct *product)
{
  BEGIN (b);
  ota_json_add_string (b, "key", ota_product_get_key (product));
  ota_json_add_string (b, "name", ota_product_get_name (product));
  ota_json_add_enum (b, "project_type", OTA_TYPE_PROJECT_TYPE, ota_product_get_project_type (product));
  ota_json_add_enum (b, "network_type", OTA_TYPE_NETWORK_TYPE, ota_product_get_network_type (product));
  ota_json_add_bool (b, "alios_things", ota_product_get_alios_things (product));
  ota_json_add_bool (b, "android_sdk", ota_product_get_android_sdk (product));
  ota_json_add_bool (b, "secure_upgrade", ota_product_get_secure_upgrade (product));
  ota_json_add_string (b, "public_key", ota_product_get_public_key (product));
  ota_json_add_int (b, "device_count", (gint64) ota_product_get_device_count (product));
  ota_json_add_time (b, "created_at", ota_product_get_created_at (product));
  return END (b);
}

JsonNode *
ota_json_from_device (OtaDevice *device)
{
  g_auto(GStrv) modules = ota_device_dup_modules (device);

  BEGIN (b);
  ota_json_add_int (b, "id", ota_device_get_id (device));
  ota_json_add_string (b, "product_key", ota_device_get_product_key (device));
  ota_json_add_string (b, "name", ota_device_get_name (device));
  ota_json_add_string (b, "province", ota_device_get_province (device));
  ota_json_add_string (b, "city", ota_device_get_city (device));
  ota_json_add_bool (b, "online", ota_device_get_online (device));
  json_builder_set_member_name (b, "versions");
  json_builder_begin_object (b);
  for (guint i = 0; modules != NULL && modules[i] != NULL; i++)
    ota_json_add_string (b, modules[i], ota_device_get_version (device, modules[i]));
  json_builder_end_object (b);
  ota_json_add_time (b, "created_at", ota_device_get_created_at (device));
  ota_json_add_time (b, "updated_at", ota_device_get_updated_at (device));
  return END (b);
}

JsonNode *
ota_json_from_module (OtaModule *module)
{
  BEGIN (b);
  ota_json_add_string (b, "product_key", ota_module_get_product_key (module));
  ota_json_add_string (b, "name", ota_module_get_name (module));
  ota_json_add_int (b, "device_count", (gint64) ota_module_get_device_count (module));
  json_builder_set_member_name (b, "versions");
  json_builder_begin_array (b);
  for (guint i = 0; i < ota_module_get_n_versions (module); i++)
    {
      json_builder_begin_object (b);
      ota_json_add_string (b, "version", ota_module_get_version (module, i));
      ota_json_add_int (b, "devices", (gint64) ota_module_get_version_devices (module, i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return END (b);
}

JsonNode *
ota_json_from_firmware (OtaFirmware *firmware)
{
  BEGIN (b);
  ota_json_add_int (b, "id", ota_firmware_get_id (firmware));
  ota_json_add_string (b, "product_key", ota_firmware_get_product_key (firmware));
  ota_json_add_string (b, "name", ota_firmware_get_name (firmware));
  ota_json_add_enum (b, "type", OTA_TYPE_FIRMWARE_TYPE, ota_firmware_get_firmware_type (firmware));
  ota_json_add_string (b, "version", ota_firmware_get_version (firmware));
  ota_json_add_strv (b, "source_versions", ota_firmware_get_source_versions (firmware));
  ota_json_add_string (b, "module", ota_firmware_get_module (firmware));
  ota_json_add_enum (b, "sign_algorithm", OTA_TYPE_SIGN_ALGORITHM, ota_firmware_get_sign_algorithm (firmware));
  ota_json_add_string (b, "file_name", ota_firmware_get_file_name (firmware));
  ota_json_add_int (b, "size", (gint64) ota_firmware_get_size (firmware));
  ota_json_add_string (b, "digest", ota_firmware_get_digest (firmware));
  ota_json_add_string (b, "blob_sha256", ota_firmware_get_blob_sha256 (firmware));
  ota_json_add_string (b, "signature", ota_firmware_get_signature (firmware));
  ota_json_add_string (b, "description", ota_firmware_get_description (firmware));
  ota_json_add_enum (b, "status", OTA_TYPE_FIRMWARE_STATUS, ota_firmware_get_status (firmware));
  ota_json_add_time (b, "created_at", ota_firmware_get_created_at (firmware));
  return END (b);
}

JsonNode *
ota_json_from_batch (OtaBatch *batch)
{
  BEGIN (b);
  ota_json_add_int (b, "id", ota_batch_get_id (batch));
  ota_json_add_int (b, "firmware_id", ota_batch_get_firmware_id (batch));
  ota_json_add_enum (b, "kind", OTA_TYPE_BATCH_KIND, ota_batch_get_kind (batch));
  ota_json_add_enum (b, "strategy", OTA_TYPE_BATCH_STRATEGY, ota_batch_get_strategy (batch));
  ota_json_add_enum (b, "scope", OTA_TYPE_BATCH_SCOPE, ota_batch_get_scope (batch));
  ota_json_add_int (b, "gray_percent", ota_batch_get_gray_percent (batch));
  ota_json_add_bool (b, "app_confirm", ota_batch_get_app_confirm (batch));
  ota_json_add_time (b, "schedule_start", ota_batch_get_schedule_start (batch));
  ota_json_add_time (b, "schedule_end", ota_batch_get_schedule_end (batch));
  ota_json_add_int (b, "push_rate", ota_batch_get_push_rate (batch));
  ota_json_add_enum (b, "retry_interval", OTA_TYPE_RETRY_INTERVAL, ota_batch_get_retry_interval (batch));
  ota_json_add_int (b, "retry_limit", ota_batch_get_retry_limit (batch));
  ota_json_add_int (b, "timeout_minutes", ota_batch_get_timeout_minutes (batch));
  ota_json_add_bool (b, "overwrite", ota_batch_get_overwrite (batch));
  ota_json_add_bool (b, "only_new_reports", ota_batch_get_only_new_reports (batch));
  ota_json_add_bool (b, "sources_named", ota_batch_get_sources_named (batch));
  ota_json_add_enum (b, "state", OTA_TYPE_BATCH_STATE, ota_batch_get_state (batch));
  ota_json_add_time (b, "created_at", ota_batch_get_created_at (batch));
  ota_json_add_time (b, "started_at", ota_batch_get_started_at (batch));
  ota_json_add_time (b, "ended_at", ota_batch_get_ended_at (batch));
  ota_json_add_strv (b, "source_versions", ota_batch_get_source_versions (batch));

  /* Keyed by status in member spelling: "pending_push". */
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  for (int status = 0; status < OTA_N_TASK_STATUSES; status++)
    {
      g_autofree char *member = ota_json_member_for_field (ota_enum_to_nick (OTA_TYPE_TASK_STATUS, status));
      ota_json_add_int (b, member, (gint64) ota_batch_get_count (batch, status));
    }
  json_builder_end_object (b);
  ota_json_add_int (b, "total", (gint64) ota_batch_get_total (batch));
  /* Devices of a large batch that have no task yet (enrolled in chunks). */
  ota_json_add_int (b, "enrolling", (gint64) ota_batch_get_enrolling (batch));
  json_builder_set_member_name (b, "progress");
  json_builder_add_double_value (b, ota_batch_get_progress (batch));
  return END (b);
}

static void
add_reason (JsonBuilder   *b,
            const char    *member,
            OtaTaskReason  reason)
{
  ota_json_add_string (b, member, reason != OTA_TASK_REASON_NONE
                                  ? ota_enum_to_nick (OTA_TYPE_TASK_REASON, reason) : NULL);
}

JsonNode *
ota_json_from_task (OtaTask *task)
{
  BEGIN (b);
  ota_json_add_int (b, "id", ota_task_get_id (task));
  ota_json_add_int (b, "batch_id", ota_task_get_batch_id (task));
  ota_json_add_int (b, "device_id", ota_task_get_device_id (task));
  ota_json_add_string (b, "device_name", ota_task_get_device_name (task));
  ota_json_add_enum (b, "status", OTA_TYPE_TASK_STATUS, ota_task_get_status (task));
  add_reason (b, "reason", ota_task_get_reason (task));
  ota_json_add_nonzero (b, "error_code", ota_task_get_error_code (task));
  ota_json_add_string (b, "detail", ota_task_get_detail (task));
  ota_json_add_int (b, "progress", ota_task_get_progress (task));
  ota_json_add_string (b, "source_version", ota_task_get_source_version (task));
  ota_json_add_string (b, "current_version", ota_task_get_current_version (task));
  ota_json_add_int (b, "tries", ota_task_get_tries (task));
  ota_json_add_time (b, "scheduled_at", ota_task_get_scheduled_at (task));
  ota_json_add_bool (b, "retry_pending", ota_task_get_retry_pending (task));
  add_reason (b, "last_reason", ota_task_get_last_reason (task));
  ota_json_add_time (b, "created_at", ota_task_get_created_at (task));
  ota_json_add_time (b, "updated_at", ota_task_get_updated_at (task));
  return END (b);
}

JsonNode *
ota_json_from_audit_entry (OtaAuditEntry *entry)
{
  BEGIN (b);
  ota_json_add_int (b, "id", ota_audit_entry_get_id (entry));
  ota_json_add_time (b, "at", ota_audit_entry_get_at (entry));
  ota_json_add_string (b, "actor", ota_audit_entry_get_actor (entry));
  ota_json_add_string (b, "action", ota_audit_entry_get_action (entry));
  ota_json_add_string (b, "params", ota_audit_entry_get_params (entry));
  return END (b);
}

JsonNode *
ota_json_from_failure_groups (GArray *groups)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_array (b);
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    {
      const OtaFailureGroup *group = &g_array_index (groups, OtaFailureGroup, i);

      json_builder_begin_object (b);
      add_reason (b, "reason", group->reason);
      ota_json_add_int (b, "count", (gint64) group->count);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

JsonNode *
ota_json_from_forecast (const OtaBatchForecast *forecast)
{
  BEGIN (b);
  ota_json_add_int (b, "matched", (gint64) forecast->matched);
  ota_json_add_int (b, "offline", (gint64) forecast->offline);
  ota_json_add_int (b, "conflicts", (gint64) forecast->conflicts);
  ota_json_add_int (b, "overwrites", (gint64) forecast->overwrites);
  ota_json_add_int (b, "push_duration_us", forecast->push_duration_us);
  return END (b);
}

JsonNode *
ota_json_from_import_result (const OtaImportResult *result)
{
  BEGIN (b);
  ota_json_add_int (b, "added", (gint64) result->added);
  ota_json_add_int (b, "updated", (gint64) result->updated);
  return END (b);
}

JsonNode *
ota_json_from_list (GPtrArray       *items,
                    OtaJsonFromFunc  func)
{
  g_autoptr(JsonArray) array = json_array_sized_new (items != NULL ? items->len : 0);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; items != NULL && i < items->len; i++)
    json_array_add_element (array, func (g_ptr_array_index (items, i)));
  json_node_set_array (node, array);
  return node;
}

JsonNode *
ota_json_from_page (GPtrArray       *items,
                    guint64          total,
                    OtaJsonFromFunc  func)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (object, "total", (gint64) total);
  json_object_set_member (object, "items", ota_json_from_list (items, func));
  json_node_set_object (node, object);
  return node;
}
