/* test-window.c — the main window, adding a product, product settings, devices */
#include <glib/gstdio.h>

#include "ota-dialog-private.h"
#include "ui-test-util.h"

static const char *
content_page (OtaWindow *window)
{
  return gtk_stack_get_visible_child_name (window->content_stack);
}

static guint
n_sidebar_products (OtaWindow *window)
{
  return g_list_model_get_n_items (G_LIST_MODEL (window->product_filter_model));
}

static OtaProduct *
sidebar_product (OtaWindow *window,
                 guint      position)
{
  g_autoptr(OtaProduct) product = g_list_model_get_item (G_LIST_MODEL (window->product_filter_model),
                                                         position);
  return product;   /* the store keeps it */
}

/* ---- The window ----------------------------------------------------------------------- */

static void
test_empty_db_shows_empty_state (UiFixture     *fixture,
                                 gconstpointer  data)
{
  OtaWindow *window = ui_fixture_open_window (fixture);

  g_assert_cmpstr (content_page (window), ==, "empty");
  UI_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window->empty_page)));
  g_assert_cmpuint (n_sidebar_products (window), ==, 0);
  g_assert_null (ota_window_get_product (window));
  /* Nothing to add firmware to yet. */
  g_assert_false (gtk_widget_get_visible (window->add_firmware_button));
}

static void
test_with_product_shows_product_page (UiFixture     *fixture,
                                      gconstpointer  data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (fixture->base.engine, "cam1",
                                                        OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaWindow *window = ui_fixture_open_window (fixture);

  g_assert_cmpstr (content_page (window), ==, "product");
  g_assert_cmpuint (n_sidebar_products (window), ==, 1);
  g_assert_nonnull (ota_window_get_product (window));
  g_assert_cmpstr (ota_product_get_key (ota_window_get_product (window)), ==, "cam1");
  g_assert_cmpstr (adw_view_switcher_title_get_title (window->switcher_title), ==,
                   ota_product_get_name (product));
  g_assert_true (gtk_widget_get_visible (window->add_firmware_button));
}

/* The search entry filters the sidebar through the GtkStringFilter of the .ui file. */
static void
test_search_filters_products_by_name (UiFixture     *fixture,
                                      gconstpointer  data)
{
  g_autoptr(OtaProduct) a = ota_test_add_product (fixture->base.engine, "cam1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                  OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaProduct) b = ota_test_add_product (fixture->base.engine, "lock2", OTA_PROJECT_TYPE_OWN_BRAND,
                                                  OTA_NETWORK_TYPE_BLE, FALSE, FALSE);
  OtaWindow *window = ui_fixture_open_window (fixture);

  g_assert_cmpuint (n_sidebar_products (window), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_true (gtk_search_bar_get_search_mode (window->search_bar));

  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "LOCK");
  UI_TEST_WAIT_UNTIL (n_sidebar_products (window) == 1);
  g_assert_cmpstr (ota_product_get_key (sidebar_product (window, 0)), ==, "lock2");

  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "nothing like it");
  UI_TEST_WAIT_UNTIL (n_sidebar_products (window) == 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->sidebar_stack), ==, "no-match");
}

/* ---- Adding a product (R-P1) ------------------------------------------------------------ */

static OtaAddProductDialog *
open_add_product (OtaWindow *window)
{
  OtaAddProductDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-product", NULL);
  dialog = OTA_ADD_PRODUCT_DIALOG (ui_test_find_window (OTA_TYPE_ADD_PRODUCT_DIALOG));
  g_assert_nonnull (dialog);
  return dialog;
}

