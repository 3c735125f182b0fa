/* test-connect.c — connecting the console to a real ota-server, switching backends,
 * the connection state in the header bar and the banner
 *
 * The server runs in this process on 127.0.0.1 (any port) over its own temporary
 * database; the window starts on another, local one. No secret service runs here (the
 * session bus address points nowhere), so the tests keep "Remember" off, and a
 * remembered server without a token shows the Connect dialog, as it should.
 */
#include <string.h>

#include "ota-connect-dialog-private.h"
#include "ota-token-store.h"
#include "server-test-util.h"
#include "ui-test-util.h"

typedef struct {
  UiFixture          ui;        /* the local database, its backend */
  ServerFixture      server;    /* the server, its database, a valid token */
  GSettings         *settings;
  OtaBackendManager *manager;
  OtaWindow         *window;
  char              *server_name;  /* "127.0.0.1:PORT" */
} ConnectFixture;

static OtaBackend *
open_local (gpointer   user_data,
            GError   **error)
{
  ConnectFixture *f = user_data;

  return g_object_ref (f->ui.backend);
}

static void
fixture_setup (ConnectFixture *f,
               gconstpointer   data)
{
  g_autoptr(OtaProduct) local = NULL;
  g_autoptr(OtaProduct) remote = NULL;
  g_autoptr(GError) error = NULL;

  ui_fixture_setup (&f->ui, data);
  server_fixture_setup (&f->server, data);
  f->server_name = g_strdup (f->server.url + strlen ("http://"));

  local = ota_test_add_product (f->ui.base.engine, "local1", OTA_PROJECT_TYPE_OWN_BRAND,
                                OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  remote = ota_test_add_product (f->server.base.engine, "remote1", OTA_PROJECT_TYPE_OWN_BRAND,
                                 OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);

  /* The memory backend keeps values for the whole process: start each test clean. */
  f->settings = g_settings_new (APPLICATION_ID);
  g_settings_reset (f->settings, "servers");
  g_settings_reset (f->settings, "last-server");

  f->manager = ota_backend_manager_new (f->settings);
  ota_backend_manager_set_local_opener (f->manager, open_local, f, NULL);
  g_assert_true (ota_backend_manager_use_local (f->manager, &error));
  g_assert_no_error (error);

  f->window = ota_window_new_for_manager (NULL, f->manager);
  f->ui.window = f->window;
  gtk_window_present (GTK_WINDOW (f->window));
  UI_TEST_WAIT_UNTIL (f->window->loaded_once && !f->window->loading);
}

static void
fixture_teardown (ConnectFixture *f,
                  gconstpointer   data)
{
  OtaBackendManager *manager = f->manager;

  /* Windows first (they hold the manager), then the manager (it closes the event
   * stream), then the server and the databases. */
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      gtk_window_destroy (l->data);
  }
  f->window = NULL;
  f->ui.window = NULL;
  g_object_add_weak_pointer (G_OBJECT (manager), (gpointer *) &manager);
  g_clear_object (&f->manager);
  UI_TEST_WAIT_UNTIL (manager == NULL);
  g_clear_object (&f->settings);
  server_fixture_teardown (&f->server, data);
  ui_fixture_teardown (&f->ui, data);
  g_free (f->server_name);
}

/* ---- What the window shows ------------------------------------------------------------ */

static guint
n_products (OtaWindow *window)
{
  return g_list_model_get_n_items (G_LIST_MODEL (window->product_filter_model));
}

static const char *
product_key (OtaWindow *window,
             guint      position)
{
  g_autoptr(OtaProduct) product = g_list_model_get_item (G_LIST_MODEL (window->product_filter_model),
                                                         position);
  return ota_product_get_key (product);   /* the store keeps it */
}

static gboolean
shows_only (OtaWindow  *window,
            const char *key)
{
  return window->loaded_once && !window->loading && n_products (window) == 1 &&
         g_str_equal (product_key (window, 0), key);
}

static OtaConnectDialog *
open_connect_dialog (ConnectFixture *f)
{
  OtaConnectDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "server.connect", NULL);
  dialog = OTA_CONNECT_DIALOG (ui_test_find_window (OTA_TYPE_CONNECT_DIALOG));
  g_assert_nonnull (dialog);
  return dialog;
}

