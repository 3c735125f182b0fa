/* ota-broker-supervisor.c — runs and watches the server's own mosquitto
 *
 * The configuration is generated at every start from the server's options, so there is
 * nothing to keep in step by hand. The port is chosen once: a restarted broker must be
 * where the server's MQTT client looks for it. A broker that keeps dying is restarted
 * less and less often (1 s doubling to 1 min; a run of a minute resets the delay).
 */
#include <glib/gi18n-lib.h>
#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "ota-broker-supervisor.h"

#define RESTART_MIN_MS 1000
#define RESTART_MAX_MS (60 * 1000)
#define STABLE_RUN_US (60 * G_USEC_PER_SEC)
#define STOP_WAIT_US (5 * G_USEC_PER_SEC)

struct _OtaBrokerSupervisor
{
  GObject       parent_instance;

  char         *mosquitto;
  char         *plugin;
  char         *state_dir;
  char         *bind_address;
  guint16       port;
  char         *master_key_file;
  char         *server_username;
  char         *server_password_file;

  char         *config_path;
  GSubprocess  *process;
  GCancellable *cancellable;
  gint64        started_at;
  guint         starts;
  guint         restart_id;
  guint         restart_ms;
  gboolean      running;
};

G_DEFINE_FINAL_TYPE (OtaBrokerSupervisor, ota_broker_supervisor, G_TYPE_OBJECT)

static gboolean spawn (OtaBrokerSupervisor *self, GError **error);

static char *
find_mosquitto (const char *configured)
{
  const char *env = g_getenv ("MOSQUITTO");
  char *found;

  if (configured != NULL)
    return g_strdup (configured);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  found = g_find_program_in_path ("mosquitto");
  if (found != NULL)
    return found;
  for (const char *const *dir = (const char *const[]) { "/usr/sbin", "/usr/local/sbin", NULL }; *dir; dir++)
    {
      g_autofree char *path = g_build_filename (*dir, "mosquitto", NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&path);
    }
  return NULL;
}

/* A server run from the build tree uses the plugin built beside it; an installed one the
 * installed plugin (meson passes both paths). */
static gboolean
running_from_build_tree (void)
{
#ifdef OTA_BUILD_ROOT
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = g_strconcat (OTA_BUILD_ROOT, G_DIR_SEPARATOR_S, NULL);

  return self != NULL && g_str_has_prefix (self, root);
#else
  return FALSE;
#endif
}