static void
test_add_product_invalid_name_keeps_add_insensitive (UiFixture     *fixture,
                                                     gconstpointer  data)
{
  OtaWindow *window = ui_fixture_open_window (fixture);
  OtaAddProductDialog *dialog = open_add_product (window);
  g_autoptr(GError) expected = NULL;
  g_autofree char *long_name = g_strnfill (200, 'x');

  /* Empty: no message yet (nothing typed), but nothing to add either. */
  g_assert_false (gtk_widget_get_sensitive (dialog->add_button));
  g_assert_null (ui_test_message (dialog->name_message));

  g_assert_false (ota_validate_product_name (long_name, &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), long_name);
  g_assert_cmpstr (ui_test_message (dialog->name_message), ==, expected->message);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog->name_row), "error"));
  g_assert_false (gtk_widget_get_sensitive (dialog->add_button));

  /* A valid name with a bad key: the key's rule speaks, Add stays off. */
  g_clear_error (&expected);
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "Smart Camera");
  g_assert_null (ui_test_message (dialog->name_message));
  g_assert_false (ota_validate_product_key ("bad key!", &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->key_row), "bad key!");
  g_assert_cmpstr (ui_test_message (dialog->key_message), ==, expected->message);
  g_assert_false (gtk_widget_get_sensitive (dialog->add_button));

  gtk_editable_set_text (GTK_EDITABLE (dialog->key_row), "");
  g_assert_true (gtk_widget_get_sensitive (dialog->add_button));
}

static void
test_add_product_valid_appears_in_sidebar (UiFixture     *fixture,
                                           gconstpointer  data)
{
  OtaWindow *window = ui_fixture_open_window (fixture);
  OtaAddProductDialog *dialog = open_add_product (window);

  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "Smart Lock");
  gtk_editable_set_text (GTK_EDITABLE (dialog->key_row), "lock-01");
  adw_combo_row_set_selected (dialog->network_row, OTA_NETWORK_TYPE_BLE);
  gtk_switch_set_active (dialog->alios_switch, TRUE);
  g_assert_true (gtk_widget_get_sensitive (dialog->add_button));
  g_signal_emit_by_name (dialog->add_button, "clicked");

  UI_TEST_WAIT_UNTIL (n_sidebar_products (window) == 1);
  UI_TEST_WAIT_UNTIL (ota_window_get_product (window) != NULL);
  g_assert_cmpstr (ota_product_get_key (sidebar_product (window, 0)), ==, "lock-01");
  g_assert_cmpstr (ota_product_get_name (ota_window_get_product (window)), ==, "Smart Lock");
  g_assert_cmpint (ota_product_get_network_type (ota_window_get_product (window)), ==, OTA_NETWORK_TYPE_BLE);
  g_assert_true (ota_product_get_alios_things (ota_window_get_product (window)));
  g_assert_cmpstr (content_page (window), ==, "product");
  UI_TEST_WAIT_UNTIL (ui_test_find_window (OTA_TYPE_ADD_PRODUCT_DIALOG) == NULL);
}

/* The engine refuses a duplicate key: its message shows under the key. */
static void
test_add_product_duplicate_key_shows_engine_error (UiFixture     *fixture,
                                                   gconstpointer  data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (fixture->base.engine, "cam1",
                                                        OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaWindow *window = ui_fixture_open_window (fixture);
  OtaAddProductDialog *dialog = open_add_product (window);

  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "Another Camera");
  gtk_editable_set_text (GTK_EDITABLE (dialog->key_row), "cam1");
  g_signal_emit_by_name (dialog->add_button, "clicked");

  UI_TEST_WAIT_UNTIL (ui_test_message (dialog->key_message) != NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpuint (n_sidebar_products (window), ==, 1);
}

/* ---- Product settings (R-P2) ------------------------------------------------------------------ */

static OtaProductSettingsDialog *
open_settings (OtaWindow *window)
{
  OtaProductSettingsDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.product-settings", NULL);
  dialog = OTA_PRODUCT_SETTINGS_DIALOG (ui_test_find_window (OTA_TYPE_PRODUCT_SETTINGS_DIALOG));
  g_assert_nonnull (dialog);
  return dialog;
}

static void
test_secure_switch_insensitive_for_non_alios (UiFixture     *fixture,
                                              gconstpointer  data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (fixture->base.engine, "cam1",
                                                        OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaProductSettingsDialog *dialog = open_settings (ui_fixture_open_window (fixture));

  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (dialog->secure_switch)));
  g_assert_false (gtk_switch_get_active (dialog->secure_switch));
  /* The subtitle says why. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (dialog->secure_row), "AliOS Things"));
  g_assert_false (gtk_widget_get_sensitive (dialog->copy_button));
}

static void
test_copy_public_key_puts_pem_on_clipboard (UiFixture     *fixture,
                                            gconstpointer  data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (fixture->base.engine, "lock1",
                                                        OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, TRUE, FALSE);
  OtaProductSettingsDialog *dialog = open_settings (ui_fixture_open_window (fixture));
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (dialog));
  g_autofree char *pem = NULL;
  GdkContentProvider *content;
  GValue value = G_VALUE_INIT;

  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (dialog->secure_switch)));
  gtk_widget_activate (GTK_WIDGET (dialog->secure_switch));
  UI_TEST_WAIT_UNTIL (ota_product_get_secure_upgrade (ota_product_settings_dialog_get_product (dialog)));
  g_assert_true (gtk_switch_get_state (dialog->secure_switch));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dialog->key_stack), ==, "key");

  pem = ota_engine_dup_public_key_pem (fixture->base.engine, "lock1", NULL);
  g_assert_nonnull (pem);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN PUBLIC KEY-----"));

  g_assert_true (gtk_widget_get_sensitive (dialog->copy_button));
  g_signal_emit_by_name (dialog->copy_button, "clicked");

  /* Our own clipboard content: read it back without a round trip to the X server. */
  content = gdk_clipboard_get_content (clipboard);
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, pem);
  g_value_unset (&value);
}

