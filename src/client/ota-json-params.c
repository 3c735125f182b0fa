/* ota-json-params.c — queries and the firmware upload's spec as URL query parameters,
 * and the API's error body */
#include <glib/gi18n-lib.h>

#include "ota-json-private.h"
#include "ota-spec-copy.h"

static GHashTable *
params_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

static void
put (GHashTable *params,
     const char *name,
     const char *value)
{
  if (value != NULL)
    g_hash_table_insert (params, (gpointer) name, g_strdup (value));
}

static void
put_uint (GHashTable *params,
          const char *name,
          guint       value)
{
  g_hash_table_insert (params, (gpointer) name, g_strdup_printf ("%u", value));
}

static gboolean
check_params (GHashTable          *params,
              const char * const  *allowed,
              GError             **error)
{
  GHashTableIter iter;
  gpointer name;

  if (params == NULL)
    return TRUE;
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    if (!g_strv_contains (allowed, name))
      {
        ota_json_set_member_error (error, name, _("Unknown parameter “%s”"), (const char *) name);
        return FALSE;
      }
  return TRUE;
}

static const char *
param (GHashTable *params,
       const char *name)
{
  return params != NULL ? g_hash_table_lookup (params, name) : NULL;
}

/* "a,b,c" → {a, b, c}; NULL → NULL. */
static GStrv
split_list (const char *text)
{
  if (text == NULL)
    return NULL;
  if (*text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, ",", -1);
}

/* ---- Devices ---------------------------------------------------------------------- */

static const char * const device_sorts[] = { "name", "region", "online", "updated", NULL };

GHashTable *
ota_json_device_query_to_params (const OtaDeviceQuery *query)
{
  GHashTable *params = params_new ();

  put (params, "search", query->search);
  if (query->online >= 0)
    put (params, "online", query->online ? "true" : "false");
  put (params, "province", query->province);
  put (params, "city", query->city);
  put (params, "module", query->module);
  if (query->versions != NULL)
    g_hash_table_insert (params, "versions", g_strjoinv (",", (char **) query->versions));
  put (params, "sort", device_sorts[CLAMP (query->sort, 0, G_N_ELEMENTS (device_sorts) - 2)]);
  put (params, "desc", query->descending ? "true" : "false");
  put_uint (params, "offset", query->offset);
  put_uint (params, "limit", query->limit);
  return params;
}

OtaDeviceQuery *
ota_json_device_query_from_params (GHashTable  *params,
                                   const char  *product_key,
                                   GError     **error)
{
  static const char * const allowed[] = {
    "search", "online", "province", "city", "module", "versions", "sort", "desc", "offset",
    "limit", NULL
  };
  const OtaDeviceQuery defaults = OTA_DEVICE_QUERY_INIT;
  g_autoptr(OtaDeviceQuery) query = g_memdup2 (&defaults, sizeof defaults);
  const char *text;

  if (!check_params (params, allowed, error))
    return NULL;

  query->product_key = g_strdup (product_key);
  query->search = g_strdup (param (params, "search"));
  query->province = g_strdup (param (params, "province"));
  query->city = g_strdup (param (params, "city"));
  query->module = g_strdup (param (params, "module"));
  query->versions = (const char * const *) split_list (param (params, "versions"));

  if ((text = param (params, "online")) != NULL && !g_str_equal (text, "any"))
    {
      gboolean online;

      if (!ota_json_parse_bool ("online", text, &online, error))
        return NULL;
      query->online = online ? 1 : 0;
    }
  if ((text = param (params, "sort")) != NULL)
    {
      guint i;

      for (i = 0; device_sorts[i] != NULL && !g_str_equal (device_sorts[i], text); i++)
        ;
      if (device_sorts[i] == NULL)
        {
          g_autofree char *names = g_strjoinv (", ", (char **) device_sorts);
          ota_json_set_member_error (error, "sort", _("“%s” must be one of: %s"), "sort", names);
          return NULL;
        }
      query->sort = (OtaDeviceSort) i;
    }
  if (((text = param (params, "desc")) != NULL && !ota_json_parse_bool ("desc", text, &query->descending, error)) ||
      ((text = param (params, "offset")) != NULL && !ota_json_parse_uint ("offset", text, &query->offset, error)) ||
      ((text = param (params, "limit")) != NULL && !ota_json_parse_uint ("limit", text, &query->limit, error)))
    return NULL;

  return g_steal_pointer (&query);
}

