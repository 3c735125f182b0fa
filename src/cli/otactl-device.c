/* otactl-device.c — "otactl device …": add, CSV import and export, list (R-DV1, R-DV2) */
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "otactl-private.h"

/* "MODULE=VERSION" options into a module → version table; the engine checks both. */
static GHashTable *
parse_versions (char   **pairs,
                GError **error)
{
  g_autoptr(GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');

      if (eq == NULL || eq == pairs[i])
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "version",
                               _("Version “%s” must be written MODULE=VERSION"), pairs[i]);
          return NULL;
        }
      g_hash_table_insert (versions, g_strndup (pairs[i], eq - pairs[i]), g_strdup (eq + 1));
    }

  return g_steal_pointer (&versions);
}

static gboolean
device_add (Otactl  *ctl,
            int      argc,
            char   **argv,
            GError **error)
{
  g_autofree char *province = NULL, *city = NULL;
  g_auto(GStrv) version_pairs = NULL;
  gboolean online = FALSE;
  g_autoptr(GHashTable) versions = NULL;
  g_autoptr(OtaDevice) device = NULL;
  OtaDeviceSpec spec = { 0 };
  OtaBackend *backend;
  const GOptionEntry entries[] = {
    { "province", 0, 0, G_OPTION_ARG_STRING, &province, N_("Province (default: unknown)"), N_("PROVINCE") },
    { "city", 0, 0, G_OPTION_ARG_STRING, &city, N_("City, within the province"), N_("CITY") },
    { "online", 0, 0, G_OPTION_ARG_NONE, &online, N_("The device is online"), NULL },
    { "version", 0, 0, G_OPTION_ARG_STRING_ARRAY, &version_pairs,
      N_("A version the device reports for a module (repeatable)"), N_("MODULE=VERSION") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "device add", _("PRODUCT NAME"), _("Add a device to a product."), entries);

  if (!otactl_parse (context, &argc, &argv, 2, 2, error) ||
      (versions = parse_versions (version_pairs, error)) == NULL)
    return FALSE;

  spec.product_key = argv[1];
  spec.name = argv[2];
  spec.province = province;
  spec.city = city;
  spec.online = online;
  spec.versions = g_hash_table_size (versions) > 0 ? versions : NULL;

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_add_device_async (backend, &spec, OTACTL_ASYNC (ctl));
  if ((device = ota_backend_add_device_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_device_to_json (device));
  else
    g_print (_("Added device %s to product %s\n"), ota_device_get_name (device), ota_device_get_product_key (device));
  return TRUE;
}

/* Standard input into a temporary file, which the caller deletes: the backend imports
 * files (a server needs the size before the upload). Errors speak of standard input,
 * never of the temporary file, which the user did not name. */
static GFile *
spool_stdin (Otactl  *ctl,
             GError **error)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "otactl-import-XXXXXX.csv", NULL);
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) tmp = NULL;
  GError *local_error = NULL;
  int fd = g_mkstemp (path);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *dir = g_filename_display_name (g_get_tmp_dir ());

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot keep standard input for the import in the temporary folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }
  tmp = g_file_new_for_path (path);
  out = g_unix_output_stream_new (fd, TRUE);

  otactl_catch_sigint (ctl, TRUE);
  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, ctl->cancellable,
                              &local_error) < 0)
    {
      otactl_catch_sigint (ctl, FALSE);
      g_file_delete (tmp, NULL, NULL);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, local_error);
      else
        {
          g_set_error (error, local_error->domain, local_error->code,
                       _("Cannot read standard input: %s"), local_error->message);
          g_error_free (local_error);
        }
      return NULL;
    }
  otactl_catch_sigint (ctl, FALSE);
  return g_steal_pointer (&tmp);
}

/* The backend names the file it was given: for standard input, "-" as the user wrote. */
static void
name_stdin (GError **error,
            GFile   *spool)
{
  g_autofree char *path = g_file_get_path (spool);
  g_autofree char *shown = g_file_get_parse_name (spool);
  const char *names[] = { shown, path };

  if (error == NULL || *error == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i] != NULL && strstr ((*error)->message, names[i]) != NULL)
      {
        g_auto(GStrv) parts = g_strsplit ((*error)->message, names[i], -1);

        g_free ((*error)->message);
        (*error)->message = g_strjoinv ("-", parts);
      }
}

static gboolean
import_one (Otactl          *ctl,
            OtaBackend      *backend,
            const char      *path,
            OtaImportResult *result,
            GError         **error)
{
  g_autofree char *label = g_strdup_printf (_("Importing %s…"), path);
  OtaProgressFunc progress = ctl->stderr_is_tty ? otactl_progress_stderr : NULL;
  gboolean from_stdin = g_str_equal (path, "-");
  g_autoptr(GFile) file = from_stdin ? spool_stdin (ctl, error) : g_file_new_for_commandline_arg (path);
  gboolean ok = FALSE;

  if (file != NULL)
    {
      ota_backend_import_devices_async (backend, file, progress, label, OTACTL_ASYNC (ctl));
      ok = ota_backend_import_devices_finish (backend, otactl_await (ctl), result, error);
      otactl_progress_end ();
      if (from_stdin)
        {
          name_stdin (error, file);
          g_file_delete (file, NULL, NULL);
        }
    }

  if (!ok)
    g_prefix_error (error, "%s: ", path);
  return ok;
}

