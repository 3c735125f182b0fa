/* test-batch-page.c — OtaBatchPage: counts and rows follow device events (R-D2, R-S2),
 * the status filter, search and column sorting drive the lazy model, failures group by
 * reason (R-D3), cancelling works (R-B17), the CSV export, and laziness */
#include <string.h>

#include "ota-batch-page-private.h"
#include "ota-cell-label.h"
#include "ota-format.h"
#include "rollout-test-util.h"

typedef struct {
  UiFixture     ui;
  OtaFirmware  *firmware;
  OtaBatch     *batch;
  OtaBatchPage *page;
} Fixture;

static const char * const sources[] = { "1.0", "1.1", NULL };

static void
open_page (Fixture *f)
{
  f->page = OTA_BATCH_PAGE (ota_batch_page_new (f->ui.backend, ota_batch_get_id (f->batch)));
  rollout_test_window (GTK_WIDGET (f->page));
  UI_TEST_WAIT_UNTIL (f->page->n_loads > 0 && !ota_task_list_model_get_loading (f->page->task_model) &&
                      g_list_model_get_n_items (G_LIST_MODEL (f->page->task_model)) > 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(OtaFirmware) added = NULL;

  ui_fixture_setup (&f->ui, data);
  if (data != NULL)
    return;   /* the test makes its own fleet */

  rollout_test_add_fleet (&f->ui, 30);
  added = rollout_test_add_firmware (&f->ui, "plug_main", OTA_FIRMWARE_TYPE_FULL, sources, "2.0");
  f->firmware = rollout_test_verify (&f->ui, added, "dev-00");
  f->batch = rollout_test_create_batch (&f->ui, f->firmware);
  open_page (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->batch);
  g_clear_object (&f->firmware);
  ui_fixture_teardown (&f->ui, data);
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (f->page->task_model));
}

/* (transfer full): the row at @position once its page arrived. */
static OtaTaskRow *
row_at (Fixture *f,
        guint    position)
{
  OtaTaskRow *row = g_list_model_get_item (G_LIST_MODEL (f->page->task_model), position);

  UI_TEST_WAIT_UNTIL (ota_task_row_get_loaded (row));
  return row;
}

static const char *
chip_count (Fixture *f,
            int      status)
{
  return gtk_label_get_label (g_object_get_data (G_OBJECT (f->page->chips[status + 1]), "ota-count-label"));
}

/* R-D2, R-S2: the summary and the device list as created: 29 devices (R-B2), the
 * offline ones pending push with their reason. */
static void
test_shows_batch (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(OtaTaskRow) first = row_at (f, 0);
  g_autoptr(OtaTaskRow) offline = row_at (f, 3);

  g_assert_cmpstr (gtk_label_get_label (f->page->title_label), ==, "Batch upgrade #2");
  g_assert_cmpstr (gtk_label_get_label (f->page->state_label), ==, "Running");
  g_assert_cmpuint (n_rows (f), ==, 29);
  g_assert_cmpstr (chip_count (f, -1), ==, "29");
  g_assert_cmpstr (chip_count (f, OTA_TASK_STATUS_PUSHED), ==, "23");
  g_assert_cmpstr (chip_count (f, OTA_TASK_STATUS_PENDING_PUSH), ==, "6");

  g_assert_cmpstr (ota_task_row_get_device_name (first), ==, "dev-01");
  g_assert_cmpstr (ota_task_row_get_status_label (first), ==, "Pushed");
  g_assert_cmpstr (ota_task_row_get_device_name (offline), ==, "dev-04");
  g_assert_cmpstr (ota_task_row_get_status_label (offline), ==, "Pending push (offline)");
}

/* R-D2: counts and rows change when devices report, through the engine with run_due. */
static void
test_follows_device_events (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(OtaTaskRow) upgrading = row_at (f, 0);   /* dev-01 */
  g_autoptr(OtaTaskRow) succeeded = row_at (f, 1);   /* dev-02 */

  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-01", NULL, 55);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-02", NULL, 100);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_VERSION, "dev-02", "2.0", 0);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_ONLINE, "dev-04", NULL, 0);

  UI_TEST_WAIT_UNTIL (g_str_equal (chip_count (f, OTA_TASK_STATUS_SUCCEEDED), "1") &&
                      g_str_equal (chip_count (f, OTA_TASK_STATUS_UPGRADING), "1") &&
                      g_str_equal (chip_count (f, OTA_TASK_STATUS_PENDING_PUSH), "5"));
  UI_TEST_WAIT_UNTIL (ota_task_row_get_status (succeeded) == OTA_TASK_STATUS_SUCCEEDED);
  UI_TEST_WAIT_UNTIL (ota_task_row_get_progress (upgrading) == 55);
  g_assert_cmpstr (ota_task_row_get_status_label (upgrading), ==, "Upgrading");
  g_assert_cmpstr (ota_task_row_get_current_version (succeeded), ==, "2.0");
}

