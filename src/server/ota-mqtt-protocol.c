/* ota-mqtt-protocol.c — topics and JSON of Alibaba's OTA device protocol
 *
 * The device SDKs do not parse JSON: they look for "key": by substring and take what
 * follows. So the notice is written compact, in one fixed member order, with the
 * spellings they compare against ("Md5", "SHA256"). What devices send is parsed with
 * json-glib and accepted in every shape the SDKs produce.
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-mqtt-protocol.h"

#define DOWNLINK_PREFIX "$ota/downlink/"
#define INFORM_PREFIX "/ota/device/inform/"
#define PROGRESS_PREFIX "/ota/device/progress/"
#define PRESENCE_PREFIX "$ota/presence/"
#define SYS_PREFIX "/sys/"
#define GET_SUFFIX "/thing/ota/firmware/get"

const char * const ota_mqtt_server_filters[] = {
  INFORM_PREFIX "+/+",
  PROGRESS_PREFIX "+/+",
  SYS_PREFIX "+/+" GET_SUFFIX,
  PRESENCE_PREFIX "+/+",
  NULL,
};

/* "{pk}/{dn}" of @length bytes: exactly one '/', both parts non-empty. */
static gboolean
split_device (const char  *text,
              gsize        length,
              char       **product_key,
              char       **device_name)
{
  const char *slash = memchr (text, '/', length);
  gsize pk_length;

  if (slash == NULL || slash == text || (gsize) (slash - text) + 1 >= length ||
      memchr (slash + 1, '/', length - (gsize) (slash - text) - 1) != NULL)
    return FALSE;

  pk_length = (gsize) (slash - text);
  *product_key = g_strndup (text, pk_length);
  *device_name = g_strndup (slash + 1, length - pk_length - 1);
  return TRUE;
}

OtaMqttTopicKind
ota_mqtt_parse_topic (const char  *topic,
                      char       **product_key,
                      char       **device_name)
{
  static const struct {
    const char       *prefix;
    OtaMqttTopicKind  kind;
  } simple[] = {
    { INFORM_PREFIX, OTA_MQTT_TOPIC_INFORM },
    { PROGRESS_PREFIX, OTA_MQTT_TOPIC_PROGRESS },
    { PRESENCE_PREFIX, OTA_MQTT_TOPIC_PRESENCE },
  };
  gsize length;

  g_return_val_if_fail (topic != NULL, OTA_MQTT_TOPIC_OTHER);

  *product_key = NULL;
  *device_name = NULL;
  length = strlen (topic);

  for (gsize i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      gsize prefix_length = strlen (simple[i].prefix);

      if (length > prefix_length && strncmp (topic, simple[i].prefix, prefix_length) == 0)
        return split_device (topic + prefix_length, length - prefix_length, product_key, device_name)
               ? simple[i].kind : OTA_MQTT_TOPIC_OTHER;
    }

  if (g_str_has_prefix (topic, SYS_PREFIX) && g_str_has_suffix (topic, GET_SUFFIX) &&
      length > strlen (SYS_PREFIX) + strlen (GET_SUFFIX) &&
      split_device (topic + strlen (SYS_PREFIX), length - strlen (SYS_PREFIX) - strlen (GET_SUFFIX),
                    product_key, device_name))
    return OTA_MQTT_TOPIC_FIRMWARE_GET;

  return OTA_MQTT_TOPIC_OTHER;
}

char *
ota_mqtt_notice_topic (const char *product_key,
                       const char *device_name)
{
  return g_strdup_printf (DOWNLINK_PREFIX "%s/%s/ota/device/upgrade/%s/%s",
                          product_key, device_name, product_key, device_name);
}

char *
ota_mqtt_get_reply_topic (const char *product_key,
                          const char *device_name)
{
  return g_strdup_printf (DOWNLINK_PREFIX "%s/%s" SYS_PREFIX "%s/%s" GET_SUFFIX "_reply",
                          product_key, device_name, product_key, device_name);
}

void
ota_mqtt_uplink_clear (OtaMqttUplink *uplink)
{
  g_clear_pointer (&uplink->version, g_free);
  g_clear_pointer (&uplink->module, g_free);
  g_clear_pointer (&uplink->description, g_free);
  g_clear_pointer (&uplink->id, json_node_unref);
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return FALSE;
}

/* A string member; *value NULL when it is missing. FALSE when it is not a string. */
static gboolean
get_string (JsonObject  *object,
            const char  *name,
            char       **value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *value = json_node_dup_string (node);
  return TRUE;
}

/* The SDKs send the step as a string ("45"); some firmwares as a number. */
static gboolean
get_step (JsonObject *params,
          int        *step)
{
  JsonNode *node = json_object_get_member (params, "step");
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      value = CLAMP (json_node_get_int (node), -1000, 1000);
    }
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *text = g_strstrip (json_node_dup_string (node));

      if (!g_ascii_string_to_signed (text, 10, -1000, 1000, &value, NULL))
        return FALSE;
    }
  else
    {
      return FALSE;
    }

  /* Out of range stays out of range (the engine refuses it, naming the field). */
  *step = (int) value;
  return TRUE;
}

