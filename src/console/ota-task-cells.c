/* ota-task-cells.c — device list cells built in C and bound to OtaTaskRow cheaply
 *
 * Each list item carries a Cell (qdata): the widgets of its kind and the row it shows.
 * Binding connects one handler to the row's "changed" signal; filling compares with
 * what the widgets show and touches only what differs. The texts are OtaCellLabels,
 * which keep their size: a page of rows arriving redraws cells and lays nothing out
 * again (only a progress bar that appears or goes changes a row).
 */
#include <glib/gi18n.h>

#include "ota-task-cells.h"
#include "ota-batch-page-private.h"
#include "ota-cell-label.h"
#include "ota-format.h"
#include "ota-rollout-format.h"

typedef struct {
  OtaTaskCellKind  kind;
  GtkWidget       *child;       /* the list item's child (strong) */
  GtkWidget       *label;       /* the text of a label or progress cell (strong) */
  GtkWidget       *bar;         /* progress cells */
  OtaTaskRow      *row;         /* bound row (strong: its handler goes with it) */
  gulong           changed_id;
  const char      *style;       /* status style class set now (static string) */
} Cell;

static GQuark
cell_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("ota-task-cell");
  return quark;
}

static void
set_text (GtkWidget  *label,
          const char *text)
{
  ota_cell_label_set_text (OTA_CELL_LABEL (label), text);
}

static void
take_text (GtkWidget *label,
           char      *text)
{
  set_text (label, text);
  g_free (text);
}

/* ---- What the cells say ---------------------------------------------------------- */

/* Progress means something once the device reported some: upgrading, or where it
 * ended. */
static gboolean
progress_shown (OtaTaskRow *row)
{
  OtaTaskStatus status = ota_task_row_get_status (row);

  return ota_task_row_get_loaded (row) &&
         (status == OTA_TASK_STATUS_UPGRADING || status == OTA_TASK_STATUS_SUCCEEDED ||
          status == OTA_TASK_STATUS_FAILED);
}

static gboolean
can_cancel (OtaTaskRow *row)
{
  return row != NULL && ota_task_row_get_loaded (row) &&
         !OTA_TASK_STATUS_IS_TERMINAL (ota_task_row_get_status (row));
}

/* "14:03:27" today, "11/26 14:03" this year, else the date (as the translation says);
 * the full time is the tooltip. Keeps the column narrow. */
static char *
updated_short (gint64 updated_at)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return ota_format_time_short (updated_at, now);
}

static void
fill_status (Cell *cell)
{
  const char *style = ota_task_row_get_loaded (cell->row)
                      ? ota_task_status_style (ota_task_row_get_status (cell->row)) : NULL;

  set_text (cell->label, ota_task_row_get_status_label (cell->row));
  if (style != cell->style)
    {
      ota_widget_set_status_style (cell->label, style);
      cell->style = style;
    }
}

static void
fill_progress (Cell *cell)
{
  guint progress = MIN (ota_task_row_get_progress (cell->row), 100);
  gboolean shown = progress_shown (cell->row);

  if (gtk_widget_get_visible (cell->child) != shown)
    gtk_widget_set_visible (cell->child, shown);
  if (!shown)
    return;
  if (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (cell->bar)) != progress / 100.0)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (cell->bar), progress / 100.0);
  /* TRANSLATORS: a device's upgrade progress in percent */
  take_text (cell->label, g_strdup_printf (_("%u %%"), progress));
}

static void
fill_cancel (Cell *cell)
{
  gboolean active = can_cancel (cell->row);

  /* Hidden but still there: every row keeps the button's height. */
  if (gtk_widget_get_sensitive (cell->child) != active)
    gtk_widget_set_sensitive (cell->child, active);
  if (gtk_widget_get_opacity (cell->child) != (active ? 1.0 : 0.0))
    gtk_widget_set_opacity (cell->child, active ? 1.0 : 0.0);
}

