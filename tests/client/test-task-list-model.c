/* test-task-list-model.c — the lazy device list of a batch (R-D2): the total without
 * the rows, rows filled in when their page arrives, only the pages looked at fetched,
 * filters and search as requeries, and in-place updates after device events */
#include "client-test-util.h"
#include "ota-labels.h"
#include "ota-local-backend.h"
#include "ota-task-list-model.h"
#include "ota-task-row.h"

#define N_DEVICES 5000
#define N_OFFLINE 100
#define PUSH_RATE 1000

typedef struct {
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct {
  OtaTestFixture    base;
  OtaTestLink      *link;
  OtaBackend       *backend;
  gint64            batch_id;
  OtaTaskListModel *model;
  GArray           *changes;   /* Change */
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  Change change = { position, removed, added };

  g_array_append_val (f->changes, change);
}

static gint64
make_batch (Fixture    *f,
            const char *product_key,
            const char *prefix,
            guint       n,
            guint       n_offline,
            gint64      schedule_start)
{
  static const char * const sources[] = { "1.0", NULL };
  g_autofree char *name = g_strdup_printf ("fw-%s", product_key);
  g_autofree char *verifier = g_strdup_printf ("verifier-%s", product_key);
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (&f->base, product_key, name,
                                                           OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  ota_test_verify_firmware (&f->base, firmware, verifier);
  client_test_import (f->base.engine, product_key, prefix, n, n_offline, "1.0");

  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.source_versions = sources;
  spec.push_rate = PUSH_RATE;
  spec.schedule_start = schedule_start;
  return ota_test_create_batch (&f->base, &spec);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ota_test_fixture_setup (&f->base, data);
  f->link = ota_test_attach_link (&f->base);
  f->backend = ota_local_backend_new (f->base.engine);
  f->batch_id = make_batch (f, OTA_TEST_PRODUCT, "dev", N_DEVICES, N_OFFLINE, 0);
  client_test_wait_batch_changed (f->backend, f->batch_id);
  f->changes = g_array_new (FALSE, FALSE, sizeof (Change));
}

/* Waits until the model is gone: its queries hold it, so none is left running on the
 * database the fixture deletes next. */
static void
drop_model (OtaTaskListModel **model)
{
  OtaTaskListModel *weak = *model;

  if (weak == NULL)
    return;

  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_clear_object (model);
  CLIENT_TEST_WAIT_UNTIL (weak == NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  drop_model (&f->model);
  g_clear_object (&f->backend);
  g_clear_object (&f->link);
  g_array_unref (f->changes);
  ota_test_fixture_teardown (&f->base, data);
}

static OtaTaskListModel *
watch_model (Fixture *f,
             gint64   batch_id)
{
  OtaTaskListModel *model = ota_task_list_model_new (f->backend, batch_id);

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), f);
  return model;
}

static void
wait_loaded (OtaTaskListModel *model)
{
  /* The requery is sent from an idle: first let it start. */
  CLIENT_TEST_WAIT_UNTIL (!ota_task_list_model_get_loading (model));
}

static OtaTaskRow *
wait_row (OtaTaskListModel *model,
          guint             position)
{
  OtaTaskRow *row = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (row);
  CLIENT_TEST_WAIT_UNTIL (ota_task_row_get_loaded (row));
  return row;
}

static void
assert_last_change (Fixture *f,
                    guint    position,
                    guint    removed,
                    guint    added)
{
  Change *last;

  g_assert_cmpuint (f->changes->len, >, 0);
  last = &g_array_index (f->changes, Change, f->changes->len - 1);
  g_assert_cmpuint (last->position, ==, position);
  g_assert_cmpuint (last->removed, ==, removed);
  g_assert_cmpuint (last->added, ==, added);
}

/* Replays the changes recorded from @mark on on a list of @old_n old positions: asserts
 * that they leave @new_n positions and announce every one of them as new (a requery
 * replaces everything, in a few runs). */
static void
assert_replaced (Fixture *f,
                 guint    mark,
                 guint    old_n,
                 guint    new_n)
{
  g_autoptr(GArray) fresh = g_array_new (FALSE, TRUE, sizeof (gboolean));
  gboolean yes = TRUE;

  g_array_set_size (fresh, old_n);
  g_assert_cmpuint (f->changes->len, >, mark);
  g_assert_cmpuint (f->changes->len - mark, <=, 8);
  for (guint i = mark; i < f->changes->len; i++)
    {
      Change *change = &g_array_index (f->changes, Change, i);

      g_assert_cmpuint (change->position + change->removed, <=, fresh->len);
      g_array_remove_range (fresh, change->position, change->removed);
      for (guint k = 0; k < change->added; k++)
        g_array_insert_val (fresh, change->position, yes);
    }

  g_assert_cmpuint (fresh->len, ==, new_n);
  for (guint i = 0; i < fresh->len; i++)
    g_assert_true (g_array_index (fresh, gboolean, i));
}

/* R-D2: the total first, one query; a far row is empty, then loaded by one more query
 * for its page only; the same object for the same position. */
static void
test_lazy_rows (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(OtaTaskRow) last = NULL;
  g_autoptr(OtaTaskRow) again = NULL;
  g_autoptr(OtaTaskRow) first = NULL;
  GType item_type;

  f->model = watch_model (f, f->batch_id);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 0);
  g_assert_true (ota_task_list_model_get_loading (f->model));
  wait_loaded (f->model);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, N_DEVICES);
  g_assert_cmpuint (f->changes->len, ==, 1);
  assert_last_change (f, 0, 0, N_DEVICES);
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, 1);
  item_type = g_list_model_get_item_type (G_LIST_MODEL (f->model));
  g_assert_true (item_type == OTA_TYPE_TASK_ROW);

  last = g_list_model_get_item (G_LIST_MODEL (f->model), N_DEVICES - 1);
  g_assert_false (ota_task_row_get_loaded (last));
  g_assert_cmpstr (ota_task_row_get_device_name (last), ==, "");
  CLIENT_TEST_WAIT_UNTIL (ota_task_row_get_loaded (last));

  g_assert_cmpstr (ota_task_row_get_device_name (last), ==, "dev-04999");
  g_assert_cmpint (ota_task_row_get_status (last), ==, OTA_TASK_STATUS_PENDING_PUSH);
  /* R-S2: a rate-limited task shows as plain pending push, as in the original. */
  g_assert_cmpstr (ota_task_row_get_status_label (last), ==, "Pending push");
  g_assert_cmpstr (ota_task_row_get_source_version (last), ==, "1.0");
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, 2);

  again = g_list_model_get_item (G_LIST_MODEL (f->model), N_DEVICES - 1);
  g_assert_true (again == last);

  /* Page 0 came with the total. */
  first = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_true (ota_task_row_get_loaded (first));
  g_assert_cmpstr (ota_task_row_get_device_name (first), ==, "dev-00000");
  g_assert_cmpstr (ota_task_row_get_status_label (first), ==, "Pending push (offline)");
  g_assert_cmpint (ota_task_row_get_reason (first), ==, OTA_TASK_REASON_OFFLINE);
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, 2);

  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->model), N_DEVICES));
  g_assert_cmpuint (f->changes->len, ==, 1);
}

