/* test-tasks.c — reading batches and their device tasks (R-D1, R-D2, R-D3) and the
 * audit log
 *
 * Batches are made with SQL and tasks with ota_rollout_insert_task(), which keeps the
 * batch counters, so these tests do not depend on how batches are created or run.
 */
#include "ota-rollout-private.h"
#include "ota-test-link.h"

#define MINUTE G_GINT64_CONSTANT (60000000)

/* A batch of firmware 1 (1.0 → 2.0 of product "p1", made on first use). */
static gint64
add_batch (OtaTestFixture *f,
           gint64          schedule_start)
{
  g_autoptr(OtaProduct) product = ota_engine_get_product (f->engine, "p1", NULL);
  g_autofree char *sql = NULL;

  if (product == NULL)
    {
      product = ota_test_add_product (f->engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
      ota_test_exec_sql (f->engine, "INSERT OR IGNORE INTO modules (product_key, name, created_at) VALUES ('p1', 'default', 0);"
                   "INSERT INTO firmwares (id, product_key, name, type, version, module, sign_algorithm, "
                   "file_name, size, digest, blob_sha256, created_at) VALUES (1, 'p1', 'fw', 'full', "
                   "'2.0', 'default', 'md5', 'fw.bin', 1, '00', '00', 0);");
    }

  sql = g_strdup_printf ("INSERT INTO batches (firmware_id, kind, strategy, scope, timeout_minutes, "
                         "state, created_at, schedule_start) VALUES (1, 'batch', 'static', 'all', 60, "
                         "'running', 0, nullif (%" G_GINT64_FORMAT ", 0));",
                         schedule_start);
  ota_test_exec_sql (f->engine, sql);
  return sqlite3_last_insert_rowid (ota_store_get_db (ota_engine_get_store (f->engine)));
}

/* A device of p1 reporting 1.0 with a task in @batch_id; returns the task id. */
static gint64
add_task (OtaTestFixture *f,
          gint64          batch_id,
          const char     *device_name,
          OtaTaskStatus   status,
          OtaTaskReason   reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaDevice) device = ota_engine_get_device (f->engine, "p1", device_name, NULL);
  g_autoptr(OtaTransaction) tx = NULL;
  gint64 task_id = 0;

  if (device == NULL)
    device = ota_test_add_device (f->engine, "p1", device_name, "1.0");

  tx = ota_transaction_begin (ota_engine_get_store (f->engine), &error);
  g_assert_no_error (error);
  ota_rollout_insert_task (f->engine, batch_id, ota_device_get_id (device), status, reason,
                           "1.0", FALSE, 0, &task_id, &error);
  g_assert_no_error (error);
  ota_transaction_commit (tx, &error);
  g_assert_no_error (error);

  return task_id;
}

static void
set_task_sql (OtaTestFixture *f,
              gint64          task_id,
              const char     *assignments)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE tasks SET %s WHERE id = %" G_GINT64_FORMAT,
                                          assignments, task_id);
  ota_test_exec_sql (f->engine, sql);
}

static GPtrArray *
query (OtaTestFixture     *f,
       gint64              batch_id,
       const OtaTaskQuery *q,
       guint64            *total)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tasks = ota_engine_query_tasks (f->engine, batch_id, q, total, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tasks);
  return tasks;
}

/* Device names of @tasks joined by spaces: a failing assertion shows the whole order. */
static char *
names_of (GPtrArray *tasks)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < tasks->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? " " : "",
                            ota_task_get_device_name (g_ptr_array_index (tasks, i)));
  return g_string_free (names, FALSE);
}

/* R-D1: a batch shows its counts per status and its progress (ended / all). */
static void
test_batch_counts_and_progress (OtaTestFixture *f,
                                gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  gint64 batch_id = add_batch (f, 0);
  g_autoptr(OtaBatch) batch = NULL;
  gint64 pushed;

  add_task (f, batch_id, "dev-a01", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
  pushed = add_task (f, batch_id, "dev-b02", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  add_task (f, batch_id, "dev-c03", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  add_task (f, batch_id, "dev-d04", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT);

  /* A transition moves one task from one count to the other. */
  {
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (ota_engine_get_store (f->engine), &error);

    ota_rollout_set_task_status (f->engine, pushed, OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE,
                                 ota_engine_now (f->engine), &error);
    g_assert_no_error (error);
    ota_transaction_commit (tx, &error);
    g_assert_no_error (error);
  }

  batch = ota_engine_get_batch (f->engine, batch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_PUSH), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_PUSHED), ==, 0);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_UPGRADING), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED), ==, 1);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 4);
  g_assert_cmpfloat_with_epsilon (ota_batch_get_progress (batch), 0.5, 1e-9);
}

