/* rollout-test-util.h — a demo-like fleet for the rollout views' tests: a product with
 * devices in two provinces on two versions (some offline), firmwares added through the
 * backend, and waiting for the backend's answers */
#pragma once

#include "ui-test-util.h"

G_BEGIN_DECLS

#define ROLLOUT_PRODUCT "p1"

/* Devices "dev-00" … of ROLLOUT_PRODUCT: even ones on "1.0", odd ones on "1.1"; every
 * fifth offline; the first half in Zhejiang/Hangzhou, the rest in Jiangsu/Nanjing. */
void         rollout_test_add_fleet      (UiFixture          *fixture,
                                          guint               n_devices);
/* A firmware of ROLLOUT_PRODUCT added through the backend with a small .bin file:
 * @type, @sources (NULL-terminated) → @version, module default, md5. */
OtaFirmware *rollout_test_add_firmware   (UiFixture          *fixture,
                                          const char         *name,
                                          OtaFirmwareType     type,
                                          const char * const *sources,
                                          const char         *version);
/* Verifies @firmware through the engine on @device (which reports the firmware's
 * version afterwards): the firmware is verified. Returns the fresh snapshot. */
OtaFirmware *rollout_test_verify         (UiFixture          *fixture,
                                          OtaFirmware        *firmware,
                                          const char         *device);
/* A static batch of @firmware for every device on its sources, push rate 1000. */
OtaBatch    *rollout_test_create_batch   (UiFixture          *fixture,
                                          OtaFirmware        *firmware);
/* (transfer full): the firmware as the engine has it now. */
OtaFirmware *rollout_test_get_firmware   (UiFixture          *fixture,
                                          gint64              firmware_id);
OtaBatch    *rollout_test_get_batch      (UiFixture          *fixture,
                                          gint64              batch_id);
/* One device event of ROLLOUT_PRODUCT through the engine, then what fell due. */
void         rollout_test_event          (UiFixture          *fixture,
                                          OtaDeviceEventKind  kind,
                                          const char         *device,
                                          const char         *version,
                                          int                 step);
/* A plain window holding @child (the views do not need the main window). */
GtkWindow   *rollout_test_window         (GtkWidget          *child);

/* Counts "created" emissions and keeps the last batch. */
typedef struct {
  guint     n;
  OtaBatch *batch;
} RolloutCreated;

void         rollout_test_on_created     (GtkWidget          *dialog,
                                          OtaBatch           *batch,
                                          RolloutCreated     *created);
void         rollout_created_clear       (RolloutCreated     *created);

G_END_DECLS
