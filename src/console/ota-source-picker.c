/* ota-source-picker.c — choosing a firmware's source versions (R-F5) */
#include <glib/gi18n.h>

#include "ota-format.h"
#include "ota-source-picker.h"

struct _OtaSourcePicker
{
  AdwBin       parent_instance;

  GPtrArray   *checks;       /* GtkCheckButton, one per version row, in the order shown */
  gboolean     single;
  GError      *error;

  GtkListBox  *list_box;
  GtkWidget   *placeholder_row;
  AdwEntryRow *entry_row;
};

G_DEFINE_FINAL_TYPE (OtaSourcePicker, ota_source_picker, ADW_TYPE_BIN)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
check_version (GtkCheckButton *check)
{
  return g_object_get_data (G_OBJECT (check), "version");
}

static void
emit_changed (OtaSourcePicker *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* In single mode the check boxes are one radio group; otherwise each stands alone. */
static void
apply_grouping (OtaSourcePicker *self)
{
  GtkCheckButton *first = NULL;
  gboolean seen_active = FALSE;

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      gtk_check_button_set_group (check, NULL);
      if (!self->single)
        continue;

      /* A radio group holds one active button: keep the first one checked. */
      if (gtk_check_button_get_active (check))
        {
          if (seen_active)
            gtk_check_button_set_active (check, FALSE);
          seen_active = TRUE;
        }
      if (first == NULL)
        first = check;
      else
        gtk_check_button_set_group (check, first);
    }
}

static GtkCheckButton *
add_row (OtaSourcePicker *self,
         const char      *version,
         const char      *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), version);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data_full (G_OBJECT (check), "version", g_strdup (version), g_free);
  g_object_set_data (G_OBJECT (check), "row", row);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (emit_changed), self);

  /* After the reported versions and before the entry row (the placeholder is row 0). */
  gtk_list_box_insert (self->list_box, row, (int) self->checks->len + 1);
  g_ptr_array_add (self->checks, g_object_ref (check));
  gtk_widget_set_visible (self->placeholder_row, FALSE);
  apply_grouping (self);
  return GTK_CHECK_BUTTON (check);
}

static void
set_error (OtaSourcePicker *self,
           GError          *error)
{
  g_clear_error (&self->error);
  self->error = error;
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry_row), "error");
}

void
ota_source_picker_set_module (OtaSourcePicker *self,
                              OtaModule       *module)
{
  guint n;

  g_return_if_fail (OTA_IS_SOURCE_PICKER (self));

  for (guint i = 0; i < self->checks->len; i++)
    gtk_list_box_remove (self->list_box, g_object_get_data (g_ptr_array_index (self->checks, i), "row"));
  g_ptr_array_set_size (self->checks, 0);

  n = module != NULL ? ota_module_get_n_versions (module) : 0;
  for (guint i = 0; i < n; i++)
    {
      guint64 devices = ota_module_get_version_devices (module, i);
      g_autofree char *count = ota_format_count (devices);
      g_autofree char *subtitle = g_strdup_printf (ngettext ("%s device reports it",
                                                             "%s devices report it", devices),
                                                   count);

      add_row (self, ota_module_get_version (module, i), subtitle);
    }
  gtk_widget_set_visible (self->placeholder_row, n == 0);
  emit_changed (self);
}

void
ota_source_picker_set_single (OtaSourcePicker *self,
                              gboolean         single)
{
  g_return_if_fail (OTA_IS_SOURCE_PICKER (self));

  if (self->single == !!single)
    return;
  self->single = !!single;
  apply_grouping (self);
  emit_changed (self);
}

gboolean
ota_source_picker_set_checked (OtaSourcePicker *self,
                               const char      *version,
                               gboolean         checked)
{
  g_return_val_if_fail (OTA_IS_SOURCE_PICKER (self), FALSE);

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      if (g_strcmp0 (check_version (check), version) == 0)
        {
          gtk_check_button_set_active (check, checked);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
ota_source_picker_add_version (OtaSourcePicker *self,
                               const char      *version)
{
  GError *error = NULL;

  g_return_val_if_fail (OTA_IS_SOURCE_PICKER (self), FALSE);

  if (!ota_validate_version (version, "source-versions", &error))
    {
      set_error (self, error);
      emit_changed (self);
      return FALSE;
    }

  set_error (self, NULL);
  if (!ota_source_picker_set_checked (self, version, TRUE))
    gtk_check_button_set_active (add_row (self, version, _("Typed in: no device reports it yet")), TRUE);
  emit_changed (self);
  return TRUE;
}

GStrv
ota_source_picker_dup_selected (OtaSourcePicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (OTA_IS_SOURCE_PICKER (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, check_version (check));
    }
  return g_strv_builder_end (builder);
}

const GError *
ota_source_picker_get_error (OtaSourcePicker *self)
{
  g_return_val_if_fail (OTA_IS_SOURCE_PICKER (self), NULL);
  return self->error;
}

AdwEntryRow *
ota_source_picker_get_entry_row (OtaSourcePicker *self)
{
  g_return_val_if_fail (OTA_IS_SOURCE_PICKER (self), NULL);
  return self->entry_row;
}

static void
on_entry_apply (OtaSourcePicker *self)
{
  g_autofree char *version = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry_row)));

  if (ota_source_picker_add_version (self, version))
    gtk_editable_set_text (GTK_EDITABLE (self->entry_row), "");
}

static void
on_entry_changed (OtaSourcePicker *self)
{
  if (self->error != NULL)
    {
      set_error (self, NULL);
      emit_changed (self);
    }
}

static void
ota_source_picker_dispose (GObject *object)
{
  OtaSourcePicker *self = OTA_SOURCE_PICKER (object);

  g_clear_pointer (&self->checks, g_ptr_array_unref);
  /* The template's root is bound (and owned by AdwBin): let go of it first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_SOURCE_PICKER);

  G_OBJECT_CLASS (ota_source_picker_parent_class)->dispose (object);
}

static void
ota_source_picker_finalize (GObject *object)
{
  OtaSourcePicker *self = OTA_SOURCE_PICKER (object);

  g_clear_error (&self->error);

  G_OBJECT_CLASS (ota_source_picker_parent_class)->finalize (object);
}

static void
ota_source_picker_class_init (OtaSourcePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_source_picker_dispose;
  object_class->finalize = ota_source_picker_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-source-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaSourcePicker, list_box);
  gtk_widget_class_bind_template_child (widget_class, OtaSourcePicker, placeholder_row);
  gtk_widget_class_bind_template_child (widget_class, OtaSourcePicker, entry_row);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
}

static void
ota_source_picker_init (OtaSourcePicker *self)
{
  self->checks = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}
