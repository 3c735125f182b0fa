/* Unit tests of the broker plugin's logic: device secrets and passwords,
 * Alibaba-style logins, topic rights, the downlink envelope, the connection
 * registry. The known answers were computed independently with openssl:
 *   printf '%s' 'a1FxISeKbq9/pump-0001' | openssl dgst -sha256 -hmac ota-example-master-key
 * (the same example as docs/device-protocol.md). */
#include <glib.h>
#include <string.h>

#include "ota-broker-login.h"
#include "ota-broker-registry.h"
#include "ota-broker-table.h"
#include "ota-broker-topics.h"
#include "ota-device-secret.h"

#define MASTER_KEY "ota-example-master-key"
#define PK "a1FxISeKbq9"
#define DN "pump-0001"
#define SECRET "1d42526ab4090cb6800d965113c8b123"
#define TIMESTAMP "2524608000000"
#define PASSWORD "1E593051734151CDEB3119F92772006117C953C65BE14E9E28D66BFCD71D55D9"
#define PASSWORD_NO_TIMESTAMP "482DA605A43C18906AA97722645E83DB08AB34EA0AC48B90D9ECA6EC57A623D8"
#define CLIENT_ID PK "." DN "|securemode=2,signmethod=hmacsha256,timestamp=" TIMESTAMP "|"

static OtaBrokerDevice
make_device (const char *pk,
             const char *dn)
{
  OtaBrokerDevice device;

  g_strlcpy (device.product_key, pk, sizeof device.product_key);
  g_strlcpy (device.device_name, dn, sizeof device.device_name);
  return device;
}

static void
test_secret_known_answer (void)
{
  char secret[OTA_DEVICE_SECRET_LEN + 1];

  g_assert_cmpint (ota_device_secret_derive (MASTER_KEY, strlen (MASTER_KEY), PK, DN, secret), ==, 0);
  g_assert_cmpstr (secret, ==, SECRET);

  /* Another device of the same product gets another secret. */
  g_assert_cmpint (ota_device_secret_derive (MASTER_KEY, strlen (MASTER_KEY), PK, "pump-0002", secret), ==, 0);
  g_assert_cmpstr (secret, !=, SECRET);
  g_assert_cmpuint (strlen (secret), ==, OTA_DEVICE_SECRET_LEN);

  /* No master key, no secret. */
  g_assert_cmpint (ota_device_secret_derive (MASTER_KEY, 0, PK, DN, secret), <, 0);
  g_assert_cmpstr (secret, ==, "");
}

static void
test_password_known_answer (void)
{
  char password[OTA_DEVICE_PASSWORD_LEN + 1];

  g_assert_cmpint (ota_device_password_sign (SECRET, PK "." DN, PK, DN, TIMESTAMP, password), ==, 0);
  g_assert_cmpstr (password, ==, PASSWORD);

  g_assert_cmpint (ota_device_password_sign (SECRET, PK "." DN, PK, DN, NULL, password), ==, 0);
  g_assert_cmpstr (password, ==, PASSWORD_NO_TIMESTAMP);
}

static void
test_key_line_length (void)
{
  g_assert_cmpuint (ota_device_key_line_length ("abc\n", 4), ==, 3);
  g_assert_cmpuint (ota_device_key_line_length ("abc\r\nmore", 9), ==, 3);
  g_assert_cmpuint (ota_device_key_line_length ("abc", 3), ==, 3);
  g_assert_cmpuint (ota_device_key_line_length ("\nabc", 4), ==, 0);
  g_assert_cmpuint (ota_device_key_line_length ("", 0), ==, 0);
  /* Spaces inside the line are part of the key. */
  g_assert_cmpuint (ota_device_key_line_length ("a b \n", 5), ==, 4);
}

