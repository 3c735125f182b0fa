/* test-firmware-page.c — OtaFirmwarePage: the actions follow the firmware's status
 * (R-V4, R-B1), the batches show with counts and progress and follow device events
 * (R-D1), and a batch opens its page */
#include <string.h>

#include "ota-batch-page.h"
#include "ota-batch-row.h"
#include "ota-firmware-page-private.h"
#include "rollout-test-util.h"

typedef struct {
  UiFixture        ui;
  OtaFirmware     *firmware;
  OtaFirmwarePage *page;
} Fixture;

static const char * const sources[] = { "1.0", "1.1", NULL };

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ui_fixture_setup (&f->ui, data);
  rollout_test_add_fleet (&f->ui, 30);
  f->firmware = rollout_test_add_firmware (&f->ui, "plug_main", OTA_FIRMWARE_TYPE_FULL, sources, "2.0");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->firmware);
  ui_fixture_teardown (&f->ui, data);
}

static void
open_page (Fixture *f)
{
  f->page = OTA_FIRMWARE_PAGE (ota_firmware_page_new (f->ui.backend, f->firmware));
  rollout_test_window (GTK_WIDGET (f->page));
  UI_TEST_WAIT_UNTIL (f->page->n_refreshes > 0);
}

static gboolean
action_enabled (Fixture    *f,
                const char *action)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (g_str_equal (action, "verify") ? f->page->verify_button
                                                                              : f->page->batch_button));
}

static OtaBatchRow *
batch_row (Fixture *f,
           int      index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (f->page->batch_list, index);

  return row != NULL ? OTA_BATCH_ROW (row) : NULL;
}

static const char *
row_counts (Fixture *f,
            int      index)
{
  return ota_batch_row_get_counts_text (batch_row (f, index));
}

/* R-V1: an unverified firmware says to verify first; batch upgrades wait (R-B1). */
static void
test_not_verified (Fixture       *f,
                   gconstpointer  data)
{
  open_page (f);

  g_assert_cmpstr (gtk_label_get_label (f->page->name_label), ==, "plug_main");
  g_assert_cmpstr (gtk_label_get_label (f->page->status_label), ==, "Not verified");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->page->batches_stack), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (f->page->empty_page), ==, "Not verified yet");
  g_assert_cmpstr (adw_status_page_get_description (f->page->empty_page), ==,
                   "Verify this firmware on a few devices first");
  g_assert_true (action_enabled (f, "verify"));
  g_assert_false (action_enabled (f, "batch"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (f->page->batch_button)), "Verify"));
}

/* R-V4: verifying: neither action; verified: batch upgrades, no second verification. A
 * verification made outside the page (here: the engine) is found by its batch-changed. */
static void
test_actions_follow_status (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  const char *devices[] = { "dev-00", NULL };
  OtaVerifySpec spec = { .firmware_id = ota_firmware_get_id (f->firmware), .source_versions = sources,
                         .devices = devices, .timeout_minutes = 60 };

  open_page (f);
  verification = ota_engine_start_verification (f->ui.base.engine, &spec, &error);
  g_assert_no_error (error);

  UI_TEST_WAIT_UNTIL (ota_firmware_get_status (f->page->firmware) == OTA_FIRMWARE_STATUS_VERIFYING &&
                      batch_row (f, 0) != NULL);
  g_assert_false (action_enabled (f, "verify"));
  g_assert_false (action_enabled (f, "batch"));

  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-00", NULL, 100);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_VERSION, "dev-00", "2.0", 0);
  UI_TEST_WAIT_UNTIL (ota_firmware_get_status (f->page->firmware) == OTA_FIRMWARE_STATUS_VERIFIED);
  g_assert_false (action_enabled (f, "verify"));
  g_assert_true (action_enabled (f, "batch"));
  g_assert_cmpstr (gtk_label_get_label (f->page->status_label), ==, "Verified");
  UI_TEST_WAIT_UNTIL (g_str_equal (row_counts (f, 0), "1 succeeded"));
}

/* R-D1: each batch with kind, counts per status and progress, newest first; the counts
 * follow device events. */
static void
test_batches_with_counts (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(OtaFirmware) verified = rollout_test_verify (&f->ui, f->firmware, "dev-00");
  g_autoptr(OtaBatch) batch = rollout_test_create_batch (&f->ui, verified);
  OtaBatchRow *row;

  g_set_object (&f->firmware, verified);
  open_page (f);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->page->batches_stack), ==, "list");
  row = batch_row (f, 0);
  g_assert_cmpint (ota_batch_get_id (ota_batch_row_get_batch (row)), ==, ota_batch_get_id (batch));
  g_assert_cmpint (ota_batch_get_kind (ota_batch_row_get_batch (batch_row (f, 1))), ==,
                   OTA_BATCH_KIND_VERIFICATION);
  g_assert_null (batch_row (f, 2));
  /* 29 devices (R-B2: not the verifier); every fifth is offline. */
  g_assert_cmpstr (row_counts (f, 0), ==, "23 pushed · 6 pending push");

  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-01", NULL, 100);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_VERSION, "dev-01", "2.0", 0);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-02", NULL, 40);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-03", NULL, -4);
  UI_TEST_WAIT_UNTIL (g_str_equal (row_counts (f, 0),
                                   "1 succeeded · 1 failed · 1 upgrading · 20 pushed · 6 pending push"));
  /* The same row widget, updated in place. */
  g_assert_true (batch_row (f, 0) == row);
}

/* Activating a batch shows its page inside the firmware page; Back returns. */
static void
test_opens_batch_page (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(OtaFirmware) verified = rollout_test_verify (&f->ui, f->firmware, "dev-00");
  g_autoptr(OtaBatch) batch = rollout_test_create_batch (&f->ui, verified);
  GtkWidget *shown;

  g_set_object (&f->firmware, verified);
  open_page (f);

  gtk_widget_activate (GTK_WIDGET (batch_row (f, 0)));
  shown = adw_bin_get_child (f->page->batch_slot);
  g_assert_true (OTA_IS_BATCH_PAGE (shown));
  g_assert_cmpint (ota_batch_page_get_batch_id (OTA_BATCH_PAGE (shown)), ==, ota_batch_get_id (batch));
  g_assert_true (adw_leaflet_get_visible_child (f->page->leaflet) == f->page->batch_view);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "firmware.back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (f->page->leaflet) == f->page->details_page);
  /* The batch page goes once the slide has ended: its model stops following. */
  UI_TEST_WAIT_UNTIL (adw_bin_get_child (f->page->batch_slot) == NULL);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/firmware-page/R-V1/not-verified-says-verify-first", test_not_verified);
  ADD ("/firmware-page/R-V4/actions-follow-the-status", test_actions_follow_status);
  ADD ("/firmware-page/R-D1/batches-with-counts-follow-events", test_batches_with_counts);
  ADD ("/firmware-page/R-D1/batch-opens-its-page", test_opens_batch_page);

  return g_test_run ();
}
