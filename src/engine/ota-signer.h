/* ota-signer.h — signing keys for secure upgrade (R-P2, R-P3)
 *
 * ECDSA on the NIST P-256 curve with SHA-256 (see docs/security.md for why). The
 * private key stays in the engine's database; only the public key is ever exported.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A private key (PEM text) held in memory: ota_secret_free() wipes it before it frees
 * it, so the key does not linger in freed heap memory. Hold it in g_autoptr(OtaSecret). */
typedef char OtaSecret;

void     ota_secret_free              (OtaSecret   *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaSecret, ota_secret_free)

/* Makes a new key pair; both out-values are PEM text (free the private one with
 * ota_secret_free()). */
gboolean ota_signer_generate_key_pair (char       **private_pem,
                                       char       **public_pem,
                                       GError     **error);
/* Signs @data (hashed with SHA-256 as part of ECDSA). Returns the DER signature in
 * base64. */
char    *ota_signer_sign              (const char  *private_pem,
                                       const void  *data,
                                       gsize        length,
                                       GError     **error);
/* Verifies a base64 signature made by ota_signer_sign() with the PEM public key. */
gboolean ota_signer_verify            (const char  *public_pem,
                                       const void  *data,
                                       gsize        length,
                                       const char  *signature_base64,
                                       GError     **error);

G_END_DECLS