static void
test_username (void)
{
  OtaBrokerDevice device;

  g_assert_true (ota_broker_parse_username (DN "&" PK, &device));
  g_assert_cmpstr (device.device_name, ==, DN);
  g_assert_cmpstr (device.product_key, ==, PK);

  /* Every character the engine allows in a device name. */
  g_assert_true (ota_broker_parse_username ("a-b_c@d.e:f&pk_1-2", &device));
  g_assert_cmpstr (device.device_name, ==, "a-b_c@d.e:f");

  g_assert_false (ota_broker_parse_username (NULL, &device));
  g_assert_false (ota_broker_parse_username (DN, &device));
  g_assert_false (ota_broker_parse_username (PK "&" DN "&x", &device));
  g_assert_false (ota_broker_parse_username ("&" PK, &device));
  g_assert_false (ota_broker_parse_username (DN "&", &device));
  g_assert_false (ota_broker_parse_username ("abc&" PK, &device));            /* name < 4 */
  g_assert_false (ota_broker_parse_username ("dev/01&" PK, &device));         /* "/" breaks topics */
  g_assert_false (ota_broker_parse_username ("dev+&" PK, &device));
  g_assert_false (ota_broker_parse_username (DN "&a1.b2", &device));
  g_assert_false (ota_broker_parse_username ("abcdefghijklmnopqrstuvwxyz0123456&" PK, &device)); /* 33 */
}

static void
test_client_id_accepted_forms (void)
{
  const char *good[] = {
    CLIENT_ID,
    /* Link SDK 4.x: more parameters, in another order, a trailing comma. */
    PK "." DN "|timestamp=2524608000000,_ss=1,_v=sdk-c-4.1.0,securemode=2,signmethod=hmacsha256,ext=3,|",
    /* iotkit-embedded 3.x over plain TCP. */
    PK "." DN "|timestamp=2524608000000,_v=sdk-c-3.0.1,securemode=3,signmethod=hmacsha256,lan=C,_ss=1,gw=0,ext=0|",
    /* No timestamp at all. */
    "my-sensor|securemode=3,signmethod=hmacsha256|",
  };
  OtaBrokerClientId parsed;

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_cmpint (ota_broker_parse_client_id (good[i], &parsed), ==, OTA_BROKER_LOGIN_OK);

  g_assert_cmpint (ota_broker_parse_client_id (CLIENT_ID, &parsed), ==, OTA_BROKER_LOGIN_OK);
  g_assert_cmpmem (parsed.id, parsed.id_len, PK "." DN, strlen (PK "." DN));
  g_assert_cmpmem (parsed.timestamp, parsed.timestamp_len, TIMESTAMP, strlen (TIMESTAMP));

  g_assert_cmpint (ota_broker_parse_client_id (good[3], &parsed), ==, OTA_BROKER_LOGIN_OK);
  g_assert_null (parsed.timestamp);
}

static void
test_client_id_refused_forms (void)
{
  const struct
  {
    const char *client_id;
    OtaBrokerLoginResult result;
  } bad[] = {
    { PK "." DN, OTA_BROKER_LOGIN_BAD_CLIENT_ID },
    { PK "." DN "|securemode=2,signmethod=hmacsha256", OTA_BROKER_LOGIN_BAD_CLIENT_ID },
    { PK "." DN "|securemode=2,signmethod=hmacsha256|x", OTA_BROKER_LOGIN_BAD_CLIENT_ID },
    { "|securemode=2,signmethod=hmacsha256|", OTA_BROKER_LOGIN_BAD_CLIENT_ID },
    { "0123456789012345678901234567890123456789012345678901234567890123456789"
      "|securemode=2,signmethod=hmacsha256|", OTA_BROKER_LOGIN_BAD_CLIENT_ID },
    { "id|securemode=2,securemode=3,signmethod=hmacsha256|", OTA_BROKER_LOGIN_BAD_CLIENT_ID },
    { "id|securemode=2,signmethod=hmacsha256,oops|", OTA_BROKER_LOGIN_BAD_CLIENT_ID },
    { "id|signmethod=hmacsha256|", OTA_BROKER_LOGIN_BAD_SECUREMODE },
    { "id|securemode=1,signmethod=hmacsha256|", OTA_BROKER_LOGIN_BAD_SECUREMODE },
    { "id|securemode=-2,signmethod=hmacsha256|", OTA_BROKER_LOGIN_BAD_SECUREMODE },
    { "id|securemode=2|", OTA_BROKER_LOGIN_BAD_SIGNMETHOD },
    { "id|securemode=2,signmethod=hmacmd5|", OTA_BROKER_LOGIN_BAD_SIGNMETHOD },
    { "id|securemode=2,signmethod=hmacsha256,timestamp=|", OTA_BROKER_LOGIN_BAD_TIMESTAMP },
    { "id|securemode=2,signmethod=hmacsha256,timestamp=12a|", OTA_BROKER_LOGIN_BAD_TIMESTAMP },
  };
  OtaBrokerClientId parsed;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("client id %s", bad[i].client_id);
      g_assert_cmpint (ota_broker_parse_client_id (bad[i].client_id, &parsed), ==, bad[i].result);
    }
}

