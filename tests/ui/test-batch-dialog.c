/* test-batch-dialog.c — OtaBatchDialog: every option's rule shows its message and keeps
 * Confirm insensitive, options that do not apply hide, the forecast follows the form,
 * and Confirm creates the batch (R-B1..R-B16) */
#include <string.h>

#include "ota-batch-dialog-private.h"
#include "rollout-test-util.h"

typedef struct {
  UiFixture       ui;
  OtaFirmware    *firmware;
  OtaBatchDialog *dialog;
  RolloutCreated  created;
} Fixture;

static const char * const sources[] = { "1.0", "1.1", NULL };

static void
open_dialog (Fixture     *f,
             OtaFirmware *firmware)
{
  f->dialog = OTA_BATCH_DIALOG (ota_batch_dialog_new (NULL, f->ui.backend, firmware));
  g_signal_connect (f->dialog, "created", G_CALLBACK (rollout_test_on_created), &f->created);
  gtk_window_present (GTK_WINDOW (f->dialog));
  UI_TEST_WAIT_UNTIL (f->dialog->modules_loaded && f->dialog->n_forecasts > 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(OtaFirmware) added = NULL;

  ui_fixture_setup (&f->ui, data);
  rollout_test_add_fleet (&f->ui, 30);
  added = rollout_test_add_firmware (&f->ui, "plug_main", OTA_FIRMWARE_TYPE_FULL, sources, "2.0");
  f->firmware = rollout_test_verify (&f->ui, added, "dev-00");
  open_dialog (f, f->firmware);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rollout_created_clear (&f->created);
  g_clear_object (&f->firmware);
  ui_fixture_teardown (&f->ui, data);
}

static gboolean
confirm_sensitive (Fixture *f)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (f->dialog->confirm_button));
}

/* Waits for the forecast that follows the last change. */
static const char *
next_forecast (Fixture *f)
{
  guint before = f->dialog->n_forecasts;

  UI_TEST_WAIT_UNTIL (f->dialog->n_forecasts > before);
  return gtk_label_get_label (f->dialog->forecast_label);
}

/* A spin button's value must show @message (NULL: valid) and Confirm follow it. */
static void
check_spin (Fixture         *f,
            GtkSpinButton   *spin,
            OtaFieldMessage *message,
            double           value,
            const char      *expected)
{
  gtk_spin_button_set_value (spin, value);
  ui_test_flush ();
  g_assert_cmpstr (ui_test_message (message), ==, expected);
  g_assert_cmpint (confirm_sensitive (f), ==, expected == NULL);
}

static char *
local_time_from_now (GTimeSpan delta)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add (now, delta);

  return g_date_time_format (then, "%Y-%m-%d %H:%M");
}

/* R-B2: the verification device is left out; the forecast says what would happen. */
static void
test_opens_with_forecast (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(GStrv) checked = ota_version_picker_dup_selected (f->dialog->version_picker);

  g_assert_cmpstrv (checked, sources);
  g_assert_true (confirm_sensitive (f));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (f->dialog->forecast_label),
                                   "29 devices match now · 6 offline · pushing takes"));
}

/* R-B12: 10..1000 devices per minute. */
static void
test_push_rate_range (Fixture       *f,
                      gconstpointer  data)
{
  const char *message = "Push rate must be between 10 and 1000 devices per minute";

  check_spin (f, f->dialog->rate_spin, f->dialog->rate_message, 9, message);
  check_spin (f, f->dialog->rate_spin, f->dialog->rate_message, 10, NULL);
  check_spin (f, f->dialog->rate_spin, f->dialog->rate_message, 1001, message);
  check_spin (f, f->dialog->rate_spin, f->dialog->rate_message, 1000, NULL);
  g_assert_nonnull (strstr (next_forecast (f), "at 1000/min"));
}

/* R-B14: 5..1440 minutes. */
static void
test_timeout_range (Fixture       *f,
                    gconstpointer  data)
{
  const char *message = "Upgrade timeout must be between 5 and 1440 minutes";

  check_spin (f, f->dialog->timeout_spin, f->dialog->timeout_message, 4, message);
  check_spin (f, f->dialog->timeout_spin, f->dialog->timeout_message, 5, NULL);
  check_spin (f, f->dialog->timeout_spin, f->dialog->timeout_message, 1441, message);
  check_spin (f, f->dialog->timeout_spin, f->dialog->timeout_message, 1440, NULL);
}

