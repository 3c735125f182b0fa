/* ota-rollout-private.h — what the rollout files of the engine share
 *
 * Every task status change goes through ota_rollout_set_task_status(): it is the one
 * place that keeps the batch counters, the terminal-state rule (R-S: terminal states
 * never change) and the end of verifications (R-V4) and static batches right.
 */
#pragma once

#include "ota-engine-private.h"
#include "ota-rollout.h"

G_BEGIN_DECLS

#define OTA_TASK_UNFINISHED_SQL "('pending-confirm', 'pending-push', 'pushed', 'upgrading')"

const char *ota_task_status_to_nick (OtaTaskStatus status);
const char *ota_task_reason_to_nick (OtaTaskReason reason);   /* NULL for NONE */
OtaTaskStatus ota_task_status_from_nick (const char *nick);
OtaTaskReason ota_task_reason_from_nick (const char *nick);   /* NONE for NULL */

/* Inserts a task and counts it in its batch. Inside a transaction. */
gboolean ota_rollout_insert_task     (OtaEngine      *self,
                                      gint64          batch_id,
                                      gint64          device_id,
                                      OtaTaskStatus   status,
                                      OtaTaskReason   reason,
                                      const char     *source_version,
                                      gboolean        needs_push,
                                      gint64          queue_at,    /* 0: NULL */
                                      gint64         *task_id,
                                      GError        **error);

/* Moves a task to @status with @reason (NONE clears it). Refuses to leave a terminal
 * status (returns FALSE with OTA_ERROR_CONFLICT). Entering a terminal status clears the
 * push queue and timeout of the task and may end its batch (and verification). Inside a
 * transaction; @now is the effective time of the change. */
gboolean ota_rollout_set_task_status (OtaEngine      *self,
                                      gint64          task_id,
                                      OtaTaskStatus   status,
                                      OtaTaskReason   reason,
                                      gint64          now,
                                      GError        **error);

/* Ends a batch when it has no unfinished task left and nothing more can join it:
 * verification → firmware verified / verify-failed (R-V4); static → finished. */
gboolean ota_rollout_maybe_finish_batch (OtaEngine  *self,
                                         gint64      batch_id,
                                         gint64      now,
                                         GError    **error);

/* ---- Provided by ota-rollout-match.c (batch creation side) ---- */

/* Gives @device_id a task in @batch_id following R-B15 (conflict / overwrite), R-B11
 * (pending-push/scheduled before the start), R-B3 (pending-confirm) and otherwise the
 * push flow (needs_push, queued now; pending-push/offline when the device is offline,
 * pending-push/rate-limited until the push pass sends it). Inside a transaction. */
gboolean ota_rollout_enroll_device   (OtaEngine   *self,
                                      gint64       batch_id,
                                      gint64       device_id,
                                      const char  *source_version,
                                      gint64       now,
                                      GError     **error);

/* Dynamic batches (R-B5, R-B16): enrolls @device_id in every running dynamic batch of its
 * product that it matches now and has no task in yet. Called after a version report and
 * after a device was added. Inside a transaction. */
gboolean ota_rollout_match_dynamic   (OtaEngine   *self,
                                      gint64       device_id,
                                      gint64       now,
                                      GError     **error);

/* The same for every device of @product_key at once (after a CSV import). */
gboolean ota_rollout_match_dynamic_product (OtaEngine   *self,
                                            const char  *product_key,
                                            gint64       now,
                                            GError     **error);

/* Gives every device that matches batch @batch_id now (R-B2, R-B7..R-B10, R-B16) and has
 * no task in it yet a task, set-based; devices with an unfinished task go through
 * ota_rollout_enroll_device() (R-B15). Creation of a batch, and dynamic re-matching. */
gboolean ota_rollout_match_batch     (OtaEngine   *self,
                                      gint64       batch_id,
                                      gint64       now,
                                      GError     **error);

/* What ota_rollout_match_batch() would do, changing nothing: fills matched, offline,
 * conflicts and overwrites of @forecast; @n_push: online devices that would be pushed. */
gboolean ota_rollout_forecast_matches (OtaEngine         *self,
                                       gint64             batch_id,
                                       OtaBatchForecast  *forecast,
                                       guint64           *n_push,
                                       GError           **error);

/* (ota-rollout-tasks.c) Puts a task in the push flow from @at: needs_push = 1, queued (or waiting as
 * pending-push/offline when its device is offline). A task that was pushed or upgrading
 * keeps its status (a retry, R-R4); others become pending-push. Inside a transaction. */
gboolean ota_rollout_queue_push      (OtaEngine   *self,
                                      gint64       task_id,
                                      gint64       at,
                                      GError     **error);

/* Notes that a batch changed; "batch-changed" is emitted later, coalesced. */
void     ota_engine_mark_batch_changed (OtaEngine *self,
                                        gint64     batch_id);

G_END_DECLS