static OtaBrokerLoginResult
check_login (const char *client_id,
             const char *username,
             const char *password)
{
  OtaBrokerDevice device = { { 0 } };
  OtaBrokerLoginResult result;

  result = ota_broker_check_device_login (MASTER_KEY, strlen (MASTER_KEY), client_id, username, password, &device);
  if (result == OTA_BROKER_LOGIN_OK)
    {
      g_assert_cmpstr (device.product_key, ==, PK);
      g_assert_cmpstr (device.device_name, ==, DN);
    }
  else
    g_assert_cmpstr (device.product_key, ==, "");

  return result;
}

static void
test_login (void)
{
  g_autofree char *lower = g_ascii_strdown (PASSWORD, -1);
  g_autofree char *wrong = g_strdup (PASSWORD);

  wrong[10] = wrong[10] == 'A' ? 'B' : 'A';

  g_assert_cmpint (check_login (CLIENT_ID, DN "&" PK, PASSWORD), ==, OTA_BROKER_LOGIN_OK);
  g_assert_cmpint (check_login (CLIENT_ID, DN "&" PK, lower), ==, OTA_BROKER_LOGIN_OK);
  g_assert_cmpint (check_login (PK "." DN "|securemode=3,signmethod=hmacsha256|", DN "&" PK, PASSWORD_NO_TIMESTAMP),
                   ==, OTA_BROKER_LOGIN_OK);

  g_assert_cmpint (check_login (CLIENT_ID, DN "&" PK, wrong), ==, OTA_BROKER_LOGIN_BAD_PASSWORD);
  g_assert_cmpint (check_login (CLIENT_ID, DN "&" PK, NULL), ==, OTA_BROKER_LOGIN_BAD_PASSWORD);
  g_assert_cmpint (check_login (CLIENT_ID, DN "&" PK, SECRET), ==, OTA_BROKER_LOGIN_BAD_PASSWORD);
  /* The signature covers the timestamp and the id: changing either breaks it. */
  g_assert_cmpint (check_login (PK "." DN "|securemode=2,signmethod=hmacsha256,timestamp=2524608000001|",
                                DN "&" PK, PASSWORD), ==, OTA_BROKER_LOGIN_BAD_PASSWORD);
  g_assert_cmpint (check_login ("other|securemode=2,signmethod=hmacsha256,timestamp=" TIMESTAMP "|",
                                DN "&" PK, PASSWORD), ==, OTA_BROKER_LOGIN_BAD_PASSWORD);
  /* Another device's name with this device's password. */
  g_assert_cmpint (check_login (CLIENT_ID, "pump-0002&" PK, PASSWORD), ==, OTA_BROKER_LOGIN_BAD_PASSWORD);
  g_assert_cmpint (check_login (CLIENT_ID, NULL, PASSWORD), ==, OTA_BROKER_LOGIN_BAD_USERNAME);
  /* Swapped: a well-formed username of another device, so the signature fails. */
  g_assert_cmpint (check_login (CLIENT_ID, PK "&" DN, PASSWORD), ==, OTA_BROKER_LOGIN_BAD_PASSWORD);
  g_assert_cmpint (check_login (CLIENT_ID, DN "/" PK, PASSWORD), ==, OTA_BROKER_LOGIN_BAD_USERNAME);
}

