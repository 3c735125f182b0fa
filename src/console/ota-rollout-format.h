/* ota-rollout-format.h — the sentences and style classes the rollout views share
 *
 * One place for "12 succeeded · 3 failed", the options of a batch in words and the
 * colour of a status, so the firmware page, the batch page and the dialogs agree.
 */
#pragma once

#include <adwaita.h>
#include <ota.h>

#include "ota-format.h"

G_BEGIN_DECLS

/* The non-zero per-status counts, most telling first: "12 succeeded · 3 failed · 40
 * upgrading"; "No devices" for an empty batch. Free with g_free(). */
char       *ota_format_batch_counts     (OtaBatch            *batch);
/* "Router 2.0": the firmware's name and version. Free with g_free(). */
char       *ota_format_firmware_title   (OtaFirmware         *firmware);
/* "Verification #3", "Batch upgrade #12". Free with g_free(). */
char       *ota_format_batch_title      (OtaBatch            *batch);
/* "Static upgrade · All devices · created 2026/01/01 10:00". Free with g_free(). */
char       *ota_format_batch_subtitle   (OtaBatch            *batch);
/* Every option of @batch as sentences (R-D1: what the operator chose). Free with g_free(). */
char       *ota_format_batch_options    (OtaBatch            *batch);
/* "about 2 min", "less than a minute", "about 3 h". Free with g_free(). */
char       *ota_format_duration         (gint64               duration_us);
/* "1,234 devices match now · 200 offline · 12 would conflict · pushing takes about
 * 2 min at 1000/min". Free with g_free(). */
char       *ota_format_forecast         (const OtaBatchForecast *forecast,
                                         guint                push_rate);
/* A per-status count for a chip or a list: "12 succeeded". Free with g_free(). */
char       *ota_format_status_count     (OtaTaskStatus        status,
                                         guint64              count);

/* Style classes (libadwaita's success / warning / error / accent, or dim-label). */
const char *ota_task_status_style       (OtaTaskStatus        status);
const char *ota_firmware_status_style   (OtaFirmwareStatus    status);
const char *ota_batch_state_style       (OtaBatchState        state);

/* Makes @widget carry exactly one of the status styles: @style (nullable) replaces
 * whichever of them it had. */
void        ota_widget_set_status_style (GtkWidget           *widget,
                                         const char          *style);

/* The checkable rows of the pickers: an AdwActionRow titled @title (plain text, not
 * markup) over @subtitle, with @check as its prefix, toggled by activating the row. */
GtkWidget  *ota_check_row_new           (const char          *title,
                                         const char          *subtitle,
                                         GtkWidget           *check);
/* Removes every row of @list except @keep (nullable: a row that stays, such as a
 * message row); the placeholder stays too. */
void        ota_list_box_remove_rows    (GtkListBox          *list,
                                         GtkWidget           *keep);

/* The whole number typed into @spin right now (before it is committed), or FALSE when
 * the text is no whole number. Lets forms judge a value while it is typed. */
gboolean    ota_spin_button_read_value  (GtkSpinButton       *spin,
                                         gint64              *value);

G_END_DECLS
