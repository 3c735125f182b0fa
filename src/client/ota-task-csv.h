/* ota-task-csv.h — a batch's device list as CSV (R-D2), for the operator's export
 *
 * Columns: device,status,reason,error_code,progress,source_version,current_version,
 * tries,updated_at,detail — status and reason as their nicks (the CLI and API
 * spelling), updated_at in ISO 8601 UTC. Rows sorted by device name.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

/* Blocking: reads the tasks in pages, so a huge batch is never held in memory whole. */
gboolean ota_task_csv_write (OtaEngine      *engine,
                             gint64          batch_id,
                             GOutputStream  *stream,
                             GCancellable   *cancellable,
                             GError        **error);

G_END_DECLS