/* ---- Tasks -------------------------------------------------------------------------- */

static const char * const task_sorts[] = { "device", "status", "updated", "progress", NULL };

GHashTable *
ota_json_task_query_to_params (const OtaTaskQuery *query)
{
  GHashTable *params = params_new ();

  if (query->status >= 0)
    put (params, "status", ota_enum_to_nick (OTA_TYPE_TASK_STATUS, query->status));
  put (params, "search", query->search);
  put (params, "sort", task_sorts[CLAMP (query->sort, 0, G_N_ELEMENTS (task_sorts) - 2)]);
  put (params, "desc", query->descending ? "true" : "false");
  put_uint (params, "offset", query->offset);
  put_uint (params, "limit", query->limit);
  return params;
}

OtaTaskQuery *
ota_json_task_query_from_params (GHashTable  *params,
                                 GError     **error)
{
  static const char * const allowed[] = { "status", "search", "sort", "desc", "offset", "limit", NULL };
  const OtaTaskQuery defaults = OTA_TASK_QUERY_INIT;
  g_autoptr(OtaTaskQuery) query = g_memdup2 (&defaults, sizeof defaults);
  const char *text;

  if (!check_params (params, allowed, error))
    return NULL;

  query->search = g_strdup (param (params, "search"));
  if ((text = param (params, "status")) != NULL && !g_str_equal (text, "any") &&
      !ota_json_parse_enum ("status", OTA_TYPE_TASK_STATUS, text, &query->status, error))
    return NULL;
  if ((text = param (params, "sort")) != NULL)
    {
      guint i;

      for (i = 0; task_sorts[i] != NULL && !g_str_equal (task_sorts[i], text); i++)
        ;
      if (task_sorts[i] == NULL)
        {
          g_autofree char *names = g_strjoinv (", ", (char **) task_sorts);
          ota_json_set_member_error (error, "sort", _("“%s” must be one of: %s"), "sort", names);
          return NULL;
        }
      query->sort = (OtaTaskSort) i;
    }
  if (((text = param (params, "desc")) != NULL && !ota_json_parse_bool ("desc", text, &query->descending, error)) ||
      ((text = param (params, "offset")) != NULL && !ota_json_parse_uint ("offset", text, &query->offset, error)) ||
      ((text = param (params, "limit")) != NULL && !ota_json_parse_uint ("limit", text, &query->limit, error)))
    return NULL;

  return g_steal_pointer (&query);
}

/* ---- Firmware upload ---------------------------------------------------------------------- */

GHashTable *
ota_json_firmware_spec_to_params (const OtaFirmwareSpec *spec)
{
  GHashTable *params = params_new ();

  put (params, "name", spec->name);
  put (params, "type", ota_enum_to_nick (OTA_TYPE_FIRMWARE_TYPE, spec->type));
  put (params, "version", spec->version);
  if (spec->source_versions != NULL)
    g_hash_table_insert (params, "source_versions", g_strjoinv (",", (char **) spec->source_versions));
  put (params, "module", spec->module);
  put (params, "sign_algorithm", ota_enum_to_nick (OTA_TYPE_SIGN_ALGORITHM, spec->sign_algorithm));
  put (params, "description", spec->description);
  return params;
}