static void
fill_in (OtaConnectDialog *dialog,
         const char       *url,
         const char       *token)
{
  gtk_editable_set_text (GTK_EDITABLE (dialog->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (dialog->token_row), token);
  /* No keyring in the tests. */
  gtk_switch_set_active (dialog->remember_switch, FALSE);
}

static gboolean
dialog_open (void)
{
  return ui_test_find_window (OTA_TYPE_CONNECT_DIALOG) != NULL;
}

/* Through the dialog, as a user does; waits until the server's products show. */
static void
connect_to_server (ConnectFixture *f)
{
  OtaConnectDialog *dialog = open_connect_dialog (f);

  fill_in (dialog, f->server.url, f->server.token);
  g_assert_true (gtk_widget_get_sensitive (dialog->connect_button));
  g_signal_emit_by_name (dialog->connect_button, "clicked");
  UI_TEST_WAIT_UNTIL (!dialog_open ());
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "remote1"));
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* ---- The dialog ------------------------------------------------------------------------ */

static void
test_bad_url_keeps_connect_insensitive (ConnectFixture *f,
                                        gconstpointer   data)
{
  OtaConnectDialog *dialog = open_connect_dialog (f);
  g_autoptr(GError) expected = NULL;
  g_autofree char *good = NULL;

  /* Empty: nothing to say yet, nothing to connect to either. */
  g_assert_false (gtk_widget_get_sensitive (dialog->connect_button));
  g_assert_null (ui_test_message (dialog->url_message));

  g_assert_null (ota_remote_normalise_url ("ftp://ota.example.com", &expected));
  fill_in (dialog, "ftp://ota.example.com", "some-token");
  g_assert_cmpstr (ui_test_message (dialog->url_message), ==, expected->message);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog->url_row), "error"));
  g_assert_false (gtk_widget_get_sensitive (dialog->connect_button));

  /* Not a URL at all, and a host missing: each says so. */
  g_clear_error (&expected);
  g_assert_null (ota_remote_normalise_url ("http://", &expected));
  gtk_editable_set_text (GTK_EDITABLE (dialog->url_row), "http://");
  g_assert_cmpstr (ui_test_message (dialog->url_message), ==, expected->message);
  g_assert_false (gtk_widget_get_sensitive (dialog->connect_button));

  /* A good address: the message goes, Connect is possible … */
  good = g_strdup ("https://ota.example.com:8443/api/v1/");
  gtk_editable_set_text (GTK_EDITABLE (dialog->url_row), good);
  g_assert_null (ui_test_message (dialog->url_message));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (dialog->url_row), "error"));
  g_assert_true (gtk_widget_get_sensitive (dialog->connect_button));

  /* … but not without a token (blanks are no token). */
  gtk_editable_set_text (GTK_EDITABLE (dialog->token_row), "  ");
  g_assert_false (gtk_widget_get_sensitive (dialog->connect_button));

  /* Connect pressed anyway (Enter in a field) does nothing. */
  g_signal_emit_by_name (dialog->url_row, "entry-activated");
  g_assert_false (dialog->connecting);
  g_assert_null (dialog->remote);
}

