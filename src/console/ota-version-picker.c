/* ota-version-picker.c — source versions to upgrade from (R-V2, R-B4, R-F5) */
#include <glib/gi18n.h>

#include "ota-field-message.h"
#include "ota-rollout-format.h"
#include "ota-version-picker.h"

struct _OtaVersionPicker
{
  AdwBin           parent_instance;

  GtkListBox      *list;
  OtaFieldMessage *message;
  GPtrArray       *checks;   /* GtkCheckButton*, "ota-version" data */
};

G_DEFINE_FINAL_TYPE (OtaVersionPicker, ota_version_picker, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_check_toggled (GtkCheckButton   *check,
                  OtaVersionPicker *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
clear_rows (OtaVersionPicker *self)
{
  ota_list_box_remove_rows (self->list, GTK_WIDGET (self->message));
  g_ptr_array_set_size (self->checks, 0);
}

static GtkWidget *
add_row (OtaVersionPicker *self,
         const char       *version,
         const char       *subtitle,
         gboolean          active,
         gboolean          sensitive)
{
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *row = ota_check_row_new (version, subtitle, check);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  gtk_widget_set_sensitive (check, sensitive);
  g_object_set_data_full (G_OBJECT (check), "ota-version", g_strdup (version), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);
  g_ptr_array_add (self->checks, check);

  /* Rows go before the message row, which stays last. */
  gtk_list_box_insert (self->list, row, (int) self->checks->len - 1);
  return row;
}

void
ota_version_picker_set_versions (OtaVersionPicker   *self,
                                 OtaModule          *module,
                                 const char * const *checked,
                                 const char         *exclude)
{
  guint n = module != NULL ? ota_module_get_n_versions (module) : 0;

  g_return_if_fail (OTA_IS_VERSION_PICKER (self));

  clear_rows (self);
  for (guint i = 0; i < n; i++)
    {
      const char *version = ota_module_get_version (module, i);
      guint64 devices = ota_module_get_version_devices (module, i);
      g_autofree char *count = ota_format_count (devices);
      g_autofree char *subtitle = NULL;

      if (g_strcmp0 (version, exclude) == 0)
        continue;
      subtitle = g_strdup_printf (ngettext ("%s device reports it", "%s devices report it",
                                            (gulong) MIN (devices, G_MAXULONG)), count);
      add_row (self, version, subtitle, checked != NULL && g_strv_contains (checked, version), TRUE);
    }

  g_signal_emit (self, signals[CHANGED], 0);
}

void
ota_version_picker_set_firmware_sources (OtaVersionPicker *self,
                                         GPtrArray        *modules,
                                         OtaFirmware      *firmware)
{
  OtaModule *module = NULL;

  g_return_if_fail (OTA_IS_VERSION_PICKER (self));
  g_return_if_fail (OTA_IS_FIRMWARE (firmware));

  for (guint i = 0; modules != NULL && i < modules->len; i++)
    if (g_strcmp0 (ota_module_get_name (g_ptr_array_index (modules, i)), ota_firmware_get_module (firmware)) == 0)
      module = g_ptr_array_index (modules, i);

  ota_version_picker_set_versions (self, module, ota_firmware_get_source_versions (firmware),
                                   ota_firmware_get_version (firmware));
}

void
ota_version_picker_set_fixed (OtaVersionPicker *self,
                              const char       *version,
                              const char       *note)
{
  g_return_if_fail (OTA_IS_VERSION_PICKER (self));
  g_return_if_fail (version != NULL);

  clear_rows (self);
  add_row (self, version, note, TRUE, FALSE);
  g_signal_emit (self, signals[CHANGED], 0);
}

GStrv
ota_version_picker_dup_selected (OtaVersionPicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (OTA_IS_VERSION_PICKER (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (check), "ota-version"));
    }
  return g_strv_builder_end (builder);
}

gboolean
ota_version_picker_set_selected (OtaVersionPicker *self,
                                 const char       *version,
                                 gboolean          selected)
{
  g_return_val_if_fail (OTA_IS_VERSION_PICKER (self), FALSE);

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (check), "ota-version"), version) == 0 &&
          gtk_widget_get_sensitive (GTK_WIDGET (check)))
        {
          gtk_check_button_set_active (check, selected);
          return TRUE;
        }
    }
  return FALSE;
}

void
ota_version_picker_set_message (OtaVersionPicker *self,
                                const char       *text)
{
  g_return_if_fail (OTA_IS_VERSION_PICKER (self));
  ota_field_message_set_text (self->message, text);
}

const char *
ota_version_picker_get_message (OtaVersionPicker *self)
{
  g_return_val_if_fail (OTA_IS_VERSION_PICKER (self), NULL);
  return ota_field_message_get_text (self->message);
}

static void
ota_version_picker_finalize (GObject *object)
{
  OtaVersionPicker *self = OTA_VERSION_PICKER (object);

  g_ptr_array_unref (self->checks);

  G_OBJECT_CLASS (ota_version_picker_parent_class)->finalize (object);
}

static void
ota_version_picker_class_init (OtaVersionPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ota_version_picker_finalize;

  /**
   * OtaVersionPicker::changed:
   *
   * The checked versions changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ota_version_picker_init (OtaVersionPicker *self)
{
  GtkWidget *placeholder = gtk_label_new (_("No device of the product reports a version for this module yet"));

  self->checks = g_ptr_array_new ();
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");

  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);

  self->message = OTA_FIELD_MESSAGE (ota_field_message_new ());
  gtk_list_box_append (self->list, GTK_WIDGET (self->message));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->list));
}

GtkWidget *
ota_version_picker_new (void)
{
  return g_object_new (OTA_TYPE_VERSION_PICKER, NULL);
}