/* R-B10: gray 1..100 %, static only; its row shows only for the gray scope. */
static void
test_gray (Fixture       *f,
           gconstpointer  data)
{
  const char *message = "Gray percentage must be between 1 and 100";

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->dialog->gray_row)));
  adw_combo_row_set_selected (f->dialog->scope_row, OTA_BATCH_SCOPE_GRAY);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->dialog->gray_row)));

  check_spin (f, f->dialog->gray_spin, f->dialog->gray_message, 0, message);
  check_spin (f, f->dialog->gray_spin, f->dialog->gray_message, 101, message);
  check_spin (f, f->dialog->gray_spin, f->dialog->gray_message, 100, NULL);
  check_spin (f, f->dialog->gray_spin, f->dialog->gray_message, 10, NULL);
  /* 10 % of 29, rounded down. */
  g_assert_true (g_str_has_prefix (next_forecast (f), "2 devices match now"));

  adw_combo_row_set_selected (f->dialog->strategy_row, OTA_BATCH_STRATEGY_DYNAMIC);
  g_assert_cmpstr (ui_test_message (f->dialog->scope_message), ==, "A gray upgrade needs the static strategy");
  g_assert_false (confirm_sensitive (f));
}

/* R-B11: start 10 min..7 days from now, end 1 h..30 days after it; static only. */
static void
test_schedule (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *soon = local_time_from_now (5 * G_TIME_SPAN_MINUTE);
  g_autofree char *start = local_time_from_now (2 * G_TIME_SPAN_HOUR);
  g_autofree char *early_end = local_time_from_now (2 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE);
  g_autofree char *end = local_time_from_now (4 * G_TIME_SPAN_HOUR);

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->dialog->start_row)));
  adw_combo_row_set_selected (f->dialog->time_row, OTA_TIME_SCHEDULED);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->dialog->start_row)));
  /* A start an hour ahead is suggested, and valid. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->dialog->start_row)), !=, "");
  g_assert_null (ui_test_message (f->dialog->start_message));

  gtk_editable_set_text (GTK_EDITABLE (f->dialog->start_row), soon);
  g_assert_cmpstr (ui_test_message (f->dialog->start_message), ==,
                   "Scheduled start must be between 10 minutes and 7 days from now");
  g_assert_false (confirm_sensitive (f));

  gtk_editable_set_text (GTK_EDITABLE (f->dialog->start_row), "tomorrow");
  g_assert_cmpstr (ui_test_message (f->dialog->start_message), ==, "Enter the start as YYYY-MM-DD HH:MM");

  gtk_editable_set_text (GTK_EDITABLE (f->dialog->start_row), start);
  gtk_editable_set_text (GTK_EDITABLE (f->dialog->end_row), early_end);
  g_assert_null (ui_test_message (f->dialog->start_message));
  g_assert_cmpstr (ui_test_message (f->dialog->end_message), ==,
                   "Scheduled end must be between 1 hour and 30 days after the start");
  g_assert_false (confirm_sensitive (f));

  gtk_editable_set_text (GTK_EDITABLE (f->dialog->end_row), end);
  g_assert_null (ui_test_message (f->dialog->end_message));
  g_assert_true (confirm_sensitive (f));

  /* A dynamic batch starts at once: no time to choose. */
  adw_combo_row_set_selected (f->dialog->strategy_row, OTA_BATCH_STRATEGY_DYNAMIC);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (f->dialog->time_row)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->dialog->start_row)));
  g_assert_true (confirm_sensitive (f));
}

