/* otactl-clock.c — the clock a database runs on, and "otactl clock …"
 *
 * Each otactl run is a new process, so a manual clock lives in the database: meta
 * clock.mode ("real" or "manual") and clock.manual_now (µs). A script can then let
 * minutes pass at once ("clock advance 15m") and watch schedules, push rates, retries
 * and timeouts happen exactly as they would in real time.
 */
#include <string.h>

#include "otactl-private.h"

static gboolean
read_manual_now (OtaStore  *store,
                 gint64    *now,
                 GError   **error)
{
  g_autofree char *text = ota_store_dup_meta (store, OTACTL_CLOCK_NOW_KEY);

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, now, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_STORE, OTACTL_CLOCK_NOW_KEY,
                           _("The database’s manual clock time “%s” is damaged; "
                             "set it again with “otactl clock manual --at TIME”"),
                           text != NULL ? text : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
otactl_clock_attach (Otactl  *ctl,
                     GError **error)
{
  OtaStore *store = ota_engine_get_store (ctl->engine);
  g_autofree char *mode = ota_store_dup_meta (store, OTACTL_CLOCK_MODE_KEY);

  g_clear_object (&ctl->manual_clock);
  if (mode != NULL && g_str_equal (mode, "manual"))
    {
      gint64 now;

      if (!read_manual_now (store, &now, error))
        return FALSE;
      ctl->manual_clock = ota_manual_clock_new (now);
      ota_engine_set_clock (ctl->engine, OTA_CLOCK (ctl->manual_clock));
    }
  else if (mode != NULL && !g_str_equal (mode, "real"))
    {
      ota_error_set_field (error, OTA_ERROR_STORE, OTACTL_CLOCK_MODE_KEY,
                           _("The database’s clock mode “%s” is neither real nor manual"), mode);
      return FALSE;
    }

  return ota_engine_run_due (ctl->engine, error);
}

gint64
otactl_clock_now (Otactl *ctl)
{
  return ota_clock_get_now (ota_engine_get_clock (ctl->engine));
}

/* Both keys in one transaction: the mode never points at a missing time. */
static gboolean
save_clock (Otactl      *ctl,
            const char  *mode,
            gint64       now,
            GError     **error)
{
  OtaStore *store = ota_engine_get_store (ctl->engine);
  g_autoptr(OtaTransaction) tx = ota_transaction_begin (store, error);
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, now);

  return tx != NULL &&
         ota_store_set_meta (store, OTACTL_CLOCK_MODE_KEY, mode, error) &&
         (now < 0 || ota_store_set_meta (store, OTACTL_CLOCK_NOW_KEY, text, error)) &&
         ota_transaction_commit (tx, error);
}

static gboolean
refuse_real_clock (GError **error)
{
  ota_error_set_field (error, OTA_ERROR_CONFLICT, "clock",
                       _("The clock is real; switch to a manual clock first with “otactl clock manual”"));
  return FALSE;
}

gboolean
otactl_clock_save (Otactl  *ctl,
                   GError **error)
{
  if (ctl->manual_clock == NULL)
    return refuse_real_clock (error);
  return save_clock (ctl, "manual", otactl_clock_now (ctl), error);
}

gboolean
otactl_clock_move_to (Otactl      *ctl,
                      gint64       now_us,
                      const char  *field,
                      GError     **error)
{
  gint64 current;

  if (ctl->manual_clock == NULL)
    return refuse_real_clock (error);

  current = otactl_clock_now (ctl);
  if (now_us < current)
    {
      g_autofree char *shown = otactl_format_time_iso (current);

      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("The clock never goes back: the time must be %s or later"), shown);
      return FALSE;
    }

  /* Saved before the due pass: if that fails, the next command catches up from here. */
  if (!save_clock (ctl, "manual", now_us, error))
    return FALSE;
  ota_manual_clock_set (ctl->manual_clock, now_us);
  return ota_engine_run_due (ctl->engine, error);
}

/* ---- Parsing and formatting times ------------------------------------------ */

static const struct {
  char      unit;
  GTimeSpan span;
} duration_units[] = {
  { 'd', G_TIME_SPAN_DAY },
  { 'h', G_TIME_SPAN_HOUR },
  { 'm', G_TIME_SPAN_MINUTE },
  { 's', G_TIME_SPAN_SECOND },
};

/* Ten years is far beyond every range a rule allows, and far from overflowing. */
#define DURATION_MAX (3650 * G_TIME_SPAN_DAY)

