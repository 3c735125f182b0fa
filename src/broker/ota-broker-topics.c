/* ota-broker-topics.c: topic rules for devices and the OTA server. */
#include "ota-broker-topics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A device topic is prefix + "{pk}/{dn}" + suffix. */
typedef struct
{
  const char *prefix;
  const char *suffix;
} DeviceTopic;

static const DeviceTopic uplink_topics[] = {
  { "/ota/device/inform/", "" },                 /* version report (R-E2) */
  { "/ota/device/progress/", "" },               /* progress report (R-E3) */
  { "/sys/", "/thing/ota/firmware/get" },        /* the device asks for its upgrade */
};

static const DeviceTopic downlink_topics[] = {
  { "/ota/device/upgrade/", "" },                /* the upgrade notice (R-E4) */
  { "/sys/", "/thing/ota/firmware/get_reply" },  /* the answer to firmware/get */
};

/* The same topics level by level, for the server's "+" filters: "@pk", "@dn"
 * and "@kind" (an uplink kind) are variable levels, the others literal. */
static const char *const server_patterns[][9] = {
  { "", "ota", "device", "@kind", "@pk", "@dn", NULL },
  { "", "sys", "@pk", "@dn", "thing", "ota", "firmware", "get", NULL },
  { "$ota", "presence", "@pk", "@dn", NULL },
};

static bool
text_is (const char *text,
         size_t      len,
         const char *word)
{
  return strlen (word) == len && memcmp (text, word, len) == 0;
}

static bool
is_device_topic (const OtaBrokerDevice *device,
                 const DeviceTopic     *form,
                 const char            *topic)
{
  size_t prefix_len = strlen (form->prefix);
  size_t pk_len = strlen (device->product_key);
  size_t dn_len = strlen (device->device_name);
  const char *p = topic;

  if (strncmp (p, form->prefix, prefix_len) != 0)
    return false;
  p += prefix_len;
  if (strncmp (p, device->product_key, pk_len) != 0 || p[pk_len] != '/')
    return false;
  p += pk_len + 1;
  if (strncmp (p, device->device_name, dn_len) != 0)
    return false;
  p += dn_len;

  return strcmp (p, form->suffix) == 0;
}

bool
ota_broker_device_may_publish (const OtaBrokerDevice *device,
                               const char            *topic)
{
  for (size_t i = 0; i < sizeof uplink_topics / sizeof uplink_topics[0]; i++)
    if (is_device_topic (device, &uplink_topics[i], topic))
      return true;

  return false;
}

bool
ota_broker_device_may_receive (const OtaBrokerDevice *device,
                               const char            *topic)
{
  /* Exact topics only: a device subscribes without wildcards. */
  for (size_t i = 0; i < sizeof downlink_topics / sizeof downlink_topics[0]; i++)
    if (is_device_topic (device, &downlink_topics[i], topic))
      return true;

  return false;
}

static bool
level_matches (const char *level,
               size_t      len,
               const char *spec,
               bool        allow_plus)
{
  if (spec[0] != '@')
    return text_is (level, len, spec);

  if (allow_plus && text_is (level, len, "+"))
    return true;
  if (strcmp (spec, "@pk") == 0)
    return ota_broker_valid_product_key (level, len);
  if (strcmp (spec, "@dn") == 0)
    return ota_broker_valid_device_name (level, len);

  return text_is (level, len, "inform") || text_is (level, len, "progress");
}

static bool
matches_pattern (const char        *topic,
                 const char *const *pattern,
                 bool               allow_plus)
{
  const char *p = topic;
  size_t i = 0;

  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t len = slash != NULL ? (size_t) (slash - p) : strlen (p);

      if (pattern[i] == NULL || !level_matches (p, len, pattern[i], allow_plus))
        return false;
      i++;
      if (slash == NULL)
        break;
      p = slash + 1;
    }

  return pattern[i] == NULL;
}

static bool
matches_server_patterns (const char *topic,
                         bool        allow_plus)
{
  for (size_t i = 0; i < sizeof server_patterns / sizeof server_patterns[0]; i++)
    if (matches_pattern (topic, server_patterns[i], allow_plus))
      return true;

  return false;
}

