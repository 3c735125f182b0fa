/* ota-region-picker.c — provinces, and optionally cities, for a regional upgrade (R-B9) */
#include <glib/gi18n.h>

#include "ota-field-message.h"
#include "ota-region-picker.h"
#include "ota-rollout-format.h"

typedef struct {
  const char     *name;      /* interned */
  guint64         count;
  GtkCheckButton *check;
} City;

typedef struct {
  const char     *name;      /* interned */
  guint64         count;
  AdwExpanderRow *row;
  GtkCheckButton *whole;
  GArray         *cities;    /* City */
  gboolean        cities_walked;
} Province;

struct _OtaRegionPicker
{
  AdwBin           parent_instance;

  OtaBackend      *backend;
  char            *product_key;
  GCancellable    *cancellable;
  GPtrArray       *provinces;  /* Province* */
  guint            walks;      /* walks running */
  guint            generation;

  GtkListBox      *list;
  OtaFieldMessage *message;
  GtkWidget       *placeholder;
};

G_DEFINE_FINAL_TYPE (OtaRegionPicker, ota_region_picker, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
province_free (gpointer data)
{
  Province *province = data;

  g_array_unref (province->cities);
  g_free (province);
}

static char *
devices_text (guint64 count)
{
  g_autofree char *n = ota_format_count (count);

  return g_strdup_printf (ngettext ("%s device", "%s devices", (gulong) MIN (count, G_MAXULONG)), n);
}

static void
on_toggled (GtkCheckButton  *check,
            OtaRegionPicker *self)
{
  Province *province = g_object_get_data (G_OBJECT (check), "ota-province");

  /* A whole province includes its cities: their checks have nothing to say then. */
  if (province != NULL && check == province->whole)
    for (guint i = 0; i < province->cities->len; i++)
      gtk_widget_set_sensitive (GTK_WIDGET (g_array_index (province->cities, City, i).check),
                                !gtk_check_button_get_active (check));

  ota_field_message_set_text (self->message, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

static GtkCheckButton *
new_check (OtaRegionPicker *self,
           Province        *province)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (check), "ota-province", province);
  g_signal_connect (check, "toggled", G_CALLBACK (on_toggled), self);
  return GTK_CHECK_BUTTON (check);
}

/* ---- Walking the devices by region --------------------------------------------------- */

typedef struct {
  OtaRegionPicker *picker;
  Province        *province;    /* NULL: walking provinces; else its cities */
  guint            generation;
  guint            offset;
  const char      *found;       /* the region being counted */
  guint            n_found;
} Walk;

static void walk_next (Walk *walk);

static void
walk_free (Walk *walk)
{
  if (walk->generation == walk->picker->generation)
    walk->picker->walks--;
  g_object_unref (walk->picker);
  g_free (walk);
}

static void on_province_expanded (AdwExpanderRow *row, GParamSpec *pspec, Province *province);

static void
add_province (OtaRegionPicker *self,
              const char      *name,
              guint64          count)
{
  Province *province = g_new0 (Province, 1);
  g_autofree char *subtitle = devices_text (count);

  province->name = name;
  province->count = count;
  province->cities = g_array_new (FALSE, TRUE, sizeof (City));
  province->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  province->whole = new_check (self, province);
  gtk_widget_set_tooltip_text (GTK_WIDGET (province->whole), _("The whole province"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (province->row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (province->row), FALSE);
  adw_expander_row_set_subtitle (province->row, subtitle);
  adw_expander_row_add_prefix (province->row, GTK_WIDGET (province->whole));
  g_signal_connect (province->row, "notify::expanded", G_CALLBACK (on_province_expanded), province);

  g_ptr_array_add (self->provinces, province);
  gtk_list_box_insert (self->list, GTK_WIDGET (province->row), (int) self->provinces->len - 1);
}

static void
add_city (OtaRegionPicker *self,
          Province        *province,
          const char      *name,
          guint64          count)
{
  City city = { name, count, new_check (self, NULL) };
  g_autofree char *subtitle = devices_text (count);
  GtkWidget *row = ota_check_row_new (name, subtitle, GTK_WIDGET (city.check));

  gtk_widget_set_sensitive (GTK_WIDGET (city.check), !gtk_check_button_get_active (province->whole));
  g_array_append_val (province->cities, city);
  adw_expander_row_add_row (province->row, row);
}

/* Ends @walk, unless its query @found something and no newer walk replaced it; a
 * failure shows. */
static gboolean
walk_ends (Walk         *walk,
           gboolean      found,
           const GError *error)
{
  if (found && walk->generation == walk->picker->generation)
    return FALSE;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ota_field_message_set_error (walk->picker->message, error);
  walk_free (walk);
  return TRUE;
}

static void
on_region_counted (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Walk *walk = user_data;
  OtaRegionPicker *self = walk->picker;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;
  g_autoptr(GPtrArray) devices = ota_backend_query_devices_finish (OTA_BACKEND (source), result, &total, &error);

  if (walk_ends (walk, devices != NULL && total > 0, error))
    return;

  /* Devices of an unknown region ("") are counted past, never offered. */
  if (*walk->found != '\0')
    {
      if (walk->province == NULL)
        add_province (self, walk->found, total);
      else
        add_city (self, walk->province, walk->found, total);
      walk->n_found++;
    }

  walk->offset += (guint) total;
  if (walk->n_found >= OTA_REGION_PICKER_MAX_REGIONS)
    walk_free (walk);
  else
    walk_next (walk);
}

static void
on_next_region (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Walk *walk = user_data;
  OtaRegionPicker *self = walk->picker;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = ota_backend_query_devices_finish (OTA_BACKEND (source), result, NULL, &error);
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  OtaDevice *device;

  if (walk_ends (walk, devices != NULL && devices->len > 0, error))
    return;

  device = g_ptr_array_index (devices, 0);
  walk->found = g_intern_string (walk->province == NULL ? ota_device_get_province (device)
                                                        : ota_device_get_city (device));
  query.product_key = self->product_key;
  query.province = walk->province == NULL ? walk->found : walk->province->name;
  query.city = walk->province == NULL ? NULL : walk->found;
  query.limit = 1;
  ota_backend_query_devices_async (self->backend, &query, self->cancellable, on_region_counted, walk);
}

static void
walk_next (Walk *walk)
{
  OtaRegionPicker *self = walk->picker;
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;

  query.product_key = self->product_key;
  query.province = walk->province != NULL ? walk->province->name : NULL;
  query.sort = OTA_DEVICE_SORT_REGION;
  query.offset = walk->offset;
  query.limit = 1;
  ota_backend_query_devices_async (self->backend, &query, self->cancellable, on_next_region, walk);
}

static void
start_walk (OtaRegionPicker *self,
            Province        *province)
{
  Walk *walk = g_new0 (Walk, 1);

  walk->picker = g_object_ref (self);
  walk->province = province;
  walk->generation = self->generation;
  self->walks++;
  walk_next (walk);
}

static void
on_province_expanded (AdwExpanderRow *row,
                      GParamSpec     *pspec,
                      Province       *province)
{
  OtaRegionPicker *self = OTA_REGION_PICKER (gtk_widget_get_ancestor (GTK_WIDGET (row), OTA_TYPE_REGION_PICKER));

  if (self == NULL || province->cities_walked || !adw_expander_row_get_expanded (row))
    return;
  province->cities_walked = TRUE;
  start_walk (self, province);
}

/* ---- API --------------------------------------------------------------------------------- */

void
ota_region_picker_set_product (OtaRegionPicker *self,
                               OtaBackend      *backend,
                               const char      *product_key)
{
  g_return_if_fail (OTA_IS_REGION_PICKER (self));
  g_return_if_fail (OTA_IS_BACKEND (backend));
  g_return_if_fail (product_key != NULL);

  if (self->backend == backend && g_strcmp0 (self->product_key, product_key) == 0)
    return;

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->walks = 0;

  ota_list_box_remove_rows (self->list, GTK_WIDGET (self->message));
  g_ptr_array_set_size (self->provinces, 0);

  g_set_object (&self->backend, backend);
  g_free (self->product_key);
  self->product_key = g_strdup (product_key);
  start_walk (self, NULL);
}

guint
ota_region_picker_get_n_provinces (OtaRegionPicker *self)
{
  g_return_val_if_fail (OTA_IS_REGION_PICKER (self), 0);
  return self->provinces->len;
}

gboolean
ota_region_picker_get_loading (OtaRegionPicker *self)
{
  g_return_val_if_fail (OTA_IS_REGION_PICKER (self), FALSE);
  return self->walks > 0;
}

GArray *
ota_region_picker_dup_regions (OtaRegionPicker *self)
{
  GArray *regions = g_array_new (FALSE, TRUE, sizeof (OtaRegion));

  g_return_val_if_fail (OTA_IS_REGION_PICKER (self), regions);

  for (guint i = 0; i < self->provinces->len; i++)
    {
      Province *province = g_ptr_array_index (self->provinces, i);

      if (gtk_check_button_get_active (province->whole))
        {
          OtaRegion region = { province->name, "" };

          g_array_append_val (regions, region);
          continue;
        }
      for (guint j = 0; j < province->cities->len; j++)
        {
          City *city = &g_array_index (province->cities, City, j);
          OtaRegion region = { province->name, city->name };

          if (gtk_check_button_get_active (city->check))
            g_array_append_val (regions, region);
        }
    }
  return regions;
}

gboolean
ota_region_picker_choose_province (OtaRegionPicker *self,
                                   const char      *province_name,
                                   gboolean         chosen)
{
  g_return_val_if_fail (OTA_IS_REGION_PICKER (self), FALSE);

  for (guint i = 0; i < self->provinces->len; i++)
    {
      Province *province = g_ptr_array_index (self->provinces, i);

      if (g_strcmp0 (province->name, province_name) == 0)
        {
          gtk_check_button_set_active (province->whole, chosen);
          return TRUE;
        }
    }
  return FALSE;
}

void
ota_region_picker_set_message (OtaRegionPicker *self,
                               const char      *text)
{
  g_return_if_fail (OTA_IS_REGION_PICKER (self));
  ota_field_message_set_text (self->message, text);
}

const char *
ota_region_picker_get_message (OtaRegionPicker *self)
{
  g_return_val_if_fail (OTA_IS_REGION_PICKER (self), NULL);
  return ota_field_message_get_text (self->message);
}

/* ---- Object ------------------------------------------------------------------------------ */

static void
ota_region_picker_dispose (GObject *object)
{
  OtaRegionPicker *self = OTA_REGION_PICKER (object);

  g_cancellable_cancel (self->cancellable);
  self->generation++;
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_region_picker_parent_class)->dispose (object);
}

static void
ota_region_picker_finalize (GObject *object)
{
  OtaRegionPicker *self = OTA_REGION_PICKER (object);

  g_ptr_array_unref (self->provinces);
  g_object_unref (self->cancellable);
  g_free (self->product_key);

  G_OBJECT_CLASS (ota_region_picker_parent_class)->finalize (object);
}

static void
ota_region_picker_class_init (OtaRegionPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_region_picker_dispose;
  object_class->finalize = ota_region_picker_finalize;

  /**
   * OtaRegionPicker::changed:
   *
   * The chosen regions changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ota_region_picker_init (OtaRegionPicker *self)
{
  GtkWidget *placeholder = gtk_label_new (_("No device of the product has a known region"));

  self->cancellable = g_cancellable_new ();
  self->provinces = g_ptr_array_new_with_free_func (province_free);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");

  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);

  self->message = OTA_FIELD_MESSAGE (ota_field_message_new ());
  gtk_list_box_append (self->list, GTK_WIDGET (self->message));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->list));
}

GtkWidget *
ota_region_picker_new (void)
{
  return g_object_new (OTA_TYPE_REGION_PICKER, NULL);
}