gboolean
otactl_parse_duration (const char  *text,
                       const char  *field,
                       const char  *label,
                       GTimeSpan   *duration,
                       GError     **error)
{
  const char *p = text;
  GTimeSpan total = 0;
  guint next_unit = 0;

  while (*p != '\0')
    {
      guint64 number = 0;
      guint digits = 0, u;

      for (; g_ascii_isdigit (*p) && digits < 10; p++, digits++)
        number = number * 10 + (guint64) (*p - '0');
      for (u = next_unit; u < G_N_ELEMENTS (duration_units) && duration_units[u].unit != *p; u++)
        ;
      if (digits == 0 || u == G_N_ELEMENTS (duration_units) ||
          number > (guint64) (DURATION_MAX / duration_units[u].span))
        break;

      total += (GTimeSpan) number * duration_units[u].span;
      next_unit = u + 1;
      p++;
    }

  if (p == text || *p != '\0' || total <= 0 || total > DURATION_MAX)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s “%s” must be written as whole numbers with the units d, h, m and s, "
                             "largest first, like 90s, 10m, 2h, 1d or 1h30m"), label, text);
      return FALSE;
    }

  *duration = total;
  return TRUE;
}

gboolean
otactl_parse_time (const char  *text,
                   const char  *field,
                   const char  *label,
                   gint64      *usec,
                   GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, local);

  if (time == NULL)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s “%s” must be an ISO 8601 time, like 2026-01-01T08:00:00+08:00 "
                             "or 2026-01-01T00:00:00Z"), label, text);
      return FALSE;
    }

  *usec = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}

char *
otactl_format_duration (GTimeSpan duration)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (duration < 0)
    {
      g_string_append_c (out, '-');
      duration = -duration;
    }
  for (guint u = 0; u < G_N_ELEMENTS (duration_units); u++)
    if (duration >= duration_units[u].span)
      {
        g_string_append_printf (out, "%" G_GINT64_FORMAT "%c",
                                duration / duration_units[u].span, duration_units[u].unit);
        duration %= duration_units[u].span;
      }
  if (out->len == 0 || g_str_equal (out->str, "-"))
    g_string_append (out, "0s");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- otactl clock … -------------------------------------------------------- */

static void
print_clock (Otactl *ctl)
{
  gint64 now = otactl_clock_now (ctl);
  gint64 next = ota_engine_get_next_due (ctl->engine);
  const char *mode = ctl->manual_clock != NULL ? "manual" : "real";
  g_autofree char *iso = otactl_format_time_iso (now);
  g_autofree char *next_iso = next != G_MAXINT64 ? otactl_format_time_iso (next) : NULL;

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, mode);
      json_builder_set_member_name (builder, "now");
      json_builder_add_string_value (builder, iso);
      json_builder_set_member_name (builder, "now_us");
      json_builder_add_int_value (builder, now);
      json_builder_set_member_name (builder, "next_due");
      if (next_iso != NULL)
        json_builder_add_string_value (builder, next_iso);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
    }
  else
    {
      g_autofree char *local = otactl_format_time (now);
      g_autofree char *next_local = next != G_MAXINT64 ? otactl_format_time (next) : NULL;

      otactl_print_field (10, _("Mode:"), "%s\n", mode);
      otactl_print_field (10, _("Time:"), "%s (%s)\n", local, iso);
      if (next_local != NULL)
        otactl_print_field (10, _("Next due:"), "%s (%s)\n", next_local, next_iso);
      else
        otactl_print_field (10, _("Next due:"), "%s\n", _("nothing pending"));
    }
}

static gboolean
clock_show (Otactl  *ctl,
            int      argc,
            char   **argv,
            GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "clock show", NULL,
                               _("Show the clock (real or manual), its time in local time and in "
                                 "ISO 8601 UTC, and when the next thing falls due."), NULL);

  if (!otactl_parse (context, &argc, &argv, 0, 0, error) ||
      otactl_get_engine (ctl, error) == NULL)
    return FALSE;

  print_clock (ctl);
  return TRUE;
}

static gboolean
clock_manual (Otactl  *ctl,
              int      argc,
              char   **argv,
              GError **error)
{
  g_autofree char *at_text = NULL;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Start at this time (default: the current real time)"),
      N_("ISO8601") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "clock manual", NULL,
                               _("Run this database on a manual clock: time stands still between "
                                 "commands and moves only with “clock advance” and “clock set”. "
                                 "Once manual, the clock never goes back."), entries);
  gint64 at = 0;

  if (!otactl_parse (context, &argc, &argv, 0, 0, error) ||
      (at_text != NULL && !otactl_parse_time (at_text, "time", C_("point in time", "Time"), &at, error)) ||
      otactl_get_engine (ctl, error) == NULL)
    return FALSE;

  if (ctl->manual_clock != NULL)
    {
      /* Already manual: --at moves it like "clock set"; without it nothing changes. */
      if (at_text != NULL && !otactl_clock_move_to (ctl, at, "time", error))
        return FALSE;
    }
  else
    {
      /* Whole seconds: the times a script then reads are round. */
      if (at_text == NULL)
        at = otactl_clock_now (ctl) / G_USEC_PER_SEC * G_USEC_PER_SEC;
      if (!save_clock (ctl, "manual", at, error))
        return FALSE;
      ctl->manual_clock = ota_manual_clock_new (at);
      ota_engine_set_clock (ctl->engine, OTA_CLOCK (ctl->manual_clock));
      if (!ota_engine_run_due (ctl->engine, error))
        return FALSE;
    }

  print_clock (ctl);
  return TRUE;
}

