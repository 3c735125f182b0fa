/* test-otactl-rollout.c — a rollout walked through otactl as a shell user would
 * (R-V1, R-V4, R-B2, R-B10..R-B14, R-B17, R-S2, R-S6, R-R1, R-R4, R-R5, R-D1..R-D3, R-E3)
 *
 * Every run is the built otactl on a temporary database whose clock is manual
 * ("clock manual --at 2026-01-01T00:00:00Z"), so minutes pass with "clock advance".
 */
#include <string.h>

#include "cli-test-util.h"

#define run_ok(f, ...) cli_assert_status ((f), cli_run ((f), __VA_ARGS__, NULL), 0)

static JsonNode *
run_json (CliFixture *f,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  cli_assert_status (f, cli_runv (f, (const char * const *) args->pdata), 0);
  return cli_out_json (f);
}

static gint64
batch_count (CliFixture *f,
             const char *batch,
             const char *status)
{
  g_autoptr(JsonNode) node = run_json (f, "batch", "show", batch, NULL);
  JsonObject *counts = json_object_get_object_member (json_node_get_object (node), "counts");

  return json_object_get_int_member (counts, status);
}

/* The task of @device in @batch, as "task list --json" shows it. */
static JsonObject *
device_task (CliFixture *f,
             const char *batch,
             const char *device)
{
  g_autoptr(JsonNode) node = run_json (f, "task", "list", batch, "--search", device, NULL);
  JsonArray *tasks = json_object_get_array_member (json_node_get_object (node), "tasks");

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);

      if (g_str_equal (json_object_get_string_member (task, "device"), device))
        return json_object_ref (task);
    }
  g_assert_not_reached ();
  return NULL;
}

static const char *
firmware_status (CliFixture *f)
{
  static char status[32];
  g_autoptr(JsonNode) node = run_json (f, "firmware", "show", "1", NULL);

  g_strlcpy (status, json_object_get_string_member (json_node_get_object (node), "status"), sizeof status);
  return status;
}

/* Product plug: ver-01, ver-02 and dev-01..dev-25 online on 1.0.0, off-1..off-3 offline
 * on 0.9.0; firmware 1 (1.0.0, 0.9.0 → 1.1.0) verified on ver-01 and ver-02. */
static void
setup_verified (CliFixture *f)
{
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autofree char *csv_path = NULL, *bin_path = NULL;
  g_autoptr(JsonNode) verify = NULL;
  JsonObject *batch;

  run_ok (f, "clock", "manual", "--at", "2026-01-01T00:00:00Z");
  run_ok (f, "product", "add", "--key", "plug", "--name", "Plug", "--type", "own-brand", "--network", "wifi");
  g_string_append (csv, "plug,ver-01,浙江省,杭州市,default=1.0.0,yes\nplug,ver-02,,,default=1.0.0,yes\n");
  for (guint i = 1; i <= 25; i++)
    g_string_append_printf (csv, "plug,dev-%02u,,,default=1.0.0,yes\n", i);
  for (guint i = 1; i <= 3; i++)
    g_string_append_printf (csv, "plug,off-%u,,,default=0.9.0,no\n", i);
  csv_path = cli_write_file (f, "devices.csv", csv->str);
  run_ok (f, "device", "import", csv_path);
  bin_path = cli_write_file (f, "plug.bin", "firmware image 1.1.0");
  run_ok (f, "firmware", "add", "plug", bin_path, "--name", "plug-1_1", "--version", "1.1.0",
          "--source", "1.0.0,0.9.0");

  /* R-V1: a verification pushes to the chosen devices at once (no rate limit). */
  verify = run_json (f, "verify", "1", "--source", "1.0.0", "--device", "ver-01,ver-02", NULL);
  batch = json_node_get_object (verify);
  g_assert_cmpstr (json_object_get_string_member (batch, "kind"), ==, "verification");
  g_assert_cmpint (json_object_get_int_member (batch, "total"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (batch, "counts"), "pushed"), ==, 2);
  g_assert_cmpstr (firmware_status (f), ==, "verifying");

  /* R-V4: verified only once every verification task has ended, all succeeded; R-S5:
   * a task succeeds with progress 100 and the new version, in either order. */
  run_ok (f, "device", "progress", "plug", "ver-01", "50");
  run_ok (f, "device", "report", "plug", "ver-01", "1.1.0");
  g_assert_nonnull (strstr (f->out, "upgrading"));
  run_ok (f, "device", "progress", "plug", "ver-01", "100");
  g_assert_nonnull (strstr (f->out, "succeeded"));
  g_assert_cmpstr (firmware_status (f), ==, "verifying");
  run_ok (f, "device", "progress", "plug", "ver-02", "100");
  run_ok (f, "device", "report", "plug", "ver-02", "1.1.0");
  g_assert_cmpstr (firmware_status (f), ==, "verified");
}

