/* otactl-rollout.c — "otactl verify" and "otactl batch …" (R-V1..R-V4, R-B1..R-B17)
 *
 * The options are turned into the engine's specs and nothing more: every rule is the
 * engine's, so a value it refuses exits 2 with its message naming the field.
 */
#include <string.h>

#include "otactl-private.h"

/* A whole-number option given as text, so "--rate ten" is refused naming the field
 * (exit 2) like "--rate 9" is. */
static gboolean
parse_number (const char  *text,
              const char  *field,
              const char  *label,
              guint       *value,
              GError     **error)
{
  guint64 number;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &number, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s must be a whole number, not “%s”"), label, text);
      return FALSE;
    }
  *value = (guint) number;
  return TRUE;
}

static gboolean
parse_firmware_id (const char  *text,
                   gint64      *id,
                   GError     **error)
{
  return otactl_parse_id (text, "firmware", _("Firmware ID"), id, error);
}

/* ---- otactl verify -------------------------------------------------------- */

gboolean
otactl_verify_run (Otactl  *ctl,
                   int      argc,
                   char   **argv,
                   GError **error)
{
  g_auto(GStrv) source_options = NULL, device_options = NULL;
  g_autofree char *timeout_text = NULL;
  gboolean app_confirm = FALSE;
  const GOptionEntry entries[] = {
    { "source", 0, 0, G_OPTION_ARG_STRING_ARRAY, &source_options,
      N_("Source versions the devices are on (required)"), N_("V[,V…]") },
    { "device", 0, 0, G_OPTION_ARG_STRING_ARRAY, &device_options,
      N_("The devices to verify on, 1 to 10 (required)"), N_("NAME[,NAME…]") },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &timeout_text,
      N_("Upgrade timeout from the first progress report, 1 to 1440 minutes (default 60)"), N_("MIN") },
    { "app-confirm", 0, 0, G_OPTION_ARG_NONE, &app_confirm, N_("The user’s app asks before upgrading"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "verify", _("FIRMWARE_ID"),
                               _("Verify a firmware on a few devices (at most 10) before any batch "
                                 "upgrade. When every device has ended, the firmware is verified "
                                 "(all succeeded) or verify-failed."), entries);
  g_auto(GStrv) sources = NULL, devices = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  OtaVerifySpec spec = { .timeout_minutes = 60 };
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error))
    return FALSE;
  if (source_options == NULL || device_options == NULL)
    return otactl_usage_error (error, _("--source and --device are required"));
  if (!parse_firmware_id (argv[1], &spec.firmware_id, error) ||
      !parse_number (timeout_text, "timeout", _("Upgrade timeout"), &spec.timeout_minutes, error))
    return FALSE;

  sources = otactl_split_list (source_options);
  devices = otactl_split_list (device_options);
  spec.source_versions = (const char * const *) sources;
  spec.devices = (const char * const *) devices;
  spec.app_confirm = app_confirm;

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_start_verification_async (backend, &spec, OTACTL_ASYNC (ctl));
  if ((batch = ota_backend_start_verification_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_batch_to_json (batch));
  else
    {
      g_print (_("Started verification %lld of firmware %lld on %llu devices\n\n"),
               (long long) ota_batch_get_id (batch), (long long) spec.firmware_id,
               (unsigned long long) ota_batch_get_total (batch));
      otactl_print_batch_text (batch);
    }
  return TRUE;
}

/* ---- otactl batch create --------------------------------------------------- */

typedef struct {
  char     *strategy;
  char     *scope;
  char    **sources;
  char    **devices;
  char    **regions;
  char     *gray;
  gboolean  app_confirm;
  char     *start;
  char     *end;
  char     *rate;
  char     *retry;
  char     *retry_limit;
  char     *timeout;
  gboolean  overwrite;
  gboolean  only_new_reports;
  gboolean  dry_run;
} CreateOptions;

static void
create_options_clear (CreateOptions *o)
{
  g_free (o->strategy);
  g_free (o->scope);
  g_strfreev (o->sources);
  g_strfreev (o->devices);
  g_strfreev (o->regions);
  g_free (o->gray);
  g_free (o->start);
  g_free (o->end);
  g_free (o->rate);
  g_free (o->retry);
  g_free (o->retry_limit);
  g_free (o->timeout);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CreateOptions, create_options_clear)

