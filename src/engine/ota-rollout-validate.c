/* ota-rollout-validate.c — the option rules of verifications and batch upgrades (R-V, R-B) */
#include <glib/gi18n-lib.h>

#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-rollout-validate.h"
#include "ota-validate.h"

gboolean
ota_validate_push_rate (guint    rate,
                        GError **error)
{
  if (rate < OTA_PUSH_RATE_MIN || rate > OTA_PUSH_RATE_MAX)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "push-rate",
                           _("Push rate must be between 10 and 1000 devices per minute"));
      return FALSE;
    }
  return TRUE;
}

gboolean
ota_validate_retry (OtaRetryInterval   interval,
                    guint              limit,
                    GError           **error)
{
  if (ota_enum_to_nick (OTA_TYPE_RETRY_INTERVAL, interval) == NULL)
    {
      g_autofree char *nicks = ota_enum_list_nicks (OTA_TYPE_RETRY_INTERVAL);

      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "retry-interval",
                           _("Retry interval must be one of: %s"), nicks);
      return FALSE;
    }

  if (limit != 1 && limit != 2 && limit != 5)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "retry-limit",
                           _("Retry limit must be 1, 2 or 5"));
      return FALSE;
    }

  return TRUE;
}

gboolean
ota_validate_timeout (guint      minutes,
                      gboolean   verification,
                      GError   **error)
{
  guint min = verification ? OTA_VERIFY_TIMEOUT_MIN : OTA_BATCH_TIMEOUT_MIN;

  if (minutes < min || minutes > OTA_TIMEOUT_MAX)
    {
      if (verification)
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "timeout",
                             _("Upgrade timeout must be between 1 and 1440 minutes"));
      else
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "timeout",
                             _("Upgrade timeout must be between 5 and 1440 minutes"));
      return FALSE;
    }
  return TRUE;
}

gboolean
ota_validate_schedule (gint64    start,
                       gint64    end,
                       gint64    now,
                       GError  **error)
{
  if (start == 0)
    {
      if (end != 0)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "schedule-end",
                               _("An end time needs a scheduled start"));
          return FALSE;
        }
      return TRUE;
    }

  if (start < now + OTA_SCHEDULE_START_MIN_US || start > now + OTA_SCHEDULE_START_MAX_US)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "schedule-start",
                           _("Scheduled start must be between 10 minutes and 7 days from now"));
      return FALSE;
    }

  if (end != 0 &&
      (end < start + OTA_SCHEDULE_LENGTH_MIN_US || end > start + OTA_SCHEDULE_LENGTH_MAX_US))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "schedule-end",
                           _("Scheduled end must be between 1 hour and 30 days after the start"));
      return FALSE;
    }

  return TRUE;
}

/* Names of devices: none empty, none twice. */
static gboolean
check_device_names (const char * const  *devices,
                    GError             **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; devices[i] != NULL; i++)
    {
      if (*devices[i] == '\0')
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                               _("Device names cannot be empty"));
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) devices[i]))
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                               _("Device “%s” is listed twice"), devices[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* R-B9: at least one region, each with a province; a city narrows it. */
static gboolean
check_regions (const OtaRegion  *regions,
               guint             n_regions,
               GError          **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (regions == NULL || n_regions == 0)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "regions",
                           _("A region upgrade needs at least one province"));
      return FALSE;
    }

  for (guint i = 0; i < n_regions; i++)
    {
      const char *province = regions[i].province;
      const char *city = regions[i].city != NULL ? regions[i].city : "";
      g_autoptr(GError) invalid = NULL;

      if (province == NULL || *province == '\0')
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "regions",
                               _("Every region needs a province"));
          return FALSE;
        }
      if (!ota_validate_region (province, city, &invalid))
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "regions", "%s", invalid->message);
          return FALSE;
        }
      if (!g_hash_table_add (seen, g_strconcat (province, "\n", city, NULL)))
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "regions",
                               _("Region “%s %s” is listed twice"), province, city);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
ota_rollout_check_batch_spec (const OtaBatchSpec  *spec,
                              gint64               now,
                              GError             **error)
{
  gboolean dynamic = spec->strategy == OTA_BATCH_STRATEGY_DYNAMIC;

  if (ota_enum_to_nick (OTA_TYPE_BATCH_STRATEGY, spec->strategy) == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "strategy",
                           _("Strategy must be static or dynamic"));
      return FALSE;
    }

  switch (spec->scope)
    {
    case OTA_BATCH_SCOPE_ALL:
      break;

    case OTA_BATCH_SCOPE_TARGETED:
      if (spec->devices == NULL || spec->devices[0] == NULL)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                               _("A targeted upgrade needs at least one device"));
          return FALSE;
        }
      if (!check_device_names (spec->devices, error))
        return FALSE;
      break;

    case OTA_BATCH_SCOPE_REGION:
      if (!check_regions (spec->regions, spec->n_regions, error))
        return FALSE;
      break;

    case OTA_BATCH_SCOPE_GRAY:
      if (dynamic)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "scope",
                               _("A gray upgrade needs the static strategy"));
          return FALSE;
        }
      if (spec->gray_percent < 1 || spec->gray_percent > 100)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "gray-percent",
                               _("Gray percentage must be between 1 and 100"));
          return FALSE;
        }
      break;

    default:
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "scope",
                           _("Scope must be all, targeted, region or gray"));
      return FALSE;
    }

  if (dynamic && spec->schedule_start != 0)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "schedule-start",
                           _("A scheduled upgrade needs the static strategy"));
      return FALSE;
    }

  if (!dynamic && spec->only_new_reports)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "only-new-reports",
                           _("Upgrading only devices that report a new version needs the "
                             "dynamic strategy"));
      return FALSE;
    }

  return ota_validate_schedule (spec->schedule_start, spec->schedule_end, now, error) &&
         ota_validate_push_rate (spec->push_rate, error) &&
         ota_validate_retry (spec->retry_interval, spec->retry_limit, error) &&
         ota_validate_timeout (spec->timeout_minutes, FALSE, error);
}

gboolean
ota_rollout_check_verify_spec (const OtaVerifySpec  *spec,
                               GError              **error)
{
  guint n_devices = spec->devices != NULL ? g_strv_length ((GStrv) spec->devices) : 0;

  if (spec->source_versions == NULL || spec->source_versions[0] == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "source-versions",
                           _("Choose at least one source version"));
      return FALSE;
    }

  if (n_devices < 1 || n_devices > OTA_VERIFY_MAX_DEVICES)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                           _("Choose between 1 and 10 devices to verify the firmware on"));
      return FALSE;
    }

  return check_device_names (spec->devices, error) &&
         ota_validate_timeout (spec->timeout_minutes, TRUE, error);
}

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

/* R-B4 / R-V2: @given NULL takes the firmware's own list (not named, R-R1). A diff
 * firmware only upgrades from its one source; a full one from versions that devices of
 * the product report for the module. */
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
      plan->sources_named = FALSE;
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
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, firmware_id);
  sqlite3_bind_int64 (stmt, 2, device_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading verification devices");

  *result = rc == SQLITE_ROW;
  return TRUE;
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
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, device_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ota_store_set_error (store, error, "reading device tasks");

  *result = rc == SQLITE_ROW;
  return TRUE;
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
                               _("Firmware “%s” already has a dynamic batch (%" G_GINT64_FORMAT
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