/* The whole walk: a scheduled batch with a push rate, retries, failures, a cancel. */
static void
test_scheduled_batch_walk (CliFixture   *f,
                           gconstpointer data)
{
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) failures = NULL;
  g_autoptr(JsonNode) cancelled = NULL;
  g_autoptr(JsonNode) audit = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(GString) actions = g_string_new (NULL);
  JsonObject *object;
  JsonArray *array;

  setup_verified (f);

  /* R-B11, R-B12, R-R1: scheduled in 15 minutes, 10 per minute, named sources, retries. */
  created = run_json (f, "batch", "create", "1", "--start", "+15m", "--rate", "10", "--retry", "10m",
                      "--retry-limit", "2", "--source", "1.0.0", NULL);
  object = json_node_get_object (created);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "scheduled");
  g_assert_cmpstr (json_object_get_string_member (object, "schedule_start"), ==, "2026-01-01T00:15:00Z");
  g_assert_true (json_object_get_boolean_member (object, "sources_named"));
  /* R-B2: the verification devices are left out; 0.9.0 was not chosen. */
  g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 25);

  /* R-S2: pending-push with the scheduled time. */
  run_ok (f, "task", "list", "2", "--limit", "5");
  g_assert_nonnull (strstr (f->out, "pending-push (scheduled: 2026-01-01 00:15:00)"));
  g_assert_nonnull (strstr (f->out, "5 of 25 tasks"));

  /* R-B12: at the start 10 go out, the rest wait rate-limited; a minute later 10 more. */
  run_ok (f, "clock", "advance", "15m");
  g_assert_cmpint (batch_count (f, "2", "pushed"), ==, 10);
  g_assert_cmpint (batch_count (f, "2", "pending-push"), ==, 15);
  run_ok (f, "task", "list", "2", "--status", "pending-push", "--limit", "1");
  g_assert_nonnull (strstr (f->out, "pending-push (rate-limited)"));
  run_ok (f, "clock", "advance", "1m");
  g_assert_cmpint (batch_count (f, "2", "pushed"), ==, 20);

  /* R-R4: a device error is retried after the interval, not before; the status stays. */
  run_ok (f, "device", "progress", "plug", "dev-01", "-2", "--desc", "CRC mismatch");
  g_assert_nonnull (strstr (f->out, "pushed (retry: download-failed)"));
  run_ok (f, "clock", "advance", "9m59s");
  task = device_task (f, "2", "dev-01");
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "pushed");
  g_assert_true (json_object_get_boolean_member (task, "retry_pending"));
  g_assert_cmpint (json_object_get_int_member (task, "tries"), ==, 1);
  g_clear_pointer (&task, json_object_unref);
  run_ok (f, "clock", "advance", "1s");
  task = device_task (f, "2", "dev-01");
  g_assert_cmpint (json_object_get_int_member (task, "tries"), ==, 2);
  g_assert_false (json_object_get_boolean_member (task, "retry_pending"));
  g_clear_pointer (&task, json_object_unref);

  /* R-R4 while upgrading; R-R5: the limit used up, failed with the last reason. */
  run_ok (f, "device", "progress", "plug", "dev-02", "30");
  run_ok (f, "device", "progress", "plug", "dev-02", "-3", "--desc", "签名错误");
  g_assert_nonnull (strstr (f->out, "upgrading (retry: verify-failed)"));
  run_ok (f, "device", "progress", "plug", "dev-01", "-2", "--desc", "CRC mismatch");
  run_ok (f, "clock", "advance", "10m");
  run_ok (f, "device", "progress", "plug", "dev-01", "-2", "--desc", "CRC mismatch again");
  g_assert_nonnull (strstr (f->out, "failed (download-failed)"));
  run_ok (f, "device", "progress", "plug", "dev-05", "100");
  run_ok (f, "device", "report", "plug", "dev-05", "1.1.0");
  g_assert_nonnull (strstr (f->out, "succeeded"));

  /* R-D3: failures grouped by reason, then each device with code and description. */
  failures = run_json (f, "failures", "2", NULL);
  object = json_node_get_object (failures);
  array = json_object_get_array_member (object, "reasons");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "reason"), ==,
                   "download-failed");
  array = json_object_get_array_member (object, "tasks");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "error_code"), ==, -2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "tries"), ==, 3);
  run_ok (f, "failures", "2");
  g_assert_nonnull (strstr (f->out, "download-failed  1"));
  g_assert_nonnull (strstr (f->out, "CRC mismatch again"));

  /* R-B17: one task, then the whole batch; ended tasks keep their status. */
  task = device_task (f, "2", "dev-10");
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (task, "id"));

    run_ok (f, "task", "cancel", id);
    g_assert_nonnull (strstr (f->out, "cancelled (cancelled)"));
  }
  cancelled = run_json (f, "batch", "cancel", "2", NULL);
  object = json_node_get_object (cancelled);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "cancelled");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "counts"), "cancelled"), ==, 23);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "counts"), "succeeded"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "counts"), "failed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "progress_percent"), ==, 100);
  cli_assert_status (f, cli_run (f, "batch", "cancel", "2", NULL), 4);
  cli_assert_error_line (f, "ended");

  /* Every operator action is in the audit log, newest first. */
  audit = run_json (f, "audit", NULL);
  array = json_object_get_array_member (json_node_get_object (audit), "entries");
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (actions, "%s ",
                            json_object_get_string_member (json_array_get_object_element (array, i), "action"));
  g_assert_cmpstr (actions->str, ==,
                   "batch.cancel task.cancel batch.create firmware.verify firmware.add device.import product.add ");
  object = json_object_get_object_member (json_array_get_object_element (array, 2), "params");
  g_assert_cmpint (json_object_get_int_member (object, "push-rate"), ==, 10);
  run_ok (f, "audit", "--limit", "2");
  g_assert_nonnull (strstr (f->out, "batch.cancel"));
  g_assert_nonnull (strstr (f->out, "2 of 7 entries"));
}