static void
test_device_topics (void)
{
  OtaBrokerDevice me = make_device ("a1B2", "dev01");

  g_assert_true (ota_broker_device_may_publish (&me, "/ota/device/inform/a1B2/dev01"));
  g_assert_true (ota_broker_device_may_publish (&me, "/ota/device/progress/a1B2/dev01"));
  g_assert_true (ota_broker_device_may_publish (&me, "/sys/a1B2/dev01/thing/ota/firmware/get"));

  g_assert_false (ota_broker_device_may_publish (&me, "/ota/device/inform/a1B2/dev02"));
  g_assert_false (ota_broker_device_may_publish (&me, "/ota/device/inform/a1B2/dev011"));
  g_assert_false (ota_broker_device_may_publish (&me, "/ota/device/inform/a1B2/dev01/x"));
  g_assert_false (ota_broker_device_may_publish (&me, "/ota/device/upgrade/a1B2/dev01"));
  g_assert_false (ota_broker_device_may_publish (&me, "/sys/a1B2/dev01/thing/ota/firmware/get_reply"));
  g_assert_false (ota_broker_device_may_publish (&me, "$ota/downlink/a1B2/dev01/ota/device/upgrade/a1B2/dev01"));
  g_assert_false (ota_broker_device_may_publish (&me, "$ota/presence/a1B2/dev01"));

  g_assert_true (ota_broker_device_may_receive (&me, "/ota/device/upgrade/a1B2/dev01"));
  g_assert_true (ota_broker_device_may_receive (&me, "/sys/a1B2/dev01/thing/ota/firmware/get_reply"));
  g_assert_false (ota_broker_device_may_receive (&me, "/ota/device/upgrade/a1B2/dev02"));
  g_assert_false (ota_broker_device_may_receive (&me, "/ota/device/upgrade/a1B2/+"));
  g_assert_false (ota_broker_device_may_receive (&me, "/ota/device/upgrade/#"));
  g_assert_false (ota_broker_device_may_receive (&me, "/ota/device/inform/a1B2/dev01"));
  g_assert_false (ota_broker_device_may_receive (&me, "#"));
}

static void
test_server_topics (void)
{
  g_assert_true (ota_broker_server_may_subscribe ("/ota/device/+/+/+"));
  g_assert_true (ota_broker_server_may_subscribe ("/sys/+/+/thing/ota/firmware/get"));
  g_assert_true (ota_broker_server_may_subscribe ("$ota/presence/+/+"));
  g_assert_true (ota_broker_server_may_subscribe ("/ota/device/progress/a1B2/+"));
  g_assert_false (ota_broker_server_may_subscribe ("#"));
  g_assert_false (ota_broker_server_may_subscribe ("/ota/device/#"));
  g_assert_false (ota_broker_server_may_subscribe ("$ota/#"));
  g_assert_false (ota_broker_server_may_subscribe ("$ota/downlink/+/+/ota/device/upgrade/+/+"));
  g_assert_false (ota_broker_server_may_subscribe ("/ota/device/upgrade/+/+"));
  g_assert_false (ota_broker_server_may_subscribe ("/+/device/+/+/+"));
  g_assert_false (ota_broker_server_may_subscribe ("/sys/+/+/thing/ota/firmware/get_reply"));

  g_assert_true (ota_broker_server_may_receive ("/ota/device/inform/a1B2/dev01"));
  g_assert_true (ota_broker_server_may_receive ("/ota/device/progress/a1B2/dev01"));
  g_assert_true (ota_broker_server_may_receive ("/sys/a1B2/dev01/thing/ota/firmware/get"));
  g_assert_true (ota_broker_server_may_receive ("$ota/presence/a1B2/dev01"));
  g_assert_false (ota_broker_server_may_receive ("/ota/device/upgrade/a1B2/dev01"));
  g_assert_false (ota_broker_server_may_receive ("/ota/device/inform/a1B2/dev01/extra"));
  g_assert_false (ota_broker_server_may_receive ("/ota/device/inform/a1B2"));

  g_assert_true (ota_broker_server_may_publish ("$ota/downlink/a1B2/dev01/ota/device/upgrade/a1B2/dev01"));
  g_assert_false (ota_broker_server_may_publish ("/ota/device/upgrade/a1B2/dev01"));
  g_assert_false (ota_broker_server_may_publish ("/ota/device/inform/a1B2/dev01"));
  g_assert_false (ota_broker_server_may_publish ("$ota/presence/a1B2/dev01"));
}

static void
test_downlink_envelope (void)
{
  OtaBrokerDevice device;
  const char *real_topic = NULL;

  g_assert_true (ota_broker_parse_downlink ("$ota/downlink/a1B2/dev01/ota/device/upgrade/a1B2/dev01",
                                            &device, &real_topic));
  g_assert_cmpstr (device.product_key, ==, "a1B2");
  g_assert_cmpstr (device.device_name, ==, "dev01");
  g_assert_cmpstr (real_topic, ==, "/ota/device/upgrade/a1B2/dev01");

  g_assert_true (ota_broker_parse_downlink ("$ota/downlink/a1B2/dev.0:1/sys/a1B2/dev.0:1/thing/ota/firmware/get_reply",
                                            &device, &real_topic));
  g_assert_cmpstr (real_topic, ==, "/sys/a1B2/dev.0:1/thing/ota/firmware/get_reply");

  /* The real topic must be that device's own downlink topic. */
  g_assert_false (ota_broker_parse_downlink ("$ota/downlink/a1B2/dev01/ota/device/upgrade/a1B2/dev02",
                                             &device, &real_topic));
  g_assert_false (ota_broker_parse_downlink ("$ota/downlink/a1B2/dev01/ota/device/inform/a1B2/dev01",
                                             &device, &real_topic));
  g_assert_false (ota_broker_parse_downlink ("$ota/downlink/a1B2/dev01", &device, &real_topic));
  g_assert_false (ota_broker_parse_downlink ("$ota/downlink/a1B2", &device, &real_topic));
  g_assert_false (ota_broker_parse_downlink ("$ota/downlink/+/dev01/ota/device/upgrade/+/dev01",
                                             &device, &real_topic));
}