static void
test_valid_token_shows_server_products (ConnectFixture *f,
                                        gconstpointer   data)
{
  OtaConnectDialog *dialog;
  g_auto(GStrv) servers = NULL;
  g_autofree char *last = NULL;

  g_assert_true (shows_only (f->window, "local1"));
  g_assert_cmpstr (ota_backend_switcher_get_title (f->window->backend_switcher), ==, "Local Database");

  dialog = open_connect_dialog (f);
  fill_in (dialog, f->server.url, f->server.token);
  g_signal_emit_by_name (dialog->connect_button, "clicked");

  /* While it connects: a spinner, nothing to press twice. */
  g_assert_true (dialog->connecting);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->spinner)));
  g_assert_true (gtk_spinner_get_spinning (dialog->spinner));
  g_assert_false (gtk_widget_get_sensitive (dialog->connect_button));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (dialog->url_row)));

  UI_TEST_WAIT_UNTIL (!dialog_open ());
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "remote1"));

  /* The window works on the server now, and says so in the header bar. */
  g_assert_true (OTA_IS_REMOTE_BACKEND (ota_window_get_backend (f->window)));
  g_assert_true (ota_window_get_backend (f->window) == ota_backend_manager_get_backend (f->manager));
  g_assert_cmpstr (ota_backend_switcher_get_title (f->window->backend_switcher), ==, f->server_name);
  g_assert_cmpstr (ota_backend_switcher_get_subtitle (f->window->backend_switcher), ==, "Connected");
  g_assert_false (gtk_revealer_get_reveal_child (f->window->connection_banner));
  g_assert_cmpstr (ota_product_get_key (ota_window_get_product (f->window)), ==, "remote1");

  /* Remembered for the menu and for the next start. */
  servers = g_settings_get_strv (f->settings, "servers");
  g_assert_cmpuint (g_strv_length (servers), ==, 1);
  g_assert_cmpstr (servers[0], ==, f->server.url);
  last = g_settings_get_string (f->settings, "last-server");
  g_assert_cmpstr (last, ==, f->server.url);
  g_assert_cmpstr (ota_backend_manager_get_server (f->manager), ==, f->server.url);

  /* Live: a product added on the server shows up through the event stream. */
  {
    g_autoptr(OtaProduct) added = ota_test_add_product (f->server.base.engine, "remote2",
                                                        OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
    g_autoptr(JsonNode) answer = NULL;
    guint status = 0;

    /* The engine was written to directly; a write through the API publishes the event. */
    answer = server_json (&f->server, "POST", "/api/v1/products",
                          "{\"name\": \"Door Lock\", \"key\": \"lock3\", \"project_type\": \"own-brand\", "
                          "\"network_type\": \"wifi\"}", &status);
    g_assert_cmpuint (status, ==, 201);
    UI_TEST_WAIT_UNTIL (n_products (f->window) == 3);
  }
}

static void
test_wrong_token_shows_refusal (ConnectFixture *f,
                                gconstpointer   data)
{
  OtaConnectDialog *dialog = open_connect_dialog (f);

  fill_in (dialog, f->server.url, "not-the-token");
  g_signal_emit_by_name (dialog->connect_button, "clicked");
  UI_TEST_WAIT_UNTIL (!dialog->connecting);

  /* Said under the token, which is the thing to fix; the dialog stays. */
  g_assert_nonnull (ui_test_message (dialog->token_message));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog->token_row), "error"));
  g_assert_null (ui_test_message (dialog->url_message));
  g_assert_null (ui_test_message (dialog->general_message));
  g_assert_true (dialog_open ());
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->spinner)));
  g_assert_true (gtk_widget_get_sensitive (dialog->connect_button));

  /* Nothing switched. */
  g_assert_true (ota_window_get_backend (f->window) == f->ui.backend);
  g_assert_true (shows_only (f->window, "local1"));
  g_assert_null (ota_backend_manager_get_remote (f->manager));

  /* Typing a new token clears the message; the right one connects. */
  gtk_editable_set_text (GTK_EDITABLE (dialog->token_row), f->server.token);
  g_assert_null (ui_test_message (dialog->token_message));
  g_signal_emit_by_name (dialog->connect_button, "clicked");
  UI_TEST_WAIT_UNTIL (!dialog_open ());
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "remote1"));
}

static void
test_unreachable_server_shows_inline (ConnectFixture *f,
                                      gconstpointer   data)
{
  OtaConnectDialog *dialog = open_connect_dialog (f);
  g_autofree char *url = g_strdup (f->server.url);

  ota_server_stop (f->server.server);
  fill_in (dialog, url, f->server.token);
  g_signal_emit_by_name (dialog->connect_button, "clicked");
  UI_TEST_WAIT_UNTIL (!dialog->connecting);

  /* The connection as a whole failed: said under the form, naming the server. */
  g_assert_nonnull (ui_test_message (dialog->general_message));
  g_assert_nonnull (strstr (ui_test_message (dialog->general_message), f->server_name));
  g_assert_null (ui_test_message (dialog->token_message));
  g_assert_true (dialog_open ());
  g_assert_true (shows_only (f->window, "local1"));
}