static char *
find_plugin (const char *configured)
{
  const char *env = g_getenv ("OTA_BROKER_PLUGIN");
  const char *build = NULL, *installed = NULL;

#ifdef OTA_BROKER_PLUGIN_BUILD_PATH
  build = OTA_BROKER_PLUGIN_BUILD_PATH;
#endif
#ifdef OTA_BROKER_PLUGIN_INSTALLED_PATH
  installed = OTA_BROKER_PLUGIN_INSTALLED_PATH;
#endif

  if (configured != NULL)
    return g_strdup (configured);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (running_from_build_tree () && build != NULL && g_file_test (build, G_FILE_TEST_EXISTS))
    return g_strdup (build);
  if (installed != NULL && g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_strdup (installed);
  if (build != NULL && g_file_test (build, G_FILE_TEST_EXISTS))
    return g_strdup (build);
  return NULL;
}

static guint16
find_free_port (const char  *bind_address,
                GError     **error)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) any_port = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL)
    return 0;

  address = bind_address != NULL ? g_inet_address_new_from_string (bind_address)
                                  : g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  if (address == NULL)
    address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  any_port = g_inet_socket_address_new (address, 0);
  if (!g_socket_bind (socket, any_port, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
write_config (OtaBrokerSupervisor  *self,
              GError              **error)
{
  g_autoptr(GString) config = g_string_new ("# Written by ota-server at every start: edit its options instead.\n");
  g_autofree char *log_path = g_build_filename (self->state_dir, "mosquitto.log", NULL);

  if (self->bind_address != NULL)
    g_string_append_printf (config, "listener %u %s\n", self->port, self->bind_address);
  else
    g_string_append_printf (config, "listener %u\n", self->port);

  g_string_append_printf (config,
                          "allow_anonymous false\n"
                          /* Retained presence must not outlive the broker (device-protocol.md). */
                          "persistence false\n"
                          /* Packets waiting for one client. The default of 1,000 is far too
                           * few for the server's connection: a fleet logging in at once, or
                           * the server subscribing again, sends it every device's presence
                           * (QoS 1), and reports arrive faster than a busy server reads for a
                           * while. Past the limit mosquitto 2.0 silently drops messages
                           * (devices would stay offline) and closes the connection of a
                           * client whose publish it refuses, which every downlink envelope
                           * is. 0 ("no limit") would close it at once: 2.0 compares without
                           * checking for 0. Devices get a few notices at most. */
                          "max_queued_messages 1000000\n"
                          /* Reports reach the server as a stream of small packets: with Nagle's
                           * algorithm each waits for the previous one's ACK, which the
                           * server's side may delay by 40 ms. */
                          "set_tcp_nodelay true\n"
                          /* As root, mosquitto would become user "mosquitto", who cannot read our keys. */
                          "user %s\n"
                          "log_dest file %s\n"
                          "log_type error\n"
                          "log_type warning\n"
                          "plugin %s\n"
                          "plugin_opt_ota_master_key_file %s\n"
                          "plugin_opt_ota_server_username %s\n"
                          "plugin_opt_ota_server_password_file %s\n",
                          g_get_user_name (), log_path, self->plugin, self->master_key_file,
                          self->server_username, self->server_password_file);

  return g_file_set_contents_full (self->config_path, config->str, (gssize) config->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static void
schedule_restart (OtaBrokerSupervisor *self);

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OtaBrokerSupervisor) self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (process, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (process != self->process || !self->running)
    return;

  if (g_subprocess_get_if_signaled (process))
    g_warning ("The broker (mosquitto) was killed by signal %d", g_subprocess_get_term_sig (process));
  else
    g_warning ("The broker (mosquitto) exited with status %d; see %s/mosquitto.log",
               g_subprocess_get_exit_status (process), self->state_dir);

  g_clear_object (&self->process);
  if (g_get_monotonic_time () - self->started_at >= STABLE_RUN_US)
    self->restart_ms = RESTART_MIN_MS;
  schedule_restart (self);
}

static gboolean
restart_cb (gpointer user_data)
{
  OtaBrokerSupervisor *self = user_data;
  g_autoptr(GError) error = NULL;

  self->restart_id = 0;
  if (!spawn (self, &error))
    {
      g_warning ("Cannot restart the broker: %s", error->message);
      schedule_restart (self);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_restart (OtaBrokerSupervisor *self)
{
  if (!self->running || self->restart_id != 0)
    return;

  g_message ("Restarting the broker in %u ms", self->restart_ms);
  self->restart_id = g_timeout_add (self->restart_ms, restart_cb, self);
  self->restart_ms = MIN (self->restart_ms * 2, RESTART_MAX_MS);
}

/* If the server dies without stopping it, the broker goes too. */
static void
child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static gboolean
spawn (OtaBrokerSupervisor  *self,
       GError              **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, error, self->mosquitto, "-c", self->config_path, NULL);
  if (self->process == NULL)
    return FALSE;

  self->started_at = g_get_monotonic_time ();
  self->starts++;
  g_message ("Started the broker (mosquitto, pid %s) on port %u",
             g_subprocess_get_identifier (self->process), self->port);
  g_subprocess_wait_async (self->process, self->cancellable, on_exited, g_object_ref (self));
  return TRUE;
}

/**
 * ota_broker_supervisor_start:
 *
 * Returns: FALSE when mosquitto or the plugin cannot be found, the config cannot be
 *   written or the process cannot be started
 */
gboolean
ota_broker_supervisor_start (OtaBrokerSupervisor  *self,
                             GError              **error)
{
  g_autofree char *mosquitto = NULL;
  g_autofree char *plugin = NULL;

  g_return_val_if_fail (OTA_IS_BROKER_SUPERVISOR (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  mosquitto = find_mosquitto (self->mosquitto);
  if (mosquitto == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("mosquitto is not installed; install it, or use --broker-url to name a running broker"));
      return FALSE;
    }
  plugin = find_plugin (self->plugin);
  if (plugin == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The broker plugin ota-broker-plugin.so was not found; set OTA_BROKER_PLUGIN to its path"));
      return FALSE;
    }
  g_free (self->mosquitto);
  self->mosquitto = g_steal_pointer (&mosquitto);
  g_free (self->plugin);
  self->plugin = g_steal_pointer (&plugin);

  if (g_mkdir_with_parents (self->state_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot create the folder %s"), self->state_dir);
      return FALSE;
    }

  if (self->port == 0 && (self->port = find_free_port (self->bind_address, error)) == 0)
    return FALSE;

  g_free (self->config_path);
  self->config_path = g_build_filename (self->state_dir, "mosquitto.conf", NULL);
  if (!write_config (self, error))
    return FALSE;

  self->cancellable = g_cancellable_new ();
  self->restart_ms = RESTART_MIN_MS;
  if (!spawn (self, error))
    {
      g_clear_object (&self->cancellable);
      return FALSE;
    }
  self->running = TRUE;
  return TRUE;
}

void
ota_broker_supervisor_stop (OtaBrokerSupervisor *self)
{
  gint64 deadline;

  g_return_if_fail (OTA_IS_BROKER_SUPERVISOR (self));

  if (!self->running)
    return;

  self->running = FALSE;
  g_clear_handle_id (&self->restart_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->process == NULL)
    return;

  /* GLib reaps the child on its worker thread: the identifier goes NULL then. A clean
   * mosquitto exits at once; give it a few seconds before SIGKILL. */
  g_subprocess_send_signal (self->process, SIGTERM);
  deadline = g_get_monotonic_time () + STOP_WAIT_US;
  while (g_subprocess_get_identifier (self->process) != NULL && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  if (g_subprocess_get_identifier (self->process) != NULL)
    {
      g_warning ("The broker did not stop; killing it");
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
    }
  g_clear_object (&self->process);
}

guint16
ota_broker_supervisor_get_port (OtaBrokerSupervisor *self)
{
  g_return_val_if_fail (OTA_IS_BROKER_SUPERVISOR (self), 0);
  return self->port;
}

guint
ota_broker_supervisor_get_starts (OtaBrokerSupervisor *self)
{
  g_return_val_if_fail (OTA_IS_BROKER_SUPERVISOR (self), 0);
  return self->starts;
}

const char *
ota_broker_supervisor_get_pid (OtaBrokerSupervisor *self)
{
  g_return_val_if_fail (OTA_IS_BROKER_SUPERVISOR (self), NULL);
  return self->process != NULL ? g_subprocess_get_identifier (self->process) : NULL;
}

static void
ota_broker_supervisor_dispose (GObject *object)
{
  OtaBrokerSupervisor *self = OTA_BROKER_SUPERVISOR (object);

  ota_broker_supervisor_stop (self);

  G_OBJECT_CLASS (ota_broker_supervisor_parent_class)->dispose (object);
}

static void
ota_broker_supervisor_finalize (GObject *object)
{
  OtaBrokerSupervisor *self = OTA_BROKER_SUPERVISOR (object);

  g_free (self->mosquitto);
  g_free (self->plugin);
  g_free (self->state_dir);
  g_free (self->bind_address);
  g_free (self->master_key_file);
  g_free (self->server_username);
  g_free (self->server_password_file);
  g_free (self->config_path);

  G_OBJECT_CLASS (ota_broker_supervisor_parent_class)->finalize (object);
}

static void
ota_broker_supervisor_class_init (OtaBrokerSupervisorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_broker_supervisor_dispose;
  object_class->finalize = ota_broker_supervisor_finalize;
}

static void
ota_broker_supervisor_init (OtaBrokerSupervisor *self)
{
}

OtaBrokerSupervisor *
ota_broker_supervisor_new (const OtaBrokerConfig *config)
{
  OtaBrokerSupervisor *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->state_dir != NULL && config->master_key_file != NULL, NULL);
  g_return_val_if_fail (config->server_username != NULL && config->server_password_file != NULL, NULL);

  self = g_object_new (OTA_TYPE_BROKER_SUPERVISOR, NULL);
  self->mosquitto = g_strdup (config->mosquitto);
  self->plugin = g_strdup (config->plugin);
  self->state_dir = g_strdup (config->state_dir);
  self->bind_address = g_strdup (config->bind_address);
  self->port = config->port;
  self->master_key_file = g_strdup (config->master_key_file);
  self->server_username = g_strdup (config->server_username);
  self->server_password_file = g_strdup (config->server_password_file);
  return self;
}
