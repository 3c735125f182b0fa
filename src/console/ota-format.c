/* ota-format.c — numbers, sizes and times as the console shows them */
#include <glib/gi18n.h>

#include "ota-format.h"

char *
ota_format_count (guint64 n)
{
  /* The ' flag groups digits as LC_NUMERIC says: "5,000", "5.000" or "5 000". */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

char *
ota_format_range (guint64 offset,
                  guint   n_items,
                  guint64 total)
{
  g_autofree char *first = ota_format_count (offset + 1);
  g_autofree char *last = ota_format_count (offset + n_items);
  g_autofree char *all = ota_format_count (total);

  if (n_items == 0)
    /* Translators: an empty page of a list: "0 of 5,000" */
    return g_strdup_printf (_("0 of %s"), all);

  /* Translators: the rows of a list page: "1–50 of 5,000" */
  return g_strdup_printf (_("%s–%s of %s"), first, last, all);
}

char *
ota_format_time_short (gint64     time_us,
                       GDateTime *now)
{
  g_autoptr(GDateTime) then = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  if (time_us <= 0)
    return g_strdup ("");
  then = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  if (then == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (then) != g_date_time_get_year (now))
    /* Translators: a date in another year, in a narrow column; see the strftime manual */
    return g_date_time_format (then, _("%Y/%m/%d"));
  if (g_date_time_get_day_of_year (then) != g_date_time_get_day_of_year (now))
    /* Translators: a day and time this year, in a narrow column; see the strftime manual */
    return g_date_time_format (then, _("%m/%d %H:%M"));
  /* Translators: a time today, in a narrow column; see the strftime manual */
  return g_date_time_format (then, _("%H:%M:%S"));
}