/* The first row widget the column view shows (depth first: rows are in order). */
static GtkWidget *
first_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_str_equal (gtk_widget_get_css_name (child), "row") && gtk_widget_get_mapped (child))
        return child;
      if ((found = first_row (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The text cell of @column in the first row shown, or inside its box (progress). */
static OtaCellLabel *
first_cell (Fixture *f,
            guint    column)
{
  GtkWidget *row = first_row (GTK_WIDGET (f->page->column_view));
  GtkWidget *cell = row != NULL ? gtk_widget_get_first_child (row) : NULL;
  GtkWidget *child;

  for (guint i = 0; i < column && cell != NULL; i++)
    cell = gtk_widget_get_next_sibling (cell);
  child = cell != NULL ? gtk_widget_get_first_child (cell) : NULL;
  if (child != NULL && !OTA_IS_CELL_LABEL (child))
    child = gtk_widget_get_last_child (child);
  return child != NULL && OTA_IS_CELL_LABEL (child) ? OTA_CELL_LABEL (child) : NULL;
}

static gboolean
first_cell_says (Fixture    *f,
                 guint       column,
                 const char *text)
{
  OtaCellLabel *label = first_cell (f, column);

  return label != NULL && g_str_equal (ota_cell_label_get_text (label), text);
}

/* R-D2, R-S2: the cells show their row (status styled by what it is) and follow it; a
 * new filter refills the row widgets GTK already has instead of making new ones. */
static void
test_cells_follow_rows (Fixture       *f,
                        gconstpointer  data)
{
  OtaCellLabel *device;
  gpointer weak;

  UI_TEST_WAIT_UNTIL (first_cell_says (f, 0, "dev-01") && first_cell_says (f, 1, "Pushed"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (first_cell (f, 1)), "accent"));
  g_assert_cmpstr (ota_cell_label_get_text (first_cell (f, 3)), ==, "1.1");
  device = first_cell (f, 0);
  weak = device;
  g_object_add_weak_pointer (G_OBJECT (device), &weak);

  gtk_drop_down_set_selected (f->page->status_dropdown, 1 + OTA_TASK_STATUS_PENDING_PUSH);
  UI_TEST_WAIT_UNTIL (first_cell_says (f, 0, "dev-04") && first_cell_says (f, 1, "Pending push (offline)"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (first_cell (f, 1)), "warning"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (first_cell (f, 1)), "accent"));
  g_assert_nonnull (weak);
  g_assert_true (first_cell (f, 0) == device);

  gtk_drop_down_set_selected (f->page->status_dropdown, 0);
  UI_TEST_WAIT_UNTIL (first_cell_says (f, 0, "dev-01"));
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-01", NULL, 55);
  UI_TEST_WAIT_UNTIL (first_cell_says (f, 1, "Upgrading") && first_cell_says (f, 2, "55 %"));
  g_assert_nonnull (weak);
  g_object_remove_weak_pointer (G_OBJECT (device), &weak);
}

/* R-D2: the status dropdown and the chips filter the list in the engine. */
static void
test_status_filter (Fixture       *f,
                    gconstpointer  data)
{
  gtk_drop_down_set_selected (f->page->status_dropdown, 1 + OTA_TASK_STATUS_PENDING_PUSH);
  UI_TEST_WAIT_UNTIL (n_rows (f) == 6 && !ota_task_list_model_get_loading (f->page->task_model));
  g_assert_true (gtk_toggle_button_get_active (f->page->chips[1 + OTA_TASK_STATUS_PENDING_PUSH]));
  {
    g_autoptr(OtaTaskRow) row = row_at (f, 0);

    g_assert_cmpstr (ota_task_row_get_device_name (row), ==, "dev-04");
  }

  gtk_toggle_button_set_active (f->page->chips[1 + OTA_TASK_STATUS_PUSHED], TRUE);
  UI_TEST_WAIT_UNTIL (n_rows (f) == 23 && !ota_task_list_model_get_loading (f->page->task_model));
  g_assert_cmpuint (gtk_drop_down_get_selected (f->page->status_dropdown), ==, 1 + OTA_TASK_STATUS_PUSHED);

  gtk_toggle_button_set_active (f->page->chips[1 + OTA_TASK_STATUS_FAILED], TRUE);
  UI_TEST_WAIT_UNTIL (n_rows (f) == 0 && !ota_task_list_model_get_loading (f->page->task_model));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->page->list_stack), ==, "empty");

  gtk_drop_down_set_selected (f->page->status_dropdown, 0);
  UI_TEST_WAIT_UNTIL (n_rows (f) == 29 && !ota_task_list_model_get_loading (f->page->task_model));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->page->list_stack), ==, "list");
}

