/* ota-batch-page.c — a batch's summary and its lazy device list (R-D2, R-S2)
 *
 * Filtering, searching and sorting happen in the engine: the page only turns the
 * dropdown, the search entry and the column headers into OtaTaskListModel properties,
 * and the model fetches the pages that are looked at.
 */
#include <glib/gi18n.h>
#include <math.h>

#include "ota-batch-page-private.h"
#include "ota-labels.h"
#include "ota-rollout-format.h"
#include "ota-task-cells.h"

G_DEFINE_FINAL_TYPE (OtaBatchPage, ota_batch_page, ADW_TYPE_BIN)

/* ---- Summary -------------------------------------------------------------------- */

static void
set_chip_count (GtkToggleButton *chip,
                guint64          count)
{
  g_autofree char *text = ota_format_count (count);

  gtk_label_set_label (g_object_get_data (G_OBJECT (chip), "ota-count-label"), text);
}

/* Only statuses that have devices get a chip (and the one filtering now), so the chips
 * read like "12 succeeded · 3 failed" and fit in one line. */
static void
update_chips (OtaBatchPage *self)
{
  set_chip_count (self->chips[0], ota_batch_get_total (self->batch));
  for (int status = 0; status < OTA_N_TASK_STATUSES; status++)
    {
      GtkToggleButton *chip = self->chips[1 + status];
      guint64 count = ota_batch_get_count (self->batch, status);

      set_chip_count (chip, count);
      gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (chip)),
                              count > 0 || gtk_toggle_button_get_active (chip));
    }
}

static void
show_batch (OtaBatchPage *self)
{
  OtaBatch *batch = self->batch;
  g_autofree char *title = ota_format_batch_title (batch);
  g_autofree char *options = ota_format_batch_options (batch);
  g_autofree char *created = ota_format_time (ota_batch_get_created_at (batch));
  g_autofree char *total = ota_format_count (ota_batch_get_total (batch));
  g_autoptr(GString) times = g_string_new (NULL);
  g_autofree char *progress_text_ = NULL;
  double progress = ota_batch_get_progress (batch);

  g_string_printf (times, _("Created %s"), created);
  if (ota_batch_get_started_at (batch) != 0)
    {
      g_autofree char *started = ota_format_time (ota_batch_get_started_at (batch));

      g_string_append (times, " · ");
      g_string_append_printf (times, _("started %s"), started);
    }
  if (ota_batch_get_ended_at (batch) != 0)
    {
      g_autofree char *ended = ota_format_time (ota_batch_get_ended_at (batch));

      g_string_append (times, " · ");
      g_string_append_printf (times, _("ended %s"), ended);
    }

  /* TRANSLATORS: "55 % done · 1,234 devices" */
  progress_text_ = g_strdup_printf (ngettext ("%.0f %% done · %s device", "%.0f %% done · %s devices",
                                              (gulong) MIN (ota_batch_get_total (batch), G_MAXULONG)),
                                    floor (progress * 100.0), total);

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->state_label, ota_batch_state_label (ota_batch_get_state (batch)));
  ota_widget_set_status_style (GTK_WIDGET (self->state_label),
                               ota_batch_state_style (ota_batch_get_state (batch)));
  gtk_label_set_label (self->options_label, options);
  gtk_label_set_label (self->times_label, times->str);
  gtk_progress_bar_set_fraction (self->progress_bar, progress);
  gtk_label_set_label (self->progress_label, progress_text_);
  update_chips (self);
  /* The Failures tab says how many there are, so it is not missed. */
  adw_view_stack_page_set_badge_number (adw_view_stack_get_page (self->view_stack,
                                                                 GTK_WIDGET (self->failure_view)),
                                        (guint) MIN (ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED),
                                                     G_MAXUINT));
  ota_batch_page_update_actions (self);
}