/* What the spec points into; freed together after the engine call. */
typedef struct {
  GStrv   sources;
  GStrv   devices;
  GStrv   region_texts;
  GArray *regions;
} SpecStorage;

static void
spec_storage_clear (SpecStorage *s)
{
  g_strfreev (s->sources);
  g_strfreev (s->devices);
  g_strfreev (s->region_texts);
  g_clear_pointer (&s->regions, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SpecStorage, spec_storage_clear)

/* The scope follows from the options when --scope is left out. */
static gboolean
resolve_scope (CreateOptions  *o,
               OtaBatchSpec   *spec,
               GError        **error)
{
  int scope;

  if (o->scope != NULL)
    {
      if (!otactl_parse_enum (OTA_TYPE_BATCH_SCOPE, "scope", o->scope, &scope, error))
        return FALSE;
    }
  else
    scope = o->devices != NULL ? OTA_BATCH_SCOPE_TARGETED
          : o->regions != NULL ? OTA_BATCH_SCOPE_REGION
          : o->gray != NULL ? OTA_BATCH_SCOPE_GRAY
          : OTA_BATCH_SCOPE_ALL;

  if ((o->devices != NULL && scope != OTA_BATCH_SCOPE_TARGETED) ||
      (o->regions != NULL && scope != OTA_BATCH_SCOPE_REGION) ||
      (o->gray != NULL && scope != OTA_BATCH_SCOPE_GRAY))
    return otactl_usage_error (error, _("--device goes with --scope targeted, --region with "
                                        "--scope region and --gray with --scope gray"));

  spec->scope = scope;
  return TRUE;
}

/* "浙江省/杭州市,江苏省" → two regions, the second the whole province. */
static void
split_regions (char        **options,
               SpecStorage  *storage,
               OtaBatchSpec *spec)
{
  storage->region_texts = otactl_split_list (options);
  storage->regions = g_array_new (FALSE, TRUE, sizeof (OtaRegion));

  for (guint i = 0; storage->region_texts[i] != NULL; i++)
    {
      char *text = storage->region_texts[i];
      char *slash = strchr (text, '/');
      OtaRegion region = { .province = text, .city = NULL };

      if (slash != NULL)
        {
          *slash = '\0';
          region.city = slash + 1;
        }
      g_array_append_val (storage->regions, region);
    }

  spec->regions = (const OtaRegion *) storage->regions->data;
  spec->n_regions = storage->regions->len;
}

/* "+15m" from @base, or an ISO 8601 time. */
static gboolean
parse_when (const char  *text,
            gint64       base,
            const char  *field,
            const char  *label,
            gint64      *when,
            GError     **error)
{
  GTimeSpan offset;

  if (text[0] != '+')
    return otactl_parse_time (text, field, label, when, error);
  if (!otactl_parse_duration (text + 1, field, label, &offset, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s “%s” must be +DURATION, like +15m, +2h or +1d12h, or an ISO 8601 "
                             "time"), label, text);
      return FALSE;
    }
  *when = base + offset;
  return TRUE;
}