/* R-D2: searching by device name narrows the list. */
static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  gtk_editable_set_text (GTK_EDITABLE (f->page->search_entry), "dev-1");
  UI_TEST_WAIT_UNTIL (n_rows (f) == 10 && !ota_task_list_model_get_loading (f->page->task_model));
  {
    g_autoptr(OtaTaskRow) row = row_at (f, 0);

    g_assert_cmpstr (ota_task_row_get_device_name (row), ==, "dev-10");
  }

  /* With a status too: the online ones of dev-10 … dev-19 that were pushed. */
  gtk_drop_down_set_selected (f->page->status_dropdown, 1 + OTA_TASK_STATUS_PUSHED);
  UI_TEST_WAIT_UNTIL (n_rows (f) == 8 && !ota_task_list_model_get_loading (f->page->task_model));
}

/* R-D2: clicking a column header sorts in the engine, in that direction. */
static void
test_column_sort (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_cmpint (ota_task_list_model_get_sort (f->page->task_model), ==, OTA_TASK_SORT_DEVICE);
  g_assert_false (ota_task_list_model_get_descending (f->page->task_model));

  gtk_column_view_sort_by_column (f->page->column_view, f->page->device_column, GTK_SORT_DESCENDING);
  g_assert_cmpint (ota_task_list_model_get_sort (f->page->task_model), ==, OTA_TASK_SORT_DEVICE);
  g_assert_true (ota_task_list_model_get_descending (f->page->task_model));
  UI_TEST_WAIT_UNTIL (!ota_task_list_model_get_loading (f->page->task_model));
  {
    g_autoptr(OtaTaskRow) row = row_at (f, 0);

    g_assert_cmpstr (ota_task_row_get_device_name (row), ==, "dev-29");
  }

  gtk_column_view_sort_by_column (f->page->column_view, f->page->status_column, GTK_SORT_ASCENDING);
  g_assert_cmpint (ota_task_list_model_get_sort (f->page->task_model), ==, OTA_TASK_SORT_STATUS);
  g_assert_false (ota_task_list_model_get_descending (f->page->task_model));

  gtk_column_view_sort_by_column (f->page->column_view, f->page->progress_column, GTK_SORT_DESCENDING);
  g_assert_cmpint (ota_task_list_model_get_sort (f->page->task_model), ==, OTA_TASK_SORT_PROGRESS);
  g_assert_true (ota_task_list_model_get_descending (f->page->task_model));

  gtk_column_view_sort_by_column (f->page->column_view, f->page->updated_column, GTK_SORT_ASCENDING);
  g_assert_cmpint (ota_task_list_model_get_sort (f->page->task_model), ==, OTA_TASK_SORT_UPDATED);
}

