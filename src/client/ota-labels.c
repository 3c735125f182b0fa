/* ota-labels.c — the words the user sees for the domain's values
 *
 * The TRANSLATORS comments give the term of the original Chinese document.
 */
#include <glib/gi18n-lib.h>

#include "ota-labels.h"

const char *
ota_task_status_label (OtaTaskStatus status)
{
  switch (status)
    {
    /* TRANSLATORS: task status 待确认: waiting for the user's confirmation in the app */
    case OTA_TASK_STATUS_PENDING_CONFIRM: return _("Pending confirmation");
    /* TRANSLATORS: task status 待推送 */
    case OTA_TASK_STATUS_PENDING_PUSH:    return _("Pending push");
    /* TRANSLATORS: task status 已推送 */
    case OTA_TASK_STATUS_PUSHED:          return _("Pushed");
    /* TRANSLATORS: task status 升级中 */
    case OTA_TASK_STATUS_UPGRADING:       return _("Upgrading");
    /* TRANSLATORS: task status 升级成功 */
    case OTA_TASK_STATUS_SUCCEEDED:       return _("Upgrade succeeded");
    /* TRANSLATORS: task status 升级失败 */
    case OTA_TASK_STATUS_FAILED:          return _("Upgrade failed");
    /* TRANSLATORS: task status 已取消 */
    case OTA_TASK_STATUS_CANCELLED:       return C_("task status", "Cancelled");
    default:                              return "";
    }
}

const char *
ota_task_reason_label (OtaTaskReason reason)
{
  switch (reason)
    {
    case OTA_TASK_REASON_NONE:               return "";
    /* TRANSLATORS: pending-push reason 设备离线 */
    case OTA_TASK_REASON_OFFLINE:            return _("Device offline");
    /* TRANSLATORS: pending-push reason 定时推送 */
    case OTA_TASK_REASON_SCHEDULED:          return _("Scheduled push");
    /* TRANSLATORS: pending-push reason 速率限制 */
    case OTA_TASK_REASON_RATE_LIMITED:       return _("Push rate limit");
    /* TRANSLATORS: failure reason: the device had not finished its previous upgrade task
     * (设备未结束上一次升级任务) */
    case OTA_TASK_REASON_CONFLICT:           return _("Earlier task not finished");
    /* TRANSLATORS: failure reason, device step -1 (升级失败) */
    case OTA_TASK_REASON_UPGRADE_FAILED:     return _("Upgrade error (-1)");
    /* TRANSLATORS: failure reason, device step -2 (下载失败) */
    case OTA_TASK_REASON_DOWNLOAD_FAILED:    return _("Download failed (-2)");
    /* TRANSLATORS: failure reason, device step -3 (校验失败) */
    case OTA_TASK_REASON_VERIFY_FAILED:      return _("Integrity check failed (-3)");
    /* TRANSLATORS: failure reason, device step -4 (烧写失败) */
    case OTA_TASK_REASON_FLASH_FAILED:       return _("Flashing failed (-4)");
    /* TRANSLATORS: failure reason timeout (超时) */
    case OTA_TASK_REASON_TIMEOUT:            return _("Timed out");
    /* TRANSLATORS: failure reason: while upgrading the device reported a version that is
     * neither a source version nor the target (上报了源版本和目标版本以外的版本) */
    case OTA_TASK_REASON_UNEXPECTED_VERSION: return _("Unexpected version");
    /* TRANSLATORS: cancel reason: the operator cancelled (您主动取消) */
    case OTA_TASK_REASON_CANCELLED:          return _("Cancelled by the operator");
    /* TRANSLATORS: cancel reason: a later batch overwrote the task (覆盖) */
    case OTA_TASK_REASON_OVERWRITTEN:        return _("Overwritten by a later batch");
    /* TRANSLATORS: cancel reason: the scheduled upgrade end time passed (升级结束时间) */
    case OTA_TASK_REASON_WINDOW_ENDED:       return _("Upgrade window ended");
    /* TRANSLATORS: cancel reason: the user declined in the app */
    case OTA_TASK_REASON_DECLINED:           return _("Declined in the app");
    default:                                 return "";
    }
}

