/* ota-firmware-page.c — a firmware's facts, actions and batches (R-D1, R-V4, R-B1) */
#include <glib/gi18n.h>

#include "ota-batch-dialog.h"
#include "ota-batch-page.h"
#include "ota-batch-row.h"
#include "ota-firmware-page-private.h"
#include "ota-labels.h"
#include "ota-rollout-format.h"
#include "ota-verify-dialog.h"
#include "ota-window.h"

G_DEFINE_FINAL_TYPE (OtaFirmwarePage, ota_firmware_page, ADW_TYPE_BIN)

static void refresh (OtaFirmwarePage *self);

/* ---- Showing the firmware ------------------------------------------------------- */

/* R-V4: verify when never verified or when the last verification failed; R-B1: batch
 * upgrades only once verified. The tooltip says why an action is not available. */
static void
update_actions (OtaFirmwarePage *self)
{
  OtaFirmwareStatus status = ota_firmware_get_status (self->firmware);
  gboolean can_verify = status == OTA_FIRMWARE_STATUS_UNVERIFIED ||
                        status == OTA_FIRMWARE_STATUS_VERIFY_FAILED;
  gboolean can_batch = status == OTA_FIRMWARE_STATUS_VERIFIED;
  const char *verify_tip;
  const char *batch_tip;

  switch (status)
    {
    case OTA_FIRMWARE_STATUS_VERIFYING:
      verify_tip = _("A verification is running: wait until its devices have finished");
      batch_tip = _("Batch upgrades start once the verification has succeeded");
      break;
    case OTA_FIRMWARE_STATUS_VERIFIED:
      verify_tip = _("This firmware is verified already");
      batch_tip = _("Upgrade many devices: all, chosen ones, by region or a share of them");
      break;
    case OTA_FIRMWARE_STATUS_VERIFY_FAILED:
      verify_tip = _("Verify again on a few chosen devices");
      batch_tip = _("The verification failed: verify the firmware again before batch upgrades");
      break;
    case OTA_FIRMWARE_STATUS_UNVERIFIED:
    default:
      verify_tip = _("Upgrade a few chosen devices first to check the firmware");
      batch_tip = _("Verify the firmware on a few devices before batch upgrades");
      break;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "firmware.verify", can_verify);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "firmware.batch-upgrade", can_batch);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->verify_button), verify_tip);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->batch_button), batch_tip);

  /* The main next step gets the accent. */
  if (can_batch)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->verify_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->batch_button), "suggested-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->batch_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_button), "suggested-action");
    }
}

static void
show_firmware (OtaFirmwarePage *self)
{
  OtaFirmware *firmware = self->firmware;
  g_autofree char *subtitle = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *size = NULL;
  g_autofree char *created = NULL;
  g_autofree char *digest_title = NULL;
  const char *description = ota_firmware_get_description (firmware);

  /* TRANSLATORS: "Version 2.0 · Full package" */
  subtitle = g_strdup_printf (_("Version %s · %s"), ota_firmware_get_version (firmware),
                              ota_firmware_type_label (ota_firmware_get_firmware_type (firmware)));
  sources = g_strjoinv (", ", (char **) ota_firmware_get_source_versions (firmware));
  size = g_format_size_full (ota_firmware_get_size (firmware), G_FORMAT_SIZE_LONG_FORMAT);
  created = ota_format_time (ota_firmware_get_created_at (firmware));
  /* TRANSLATORS: the firmware file's digest and its algorithm, "Digest (MD5)" */
  digest_title = g_strdup_printf (_("Digest (%s)"),
                                  ota_sign_algorithm_label (ota_firmware_get_sign_algorithm (firmware)));

  gtk_label_set_label (self->name_label, ota_firmware_get_name (firmware));
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_label_set_label (self->status_label, ota_firmware_status_label (ota_firmware_get_status (firmware)));
  ota_widget_set_status_style (GTK_WIDGET (self->status_label),
                               ota_firmware_status_style (ota_firmware_get_status (firmware)));

  gtk_label_set_label (self->type_value, ota_firmware_type_label (ota_firmware_get_firmware_type (firmware)));
  gtk_label_set_label (self->module_value, ota_firmware_get_module (firmware));
  gtk_label_set_label (self->sources_value, sources);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->digest_row), digest_title);
  gtk_label_set_label (self->digest_value, ota_firmware_get_digest (firmware));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->digest_value), ota_firmware_get_digest (firmware));
  gtk_label_set_label (self->size_value, size);
  gtk_label_set_label (self->signature_value,
                       ota_firmware_get_signature (firmware) != NULL
                       ? _("Signed (secure upgrade)") : _("Not signed"));
  gtk_label_set_label (self->file_value, ota_firmware_get_file_name (firmware));
  gtk_label_set_label (self->created_value, created);
  gtk_widget_set_visible (GTK_WIDGET (self->description_row),
                          description != NULL && *description != '\0');
  gtk_label_set_label (self->description_value, description != NULL ? description : "");

  update_actions (self);
}

