/* ota-screenshot.c — opening one view at start, for tools/screenshots
 *
 * Each view is reached the way a user would get there (select the product, open the
 * firmware, activate its batch …); a poll on the main loop waits for each step's data,
 * then a tick callback lets the transitions end before the marker is written.
 */
#include "ota-add-firmware-dialog.h"
#include "ota-batch-dialog-private.h"
#include "ota-batch-page-private.h"
#include "ota-batch-row.h"
#include "ota-firmware-page-private.h"
#include "ota-screenshot.h"
#include "ota-window-private.h"

/* After gtk.h, which says whether GDK has the X11 backend. */
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#define VIEW_ENV       "OTA_CONSOLE_SCREENSHOT_VIEW"
#define MARKER_ENV     "OTA_CONSOLE_SCREENSHOT_MARKER"
#define POLL_MS        50
#define MAX_POLLS      (60 * 1000 / POLL_MS)
/* Frame time to let stack, leaflet and revealer transitions end. */
#define SETTLE_US      (800 * G_TIME_SPAN_MILLISECOND)
/* The product the screenshots show: the demo's first, with firmwares in every state. */
#define PRODUCT_KEY    "a1SmartPlug"
/* Rows of the device list that must be there before the picture. */
#define ROWS_SHOWN     15

typedef enum {
  WAIT_PRODUCT,
  WAIT_DEVICES,
  WAIT_FIRMWARE_PAGE,
  WAIT_BATCH_PAGE,
  WAIT_FAILURES,
  WAIT_DIALOG,
  WAIT_FORECAST,
  SETTLE,
} Stage;

typedef struct {
  OtaWindow *window;
  char      *view;
  char      *marker;
  Stage      stage;
  guint      polls;
  GtkWidget *target;        /* the toplevel to capture */
  gboolean   selecting;
  gint64     settle_from;
  gboolean   done;          /* the marker was written: the poll may free the shot */
} Shot;

static void
shot_free (Shot *shot)
{
  g_clear_object (&shot->window);
  g_clear_object (&shot->target);
  g_free (shot->view);
  g_free (shot->marker);
  g_free (shot);
}

gboolean
ota_screenshot_requested (void)
{
  const char *view = g_getenv (VIEW_ENV);

  return view != NULL && *view != '\0';
}

static void
write_marker_file (const char *marker,
                   const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (text, "\n", NULL);

  if (marker == NULL)
    g_print ("%s", line);
  else if (!g_file_set_contents (marker, line, -1, &error))
    g_printerr ("ota-console: %s\n", error->message);
}

static void
write_marker (Shot       *shot,
              const char *text)
{
  write_marker_file (shot->marker, text);
}

void
ota_screenshot_fail (const GError *error)
{
  g_autofree char *text = g_strdup_printf ("error: %s", error != NULL ? error->message : "unknown");

  if (ota_screenshot_requested ())
    write_marker_file (g_getenv (MARKER_ENV), text);
}

/* "root" for the main window (it fills the screen), else the X11 id of the dialog. */
static char *
target_id (Shot *shot)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (shot->target));

  if (shot->target != GTK_WIDGET (shot->window) && GDK_IS_X11_SURFACE (surface))
    return g_strdup_printf ("0x%lx", (unsigned long) gdk_x11_surface_get_xid (surface));
#endif
  return g_strdup ("root");
}

static gboolean
settle_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  Shot *shot = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (shot->settle_from == 0)
    shot->settle_from = now;
  if (now - shot->settle_from < SETTLE_US)
    return G_SOURCE_CONTINUE;

  {
    g_autofree char *id = target_id (shot);

    write_marker (shot, id);
  }
  shot->done = TRUE;
  return G_SOURCE_REMOVE;
}

static GtkWidget *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

