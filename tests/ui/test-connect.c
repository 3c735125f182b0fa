/* test-connect.c — connecting the console to a real ota-server, switching backends,
 * the connection state in the header bar and the banner
 *
 * The server runs in this process on 127.0.0.1 (any port) over its own temporary
 * database; the window starts on another, local one. No secret service runs here (the
 * session bus address points nowhere), so the tests keep "Remember" off, and a
 * remembered server without a token shows the Connect dialog, as it should.
 */
#include <string.h>

#include "ota-application.h"
#include "ota-connect-dialog-private.h"
#include "ota-format.h"
#include "ota-server-url.h"
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
  GTask             *opening;      /* open_local_later(): the opening the test ends */
  guint              n_opened;
} ConnectFixture;

static void
open_local (gpointer  user_data,
            GTask    *task)
{
  ConnectFixture *f = user_data;

  f->n_opened++;
  g_task_return_pointer (task, g_object_ref (f->ui.backend), g_object_unref);
}

/* An opener that takes its time, as SQLite on a large database does: the test says
 * when it is done. */
static void
open_local_later (gpointer  user_data,
                  GTask    *task)
{
  ConnectFixture *f = user_data;

  g_assert_null (f->opening);
  f->n_opened++;
  f->opening = g_object_ref (task);
}

static void
fixture_setup (ConnectFixture *f,
               gconstpointer   data)
{
  g_autoptr(OtaProduct) local = NULL;
  g_autoptr(OtaProduct) remote = NULL;

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
  ota_backend_manager_use_local_async (f->manager, NULL, NULL, NULL);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_backend (f->manager) == f->ui.backend);

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
  if (f->opening != NULL)
    g_task_return_new_error (f->opening, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Test over");
  g_clear_object (&f->opening);
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
  g_assert_true (ota_backend_manager_get_was_connected (f->manager));
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

static void
count_need_token (guint *count)
{
  (*count)++;
}

/* The token is revoked while the console is reconnecting (during a server restart):
 * the next try is refused, the backend gives up (DISCONNECTED, PERMISSION_DENIED, no
 * more tries), and the console asks once for a new token with the Connect dialog, the
 * address filled in; the new token connects. */
static void
test_revoked_while_reconnecting_asks_for_token (ConnectFixture *f,
                                                gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  OtaRemoteBackend *remote;
  OtaConnectDialog *dialog;
  OtaServer *old;
  guint port = ota_server_get_port (f->server.server);
  guint n_asked = 0;

  connect_to_server (f);
  remote = ota_backend_manager_get_remote (f->manager);
  g_signal_connect_swapped (f->manager, "need-token", G_CALLBACK (count_need_token), &n_asked);
  ota_server_stop (f->server.server);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_RECONNECTING);
  g_assert_false (dialog_open ());

  g_assert_true (ota_engine_revoke_token (f->server.base.engine, "test", &error));
  g_assert_no_error (error);
  old = g_steal_pointer (&f->server.server);
  g_object_add_weak_pointer (G_OBJECT (old), (gpointer *) &old);
  g_object_unref (old);
  UI_TEST_WAIT_UNTIL (old == NULL);
  f->server.server = ota_server_new (f->server.base.engine, &error);
  g_assert_no_error (error);
  g_assert_true (ota_server_listen (f->server.server, "127.0.0.1", port, &error));
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "server.retry", NULL);
  UI_TEST_WAIT_UNTIL (dialog_open ());
  g_assert_cmpuint (n_asked, ==, 1);
  g_assert_cmpint (ota_remote_backend_get_state (remote), ==, OTA_REMOTE_STATE_DISCONNECTED);
  g_assert_error (ota_remote_backend_get_last_error (remote), G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpuint (ota_remote_backend_get_retry_in (remote), ==, 0);
  g_assert_cmpint (ota_backend_manager_get_state (f->manager), ==, OTA_REMOTE_STATE_DISCONNECTED);

  dialog = OTA_CONNECT_DIALOG (ui_test_find_window (OTA_TYPE_CONNECT_DIALOG));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->url_row)), ==, f->server.url);
  g_assert_nonnull (ui_test_message (dialog->token_message));
  g_assert_nonnull (strstr (ui_test_message (dialog->token_message), f->server_name));

  /* A new token connects again. */
  token = ota_engine_create_token (f->server.base.engine, "again", &error);
  g_assert_no_error (error);
  gtk_editable_set_text (GTK_EDITABLE (dialog->token_row), token);
  gtk_switch_set_active (dialog->remember_switch, FALSE);
  g_signal_emit_by_name (dialog->connect_button, "clicked");
  UI_TEST_WAIT_UNTIL (!dialog_open ());
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_CONNECTED);
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "remote1"));
  g_assert_cmpuint (n_asked, ==, 1);
  g_signal_handlers_disconnect_by_data (f->manager, &n_asked);
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
  /* Still unreachable: it keeps trying by itself, counting down to the next try. */
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_remote (f->manager) != NULL &&
                      ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_RECONNECTING &&
                      ota_backend_manager_get_retry_in (f->manager) > 0 &&
                      ota_backend_manager_get_error_message (f->manager) != NULL);

  g_assert_true (OTA_IS_REMOTE_BACKEND (ota_window_get_backend (f->window)));
  g_assert_cmpuint (n_products (f->window), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->content_stack), ==, "loading");
  g_assert_cmpstr (adw_status_page_get_title (f->window->loading_page), ==, "Not Connected");
  UI_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (f->window->connection_banner));
  /* Never connected: nothing was lost, the server is out of reach. */
  g_assert_false (ota_backend_manager_get_was_connected (f->manager));
  g_assert_true (g_str_has_prefix (ota_connection_banner_get_text (f->window->connection_banner_box),
                                   "Cannot reach the server. Retrying in "));
  g_assert_null (strstr (ota_connection_banner_get_text (f->window->connection_banner_box), "lost"));
  g_assert_true (g_str_has_prefix (ota_backend_switcher_get_subtitle (f->window->backend_switcher), "Retrying in"));
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

  ota_backend_manager_use_local_async (f->manager, NULL, NULL, NULL);
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

