/* ota-labels.h — the words the user sees for the domain's values, in one place
 *
 * Translatable; the English follows the terms of the original Chinese document so a
 * translator can map them back (待推送 → "Pending push", 升级失败 → "Upgrade failed" …).
 * Nicks (ota_enum_to_nick) stay the machine spelling; these are for people.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

const char *ota_task_status_label       (OtaTaskStatus     status);
/* "" for OTA_TASK_REASON_NONE. */
const char *ota_task_reason_label       (OtaTaskReason     reason);
/* A task's status as the batch's device list shows it (R-D2, R-S2): the pending-push
 * reason or the scheduled time (local, %Y/%m/%d %H:%M:%S), the failure or cancel
 * reason. @scheduled_at: µs, used for pending-push/scheduled. Free with g_free(). */
char       *ota_task_describe_status    (OtaTaskStatus     status,
                                         OtaTaskReason     reason,
                                         gint64            scheduled_at);

const char *ota_batch_kind_label        (OtaBatchKind      kind);
const char *ota_batch_strategy_label    (OtaBatchStrategy  strategy);
const char *ota_batch_scope_label       (OtaBatchScope     scope);
const char *ota_batch_state_label       (OtaBatchState     state);
const char *ota_retry_interval_label    (OtaRetryInterval  interval);
const char *ota_firmware_type_label     (OtaFirmwareType   type);
const char *ota_firmware_status_label   (OtaFirmwareStatus status);
const char *ota_project_type_label      (OtaProjectType    type);
const char *ota_network_type_label      (OtaNetworkType    type);
const char *ota_sign_algorithm_label    (OtaSignAlgorithm  algorithm);

/* @time_us (µs since the epoch) in local time as "%Y/%m/%d %H:%M:%S", the form of the
 * original document; "" for 0. Free with g_free(). */
char       *ota_format_time             (gint64            time_us);

G_END_DECLS
