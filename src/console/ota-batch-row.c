/* ota-batch-row.c — one verification or batch upgrade in a firmware's list (R-D1) */
#include <glib/gi18n.h>
#include <math.h>

#include "ota-batch-row.h"
#include "ota-labels.h"
#include "ota-rollout-format.h"

struct _OtaBatchRow
{
  GtkListBoxRow   parent_instance;

  OtaBatch       *batch;

  GtkLabel       *title_label;
  GtkLabel       *state_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *counts_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *percent_label;
};

G_DEFINE_FINAL_TYPE (OtaBatchRow, ota_batch_row, GTK_TYPE_LIST_BOX_ROW)

static void
ota_batch_row_dispose (GObject *object)
{
  OtaBatchRow *self = OTA_BATCH_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_BATCH_ROW);
  g_clear_object (&self->batch);

  G_OBJECT_CLASS (ota_batch_row_parent_class)->dispose (object);
}

static void
ota_batch_row_class_init (OtaBatchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_batch_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-batch-row.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaBatchRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchRow, counts_label);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, OtaBatchRow, percent_label);
}

static void
ota_batch_row_init (OtaBatchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ota_batch_row_new (OtaBatch *batch)
{
  OtaBatchRow *self;

  g_return_val_if_fail (OTA_IS_BATCH (batch), NULL);

  self = g_object_new (OTA_TYPE_BATCH_ROW, NULL);
  ota_batch_row_set_batch (self, batch);
  return GTK_WIDGET (self);
}

OtaBatch *
ota_batch_row_get_batch (OtaBatchRow *self)
{
  g_return_val_if_fail (OTA_IS_BATCH_ROW (self), NULL);
  return self->batch;
}

void
ota_batch_row_set_batch (OtaBatchRow *self,
                         OtaBatch    *batch)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *percent = NULL;
  double progress;

  g_return_if_fail (OTA_IS_BATCH_ROW (self));
  g_return_if_fail (OTA_IS_BATCH (batch));

  g_set_object (&self->batch, batch);

  title = ota_format_batch_title (batch);
  subtitle = ota_format_batch_subtitle (batch);
  counts = ota_format_batch_counts (batch);
  progress = ota_batch_get_progress (batch);
  /* TRANSLATORS: share of the batch's devices whose upgrade has ended */
  percent = g_strdup_printf (_("%.0f %% done"), floor (progress * 100.0));

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_label_set_label (self->counts_label, counts);
  gtk_label_set_label (self->state_label, ota_batch_state_label (ota_batch_get_state (batch)));
  ota_widget_set_status_style (GTK_WIDGET (self->state_label),
                               ota_batch_state_style (ota_batch_get_state (batch)));
  gtk_progress_bar_set_fraction (self->progress_bar, progress);
  gtk_label_set_label (self->percent_label, percent);
}

const char *
ota_batch_row_get_counts_text (OtaBatchRow *self)
{
  g_return_val_if_fail (OTA_IS_BATCH_ROW (self), NULL);
  return gtk_label_get_label (self->counts_label);
}
