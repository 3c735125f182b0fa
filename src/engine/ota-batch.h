/* ota-batch.h — a verification or batch upgrade with its per-status counts (R-D1) */
#pragma once

#include <glib-object.h>

#include "ota-types.h"

G_BEGIN_DECLS

#define OTA_TYPE_BATCH (ota_batch_get_type ())
G_DECLARE_FINAL_TYPE (OtaBatch, ota_batch, OTA, BATCH, GObject)

#define OTA_N_TASK_STATUSES (OTA_TASK_STATUS_CANCELLED + 1)

typedef struct {
  gint64              id;
  gint64              firmware_id;
  OtaBatchKind        kind;
  OtaBatchStrategy    strategy;
  OtaBatchScope       scope;
  guint               gray_percent;
  gboolean            app_confirm;
  gint64              schedule_start;    /* 0: immediate */
  gint64              schedule_end;      /* 0: none */
  guint               push_rate;         /* 0: unlimited */
  OtaRetryInterval    retry_interval;
  guint               retry_limit;
  guint               timeout_minutes;
  gboolean            overwrite;
  gboolean            only_new_reports;
  gboolean            sources_named;
  OtaBatchState       state;
  gint64              created_at;
  gint64              started_at;        /* 0: not yet */
  gint64              ended_at;          /* 0: not yet */
  const char * const *source_versions;
  guint64             counts[OTA_N_TASK_STATUSES];
  guint64             enrolling;         /* devices still to get a task (large batches) */
} OtaBatchFields;

/* For the engine: copies every field. */
OtaBatch           *ota_batch_new                 (const OtaBatchFields *fields);

gint64              ota_batch_get_id              (OtaBatch *self);
gint64              ota_batch_get_firmware_id     (OtaBatch *self);
OtaBatchKind        ota_batch_get_kind            (OtaBatch *self);
OtaBatchStrategy    ota_batch_get_strategy        (OtaBatch *self);
OtaBatchScope       ota_batch_get_scope           (OtaBatch *self);
guint               ota_batch_get_gray_percent    (OtaBatch *self);
gboolean            ota_batch_get_app_confirm     (OtaBatch *self);
gint64              ota_batch_get_schedule_start  (OtaBatch *self);
gint64              ota_batch_get_schedule_end    (OtaBatch *self);
guint               ota_batch_get_push_rate       (OtaBatch *self);
OtaRetryInterval    ota_batch_get_retry_interval  (OtaBatch *self);
guint               ota_batch_get_retry_limit     (OtaBatch *self);
guint               ota_batch_get_timeout_minutes (OtaBatch *self);
gboolean            ota_batch_get_overwrite       (OtaBatch *self);
gboolean            ota_batch_get_only_new_reports (OtaBatch *self);
gboolean            ota_batch_get_sources_named   (OtaBatch *self);
OtaBatchState       ota_batch_get_state           (OtaBatch *self);
gint64              ota_batch_get_created_at      (OtaBatch *self);
gint64              ota_batch_get_started_at      (OtaBatch *self);
gint64              ota_batch_get_ended_at        (OtaBatch *self);
const char * const *ota_batch_get_source_versions (OtaBatch *self);
/* Tasks in @status. */
guint64             ota_batch_get_count           (OtaBatch      *self,
                                                   OtaTaskStatus  status);
guint64             ota_batch_get_total           (OtaBatch *self);
/* A batch over very many devices gives them their tasks in chunks within seconds after
 * its creation: how many devices that matched when it was created have no task yet
 * (0 once enrolment is complete). Each is judged when its chunk is enrolled, so the
 * final total may differ a little when devices change meanwhile. */
guint64             ota_batch_get_enrolling       (OtaBatch *self);
/* Ended tasks / (all tasks + devices still enrolling), 0.0..1.0 (1.0 for a batch
 * without tasks that has ended). */
double              ota_batch_get_progress        (OtaBatch *self);

G_END_DECLS
