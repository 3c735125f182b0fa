/* ota-failure-view.c — a batch's failures grouped by reason (R-D3, R-S6)
 *
 * The backend counts failures per reason with an index; the devices of one reason are
 * found by reading failed tasks page by page, at most OTA_FAILURE_VIEW_MAX_SCANNED of
 * them, so a batch with a million failures still answers at once.
 */
#include <glib/gi18n.h>
#include <math.h>

#include "ota-failure-view.h"
#include "ota-labels.h"
#include "ota-rollout-format.h"

#define SCAN_PAGE 200

typedef struct {
  OtaFailureView *view;       /* unowned: the view owns the groups */
  OtaTaskReason   reason;
  guint64         count;
  AdwExpanderRow *row;
  GPtrArray      *children;   /* GtkWidget rows added under the expander */
  gboolean        loading;
  gboolean        loaded;
  guint           generation; /* bumps when the examples go stale */
} Group;

struct _OtaFailureView
{
  AdwBin          parent_instance;

  OtaBackend     *backend;
  gint64          batch_id;
  GCancellable   *cancellable;
  GPtrArray      *groups;     /* Group* */
  guint           groups_generation;  /* bumps when the groups are made anew */
  gboolean        refreshing;
  gboolean        refresh_again;

  GtkStack       *stack;
  GtkLabel       *summary_label;
  GtkListBox     *group_list;
};

G_DEFINE_FINAL_TYPE (OtaFailureView, ota_failure_view, ADW_TYPE_BIN)

enum {
  SHOW_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
group_clear_children (Group *group)
{
  for (guint i = 0; i < group->children->len; i++)
    adw_expander_row_remove (group->row, g_ptr_array_index (group->children, i));
  g_ptr_array_set_size (group->children, 0);
  group->loaded = FALSE;
  group->generation++;
}

static void
group_free (gpointer data)
{
  Group *group = data;

  g_ptr_array_unref (group->children);
  g_free (group);
}

static void
group_add_child (Group     *group,
                 GtkWidget *child)
{
  adw_expander_row_add_row (group->row, child);
  g_ptr_array_add (group->children, child);
}

/* The count is the row's suffix; the subtitle says what share of the failures it is. */
static void
set_group_subtitle (Group   *group,
                    guint64  total)
{
  g_autofree char *subtitle = NULL;

  /* TRANSLATORS: "35 % of the failures" */
  subtitle = g_strdup_printf (_("%.0f %% of the failures"),
                              total > 0 ? floor (100.0 * (double) group->count / (double) total) : 0.0);
  adw_expander_row_set_subtitle (group->row, subtitle);
}

/* ---- Examples of one group ------------------------------------------------------- */

typedef struct {
  OtaFailureView *view;
  Group          *group;             /* valid while groups_generation is unchanged */
  guint           groups_generation;
  guint           generation;
  guint           offset;
  guint           found;
} Scan;

static void scan_next (Scan *scan);

static void
on_show_failed_clicked (GtkButton      *button,
                        OtaFailureView *self)
{
  g_signal_emit (self, signals[SHOW_FAILED], 0);
}

static GtkWidget *
example_row (OtaTask *task)
{
  const char *detail = ota_task_get_detail (task);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *tries;
  g_autofree char *tries_text =
    g_strdup_printf (ngettext ("%u try", "%u tries", ota_task_get_tries (task)), ota_task_get_tries (task));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ota_task_get_device_name (task));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               detail != NULL && *detail != '\0'
                               ? detail : _("No description from the device"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  tries = gtk_label_new (tries_text);
  gtk_widget_add_css_class (tries, "dim-label");
  gtk_widget_add_css_class (tries, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), tries);

  return row;
}

static void
scan_finish (Scan *scan)
{
  Group *group = scan->group;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Show All Failed Devices"));

  if (group->count > scan->found)
    {
      g_autofree char *rest = ota_format_count (group->count - scan->found);
      g_autofree char *title = g_strdup_printf (_("and %s more"), rest);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
    }
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_show_failed_clicked), scan->view, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  group_add_child (group, row);

  group->loading = FALSE;
  group->loaded = TRUE;
  g_object_unref (scan->view);
  g_free (scan);
}