/* The first verified firmware of the product shown: it has batches. */
static OtaFirmware *
headline_firmware (Shot *shot)
{
  OtaFirmwareList *list = ota_product_page_get_firmware_list (shot->window->product_page);
  GListModel *model = ota_firmware_list_get_model (list);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OtaFirmware) firmware = g_list_model_get_item (model, i);

      if (ota_firmware_get_status (firmware) == OTA_FIRMWARE_STATUS_VERIFIED)
        return g_steal_pointer (&firmware);
    }
  return NULL;
}

static OtaFirmwarePage *
firmware_page (Shot *shot)
{
  GtkWidget *child = adw_bin_get_child (shot->window->firmware_bin);

  return OTA_IS_FIRMWARE_PAGE (child) ? OTA_FIRMWARE_PAGE (child) : NULL;
}

static OtaBatchPage *
batch_page (Shot *shot)
{
  OtaFirmwarePage *page = firmware_page (shot);
  GtkWidget *child = page != NULL ? adw_bin_get_child (page->batch_slot) : NULL;

  return OTA_IS_BATCH_PAGE (child) ? OTA_BATCH_PAGE (child) : NULL;
}

static gboolean
rows_loaded (OtaBatchPage *page)
{
  GListModel *model = G_LIST_MODEL (page->task_model);
  guint n = MIN (g_list_model_get_n_items (model), ROWS_SHOWN);

  if (page->n_loads == 0 || n == 0 || ota_task_list_model_get_loading (page->task_model))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OtaTaskRow) row = g_list_model_get_item (model, i);

      if (!ota_task_row_get_loaded (row))
        return FALSE;
    }
  return TRUE;
}

/* The first batch upgrade (not a verification) in the firmware page's list. */
static gint64
first_batch_id (OtaFirmwarePage *page)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (page->batch_list, i)) != NULL; i++)
    if (OTA_IS_BATCH_ROW (row) &&
        ota_batch_get_kind (ota_batch_row_get_batch (OTA_BATCH_ROW (row))) == OTA_BATCH_KIND_BATCH)
      return ota_batch_get_id (ota_batch_row_get_batch (OTA_BATCH_ROW (row)));
  return 0;
}

static void
settle (Shot      *shot,
        GtkWidget *target)
{
  g_set_object (&shot->target, target);
  shot->stage = SETTLE;
  gtk_widget_add_tick_callback (target, settle_tick, shot, NULL);
}

/* The product is shown with its firmwares: go on to the view asked for. */
static gboolean
open_view (Shot *shot)
{
  g_autoptr(OtaFirmware) firmware = headline_firmware (shot);
  const char *view = shot->view;

  if (g_str_equal (view, "main"))
    settle (shot, GTK_WIDGET (shot->window));
  else if (g_str_equal (view, "devices"))
    {
      adw_view_stack_set_visible_child_name (ota_product_page_get_view_stack (shot->window->product_page),
                                             "devices");
      shot->stage = WAIT_DEVICES;
    }
  else if (g_str_equal (view, "add-firmware"))
    {
      gtk_widget_activate_action (GTK_WIDGET (shot->window), "win.add-firmware", NULL);
      shot->stage = WAIT_DIALOG;
    }
  else if (firmware == NULL)
    return FALSE;
  else if (g_str_equal (view, "batch-dialog"))
    {
      ota_window_batch_upgrade (shot->window, firmware);
      shot->stage = WAIT_FORECAST;
    }
  else if (g_str_equal (view, "firmware") || g_str_equal (view, "batch") || g_str_equal (view, "failures"))
    {
      ota_window_show_firmware (shot->window, firmware);
      shot->stage = WAIT_FIRMWARE_PAGE;
    }
  else
    return FALSE;

  return TRUE;
}