/* ---- The connection state -------------------------------------------------------------- */

static void
test_stopped_server_shows_reconnecting (ConnectFixture *f,
                                        gconstpointer   data)
{
  const char *subtitle;

  connect_to_server (f);
  g_assert_false (ota_connection_banner_get_active (f->window->connection_banner_box));

  ota_server_stop (f->server.server);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_RECONNECTING);

  /* The header bar says so, the banner explains and offers to retry … */
  subtitle = ota_backend_switcher_get_subtitle (f->window->backend_switcher);
  g_assert_nonnull (subtitle);
  g_assert_true (g_str_has_prefix (subtitle, "Reconnecting"));
  g_assert_true (ota_connection_banner_get_active (f->window->connection_banner_box));
  g_assert_true (gtk_revealer_get_reveal_child (f->window->connection_banner));
  g_assert_true (g_str_has_prefix (ota_connection_banner_get_text (f->window->connection_banner_box),
                                   "Connection lost"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window->server_actions), "retry"));

  /* … and the last data stays on screen meanwhile. */
  g_assert_true (shows_only (f->window, "remote1"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->content_stack), ==, "product");

  /* Retry Now with the server still away: still reconnecting, nothing lost. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "server.retry", NULL);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_RECONNECTING &&
                      ota_backend_manager_get_retry_in (f->manager) > 0);
  g_assert_true (shows_only (f->window, "remote1"));
}

/* The server comes back (a restart: a new server on the same database and port): Retry
 * Now reconnects, the banner goes, and the views reload what changed meanwhile. */
static void
test_server_back_reloads_views (ConnectFixture *f,
                                gconstpointer   data)
{
  g_autoptr(OtaProduct) added = NULL;
  g_autoptr(GError) error = NULL;
  OtaServer *old;
  guint port = ota_server_get_port (f->server.server);

  connect_to_server (f);
  ota_server_stop (f->server.server);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_RECONNECTING);

  /* Changed while the console was away. */
  added = ota_test_add_product (f->server.base.engine, "remote2", OTA_PROJECT_TYPE_OWN_BRAND,
                                OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  g_assert_cmpuint (n_products (f->window), ==, 1);

  old = g_steal_pointer (&f->server.server);
  g_object_add_weak_pointer (G_OBJECT (old), (gpointer *) &old);
  g_object_unref (old);
  UI_TEST_WAIT_UNTIL (old == NULL);
  f->server.server = ota_server_new (f->server.base.engine, &error);
  g_assert_no_error (error);
  g_assert_true (ota_server_listen (f->server.server, "127.0.0.1", port, &error));
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "server.retry", NULL);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_CONNECTED);
  UI_TEST_WAIT_UNTIL (!gtk_revealer_get_reveal_child (f->window->connection_banner));
  g_assert_cmpstr (ota_backend_switcher_get_subtitle (f->window->backend_switcher), ==, "Connected");
  UI_TEST_WAIT_UNTIL (n_products (f->window) == 2 && !f->window->loading);
  g_assert_cmpstr (product_key (f->window, 1), ==, "remote2");
}

/* At start the last server cannot be reached: the window stays on it, says why, and
 * offers Retry. */
static void
test_unreachable_at_start_stays_with_banner (ConnectFixture *f,
                                             gconstpointer   data)
{
  g_autofree char *url = g_strdup (f->server.url);

  ota_server_stop (f->server.server);
  ota_backend_manager_open_server (f->manager, url, f->server.token, OTA_OPEN_SERVER_RESTORE);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_remote (f->manager) != NULL &&
                      ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_DISCONNECTED &&
                      ota_backend_manager_get_error_message (f->manager) != NULL);

  g_assert_true (OTA_IS_REMOTE_BACKEND (ota_window_get_backend (f->window)));
  g_assert_cmpuint (n_products (f->window), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->content_stack), ==, "loading");
  g_assert_cmpstr (adw_status_page_get_title (f->window->loading_page), ==, "Not Connected");
  UI_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (f->window->connection_banner));
  g_assert_true (g_str_has_prefix (ota_connection_banner_get_text (f->window->connection_banner_box),
                                   "Not connected to the server"));
  g_assert_cmpstr (ota_backend_switcher_get_subtitle (f->window->backend_switcher), ==, "Not connected");
}

