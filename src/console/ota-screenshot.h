/* ota-screenshot.h — opening one view at start, for tools/screenshots
 *
 * A debugging aid, read from the environment only with --demo:
 *   OTA_CONSOLE_SCREENSHOT_VIEW    main | devices | firmware | batch | failures |
 *                                  add-firmware | batch-dialog
 *   OTA_CONSOLE_SCREENSHOT_MARKER  a file to write once the view is on screen
 * Once the demo is prepared (its fleet stays still), the console opens the view on the
 * demo's first product (main window, its devices, its headline firmware's batches, the
 * batch's devices or failures, the Add Firmware dialog, the Batch Upgrade dialog with
 * its forecast), waits until the view's data arrived and was drawn, and writes into the
 * marker file the X11 window id to capture ("root" for the main window), or a line
 * starting with "error:".
 */
#pragma once

#include "ota-window.h"

G_BEGIN_DECLS

/* Whether OTA_CONSOLE_SCREENSHOT_VIEW asks for a view. */
gboolean ota_screenshot_requested (void);
/* Opens the view asked for in @window and writes the marker when it is drawn. */
void     ota_screenshot_start     (OtaWindow    *window);
/* The demo could not be prepared: says so in the marker, so the tool stops at once. */
void     ota_screenshot_fail      (const GError *error);

G_END_DECLS
