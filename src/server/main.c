/* main.c — the ota-server daemon and its token commands
 *
 *   ota-server [--db PATH] [--listen ADDRESS] [--port N] [--config FILE]
 *              [--tls-cert FILE --tls-key FILE] [--max-connections N]
 *   ota-server [--db PATH] token create NAME | token list | token revoke NAME
 *   ota-server [--db PATH] [--master-key FILE] device-secret PRODUCT DEVICE
 *
 * Devices: ota-server runs its own mosquitto with the OTA plugin (--mqtt-port), or uses
 * a running one (--broker-url mqtt://HOST:PORT), or none (--no-broker); see
 * ota-server-mqtt.h and docs/device-protocol.md.
 *
 * The configuration file is a key file with a [server] group and the same keys as the
 * options (db, listen, port, tls-cert, tls-key, max-connections); options win.
 */
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "ota-server-cli.h"
#include "ota-server-mqtt.h"
#include "ota-server.h"

typedef struct {
  char  *db_path;
  char  *listen;
  int    port;
  char  *config;
  char  *tls_cert;
  char  *tls_key;
  int    max_connections;
  char  *master_key;
  char  *broker_url;
  char  *public_host;
  int    mqtt_port;
  gboolean no_broker;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->db_path);
  g_free (options->listen);
  g_free (options->config);
  g_free (options->tls_cert);
  g_free (options->tls_key);
  g_free (options->master_key);
  g_free (options->broker_url);
  g_free (options->public_host);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* Fills what the command line left unset from the configuration file. */
static gboolean
read_config (Options  *options,
             GError  **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  const char *group = "server";

  if (options->config == NULL)
    return TRUE;
  if (!g_key_file_load_from_file (file, options->config, G_KEY_FILE_NONE, error))
    return FALSE;

#define STRING(field, key) \
  if (options->field == NULL && g_key_file_has_key (file, group, key, NULL)) \
    options->field = g_key_file_get_string (file, group, key, NULL)
#define INTEGER(field, key) \
  if (options->field < 0 && g_key_file_has_key (file, group, key, NULL)) \
    { \
      options->field = g_key_file_get_integer (file, group, key, error); \
      if (options->field < 0 || (error != NULL && *error != NULL)) \
        { \
          g_clear_error (error); \
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, \
                       _("%s: “%s” must be a whole number of 0 or more"), options->config, key); \
          return FALSE; \
        } \
    }

  STRING (db_path, "db");
  STRING (listen, "listen");
  STRING (tls_cert, "tls-cert");
  STRING (tls_key, "tls-key");
  INTEGER (port, "port");
  INTEGER (max_connections, "max-connections");
  STRING (master_key, "master-key");
  STRING (broker_url, "broker-url");
  STRING (public_host, "public-host");
  INTEGER (mqtt_port, "mqtt-port");

#undef STRING
#undef INTEGER
  return TRUE;
}

static gboolean
on_stop_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
serve (Options *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  OtaServerMqtt *mqtt = NULL;
  gboolean ipv6;
  guint sigterm, sigint;

  engine = ota_engine_new (options->db_path, NULL, &error);
  if (engine == NULL || (server = ota_server_new (engine, &error)) == NULL)
    goto failed;

  if ((options->tls_cert == NULL) != (options->tls_key == NULL))
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--tls-cert and --tls-key go together"));
      goto failed;
    }
  if (options->tls_cert != NULL &&
      !ota_server_set_tls_files (server, options->tls_cert, options->tls_key, &error))
    goto failed;
  if (options->max_connections > 0)
    ota_server_set_max_connections (server, (guint) options->max_connections);
  if (!ota_server_listen (server, options->listen, (guint) options->port, &error))
    goto failed;

  ipv6 = strchr (options->listen, ':') != NULL;
  g_print ("listening on %s://%s%s%s:%u\n", ota_server_is_https (server) ? "https" : "http",
           ipv6 ? "[" : "", options->listen, ipv6 ? "]" : "", ota_server_get_port (server));
  if (!options->no_broker)
    {
      OtaServerMqttOptions mqtt_options = {
        .db_path = options->db_path,
        .master_key_file = options->master_key,
        .broker_url = options->broker_url,
        .mqtt_port = options->mqtt_port,
        .listen = options->listen,
        .public_host = options->public_host,
      };

      if ((mqtt = ota_server_mqtt_start (server, &mqtt_options, &error)) == NULL)
        goto failed;
    }
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigterm = g_unix_signal_add (SIGTERM, on_stop_signal, loop);
  sigint = g_unix_signal_add (SIGINT, on_stop_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigterm);
  g_source_remove (sigint);

  ota_server_mqtt_stop (mqtt);
  /* Requests still on worker threads hold the server: let them finish first. */
  ota_server_stop (server);
  {
    OtaServer *alive = server;

    g_object_add_weak_pointer (G_OBJECT (alive), (gpointer *) &alive);
    g_clear_object (&server);
    while (alive != NULL)
      g_main_context_iteration (NULL, TRUE);
  }
  return 0;

failed:
  g_printerr ("ota-server: %s\n", error->message);
  return 1;
}

int
main (int    argc,
      char **argv)
{
  g_auto(Options) options = { .port = -1, .max_connections = -1, .mqtt_port = -1 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options.db_path, N_("The database (default: the user’s)"), N_("PATH") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &options.listen, N_("The IP address to listen on (default: 127.0.0.1)"), N_("ADDRESS") },
    { "port", 0, 0, G_OPTION_ARG_INT, &options.port, N_("The port (default: 8080; 0: any free one)"), N_("N") },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &options.config, N_("A key file with a [server] group"), N_("FILE") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_cert, N_("Serve HTTPS with this certificate (PEM)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_key, N_("The certificate’s private key (PEM)"), N_("FILE") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &options.max_connections,
      N_("Requests in progress before new ones get 503 (default: 256)"), N_("N") },
    { "mqtt-port", 0, 0, G_OPTION_ARG_INT, &options.mqtt_port,
      N_("The port of the server’s own MQTT broker (default: 1883; 0: any free one)"), N_("N") },
    { "broker-url", 0, 0, G_OPTION_ARG_STRING, &options.broker_url,
      N_("Use a running broker with the OTA plugin instead of starting one"), N_("mqtt://HOST:PORT") },
    { "no-broker", 0, 0, G_OPTION_ARG_NONE, &options.no_broker, N_("No devices: HTTP only"), NULL },
    { "master-key", 0, 0, G_OPTION_ARG_FILENAME, &options.master_key,
      N_("The key device secrets are derived from (default: master-key beside the database)"), N_("FILE") },
    { "public-host", 0, 0, G_OPTION_ARG_STRING, &options.public_host,
      N_("The host name devices download from (default: the --listen address)"), N_("HOST") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("[token create NAME | token list | token revoke NAME | "
                                    "device-secret PRODUCT DEVICE]"));
  g_option_context_set_summary (context, _("Serve the OTA engine over HTTP: the operators’ API, "
                                           "live events and firmware downloads."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !read_config (&options, &error))
    {
      g_printerr ("ota-server: %s\n", error->message);
      return 2;
    }

  if (options.db_path == NULL)
    options.db_path = ota_engine_default_db_path ();
  if (options.listen == NULL)
    options.listen = g_strdup ("127.0.0.1");
  if (options.port < 0)
    options.port = 8080;

  if (argc > 1 && g_str_equal (argv[1], "device-secret"))
    return ota_server_cli_device_secret (options.db_path, options.master_key, argc - 1, argv + 1);
  if (argc > 1)
    return ota_server_cli_tokens (options.db_path, argc - 1, argv + 1);
  return serve (&options);
}
