/* ota-device-list-csv.c — importing devices from a CSV file and exporting them to one */
#include <glib/gi18n.h>

#include "ota-device-list-private.h"
#include "ota-format.h"
#include "ota-window.h"

/* ---- Import and export ------------------------------------------------------------------- */

static void
import_progress (guint64  done,
                 guint64  total,
                 gpointer user_data)
{
  OtaDeviceList *self = user_data;

  if (total > 0)
    gtk_progress_bar_set_fraction (self->import_progress, MIN (1.0, (double) done / (double) total));
  else
    gtk_progress_bar_pulse (self->import_progress);
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(OtaDeviceList) self = user_data;
  g_autoptr(GError) error = NULL;
  OtaImportResult counts = { 0 };

  g_clear_object (&self->import_cancellable);
  gtk_revealer_set_reveal_child (self->import_revealer, FALSE);
  gtk_widget_set_sensitive (self->import_button, TRUE);

  if (!ota_backend_import_devices_finish (OTA_BACKEND (source), result, &counts, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ota_widget_add_toast (GTK_WIDGET (self), _("Import cancelled: no device was changed"));
      else
        ota_widget_add_error_toast (GTK_WIDGET (self), error);
      return;
    }

  {
    g_autofree char *added = ota_format_count (counts.added);
    g_autofree char *updated = ota_format_count (counts.updated);
    /* Translators: the first %s is a number of devices added, the second of devices updated */
    g_autofree char *message = g_strdup_printf (ngettext ("%s device added, %s updated",
                                                          "%s devices added, %s updated",
                                                          counts.added),
                                                added, updated);
    ota_widget_add_toast (GTK_WIDGET (self), message);
  }
  ota_device_list_reload (self);
}

void
ota_device_list_import_file (OtaDeviceList *self,
                             GFile         *file)
{
  g_return_if_fail (OTA_IS_DEVICE_LIST (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->import_cancellable != NULL || self->backend == NULL)
    return;

  self->import_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->import_progress, 0.0);
  gtk_revealer_set_reveal_child (self->import_revealer, TRUE);
  gtk_widget_set_sensitive (self->import_button, FALSE);
  ota_backend_import_devices_async (self->backend, file, import_progress, self,
                                    self->import_cancellable, import_done, g_object_ref (self));
}

void
ota_device_list_cancel_import (OtaDeviceList *self)
{
  g_cancellable_cancel (self->import_cancellable);
}

typedef struct {
  OtaDeviceList *self;
  GFile         *file;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportData, export_data_free)

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ExportData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!ota_backend_export_devices_finish (OTA_BACKEND (source), result, &error))
    ota_widget_add_error_toast (GTK_WIDGET (data->self), error);
  else
    {
      g_autofree char *name = g_file_get_basename (data->file);
      g_autofree char *message = g_strdup_printf (_("Devices saved to “%s”"), name);

      ota_widget_add_toast (GTK_WIDGET (data->self), message);
    }
}

void
ota_device_list_export_file (OtaDeviceList *self,
                             GFile         *file)
{
  ExportData *data;

  g_return_if_fail (OTA_IS_DEVICE_LIST (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->backend == NULL || self->product_key == NULL)
    return;

  data = g_new0 (ExportData, 1);
  data->self = g_object_ref (self);
  data->file = g_object_ref (file);
  ota_backend_export_devices_async (self->backend, self->product_key, file, NULL, export_done, data);
}

static void
on_chooser_response (OtaDeviceList  *self,
                     int             response,
                     GtkNativeDialog *chooser)
{
  g_autoptr(GFile) file = NULL;
  gboolean save = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file == NULL)
    return;
  if (save)
    ota_device_list_export_file (self, file);
  else
    ota_device_list_import_file (self, file);
}

static void
choose_file (OtaDeviceList        *self,
             GtkFileChooserAction  action)
{
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL || self->product_key == NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (save ? _("Export Devices") : _("Import Devices"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               action,
                                               save ? _("_Export") : _("_Import"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (save)
    {
      g_autofree char *name = g_strdup_printf ("%s-devices.csv", self->product_key);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
ota_device_list_choose_import (OtaDeviceList *self)
{
  g_return_if_fail (OTA_IS_DEVICE_LIST (self));
  choose_file (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

void
ota_device_list_choose_export (OtaDeviceList *self)
{
  g_return_if_fail (OTA_IS_DEVICE_LIST (self));
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE);
}