/* ---- Opening the local database ------------------------------------------------------------- */

/* Picking "Local Database" while on a server: the database opens off the UI thread
 * (here: as late as the test says); meanwhile the window shows its loading page and
 * the main loop runs. A failed opening leaves the server on screen and says why. */
static void
test_local_opens_without_blocking (ConnectFixture *f,
                                   gconstpointer   data)
{
  g_autoptr(OtaBackendManager) manager = ota_backend_manager_new (NULL);
  OtaWindow *window;
  gpointer weak;

  ota_backend_manager_set_local_opener (manager, open_local_later, f, NULL);
  window = ota_window_new_for_manager (NULL, manager);
  gtk_window_present (GTK_WINDOW (window));
  ota_backend_manager_open_server (manager, f->server.url, f->server.token, OTA_OPEN_SERVER_RESTORE);
  UI_TEST_WAIT_UNTIL (shows_only (window, "remote1"));
  f->n_opened = 0;

  g_action_group_activate_action (G_ACTION_GROUP (window->server_actions), "use", g_variant_new_string (""));
  g_assert_nonnull (f->opening);
  g_assert_true (ota_backend_manager_get_opening_local (manager));
  g_assert_true (ota_backend_manager_get_busy (manager));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "loading");
  g_assert_cmpstr (adw_status_page_get_title (window->loading_page), ==, "Opening the Database…");
  g_assert_true (gtk_widget_get_visible (window->loading_spinner));
  /* The UI goes on meanwhile; nothing switched yet. */
  ui_test_flush ();
  g_assert_true (OTA_IS_REMOTE_BACKEND (ota_window_get_backend (window)));

  /* It fails: back to the server's products, nothing switched. */
  g_task_return_new_error (f->opening, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "Cannot open the file");
  g_clear_object (&f->opening);
  UI_TEST_WAIT_UNTIL (!ota_backend_manager_get_opening_local (manager));
  g_assert_false (ota_backend_manager_get_busy (manager));
  g_assert_true (OTA_IS_REMOTE_BACKEND (ota_window_get_backend (window)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "product");

  /* Picked again: opened this time, the window switches. */
  g_action_group_activate_action (G_ACTION_GROUP (window->server_actions), "use", g_variant_new_string (""));
  g_assert_nonnull (f->opening);
  g_assert_cmpuint (f->n_opened, ==, 2);
  g_task_return_pointer (f->opening, g_object_ref (f->ui.backend), g_object_unref);
  g_clear_object (&f->opening);
  UI_TEST_WAIT_UNTIL (shows_only (window, "local1"));
  g_assert_false (ota_backend_manager_get_opening_local (manager));
  g_assert_true (ota_window_get_backend (window) == f->ui.backend);

  /* Opened once: back and forth needs no second opening. */
  ota_backend_manager_open_server (manager, f->server.url, f->server.token, OTA_OPEN_SERVER_RESTORE);
  UI_TEST_WAIT_UNTIL (shows_only (window, "remote1"));
  g_action_group_activate_action (G_ACTION_GROUP (window->server_actions), "use", g_variant_new_string (""));
  UI_TEST_WAIT_UNTIL (shows_only (window, "local1"));
  g_assert_cmpuint (f->n_opened, ==, 2);

  weak = manager;
  g_object_add_weak_pointer (G_OBJECT (manager), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&manager);
  UI_TEST_WAIT_UNTIL (weak == NULL);
}