/* At most OTA_TASK_LIST_MODEL_MAX_PAGES pages stay cached; a row someone holds stays
 * the same object even when its page went. */
static void
test_page_cache_is_bounded (Fixture       *f,
                            gconstpointer  data)
{
  const guint n_pages = OTA_TASK_LIST_MODEL_MAX_PAGES + 3;
  g_autoptr(OtaTaskRow) held = NULL;
  g_autoptr(OtaTaskRow) again = NULL;
  g_autoptr(OtaTaskRow) recent = NULL;
  g_autoptr(OtaTaskRow) old = NULL;
  guint queries;

  f->model = watch_model (f, f->batch_id);
  wait_loaded (f->model);
  held = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_true (ota_task_row_get_loaded (held));

  for (guint page = 1; page <= n_pages; page++)
    {
      g_autoptr(OtaTaskRow) row = wait_row (f->model, page * OTA_TASK_LIST_MODEL_PAGE_SIZE);
    }
  queries = ota_task_list_model_get_n_queries (f->model);
  g_assert_cmpuint (queries, ==, 1 + n_pages);

  /* The most recent page is still there. */
  recent = g_list_model_get_item (G_LIST_MODEL (f->model), n_pages * OTA_TASK_LIST_MODEL_PAGE_SIZE + 1);
  g_assert_true (ota_task_row_get_loaded (recent));
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, queries);

  /* Page 0 went, but the held row is the one handed out again. */
  again = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_true (again == held);
  CLIENT_TEST_WAIT_UNTIL (ota_task_list_model_get_n_queries (f->model) == queries + 1);

  /* Page 1 went too: it is fetched again. */
  old = wait_row (f->model, OTA_TASK_LIST_MODEL_PAGE_SIZE + 1);
  g_assert_cmpstr (ota_task_row_get_device_name (old), ==, "dev-00201");
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, queries + 2);
}

