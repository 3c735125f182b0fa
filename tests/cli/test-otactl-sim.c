/* test-otactl-sim.c — "otactl sim run": a simulated fleet on the database's manual clock
 *
 * A database with 20 devices and a running batch whose notices went out before any
 * fleet existed (so the fleet has to pick the upgrades up from the tasks). The simulation
 * switches the database to a manual clock, moves it by exactly the duration, ends every
 * task and prints the counts per status; a second run goes on where the first stopped.
 */
#include <string.h>

#include "cli-test-util.h"
#include "ota-test-link.h"

#define N_DEVICES 20

static void
prepare_database (CliFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  /* The engine test helpers on the CLI fixture's folder and database. */
  OtaTestFixture fx = {
    .dir = f->dir,
    .db_path = f->db,
    .clock = ota_manual_clock_new (OTA_TEST_EPOCH),
  };

  fx.engine = ota_engine_new (fx.db_path, OTA_CLOCK (fx.clock), &error);
  g_assert_no_error (error);
  firmware = ota_test_add_firmware (&fx, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  ota_test_verify_firmware (&fx, firmware, "verifier");
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autofree char *name = g_strdup_printf ("dev-%02u", i);
      g_autoptr(OtaDevice) device = ota_test_add_device (fx.engine, OTA_TEST_PRODUCT, name, "1.0");
    }
  spec.firmware_id = ota_firmware_get_id (firmware);
  spec.push_rate = 10;
  ota_test_create_batch (&fx, &spec);

  g_clear_object (&fx.engine);
  g_clear_object (&fx.clock);
}

static JsonObject *
run_sim (CliFixture *f,
         const char *duration,
         JsonNode  **root)
{
  cli_assert_status (f, cli_run (f, "--json", "sim", "run", "--for", duration, "--seed", "5", NULL), 0);
  *root = cli_out_json (f);
  return json_node_get_object (*root);
}

static JsonObject *
find_batch (JsonObject *summary,
            const char *kind)
{
  JsonArray *batches = json_object_get_array_member (summary, "batches");

  for (guint i = 0; i < json_array_get_length (batches); i++)
    {
      JsonObject *batch = json_array_get_object_element (batches, i);

      if (g_str_equal (json_object_get_string_member (batch, "kind"), kind))
        return batch;
    }
  g_assert_not_reached ();
}

/* R-E1, R-E2, R-S5: the fleet ends every task of the batch within the simulated time,
 * on the manual clock the database keeps (clock.manual_now). */
static void
test_sim_run (CliFixture    *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) clock = NULL;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  JsonObject *summary, *tasks;
  gint64 ended = 0;

  prepare_database (f);

  summary = run_sim (f, "6h", &first);
  g_assert_cmpint (json_object_get_int_member (summary, "devices"), ==, N_DEVICES + 1);
  g_assert_cmpint (json_object_get_int_member (summary, "events"), >, 0);
  from = g_date_time_new_from_iso8601 (json_object_get_string_member (summary, "from"), NULL);
  to = g_date_time_new_from_iso8601 (json_object_get_string_member (summary, "to"), NULL);
  g_assert_cmpint (g_date_time_difference (to, from), ==, 6 * G_TIME_SPAN_HOUR);

  tasks = json_object_get_object_member (find_batch (summary, "batch"), "tasks");
  for (const char * const *s = (const char * const[]) { "succeeded", "failed", "cancelled", NULL }; *s != NULL; s++)
    ended += json_object_get_int_member (tasks, *s);
  g_assert_cmpint (ended, ==, N_DEVICES);
  g_assert_cmpint (json_object_get_int_member (tasks, "succeeded"), >, N_DEVICES / 2);
  g_assert_cmpstr (json_object_get_string_member (find_batch (summary, "batch"), "state"), ==, "finished");

  /* The clock is manual now, where the run ended. */
  cli_assert_status (f, cli_run (f, "--json", "clock", "show", NULL), 0);
  clock = cli_out_json (f);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (clock), "mode"), ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (clock), "now"), ==,
                   json_object_get_string_member (summary, "to"));

  /* A second run starts there. */
  summary = run_sim (f, "30m", &second);
  g_assert_cmpstr (json_object_get_string_member (summary, "from"), ==,
                   json_object_get_string_member (json_node_get_object (first), "to"));
}

/* Usage and field errors: exit codes 1 and 2, one line each. */
static void
test_sim_run_refusals (CliFixture    *f,
                       gconstpointer  data)
{
  cli_assert_status (f, cli_run (f, "sim", "run", NULL), 1);
  cli_assert_error_line (f, "--for");
  cli_assert_status (f, cli_run (f, "sim", "run", "--for", "5x", NULL), 2);
  cli_assert_error_line (f, "5x");
  cli_assert_status (f, cli_run (f, "sim", "run", "--for", "1h", "--failure-rate", "1.5", NULL), 2);
  cli_assert_error_line (f, "1.5");
  cli_assert_status (f, cli_run (f, "sim", "run", "--for", "1h", "--seed", "-3", NULL), 2);
  cli_assert_error_line (f, "-3");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/otactl/sim/R-E1-R-E2-R-S5/run-ends-the-batch-on-the-manual-clock", CliFixture, NULL,
              cli_fixture_setup, test_sim_run, cli_fixture_teardown);
  g_test_add ("/otactl/sim/run-refuses-bad-options", CliFixture, NULL,
              cli_fixture_setup, test_sim_run_refusals, cli_fixture_teardown);

  return g_test_run ();
}