/* ---- The first load fails ----------------------------------------------------------------- */

static void
rename_table (ConnectFixture *f,
              const char     *from,
              const char     *to)
{
  OtaStore *store = ota_engine_get_store (f->server.base.engine);
  g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (ota_store_get_lock (store));
  g_autofree char *sql = g_strdup_printf ("ALTER TABLE %s RENAME TO %s", from, to);
  g_autoptr(GError) error = NULL;

  g_assert_true (ota_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

/* Connected, but the products cannot be read: an error page says why and offers
 * Reload, instead of "Loading…" for ever. */
static void
test_first_load_failure_shows_error_page (ConnectFixture *f,
                                          gconstpointer   data)
{
  g_autoptr(OtaRemoteBackend) remote = NULL;
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *reload;

  remote = ota_remote_backend_new (f->server.url, f->server.token, &error);
  g_assert_no_error (error);
  ota_remote_backend_connect_async (remote, NULL, store_result, &result);
  UI_TEST_WAIT_UNTIL (result != NULL);
  g_assert_true (ota_remote_backend_connect_finish (remote, result, &error));
  g_assert_no_error (error);
  /* Once read, the server keeps its products query prepared: the broken table then
   * fails the query (an error answer), not its preparation (a warning). */
  g_clear_object (&result);
  ota_backend_list_products_async (OTA_BACKEND (remote), NULL, store_result, &result);
  UI_TEST_WAIT_UNTIL (result != NULL);
  g_clear_pointer (&products, g_ptr_array_unref);
  products = ota_backend_list_products_finish (OTA_BACKEND (remote), result, &error);
  g_assert_no_error (error);

  /* The server's catalogue breaks after the connection was checked. */
  rename_table (f, "products", "products_away");
  ota_backend_manager_use_remote (f->manager, remote, f->server.token, FALSE);
  UI_TEST_WAIT_UNTIL (g_str_equal (gtk_stack_get_visible_child_name (f->window->content_stack), "error"));
  g_assert_cmpint (ota_backend_manager_get_state (f->manager), ==, OTA_REMOTE_STATE_CONNECTED);
  g_assert_false (f->window->loaded_once);
  g_assert_false (f->window->loading);
  g_assert_cmpstr (adw_status_page_get_title (f->window->error_page), ==, "Cannot Load the Products");
  g_assert_nonnull (adw_status_page_get_description (f->window->error_page));
  g_assert_cmpstr (adw_status_page_get_description (f->window->error_page), ==, f->window->load_error);
  g_assert_cmpuint (n_products (f->window), ==, 0);

  /* Reload, once the catalogue is back: the products. */
  rename_table (f, "products_away", "products");
  reload = adw_status_page_get_child (f->window->error_page);
  g_assert_true (GTK_IS_BUTTON (reload));
  g_signal_emit_by_name (reload, "clicked");
  UI_TEST_WAIT_UNTIL (shows_only (f->window, "remote1"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->content_stack), ==, "product");
  g_assert_null (f->window->load_error);
}

/* ---- Several windows ------------------------------------------------------------------------- */

static guint
n_connect_dialogs (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (OTA_IS_CONNECT_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      n++;
  return n;
}

/* Two windows on one manager, neither active: one token prompt, one Connect dialog. */
static void
test_one_window_answers (ConnectFixture *f,
                         gconstpointer   data)
{
  OtaWindow *second = ota_window_new_for_manager (NULL, f->manager);
  OtaConnectDialog *dialog;

  gtk_window_present (GTK_WINDOW (second));
  UI_TEST_WAIT_UNTIL (second->loaded_once && !second->loading);

  g_signal_emit_by_name (f->manager, "need-token", f->server.url, "No token is saved");
  g_assert_cmpuint (n_connect_dialogs (), ==, 1);
  dialog = OTA_CONNECT_DIALOG (ui_test_find_window (OTA_TYPE_CONNECT_DIALOG));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->url_row)), ==, f->server.url);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f->window) ||
                 gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (second));

  /* Another prompt fills the same dialog in. */
  g_signal_emit_by_name (f->manager, "need-token", f->server.url, "The token was refused");
  g_assert_cmpuint (n_connect_dialogs (), ==, 1);
  g_assert_cmpstr (ui_test_message (dialog->token_message), ==, "The token was refused");
}

