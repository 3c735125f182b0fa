/* test-demo.c — `ota-console --demo`: the demo database is made with rollouts in every
 * state, the banner shows the simulated fleet's time and speed, and ticks of the fleet
 * move the counts of a batch page (R-D1, R-S4); a demo started again keeps its database
 * and its time
 *
 * The demo database lives in $XDG_DATA_HOME/ota-console: main() points XDG_DATA_HOME at
 * a temporary folder before GTK starts (GLib reads it once), and each test removes the
 * demo folder first. The ticks are called directly instead of waiting for the timeout.
 */
#include <glib/gstdio.h>

#include "ota-application.h"
#include "ota-batch-page-private.h"
#include "ota-demo.h"
#include "ota-firmware-page-private.h"
#include "ota-format.h"
#include "ui-test-util.h"

/* Preparing the demo takes a few seconds, more on a busy machine: a wider bound than
 * UI_TEST_WAIT_UNTIL's, still no hang. */
#define PREPARE_MAX_ITERATIONS 30000

typedef struct {
  OtaManualClock *clock;
  OtaEngine      *engine;
  OtaBackend     *backend;
  OtaDemo        *demo;
  OtaWindow      *window;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
open_demo (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ota_application_demo_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  f->clock = ota_manual_clock_new (OTA_TEST_EPOCH);
  f->engine = ota_engine_new (path, OTA_CLOCK (f->clock), &error);
  g_assert_no_error (error);
  f->backend = ota_local_backend_new (f->engine);
  f->demo = ota_demo_new (f->engine);
}

static void
close_demo (Fixture *f)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (toplevels);
  f->window = NULL;

  /* Operations still running hold the backend and the demo: let them end first. */
  UI_TEST_WAIT_UNTIL (G_OBJECT (f->backend)->ref_count == 1 && !ota_demo_get_busy (f->demo));
  g_clear_object (&f->demo);
  g_clear_object (&f->backend);
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = ota_application_demo_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  remove_tree (dir);
  open_demo (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_demo (f);
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
prepare (Fixture               *f,
         OtaDemoSummary        *catalogue,
         OtaDemoRolloutSummary *rollouts)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint heartbeat = ui_test_heartbeat_start ();

  ota_demo_prepare_async (f->demo, NULL, on_prepared, &result);
  for (guint i = 0; result == NULL && i < PREPARE_MAX_ITERATIONS; i++)
    g_main_context_iteration (NULL, TRUE);
  ui_test_heartbeat_stop (heartbeat);
  g_assert_nonnull (result);

  g_assert_true (ota_demo_prepare_finish (f->demo, result, catalogue, rollouts, &error));
  g_assert_no_error (error);
  g_assert_true (ota_demo_get_prepared (f->demo));
}

static OtaFirmware *
find_firmware (Fixture    *f,
               const char *product_key,
               const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) firmwares = ota_engine_list_firmwares (f->engine, product_key, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < firmwares->len; i++)
    if (g_str_equal (ota_firmware_get_version (g_ptr_array_index (firmwares, i)), version))
      return g_object_ref (g_ptr_array_index (firmwares, i));
  g_assert_not_reached ();
}

static OtaBatch *
find_batch (Fixture     *f,
            OtaFirmware *firmware,
            OtaBatchKind kind,
            int          state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = ota_engine_list_batches (f->engine, ota_firmware_get_id (firmware), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < batches->len; i++)
    {
      OtaBatch *batch = g_ptr_array_index (batches, i);

      if (ota_batch_get_kind (batch) == kind && (state < 0 || (int) ota_batch_get_state (batch) == state))
        return g_object_ref (batch);
    }
  return NULL;
}

static OtaFirmwareStatus
firmware_status (Fixture    *f,
                 const char *product_key,
                 const char *version)
{
  g_autoptr(OtaFirmware) firmware = find_firmware (f, product_key, version);

  return ota_firmware_get_status (firmware);
}

static const char *
banner_text (Fixture *f)
{
  return ota_demo_banner_get_text (f->window->demo_banner_box);
}

static const char *
chip_count (OtaBatchPage *page,
            int           status)
{
  return gtk_label_get_label (g_object_get_data (G_OBJECT (page->chips[status + 1]), "ota-count-label"));
}

