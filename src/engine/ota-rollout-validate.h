/* ota-rollout-validate.h — the option rules of verifications and batch upgrades
 *
 * Two layers: the field rules that need nothing but the spec and the time (usable for
 * live validation in a form), and the rules that read the store (firmware status,
 * devices, reported versions), which resolve a spec into an OtaRolloutPlan.
 */
#pragma once

#include "ota-rollout-private.h"

G_BEGIN_DECLS

#define OTA_VERIFY_MAX_DEVICES        10
#define OTA_VERIFY_TIMEOUT_MIN        1
#define OTA_BATCH_TIMEOUT_MIN         5
#define OTA_TIMEOUT_MAX               1440
#define OTA_PUSH_RATE_MIN             10
#define OTA_PUSH_RATE_MAX             1000
#define OTA_SCHEDULE_START_MIN_US     (10 * G_TIME_SPAN_MINUTE)
#define OTA_SCHEDULE_START_MAX_US     (7 * G_TIME_SPAN_DAY)
#define OTA_SCHEDULE_LENGTH_MIN_US    (G_TIME_SPAN_HOUR)
#define OTA_SCHEDULE_LENGTH_MAX_US    (30 * G_TIME_SPAN_DAY)

/* R-B12: 10..1000 notices per minute. */
gboolean ota_validate_push_rate      (guint             rate,
                                      GError          **error);
/* R-B13: interval one of the enum, limit 1, 2 or 5. */
gboolean ota_validate_retry          (OtaRetryInterval  interval,
                                      guint             limit,
                                      GError          **error);
/* R-B14 (5..1440) or, with @verification, R-V3 (1..1440). Field "timeout". */
gboolean ota_validate_timeout        (guint             minutes,
                                      gboolean          verification,
                                      GError          **error);
/* R-B11: @start 0 (immediate) or in [now + 10 min, now + 7 days]; @end 0 or in
 * [start + 1 h, start + 30 days]; both bounds inclusive. */
gboolean ota_validate_schedule       (gint64            start,
                                      gint64            end,
                                      gint64            now,
                                      GError          **error);

/* Every rule of @spec that needs no database (R-B3, R-B5, R-B8..R-B14, R-B16). */
gboolean ota_rollout_check_batch_spec  (const OtaBatchSpec   *spec,
                                        gint64                now,
                                        GError              **error);
/* The same for a verification (R-V1..R-V3). */
gboolean ota_rollout_check_verify_spec (const OtaVerifySpec  *spec,
                                        GError              **error);

/* A spec resolved against the store. */
typedef struct {
  OtaFirmware *firmware;
  GStrv        sources;        /* the source versions the rollout uses */
  gboolean     sources_named;  /* the operator named them (R-R1) */
  GArray      *device_ids;     /* gint64: targeted or verification devices, as listed */
} OtaRolloutPlan;

void ota_rollout_plan_clear (OtaRolloutPlan *plan);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OtaRolloutPlan, ota_rollout_plan_clear)

/* The rules that read the store: R-B1, R-B2 (targeted), R-B4, R-B6, R-B8. Call with the
 * store's lock held, after ota_rollout_check_batch_spec(). */
gboolean ota_rollout_plan_batch        (OtaEngine            *self,
                                        const OtaBatchSpec   *spec,
                                        OtaRolloutPlan       *plan,
                                        GError              **error);
/* R-V1, R-V2, R-V4 (no second verification of a verified or verifying firmware). */
gboolean ota_rollout_plan_verification (OtaEngine            *self,
                                        const OtaVerifySpec  *spec,
                                        OtaRolloutPlan       *plan,
                                        GError              **error);

G_END_DECLS
