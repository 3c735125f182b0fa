/* ota-task.h — one device's task in a batch (R-S1..R-S7, R-D2) */
#pragma once

#include <glib-object.h>

#include "ota-types.h"

G_BEGIN_DECLS

#define OTA_TYPE_TASK (ota_task_get_type ())
G_DECLARE_FINAL_TYPE (OtaTask, ota_task, OTA, TASK, GObject)

typedef struct {
  gint64         id;
  gint64         batch_id;
  gint64         device_id;
  const char    *device_name;
  OtaTaskStatus  status;
  OtaTaskReason  reason;
  int            error_code;        /* -1..-4 for device errors, else 0 */
  const char    *detail;            /* nullable: the device's description */
  guint          progress;
  const char    *source_version;    /* nullable */
  const char    *current_version;   /* nullable */
  guint          tries;
  gint64         scheduled_at;      /* pending-push/scheduled: the start time; else 0 */
  gboolean       retry_pending;     /* a retry is waiting (R-R4) */
  OtaTaskReason  last_reason;       /* the failure a pending retry answers */
  gint64         created_at;
  gint64         updated_at;
} OtaTaskFields;

OtaTask       *ota_task_new                 (const OtaTaskFields *fields);

gint64         ota_task_get_id              (OtaTask *self);
gint64         ota_task_get_batch_id        (OtaTask *self);
gint64         ota_task_get_device_id       (OtaTask *self);
const char    *ota_task_get_device_name     (OtaTask *self);
OtaTaskStatus  ota_task_get_status          (OtaTask *self);
OtaTaskReason  ota_task_get_reason          (OtaTask *self);
int            ota_task_get_error_code      (OtaTask *self);
const char    *ota_task_get_detail          (OtaTask *self);
guint          ota_task_get_progress        (OtaTask *self);
const char    *ota_task_get_source_version  (OtaTask *self);
const char    *ota_task_get_current_version (OtaTask *self);
guint          ota_task_get_tries           (OtaTask *self);
gint64         ota_task_get_scheduled_at    (OtaTask *self);
gboolean       ota_task_get_retry_pending   (OtaTask *self);
OtaTaskReason  ota_task_get_last_reason     (OtaTask *self);
gint64         ota_task_get_created_at      (OtaTask *self);
gint64         ota_task_get_updated_at      (OtaTask *self);

G_END_DECLS