/* ---- Server addresses ------------------------------------------------------------------------ */

/* A "_" in a remembered server is part of its name, not a mnemonic. */
static void
test_menu_keeps_underscores (ConnectFixture *f,
                             gconstpointer   data)
{
  const char *servers[] = { "http://ota_lab.example:8080", NULL };
  GMenuModel *menu = ota_backend_switcher_get_menu (f->window->backend_switcher);
  g_autoptr(GMenuModel) places = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *label = NULL;

  g_settings_set_strv (f->settings, "servers", servers);
  places = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  UI_TEST_WAIT_UNTIL (g_menu_model_get_n_items (places) == 2);
  g_clear_object (&places);
  places = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);

  g_assert_true (g_menu_model_get_item_attribute (places, 1, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "http://ota__lab.example:8080");
  /* The action still gets the address as it is. */
  target = g_menu_model_get_item_attribute_value (places, 1, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, servers[0]);
}

/* Plain http to another machine sends the token readable: the Connect dialog warns
 * (and still connects), the switcher says so. This machine and https do not warn. */
static void
test_plain_http_warns (ConnectFixture *f,
                       gconstpointer   data)
{
  static const char * const quiet[] = {
    "http://127.0.0.1:8080", "http://127.8.9.10", "http://localhost:8080", "http://LOCALHOST",
    "http://[::1]:8080", "https://ota.example.com:8443", "https://192.0.2.10",
  };
  static const char * const loud[] = {
    "http://ota.example.com:8080", "http://192.0.2.10:8080", "http://[2001:db8::1]:8080",
    "HTTP://10.0.0.5", "http://localhost.example.com",
  };
  OtaConnectDialog *dialog = open_connect_dialog (f);
  const char *warning = "Not encrypted: the token and all data are sent in clear text; "
                        "use https:// for a server on another machine";

  for (guint i = 0; i < G_N_ELEMENTS (quiet); i++)
    {
      g_test_message ("%s", quiet[i]);
      g_assert_false (ota_server_url_is_unencrypted (quiet[i]));
      fill_in (dialog, quiet[i], "some-token");
      g_assert_false (gtk_widget_get_visible (dialog->url_warning));
      g_assert_true (gtk_widget_get_sensitive (dialog->connect_button));
    }
  g_assert_false (ota_server_url_is_unencrypted ("not a url"));

  for (guint i = 0; i < G_N_ELEMENTS (loud); i++)
    {
      g_test_message ("%s", loud[i]);
      g_assert_true (ota_server_url_is_unencrypted (loud[i]));
      fill_in (dialog, loud[i], "some-token");
      g_assert_true (gtk_widget_get_visible (dialog->url_warning));
      g_assert_cmpstr (gtk_label_get_label (dialog->url_warning_label), ==, warning);
      /* A warning, not an error: Connect stays possible. */
      g_assert_null (ui_test_message (dialog->url_message));
      g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (dialog->url_row), "error"));
      g_assert_true (gtk_widget_get_sensitive (dialog->connect_button));
    }

  /* Not a URL: its error, no warning. */
  fill_in (dialog, "ftp://192.0.2.10", "some-token");
  g_assert_nonnull (ui_test_message (dialog->url_message));
  g_assert_false (gtk_widget_get_visible (dialog->url_warning));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The server at home says nothing of the kind … */
  connect_to_server (f);
  g_assert_cmpstr (ota_backend_switcher_get_subtitle (f->window->backend_switcher), ==, "Connected");

  /* … one on another machine does, whatever its state. */
  ota_backend_manager_open_server (f->manager, "http://192.0.2.10:9", "some-token", OTA_OPEN_SERVER_RESTORE);
  UI_TEST_WAIT_UNTIL (g_strcmp0 (ota_backend_manager_get_server (f->manager), "http://192.0.2.10:9") == 0);
  g_assert_true (g_str_has_suffix (ota_backend_switcher_get_subtitle (f->window->backend_switcher),
                                   " · Not encrypted"));
}

