/* ota-firmware-rules.c — the rules of adding a firmware that need no file
 * (R-F1..R-F7, R-F9, unique names) */
#include <glib/gi18n-lib.h>

#include "ota-engine-private.h"
#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-firmware-rules.h"
#include "ota-validate.h"

const char *
ota_firmware_spec_get_module (const OtaFirmwareSpec *spec)
{
  return spec->module != NULL ? spec->module : "default";
}

const OtaFirmwareSpec *
ota_firmware_spec_normalize (const OtaFirmwareSpec  *spec,
                             OtaFirmwareSpec        *copy,
                             char                  **name_out)
{
  /* Not text at all: the name rule refuses it as it is. */
  if (spec->name == NULL || !g_utf8_validate (spec->name, -1, NULL))
    return spec;

  *name_out = g_utf8_normalize (spec->name, -1, G_NORMALIZE_NFC);
  *copy = *spec;
  copy->name = *name_out;
  return copy;
}

/* R-F5: the source versions without duplicates, in the order given, NULL-terminated. */
static GPtrArray *
check_source_versions (const OtaFirmwareSpec  *spec,
                       GError                **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();

  for (guint i = 0; spec->source_versions != NULL && spec->source_versions[i] != NULL; i++)
    {
      const char *source = spec->source_versions[i];

      if (!ota_validate_version (source, "source-versions", error))
        return NULL;
      if (g_strcmp0 (source, spec->version) == 0)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                               _("Source version “%s” is the firmware version itself: a firmware "
                                 "cannot upgrade a device to the version it already has"), source);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (sources, source, g_str_equal, NULL))
        g_ptr_array_add (sources, (gpointer) source);
    }

  if (spec->type == OTA_FIRMWARE_TYPE_FULL && sources->len == 0)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                           _("A full firmware needs at least one source version"));
      return NULL;
    }
  if (spec->type == OTA_FIRMWARE_TYPE_DIFF && sources->len != 1)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                           _("A diff firmware has exactly one source version (%u given)"),
                           sources->len);
      return NULL;
    }

  g_ptr_array_add (sources, NULL);
  return g_steal_pointer (&sources);
}

/* Every rule that depends on the spec alone. */
static GPtrArray *
check_spec_fields (const OtaFirmwareSpec  *spec,
                   GError                **error)
{
  if (!ota_validate_firmware_name (spec->name, error))
    return NULL;

  if (ota_enum_to_nick (OTA_TYPE_FIRMWARE_TYPE, spec->type) == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "type",
                           _("Firmware type must be full or diff"));
      return NULL;
    }

  if (!ota_validate_version (spec->version, "version", error) ||
      !ota_validate_module (ota_firmware_spec_get_module (spec), error))
    return NULL;

  if (ota_enum_to_nick (OTA_TYPE_SIGN_ALGORITHM, spec->sign_algorithm) == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "sign-algorithm",
                           _("Signature algorithm must be md5 or sha256"));
      return NULL;
    }

  if (!ota_validate_description (spec->description, error))
    return NULL;

  return check_source_versions (spec, error);
}

/* R-F1, R-F6, R-F7: what the product's project and network type allow. */
static gboolean
check_spec_for_product (const OtaFirmwareSpec  *spec,
                        OtaProduct             *product,
                        GError                **error)
{
  gboolean tmall = ota_product_get_project_type (product) == OTA_PROJECT_TYPE_TMALL_GENIE;

  if (tmall && spec->type != OTA_FIRMWARE_TYPE_FULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "type",
                           _("Products of the Tmall Genie project accept full firmwares only"));
      return FALSE;
    }

  if (tmall && g_strcmp0 (ota_firmware_spec_get_module (spec), "default") != 0)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "module",
                           _("Products of the Tmall Genie project cannot choose a firmware module: "
                             "it is always “default”"));
      return FALSE;
    }

  if (spec->sign_algorithm != OTA_SIGN_ALGORITHM_MD5)
    {
      if (tmall && ota_product_get_network_type (product) == OTA_NETWORK_TYPE_BLE)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "sign-algorithm",
                               _("Tmall Genie products on Bluetooth (BLE) only allow the md5 "
                                 "signature algorithm"));
          return FALSE;
        }
      if (!tmall && ota_product_get_android_sdk (product) && spec->type == OTA_FIRMWARE_TYPE_DIFF)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "sign-algorithm",
                               _("Diff firmwares of products that use the Android SDK only allow "
                                 "the md5 signature algorithm"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_name_unique (OtaEngine              *self,
                   const OtaFirmwareSpec  *spec,
                   GError                **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT 1 FROM firmwares WHERE product_key = ? AND name = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, spec->product_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec->name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "name",
                           _("The product already has a firmware named “%s”"), spec->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading firmwares");

  return TRUE;
}

GPtrArray *
ota_firmware_rules_check (OtaEngine              *self,
                          const OtaFirmwareSpec  *spec,
                          GError                **error)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(OtaProduct) product = NULL;

  sources = check_spec_fields (spec, error);
  if (sources == NULL)
    return NULL;

  if (spec->product_key == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "product", _("A firmware needs a product"));
      return NULL;
    }

  product = ota_engine_lookup_product (self, spec->product_key, error);
  if (product == NULL ||
      !check_spec_for_product (spec, product, error) ||
      !check_name_unique (self, spec, error))
    return NULL;

  return g_steal_pointer (&sources);
}

gboolean
ota_engine_check_firmware_spec (OtaEngine              *self,
                                const OtaFirmwareSpec  *spec,
                                GError                **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autofree char *nfc_name = NULL;
  OtaFirmwareSpec normalized;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  spec = ota_firmware_spec_normalize (spec, &normalized, &nfc_name);
  locker = g_rec_mutex_locker_new (ota_store_get_lock (ota_engine_get_store (self)));
  sources = ota_firmware_rules_check (self, spec, error);
  return sources != NULL;
}