/* ---- Devices: CSV import --------------------------------------------------------------------- */

static void
test_csv_import_adds_devices_to_list (UiFixture     *fixture,
                                      gconstpointer  data)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (fixture->base.engine, "cam1",
                                                        OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  OtaWindow *window = ui_fixture_open_window (fixture);
  OtaDeviceList *devices = ota_product_page_get_device_list (window->product_page);

  for (guint i = 0; i < 120; i++)
    g_string_append_printf (csv, "cam1,cam-%03u,Zhejiang,Hangzhou,default=1.0.%u,%s\n",
                            i, i % 3, i % 4 == 0 ? "no" : "yes");
  path = ota_test_write_file (&fixture->base, "devices.csv", csv->str, csv->len);
  file = g_file_new_for_path (path);

  UI_TEST_WAIT_UNTIL (ota_device_list_get_total (devices) == 0);
  ota_device_list_import_file (devices, file);

  /* A page of 50 of the 120, and the product's device count follows. */
  UI_TEST_WAIT_UNTIL (ota_device_list_get_total (devices) == 120);
  UI_TEST_WAIT_UNTIL (g_list_model_get_n_items (ota_device_list_get_model (devices)) == OTA_DEVICE_LIST_PAGE_SIZE);
  {
    g_autoptr(OtaDevice) first = g_list_model_get_item (ota_device_list_get_model (devices), 0);
    g_assert_cmpstr (ota_device_get_name (first), ==, "cam-000");
    g_assert_cmpstr (ota_device_get_version (first, "default"), ==, "1.0.0");
  }
  UI_TEST_WAIT_UNTIL (ota_product_get_device_count (ota_window_get_product (window)) == 120);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, UiFixture, NULL, ui_fixture_setup, func, ui_fixture_teardown)
  ADD ("/ui/window/empty-db-shows-empty-state", test_empty_db_shows_empty_state);
  ADD ("/ui/window/with-product-shows-product-page", test_with_product_shows_product_page);
  ADD ("/ui/window/search-filters-products-by-name", test_search_filters_products_by_name);
  ADD ("/ui/add-product/R-P1/invalid-name-keeps-add-insensitive",
       test_add_product_invalid_name_keeps_add_insensitive);
  ADD ("/ui/add-product/R-P1/valid-product-appears-in-sidebar", test_add_product_valid_appears_in_sidebar);
  ADD ("/ui/add-product/R-P1/duplicate-key-shows-engine-error",
       test_add_product_duplicate_key_shows_engine_error);
  ADD ("/ui/product-settings/R-P2/secure-switch-insensitive-for-non-alios",
       test_secure_switch_insensitive_for_non_alios);
  ADD ("/ui/product-settings/R-P2/copy-public-key-puts-pem-on-clipboard",
       test_copy_public_key_puts_pem_on_clipboard);
  ADD ("/ui/devices/csv-import-adds-devices-to-list", test_csv_import_adds_devices_to_list);
#undef ADD

  return g_test_run ();
}