static void
on_batch_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OtaBatchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = ota_backend_get_batch_finish (OTA_BACKEND (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->loading = FALSE;
  if (batch != NULL)
    {
      g_set_object (&self->batch, batch);
      self->n_loads++;
      show_batch (self);
    }
  else
    g_warning ("Could not read batch %" G_GINT64_FORMAT ": %s", self->batch_id, error->message);

  if (self->load_again)
    {
      self->load_again = FALSE;
      ota_batch_page_reload (self);
    }
}

void
ota_batch_page_reload (OtaBatchPage *self)
{
  if (self->loading)
    {
      self->load_again = TRUE;
      return;
    }

  self->loading = TRUE;
  ota_backend_get_batch_async (self->backend, self->batch_id, self->cancellable,
                               on_batch_loaded, g_object_ref (self));
}

static void
on_batch_changed (OtaBackend   *backend,
                  gint64        batch_id,
                  OtaBatchPage *self)
{
  if (batch_id != self->batch_id)
    return;

  /* The device list follows on its own (OtaTaskListModel). */
  ota_batch_page_reload (self);
  ota_failure_view_refresh (self->failure_view);
}

/* ---- Filter, search, sort ------------------------------------------------------- */

/* Before a new query: a new list starts at its top. Scrolling first moves GTK 4.8's
 * row widgets onto the first rows, which the model keeps and refills when the query
 * applies; from anywhere else they would fall off the end of a shorter list, and GTK
 * would make new ones. */
static void
list_to_top (OtaBatchPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

static void
set_status_filter (OtaBatchPage *self,
                   int           status)
{
  if (self->syncing_filter || self->task_model == NULL)
    return;

  self->syncing_filter = TRUE;
  gtk_drop_down_set_selected (self->status_dropdown, (guint) (status + 1));
  gtk_toggle_button_set_active (self->chips[status + 1], TRUE);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->chips[status + 1])), TRUE);
  if (status != ota_task_list_model_get_status_filter (self->task_model))
    list_to_top (self);
  ota_task_list_model_set_status_filter (self->task_model, status);
  self->syncing_filter = FALSE;
}

static void
on_status_selected (GtkDropDown  *dropdown,
                    GParamSpec   *pspec,
                    OtaBatchPage *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected != GTK_INVALID_LIST_POSITION)
    set_status_filter (self, (int) selected - 1);
}

static void
on_chip_toggled (GtkToggleButton *chip,
                 OtaBatchPage    *self)
{
  if (gtk_toggle_button_get_active (chip))
    set_status_filter (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chip), "ota-status")));
}

static void
on_search_changed (GtkSearchEntry *entry,
                   OtaBatchPage   *self)
{
  if (self->task_model == NULL)
    return;
  list_to_top (self);
  ota_task_list_model_set_search (self->task_model, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_show_failed (OtaFailureView *view,
                OtaBatchPage   *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  set_status_filter (self, OTA_TASK_STATUS_FAILED);
  adw_view_stack_set_visible_child_name (self->view_stack, "devices");
}

static void
on_view_changed (AdwViewStack *stack,
                 GParamSpec   *pspec,
                 OtaBatchPage *self)
{
  gtk_widget_set_visible (self->list_toolbar,
                          g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "devices") == 0);
}

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  OtaBatchPage *self)
{
  if (self->list_stack != NULL)
    gtk_stack_set_visible_child_name (self->list_stack,
                                      g_list_model_get_n_items (model) > 0 ? "list" : "empty");
}

/* The column sorters never sort anything (the engine does); comparing through the column
 * view's sorter tells which column is primary and, by the sign, its direction. */
static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  OtaSortProbe *probe = user_data;

  probe->page->probed_sort = probe->sort;
  return GTK_ORDERING_SMALLER;
}

