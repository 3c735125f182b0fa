/* ota-json-specs.c — request bodies: the engine's specs to JSON and back
 *
 * A reader checks the JSON's shape (members, types); the engine checks the values, so
 * a value out of range fails with the engine's own message (R-B12's push rate …).
 */
#include <glib/gi18n-lib.h>

#include "ota-json-private.h"
#include "ota-spec-copy.h"

#define BEGIN(builder) g_autoptr(JsonBuilder) builder = json_builder_new_immutable (); \
                       json_builder_begin_object (builder)
#define END(builder)   (json_builder_end_object (builder), json_builder_get_root (builder))

/* ---- Products ---------------------------------------------------------------- */

JsonNode *
ota_json_from_product_spec (const OtaProductSpec *spec)
{
  BEGIN (b);
  if (spec->key != NULL)
    ota_json_add_string (b, "key", spec->key);
  ota_json_add_string (b, "name", spec->name);
  ota_json_add_enum (b, "project_type", OTA_TYPE_PROJECT_TYPE, spec->project_type);
  ota_json_add_enum (b, "network_type", OTA_TYPE_NETWORK_TYPE, spec->network_type);
  ota_json_add_bool (b, "alios_things", spec->alios_things);
  ota_json_add_bool (b, "android_sdk", spec->android_sdk);
  return END (b);
}

OtaProductSpec *
ota_json_to_product_spec (JsonNode  *node,
                          GError   **error)
{
  static const char * const members[] = {
    "key", "name", "project_type", "network_type", "alios_things", "android_sdk", NULL
  };
  JsonObject *o = ota_json_require_object (node, _("The request body"), error);
  g_autoptr(OtaProductSpec) spec = g_new0 (OtaProductSpec, 1);
  char *key = NULL, *name = NULL;
  gboolean ok;

  if (o == NULL || !ota_json_check_members (o, members, error))
    return NULL;

  ok = ota_json_get_string (o, "key", FALSE, &key, error) &&
       ota_json_get_string (o, "name", TRUE, &name, error);
  spec->key = key;
  spec->name = name;
  if (!ok ||
      !ota_json_get_enum (o, "project_type", OTA_TYPE_PROJECT_TYPE, TRUE, (int *) &spec->project_type, error) ||
      !ota_json_get_enum (o, "network_type", OTA_TYPE_NETWORK_TYPE, TRUE, (int *) &spec->network_type, error) ||
      !ota_json_get_bool (o, "alios_things", FALSE, &spec->alios_things, error) ||
      !ota_json_get_bool (o, "android_sdk", FALSE, &spec->android_sdk, error))
    return NULL;

  return g_steal_pointer (&spec);
}

/* ---- Devices ------------------------------------------------------------------ */

JsonNode *
ota_json_from_device_spec (const OtaDeviceSpec *spec)
{
  BEGIN (b);
  ota_json_add_string (b, "name", spec->name);
  if (spec->province != NULL)
    ota_json_add_string (b, "province", spec->province);
  if (spec->city != NULL)
    ota_json_add_string (b, "city", spec->city);
  ota_json_add_bool (b, "online", spec->online);
  json_builder_set_member_name (b, "versions");
  json_builder_begin_object (b);
  if (spec->versions != NULL)
    {
      GHashTableIter iter;
      gpointer module, version;

      g_hash_table_iter_init (&iter, spec->versions);
      while (g_hash_table_iter_next (&iter, &module, &version))
        ota_json_add_string (b, module, version);
    }
  json_builder_end_object (b);
  return END (b);
}

static gboolean
get_versions (JsonObject  *o,
              GHashTable **versions,
              GError     **error)
{
  JsonNode *node = json_object_get_member (o, "versions");
  g_autoptr(GList) modules = NULL;
  JsonObject *vo;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ota_json_set_member_error (error, "versions",
                                 _("“%s” must be an object of module names to versions"), "versions");
      return FALSE;
    }

  vo = json_node_get_object (node);
  *versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  modules = json_object_get_members (vo);
  for (GList *l = modules; l != NULL; l = l->next)
    {
      JsonNode *v = json_object_get_member (vo, l->data);

      if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
        {
          ota_json_set_member_error (error, "versions",
                                     _("“%s” must be an object of module names to versions"), "versions");
          return FALSE;
        }
      g_hash_table_insert (*versions, g_strdup (l->data), g_strdup (json_node_get_string (v)));
    }
  return TRUE;
}

OtaDeviceSpec *
ota_json_to_device_spec (JsonNode    *node,
                         const char  *product_key,
                         GError     **error)
{
  static const char * const members[] = { "name", "province", "city", "online", "versions", NULL };
  JsonObject *o = ota_json_require_object (node, _("The request body"), error);
  g_autoptr(OtaDeviceSpec) spec = g_new0 (OtaDeviceSpec, 1);
  char *name = NULL, *province = NULL, *city = NULL;
  gboolean ok;

  if (o == NULL || !ota_json_check_members (o, members, error))
    return NULL;

  spec->product_key = g_strdup (product_key);
  ok = ota_json_get_string (o, "name", TRUE, &name, error);
  spec->name = name;
  ok = ok && ota_json_get_string (o, "province", FALSE, &province, error);
  spec->province = province;
  ok = ok && ota_json_get_string (o, "city", FALSE, &city, error);
  spec->city = city;
  if (!ok ||
      !ota_json_get_bool (o, "online", FALSE, &spec->online, error) ||
      !get_versions (o, &spec->versions, error))
    return NULL;

  return g_steal_pointer (&spec);
}