static gboolean
device_import (Otactl  *ctl,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "device import", _("FILE…"),
                               _("Import devices from CSV files (“-”: standard input). Each file is one "
                                 "transaction: a bad row refuses the whole file. After each file is "
                                 "stored, one line “imported FILE: N added, M updated” is printed."),
                               NULL);
  g_autoptr(JsonArray) results = json_array_new ();
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, -1, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;

  for (int i = 1; i < argc; i++)
    {
      OtaImportResult result = { 0 };

      if (!import_one (ctl, backend, argv[i], &result, error))
        return FALSE;

      if (ctl->json)
        {
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, "file", argv[i]);
          json_object_set_int_member (object, "added", (gint64) result.added);
          json_object_set_int_member (object, "updated", (gint64) result.updated);
          json_array_add_object_element (results, object);
        }
      else
        {
          /* The acknowledgement: the file's devices are on disk now (see otactl(1)). */
          g_print (_("imported %s: %llu added, %llu updated\n"), argv[i],
                   (unsigned long long) result.added, (unsigned long long) result.updated);
          fflush (stdout);
        }
    }

  if (ctl->json)
    otactl_print_json (json_node_init_array (json_node_alloc (), results));
  return TRUE;
}

/* Writes @file to standard output, as it is. */
static gboolean
copy_to_stdout (Otactl  *ctl,
                GFile   *file,
                GError **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, ctl->cancellable, error);
  g_autoptr(GOutputStream) out = NULL;

  if (in == NULL)
    return FALSE;
  fflush (stdout);
  out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  return g_output_stream_splice (out, G_INPUT_STREAM (in), G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                                 ctl->cancellable, error) >= 0;
}

static gboolean
device_export (Otactl  *ctl,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autofree char *product = NULL;
  const GOptionEntry entries[] = {
    { "product", 0, 0, G_OPTION_ARG_STRING, &product, N_("Only this product’s devices"), N_("KEY") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "device export", _("[FILE|-]"),
                               _("Export devices as CSV, to FILE or standard output."), entries);
  const char *path;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileIOStream) io = NULL;
  OtaBackend *backend;
  gboolean ok;

  if (!otactl_parse (context, &argc, &argv, 0, 1, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;

  /* The backend replaces FILE only once all was written; standard output gets a
   * temporary file's contents, so a failed export prints nothing. */
  path = argc > 1 ? argv[1] : "-";
  if (!g_str_equal (path, "-"))
    file = g_file_new_for_commandline_arg (path);
  else if ((file = g_file_new_tmp ("otactl-export-XXXXXX.csv", &io, error)) == NULL)
    return FALSE;

  ota_backend_export_devices_async (backend, product, file, OTACTL_ASYNC (ctl));
  ok = ota_backend_export_devices_finish (backend, otactl_await (ctl), error);

  if (io != NULL)
    {
      ok = ok && copy_to_stdout (ctl, file, error);
      g_file_delete (file, NULL, NULL);
    }
  return ok;
}

typedef struct {
  char     *search;
  char     *online;
  char     *province;
  char     *city;
  char     *module;
  char     *versions;
  char     *sort;
  gboolean  descending;
  int       offset;
  int       limit;
} ListOptions;

static void
list_options_clear (ListOptions *options)
{
  g_free (options->search);
  g_free (options->online);
  g_free (options->province);
  g_free (options->city);
  g_free (options->module);
  g_free (options->versions);
  g_free (options->sort);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListOptions, list_options_clear)

static const char * const sort_nicks[] = { "name", "region", "online", "updated", NULL };

static gboolean
build_query (ListOptions     *options,
             OtaDeviceQuery  *query,
             GStrv           *versions,
             GError         **error)
{
  if (options->online != NULL)
    {
      if (g_str_equal (options->online, "yes"))
        query->online = 1;
      else if (g_str_equal (options->online, "no"))
        query->online = 0;
      else
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "online",
                               _("Online must be “yes” or “no”, not “%s”"), options->online);
          return FALSE;
        }
    }

  if ((options->module == NULL) != (options->versions == NULL))
    return otactl_usage_error (error, _("--module and --versions go together"));
  if (options->versions != NULL)
    *versions = g_strsplit (options->versions, ",", -1);

  if (options->sort != NULL)
    {
      guint i;

      for (i = 0; sort_nicks[i] != NULL && !g_str_equal (sort_nicks[i], options->sort); i++)
        ;
      if (sort_nicks[i] == NULL)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "sort",
                               _("Sort must be one of name, region, online, updated; not “%s”"),
                               options->sort);
          return FALSE;
        }
      query->sort = (OtaDeviceSort) i;
    }

  if (options->offset < 0 || options->limit < 0)
    return otactl_usage_error (error, _("--offset and --limit must not be negative"));

  query->search = options->search;
  query->province = options->province;
  query->city = options->city;
  query->module = options->module;
  query->versions = (const char * const *) *versions;
  query->descending = options->descending;
  query->offset = options->offset;
  query->limit = options->limit;
  return TRUE;
}

