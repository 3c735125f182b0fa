/* ota-format.c — numbers and sizes as the console shows them */
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
