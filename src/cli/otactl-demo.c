/* otactl-demo.c — "otactl demo": fill an empty database with the demo catalogue */
#include "ota-demo-catalogue.h"
#include "otactl-private.h"

gboolean
otactl_demo_run (Otactl  *ctl,
                 int      argc,
                 char   **argv,
                 GError **error)
{
  int n_devices = OTA_DEMO_DEFAULT_DEVICES;
  g_autofree char *seed_text = NULL;
  guint64 seed = OTA_DEMO_DEFAULT_SEED;
  OtaDemoSummary summary = { 0 };
  OtaEngine *engine;
  const GOptionEntry entries[] = {
    { "devices", 0, 0, G_OPTION_ARG_INT, &n_devices, N_("Number of devices (default 5000)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Seed of the random choices; the same seed gives the same catalogue (default 1)"), N_("SEED") },
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
      !ota_demo_catalogue_fill (engine, (guint) n_devices, (guint32) seed, ctl->cancellable, &summary, error))
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
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
    }
  else
    g_print (_("Demo catalogue in %s: %u products, %llu devices, %u firmwares\n"),
             ctl->db_path, summary.products, (unsigned long long) summary.devices, summary.firmwares);
  return TRUE;
}