static void
on_sorter_changed (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   OtaBatchPage    *self)
{
  g_autoptr(OtaTaskRow) a = ota_task_row_new ();
  g_autoptr(OtaTaskRow) b = ota_task_row_new ();
  GtkOrdering order;

  /* The column view notifies while it is torn down. */
  if (self->task_model == NULL)
    return;

  list_to_top (self);
  self->probed_sort = -1;
  order = gtk_sorter_compare (sorter, a, b);
  if (self->probed_sort < 0)
    {
      ota_task_list_model_set_sort (self->task_model, OTA_TASK_SORT_DEVICE);
      ota_task_list_model_set_descending (self->task_model, FALSE);
      return;
    }

  ota_task_list_model_set_sort (self->task_model, (OtaTaskSort) self->probed_sort);
  ota_task_list_model_set_descending (self->task_model, order == GTK_ORDERING_LARGER);
}

static void
setup_cells (OtaBatchPage *self)
{
  struct { GtkColumnViewColumn *column; OtaTaskCellKind kind; } cells[] = {
    { self->device_column, OTA_TASK_CELL_DEVICE },
    { self->status_column, OTA_TASK_CELL_STATUS },
    { self->progress_column, OTA_TASK_CELL_PROGRESS },
    { self->source_column, OTA_TASK_CELL_SOURCE_VERSION },
    { self->current_column, OTA_TASK_CELL_CURRENT_VERSION },
    { self->tries_column, OTA_TASK_CELL_TRIES },
    { self->updated_column, OTA_TASK_CELL_UPDATED },
    { self->cancel_column, OTA_TASK_CELL_CANCEL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autoptr(GtkListItemFactory) factory = ota_task_cell_factory_new (cells[i].kind);

      gtk_column_view_column_set_factory (cells[i].column, factory);
    }
}

static void
setup_sorting (OtaBatchPage *self)
{
  GtkColumnViewColumn *columns[] = {
    self->device_column, self->status_column, self->updated_column, self->progress_column,
  };
  const OtaTaskSort sorts[] = {
    OTA_TASK_SORT_DEVICE, OTA_TASK_SORT_STATUS, OTA_TASK_SORT_UPDATED, OTA_TASK_SORT_PROGRESS,
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkSorter) sorter = NULL;

      self->probes[i].page = self;
      self->probes[i].sort = sorts[i];
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, &self->probes[i], NULL));
      gtk_column_view_column_set_sorter (columns[i], sorter);
    }

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed), self, 0);
  gtk_column_view_sort_by_column (self->column_view, self->device_column, GTK_SORT_ASCENDING);
}

static void
setup_filters (OtaBatchPage *self)
{
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);
  GtkToggleButton *group = NULL;
  /* Short words after a count; the dropdown and tooltips use the full status names. */
  const char *chip_names[] = {
    C_("status chip", "all"), C_("status chip", "to confirm"), C_("status chip", "pending push"),
    C_("status chip", "pushed"), C_("status chip", "upgrading"), C_("status chip", "succeeded"),
    C_("status chip", "failed"), C_("status chip", "cancelled"),
  };

  /* Chips: "1,234 all", "40 upgrading" …: counts that filter when clicked. */
  for (int i = 0; i <= OTA_N_TASK_STATUSES; i++)
    {
      GtkWidget *chip = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *count = gtk_label_new ("0");
      GtkWidget *name = gtk_label_new (chip_names[i]);

      gtk_widget_add_css_class (count, "numeric");
      gtk_widget_add_css_class (count, "heading");
      if (i > 0)
        gtk_widget_add_css_class (count, ota_task_status_style (i - 1));
      gtk_box_append (GTK_BOX (box), count);
      gtk_box_append (GTK_BOX (box), name);
      gtk_button_set_child (GTK_BUTTON (chip), box);
      gtk_widget_add_css_class (chip, "flat");
      gtk_widget_add_css_class (chip, "ota-chip");
      gtk_widget_set_tooltip_text (chip, i == 0 ? _("Show every device") : ota_task_status_label (i - 1));
      g_object_set_data (G_OBJECT (chip), "ota-status", GINT_TO_POINTER (i - 1));
      g_object_set_data (G_OBJECT (chip), "ota-count-label", count);
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (chip), group);
      else
        group = GTK_TOGGLE_BUTTON (chip);
      g_signal_connect (chip, "toggled", G_CALLBACK (on_chip_toggled), self);
      self->chips[i] = GTK_TOGGLE_BUTTON (chip);
      gtk_flow_box_append (self->chips_box, chip);
      gtk_widget_set_visible (gtk_widget_get_parent (chip), i == 0);
    }
  gtk_toggle_button_set_active (self->chips[0], TRUE);

  /* After the chips: setting the model selects "All" at once. */
  gtk_string_list_append (statuses, _("All statuses"));
  for (int status = 0; status < OTA_N_TASK_STATUSES; status++)
    gtk_string_list_append (statuses, ota_task_status_label (status));
  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (statuses));
}

