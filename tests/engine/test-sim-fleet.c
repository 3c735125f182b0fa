/* test-sim-fleet.c — the simulated fleet (src/sim/ota-sim-fleet.h) against the engine
 *
 * 30 devices of one product, a verified firmware 1.0 → 2.0 and a batch with app
 * confirmation and retries; the fleet plays the devices on the fixture's manual clock.
 */
#include "ota-sim-fleet.h"
#include "ota-test-link.h"

#define N_DEVICES 30
#define HOUR      G_TIME_SPAN_HOUR

typedef struct {
  OtaTestFixture  base;
  gint64          batch_id;
  gint64          t0;
  GArray         *group_times;   /* the clock at each committed group */
  guint64         group_events;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(OtaFirmware) firmware = NULL;
  const char *sources[] = { "1.0", NULL };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  ota_test_fixture_setup (&f->base, data);
  firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  ota_test_verify_firmware (&f->base, firmware, "verifier");
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%02u", i);
      g_autoptr(OtaDevice) device = ota_test_add_device (f->base.engine, OTA_TEST_PRODUCT, name, "1.0");
    }

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  spec.app_confirm = TRUE;
  spec.push_rate = 10;
  spec.retry_interval = OTA_RETRY_INTERVAL_10_MINUTES;
  spec.retry_limit = 2;
  spec.timeout_minutes = 30;
  f->batch_id = ota_test_create_batch (&f->base, &spec);
  f->t0 = ota_clock_get_now (OTA_CLOCK (f->base.clock));
  f->group_times = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_array_unref (f->group_times);
  ota_test_fixture_teardown (&f->base, data);
}

static void
on_group (OtaSimFleet          *fleet,
          guint64               seq,
          const OtaDeviceEvent *events,
          guint                 n_events,
          gboolean              committed,
          gpointer              user_data)
{
  Fixture *f = user_data;
  gint64 now = ota_clock_get_now (OTA_CLOCK (f->base.clock));

  g_assert_cmpuint (n_events, >, 0);
  if (!committed)
    return;
  g_assert_cmpuint (seq, ==, f->group_times->len + 1);
  g_array_append_val (f->group_times, now);
  f->group_events += n_events;
}

/* Plays the fleet for @hours with @seed; returns the store's dump and the stats. */
static char *
play (Fixture     *f,
      guint32      seed,
      guint        hours,
      OtaSimStats *stats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaSimFleet) fleet = NULL;
  OtaSimConfig config = OTA_SIM_CONFIG_INIT;

  config.seed = seed;
  config.failure_rate = 0.2;
  config.churn_per_hour = 1.0;
  fleet = ota_sim_fleet_new (f->base.engine, f->base.clock, &config);
  ota_sim_fleet_set_group_func (fleet, on_group, f);
  ota_engine_set_device_link (f->base.engine, OTA_DEVICE_LINK (fleet));
  ota_sim_fleet_add_product (fleet, OTA_TEST_PRODUCT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_sim_fleet_get_stats (fleet)->devices, ==, N_DEVICES + 1);

  ota_sim_fleet_run_until (fleet, f->t0 + hours * HOUR, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_clock_get_now (OTA_CLOCK (f->base.clock)), ==, f->t0 + hours * HOUR);
  g_assert_cmpint (ota_sim_fleet_get_next_event (fleet), >, f->t0 + hours * HOUR);
  g_assert_cmpint (ota_engine_get_next_due (f->base.engine), >, f->t0 + hours * HOUR);

  *stats = *ota_sim_fleet_get_stats (fleet);
  ota_engine_set_device_link (f->base.engine, NULL);
  return ota_test_dump_store (f->base.engine);
}

/* R-E1..R-E5: the fleet ends every task (app users confirm or decline, devices upgrade,
 * fail, retry, hang until the timeout), and each instant's events are one group. */
