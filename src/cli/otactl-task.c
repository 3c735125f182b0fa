/* otactl-task.c — "otactl task …" and "otactl failures" (R-D2, R-D3, R-S1..R-S7, R-B17) */
#include "otactl-private.h"

static const char * const sort_nicks[] = { "device", "status", "updated", "progress", NULL };

typedef struct {
  char     *status;
  char     *search;
  char     *sort;
  gboolean  descending;
  int       offset;
  int       limit;
} ListOptions;

static void
list_options_clear (ListOptions *o)
{
  g_free (o->status);
  g_free (o->search);
  g_free (o->sort);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListOptions, list_options_clear)

static gboolean
build_query (ListOptions   *o,
             OtaTaskQuery  *query,
             GError       **error)
{
  if (o->status != NULL)
    {
      int status;

      if (!otactl_parse_enum (OTA_TYPE_TASK_STATUS, "status", o->status, &status, error))
        return FALSE;
      query->status = status;
    }

  if (o->sort != NULL)
    {
      guint i;

      for (i = 0; sort_nicks[i] != NULL && !g_str_equal (sort_nicks[i], o->sort); i++)
        ;
      if (sort_nicks[i] == NULL)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "sort",
                               _("Sort must be one of device, status, updated, progress; not “%s”"),
                               o->sort);
          return FALSE;
        }
      query->sort = (OtaTaskSort) i;
    }

  if (o->offset < 0 || o->limit < 0)
    return otactl_usage_error (error, _("--offset and --limit must not be negative"));

  query->search = o->search;
  query->descending = o->descending;
  query->offset = o->offset;
  query->limit = o->limit;
  return TRUE;
}

/* "25 of 25 tasks", "10 of 25 tasks, from number 11". */
static void
print_shown (guint   shown,
             guint   offset,
             guint64 total)
{
  if (offset > 0)
    g_print (_("%u of %llu tasks, from number %u\n"), shown, (unsigned long long) total, offset + 1);
  else
    g_print (_("%u of %llu tasks\n"), shown, (unsigned long long) total);
}

