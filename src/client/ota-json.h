/* ota-json.h — the engine's snapshots and specs as JSON (the HTTP API's wire format)
 *
 * Shared by the server and the remote backend, so both read and write the same thing:
 *  - member names are snake_case, the same for every object ("push_rate");
 *  - enums are their nicks ("pending-push", "10m");
 *  - every time is given twice: "created_at" in µs since the Unix epoch (integer) and
 *    "created_at_iso" in ISO 8601 UTC; both are null when the time is unset. Specs
 *    accept either form for a time member;
 *  - errors are {"code": "invalid-field", "field": "push_rate", "message": "…"}.
 *
 * Readers of specs refuse unknown members and wrong types with OTA_ERROR_INVALID_FIELD
 * naming the member, so a typo never falls back silently to a default. Readers of
 * snapshots ignore members they do not know (newer servers may add some).
 *
 * Specs returned here own their strings: free them with the ota-spec-copy.h functions.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <ota.h>

G_BEGIN_DECLS

/* The engine names fields in kebab-case ("push-rate", "timeout"), the API in
 * snake_case members ("push_rate", "timeout_minutes"). Both free with g_free(). */
char          *ota_json_member_for_field        (const char *field);
char          *ota_json_field_for_member        (const char *member);

/* ---- Snapshots ------------------------------------------------------------- */

JsonNode      *ota_json_from_product            (OtaProduct     *product);
OtaProduct    *ota_json_to_product              (JsonNode       *node,
                                                 GError        **error);
JsonNode      *ota_json_from_device             (OtaDevice      *device);
OtaDevice     *ota_json_to_device               (JsonNode       *node,
                                                 GError        **error);
JsonNode      *ota_json_from_module             (OtaModule      *module);
OtaModule     *ota_json_to_module               (JsonNode       *node,
                                                 GError        **error);
JsonNode      *ota_json_from_firmware           (OtaFirmware    *firmware);
OtaFirmware   *ota_json_to_firmware             (JsonNode       *node,
                                                 GError        **error);
JsonNode      *ota_json_from_batch              (OtaBatch       *batch);
OtaBatch      *ota_json_to_batch                (JsonNode       *node,
                                                 GError        **error);
JsonNode      *ota_json_from_task               (OtaTask        *task);
OtaTask       *ota_json_to_task                 (JsonNode       *node,
                                                 GError        **error);
JsonNode      *ota_json_from_audit_entry        (OtaAuditEntry  *entry);
OtaAuditEntry *ota_json_to_audit_entry          (JsonNode       *node,
                                                 GError        **error);

/* (element-type OtaFailureGroup): a JSON array of {"reason", "count"}. */
JsonNode      *ota_json_from_failure_groups     (GArray         *groups);
GArray        *ota_json_to_failure_groups       (JsonNode       *node,
                                                 GError        **error);
JsonNode      *ota_json_from_forecast           (const OtaBatchForecast *forecast);
gboolean       ota_json_to_forecast             (JsonNode       *node,
                                                 OtaBatchForecast *forecast,
                                                 GError        **error);
JsonNode      *ota_json_from_import_result      (const OtaImportResult *result);
gboolean       ota_json_to_import_result        (JsonNode       *node,
                                                 OtaImportResult *result,
                                                 GError        **error);

/* Lists: a JSON array of one snapshot kind. */
typedef JsonNode *(*OtaJsonFromFunc) (gpointer  item);
typedef gpointer  (*OtaJsonToFunc)   (JsonNode *node,
                                      GError  **error);

JsonNode      *ota_json_from_list               (GPtrArray      *items,
                                                 OtaJsonFromFunc func);
/* (transfer full): the items, freed with @free_func. */
GPtrArray     *ota_json_to_list                 (JsonNode       *node,
                                                 OtaJsonToFunc   func,
                                                 GDestroyNotify  free_func,
                                                 GError        **error);
/* A page of a longer list: {"total": N, "items": [ … ]}. */
JsonNode      *ota_json_from_page               (GPtrArray      *items,
                                                 guint64         total,
                                                 OtaJsonFromFunc func);
