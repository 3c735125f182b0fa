/* ota-rollout-validate.c — the option rules of verifications and batch upgrades that need
 * no database (R-V1, R-V3, R-B3, R-B5, R-B8..R-B14, R-B16); ota-rollout-plan.c has the rest
 */
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
