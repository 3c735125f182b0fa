/* test-add-firmware.c — the add-firmware dialog: one invalid case per rule of R-F shows
 * the rule's message under its field and keeps Add insensitive; a valid firmware is
 * added through the dialog and shows in the product's firmware list */
#include <string.h>

#include "ota-dialog-private.h"
#include "ui-test-util.h"

#define MESSAGE(dialog, field) ui_test_message ((dialog)->messages[OTA_FIRMWARE_FIELD_##field])

static gboolean
can_add (OtaAddFirmwareDialog *dialog)
{
  return gtk_widget_get_sensitive (dialog->confirm_button);
}

static GFile *
write_file (UiFixture  *fixture,
            const char *name,
            gsize       size)
{
  g_autofree char *contents = g_malloc0 (MAX (size, 1));
  g_autofree char *path = NULL;

  for (gsize i = 0; i < size; i++)
    contents[i] = (char) (i * 7);
  path = ota_test_write_file (&fixture->base, name, contents, size);
  return g_file_new_for_path (path);
}

/* A product with devices on 1.0.0 and 1.0.1 of module "default"; the window shows it
 * and the dialog is open with the product's modules loaded. */
static OtaAddFirmwareDialog *
open_dialog (UiFixture      *fixture,
             OtaProjectType  project_type,
             OtaNetworkType  network_type,
             gboolean        android_sdk)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (fixture->base.engine, "cam1", project_type,
                                                        network_type, FALSE, android_sdk);
  g_autoptr(OtaDevice) a = ota_test_add_device (fixture->base.engine, "cam1", "cam-a", "1.0.0");
  g_autoptr(OtaDevice) b = ota_test_add_device (fixture->base.engine, "cam1", "cam-b", "1.0.0");
  g_autoptr(OtaDevice) c = ota_test_add_device (fixture->base.engine, "cam1", "cam-c", "1.0.1");
  OtaWindow *window = ui_fixture_open_window (fixture);
  OtaAddFirmwareDialog *dialog;

  g_assert_nonnull (ota_window_get_product (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-firmware", NULL);
  dialog = OTA_ADD_FIRMWARE_DIALOG (ui_test_find_window (OTA_TYPE_ADD_FIRMWARE_DIALOG));
  g_assert_nonnull (dialog);
  UI_TEST_WAIT_UNTIL (dialog->modules != NULL);
  g_assert_false (can_add (dialog));
  return dialog;
}

/* Every field valid: Add becomes sensitive once the backend agreed. */
static void
fill_valid (UiFixture            *fixture,
            OtaAddFirmwareDialog *dialog)
{
  g_autoptr(GFile) file = write_file (fixture, "camera-1.1.0.bin", 4096);

  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "Camera_FW-110");
  gtk_editable_set_text (GTK_EDITABLE (dialog->version_row), "1.1.0");
  g_assert_true (ota_source_picker_set_checked (dialog->source_picker, "1.0.0", TRUE));
  ota_add_firmware_dialog_set_file (dialog, file);
  gtk_editable_set_text (GTK_EDITABLE (dialog->description_row), "Night vision fixes");
  UI_TEST_WAIT_UNTIL (can_add (dialog));
  for (guint i = 0; i < OTA_N_FIRMWARE_FIELDS; i++)
    g_assert_null (ui_test_message (dialog->messages[i]));
}

static void
test_name_rule (UiFixture     *fixture,
                gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE);
  g_autofree char *too_long = g_strnfill (41, 'a');
  g_autoptr(GError) expected = NULL;

  fill_valid (fixture, dialog);

  g_assert_false (ota_validate_firmware_name (too_long, &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), too_long);
  g_assert_cmpstr (MESSAGE (dialog, NAME), ==, expected->message);
  g_assert_false (can_add (dialog));

  g_clear_error (&expected);
  g_assert_false (ota_validate_firmware_name ("_camera", &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "_camera");
  g_assert_cmpstr (MESSAGE (dialog, NAME), ==, expected->message);
  g_assert_false (can_add (dialog));

  /* Forty characters, Chinese and kana included, are fine. */
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "固件カメラ_v2-(beta)");
  g_assert_null (MESSAGE (dialog, NAME));
  UI_TEST_WAIT_UNTIL (can_add (dialog));
}