/* ---- Object ------------------------------------------------------------------------ */

static void
ota_batch_page_dispose (GObject *object)
{
  OtaBatchPage *self = OTA_BATCH_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->backend != NULL)
    g_clear_signal_handler (&self->batch_changed_id, self->backend);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (self->file_chooser);
  g_clear_object (&self->file_chooser);
  /* AdwBin unparents its child itself: hand it back first, so that disposing the
   * template does not unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_BATCH_PAGE);
  g_clear_object (&self->backend);
  g_clear_object (&self->batch);

  G_OBJECT_CLASS (ota_batch_page_parent_class)->dispose (object);
}

static void
ota_batch_page_finalize (GObject *object)
{
  OtaBatchPage *self = OTA_BATCH_PAGE (object);

  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (ota_batch_page_parent_class)->finalize (object);
}

static void
ota_batch_page_class_init (OtaBatchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_batch_page_dispose;
  object_class->finalize = ota_batch_page_finalize;

  g_type_ensure (OTA_TYPE_TASK_LIST_MODEL);
  g_type_ensure (OTA_TYPE_TASK_ROW);
  g_type_ensure (OTA_TYPE_FAILURE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-batch-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, options_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, times_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, chips_box);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, list_toolbar);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, device_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, status_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, progress_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, source_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, current_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, tries_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, updated_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, cancel_column);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, task_model);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchPage, failure_view);

  gtk_widget_class_bind_template_callback (widget_class, on_status_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_show_failed);
  gtk_widget_class_bind_template_callback (widget_class, on_view_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_items_changed);

  ota_batch_page_install_actions (widget_class);
}

static void
ota_batch_page_init (OtaBatchPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->probed_sort = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  setup_cells (self);
  setup_filters (self);
  setup_sorting (self);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
  ota_batch_page_update_actions (self);
}

GtkWidget *
ota_batch_page_new (OtaBackend *backend,
                    gint64      batch_id)
{
  OtaBatchPage *self;

  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (batch_id > 0, NULL);

  self = g_object_new (OTA_TYPE_BATCH_PAGE, NULL);
  self->backend = g_object_ref (backend);
  self->batch_id = batch_id;
  self->batch_changed_id = g_signal_connect (backend, "batch-changed",
                                             G_CALLBACK (on_batch_changed), self);
  ota_task_list_model_set_backend (self->task_model, backend);
  ota_task_list_model_set_batch_id (self->task_model, batch_id);
  ota_failure_view_set_batch (self->failure_view, backend, batch_id);
  ota_batch_page_reload (self);

  return GTK_WIDGET (self);
}

gint64
ota_batch_page_get_batch_id (OtaBatchPage *self)
{
  g_return_val_if_fail (OTA_IS_BATCH_PAGE (self), 0);
  return self->batch_id;
}

OtaBatch *
ota_batch_page_get_batch (OtaBatchPage *self)
{
  g_return_val_if_fail (OTA_IS_BATCH_PAGE (self), NULL);
  return self->batch;
}