static void
fill (Cell *cell)
{
  OtaTaskRow *row = cell->row;

  switch (cell->kind)
    {
    case OTA_TASK_CELL_DEVICE:
      set_text (cell->label, ota_task_row_get_device_name (row));
      break;
    case OTA_TASK_CELL_STATUS:
      fill_status (cell);
      break;
    case OTA_TASK_CELL_PROGRESS:
      fill_progress (cell);
      break;
    case OTA_TASK_CELL_SOURCE_VERSION:
      set_text (cell->label, ota_task_row_get_source_version (row));
      break;
    case OTA_TASK_CELL_CURRENT_VERSION:
      set_text (cell->label, ota_task_row_get_current_version (row));
      break;
    case OTA_TASK_CELL_TRIES:
      take_text (cell->label, ota_task_row_get_loaded (row)
                                ? g_strdup_printf ("%u", ota_task_row_get_tries (row)) : g_strdup (""));
      break;
    case OTA_TASK_CELL_UPDATED:
      take_text (cell->label, updated_short (ota_task_row_get_updated_at (row)));
      break;
    case OTA_TASK_CELL_CANCEL:
      fill_cancel (cell);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_row_changed (OtaTaskRow *row,
                Cell       *cell)
{
  fill (cell);
}

/* ---- Tooltips, asked for when the pointer rests on a cell ---------------------------- */

/* The device's own words about its failure under the status (R-S6); a task that went
 * on after a retry keeps the text of the old failure, which no longer applies. */
static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  Cell       *cell)
{
  OtaTaskRow *row = cell->row;
  const char *detail;

  if (cell->kind == OTA_TASK_CELL_CANCEL)
    {
      gtk_tooltip_set_text (tooltip, _("Cancel this device’s upgrade"));
      return TRUE;
    }
  if (row == NULL || !ota_task_row_get_loaded (row))
    return FALSE;

  if (cell->kind == OTA_TASK_CELL_UPDATED)
    {
      gtk_tooltip_set_text (tooltip, ota_task_row_get_updated_text (row));
      return *ota_task_row_get_updated_text (row) != '\0';
    }

  detail = ota_task_row_get_detail (row);
  if (ota_task_row_get_status (row) == OTA_TASK_STATUS_FAILED && *detail != '\0')
    {
      g_autofree char *text = g_strdup_printf ("%s\n%s", ota_task_row_get_status_label (row), detail);

      gtk_tooltip_set_text (tooltip, text);
    }
  else
    gtk_tooltip_set_text (tooltip, ota_task_row_get_status_label (row));
  return TRUE;
}

static void
on_cancel_clicked (GtkButton *button,
                   Cell      *cell)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (button), OTA_TYPE_BATCH_PAGE);

  if (page != NULL && can_cancel (cell->row))
    ota_batch_page_confirm_cancel_task (OTA_BATCH_PAGE (page), cell->row);
}

/* ---- Factory ---------------------------------------------------------------------- */

static GtkWidget *
new_label (float       xalign,
           gboolean    numeric,
           const char *style)
{
  GtkWidget *label = ota_cell_label_new (xalign, numeric, NULL);

  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

static void
answer_tooltips (Cell      *cell,
                 GtkWidget *widget)
{
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), cell);
}