static void
test_version_rule (UiFixture     *fixture,
                   gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE);
  g_autoptr(GError) expected = NULL;

  fill_valid (fixture, dialog);
  g_assert_false (ota_validate_version ("1.1 beta", "version", &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->version_row), "1.1 beta");
  g_assert_cmpstr (MESSAGE (dialog, VERSION), ==, expected->message);
  g_assert_false (can_add (dialog));

  g_clear_error (&expected);
  g_assert_false (ota_validate_version ("", "version", &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->version_row), "");
  g_assert_cmpstr (MESSAGE (dialog, VERSION), ==, expected->message);
  g_assert_false (can_add (dialog));
}

/* The engine's own message for the spec the dialog holds now. */
static char *
engine_message (UiFixture            *fixture,
                OtaAddFirmwareDialog *dialog)
{
  OtaFirmwareSpec spec;
  g_auto(GStrv) sources = NULL;
  g_autoptr(GError) error = NULL;

  ota_add_firmware_dialog_build_spec (dialog, &spec, &sources);
  g_assert_false (ota_engine_check_firmware_spec (fixture->base.engine, &spec, &error));
  return g_strdup (error->message);
}

static void
test_source_versions_rule (UiFixture     *fixture,
                           gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE);
  g_autoptr(GError) expected = NULL;
  g_autofree char *none = NULL;
  g_autofree char *same = NULL;
  g_auto(GStrv) selected = NULL;

  fill_valid (fixture, dialog);

  /* A full firmware needs one or more. */
  ota_source_picker_set_checked (dialog->source_picker, "1.0.0", FALSE);
  none = engine_message (fixture, dialog);
  UI_TEST_WAIT_UNTIL (MESSAGE (dialog, SOURCES) != NULL);
  g_assert_cmpstr (MESSAGE (dialog, SOURCES), ==, none);
  g_assert_false (can_add (dialog));

  /* None may be the firmware version itself. */
  ota_source_picker_set_checked (dialog->source_picker, "1.0.0", TRUE);
  gtk_editable_set_text (GTK_EDITABLE (dialog->version_row), "1.0.0");
  same = engine_message (fixture, dialog);
  UI_TEST_WAIT_UNTIL (g_strcmp0 (MESSAGE (dialog, SOURCES), same) == 0);
  g_assert_false (can_add (dialog));
  gtk_editable_set_text (GTK_EDITABLE (dialog->version_row), "1.1.0");
  UI_TEST_WAIT_UNTIL (can_add (dialog));

  /* A typed version follows R-F4 too. */
  g_assert_false (ota_validate_version ("not a version", "source-versions", &expected));
  g_assert_false (ota_source_picker_add_version (dialog->source_picker, "not a version"));
  g_assert_cmpstr (MESSAGE (dialog, SOURCES), ==, expected->message);
  g_assert_false (can_add (dialog));
  gtk_editable_set_text (GTK_EDITABLE (ota_source_picker_get_entry_row (dialog->source_picker)), "0.9");
  g_assert_true (ota_source_picker_add_version (dialog->source_picker, "0.9"));
  UI_TEST_WAIT_UNTIL (can_add (dialog));

  /* A diff firmware has exactly one: the check boxes become radio buttons. */
  adw_combo_row_set_selected (dialog->type_row, OTA_FIRMWARE_TYPE_DIFF);
  selected = ota_source_picker_dup_selected (dialog->source_picker);
  g_assert_cmpuint (g_strv_length (selected), ==, 1);
  UI_TEST_WAIT_UNTIL (can_add (dialog));
}

static void
test_module_rule (UiFixture     *fixture,
                  gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE);
  GListModel *modules = adw_combo_row_get_model (dialog->module_row);
  guint new_module = g_list_model_get_n_items (modules) - 1;
  g_autoptr(GError) expected = NULL;

  fill_valid (fixture, dialog);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (modules), 0), ==, "default");

  adw_combo_row_set_selected (dialog->module_row, new_module);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->new_module_row)));
  g_assert_false (ota_validate_module ("wifi/ble", &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->new_module_row), "wifi/ble");
  g_assert_cmpstr (MESSAGE (dialog, MODULE), ==, expected->message);
  g_assert_false (can_add (dialog));

  /* A new module has no devices: its source versions are typed in. */
  gtk_editable_set_text (GTK_EDITABLE (dialog->new_module_row), "wifi");
  g_assert_null (MESSAGE (dialog, MODULE));
  g_assert_true (ota_source_picker_add_version (dialog->source_picker, "2.0"));
  UI_TEST_WAIT_UNTIL (can_add (dialog));
}