static char *
describe_pending_push (OtaTaskReason reason,
                       gint64        scheduled_at)
{
  switch (reason)
    {
    case OTA_TASK_REASON_OFFLINE:
      /* TRANSLATORS: 待推送(设备离线) */
      return g_strdup (_("Pending push (offline)"));

    case OTA_TASK_REASON_SCHEDULED:
      {
        g_autofree char *when = ota_format_time (scheduled_at);

        /* TRANSLATORS: 待推送(定时:2020/XX/XX XX:XX:XX); %s is the start date and time */
        return g_strdup_printf (_("Pending push (scheduled: %s)"), when);
      }

    default:
      /* The original shows a rate-limited task as plain 待推送. */
      return g_strdup (ota_task_status_label (OTA_TASK_STATUS_PENDING_PUSH));
    }
}

static const char *
describe_failed (OtaTaskReason reason)
{
  switch (reason)
    {
    case OTA_TASK_REASON_CONFLICT:           return _("Failed: earlier task not finished");
    case OTA_TASK_REASON_UPGRADE_FAILED:     return _("Failed: upgrade error");
    case OTA_TASK_REASON_DOWNLOAD_FAILED:    return _("Failed: download failed");
    case OTA_TASK_REASON_VERIFY_FAILED:      return _("Failed: integrity check failed");
    case OTA_TASK_REASON_FLASH_FAILED:       return _("Failed: flashing failed");
    case OTA_TASK_REASON_TIMEOUT:            return _("Failed: timed out");
    case OTA_TASK_REASON_UNEXPECTED_VERSION: return _("Failed: unexpected version");
    default:                                 return ota_task_status_label (OTA_TASK_STATUS_FAILED);
    }
}

static const char *
describe_cancelled (OtaTaskReason reason)
{
  switch (reason)
    {
    case OTA_TASK_REASON_CANCELLED:    return _("Cancelled by the operator");
    case OTA_TASK_REASON_OVERWRITTEN:  return _("Cancelled: overwritten by a later batch");
    case OTA_TASK_REASON_WINDOW_ENDED: return _("Cancelled: upgrade window ended");
    case OTA_TASK_REASON_DECLINED:     return _("Cancelled: declined in the app");
    default:                           return ota_task_status_label (OTA_TASK_STATUS_CANCELLED);
    }
}

char *
ota_task_describe_status (OtaTaskStatus status,
                          OtaTaskReason reason,
                          gint64        scheduled_at)
{
  switch (status)
    {
    case OTA_TASK_STATUS_PENDING_PUSH: return describe_pending_push (reason, scheduled_at);
    case OTA_TASK_STATUS_FAILED:       return g_strdup (describe_failed (reason));
    case OTA_TASK_STATUS_CANCELLED:    return g_strdup (describe_cancelled (reason));
    default:                           return g_strdup (ota_task_status_label (status));
    }
}

const char *
ota_batch_kind_label (OtaBatchKind kind)
{
  switch (kind)
    {
    /* TRANSLATORS: 验证固件 */
    case OTA_BATCH_KIND_VERIFICATION: return _("Firmware verification");
    /* TRANSLATORS: 批量升级 */
    case OTA_BATCH_KIND_BATCH:        return _("Batch upgrade");
    default:                          return "";
    }
}

const char *
ota_batch_strategy_label (OtaBatchStrategy strategy)
{
  switch (strategy)
    {
    /* TRANSLATORS: 静态升级 */
    case OTA_BATCH_STRATEGY_STATIC:  return _("Static upgrade");
    /* TRANSLATORS: 动态升级 */
    case OTA_BATCH_STRATEGY_DYNAMIC: return _("Dynamic upgrade");
    default:                         return "";
    }
}

const char *
ota_batch_scope_label (OtaBatchScope scope)
{
  switch (scope)
    {
    /* TRANSLATORS: upgrade scope 全部设备 */
    case OTA_BATCH_SCOPE_ALL:      return _("All devices");
    /* TRANSLATORS: upgrade scope 定向升级 */
    case OTA_BATCH_SCOPE_TARGETED: return _("Targeted upgrade");
    /* TRANSLATORS: upgrade scope 区域升级 */
    case OTA_BATCH_SCOPE_REGION:   return _("Regional upgrade");
    /* TRANSLATORS: upgrade scope 灰度升级: a percentage of the devices */
    case OTA_BATCH_SCOPE_GRAY:     return _("Gray upgrade");
    default:                       return "";
    }
}

const char *
ota_batch_state_label (OtaBatchState state)
{
  switch (state)
    {
    case OTA_BATCH_STATE_SCHEDULED: return C_("batch state", "Scheduled");
    case OTA_BATCH_STATE_RUNNING:   return C_("batch state", "Running");
    case OTA_BATCH_STATE_FINISHED:  return C_("batch state", "Finished");
    case OTA_BATCH_STATE_CANCELLED: return C_("batch state", "Cancelled");
    default:                        return "";
    }
}