/* At start the saved token is refused: back to the local database, and the Connect
 * dialog asks for a new token, the address filled in. */
static void
test_refused_at_start_asks_for_token (ConnectFixture *f,
                                      gconstpointer   data)
{
  OtaConnectDialog *dialog;

  ota_backend_manager_open_server (f->manager, f->server.url, "revoked-token", OTA_OPEN_SERVER_RESTORE);
  UI_TEST_WAIT_UNTIL (dialog_open ());
  dialog = OTA_CONNECT_DIALOG (ui_test_find_window (OTA_TYPE_CONNECT_DIALOG));

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->url_row)), ==, f->server.url);
  g_assert_nonnull (ui_test_message (dialog->token_message));
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "local1"));
  g_assert_true (ota_window_get_backend (f->window) == f->ui.backend);
}

/* A remembered server whose token is not in the keyring (there is no keyring here):
 * the Connect dialog, prefilled; nothing switched meanwhile. */
static void
test_remembered_server_without_token_asks (ConnectFixture *f,
                                           gconstpointer   data)
{
  const char *servers[] = { f->server.url, NULL };
  OtaConnectDialog *dialog;

  g_settings_set_strv (f->settings, "servers", servers);
  g_action_group_activate_action (G_ACTION_GROUP (f->window->server_actions), "use",
                                  g_variant_new_string (f->server.url));
  UI_TEST_WAIT_UNTIL (dialog_open ());
  dialog = OTA_CONNECT_DIALOG (ui_test_find_window (OTA_TYPE_CONNECT_DIALOG));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->url_row)), ==, f->server.url);
  g_assert_nonnull (ui_test_message (dialog->token_message));
  g_assert_true (shows_only (f->window, "local1"));

  /* The token typed in connects, and the menu marks the server as the current one. */
  gtk_editable_set_text (GTK_EDITABLE (dialog->token_row), f->server.token);
  gtk_switch_set_active (dialog->remember_switch, FALSE);
  g_signal_emit_by_name (dialog->connect_button, "clicked");
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "remote1"));
  {
    g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (f->window->server_actions),
                                                                 "use");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, f->server.url);
  }
}

/* ---- Switching ------------------------------------------------------------------------------ */

static void
test_switch_back_to_local (ConnectFixture *f,
                           gconstpointer   data)
{
  OtaBackend *remote;
  g_autofree char *last = NULL;
  g_autoptr(GVariant) state = NULL;

  connect_to_server (f);
  remote = ota_window_get_backend (f->window);
  g_object_add_weak_pointer (G_OBJECT (remote), (gpointer *) &remote);

  /* The menu's "Local Database". */
  g_action_group_activate_action (G_ACTION_GROUP (f->window->server_actions), "use",
                                  g_variant_new_string (""));
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "local1"));
  g_assert_true (ota_window_get_backend (f->window) == f->ui.backend);
  g_assert_cmpstr (ota_backend_switcher_get_title (f->window->backend_switcher), ==, "Local Database");
  g_assert_null (ota_backend_switcher_get_subtitle (f->window->backend_switcher));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window->server_actions), "forget"));
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->window->server_actions), "use");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "");
  last = g_settings_get_string (f->settings, "last-server");
  g_assert_cmpstr (last, ==, "");

  /* Nothing holds the server's backend any more: no view, no handler, no leak. */
  UI_TEST_WAIT_UNTIL (remote == NULL);

  /* A change on the server no longer reaches the window; one on the local database does. */
  {
    g_autoptr(OtaProduct) local2 = ota_test_add_product (f->ui.base.engine, "local2",
                                                         OTA_PROJECT_TYPE_OWN_BRAND,
                                                         OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
    ota_window_reload (f->window);
    UI_TEST_WAIT_UNTIL (n_products (f->window) == 2 && !f->window->loading);
  }
}

/* The firmware page of a server's firmware is open when the user switches: it goes,
 * with its backend. */
