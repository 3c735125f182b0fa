/* ota-json-private.h — what the ota-json files share: typed member access with errors
 * that name the member, and the two-form times */
#pragma once

#include "ota-json.h"

G_BEGIN_DECLS

/* Adds "@member" (µs or null) and "@member_iso" (ISO 8601 or null); @us 0 is unset. */
void         ota_json_add_time        (JsonBuilder  *builder,
                                       const char   *member,
                                       gint64        us);
void         ota_json_add_string      (JsonBuilder  *builder,
                                       const char   *member,
                                       const char   *value);  /* nullable → null */
void         ota_json_add_int         (JsonBuilder  *builder,
                                       const char   *member,
                                       gint64        value);
/* An integer, or null when @value is 0 (unset). */
void         ota_json_add_nonzero     (JsonBuilder  *builder,
                                       const char   *member,
                                       gint64        value);
void         ota_json_add_bool        (JsonBuilder  *builder,
                                       const char   *member,
                                       gboolean      value);
void         ota_json_add_enum        (JsonBuilder  *builder,
                                       const char   *member,
                                       GType         type,
                                       int           value);
void         ota_json_add_strv        (JsonBuilder  *builder,
                                       const char   *member,
                                       const char * const *values);  /* nullable → [] */
char        *ota_json_format_iso      (gint64        us);

/* The object in @node, or an error "must be a JSON object" (@what names it). */
JsonObject  *ota_json_require_object  (JsonNode     *node,
                                       const char   *what,
                                       GError      **error);
/* FALSE with an error naming the first member of @object not in @allowed. */
gboolean     ota_json_check_members   (JsonObject   *object,
                                       const char * const *allowed,
                                       GError      **error);

/* Readers: a missing or null member leaves *@value alone and is an error only when
 * @required. Type errors always are. */
gboolean     ota_json_get_string      (JsonObject   *object,
                                       const char   *member,
                                       gboolean      required,
                                       char        **value,
                                       GError      **error);
gboolean     ota_json_get_bool        (JsonObject   *object,
                                       const char   *member,
                                       gboolean      required,
                                       gboolean     *value,
                                       GError      **error);
gboolean     ota_json_get_int         (JsonObject   *object,
                                       const char   *member,
                                       gboolean      required,
                                       gint64       *value,
                                       GError      **error);
/* A whole number from 0 to G_MAXUINT. */
gboolean     ota_json_get_uint        (JsonObject   *object,
                                       const char   *member,
                                       gboolean      required,
                                       guint        *value,
                                       GError      **error);
gboolean     ota_json_get_enum        (JsonObject   *object,
                                       const char   *member,
                                       GType         type,
                                       gboolean      required,
                                       int          *value,
                                       GError      **error);
/* µs since the epoch, or an ISO 8601 string. */
gboolean     ota_json_get_time        (JsonObject   *object,
                                       const char   *member,
                                       gboolean      required,
                                       gint64       *value,
                                       GError      **error);
gboolean     ota_json_get_strv        (JsonObject   *object,
                                       const char   *member,
                                       gboolean      required,
                                       GStrv        *value,
                                       GError      **error);

/* The same checks for one text value (a query parameter or a member already read). */
gboolean     ota_json_parse_uint      (const char   *name,
                                       const char   *text,
                                       guint        *value,
                                       GError      **error);
gboolean     ota_json_parse_bool      (const char   *name,
                                       const char   *text,
                                       gboolean     *value,
                                       GError      **error);
gboolean     ota_json_parse_enum      (const char   *name,
                                       GType         type,
                                       const char   *text,
                                       int          *value,
                                       GError      **error);
gboolean     ota_json_parse_time      (const char   *name,
                                       const char   *text,
                                       gint64       *value,
                                       GError      **error);

/* Sets OTA_ERROR_INVALID_FIELD on @member (given in API spelling) with @message. */
void         ota_json_set_member_error (GError     **error,
                                        const char  *member,
                                        const char  *format,
                                        ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
