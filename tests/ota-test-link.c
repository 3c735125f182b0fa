/* ota-test-link.c — a device link that records notices */
#include "ota-test-link.h"

struct _OtaTestLink
{
  GObject    parent_instance;
  GPtrArray *notices;   /* OtaUpgradeNotice */
};

static void ota_test_link_iface_init (OtaDeviceLinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaTestLink, ota_test_link, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_DEVICE_LINK, ota_test_link_iface_init))

static void
ota_test_link_send_notice (OtaDeviceLink          *link,
                           const OtaUpgradeNotice *notice)
{
  OtaTestLink *self = OTA_TEST_LINK (link);

  g_ptr_array_add (self->notices, ota_upgrade_notice_copy (notice));
}

static void
ota_test_link_iface_init (OtaDeviceLinkInterface *iface)
{
  iface->send_notice = ota_test_link_send_notice;
}

static void
ota_test_link_finalize (GObject *object)
{
  OtaTestLink *self = OTA_TEST_LINK (object);

  g_ptr_array_unref (self->notices);

  G_OBJECT_CLASS (ota_test_link_parent_class)->finalize (object);
}

static void
ota_test_link_class_init (OtaTestLinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_test_link_finalize;
}

static void
ota_test_link_init (OtaTestLink *self)
{
  self->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) ota_upgrade_notice_free);
}

OtaTestLink *
ota_test_link_new (void)
{
  return g_object_new (OTA_TYPE_TEST_LINK, NULL);
}

GPtrArray *
ota_test_link_get_notices (OtaTestLink *self)
{
  return self->notices;
}

guint
ota_test_link_get_n_notices (OtaTestLink *self)
{
  return self->notices->len;
}

const OtaUpgradeNotice *
ota_test_link_get_notice (OtaTestLink *self,
                          guint        index)
{
  return index < self->notices->len ? g_ptr_array_index (self->notices, index) : NULL;
}

guint
ota_test_link_count_for (OtaTestLink *self,
                         const char  *device_name)
{
  guint n = 0;

  for (guint i = 0; i < self->notices->len; i++)
    n += g_strcmp0 (((OtaUpgradeNotice *) g_ptr_array_index (self->notices, i))->device_name,
                    device_name) == 0;
  return n;
}

guint
ota_test_link_count_at (OtaTestLink *self,
                        gint64       sent_at)
{
  guint n = 0;

  for (guint i = 0; i < self->notices->len; i++)
    n += ((OtaUpgradeNotice *) g_ptr_array_index (self->notices, i))->sent_at == sent_at;
  return n;
}

guint
ota_test_link_max_in_window (OtaTestLink *self,
                             gint64       batch_id,
                             gint64       window_us)
{
  guint max = 0;

  /* Every window that matters starts at some notice: count from each one. */
  for (guint i = 0; i < self->notices->len; i++)
    {
      const OtaUpgradeNotice *first = g_ptr_array_index (self->notices, i);
      guint n = 0;

      if (first->batch_id != batch_id)
        continue;

      for (guint j = 0; j < self->notices->len; j++)
        {
          const OtaUpgradeNotice *other = g_ptr_array_index (self->notices, j);

          n += other->batch_id == batch_id &&
               other->sent_at >= first->sent_at &&
               other->sent_at < first->sent_at + window_us;
        }
      max = MAX (max, n);
    }

  return max;
}

void
ota_test_link_clear (OtaTestLink *self)
{
  g_ptr_array_set_size (self->notices, 0);
}

/* ---- Rollout scenarios ---------------------------------------------------- */

OtaTestLink *
ota_test_attach_link (OtaTestFixture *fixture)
{
  OtaTestLink *link = ota_test_link_new ();

  ota_engine_set_device_link (fixture->engine, OTA_DEVICE_LINK (link));
  return link;
}