static gboolean
build_batch_spec (Otactl         *ctl,
                  CreateOptions  *o,
                  const char     *firmware_text,
                  SpecStorage    *storage,
                  OtaBatchSpec   *spec,
                  GError        **error)
{
  int strategy = OTA_BATCH_STRATEGY_STATIC, retry = OTA_RETRY_INTERVAL_NONE;
  gint64 now;

  if (!parse_firmware_id (firmware_text, &spec->firmware_id, error) ||
      (o->strategy != NULL &&
       !otactl_parse_enum (OTA_TYPE_BATCH_STRATEGY, "strategy", o->strategy, &strategy, error)) ||
      !resolve_scope (o, spec, error) ||
      (o->retry != NULL &&
       !otactl_parse_enum (OTA_TYPE_RETRY_INTERVAL, "retry-interval", o->retry, &retry, error)) ||
      !parse_number (o->gray, "gray-percent", _("Gray percentage"), &spec->gray_percent, error) ||
      !parse_number (o->rate, "push-rate", _("Push rate"), &spec->push_rate, error) ||
      !parse_number (o->retry_limit, "retry-limit", _("Retry limit"), &spec->retry_limit, error) ||
      !parse_number (o->timeout, "timeout", _("Upgrade timeout"), &spec->timeout_minutes, error))
    return FALSE;

  spec->strategy = strategy;
  spec->retry_interval = retry;
  spec->app_confirm = o->app_confirm;
  spec->overwrite = o->overwrite;
  spec->only_new_reports = o->only_new_reports;

  if (o->sources != NULL)
    {
      storage->sources = otactl_split_list (o->sources);
      spec->source_versions = (const char * const *) storage->sources;
    }
  if (o->devices != NULL)
    {
      storage->devices = otactl_split_list (o->devices);
      spec->devices = (const char * const *) storage->devices;
    }
  if (o->regions != NULL)
    split_regions (o->regions, storage, spec);

  /* Relative times count from the database's clock, which needs the engine open; a
   * server says nothing of its clock, so there they count from this computer's. */
  if (o->start == NULL && o->end == NULL)
    return TRUE;
  if (otactl_is_remote (ctl))
    now = g_get_real_time ();
  else if (otactl_get_engine (ctl, error) != NULL)
    now = otactl_clock_now (ctl);
  else
    return FALSE;
  if (o->start != NULL &&
      !parse_when (o->start, now, "schedule-start", _("Scheduled start"), &spec->schedule_start, error))
    return FALSE;
  if (o->end != NULL && o->end[0] == '+' && spec->schedule_start == 0)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "schedule-end",
                           _("An end time counts from the scheduled start: give --start too"));
      return FALSE;
    }
  return o->end == NULL ||
         parse_when (o->end, spec->schedule_start, "schedule-end", _("Scheduled end"),
                     &spec->schedule_end, error);
}

static void
print_forecast (Otactl                 *ctl,
                const OtaBatchForecast *forecast)
{
  g_autofree char *duration = otactl_format_duration (forecast->push_duration_us);

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "matched");
      json_builder_add_int_value (builder, (gint64) forecast->matched);
      json_builder_set_member_name (builder, "offline");
      json_builder_add_int_value (builder, (gint64) forecast->offline);
      json_builder_set_member_name (builder, "conflicts");
      json_builder_add_int_value (builder, (gint64) forecast->conflicts);
      json_builder_set_member_name (builder, "overwrites");
      json_builder_add_int_value (builder, (gint64) forecast->overwrites);
      json_builder_set_member_name (builder, "push_duration_seconds");
      json_builder_add_int_value (builder, forecast->push_duration_us / G_USEC_PER_SEC);
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
      return;
    }

  g_print (_("Forecast (nothing was created):\n"));
  g_print ("  %-16s %llu\n", _("Devices:"), (unsigned long long) forecast->matched);
  g_print ("  %-16s %llu\n", _("Offline now:"), (unsigned long long) forecast->offline);
  g_print ("  %-16s %llu\n", _("Conflicts:"), (unsigned long long) forecast->conflicts);
  g_print ("  %-16s %llu\n", _("Overwrites:"), (unsigned long long) forecast->overwrites);
  g_print ("  %-16s %s\n", _("Push duration:"), duration);
}