/* R-B10..R-B14: each value out of range exits 2 naming the field and changes nothing. */
static void
test_bad_values_change_nothing (CliFixture   *f,
                                gconstpointer data)
{
  const struct {
    const char *option;
    const char *value;
    const char *field;
  } bad[] = {
    { "--rate", "9", "Push rate" },
    { "--rate", "1001", "Push rate" },
    { "--timeout", "4", "timeout" },
    { "--gray", "101", "Gray percentage" },
    { "--start", "+9m", "Scheduled start" },
    { "--start", "+15x", "Scheduled start" },
    { "--retry-limit", "3", "Retry limit" },
    { "--retry", "5m", "retry-interval" },
  };
  g_autofree char *before = NULL;
  g_autofree char *tasks_before = NULL;

  setup_verified (f);
  run_ok (f, "batch", "create", "1", "--source", "1.0.0", "--device", "dev-01,dev-02");
  run_ok (f, "--json", "batch", "list", "1");
  before = g_strdup (f->out);
  run_ok (f, "--json", "task", "list", "2");
  tasks_before = g_strdup (f->out);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s %s", bad[i].option, bad[i].value);
      cli_assert_status (f, cli_run (f, "batch", "create", "1", "--source", "1.0.0",
                                     bad[i].option, bad[i].value, NULL), 2);
      cli_assert_error_line (f, bad[i].field);
      g_assert_cmpstr (f->out, ==, "");
    }

  /* An unknown firmware: exit 3. */
  cli_assert_status (f, cli_run (f, "batch", "create", "7", NULL), 3);
  cli_assert_error_line (f, NULL);

  run_ok (f, "--json", "batch", "list", "1");
  g_assert_cmpstr (f->out, ==, before);
  run_ok (f, "--json", "task", "list", "2");
  g_assert_cmpstr (f->out, ==, tasks_before);
}

/* --dry-run: the forecast, and nothing created (R-B2: verification devices left out). */
static void
test_dry_run_forecast (CliFixture   *f,
                       gconstpointer data)
{
  g_autoptr(JsonNode) forecast = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *object;

  setup_verified (f);
  forecast = run_json (f, "batch", "create", "1", "--source", "1.0.0,0.9.0", "--rate", "10", "--dry-run", NULL);
  object = json_node_get_object (forecast);
  g_assert_cmpint (json_object_get_int_member (object, "matched"), ==, 28);
  g_assert_cmpint (json_object_get_int_member (object, "offline"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "conflicts"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "overwrites"), ==, 0);
  /* 25 online devices at 10 a minute: three minutes. */
  g_assert_cmpint (json_object_get_int_member (object, "push_duration_seconds"), ==, 180);

  run_ok (f, "batch", "create", "1", "--scope", "gray", "--gray", "40", "--dry-run");
  g_assert_nonnull (strstr (f->out, "Devices:         11"));   /* floor (28 × 40 %) */
  g_assert_nonnull (strstr (f->out, "Push duration:"));

  list = run_json (f, "batch", "list", "1", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);   /* the verification */
}

