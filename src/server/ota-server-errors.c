/* ota-server-errors.c — HTTP status and JSON body of every error
 *
 * The engine's errors keep their code and field ({"code": "invalid-field", "field":
 * "push_rate", …}); the HTTP layer's own (OTA_SERVER_ERROR) have codes of their own.
 */
#include "ota-server-private.h"

static const struct {
  guint       status;
  const char *code;
} server_errors[] = {
  [OTA_SERVER_ERROR_UNAUTHORISED]       = { SOUP_STATUS_UNAUTHORIZED, "unauthorised" },
  [OTA_SERVER_ERROR_FORBIDDEN]          = { SOUP_STATUS_FORBIDDEN, "forbidden" },
  /* Not "not-found", which is the engine's "no such product, batch …". */
  [OTA_SERVER_ERROR_NOT_FOUND]          = { SOUP_STATUS_NOT_FOUND, "no-endpoint" },
  [OTA_SERVER_ERROR_METHOD_NOT_ALLOWED] = { SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed" },
  [OTA_SERVER_ERROR_TOO_LARGE]          = { SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large" },
  [OTA_SERVER_ERROR_RANGE]              = { SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, "range-not-satisfiable" },
  [OTA_SERVER_ERROR_UNAVAILABLE]        = { SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable" },
  [OTA_SERVER_ERROR_BAD_REQUEST]        = { SOUP_STATUS_BAD_REQUEST, "bad-request" },
};

guint
ota_server_status_for_error (const GError *error)
{
  if (error->domain == OTA_ERROR)
    switch (error->code)
      {
      case OTA_ERROR_INVALID_FIELD: return SOUP_STATUS_BAD_REQUEST;
      case OTA_ERROR_NOT_FOUND:     return SOUP_STATUS_NOT_FOUND;
      case OTA_ERROR_CONFLICT:      return SOUP_STATUS_CONFLICT;
      default:                      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
      }
  if (error->domain == OTA_SERVER_ERROR && error->code >= 0 && error->code < (int) G_N_ELEMENTS (server_errors))
    return server_errors[error->code].status;
  if (error->domain == JSON_PARSER_ERROR)
    return SOUP_STATUS_BAD_REQUEST;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return SOUP_STATUS_NOT_IMPLEMENTED;
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

JsonNode *
ota_server_error_to_json (const GError *error)
{
  g_autoptr(JsonBuilder) b = NULL;

  if (error->domain != OTA_SERVER_ERROR || error->code < 0 || error->code >= (int) G_N_ELEMENTS (server_errors))
    return ota_json_from_error (error);

  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, server_errors[error->code].code);
  json_builder_set_member_name (b, "field");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, error->message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
