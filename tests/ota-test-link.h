/* ota-test-link.h — a device link that records every upgrade notice, for tests
 *
 * Tests set it on an engine with ota_engine_set_device_link() and then look at what was
 * sent, to whom and when (each notice keeps the engine time it was sent at).
 */
#pragma once

#include <ota.h>

#include "ota-test-util.h"

G_BEGIN_DECLS

#define OTA_TYPE_TEST_LINK (ota_test_link_get_type ())
G_DECLARE_FINAL_TYPE (OtaTestLink, ota_test_link, OTA, TEST_LINK, GObject)

OtaTestLink *ota_test_link_new          (void);
/* (element-type OtaUpgradeNotice) (transfer none): every notice so far, in send order. */
GPtrArray   *ota_test_link_get_notices  (OtaTestLink *self);
guint        ota_test_link_get_n_notices (OtaTestLink *self);
/* (transfer none) (nullable): the @index-th notice. */
const OtaUpgradeNotice *ota_test_link_get_notice (OtaTestLink *self,
                                                  guint        index);
/* Notices sent to @device_name so far. */
guint        ota_test_link_count_for    (OtaTestLink *self,
                                         const char  *device_name);
/* Notices sent at exactly @sent_at. */
guint        ota_test_link_count_at     (OtaTestLink *self,
                                         gint64       sent_at);
/* The largest number of notices of @batch_id inside any window [t, t + @window_us). */
guint        ota_test_link_max_in_window (OtaTestLink *self,
                                          gint64       batch_id,
                                          gint64       window_us);
void         ota_test_link_clear        (OtaTestLink *self);

/* ---- Rollout scenarios: helpers of the tests that run batches with a link ---- */

/* The product every helper below uses unless told otherwise. */
#define OTA_TEST_PRODUCT "p1"

/* (transfer full): a new link, made the engine's device link. After
 * ota_test_fixture_reopen() set it again on the new engine. */
OtaTestLink *ota_test_attach_link       (OtaTestFixture  *fixture);

/* Firmware @name of @product_key (made as an own-brand wifi product when missing):
 * @source → @version on @module (NULL: default), md5, a small .bin file. */
OtaFirmware *ota_test_add_firmware      (OtaTestFixture  *fixture,
                                         const char      *product_key,
                                         const char      *name,
                                         OtaFirmwareType  type,
                                         const char      *module,
                                         const char      *source,
                                         const char      *version);
/* Verifies @firmware through the real flow on a new online device @verifier that reports
 * the firmware's first source: verification, notice, progress 100 and version report (R-V1..R-V4, R-S5). */
void         ota_test_verify_firmware   (OtaTestFixture  *fixture,
                                         OtaFirmware     *firmware,
                                         const char      *verifier);
/* Creates the batch; asserts it worked. Returns its id. */
gint64       ota_test_create_batch      (OtaTestFixture     *fixture,
                                         const OtaBatchSpec *spec);

/* One device event of OTA_TEST_PRODUCT, module default; asserts it was accepted. */
void         ota_test_send_event        (OtaTestFixture      *fixture,
                                         OtaDeviceEventKind   kind,
                                         const char          *device_name);
void         ota_test_send_progress     (OtaTestFixture  *fixture,
                                         const char      *device_name,
                                         int              step,
                                         const char      *description);
void         ota_test_send_version      (OtaTestFixture  *fixture,
                                         const char      *device_name,
                                         const char      *version);

/* (transfer full): the task of @device_name (of OTA_TEST_PRODUCT) in @batch_id. */
OtaTask     *ota_test_get_task          (OtaTestFixture  *fixture,
                                         gint64           batch_id,
                                         const char      *device_name);
/* Moves the manual clock by @delta and runs what fell due. */
void         ota_test_advance           (OtaTestFixture  *fixture,
                                         GTimeSpan        delta);

/* (transfer full): batch @batch_id; asserts it exists. */
OtaBatch    *ota_test_get_batch         (OtaTestFixture  *fixture,
                                         gint64           batch_id);
/* Asserts the status and reason of @device_name's task in @batch_id. */
void         ota_test_assert_task       (OtaTestFixture  *fixture,
                                         gint64           batch_id,
                                         const char      *device_name,
                                         OtaTaskStatus    status,
                                         OtaTaskReason    reason);
/* Adds @n devices "@prefix-00" … of OTA_TEST_PRODUCT reporting @version; when not
 * @online, each then reports itself offline (a device event). */
void         ota_test_add_devices       (OtaTestFixture  *fixture,
                                         const char      *prefix,
                                         guint            n,
                                         const char      *version,
                                         gboolean         online);

/* The fixture of the rollout tests: firmware "fw" 1.0 → 2.0 (full, module default) of
 * OTA_TEST_PRODUCT and a test link set on the engine. */
typedef struct {
  OtaTestFixture  base;
  OtaTestLink    *link;
  OtaFirmware    *firmware;
  gint64          firmware_id;
  gint64          t0;          /* the engine's time once set up */
} OtaTestRollout;

/* The firmware verified on "verifier" (ota_test_verify_firmware()) before the link is
 * set, so the link holds no notice yet. */
void         ota_test_rollout_setup            (OtaTestRollout *rollout,
                                                gconstpointer   data);
/* The same with the firmware left unverified. */
void         ota_test_rollout_setup_unverified (OtaTestRollout *rollout,
                                                gconstpointer   data);
void         ota_test_rollout_teardown         (OtaTestRollout *rollout,
                                                gconstpointer   data);
/* A batch spec of the fixture's firmware from @sources (nullable: not named), every
 * other option at its default (OTA_BATCH_SPEC_INIT). */
OtaBatchSpec ota_test_rollout_batch_spec       (OtaTestRollout     *rollout,
                                                const char * const *sources);

G_END_DECLS