OtaFirmware *
ota_test_add_firmware (OtaTestFixture  *fixture,
                       const char      *product_key,
                       const char      *name,
                       OtaFirmwareType  type,
                       const char      *module,
                       const char      *source,
                       const char      *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = ota_engine_get_product (fixture->engine, product_key, NULL);
  g_autofree char *file_name = g_strdup_printf ("%s.bin", name);
  g_autofree char *path = ota_test_write_file (fixture, file_name, "\x7f" "ELF firmware image", 19);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const char *sources[] = { source, NULL };
  OtaFirmwareSpec spec = {
    .product_key = product_key,
    .name = name,
    .type = type,
    .version = version,
    .source_versions = sources,
    .module = module,
    .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
  };
  OtaFirmware *firmware;

  if (product == NULL)
    product = ota_test_add_product (fixture->engine, product_key, OTA_PROJECT_TYPE_OWN_BRAND,
                                    OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);

  firmware = ota_engine_add_firmware (fixture->engine, &spec, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (firmware);
  return firmware;
}

void
ota_test_verify_firmware (OtaTestFixture *fixture,
                          OtaFirmware    *firmware,
                          const char     *verifier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaDevice) device = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  g_autoptr(OtaFirmware) after = NULL;
  const char *source = ota_firmware_get_source_versions (firmware)[0];
  const char *devices[] = { verifier, NULL };
  const char *sources[] = { source, NULL };
  OtaVerifySpec spec = {
    .firmware_id = ota_firmware_get_id (firmware),
    .source_versions = sources,
    .devices = devices,
    .timeout_minutes = 60,
  };
  OtaDeviceEvent report = {
    .kind = OTA_DEVICE_EVENT_VERSION,
    .product_key = ota_firmware_get_product_key (firmware),
    .device_name = verifier,
    .module = ota_firmware_get_module (firmware),
    .version = ota_firmware_get_version (firmware),
  };

  device = ota_test_add_device (fixture->engine, ota_firmware_get_product_key (firmware), verifier, NULL);
  g_clear_object (&device);
  {
    OtaDeviceEvent first = report;

    first.version = source;
    ota_engine_apply_device_event (fixture->engine, &first, &error);
    g_assert_no_error (error);
  }

  verification = ota_engine_start_verification (fixture->engine, &spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verification);

  /* R-S5: progress 100 and the new version. */
  {
    OtaDeviceEvent done = report;

    done.kind = OTA_DEVICE_EVENT_PROGRESS;
    done.version = NULL;
    done.step = 100;
    ota_engine_apply_device_event (fixture->engine, &done, &error);
    g_assert_no_error (error);
  }
  ota_engine_apply_device_event (fixture->engine, &report, &error);
  g_assert_no_error (error);

  after = ota_engine_get_firmware (fixture->engine, ota_firmware_get_id (firmware), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_firmware_get_status (after), ==, OTA_FIRMWARE_STATUS_VERIFIED);
}

gint64
ota_test_create_batch (OtaTestFixture     *fixture,
                       const OtaBatchSpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = ota_engine_create_batch (fixture->engine, spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return ota_batch_get_id (batch);
}

static void
send_event (OtaTestFixture       *fixture,
            const OtaDeviceEvent *event)
{
  g_autoptr(GError) error = NULL;

  ota_engine_apply_device_event (fixture->engine, event, &error);
  g_assert_no_error (error);
}

void
ota_test_send_event (OtaTestFixture     *fixture,
                     OtaDeviceEventKind  kind,
                     const char         *device_name)
{
  OtaDeviceEvent event = {
    .kind = kind,
    .product_key = OTA_TEST_PRODUCT,
    .device_name = device_name,
  };

  send_event (fixture, &event);
}

void
ota_test_send_progress (OtaTestFixture *fixture,
                        const char     *device_name,
                        int             step,
                        const char     *description)
{
  OtaDeviceEvent event = {
    .kind = OTA_DEVICE_EVENT_PROGRESS,
    .product_key = OTA_TEST_PRODUCT,
    .device_name = device_name,
    .step = step,
    .description = description,
  };

  send_event (fixture, &event);
}

void
ota_test_send_version (OtaTestFixture *fixture,
                       const char     *device_name,
                       const char     *version)
{
  OtaDeviceEvent event = {
    .kind = OTA_DEVICE_EVENT_VERSION,
    .product_key = OTA_TEST_PRODUCT,
    .device_name = device_name,
    .version = version,
  };

  send_event (fixture, &event);
}

OtaTask *
ota_test_get_task (OtaTestFixture *fixture,
                   gint64          batch_id,
                   const char     *device_name)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (fixture->engine));
  sqlite3_stmt *stmt = NULL;
  gint64 task_id;
  OtaTask *task;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT t.id FROM tasks t JOIN devices d ON d.id = t.device_id "
                                       "WHERE t.batch_id = ? AND d.product_key = ? AND d.name = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_text (stmt, 2, OTA_TEST_PRODUCT, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, device_name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  task_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  task = ota_engine_get_task (fixture->engine, task_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (task);
  return task;
}

