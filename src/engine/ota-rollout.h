/* ota-rollout.h — verification, batch upgrades, device tasks and device events
 *
 * The rollout half of the engine's door (R-V, R-B, R-S, R-R, R-D, R-E). Same contract as
 * ota-engine.h: validate first, change nothing on failure, one transaction per call.
 */
#pragma once

#include "ota-batch.h"
#include "ota-device-link.h"
#include "ota-engine.h"
#include "ota-task.h"

G_BEGIN_DECLS

/* ---- Verification (R-V) -------------------------------------------------- */

typedef struct {
  gint64               firmware_id;
  const char * const  *source_versions;   /* one or more */
  const char * const  *devices;           /* device names, 1..10 */
  guint                timeout_minutes;   /* 1..1440 */
  gboolean             app_confirm;
} OtaVerifySpec;

OtaBatch *ota_engine_start_verification (OtaEngine            *self,
                                         const OtaVerifySpec  *spec,
                                         GError              **error);

/* ---- Batch upgrades (R-B) ------------------------------------------------ */

typedef struct {
  const char *province;
  const char *city;       /* nullable or "": the whole province */
} OtaRegion;

typedef struct {
  gint64               firmware_id;
  OtaBatchStrategy     strategy;
  OtaBatchScope        scope;
  /* NULL: the firmware's own list, and the sources count as not named (no retries, R-R1). */
  const char * const  *source_versions;
  const char * const  *devices;           /* targeted: device names */
  const OtaRegion     *regions;           /* region */
  guint                n_regions;
  guint                gray_percent;      /* gray: 1..100 */
  gboolean             app_confirm;
  gint64               schedule_start;    /* 0: immediate; else now+10 min .. now+7 days */
  gint64               schedule_end;      /* 0: none; else start+1 h .. start+30 days */
  guint                push_rate;         /* 10..1000 per minute */
  OtaRetryInterval     retry_interval;
  guint                retry_limit;       /* 1, 2 or 5 */
  guint                timeout_minutes;   /* 5..1440 */
  gboolean             overwrite;
  gboolean             only_new_reports;  /* dynamic only */
} OtaBatchSpec;

#define OTA_BATCH_SPEC_INIT { \
    .strategy = OTA_BATCH_STRATEGY_STATIC, \
    .scope = OTA_BATCH_SCOPE_ALL, \
    .push_rate = 100, \
    .retry_interval = OTA_RETRY_INTERVAL_NONE, \
    .retry_limit = 1, \
    .timeout_minutes = 60, \
  }

/* What a batch would do if created now (the console's forecast before Confirm). */
typedef struct {
  guint64 matched;      /* devices that would get a task */
  guint64 offline;      /* of those, offline now */
  guint64 conflicts;    /* of those, with an unfinished task that this batch would not overwrite */
  guint64 overwrites;   /* of those, whose unfinished task would be cancelled (overwrite yes) */
  /* How long pushing takes at the rate: ceil (n / push_rate) minutes, n = the online
   * devices that would get a runnable task (matched − offline − online conflicts); the
   * last notices go out at the start of the last of those minutes. Counted from the
   * start for a scheduled batch, and as if every user confirmed at once with app
   * confirmation. */
  gint64  push_duration_us;
} OtaBatchForecast;

gboolean  ota_engine_forecast_batch  (OtaEngine            *self,
                                      const OtaBatchSpec   *spec,
                                      OtaBatchForecast     *forecast,
                                      GError              **error);
/* Over very many devices only the first chunk of them (in device name order) gets its
 * task here and ota_engine_run_due() enrols the rest right after, a chunk per
 * transaction (ota_batch_get_enrolling() says how many are still to come). A static
 * batch takes the devices that exist when it is created; each device is judged (version,
 * online, other tasks) when its chunk is enrolled, within seconds after the creation,
 * and its task counts as created with the batch. See docs/storage.md. */
OtaBatch *ota_engine_create_batch    (OtaEngine            *self,
                                      const OtaBatchSpec   *spec,
                                      GError              **error);
OtaBatch *ota_engine_get_batch       (OtaEngine            *self,
                                      gint64                batch_id,
                                      GError              **error);
/* (element-type OtaBatch) (transfer full): verifications and batches, newest first. */
GPtrArray *ota_engine_list_batches   (OtaEngine            *self,
                                      gint64                firmware_id,
                                      GError              **error);
/* R-B17: every unfinished task → cancelled (reason cancelled); dynamic stops matching. */
OtaBatch *ota_engine_cancel_batch    (OtaEngine            *self,
                                      gint64                batch_id,
                                      GError              **error);
