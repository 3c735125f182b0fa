/* ota-add-firmware-dialog.c — adds a firmware to a product (R-F1..R-F9) */
#include <glib/gi18n.h>

#include "ota-dialog-private.h"
#include "ota-labels.h"

G_DEFINE_FINAL_TYPE (OtaAddFirmwareDialog, ota_add_firmware_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_tmall (OtaAddFirmwareDialog *self)
{
  return ota_product_get_project_type (self->product) == OTA_PROJECT_TYPE_TMALL_GENIE;
}

static OtaFirmwareType
selected_type (OtaAddFirmwareDialog *self)
{
  return adw_combo_row_get_selected (self->type_row) == OTA_FIRMWARE_TYPE_DIFF
         ? OTA_FIRMWARE_TYPE_DIFF : OTA_FIRMWARE_TYPE_FULL;
}

static void
touch (OtaAddFirmwareDialog *self,
       OtaFirmwareField      field)
{
  if (!self->syncing)
    self->touched[field] = TRUE;
}

/* ---- What the product allows (R-F1, R-F6, R-F7) -------------------------------------- */

/* R-F7: the signature algorithms the product and type allow, with the reason when
 * only md5 is left. */
static void
update_sign_choices (OtaAddFirmwareDialog *self)
{
  OtaSignAlgorithm previous = OTA_SIGN_ALGORITHM_MD5;
  guint selected = adw_combo_row_get_selected (self->sign_row);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const char *reason = NULL;

  if (selected < self->n_sign_choices)
    previous = self->sign_choices[selected];

  if (is_tmall (self) && ota_product_get_network_type (self->product) == OTA_NETWORK_TYPE_BLE)
    reason = _("Only md5: Tmall Genie products on Bluetooth (BLE) allow no other algorithm");
  else if (!is_tmall (self) && ota_product_get_android_sdk (self->product) &&
           selected_type (self) == OTA_FIRMWARE_TYPE_DIFF)
    reason = _("Only md5: diff firmware of products that use the Android SDK allows no other "
               "algorithm");

  self->n_sign_choices = 0;
  self->sign_choices[self->n_sign_choices++] = OTA_SIGN_ALGORITHM_MD5;
  if (reason == NULL)
    self->sign_choices[self->n_sign_choices++] = OTA_SIGN_ALGORITHM_SHA256;

  for (guint i = 0; i < self->n_sign_choices; i++)
    gtk_string_list_append (labels, ota_sign_algorithm_label (self->sign_choices[i]));

  self->syncing = TRUE;
  adw_combo_row_set_model (self->sign_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->sign_row,
                              previous == OTA_SIGN_ALGORITHM_SHA256 && self->n_sign_choices > 1 ? 1 : 0);
  self->syncing = FALSE;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->sign_row), reason);
}

static OtaModule *
find_module (OtaAddFirmwareDialog *self,
             const char           *name)
{
  for (guint i = 0; self->modules != NULL && i < self->modules->len; i++)
    if (g_strcmp0 (ota_module_get_name (g_ptr_array_index (self->modules, i)), name) == 0)
      return g_ptr_array_index (self->modules, i);
  return NULL;
}

static gboolean
new_module_chosen (OtaAddFirmwareDialog *self)
{
  return adw_combo_row_get_selected (self->module_row) >= g_strv_length (self->module_names);
}

static void
update_module (OtaAddFirmwareDialog *self)
{
  gboolean is_new = new_module_chosen (self);
  guint selected = adw_combo_row_get_selected (self->module_row);

  gtk_widget_set_visible (GTK_WIDGET (self->new_module_row), is_new);
  ota_field_message_set_row (self->messages[OTA_FIRMWARE_FIELD_MODULE],
                             is_new ? GTK_WIDGET (self->new_module_row) : GTK_WIDGET (self->module_row));
  {
    /* New choices are not the user's doing: no "needs a source version" message yet. */
    gboolean syncing = self->syncing;

    self->syncing = TRUE;
    ota_source_picker_set_module (self->source_picker,
                                  is_new ? NULL : find_module (self, self->module_names[selected]));
    self->syncing = syncing;
  }
}

