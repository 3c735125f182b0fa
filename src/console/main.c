/* main.c — ota-console: the GNOME console for over-the-air firmware upgrades */
#include <glib/gi18n.h>
#include <locale.h>

#include "ota-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(OtaApplication) app = NULL;
  const char *localedir = g_getenv ("OTA_CONSOLE_LOCALEDIR");

  /* OTA_CONSOLE_LOCALEDIR: the translations compiled in a build folder, for running
   * uninstalled (tools/dev run, tools/screenshots). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = ota_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
