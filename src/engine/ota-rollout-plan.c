/* ota-rollout-plan.c — the rules of verifications and batch upgrades that read the store:
 * firmware status, reported versions, devices (R-B1, R-B2, R-B4, R-B6, R-B8, R-V2, R-V4)
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "ota-error.h"
#include "ota-rollout-validate.h"
#include "ota-validate.h"

void
ota_rollout_plan_clear (OtaRolloutPlan *plan)
{
  g_clear_object (&plan->firmware);
  g_clear_pointer (&plan->sources, g_strfreev);
  g_clear_pointer (&plan->device_ids, g_array_unref);
}

static gboolean
version_is_reported (OtaStore    *store,
                     OtaFirmware *firmware,
                     const char  *version,
                     gboolean    *reported,
                     GError     **error)
{
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT 1 FROM module_versions WHERE product_key = ? AND module = ? "
                       "AND version = ? AND devices > 0",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, ota_firmware_get_product_key (firmware), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ota_firmware_get_module (firmware), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, version, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading reported versions");

  *reported = rc == SQLITE_ROW;
  return TRUE;
}

/* R-B4 / R-V2: @given NULL takes the firmware's own list (not named, R-R1), except for
 * a diff firmware: its one source is fixed by the package itself, so it always counts
 * as named. A diff firmware only upgrades from that source; a full one from versions
 * that devices of the product report for the module. */
static gboolean
resolve_sources (OtaEngine           *self,
                 const char * const  *given,
                 OtaRolloutPlan      *plan,
                 GError             **error)
{
  OtaFirmware *firmware = plan->firmware;
  const char * const *own = ota_firmware_get_source_versions (firmware);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (given == NULL)
    {
      plan->sources = g_strdupv ((GStrv) own);
      plan->sources_named = ota_firmware_get_firmware_type (firmware) == OTA_FIRMWARE_TYPE_DIFF;
      return TRUE;
    }

  if (given[0] == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                           _("Choose at least one source version"));
      return FALSE;
    }

  for (guint i = 0; given[i] != NULL; i++)
    {
      const char *version = given[i];
      gboolean reported = FALSE;

      if (!ota_validate_version (version, "source-versions", error))
        return FALSE;

      if (!g_hash_table_add (seen, (gpointer) version))
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                               _("Source version “%s” is listed twice"), version);
          return FALSE;
        }

      if (g_strcmp0 (version, ota_firmware_get_version (firmware)) == 0)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                               _("Source version “%s” is the firmware’s own version"), version);
          return FALSE;
        }

      if (ota_firmware_get_firmware_type (firmware) == OTA_FIRMWARE_TYPE_DIFF)
        {
          if (!g_strv_contains (own, version))
            {
              ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                                   _("A diff firmware upgrades from its source version “%s” only"),
                                   own[0] != NULL ? own[0] : "");
              return FALSE;
            }
          continue;
        }

      if (!version_is_reported (ota_engine_get_store (self), firmware, version, &reported, error))
        return FALSE;
      if (!reported)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                               _("No device of product “%s” reports version “%s” for module “%s”"),
                               ota_firmware_get_product_key (firmware), version,
                               ota_firmware_get_module (firmware));
          return FALSE;
        }
    }

  plan->sources = g_strdupv ((GStrv) given);
  plan->sources_named = TRUE;
  return TRUE;
}

/* A device of the firmware's product by name, with the version it reports for the
 * firmware's module (NULL: never reported, R-DV2). */
static gboolean
find_device (OtaEngine    *self,
             OtaFirmware  *firmware,
             const char   *name,
             gint64       *device_id,
             char        **version,
             GError      **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT d.id, v.version FROM devices d LEFT JOIN device_versions v "
                       "ON v.device_id = d.id AND v.module = ?3 "
                       "WHERE d.product_key = ?1 AND d.name = ?2",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, ota_firmware_get_product_key (firmware), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ota_firmware_get_module (firmware), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "devices",
                           _("Device “%s” of product “%s” does not exist"),
                           name, ota_firmware_get_product_key (firmware));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return ota_store_set_error (store, error, "reading a device");

  *device_id = sqlite3_column_int64 (stmt, 0);
  *version = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  return TRUE;
}

/* Runs @stmt, a bound "SELECT 1 …": *@result says whether it found a row. @what
 * names the read in a store error. */
static gboolean
step_exists (OtaStore       *store,
             OtaCachedStmt  *stmt,
             gboolean       *result,
             const char     *what,
             GError        **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, what);

  *result = rc == SQLITE_ROW;
  return TRUE;
}

/* R-B2: the device took part in a verification of the firmware. */
static gboolean
is_verification_device (OtaEngine  *self,
                        gint64      firmware_id,
                        gint64      device_id,
                        gboolean   *result,
                        GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT 1 FROM batch_targets bt JOIN batches b ON b.id = bt.batch_id "
                       "WHERE b.firmware_id = ? AND b.kind = 'verification' AND bt.device_id = ?",
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, firmware_id);
  sqlite3_bind_int64 (stmt, 2, device_id);
  return step_exists (store, stmt, result, "reading verification devices", error);
}

