/* otactl-product.c — "otactl product …" and "otactl module list" (R-P1, R-P2, R-F6) */
#include "otactl-private.h"

static void
print_product_text (OtaProduct *product)
{
  g_autofree char *created = otactl_format_time (ota_product_get_created_at (product));

  otactl_print_field (16, _("Key:"), "%s\n", ota_product_get_key (product));
  otactl_print_field (16, _("Name:"), "%s\n", ota_product_get_name (product));
  otactl_print_field (16, _("Project type:"), "%s\n",
                      ota_enum_to_nick (OTA_TYPE_PROJECT_TYPE, ota_product_get_project_type (product)));
  otactl_print_field (16, _("Network type:"), "%s\n",
                      ota_enum_to_nick (OTA_TYPE_NETWORK_TYPE, ota_product_get_network_type (product)));
  otactl_print_field (16, _("AliOS Things:"), "%s\n", otactl_yes_no (ota_product_get_alios_things (product)));
  otactl_print_field (16, _("Android SDK:"), "%s\n", otactl_yes_no (ota_product_get_android_sdk (product)));
  otactl_print_field (16, _("Secure upgrade:"), "%s\n", otactl_yes_no (ota_product_get_secure_upgrade (product)));
  otactl_print_field (16, _("Devices:"), "%" G_GUINT64_FORMAT "\n", ota_product_get_device_count (product));
  otactl_print_field (16, _("Created:"), "%s\n", created);
}

static gboolean
product_add (Otactl  *ctl,
             int      argc,
             char   **argv,
             GError **error)
{
  g_autofree char *key = NULL, *name = NULL, *type = NULL, *network = NULL;
  gboolean alios_things = FALSE, android_sdk = FALSE;
  OtaProductSpec spec = { 0 };
  int project_type, network_type;
  g_autoptr(OtaProduct) product = NULL;
  OtaBackend *backend;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Product name (required)"), N_("NAME") },
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, N_("Project type: own-brand or tmall-genie (required)"), N_("TYPE") },
    { "network", 0, 0, G_OPTION_ARG_STRING, &network,
      N_("Network type: wifi, ble, cellular, ethernet or other (required)"), N_("NETWORK") },
    { "key", 0, 0, G_OPTION_ARG_STRING, &key, N_("Product key (default: made up)"), N_("KEY") },
    { "alios-things", 0, 0, G_OPTION_ARG_NONE, &alios_things, N_("Devices use AliOS Things chips"), NULL },
    { "android-sdk", 0, 0, G_OPTION_ARG_NONE, &android_sdk, N_("The product uses the vendor’s Android SDK"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "product add", NULL, _("Add a product."), entries);

  if (!otactl_parse (context, &argc, &argv, 0, 0, error))
    return FALSE;
  if (name == NULL || type == NULL || network == NULL)
    return otactl_usage_error (error, _("--name, --type and --network are required"));
  if (!otactl_parse_enum (OTA_TYPE_PROJECT_TYPE, "project-type", type, &project_type, error) ||
      !otactl_parse_enum (OTA_TYPE_NETWORK_TYPE, "network-type", network, &network_type, error))
    return FALSE;

  spec.key = key;
  spec.name = name;
  spec.project_type = project_type;
  spec.network_type = network_type;
  spec.alios_things = alios_things;
  spec.android_sdk = android_sdk;

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_add_product_async (backend, &spec, OTACTL_ASYNC (ctl));
  if ((product = ota_backend_add_product_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_product_to_json (product));
  else
    g_print (_("Added product %s (%s)\n"), ota_product_get_key (product), ota_product_get_name (product));
  return TRUE;
}

static gboolean
product_list (Otactl  *ctl,
              int      argc,
              char   **argv,
              GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "product list", NULL, _("List every product, by name."), NULL);
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(OtactlTable) table = NULL;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 0, 0, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_list_products_async (backend, OTACTL_ASYNC (ctl));
  if ((products = ota_backend_list_products_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < products->len; i++)
        json_array_add_element (array, otactl_product_to_json (g_ptr_array_index (products, i)));
      otactl_print_json (json_node_init_array (json_node_alloc (), array));
      json_array_unref (array);
      return TRUE;
    }

  table = otactl_table_new (7, _("KEY"), _("NAME"), _("TYPE"), _("NETWORK"),
                            _("ALIOS"), _("SECURE"), _("DEVICES"));
  for (guint i = 0; i < products->len; i++)
    {
      OtaProduct *product = g_ptr_array_index (products, i);
      g_autofree char *devices = g_strdup_printf ("%" G_GUINT64_FORMAT, ota_product_get_device_count (product));

      otactl_table_add_row (table, ota_product_get_key (product), ota_product_get_name (product),
                            ota_enum_to_nick (OTA_TYPE_PROJECT_TYPE, ota_product_get_project_type (product)),
                            ota_enum_to_nick (OTA_TYPE_NETWORK_TYPE, ota_product_get_network_type (product)),
                            otactl_yes_no (ota_product_get_alios_things (product)),
                            otactl_yes_no (ota_product_get_secure_upgrade (product)),
                            devices);
    }
  otactl_table_print (table);
  return TRUE;
}

static JsonNode *
modules_to_json (GPtrArray *modules)
{
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; i < modules->len; i++)
    json_array_add_element (array, otactl_module_to_json (g_ptr_array_index (modules, i)));
  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return node;
}