/* R-B4: a full firmware needs at least one source version. */
static void
test_no_source_version (Fixture       *f,
                        gconstpointer  data)
{
  g_assert_true (ota_version_picker_set_selected (f->dialog->version_picker, "1.0", FALSE));
  g_assert_true (ota_version_picker_set_selected (f->dialog->version_picker, "1.1", FALSE));
  g_assert_cmpstr (ota_version_picker_get_message (f->dialog->version_picker), ==,
                   "Choose at least one source version");
  g_assert_false (confirm_sensitive (f));

  g_assert_true (ota_version_picker_set_selected (f->dialog->version_picker, "1.1", TRUE));
  g_assert_null (ota_version_picker_get_message (f->dialog->version_picker));
  /* The odd devices, none of them the verifier. */
  g_assert_true (g_str_has_prefix (next_forecast (f), "15 devices match now"));
}

/* R-B4: a diff firmware's one source is fixed. */
static void
test_diff_source_fixed (Fixture       *f,
                        gconstpointer  data)
{
  const char *diff_sources[] = { "1.1", NULL };
  g_autoptr(OtaFirmware) added = rollout_test_add_firmware (&f->ui, "plug_diff", OTA_FIRMWARE_TYPE_DIFF,
                                                            diff_sources, "2.1");
  g_autoptr(OtaFirmware) diff = rollout_test_verify (&f->ui, added, "dev-01");
  g_auto(GStrv) checked = NULL;

  gtk_window_destroy (GTK_WINDOW (f->dialog));
  open_dialog (f, diff);
  checked = ota_version_picker_dup_selected (f->dialog->version_picker);
  g_assert_cmpstrv (checked, diff_sources);
  g_assert_false (ota_version_picker_set_selected (f->dialog->version_picker, "1.1", FALSE));
  g_assert_false (ota_version_picker_set_selected (f->dialog->version_picker, "1.0", TRUE));
  g_assert_true (confirm_sensitive (f));
}

/* R-B13: the retry limit only matters with retries; R-B16 is dynamic only. */
static void
test_options_that_do_not_apply (Fixture       *f,
                                gconstpointer  data)
{
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (f->dialog->retry_limit_row)));
  adw_combo_row_set_selected (f->dialog->retry_interval_row, OTA_RETRY_INTERVAL_10_MINUTES);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (f->dialog->retry_limit_row)));

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->dialog->only_new_row)));
  adw_combo_row_set_selected (f->dialog->strategy_row, OTA_BATCH_STRATEGY_DYNAMIC);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->dialog->only_new_row)));
  g_assert_true (confirm_sensitive (f));
}

/* R-B8: a targeted upgrade needs a device, from the chosen source versions. */
static void
test_targeted (Fixture       *f,
               gconstpointer  data)
{
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->dialog->targeted_group)));
  adw_combo_row_set_selected (f->dialog->scope_row, OTA_BATCH_SCOPE_TARGETED);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->dialog->targeted_group)));
  g_assert_cmpstr (ota_device_picker_get_message (f->dialog->device_picker), ==,
                   "A targeted upgrade needs at least one device");
  g_assert_false (confirm_sensitive (f));

  ota_device_picker_set_search (f->dialog->device_picker, "dev-1");
  UI_TEST_WAIT_UNTIL (!ota_device_picker_get_loading (f->dialog->device_picker));
  g_assert_true (ota_device_picker_choose (f->dialog->device_picker, "dev-12", TRUE));
  g_assert_true (ota_device_picker_choose (f->dialog->device_picker, "dev-13", TRUE));
  g_assert_null (ota_device_picker_get_message (f->dialog->device_picker));
  g_assert_true (confirm_sensitive (f));
  g_assert_true (g_str_has_prefix (next_forecast (f), "2 devices match now"));
}

/* R-B9: the provinces of the product's devices; one chosen narrows the batch. */
static void
test_regions (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GArray) regions = NULL;

  adw_combo_row_set_selected (f->dialog->scope_row, OTA_BATCH_SCOPE_REGION);
  UI_TEST_WAIT_UNTIL (!ota_region_picker_get_loading (f->dialog->region_picker));
  g_assert_cmpuint (ota_region_picker_get_n_provinces (f->dialog->region_picker), ==, 2);
  g_assert_cmpstr (ota_region_picker_get_message (f->dialog->region_picker), ==,
                   "A region upgrade needs at least one province");
  g_assert_false (confirm_sensitive (f));

  g_assert_true (ota_region_picker_choose_province (f->dialog->region_picker, "Zhejiang", TRUE));
  regions = ota_region_picker_dup_regions (f->dialog->region_picker);
  g_assert_cmpuint (regions->len, ==, 1);
  g_assert_cmpstr (g_array_index (regions, OtaRegion, 0).province, ==, "Zhejiang");
  g_assert_true (confirm_sensitive (f));
  /* dev-00..dev-14 are in Zhejiang; dev-00 verified the firmware (R-B2). */
  g_assert_true (g_str_has_prefix (next_forecast (f), "14 devices match now"));
}