/* ---- Shortcuts -------------------------------------------------------------------------------- */

/* Activates what @accel is bound to on @window, as pressing it does. */
static gboolean
press (OtaWindow  *window,
       const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accel);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (window), gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

static void
count_activation (guint *count)
{
  (*count)++;
}

/* Ctrl+Shift+O opens the Connect dialog (the menu shows it), Ctrl+R retries. */
static void
test_shortcuts_connect_and_retry (ConnectFixture *f,
                                  gconstpointer   data)
{
  GMenuModel *menu = ota_backend_switcher_get_menu (f->window->backend_switcher);
  g_autoptr(GMenuModel) actions = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);
  g_autofree char *accel = NULL;
  g_autofree char *action = NULL;
  guint n_retries = 0;

  g_assert_true (g_menu_model_get_item_attribute (actions, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "server.connect");
  g_assert_true (g_menu_model_get_item_attribute (actions, 0, "accel", "s", &accel));
  g_assert_cmpstr (accel, ==, "<Control><Shift>o");

  g_assert_true (press (f->window, "<Control><Shift>o"));
  g_assert_true (dialog_open ());
  gtk_window_destroy (ui_test_find_window (OTA_TYPE_CONNECT_DIALOG));

  /* Retry Now: on a server that stopped, Ctrl+R is the banner's button. */
  connect_to_server (f);
  ota_server_stop (f->server.server);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_state (f->manager) == OTA_REMOTE_STATE_RECONNECTING);
  g_signal_connect_swapped (g_action_map_lookup_action (G_ACTION_MAP (f->window->server_actions), "retry"),
                            "activate", G_CALLBACK (count_activation), &n_retries);
  g_assert_true (press (f->window, "<Control>r"));
  g_assert_cmpuint (n_retries, ==, 1);
}