/* R-D3: failures grouped by reason, largest first; "show all" filters the list. */
static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  OtaTaskReason reason = OTA_TASK_REASON_NONE;

  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-03", NULL, -2);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-05", NULL, -2);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-07", NULL, -4);

  UI_TEST_WAIT_UNTIL (ota_failure_view_get_n_groups (f->page->failure_view) == 2);
  g_assert_cmpuint (ota_failure_view_get_group_count (f->page->failure_view, 0, &reason), ==, 2);
  g_assert_cmpint (reason, ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpuint (ota_failure_view_get_group_count (f->page->failure_view, 1, &reason), ==, 1);
  g_assert_cmpint (reason, ==, OTA_TASK_REASON_FLASH_FAILED);

  adw_view_stack_set_visible_child_name (f->page->view_stack, "failures");
  g_assert_false (gtk_widget_get_visible (f->page->list_toolbar));
  g_signal_emit_by_name (f->page->failure_view, "show-failed");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->page->view_stack), ==, "devices");
  UI_TEST_WAIT_UNTIL (n_rows (f) == 3 && !ota_task_list_model_get_loading (f->page->task_model));
  {
    g_autoptr(OtaTaskRow) row = row_at (f, 0);

    g_assert_cmpstr (ota_task_row_get_status_label (row), ==, "Failed: download failed");
    g_assert_cmpstr (ota_task_row_get_detail (row), ==, "flash checksum mismatch");
  }
}

/* R-B17: Cancel Batch (after the confirmation) cancels every unfinished task. */
static void
test_cancel_batch (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *dialog;
  g_autoptr(OtaBatch) after = NULL;

  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_PROGRESS, "dev-02", NULL, 100);
  rollout_test_event (&f->ui, OTA_DEVICE_EVENT_VERSION, "dev-02", "2.0", 0);
  UI_TEST_WAIT_UNTIL (g_str_equal (chip_count (f, OTA_TASK_STATUS_SUCCEEDED), "1"));

  dialog = ota_batch_page_confirm_cancel_batch (f->page);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-batch"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel-batch");

  UI_TEST_WAIT_UNTIL (ota_batch_get_state (ota_batch_page_get_batch (f->page)) == OTA_BATCH_STATE_CANCELLED);
  g_assert_cmpstr (chip_count (f, OTA_TASK_STATUS_CANCELLED), ==, "28");
  g_assert_cmpstr (chip_count (f, OTA_TASK_STATUS_SUCCEEDED), ==, "1");
  after = rollout_test_get_batch (&f->ui, ota_batch_get_id (f->batch));
  g_assert_cmpuint (ota_batch_get_count (after, OTA_TASK_STATUS_CANCELLED), ==, 28);
}

/* R-B17: one device's task, after its confirmation; "Keep" changes nothing. */
static void
test_cancel_task (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(OtaTaskRow) row = row_at (f, 0);   /* dev-01 */
  GtkWidget *dialog;

  dialog = ota_batch_page_confirm_cancel_task (f->page, row);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  ui_test_flush ();

  dialog = ota_batch_page_confirm_cancel_task (f->page, row);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel-task");
  UI_TEST_WAIT_UNTIL (ota_task_row_get_status (row) == OTA_TASK_STATUS_CANCELLED);
  g_assert_cmpint (ota_task_row_get_reason (row), ==, OTA_TASK_REASON_CANCELLED);
  UI_TEST_WAIT_UNTIL (g_str_equal (chip_count (f, OTA_TASK_STATUS_CANCELLED), "1"));
  g_assert_cmpint (ota_batch_get_state (ota_batch_page_get_batch (f->page)), ==, OTA_BATCH_STATE_RUNNING);
}

/* The file as written so far, once it ends with a whole line. */
static gboolean
read_whole_lines (const char  *path,
                  char       **contents)
{
  g_clear_pointer (contents, g_free);
  return g_file_get_contents (path, contents, NULL, NULL) && g_str_has_suffix (*contents, "\r\n");
}

/* R-D2: the device list as CSV, through the backend. */
static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->ui.base.dir, "export.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  ota_batch_page_export (f->page, file);
  /* A new file is written in place: it exists (empty) before it is written. */
  UI_TEST_WAIT_UNTIL (read_whole_lines (path, &contents));
  lines = g_strsplit (contents, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 29 + 1);
  g_assert_true (g_str_has_prefix (lines[1], "dev-01,pushed,"));
}

