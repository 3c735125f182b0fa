/* ota-json-snapshots-read.c — snapshots back from JSON (what the remote backend reads)
 *
 * Members this build does not know are ignored: a newer server may send more.
 */
#include <glib/gi18n-lib.h>

#include "ota-json-private.h"

#define STR(o, m, req, v)  ota_json_get_string (o, m, req, v, error)
#define BOOL(o, m, v)      ota_json_get_bool (o, m, FALSE, v, error)
#define INT(o, m, req, v)  ota_json_get_int (o, m, req, v, error)
#define UINT(o, m, v)      ota_json_get_uint (o, m, FALSE, v, error)
#define TIME(o, m, v)      ota_json_get_time (o, m, FALSE, v, error)
#define ENUM(o, m, t, v)   ota_json_get_enum (o, m, t, FALSE, (int *) (v), error)
#define COUNT(o, m, v)     get_count (o, m, v, error)

/* A count: a missing or negative one is 0. */
static gboolean
get_count (JsonObject  *o,
           const char  *member,
           guint64     *value,
           GError     **error)
{
  gint64 v = 0;

  if (!INT (o, member, FALSE, &v))
    return FALSE;
  *value = (guint64) MAX (v, 0);
  return TRUE;
}

/* The object in member @member of @o, NULL when there is none. */
static JsonObject *
get_object (JsonObject *o,
            const char *member)
{
  JsonNode *node = json_object_get_member (o, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The array in @node, or an error "must be a JSON array" (@what names it). */
static JsonArray *
require_array (JsonNode    *node,
               const char  *what,
               GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, NULL, _("%s must be a JSON array"), what);
      return NULL;
    }
  return json_node_get_array (node);
}

OtaProduct *
ota_json_to_product (JsonNode  *node,
                     GError   **error)
{
  JsonObject *o = ota_json_require_object (node, _("A product"), error);
  g_autofree char *key = NULL, *name = NULL, *public_key = NULL;
  OtaProjectType project_type = 0;
  OtaNetworkType network_type = 0;
  gboolean alios_things = FALSE, android_sdk = FALSE, secure_upgrade = FALSE;
  guint64 device_count = 0;
  gint64 created_at = 0;

  if (o == NULL ||
      !STR (o, "key", TRUE, &key) || !STR (o, "name", TRUE, &name) ||
      !ENUM (o, "project_type", OTA_TYPE_PROJECT_TYPE, &project_type) ||
      !ENUM (o, "network_type", OTA_TYPE_NETWORK_TYPE, &network_type) ||
      !BOOL (o, "alios_things", &alios_things) || !BOOL (o, "android_sdk", &android_sdk) ||
      !BOOL (o, "secure_upgrade", &secure_upgrade) || !STR (o, "public_key", FALSE, &public_key) ||
      !COUNT (o, "device_count", &device_count) || !TIME (o, "created_at", &created_at))
    return NULL;

  return g_object_new (OTA_TYPE_PRODUCT,
                       "key", key, "name", name,
                       "project-type", project_type, "network-type", network_type,
                       "alios-things", alios_things, "android-sdk", android_sdk,
                       "secure-upgrade", secure_upgrade, "public-key", public_key,
                       "device-count", device_count,
                       "created-at", created_at,
                       NULL);
}