/* R-F6: the product's modules ("default" first, always there) and "New module…"; a
 * Tmall Genie product cannot choose. */
static void
set_modules (OtaAddFirmwareDialog *self,
             GPtrArray            *modules)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_clear_pointer (&self->modules, g_ptr_array_unref);
  self->modules = modules != NULL ? g_ptr_array_ref (modules) : NULL;

  g_strv_builder_add (names, "default");
  for (guint i = 0; modules != NULL && i < modules->len; i++)
    {
      const char *name = ota_module_get_name (g_ptr_array_index (modules, i));

      if (g_strcmp0 (name, "default") != 0)
        g_strv_builder_add (names, name);
    }
  g_strfreev (self->module_names);
  self->module_names = g_strv_builder_end (names);

  for (guint i = 0; self->module_names[i] != NULL; i++)
    gtk_string_list_append (labels, self->module_names[i]);
  if (!is_tmall (self))
    gtk_string_list_append (labels, _("New module…"));

  self->syncing = TRUE;
  adw_combo_row_set_model (self->module_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->module_row, 0);
  self->syncing = FALSE;
  /* After the model: the combo row sets its own sensitivity from it. */
  if (is_tmall (self))
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->module_row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->module_row),
                                   _("Tmall Genie products always use the module “default”"));
    }
  update_module (self);
}

static void
modules_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(OtaAddFirmwareDialog) self = user_data;
  g_autoptr(GPtrArray) modules = NULL;
  g_autoptr(GError) error = NULL;

  modules = ota_backend_list_modules_finish (OTA_BACKEND (source), result, &error);
  if (modules == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ota_field_message_set_error (self->messages[OTA_FIRMWARE_FIELD_GENERAL], error);
      return;
    }

  set_modules (self, modules);
  ota_add_firmware_dialog_revalidate (self);
}

/* ---- Field callbacks ------------------------------------------------------------------------ */

static void
on_type_changed (OtaAddFirmwareDialog *self)
{
  touch (self, OTA_FIRMWARE_FIELD_TYPE);
  ota_source_picker_set_single (self->source_picker, selected_type (self) == OTA_FIRMWARE_TYPE_DIFF);
  update_sign_choices (self);
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_name_changed (OtaAddFirmwareDialog *self)
{
  touch (self, OTA_FIRMWARE_FIELD_NAME);
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_version_changed (OtaAddFirmwareDialog *self)
{
  touch (self, OTA_FIRMWARE_FIELD_VERSION);
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_module_changed (OtaAddFirmwareDialog *self)
{
  if (self->syncing || self->module_names == NULL)
    return;

  touch (self, OTA_FIRMWARE_FIELD_MODULE);
  update_module (self);
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_new_module_changed (OtaAddFirmwareDialog *self)
{
  touch (self, OTA_FIRMWARE_FIELD_MODULE);
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_sources_changed (OtaAddFirmwareDialog *self)
{
  touch (self, OTA_FIRMWARE_FIELD_SOURCES);
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_sign_changed (OtaAddFirmwareDialog *self)
{
  if (self->syncing)
    return;
  touch (self, OTA_FIRMWARE_FIELD_SIGN);
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_description_changed (OtaAddFirmwareDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->description_row));
  glong chars = g_utf8_strlen (text, -1);
  g_autofree char *counter = g_strdup_printf ("%ld/%d", chars, OTA_FIRMWARE_DESCRIPTION_MAX_CHARS);

  /* R-F9 counts characters: a Chinese character is one. */
  gtk_label_set_label (self->description_counter, counter);
  if (chars > OTA_FIRMWARE_DESCRIPTION_MAX_CHARS)
    gtk_widget_add_css_class (GTK_WIDGET (self->description_counter), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->description_counter), "error");

  touch (self, OTA_FIRMWARE_FIELD_DESCRIPTION);
  ota_add_firmware_dialog_revalidate (self);
}

/* ---- The file (R-F8) ----------------------------------------------------------------------- */

static void
file_info_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OtaAddFirmwareDialog) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (G_FILE (source) != self->file || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* another file was chosen meanwhile */

  if (info != NULL)
    {
      guint64 size = g_file_info_get_size (info);
      g_autofree char *size_text = g_format_size (size);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", g_file_info_get_display_name (info),
                                                   size_text);

      adw_action_row_set_subtitle (self->file_row, subtitle);
      if (ota_validate_firmware_size (size, &error))
        self->file_ready = TRUE;
    }

  g_clear_error (&self->file_error);
  self->file_error = g_steal_pointer (&error);
  ota_add_firmware_dialog_revalidate (self);
}

void
ota_add_firmware_dialog_set_file (OtaAddFirmwareDialog *self,
                                  GFile                *file)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (OTA_IS_ADD_FIRMWARE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->file, file);
  self->file_ready = FALSE;
  self->touched[OTA_FIRMWARE_FIELD_FILE] = TRUE;
  g_clear_error (&self->file_error);

  /* The extension is known at once; the size needs the file system. */
  name = g_file_get_basename (file);
  adw_action_row_set_subtitle (self->file_row, name);
  if (!ota_validate_firmware_file_name (name, &error))
    self->file_error = g_steal_pointer (&error);
  else
    g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                             G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                             file_info_ready, g_object_ref (self));
  ota_add_firmware_dialog_revalidate (self);
}