/* R-V4, R-B5..R-B17: the demo's setup leaves rollouts in every state. */
static void
check_rollouts (Fixture *f)
{
  g_autoptr(OtaFirmware) tracker = find_firmware (f, "a1Tracker4G", "1.2.0");
  g_autoptr(OtaFirmware) panel = find_firmware (f, "a1HomePanel", "5.3.0");
  g_autoptr(OtaBatch) scheduled = find_batch (f, tracker, OTA_BATCH_KIND_BATCH, OTA_BATCH_STATE_SCHEDULED);
  g_autoptr(OtaBatch) cancelled = find_batch (f, panel, OTA_BATCH_KIND_BATCH, OTA_BATCH_STATE_CANCELLED);
  g_autoptr(OtaBatch) dynamic = find_batch (f, panel, OTA_BATCH_KIND_BATCH, OTA_BATCH_STATE_RUNNING);

  g_assert_cmpint (firmware_status (f, "a1SmartPlug", "1.3.0"), ==, OTA_FIRMWARE_STATUS_VERIFIED);
  g_assert_cmpint (firmware_status (f, "a1BleLamp01", "3.2.0"), ==, OTA_FIRMWARE_STATUS_VERIFIED);
  g_assert_cmpint (firmware_status (f, "a1BleLamp01", "3.1.1"), ==, OTA_FIRMWARE_STATUS_VERIFY_FAILED);
  g_assert_cmpint (firmware_status (f, "a1SmartPlug", "2.5.0"), ==, OTA_FIRMWARE_STATUS_VERIFYING);
  g_assert_cmpint (firmware_status (f, "a1SmartPlug", "1.2.2"), ==, OTA_FIRMWARE_STATUS_UNVERIFIED);

  g_assert_nonnull (scheduled);
  g_assert_cmpuint (ota_batch_get_count (scheduled, OTA_TASK_STATUS_PENDING_PUSH), >, 0);
  g_assert_nonnull (cancelled);
  g_assert_nonnull (dynamic);
  g_assert_cmpint (ota_batch_get_strategy (dynamic), ==, OTA_BATCH_STRATEGY_DYNAMIC);
}

/* R-D1, R-S4: the demo made on first start, the banner, and the fleet's ticks moving a
 * batch page's counts. */