/* The empty state says what to do next (R-V1: verify first). */
static void
show_empty_state (OtaFirmwarePage *self)
{
  if (ota_firmware_get_status (self->firmware) == OTA_FIRMWARE_STATUS_VERIFIED)
    {
      adw_status_page_set_title (self->empty_page, _("No batch upgrades yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Upgrade the product’s devices with Batch Upgrade"));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("Not verified yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Verify this firmware on a few devices first"));
    }
}

static gboolean
same_batches (OtaFirmwarePage *self,
              GPtrArray       *batches)
{
  for (guint i = 0; i < batches->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->batch_list, (int) i);

      if (row == NULL ||
          ota_batch_get_id (ota_batch_row_get_batch (OTA_BATCH_ROW (row))) !=
          ota_batch_get_id (g_ptr_array_index (batches, i)))
        return FALSE;
    }
  return gtk_list_box_get_row_at_index (self->batch_list, (int) batches->len) == NULL;
}

static void
show_batches (OtaFirmwarePage *self,
              GPtrArray       *batches)
{
  g_hash_table_remove_all (self->batch_ids);
  for (guint i = 0; i < batches->len; i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = ota_batch_get_id (g_ptr_array_index (batches, i));
      g_hash_table_add (self->batch_ids, id);
    }

  /* Same batches as shown: update the rows in place, so focus and hover stay. */
  if (same_batches (self, batches))
    {
      for (guint i = 0; i < batches->len; i++)
        ota_batch_row_set_batch (OTA_BATCH_ROW (gtk_list_box_get_row_at_index (self->batch_list, (int) i)),
                                 g_ptr_array_index (batches, i));
    }
  else
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->batch_list))) != NULL)
        gtk_list_box_remove (self->batch_list, child);
      for (guint i = 0; i < batches->len; i++)
        gtk_list_box_append (self->batch_list, ota_batch_row_new (g_ptr_array_index (batches, i)));
    }

  show_empty_state (self);
  gtk_stack_set_visible_child_name (self->batches_stack, batches->len > 0 ? "list" : "empty");
}

/* ---- Refreshing ----------------------------------------------------------------- */

static void
refresh_done (OtaFirmwarePage *self)
{
  if (--self->refreshes_running > 0 || g_cancellable_is_cancelled (self->cancellable))
    return;

  self->n_refreshes++;
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      refresh (self);
    }
}