gboolean
ota_mqtt_parse_uplink (OtaMqttTopicKind  kind,
                       const void       *payload,
                       gsize             length,
                       OtaMqttUplink    *uplink,
                       GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root, *params = NULL;
  JsonNode *node;
  g_autofree char *state = NULL;

  memset (uplink, 0, sizeof *uplink);

  if (length > G_MAXSSIZE || !json_parser_load_from_data (parser, payload, (gssize) length, error))
    return FALSE;

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, _("The message is not a JSON object"));
  root = json_node_get_object (node);

  node = json_object_get_member (root, "params");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    params = json_node_get_object (node);

  switch (kind)
    {
    case OTA_MQTT_TOPIC_INFORM:
      if (!get_string (params, "version", &uplink->version) || uplink->version == NULL ||
          !get_string (params, "module", &uplink->module))
        return invalid (error, _("A version report needs params.version and an optional params.module"));
      return TRUE;

    case OTA_MQTT_TOPIC_PROGRESS:
      if (params == NULL || !get_step (params, &uplink->step) ||
          !get_string (params, "desc", &uplink->description) ||
          !get_string (params, "module", &uplink->module))
        return invalid (error, _("A progress report needs params.step and optional params.desc and params.module"));
      return TRUE;

    case OTA_MQTT_TOPIC_FIRMWARE_GET:
      node = json_object_get_member (root, "id");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        uplink->id = json_node_copy (node);
      if (!get_string (params, "module", &uplink->module))
        return invalid (error, _("params.module of firmware/get must be a string"));
      return TRUE;

    case OTA_MQTT_TOPIC_PRESENCE:
      if (!get_string (root, "state", &state) ||
          (g_strcmp0 (state, "online") != 0 && g_strcmp0 (state, "offline") != 0))
        return invalid (error, _("Presence state must be online or offline"));
      uplink->online = g_str_equal (state, "online");
      return TRUE;

    case OTA_MQTT_TOPIC_OTHER:
    default:
      return invalid (error, _("Not a device topic"));
    }
}

/* The data object of a notice: the member order is part of the format. */
static void
add_notice_data (JsonBuilder            *builder,
                 const OtaUpgradeNotice *notice,
                 const char             *url)
{
  gboolean md5 = notice->sign_algorithm == OTA_SIGN_ALGORITHM_MD5;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) notice->size);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, notice->version);
  json_builder_set_member_name (builder, "isDiff");
  json_builder_add_int_value (builder, notice->is_diff ? 1 : 0);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  if (md5)
    {
      /* iotkit-embedded 3.x reads "md5"; Link SDK 4.x reads "sign" + "signMethod". */
      json_builder_set_member_name (builder, "md5");
      json_builder_add_string_value (builder, notice->digest);
    }
  json_builder_set_member_name (builder, "sign");
  json_builder_add_string_value (builder, notice->digest);
  json_builder_set_member_name (builder, "signMethod");
  /* Link SDK 4.x accepts exactly "Md5", "SHA256" or "Sha256" (not the documented "MD5"). */
  json_builder_add_string_value (builder, md5 ? "Md5" : "SHA256");
  json_builder_set_member_name (builder, "module");
  json_builder_add_string_value (builder, notice->module);
  json_builder_set_member_name (builder, "extData");
  json_builder_begin_object (builder);
  if (notice->signature != NULL)
    {
      /* Secure upgrade (R-P3): the ECDSA signature over the digest, base64. */
      json_builder_set_member_name (builder, "signature");
      json_builder_add_string_value (builder, notice->signature);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/**
 * ota_mqtt_format_notice:
 *
 * {"code":"1000","data":{"size":…,"version":…,"isDiff":0,"url":…,["md5":…,]"sign":…,
 * "signMethod":"Md5"|"SHA256","module":…,"extData":{["signature":…]}},"id":…,
 * "message":"success"}
 */
char *
ota_mqtt_format_notice (const OtaUpgradeNotice *notice,
                        const char             *url)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (notice != NULL && url != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, "1000");
  json_builder_set_member_name (builder, "data");
  add_notice_data (builder, notice, url);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, notice->sent_at / 1000);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "success");
  json_builder_end_object (builder);

  return builder_to_string (builder);
}

/**
 * ota_mqtt_format_get_reply:
 *
 * {"code":200,"data":{…notice data…},"id":…,"message":"success"}, or "data":{} when
 * the device has nothing to upgrade.
 */
char *
ota_mqtt_format_get_reply (const OtaUpgradeNotice *notice,
                           const char             *url,
                           JsonNode               *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (notice == NULL || url != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, 200);
  json_builder_set_member_name (builder, "data");
  if (notice != NULL)
    {
      add_notice_data (builder, notice, url);
    }
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  if (id != NULL)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_value (builder, json_node_copy (id));
    }
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "success");
  json_builder_end_object (builder);

  return builder_to_string (builder);
}