static void
test_switch_closes_server_pages (ConnectFixture *f,
                                 gconstpointer   data)
{
  g_autoptr(OtaFirmware) firmware = NULL;
  OtaBackend *remote;

  connect_to_server (f);
  remote = ota_window_get_backend (f->window);
  g_object_add_weak_pointer (G_OBJECT (remote), (gpointer *) &remote);

  /* A firmware uploaded to the server through the window's (remote) backend. */
  {
    static const char * const sources[] = { "1.0", NULL };
    g_autofree char *path = ota_test_write_file (&f->server.base, "cam-2.0.bin", "firmware image", 14);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    OtaFirmwareSpec spec = {
      .product_key = "remote1",
      .name = "cam_main",
      .type = OTA_FIRMWARE_TYPE_FULL,
      .version = "2.0",
      .source_versions = sources,
      .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
    };

    ota_backend_add_firmware_async (remote, &spec, file, NULL, NULL, NULL, store_result, &result);
    UI_TEST_WAIT_UNTIL (result != NULL);
    firmware = ota_backend_add_firmware_finish (remote, result, &error);
    g_assert_no_error (error);
  }
  ota_window_show_firmware (f->window, firmware);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->content_stack), ==, "firmware");

  g_assert_true (ota_backend_manager_use_local (f->manager, NULL));
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "local1"));
  g_assert_null (adw_bin_get_child (f->window->firmware_bin));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->content_stack), ==, "product");
  UI_TEST_WAIT_UNTIL (remote == NULL);
}

static void
test_forget_server_goes_local (ConnectFixture *f,
                               gconstpointer   data)
{
  AdwMessageDialog *confirm;
  g_auto(GStrv) servers = NULL;

  connect_to_server (f);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window->server_actions), "forget"));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "server.forget", NULL);
  confirm = ADW_MESSAGE_DIALOG (ui_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  adw_message_dialog_response (confirm, "forget");

  UI_TEST_WAIT_UNTIL (shows_only (f->window, "local1"));
  servers = g_settings_get_strv (f->settings, "servers");
  g_assert_cmpuint (g_strv_length (servers), ==, 0);
  g_assert_null (ota_backend_manager_get_remote (f->manager));
}

/* Demo mode works on its own database only: no servers offered. */
static void
test_local_only_offers_no_servers (ConnectFixture *f,
                                   gconstpointer   data)
{
  g_assert_nonnull (ota_backend_switcher_get_menu (f->window->backend_switcher));
  ota_backend_manager_set_local_only (f->manager, TRUE);
  g_assert_null (ota_backend_switcher_get_menu (f->window->backend_switcher));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window->server_actions), "connect"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window->server_actions), "use"));
}

int
main (int   argc,
      char *argv[])
{
  /* No secret service: keyring calls fail at once instead of starting a bus. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ota-test-bus", TRUE);
  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, ConnectFixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/connect/dialog/bad-url-keeps-connect-insensitive", test_bad_url_keeps_connect_insensitive);
  ADD ("/connect/dialog/valid-token-shows-server-products", test_valid_token_shows_server_products);
  ADD ("/connect/dialog/wrong-token-shows-refusal-inline", test_wrong_token_shows_refusal);
  ADD ("/connect/dialog/unreachable-server-shows-inline", test_unreachable_server_shows_inline);
  ADD ("/connect/state/stopped-server-shows-reconnecting", test_stopped_server_shows_reconnecting);
  ADD ("/connect/state/server-back-reloads-views", test_server_back_reloads_views);
  ADD ("/connect/state/unreachable-at-start-stays-with-banner", test_unreachable_at_start_stays_with_banner);
  ADD ("/connect/start/refused-token-asks-with-dialog", test_refused_at_start_asks_for_token);
  ADD ("/connect/start/remembered-server-without-token-asks", test_remembered_server_without_token_asks);
  ADD ("/connect/switch/back-to-local-shows-local-products", test_switch_back_to_local);
  ADD ("/connect/switch/closes-server-pages", test_switch_closes_server_pages);
  ADD ("/connect/switch/forget-server-goes-local", test_forget_server_goes_local);
  ADD ("/connect/demo/local-only-offers-no-servers", test_local_only_offers_no_servers);

  return g_test_run ();
}
