/* ota-device-picker.c — choose devices of a product by name (R-V2, R-B8)
 *
 * The backend searches (a product may have millions of devices); the picker only keeps
 * what was chosen, with the version each device reported, so that unchecking a source
 * version also drops its devices.
 */
#include <glib/gi18n.h>

#include "ota-device-picker.h"
#include "ota-field-message.h"
#include "ota-rollout-format.h"

struct _OtaDevicePicker
{
  AdwBin           parent_instance;

  OtaBackend      *backend;
  char            *product_key;
  char            *module;
  GStrv            versions;
  guint            max;
  char            *limit_message;
  GHashTable      *chosen;        /* name → version */
  GCancellable    *cancellable;   /* the query running */
  gboolean         loading;
  gboolean         refusing;      /* undoing a refused check */
  guint            n_listed;

  GtkLabel        *counter_label;
  GtkLabel        *chosen_label;
  GtkSpinner      *spinner;
  GtkSearchEntry  *search_entry;
  GtkListBox      *list;
  GtkLabel        *placeholder_label;
  GtkLabel        *more_label;
  OtaFieldMessage *message;
};

G_DEFINE_FINAL_TYPE (OtaDevicePicker, ota_device_picker, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void requery (OtaDevicePicker *self);

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GStrv
ota_device_picker_dup_chosen (OtaDevicePicker *self)
{
  g_autofree const char **names = NULL;
  guint n = 0;

  g_return_val_if_fail (OTA_IS_DEVICE_PICKER (self), NULL);

  names = (const char **) g_hash_table_get_keys_as_array (self->chosen, &n);
  qsort (names, n, sizeof (char *), compare_names);
  return g_strdupv ((char **) names);
}

static void
update_counter (OtaDevicePicker *self)
{
  guint n = g_hash_table_size (self->chosen);
  g_autofree char *counter = NULL;
  g_auto(GStrv) names = ota_device_picker_dup_chosen (self);
  g_autofree char *joined = g_strjoinv (", ", names);

  if (self->max > 0)
    /* TRANSLATORS: "3 of 10 chosen" */
    counter = g_strdup_printf (ngettext ("%u of %u chosen", "%u of %u chosen", self->max), n, self->max);
  else
    counter = g_strdup_printf (ngettext ("%u device chosen", "%u devices chosen", n), n);

  gtk_label_set_label (self->counter_label, counter);
  gtk_label_set_label (self->chosen_label, joined);
  gtk_widget_set_visible (GTK_WIDGET (self->chosen_label), n > 0);
}

static void
on_check_toggled (GtkCheckButton  *check,
                  OtaDevicePicker *self)
{
  const char *name = g_object_get_data (G_OBJECT (check), "ota-device");
  const char *version = g_object_get_data (G_OBJECT (check), "ota-version");

  if (self->refusing)
    return;

  if (gtk_check_button_get_active (check))
    {
      if (self->max > 0 && g_hash_table_size (self->chosen) >= self->max)
        {
          self->refusing = TRUE;
          gtk_check_button_set_active (check, FALSE);
          self->refusing = FALSE;
          ota_field_message_set_text (self->message, self->limit_message);
          return;
        }
      g_hash_table_insert (self->chosen, g_strdup (name), g_strdup (version));
    }
  else
    g_hash_table_remove (self->chosen, name);

  ota_field_message_set_text (self->message, NULL);
  update_counter (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- Listing ------------------------------------------------------------------------ */

static void
clear_rows (OtaDevicePicker *self)
{
  ota_list_box_remove_rows (self->list, GTK_WIDGET (self->message));
  self->n_listed = 0;
}

static GtkWidget *
device_row (OtaDevicePicker *self,
            OtaDevice       *device)
{
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *row;
  const char *name = ota_device_get_name (device);
  const char *version = ota_device_get_version (device, self->module);
  g_autofree char *region = g_strstrip (g_strdup_printf ("%s %s", ota_device_get_province (device),
                                                         ota_device_get_city (device)));
  g_autoptr(GString) subtitle = g_string_new (version);

  g_string_append (subtitle, " · ");
  g_string_append (subtitle, ota_device_get_online (device) ? _("online") : _("offline"));
  if (*region != '\0')
    {
      g_string_append (subtitle, " · ");
      g_string_append (subtitle, region);
    }

  row = ota_check_row_new (name, subtitle->str, check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->chosen, name));
  g_object_set_data_full (G_OBJECT (check), "ota-device", g_strdup (name), g_free);
  g_object_set_data_full (G_OBJECT (check), "ota-version", g_strdup (version), g_free);
  g_object_set_data (G_OBJECT (row), "ota-check", check);
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);

  return row;
}

static void
on_devices_queried (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OtaDevicePicker) self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;
  g_autoptr(GPtrArray) devices = ota_backend_query_devices_finish (OTA_BACKEND (source), result, &total, &error);

  /* A newer query replaced this one. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  clear_rows (self);

  if (devices == NULL)
    {
      ota_field_message_set_error (self->message, error);
      return;
    }

  for (guint i = 0; i < devices->len; i++)
    gtk_list_box_insert (self->list, device_row (self, g_ptr_array_index (devices, i)), (int) i);
  self->n_listed = devices->len;

  if (total > devices->len)
    {
      g_autofree char *shown = ota_format_count (devices->len);
      g_autofree char *all = ota_format_count (total);
      g_autofree char *more = g_strdup_printf (_("Showing %s of %s devices: search to find the others"),
                                               shown, all);

      gtk_label_set_label (self->more_label, more);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), total > devices->len);
}

static void
requery (OtaDevicePicker *self)
{
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->backend == NULL || self->product_key == NULL ||
      self->versions == NULL || self->versions[0] == NULL)
    {
      clear_rows (self);
      self->loading = FALSE;
      gtk_spinner_set_spinning (self->spinner, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->more_label), FALSE);
      gtk_label_set_label (self->placeholder_label, _("Choose a source version first"));
      return;
    }

  gtk_label_set_label (self->placeholder_label, _("No device on the chosen versions matches"));
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  gtk_spinner_set_spinning (self->spinner, TRUE);

  query.product_key = self->product_key;
  query.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  query.module = self->module;
  query.versions = (const char * const *) self->versions;
  query.sort = OTA_DEVICE_SORT_NAME;
  query.limit = OTA_DEVICE_PICKER_MAX_RESULTS;
  ota_backend_query_devices_async (self->backend, &query, self->cancellable,
                                   on_devices_queried, g_object_ref (self));
}

static void
on_search_changed (GtkSearchEntry  *entry,
                   OtaDevicePicker *self)
{
  requery (self);
}

/* ---- API ------------------------------------------------------------------------------ */

void
ota_device_picker_set_query (OtaDevicePicker    *self,
                             OtaBackend         *backend,
                             const char         *product_key,
                             const char         *module,
                             const char * const *versions)
{
  GHashTableIter iter;
  gpointer version;
  gboolean dropped = FALSE;

  g_return_if_fail (OTA_IS_DEVICE_PICKER (self));
  g_return_if_fail (backend == NULL || OTA_IS_BACKEND (backend));

  g_set_object (&self->backend, backend);
  g_free (self->product_key);
  self->product_key = g_strdup (product_key);
  g_free (self->module);
  self->module = g_strdup (module != NULL ? module : "default");
  g_strfreev (self->versions);
  self->versions = g_strdupv ((char **) versions);

  /* A device chosen for a version no longer offered cannot stay (R-V2). */
  g_hash_table_iter_init (&iter, self->chosen);
  while (g_hash_table_iter_next (&iter, NULL, &version))
    if (self->versions == NULL || !g_strv_contains ((const char * const *) self->versions, version))
      {
        g_hash_table_iter_remove (&iter);
        dropped = TRUE;
      }

  update_counter (self);
  requery (self);
  if (dropped)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
ota_device_picker_set_max (OtaDevicePicker *self,
                           guint            max,
                           const char      *limit_message)
{
  g_return_if_fail (OTA_IS_DEVICE_PICKER (self));

  self->max = max;
  g_free (self->limit_message);
  self->limit_message = g_strdup (limit_message);
  update_counter (self);
}

guint
ota_device_picker_get_n_chosen (OtaDevicePicker *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE_PICKER (self), 0);
  return g_hash_table_size (self->chosen);
}

gboolean
ota_device_picker_choose (OtaDevicePicker *self,
                          const char      *name,
                          gboolean         chosen)
{
  g_return_val_if_fail (OTA_IS_DEVICE_PICKER (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (child), "ota-check");

      if (check == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (check), "ota-device"), name) != 0)
        continue;
      gtk_check_button_set_active (check, chosen);
      return gtk_check_button_get_active (check) == !!chosen;
    }
  return FALSE;
}

