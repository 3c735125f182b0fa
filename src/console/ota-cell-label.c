/* ota-cell-label.c — a one-line text whose size does not follow its text
 *
 * The height is one line of the widget's font, measured once with an empty layout (or
 * the width sample) and again only when the font changes. The text is laid out when it
 * is drawn, at the allocated width, ellipsized at the end.
 */
#include <math.h>

#include "ota-cell-label.h"

struct _OtaCellLabel
{
  GtkWidget             parent_instance;

  char                 *text;
  float                 xalign;
  gboolean              numeric;
  char                 *width_sample;

  PangoLayout          *layout;        /* NULL until drawn; dropped when the font changes */
  PangoFontDescription *font;          /* the font the sizes below are for */
  int                   line_height;   /* -1: not measured */
  int                   sample_width;
};

G_DEFINE_FINAL_TYPE (OtaCellLabel, ota_cell_label, GTK_TYPE_WIDGET)

static PangoLayout *
new_layout (OtaCellLabel *self,
            const char   *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  /* What the "numeric" style class gives a GtkLabel: digits of one width. */
  if (self->numeric)
    {
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
    }
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  return layout;
}

static void
ensure_sizes (OtaCellLabel *self)
{
  g_autoptr(PangoLayout) probe = NULL;

  if (self->line_height >= 0)
    return;

  /* An empty line is as tall as any: the font's ascent and descent. */
  probe = new_layout (self, self->width_sample != NULL ? self->width_sample : "");
  pango_layout_get_pixel_size (probe, &self->sample_width, &self->line_height);
  if (self->width_sample == NULL)
    self->sample_width = 0;
}

static void
forget_layout (OtaCellLabel *self)
{
  g_clear_object (&self->layout);
  self->line_height = -1;
}

static void
ota_cell_label_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  OtaCellLabel *self = OTA_CELL_LABEL (widget);

  ensure_sizes (self);
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = self->line_height;
  else
    *minimum = *natural = self->sample_width;
}

static void
ota_cell_label_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  OtaCellLabel *self = OTA_CELL_LABEL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  PangoRectangle logical;
  GdkRGBA color;
  float xalign;

  if (self->text == NULL || self->text[0] == '\0' || width <= 0)
    return;

  if (self->layout == NULL)
    {
      self->layout = new_layout (self, self->text);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
    }
  if (pango_layout_get_width (self->layout) != width * PANGO_SCALE)
    pango_layout_set_width (self->layout, width * PANGO_SCALE);
  pango_layout_get_pixel_extents (self->layout, NULL, &logical);

  xalign = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL ? 1.0f - self->xalign : self->xalign;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floorf ((width - logical.width) * xalign) - logical.x,
                                                          floorf ((height - logical.height) / 2.0f)));
  gtk_snapshot_append_layout (snapshot, self->layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* A new font (a theme, a font setting, a style class) means new sizes; anything else
 * CSS changes (colours, opacity) only needs drawing, which GTK asks for itself. */
static void
ota_cell_label_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  OtaCellLabel *self = OTA_CELL_LABEL (widget);
  const PangoFontDescription *font;

  GTK_WIDGET_CLASS (ota_cell_label_parent_class)->css_changed (widget, change);

  font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  if (self->font != NULL && font != NULL && pango_font_description_equal (self->font, font))
    return;

  g_clear_pointer (&self->font, pango_font_description_free);
  if (font != NULL)
    self->font = pango_font_description_copy (font);
  forget_layout (self);
  gtk_widget_queue_resize (widget);
}

static void
ota_cell_label_direction_changed (GtkWidget        *widget,
                                  GtkTextDirection  previous)
{
  forget_layout (OTA_CELL_LABEL (widget));
  gtk_widget_queue_draw (widget);
}

static void
ota_cell_label_finalize (GObject *object)
{
  OtaCellLabel *self = OTA_CELL_LABEL (object);

  g_free (self->text);
  g_free (self->width_sample);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->font, pango_font_description_free);

  G_OBJECT_CLASS (ota_cell_label_parent_class)->finalize (object);
}

static void
ota_cell_label_class_init (OtaCellLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ota_cell_label_finalize;
  widget_class->measure = ota_cell_label_measure;
  widget_class->snapshot = ota_cell_label_snapshot;
  widget_class->css_changed = ota_cell_label_css_changed;
  widget_class->direction_changed = ota_cell_label_direction_changed;

  /* Styled like a label by the theme (fonts, dim-label, colours). */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
ota_cell_label_init (OtaCellLabel *self)
{
  self->text = g_strdup ("");
  self->line_height = -1;
}

GtkWidget *
ota_cell_label_new (float       xalign,
                    gboolean    numeric,
                    const char *width_sample)
{
  OtaCellLabel *self = g_object_new (OTA_TYPE_CELL_LABEL, NULL);

  self->xalign = CLAMP (xalign, 0.0f, 1.0f);
  self->numeric = numeric;
  self->width_sample = g_strdup (width_sample);
  if (numeric)
    gtk_widget_add_css_class (GTK_WIDGET (self), "numeric");
  return GTK_WIDGET (self);
}

const char *
ota_cell_label_get_text (OtaCellLabel *self)
{
  g_return_val_if_fail (OTA_IS_CELL_LABEL (self), NULL);
  return self->text;
}

void
ota_cell_label_set_text (OtaCellLabel *self,
                         const char   *text)
{
  g_return_if_fail (OTA_IS_CELL_LABEL (self));

  if (text == NULL)
    text = "";
  if (g_str_equal (self->text, text))
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  /* Same size, new pixels: no relayout of the row. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