static void
on_scan_page (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Scan *scan = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = ota_backend_query_tasks_finish (OTA_BACKEND (source), result, NULL, &error);

  /* The groups were made anew or the counts changed meanwhile: this scan is stale. */
  if (scan->groups_generation != scan->view->groups_generation ||
      scan->generation != scan->group->generation || tasks == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read failed devices: %s", error->message);
      if (scan->groups_generation == scan->view->groups_generation &&
          scan->generation == scan->group->generation)
        scan->group->loading = FALSE;
      g_object_unref (scan->view);
      g_free (scan);
      return;
    }

  for (guint i = 0; i < tasks->len && scan->found < OTA_FAILURE_VIEW_MAX_EXAMPLES; i++)
    {
      OtaTask *task = g_ptr_array_index (tasks, i);

      if (ota_task_get_reason (task) != scan->group->reason)
        continue;
      group_add_child (scan->group, example_row (task));
      scan->found++;
    }

  scan->offset += tasks->len;
  if (tasks->len < SCAN_PAGE || scan->found >= OTA_FAILURE_VIEW_MAX_EXAMPLES ||
      scan->offset >= OTA_FAILURE_VIEW_MAX_SCANNED)
    scan_finish (scan);
  else
    scan_next (scan);
}

static void
scan_next (Scan *scan)
{
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;

  query.status = OTA_TASK_STATUS_FAILED;
  query.sort = OTA_TASK_SORT_DEVICE;
  query.offset = scan->offset;
  query.limit = SCAN_PAGE;
  ota_backend_query_tasks_async (scan->view->backend, scan->view->batch_id, &query,
                                 scan->view->cancellable, on_scan_page, scan);
}

static void
load_examples (OtaFailureView *self,
               Group          *group)
{
  Scan *scan;

  if (group->loading || group->loaded || self->backend == NULL)
    return;

  group->loading = TRUE;
  scan = g_new0 (Scan, 1);
  scan->view = g_object_ref (self);
  scan->group = group;
  scan->groups_generation = self->groups_generation;
  scan->generation = group->generation;
  scan_next (scan);
}

static void
on_group_expanded (AdwExpanderRow *row,
                   GParamSpec     *pspec,
                   Group          *group)
{
  if (adw_expander_row_get_expanded (row))
    load_examples (group->view, group);
}

/* ---- Groups --------------------------------------------------------------------- */

static Group *
group_new (OtaFailureView        *self,
           const OtaFailureGroup *counted)
{
  Group *group = g_new0 (Group, 1);
  GtkWidget *count;
  g_autofree char *count_text = ota_format_count (counted->count);

  group->view = self;
  group->reason = counted->reason;
  group->count = counted->count;
  group->children = g_ptr_array_new ();
  group->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (group->row), ota_task_reason_label (counted->reason));
  count = gtk_label_new (count_text);
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_add_css_class (count, "title-4");
  adw_expander_row_add_action (group->row, count);
  g_object_set_data (G_OBJECT (group->row), "ota-count-label", count);
  g_signal_connect (group->row, "notify::expanded", G_CALLBACK (on_group_expanded), group);

  return group;
}

/* Scans still running see the new generation and leave the freed groups alone. */
static void
clear_groups (OtaFailureView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->group_list))) != NULL)
    gtk_list_box_remove (self->group_list, child);
  g_ptr_array_set_size (self->groups, 0);
  self->groups_generation++;
}

static gboolean
same_reasons (OtaFailureView *self,
              GArray         *counted)
{
  if (counted->len != self->groups->len)
    return FALSE;
  for (guint i = 0; i < counted->len; i++)
    if (((Group *) g_ptr_array_index (self->groups, i))->reason !=
        g_array_index (counted, OtaFailureGroup, i).reason)
      return FALSE;
  return TRUE;
}