/* R-B17: one device's task. */
OtaTask  *ota_engine_cancel_task     (OtaEngine            *self,
                                      gint64                task_id,
                                      GError              **error);

/* ---- Tasks (R-S, R-D) ---------------------------------------------------- */

typedef enum {
  OTA_TASK_SORT_DEVICE,
  OTA_TASK_SORT_STATUS,
  OTA_TASK_SORT_UPDATED,
  OTA_TASK_SORT_PROGRESS,
} OtaTaskSort;

typedef struct {
  int          status;       /* an OtaTaskStatus, or -1 for any */
  const char  *search;       /* nullable: substring of the device name */
  OtaTaskSort  sort;
  gboolean     descending;
  guint        offset;
  guint        limit;        /* 0: no limit */
} OtaTaskQuery;

#define OTA_TASK_QUERY_INIT { .status = -1 }

/* (element-type OtaTask) (transfer full) */
GPtrArray *ota_engine_query_tasks    (OtaEngine           *self,
                                      gint64               batch_id,
                                      const OtaTaskQuery  *query,
                                      guint64             *total,
                                      GError             **error);
OtaTask   *ota_engine_get_task       (OtaEngine           *self,
                                      gint64               task_id,
                                      GError             **error);
/* The device's unfinished task (it has at most one), else the one that changed last;
 * NOT_FOUND naming "device" for no such device, "task" when it never had a task. */
OtaTask   *ota_engine_get_device_task (OtaEngine          *self,
                                       const char         *product_key,
                                       const char         *device_name,
                                       GError            **error);

typedef struct {
  OtaTaskReason reason;
  guint64       count;
} OtaFailureGroup;

/* (element-type OtaFailureGroup) (transfer full): failed tasks of a batch per reason,
 * largest group first (R-D3). */
GArray    *ota_engine_count_failures (OtaEngine           *self,
                                      gint64               batch_id,
                                      GError             **error);

/* ---- Device events (R-E) -------------------------------------------------- */

typedef struct {
  OtaDeviceEventKind  kind;
  const char         *product_key;
  const char         *device_name;
  const char         *module;        /* nullable: "default" */
  const char         *version;       /* VERSION */
  int                 step;          /* PROGRESS: 0..100, or -1..-4 */
  const char         *description;   /* PROGRESS: the device's own text */
} OtaDeviceEvent;

/* Applies one event; an invalid one (unknown device, step out of range) is refused with
 * an error naming the field. */
gboolean ota_engine_apply_device_event  (OtaEngine             *self,
                                         const OtaDeviceEvent  *event,
                                         GError               **error);
/* Applies many events in one transaction (one disk flush for all: the server and the
 * simulator hand over what arrived together). Invalid events are skipped and counted in
 * @n_rejected; FALSE only when the store failed, and then none was applied. */
gboolean ota_engine_apply_device_events (OtaEngine             *self,
                                         const OtaDeviceEvent  *events,
                                         guint                  n_events,
                                         guint                 *n_rejected,
                                         GError               **error);

/* (ota-engine-notices.c) The notice of a device's running try, to send it again (after
 * a reconnect, or as the answer to firmware/get); NULL without error when it has none. */
typedef enum {
  OTA_SENT_NOTICE_RUNNING,       /* pushed or upgrading, no retry waiting */
  OTA_SENT_NOTICE_NOT_STARTED,   /* the same, and no progress reported for this try */
} OtaSentNoticeFilter;

OtaUpgradeNotice *ota_engine_dup_sent_notice (OtaEngine           *self,
                                              const char          *product_key,
                                              const char          *device_name,
                                              const char          *module,   /* nullable: any */
                                              OtaSentNoticeFilter  which,
                                              GError             **error);
/* Every online device goes offline (R-E1): the server lost the broker's view. */
gboolean ota_engine_reset_presence (OtaEngine  *self,
                                    guint      *n_reset,
                                    GError    **error);

/* ---- Time ------------------------------------------------------------------ */

/* Handles everything that fell due up to the clock's now, in order of due time:
 * scheduled starts, window ends, pushes within the rate, retries, timeouts, and the
 * enrolment of large batches (due since their creation). */
gboolean ota_engine_run_due      (OtaEngine  *self,
                                  GError    **error);
/* When the next thing falls due (µs), or G_MAXINT64 when nothing is pending. */
gint64   ota_engine_get_next_due (OtaEngine  *self);

/* Where upgrade notices go (the MQTT server, the simulator, a test). (nullable) */
void     ota_engine_set_device_link (OtaEngine     *self,
                                     OtaDeviceLink *link);

G_END_DECLS
