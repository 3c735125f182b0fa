/* ota-broker-login.c: checking an Alibaba-style device login. */
#include "ota-broker-login.h"

#include "ota-device-secret.h"

#include <string.h>

/* The SDKs put at most a 13-digit millisecond count there; allow some room. */
#define TIMESTAMP_MAX 20

static bool
is_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool
ota_broker_valid_product_key (const char *text,
                              size_t      len)
{
  if (len == 0 || len > OTA_BROKER_PRODUCT_KEY_MAX)
    return false;

  for (size_t i = 0; i < len; i++)
    if (!is_alnum (text[i]) && text[i] != '-' && text[i] != '_')
      return false;

  return true;
}

bool
ota_broker_valid_device_name (const char *text,
                              size_t      len)
{
  if (len < OTA_BROKER_DEVICE_NAME_MIN || len > OTA_BROKER_DEVICE_NAME_MAX)
    return false;

  for (size_t i = 0; i < len; i++)
    if (!is_alnum (text[i]) && strchr ("-_@.:", text[i]) == NULL)
      return false;

  return true;
}

bool
ota_broker_parse_username (const char      *username,
                           OtaBrokerDevice *device)
{
  const char *amp;
  size_t dn_len, pk_len;

  if (username == NULL || (amp = strchr (username, '&')) == NULL)
    return false;

  dn_len = (size_t) (amp - username);
  pk_len = strlen (amp + 1);
  /* Neither part may contain "&", so a second one fails the product key check. */
  if (!ota_broker_valid_device_name (username, dn_len) ||
      !ota_broker_valid_product_key (amp + 1, pk_len))
    return false;

  memcpy (device->device_name, username, dn_len);
  device->device_name[dn_len] = '\0';
  memcpy (device->product_key, amp + 1, pk_len + 1);

  return true;
}

static bool
text_is (const char *text,
         size_t      len,
         const char *word)
{
  return text != NULL && strlen (word) == len && memcmp (text, word, len) == 0;
}

OtaBrokerLoginResult
ota_broker_parse_client_id (const char        *client_id,
                            OtaBrokerClientId *parsed)
{
  const char *bar, *params, *end;

  memset (parsed, 0, sizeof *parsed);
  if (client_id == NULL || (bar = strchr (client_id, '|')) == NULL)
    return OTA_BROKER_LOGIN_BAD_CLIENT_ID;

  /* "{id}|params|": the second "|" must end the string. */
  params = bar + 1;
  end = strchr (params, '|');
  if (end == NULL || end[1] != '\0')
    return OTA_BROKER_LOGIN_BAD_CLIENT_ID;

  parsed->id = client_id;
  parsed->id_len = (size_t) (bar - client_id);
  if (parsed->id_len == 0 || parsed->id_len > OTA_BROKER_CLIENT_ID_PREFIX_MAX)
    return OTA_BROKER_LOGIN_BAD_CLIENT_ID;

  for (const char *p = params; p < end;)
    {
      const char *comma = memchr (p, ',', (size_t) (end - p));
      const char *eq;

      if (comma == NULL)
        comma = end;

      /* Empty pairs happen: some SDK versions end the list with a comma. */
      if (comma > p)
        {
          const char **value;
          size_t *value_len;
          size_t key_len;

          eq = memchr (p, '=', (size_t) (comma - p));
          if (eq == NULL)
            return OTA_BROKER_LOGIN_BAD_CLIENT_ID;
          key_len = (size_t) (eq - p);

          if (text_is (p, key_len, "securemode"))
            value = &parsed->securemode, value_len = &parsed->securemode_len;
          else if (text_is (p, key_len, "signmethod"))
            value = &parsed->signmethod, value_len = &parsed->signmethod_len;
          else if (text_is (p, key_len, "timestamp"))
            value = &parsed->timestamp, value_len = &parsed->timestamp_len;
          else
            value = NULL, value_len = NULL;

          if (value != NULL)
            {
              /* A repeated parameter is ambiguous: which one did the device sign? */
              if (*value != NULL)
                return OTA_BROKER_LOGIN_BAD_CLIENT_ID;
              *value = eq + 1;
              *value_len = (size_t) (comma - eq - 1);
            }
        }
      p = comma + 1;
    }

  /* 2: TLS, 3: plain TCP. Other modes (ID² and the like) are not offered. */
  if (!text_is (parsed->securemode, parsed->securemode_len, "2") &&
      !text_is (parsed->securemode, parsed->securemode_len, "3"))
    return OTA_BROKER_LOGIN_BAD_SECUREMODE;

  if (!text_is (parsed->signmethod, parsed->signmethod_len, "hmacsha256"))
    return OTA_BROKER_LOGIN_BAD_SIGNMETHOD;

  if (parsed->timestamp != NULL)
    {
      if (parsed->timestamp_len == 0 || parsed->timestamp_len > TIMESTAMP_MAX)
        return OTA_BROKER_LOGIN_BAD_TIMESTAMP;
      for (size_t i = 0; i < parsed->timestamp_len; i++)
        if (parsed->timestamp[i] < '0' || parsed->timestamp[i] > '9')
          return OTA_BROKER_LOGIN_BAD_TIMESTAMP;
    }

  return OTA_BROKER_LOGIN_OK;
}

