/* ota-batch-page-actions.c — cancelling a batch or a device's task (R-B17) and
 * exporting the device list; each asks first or picks a file, then calls the backend. */
#include <inttypes.h>
#include <glib/gi18n.h>

#include "ota-batch-page-private.h"
#include "ota-labels.h"
#include "ota-rollout-format.h"
#include "ota-window.h"

void
ota_batch_page_update_actions (OtaBatchPage *self)
{
  gboolean running = self->batch != NULL &&
                     (ota_batch_get_state (self->batch) == OTA_BATCH_STATE_RUNNING ||
                      ota_batch_get_state (self->batch) == OTA_BATCH_STATE_SCHEDULED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.export", self->batch != NULL);
}

static GtkWindow *
parent_window (OtaBatchPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* ---- Cancel the batch ------------------------------------------------------------ */

static void
on_batch_cancelled (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OtaBatchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = ota_backend_cancel_batch_finish (OTA_BACKEND (source), result, &error);
  g_autofree char *title = NULL;
  g_autofree char *message = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (batch == NULL)
    {
      ota_widget_add_error_toast (GTK_WIDGET (self), error);
      return;
    }

  title = ota_format_batch_title (batch);
  /* TRANSLATORS: "Batch upgrade #12 was cancelled" */
  message = g_strdup_printf (_("%s was cancelled"), title);
  ota_widget_add_toast (GTK_WIDGET (self), message);
  ota_batch_page_reload (self);
}

void
ota_batch_page_cancel_batch (OtaBatchPage *self)
{
  g_return_if_fail (OTA_IS_BATCH_PAGE (self));

  ota_backend_cancel_batch_async (self->backend, self->batch_id, self->cancellable,
                                  on_batch_cancelled, g_object_ref (self));
}

static void
on_cancel_batch_response (AdwMessageDialog *dialog,
                          const char       *response,
                          OtaBatchPage     *self)
{
  if (g_strcmp0 (response, "cancel-batch") == 0)
    ota_batch_page_cancel_batch (self);
}

GtkWidget *
ota_batch_page_confirm_cancel_batch (OtaBatchPage *self)
{
  g_autofree char *title = NULL;
  g_autofree char *unfinished = NULL;
  g_autofree char *body = NULL;
  guint64 n = 0;
  GtkWidget *dialog;

  g_return_val_if_fail (OTA_IS_BATCH_PAGE (self), NULL);
  g_return_val_if_fail (self->batch != NULL, NULL);

  for (int status = OTA_TASK_STATUS_PENDING_CONFIRM; status <= OTA_TASK_STATUS_UPGRADING; status++)
    n += ota_batch_get_count (self->batch, status);
  unfinished = ota_format_count (n);
  title = ota_format_batch_title (self->batch);

  body = g_strdup_printf (ngettext ("The upgrade of %s device that has not ended is cancelled.",
                                    "The upgrades of %s devices that have not ended are cancelled.",
                                    (gulong) MIN (n, G_MAXULONG)), unfinished);
  if (ota_batch_get_strategy (self->batch) == OTA_BATCH_STRATEGY_DYNAMIC)
    {
      g_autofree char *more = g_strconcat (body, " ", _("The batch also stops adding devices."), NULL);

      g_free (body);
      body = g_steal_pointer (&more);
    }

  /* TRANSLATORS: "Cancel Batch upgrade #12?" */
  dialog = adw_message_dialog_new (parent_window (self), NULL, body);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Cancel %s?"), title);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Running"),
                                    "cancel-batch", _("_Cancel Batch"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-batch",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_batch_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ota_batch_page_confirm_cancel_batch (OTA_BATCH_PAGE (widget));
}

/* ---- Cancel one device's task ------------------------------------------------------ */

static void
on_task_cancelled (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OtaBatchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaTask) task = ota_backend_cancel_task_finish (OTA_BACKEND (source), result, &error);
  g_autofree char *message = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (task == NULL)
    {
      ota_widget_add_error_toast (GTK_WIDGET (self), error);
      return;
    }

  /* TRANSLATORS: %s is a device name */
  message = g_strdup_printf (_("Upgrade of “%s” cancelled"), ota_task_get_device_name (task));
  ota_widget_add_toast (GTK_WIDGET (self), message);
  ota_batch_page_reload (self);
}

void
ota_batch_page_cancel_task (OtaBatchPage *self,
                            gint64        task_id)
{
  g_return_if_fail (OTA_IS_BATCH_PAGE (self));

  ota_backend_cancel_task_async (self->backend, task_id, self->cancellable,
                                 on_task_cancelled, g_object_ref (self));
}

static void
on_cancel_task_response (AdwMessageDialog *dialog,
                         const char       *response,
                         OtaBatchPage     *self)
{
  gint64 *task_id = g_object_get_data (G_OBJECT (dialog), "ota-task-id");

  if (g_strcmp0 (response, "cancel-task") == 0 && task_id != NULL)
    ota_batch_page_cancel_task (self, *task_id);
}

GtkWidget *
ota_batch_page_confirm_cancel_task (OtaBatchPage *self,
                                    OtaTaskRow   *row)
{
  GtkWidget *dialog;
  gint64 *task_id;

  g_return_val_if_fail (OTA_IS_BATCH_PAGE (self), NULL);
  g_return_val_if_fail (OTA_IS_TASK_ROW (row), NULL);

  dialog = adw_message_dialog_new (parent_window (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Cancel the Upgrade of “%s”?"),
                                     ota_task_row_get_device_name (row));
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The device is no longer upgraded by this batch. It is now: %s."),
                                  ota_task_row_get_status_label (row));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep"),
                                    "cancel-task", _("_Cancel Upgrade"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-task",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");

  /* The row may be reused for another device while the dialog is open: keep the id. */
  task_id = g_new (gint64, 1);
  *task_id = ota_task_row_get_task_id (row);
  g_object_set_data_full (G_OBJECT (dialog), "ota-task-id", task_id, g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_task_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

/* ---- Export ------------------------------------------------------------------------ */

typedef struct {
  OtaBatchPage *page;
  GFile        *file;
} Export;

static void
export_free (Export *export)
{
  g_object_unref (export->page);
  g_object_unref (export->file);
  g_free (export);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Export, export_free)

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Export) export = user_data;
  OtaBatchPage *self = export->page;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!ota_backend_export_tasks_finish (OTA_BACKEND (source), result, &error))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        ota_widget_add_error_toast (GTK_WIDGET (self), error);
      return;
    }

  name = g_file_get_basename (export->file);
  /* TRANSLATORS: %s is a file name */
  message = g_strdup_printf (_("Device list exported to “%s”"), name);
  ota_widget_add_toast (GTK_WIDGET (self), message);
}

void
ota_batch_page_export (OtaBatchPage *self,
                       GFile        *file)
{
  Export *export;

  g_return_if_fail (OTA_IS_BATCH_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  export = g_new0 (Export, 1);
  export->page = g_object_ref (self);
  export->file = g_object_ref (file);
  ota_backend_export_tasks_async (self->backend, self->batch_id, file, self->cancellable,
                                  on_exported, export);
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    OtaBatchPage    *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->file_chooser);

  if (file != NULL)
    ota_batch_page_export (self, file);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OtaBatchPage *self = OTA_BATCH_PAGE (widget);
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->file_chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export Device List"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* TRANSLATORS: suggested file name of a batch's exported device list */
  name = g_strdup_printf (_("batch-%" PRId64 "-devices.csv"), self->batch_id);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  self->file_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->file_chooser);
}

void
ota_batch_page_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "batch.export", NULL, export_activated);
}
