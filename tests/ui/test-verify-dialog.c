/* test-verify-dialog.c — OtaVerifyDialog: every field's rule shows its message and keeps
 * Confirm insensitive; Confirm starts the verification (R-V1..R-V4) */
#include <string.h>

#include "ota-verify-dialog-private.h"
#include "rollout-test-util.h"

typedef struct {
  UiFixture        ui;
  OtaFirmware     *firmware;
  OtaVerifyDialog *dialog;
  RolloutCreated   created;
} Fixture;

static const char * const sources[] = { "1.0", "1.1", NULL };

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ui_fixture_setup (&f->ui, data);
  rollout_test_add_fleet (&f->ui, 30);
  f->firmware = rollout_test_add_firmware (&f->ui, "plug_main", OTA_FIRMWARE_TYPE_FULL, sources, "2.0");
  f->dialog = OTA_VERIFY_DIALOG (ota_verify_dialog_new (NULL, f->ui.backend, f->firmware));
  g_signal_connect (f->dialog, "created", G_CALLBACK (rollout_test_on_created), &f->created);
  gtk_window_present (GTK_WINDOW (f->dialog));

  /* Ready: the versions arrived and the devices on them were listed. */
  UI_TEST_WAIT_UNTIL (f->dialog->modules_loaded &&
                      !ota_device_picker_get_loading (f->dialog->device_picker) &&
                      ota_device_picker_get_n_listed (f->dialog->device_picker) > 0);
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

static void
choose (Fixture    *f,
        const char *device)
{
  ota_device_picker_set_search (f->dialog->device_picker, device);
  UI_TEST_WAIT_UNTIL (!ota_device_picker_get_loading (f->dialog->device_picker));
  g_assert_true (ota_device_picker_choose (f->dialog->device_picker, device, TRUE));
}

/* The dialog opens with the firmware's own sources checked (R-F5) and Confirm waits
 * for a device. */
static void
test_opens (Fixture       *f,
            gconstpointer  data)
{
  g_auto(GStrv) checked = ota_version_picker_dup_selected (f->dialog->version_picker);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->dialog)));
  g_assert_cmpstrv (checked, sources);
  g_assert_false (confirm_sensitive (f));

  choose (f, "dev-01");
  g_assert_cmpuint (ota_device_picker_get_n_chosen (f->dialog->device_picker), ==, 1);
  g_assert_true (confirm_sensitive (f));
}

static void
check_timeout (Fixture *f,
               double   minutes,
               gboolean valid)
{
  gtk_spin_button_set_value (f->dialog->timeout_spin, minutes);
  ui_test_flush ();
  if (valid)
    {
      g_assert_null (ui_test_message (f->dialog->timeout_message));
      g_assert_true (confirm_sensitive (f));
    }
  else
    {
      g_assert_cmpstr (ui_test_message (f->dialog->timeout_message), ==,
                       "Upgrade timeout must be between 1 and 1440 minutes");
      g_assert_false (confirm_sensitive (f));
    }
}

/* R-V3: 1..1440 minutes, both ends allowed. */
static void
test_timeout_range (Fixture       *f,
                    gconstpointer  data)
{
  choose (f, "dev-01");
  check_timeout (f, 0, FALSE);
  check_timeout (f, 1, TRUE);
  check_timeout (f, 1441, FALSE);
  check_timeout (f, 1440, TRUE);
}

/* R-V1: at most 10 devices; the eleventh check is refused with a message. */
static void
test_eleventh_device_refused (Fixture       *f,
                              gconstpointer  data)
{
  OtaDevicePicker *picker = f->dialog->device_picker;
  g_autofree char *counter = NULL;

  ota_device_picker_set_search (picker, "");
  UI_TEST_WAIT_UNTIL (!ota_device_picker_get_loading (picker));
  g_assert_cmpuint (ota_device_picker_get_n_listed (picker), >=, 11);

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%02u", i);

      g_assert_true (ota_device_picker_choose (picker, name, TRUE));
    }
  g_assert_true (confirm_sensitive (f));

  g_assert_false (ota_device_picker_choose (picker, "dev-10", TRUE));
  g_assert_cmpuint (ota_device_picker_get_n_chosen (picker), ==, 10);
  g_assert_cmpstr (ota_device_picker_get_message (picker), ==, "A verification runs on at most 10 devices");

  /* Unchecking one makes room again. */
  g_assert_true (ota_device_picker_choose (picker, "dev-03", FALSE));
  g_assert_true (ota_device_picker_choose (picker, "dev-10", TRUE));
  g_assert_null (ota_device_picker_get_message (picker));
  g_assert_cmpuint (ota_device_picker_get_n_chosen (picker), ==, 10);
}

/* R-V2: no source version: message, nothing to choose from, Confirm insensitive. */
static void
test_no_source_version (Fixture       *f,
                        gconstpointer  data)
{
  choose (f, "dev-01");
  g_assert_true (ota_version_picker_set_selected (f->dialog->version_picker, "1.0", FALSE));
  g_assert_true (ota_version_picker_set_selected (f->dialog->version_picker, "1.1", FALSE));
  UI_TEST_WAIT_UNTIL (!ota_device_picker_get_loading (f->dialog->device_picker));

  g_assert_cmpstr (ota_version_picker_get_message (f->dialog->version_picker), ==,
                   "Choose at least one source version");
  g_assert_cmpuint (ota_device_picker_get_n_listed (f->dialog->device_picker), ==, 0);
  g_assert_false (confirm_sensitive (f));
}