static void
test_fleet_moves_batch (Fixture       *f,
                        gconstpointer  data)
{
  OtaDemoSummary catalogue = { 0 };
  OtaDemoRolloutSummary rollouts = { 0 };
  g_autoptr(OtaFirmware) plug = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(OtaBatch) after = NULL;
  g_autofree char *succeeded_before = NULL;
  g_autoptr(GError) error = NULL;
  OtaFirmwarePage *firmware_page;
  OtaBatchPage *page = NULL;
  gint64 start;
  guint ticks = 0;

  f->window = ota_window_new (NULL, f->backend);
  ota_window_set_demo (f->window, f->demo);
  ota_window_set_preparing (f->window, TRUE);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (gtk_revealer_get_reveal_child (f->window->demo_banner));
  g_assert_cmpstr (banner_text (f), ==, "Preparing the demo database…");

  prepare (f, &catalogue, &rollouts);
  ota_window_set_preparing (f->window, FALSE);
  g_assert_cmpuint (catalogue.products, ==, 4);
  g_assert_cmpuint (catalogue.devices, ==, OTA_DEMO_DEFAULT_DEVICES);
  g_assert_cmpuint (rollouts.batches, ==, 6);
  g_assert_cmpint (rollouts.played_us, >, 10 * G_TIME_SPAN_MINUTE);
  check_rollouts (f);

  /* The demo-speed setting's default, and the simulated time the setup reached. */
  g_assert_cmpuint (ota_demo_get_speed (f->demo), ==, 60);
  g_assert_cmpint (ota_demo_get_now (f->demo), ==, OTA_TEST_EPOCH + rollouts.played_us);
  g_assert_true (g_str_has_prefix (banner_text (f), "Demo — simulated fleet · "));
  g_assert_true (g_str_has_suffix (banner_text (f), " simulated time · 60×"));
  ota_demo_set_paused (f->demo, TRUE);
  g_assert_true (g_str_has_suffix (banner_text (f), " simulated time · paused"));
  ota_demo_set_paused (f->demo, FALSE);
  ota_demo_set_speed (f->demo, 600);
  g_assert_true (g_str_has_suffix (banner_text (f), " · 600×"));

  /* The plug's batch upgrade, reached as a user would: firmware page, then the batch. */
  UI_TEST_WAIT_UNTIL (f->window->loaded_once && !f->window->loading);
  plug = find_firmware (f, "a1SmartPlug", "1.3.0");
  batch = find_batch (f, plug, OTA_BATCH_KIND_BATCH, OTA_BATCH_STATE_RUNNING);
  g_assert_nonnull (batch);
  ota_window_show_firmware (f->window, plug);
  firmware_page = OTA_FIRMWARE_PAGE (adw_bin_get_child (f->window->firmware_bin));
  ota_firmware_page_show_batch (firmware_page, ota_batch_get_id (batch));
  page = OTA_BATCH_PAGE (adw_bin_get_child (firmware_page->batch_slot));
  UI_TEST_WAIT_UNTIL (page->n_loads > 0);
  succeeded_before = g_strdup (chip_count (page, OTA_TASK_STATUS_SUCCEEDED));
  g_assert_cmpstr (succeeded_before, !=, "0");

  /* Each tick plays 150 s at 600×; one run at a time. */
  start = ota_demo_get_now (f->demo);
  do
    {
      g_assert_true (ota_demo_tick (f->demo));
      g_assert_false (ota_demo_tick (f->demo));
      UI_TEST_WAIT_UNTIL (!ota_demo_get_busy (f->demo));
      ticks++;
      g_clear_object (&after);
      after = ota_engine_get_batch (f->engine, ota_batch_get_id (batch), &error);
      g_assert_no_error (error);
    }
  while (ticks < 20 &&
         ota_batch_get_count (after, OTA_TASK_STATUS_SUCCEEDED) == ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED));

  g_assert_cmpint (ota_demo_get_now (f->demo), ==, start + (gint64) ticks * 150 * G_USEC_PER_SEC);
  g_assert_cmpuint (ota_batch_get_count (after, OTA_TASK_STATUS_SUCCEEDED), >,
                    ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED));

  /* The engine's "batch-changed" brings the page up to date. */
  {
    g_autofree char *expected = ota_format_count (ota_batch_get_count (after, OTA_TASK_STATUS_SUCCEEDED));

    UI_TEST_WAIT_UNTIL (g_str_equal (chip_count (page, OTA_TASK_STATUS_SUCCEEDED), expected));
  }
  g_assert_cmpstr (chip_count (page, OTA_TASK_STATUS_SUCCEEDED), !=, succeeded_before);
}

/* A demo started again keeps the operator's database and goes on from its time. */
static void
test_restart_keeps_database (Fixture       *f,
                             gconstpointer  data)
{
  OtaDemoSummary catalogue = { 0 };
  OtaDemoRolloutSummary rollouts = { 0 };
  gint64 reached;

  prepare (f, &catalogue, &rollouts);
  ota_demo_set_speed (f->demo, 60);
  g_assert_true (ota_demo_tick (f->demo));
  UI_TEST_WAIT_UNTIL (!ota_demo_get_busy (f->demo));
  reached = ota_demo_get_now (f->demo);
  g_assert_cmpint (reached, ==, OTA_TEST_EPOCH + rollouts.played_us + 15 * G_USEC_PER_SEC);

  close_demo (f);
  open_demo (f);
  g_assert_cmpint (ota_demo_get_now (f->demo), ==, OTA_TEST_EPOCH);

  prepare (f, &catalogue, &rollouts);
  g_assert_cmpuint (catalogue.products, ==, 0);
  g_assert_cmpuint (rollouts.batches, ==, 0);
  g_assert_cmpint (ota_demo_get_now (f->demo), ==, reached);
  check_rollouts (f);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("ota-test-demo-XXXXXX", &error);
  int status;

  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  ui_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/demo/R-D1/R-S4/fleet-ticks-move-a-batch-page", test_fleet_moves_batch);
  ADD ("/demo/restart-keeps-database-and-time", test_restart_keeps_database);

  status = g_test_run ();
  remove_tree (home);
  return status;
}
