/* ota-firmware-list.c — a product's firmwares in a table, with their row actions */
#include <glib/gi18n.h>

#include "ota-firmware-list.h"
#include "ota-labels.h"
#include "ota-window.h"

struct _OtaFirmwareList
{
  AdwBin          parent_instance;

  OtaBackend     *backend;
  char           *product_key;
  GCancellable   *cancellable;   /* the load in flight */
  gulong          batch_changed_id;
  guint           reload_source;  /* a reload after rollouts changed, at most once a second */

  /* Template children */
  GtkStack       *stack;
  GtkLabel       *count_label;
  GtkColumnView  *column_view;
  GListStore     *firmwares;
};

G_DEFINE_FINAL_TYPE (OtaFirmwareList, ota_firmware_list, ADW_TYPE_BIN)

/* ---- Cells (closures of data/ui/ota-firmware-list.ui; @firmware is NULL on unbind) --- */

static char *
firmware_name (gpointer     unused,
               OtaFirmware *firmware)
{
  return firmware != NULL ? g_strdup (ota_firmware_get_name (firmware)) : NULL;
}

static char *
firmware_description (gpointer     unused,
                      OtaFirmware *firmware)
{
  const char *description = firmware != NULL ? ota_firmware_get_description (firmware) : NULL;

  return description != NULL && *description != '\0' ? g_strdup (description) : NULL;
}

static char *
firmware_version (gpointer     unused,
                  OtaFirmware *firmware)
{
  return firmware != NULL ? g_strdup (ota_firmware_get_version (firmware)) : NULL;
}

static char *
firmware_type (gpointer     unused,
               OtaFirmware *firmware)
{
  return firmware != NULL ? g_strdup (ota_firmware_type_label (ota_firmware_get_firmware_type (firmware)))
                          : NULL;
}

static char *
firmware_module (gpointer     unused,
                 OtaFirmware *firmware)
{
  return firmware != NULL ? g_strdup (ota_firmware_get_module (firmware)) : NULL;
}

static char *
firmware_sources (gpointer     unused,
                  OtaFirmware *firmware)
{
  return firmware != NULL ? g_strjoinv (", ", (char **) ota_firmware_get_source_versions (firmware))
                          : NULL;
}

static char *
firmware_status (gpointer     unused,
                 OtaFirmware *firmware)
{
  return firmware != NULL ? g_strdup (ota_firmware_status_label (ota_firmware_get_status (firmware)))
                          : NULL;
}

static GStrv
firmware_status_classes (gpointer     unused,
                         OtaFirmware *firmware)
{
  const char *tone = "dim-label";
  const char *classes[3] = { "ota-status", NULL, NULL };

  if (firmware != NULL)
    switch (ota_firmware_get_status (firmware))
      {
      case OTA_FIRMWARE_STATUS_VERIFIED:      tone = "success"; break;
      case OTA_FIRMWARE_STATUS_VERIFY_FAILED: tone = "error"; break;
      case OTA_FIRMWARE_STATUS_VERIFYING:     tone = "accent"; break;
      case OTA_FIRMWARE_STATUS_UNVERIFIED:
      default:                                break;
      }
  classes[1] = tone;
  return g_strdupv ((char **) classes);
}

static char *
firmware_created (gpointer     unused,
                  OtaFirmware *firmware)
{
  return firmware != NULL ? ota_format_time (ota_firmware_get_created_at (firmware)) : NULL;
}

/* The day only, so the table keeps room for names; the time is the tooltip. */
static char *
firmware_created_day (gpointer     unused,
                      OtaFirmware *firmware)
{
  g_autoptr(GDateTime) local = NULL;

  if (firmware == NULL || ota_firmware_get_created_at (firmware) == 0)
    return NULL;
  local = g_date_time_new_from_unix_local (ota_firmware_get_created_at (firmware) / G_USEC_PER_SEC);
  return local != NULL ? g_date_time_format (local, "%Y/%m/%d") : NULL;
}