static void
build (Cell *cell)
{
  switch (cell->kind)
    {
    case OTA_TASK_CELL_DEVICE:
      cell->child = cell->label = new_label (0, FALSE, NULL);
      break;
    case OTA_TASK_CELL_STATUS:
      cell->child = cell->label = new_label (0, FALSE, "ota-task-status");
      answer_tooltips (cell, cell->label);
      break;
    case OTA_TASK_CELL_PROGRESS:
      {
        /* TRANSLATORS: a device's upgrade progress in percent */
        g_autofree char *widest = g_strdup_printf (_("%u %%"), 100);

        cell->child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
        cell->bar = gtk_progress_bar_new ();
        gtk_widget_set_hexpand (cell->bar, TRUE);
        gtk_widget_set_valign (cell->bar, GTK_ALIGN_CENTER);
        gtk_widget_add_css_class (cell->bar, "ota-cell-progress");
        cell->label = ota_cell_label_new (1, TRUE, widest);
        gtk_widget_add_css_class (cell->label, "dim-label");
        gtk_box_append (GTK_BOX (cell->child), cell->bar);
        gtk_box_append (GTK_BOX (cell->child), cell->label);
        gtk_widget_set_visible (cell->child, FALSE);
      }
      break;
    case OTA_TASK_CELL_SOURCE_VERSION:
    case OTA_TASK_CELL_CURRENT_VERSION:
      cell->child = cell->label = new_label (0, TRUE, NULL);
      break;
    case OTA_TASK_CELL_TRIES:
      cell->child = cell->label = new_label (1, TRUE, NULL);
      break;
    case OTA_TASK_CELL_UPDATED:
      cell->child = cell->label = new_label (0, TRUE, "dim-label");
      answer_tooltips (cell, cell->label);
      break;
    case OTA_TASK_CELL_CANCEL:
      cell->child = gtk_button_new_from_icon_name ("process-stop-symbolic");
      gtk_widget_set_halign (cell->child, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (cell->child, "flat");
      gtk_widget_add_css_class (cell->child, "circular");
      answer_tooltips (cell, cell->child);
      gtk_accessible_update_property (GTK_ACCESSIBLE (cell->child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cancel this device’s upgrade"),
                                      -1);
      gtk_widget_set_sensitive (cell->child, FALSE);
      gtk_widget_set_opacity (cell->child, 0.0);
      g_signal_connect (cell->child, "clicked", G_CALLBACK (on_cancel_clicked), cell);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Binding ends (unbind, or the cell goes while bound): the row no longer calls it. */
static void
release_row (Cell *cell)
{
  if (cell->row != NULL)
    g_clear_signal_handler (&cell->changed_id, cell->row);
  g_clear_object (&cell->row);
}

/* The list item may let go of its child before the teardown: the cell holds its widgets
 * until it goes, and takes its handlers (its row's too) with it. */
static void
cell_free (gpointer data)
{
  Cell *cell = data;

  release_row (cell);
  g_signal_handlers_disconnect_by_data (cell->child, cell);
  g_object_unref (cell->child);
  if (cell->label != NULL)
    {
      g_signal_handlers_disconnect_by_data (cell->label, cell);
      g_object_unref (cell->label);
    }
  g_free (cell);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  kind)
{
  Cell *cell = g_new0 (Cell, 1);

  cell->kind = GPOINTER_TO_INT (kind);
  build (cell);
  g_object_ref_sink (cell->child);
  if (cell->label != NULL)
    g_object_ref (cell->label);
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, cell->child);
  g_object_set_qdata_full (G_OBJECT (item), cell_quark (), cell, cell_free);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  kind)
{
  Cell *cell = g_object_get_qdata (G_OBJECT (item), cell_quark ());

  release_row (cell);
  cell->row = g_object_ref (gtk_list_item_get_item (item));
  cell->changed_id = g_signal_connect (cell->row, "changed", G_CALLBACK (on_row_changed), cell);
  fill (cell);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  kind)
{
  Cell *cell = g_object_get_qdata (G_OBJECT (item), cell_quark ());

  release_row (cell);
}

static void
teardown_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  kind)
{
  gtk_list_item_set_child (item, NULL);
  g_object_set_qdata (G_OBJECT (item), cell_quark (), NULL);
}

GtkListItemFactory *
ota_task_cell_factory_new (OtaTaskCellKind kind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_return_val_if_fail (kind <= OTA_TASK_CELL_CANCEL, NULL);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_cb), GINT_TO_POINTER (kind));
  return factory;
}
