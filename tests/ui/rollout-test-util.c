/* rollout-test-util.c — a demo-like fleet for the rollout views' tests */
#include <string.h>

#include "rollout-test-util.h"

void
rollout_test_add_fleet (UiFixture *fixture,
                        guint      n_devices)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = NULL;
  OtaProductSpec product_spec = {
    .key = ROLLOUT_PRODUCT,
    .name = "Smart plug",
    .project_type = OTA_PROJECT_TYPE_OWN_BRAND,
    .network_type = OTA_NETWORK_TYPE_WIFI,
  };

  product = ota_engine_add_product (fixture->base.engine, &product_spec, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n_devices; i++)
    {
      g_autoptr(GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autofree char *name = g_strdup_printf ("dev-%02u", i);
      g_autoptr(OtaDevice) device = NULL;
      gboolean east = i < n_devices / 2;
      OtaDeviceSpec spec = {
        .product_key = ROLLOUT_PRODUCT,
        .name = name,
        .province = east ? "Zhejiang" : "Jiangsu",
        .city = east ? "Hangzhou" : "Nanjing",
        .online = i % 5 != 4,
        .versions = versions,
      };

      g_hash_table_insert (versions, g_strdup ("default"), g_strdup (i % 2 == 0 ? "1.0" : "1.1"));
      device = ota_engine_add_device (fixture->base.engine, &spec, &error);
      g_assert_no_error (error);
    }
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

OtaFirmware *
rollout_test_add_firmware (UiFixture          *fixture,
                           const char         *name,
                           OtaFirmwareType     type,
                           const char * const *sources,
                           const char         *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *file_name = g_strdup_printf ("%s-%s.bin", name, version);
  g_autofree char *path = ota_test_write_file (&fixture->base, file_name, "firmware image", 14);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  OtaFirmwareSpec spec = {
    .product_key = ROLLOUT_PRODUCT,
    .name = name,
    .type = type,
    .version = version,
    .source_versions = sources,
    .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
  };
  OtaFirmware *firmware;

  ota_backend_add_firmware_async (fixture->backend, &spec, file, NULL, NULL, NULL, store_result, &result);
  UI_TEST_WAIT_UNTIL (result != NULL);
  firmware = ota_backend_add_firmware_finish (fixture->backend, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (firmware);
  return firmware;
}

OtaFirmware *
rollout_test_get_firmware (UiFixture *fixture,
                           gint64     firmware_id)
{
  g_autoptr(GError) error = NULL;
  OtaFirmware *firmware = ota_engine_get_firmware (fixture->base.engine, firmware_id, &error);

  g_assert_no_error (error);
  return firmware;
}

OtaBatch *
rollout_test_get_batch (UiFixture *fixture,
                        gint64     batch_id)
{
  g_autoptr(GError) error = NULL;
  OtaBatch *batch = ota_engine_get_batch (fixture->base.engine, batch_id, &error);

  g_assert_no_error (error);
  return batch;
}

void
rollout_test_event (UiFixture          *fixture,
                    OtaDeviceEventKind  kind,
                    const char         *device,
                    const char         *version,
                    int                 step)
{
  g_autoptr(GError) error = NULL;
  OtaDeviceEvent event = {
    .kind = kind,
    .product_key = ROLLOUT_PRODUCT,
    .device_name = device,
    .version = version,
    .step = step,
    .description = step < 0 ? "flash checksum mismatch" : NULL,
  };

  g_assert_true (ota_engine_apply_device_event (fixture->base.engine, &event, &error));
  g_assert_no_error (error);
  g_assert_true (ota_engine_run_due (fixture->base.engine, &error));
  g_assert_no_error (error);
}

OtaFirmware *
rollout_test_verify (UiFixture   *fixture,
                     OtaFirmware *firmware,
                     const char  *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  const char *devices[] = { device, NULL };
  OtaVerifySpec spec = {
    .firmware_id = ota_firmware_get_id (firmware),
    .source_versions = ota_firmware_get_source_versions (firmware),
    .devices = devices,
    .timeout_minutes = 60,
  };
  OtaFirmware *verified;

  verification = ota_engine_start_verification (fixture->base.engine, &spec, &error);
  g_assert_no_error (error);
  /* R-S5: progress 100 and the new version. */
  rollout_test_event (fixture, OTA_DEVICE_EVENT_PROGRESS, device, NULL, 100);
  rollout_test_event (fixture, OTA_DEVICE_EVENT_VERSION, device, ota_firmware_get_version (firmware), 0);

  verified = rollout_test_get_firmware (fixture, ota_firmware_get_id (firmware));
  g_assert_cmpint (ota_firmware_get_status (verified), ==, OTA_FIRMWARE_STATUS_VERIFIED);
  return verified;
}

OtaBatch *
rollout_test_create_batch (UiFixture   *fixture,
                           OtaFirmware *firmware)
{
  g_autoptr(GError) error = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  OtaBatch *batch;

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = ota_firmware_get_source_versions (firmware);
  spec.push_rate = 1000;
  batch = ota_engine_create_batch (fixture->base.engine, &spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return batch;
}

GtkWindow *
rollout_test_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (adw_window_new ());

  gtk_window_set_default_size (window, 1100, 760);
  adw_window_set_content (ADW_WINDOW (window), child);
  gtk_window_present (window);
  return window;
}

void
rollout_test_on_created (GtkWidget      *dialog,
                         OtaBatch       *batch,
                         RolloutCreated *created)
{
  created->n++;
  g_set_object (&created->batch, batch);
}

void
rollout_created_clear (RolloutCreated *created)
{
  g_clear_object (&created->batch);
}