OtaDevice *
ota_json_to_device (JsonNode  *node,
                    GError   **error)
{
  JsonObject *o = ota_json_require_object (node, _("A device"), error);
  g_autofree char *product_key = NULL, *name = NULL, *province = NULL, *city = NULL;
  g_autoptr(GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObject *vo;
  gboolean online = FALSE;
  gint64 id = 0, created_at = 0, updated_at = 0;

  if (o == NULL ||
      !INT (o, "id", TRUE, &id) || !STR (o, "product_key", TRUE, &product_key) ||
      !STR (o, "name", TRUE, &name) || !STR (o, "province", FALSE, &province) ||
      !STR (o, "city", FALSE, &city) || !BOOL (o, "online", &online) ||
      !TIME (o, "created_at", &created_at) || !TIME (o, "updated_at", &updated_at))
    return NULL;

  vo = get_object (o, "versions");
  if (vo != NULL)
    {
      g_autoptr(GList) modules = json_object_get_members (vo);

      for (GList *l = modules; l != NULL; l = l->next)
        {
          g_autofree char *version = NULL;

          if (!STR (vo, l->data, FALSE, &version))
            return NULL;
          if (version != NULL)
            g_hash_table_insert (versions, g_strdup (l->data), g_steal_pointer (&version));
        }
    }

  return ota_device_new (id, product_key, name, province != NULL ? province : "",
                         city != NULL ? city : "", online, g_steal_pointer (&versions),
                         created_at, updated_at);
}

OtaModule *
ota_json_to_module (JsonNode  *node,
                    GError   **error)
{
  JsonObject *o = ota_json_require_object (node, _("A module"), error);
  g_autofree char *product_key = NULL, *name = NULL;
  g_autoptr(OtaModule) module = NULL;
  JsonNode *versions_node;
  JsonArray *versions;

  if (o == NULL || !STR (o, "product_key", TRUE, &product_key) || !STR (o, "name", TRUE, &name))
    return NULL;

  module = ota_module_new (product_key, name);
  versions_node = json_object_get_member (o, "versions");
  versions = versions_node != NULL && JSON_NODE_HOLDS_ARRAY (versions_node)
             ? json_node_get_array (versions_node) : NULL;
  for (guint i = 0; versions != NULL && i < json_array_get_length (versions); i++)
    {
      JsonObject *vo = ota_json_require_object (json_array_get_element (versions, i),
                                                _("A module version"), error);
      g_autofree char *version = NULL;
      guint64 devices = 0;

      if (vo == NULL || !STR (vo, "version", TRUE, &version) || !COUNT (vo, "devices", &devices))
        return NULL;
      ota_module_add_version (module, version, devices);
    }

  return g_steal_pointer (&module);
}

OtaFirmware *
ota_json_to_firmware (JsonNode  *node,
                      GError   **error)
{
  JsonObject *o = ota_json_require_object (node, _("A firmware"), error);
  g_autofree char *product_key = NULL, *name = NULL, *version = NULL, *module = NULL;
  g_autofree char *file_name = NULL, *digest = NULL, *blob = NULL, *signature = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) sources = NULL;
  OtaFirmwareFields f = { 0 };

  if (o == NULL ||
      !INT (o, "id", TRUE, &f.id) || !STR (o, "product_key", TRUE, &product_key) ||
      !STR (o, "name", TRUE, &name) || !ENUM (o, "type", OTA_TYPE_FIRMWARE_TYPE, &f.type) ||
      !STR (o, "version", TRUE, &version) ||
      !ota_json_get_strv (o, "source_versions", FALSE, &sources, error) ||
      !STR (o, "module", FALSE, &module) ||
      !ENUM (o, "sign_algorithm", OTA_TYPE_SIGN_ALGORITHM, &f.sign_algorithm) ||
      !STR (o, "file_name", FALSE, &file_name) || !COUNT (o, "size", &f.size) ||
      !STR (o, "digest", FALSE, &digest) || !STR (o, "blob_sha256", FALSE, &blob) ||
      !STR (o, "signature", FALSE, &signature) || !STR (o, "description", FALSE, &description) ||
      !ENUM (o, "status", OTA_TYPE_FIRMWARE_STATUS, &f.status) ||
      !TIME (o, "created_at", &f.created_at))
    return NULL;

  f.product_key = product_key;
  f.name = name;
  f.version = version;
  f.source_versions = (const char * const *) sources;
  f.module = module;
  f.file_name = file_name;
  f.digest = digest;
  f.blob_sha256 = blob;
  f.signature = signature;
  f.description = description;
  return ota_firmware_new (&f);
}

