/* ota-broker-login.h: checking an Alibaba-style device login.
 *
 * Pure functions, without mosquitto, so they can be unit-tested.
 * The scheme is described in docs/device-protocol.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The engine's limits (src/engine/ota-validate.c): a product key is 1 to 32
 * letters, digits, "-" or "_"; a device name 4 to 32 letters, digits or "-_@.:". */
#define OTA_BROKER_PRODUCT_KEY_MAX 32
#define OTA_BROKER_DEVICE_NAME_MIN 4
#define OTA_BROKER_DEVICE_NAME_MAX 32

/* Alibaba limits the id a device chooses (before the first "|") to 64 characters. */
#define OTA_BROKER_CLIENT_ID_PREFIX_MAX 64

typedef struct
{
  char product_key[OTA_BROKER_PRODUCT_KEY_MAX + 1];
  char device_name[OTA_BROKER_DEVICE_NAME_MAX + 1];
} OtaBrokerDevice;

typedef enum
{
  OTA_BROKER_LOGIN_OK,
  OTA_BROKER_LOGIN_BAD_USERNAME,
  OTA_BROKER_LOGIN_BAD_CLIENT_ID,
  OTA_BROKER_LOGIN_BAD_SECUREMODE,
  OTA_BROKER_LOGIN_BAD_SIGNMETHOD,
  OTA_BROKER_LOGIN_BAD_TIMESTAMP,
  OTA_BROKER_LOGIN_BAD_PASSWORD,
  OTA_BROKER_LOGIN_INTERNAL_ERROR,
} OtaBrokerLoginResult;

/* The parts of "{id}|key=value,key=value,…|" the login depends on. Pointers
 * point into the parsed string and are not NUL-terminated; a missing value
 * has a NULL pointer. */
typedef struct
{
  const char *id;
  size_t id_len;
  const char *securemode;
  size_t securemode_len;
  const char *signmethod;
  size_t signmethod_len;
  const char *timestamp;
  size_t timestamp_len;
} OtaBrokerClientId;

bool                 ota_broker_valid_product_key     (const char *text,
                                                       size_t      len);
bool                 ota_broker_valid_device_name     (const char *text,
                                                       size_t      len);

/* "{device_name}&{product_key}" → @device. Returns: false if malformed. */
bool                 ota_broker_parse_username        (const char      *username,
                                                       OtaBrokerDevice *device);

/* Splits an MQTT client id; unknown parameters (_v, _ss, ext, lan…) are ignored.
 * Returns: OTA_BROKER_LOGIN_OK or the reason it is not acceptable. */
OtaBrokerLoginResult ota_broker_parse_client_id       (const char        *client_id,
                                                       OtaBrokerClientId *parsed);

/**
 * ota_broker_check_device_login:
 * @master_key: the master key (the device secret is derived from it)
 * @master_key_len: its length
 * @client_id: the MQTT client id
 * @username: (nullable): the MQTT username
 * @password: (nullable): the MQTT password
 * @device: (out): the device that logged in, on success
 *
 * Returns: OTA_BROKER_LOGIN_OK, or why the login is refused.
 */
OtaBrokerLoginResult ota_broker_check_device_login    (const void      *master_key,
                                                       size_t           master_key_len,
                                                       const char      *client_id,
                                                       const char      *username,
                                                       const char      *password,
                                                       OtaBrokerDevice *device);

/* Returns: a short English explanation, for the broker's log. */
const char          *ota_broker_login_result_describe (OtaBrokerLoginResult result);

/* Compares two secrets in time that depends on their lengths only. */
bool                 ota_broker_secret_equal          (const char *a,
                                                       size_t      a_len,
                                                       const char *b,
                                                       size_t      b_len);
