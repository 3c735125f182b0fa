/* otactl-sim.c — "otactl sim run": play every device of the database with a simulated
 * fleet (ota-sim-fleet.h) on the database's manual clock
 *
 * The fleet moves the clock itself; the time reached is saved (clock.manual_now) after
 * every slice of simulated time, so Ctrl-C or a crash leaves the database's clock close
 * to the last events it holds, and the next otactl command goes on from there.
 */
#include "ota-sim-fleet.h"
#include "otactl-private.h"

/* Simulated time between two saves of the clock (one commit each). */
#define SLICE (5 * G_TIME_SPAN_MINUTE)

/* The database keeps running on a manual clock from now on: created from the real time
 * the first time (the same meta keys as "otactl clock manual"). */
static gboolean
ensure_manual_clock (Otactl  *ctl,
                     GError **error)
{
  if (ctl->manual_clock != NULL)
    return TRUE;

  ctl->manual_clock = ota_manual_clock_new (otactl_clock_now (ctl));
  ota_engine_set_clock (ctl->engine, OTA_CLOCK (ctl->manual_clock));
  return otactl_clock_save (ctl, error);
}

static gboolean
parse_rate (const char  *text,
            const char  *field,
            const char  *label,
            double      *rate,
            GError     **error)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !(value >= 0.0 && value <= 1.0))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s must be a number from 0 to 1, not “%s”"), label, text);
      return FALSE;
    }

  *rate = value;
  return TRUE;
}

/* Every batch of every product, with its firmware: (element-type OtaBatch). */
static gboolean
collect_batches (OtaEngine  *engine,
                 GPtrArray  *batches,
                 GPtrArray  *firmware_names,
                 GError    **error)
{
  g_autoptr(GPtrArray) products = ota_engine_list_products (engine, error);

  if (products == NULL)
    return FALSE;

  for (guint p = 0; p < products->len; p++)
    {
      g_autoptr(GPtrArray) firmwares =
        ota_engine_list_firmwares (engine, ota_product_get_key (g_ptr_array_index (products, p)), error);

      if (firmwares == NULL)
        return FALSE;
      for (guint f = 0; f < firmwares->len; f++)
        {
          OtaFirmware *firmware = g_ptr_array_index (firmwares, f);
          g_autoptr(GPtrArray) list = ota_engine_list_batches (engine, ota_firmware_get_id (firmware), error);

          if (list == NULL)
            return FALSE;
          for (guint b = 0; b < list->len; b++)
            {
              g_ptr_array_add (batches, g_object_ref (g_ptr_array_index (list, b)));
              g_ptr_array_add (firmware_names, g_strdup (ota_firmware_get_name (firmware)));
            }
        }
    }

  return TRUE;
}

static void
print_summary_json (Otactl            *ctl,
                    gint64             from,
                    gint64             to,
                    const OtaSimStats *stats,
                    GPtrArray         *batches,
                    GPtrArray         *firmware_names)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *from_iso = otactl_format_time_iso (from);
  g_autofree char *to_iso = otactl_format_time_iso (to);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from_iso);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to_iso);
  json_builder_set_member_name (builder, "devices");
  json_builder_add_int_value (builder, (gint64) stats->devices);
  json_builder_set_member_name (builder, "notices");
  json_builder_add_int_value (builder, (gint64) stats->notices);
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, (gint64) stats->events);
  json_builder_set_member_name (builder, "groups");
  json_builder_add_int_value (builder, (gint64) stats->groups);
  json_builder_set_member_name (builder, "batches");
  json_builder_begin_array (builder);
  for (guint i = 0; i < batches->len; i++)
    {
      OtaBatch *batch = g_ptr_array_index (batches, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, ota_batch_get_id (batch));
      json_builder_set_member_name (builder, "firmware");
      json_builder_add_int_value (builder, ota_batch_get_firmware_id (batch));
      json_builder_set_member_name (builder, "firmware_name");
      json_builder_add_string_value (builder, g_ptr_array_index (firmware_names, i));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, ota_enum_to_nick (OTA_TYPE_BATCH_KIND, ota_batch_get_kind (batch)));
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, ota_enum_to_nick (OTA_TYPE_BATCH_STATE, ota_batch_get_state (batch)));
      json_builder_set_member_name (builder, "tasks");
      json_builder_begin_object (builder);
      for (OtaTaskStatus s = 0; s < OTA_N_TASK_STATUSES; s++)
        {
          json_builder_set_member_name (builder, ota_enum_to_nick (OTA_TYPE_TASK_STATUS, s));
          json_builder_add_int_value (builder, (gint64) ota_batch_get_count (batch, s));
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  otactl_print_json (json_builder_get_root (builder));
}

