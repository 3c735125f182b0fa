/* ota-field-message.c — a validation message shown right under a form row */
#include <adwaita.h>

#include "ota-field-message.h"

struct _OtaFieldMessage
{
  GtkListBoxRow  parent_instance;

  GtkLabel      *label;
  GtkWidget     *row;    /* weak */
  char          *text;
};

G_DEFINE_FINAL_TYPE (OtaFieldMessage, ota_field_message, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_ROW,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Entry rows have an error style of their own in libadwaita; other rows (a combo row,
 * a row with a button) would only turn their buttons red, so they keep their look. */
static void
update_row_style (OtaFieldMessage *self)
{
  if (self->row == NULL || !ADW_IS_ENTRY_ROW (self->row))
    return;
  if (self->text != NULL)
    gtk_widget_add_css_class (self->row, "error");
  else
    gtk_widget_remove_css_class (self->row, "error");
}

GtkWidget *
ota_field_message_new (void)
{
  return g_object_new (OTA_TYPE_FIELD_MESSAGE, NULL);
}

void
ota_field_message_set_row (OtaFieldMessage *self,
                           GtkWidget       *row)
{
  g_return_if_fail (OTA_IS_FIELD_MESSAGE (self));
  g_return_if_fail (row == NULL || GTK_IS_WIDGET (row));

  if (self->row == row)
    return;

  if (self->row != NULL)
    gtk_widget_remove_css_class (self->row, "error");
  g_set_weak_pointer (&self->row, row);
  update_row_style (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW]);
}

GtkWidget *
ota_field_message_get_row (OtaFieldMessage *self)
{
  g_return_val_if_fail (OTA_IS_FIELD_MESSAGE (self), NULL);
  return self->row;
}

void
ota_field_message_set_text (OtaFieldMessage *self,
                            const char      *text)
{
  g_return_if_fail (OTA_IS_FIELD_MESSAGE (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  gtk_label_set_label (self->label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
  update_row_style (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

void
ota_field_message_set_error (OtaFieldMessage *self,
                             const GError    *error)
{
  ota_field_message_set_text (self, error != NULL ? error->message : NULL);
}

const char *
ota_field_message_get_text (OtaFieldMessage *self)
{
  g_return_val_if_fail (OTA_IS_FIELD_MESSAGE (self), NULL);
  return self->text;
}

static void
ota_field_message_dispose (GObject *object)
{
  OtaFieldMessage *self = OTA_FIELD_MESSAGE (object);

  g_clear_weak_pointer (&self->row);

  G_OBJECT_CLASS (ota_field_message_parent_class)->dispose (object);
}

static void
ota_field_message_finalize (GObject *object)
{
  OtaFieldMessage *self = OTA_FIELD_MESSAGE (object);

  g_free (self->text);

  G_OBJECT_CLASS (ota_field_message_parent_class)->finalize (object);
}

static void
ota_field_message_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OtaFieldMessage *self = OTA_FIELD_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ROW:
      g_value_set_object (value, self->row);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_field_message_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OtaFieldMessage *self = OTA_FIELD_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ROW:
      ota_field_message_set_row (self, g_value_get_object (value));
      break;

    case PROP_TEXT:
      ota_field_message_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_field_message_class_init (OtaFieldMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_field_message_dispose;
  object_class->finalize = ota_field_message_finalize;
  object_class->get_property = ota_field_message_get_property;
  object_class->set_property = ota_field_message_set_property;

  properties[PROP_ROW] =
    g_param_spec_object ("row", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ota_field_message_init (OtaFieldMessage *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  self->label = GTK_LABEL (label);
  gtk_label_set_xalign (self->label, 0.0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 8);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
