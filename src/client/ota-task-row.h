/* ota-task-row.h — one row of a batch's device list (R-D2), for list views
 *
 * OtaTaskListModel hands these out before their data arrived (loaded = FALSE, empty
 * texts) and fills them in place when the page holding them was fetched, so bound
 * widgets update through property notifications or, cheaper, the one "changed" signal
 * an update emits. Read-only for everyone but the model.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

#define OTA_TYPE_TASK_ROW (ota_task_row_get_type ())
G_DECLARE_FINAL_TYPE (OtaTaskRow, ota_task_row, OTA, TASK_ROW, GObject)

OtaTaskRow    *ota_task_row_new                 (void);
/* Shows @task; notifies the properties that changed, then emits "changed" once.
 * Returns TRUE when something did. */
gboolean       ota_task_row_update              (OtaTaskRow *self,
                                                 OtaTask    *task);
/* Back to empty (loaded = FALSE), as before its page arrived; emits "changed" when it
 * was loaded. */
void           ota_task_row_clear               (OtaTaskRow *self);

gboolean       ota_task_row_get_loaded          (OtaTaskRow *self);
/* (nullable) (transfer none): the snapshot shown, NULL before loading. */
OtaTask       *ota_task_row_get_task            (OtaTaskRow *self);
gint64         ota_task_row_get_task_id         (OtaTaskRow *self);
const char    *ota_task_row_get_device_name     (OtaTaskRow *self);
OtaTaskStatus  ota_task_row_get_status          (OtaTaskRow *self);
/* With the pending-push reason, the scheduled time or the failure reason (R-S2). */
const char    *ota_task_row_get_status_label    (OtaTaskRow *self);
OtaTaskReason  ota_task_row_get_reason          (OtaTaskRow *self);
guint          ota_task_row_get_progress        (OtaTaskRow *self);
const char    *ota_task_row_get_source_version  (OtaTaskRow *self);
const char    *ota_task_row_get_current_version (OtaTaskRow *self);
guint          ota_task_row_get_tries           (OtaTaskRow *self);
gint64         ota_task_row_get_updated_at      (OtaTaskRow *self);
/* Local time "%Y/%m/%d %H:%M:%S". */
const char    *ota_task_row_get_updated_text    (OtaTaskRow *self);
/* The device's own text about a failure. */
const char    *ota_task_row_get_detail          (OtaTaskRow *self);

G_END_DECLS