static void
print_modules_text (GPtrArray *modules)
{
  g_autoptr(OtactlTable) table = otactl_table_new (3, _("MODULE"), _("VERSION"), _("DEVICES"));

  for (guint i = 0; i < modules->len; i++)
    {
      OtaModule *module = g_ptr_array_index (modules, i);
      g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, ota_module_get_device_count (module));

      otactl_table_add_row (table, ota_module_get_name (module), _("(all)"), total);
      for (guint v = 0; v < ota_module_get_n_versions (module); v++)
        {
          g_autofree char *devices =
            g_strdup_printf ("%" G_GUINT64_FORMAT, ota_module_get_version_devices (module, v));

          otactl_table_add_row (table, NULL, ota_module_get_version (module, v), devices);
        }
    }
  otactl_table_print (table);
}

static gboolean
product_show (Otactl  *ctl,
              int      argc,
              char   **argv,
              GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "product show", _("KEY"),
                               _("Show a product with its modules, versions and firmware count."), NULL);
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(GPtrArray) modules = NULL;
  g_autoptr(GPtrArray) firmwares = NULL;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_get_product_async (backend, argv[1], OTACTL_ASYNC (ctl));
  if ((product = ota_backend_get_product_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;
  ota_backend_list_modules_async (backend, argv[1], OTACTL_ASYNC (ctl));
  if ((modules = ota_backend_list_modules_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;
  ota_backend_list_firmwares_async (backend, argv[1], OTACTL_ASYNC (ctl));
  if ((firmwares = ota_backend_list_firmwares_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    {
      JsonNode *node = otactl_product_to_json (product);
      JsonObject *object = json_node_get_object (node);
      const char *public_key = ota_product_get_public_key (product);

      if (public_key != NULL)
        json_object_set_string_member (object, "public_key", public_key);
      else
        json_object_set_null_member (object, "public_key");
      json_object_set_int_member (object, "firmware_count", firmwares->len);
      json_object_set_member (object, "modules", modules_to_json (modules));
      otactl_print_json (node);
      return TRUE;
    }

  print_product_text (product);
  otactl_print_field (16, _("Firmwares:"), "%u\n", firmwares->len);
  g_print ("\n");
  if (modules->len == 0)
    g_print ("%s\n", _("No module has been reported or used yet."));
  else
    print_modules_text (modules);
  return TRUE;
}

static gboolean
product_secure_upgrade (Otactl  *ctl,
                        int      argc,
                        char   **argv,
                        GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "product secure-upgrade", _("KEY on|off"),
                               _("Switch secure upgrade on or off (AliOS Things products only)."), NULL);
  g_autoptr(OtaProduct) product = NULL;
  OtaBackend *backend;
  gboolean enabled;

  if (!otactl_parse (context, &argc, &argv, 2, 2, error))
    return FALSE;

  if (g_str_equal (argv[2], "on"))
    enabled = TRUE;
  else if (g_str_equal (argv[2], "off"))
    enabled = FALSE;
  else
    return otactl_usage_error (error, _("Secure upgrade must be “on” or “off”, not “%s”"), argv[2]);

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_set_secure_upgrade_async (backend, argv[1], enabled, OTACTL_ASYNC (ctl));
  if ((product = ota_backend_set_secure_upgrade_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_product_to_json (product));
  else if (enabled)
    g_print (_("Secure upgrade of product %s is on\n"), ota_product_get_key (product));
  else
    g_print (_("Secure upgrade of product %s is off\n"), ota_product_get_key (product));
  return TRUE;
}

static gboolean
product_public_key (Otactl  *ctl,
                    int      argc,
                    char   **argv,
                    GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "product public-key", _("KEY"),
                               _("Print the product’s signing public key (PEM)."), NULL);
  g_autofree char *pem = NULL;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_dup_public_key_async (backend, argv[1], OTACTL_ASYNC (ctl));
  if ((pem = ota_backend_dup_public_key_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, argv[1]);
      json_builder_set_member_name (builder, "public_key");
      json_builder_add_string_value (builder, pem);
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
    }
  else
    g_print ("%s%s", pem, g_str_has_suffix (pem, "\n") ? "" : "\n");
  return TRUE;
}

static const OtactlCommand product_commands[] = {
  { "add", product_add, N_("Add a product") },
  { "list", product_list, N_("List products") },
  { "show", product_show, N_("Show a product, its modules and versions") },
  { "secure-upgrade", product_secure_upgrade, N_("Switch secure upgrade on or off") },
  { "public-key", product_public_key, N_("Print the signing public key (PEM)") },
  { NULL }
};

gboolean
otactl_product_run (Otactl  *ctl,
                    int      argc,
                    char   **argv,
                    GError **error)
{
  return otactl_dispatch (ctl, "otactl product", product_commands, argc, argv, error);
}

static gboolean
module_list (Otactl  *ctl,
             int      argc,
             char   **argv,
             GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "module list", _("PRODUCT"),
                               _("List a product’s modules with the versions its devices report."), NULL);
  g_autoptr(GPtrArray) modules = NULL;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_list_modules_async (backend, argv[1], OTACTL_ASYNC (ctl));
  if ((modules = ota_backend_list_modules_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (modules_to_json (modules));
  else
    print_modules_text (modules);
  return TRUE;
}

static const OtactlCommand module_commands[] = {
  { "list", module_list, N_("List modules and reported versions") },
  { NULL }
};

gboolean
otactl_module_run (Otactl  *ctl,
                   int      argc,
                   char   **argv,
                   GError **error)
{
  return otactl_dispatch (ctl, "otactl module", module_commands, argc, argv, error);
}
