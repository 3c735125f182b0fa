/* ota-format.h — numbers, sizes and times as the console shows them */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @n with the locale's thousands separators ("5,000"). Free with g_free(). */
char *ota_format_count (guint64 n);
/* "first–last of total" for a page of a list ("1–50 of 5,000"); "0 of 0" when empty.
 * Free with g_free(). */
char *ota_format_range (guint64 offset,
                        guint   n_items,
                        guint64 total);

/* @time_us (µs since the epoch) in local time, short for a narrow column: the time on
 * the day of @now, the day and time in its year, else the date; "" for 0. The forms
 * are translatable (strftime), so they follow the translation. Free with g_free(). */
char *ota_format_time_short (gint64     time_us,
                             GDateTime *now);

G_END_DECLS