static void
show_groups (OtaFailureView *self,
             GArray         *counted)
{
  guint64 total = 0;
  g_autofree char *total_text = NULL;
  g_autofree char *summary = NULL;

  if (same_reasons (self, counted))
    {
      /* Same groups: counts change in place, examples of changed groups go stale. */
      for (guint i = 0; i < counted->len; i++)
        {
          Group *group = g_ptr_array_index (self->groups, i);
          guint64 count = g_array_index (counted, OtaFailureGroup, i).count;
          g_autofree char *count_text = ota_format_count (count);

          if (group->count == count)
            continue;
          group->count = count;
          gtk_label_set_label (g_object_get_data (G_OBJECT (group->row), "ota-count-label"), count_text);
          group_clear_children (group);
          group->loading = FALSE;
          if (adw_expander_row_get_expanded (group->row))
            load_examples (self, group);
        }
    }
  else
    {
      clear_groups (self);
      for (guint i = 0; i < counted->len; i++)
        {
          Group *group = group_new (self, &g_array_index (counted, OtaFailureGroup, i));

          g_ptr_array_add (self->groups, group);
          gtk_list_box_append (self->group_list, GTK_WIDGET (group->row));
        }
    }

  for (guint i = 0; i < counted->len; i++)
    total += g_array_index (counted, OtaFailureGroup, i).count;
  for (guint i = 0; i < self->groups->len; i++)
    set_group_subtitle (g_ptr_array_index (self->groups, i), total);
  total_text = ota_format_count (total);
  summary = g_strdup_printf (ngettext ("%s device failed, by reason, largest group first",
                                       "%s devices failed, by reason, largest group first",
                                       (gulong) MIN (total, G_MAXULONG)), total_text);
  gtk_label_set_label (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, counted->len > 0 ? "list" : "empty");
}

static void
on_failures_counted (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(OtaFailureView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counted = ota_backend_count_failures_finish (OTA_BACKEND (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->refreshing = FALSE;
  if (counted != NULL)
    show_groups (self, counted);
  else
    g_warning ("Could not count the failures of batch %" G_GINT64_FORMAT ": %s",
               self->batch_id, error->message);

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      ota_failure_view_refresh (self);
    }
}

void
ota_failure_view_refresh (OtaFailureView *self)
{
  g_return_if_fail (OTA_IS_FAILURE_VIEW (self));

  if (self->backend == NULL || self->batch_id <= 0)
    return;
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }

  self->refreshing = TRUE;
  ota_backend_count_failures_async (self->backend, self->batch_id, self->cancellable,
                                    on_failures_counted, g_object_ref (self));
}

void
ota_failure_view_set_batch (OtaFailureView *self,
                            OtaBackend     *backend,
                            gint64          batch_id)
{
  g_return_if_fail (OTA_IS_FAILURE_VIEW (self));
  g_return_if_fail (backend == NULL || OTA_IS_BACKEND (backend));

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->refreshing = FALSE;
  self->refresh_again = FALSE;
  clear_groups (self);

  g_set_object (&self->backend, backend);
  self->batch_id = batch_id;
  gtk_stack_set_visible_child_name (self->stack, "loading");
  ota_failure_view_refresh (self);
}

guint
ota_failure_view_get_n_groups (OtaFailureView *self)
{
  g_return_val_if_fail (OTA_IS_FAILURE_VIEW (self), 0);
  return self->groups->len;
}

guint64
ota_failure_view_get_group_count (OtaFailureView *self,
                                  guint           index,
                                  OtaTaskReason  *reason)
{
  Group *group;

  g_return_val_if_fail (OTA_IS_FAILURE_VIEW (self), 0);
  g_return_val_if_fail (index < self->groups->len, 0);

  group = g_ptr_array_index (self->groups, index);
  if (reason != NULL)
    *reason = group->reason;
  return group->count;
}

/* ---- Object ------------------------------------------------------------------------ */

static void
ota_failure_view_dispose (GObject *object)
{
  OtaFailureView *self = OTA_FAILURE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  /* AdwBin unparents its child itself: hand it back first, so that disposing the
   * template does not unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_FAILURE_VIEW);
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_failure_view_parent_class)->dispose (object);
}

static void
ota_failure_view_finalize (GObject *object)
{
  OtaFailureView *self = OTA_FAILURE_VIEW (object);

  g_ptr_array_unref (self->groups);
  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (ota_failure_view_parent_class)->finalize (object);
}

static void
ota_failure_view_class_init (OtaFailureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_failure_view_dispose;
  object_class->finalize = ota_failure_view_finalize;

  /**
   * OtaFailureView::show-failed:
   *
   * The user wants the whole list of failed devices.
   */
  signals[SHOW_FAILED] = g_signal_new ("show-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-failure-view.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaFailureView, stack);
  gtk_widget_class_bind_template_child (widget_class, OtaFailureView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, OtaFailureView, group_list);
}

static void
ota_failure_view_init (OtaFailureView *self)
{
  self->cancellable = g_cancellable_new ();
  self->groups = g_ptr_array_new_with_free_func (group_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ota_failure_view_new (void)
{
  return g_object_new (OTA_TYPE_FAILURE_VIEW, NULL);
}