void
ota_device_picker_set_search (OtaDevicePicker *self,
                              const char      *text)
{
  g_return_if_fail (OTA_IS_DEVICE_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Not waiting for the entry's typing delay. */
  requery (self);
}

guint
ota_device_picker_get_n_listed (OtaDevicePicker *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE_PICKER (self), 0);
  return self->n_listed;
}

gboolean
ota_device_picker_get_loading (OtaDevicePicker *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE_PICKER (self), FALSE);
  return self->loading;
}

void
ota_device_picker_set_message (OtaDevicePicker *self,
                               const char      *text)
{
  g_return_if_fail (OTA_IS_DEVICE_PICKER (self));
  ota_field_message_set_text (self->message, text);
}

const char *
ota_device_picker_get_message (OtaDevicePicker *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE_PICKER (self), NULL);
  return ota_field_message_get_text (self->message);
}

/* ---- Object ----------------------------------------------------------------------------- */

static void
ota_device_picker_dispose (GObject *object)
{
  OtaDevicePicker *self = OTA_DEVICE_PICKER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* AdwBin unparents its child itself: hand it back first, so that disposing the
   * template does not unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_DEVICE_PICKER);
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_device_picker_parent_class)->dispose (object);
}

static void
ota_device_picker_finalize (GObject *object)
{
  OtaDevicePicker *self = OTA_DEVICE_PICKER (object);

  g_free (self->product_key);
  g_free (self->module);
  g_strfreev (self->versions);
  g_free (self->limit_message);
  g_hash_table_unref (self->chosen);

  G_OBJECT_CLASS (ota_device_picker_parent_class)->finalize (object);
}

static void
ota_device_picker_class_init (OtaDevicePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_device_picker_dispose;
  object_class->finalize = ota_device_picker_finalize;

  /**
   * OtaDevicePicker::changed:
   *
   * The chosen devices changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (OTA_TYPE_FIELD_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-device-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaDevicePicker, counter_label);
  gtk_widget_class_bind_template_child (widget_class, OtaDevicePicker, chosen_label);
  gtk_widget_class_bind_template_child (widget_class, OtaDevicePicker, spinner);
  gtk_widget_class_bind_template_child (widget_class, OtaDevicePicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, OtaDevicePicker, list);
  gtk_widget_class_bind_template_child (widget_class, OtaDevicePicker, more_label);
  gtk_widget_class_bind_template_child (widget_class, OtaDevicePicker, message);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
}

static void
ota_device_picker_init (OtaDevicePicker *self)
{
  GtkWidget *placeholder = gtk_label_new (NULL);

  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->placeholder_label = GTK_LABEL (placeholder);
  gtk_label_set_wrap (self->placeholder_label, TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);
  update_counter (self);
}

GtkWidget *
ota_device_picker_new (void)
{
  return g_object_new (OTA_TYPE_DEVICE_PICKER, NULL);
}