static void
on_chooser_response (OtaAddFirmwareDialog *self,
                     int                   response,
                     GtkNativeDialog      *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL)
    ota_add_firmware_dialog_set_file (self, file);
}

static void
on_choose_file_clicked (OtaAddFirmwareDialog *self)
{
  static const char * const suffixes[] = { "bin", "tar", "gz", "zip", "gzip", "apk" };
  g_autoptr(GtkFileFilter) firmware = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose the Firmware File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (firmware, _("Firmware files"));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    gtk_file_filter_add_suffix (firmware, suffixes[i]);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), firmware);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- Adding ------------------------------------------------------------------------------------ */

static void
add_progress (guint64  done,
              guint64  total,
              gpointer user_data)
{
  OtaAddFirmwareDialog *self = user_data;
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *total_text = g_format_size (total);
  /* Translators: progress of hashing a file, "12.3 MB of 40.0 MB" */
  g_autofree char *text = g_strdup_printf (_("%s of %s"), done_text, total_text);

  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? MIN (1.0, (double) done / total) : 0.0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
firmware_added (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(OtaAddFirmwareDialog) self = user_data;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GError) error = NULL;
  OtaFirmwareField field;

  firmware = ota_backend_add_firmware_finish (OTA_BACKEND (source), result, &error);
  self->adding = FALSE;
  g_clear_object (&self->add_cancellable);

  if (firmware != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_ADDED], 0, firmware);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "form");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      ota_add_firmware_dialog_revalidate (self);
      return;
    }

  /* The engine's error goes under the field it names, until that field changes. */
  field = ota_firmware_field_from_name (ota_error_get_field (error));
  self->touched[field] = TRUE;
  if (field == OTA_FIRMWARE_FIELD_FILE)
    {
      g_clear_error (&self->file_error);
      self->file_error = g_steal_pointer (&error);
      self->file_ready = FALSE;
      ota_add_firmware_dialog_revalidate (self);
      return;
    }

  g_clear_error (&self->check_error);
  self->check_error = g_steal_pointer (&error);
  self->check_ok = FALSE;
  ota_add_firmware_dialog_show_messages (self);
}

static void
on_confirm_clicked (OtaAddFirmwareDialog *self)
{
  OtaFirmwareSpec spec;
  g_auto(GStrv) sources = NULL;

  if (self->adding || !gtk_widget_get_sensitive (self->confirm_button))
    return;

  ota_add_firmware_dialog_build_spec (self, &spec, &sources);
  self->adding = TRUE;
  self->add_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->confirm_button, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  ota_backend_add_firmware_async (self->backend, &spec, self->file, add_progress, self,
                                  self->add_cancellable, firmware_added, g_object_ref (self));
}

