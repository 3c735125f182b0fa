/* devsim-main.c — ota-devsim: a fleet of simulated devices over the real protocol
 *
 *   ota-devsim --devices 100 --product a1Demo --broker 127.0.0.1:1883 \
 *              --master-key ~/.local/share/ota-server/master-key
 *
 * Devices connect a few hundred per second (a real fleet does not all log in at the same
 * instant), then live until Ctrl+C. A status line every few seconds tells how they do.
 */
#include <inttypes.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <mosquitto.h>
#include <stdlib.h>
#include <string.h>

#include "ota-devsim.h"
#include "ota-key-file.h"

#define STATUS_INTERVAL_S 5

static gboolean
start_some (gpointer user_data)
{
  DevsimFleet *fleet = user_data;
  guint batch = MAX (fleet->config.connect_rate / 10, 1);

  for (guint i = 0; i < batch && fleet->next_to_start < fleet->devices->len; i++)
    devsim_device_connect (g_ptr_array_index (fleet->devices, fleet->next_to_start++));

  if (fleet->next_to_start < fleet->devices->len)
    return G_SOURCE_CONTINUE;
  fleet->start_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
print_status (gpointer user_data)
{
  DevsimFleet *fleet = user_data;
  const DevsimStats *s = &fleet->stats;

  g_print (_("connected %" PRIu64 "/%u · notices %" PRIu64
             " · downloads %" PRIu64 " (resumed %" PRIu64 ")"
             " · upgraded %" PRIu64 " · failed %" PRIu64
             " · hanging %" PRIu64 "\n"),
           s->connected, fleet->devices->len, s->notices, s->downloads, s->resumed,
           s->succeeded, s->failed, s->hung);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_broker (const char  *text,
              char       **host,
              guint16     *port,
              GError     **error)
{
  const char *colon = text != NULL ? strrchr (text, ':') : NULL;
  guint64 value = 0;

  if (colon == NULL || colon == text ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--broker must be HOST:PORT, the port between 1 and 65535"));
      return FALSE;
    }
  *host = g_strndup (text, (gsize) (colon - text));
  *port = (guint16) value;
  return TRUE;
}

static gboolean
check_share (const char  *option,
             double       value,
             GError     **error)
{
  if (value >= 0 && value <= 100)
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("%s must be a percentage between 0 and 100"), option);
  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *broker = NULL;
  g_autofree char *master_key_file = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  int n_devices = 10, seed = 1, connect_rate = 200, rate_kbps = 0, step = 10, reboot_ms = 1000;
  double fail_download = 0, fail_verify = 0, hang = 0, cut = 0;
  DevsimFleet fleet = { 0 };
  DevsimConfig *config = &fleet.config;
  GOptionEntry entries[] = {
    { "devices", 'n', 0, G_OPTION_ARG_INT, &n_devices, N_("How many devices (default 10)"), "N" },
    { "product", 'p', 0, G_OPTION_ARG_STRING, &config->product_key, N_("Their product key"), "KEY" },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &config->prefix, N_("Device names are PREFIX-00001 … (default sim)"), "PREFIX" },
    { "module", 0, 0, G_OPTION_ARG_STRING, &config->module, N_("The module they report (default: default)"), "MODULE" },
    { "version", 0, 0, G_OPTION_ARG_STRING, &config->version, N_("The version they start on (default 1.0.0)"), "VERSION" },
    { "broker", 'b', 0, G_OPTION_ARG_STRING, &broker, N_("The MQTT broker (default 127.0.0.1:1883)"), "HOST:PORT" },
    { "master-key", 'k', 0, G_OPTION_ARG_FILENAME, &master_key_file, N_("The server's master key file"), "FILE" },
    { "server", 's', 0, G_OPTION_ARG_STRING, &server, N_("Register the devices with this OTA server first (needs --token)"), "URL" },
    { "token", 't', 0, G_OPTION_ARG_STRING, &token, N_("An API token of that server"), "TOKEN" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed of the devices' random choices (default 1)"), "S" },
    { "connect-rate", 0, 0, G_OPTION_ARG_INT, &connect_rate, N_("New connections per second (default 200)"), "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate_kbps, N_("Download speed per device in KiB/s (default: unlimited)"), "KIBPS" },
    { "progress-step", 0, 0, G_OPTION_ARG_INT, &step, N_("Percent between two progress reports (default 10)"), "PERCENT" },
    { "reboot-ms", 0, 0, G_OPTION_ARG_INT, &reboot_ms, N_("Flash and reboot time after a download (default 1000)"), "MS" },
    { "fail-download", 0, 0, G_OPTION_ARG_DOUBLE, &fail_download, N_("Percent of notices answered with step -2 part way"), "PERCENT" },
    { "fail-verify", 0, 0, G_OPTION_ARG_DOUBLE, &fail_verify, N_("Percent of notices answered with step -3 after the download"), "PERCENT" },
    { "hang", 0, 0, G_OPTION_ARG_DOUBLE, &hang, N_("Percent of notices after which the device goes silent part way"), "PERCENT" },
    { "cut", 0, 0, G_OPTION_ARG_DOUBLE, &cut, N_("Percent of downloads cut once and resumed with Range"), "PERCENT" },
    { NULL }
  };
  int status = EXIT_SUCCESS;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Simulated devices that speak Alibaba's OTA protocol to an OTA server's broker."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto fail;

  if (config->product_key == NULL || master_key_file == NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--product and --master-key are required"));
      goto fail;
    }
  if (n_devices < 1 || n_devices > 1000000 || connect_rate < 1 || rate_kbps < 0 ||
      step < 1 || step > 100 || reboot_ms < 0)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--devices must be 1 to 1000000, --connect-rate at least 1, --progress-step 1 to 100"));
      goto fail;
    }
  if (!check_share ("--fail-download", fail_download, &error) ||
      !check_share ("--fail-verify", fail_verify, &error) ||
      !check_share ("--hang", hang, &error) || !check_share ("--cut", cut, &error) ||
      !parse_broker (broker != NULL ? broker : "127.0.0.1:1883", &config->broker_host, &config->broker_port, &error) ||
      (config->master_key = ota_key_file_read (master_key_file, &error)) == NULL)
    goto fail;

  config->n_devices = (guint) n_devices;
  config->prefix = config->prefix != NULL ? config->prefix : g_strdup ("sim");
  config->version = config->version != NULL ? config->version : g_strdup ("1.0.0");
  config->seed = (guint32) seed;
  config->connect_rate = (guint) connect_rate;
  config->rate_kbps = (guint) rate_kbps;
  config->progress_step = (guint) step;
  config->reboot_ms = (guint) reboot_ms;
  config->fail_download = fail_download / 100;
  config->fail_verify = fail_verify / 100;
  config->hang = hang / 100;
  config->cut = cut / 100;

  mosquitto_lib_init ();
  fleet.session = soup_session_new_with_options ("max-conns", 1024, "max-conns-per-host", 1024, NULL);
  fleet.devices = g_ptr_array_new_with_free_func ((GDestroyNotify) devsim_device_free);
  for (guint i = 0; i < config->n_devices; i++)
    {
      DevsimDevice *device = devsim_device_new (&fleet, i, &error);

      if (device == NULL)
        goto fail;
      g_ptr_array_add (fleet.devices, device);
    }

  if (server != NULL)
    {
      if (token == NULL)
        token = g_strdup (g_getenv ("OTA_TOKEN"));
      if (token == NULL)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--server needs --token (or OTA_TOKEN in the environment)"));
          goto fail;
        }
      if (!devsim_provision (&fleet, server, token, &error))
        goto fail;
      g_print (_("Registered %u devices with %s\n"), config->n_devices, server);
    }

  loop = g_main_loop_new (NULL, FALSE);
  fleet.start_id = g_timeout_add (100, start_some, &fleet);
  g_timeout_add_seconds (STATUS_INTERVAL_S, print_status, &fleet);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);

  g_print (_("%u devices %s-00001 … of product %s, broker %s:%u\n"), config->n_devices, config->prefix,
           config->product_key, config->broker_host, config->broker_port);
  g_main_loop_run (loop);
  print_status (&fleet);
  goto out;

fail:
  g_printerr ("ota-devsim: %s\n", error->message);
  status = EXIT_FAILURE;

out:
  g_clear_handle_id (&fleet.start_id, g_source_remove);
  g_clear_pointer (&fleet.devices, g_ptr_array_unref);
  g_clear_object (&fleet.session);
  g_free (config->product_key);
  g_free (config->prefix);
  g_free (config->module);
  g_free (config->version);
  g_free (config->broker_host);
  g_free (config->master_key);
  return status;
}