const char *
ota_retry_interval_label (OtaRetryInterval interval)
{
  switch (interval)
    {
    /* TRANSLATORS: 不重试 */
    case OTA_RETRY_INTERVAL_NONE:       return _("No retry");
    /* TRANSLATORS: 立即重试 */
    case OTA_RETRY_INTERVAL_IMMEDIATE:  return _("Retry immediately");
    /* TRANSLATORS: 10分钟后重试 */
    case OTA_RETRY_INTERVAL_10_MINUTES: return _("Retry after 10 minutes");
    /* TRANSLATORS: 30分钟后重试 */
    case OTA_RETRY_INTERVAL_30_MINUTES: return _("Retry after 30 minutes");
    /* TRANSLATORS: 1小时后重试 */
    case OTA_RETRY_INTERVAL_1_HOUR:     return _("Retry after 1 hour");
    /* TRANSLATORS: 24小时后重试 */
    case OTA_RETRY_INTERVAL_24_HOURS:   return _("Retry after 24 hours");
    default:                            return "";
    }
}

const char *
ota_firmware_type_label (OtaFirmwareType type)
{
  switch (type)
    {
    /* TRANSLATORS: firmware type 整包 */
    case OTA_FIRMWARE_TYPE_FULL: return _("Full package");
    /* TRANSLATORS: firmware type 差分 */
    case OTA_FIRMWARE_TYPE_DIFF: return _("Differential package");
    default:                     return "";
    }
}

const char *
ota_firmware_status_label (OtaFirmwareStatus status)
{
  switch (status)
    {
    /* TRANSLATORS: firmware status 未验证 */
    case OTA_FIRMWARE_STATUS_UNVERIFIED:    return _("Not verified");
    /* TRANSLATORS: firmware status 验证中 */
    case OTA_FIRMWARE_STATUS_VERIFYING:     return _("Verifying");
    /* TRANSLATORS: firmware status 验证失败 */
    case OTA_FIRMWARE_STATUS_VERIFY_FAILED: return _("Verification failed");
    /* TRANSLATORS: firmware status 已验证 */
    case OTA_FIRMWARE_STATUS_VERIFIED:      return _("Verified");
    default:                                return "";
    }
}

const char *
ota_project_type_label (OtaProjectType type)
{
  switch (type)
    {
    /* TRANSLATORS: project type 自有品牌 */
    case OTA_PROJECT_TYPE_OWN_BRAND:   return _("Own brand");
    /* TRANSLATORS: project type 天猫精灵生态 */
    case OTA_PROJECT_TYPE_TMALL_GENIE: return _("Tmall Genie ecosystem");
    default:                           return "";
    }
}

const char *
ota_network_type_label (OtaNetworkType type)
{
  switch (type)
    {
    /* TRANSLATORS: network type WiFi */
    case OTA_NETWORK_TYPE_WIFI:     return _("Wi-Fi");
    /* TRANSLATORS: network type 蓝牙 */
    case OTA_NETWORK_TYPE_BLE:      return _("Bluetooth");
    /* TRANSLATORS: network type 蜂窝 (2G/3G/4G/5G) */
    case OTA_NETWORK_TYPE_CELLULAR: return _("Cellular");
    /* TRANSLATORS: network type 以太网 */
    case OTA_NETWORK_TYPE_ETHERNET: return _("Ethernet");
    /* TRANSLATORS: network type 其他 */
    case OTA_NETWORK_TYPE_OTHER:    return C_("network type", "Other");
    default:                        return "";
    }
}

const char *
ota_sign_algorithm_label (OtaSignAlgorithm algorithm)
{
  switch (algorithm)
    {
    /* TRANSLATORS: signature algorithm (签名算法); usually left as is */
    case OTA_SIGN_ALGORITHM_MD5:    return C_("sign algorithm", "MD5");
    /* TRANSLATORS: signature algorithm (签名算法); usually left as is */
    case OTA_SIGN_ALGORITHM_SHA256: return C_("sign algorithm", "SHA256");
    default:                        return "";
    }
}

char *
ota_format_time (gint64 time_us)
{
  g_autoptr(GDateTime) local = NULL;

  if (time_us == 0)
    return g_strdup ("");

  local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  if (local == NULL)
    return g_strdup ("");

  return g_date_time_format (local, "%Y/%m/%d %H:%M:%S");
}
