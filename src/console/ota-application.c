/* ota-application.c — the console application: options, the engine, app actions */
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ota-application.h"
#include "ota-backend-manager.h"
#include "ota-demo.h"
#include "ota-format.h"
#include "ota-local-backend.h"
#include "ota-screenshot.h"
#include "ota-window.h"

struct _OtaApplication
{
  AdwApplication  parent_instance;

  gboolean        demo_mode;
  char           *db_path;       /* --db, or NULL: the default (or demo) database */
  char           *server_url;    /* --server, or NULL: the last server (or the database) */
  OtaEngine      *engine;
  OtaBackend     *backend;       /* the local database's, once opened */
  OtaBackendManager *manager;    /* what the windows work on */
  OtaDemo        *demo;          /* demo mode: the simulated fleet */
  GCancellable   *cancellable;   /* preparing the demo */
  gboolean        preparing;
};

G_DEFINE_FINAL_TYPE (OtaApplication, ota_application, ADW_TYPE_APPLICATION)

char *
ota_application_demo_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "ota-console", "demo.db", NULL);
}

/* What the worker opening the database needs: made on the UI thread. */
typedef struct {
  char     *path;
  OtaClock *clock;
} OpenEngineData;

static void
open_engine_data_free (OpenEngineData *data)
{
  g_free (data->path);
  g_clear_object (&data->clock);
  g_free (data);
}

/* On a worker: SQLite opens the file and migrates the schema, which may take a while on
 * a large database or one another process holds. The worker has no thread-default main
 * context, so the engine emits its signals on the global default one, the UI's. */
static void
open_engine_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  OpenEngineData *data = task_data;
  g_autofree char *dir = g_path_get_dirname (data->path);
  OtaEngine *engine;
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create the folder “%s”: %s"), display,
                               g_strerror (saved_errno));
      return;
    }

  engine = ota_engine_new (data->path, data->clock, &error);
  if (engine == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, engine, g_object_unref);
}

/* Back on the UI thread: the backend for the manager's task (@user_data). */
static void
engine_opened (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OtaApplication *self = OTA_APPLICATION (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  OtaEngine *engine;

  engine = g_task_propagate_pointer (G_TASK (result), &error);
  if (engine == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_object (&self->backend);
  g_clear_object (&self->engine);
  self->engine = engine;
  self->backend = ota_local_backend_new (self->engine);
  g_task_return_pointer (task, g_object_ref (self->backend), g_object_unref);
}

/* The manager opens the local database only when it is needed: a console started on a
 * server never touches it. */
static void
open_local_backend (gpointer  user_data,
                    GTask    *task)
{
  OtaApplication *self = user_data;
  g_autoptr(GTask) opening = NULL;
  OpenEngineData *data;

  if (self->backend != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->backend), g_object_unref);
      return;
    }

  data = g_new0 (OpenEngineData, 1);
  if (self->db_path != NULL)
    data->path = g_strdup (self->db_path);
  else if (self->demo_mode)
    data->path = ota_application_demo_db_path ();
  else
    data->path = ota_engine_default_db_path ();
  /* In demo mode time is a manual clock, so the simulated fleet can make minutes pass
   * in seconds. */
  if (self->demo_mode)
    data->clock = OTA_CLOCK (ota_manual_clock_new (g_get_real_time ()));
  else
    data->clock = ota_real_clock_new ();

  opening = g_task_new (self, NULL, engine_opened, g_object_ref (task));
  g_task_set_source_tag (opening, open_local_backend);
  g_task_set_task_data (opening, data, (GDestroyNotify) open_engine_data_free);
  g_task_run_in_thread (opening, open_engine_thread);
}

/* Without the schema installed (running from the build folder) nothing is remembered. */
static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  return schema != NULL ? g_settings_new (APPLICATION_ID) : NULL;
}

/* (transfer full) (nullable): the server to open at start: --server, else the one of
 * the last run (never in demo mode, nor when --db names the database to open). */
static char *
dup_start_server (OtaApplication *self,
                  GSettings      *settings)
{
  g_autofree char *last = NULL;

  if (self->server_url != NULL)
    return g_strdup (self->server_url);
  if (self->demo_mode || self->db_path != NULL || settings == NULL)
    return NULL;
  last = g_settings_get_string (settings, "last-server");
  return *last != '\0' ? g_steal_pointer (&last) : NULL;
}

