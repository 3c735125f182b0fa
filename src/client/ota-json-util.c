/* ota-json-util.c — typed members with errors naming them, times, field names, parsing */
#include <glib/gi18n-lib.h>

#include "ota-json-private.h"

/* Where the API's member differs from the engine's field beyond '-' → '_'. */
static const struct {
  const char *field;
  const char *member;
} renamed[] = {
  { "timeout", "timeout_minutes" },
};

char *
ota_json_member_for_field (const char *field)
{
  if (field == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (renamed); i++)
    if (g_str_equal (field, renamed[i].field))
      return g_strdup (renamed[i].member);
  return g_strdelimit (g_strdup (field), "-", '_');
}

char *
ota_json_field_for_member (const char *member)
{
  if (member == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (renamed); i++)
    if (g_str_equal (member, renamed[i].member))
      return g_strdup (renamed[i].field);
  return g_strdelimit (g_strdup (member), "_", '-');
}

void
ota_json_set_member_error (GError     **error,
                           const char  *member,
                           const char  *format,
                           ...)
{
  g_autofree char *message = NULL;
  g_autofree char *field = ota_json_field_for_member (member);
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field, "%s", message);
}

/* ---- Writing ------------------------------------------------------------------ */

char *
ota_json_format_iso (gint64 us)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = NULL;

  if (seconds == NULL)
    return NULL;
  exact = g_date_time_add (seconds, us % G_USEC_PER_SEC);
  return exact != NULL ? g_date_time_format_iso8601 (exact) : NULL;
}

void
ota_json_add_time (JsonBuilder *builder,
                   const char  *member,
                   gint64       us)
{
  g_autofree char *iso_member = g_strconcat (member, "_iso", NULL);
  g_autofree char *iso = us != 0 ? ota_json_format_iso (us) : NULL;

  ota_json_add_nonzero (builder, member, us);
  ota_json_add_string (builder, iso_member, iso);
}