/* Large batches stay lazy: the page reads the pages it shows, never all tasks. */
static void
test_stays_lazy (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(OtaFirmware) added = NULL;
  OtaImportResult imported = { 0 };
  const guint n = 5000;

  rollout_test_add_fleet (&f->ui, 2);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "%s,bulk-%05u,Zhejiang,Hangzhou,default=1.0,yes\n", ROLLOUT_PRODUCT, i);
  stream = g_memory_input_stream_new_from_data (csv->str, (gssize) csv->len, NULL);
  g_assert_true (ota_engine_import_devices_csv (f->ui.base.engine, stream, &imported, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  added = rollout_test_add_firmware (&f->ui, "plug_main", OTA_FIRMWARE_TYPE_FULL, sources, "2.0");
  f->firmware = rollout_test_verify (&f->ui, added, "dev-00");
  f->batch = rollout_test_create_batch (&f->ui, f->firmware);
  open_page (f);

  g_assert_cmpuint (n_rows (f), ==, n + 1);
  {
    g_autoptr(OtaTaskRow) row = row_at (f, 0);

    g_assert_cmpstr (ota_task_row_get_device_name (row), ==, "bulk-00000");
  }
  ui_test_flush ();
  /* The total and the first page or two, not the 26 pages of the batch. */
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->page->task_model), <=, 4);
}

/* The cells let go of their rows with the view: no row is left calling into a cell
 * that is gone. */
static void
test_cells_let_go_of_rows (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(OtaTaskRow) row = row_at (f, 0);
  guint changed = g_signal_lookup ("changed", OTA_TYPE_TASK_ROW);

  UI_TEST_WAIT_UNTIL (first_cell_says (f, 0, "dev-01"));
  g_assert_true (g_signal_has_handler_pending (row, changed, 0, FALSE));

  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      gtk_window_destroy (l->data);
  }
  f->page = NULL;
  UI_TEST_WAIT_UNTIL (!g_signal_has_handler_pending (row, changed, 0, FALSE));
  g_signal_emit (row, changed, 0);
}

static gint64
local_time_us (int year,
               int month,
               int day,
               int hour,
               int minute,
               int second)
{
  g_autoptr(GDateTime) time = g_date_time_new_local (year, month, day, hour, minute, second);

  return g_date_time_to_unix (time) * G_USEC_PER_SEC;
}

/* The Updated column: short forms from the console's formatting helper (translatable
 * strftime forms): the time today, day and time this year, else the date. */
static void
test_updated_column_short_times (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 11, 26, 15, 0, 0);
  g_autoptr(GDateTime) real_now = g_date_time_new_now_local ();
  g_autoptr(OtaTaskRow) row = row_at (f, 0);
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  text = ota_format_time_short (local_time_us (2026, 11, 26, 14, 3, 27), now);
  g_assert_cmpstr (text, ==, "14:03:27");
  g_free (text);
  text = ota_format_time_short (local_time_us (2026, 2, 3, 9, 5, 0), now);
  g_assert_cmpstr (text, ==, "02/03 09:05");
  g_free (text);
  text = ota_format_time_short (local_time_us (2025, 12, 31, 23, 59, 0), now);
  g_assert_cmpstr (text, ==, "2025/12/31");
  g_free (text);
  text = ota_format_time_short (0, now);
  g_assert_cmpstr (text, ==, "");

  expected = ota_format_time_short (ota_task_row_get_updated_at (row), real_now);
  g_assert_cmpstr (expected, !=, "");
  UI_TEST_WAIT_UNTIL (first_cell_says (f, 6, expected));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/batch-page/R-D2/shows-counts-and-devices", test_shows_batch, NULL);
  ADD ("/batch-page/R-D2/follows-device-events", test_follows_device_events, NULL);
  ADD ("/batch-page/R-D2/cells-follow-rows-and-keep-widgets", test_cells_follow_rows, NULL);
  ADD ("/batch-page/R-D2/status-filter-narrows-the-list", test_status_filter, NULL);
  ADD ("/batch-page/R-D2/search-narrows-the-list", test_search, NULL);
  ADD ("/batch-page/R-D2/column-headers-sort-in-the-engine", test_column_sort, NULL);
  ADD ("/batch-page/R-D3/failures-grouped-by-reason", test_failures, NULL);
  ADD ("/batch-page/R-B17/cancel-batch-cancels-unfinished-tasks", test_cancel_batch, NULL);
  ADD ("/batch-page/R-B17/cancel-task-cancels-one-device", test_cancel_task, NULL);
  ADD ("/batch-page/R-D2/export-csv", test_export, NULL);
  ADD ("/batch-page/R-D2/large-batch-stays-lazy", test_stays_lazy, "own fleet");
  ADD ("/batch-page/R-D2/cells-let-go-of-rows-with-the-view", test_cells_let_go_of_rows, NULL);
  ADD ("/batch-page/R-D2/updated-column-short-times", test_updated_column_short_times, NULL);

  return g_test_run ();
}