static void
print_summary_text (gint64             from,
                    gint64             to,
                    const OtaSimStats *stats,
                    GPtrArray         *batches,
                    GPtrArray         *firmware_names)
{
  g_autoptr(OtactlTable) table = NULL;
  g_autofree char *from_text = otactl_format_time (from);
  g_autofree char *to_text = otactl_format_time (to);

  g_print (_("Simulated %s to %s: %llu devices, %llu notices, %llu device events in %llu groups\n"),
           from_text, to_text, (unsigned long long) stats->devices, (unsigned long long) stats->notices,
           (unsigned long long) stats->events, (unsigned long long) stats->groups);
  if (batches->len == 0)
    {
      g_print ("%s\n", _("No batches yet: start one with “otactl verify” or “otactl batch create”."));
      return;
    }

  table = otactl_table_new (11, _("BATCH"), _("FIRMWARE"), _("KIND"), _("STATE"),
                            "pending-confirm", "pending-push", "pushed", "upgrading",
                            "succeeded", "failed", "cancelled");
  for (guint i = 0; i < batches->len; i++)
    {
      OtaBatch *batch = g_ptr_array_index (batches, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ota_batch_get_id (batch));
      char counts[OTA_N_TASK_STATUSES][24];

      for (OtaTaskStatus s = 0; s < OTA_N_TASK_STATUSES; s++)
        g_snprintf (counts[s], sizeof counts[s], "%" G_GUINT64_FORMAT, ota_batch_get_count (batch, s));
      otactl_table_add_row (table, id, (const char *) g_ptr_array_index (firmware_names, i),
                            ota_enum_to_nick (OTA_TYPE_BATCH_KIND, ota_batch_get_kind (batch)),
                            ota_enum_to_nick (OTA_TYPE_BATCH_STATE, ota_batch_get_state (batch)),
                            counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]);
    }
  otactl_table_print (table);
}

static gboolean
sim_run (Otactl  *ctl,
         int      argc,
         char   **argv,
         GError **error)
{
  g_autofree char *for_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *failure_text = NULL;
  const GOptionEntry entries[] = {
    { "for", 0, 0, G_OPTION_ARG_STRING, &for_text,
      N_("How much simulated time to run, like 30m, 2h or 1d (required)"), N_("DURATION") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Seed of the devices’ random behaviour; the same seed on the same database gives the same run (default 1)"),
      N_("SEED") },
    { "failure-rate", 0, 0, G_OPTION_ARG_STRING, &failure_text,
      N_("Share of upgrade attempts that end with a device error, 0 to 1 (default 0.05)"), N_("RATE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "sim run", NULL,
                               _("Play every device of every product for a while: devices go offline "
                                 "and come back, answer upgrade notices with progress, errors or their "
                                 "new version, and app users confirm or decline. Runs on the database’s "
                                 "manual clock (switching to one from the real time the first time) and "
                                 "prints the tasks per status of every batch."),
                               entries);
  OtaSimConfig config = OTA_SIM_CONFIG_INIT;
  g_autoptr(OtaSimFleet) fleet = NULL;
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) firmware_names = g_ptr_array_new_with_free_func (g_free);
  GTimeSpan duration;
  guint64 seed = config.seed;
  gint64 from, until, t;
  gboolean ok = TRUE;

  if (!otactl_parse (context, &argc, &argv, 0, 0, error))
    return FALSE;
  if (for_text == NULL)
    return otactl_usage_error (error, _("Missing --for DURATION; see “%s --help”"), g_get_prgname ());
  if (!otactl_parse_duration (for_text, "for", _("Duration"), &duration, error) ||
      (failure_text != NULL && !parse_rate (failure_text, "failure-rate", _("Failure rate"), &config.failure_rate, error)))
    return FALSE;
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT32, &seed, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "seed",
                           _("Seed must be a whole number from 0 to %u, not “%s”"), G_MAXUINT32, seed_text);
      return FALSE;
    }
  config.seed = (guint32) seed;

  if (otactl_get_engine (ctl, error) == NULL ||
      !ensure_manual_clock (ctl, error) ||
      (products = ota_engine_list_products (ctl->engine, error)) == NULL)
    return FALSE;

  fleet = ota_sim_fleet_new (ctl->engine, ctl->manual_clock, &config);
  for (guint i = 0; i < products->len; i++)
    if (!ota_sim_fleet_add_product (fleet, ota_product_get_key (g_ptr_array_index (products, i)), error))
      return FALSE;

  from = otactl_clock_now (ctl);
  until = from + duration;
  ota_engine_set_device_link (ctl->engine, OTA_DEVICE_LINK (fleet));
  otactl_catch_sigint (ctl, TRUE);

  for (t = from; ok && t < until; )
    {
      t = MIN (until, t + SLICE);
      ok = ota_sim_fleet_run_until (fleet, t, error) && otactl_clock_save (ctl, error);

      /* Ctrl-C is delivered through the main context: stop at a slice's end. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (ok && g_cancellable_set_error_if_cancelled (ctl->cancellable, error))
        ok = FALSE;
      if (ok && ctl->stderr_is_tty)
        otactl_progress_stderr ((guint64) (t - from), (guint64) duration, (gpointer) _("Simulating"));
    }

  if (ctl->stderr_is_tty)
    otactl_progress_end ();
  otactl_catch_sigint (ctl, FALSE);
  ota_engine_set_device_link (ctl->engine, NULL);
  if (!ok)
    return FALSE;

  if (!collect_batches (ctl->engine, batches, firmware_names, error))
    return FALSE;
  if (ctl->json)
    print_summary_json (ctl, from, until, ota_sim_fleet_get_stats (fleet), batches, firmware_names);
  else
    print_summary_text (from, until, ota_sim_fleet_get_stats (fleet), batches, firmware_names);
  return TRUE;
}

static const OtactlCommand sim_commands[] = {
  { "run", sim_run, N_("Play the devices for a while on the manual clock") },
  { NULL }
};

gboolean
otactl_sim_run (Otactl  *ctl,
                int      argc,
                char   **argv,
                GError **error)
{
  return otactl_dispatch (ctl, "otactl sim", sim_commands, argc, argv, error);
}