/* R-D1..R-D3 through the real flow: a batch created by the engine, devices reporting;
 * the counts, the list and the failure groups agree with each other. */
static void
test_real_batch_reads_back (OtaTestFixture *f,
                            gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaTestLink) link = ota_test_attach_link (f);
  g_autoptr(OtaFirmware) firmware = ota_test_add_firmware (f, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL,
                                                           NULL, "1.0", "2.0");
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(GArray) groups = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  OtaTaskQuery q = OTA_TASK_QUERY_INIT;
  static const char * const names[] = { "dev-a", "dev-b", "dev-c", "dev-d" };
  gint64 batch_id;
  guint64 total = 0;

  ota_test_verify_firmware (f, firmware, "verifier");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_unref (ota_test_add_device (f->engine, OTA_TEST_PRODUCT, names[i], "1.0"));
  spec.firmware_id = ota_firmware_get_id (firmware);
  batch_id = ota_test_create_batch (f, &spec);

  ota_manual_clock_advance (f->clock, MINUTE);
  ota_test_send_progress (f, "dev-a", 50, "downloading");
  ota_test_send_progress (f, "dev-b", 100, NULL);
  ota_test_send_version (f, "dev-b", "2.0");
  ota_test_send_progress (f, "dev-c", -2, "no space");

  batch = ota_engine_get_batch (f->engine, batch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_batch_get_total (batch), ==, 4);
  for (int status = 0; status < OTA_N_TASK_STATUSES; status++)
    {
      g_autoptr(GPtrArray) tasks = NULL;

      q.status = status;
      tasks = query (f, batch_id, &q, &total);
      g_assert_cmpuint (total, ==, ota_batch_get_count (batch, status));
      g_assert_cmpuint (tasks->len, ==, total);
    }
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_UPGRADING), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED), ==, 1);
  g_assert_cmpuint (ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED), ==, 1);
  g_assert_cmpfloat_with_epsilon (ota_batch_get_progress (batch), 0.5, 1e-9);

  q.status = OTA_TASK_STATUS_FAILED;
  failed = query (f, batch_id, &q, &total);
  g_assert_cmpstr (ota_task_get_device_name (g_ptr_array_index (failed, 0)), ==, "dev-c");
  g_assert_cmpint (ota_task_get_reason (g_ptr_array_index (failed, 0)), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpstr (ota_task_get_detail (g_ptr_array_index (failed, 0)), ==, "no space");
  g_assert_cmpuint (ota_task_get_tries (g_ptr_array_index (failed, 0)), ==, 1);

  groups = ota_engine_count_failures (f->engine, batch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpint (g_array_index (groups, OtaFailureGroup, 0).reason, ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpuint (g_array_index (groups, OtaFailureGroup, 0).count, ==, 1);
}

/* R-D2: every column of the device list: status with the pending-push reason or the
 * scheduled start, progress, source and current version, tries, last change; and a
 * pending retry (R-R4) with the failure it answers. */
static void
test_task_columns (OtaTestFixture *f,
                   gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = OTA_TEST_EPOCH + 60 * MINUTE;
  gint64 batch_id = add_batch (f, start);
  gint64 scheduled = add_task (f, batch_id, "dev-sched", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_SCHEDULED);
  gint64 offline = add_task (f, batch_id, "dev-offline", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE);
  gint64 retry = add_task (f, batch_id, "dev-retry", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  gint64 working = add_task (f, batch_id, "dev-working", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);
  gint64 broken = add_task (f, batch_id, "dev-broken", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_FLASH_FAILED);
  gint64 done = add_task (f, batch_id, "dev-done", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  g_autoptr(OtaTask) task = NULL;

  set_task_sql (f, retry, "needs_push = 1, tries = 2, progress = 35, last_reason = 'download-failed'");
  set_task_sql (f, broken, "error_code = -4, detail = 'bad block 7', tries = 1, progress = 80");
  set_task_sql (f, done, "current_version = '2.0', progress = 100, tries = 1");

  /* The last change is the time of the last transition. */
  ota_manual_clock_advance (f->clock, 5 * MINUTE);
  {
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (ota_engine_get_store (f->engine), &error);

    ota_rollout_set_task_status (f->engine, working, OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE,
                                 ota_engine_now (f->engine), &error);
    g_assert_no_error (error);
    ota_transaction_commit (tx, &error);
    g_assert_no_error (error);
  }
  set_task_sql (f, working, "progress = 60, tries = 1");

  task = ota_engine_get_task (f->engine, scheduled, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_task_get_device_name (task), ==, "dev-sched");
  g_assert_cmpint (ota_task_get_batch_id (task), ==, batch_id);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PENDING_PUSH);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_SCHEDULED);
  g_assert_cmpint (ota_task_get_scheduled_at (task), ==, start);
  g_assert_cmpint (ota_task_get_created_at (task), ==, OTA_TEST_EPOCH);
  g_clear_object (&task);

  task = ota_engine_get_task (f->engine, offline, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_OFFLINE);
  g_assert_cmpint (ota_task_get_scheduled_at (task), ==, 0);
  g_assert_false (ota_task_get_retry_pending (task));
  g_clear_object (&task);

  task = ota_engine_get_task (f->engine, retry, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_PUSHED);
  g_assert_true (ota_task_get_retry_pending (task));
  g_assert_cmpint (ota_task_get_last_reason (task), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpuint (ota_task_get_tries (task), ==, 2);
  g_assert_cmpuint (ota_task_get_progress (task), ==, 35);
  g_clear_object (&task);

  task = ota_engine_get_task (f->engine, working, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_UPGRADING);
  g_assert_false (ota_task_get_retry_pending (task));
  g_assert_cmpuint (ota_task_get_progress (task), ==, 60);
  g_assert_cmpint (ota_task_get_updated_at (task), ==, OTA_TEST_EPOCH + 5 * MINUTE);
  g_clear_object (&task);

  task = ota_engine_get_task (f->engine, broken, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_FLASH_FAILED);
  g_assert_cmpint (ota_task_get_error_code (task), ==, -4);
  g_assert_cmpstr (ota_task_get_detail (task), ==, "bad block 7");
  g_clear_object (&task);

  task = ota_engine_get_task (f->engine, done, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_task_get_source_version (task), ==, "1.0");
  g_assert_cmpstr (ota_task_get_current_version (task), ==, "2.0");
  g_assert_cmpuint (ota_task_get_progress (task), ==, 100);
  g_assert_cmpint (ota_task_get_error_code (task), ==, 0);
  g_assert_null (ota_task_get_detail (task));
  g_clear_object (&task);

  /* The list shows the same snapshots. */
  {
    OtaTaskQuery q = OTA_TASK_QUERY_INIT;
    g_autoptr(GPtrArray) tasks = NULL;
    guint64 total = 0;

    q.status = OTA_TASK_STATUS_PUSHED;
    tasks = query (f, batch_id, &q, &total);
    g_assert_cmpuint (total, ==, 1);
    g_assert_cmpuint (tasks->len, ==, 1);
    g_assert_cmpint (ota_task_get_id (g_ptr_array_index (tasks, 0)), ==, retry);
    g_assert_true (ota_task_get_retry_pending (g_ptr_array_index (tasks, 0)));
  }

  task = ota_engine_get_task (f->engine, 9999, &error);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "task", NULL);
  g_assert_null (task);
}

/* R-D3: the failure list shows each failed device with its reason; the groups count
 * them per reason, the largest first, equal sizes by reason name. */
static void
test_failures (OtaTestFixture *f,
               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  gint64 batch_id = add_batch (f, 0);
  gint64 other = add_batch (f, 0);
  static const struct { const char *device; OtaTaskReason reason; } failed[] = {
    { "dev-t1", OTA_TASK_REASON_TIMEOUT },
    { "dev-d1", OTA_TASK_REASON_DOWNLOAD_FAILED },
    { "dev-t2", OTA_TASK_REASON_TIMEOUT },
    { "dev-c1", OTA_TASK_REASON_CONFLICT },
    { "dev-f1", OTA_TASK_REASON_FLASH_FAILED },
    { "dev-d2", OTA_TASK_REASON_DOWNLOAD_FAILED },
    { "dev-t3", OTA_TASK_REASON_TIMEOUT },
    { "dev-c2", OTA_TASK_REASON_CONFLICT },
  };
  static const OtaFailureGroup expected[] = {
    { OTA_TASK_REASON_TIMEOUT, 3 },
    { OTA_TASK_REASON_CONFLICT, 2 },
    { OTA_TASK_REASON_DOWNLOAD_FAILED, 2 },
    { OTA_TASK_REASON_FLASH_FAILED, 1 },
  };
  OtaTaskQuery q = OTA_TASK_QUERY_INIT;
  g_autoptr(GArray) groups = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *names = NULL;
  guint64 total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (failed); i++)
    {
      gint64 id = add_task (f, batch_id, failed[i].device, OTA_TASK_STATUS_FAILED, failed[i].reason);

      if (failed[i].reason == OTA_TASK_REASON_DOWNLOAD_FAILED)
        set_task_sql (f, id, "error_code = -2, detail = 'no space'");
    }
  add_task (f, batch_id, "dev-ok", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  add_task (f, batch_id, "dev-off", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_CANCELLED);
  /* Failures of another batch do not count here. */
  add_task (f, other, "dev-t1", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT);

  groups = ota_engine_count_failures (f->engine, batch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < groups->len; i++)
    {
      g_assert_cmpint (g_array_index (groups, OtaFailureGroup, i).reason, ==, expected[i].reason);
      g_assert_cmpuint (g_array_index (groups, OtaFailureGroup, i).count, ==, expected[i].count);
    }

  q.status = OTA_TASK_STATUS_FAILED;
  list = query (f, batch_id, &q, &total);
  names = names_of (list);
  g_assert_cmpstr (names, ==, "dev-c1 dev-c2 dev-d1 dev-d2 dev-f1 dev-t1 dev-t2 dev-t3");
  g_assert_cmpuint (total, ==, 8);
  g_assert_cmpint (ota_task_get_reason (g_ptr_array_index (list, 2)), ==, OTA_TASK_REASON_DOWNLOAD_FAILED);
  g_assert_cmpint (ota_task_get_error_code (g_ptr_array_index (list, 2)), ==, -2);
  g_assert_cmpstr (ota_task_get_detail (g_ptr_array_index (list, 2)), ==, "no space");
  g_assert_cmpint (ota_task_get_reason (g_ptr_array_index (list, 7)), ==, OTA_TASK_REASON_TIMEOUT);
  g_clear_pointer (&groups, g_array_unref);

  /* No failure: no group. A batch that does not exist: NOT_FOUND. */
  groups = ota_engine_count_failures (f->engine, add_batch (f, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 0);
  g_clear_pointer (&groups, g_array_unref);
  groups = ota_engine_count_failures (f->engine, 9999, &error);
  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "batch", NULL);
  g_assert_null (groups);
}

/* Ten tasks inserted out of name order, one per status and a few more. */
static gint64
add_ten_tasks (OtaTestFixture *f)
{
  static const struct { const char *device; OtaTaskStatus status; OtaTaskReason reason; guint progress; } rows[] = {
    { "dev-j10", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE, 70 },
    { "dev-c03", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE, 0 },
    { "dev-f06", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT, 30 },
    { "dev-a01", OTA_TASK_STATUS_PENDING_CONFIRM, OTA_TASK_REASON_NONE, 0 },
    { "dev-h08", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_RATE_LIMITED, 0 },
    { "dev-e05", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE, 100 },
    { "dev-b02", OTA_TASK_STATUS_PENDING_PUSH, OTA_TASK_REASON_OFFLINE, 0 },
    { "dev-i09", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE, 100 },
    { "dev-g07", OTA_TASK_STATUS_CANCELLED, OTA_TASK_REASON_CANCELLED, 0 },
    { "dev-d04", OTA_TASK_STATUS_UPGRADING, OTA_TASK_REASON_NONE, 40 },
  };
  gint64 batch_id = add_batch (f, 0);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *progress = g_strdup_printf ("progress = %u", rows[i].progress);

      ota_manual_clock_advance (f->clock, MINUTE);
      set_task_sql (f, add_task (f, batch_id, rows[i].device, rows[i].status, rows[i].reason), progress);
    }

  return batch_id;
}

/* R-D2: the list sorts by device name, status (in the order of a task's life), last
 * change and progress, either way; pages of any size add up to the whole list. */
static void
test_sort_and_paging (OtaTestFixture *f,
                      gconstpointer   data)
{
  gint64 batch_id = add_ten_tasks (f);
  static const struct { OtaTaskSort sort; gboolean descending; const char *names; } cases[] = {
    { OTA_TASK_SORT_DEVICE, FALSE, "dev-a01 dev-b02 dev-c03 dev-d04 dev-e05 dev-f06 dev-g07 dev-h08 dev-i09 dev-j10" },
    { OTA_TASK_SORT_DEVICE, TRUE, "dev-j10 dev-i09 dev-h08 dev-g07 dev-f06 dev-e05 dev-d04 dev-c03 dev-b02 dev-a01" },
    { OTA_TASK_SORT_STATUS, FALSE, "dev-a01 dev-b02 dev-h08 dev-c03 dev-d04 dev-j10 dev-e05 dev-i09 dev-f06 dev-g07" },
    { OTA_TASK_SORT_STATUS, TRUE, "dev-g07 dev-f06 dev-i09 dev-e05 dev-j10 dev-d04 dev-c03 dev-h08 dev-b02 dev-a01" },
    { OTA_TASK_SORT_UPDATED, FALSE, "dev-j10 dev-c03 dev-f06 dev-a01 dev-h08 dev-e05 dev-b02 dev-i09 dev-g07 dev-d04" },
    { OTA_TASK_SORT_UPDATED, TRUE, "dev-d04 dev-g07 dev-i09 dev-b02 dev-e05 dev-h08 dev-a01 dev-f06 dev-c03 dev-j10" },
    /* equal progress: by status name, then the order the tasks were made in */
    { OTA_TASK_SORT_PROGRESS, FALSE, "dev-g07 dev-a01 dev-h08 dev-b02 dev-c03 dev-f06 dev-d04 dev-j10 dev-e05 dev-i09" },
    { OTA_TASK_SORT_PROGRESS, TRUE, "dev-i09 dev-e05 dev-j10 dev-d04 dev-f06 dev-c03 dev-b02 dev-h08 dev-a01 dev-g07" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      OtaTaskQuery q = OTA_TASK_QUERY_INIT;
      g_autoptr(GPtrArray) all = NULL;
      g_autofree char *names = NULL;
      guint64 total = 0;

      q.sort = cases[i].sort;
      q.descending = cases[i].descending;
      all = query (f, batch_id, &q, &total);
      names = names_of (all);
      g_assert_cmpstr (names, ==, cases[i].names);
      g_assert_cmpuint (total, ==, 10);

      /* Pages of 1, 3 and 4 rows, across the status ranges, give the same list. */
      for (guint size = 1; size <= 4; size += size == 1 ? 2 : 1)
        {
          g_autoptr(GString) paged = g_string_new (NULL);

          q.limit = size;
          for (q.offset = 0; q.offset < 12; q.offset += size)
            {
              g_autoptr(GPtrArray) page = query (f, batch_id, &q, &total);
              g_autofree char *page_names = names_of (page);

              g_assert_cmpuint (page->len, ==, MIN (size, q.offset < 10 ? 10 - q.offset : 0));
              g_assert_cmpuint (total, ==, 10);
              if (page->len > 0)
                g_string_append_printf (paged, "%s%s", paged->len > 0 ? " " : "", page_names);
            }
          g_assert_cmpstr (paged->str, ==, cases[i].names);
        }
    }
}

/* R-D2: filtering by status and searching the device name narrow the list and its
 * total; case does not matter and “%”, “_” and “\” are plain characters. */
static void
test_filter_and_search (OtaTestFixture *f,
                        gconstpointer   data)
{
  gint64 batch_id = add_ten_tasks (f);
  static const struct { int status; const char *search; OtaTaskSort sort; const char *names; } cases[] = {
    { OTA_TASK_STATUS_UPGRADING, NULL, OTA_TASK_SORT_DEVICE, "dev-d04 dev-j10" },
    { OTA_TASK_STATUS_UPGRADING, "J1", OTA_TASK_SORT_DEVICE, "dev-j10" },
    { OTA_TASK_STATUS_PENDING_PUSH, "", OTA_TASK_SORT_STATUS, "dev-b02 dev-h08" },
    { -1, "DEV-0", OTA_TASK_SORT_DEVICE, "" },
    { -1, "dev-", OTA_TASK_SORT_STATUS, "dev-a01 dev-b02 dev-h08 dev-c03 dev-d04 dev-j10 dev-e05 dev-i09 dev-f06 dev-g07" },
    { -1, "1", OTA_TASK_SORT_PROGRESS, "dev-a01 lamp_a01 dev-j10" },
    { -1, "lamp", OTA_TASK_SORT_DEVICE, "LAMP-b03 lamp_a01 lampxa02" },
    { -1, "p_a", OTA_TASK_SORT_DEVICE, "lamp_a01" },      /* not lampxa02 */
    { -1, "%", OTA_TASK_SORT_DEVICE, "" },
    { -1, "p%a", OTA_TASK_SORT_DEVICE, "" },
    { -1, "\\", OTA_TASK_SORT_DEVICE, "" },
    { OTA_TASK_STATUS_SUCCEEDED, "_", OTA_TASK_SORT_UPDATED, "lamp_a01" },
  };

  add_task (f, batch_id, "lamp_a01", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  add_task (f, batch_id, "lampxa02", OTA_TASK_STATUS_FAILED, OTA_TASK_REASON_TIMEOUT);
  add_task (f, batch_id, "LAMP-b03", OTA_TASK_STATUS_PUSHED, OTA_TASK_REASON_NONE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      OtaTaskQuery q = OTA_TASK_QUERY_INIT;
      g_autoptr(GPtrArray) tasks = NULL;
      g_autofree char *names = NULL;
      g_auto(GStrv) expected = g_strsplit (cases[i].names, " ", -1);
      guint64 total = 0;

      q.status = cases[i].status;
      q.search = cases[i].search;
      q.sort = cases[i].sort;
      tasks = query (f, batch_id, &q, &total);
      names = names_of (tasks);
      g_assert_cmpstr (names, ==, cases[i].names);
      g_assert_cmpuint (total, ==, cases[i].names[0] != '\0' ? g_strv_length (expected) : 0);
    }
}

/* R-D2: a batch that does not exist and an unknown status are refused by name. */
static void
test_query_errors (OtaTestFixture *f,
                   gconstpointer   data)
{
  OtaTaskQuery q = OTA_TASK_QUERY_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = ota_engine_query_tasks (f->engine, 42, &q, NULL, &error);
  gint64 batch_id = add_batch (f, 0);

  ota_test_assert_error (error, OTA_ERROR_NOT_FOUND, "batch", NULL);
  g_assert_null (tasks);
  g_clear_error (&error);

  q.status = OTA_N_TASK_STATUSES;
  tasks = ota_engine_query_tasks (f->engine, batch_id, &q, NULL, &error);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "status", NULL);
  g_assert_null (tasks);
}

/* R-D2: a task written by plain SQL (as a set-based batch creation does) gets its
 * device's name too. */
static void
test_device_name_filled_by_database (OtaTestFixture *f,
                                     gconstpointer   data)
{
  gint64 batch_id = add_batch (f, 0);
  g_autoptr(OtaDevice) device = ota_test_add_device (f->engine, "p1", "dev-plain", "1.0");
  g_autofree char *sql = g_strdup_printf ("INSERT INTO tasks (batch_id, device_id, status, created_at, updated_at) "
                                          "VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 'succeeded', 0, 0);"
                                          "UPDATE batches SET n_succeeded = 1 WHERE id = %" G_GINT64_FORMAT ";",
                                          batch_id, ota_device_get_id (device), batch_id);
  OtaTaskQuery q = OTA_TASK_QUERY_INIT;
  g_autoptr(GPtrArray) tasks = NULL;

  ota_test_exec_sql (f->engine, sql);
  q.search = "PLAIN";
  tasks = query (f, batch_id, &q, NULL);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (ota_task_get_device_name (g_ptr_array_index (tasks, 0)), ==, "dev-plain");
}

/* Operator actions are listed newest first, with who, when and the options. */
static void
test_audit_newest_first (OtaTestFixture *f,
                         gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_autoptr(OtaDevice) first = NULL;
  g_autoptr(OtaDevice) second = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) page = NULL;
  OtaAuditEntry *entry;
  guint64 total = 0;

  ota_manual_clock_advance (f->clock, MINUTE);
  first = ota_test_add_device (f->engine, "p1", "dev-one", NULL);
  ota_manual_clock_advance (f->clock, MINUTE);
  second = ota_test_add_device (f->engine, "p1", "dev-two", NULL);

  all = ota_engine_list_audit (f->engine, 0, 0, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 3);
  g_assert_cmpuint (all->len, ==, 3);

  entry = g_ptr_array_index (all, 0);
  g_assert_cmpstr (ota_audit_entry_get_action (entry), ==, "device.add");
  g_assert_cmpstr (ota_audit_entry_get_actor (entry), ==, "test");
  g_assert_cmpint (ota_audit_entry_get_at (entry), ==, OTA_TEST_EPOCH + 2 * MINUTE);
  g_assert_nonnull (strstr (ota_audit_entry_get_params (entry), "'dev-two'"));
  entry = g_ptr_array_index (all, 2);
  g_assert_cmpstr (ota_audit_entry_get_action (entry), ==, "product.add");
  g_assert_cmpint (ota_audit_entry_get_at (entry), ==, OTA_TEST_EPOCH);
  g_assert_cmpint (ota_audit_entry_get_id (entry), <, ota_audit_entry_get_id (g_ptr_array_index (all, 0)));

  page = ota_engine_list_audit (f->engine, 1, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_nonnull (strstr (ota_audit_entry_get_params (g_ptr_array_index (page, 0)), "'dev-one'"));
  g_clear_pointer (&page, g_ptr_array_unref);

  page = ota_engine_list_audit (f->engine, 3, 10, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 0);
  g_assert_cmpuint (total, ==, 3);
}

/* R-S5..R-S7: a task that ended is never queued for a notice again; the refusal is an
 * error the caller can report (not a programming check that returns without one). */
static void
test_queue_push_refuses_ended_task (OtaTestFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  gint64 batch_id = add_batch (f, 0);
  gint64 ended = add_task (f, batch_id, "dev-a01", OTA_TASK_STATUS_SUCCEEDED, OTA_TASK_REASON_NONE);
  g_autofree char *before = ota_test_dump_store (f->engine);

  {
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (ota_engine_get_store (f->engine), &error);

    g_assert_no_error (error);
    g_assert_false (ota_rollout_queue_push (f->engine, ended, ota_engine_now (f->engine), &error));
    ota_test_assert_error (error, OTA_ERROR_CONFLICT, "task", NULL);
  }

  ota_test_assert_unchanged (f->engine, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/rollout/R-D1/batch-counts-and-progress", test_batch_counts_and_progress);
  ADD ("/rollout/R-D1/real-batch-reads-back", test_real_batch_reads_back);
  ADD ("/rollout/R-D2/every-column", test_task_columns);
  ADD ("/rollout/R-D2/sort-and-paging", test_sort_and_paging);
  ADD ("/rollout/R-D2/filter-and-search", test_filter_and_search);
  ADD ("/rollout/R-D2/query-errors", test_query_errors);
  ADD ("/rollout/R-D2/device-name-filled-by-database", test_device_name_filled_by_database);
  ADD ("/rollout/R-D3/failure-list-and-groups", test_failures);
  ADD ("/audit/newest-first-with-paging", test_audit_newest_first);
  ADD ("/rollout/R-S5/queue-push-refuses-ended-task", test_queue_push_refuses_ended_task);

  return g_test_run ();
}