static void
on_firmware_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(OtaFirmwarePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) firmware = ota_backend_get_firmware_finish (OTA_BACKEND (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (firmware != NULL)
    {
      g_set_object (&self->firmware, firmware);
      show_firmware (self);
    }
  else
    g_warning ("Could not read firmware %" G_GINT64_FORMAT ": %s",
               ota_firmware_get_id (self->firmware), error->message);

  refresh_done (self);
}

static void
on_batches_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OtaFirmwarePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = ota_backend_list_batches_finish (OTA_BACKEND (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (batches != NULL)
    show_batches (self, batches);
  else
    g_warning ("Could not list the batches of firmware %" G_GINT64_FORMAT ": %s",
               ota_firmware_get_id (self->firmware), error->message);

  refresh_done (self);
}

/* One refresh at a time; changes during one are caught by one more after it, so a busy
 * batch never piles up queries. */
static void
refresh (OtaFirmwarePage *self)
{
  gint64 id = ota_firmware_get_id (self->firmware);

  if (self->refreshes_running > 0)
    {
      self->refresh_again = TRUE;
      return;
    }

  self->refreshes_running = 2;
  ota_backend_get_firmware_async (self->backend, id, self->cancellable,
                                  on_firmware_loaded, g_object_ref (self));
  ota_backend_list_batches_async (self->backend, id, self->cancellable,
                                  on_batches_loaded, g_object_ref (self));
}

static void
on_unknown_batch_read (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(OtaFirmwarePage) self = user_data;
  g_autoptr(OtaBatch) batch = ota_backend_get_batch_finish (OTA_BACKEND (source), result, NULL);
  gint64 *id;

  if (batch == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (ota_batch_get_firmware_id (batch) == ota_firmware_get_id (self->firmware))
    {
      refresh (self);
      return;
    }
  id = g_new (gint64, 1);
  *id = ota_batch_get_id (batch);
  g_hash_table_add (self->foreign_ids, id);
}

static void
on_batch_changed (OtaBackend      *backend,
                  gint64           batch_id,
                  OtaFirmwarePage *self)
{
  /* A verification's end changes the firmware's status too: refresh both. */
  if (g_hash_table_contains (self->batch_ids, &batch_id))
    refresh (self);
  /* A batch made elsewhere (otactl, a server) may be this firmware's: look once. */
  else if (!g_hash_table_contains (self->foreign_ids, &batch_id))
    ota_backend_get_batch_async (self->backend, batch_id, self->cancellable,
                                 on_unknown_batch_read, g_object_ref (self));
}

static void
on_catalogue_changed (OtaBackend      *backend,
                      const char      *product_key,
                      OtaFirmwarePage *self)
{
  if (product_key == NULL || g_strcmp0 (product_key, ota_firmware_get_product_key (self->firmware)) == 0)
    refresh (self);
}

/* ---- Navigation and actions ---------------------------------------------------- */

void
ota_firmware_page_show_batch (OtaFirmwarePage *self,
                              gint64           batch_id)
{
  g_autofree char *title = NULL;

  g_return_if_fail (OTA_IS_FIRMWARE_PAGE (self));

  adw_bin_set_child (self->batch_slot, ota_batch_page_new (self->backend, batch_id));
  /* The bar says where Back leads: this firmware. */
  /* TRANSLATORS: firmware name and version, "Router 2.0" */
  title = g_strdup_printf (_("%s %s"), ota_firmware_get_name (self->firmware),
                           ota_firmware_get_version (self->firmware));
  gtk_label_set_label (self->batch_title, title);
  adw_leaflet_set_visible_child (self->leaflet, self->batch_view);
}

void
ota_firmware_page_show_details (OtaFirmwarePage *self)
{
  g_return_if_fail (OTA_IS_FIRMWARE_PAGE (self));
  adw_leaflet_set_visible_child (self->leaflet, self->details_page);
}

static void
on_batch_row_activated (GtkListBox      *list,
                        GtkListBoxRow   *row,
                        OtaFirmwarePage *self)
{
  ota_firmware_page_show_batch (self, ota_batch_get_id (ota_batch_row_get_batch (OTA_BATCH_ROW (row))));
}

/* Once the slide back has ended (or at once, without animations), the batch page goes:
 * its lazy model stops following. */
static void
on_transition_running (AdwLeaflet      *leaflet,
                       GParamSpec      *pspec,
                       OtaFirmwarePage *self)
{
  if (!adw_leaflet_get_child_transition_running (leaflet) &&
      adw_leaflet_get_visible_child (leaflet) == self->details_page)
    adw_bin_set_child (self->batch_slot, NULL);
}

static void
on_created (GtkWidget       *dialog,
            OtaBatch        *batch,
            OtaFirmwarePage *self)
{
  g_autofree char *title = ota_format_batch_title (batch);
  g_autofree char *count = ota_format_count (ota_batch_get_total (batch));
  g_autofree char *message = NULL;

  /* TRANSLATORS: "Verification #3 started on 5 devices" */
  message = g_strdup_printf (_("%s started on %s devices"), title, count);
  ota_widget_add_toast (GTK_WIDGET (self), message);
  refresh (self);
  ota_firmware_page_show_batch (self, ota_batch_get_id (batch));
}

static void
present_dialog (OtaFirmwarePage *self,
                GtkWidget       *dialog)
{
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_created), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWindow *
parent_window (OtaFirmwarePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
verify_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OtaFirmwarePage *self = OTA_FIRMWARE_PAGE (widget);

  present_dialog (self, ota_verify_dialog_new (parent_window (self), self->backend, self->firmware));
}

static void
batch_upgrade_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  OtaFirmwarePage *self = OTA_FIRMWARE_PAGE (widget);

  present_dialog (self, ota_batch_dialog_new (parent_window (self), self->backend, self->firmware));
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ota_firmware_page_show_details (OTA_FIRMWARE_PAGE (widget));
}

static void
copy_digest_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  OtaFirmwarePage *self = OTA_FIRMWARE_PAGE (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), ota_firmware_get_digest (self->firmware));
  ota_widget_add_toast (widget, _("Digest copied"));
}

