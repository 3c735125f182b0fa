/* test-broker-supervisor.c — ota-server's own mosquitto: generated config, restart after
 * a crash, stop on exit; and the key files
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "ota-broker-supervisor.h"
#include "ota-key-file.h"

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @cond holds, for at most 10 s. */
#define WAIT_FOR(cond, what) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; \
    guint _tick = g_timeout_add (10, tick, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("timed out waiting for %s", what); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (_tick); \
  } G_STMT_END

static gboolean
accepts (guint16 port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  return socket != NULL && g_socket_connect (socket, address, NULL, NULL);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_restarted_after_crash (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBrokerSupervisor) supervisor = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-supervisor-XXXXXX", &error);
  g_autofree char *master_key = g_build_filename (dir, "master-key", NULL);
  g_autofree char *password = g_build_filename (dir, "server-password", NULL);
  g_autofree char *state_dir = g_build_filename (dir, "broker", NULL);
  g_autofree char *config_path = g_build_filename (state_dir, "mosquitto.conf", NULL);
  g_autofree char *config = NULL;
  g_autofree char *first_pid = NULL;
  OtaBrokerConfig broker_config = {
    .state_dir = state_dir,
    .bind_address = "127.0.0.1",
    .master_key_file = master_key,
    .server_username = "ota-server",
    .server_password_file = password,
  };
  guint16 port;

  if (g_getenv ("MOSQUITTO") == NULL || g_getenv ("MOSQUITTO")[0] == '\0')
    {
      g_test_skip ("mosquitto is not installed");
      return;
    }

  g_assert_no_error (error);
  g_assert_true (ota_key_file_ensure (master_key, &error));
  g_assert_true (ota_key_file_ensure (password, &error));
  g_assert_no_error (error);

  supervisor = ota_broker_supervisor_new (&broker_config);
  g_assert_true (ota_broker_supervisor_start (supervisor, &error));
  g_assert_no_error (error);
  port = ota_broker_supervisor_get_port (supervisor);
  g_assert_cmpuint (port, >, 0);
  WAIT_FOR (accepts (port), "the broker to listen");

  /* The generated config: our listener, the plugin and its options, no persistence. */
  g_assert_true (g_file_get_contents (config_path, &config, NULL, &error));
  g_assert_nonnull (strstr (config, "persistence false\n"));
  g_assert_nonnull (strstr (config, "allow_anonymous false\n"));
  g_assert_nonnull (strstr (config, "plugin_opt_ota_server_username ota-server\n"));
  g_assert_nonnull (strstr (config, master_key));

  /* A crash: it comes back on the same port. */
  first_pid = g_strdup (ota_broker_supervisor_get_pid (supervisor));
  g_assert_nonnull (first_pid);
  g_test_expect_message ("ota-mqtt", G_LOG_LEVEL_WARNING, "The broker (mosquitto) was killed by signal 9");
  kill ((pid_t) g_ascii_strtoll (first_pid, NULL, 10), SIGKILL);
  WAIT_FOR (ota_broker_supervisor_get_starts (supervisor) == 2, "the broker to be restarted");
  g_test_assert_expected_messages ();
  WAIT_FOR (accepts (port), "the restarted broker to listen");
  g_assert_cmpstr (ota_broker_supervisor_get_pid (supervisor), !=, first_pid);

  /* Stopped on exit. */
  ota_broker_supervisor_stop (supervisor);
  g_assert_null (ota_broker_supervisor_get_pid (supervisor));
  g_assert_false (accepts (port));

  remove_tree (dir);
}

static void
test_key_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-keys-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "sub", "master-key", NULL);
  g_autofree char *crlf = g_build_filename (dir, "crlf", NULL);
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *key = NULL;
  g_autofree char *secret = NULL;
  GStatBuf st;

  g_assert_no_error (error);

  /* Made once, private, and kept. */
  g_assert_true (ota_key_file_ensure (path, &error));
  first = ota_key_file_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (first), ==, 44);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (ota_key_file_ensure (path, &error));
  again = ota_key_file_read (path, &error);
  g_assert_cmpstr (first, ==, again);

  /* The line ending is not part of the key; the worked example of device-protocol.md. */
  g_assert_true (g_file_set_contents (crlf, "ota-example-master-key\r\n", -1, &error));
  key = ota_key_file_read (crlf, &error);
  g_assert_cmpstr (key, ==, "ota-example-master-key");
  secret = ota_key_derive_device_secret (key, "a1FxISeKbq9", "pump-0001");
  g_assert_cmpstr (secret, ==, "1d42526ab4090cb6800d965113c8b123");

  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/broker-supervisor/restarted-after-crash-and-stopped", test_restarted_after_crash);
  g_test_add_func ("/broker-supervisor/key-files", test_key_files);

  return g_test_run ();
}