static void
show_fatal_error (OtaApplication *self,
                  const GError   *error)
{
  AdwMessageDialog *dialog;

  g_printerr ("ota-console: %s\n", error->message);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (NULL, _("Cannot Open the Database"),
                                                       error->message));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
demo_prepared (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OtaApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  OtaDemoSummary summary = { 0 };
  OtaDemoRolloutSummary rollouts = { 0 };
  GtkWindow *window;
  gboolean ok;

  ok = ota_demo_prepare_finish (OTA_DEMO (source), result, &summary, &rollouts, &error);
  self->preparing = FALSE;

  /* Screenshots want the state the setup left, not a moving fleet. */
  if (ok && !ota_screenshot_requested ())
    ota_demo_start (self->demo);
  else if (!ok)
    ota_screenshot_fail (error);

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!OTA_IS_WINDOW (window))
    return;

  ota_window_set_preparing (OTA_WINDOW (window), FALSE);
  if (!ok)
    ota_window_add_error_toast (OTA_WINDOW (window), error);
  else if (ota_screenshot_requested ())
    ota_screenshot_start (OTA_WINDOW (window));
  else if (summary.products > 0)
    {
      g_autofree char *devices = ota_format_count (summary.devices);
      g_autofree char *message =
        g_strdup_printf (_("Demo ready: %u products, %s devices, %u firmwares, %u batch upgrades"),
                         summary.products, devices, summary.firmwares, rollouts.batches);

      ota_window_add_toast (OTA_WINDOW (window), message);
    }
}

static void
start_demo (OtaApplication *self)
{
  self->demo = ota_demo_new (self->engine);
  self->preparing = TRUE;
  self->cancellable = g_cancellable_new ();
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (OTA_IS_WINDOW (l->data))
      ota_window_set_demo (OTA_WINDOW (l->data), self->demo);
  ota_demo_prepare_async (self->demo, self->cancellable, demo_prepared, g_object_ref (self));
}

/* The database to work on at start is open (the window showed its loading page
 * meanwhile): the demo starts on it. Without it there is nothing to show. */
static void
local_opened_at_start (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(OtaApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) windows = NULL;

  if (ota_backend_manager_use_local_finish (OTA_BACKEND_MANAGER (source), result, &error))
    {
      if (self->demo_mode && self->demo == NULL)
        start_demo (self);
      return;
    }
  /* A server chosen from the menu meanwhile. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The dialog first: it keeps the application running once the windows are gone. */
  show_fatal_error (self, error);
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    if (OTA_IS_WINDOW (l->data))
      gtk_window_destroy (l->data);
}

static void
ota_application_activate (GApplication *application)
{
  OtaApplication *self = OTA_APPLICATION (application);
  g_autofree char *server = NULL;
  gboolean starting = FALSE;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->manager == NULL)
    {
      g_autoptr(GSettings) settings = settings_new_if_installed ();

      self->manager = ota_backend_manager_new (settings);
      ota_backend_manager_set_local_opener (self->manager, open_local_backend, self, NULL);
      ota_backend_manager_set_local_only (self->manager, self->demo_mode);
      server = dup_start_server (self, settings);
      starting = TRUE;
    }

  window = GTK_WINDOW (ota_window_new_for_manager (GTK_APPLICATION (self), self->manager));
  ota_window_set_demo_mode (OTA_WINDOW (window), self->demo_mode);
  if (self->demo != NULL)
    ota_window_set_demo (OTA_WINDOW (window), self->demo);
  if (self->demo_mode && (self->demo == NULL || self->preparing))
    ota_window_set_preparing (OTA_WINDOW (window), TRUE);
  gtk_window_present (window);

  /* After the window: what the server says (a token to ask for) needs it. The token of
   * --server may come from $OTA_TOKEN, as for otactl; else from the keyring. */
  if (server != NULL)
    {
      const char *token = self->server_url != NULL ? g_getenv ("OTA_TOKEN") : NULL;

      ota_backend_manager_open_server (self->manager, server,
                                       token != NULL && *token != '\0' ? token : NULL,
                                       OTA_OPEN_SERVER_RESTORE);
    }
  else if (starting)
    ota_backend_manager_use_local_async (self->manager, NULL, local_opened_at_start,
                                         g_object_ref (self));
}