static GVariant *
firmware_id_target (gpointer     unused,
                    OtaFirmware *firmware)
{
  return g_variant_new_int64 (firmware != NULL ? ota_firmware_get_id (firmware) : 0);
}

/* R-V4: a firmware that is not verified (or failed) can be verified (again). */
static gboolean
firmware_can_verify (gpointer     unused,
                     OtaFirmware *firmware)
{
  return firmware != NULL &&
         (ota_firmware_get_status (firmware) == OTA_FIRMWARE_STATUS_UNVERIFIED ||
          ota_firmware_get_status (firmware) == OTA_FIRMWARE_STATUS_VERIFY_FAILED);
}

/* R-B1: only a verified firmware is upgraded in batches. */
static gboolean
firmware_can_batch (gpointer     unused,
                    OtaFirmware *firmware)
{
  return firmware != NULL && ota_firmware_get_status (firmware) == OTA_FIRMWARE_STATUS_VERIFIED;
}

/* ---- Loading -------------------------------------------------------------------------- */

static void
update_count (OtaFirmwareList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->firmwares));
  g_autofree char *text = g_strdup_printf (ngettext ("%u firmware", "%u firmwares", n), n);

  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
firmwares_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(OtaFirmwareList) self = user_data;
  g_autoptr(GPtrArray) firmwares = NULL;
  g_autoptr(GError) error = NULL;

  firmwares = ota_backend_list_firmwares_finish (OTA_BACKEND (source), result, &error);
  if (firmwares == NULL)
    {
      ota_widget_add_error_toast (GTK_WIDGET (self), error);
      return;
    }

  g_list_store_splice (self->firmwares, 0, g_list_model_get_n_items (G_LIST_MODEL (self->firmwares)),
                       firmwares->pdata, firmwares->len);
  update_count (self);
}

void
ota_firmware_list_reload (OtaFirmwareList *self)
{
  g_return_if_fail (OTA_IS_FIRMWARE_LIST (self));

  /* Only the newest answer counts: an older one may still be on its way. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->backend == NULL || self->product_key == NULL)
    {
      g_list_store_remove_all (self->firmwares);
      update_count (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  ota_backend_list_firmwares_async (self->backend, self->product_key, self->cancellable,
                                    firmwares_loaded, g_object_ref (self));
}

static gboolean
reload_after_rollouts (gpointer user_data)
{
  OtaFirmwareList *self = user_data;

  self->reload_source = 0;
  ota_firmware_list_reload (self);
  return G_SOURCE_REMOVE;
}

/* A verification that ends changes its firmware's status (R-V4) without a catalogue
 * change: follow the rollouts, but calmly, since a busy fleet changes batches often. */
static void
on_batch_changed (OtaBackend      *backend,
                  gint64           batch_id,
                  OtaFirmwareList *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add_seconds (1, reload_after_rollouts, self);
}

void
ota_firmware_list_set_backend (OtaFirmwareList *self,
                               OtaBackend      *backend)
{
  g_return_if_fail (OTA_IS_FIRMWARE_LIST (self));

  if (self->backend == backend)
    return;

  g_clear_signal_handler (&self->batch_changed_id, self->backend);
  g_set_object (&self->backend, backend);
  if (backend != NULL)
    self->batch_changed_id = g_signal_connect (backend, "batch-changed",
                                               G_CALLBACK (on_batch_changed), self);
  ota_firmware_list_reload (self);
}

void
ota_firmware_list_set_product (OtaFirmwareList *self,
                               const char      *product_key)
{
  g_return_if_fail (OTA_IS_FIRMWARE_LIST (self));

  if (g_strcmp0 (self->product_key, product_key) == 0)
    return;

  g_free (self->product_key);
  self->product_key = g_strdup (product_key);
  g_list_store_remove_all (self->firmwares);
  ota_firmware_list_reload (self);
}

GListModel *
ota_firmware_list_get_model (OtaFirmwareList *self)
{
  g_return_val_if_fail (OTA_IS_FIRMWARE_LIST (self), NULL);
  return G_LIST_MODEL (self->firmwares);
}

/* ---- Row actions -------------------------------------------------------------------- */

static OtaFirmware *
find_firmware (OtaFirmwareList *self,
               gint64           id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->firmwares));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OtaFirmware) firmware = g_list_model_get_item (G_LIST_MODEL (self->firmwares), i);

      if (ota_firmware_get_id (firmware) == id)
        return firmware;   /* the store keeps it alive */
    }
  return NULL;
}