/* "file_name" is the upload's own parameter: the server reads it, the spec has none. */
OtaFirmwareSpec *
ota_json_firmware_spec_from_params (GHashTable  *params,
                                    const char  *product_key,
                                    GError     **error)
{
  static const char * const allowed[] = {
    "name", "type", "version", "source_versions", "module", "sign_algorithm", "description",
    "file_name", NULL
  };
  g_autoptr(OtaFirmwareSpec) spec = g_new0 (OtaFirmwareSpec, 1);
  const char *text;

  if (!check_params (params, allowed, error))
    return NULL;

  spec->product_key = g_strdup (product_key);
  spec->name = g_strdup (param (params, "name"));
  spec->version = g_strdup (param (params, "version"));
  spec->source_versions = (const char * const *) split_list (param (params, "source_versions"));
  spec->module = g_strdup (param (params, "module"));
  spec->description = g_strdup (param (params, "description"));

  if ((text = param (params, "type")) != NULL &&
      !ota_json_parse_enum ("type", OTA_TYPE_FIRMWARE_TYPE, text, (int *) &spec->type, error))
    return NULL;
  if ((text = param (params, "sign_algorithm")) != NULL &&
      !ota_json_parse_enum ("sign_algorithm", OTA_TYPE_SIGN_ALGORITHM, text,
                            (int *) &spec->sign_algorithm, error))
    return NULL;

  return g_steal_pointer (&spec);
}

/* ---- Errors -------------------------------------------------------------------------------- */

const char *
ota_json_error_code (const GError *error)
{
  if (error->domain == OTA_ERROR)
    return ota_error_code_to_string (error->code);
  if (error->domain == JSON_PARSER_ERROR)
    return "invalid-json";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return "not-supported";
  return "internal";
}

JsonNode *
ota_json_from_error (const GError *error)
{
  g_autofree char *member = ota_json_member_for_field (ota_error_get_field (error));
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  ota_json_add_string (b, "code", ota_json_error_code (error));
  ota_json_add_string (b, "field", member);
  ota_json_add_string (b, "message", error->message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

GError *
ota_json_to_error (JsonNode *body)
{
  static const struct {
    const char *code;
    int         ota_code;
  } codes[] = {
    { "invalid-field", OTA_ERROR_INVALID_FIELD },
    { "invalid-json",  OTA_ERROR_INVALID_FIELD },
    { "not-found",     OTA_ERROR_NOT_FOUND },
    { "conflict",      OTA_ERROR_CONFLICT },
    { "store",         OTA_ERROR_STORE },
    { "io",            OTA_ERROR_IO },
    { "crypto",        OTA_ERROR_CRYPTO },
  };
  JsonObject *o = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  g_autofree char *code = NULL, *member = NULL, *message = NULL, *field = NULL;
  GError *error = NULL;

  if (o == NULL ||
      !ota_json_get_string (o, "code", TRUE, &code, NULL) ||
      !ota_json_get_string (o, "field", FALSE, &member, NULL) ||
      !ota_json_get_string (o, "message", TRUE, &message, NULL))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                _("The server answered with an error it did not explain"));

  field = ota_json_field_for_member (member);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (code, codes[i].code))
      {
        ota_error_set_field (&error, codes[i].ota_code, field, "%s", message);
        return error;
      }

  /* A body over the server's limit: for an upload, the file is too large (the remote
   * backend names the field "file" then, as the engine does). */
  if (g_str_equal (code, "too-large"))
    {
      ota_error_set_field (&error, OTA_ERROR_INVALID_FIELD, field, "%s", message);
      return error;
    }
  /* "No such endpoint" (an older or newer server) is not "no such product". */
  if (g_str_equal (code, "not-supported") || g_str_equal (code, "no-endpoint") ||
      g_str_equal (code, "method-not-allowed"))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, message);
  if (g_str_equal (code, "unauthorised") || g_str_equal (code, "forbidden"))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, message);
  if (g_str_equal (code, "unavailable"))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BUSY, message);
  if (g_str_equal (code, "bad-request") || g_str_equal (code, "range-not-satisfiable"))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);
}
