/* test-ui-files.c — every .ui file of the console's GResource loads
 *
 * The resource folder is listed, so a new .ui file is covered without touching this
 * test. A template is loaded the way the application does it: by making an instance of
 * its class (with a backend when the class takes one), which fails loudly on an unknown
 * type, property, signal handler or closure. Other files (the shortcuts window) go
 * through GtkBuilder directly.
 */
#include <gmodule.h>
#include <string.h>

#include "ui-test-util.h"

#define UI_RESOURCE_DIR "/io/github/otaconsole/OtaConsole/ui/"

/* "OtaFirmwarePage" → "ota_firmware_page_get_type", as GtkBuilder resolves types. */
static GType
resolve_type (const char *name)
{
  g_autoptr(GString) symbol = g_string_new (NULL);
  GModule *self = g_module_open (NULL, 0);
  GType (*get_type) (void) = NULL;
  GType type = g_type_from_name (name);

  if (type != 0)
    return type;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p) && p != name && !g_ascii_isupper (p[-1]))
        g_string_append_c (symbol, '_');
      g_string_append_c (symbol, g_ascii_tolower (*p));
    }
  g_string_append (symbol, "_get_type");

  if (self != NULL && g_module_symbol (self, symbol->str, (gpointer *) &get_type) && get_type != NULL)
    type = get_type ();
  if (self != NULL)
    g_module_close (self);
  return type;
}

/* The class of `<template class="…"`, or NULL for a plain builder file. */
static char *
template_class (const char *xml)
{
  const char *start = strstr (xml, "<template class=\"");
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen ("<template class=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static void
load_template (UiFixture  *fixture,
               const char *class_name)
{
  GType type = resolve_type (class_name);
  g_autoptr(GTypeClass) type_class = NULL;
  GObjectClass *klass;
  GParamSpec *backend_pspec;
  GObject *object;

  g_assert_true (type != 0 && g_type_is_a (type, GTK_TYPE_WIDGET));

  type_class = g_type_class_ref (type);
  klass = G_OBJECT_CLASS (type_class);
  backend_pspec = g_object_class_find_property (klass, "backend");
  if (backend_pspec != NULL && g_type_is_a (backend_pspec->value_type, OTA_TYPE_BACKEND))
    object = g_object_new (type, "backend", fixture->backend, NULL);
  else
    object = g_object_new (type, NULL);

  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (object, type));
  if (GTK_IS_WINDOW (object))
    gtk_window_destroy (GTK_WINDOW (object));
  else
    g_object_unref (g_object_ref_sink (object));
}

static void
load_builder_file (const char *path)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) objects = NULL;

  gtk_builder_add_from_resource (builder, path, &error);
  g_assert_no_error (error);

  objects = gtk_builder_get_objects (builder);
  g_assert_nonnull (objects);
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_WINDOW (l->data))
      gtk_window_destroy (l->data);
}

static void
test_every_ui_file_loads (UiFixture     *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = g_resources_enumerate_children (UI_RESOURCE_DIR, 0, &error);
  guint n_templates = 0;

  g_assert_no_error (error);
  g_assert_nonnull (names);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (UI_RESOURCE_DIR, names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *xml = NULL;
      g_autofree char *class_name = NULL;
      gsize size;

      if (!g_str_has_suffix (names[i], ".ui"))
        continue;

      g_test_message ("Loading %s", path);
      bytes = g_resources_lookup_data (path, 0, &error);
      g_assert_no_error (error);
      size = g_bytes_get_size (bytes);
      xml = g_strndup (g_bytes_get_data (bytes, NULL), size);

      class_name = template_class (xml);
      if (class_name != NULL)
        {
          load_template (fixture, class_name);
          n_templates++;
        }
      else
        load_builder_file (path);
    }

  /* Window, product page, lists and dialogs at least. */
  g_assert_cmpuint (n_templates, >=, 8);
  UI_TEST_WAIT_UNTIL (G_OBJECT (fixture->backend)->ref_count == 1);
}

/* The accelerators the shortcuts window lists. */
static GArray *
listed_accelerators (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (UI_RESOURCE_DIR "ota-shortcuts.ui", 0, NULL);
  g_autofree char *xml = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  const char *tag = "<property name=\"accelerator\">";
  GArray *listed = g_array_new (FALSE, TRUE, sizeof (GtkShortcutTrigger *));

  for (const char *p = strstr (xml, tag); p != NULL; p = strstr (p, tag))
    {
      const char *end;
      g_autofree char *escaped = NULL;
      g_autoptr(GString) value = NULL;
      GtkShortcutTrigger *trigger;

      p += strlen (tag);
      end = strchr (p, '<');
      escaped = g_strndup (p, end - p);
      value = g_string_new (escaped);
      g_string_replace (value, "&lt;", "<", 0);
      g_string_replace (value, "&gt;", ">", 0);
      trigger = gtk_shortcut_trigger_parse_string (value->str);
      g_assert_nonnull (trigger);
      g_array_append_val (listed, trigger);
    }
  return listed;
}

static gboolean
is_listed (GArray             *listed,
           GtkShortcutTrigger *trigger)
{
  for (guint i = 0; i < listed->len; i++)
    if (gtk_shortcut_trigger_equal (g_array_index (listed, GtkShortcutTrigger *, i), trigger))
      return TRUE;
  return FALSE;
}

/* The shortcuts window names every accelerator of the main window's actions (win.* and
 * server.*, those the window class installs, found on its shortcut controllers) and of
 * the application. */
static void
test_shortcuts_window_lists_every_accelerator (UiFixture     *fixture,
                                               gconstpointer  data)
{
  static const char * const app_accels[] = { "<Control>q", "<Control>question", "<Control>w" };
  g_autoptr(GArray) listed = listed_accelerators ();
  OtaWindow *window = ui_fixture_open_window (fixture);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  guint n_window_accels = 0;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          g_autofree char *text = gtk_shortcut_trigger_to_string (trigger);

          if (!GTK_IS_NAMED_ACTION (action) ||
              (!g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "win.") &&
               !g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "server.")))
            continue;

          g_test_message ("%s → %s", text, gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
          g_assert_true (is_listed (listed, trigger));
          n_window_accels++;
        }
    }
  g_assert_cmpuint (n_window_accels, >=, 9);

  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    {
      g_autoptr(GtkShortcutTrigger) trigger = gtk_shortcut_trigger_parse_string (app_accels[i]);

      g_test_message ("%s (application)", app_accels[i]);
      g_assert_true (is_listed (listed, trigger));
    }

  for (guint i = 0; i < listed->len; i++)
    g_object_unref (g_array_index (listed, GtkShortcutTrigger *, i));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add ("/ui/files/every-ui-file-loads", UiFixture, NULL,
              ui_fixture_setup, test_every_ui_file_loads, ui_fixture_teardown);
  g_test_add ("/ui/files/shortcuts-window-lists-every-accelerator", UiFixture, NULL,
              ui_fixture_setup, test_shortcuts_window_lists_every_accelerator, ui_fixture_teardown);

  return g_test_run ();
}