static void
test_presence_payload (void)
{
  g_autofree char *online = NULL, *offline = NULL, *odd = NULL, *topic = NULL;
  OtaBrokerDevice device = make_device ("a1B2", "dev01");
  size_t len = 0;

  online = ota_broker_presence_payload (TRUE, "a1B2.dev01|securemode=2|", &len);
  g_assert_cmpstr (online, ==, "{\"state\":\"online\",\"clientId\":\"a1B2.dev01|securemode=2|\"}");
  g_assert_cmpuint (len, ==, strlen (online));

  offline = ota_broker_presence_payload (FALSE, "x", &len);
  g_assert_cmpstr (offline, ==, "{\"state\":\"offline\",\"clientId\":\"x\"}");

  /* Client ids are chosen by devices: quotes and control characters are escaped. */
  odd = ota_broker_presence_payload (TRUE, "a\"b\\c\nd", &len);
  g_assert_cmpstr (odd, ==, "{\"state\":\"online\",\"clientId\":\"a\\\"b\\\\c\\u000ad\"}");

  topic = ota_broker_presence_topic (&device);
  g_assert_cmpstr (topic, ==, "$ota/presence/a1B2/dev01");
}

static int fake_connections[8];

static void
test_registry_takeover (void)
{
  OtaBrokerRegistry *registry = ota_broker_registry_new ();
  OtaBrokerDevice a = make_device ("a1B2", "dev01");
  OtaBrokerDevice b = make_device ("a1B2", "dev02");
  OtaBrokerDevice gone, who;
  char *kick = NULL;
  bool is_device;

  /* Connects as X. */
  g_assert_cmpint (ota_broker_registry_login (registry, &fake_connections[0], "X", &a, &kick), ==,
                   OTA_BROKER_REGISTRY_OK);
  g_assert_null (kick);
  g_assert_cmpstr (ota_broker_registry_lookup (registry, &a), ==, "X");

  /* Connects again as Y before X is closed: X must be closed, and its
   * disconnect must not report the device offline. */
  g_assert_cmpint (ota_broker_registry_login (registry, &fake_connections[1], "Y", &a, &kick), ==,
                   OTA_BROKER_REGISTRY_OK);
  g_assert_cmpstr (kick, ==, "X");
  g_clear_pointer (&kick, g_free);
  g_assert_cmpstr (ota_broker_registry_lookup (registry, &a), ==, "Y");
  g_assert_false (ota_broker_registry_identify (registry, &fake_connections[0], "X", &is_device, &who));
  g_assert_false (ota_broker_registry_logout (registry, &fake_connections[0], "X", &gone));
  g_assert_cmpstr (ota_broker_registry_lookup (registry, &a), ==, "Y");

  /* Same client id again (the SDKs' fixed timestamp): mosquitto closes the
   * old connection itself; nothing to kick, and its disconnect reports nothing. */
  g_assert_cmpint (ota_broker_registry_login (registry, &fake_connections[2], "Y", &a, &kick), ==,
                   OTA_BROKER_REGISTRY_OK);
  g_assert_null (kick);
  g_assert_false (ota_broker_registry_logout (registry, &fake_connections[1], "Y", &gone));
  g_assert_true (ota_broker_registry_identify (registry, &fake_connections[2], "Y", &is_device, &who));
  g_assert_true (is_device);
  g_assert_cmpstr (who.device_name, ==, "dev01");

  /* Another device may not use Y; the server neither. */
  g_assert_cmpint (ota_broker_registry_login (registry, &fake_connections[3], "Y", &b, &kick), ==,
                   OTA_BROKER_REGISTRY_ID_TAKEN);
  g_assert_cmpint (ota_broker_registry_login (registry, &fake_connections[3], "Y", NULL, &kick), ==,
                   OTA_BROKER_REGISTRY_ID_TAKEN);
  g_assert_null (ota_broker_registry_lookup (registry, &b));

  /* The server logs in; a device may not take its id. */
  g_assert_cmpint (ota_broker_registry_login (registry, &fake_connections[4], "server", NULL, &kick), ==,
                   OTA_BROKER_REGISTRY_OK);
  g_assert_cmpint (ota_broker_registry_login (registry, &fake_connections[5], "server", &b, &kick), ==,
                   OTA_BROKER_REGISTRY_ID_TAKEN);
  g_assert_true (ota_broker_registry_identify (registry, &fake_connections[4], "server", &is_device, &who));
  g_assert_false (is_device);
  g_assert_cmpuint (ota_broker_registry_n_devices (registry), ==, 1);

  /* The current connection closes: offline. */
  g_assert_true (ota_broker_registry_logout (registry, &fake_connections[2], "Y", &gone));
  g_assert_cmpstr (gone.device_name, ==, "dev01");
  g_assert_null (ota_broker_registry_lookup (registry, &a));
  g_assert_false (ota_broker_registry_logout (registry, &fake_connections[4], "server", &gone));
  g_assert_false (ota_broker_registry_logout (registry, &fake_connections[4], NULL, &gone));
  g_assert_cmpuint (ota_broker_registry_n_devices (registry), ==, 0);

  ota_broker_registry_free (registry);
}