bool
ota_broker_secret_equal (const char *a,
                         size_t      a_len,
                         const char *b,
                         size_t      b_len)
{
  unsigned char diff = 0;

  if (a_len != b_len)
    return false;

  for (size_t i = 0; i < a_len; i++)
    diff |= (unsigned char) (a[i] ^ b[i]);

  return diff == 0;
}

OtaBrokerLoginResult
ota_broker_check_device_login (const void      *master_key,
                               size_t           master_key_len,
                               const char      *client_id,
                               const char      *username,
                               const char      *password,
                               OtaBrokerDevice *device)
{
  char id[OTA_BROKER_CLIENT_ID_PREFIX_MAX + 1];
  char timestamp[TIMESTAMP_MAX + 1];
  char secret[OTA_DEVICE_SECRET_LEN + 1];
  char expected[OTA_DEVICE_PASSWORD_LEN + 1];
  char given[OTA_DEVICE_PASSWORD_LEN];
  OtaBrokerDevice parsed_device;
  OtaBrokerClientId parsed;
  OtaBrokerLoginResult result;
  bool same;

  if (!ota_broker_parse_username (username, &parsed_device))
    return OTA_BROKER_LOGIN_BAD_USERNAME;

  result = ota_broker_parse_client_id (client_id, &parsed);
  if (result != OTA_BROKER_LOGIN_OK)
    return result;

  if (password == NULL || strlen (password) != OTA_DEVICE_PASSWORD_LEN)
    return OTA_BROKER_LOGIN_BAD_PASSWORD;

  memcpy (id, parsed.id, parsed.id_len);
  id[parsed.id_len] = '\0';
  if (parsed.timestamp != NULL)
    {
      memcpy (timestamp, parsed.timestamp, parsed.timestamp_len);
      timestamp[parsed.timestamp_len] = '\0';
    }

  if (ota_device_secret_derive (master_key, master_key_len, parsed_device.product_key,
                                parsed_device.device_name, secret) < 0 ||
      ota_device_password_sign (secret, id, parsed_device.product_key, parsed_device.device_name,
                                parsed.timestamp != NULL ? timestamp : NULL, expected) < 0)
    return OTA_BROKER_LOGIN_INTERNAL_ERROR;

  /* The SDKs send upper-case hex; lower case carries the same MAC, so take it too. */
  for (size_t i = 0; i < OTA_DEVICE_PASSWORD_LEN; i++)
    {
      char c = password[i];

      given[i] = (c >= 'a' && c <= 'f') ? (char) (c - 'a' + 'A') : c;
    }

  same = ota_broker_secret_equal (given, sizeof given, expected, OTA_DEVICE_PASSWORD_LEN);
  memset (secret, 0, sizeof secret);
  memset (expected, 0, sizeof expected);
  if (!same)
    return OTA_BROKER_LOGIN_BAD_PASSWORD;

  *device = parsed_device;
  return OTA_BROKER_LOGIN_OK;
}

const char *
ota_broker_login_result_describe (OtaBrokerLoginResult result)
{
  switch (result)
    {
    case OTA_BROKER_LOGIN_OK:
      return "accepted";
    case OTA_BROKER_LOGIN_BAD_USERNAME:
      return "username is not \"{deviceName}&{productKey}\"";
    case OTA_BROKER_LOGIN_BAD_CLIENT_ID:
      return "client id is not \"{id}|key=value,…|\" with an id of 1 to 64 characters";
    case OTA_BROKER_LOGIN_BAD_SECUREMODE:
      return "securemode must be 2 or 3";
    case OTA_BROKER_LOGIN_BAD_SIGNMETHOD:
      return "signmethod must be hmacsha256";
    case OTA_BROKER_LOGIN_BAD_TIMESTAMP:
      return "timestamp must be 1 to 20 digits";
    case OTA_BROKER_LOGIN_BAD_PASSWORD:
      return "wrong password";
    case OTA_BROKER_LOGIN_INTERNAL_ERROR:
    default:
      return "internal error while checking the signature";
    }
}
