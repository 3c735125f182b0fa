/* ota-server-devices.c — devices: query, add, CSV import and export, device events
 * for tools (R-DV, R-E) */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"
#include "ota-spec-copy.h"

#define ENGINE(request) ((request)->server->engine)

static gboolean
query_devices (OtaRequest  *request,
               GError     **error)
{
  g_autoptr(OtaDeviceQuery) query = ota_json_device_query_from_params (request->query, request->params[0], error);
  g_autoptr(GPtrArray) devices = NULL;
  guint64 total = 0;

  if (query == NULL)
    return FALSE;
  devices = ota_engine_query_devices (ENGINE (request), query, &total, error);
  if (devices == NULL)
    return FALSE;

  ota_request_reply_json (request, SOUP_STATUS_OK,
                          ota_json_from_page (devices, total, (OtaJsonFromFunc) ota_json_from_device));
  return TRUE;
}

static gboolean
add_device (OtaRequest  *request,
            GError     **error)
{
  g_autoptr(JsonNode) body = ota_request_parse_body (request, error);
  g_autoptr(OtaDeviceSpec) spec = NULL;
  g_autoptr(OtaDevice) device = NULL;

  if (body == NULL || (spec = ota_json_to_device_spec (body, request->params[0], error)) == NULL)
    return FALSE;
  device = ota_engine_add_device (ENGINE (request), spec, error);
  if (device == NULL)
    return FALSE;

  ota_request_catalogue_changed (request, ota_device_get_product_key (device));
  ota_request_reply_json (request, SOUP_STATUS_CREATED, ota_json_from_device (device));
  return TRUE;
}

static gboolean
get_device (OtaRequest  *request,
            GError     **error)
{
  g_autoptr(OtaDevice) device = ota_engine_get_device (ENGINE (request), request->params[0],
                                                       request->params[1], error);

  if (device == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_device (device));
  return TRUE;
}

/* Its unfinished task, else the one that changed last: what otactl shows after an event. */
static gboolean
get_device_task (OtaRequest  *request,
                 GError     **error)
{
  g_autoptr(OtaTask) task = ota_engine_get_device_task (ENGINE (request), request->params[0],
                                                        request->params[1], error);

  if (task == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_task (task));
  return TRUE;
}

/* ---- CSV ------------------------------------------------------------------------ */

static gboolean
write_devices_csv (OtaRequest     *request,
                   GOutputStream  *stream,
                   GError        **error)
{
  const char *product_key = g_strv_length (request->params) > 0 ? request->params[0] : NULL;

  if (product_key != NULL)
    {
      g_autoptr(OtaProduct) product = ota_engine_get_product (ENGINE (request), product_key, error);
      if (product == NULL)
        return FALSE;
    }
  return ota_engine_export_devices_csv (ENGINE (request), product_key, stream, NULL, error);
}

static gboolean
export_devices (OtaRequest  *request,
                GError     **error)
{
  return ota_request_reply_file (request, "text/csv", "devices.csv", write_devices_csv, error);
}

static gboolean
precheck_import (OtaRequest  *request,
                 GError     **error)
{
  request->upload_name = g_strdup ("devices.csv");
  return TRUE;
}

static gboolean
import_devices (OtaRequest  *request,
                GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  OtaImportResult result = { 0 };

  file = g_file_new_for_path (request->upload_path);
  stream = g_file_read (file, NULL, error);
  if (stream == NULL ||
      !ota_engine_import_devices_csv (ENGINE (request), G_INPUT_STREAM (stream), &result, NULL, NULL, NULL, error))
    return FALSE;

  ota_request_catalogue_changed (request, NULL);
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_import_result (&result));
  return TRUE;
}

/* ---- Device events (for tools; devices themselves talk MQTT) ------------------------- */

static JsonNode *
applied_json (guint applied,
              guint rejected)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "applied");
  json_builder_add_int_value (b, applied);
  json_builder_set_member_name (b, "rejected");
  json_builder_add_int_value (b, rejected);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Body: one event {"kind", "module", "version", "step", "description"}, refused with an
 * error naming the field when invalid; or an array of them, applied together (one
 * transaction) with the invalid ones counted in "rejected". */
static gboolean
device_events (OtaRequest  *request,
               GError     **error)
{
  g_autoptr(JsonNode) body = ota_request_parse_body (request, error);
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) ota_device_event_free);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (OtaDeviceEvent));
  JsonArray *array;
  guint rejected = 0;

  if (body == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (body))
    {
      g_autoptr(OtaDeviceEvent) event = ota_json_to_device_event (body, request->params[0],
                                                                  request->params[1], error);

      if (event == NULL || !ota_engine_apply_device_event (ENGINE (request), event, error))
        return FALSE;
      ota_request_catalogue_changed (request, request->params[0]);
      ota_request_reply_json (request, SOUP_STATUS_OK, applied_json (1, 0));
      return TRUE;
    }

  array = json_node_get_array (body);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      OtaDeviceEvent *event = ota_json_to_device_event (json_array_get_element (array, i),
                                                        request->params[0], request->params[1], error);
      if (event == NULL)
        return FALSE;
      g_ptr_array_add (parsed, event);
      g_array_append_val (events, *event);
    }

  if (!ota_engine_apply_device_events (ENGINE (request), (const OtaDeviceEvent *) events->data,
                                       events->len, &rejected, error))
    return FALSE;

  ota_request_catalogue_changed (request, request->params[0]);
  ota_request_reply_json (request, SOUP_STATUS_OK, applied_json (events->len - rejected, rejected));
  return TRUE;
}

const OtaRoute ota_server_device_routes[] = {
  { "GET",  "/api/v1/products/*/devices", query_devices, 0, NULL },
  { "POST", "/api/v1/products/*/devices", add_device, OTA_ROUTE_WRITE, NULL },
  { "GET",  "/api/v1/products/*/devices/*", get_device, 0, NULL },
  { "GET",  "/api/v1/products/*/devices/*/task", get_device_task, 0, NULL },
  { "GET",  "/api/v1/products/*/devices.csv", export_devices, 0, NULL },
  { "GET",  "/api/v1/devices.csv", export_devices, 0, NULL },
  { "POST", "/api/v1/devices/import", import_devices, OTA_ROUTE_UPLOAD | OTA_ROUTE_WRITE, precheck_import },
  { "POST", "/api/v1/devices/*/*/events", device_events, OTA_ROUTE_WRITE, NULL },
  { NULL }
};
