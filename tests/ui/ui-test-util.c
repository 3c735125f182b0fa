/* ui-test-util.c — what the UI tests share */
#include "ota-field-message.h"
#include "ui-test-util.h"

void
ui_test_init (int    *argc,
              char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

void
ui_fixture_setup (UiFixture     *fixture,
                  gconstpointer  data)
{
  ota_test_fixture_setup (&fixture->base, data);
  fixture->backend = ota_local_backend_new (fixture->base.engine);
  fixture->window = NULL;
}

void
ui_fixture_teardown (UiFixture     *fixture,
                     gconstpointer  data)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (toplevels);
  fixture->window = NULL;

  /* Operations still running hold the backend: let them end before the database goes. */
  UI_TEST_WAIT_UNTIL (G_OBJECT (fixture->backend)->ref_count == 1);
  g_clear_object (&fixture->backend);
  ota_test_fixture_teardown (&fixture->base, data);
}

OtaWindow *
ui_fixture_open_window (UiFixture *fixture)
{
  fixture->window = ota_window_new (NULL, fixture->backend);
  gtk_window_present (GTK_WINDOW (fixture->window));
  UI_TEST_WAIT_UNTIL (fixture->window->loaded_once && !fixture->window->loading);
  return fixture->window;
}

static gboolean
heartbeat (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

guint
ui_test_heartbeat_start (void)
{
  return g_timeout_add (10, heartbeat, NULL);
}

void
ui_test_heartbeat_stop (guint id)
{
  g_source_remove (id);
}

void
ui_test_flush (void)
{
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

GtkWindow *
ui_test_find_window (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

const char *
ui_test_message (gpointer field_message)
{
  OtaFieldMessage *message = OTA_FIELD_MESSAGE (field_message);

  return gtk_widget_get_visible (GTK_WIDGET (message)) ? ota_field_message_get_text (message) : NULL;
}
