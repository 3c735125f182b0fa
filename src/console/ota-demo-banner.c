/* ota-demo-banner.c — the demo's banner: a simulated fleet, its time and its speed */
#include <glib/gi18n.h>

#include "ota-demo-banner.h"

struct _OtaDemoBanner
{
  GtkBox           parent_instance;

  OtaDemo         *demo;
  GBinding        *paused_binding;
  gboolean         preparing;
  gboolean         syncing;

  GtkSpinner      *spinner;
  GtkLabel        *label;
  GtkWidget       *controls;
  GtkToggleButton *speed_1;
  GtkToggleButton *speed_60;
  GtkToggleButton *speed_600;
  GtkToggleButton *pause_button;
};

G_DEFINE_FINAL_TYPE (OtaDemoBanner, ota_demo_banner, GTK_TYPE_BOX)

/* "14:32" on the day the operator lives in, else with the date: at 600× the simulated
 * fleet leaves today behind within a few minutes. */
static char *
format_simulated_time (gint64 now_us)
{
  g_autoptr(GDateTime) real = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (now_us / G_USEC_PER_SEC);

  if (then == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (then) == g_date_time_get_year (real) &&
      g_date_time_get_day_of_year (then) == g_date_time_get_day_of_year (real))
    return g_date_time_format (then, "%H:%M");
  /* Translators: the demo's simulated date and time, see the strftime manual */
  return g_date_time_format (then, _("%Y/%m/%d %H:%M"));
}

static void
update_text (OtaDemoBanner *self)
{
  g_autofree char *text = NULL;

  if (self->preparing)
    text = g_strdup (_("Preparing the demo database…"));
  else if (self->demo == NULL || !ota_demo_get_prepared (self->demo))
    text = g_strdup (_("Demo mode: a simulated fleet on a separate database. "
                       "Nothing here reaches real devices."));
  else
    {
      g_autofree char *time = format_simulated_time (ota_demo_get_now (self->demo));

      if (ota_demo_get_paused (self->demo))
        /* Translators: the demo banner; %s is the simulated time, "14:32" */
        text = g_strdup_printf (_("Demo — simulated fleet · %s simulated time · paused"), time);
      else
        /* Translators: the demo banner; %s is the simulated time ("14:32"), %u how much
         * faster than real time it runs ("60×") */
        text = g_strdup_printf (_("Demo — simulated fleet · %s simulated time · %u×"),
                                time, ota_demo_get_speed (self->demo));
    }

  gtk_label_set_label (self->label, text);
  gtk_widget_set_visible (self->controls, self->demo != NULL && !self->preparing);
}

static void
sync_speed (OtaDemoBanner *self)
{
  guint speed = self->demo != NULL ? ota_demo_get_speed (self->demo) : 0;

  self->syncing = TRUE;
  gtk_toggle_button_set_active (self->speed_1, speed == 1);
  gtk_toggle_button_set_active (self->speed_60, speed == 60);
  gtk_toggle_button_set_active (self->speed_600, speed == 600);
  self->syncing = FALSE;
  update_text (self);
}

static void
on_speed_toggled (OtaDemoBanner   *self,
                  GtkToggleButton *button)
{
  guint speed = button == self->speed_1 ? 1 : button == self->speed_60 ? 60 : 600;

  if (self->syncing || self->demo == NULL || !gtk_toggle_button_get_active (button))
    return;
  ota_demo_set_speed (self->demo, speed);
}

void
ota_demo_banner_set_demo (OtaDemoBanner *self,
                          OtaDemo       *demo)
{
  g_return_if_fail (OTA_IS_DEMO_BANNER (self));
  g_return_if_fail (demo == NULL || OTA_IS_DEMO (demo));

  if (self->demo == demo)
    return;

  if (self->demo != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->demo, self);
      g_clear_pointer (&self->paused_binding, g_binding_unbind);
      g_clear_object (&self->demo);
    }

  if (demo != NULL)
    {
      self->demo = g_object_ref (demo);
      g_signal_connect_swapped (demo, "notify::speed", G_CALLBACK (sync_speed), self);
      g_signal_connect_swapped (demo, "notify::now", G_CALLBACK (update_text), self);
      g_signal_connect_swapped (demo, "notify::paused", G_CALLBACK (update_text), self);
      g_signal_connect_swapped (demo, "notify::prepared", G_CALLBACK (update_text), self);
      self->paused_binding = g_object_bind_property (demo, "paused", self->pause_button, "active",
                                                     G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    }

  sync_speed (self);
}

void
ota_demo_banner_set_preparing (OtaDemoBanner *self,
                               gboolean       preparing)
{
  g_return_if_fail (OTA_IS_DEMO_BANNER (self));

  self->preparing = !!preparing;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->preparing);
  gtk_spinner_set_spinning (self->spinner, self->preparing);
  update_text (self);
}

const char *
ota_demo_banner_get_text (OtaDemoBanner *self)
{
  g_return_val_if_fail (OTA_IS_DEMO_BANNER (self), NULL);
  return gtk_label_get_label (self->label);
}

static void
ota_demo_banner_dispose (GObject *object)
{
  OtaDemoBanner *self = OTA_DEMO_BANNER (object);

  ota_demo_banner_set_demo (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_DEMO_BANNER);

  G_OBJECT_CLASS (ota_demo_banner_parent_class)->dispose (object);
}

static void
ota_demo_banner_class_init (OtaDemoBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_demo_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-demo-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaDemoBanner, spinner);
  gtk_widget_class_bind_template_child (widget_class, OtaDemoBanner, label);
  gtk_widget_class_bind_template_child (widget_class, OtaDemoBanner, controls);
  gtk_widget_class_bind_template_child (widget_class, OtaDemoBanner, speed_1);
  gtk_widget_class_bind_template_child (widget_class, OtaDemoBanner, speed_60);
  gtk_widget_class_bind_template_child (widget_class, OtaDemoBanner, speed_600);
  gtk_widget_class_bind_template_child (widget_class, OtaDemoBanner, pause_button);
  gtk_widget_class_bind_template_callback (widget_class, on_speed_toggled);
}

static void
ota_demo_banner_init (OtaDemoBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