static gboolean
product_shown (Shot *shot)
{
  OtaWindow *window = shot->window;
  OtaProduct *product = ota_window_get_product (window);
  GListModel *firmwares;

  if (!window->loaded_once || window->loading || window->preparing)
    return FALSE;

  if (product == NULL || !g_str_equal (ota_product_get_key (product), PRODUCT_KEY))
    {
      if (!shot->selecting)
        ota_window_select_product_later (window, PRODUCT_KEY);
      shot->selecting = TRUE;
      return FALSE;
    }

  firmwares = ota_firmware_list_get_model (ota_product_page_get_firmware_list (window->product_page));
  return g_list_model_get_n_items (firmwares) > 0;
}

/* One step further when the data of the current one arrived; FALSE on a dead end. */
static gboolean
advance (Shot *shot)
{
  OtaFirmwarePage *fw_page = firmware_page (shot);
  OtaBatchPage *b_page = batch_page (shot);
  GtkWidget *dialog;
  gint64 batch_id;

  switch (shot->stage)
    {
    case WAIT_PRODUCT:
      return !product_shown (shot) || open_view (shot);

    case WAIT_DEVICES:
      if (g_list_model_get_n_items (ota_device_list_get_model (
            ota_product_page_get_device_list (shot->window->product_page))) > 0)
        settle (shot, GTK_WIDGET (shot->window));
      return TRUE;

    case WAIT_FIRMWARE_PAGE:
      if (fw_page == NULL || fw_page->n_refreshes == 0 ||
          gtk_list_box_get_row_at_index (fw_page->batch_list, 0) == NULL)
        return TRUE;
      if (g_str_equal (shot->view, "firmware"))
        {
          settle (shot, GTK_WIDGET (shot->window));
          return TRUE;
        }
      batch_id = first_batch_id (fw_page);
      if (batch_id == 0)
        return FALSE;
      ota_firmware_page_show_batch (fw_page, batch_id);
      shot->stage = WAIT_BATCH_PAGE;
      return TRUE;

    case WAIT_BATCH_PAGE:
      if (b_page == NULL || !rows_loaded (b_page))
        return TRUE;
      if (g_str_equal (shot->view, "failures"))
        {
          adw_view_stack_set_visible_child_name (b_page->view_stack, "failures");
          shot->stage = WAIT_FAILURES;
        }
      else
        settle (shot, GTK_WIDGET (shot->window));
      return TRUE;

    case WAIT_FAILURES:
      if (b_page != NULL && ota_failure_view_get_n_groups (b_page->failure_view) > 0)
        settle (shot, GTK_WIDGET (shot->window));
      return TRUE;

    case WAIT_DIALOG:
      dialog = find_toplevel (OTA_TYPE_ADD_FIRMWARE_DIALOG);
      if (dialog != NULL)
        settle (shot, dialog);
      return TRUE;

    case WAIT_FORECAST:
      dialog = find_toplevel (OTA_TYPE_BATCH_DIALOG);
      if (dialog != NULL && OTA_BATCH_DIALOG (dialog)->n_forecasts > 0)
        settle (shot, dialog);
      return TRUE;

    case SETTLE:
    default:
      return TRUE;
    }
}

static gboolean
poll (gpointer user_data)
{
  Shot *shot = user_data;

  if (shot->stage == SETTLE)
    return shot->done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;

  if (++shot->polls > MAX_POLLS || !advance (shot))
    {
      g_autofree char *text = g_strdup_printf ("error: view “%s” could not be opened (step %d)",
                                               shot->view, shot->stage);

      g_printerr ("ota-console: %s\n", text);
      write_marker (shot, text);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
ota_screenshot_start (OtaWindow *window)
{
  Shot *shot;

  g_return_if_fail (OTA_IS_WINDOW (window));

  if (!ota_screenshot_requested ())
    return;

  shot = g_new0 (Shot, 1);
  shot->window = g_object_ref (window);
  shot->view = g_strdup (g_getenv (VIEW_ENV));
  shot->marker = g_strdup (g_getenv (MARKER_ENV));
  shot->stage = WAIT_PRODUCT;
  g_timeout_add_full (G_PRIORITY_DEFAULT, POLL_MS, poll, shot, (GDestroyNotify) shot_free);
}