bool
ota_broker_server_may_subscribe (const char *filter)
{
  return matches_server_patterns (filter, true);
}

bool
ota_broker_server_may_receive (const char *topic)
{
  return matches_server_patterns (topic, false);
}

bool
ota_broker_server_may_publish (const char *topic)
{
  OtaBrokerDevice device;
  const char *real_topic;

  return ota_broker_parse_downlink (topic, &device, &real_topic);
}

bool
ota_broker_parse_downlink (const char      *topic,
                           OtaBrokerDevice *device,
                           const char     **real_topic)
{
  size_t prefix_len = strlen (OTA_BROKER_DOWNLINK_PREFIX);
  const char *pk, *dn, *slash;
  size_t pk_len, dn_len;

  if (strncmp (topic, OTA_BROKER_DOWNLINK_PREFIX, prefix_len) != 0)
    return false;

  pk = topic + prefix_len;
  slash = strchr (pk, '/');
  if (slash == NULL)
    return false;
  pk_len = (size_t) (slash - pk);

  dn = slash + 1;
  slash = strchr (dn, '/');
  if (slash == NULL)
    return false;
  dn_len = (size_t) (slash - dn);

  if (!ota_broker_valid_product_key (pk, pk_len) || !ota_broker_valid_device_name (dn, dn_len))
    return false;

  memcpy (device->product_key, pk, pk_len);
  device->product_key[pk_len] = '\0';
  memcpy (device->device_name, dn, dn_len);
  device->device_name[dn_len] = '\0';

  /* Only the device's own downlink topics: a mistake in the server must not
   * send one device's notice on another device's topic. */
  if (!ota_broker_device_may_receive (device, slash))
    return false;

  *real_topic = slash;
  return true;
}

void
ota_broker_device_key (const OtaBrokerDevice *device,
                       char                   key[OTA_BROKER_PRODUCT_KEY_MAX + 1 + OTA_BROKER_DEVICE_NAME_MAX + 1])
{
  size_t pk_len = strlen (device->product_key);

  memcpy (key, device->product_key, pk_len);
  key[pk_len] = '/';
  strcpy (key + pk_len + 1, device->device_name);
}

char *
ota_broker_presence_topic (const OtaBrokerDevice *device)
{
  size_t len = strlen (OTA_BROKER_PRESENCE_PREFIX) + strlen (device->product_key) + 1 +
               strlen (device->device_name);
  char *topic = malloc (len + 1);

  if (topic == NULL)
    return NULL;
  snprintf (topic, len + 1, "%s%s/%s", OTA_BROKER_PRESENCE_PREFIX,
            device->product_key, device->device_name);

  return topic;
}

char *
ota_broker_presence_payload (bool        online,
                             const char *client_id,
                             size_t     *len)
{
  static const char head_online[] = "{\"state\":\"online\",\"clientId\":\"";
  static const char head_offline[] = "{\"state\":\"offline\",\"clientId\":\"";
  const char *head = online ? head_online : head_offline;
  size_t head_len = strlen (head);
  size_t id_len = client_id != NULL ? strlen (client_id) : 0;
  /* Worst case every byte becomes "\u00XX"; then "\"}" and NUL. */
  char *payload = malloc (head_len + 6 * id_len + 3);
  char *out;

  if (payload == NULL)
    return NULL;

  memcpy (payload, head, head_len);
  out = payload + head_len;
  for (size_t i = 0; i < id_len; i++)
    {
      unsigned char c = (unsigned char) client_id[i];

      if (c == '"' || c == '\\')
        {
          *out++ = '\\';
          *out++ = (char) c;
        }
      else if (c < 0x20)
        {
          snprintf (out, 7, "\\u%04x", c);
          out += 6;
        }
      else
        *out++ = (char) c;
    }
  *out++ = '"';
  *out++ = '}';
  *out = '\0';
  *len = (size_t) (out - payload);

  return payload;
}