static gboolean
clock_real (Otactl  *ctl,
            int      argc,
            char   **argv,
            GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "clock real", NULL,
                               _("Run this database on the real clock again (the default)."), NULL);
  g_autoptr(OtaClock) real = NULL;

  if (!otactl_parse (context, &argc, &argv, 0, 0, error) ||
      otactl_get_engine (ctl, error) == NULL ||
      !save_clock (ctl, "real", -1, error))
    return FALSE;

  real = ota_real_clock_new ();
  ota_engine_set_clock (ctl->engine, real);
  g_clear_object (&ctl->manual_clock);
  if (!ota_engine_run_due (ctl->engine, error))
    return FALSE;

  print_clock (ctl);
  return TRUE;
}

/* A server's clock: moved through the API, which says nothing of where it stands. */
static gboolean
advance_server_clock (Otactl      *ctl,
                      OtaBackend  *backend,
                      GTimeSpan    duration,
                      GError     **error)
{
  g_autofree char *shown = otactl_format_duration (duration);
  g_autofree char *name = ota_backend_dup_name (backend);
  GError *local_error = NULL;

  ota_backend_advance_clock_async (backend, duration, OTACTL_ASYNC (ctl));
  if (!ota_backend_advance_clock_finish (backend, otactl_await (ctl), &local_error))
    {
      /* The same refusal, and exit code, as a local database on the real clock. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          g_clear_error (&local_error);
          ota_error_set_field (error, OTA_ERROR_CONFLICT, "clock",
                               _("The clock of server %s follows real time and cannot be moved"), name);
        }
      else
        g_propagate_error (error, local_error);
      return FALSE;
    }

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "advanced");
      json_builder_add_string_value (builder, shown);
      json_builder_set_member_name (builder, "advanced_us");
      json_builder_add_int_value (builder, duration);
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
    }
  else
    g_print (_("Moved the clock of server %s forward by %s\n"), name, shown);
  return TRUE;
}

static gboolean
clock_advance (Otactl  *ctl,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "clock advance", _("DURATION"),
                               _("Move the manual clock forward, like 90s, 10m, 2h, 1d or 1h30m, "
                                 "and handle everything that falls due meanwhile, in order. With "
                                 "--server, the server’s clock, if it runs on a manual one."), NULL);
  OtaBackend *backend;
  GTimeSpan duration;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !otactl_parse_duration (argv[1], "duration", _("Duration"), &duration, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;

  if (otactl_is_remote (ctl))
    return advance_server_clock (ctl, backend, duration, error);

  if (ctl->manual_clock == NULL)
    return refuse_real_clock (error);
  /* Saved before the due pass, as otactl_clock_move_to() does; the backend then moves
   * the engine's manual clock (this very one) and handles what fell due. */
  if (!save_clock (ctl, "manual", otactl_clock_now (ctl) + duration, error))
    return FALSE;
  ota_backend_advance_clock_async (backend, duration, OTACTL_ASYNC (ctl));
  if (!ota_backend_advance_clock_finish (backend, otactl_await (ctl), error))
    return FALSE;

  print_clock (ctl);
  return TRUE;
}

static gboolean
clock_set (Otactl  *ctl,
           int      argc,
           char   **argv,
           GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "clock set", _("ISO8601"),
                               _("Move the manual clock forward to a time, and handle everything "
                                 "that falls due meanwhile, in order. It never goes back."), NULL);
  gint64 at;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !otactl_parse_time (argv[1], "time", C_("point in time", "Time"), &at, error) ||
      otactl_get_engine (ctl, error) == NULL ||
      !otactl_clock_move_to (ctl, at, "time", error))
    return FALSE;

  print_clock (ctl);
  return TRUE;
}

static const OtactlCommand clock_commands[] = {
  { "show", clock_show, N_("Show the clock") },
  { "manual", clock_manual, N_("Switch to a manual clock") },
  { "real", clock_real, N_("Switch back to the real clock") },
  { "advance", clock_advance, N_("Move the manual clock forward by a duration") },
  { "set", clock_set, N_("Move the manual clock forward to a time") },
  { NULL }
};

gboolean
otactl_clock_run (Otactl  *ctl,
                  int      argc,
                  char   **argv,
                  GError **error)
{
  return otactl_dispatch (ctl, "otactl clock", clock_commands, argc, argv, error);
}
