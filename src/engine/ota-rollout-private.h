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

/* Ends every unfinished task of @batch_id at once with terminal @status and @reason
 * (cancelling a batch, the end of its window): one statement, then the batch's counters
 * are counted again from its tasks and the batch may end as with
 * ota_rollout_set_task_status(). Terminal tasks never change. @n_ended (optional): how
 * many tasks ended. Inside a transaction. */
gboolean ota_rollout_end_unfinished_tasks (OtaEngine      *self,
                                           gint64          batch_id,
                                           OtaTaskStatus   status,
                                           OtaTaskReason   reason,
                                           gint64          now,
                                           guint64        *n_ended,
                                           GError        **error);

/* Ends a batch when it has no unfinished task left and nothing more can join it (its
 * enrolment is complete): verification → firmware verified / verify-failed (R-V4);
 * static → finished. */
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
 * ota_rollout_enroll_device() (R-B15); gray takes its share of the devices that match
 * now. All in one statement: dynamic re-matching after an import (creation enrols in
 * chunks, see ota_rollout_start_enrolment()). */
gboolean ota_rollout_match_batch     (OtaEngine   *self,
                                      gint64       batch_id,
                                      gint64       now,
                                      GError     **error);

/* The devices a matching statement considers: names in (after_name, upto_name] of the
 * batch's product (NULL: no bound), ids up to last_id (a static batch: the devices that
 * existed when it was created). */
#define OTA_DEVICE_ID_MAX G_MAXINT64

typedef struct {
  const char *after_name;
  const char *upto_name;
  gint64      last_id;
} OtaMatchRange;

#define OTA_MATCH_RANGE_ALL { NULL, NULL, OTA_DEVICE_ID_MAX }

/* R-B10: saves on a gray batch the last device, in the spread order, of the gray share
 * of the devices with ids up to @last_id that match it now; @n_gray: the share's size. */
gboolean ota_rollout_fix_gray_cutoff (OtaEngine            *self,
                                      gint64                batch_id,
                                      gint64                last_id,
                                      guint64              *n_gray,
                                      GError              **error);

/* The id of the @n-th device in name order in @range that matches @batch_id now; 0
 * when fewer match. */
gboolean ota_rollout_find_nth_match  (OtaEngine            *self,
                                      gint64                batch_id,
                                      const OtaMatchRange  *range,
                                      guint                 n,
                                      gint64               *device_id,
                                      GError              **error);

/* How many devices in @range match @batch_id now. */
gboolean ota_rollout_count_matches   (OtaEngine            *self,
                                      gint64                batch_id,
                                      const OtaMatchRange  *range,
                                      guint64              *n,
                                      GError              **error);

/* ota_rollout_match_batch() for the devices in @range only, their tasks written in name
 * order; @n_tasks (optional): the tasks it created. */
gboolean ota_rollout_match_range     (OtaEngine            *self,
                                      gint64                batch_id,
                                      const OtaMatchRange  *range,
                                      gint64                now,
                                      guint64              *n_tasks,
                                      GError              **error);

/* ---- Enrolment in chunks (ota-rollout-enrol.c) ---- */

/* Enrols the devices that match a new batch: all of them when they are few, else the
 * first chunk (in device name order) now and the rest from ota_engine_run_due(), which
 * finds the batch due since its creation. A static batch takes only devices that exist
 * now. Inside the creating transaction. */
gboolean ota_rollout_start_enrolment (OtaEngine  *self,
                                      gint64      batch_id,
                                      gint64      now,
                                      GError    **error);

/* Enrols the next chunk of the oldest batch still enrolling (*enrolled FALSE when there
 * is none), as of @now (its creation time); the last chunk closes the enrolment and may
 * end a static batch. Inside a transaction. */
gboolean ota_rollout_enrol_next_chunk (OtaEngine  *self,
                                       gint64      now,
                                       gboolean   *enrolled,
                                       GError    **error);

/* Enrols nothing more into @batch_id (it was cancelled or its window ended). Inside a
 * transaction. */
gboolean ota_rollout_stop_enrolment  (OtaEngine  *self,
                                      gint64      batch_id,
                                      GError    **error);

/* Devices in the first enrolment chunk, enrolled by the creating transaction; the due
 * pass takes four times as many per transaction. A fraction of a second each (tests make
 * it small). */
#ifndef OTA_ENROL_CHUNK_DEFAULT   /* -DOTA_ENROL_CHUNK_DEFAULT=2 runs every test in chunks */
#define OTA_ENROL_CHUNK_DEFAULT 20000
#endif

guint    ota_engine_get_enrol_chunk  (OtaEngine  *self);
void     ota_engine_set_enrol_chunk  (OtaEngine  *self,
                                      guint       n_devices);

/* (ota-rollout-push.c) ota_engine_run_due() without the enrolment chunks: operations
 * run it first so that they meet the state the timeline reached, and after their commit
 * to send what they queued; enrolling the rest of a large batch is left to the due pass
 * proper (a cancellation must not wait for it, nor device events). */
gboolean ota_rollout_catch_up        (OtaEngine  *self,
                                      GError    **error);

/* What ota_rollout_match_batch() would do, changing nothing: fills matched, offline,
 * conflicts and overwrites of @forecast; @n_push: online devices that would be pushed. */
gboolean ota_rollout_forecast_matches (OtaEngine         *self,
                                       gint64             batch_id,
                                       OtaBatchForecast  *forecast,
                                       guint64           *n_push,
                                       GError           **error);

/* (ota-rollout-tasks.c) Puts a task in the push flow from @at: needs_push = 1, queued (or waiting as
 * pending-push/offline when its device is offline). A task that was pushed or upgrading
 * keeps its status and its time @at even while its device is offline (a retry, R-R4:
 * never before the interval); others become pending-push. A task that ended is refused
 * (FALSE, OTA_ERROR_CONFLICT). Inside a transaction. */
gboolean ota_rollout_queue_push      (OtaEngine   *self,
                                      gint64       task_id,
                                      gint64       at,
                                      GError     **error);

/* Notes that a batch changed; "batch-changed" is emitted later, coalesced. */
void     ota_engine_mark_batch_changed (OtaEngine *self,
                                        gint64     batch_id);

G_END_DECLS