static void
row_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  OtaFirmwareList *self = OTA_FIRMWARE_LIST (widget);
  OtaFirmware *firmware = find_firmware (self, g_variant_get_int64 (parameter));
  GtkRoot *root = gtk_widget_get_root (widget);

  if (firmware == NULL || !OTA_IS_WINDOW (root))
    return;

  if (g_str_equal (action_name, "firmware.details"))
    ota_window_show_firmware (OTA_WINDOW (root), firmware);
  else if (g_str_equal (action_name, "firmware.verify"))
    ota_window_verify_firmware (OTA_WINDOW (root), firmware);
  else if (g_str_equal (action_name, "firmware.batch-upgrade"))
    ota_window_batch_upgrade (OTA_WINDOW (root), firmware);
}

static void
on_row_activated (OtaFirmwareList *self,
                  guint            position)
{
  g_autoptr(OtaFirmware) firmware = g_list_model_get_item (G_LIST_MODEL (self->firmwares), position);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (firmware != NULL && OTA_IS_WINDOW (root))
    ota_window_show_firmware (OTA_WINDOW (root), firmware);
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
ota_firmware_list_dispose (GObject *object)
{
  OtaFirmwareList *self = OTA_FIRMWARE_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_signal_handler (&self->batch_changed_id, self->backend);
  /* The template's root is bound (and owned by AdwBin): let go of it first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_FIRMWARE_LIST);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->backend);

  G_OBJECT_CLASS (ota_firmware_list_parent_class)->dispose (object);
}

static void
ota_firmware_list_finalize (GObject *object)
{
  OtaFirmwareList *self = OTA_FIRMWARE_LIST (object);

  g_free (self->product_key);

  G_OBJECT_CLASS (ota_firmware_list_parent_class)->finalize (object);
}

static void
ota_firmware_list_class_init (OtaFirmwareListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_firmware_list_dispose;
  object_class->finalize = ota_firmware_list_finalize;

  g_type_ensure (OTA_TYPE_FIRMWARE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-firmware-list.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwareList, stack);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwareList, count_label);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwareList, column_view);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwareList, firmwares);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, firmware_name);
  gtk_widget_class_bind_template_callback (widget_class, firmware_description);
  gtk_widget_class_bind_template_callback (widget_class, firmware_version);
  gtk_widget_class_bind_template_callback (widget_class, firmware_type);
  gtk_widget_class_bind_template_callback (widget_class, firmware_module);
  gtk_widget_class_bind_template_callback (widget_class, firmware_sources);
  gtk_widget_class_bind_template_callback (widget_class, firmware_status);
  gtk_widget_class_bind_template_callback (widget_class, firmware_status_classes);
  gtk_widget_class_bind_template_callback (widget_class, firmware_created);
  gtk_widget_class_bind_template_callback (widget_class, firmware_created_day);
  gtk_widget_class_bind_template_callback (widget_class, firmware_id_target);
  gtk_widget_class_bind_template_callback (widget_class, firmware_can_verify);
  gtk_widget_class_bind_template_callback (widget_class, firmware_can_batch);

  gtk_widget_class_install_action (widget_class, "firmware.details", "x", row_action);
  gtk_widget_class_install_action (widget_class, "firmware.verify", "x", row_action);
  gtk_widget_class_install_action (widget_class, "firmware.batch-upgrade", "x", row_action);
}

static void
ota_firmware_list_init (OtaFirmwareList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_count (self);
}
