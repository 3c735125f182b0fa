/* test-secure-upgrade.c — signing firmwares while secure upgrade is on (R-P3)
 *
 * The R-P2 refusal (no AliOS Things, no secure upgrade) is in test-products.c.
 */
#include "ota-test-util.h"

static OtaFirmware *
add_firmware (OtaTestFixture   *f,
              const char       *name,
              OtaSignAlgorithm  algorithm,
              const char       *contents)
{
  g_autoptr(GError) error = NULL;
  const char * const sources[] = { "1.0", NULL };
  g_autofree char *file_name = g_strconcat (name, ".bin", NULL);
  g_autofree char *path = ota_test_write_file (f, file_name, contents, strlen (contents));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  OtaFirmwareSpec spec = {
    .product_key = "secure",
    .name = name,
    .type = OTA_FIRMWARE_TYPE_FULL,
    .version = "2.0",
    .source_versions = sources,
    .sign_algorithm = algorithm,
  };
  OtaFirmware *firmware = ota_engine_add_firmware (f->engine, &spec, file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (firmware);
  return firmware;
}

static void
set_secure_upgrade (OtaTestFixture *f,
                    gboolean        enabled)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = ota_engine_set_secure_upgrade (f->engine, "secure", enabled, &error);

  g_assert_no_error (error);
  g_assert_nonnull (product);
}

/* The digest as the device computes it: raw bytes, not hex text. */
static GBytes *
raw_digest (OtaFirmware *firmware)
{
  const char *hex = ota_firmware_get_digest (firmware);
  gsize length = strlen (hex) / 2;
  guint8 *raw = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    raw[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (raw, length);
}

static gboolean
verify_with_engine (const char *pem,
                    GBytes     *digest,
                    const char *signature)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  gconstpointer data = g_bytes_get_data (digest, &length);
  gboolean ok = ota_signer_verify (pem, data, length, signature, &error);

  g_assert_true (ok == (error == NULL));
  return ok;
}

/* Verifies with the openssl program, knowing nothing of GnuTLS or the engine. Returns
 * -1 when openssl is not installed. */
static int
verify_with_openssl (OtaTestFixture *f,
                     const char     *pem,
                     GBytes         *digest,
                     const char     *signature)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *pem_path = NULL;
  g_autofree char *sig_path = NULL;
  g_autofree char *data_path = NULL;
  g_autofree guchar *der = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize der_length = 0;
  gsize length = 0;
  gconstpointer data = g_bytes_get_data (digest, &length);
  int status = -1;

  if (openssl == NULL)
    return -1;

  pem_path = ota_test_write_file (f, "pub.pem", pem, strlen (pem));
  der = g_base64_decode (signature, &der_length);
  sig_path = ota_test_write_file (f, "sig.der", der, der_length);
  data_path = ota_test_write_file (f, "digest.bin", data, length);

  {
    const char *argv[] = {
      openssl, "dgst", "-sha256", "-verify", pem_path, "-signature", sig_path, data_path, NULL
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
  }

  if (g_spawn_check_wait_status (status, NULL))
    {
      g_assert_nonnull (strstr (out, "Verified OK"));
      return 1;
    }
  return 0;
}

static void
add_secure_product (OtaTestFixture *f)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "secure", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, TRUE, FALSE);
}

/* R-P3: with secure upgrade on, the digest (sha256 or md5) is signed with the product's
 * key; the signature verifies with the exported public key, in the engine and with
 * openssl; a tampered digest does not verify. */
