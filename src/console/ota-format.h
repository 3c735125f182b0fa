/* ota-format.h — numbers and sizes as the console shows them */
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

G_END_DECLS
