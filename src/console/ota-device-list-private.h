/* ota-device-list-private.h — what ota-device-list.c and ota-device-list-csv.c share */
#pragma once

#include "ota-device-list.h"

G_BEGIN_DECLS

struct _OtaDeviceList
{
  AdwBin                parent_instance;

  OtaBackend           *backend;
  char                 *product_key;
  guint                 offset;
  guint64               total;
  GCancellable         *cancellable;          /* the page query in flight */
  GCancellable         *modules_cancellable;
  GCancellable         *import_cancellable;   /* non-NULL while importing */
  GStrv                 modules;              /* one version column each */
  GPtrArray            *module_columns;
  GtkFileChooserNative *chooser;

  /* Template children */
  GtkSearchEntry       *search_entry;
  GtkDropDown          *online_dropdown;
  GtkWidget            *import_button;
  GtkWidget            *export_button;
  GtkRevealer          *import_revealer;
  GtkProgressBar       *import_progress;
  GtkStack             *stack;
  GtkColumnView        *column_view;
  GtkColumnViewColumn  *updated_column;
  GListStore           *devices;
  GtkLabel             *range_label;
  GtkWidget            *previous_button;
  GtkWidget            *next_button;
};

/* ota-device-list-csv.c */
void ota_device_list_cancel_import (OtaDeviceList *self);

G_END_DECLS