static gboolean
batch_create (Otactl  *ctl,
              int      argc,
              char   **argv,
              GError **error)
{
  g_auto(CreateOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "strategy", 0, 0, G_OPTION_ARG_STRING, &o.strategy, N_("static (default) or dynamic"), N_("STRATEGY") },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &o.scope,
      N_("all, targeted, region or gray (default: from --device, --region, --gray; else all)"), N_("SCOPE") },
    { "source", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sources,
      N_("Source versions (default: the firmware’s own list, without retries)"), N_("V[,V…]") },
    { "device", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.devices, N_("Targeted: the devices"), N_("NAME[,NAME…]") },
    { "region", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.regions,
      N_("Region: provinces, or cities within a province"), N_("PROVINCE[/CITY][,…]") },
    { "gray", 0, 0, G_OPTION_ARG_STRING, &o.gray, N_("Gray: the percentage of matching devices, 1 to 100"),
      N_("PERCENT") },
    { "app-confirm", 0, 0, G_OPTION_ARG_NONE, &o.app_confirm, N_("The user’s app asks before upgrading"), NULL },
    { "start", 0, 0, G_OPTION_ARG_STRING, &o.start,
      N_("Scheduled start, 10 minutes to 7 days from now (default: immediate)"), N_("ISO8601|+DURATION") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &o.end,
      N_("End, 1 hour to 30 days after the start (+DURATION: from the start)"), N_("ISO8601|+DURATION") },
    { "rate", 0, 0, G_OPTION_ARG_STRING, &o.rate, N_("Push rate, 10 to 1000 devices per minute (default 100)"),
      N_("N") },
    { "retry", 0, 0, G_OPTION_ARG_STRING, &o.retry,
      N_("Retry interval: none (default), immediate, 10m, 30m, 1h or 24h"), N_("INTERVAL") },
    { "retry-limit", 0, 0, G_OPTION_ARG_STRING, &o.retry_limit, N_("Retry limit: 1 (default), 2 or 5"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &o.timeout,
      N_("Upgrade timeout from the first progress report, 5 to 1440 minutes (default 60)"), N_("MIN") },
    { "overwrite", 0, 0, G_OPTION_ARG_NONE, &o.overwrite,
      N_("Cancel devices’ unfinished tasks of other batches (never an upgrading one)"), NULL },
    { "only-new-reports", 0, 0, G_OPTION_ARG_NONE, &o.only_new_reports,
      N_("Dynamic: only devices whose version report arrives from now on"), NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &o.dry_run, N_("Only print what the batch would do"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "batch create", _("FIRMWARE_ID"),
                               _("Upgrade a verified firmware’s devices in a batch. Every matching "
                                 "device gets a task; --dry-run prints the forecast instead."), entries);
  g_auto(SpecStorage) storage = { 0 };
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  g_autoptr(OtaBatch) batch = NULL;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !build_batch_spec (ctl, &o, argv[1], &storage, &spec, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;

  if (o.dry_run)
    {
      OtaBatchForecast forecast = { 0 };

      ota_backend_forecast_batch_async (backend, &spec, OTACTL_ASYNC (ctl));
      if (!ota_backend_forecast_batch_finish (backend, otactl_await (ctl), &forecast, error))
        return FALSE;
      print_forecast (ctl, &forecast);
      return TRUE;
    }

  ota_backend_create_batch_async (backend, &spec, OTACTL_ASYNC (ctl));
  if ((batch = ota_backend_create_batch_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  /* A very large batch enrols most of its devices in the due pass: this process ends
   * here, so it runs that pass now and shows the whole batch. The batch exists either
   * way; a failure here is left to the next command's due pass. */
  if (ota_batch_get_enrolling (batch) > 0)
    {
      g_autoptr(GError) local_error = NULL;
      OtaBatch *whole = NULL;

      ota_backend_run_due_async (backend, OTACTL_ASYNC (ctl));
      if (ota_backend_run_due_finish (backend, otactl_await (ctl), &local_error))
        {
          ota_backend_get_batch_async (backend, ota_batch_get_id (batch), OTACTL_ASYNC (ctl));
          whole = ota_backend_get_batch_finish (backend, otactl_await (ctl), &local_error);
        }
      if (whole != NULL)
        {
          g_object_unref (batch);
          batch = whole;
        }
      else
        g_printerr (_("Enrolling the rest of the batch’s devices failed: %s\n"), local_error->message);
    }

  if (ctl->json)
    otactl_print_json (otactl_batch_to_json (batch));
  else
    {
      g_print (_("Created batch %lld with %llu tasks\n\n"), (long long) ota_batch_get_id (batch),
               (unsigned long long) ota_batch_get_total (batch));
      otactl_print_batch_text (batch);
    }
  return TRUE;
}

/* ---- otactl batch list | show | cancel ------------------------------------- */

static gboolean
batch_list (Otactl  *ctl,
            int      argc,
            char   **argv,
            GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "batch list", _("FIRMWARE_ID"),
                               _("List a firmware’s verifications and batch upgrades, newest first, "
                                 "with their progress."), NULL);
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(OtactlTable) table = NULL;
  OtaBackend *backend;
  gint64 firmware_id;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !parse_firmware_id (argv[1], &firmware_id, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_list_batches_async (backend, firmware_id, OTACTL_ASYNC (ctl));
  if ((batches = ota_backend_list_batches_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < batches->len; i++)
        json_array_add_element (array, otactl_batch_to_json (g_ptr_array_index (batches, i)));
      otactl_print_json (json_node_init_array (json_node_alloc (), array));
      return TRUE;
    }

  table = otactl_table_new (9, _("ID"), _("KIND"), _("STRATEGY"), _("SCOPE"), _("STATE"), _("TASKS"),
                            _("SUCCEEDED"), _("FAILED"), _("PROGRESS"));
  for (guint i = 0; i < batches->len; i++)
    {
      OtaBatch *batch = g_ptr_array_index (batches, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ota_batch_get_id (batch));
      g_autofree char *total = g_strdup_printf ("%llu", (unsigned long long) ota_batch_get_total (batch));
      g_autofree char *succeeded =
        g_strdup_printf ("%llu", (unsigned long long) ota_batch_get_count (batch, OTA_TASK_STATUS_SUCCEEDED));
      g_autofree char *failed =
        g_strdup_printf ("%llu", (unsigned long long) ota_batch_get_count (batch, OTA_TASK_STATUS_FAILED));
      g_autofree char *progress = g_strdup_printf ("%d%%", (int) (ota_batch_get_progress (batch) * 100.0 + 0.5));

      otactl_table_add_row (table, id, ota_enum_to_nick (OTA_TYPE_BATCH_KIND, ota_batch_get_kind (batch)),
                            ota_enum_to_nick (OTA_TYPE_BATCH_STRATEGY, ota_batch_get_strategy (batch)),
                            ota_enum_to_nick (OTA_TYPE_BATCH_SCOPE, ota_batch_get_scope (batch)),
                            ota_enum_to_nick (OTA_TYPE_BATCH_STATE, ota_batch_get_state (batch)),
                            total, succeeded, failed, progress);
    }
  otactl_table_print (table);
  return TRUE;
}

/* show and cancel: one batch ID in, the batch out. */
static gboolean
batch_one (Otactl      *ctl,
           int          argc,
           char       **argv,
           gboolean     cancel,
           GError     **error)
{
  g_autoptr(GOptionContext) context =
    cancel ? otactl_option_context_new (ctl, "batch cancel", _("BATCH_ID"),
                                        _("Cancel a batch: every task that has not ended is cancelled; "
                                          "a dynamic batch stops matching devices."), NULL)
           : otactl_option_context_new (ctl, "batch show", _("BATCH_ID"),
                                        _("Show a batch: every option, its state, the number of tasks "
                                          "in each status and the progress."), NULL);
  g_autoptr(OtaBatch) batch = NULL;
  OtaBackend *backend;
  gint64 id;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !otactl_parse_id (argv[1], "batch", _("Batch ID"), &id, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;

  if (cancel)
    {
      ota_backend_cancel_batch_async (backend, id, OTACTL_ASYNC (ctl));
      batch = ota_backend_cancel_batch_finish (backend, otactl_await (ctl), error);
    }
  else
    {
      ota_backend_get_batch_async (backend, id, OTACTL_ASYNC (ctl));
      batch = ota_backend_get_batch_finish (backend, otactl_await (ctl), error);
    }
  if (batch == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_batch_to_json (batch));
  else
    {
      if (cancel)
        g_print (_("Cancelled batch %lld\n\n"), (long long) id);
      otactl_print_batch_text (batch);
    }
  return TRUE;
}

static gboolean
batch_show (Otactl  *ctl,
            int      argc,
            char   **argv,
            GError **error)
{
  return batch_one (ctl, argc, argv, FALSE, error);
}

static gboolean
batch_cancel (Otactl  *ctl,
              int      argc,
              char   **argv,
              GError **error)
{
  return batch_one (ctl, argc, argv, TRUE, error);
}

static const OtactlCommand batch_commands[] = {
  { "create", batch_create, N_("Create a batch upgrade, or forecast one with --dry-run") },
  { "list", batch_list, N_("List a firmware’s verifications and batches") },
  { "show", batch_show, N_("Show a batch with its counts per status") },
  { "cancel", batch_cancel, N_("Cancel a batch") },
  { NULL }
};

gboolean
otactl_batch_run (Otactl  *ctl,
                  int      argc,
                  char   **argv,
                  GError **error)
{
  return otactl_dispatch (ctl, "otactl batch", batch_commands, argc, argv, error);
}