static void
test_file_rule (UiFixture     *fixture,
                gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE);
  g_autoptr(GFile) exe = write_file (fixture, "camera.exe", 100);
  g_autoptr(GFile) empty = write_file (fixture, "empty.bin", 0);
  g_autoptr(GFile) ok = write_file (fixture, "camera.TAR.GZ", 100);
  g_autoptr(GError) expected = NULL;

  fill_valid (fixture, dialog);

  g_assert_false (ota_validate_firmware_file_name ("camera.exe", &expected));
  ota_add_firmware_dialog_set_file (dialog, exe);
  g_assert_cmpstr (MESSAGE (dialog, FILE), ==, expected->message);
  g_assert_false (can_add (dialog));

  g_clear_error (&expected);
  g_assert_false (ota_validate_firmware_size (0, &expected));
  ota_add_firmware_dialog_set_file (dialog, empty);
  UI_TEST_WAIT_UNTIL (g_strcmp0 (MESSAGE (dialog, FILE), expected->message) == 0);
  g_assert_false (can_add (dialog));

  ota_add_firmware_dialog_set_file (dialog, ok);
  UI_TEST_WAIT_UNTIL (can_add (dialog));
  g_assert_null (MESSAGE (dialog, FILE));
}

static void
test_description_rule (UiFixture     *fixture,
                       gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE);
  g_autoptr(GString) chinese = g_string_new (NULL);
  g_autofree char *too_long = g_strnfill (101, 'd');
  g_autoptr(GError) expected = NULL;

  fill_valid (fixture, dialog);

  g_assert_false (ota_validate_description (too_long, &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->description_row), too_long);
  g_assert_cmpstr (MESSAGE (dialog, DESCRIPTION), ==, expected->message);
  g_assert_cmpstr (gtk_label_get_label (dialog->description_counter), ==, "101/100");
  g_assert_false (can_add (dialog));

  /* A Chinese character counts as one: 100 of them are allowed. */
  for (guint i = 0; i < 100; i++)
    g_string_append (chinese, "夜");
  gtk_editable_set_text (GTK_EDITABLE (dialog->description_row), chinese->str);
  g_assert_null (MESSAGE (dialog, DESCRIPTION));
  g_assert_cmpstr (gtk_label_get_label (dialog->description_counter), ==, "100/100");
  UI_TEST_WAIT_UNTIL (can_add (dialog));
}

/* R-F1, R-F6: a Tmall Genie product takes full firmware in module "default" only. */
static void
test_tmall_type_and_module_fixed (UiFixture     *fixture,
                                  gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_TMALL_GENIE, OTA_NETWORK_TYPE_WIFI, FALSE);
  GListModel *modules = adw_combo_row_get_model (dialog->module_row);

  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (dialog->type_row)));
  g_assert_cmpuint (adw_combo_row_get_selected (dialog->type_row), ==, OTA_FIRMWARE_TYPE_FULL);
  g_assert_nonnull (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog->type_row)));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (dialog->module_row)));
  g_assert_cmpuint (g_list_model_get_n_items (modules), ==, 1);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (modules), 0), ==, "default");

  fill_valid (fixture, dialog);
  /* Were the row forced to "diff", the engine's rule would show on the type. */
  adw_combo_row_set_selected (dialog->type_row, OTA_FIRMWARE_TYPE_DIFF);
  UI_TEST_WAIT_UNTIL (MESSAGE (dialog, TYPE) != NULL);
  g_assert_false (can_add (dialog));
}

/* R-F7: the algorithm row offers md5 only where the matrix says so, with the reason. */
static void
test_sign_algorithm_matrix (UiFixture     *fixture,
                            gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, TRUE);
  GListModel *choices = adw_combo_row_get_model (dialog->sign_row);

  /* Own brand with the Android SDK: full firmware may use either … */
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 2);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog->sign_row)), ==, "");
  adw_combo_row_set_selected (dialog->sign_row, 1);
  g_assert_cmpint (dialog->sign_choices[1], ==, OTA_SIGN_ALGORITHM_SHA256);

  /* … a diff firmware md5 only, and the row says why. */
  adw_combo_row_set_selected (dialog->type_row, OTA_FIRMWARE_TYPE_DIFF);
  choices = adw_combo_row_get_model (dialog->sign_row);
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 1);
  g_assert_cmpint (dialog->sign_choices[0], ==, OTA_SIGN_ALGORITHM_MD5);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog->sign_row)), "Android SDK"));
  fill_valid (fixture, dialog);
}

