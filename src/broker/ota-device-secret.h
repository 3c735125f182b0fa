/* ota-device-secret.h: device secrets and MQTT passwords, Alibaba style.
 *
 * Plain C over GnuTLS, without GLib, so that the mosquitto plugin (which must
 * not pull GLib into the broker) and the GLib server share one definition.
 * See docs/device-protocol.md for the scheme and a worked example.
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Hex characters of a device secret, and of an MQTT password (HMAC-SHA256). */
#define OTA_DEVICE_SECRET_LEN 32
#define OTA_DEVICE_PASSWORD_LEN 64

/**
 * ota_device_key_line_length:
 * @text: the contents of a key file (not necessarily NUL-terminated)
 * @len: its length in bytes
 *
 * The master key and the server password are stored as the first line of a
 * file. This tells how many bytes of @text make that line: everything before
 * the first "\n" or "\r" (so a trailing newline or CRLF is not part of the key).
 *
 * Returns: the length of the key; 0 means the file holds no key.
 */
size_t ota_device_key_line_length (const char *text,
                                   size_t      len);

/**
 * ota_device_secret_derive:
 * @master_key: the master key bytes
 * @master_key_len: their length
 * @product_key: the device's product key
 * @device_name: the device's name
 * @secret: (out caller-allocates): OTA_DEVICE_SECRET_LEN + 1 bytes
 *
 * Device secrets are derived, never stored: the first 32 lower-case hex
 * characters of HMAC-SHA256(master_key, "{product_key}/{device_name}").
 *
 * Returns: 0 on success, a negative GnuTLS error code otherwise (@secret is
 *   then an empty string).
 */
int ota_device_secret_derive (const void *master_key,
                              size_t      master_key_len,
                              const char *product_key,
                              const char *device_name,
                              char        secret[OTA_DEVICE_SECRET_LEN + 1]);

/**
 * ota_device_password_sign:
 * @device_secret: the device secret (its text is the HMAC key)
 * @client_id: the client id part the device signs: what comes before the
 *   first "|" of its MQTT client id (the SDKs use "{product_key}.{device_name}")
 * @product_key: the device's product key
 * @device_name: the device's name
 * @timestamp: (nullable): the timestamp from the client id, or %NULL if it has none
 * @password: (out caller-allocates): OTA_DEVICE_PASSWORD_LEN + 1 bytes
 *
 * The MQTT password of an Alibaba-style login: upper-case hex of
 * HMAC-SHA256(device_secret, "clientId" id "deviceName" dn "productKey" pk
 * ["timestamp" ts]), the parameter names in alphabetical order.
 *
 * Returns: 0 on success, a negative GnuTLS error code otherwise (@password is
 *   then an empty string).
 */
int ota_device_password_sign (const char *device_secret,
                              const char *client_id,
                              const char *product_key,
                              const char *device_name,
                              const char *timestamp,
                              char        password[OTA_DEVICE_PASSWORD_LEN + 1]);

#ifdef __cplusplus
}
#endif