static void
print_tasks_json (GPtrArray          *tasks,
                  const OtaTaskQuery *query,
                  guint64             total,
                  GArray             *groups)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (groups != NULL)
    {
      json_builder_set_member_name (builder, "reasons");
      json_builder_begin_array (builder);
      for (guint i = 0; i < groups->len; i++)
        {
          OtaFailureGroup *group = &g_array_index (groups, OtaFailureGroup, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, ota_enum_to_nick (OTA_TYPE_TASK_REASON, group->reason));
          json_builder_set_member_name (builder, "count");
          json_builder_add_int_value (builder, (gint64) group->count);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, (gint64) total);
  json_builder_set_member_name (builder, "offset");
  json_builder_add_int_value (builder, query->offset);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, query->limit);
  json_builder_set_member_name (builder, "tasks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < tasks->len; i++)
    json_builder_add_value (builder, otactl_task_to_json (g_ptr_array_index (tasks, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  otactl_print_json (json_builder_get_root (builder));
}

static void
print_tasks_text (GPtrArray *tasks)
{
  g_autoptr(OtactlTable) table =
    otactl_table_new (8, _("ID"), _("DEVICE"), _("STATUS"), _("PROGRESS"), _("SOURCE"), _("CURRENT"),
                      _("TRIES"), _("LAST CHANGE"));

  for (guint i = 0; i < tasks->len; i++)
    {
      OtaTask *task = g_ptr_array_index (tasks, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ota_task_get_id (task));
      g_autofree char *status = otactl_task_describe_status (task);
      g_autofree char *progress = g_strdup_printf ("%u%%", ota_task_get_progress (task));
      g_autofree char *tries = g_strdup_printf ("%u", ota_task_get_tries (task));
      g_autofree char *updated = otactl_format_time (ota_task_get_updated_at (task));
      const char *source = ota_task_get_source_version (task);
      const char *current = ota_task_get_current_version (task);

      otactl_table_add_row (table, id, ota_task_get_device_name (task), status, progress,
                            source != NULL ? source : "", current != NULL ? current : "", tries, updated);
    }
  otactl_table_print (table);
}

static gboolean
task_list (Otactl  *ctl,
           int      argc,
           char   **argv,
           GError **error)
{
  g_auto(ListOptions) o = { .limit = 50 };
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &o.status,
      N_("Only tasks in this status: pending-confirm, pending-push, pushed, upgrading, succeeded, "
         "failed or cancelled"), N_("STATUS") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &o.search, N_("Part of the device name"), N_("TEXT") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &o.sort, N_("Sort by device, status, updated or progress"),
      /* Translated here, with a context: "KEY" alone is a product key. */
      C_("sort key", "KEY") },
    { "desc", 0, 0, G_OPTION_ARG_NONE, &o.descending, N_("Sort in descending order"), NULL },
    { "offset", 0, 0, G_OPTION_ARG_INT, &o.offset, N_("Skip the first N matches"), N_("N") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &o.limit, N_("Show at most N tasks (0: all; default 50)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "task list", _("BATCH_ID"),
                               _("List a batch’s device tasks: status (with why a task waits to be "
                                 "pushed, or when it is scheduled), progress, source and current "
                                 "version, tries and last change."), entries);
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  g_autoptr(GPtrArray) tasks = NULL;
  guint64 total = 0;
  OtaBackend *backend;
  gint64 batch_id;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !otactl_parse_id (argv[1], "batch", _("Batch ID"), &batch_id, error) ||
      !build_query (&o, &query, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_query_tasks_async (backend, batch_id, &query, OTACTL_ASYNC (ctl));
  if ((tasks = ota_backend_query_tasks_finish (backend, otactl_await (ctl), &total, error)) == NULL)
    return FALSE;

  if (ctl->json)
    print_tasks_json (tasks, &query, total, NULL);
  else
    {
      print_tasks_text (tasks);
      print_shown (tasks->len, query.offset, total);
    }
  return TRUE;
}

static gboolean
task_cancel (Otactl  *ctl,
             int      argc,
             char   **argv,
             GError **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "task cancel", _("TASK_ID"),
                               _("Cancel one device’s task (the ID is in “task list”)."), NULL);
  g_autoptr(OtaTask) task = NULL;
  OtaBackend *backend;
  gint64 id;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !otactl_parse_id (argv[1], "task", _("Task ID"), &id, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_cancel_task_async (backend, id, OTACTL_ASYNC (ctl));
  if ((task = ota_backend_cancel_task_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;

  if (ctl->json)
    otactl_print_json (otactl_task_to_json (task));
  else
    {
      g_autofree char *status = otactl_task_describe_status (task);

      g_print (_("Task %lld of device %s: %s\n"), (long long) id, ota_task_get_device_name (task), status);
    }
  return TRUE;
}

static const OtactlCommand task_commands[] = {
  { "list", task_list, N_("List, filter and sort a batch’s tasks") },
  { "cancel", task_cancel, N_("Cancel one device’s task") },
  { NULL }
};

gboolean
otactl_task_run (Otactl  *ctl,
                 int      argc,
                 char   **argv,
                 GError **error)
{
  return otactl_dispatch (ctl, "otactl task", task_commands, argc, argv, error);
}

/* ---- otactl failures ------------------------------------------------------- */

static void
print_failures_text (GArray    *groups,
                     GPtrArray *tasks)
{
  g_autoptr(OtactlTable) reasons = otactl_table_new (2, _("REASON"), _("DEVICES"));
  g_autoptr(OtactlTable) devices =
    otactl_table_new (5, _("DEVICE"), _("REASON"), _("CODE"), _("TRIES"), _("DESCRIPTION"));

  if (groups->len == 0)
    {
      g_print (_("No device failed\n"));
      return;
    }

  for (guint i = 0; i < groups->len; i++)
    {
      OtaFailureGroup *group = &g_array_index (groups, OtaFailureGroup, i);
      g_autofree char *count = g_strdup_printf ("%llu", (unsigned long long) group->count);

      otactl_table_add_row (reasons, ota_enum_to_nick (OTA_TYPE_TASK_REASON, group->reason), count);
    }
  otactl_table_print (reasons);
  g_print ("\n");

  for (guint i = 0; i < tasks->len; i++)
    {
      OtaTask *task = g_ptr_array_index (tasks, i);
      int code = ota_task_get_error_code (task);
      g_autofree char *code_text = code != 0 ? g_strdup_printf ("%d", code) : g_strdup ("");
      g_autofree char *tries = g_strdup_printf ("%u", ota_task_get_tries (task));
      const char *detail = ota_task_get_detail (task);

      otactl_table_add_row (devices, ota_task_get_device_name (task),
                            ota_enum_to_nick (OTA_TYPE_TASK_REASON, ota_task_get_reason (task)),
                            code_text, tries, detail != NULL ? detail : "");
    }
  otactl_table_print (devices);
}

gboolean
otactl_failures_run (Otactl  *ctl,
                     int      argc,
                     char   **argv,
                     GError **error)
{
  g_auto(ListOptions) o = { .limit = 50 };
  const GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &o.search, N_("Part of the device name"), N_("TEXT") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &o.offset, N_("Skip the first N failed devices"), N_("N") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &o.limit, N_("Show at most N failed devices (0: all; default 50)"),
      N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "failures", _("BATCH_ID"),
                               _("Show why a batch’s devices failed: the reasons with their counts, "
                                 "then each failed device with its reason, the device’s error code "
                                 "and its own description."), entries);
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  g_autoptr(GArray) groups = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  guint64 total = 0;
  OtaBackend *backend;
  gint64 batch_id;

  if (!otactl_parse (context, &argc, &argv, 1, 1, error) ||
      !otactl_parse_id (argv[1], "batch", _("Batch ID"), &batch_id, error) ||
      !build_query (&o, &query, error) ||
      (backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;

  query.status = OTA_TASK_STATUS_FAILED;
  ota_backend_count_failures_async (backend, batch_id, OTACTL_ASYNC (ctl));
  if ((groups = ota_backend_count_failures_finish (backend, otactl_await (ctl), error)) == NULL)
    return FALSE;
  ota_backend_query_tasks_async (backend, batch_id, &query, OTACTL_ASYNC (ctl));
  if ((tasks = ota_backend_query_tasks_finish (backend, otactl_await (ctl), &total, error)) == NULL)
    return FALSE;

  if (ctl->json)
    print_tasks_json (tasks, &query, total, groups);
  else
    {
      print_failures_text (groups, tasks);
      if (total > 0)
        print_shown (tasks->len, query.offset, total);
    }
  return TRUE;
}
