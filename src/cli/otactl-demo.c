/* otactl-demo.c — "otactl demo": fill an empty database with the demo catalogue, and
 * with --with-rollouts play the demo's rollouts on it (ota-demo-rollouts.h) */
#include "ota-demo-catalogue.h"
#include "ota-demo-rollouts.h"
#include "otactl-private.h"

/* The rollouts are played on a manual clock: the database switches to one (as
 * "otactl clock manual" does) and keeps the time they reached. */
static gboolean
play_rollouts (Otactl                 *ctl,
               guint32                 seed,
               OtaDemoRolloutSummary  *summary,
               GError                **error)
{
  g_autoptr(OtaSimFleet) fleet = NULL;
  gboolean ok;

  if (ctl->manual_clock == NULL)
    {
      ctl->manual_clock = ota_manual_clock_new (otactl_clock_now (ctl));
      ota_engine_set_clock (ctl->engine, OTA_CLOCK (ctl->manual_clock));
    }

  fleet = ota_demo_fleet_new (ctl->engine, ctl->manual_clock, seed, error);
  if (fleet == NULL)
    return FALSE;

  ota_engine_set_device_link (ctl->engine, OTA_DEVICE_LINK (fleet));
  ok = ota_demo_rollouts_play (ctl->engine, fleet, summary, error);
  ota_engine_set_device_link (ctl->engine, NULL);
  return otactl_clock_save (ctl, ok ? error : NULL) && ok;
}

gboolean
otactl_demo_run (Otactl  *ctl,
                 int      argc,
                 char   **argv,
                 GError **error)
{
  int n_devices = OTA_DEMO_DEFAULT_DEVICES;
  g_autofree char *seed_text = NULL;
  guint64 seed = OTA_DEMO_DEFAULT_SEED;
  gboolean with_rollouts = FALSE;
  OtaDemoSummary summary = { 0 };
  OtaDemoRolloutSummary rollouts = { 0 };
  OtaEngine *engine;
  const GOptionEntry entries[] = {
    { "devices", 0, 0, G_OPTION_ARG_INT, &n_devices, N_("Number of devices (default 5000)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Seed of the random choices; the same seed gives the same catalogue (default 1)"), N_("SEED") },
    { "with-rollouts", 0, 0, G_OPTION_ARG_NONE, &with_rollouts,
      N_("Also verify firmwares and start batch upgrades, played by simulated devices on the "
         "database’s manual clock"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "demo", NULL,
                               _("Fill an empty database with a demo catalogue: four products of both "
                                 "project types, devices across China’s provinces, modules, versions "
                                 "and firmwares. A database that has products already is refused."),
                               entries);

  if (!otactl_parse (context, &argc, &argv, 0, 0, error))
    return FALSE;
  if (n_devices < 0)
    return otactl_usage_error (error, _("--devices must not be negative"));
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT32, &seed, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "seed",
                           _("Seed must be a whole number from 0 to %u, not “%s”"), G_MAXUINT32, seed_text);
      return FALSE;
    }

  if ((engine = otactl_get_engine (ctl, error)) == NULL ||
      !ota_demo_catalogue_fill (engine, (guint) n_devices, (guint32) seed, ctl->cancellable, &summary, error) ||
      (with_rollouts && !play_rollouts (ctl, (guint32) seed, &rollouts, error)))
    return FALSE;

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "database");
      json_builder_add_string_value (builder, ctl->db_path);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, (gint64) seed);
      json_builder_set_member_name (builder, "products");
      json_builder_add_int_value (builder, summary.products);
      json_builder_set_member_name (builder, "devices");
      json_builder_add_int_value (builder, (gint64) summary.devices);
      json_builder_set_member_name (builder, "firmwares");
      json_builder_add_int_value (builder, summary.firmwares);
      if (with_rollouts)
        {
          json_builder_set_member_name (builder, "verifications");
          json_builder_add_int_value (builder, rollouts.verifications);
          json_builder_set_member_name (builder, "batches");
          json_builder_add_int_value (builder, rollouts.batches);
        }
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
    }
  else
    g_print (_("Demo catalogue in %s: %u products, %llu devices, %u firmwares\n"),
             ctl->db_path, summary.products, (unsigned long long) summary.devices, summary.firmwares);
  if (with_rollouts && !ctl->json)
    g_print (_("Rollouts: %u verifications, %u batch upgrades, %u simulated minutes on the manual clock\n"),
             rollouts.verifications, rollouts.batches, (guint) (rollouts.played_us / G_TIME_SPAN_MINUTE));
  return TRUE;
}