static void
test_tmall_ble_md5_only (UiFixture     *fixture,
                         gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_TMALL_GENIE, OTA_NETWORK_TYPE_BLE, FALSE);
  GListModel *choices = adw_combo_row_get_model (dialog->sign_row);

  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 1);
  g_assert_cmpint (dialog->sign_choices[0], ==, OTA_SIGN_ALGORITHM_MD5);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog->sign_row)), "BLE"));
  fill_valid (fixture, dialog);
}

static void
test_valid_firmware_appears_in_list (UiFixture     *fixture,
                                     gconstpointer  data)
{
  OtaAddFirmwareDialog *dialog = open_dialog (fixture, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE);
  OtaFirmwareList *list = ota_product_page_get_firmware_list (fixture->window->product_page);
  GListModel *firmwares = ota_firmware_list_get_model (list);
  g_autoptr(OtaFirmware) firmware = NULL;
  OtaAddFirmwareDialog *again;

  g_assert_cmpuint (g_list_model_get_n_items (firmwares), ==, 0);
  fill_valid (fixture, dialog);
  g_signal_emit_by_name (dialog->confirm_button, "clicked");

  UI_TEST_WAIT_UNTIL (g_list_model_get_n_items (firmwares) == 1);
  UI_TEST_WAIT_UNTIL (ui_test_find_window (OTA_TYPE_ADD_FIRMWARE_DIALOG) == NULL);
  firmware = g_list_model_get_item (firmwares, 0);
  g_assert_cmpstr (ota_firmware_get_name (firmware), ==, "Camera_FW-110");
  g_assert_cmpstr (ota_firmware_get_version (firmware), ==, "1.1.0");
  g_assert_cmpstr (ota_firmware_get_source_versions (firmware)[0], ==, "1.0.0");
  g_assert_cmpuint (ota_firmware_get_size (firmware), ==, 4096);
  g_assert_cmpstr (ota_firmware_get_description (firmware), ==, "Night vision fixes");

  /* R-F2: names are unique in a product; the engine says so under the name. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-firmware", NULL);
  again = OTA_ADD_FIRMWARE_DIALOG (ui_test_find_window (OTA_TYPE_ADD_FIRMWARE_DIALOG));
  UI_TEST_WAIT_UNTIL (again->modules != NULL);
  gtk_editable_set_text (GTK_EDITABLE (again->name_row), "Camera_FW-110");
  gtk_editable_set_text (GTK_EDITABLE (again->version_row), "1.2.0");
  ota_source_picker_set_checked (again->source_picker, "1.0.1", TRUE);
  UI_TEST_WAIT_UNTIL (MESSAGE (again, NAME) != NULL);
  g_assert_false (can_add (again));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, UiFixture, NULL, ui_fixture_setup, func, ui_fixture_teardown)
  ADD ("/ui/add-firmware/R-F1/tmall-type-and-module-fixed", test_tmall_type_and_module_fixed);
  ADD ("/ui/add-firmware/R-F2/invalid-name-shows-rule", test_name_rule);
  ADD ("/ui/add-firmware/R-F4/invalid-version-shows-rule", test_version_rule);
  ADD ("/ui/add-firmware/R-F5/invalid-sources-show-rule", test_source_versions_rule);
  ADD ("/ui/add-firmware/R-F6/invalid-new-module-shows-rule", test_module_rule);
  ADD ("/ui/add-firmware/R-F7/android-diff-offers-md5-only", test_sign_algorithm_matrix);
  ADD ("/ui/add-firmware/R-F7/tmall-ble-offers-md5-only", test_tmall_ble_md5_only);
  ADD ("/ui/add-firmware/R-F8/invalid-file-shows-rule", test_file_rule);
  ADD ("/ui/add-firmware/R-F9/long-description-shows-rule", test_description_rule);
  ADD ("/ui/add-firmware/R-F3/valid-firmware-appears-in-product-list", test_valid_firmware_appears_in_list);
#undef ADD

  return g_test_run ();
}
