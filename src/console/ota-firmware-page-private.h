/* ota-firmware-page-private.h — the firmware page's parts, for its own files and tests */
#pragma once

#include "ota-firmware-page.h"

G_BEGIN_DECLS

struct _OtaFirmwarePage
{
  AdwBin         parent_instance;

  OtaBackend    *backend;
  OtaFirmware   *firmware;
  GCancellable  *cancellable;
  gulong         batch_changed_id;
  gulong         catalogue_changed_id;
  GHashTable    *batch_ids;          /* gint64* of the batches listed */
  GHashTable    *foreign_ids;        /* gint64* of batches known to be another firmware's */
  guint          refreshes_running;
  gboolean       refresh_again;
  guint          n_refreshes;        /* completed, for tests */

  AdwLeaflet    *leaflet;
  GtkWidget     *details_page;
  GtkWidget     *batch_view;
  GtkLabel      *name_label;
  GtkLabel      *subtitle_label;
  GtkLabel      *status_label;
  GtkButton     *verify_button;
  GtkButton     *batch_button;
  GtkLabel      *type_value;
  GtkLabel      *module_value;
  GtkLabel      *sources_value;
  AdwActionRow  *digest_row;
  GtkLabel      *digest_value;
  GtkLabel      *size_value;
  GtkLabel      *signature_value;
  GtkLabel      *file_value;
  GtkLabel      *created_value;
  AdwActionRow  *description_row;
  GtkLabel      *description_value;
  GtkStack      *batches_stack;
  GtkListBox    *batch_list;
  AdwStatusPage *empty_page;
  GtkLabel      *batch_title;
  AdwBin        *batch_slot;
};

G_END_DECLS