static void
on_stop_clicked (OtaAddFirmwareDialog *self)
{
  g_cancellable_cancel (self->add_cancellable);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
ota_add_firmware_dialog_dispose (GObject *object)
{
  OtaAddFirmwareDialog *self = OTA_ADD_FIRMWARE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->check_cancellable);
  g_cancellable_cancel (self->add_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_ADD_FIRMWARE_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->add_cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->product);
  g_clear_object (&self->backend);
  g_clear_pointer (&self->modules, g_ptr_array_unref);

  G_OBJECT_CLASS (ota_add_firmware_dialog_parent_class)->dispose (object);
}

static void
ota_add_firmware_dialog_finalize (GObject *object)
{
  OtaAddFirmwareDialog *self = OTA_ADD_FIRMWARE_DIALOG (object);

  g_strfreev (self->module_names);
  g_clear_error (&self->check_error);
  g_clear_error (&self->file_error);
  for (guint i = 0; i < OTA_N_FIRMWARE_FIELDS; i++)
    g_clear_error (&self->local_errors[i]);

  G_OBJECT_CLASS (ota_add_firmware_dialog_parent_class)->finalize (object);
}

static void
ota_add_firmware_dialog_class_init (OtaAddFirmwareDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_add_firmware_dialog_dispose;
  object_class->finalize = ota_add_firmware_dialog_finalize;

  /**
   * OtaAddFirmwareDialog::added:
   * @firmware: the firmware as the backend stored it
   */
  signals[SIGNAL_ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, OTA_TYPE_FIRMWARE);

  g_type_ensure (OTA_TYPE_FIELD_MESSAGE);
  g_type_ensure (OTA_TYPE_SOURCE_PICKER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-add-firmware-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, OtaAddFirmwareDialog, name)
#define BIND_MESSAGE(field, id) \
  gtk_widget_class_bind_template_child_full (widget_class, id, FALSE, \
                                             G_STRUCT_OFFSET (OtaAddFirmwareDialog, messages[field]))
  BIND (window_title);
  BIND (confirm_button);
  BIND (stack);
  BIND (type_row);
  BIND (name_row);
  BIND (version_row);
  BIND (module_row);
  BIND (new_module_row);
  BIND (source_picker);
  BIND (file_row);
  BIND (sign_row);
  BIND (description_row);
  BIND (description_counter);
  BIND (progress_bar);
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_TYPE, "type_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_NAME, "name_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_VERSION, "version_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_MODULE, "module_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_SOURCES, "sources_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_FILE, "file_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_SIGN, "sign_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_DESCRIPTION, "description_message");
  BIND_MESSAGE (OTA_FIRMWARE_FIELD_GENERAL, "general_message");
#undef BIND
#undef BIND_MESSAGE
  gtk_widget_class_bind_template_callback (widget_class, on_type_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_version_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_module_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_new_module_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sources_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_description_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_file_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ota_add_firmware_dialog_init (OtaAddFirmwareDialog *self)
{
  self->syncing = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

OtaAddFirmwareDialog *
ota_add_firmware_dialog_new (GtkWindow  *parent,
                             OtaBackend *backend,
                             OtaProduct *product)
{
  OtaAddFirmwareDialog *self;
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (OTA_IS_PRODUCT (product), NULL);

  self = g_object_new (OTA_TYPE_ADD_FIRMWARE_DIALOG, "transient-for", parent, NULL);
  self->backend = g_object_ref (backend);
  self->product = g_object_ref (product);
  adw_window_title_set_subtitle (self->window_title, ota_product_get_name (product));

  /* R-F1: the type row's position is the OtaFirmwareType. */
  gtk_string_list_append (types, ota_firmware_type_label (OTA_FIRMWARE_TYPE_FULL));
  gtk_string_list_append (types, ota_firmware_type_label (OTA_FIRMWARE_TYPE_DIFF));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));
  if (is_tmall (self))
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->type_row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->type_row),
                                   _("Tmall Genie products accept full firmware only"));
    }

  update_sign_choices (self);
  set_modules (self, NULL);
  on_description_changed (self);
  self->touched[OTA_FIRMWARE_FIELD_DESCRIPTION] = FALSE;
  self->syncing = FALSE;

  ota_backend_list_modules_async (backend, ota_product_get_key (product), self->cancellable,
                                  modules_loaded, g_object_ref (self));
  ota_add_firmware_dialog_revalidate (self);
  return self;
}