static void
test_signed_while_on (OtaTestFixture *f,
                      gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  OtaSignAlgorithm algorithms[] = { OTA_SIGN_ALGORITHM_SHA256, OTA_SIGN_ALGORITHM_MD5 };
  g_autofree char *pem = NULL;
  gboolean openssl_missing = FALSE;

  add_secure_product (f);
  set_secure_upgrade (f, TRUE);
  pem = ota_engine_dup_public_key_pem (f->engine, "secure", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    {
      g_autoptr(OtaFirmware) firmware = add_firmware (f, i == 0 ? "sha" : "md", algorithms[i],
                                                      "firmware image");
      g_autoptr(GBytes) digest = raw_digest (firmware);
      const char *signature = ota_firmware_get_signature (firmware);
      const char *hex = ota_firmware_get_digest (firmware);
      g_autoptr(GByteArray) tampered = NULL;
      g_autoptr(GBytes) tampered_bytes = NULL;
      int openssl_result;

      g_assert_nonnull (signature);
      g_assert_cmpuint (g_bytes_get_size (digest), ==, i == 0 ? 32 : 16);

      g_assert_true (verify_with_engine (pem, digest, signature));
      /* The raw bytes are signed, not the hex text. */
      g_assert_false (ota_signer_verify (pem, hex, strlen (hex), signature, NULL));

      openssl_result = verify_with_openssl (f, pem, digest, signature);
      if (openssl_result < 0)
        openssl_missing = TRUE;
      else
        g_assert_cmpint (openssl_result, ==, 1);

      tampered = g_byte_array_new ();
      g_byte_array_append (tampered, g_bytes_get_data (digest, NULL), g_bytes_get_size (digest));
      tampered->data[0] ^= 0x01;
      tampered_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&tampered));
      g_assert_false (verify_with_engine (pem, tampered_bytes, signature));
      if (!openssl_missing)
        g_assert_cmpint (verify_with_openssl (f, pem, tampered_bytes, signature), ==, 0);
    }

  if (openssl_missing)
    g_test_skip ("openssl is not installed: only the engine's own verification ran");
}

/* R-P3: turning secure upgrade off stops signing new firmwares; the signatures made
 * before stay valid with the same public key, also after a restart. */
static void
test_not_signed_after_off (OtaTestFixture *f,
                           gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) before = NULL;
  g_autoptr(OtaFirmware) after = NULL;
  g_autoptr(OtaFirmware) reread = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autofree char *pem = NULL;
  int openssl_result;

  add_secure_product (f);
  set_secure_upgrade (f, TRUE);
  before = add_firmware (f, "before", OTA_SIGN_ALGORITHM_SHA256, "signed image");
  g_assert_nonnull (ota_firmware_get_signature (before));

  set_secure_upgrade (f, FALSE);
  after = add_firmware (f, "after", OTA_SIGN_ALGORITHM_SHA256, "unsigned image");
  g_assert_null (ota_firmware_get_signature (after));

  ota_test_fixture_reopen (f);
  reread = ota_engine_get_firmware (f->engine, ota_firmware_get_id (before), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_firmware_get_signature (reread), ==, ota_firmware_get_signature (before));

  pem = ota_engine_dup_public_key_pem (f->engine, "secure", &error);
  g_assert_no_error (error);
  digest = raw_digest (reread);
  g_assert_true (verify_with_engine (pem, digest, ota_firmware_get_signature (reread)));
  openssl_result = verify_with_openssl (f, pem, digest, ota_firmware_get_signature (reread));
  if (openssl_result < 0)
    g_test_skip ("openssl is not installed: only the engine's own verification ran");
  else
    g_assert_cmpint (openssl_result, ==, 1);
}

/* R-P3: a product that never had secure upgrade signs nothing. */
static void
test_not_signed_without_secure_upgrade (OtaTestFixture *f,
                                        gconstpointer   data)
{
  g_autoptr(OtaFirmware) firmware = NULL;

  add_secure_product (f);
  firmware = add_firmware (f, "plain", OTA_SIGN_ALGORITHM_SHA256, "image");
  g_assert_null (ota_firmware_get_signature (firmware));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/secure-upgrade/R-P3/firmware-signed-while-on", test_signed_while_on);
  ADD ("/secure-upgrade/R-P3/not-signed-after-off-old-signature-valid", test_not_signed_after_off);
  ADD ("/secure-upgrade/R-P3/not-signed-without-secure-upgrade", test_not_signed_without_secure_upgrade);

  return g_test_run ();
}
