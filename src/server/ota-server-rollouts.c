/* ota-server-rollouts.c — verification and batch upgrades (R-V, R-B) */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"
#include "ota-spec-copy.h"

#define ENGINE(request) ((request)->server->engine)

/* A verification, a batch or a cancel changes the firmware's status too (R-V4). */
static void
batch_written (OtaRequest *request,
               OtaBatch   *batch)
{
  g_autofree char *product_key = ota_server_dup_firmware_product (request->server,
                                                                   ota_batch_get_firmware_id (batch));

  ota_request_catalogue_changed (request, product_key);
}

static gboolean
start_verification (OtaRequest  *request,
                    GError     **error)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(OtaVerifySpec) spec = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  gint64 firmware_id;

  if (!ota_request_get_id (request, 0, "firmware", &firmware_id, error) ||
      (body = ota_request_parse_body (request, error)) == NULL ||
      (spec = ota_json_to_verify_spec (body, firmware_id, error)) == NULL ||
      (batch = ota_engine_start_verification (ENGINE (request), spec, error)) == NULL)
    return FALSE;

  batch_written (request, batch);
  ota_request_reply_json (request, SOUP_STATUS_CREATED, ota_json_from_batch (batch));
  return TRUE;
}

static OtaBatchSpec *
batch_spec (OtaRequest  *request,
            GError     **error)
{
  g_autoptr(JsonNode) body = NULL;
  gint64 firmware_id;

  if (!ota_request_get_id (request, 0, "firmware", &firmware_id, error) ||
      (body = ota_request_parse_body (request, error)) == NULL)
    return NULL;
  return ota_json_to_batch_spec (body, firmware_id, error);
}

static gboolean
create_batch (OtaRequest  *request,
              GError     **error)
{
  g_autoptr(OtaBatchSpec) spec = batch_spec (request, error);
  g_autoptr(OtaBatch) batch = NULL;

  if (spec == NULL || (batch = ota_engine_create_batch (ENGINE (request), spec, error)) == NULL)
    return FALSE;

  batch_written (request, batch);
  ota_request_reply_json (request, SOUP_STATUS_CREATED, ota_json_from_batch (batch));
  return TRUE;
}

static gboolean
forecast_batch (OtaRequest  *request,
                GError     **error)
{
  g_autoptr(OtaBatchSpec) spec = batch_spec (request, error);
  OtaBatchForecast forecast = { 0 };

  if (spec == NULL || !ota_engine_forecast_batch (ENGINE (request), spec, &forecast, error))
    return FALSE;

  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_forecast (&forecast));
  return TRUE;
}

static gboolean
list_batches (OtaRequest  *request,
              GError     **error)
{
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  gint64 firmware_id;

  if (!ota_request_get_id (request, 0, "firmware", &firmware_id, error) ||
      (firmware = ota_engine_get_firmware (ENGINE (request), firmware_id, error)) == NULL ||
      (batches = ota_engine_list_batches (ENGINE (request), firmware_id, error)) == NULL)
    return FALSE;

  ota_request_reply_json (request, SOUP_STATUS_OK,
                          ota_json_from_list (batches, (OtaJsonFromFunc) ota_json_from_batch));
  return TRUE;
}

static gboolean
get_batch (OtaRequest  *request,
           GError     **error)
{
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  if (!ota_request_get_id (request, 0, "batch", &id, error) ||
      (batch = ota_engine_get_batch (ENGINE (request), id, error)) == NULL)
    return FALSE;

  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_batch (batch));
  return TRUE;
}

static gboolean
cancel_batch (OtaRequest  *request,
              GError     **error)
{
  g_autoptr(OtaBatch) batch = NULL;
  gint64 id;

  if (!ota_request_get_id (request, 0, "batch", &id, error) ||
      (batch = ota_engine_cancel_batch (ENGINE (request), id, error)) == NULL)
    return FALSE;

  batch_written (request, batch);
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_batch (batch));
  return TRUE;
}

const OtaRoute ota_server_rollout_routes[] = {
  { "POST", "/api/v1/firmwares/*/verify", start_verification, OTA_ROUTE_WRITE, NULL },
  { "POST", "/api/v1/firmwares/*/batches", create_batch, OTA_ROUTE_WRITE, NULL },
  { "POST", "/api/v1/firmwares/*/batches/forecast", forecast_batch, 0, NULL },
  { "GET",  "/api/v1/firmwares/*/batches", list_batches, 0, NULL },
  { "GET",  "/api/v1/batches/*", get_batch, 0, NULL },
  { "POST", "/api/v1/batches/*/cancel", cancel_batch, OTA_ROUTE_WRITE, NULL },
  { NULL }
};