static int freed_values;

static void
count_free (void *value)
{
  freed_values++;
}

static void
test_table_many_keys (void)
{
  OtaBrokerTable *table = ota_broker_table_new (count_free);
  static int values[5000];

  freed_values = 0;
  for (int i = 0; i < 5000; i++)
    {
      g_autofree char *key = g_strdup_printf ("pk/dev%05d", i);

      g_assert_true (ota_broker_table_insert (table, key, &values[i]));
    }
  g_assert_cmpuint (ota_broker_table_size (table), ==, 5000);

  for (int i = 0; i < 5000; i++)
    {
      g_autofree char *key = g_strdup_printf ("pk/dev%05d", i);

      g_assert_true (ota_broker_table_lookup (table, key) == &values[i]);
      if (i % 2 == 0)
        g_assert_true (ota_broker_table_remove (table, key));
    }
  g_assert_cmpuint (ota_broker_table_size (table), ==, 2500);
  g_assert_cmpint (freed_values, ==, 2500);
  g_assert_null (ota_broker_table_lookup (table, "pk/dev00000"));
  g_assert_false (ota_broker_table_remove (table, "pk/dev00000"));
  g_assert_true (ota_broker_table_lookup (table, "pk/dev00001") == &values[1]);

  /* Replacing frees the old value. */
  g_assert_true (ota_broker_table_insert (table, "pk/dev00001", &values[0]));
  g_assert_cmpint (freed_values, ==, 2501);
  g_assert_cmpuint (ota_broker_table_size (table), ==, 2500);

  ota_broker_table_free (table);
  g_assert_cmpint (freed_values, ==, 5001);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/broker/secret/derived-from-master-key", test_secret_known_answer);
  g_test_add_func ("/broker/secret/password-is-alibaba-sign", test_password_known_answer);
  g_test_add_func ("/broker/secret/key-file-first-line", test_key_line_length);
  g_test_add_func ("/broker/login/username-is-device-and-product", test_username);
  g_test_add_func ("/broker/login/client-id-sdk-forms-accepted", test_client_id_accepted_forms);
  g_test_add_func ("/broker/login/client-id-bad-forms-refused", test_client_id_refused_forms);
  g_test_add_func ("/broker/login/password-checked", test_login);
  g_test_add_func ("/broker/acl/device-own-topics-only", test_device_topics);
  g_test_add_func ("/broker/acl/server-uplink-presence-downlink", test_server_topics);
  g_test_add_func ("/broker/R-E4/downlink-envelope", test_downlink_envelope);
  g_test_add_func ("/broker/R-E1/presence-payload", test_presence_payload);
  g_test_add_func ("/broker/R-E1/registry-takeover", test_registry_takeover);
  g_test_add_func ("/broker/table/many-keys", test_table_many_keys);

  return g_test_run ();
}