/* However fast rows are asked for, at most OTA_TASK_LIST_MODEL_MAX_IN_FLIGHT queries
 * run at once; the others wait their turn, and every page still arrives. Adjacent
 * pages asked for together share a query, up to OTA_TASK_LIST_MODEL_MAX_SPAN pages. */
static void
test_queries_in_flight_are_bounded (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint queries;

  f->model = watch_model (f, f->batch_id);
  wait_loaded (f->model);
  queries = ota_task_list_model_get_n_queries (f->model);

  for (guint page = 1; page <= 10; page++)
    g_ptr_array_add (rows, g_list_model_get_item (G_LIST_MODEL (f->model),
                                                  page * OTA_TASK_LIST_MODEL_PAGE_SIZE));
  /* Nothing is sent from get_item() itself. */
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, queries);

  /* One iteration runs the model's scheduler; results need a worker and come later. */
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==,
                    queries + OTA_TASK_LIST_MODEL_MAX_IN_FLIGHT);

  for (guint i = 0; i < rows->len; i++)
    CLIENT_TEST_WAIT_UNTIL (ota_task_row_get_loaded (g_ptr_array_index (rows, i)));
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==,
                    queries + (10 + OTA_TASK_LIST_MODEL_MAX_SPAN - 1) / OTA_TASK_LIST_MODEL_MAX_SPAN);
  g_assert_cmpstr (ota_task_row_get_device_name (g_ptr_array_index (rows, 9)), ==, "dev-02000");
}

/* R-S2, R-D2: the status filter and the search are requeries that replace every row,
 * and changes made together are one query. */
static void
test_filter_and_search (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(OtaTaskRow) row = NULL;
  guint queries;

  guint mark;

  f->model = watch_model (f, f->batch_id);
  wait_loaded (f->model);

  mark = f->changes->len;
  ota_task_list_model_set_status_filter (f->model, OTA_TASK_STATUS_PUSHED);
  wait_loaded (f->model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, PUSH_RATE);
  assert_replaced (f, mark, N_DEVICES, PUSH_RATE);
  row = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  /* The first PUSH_RATE online devices were pushed at once (R-B12). */
  g_assert_cmpstr (ota_task_row_get_device_name (row), ==, "dev-00100");
  g_assert_cmpstr (ota_task_row_get_status_label (row), ==, "Pushed");
  g_clear_object (&row);

  queries = ota_task_list_model_get_n_queries (f->model);
  mark = f->changes->len;
  g_object_set (f->model,
                "status-filter", OTA_TASK_STATUS_PENDING_PUSH,
                "search", "dev-0001",
                NULL);
  wait_loaded (f->model);
  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, queries + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 10);
  assert_replaced (f, mark, PUSH_RATE, 10);
  row = g_list_model_get_item (G_LIST_MODEL (f->model), 9);
  g_assert_cmpstr (ota_task_row_get_device_name (row), ==, "dev-00019");
  g_assert_cmpstr (ota_task_row_get_status_label (row), ==, "Pending push (offline)");
  g_clear_object (&row);

  mark = f->changes->len;
  ota_task_list_model_set_search (f->model, "");
  ota_task_list_model_set_status_filter (f->model, -1);
  wait_loaded (f->model);
  g_assert_null (ota_task_list_model_get_search (f->model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, N_DEVICES);
  assert_replaced (f, mark, 10, N_DEVICES);
}