static void
test_fleet_ends_the_batch (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *dump = NULL;
  OtaSimStats stats;
  guint64 ended;

  dump = play (f, 3, 12, &stats);
  batch = ota_engine_get_batch (f->base.engine, f->batch_id, &error);
  g_assert_no_error (error);

  ended = ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED) +
          ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED) +
          ota_batch_get_count (batch, OTA_TASK_STATUS_CANCELLED);
  g_assert_cmpuint (ended, ==, N_DEVICES);
  g_assert_cmpint (ota_batch_get_state (batch), ==, OTA_BATCH_STATE_FINISHED);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED), >, 0);
  g_assert_cmpuint (stats.confirms + stats.declines, ==, N_DEVICES);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_CANCELLED), ==, stats.declines);
  g_assert_cmpuint (stats.rejected, ==, 0);

  /* One group per instant, in time order, and every event counted. */
  g_assert_cmpuint (f->group_times->len, ==, stats.groups);
  g_assert_cmpuint (f->group_events, ==, stats.events);
  for (guint i = 1; i < f->group_times->len; i++)
    g_assert_cmpint (g_array_index (f->group_times, gint64, i - 1), <, g_array_index (f->group_times, gint64, i));
}

/* The same seed on the same database gives the same run; another seed another one. */
static void
test_fleet_same_seed_same_run (Fixture       *f,
                               gconstpointer  data)
{
  Fixture other = { 0 }, third = { 0 };
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *different = NULL;
  OtaSimStats a, b, c;

  fixture_setup (&other, NULL);
  fixture_setup (&third, NULL);

  first = play (f, 11, 4, &a);
  again = play (&other, 11, 4, &b);
  different = play (&third, 12, 4, &c);

  g_assert_cmpstr (again, ==, first);
  g_assert_cmpmem (&b, sizeof b, &a, sizeof a);
  g_assert_cmpstr (different, !=, first);

  fixture_teardown (&other, NULL);
  fixture_teardown (&third, NULL);
}

/* Upgrades under way when the fleet is loaded (notices sent before it existed, or by
 * a fleet that crashed) go on: the devices of pushed tasks finish them. */
static void
test_fleet_resumes_upgrades (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  const char *sources[] = { "1.0", NULL };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  OtaSimStats stats;
  gint64 batch_id;

  /* Another product's firmware so the app-confirm batch stays apart: a plain batch on
   * p2 whose notices go nowhere (no link yet). */
  {
    g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, "p2", "fw2", OTA_FIRMWARE_TYPE_FULL,
                                                             NULL, "1.0", "2.0");

    ota_test_verify_firmware (&f->base, firmware, "verifier2");
    for (guint i = 0; i < 5; i++)
      {
        g_autofree char *name = g_strdup_printf ("other-%02u", i);
        g_autoptr(OtaDevice) device = ota_test_add_device (f->base.engine, "p2", name, "1.0");
      }
    spec.firmware_id = ota_firmware_get_id (firmware);
    spec.source_versions = sources;
    batch_id = ota_test_create_batch (&f->base, &spec);
  }
  batch = ota_engine_get_batch (f->base.engine, batch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED), ==, 5);
  g_clear_object (&batch);

  {
    g_autoptr(OtaSimFleet) fleet = NULL;
    OtaSimConfig config = OTA_SIM_CONFIG_INIT;

    config.failure_rate = config.hang_rate = config.unexpected_rate = config.churn_per_hour = 0.0;
    fleet = ota_sim_fleet_new (f->base.engine, f->base.clock, &config);
    ota_engine_set_device_link (f->base.engine, OTA_DEVICE_LINK (fleet));
    ota_sim_fleet_add_product (fleet, "p2", &error);
    g_assert_no_error (error);
    ota_sim_fleet_run_until (fleet, f->t0 + HOUR, &error);
    g_assert_no_error (error);
    stats = *ota_sim_fleet_get_stats (fleet);
    ota_engine_set_device_link (f->base.engine, NULL);
  }

  batch = ota_engine_get_batch (f->base.engine, batch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED), ==, 5);
  g_assert_cmpuint (stats.notices, ==, 0);
  g_assert_cmpuint (stats.succeeded, ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sim/fleet/R-E1-R-E5/ends-the-batch-one-group-per-instant", Fixture, NULL,
              fixture_setup, test_fleet_ends_the_batch, fixture_teardown);
  g_test_add ("/sim/fleet/same-seed-same-run", Fixture, NULL,
              fixture_setup, test_fleet_same_seed_same_run, fixture_teardown);
  g_test_add ("/sim/fleet/resumes-upgrades-under-way", Fixture, NULL,
              fixture_setup, test_fleet_resumes_upgrades, fixture_teardown);

  return g_test_run ();
}