/* R-E3: a negative step is an argument, not an option; out of range is refused. */
static void
test_progress_negative_step (CliFixture   *f,
                             gconstpointer data)
{
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonNode) shown = NULL;

  setup_verified (f);
  run_ok (f, "batch", "create", "1", "--source", "1.0.0", "--device", "dev-01,dev-02,dev-03");

  run_ok (f, "device", "progress", "plug", "dev-01", "-2");
  task = device_task (f, "2", "dev-01");
  g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (task, "reason"), ==, "download-failed");
  g_clear_pointer (&task, json_object_unref);

  /* After "--", and as an option's value: "-1" is the description there. */
  shown = run_json (f, "device", "progress", "plug", "dev-02", "--desc", "-1", "--", "-4", NULL);
  task = json_object_ref (json_object_get_object_member (json_node_get_object (shown), "task"));
  g_assert_cmpstr (json_object_get_string_member (task, "reason"), ==, "flash-failed");
  g_assert_cmpint (json_object_get_int_member (task, "error_code"), ==, -4);
  g_assert_cmpstr (json_object_get_string_member (task, "detail"), ==, "-1");

  cli_assert_status (f, cli_run (f, "device", "progress", "plug", "dev-03", "-5", NULL), 2);
  cli_assert_error_line (f, "step");
  cli_assert_status (f, cli_run (f, "device", "progress", "plug", "dev-03", "101", NULL), 2);
  cli_assert_error_line (f, "step");
  cli_assert_status (f, cli_run (f, "device", "progress", "plug", "dev-03", "--bogus", "5", NULL), 1);
  cli_assert_status (f, cli_run (f, "device", "progress", "plug", "nobody", "5", NULL), 3);
  cli_assert_error_line (f, "nobody");

  /* Online/offline change nothing for a pushed task; the device has no task: said so. */
  run_ok (f, "device", "offline", "plug", "dev-03");
  g_assert_nonnull (strstr (f->out, "pushed"));
  run_ok (f, "device", "online", "plug", "off-1");
  g_assert_nonnull (strstr (f->out, "no upgrade task"));
}

/* The persisted clock: manual time survives between runs; it never goes back. */
static void
test_clock (CliFixture   *f,
            gconstpointer data)
{
  g_autoptr(JsonNode) shown = NULL;
  const char *bad[] = { "10", "1h1h", "30m1h", "-5m", "0s", "1.5h", "", "h" };

  run_ok (f, "clock", "show");
  g_assert_nonnull (strstr (f->out, "real"));
  cli_assert_status (f, cli_run (f, "clock", "advance", "1m", NULL), 4);
  cli_assert_error_line (f, "manual");

  run_ok (f, "clock", "manual", "--at", "2026-01-01T08:00:00+08:00");
  run_ok (f, "clock", "advance", "1h30m");
  run_ok (f, "clock", "advance", "1d");
  run_ok (f, "clock", "advance", "90s");
  shown = run_json (f, "clock", "show", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (shown), "mode"), ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (shown), "now"), ==,
                   "2026-01-02T01:31:30Z");
  g_assert_true (json_object_get_null_member (json_node_get_object (shown), "next_due"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("advance '%s'", bad[i]);
      cli_assert_status (f, cli_run (f, "clock", "advance", "--", bad[i], NULL), 2);
      cli_assert_error_line (f, "Duration");
      g_assert_nonnull (strstr (f->err, "1h30m"));
    }

  cli_assert_status (f, cli_run (f, "clock", "set", "2026-01-02T01:31:29Z", NULL), 2);
  cli_assert_error_line (f, "never goes back");
  cli_assert_status (f, cli_run (f, "clock", "set", "yesterday", NULL), 2);
  cli_assert_error_line (f, "ISO 8601");
  run_ok (f, "clock", "set", "2026-02-01T00:00:00Z");
  g_assert_nonnull (strstr (f->out, "2026-02-01T00:00:00Z"));

  run_ok (f, "clock", "real");
  run_ok (f, "clock", "show");
  g_assert_nonnull (strstr (f->out, "real"));
}

int
main (int    argc,
      char **argv)
{
  /* Local times in the text output are then UTC, whatever the machine's zone. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/rollout/R-B11-R-B12-R-R4-R-D3-R-B17/scheduled-batch-walk", CliFixture, NULL,
              cli_fixture_setup, test_scheduled_batch_walk, cli_fixture_teardown);
  g_test_add ("/rollout/R-B10-R-B14/bad-values-change-nothing", CliFixture, NULL,
              cli_fixture_setup, test_bad_values_change_nothing, cli_fixture_teardown);
  g_test_add ("/rollout/R-B2/dry-run-forecast", CliFixture, NULL,
              cli_fixture_setup, test_dry_run_forecast, cli_fixture_teardown);
  g_test_add ("/rollout/R-E3/progress-negative-step", CliFixture, NULL,
              cli_fixture_setup, test_progress_negative_step, cli_fixture_teardown);
  g_test_add ("/rollout/clock/persisted-manual-clock", CliFixture, NULL,
              cli_fixture_setup, test_clock, cli_fixture_teardown);

  return g_test_run ();
}
