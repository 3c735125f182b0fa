/* crash-rollout-child.c — the process test-crash-rollout kills: a simulated fleet playing
 * a rollout on an existing database, acknowledging every committed group of events
 *
 * crash-rollout-child DB LOG SEED HORIZON_MINUTES
 *
 * It resumes from whatever the database holds: the manual clock starts at the latest
 * time the database recorded (so time never goes back after a kill), the fleet loads the
 * devices as stored. For every group of device events it writes to LOG, before handing
 * the group to the engine, "G seq n", one line "E device kind value" per event and
 * "P seq"; after the commit it writes "A seq task-id status" for each task that ended at
 * this instant, then prints "ack seq" on stdout. Everything is flushed at once, so a
 * SIGKILL loses nothing that was written. It exits 0 when no task is left unfinished or
 * the horizon of simulated time is reached.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ota-sim-fleet.h"

typedef struct {
  OtaEngine *engine;
  FILE      *log;
} Child;

static gint64
query_int (OtaEngine  *engine,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (ota_engine_get_store (engine), sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static const char *
event_value (const OtaDeviceEvent *event,
             char                 *buffer,
             gsize                 size)
{
  switch (event->kind)
    {
    case OTA_DEVICE_EVENT_VERSION:
      return event->version;
    case OTA_DEVICE_EVENT_PROGRESS:
      g_snprintf (buffer, size, "%d", event->step);
      return buffer;
    default:
      return "-";
    }
}

static void
on_group (OtaSimFleet          *fleet,
          guint64               seq,
          const OtaDeviceEvent *events,
          guint                 n_events,
          gboolean              committed,
          gpointer              user_data)
{
  Child *child = user_data;

  if (!committed)
    {
      fprintf (child->log, "G %" G_GUINT64_FORMAT " %u\n", seq, n_events);
      for (guint i = 0; i < n_events; i++)
        {
          char buffer[16];

          fprintf (child->log, "E %s %s %s\n", events[i].device_name,
                   ota_enum_to_nick (OTA_TYPE_DEVICE_EVENT_KIND, events[i].kind),
                   event_value (&events[i], buffer, sizeof buffer));
        }
      fprintf (child->log, "P %" G_GUINT64_FORMAT "\n", seq);
      fflush (child->log);
      return;
    }

  /* Committed: the tasks that ended at this instant (by the group or the due work
   * around it) are part of what this acknowledgement promises. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(OtaCachedStmt) stmt =
      ota_store_prepare (ota_engine_get_store (child->engine),
                         "SELECT id, status FROM tasks WHERE batch_id IN (SELECT id FROM batches) "
                         "AND updated_at = ? AND status IN ('succeeded', 'failed', 'cancelled')",
                         &error);

    g_assert_no_error (error);
    sqlite3_bind_int64 (stmt, 1, ota_clock_get_now (ota_engine_get_clock (child->engine)));
    while (sqlite3_step (stmt) == SQLITE_ROW)
      fprintf (child->log, "A %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %s\n", seq,
               (gint64) sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1));
  }
  fflush (child->log);

  printf ("ack %" G_GUINT64_FORMAT "\n", seq);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaManualClock) clock = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaSimFleet) fleet = NULL;
  g_autoptr(GPtrArray) products = NULL;
  OtaSimConfig config = OTA_SIM_CONFIG_INIT;
  Child child = { 0 };
  gint64 start, until;

  if (argc != 5)
    {
      fprintf (stderr, "usage: crash-rollout-child DB LOG SEED HORIZON_MINUTES\n");
      return 2;
    }

  /* The clock starts where the database's records end. */
  clock = ota_manual_clock_new (0);
  engine = ota_engine_new (argv[1], OTA_CLOCK (clock), &error);
  g_assert_no_error (error);
  start = MAX (query_int (engine, "SELECT coalesce(max(updated_at), 0) FROM tasks"),
               MAX (query_int (engine, "SELECT coalesce(max(at), 0) FROM push_log"),
                    MAX (query_int (engine, "SELECT coalesce(max(reported_at), 0) FROM device_versions"),
                         query_int (engine, "SELECT coalesce(max(created_at), 0) FROM batches"))));
  ota_manual_clock_set (clock, start);
  until = start + (gint64) g_ascii_strtoll (argv[4], NULL, 10) * G_TIME_SPAN_MINUTE;

  child.engine = engine;
  child.log = fopen (argv[2], "a");
  g_assert_nonnull (child.log);

  config.seed = (guint32) g_ascii_strtoull (argv[3], NULL, 10);
  config.churn_per_hour = 0.5;
  config.offline_mean_us = 2 * G_TIME_SPAN_MINUTE;
  config.download_min_bps = 2000;
  config.download_max_bps = 20000;
  config.confirm_delay_max_us = 5 * G_TIME_SPAN_MINUTE;
  fleet = ota_sim_fleet_new (engine, clock, &config);
  ota_sim_fleet_set_group_func (fleet, on_group, &child);
  ota_engine_set_device_link (engine, OTA_DEVICE_LINK (fleet));

  products = ota_engine_list_products (engine, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < products->len; i++)
    {
      ota_sim_fleet_add_product (fleet, ota_product_get_key (g_ptr_array_index (products, i)), &error);
      g_assert_no_error (error);
    }

  while (ota_clock_get_now (OTA_CLOCK (clock)) < until &&
         query_int (engine, "SELECT count(*) FROM tasks WHERE status IN "
                            "('pending-confirm', 'pending-push', 'pushed', 'upgrading')") > 0)
    {
      ota_sim_fleet_run_until (fleet, MIN (until, ota_clock_get_now (OTA_CLOCK (clock)) + G_TIME_SPAN_MINUTE),
                               &error);
      g_assert_no_error (error);
    }

  ota_engine_set_device_link (engine, NULL);
  fclose (child.log);
  return EXIT_SUCCESS;
}
