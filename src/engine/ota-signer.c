/* ota-signer.c — ECDSA P-256 signing keys with GnuTLS */
#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "ota-error.h"
#include "ota-signer.h"

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_privkey_t, gnutls_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

static gboolean
crypto_error (GError     **error,
              const char  *what,
              int          rc)
{
  g_set_error (error, OTA_ERROR, OTA_ERROR_CRYPTO, _("Cannot %s: %s"), what, gnutls_strerror (rc));
  return FALSE;
}

void
ota_secret_free (OtaSecret *secret)
{
  if (secret == NULL)
    return;

  /* Not memset: a store just before free() may be optimised away. */
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static char *
datum_to_string (gnutls_datum_t *datum)
{
  char *s = g_strndup ((const char *) datum->data, datum->size);

  /* The private key's text passes through here too. */
  explicit_bzero (datum->data, datum->size);
  gnutls_free (datum->data);
  datum->data = NULL;
  return s;
}

gboolean
ota_signer_generate_key_pair (char   **private_pem,
                              char   **public_pem,
                              GError **error)
{
  g_auto(gnutls_x509_privkey_t) x509 = NULL;
  g_auto(gnutls_privkey_t) key = NULL;
  g_auto(gnutls_pubkey_t) pub = NULL;
  gnutls_datum_t priv_out = { NULL, 0 };
  gnutls_datum_t pub_out = { NULL, 0 };
  int rc;

  if ((rc = gnutls_x509_privkey_init (&x509)) < 0 ||
      (rc = gnutls_x509_privkey_generate (x509, GNUTLS_PK_ECDSA,
                                          GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0)
    return crypto_error (error, _("make a signing key"), rc);

  if ((rc = gnutls_x509_privkey_export2_pkcs8 (x509, GNUTLS_X509_FMT_PEM, NULL,
                                               GNUTLS_PKCS_PLAIN, &priv_out)) < 0)
    return crypto_error (error, _("export a signing key"), rc);

  if ((rc = gnutls_privkey_init (&key)) < 0 ||
      (rc = gnutls_privkey_import_x509 (key, x509, 0)) < 0 ||
      (rc = gnutls_pubkey_init (&pub)) < 0 ||
      (rc = gnutls_pubkey_import_privkey (pub, key, 0, 0)) < 0 ||
      (rc = gnutls_pubkey_export2 (pub, GNUTLS_X509_FMT_PEM, &pub_out)) < 0)
    {
      explicit_bzero (priv_out.data, priv_out.size);
      gnutls_free (priv_out.data);
      return crypto_error (error, _("export a public key"), rc);
    }

  *private_pem = datum_to_string (&priv_out);
  *public_pem = datum_to_string (&pub_out);
  return TRUE;
}

char *
ota_signer_sign (const char  *private_pem,
                 const void  *data,
                 gsize        length,
                 GError     **error)
{
  g_auto(gnutls_privkey_t) key = NULL;
  gnutls_datum_t pem = { (unsigned char *) private_pem, (unsigned int) strlen (private_pem) };
  gnutls_datum_t in = { (unsigned char *) data, (unsigned int) length };
  gnutls_datum_t sig = { NULL, 0 };
  char *encoded;
  int rc;

  if ((rc = gnutls_privkey_init (&key)) < 0 ||
      (rc = gnutls_privkey_import_x509_raw (key, &pem, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0)
    {
      crypto_error (error, _("read the signing key"), rc);
      return NULL;
    }

  if ((rc = gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &in, &sig)) < 0)
    {
      crypto_error (error, _("sign the firmware"), rc);
      return NULL;
    }

  encoded = g_base64_encode (sig.data, sig.size);
  gnutls_free (sig.data);
  return encoded;
}

gboolean
ota_signer_verify (const char  *public_pem,
                   const void  *data,
                   gsize        length,
                   const char  *signature_base64,
                   GError     **error)
{
  g_auto(gnutls_pubkey_t) pub = NULL;
  g_autofree guchar *raw = NULL;
  gsize raw_len = 0;
  gnutls_datum_t pem = { (unsigned char *) public_pem, (unsigned int) strlen (public_pem) };
  gnutls_datum_t in = { (unsigned char *) data, (unsigned int) length };
  gnutls_datum_t sig;
  int rc;

  raw = g_base64_decode (signature_base64, &raw_len);
  sig.data = raw;
  sig.size = (unsigned int) raw_len;

  if ((rc = gnutls_pubkey_init (&pub)) < 0 ||
      (rc = gnutls_pubkey_import (pub, &pem, GNUTLS_X509_FMT_PEM)) < 0)
    return crypto_error (error, _("read the public key"), rc);

  if ((rc = gnutls_pubkey_verify_data2 (pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &in, &sig)) < 0)
    return crypto_error (error, _("verify the signature"), rc);

  return TRUE;
}