void
ota_test_advance (OtaTestFixture *fixture,
                  GTimeSpan       delta)
{
  g_autoptr(GError) error = NULL;

  ota_manual_clock_advance (fixture->clock, delta);
  ota_engine_run_due (fixture->engine, &error);
  g_assert_no_error (error);
}

OtaBatch *
ota_test_get_batch (OtaTestFixture *fixture,
                    gint64          batch_id)
{
  g_autoptr(GError) error = NULL;
  OtaBatch *batch = ota_engine_get_batch (fixture->engine, batch_id, &error);

  g_assert_no_error (error);
  return batch;
}

void
ota_test_assert_task (OtaTestFixture *fixture,
                      gint64          batch_id,
                      const char     *device_name,
                      OtaTaskStatus   status,
                      OtaTaskReason   reason)
{
  g_autoptr(OtaTask) task = ota_test_get_task (fixture, batch_id, device_name);

  g_assert_cmpstr (ota_enum_to_nick (OTA_TYPE_TASK_STATUS, ota_task_get_status (task)), ==,
                   ota_enum_to_nick (OTA_TYPE_TASK_STATUS, status));
  g_assert_cmpstr (ota_enum_to_nick (OTA_TYPE_TASK_REASON, ota_task_get_reason (task)), ==,
                   ota_enum_to_nick (OTA_TYPE_TASK_REASON, reason));
}

void
ota_test_add_devices (OtaTestFixture *fixture,
                      const char     *prefix,
                      guint           n,
                      const char     *version,
                      gboolean        online)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%02u", prefix, i);
      g_autoptr(OtaDevice) device = ota_test_add_device (fixture->engine, OTA_TEST_PRODUCT, name, version);

      if (!online)
        ota_test_send_event (fixture, OTA_DEVICE_EVENT_OFFLINE, name);
    }
}

static void
rollout_setup (OtaTestRollout *rollout,
               gconstpointer   data,
               gboolean        verify)
{
  ota_test_fixture_setup (&rollout->base, data);
  rollout->firmware = ota_test_add_firmware (&rollout->base, OTA_TEST_PRODUCT, "fw",
                                             OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  rollout->firmware_id = ota_firmware_get_id (rollout->firmware);
  if (verify)
    ota_test_verify_firmware (&rollout->base, rollout->firmware, "verifier");
  rollout->link = ota_test_attach_link (&rollout->base);
  rollout->t0 = ota_clock_get_now (OTA_CLOCK (rollout->base.clock));
}

void
ota_test_rollout_setup (OtaTestRollout *rollout,
                        gconstpointer   data)
{
  rollout_setup (rollout, data, TRUE);
}

void
ota_test_rollout_setup_unverified (OtaTestRollout *rollout,
                                   gconstpointer   data)
{
  rollout_setup (rollout, data, FALSE);
}

void
ota_test_rollout_teardown (OtaTestRollout *rollout,
                           gconstpointer   data)
{
  g_clear_object (&rollout->firmware);
  g_clear_object (&rollout->link);
  ota_test_fixture_teardown (&rollout->base, data);
}

OtaBatchSpec
ota_test_rollout_batch_spec (OtaTestRollout     *rollout,
                             const char * const *sources)
{
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  spec.firmware_id = rollout->firmware_id;
  spec.source_versions = sources;
  return spec;
}
