/* ota-device-secret.c: device secrets and MQTT passwords, Alibaba style. */
#include "ota-device-secret.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_LEN 32

size_t
ota_device_key_line_length (const char *text,
                            size_t      len)
{
  size_t n = 0;

  if (text == NULL)
    return 0;

  while (n < len && text[n] != '\n' && text[n] != '\r')
    n++;

  return n;
}

static void
to_hex (const unsigned char *bytes,
        size_t               n_bytes,
        const char          *digits,
        char                *out)
{
  for (size_t i = 0; i < n_bytes; i++)
    {
      out[2 * i] = digits[bytes[i] >> 4];
      out[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
  out[2 * n_bytes] = '\0';
}

int
ota_device_secret_derive (const void *master_key,
                          size_t      master_key_len,
                          const char *product_key,
                          const char *device_name,
                          char        secret[OTA_DEVICE_SECRET_LEN + 1])
{
  unsigned char digest[SHA256_LEN];
  char full_hex[2 * SHA256_LEN + 1];
  size_t pk_len, dn_len;
  char *message;
  int rc;

  secret[0] = '\0';
  if (master_key == NULL || master_key_len == 0 || product_key == NULL || device_name == NULL)
    return GNUTLS_E_INVALID_REQUEST;

  pk_len = strlen (product_key);
  dn_len = strlen (device_name);
  message = malloc (pk_len + 1 + dn_len + 1);
  if (message == NULL)
    return GNUTLS_E_MEMORY_ERROR;
  memcpy (message, product_key, pk_len);
  message[pk_len] = '/';
  memcpy (message + pk_len + 1, device_name, dn_len + 1);

  rc = gnutls_hmac_fast (GNUTLS_MAC_SHA256, master_key, master_key_len,
                         message, pk_len + 1 + dn_len, digest);
  free (message);
  if (rc < 0)
    return rc;

  to_hex (digest, sizeof digest, "0123456789abcdef", full_hex);
  memcpy (secret, full_hex, OTA_DEVICE_SECRET_LEN);
  secret[OTA_DEVICE_SECRET_LEN] = '\0';
  gnutls_memset (digest, 0, sizeof digest);
  gnutls_memset (full_hex, 0, sizeof full_hex);

  return 0;
}

int
ota_device_password_sign (const char *device_secret,
                          const char *client_id,
                          const char *product_key,
                          const char *device_name,
                          const char *timestamp,
                          char        password[OTA_DEVICE_PASSWORD_LEN + 1])
{
  /* Alibaba's sign content: parameter name then value, names sorted. */
  const char *parts[8] = {
    "clientId", client_id,
    "deviceName", device_name,
    "productKey", product_key,
    "timestamp", timestamp,
  };
  size_t n_parts = timestamp != NULL ? 8 : 6;
  unsigned char digest[SHA256_LEN];
  size_t total = 0, at = 0;
  char *content;
  int rc;

  password[0] = '\0';
  if (device_secret == NULL || client_id == NULL || product_key == NULL || device_name == NULL)
    return GNUTLS_E_INVALID_REQUEST;

  for (size_t i = 0; i < n_parts; i++)
    total += strlen (parts[i]);

  content = malloc (total + 1);
  if (content == NULL)
    return GNUTLS_E_MEMORY_ERROR;
  for (size_t i = 0; i < n_parts; i++)
    {
      size_t len = strlen (parts[i]);

      memcpy (content + at, parts[i], len);
      at += len;
    }
  content[at] = '\0';

  rc = gnutls_hmac_fast (GNUTLS_MAC_SHA256, device_secret, strlen (device_secret),
                         content, total, digest);
  free (content);
  if (rc < 0)
    return rc;

  to_hex (digest, sizeof digest, "0123456789ABCDEF", password);
  gnutls_memset (digest, 0, sizeof digest);

  return 0;
}