/* ---- Verification ----------------------------------------------------------------- */

JsonNode *
ota_json_from_verify_spec (const OtaVerifySpec *spec)
{
  BEGIN (b);
  ota_json_add_strv (b, "source_versions", spec->source_versions);
  ota_json_add_strv (b, "devices", spec->devices);
  ota_json_add_int (b, "timeout_minutes", spec->timeout_minutes);
  ota_json_add_bool (b, "app_confirm", spec->app_confirm);
  return END (b);
}

OtaVerifySpec *
ota_json_to_verify_spec (JsonNode  *node,
                         gint64     firmware_id,
                         GError   **error)
{
  static const char * const members[] = {
    "source_versions", "devices", "timeout_minutes", "app_confirm", NULL
  };
  JsonObject *o = ota_json_require_object (node, _("The request body"), error);
  g_autoptr(OtaVerifySpec) spec = g_new0 (OtaVerifySpec, 1);
  GStrv sources = NULL, devices = NULL;
  gboolean ok;

  if (o == NULL || !ota_json_check_members (o, members, error))
    return NULL;

  spec->firmware_id = firmware_id;
  ok = ota_json_get_strv (o, "source_versions", TRUE, &sources, error);
  spec->source_versions = (const char * const *) sources;
  ok = ok && ota_json_get_strv (o, "devices", TRUE, &devices, error);
  spec->devices = (const char * const *) devices;
  if (!ok ||
      !ota_json_get_uint (o, "timeout_minutes", TRUE, &spec->timeout_minutes, error) ||
      !ota_json_get_bool (o, "app_confirm", FALSE, &spec->app_confirm, error))
    return NULL;

  return g_steal_pointer (&spec);
}

/* ---- Batches ------------------------------------------------------------------------ */

JsonNode *
ota_json_from_batch_spec (const OtaBatchSpec *spec)
{
  BEGIN (b);
  ota_json_add_enum (b, "strategy", OTA_TYPE_BATCH_STRATEGY, spec->strategy);
  ota_json_add_enum (b, "scope", OTA_TYPE_BATCH_SCOPE, spec->scope);
  if (spec->source_versions != NULL)
    ota_json_add_strv (b, "source_versions", spec->source_versions);
  if (spec->devices != NULL)
    ota_json_add_strv (b, "devices", spec->devices);
  if (spec->regions != NULL)
    {
      json_builder_set_member_name (b, "regions");
      json_builder_begin_array (b);
      for (guint i = 0; i < spec->n_regions; i++)
        {
          json_builder_begin_object (b);
          ota_json_add_string (b, "province", spec->regions[i].province);
          ota_json_add_string (b, "city", spec->regions[i].city);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  ota_json_add_int (b, "gray_percent", spec->gray_percent);
  ota_json_add_bool (b, "app_confirm", spec->app_confirm);
  if (spec->schedule_start != 0)
    ota_json_add_int (b, "schedule_start", spec->schedule_start);
  if (spec->schedule_end != 0)
    ota_json_add_int (b, "schedule_end", spec->schedule_end);
  ota_json_add_int (b, "push_rate", spec->push_rate);
  ota_json_add_enum (b, "retry_interval", OTA_TYPE_RETRY_INTERVAL, spec->retry_interval);
  ota_json_add_int (b, "retry_limit", spec->retry_limit);
  ota_json_add_int (b, "timeout_minutes", spec->timeout_minutes);
  ota_json_add_bool (b, "overwrite", spec->overwrite);
  ota_json_add_bool (b, "only_new_reports", spec->only_new_reports);
  return END (b);
}

static gboolean
get_regions (JsonObject    *o,
             OtaBatchSpec  *spec,
             GError       **error)
{
  JsonNode *node = json_object_get_member (o, "regions");
  JsonArray *array;
  OtaRegion *regions;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      ota_json_set_member_error (error, "regions",
                                 _("“%s” must be a list of {\"province\", \"city\"} objects"), "regions");
      return FALSE;
    }

  array = json_node_get_array (node);
  regions = g_new0 (OtaRegion, json_array_get_length (array));
  spec->regions = regions;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *ro = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      char *province = NULL, *city = NULL;
      gboolean ok;

      /* Counted first, so that the spec's free function releases what was read. */
      spec->n_regions = i + 1;
      ok = ro != NULL &&
           ota_json_get_string (ro, "province", TRUE, &province, NULL) &&
           ota_json_get_string (ro, "city", FALSE, &city, NULL) &&
           json_object_get_size (ro) <= (json_object_has_member (ro, "city") ? 2u : 1u);
      regions[i].province = province;
      regions[i].city = city;
      if (!ok)
        {
          ota_json_set_member_error (error, "regions",
                                     _("“%s” must be a list of {\"province\", \"city\"} objects"),
                                     "regions");
          return FALSE;
        }
    }
  return TRUE;
}

