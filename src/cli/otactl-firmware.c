/* otactl-firmware.c — "otactl firmware …": add, list, show (R-F1..R-F10) */
#include "otactl-private.h"

/* "--source 1.0,1.1 --source 1.2" → { "1.0", "1.1", "1.2" }; empty pieces are dropped. */
static GStrv
split_sources (char **options)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      g_auto(GStrv) pieces = g_strsplit (options[i], ",", -1);

      for (guint j = 0; pieces[j] != NULL; j++)
        {
          g_strstrip (pieces[j]);
          if (*pieces[j] != '\0')
            g_strv_builder_add (builder, pieces[j]);
        }
    }

  return g_strv_builder_end (builder);
}

/* R-F7: md5 where it is the only choice, sha256 everywhere else. */
static OtaSignAlgorithm
default_sign_algorithm (OtaProduct      *product,
                        OtaFirmwareType  type)
{
  OtaProjectType project = ota_product_get_project_type (product);

  if (project == OTA_PROJECT_TYPE_TMALL_GENIE &&
      ota_product_get_network_type (product) == OTA_NETWORK_TYPE_BLE)
    return OTA_SIGN_ALGORITHM_MD5;
  if (project == OTA_PROJECT_TYPE_OWN_BRAND && ota_product_get_android_sdk (product) &&
      type == OTA_FIRMWARE_TYPE_DIFF)
    return OTA_SIGN_ALGORITHM_MD5;
  return OTA_SIGN_ALGORITHM_SHA256;
}

static void
print_firmware_text (OtaFirmware *firmware)
{
  const char * const *sources = ota_firmware_get_source_versions (firmware);
  g_autofree char *joined = g_strjoinv (", ", (GStrv) sources);
  g_autofree char *size = otactl_format_size (ota_firmware_get_size (firmware));
  g_autofree char *created = otactl_format_time (ota_firmware_get_created_at (firmware));
  const char *signature = ota_firmware_get_signature (firmware);
  const char *description = ota_firmware_get_description (firmware);

  otactl_print_field (16, _("ID:"), "%" G_GINT64_FORMAT "\n", ota_firmware_get_id (firmware));
  otactl_print_field (16, _("Product:"), "%s\n", ota_firmware_get_product_key (firmware));
  otactl_print_field (16, _("Name:"), "%s\n", ota_firmware_get_name (firmware));
  otactl_print_field (16, _("Type:"), "%s\n",
                      ota_enum_to_nick (OTA_TYPE_FIRMWARE_TYPE, ota_firmware_get_firmware_type (firmware)));
  otactl_print_field (16, _("Version:"), "%s\n", ota_firmware_get_version (firmware));
  otactl_print_field (16, _("From versions:"), "%s\n", joined);
  otactl_print_field (16, _("Module:"), "%s\n", ota_firmware_get_module (firmware));
  otactl_print_field (16, _("File:"), "%s\n", ota_firmware_get_file_name (firmware));
  otactl_print_field (16, _("Size:"), "%s\n", size);
  otactl_print_field (16, _("Digest:"), "%s (%s)\n", ota_firmware_get_digest (firmware),
                      ota_enum_to_nick (OTA_TYPE_SIGN_ALGORITHM, ota_firmware_get_sign_algorithm (firmware)));
  otactl_print_field (16, _("Blob SHA-256:"), "%s\n", ota_firmware_get_blob_sha256 (firmware));
  otactl_print_field (16, _("Signature:"), "%s\n", signature != NULL ? signature : _("none (secure upgrade off)"));
  otactl_print_field (16, _("Description:"), "%s\n", description != NULL && *description != '\0' ? description : "-");
  otactl_print_field (16, _("Status:"), "%s\n",
                      ota_enum_to_nick (OTA_TYPE_FIRMWARE_STATUS, ota_firmware_get_status (firmware)));
  otactl_print_field (16, _("Added:"), "%s\n", created);
}

typedef struct {
  char     *name;
  char     *version;
  char     *type;
  char    **sources;
  char     *module;
  char     *sign;
  char     *description;
} AddOptions;

static void
add_options_clear (AddOptions *options)
{
  g_free (options->name);
  g_free (options->version);
  g_free (options->type);
  g_strfreev (options->sources);
  g_free (options->module);
  g_free (options->sign);
  g_free (options->description);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AddOptions, add_options_clear)