OtaBatch *
ota_json_to_batch (JsonNode  *node,
                   GError   **error)
{
  JsonObject *o = ota_json_require_object (node, _("A batch"), error);
  g_auto(GStrv) sources = NULL;
  OtaBatchFields f = { 0 };
  JsonObject *counts;

  if (o == NULL ||
      !INT (o, "id", TRUE, &f.id) || !INT (o, "firmware_id", TRUE, &f.firmware_id) ||
      !ENUM (o, "kind", OTA_TYPE_BATCH_KIND, &f.kind) ||
      !ENUM (o, "strategy", OTA_TYPE_BATCH_STRATEGY, &f.strategy) ||
      !ENUM (o, "scope", OTA_TYPE_BATCH_SCOPE, &f.scope) ||
      !UINT (o, "gray_percent", &f.gray_percent) || !BOOL (o, "app_confirm", &f.app_confirm) ||
      !TIME (o, "schedule_start", &f.schedule_start) || !TIME (o, "schedule_end", &f.schedule_end) ||
      !UINT (o, "push_rate", &f.push_rate) ||
      !ENUM (o, "retry_interval", OTA_TYPE_RETRY_INTERVAL, &f.retry_interval) ||
      !UINT (o, "retry_limit", &f.retry_limit) || !UINT (o, "timeout_minutes", &f.timeout_minutes) ||
      !BOOL (o, "overwrite", &f.overwrite) || !BOOL (o, "only_new_reports", &f.only_new_reports) ||
      !BOOL (o, "sources_named", &f.sources_named) ||
      !ENUM (o, "state", OTA_TYPE_BATCH_STATE, &f.state) ||
      !TIME (o, "created_at", &f.created_at) || !TIME (o, "started_at", &f.started_at) ||
      !TIME (o, "ended_at", &f.ended_at) ||
      !ota_json_get_strv (o, "source_versions", FALSE, &sources, error))
    return NULL;

  counts = get_object (o, "counts");
  for (int status = 0; counts != NULL && status < OTA_N_TASK_STATUSES; status++)
    {
      g_autofree char *member = ota_json_member_for_field (ota_enum_to_nick (OTA_TYPE_TASK_STATUS, status));

      if (!COUNT (counts, member, &f.counts[status]))
        return NULL;
    }
  if (!COUNT (o, "enrolling", &f.enrolling))
    return NULL;

  f.source_versions = (const char * const *) sources;
  return ota_batch_new (&f);
}

static gboolean
get_reason (JsonObject     *o,
            const char     *member,
            OtaTaskReason  *reason,
            GError        **error)
{
  *reason = OTA_TASK_REASON_NONE;
  return ENUM (o, member, OTA_TYPE_TASK_REASON, reason);
}

OtaTask *
ota_json_to_task (JsonNode  *node,
                  GError   **error)
{
  JsonObject *o = ota_json_require_object (node, _("A task"), error);
  g_autofree char *device_name = NULL, *detail = NULL, *source = NULL, *current = NULL;
  OtaTaskFields f = { 0 };
  gint64 error_code = 0;

  if (o == NULL ||
      !INT (o, "id", TRUE, &f.id) || !INT (o, "batch_id", TRUE, &f.batch_id) ||
      !INT (o, "device_id", FALSE, &f.device_id) || !STR (o, "device_name", TRUE, &device_name) ||
      !ENUM (o, "status", OTA_TYPE_TASK_STATUS, &f.status) ||
      !get_reason (o, "reason", &f.reason, error) ||
      !INT (o, "error_code", FALSE, &error_code) || !STR (o, "detail", FALSE, &detail) ||
      !UINT (o, "progress", &f.progress) || !STR (o, "source_version", FALSE, &source) ||
      !STR (o, "current_version", FALSE, &current) || !UINT (o, "tries", &f.tries) ||
      !TIME (o, "scheduled_at", &f.scheduled_at) || !BOOL (o, "retry_pending", &f.retry_pending) ||
      !get_reason (o, "last_reason", &f.last_reason, error) ||
      !TIME (o, "created_at", &f.created_at) || !TIME (o, "updated_at", &f.updated_at))
    return NULL;

  f.device_name = device_name;
  f.error_code = (int) CLAMP (error_code, G_MININT, G_MAXINT);
  f.detail = detail;
  f.source_version = source;
  f.current_version = current;
  return ota_task_new (&f);
}