/* R-D2: rows someone holds (a list view's widgets) stay the same objects across a
 * requery: those on the new first page are filled at once, the others emptied and
 * filled when their page arrives, and those past the new end are let go. The change is
 * announced in runs that keep the held rows apart from the others. */
static void
test_requery_refills_held_rows (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(OtaTaskRow) first = NULL;
  g_autoptr(OtaTaskRow) third = NULL;
  g_autoptr(OtaTaskRow) far = NULL;
  g_autoptr(OtaTaskRow) gone = NULL;
  g_autoptr(OtaTaskRow) again = NULL;
  gboolean held_run = FALSE;
  guint mark;

  f->model = watch_model (f, f->batch_id);
  wait_loaded (f->model);
  first = wait_row (f->model, 0);
  third = wait_row (f->model, 3);
  far = wait_row (f->model, 450);
  gone = wait_row (f->model, 4000);
  g_assert_cmpstr (ota_task_row_get_device_name (far), ==, "dev-00450");

  mark = f->changes->len;
  ota_task_list_model_set_search (f->model, "dev-00");
  wait_loaded (f->model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 1000);
  assert_replaced (f, mark, N_DEVICES, 1000);
  for (guint i = mark; i < f->changes->len; i++)
    {
      Change *change = &g_array_index (f->changes, Change, i);

      held_run |= change->position == 3 && change->removed == 1 && change->added == 1;
    }
  g_assert_true (held_run);

  /* The same objects, with the new query's rows. */
  again = g_list_model_get_item (G_LIST_MODEL (f->model), 3);
  g_assert_true (again == third);
  g_clear_object (&again);
  again = g_list_model_get_item (G_LIST_MODEL (f->model), 450);
  g_assert_true (again == far);
  g_clear_object (&again);
  g_assert_true (ota_task_row_get_loaded (first));
  g_assert_cmpstr (ota_task_row_get_device_name (third), ==, "dev-00003");
  CLIENT_TEST_WAIT_UNTIL (ota_task_row_get_loaded (far));
  g_assert_cmpstr (ota_task_row_get_device_name (far), ==, "dev-00450");

  /* Past the new end: no longer the model's. */
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->model), 4000));
}

/* The sort is a requery too: descending by device name puts the last device first. */
static void
test_sort_descending (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(OtaTaskRow) row = NULL;

  f->model = watch_model (f, f->batch_id);
  wait_loaded (f->model);

  ota_task_list_model_set_sort (f->model, OTA_TASK_SORT_DEVICE);
  ota_task_list_model_set_descending (f->model, TRUE);
  wait_loaded (f->model);
  assert_last_change (f, 0, N_DEVICES, N_DEVICES);
  row = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_true (ota_task_row_get_loaded (row));
  g_assert_cmpstr (ota_task_row_get_device_name (row), ==, "dev-04999");
}

static void
send_progress (Fixture    *f,
               const char *device,
               int         step)
{
  g_autoptr(GError) error = NULL;
  OtaDeviceEvent event = { .kind = OTA_DEVICE_EVENT_PROGRESS, .product_key = OTA_TEST_PRODUCT,
                           .device_name = device, .step = step, .description = "working" };

  ota_engine_apply_device_event (f->base.engine, &event, &error);
  g_assert_no_error (error);
}

/* R-S4, R-D2: after device events the held page is fetched again, the changed rows
 * update in place with one items-changed for the run of them; a filtered model whose
 * total grows gets one items-changed at the tail. */