/* ---- The application's options ------------------------------------------------------------- */

/* --db opens that database, not the server of the last run. */
static void
test_db_option_opens_the_database (ConnectFixture *f,
                                   gconstpointer   data)
{
  g_autoptr(OtaApplication) app = ota_application_new ();
  g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);
  g_autofree char *path = g_build_filename (f->ui.base.dir, "chosen.db", NULL);
  g_autoptr(GError) error = NULL;
  OtaBackendManager *manager;
  GList *windows;
  int status = -1;

  g_settings_set_string (f->settings, "last-server", f->server.url);
  g_variant_dict_insert (options, "db", "^ay", path);
  g_signal_emit_by_name (app, "handle-local-options", options, &status);
  g_assert_cmpint (status, ==, -1);

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  manager = ota_application_get_manager (app);
  g_assert_nonnull (manager);
  UI_TEST_WAIT_UNTIL (ota_backend_manager_get_backend (manager) != NULL);

  g_assert_true (OTA_IS_LOCAL_BACKEND (ota_backend_manager_get_backend (manager)));
  g_assert_null (ota_backend_manager_get_remote (manager));
  g_assert_cmpstr (ota_store_get_path (ota_engine_get_store (ota_application_get_engine (app))), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_nonnull (windows);
  UI_TEST_WAIT_UNTIL (OTA_WINDOW (windows->data)->loaded_once);
  g_assert_false (dialog_open ());

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
}

/* --db with --server: one line says they exclude each other, exit code 1. */
static void
test_db_and_server_refused (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(OtaApplication) app = ota_application_new ();
      g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);
      int status = -1;

      g_variant_dict_insert (options, "db", "^ay", "/nonexistent/chosen.db");
      g_variant_dict_insert (options, "server", "s", "http://127.0.0.1:1");
      g_signal_emit_by_name (app, "handle-local-options", options, &status);
      exit (status == 1 ? 1 : 0);
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("ota-console: --db and --server cannot be used together\n");
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
  ADD ("/connect/state/revoked-while-reconnecting-asks-for-token",
       test_revoked_while_reconnecting_asks_for_token);
  ADD ("/connect/state/unreachable-at-start-stays-with-banner", test_unreachable_at_start_stays_with_banner);
  ADD ("/connect/start/refused-token-asks-with-dialog", test_refused_at_start_asks_for_token);
  ADD ("/connect/start/remembered-server-without-token-asks", test_remembered_server_without_token_asks);
  ADD ("/connect/switch/back-to-local-shows-local-products", test_switch_back_to_local);
  ADD ("/connect/switch/closes-server-pages", test_switch_closes_server_pages);
  ADD ("/connect/switch/forget-server-goes-local", test_forget_server_goes_local);
  ADD ("/connect/demo/local-only-offers-no-servers", test_local_only_offers_no_servers);
  ADD ("/connect/switch/local-database-opens-without-blocking", test_local_opens_without_blocking);
  ADD ("/connect/state/first-load-failure-shows-error-page", test_first_load_failure_shows_error_page);
  ADD ("/connect/windows/one-window-answers-a-token-prompt", test_one_window_answers);
  ADD ("/connect/menu/server-underscores-are-no-mnemonics", test_menu_keeps_underscores);
  ADD ("/connect/dialog/plain-http-to-another-machine-warns", test_plain_http_warns);
  ADD ("/connect/shortcuts/connect-and-retry", test_shortcuts_connect_and_retry);
  ADD ("/connect/start/db-option-opens-that-database", test_db_option_opens_the_database);
  g_test_add_func ("/connect/start/db-and-server-refused", test_db_and_server_refused);

  return g_test_run ();
}