static gboolean
firmware_add (Otactl  *ctl,
              int      argc,
              char   **argv,
              GError **error)
{
  g_auto(AddOptions) options = { 0 };
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &options.name, N_("Firmware name (required)"), N_("NAME") },
    { "version", 0, 0, G_OPTION_ARG_STRING, &options.version,
      N_("Version after the upgrade (required)"), N_("VERSION") },
    { "type", 0, 0, G_OPTION_ARG_STRING, &options.type, N_("full (default) or diff"), N_("TYPE") },
    { "source", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.sources,
      N_("Versions it upgrades from, comma-separated or repeated (required)"), N_("V[,V…]") },
    { "module", 0, 0, G_OPTION_ARG_STRING, &options.module, N_("Module (default: default)"), N_("MODULE") },
    { "sign", 0, 0, G_OPTION_ARG_STRING, &options.sign,
      N_("Digest algorithm md5 or sha256 (default: sha256 where allowed)"), N_("ALGORITHM") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &options.description,
      N_("Description, at most 100 characters"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "firmware add", _("PRODUCT FILE"),
                               _("Add a firmware file to a product: checks it, hashes it, stores it "
                                 "and signs it when secure upgrade is on. Ctrl-C cancels."), entries);
  g_auto(GStrv) sources = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *label = NULL;
  OtaFirmwareSpec spec = { 0 };
  int type = OTA_FIRMWARE_TYPE_FULL, sign;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 2, 2, error))
    return FALSE;
  if (options.name == NULL || options.version == NULL || options.sources == NULL)
    return otactl_usage_error (error, _("--name, --version and --source are required"));
  if (options.type != NULL &&
      !otactl_parse_enum (OTA_TYPE_FIRMWARE_TYPE, "type", options.type, &type, error))
    return FALSE;

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_get_product_async (backend, argv[1], OTACTL_ASYNC (ctl));
  if ((product = ota_backend_get_product_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (options.sign == NULL)
    sign = default_sign_algorithm (product, type);
  else if (!otactl_parse_enum (OTA_TYPE_SIGN_ALGORITHM, "sign-algorithm", options.sign, &sign, error))
    return FALSE;

  sources = split_sources (options.sources);
  spec.product_key = argv[1];
  spec.name = options.name;
  spec.type = type;
  spec.version = options.version;
  spec.source_versions = (const char * const *) sources;
  spec.module = options.module;
  spec.sign_algorithm = sign;
  spec.description = options.description;

  /* Refuse a bad field before reading (or sending) a possibly large file. */
  ota_backend_check_firmware_spec_async (backend, &spec, OTACTL_ASYNC (ctl));
  if (!ota_backend_check_firmware_spec_finish (backend, otactl_await (ctl), error))
    return FALSE;

  file = g_file_new_for_commandline_arg (argv[2]);
  label = g_strdup_printf (_("Adding %s…"), argv[2]);
  ota_backend_add_firmware_async (backend, &spec, file, ctl->stderr_is_tty ? otactl_progress_stderr : NULL,
                                  label, OTACTL_ASYNC (ctl));
  firmware = ota_backend_add_firmware_finish (backend, otactl_await (ctl), error);
  otactl_progress_end ();
  if (firmware == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_firmware_to_json (firmware));
  else
    {
      g_print (_("Added firmware %lld\n"), (long long) ota_firmware_get_id (firmware));
      print_firmware_text (firmware);
    }
  return TRUE;
}

static gboolean
firmware_list (Otactl  *ctl,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "firmware list", _("PRODUCT"), _("List a product’s firmwares, newest first."), NULL);
  g_autoptr(GPtrArray) firmwares = NULL;
  g_autoptr(OtactlTable) table = NULL;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_list_firmwares_async (backend, argv[1], OTACTL_ASYNC (ctl));
  if ((firmwares = ota_backend_list_firmwares_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < firmwares->len; i++)
        json_array_add_element (array, otactl_firmware_to_json (g_ptr_array_index (firmwares, i)));
      otactl_print_json (json_node_init_array (json_node_alloc (), array));
      return TRUE;
    }

  table = otactl_table_new (8, _("ID"), _("NAME"), _("VERSION"), _("TYPE"), _("MODULE"),
                            _("SIGN"), _("SIZE"), _("STATUS"));
  for (guint i = 0; i < firmwares->len; i++)
    {
      OtaFirmware *firmware = g_ptr_array_index (firmwares, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ota_firmware_get_id (firmware));
      g_autofree char *size = g_format_size (ota_firmware_get_size (firmware));

      otactl_table_add_row (table, id, ota_firmware_get_name (firmware), ota_firmware_get_version (firmware),
                            ota_enum_to_nick (OTA_TYPE_FIRMWARE_TYPE, ota_firmware_get_firmware_type (firmware)),
                            ota_firmware_get_module (firmware),
                            ota_enum_to_nick (OTA_TYPE_SIGN_ALGORITHM, ota_firmware_get_sign_algorithm (firmware)),
                            size,
                            ota_enum_to_nick (OTA_TYPE_FIRMWARE_STATUS, ota_firmware_get_status (firmware)));
    }
  otactl_table_print (table);
  return TRUE;
}

static gboolean
firmware_show (Otactl  *ctl,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "firmware show", _("ID"), _("Show every field of a firmware."), NULL);
  g_autoptr(OtaFirmware) firmware = NULL;
  OtaBackend *backend;
  gint64 id;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error))
    return FALSE;

  if (!g_ascii_string_to_signed (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "id",
                           _("Firmware ID must be a positive whole number, not “%s”"), argv[1]);
      return FALSE;
    }

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_get_firmware_async (backend, id, OTACTL_ASYNC (ctl));
  if ((firmware = ota_backend_get_firmware_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_firmware_to_json (firmware));
  else
    print_firmware_text (firmware);
  return TRUE;
}

static const OtactlCommand firmware_commands[] = {
  { "add", firmware_add, N_("Add a firmware file") },
  { "list", firmware_list, N_("List a product’s firmwares") },
  { "show", firmware_show, N_("Show a firmware") },
  { NULL }
};

gboolean
otactl_firmware_run (Otactl  *ctl,
                     int      argc,
                     char   **argv,
                     GError **error)
{
  return otactl_dispatch (ctl, "otactl firmware", firmware_commands, argc, argv, error);
}