static int
ota_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  OtaApplication *self = OTA_APPLICATION (application);
  g_autofree char *db = NULL;
  g_autofree char *server = NULL;

  if (g_variant_dict_lookup (options, "demo", "b", &self->demo_mode) && self->demo_mode)
    g_debug ("Demo mode");
  if (g_variant_dict_lookup (options, "db", "^ay", &db))
    {
      g_free (self->db_path);
      self->db_path = g_steal_pointer (&db);
    }
  if (g_variant_dict_lookup (options, "server", "s", &server))
    {
      g_free (self->server_url);
      self->server_url = g_steal_pointer (&server);
    }

  /* The demo is a database of its own, never a server's; --db names the database to
   * open instead of a server. */
  if (self->demo_mode && self->server_url != NULL)
    {
      g_printerr ("ota-console: %s\n", _("--demo and --server cannot be used together"));
      return 1;
    }
  if (self->db_path != NULL && self->server_url != NULL)
    {
      g_printerr ("ota-console: %s\n", _("--db and --server cannot be used together"));
      return 1;
    }
  return -1;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  OtaApplication *self = user_data;
  static const char *developers[] = { "The OTA Console authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("OTA Console"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The OTA Console authors"),
                         "developers", developers,
                         "comments", _("Upload firmware, verify it on a few devices and "
                                       "upgrade whole fleets over the air."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2026 The OTA Console authors",
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  OtaApplication *self = user_data;
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/otaconsole/OtaConsole/ui/ota-shortcuts.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts"));

  gtk_window_set_transient_for (shortcuts, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (shortcuts);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "shortcuts", shortcuts_action },
};

static void
ota_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (ota_application_parent_class)->startup (application);

  /* Window managers without the desktop file (X11, uninstalled runs) still show our icon. */
  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.shortcuts",
                                         shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close",
                                         close_accels);
}

static void
ota_application_shutdown (GApplication *application)
{
  OtaApplication *self = OTA_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  if (self->demo != NULL)
    ota_demo_stop (self->demo);
  /* Close the server's event stream now, whoever still holds the manager. */
  if (self->manager != NULL)
    g_object_run_dispose (G_OBJECT (self->manager));

  G_APPLICATION_CLASS (ota_application_parent_class)->shutdown (application);
}

static void
ota_application_dispose (GObject *object)
{
  OtaApplication *self = OTA_APPLICATION (object);

  g_clear_object (&self->demo);
  g_clear_object (&self->manager);
  g_clear_object (&self->backend);
  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ota_application_parent_class)->dispose (object);
}

static void
ota_application_finalize (GObject *object)
{
  OtaApplication *self = OTA_APPLICATION (object);

  g_free (self->db_path);
  g_free (self->server_url);

  G_OBJECT_CLASS (ota_application_parent_class)->finalize (object);
}

static void
ota_application_class_init (OtaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ota_application_dispose;
  object_class->finalize = ota_application_finalize;
  app_class->activate = ota_application_activate;
  app_class->startup = ota_application_startup;
  app_class->shutdown = ota_application_shutdown;
  app_class->handle_local_options = ota_application_handle_local_options;
}

static void
ota_application_init (OtaApplication *self)
{
  static const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Run on a separate demo database filled with a simulated catalogue"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Open the database at PATH instead of the default one"), N_("PATH") },
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Connect to the OTA server at URL; the token comes from $OTA_TOKEN or the keyring"),
      N_("URL") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

/**
 * ota_application_new:
 *
 * Returns: (transfer full): the console application
 */
OtaApplication *
ota_application_new (void)
{
  /* NON_UNIQUE: each process owns its engine and database; handing a second launch to
   * a first one would silently ignore its --db and --demo. */
  return g_object_new (OTA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

gboolean
ota_application_get_demo_mode (OtaApplication *self)
{
  g_return_val_if_fail (OTA_IS_APPLICATION (self), FALSE);
  return self->demo_mode;
}

OtaEngine *
ota_application_get_engine (OtaApplication *self)
{
  g_return_val_if_fail (OTA_IS_APPLICATION (self), NULL);
  return self->engine;
}

OtaBackend *
ota_application_get_backend (OtaApplication *self)
{
  g_return_val_if_fail (OTA_IS_APPLICATION (self), NULL);
  return self->manager != NULL ? ota_backend_manager_get_backend (self->manager) : NULL;
}

OtaBackendManager *
ota_application_get_manager (OtaApplication *self)
{
  g_return_val_if_fail (OTA_IS_APPLICATION (self), NULL);
  return self->manager;
}