static void
test_device_events_change_rows (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(OtaTaskListModel) upgrading = NULL;
  g_autoptr(OtaTaskRow) row = NULL;
  g_autoptr(OtaTaskRow) unchanged = NULL;
  guint queries;

  f->model = watch_model (f, f->batch_id);
  wait_loaded (f->model);
  row = g_list_model_get_item (G_LIST_MODEL (f->model), 100);
  unchanged = g_list_model_get_item (G_LIST_MODEL (f->model), 99);
  g_assert_cmpint (ota_task_row_get_status (row), ==, OTA_TASK_STATUS_PUSHED);

  upgrading = ota_task_list_model_new (f->backend, f->batch_id);
  ota_task_list_model_set_status_filter (upgrading, OTA_TASK_STATUS_UPGRADING);
  CLIENT_TEST_WAIT_UNTIL (!ota_task_list_model_get_loading (upgrading));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (upgrading)), ==, 0);
  g_signal_connect (upgrading, "items-changed", G_CALLBACK (on_items_changed), f);

  g_array_set_size (f->changes, 0);
  queries = ota_task_list_model_get_n_queries (f->model);
  for (guint i = 100; i < 105; i++)
    {
      g_autofree char *device = g_strdup_printf ("dev-%05u", i);
      send_progress (f, device, 50);
    }

  /* The engine announces the batch (coalesced); both models refresh. */
  CLIENT_TEST_WAIT_UNTIL (f->changes->len >= 2);

  g_assert_cmpuint (f->changes->len, ==, 2);
  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *change = &g_array_index (f->changes, Change, i);

      if (change->removed == 0)
        {
          /* The filtered model: its tail grew. */
          g_assert_cmpuint (change->position, ==, 0);
          g_assert_cmpuint (change->added, ==, 5);
        }
      else
        {
          g_assert_cmpuint (change->position, ==, 100);
          g_assert_cmpuint (change->removed, ==, 5);
          g_assert_cmpuint (change->added, ==, 5);
        }
    }

  g_assert_cmpuint (ota_task_list_model_get_n_queries (f->model), ==, queries + 1);
  g_assert_cmpint (ota_task_row_get_status (row), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_cmpuint (ota_task_row_get_progress (row), ==, 50);
  g_assert_cmpstr (ota_task_row_get_status_label (row), ==, "Upgrading");
  g_assert_cmpstr (ota_task_row_get_device_name (unchanged), ==, "dev-00099");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (upgrading)), ==, 5);

  drop_model (&upgrading);
}

/* R-S2: before a scheduled start the row shows the start time, local, in the form of
 * the original (待推送(定时:2020/XX/XX XX:XX:XX)). */
static void
test_scheduled_label (Fixture       *f,
                      gconstpointer  data)
{
  gint64 start = ota_clock_get_now (OTA_CLOCK (f->base.clock)) + 20 * G_TIME_SPAN_MINUTE;
  gint64 batch_id = make_batch (f, "p2", "sch", 3, 0, start);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (start / G_USEC_PER_SEC);
  g_autofree char *text = g_date_time_format (when, "%Y/%m/%d %H:%M:%S");
  g_autofree char *expected = g_strdup_printf ("Pending push (scheduled: %s)", text);
  g_autoptr(OtaTaskRow) row = NULL;

  f->model = watch_model (f, batch_id);
  wait_loaded (f->model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 3);
  row = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_cmpint (ota_task_row_get_reason (row), ==, OTA_TASK_REASON_SCHEDULED);
  g_assert_cmpstr (ota_task_row_get_status_label (row), ==, expected);
}