/* R-V2: the devices offered are those on the chosen versions; unchecking a version
 * drops the devices chosen on it. */
static void
test_devices_follow_versions (Fixture       *f,
                              gconstpointer  data)
{
  OtaDevicePicker *picker = f->dialog->device_picker;

  choose (f, "dev-00");   /* 1.0 */
  choose (f, "dev-01");   /* 1.1 */
  g_assert_cmpuint (ota_device_picker_get_n_chosen (picker), ==, 2);

  g_assert_true (ota_version_picker_set_selected (f->dialog->version_picker, "1.1", FALSE));
  g_assert_cmpuint (ota_device_picker_get_n_chosen (picker), ==, 1);

  ota_device_picker_set_search (picker, "dev-0");
  UI_TEST_WAIT_UNTIL (!ota_device_picker_get_loading (picker));
  /* dev-00, 02, 04, 06, 08: the 1.0 devices whose name has "dev-0". */
  g_assert_cmpuint (ota_device_picker_get_n_listed (picker), ==, 5);
  g_assert_false (ota_device_picker_choose (picker, "dev-01", TRUE));
}

/* R-V1, R-V4: Confirm starts the verification; the firmware is verifying. */
static void
test_creates_verification (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(OtaFirmware) after = NULL;

  choose (f, "dev-00");
  choose (f, "dev-01");
  gtk_spin_button_set_value (f->dialog->timeout_spin, 30);
  adw_combo_row_set_selected (f->dialog->app_confirm_row, 1);
  g_assert_true (confirm_sensitive (f));

  g_object_add_weak_pointer (G_OBJECT (f->dialog), (gpointer *) &f->dialog);
  gtk_widget_activate (GTK_WIDGET (f->dialog->confirm_button));
  UI_TEST_WAIT_UNTIL (f->created.n == 1);

  g_assert_cmpint (ota_batch_get_kind (f->created.batch), ==, OTA_BATCH_KIND_VERIFICATION);
  g_assert_cmpuint (ota_batch_get_total (f->created.batch), ==, 2);
  g_assert_cmpuint (ota_batch_get_timeout_minutes (f->created.batch), ==, 30);
  g_assert_true (ota_batch_get_app_confirm (f->created.batch));
  /* R-B3 with app confirmation: the tasks wait for the user. */
  g_assert_cmpuint (ota_batch_get_count (f->created.batch, OTA_TASK_STATUS_PENDING_CONFIRM), ==, 2);

  after = rollout_test_get_firmware (&f->ui, ota_firmware_get_id (f->firmware));
  g_assert_cmpint (ota_firmware_get_status (after), ==, OTA_FIRMWARE_STATUS_VERIFYING);
  /* The dialog closed itself. */
  UI_TEST_WAIT_UNTIL (f->dialog == NULL);
}

/* R-V2: the backend's refusal (a device with an unfinished task) shows on the devices. */
static void
test_refusal_on_field (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(OtaFirmware) other = rollout_test_add_firmware (&f->ui, "plug_other", OTA_FIRMWARE_TYPE_FULL,
                                                            sources, "3.0");
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) busy = NULL;
  const char *devices[] = { "dev-02", NULL };
  OtaVerifySpec spec = { .firmware_id = ota_firmware_get_id (other), .source_versions = sources,
                         .devices = devices, .timeout_minutes = 60 };
  g_autoptr(OtaFirmware) after = NULL;

  busy = ota_engine_start_verification (f->ui.base.engine, &spec, &error);
  g_assert_no_error (error);

  choose (f, "dev-02");
  gtk_widget_activate (GTK_WIDGET (f->dialog->confirm_button));
  UI_TEST_WAIT_UNTIL (ota_device_picker_get_message (f->dialog->device_picker) != NULL && !f->dialog->busy);

  g_assert_nonnull (strstr (ota_device_picker_get_message (f->dialog->device_picker), "dev-02"));
  g_assert_false (confirm_sensitive (f));
  g_assert_cmpuint (f->created.n, ==, 0);
  after = rollout_test_get_firmware (&f->ui, ota_firmware_get_id (f->firmware));
  g_assert_cmpint (ota_firmware_get_status (after), ==, OTA_FIRMWARE_STATUS_UNVERIFIED);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/verify-dialog/opens-with-the-firmware-sources", test_opens);
  ADD ("/verify-dialog/R-V3/timeout-0-and-1441-refused", test_timeout_range);
  ADD ("/verify-dialog/R-V1/eleventh-device-refused", test_eleventh_device_refused);
  ADD ("/verify-dialog/R-V2/no-source-version-refused", test_no_source_version);
  ADD ("/verify-dialog/R-V2/devices-follow-source-versions", test_devices_follow_versions);
  ADD ("/verify-dialog/R-V4/confirm-starts-verification", test_creates_verification);
  ADD ("/verify-dialog/R-V2/refusal-shown-on-devices", test_refusal_on_field);

  return g_test_run ();
}
