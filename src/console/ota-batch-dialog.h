/* ota-batch-dialog.h — start a batch upgrade of a verified firmware (R-B1..R-B16)
 *
 * Every option with its allowed range and an inline message when a value is outside
 * it; options that do not apply to the chosen strategy or scope are hidden or
 * insensitive. A live forecast (devices matched, offline, conflicting, how long pushing
 * takes) follows every valid change. Emits "created" with the new OtaBatch, then closes.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

#define OTA_TYPE_BATCH_DIALOG (ota_batch_dialog_get_type ())
G_DECLARE_FINAL_TYPE (OtaBatchDialog, ota_batch_dialog, OTA, BATCH_DIALOG, AdwWindow)

GtkWidget *ota_batch_dialog_new (GtkWindow   *parent,
                                 OtaBackend  *backend,
                                 OtaFirmware *firmware);

G_END_DECLS