static gboolean
has_unfinished_task (OtaEngine  *self,
                     gint64      device_id,
                     gboolean   *result,
                     GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT 1 FROM tasks WHERE device_id = ? AND status IN "
                       OTA_TASK_UNFINISHED_SQL,
                       error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, device_id);
  return step_exists (store, stmt, result, "reading device tasks", error);
}

/* R-B6: the firmware's dynamic batch that is not cancelled, or 0. */
static gboolean
find_dynamic_batch (OtaEngine  *self,
                    gint64      firmware_id,
                    gint64     *batch_id,
                    GError    **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "SELECT id FROM batches WHERE firmware_id = ? AND kind = 'batch' "
                       "AND strategy = 'dynamic' AND state != 'cancelled'",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, firmware_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading batches");

  *batch_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

gboolean
ota_rollout_plan_batch (OtaEngine           *self,
                        const OtaBatchSpec  *spec,
                        OtaRolloutPlan      *plan,
                        GError             **error)
{
  gint64 dynamic_id = 0;

  plan->firmware = ota_engine_lookup_firmware (self, spec->firmware_id, error);
  if (plan->firmware == NULL)
    return FALSE;

  /* R-B1 */
  if (ota_firmware_get_status (plan->firmware) != OTA_FIRMWARE_STATUS_VERIFIED)
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "firmware",
                           _("Firmware “%s” has not been verified; only a verified firmware "
                             "can be upgraded in batches"),
                           ota_firmware_get_name (plan->firmware));
      return FALSE;
    }

  /* R-B6 */
  if (spec->strategy == OTA_BATCH_STRATEGY_DYNAMIC)
    {
      if (!find_dynamic_batch (self, spec->firmware_id, &dynamic_id, error))
        return FALSE;
      if (dynamic_id != 0)
        {
          ota_error_set_field (error, OTA_ERROR_CONFLICT, "strategy",
                               _("Firmware “%s” already has a dynamic batch (%" PRId64
                                 "); cancel it before creating another"),
                               ota_firmware_get_name (plan->firmware), dynamic_id);
          return FALSE;
        }
    }

  if (!resolve_sources (self, spec->source_versions, plan, error))
    return FALSE;

  /* R-B8, R-B2: listed devices exist in the product and did not verify this firmware. */
  plan->device_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (spec->scope != OTA_BATCH_SCOPE_TARGETED)
    return TRUE;

  for (guint i = 0; spec->devices[i] != NULL; i++)
    {
      g_autofree char *version = NULL;
      gint64 device_id;
      gboolean verification = FALSE;

      if (!find_device (self, plan->firmware, spec->devices[i], &device_id, &version, error) ||
          !is_verification_device (self, spec->firmware_id, device_id, &verification, error))
        return FALSE;

      if (verification)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                               _("Device “%s” took part in the verification of this firmware "
                                 "and cannot be upgraded in its batches"),
                               spec->devices[i]);
          return FALSE;
        }
      g_array_append_val (plan->device_ids, device_id);
    }

  return TRUE;
}

gboolean
ota_rollout_plan_verification (OtaEngine            *self,
                               const OtaVerifySpec  *spec,
                               OtaRolloutPlan       *plan,
                               GError              **error)
{
  OtaFirmwareStatus status;

  plan->firmware = ota_engine_lookup_firmware (self, spec->firmware_id, error);
  if (plan->firmware == NULL)
    return FALSE;

  /* R-V4 */
  status = ota_firmware_get_status (plan->firmware);
  if (status == OTA_FIRMWARE_STATUS_VERIFIED)
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "firmware",
                           _("Firmware “%s” is verified already and cannot be verified again"),
                           ota_firmware_get_name (plan->firmware));
      return FALSE;
    }
  if (status == OTA_FIRMWARE_STATUS_VERIFYING)
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "firmware",
                           _("Firmware “%s” is being verified; a second verification can only "
                             "start after this one ended"),
                           ota_firmware_get_name (plan->firmware));
      return FALSE;
    }

  if (!resolve_sources (self, spec->source_versions, plan, error))
    return FALSE;

  /* R-V2: each device of the product, on a chosen source, without an unfinished task. */
  plan->device_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; spec->devices[i] != NULL; i++)
    {
      const char *name = spec->devices[i];
      g_autofree char *version = NULL;
      gint64 device_id;
      gboolean busy = FALSE;

      if (!find_device (self, plan->firmware, name, &device_id, &version, error))
        return FALSE;

      if (version == NULL)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                               _("Device “%s” has never reported a version for module “%s”"),
                               name, ota_firmware_get_module (plan->firmware));
          return FALSE;
        }
      if (!g_strv_contains ((const char * const *) plan->sources, version))
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                               _("Device “%s” is on version “%s” of module “%s”, which is not "
                                 "one of the chosen source versions"),
                               name, version, ota_firmware_get_module (plan->firmware));
          return FALSE;
        }

      if (!has_unfinished_task (self, device_id, &busy, error))
        return FALSE;
      if (busy)
        {
          ota_error_set_field (error, OTA_ERROR_CONFLICT, "devices",
                               _("Device “%s” has an upgrade task that has not ended"), name);
          return FALSE;
        }

      g_array_append_val (plan->device_ids, device_id);
    }

  return TRUE;
}