GPtrArray     *ota_json_to_page                 (JsonNode       *node,
                                                 OtaJsonToFunc   func,
                                                 GDestroyNotify  free_func,
                                                 guint64        *total,
                                                 GError        **error);

/* ---- Specs (request bodies) ------------------------------------------------- */

JsonNode        *ota_json_from_product_spec     (const OtaProductSpec *spec);
OtaProductSpec  *ota_json_to_product_spec       (JsonNode       *node,
                                                 GError        **error);
/* The product key is not in the body: it comes from the URL. */
JsonNode        *ota_json_from_device_spec      (const OtaDeviceSpec *spec);
OtaDeviceSpec   *ota_json_to_device_spec        (JsonNode       *node,
                                                 const char     *product_key,
                                                 GError        **error);
/* The firmware id is not in the body: it comes from the URL. */
JsonNode        *ota_json_from_verify_spec      (const OtaVerifySpec *spec);
OtaVerifySpec   *ota_json_to_verify_spec        (JsonNode       *node,
                                                 gint64          firmware_id,
                                                 GError        **error);
JsonNode        *ota_json_from_batch_spec       (const OtaBatchSpec *spec);
OtaBatchSpec    *ota_json_to_batch_spec         (JsonNode       *node,
                                                 gint64          firmware_id,
                                                 GError        **error);
/* Product key and device name come from the URL. */
JsonNode        *ota_json_from_device_event     (const OtaDeviceEvent *event);
OtaDeviceEvent  *ota_json_to_device_event       (JsonNode       *node,
                                                 const char     *product_key,
                                                 const char     *device_name,
                                                 GError        **error);

/* ---- Specs as query parameters (string → string, as soup_form_decode() gives) --- */

/* Lists of versions are comma-separated ("1.0.0,1.0.1"): R-F4 versions hold no comma. */
GHashTable      *ota_json_device_query_to_params   (const OtaDeviceQuery *query);
OtaDeviceQuery  *ota_json_device_query_from_params (GHashTable     *params,
                                                    const char     *product_key,
                                                    GError        **error);
GHashTable      *ota_json_task_query_to_params     (const OtaTaskQuery *query);
OtaTaskQuery    *ota_json_task_query_from_params   (GHashTable     *params,
                                                    GError        **error);
/* The firmware upload's parameters; the product key comes from the URL. */
GHashTable      *ota_json_firmware_spec_to_params  (const OtaFirmwareSpec *spec);
OtaFirmwareSpec *ota_json_firmware_spec_from_params (GHashTable    *params,
                                                     const char    *product_key,
                                                     GError       **error);

/* ---- Errors ------------------------------------------------------------------- */

/* The API's code for @error: "invalid-field", "not-found", "conflict", "store", "io",
 * "crypto", "invalid-json", "cancelled", "not-supported" or "internal". */
const char    *ota_json_error_code              (const GError   *error);
/* {"code", "field" (snake_case member or null), "message"}. */
JsonNode      *ota_json_from_error              (const GError   *error);
/* Rebuilds the engine's error from an error body, the field back in engine spelling.
 * The HTTP layer's codes: "too-large" → OTA_ERROR_INVALID_FIELD (the body's field);
 * "unauthorised", "forbidden" → G_IO_ERROR_PERMISSION_DENIED; "no-endpoint",
 * "method-not-allowed", "not-supported" → G_IO_ERROR_NOT_SUPPORTED; "unavailable" →
 * G_IO_ERROR_BUSY; "bad-request", "range-not-satisfiable" → G_IO_ERROR_INVALID_ARGUMENT;
 * others G_IO_ERROR_FAILED; the message kept. (transfer full) */
GError        *ota_json_to_error                (JsonNode       *body);

/* ---- Helpers ------------------------------------------------------------------ */

/* Parses @data as JSON; a parse failure is json-glib's JSON_PARSER_ERROR, whose message
 * names the line, the column and the problem (code "invalid-json"). */
JsonNode      *ota_json_parse                   (const char     *data,
                                                 gsize           length,
                                                 GError        **error);
/* (transfer full): @node as compact JSON text. */
char          *ota_json_to_string               (JsonNode       *node,
                                                 gsize          *length);

G_END_DECLS