static void
print_devices_text (GPtrArray *devices,
                    guint      offset,
                    guint64    total)
{
  g_autoptr(OtactlTable) table =
    otactl_table_new (6, _("NAME"), _("PROVINCE"), _("CITY"), _("ONLINE"), _("VERSIONS"), _("UPDATED"));

  for (guint i = 0; i < devices->len; i++)
    {
      OtaDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *versions = ota_device_format_versions (device);
      g_autofree char *updated = otactl_format_time (ota_device_get_updated_at (device));

      otactl_table_add_row (table, ota_device_get_name (device), ota_device_get_province (device),
                            ota_device_get_city (device), otactl_yes_no (ota_device_get_online (device)),
                            versions, updated);
    }
  otactl_table_print (table);

  if (devices->len > 0)
    g_print (_("Devices %u–%u of %llu\n"), offset + 1, offset + devices->len, (unsigned long long) total);
  else
    g_print (_("No devices shown; %llu match\n"), (unsigned long long) total);
}

static gboolean
device_list (Otactl  *ctl,
             int      argc,
             char   **argv,
             GError **error)
{
  g_auto(ListOptions) options = { .limit = 50 };
  const GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &options.search, N_("Part of the device name"), N_("TEXT") },
    { "online", 0, 0, G_OPTION_ARG_STRING, &options.online, N_("Only online (yes) or offline (no) devices"), N_("yes|no") },
    { "province", 0, 0, G_OPTION_ARG_STRING, &options.province, N_("Only devices in this province"), N_("PROVINCE") },
    { "city", 0, 0, G_OPTION_ARG_STRING, &options.city, N_("Only devices in this city"), N_("CITY") },
    { "module", 0, 0, G_OPTION_ARG_STRING, &options.module, N_("With --versions: the module"), N_("MODULE") },
    { "versions", 0, 0, G_OPTION_ARG_STRING, &options.versions,
      N_("Only devices reporting one of these versions for --module"), N_("V1,V2") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &options.sort, N_("Sort by name, region, online or updated"),
      /* Translated here, with a context: "KEY" alone is a product key. GOption looks the
       * result up again and, finding nothing, keeps it. */
      C_("sort key", "KEY") },
    { "desc", 0, 0, G_OPTION_ARG_NONE, &options.descending, N_("Sort in descending order"), NULL },
    { "offset", 0, 0, G_OPTION_ARG_INT, &options.offset, N_("Skip the first N matches"), N_("N") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &options.limit, N_("Show at most N devices (0: all; default 50)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "device list", _("PRODUCT"), _("List a product’s devices."), entries);
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  g_auto(GStrv) versions = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  guint64 total = 0;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !build_query (&options, &query, &versions, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;

  query.product_key = argv[1];
  ota_backend_query_devices_async (backend, &query, OTACTL_ASYNC (ctl));
  if ((devices = ota_backend_query_devices_finish (backend, otactl_await (ctl), &total, error)) == NULL)
    return FALSE;

  if (ctl->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      JsonObject *object = json_object_new ();
      JsonNode *node;

      for (guint i = 0; i < devices->len; i++)
        json_array_add_element (array, otactl_device_to_json (g_ptr_array_index (devices, i)));
      json_object_set_int_member (object, "total", (gint64) total);
      json_object_set_int_member (object, "offset", query.offset);
      json_object_set_int_member (object, "limit", query.limit);
      json_object_set_array_member (object, "devices", json_array_ref (array));
      node = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      otactl_print_json (node);
    }
  else
    print_devices_text (devices, query.offset, total);
  return TRUE;
}

static const OtactlCommand device_commands[] = {
  { "add", device_add, N_("Add a device") },
  { "import", device_import, N_("Import devices from CSV files") },
  { "export", device_export, N_("Export devices as CSV") },
  { "list", device_list, N_("List, filter and sort a product’s devices") },
  /* Playing a device by hand (otactl-events.c). */
  { "online", otactl_device_online, N_("The device connects") },
  { "offline", otactl_device_offline, N_("The device disconnects") },
  { "report", otactl_device_report, N_("The device reports its version") },
  { "progress", otactl_device_progress, N_("The device reports upgrade progress or an error") },
  { "confirm", otactl_device_confirm, N_("The user’s app confirms the upgrade") },
  { "decline", otactl_device_decline, N_("The user’s app declines the upgrade") },
  { NULL }
};

gboolean
otactl_device_run (Otactl  *ctl,
                   int      argc,
                   char   **argv,
                   GError **error)
{
  return otactl_dispatch (ctl, "otactl device", device_commands, argc, argv, error);
}