OtaAuditEntry *
ota_json_to_audit_entry (JsonNode  *node,
                         GError   **error)
{
  JsonObject *o = ota_json_require_object (node, _("An audit entry"), error);
  g_autofree char *actor = NULL, *action = NULL, *params = NULL;
  gint64 id = 0, at = 0;

  if (o == NULL ||
      !INT (o, "id", TRUE, &id) || !TIME (o, "at", &at) || !STR (o, "actor", FALSE, &actor) ||
      !STR (o, "action", TRUE, &action) || !STR (o, "params", FALSE, &params))
    return NULL;

  return ota_audit_entry_new (id, at, actor != NULL ? actor : "", action, params != NULL ? params : "{}");
}

GArray *
ota_json_to_failure_groups (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(GArray) groups = g_array_new (FALSE, TRUE, sizeof (OtaFailureGroup));
  JsonArray *array = require_array (node, _("The failure groups"), error);

  if (array == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = ota_json_require_object (json_array_get_element (array, i),
                                               _("A failure group"), error);
      OtaFailureGroup group = { 0 };

      if (o == NULL || !get_reason (o, "reason", &group.reason, error) ||
          !COUNT (o, "count", &group.count))
        return NULL;
      g_array_append_val (groups, group);
    }

  return g_steal_pointer (&groups);
}

gboolean
ota_json_to_forecast (JsonNode          *node,
                      OtaBatchForecast  *forecast,
                      GError           **error)
{
  JsonObject *o = ota_json_require_object (node, _("A forecast"), error);
  OtaBatchForecast f = { 0 };

  if (o == NULL ||
      !COUNT (o, "matched", &f.matched) || !COUNT (o, "offline", &f.offline) ||
      !COUNT (o, "conflicts", &f.conflicts) ||
      !COUNT (o, "overwrites", &f.overwrites) ||
      !INT (o, "push_duration_us", FALSE, &f.push_duration_us))
    return FALSE;

  *forecast = f;
  return TRUE;
}

gboolean
ota_json_to_import_result (JsonNode         *node,
                           OtaImportResult  *result,
                           GError          **error)
{
  JsonObject *o = ota_json_require_object (node, _("An import result"), error);
  OtaImportResult r = { 0 };

  if (o == NULL || !COUNT (o, "added", &r.added) || !COUNT (o, "updated", &r.updated))
    return FALSE;

  *result = r;
  return TRUE;
}

GPtrArray *
ota_json_to_list (JsonNode        *node,
                  OtaJsonToFunc    func,
                  GDestroyNotify   free_func,
                  GError         **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  JsonArray *array = require_array (node, _("The list"), error);

  if (array == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gpointer item = func (json_array_get_element (array, i), error);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }

  return g_steal_pointer (&items);
}

GPtrArray *
ota_json_to_page (JsonNode        *node,
                  OtaJsonToFunc    func,
                  GDestroyNotify   free_func,
                  guint64         *total,
                  GError         **error)
{
  JsonObject *o = ota_json_require_object (node, _("A page"), error);
  gint64 t = 0;

  if (o == NULL || !INT (o, "total", TRUE, &t))
    return NULL;
  if (total != NULL)
    *total = (guint64) MAX (t, 0);
  return ota_json_to_list (json_object_get_member (o, "items"), func, free_func, error);
}