/* ---- Object ------------------------------------------------------------------------ */

static void
ota_firmware_page_dispose (GObject *object)
{
  OtaFirmwarePage *self = OTA_FIRMWARE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->backend != NULL)
    {
      g_clear_signal_handler (&self->batch_changed_id, self->backend);
      g_clear_signal_handler (&self->catalogue_changed_id, self->backend);
    }
  /* AdwBin unparents its child itself: hand it back first, so that disposing the
   * template does not unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_FIRMWARE_PAGE);
  g_clear_object (&self->backend);
  g_clear_object (&self->firmware);

  G_OBJECT_CLASS (ota_firmware_page_parent_class)->dispose (object);
}

static void
ota_firmware_page_finalize (GObject *object)
{
  OtaFirmwarePage *self = OTA_FIRMWARE_PAGE (object);

  g_object_unref (self->cancellable);
  g_hash_table_unref (self->batch_ids);
  g_hash_table_unref (self->foreign_ids);

  G_OBJECT_CLASS (ota_firmware_page_parent_class)->finalize (object);
}

static void
ota_firmware_page_class_init (OtaFirmwarePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_firmware_page_dispose;
  object_class->finalize = ota_firmware_page_finalize;

  g_type_ensure (OTA_TYPE_BATCH_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-firmware-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, details_page);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, batch_view);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, verify_button);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, batch_button);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, type_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, module_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, sources_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, digest_row);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, digest_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, size_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, signature_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, file_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, created_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, description_row);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, description_value);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, batches_stack);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, batch_list);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, batch_title);
  gtk_widget_class_bind_template_child (widget_class, OtaFirmwarePage, batch_slot);
  gtk_widget_class_bind_template_callback (widget_class, on_batch_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_transition_running);

  gtk_widget_class_install_action (widget_class, "firmware.verify", NULL, verify_activated);
  gtk_widget_class_install_action (widget_class, "firmware.batch-upgrade", NULL, batch_upgrade_activated);
  gtk_widget_class_install_action (widget_class, "firmware.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "firmware.copy-digest", NULL, copy_digest_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "firmware.back", NULL);
}

static void
ota_firmware_page_init (OtaFirmwarePage *self)
{
  self->cancellable = g_cancellable_new ();
  self->batch_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->foreign_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ota_firmware_page_new (OtaBackend  *backend,
                       OtaFirmware *firmware)
{
  OtaFirmwarePage *self;

  g_return_val_if_fail (OTA_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (OTA_IS_FIRMWARE (firmware), NULL);

  self = g_object_new (OTA_TYPE_FIRMWARE_PAGE, NULL);
  self->backend = g_object_ref (backend);
  self->firmware = g_object_ref (firmware);
  self->batch_changed_id = g_signal_connect (backend, "batch-changed",
                                             G_CALLBACK (on_batch_changed), self);
  self->catalogue_changed_id = g_signal_connect (backend, "catalogue-changed",
                                                 G_CALLBACK (on_catalogue_changed), self);
  show_firmware (self);
  gtk_stack_set_visible_child_name (self->batches_stack, "loading");
  refresh (self);

  return GTK_WIDGET (self);
}

OtaFirmware *
ota_firmware_page_get_firmware (OtaFirmwarePage *self)
{
  g_return_val_if_fail (OTA_IS_FIRMWARE_PAGE (self), NULL);
  return self->firmware;
}

OtaBackend *
ota_firmware_page_get_backend (OtaFirmwarePage *self)
{
  g_return_val_if_fail (OTA_IS_FIRMWARE_PAGE (self), NULL);
  return self->backend;
}