void
ota_json_add_string (JsonBuilder *builder,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
ota_json_add_int (JsonBuilder *builder,
                  const char  *member,
                  gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
ota_json_add_nonzero (JsonBuilder *builder,
                      const char  *member,
                      gint64       value)
{
  if (value != 0)
    {
      ota_json_add_int (builder, member, value);
      return;
    }
  json_builder_set_member_name (builder, member);
  json_builder_add_null_value (builder);
}

void
ota_json_add_bool (JsonBuilder *builder,
                   const char  *member,
                   gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

void
ota_json_add_enum (JsonBuilder *builder,
                   const char  *member,
                   GType        type,
                   int          value)
{
  ota_json_add_string (builder, member, ota_enum_to_nick (type, value));
}

void
ota_json_add_strv (JsonBuilder        *builder,
                   const char         *member,
                   const char * const *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* ---- Reading ------------------------------------------------------------------ */

JsonObject *
ota_json_require_object (JsonNode    *node,
                         const char  *what,
                         GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, NULL, _("%s must be a JSON object"), what);
      return NULL;
    }
  return json_node_get_object (node);
}

gboolean
ota_json_check_members (JsonObject          *object,
                        const char * const  *allowed,
                        GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        ota_json_set_member_error (error, l->data, _("Unknown member “%s”"), (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

/* The member's node, NULL when missing or null (an error when @required). */
static JsonNode *
lookup (JsonObject  *object,
        const char  *member,
        gboolean     required,
        gboolean    *ok,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          ota_json_set_member_error (error, member, _("“%s” is required"), member);
          *ok = FALSE;
        }
      return NULL;
    }
  return node;
}

static gboolean
is_value_of (JsonNode *node,
             GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* Like lookup(), and a member that is there must hold a @type value (a string, a
 * boolean or an integer). */
static gboolean
lookup_value (JsonObject  *object,
              const char  *member,
              gboolean     required,
              GType        type,
              JsonNode   **node,
              GError     **error)
{
  gboolean ok;

  *node = lookup (object, member, required, &ok, error);
  if (*node == NULL || is_value_of (*node, type))
    return ok;

  if (type == G_TYPE_STRING)
    ota_json_set_member_error (error, member, _("“%s” must be a string"), member);
  else if (type == G_TYPE_BOOLEAN)
    ota_json_set_member_error (error, member, _("“%s” must be true or false"), member);
  else
    ota_json_set_member_error (error, member, _("“%s” must be a whole number"), member);
  return FALSE;
}

static void
set_uint_error (GError     **error,
                const char  *member)
{
  ota_json_set_member_error (error, member, _("“%s” must be a whole number from 0 to %u"),
                             member, G_MAXUINT);
}

gboolean
ota_json_get_string (JsonObject  *object,
                     const char  *member,
                     gboolean     required,
                     char       **value,
                     GError     **error)
{
  JsonNode *node;

  if (!lookup_value (object, member, required, G_TYPE_STRING, &node, error))
    return FALSE;
  if (node != NULL)
    {
      g_free (*value);
      *value = g_strdup (json_node_get_string (node));
    }
  return TRUE;
}

gboolean
ota_json_get_bool (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   gboolean    *value,
                   GError     **error)
{
  JsonNode *node;

  if (!lookup_value (object, member, required, G_TYPE_BOOLEAN, &node, error))
    return FALSE;
  if (node != NULL)
    *value = json_node_get_boolean (node);
  return TRUE;
}

/* json-glib reads 5.0 as a double: a whole number must be written as one. */
gboolean
ota_json_get_int (JsonObject  *object,
                  const char  *member,
                  gboolean     required,
                  gint64      *value,
                  GError     **error)
{
  JsonNode *node;

  if (!lookup_value (object, member, required, G_TYPE_INT64, &node, error))
    return FALSE;
  if (node != NULL)
    *value = json_node_get_int (node);
  return TRUE;
}

gboolean
ota_json_get_uint (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   guint       *value,
                   GError     **error)
{
  JsonNode *node;
  gint64 v;

  if (!lookup_value (object, member, required, G_TYPE_INT64, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  v = json_node_get_int (node);
  if (v < 0 || v > G_MAXUINT)
    {
      set_uint_error (error, member);
      return FALSE;
    }
  *value = (guint) v;
  return TRUE;
}

gboolean
ota_json_get_enum (JsonObject  *object,
                   const char  *member,
                   GType        type,
                   gboolean     required,
                   int         *value,
                   GError     **error)
{
  gboolean ok;
  JsonNode *node = lookup (object, member, required, &ok, error);

  if (node == NULL)
    return ok;
  return ota_json_parse_enum (member, type,
                              is_value_of (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL,
                              value, error);
}

gboolean
ota_json_get_time (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   gint64      *value,
                   GError     **error)
{
  gboolean ok;
  JsonNode *node = lookup (object, member, required, &ok, error);

  if (node == NULL)
    return ok;
  if (is_value_of (node, G_TYPE_INT64))
    {
      *value = json_node_get_int (node);
      return TRUE;
    }
  return ota_json_parse_time (member, is_value_of (node, G_TYPE_STRING) ? json_node_get_string (node) : "",
                              value, error);
}

gboolean
ota_json_get_strv (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   GStrv       *value,
                   GError     **error)
{
  gboolean ok;
  JsonNode *node = lookup (object, member, required, &ok, error);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (node == NULL)
    return ok;

  builder = g_strv_builder_new ();
  array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_value_of (element, G_TYPE_STRING))
        {
          array = NULL;
          break;
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  if (array == NULL)
    {
      ota_json_set_member_error (error, member, _("“%s” must be a list of strings"), member);
      return FALSE;
    }

  g_strfreev (*value);
  *value = g_strv_builder_end (builder);
  return TRUE;
}

/* ---- Text values ---------------------------------------------------------------- */

gboolean
ota_json_parse_uint (const char  *name,
                     const char  *text,
                     guint       *value,
                     GError     **error)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &v, NULL))
    {
      set_uint_error (error, name);
      return FALSE;
    }
  *value = (guint) v;
  return TRUE;
}

gboolean
ota_json_parse_bool (const char  *name,
                     const char  *text,
                     gboolean    *value,
                     GError     **error)
{
  if (g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "1") == 0)
    *value = TRUE;
  else if (g_strcmp0 (text, "false") == 0 || g_strcmp0 (text, "0") == 0)
    *value = FALSE;
  else
    {
      ota_json_set_member_error (error, name, _("“%s” must be true or false"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
ota_json_parse_enum (const char  *name,
                     GType        type,
                     const char  *text,
                     int         *value,
                     GError     **error)
{
  g_autofree char *nicks = NULL;

  if (text != NULL && ota_enum_from_nick (type, text, value))
    return TRUE;

  nicks = ota_enum_list_nicks (type);
  ota_json_set_member_error (error, name, _("“%s” must be one of: %s"), name, nicks);
  return FALSE;
}

gboolean
ota_json_parse_time (const char  *name,
                     const char  *text,
                     gint64      *value,
                     GError     **error)
{
  g_autoptr(GDateTime) time = NULL;
  gint64 us;

  if (text != NULL && g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &us, NULL))
    {
      *value = us;
      return TRUE;
    }

  time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  if (time == NULL)
    {
      ota_json_set_member_error (error, name,
                                 _("“%s” must be a time: microseconds since 1970 or an ISO 8601 "
                                   "date and time with a time zone"), name);
      return FALSE;
    }
  *value = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}

/* ---- Documents ---------------------------------------------------------------------- */

JsonNode *
ota_json_parse (const char  *data,
                gsize        length,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", (gssize) length, error))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("The request body is empty: a JSON document was expected"));
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

char *
ota_json_to_string (JsonNode *node,
                    gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, length);
}
