/* ota-server-products.c — /api/v1/products: products, secure upgrade, modules (R-P) */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"
#include "ota-spec-copy.h"

#define ENGINE(request) ((request)->server->engine)

static gboolean
list_products (OtaRequest  *request,
               GError     **error)
{
  g_autoptr(GPtrArray) products = ota_engine_list_products (ENGINE (request), error);

  if (products == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK,
                          ota_json_from_list (products, (OtaJsonFromFunc) ota_json_from_product));
  return TRUE;
}

static gboolean
add_product (OtaRequest  *request,
             GError     **error)
{
  g_autoptr(JsonNode) body = ota_request_parse_body (request, error);
  g_autoptr(OtaProductSpec) spec = NULL;
  g_autoptr(OtaProduct) product = NULL;

  if (body == NULL || (spec = ota_json_to_product_spec (body, error)) == NULL)
    return FALSE;
  product = ota_engine_add_product (ENGINE (request), spec, error);
  if (product == NULL)
    return FALSE;

  ota_request_catalogue_changed (request, ota_product_get_key (product));
  ota_request_reply_json (request, SOUP_STATUS_CREATED, ota_json_from_product (product));
  return TRUE;
}

static gboolean
get_product (OtaRequest  *request,
             GError     **error)
{
  g_autoptr(OtaProduct) product = ota_engine_get_product (ENGINE (request), request->params[0], error);

  if (product == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_product (product));
  return TRUE;
}

/* Body: {"enabled": true} */
static gboolean
set_secure_upgrade (OtaRequest  *request,
                    GError     **error)
{
  g_autoptr(JsonNode) body = ota_request_parse_body (request, error);
  g_autoptr(OtaProduct) product = NULL;
  JsonObject *object;
  JsonNode *enabled;

  if (body == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, NULL, _("The request body must be a JSON object"));
      return FALSE;
    }
  object = json_node_get_object (body);
  enabled = json_object_get_member (object, "enabled");
  if (json_object_get_size (object) != 1 || enabled == NULL || !JSON_NODE_HOLDS_VALUE (enabled) ||
      json_node_get_value_type (enabled) != G_TYPE_BOOLEAN)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "enabled",
                           _("The body must be {\"enabled\": true} or {\"enabled\": false}"));
      return FALSE;
    }

  product = ota_engine_set_secure_upgrade (ENGINE (request), request->params[0],
                                           json_node_get_boolean (enabled), error);
  if (product == NULL)
    return FALSE;

  ota_request_catalogue_changed (request, ota_product_get_key (product));
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_product (product));
  return TRUE;
}

static gboolean
get_public_key (OtaRequest  *request,
                GError     **error)
{
  g_autofree char *pem = ota_engine_dup_public_key_pem (ENGINE (request), request->params[0], error);
  g_autoptr(JsonBuilder) b = NULL;

  if (pem == NULL)
    return FALSE;

  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "public_key");
  json_builder_add_string_value (b, pem);
  json_builder_end_object (b);
  ota_request_reply_json (request, SOUP_STATUS_OK, json_builder_get_root (b));
  return TRUE;
}

static gboolean
list_modules (OtaRequest  *request,
              GError     **error)
{
  g_autoptr(GPtrArray) modules = ota_engine_list_modules (ENGINE (request), request->params[0], error);

  if (modules == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK,
                          ota_json_from_list (modules, (OtaJsonFromFunc) ota_json_from_module));
  return TRUE;
}

const OtaRoute ota_server_product_routes[] = {
  { "GET",  "/api/v1/products", list_products, 0, NULL },
  { "POST", "/api/v1/products", add_product, OTA_ROUTE_WRITE, NULL },
  { "GET",  "/api/v1/products/*", get_product, 0, NULL },
  { "POST", "/api/v1/products/*/secure-upgrade", set_secure_upgrade, OTA_ROUTE_WRITE, NULL },
  { "GET",  "/api/v1/products/*/public-key", get_public_key, 0, NULL },
  { "GET",  "/api/v1/products/*/modules", list_modules, 0, NULL },
  { NULL }
};