/* R-B1: Confirm creates the batch with the options of the form. */
static void
test_creates_batch (Fixture       *f,
                    gconstpointer  data)
{
  gtk_spin_button_set_value (f->dialog->rate_spin, 500);
  adw_combo_row_set_selected (f->dialog->retry_interval_row, OTA_RETRY_INTERVAL_1_HOUR);
  adw_combo_row_set_selected (f->dialog->retry_limit_row, 2);
  gtk_switch_set_active (f->dialog->overwrite_switch, TRUE);
  next_forecast (f);
  g_assert_true (confirm_sensitive (f));

  gtk_widget_activate (GTK_WIDGET (f->dialog->confirm_button));
  UI_TEST_WAIT_UNTIL (f->created.n == 1);

  g_assert_cmpint (ota_batch_get_kind (f->created.batch), ==, OTA_BATCH_KIND_BATCH);
  g_assert_cmpuint (ota_batch_get_total (f->created.batch), ==, 29);
  g_assert_cmpuint (ota_batch_get_push_rate (f->created.batch), ==, 500);
  g_assert_cmpint (ota_batch_get_retry_interval (f->created.batch), ==, OTA_RETRY_INTERVAL_1_HOUR);
  g_assert_cmpuint (ota_batch_get_retry_limit (f->created.batch), ==, 5);
  g_assert_true (ota_batch_get_overwrite (f->created.batch));
  /* The operator named the sources in the form: retries are allowed (R-R1). */
  g_assert_true (ota_batch_get_sources_named (f->created.batch));
}

/* R-B6: a second dynamic batch is refused before Confirm, on the strategy. */
static void
test_second_dynamic_refused (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) first = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  spec.firmware_id = ota_firmware_get_id (f->firmware);
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  spec.only_new_reports = TRUE;
  first = ota_engine_create_batch (f->ui.base.engine, &spec, &error);
  g_assert_no_error (error);

  adw_combo_row_set_selected (f->dialog->strategy_row, OTA_BATCH_STRATEGY_DYNAMIC);
  next_forecast (f);
  g_assert_nonnull (strstr (ui_test_message (f->dialog->strategy_message), "already has a dynamic batch"));
  g_assert_false (confirm_sensitive (f));
  g_assert_cmpuint (f->created.n, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/batch-dialog/R-B2/opens-with-a-forecast", test_opens_with_forecast);
  ADD ("/batch-dialog/R-B12/push-rate-9-and-1001-refused", test_push_rate_range);
  ADD ("/batch-dialog/R-B14/timeout-4-and-1441-refused", test_timeout_range);
  ADD ("/batch-dialog/R-B10/gray-0-and-101-refused-static-only", test_gray);
  ADD ("/batch-dialog/R-B11/start-5-minutes-ahead-and-end-30-minutes-after-refused", test_schedule);
  ADD ("/batch-dialog/R-B4/no-source-version-refused", test_no_source_version);
  ADD ("/batch-dialog/R-B4/diff-source-is-fixed", test_diff_source_fixed);
  ADD ("/batch-dialog/R-B13/options-that-do-not-apply-are-off", test_options_that_do_not_apply);
  ADD ("/batch-dialog/R-B8/targeted-needs-a-device", test_targeted);
  ADD ("/batch-dialog/R-B9/regions-of-the-devices", test_regions);
  ADD ("/batch-dialog/R-B1/confirm-creates-the-batch", test_creates_batch);
  ADD ("/batch-dialog/R-B6/second-dynamic-batch-refused-inline", test_second_dynamic_refused);

  return g_test_run ();
}