OtaBatchSpec *
ota_json_to_batch_spec (JsonNode  *node,
                        gint64     firmware_id,
                        GError   **error)
{
  static const char * const members[] = {
    "strategy", "scope", "source_versions", "devices", "regions", "gray_percent",
    "app_confirm", "schedule_start", "schedule_end", "push_rate", "retry_interval",
    "retry_limit", "timeout_minutes", "overwrite", "only_new_reports", NULL
  };
  const OtaBatchSpec defaults = OTA_BATCH_SPEC_INIT;
  JsonObject *o = ota_json_require_object (node, _("The request body"), error);
  g_autoptr(OtaBatchSpec) spec = g_memdup2 (&defaults, sizeof defaults);
  GStrv sources = NULL, devices = NULL;
  gboolean ok;

  if (o == NULL || !ota_json_check_members (o, members, error))
    return NULL;

  spec->firmware_id = firmware_id;
  ok = ota_json_get_strv (o, "source_versions", FALSE, &sources, error);
  spec->source_versions = (const char * const *) sources;
  ok = ok && ota_json_get_strv (o, "devices", FALSE, &devices, error);
  spec->devices = (const char * const *) devices;
  if (!ok || !get_regions (o, spec, error) ||
      !ota_json_get_enum (o, "strategy", OTA_TYPE_BATCH_STRATEGY, FALSE, (int *) &spec->strategy, error) ||
      !ota_json_get_enum (o, "scope", OTA_TYPE_BATCH_SCOPE, FALSE, (int *) &spec->scope, error) ||
      !ota_json_get_uint (o, "gray_percent", FALSE, &spec->gray_percent, error) ||
      !ota_json_get_bool (o, "app_confirm", FALSE, &spec->app_confirm, error) ||
      !ota_json_get_time (o, "schedule_start", FALSE, &spec->schedule_start, error) ||
      !ota_json_get_time (o, "schedule_end", FALSE, &spec->schedule_end, error) ||
      !ota_json_get_uint (o, "push_rate", FALSE, &spec->push_rate, error) ||
      !ota_json_get_enum (o, "retry_interval", OTA_TYPE_RETRY_INTERVAL, FALSE,
                          (int *) &spec->retry_interval, error) ||
      !ota_json_get_uint (o, "retry_limit", FALSE, &spec->retry_limit, error) ||
      !ota_json_get_uint (o, "timeout_minutes", FALSE, &spec->timeout_minutes, error) ||
      !ota_json_get_bool (o, "overwrite", FALSE, &spec->overwrite, error) ||
      !ota_json_get_bool (o, "only_new_reports", FALSE, &spec->only_new_reports, error))
    return NULL;

  return g_steal_pointer (&spec);
}

/* ---- Device events ---------------------------------------------------------------------- */

JsonNode *
ota_json_from_device_event (const OtaDeviceEvent *event)
{
  BEGIN (b);
  ota_json_add_enum (b, "kind", OTA_TYPE_DEVICE_EVENT_KIND, event->kind);
  if (event->module != NULL)
    ota_json_add_string (b, "module", event->module);
  if (event->version != NULL)
    ota_json_add_string (b, "version", event->version);
  if (event->kind == OTA_DEVICE_EVENT_PROGRESS)
    ota_json_add_int (b, "step", event->step);
  if (event->description != NULL)
    ota_json_add_string (b, "description", event->description);
  return END (b);
}

OtaDeviceEvent *
ota_json_to_device_event (JsonNode    *node,
                          const char  *product_key,
                          const char  *device_name,
                          GError     **error)
{
  static const char * const members[] = { "kind", "module", "version", "step", "description", NULL };
  JsonObject *o = ota_json_require_object (node, _("A device event"), error);
  g_autoptr(OtaDeviceEvent) event = g_new0 (OtaDeviceEvent, 1);
  char *module = NULL, *version = NULL, *description = NULL;
  gint64 step = 0;
  gboolean ok;

  if (o == NULL || !ota_json_check_members (o, members, error))
    return NULL;

  event->product_key = g_strdup (product_key);
  event->device_name = g_strdup (device_name);
  ok = ota_json_get_string (o, "module", FALSE, &module, error);
  event->module = module;
  ok = ok && ota_json_get_string (o, "version", FALSE, &version, error);
  event->version = version;
  ok = ok && ota_json_get_string (o, "description", FALSE, &description, error);
  event->description = description;
  if (!ok ||
      !ota_json_get_enum (o, "kind", OTA_TYPE_DEVICE_EVENT_KIND, TRUE, (int *) &event->kind, error) ||
      !ota_json_get_int (o, "step", event->kind == OTA_DEVICE_EVENT_PROGRESS, &step, error))
    return NULL;

  /* The engine checks the range (0..100 or -1..-4); here only that it fits an int. */
  event->step = (int) CLAMP (step, G_MININT, G_MAXINT);
  return g_steal_pointer (&event);
}