/* The labels in one place (R-S2, R-S6, R-S7). */
static void
test_labels (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *scheduled = ota_task_describe_status (OTA_TASK_STATUS_PENDING_PUSH,
                                                         OTA_TASK_REASON_SCHEDULED,
                                                         OTA_TEST_EPOCH + 20 * G_TIME_SPAN_MINUTE);
  g_autofree char *download = ota_task_describe_status (OTA_TASK_STATUS_FAILED,
                                                        OTA_TASK_REASON_DOWNLOAD_FAILED, 0);
  g_autofree char *overwritten = ota_task_describe_status (OTA_TASK_STATUS_CANCELLED,
                                                           OTA_TASK_REASON_OVERWRITTEN, 0);
  g_autofree char *time_text = ota_format_time (OTA_TEST_EPOCH);

  g_assert_cmpstr (scheduled, ==, "Pending push (scheduled: 2026/01/01 00:20:00)");
  g_assert_cmpstr (download, ==, "Failed: download failed");
  g_assert_cmpstr (overwritten, ==, "Cancelled: overwritten by a later batch");
  g_assert_cmpstr (time_text, ==, "2026/01/01 00:00:00");
  g_assert_cmpstr (ota_task_status_label (OTA_TASK_STATUS_PENDING_CONFIRM), ==, "Pending confirmation");
  g_assert_cmpstr (ota_task_reason_label (OTA_TASK_REASON_NONE), ==, "");

  /* Every value of every enum has a label. */
  for (int v = OTA_TASK_STATUS_PENDING_CONFIRM; v <= OTA_TASK_STATUS_CANCELLED; v++)
    g_assert_cmpstr (ota_task_status_label (v), !=, "");
  for (int v = OTA_TASK_REASON_OFFLINE; v <= OTA_TASK_REASON_DECLINED; v++)
    g_assert_cmpstr (ota_task_reason_label (v), !=, "");
  for (int v = OTA_RETRY_INTERVAL_NONE; v <= OTA_RETRY_INTERVAL_24_HOURS; v++)
    g_assert_cmpstr (ota_retry_interval_label (v), !=, "");
  for (int v = OTA_NETWORK_TYPE_WIFI; v <= OTA_NETWORK_TYPE_OTHER; v++)
    g_assert_cmpstr (ota_network_type_label (v), !=, "");
  g_assert_cmpstr (ota_batch_kind_label (OTA_BATCH_KIND_VERIFICATION), ==, "Firmware verification");
  g_assert_cmpstr (ota_batch_scope_label (OTA_BATCH_SCOPE_GRAY), ==, "Gray upgrade");
  g_assert_cmpstr (ota_firmware_status_label (OTA_FIRMWARE_STATUS_VERIFY_FAILED), ==, "Verification failed");
  g_assert_cmpstr (ota_project_type_label (OTA_PROJECT_TYPE_TMALL_GENIE), ==, "Tmall Genie ecosystem");
  g_assert_cmpstr (ota_firmware_type_label (OTA_FIRMWARE_TYPE_DIFF), ==, "Differential package");
  g_assert_cmpstr (ota_batch_strategy_label (OTA_BATCH_STRATEGY_DYNAMIC), ==, "Dynamic upgrade");
  g_assert_cmpstr (ota_batch_state_label (OTA_BATCH_STATE_RUNNING), ==, "Running");
  g_assert_cmpstr (ota_sign_algorithm_label (OTA_SIGN_ALGORITHM_SHA256), ==, "SHA256");
}

int
main (int   argc,
      char *argv[])
{
  /* Row labels are local time: make local time UTC for the expected strings. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/client/task-list/R-D2/total-first-rows-lazily", test_lazy_rows);
  ADD ("/client/task-list/R-D2/page-cache-is-bounded", test_page_cache_is_bounded);
  ADD ("/client/task-list/R-D2/queries-in-flight-are-bounded-pages-share-them", test_queries_in_flight_are_bounded);
  ADD ("/client/task-list/R-S2/filter-and-search-requery", test_filter_and_search);
  ADD ("/client/task-list/R-D2/requery-refills-held-rows", test_requery_refills_held_rows);
  ADD ("/client/task-list/R-D2/sort-descending", test_sort_descending);
  ADD ("/client/task-list/R-S4/device-events-update-rows", test_device_events_change_rows);
  ADD ("/client/task-list/R-S2/scheduled-label-shows-start", test_scheduled_label);
  g_test_add ("/client/labels/R-S2/describe-status", Fixture, NULL, NULL, test_labels, NULL);

#undef ADD

  return g_test_run ();
}
