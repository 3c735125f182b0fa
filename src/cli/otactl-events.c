/* otactl-events.c — "otactl device online|offline|report|progress|confirm|decline"
 *
 * Plays a device (or the user's app) by hand (R-E1..R-E5): each command hands one event
 * to the backend (the engine, or a server), exactly as the device server would, then
 * shows the device's task.
 */
#include <string.h>

#include "otactl-private.h"

/* GOption reads "-2" as an unknown short option, and keeps a "--" it stopped at among
 * the arguments. Progress steps -1..-4 must work as plain arguments ("device progress
 * plug dev-1 -2"), so before parsing, negative numbers that are not an option's value,
 * and everything after "--", are hidden behind this mark; afterwards it is taken off. */
#define ARG_MARK "\x01"

static gboolean
is_negative_number (const char *arg)
{
  return arg[0] == '-' && g_ascii_isdigit (arg[1]) && strspn (arg + 1, "0123456789") == strlen (arg + 1);
}

static gboolean
parse_event_args (GOptionContext   *context,
                  int              *argc,
                  char           ***argv,
                  int               n_args,
                  GPtrArray        *marked,
                  GError          **error)
{
  char **args = *argv;
  gboolean rest = FALSE;

  for (int i = 1; i < *argc; i++)
    {
      if (!rest && g_str_equal (args[i], "--"))
        {
          memmove (&args[i], &args[i + 1], (*argc - i) * sizeof (char *));   /* with the NULL */
          (*argc)--;
          i--;
          rest = TRUE;
          continue;
        }
      if (!rest && (g_str_equal (args[i], "--module") || g_str_equal (args[i], "--desc") ||
                    g_str_equal (args[i], "--db")))
        {
          i++;   /* its value, whatever it looks like */
          continue;
        }
      if (rest || is_negative_number (args[i]))
        {
          char *mark = g_strconcat (ARG_MARK, args[i], NULL);

          g_ptr_array_add (marked, mark);
          args[i] = mark;
        }
    }

  if (!otactl_parse (context, argc, argv, n_args, n_args, error))
    return FALSE;

  for (int i = 1; i < *argc; i++)
    if (g_str_has_prefix ((*argv)[i], ARG_MARK))
      (*argv)[i] += strlen (ARG_MARK);
  return TRUE;
}

static gboolean
task_is_open (OtaTask *task)
{
  switch (ota_task_get_status (task))
    {
    case OTA_TASK_STATUS_PENDING_CONFIRM:
    case OTA_TASK_STATUS_PENDING_PUSH:
    case OTA_TASK_STATUS_PUSHED:
    case OTA_TASK_STATUS_UPGRADING:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The choice of ota_backend_get_device_task() made with older calls, for a server
 * from before GET …/devices/{name}/task: the device's tasks are in the batches of its
 * product's firmwares. */
static OtaTask *
find_device_task_walking (Otactl      *ctl,
                          OtaBackend  *backend,
                          const char  *product_key,
                          const char  *device_name,
                          GError     **error)
{
  g_autoptr(GPtrArray) firmwares = NULL;
  g_autoptr(OtaTask) best = NULL;
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;

  ota_backend_list_firmwares_async (backend, product_key, OTACTL_ASYNC (ctl));
  if ((firmwares = ota_backend_list_firmwares_finish (backend, otactl_await (ctl), error)) == NULL)
    return NULL;

  query.search = device_name;
  for (guint f = 0; f < firmwares->len; f++)
    {
      g_autoptr(GPtrArray) batches = NULL;

      ota_backend_list_batches_async (backend, ota_firmware_get_id (g_ptr_array_index (firmwares, f)),
                                      OTACTL_ASYNC (ctl));
      if ((batches = ota_backend_list_batches_finish (backend, otactl_await (ctl), error)) == NULL)
        return NULL;

      for (guint b = 0; b < batches->len; b++)
        {
          g_autoptr(GPtrArray) tasks = NULL;

          ota_backend_query_tasks_async (backend, ota_batch_get_id (g_ptr_array_index (batches, b)), &query,
                                         OTACTL_ASYNC (ctl));
          if ((tasks = ota_backend_query_tasks_finish (backend, otactl_await (ctl), NULL, error)) == NULL)
            return NULL;

          for (guint t = 0; t < tasks->len; t++)
            {
              OtaTask *task = g_ptr_array_index (tasks, t);

              /* The search matches parts of names: only this very device counts. */
              if (!g_str_equal (ota_task_get_device_name (task), device_name))
                continue;
              if (best == NULL ||
                  task_is_open (task) > task_is_open (best) ||
                  (task_is_open (task) == task_is_open (best) &&
                   (ota_task_get_updated_at (task) > ota_task_get_updated_at (best) ||
                    (ota_task_get_updated_at (task) == ota_task_get_updated_at (best) &&
                     ota_task_get_id (task) > ota_task_get_id (best)))))
                g_set_object (&best, task);
            }
        }
    }

  return g_steal_pointer (&best);
}

static gboolean
apply_and_show (Otactl          *ctl,
                OtaDeviceEvent  *event,
                GError         **error)
{
  g_autoptr(OtaTask) task = NULL;
  g_autoptr(GError) local_error = NULL;
  OtaBackend *backend;

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_apply_device_event_async (backend, event, OTACTL_ASYNC (ctl));
  if (!ota_backend_apply_device_event_finish (backend, otactl_await (ctl), error))
    return FALSE;

  ota_backend_get_device_task_async (backend, event->product_key, event->device_name, OTACTL_ASYNC (ctl));
  task = ota_backend_get_device_task_finish (backend, otactl_await (ctl), &local_error);
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_clear_error (&local_error);
      task = find_device_task_walking (ctl, backend, event->product_key, event->device_name, &local_error);
    }
  /* A device that never had a task is no error here: it is said in words. */
  if (g_error_matches (local_error, OTA_ERROR, OTA_ERROR_NOT_FOUND) &&
      g_strcmp0 (ota_error_get_field (local_error), "task") == 0)
    g_clear_error (&local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "product");
      json_builder_add_string_value (builder, event->product_key);
      json_builder_set_member_name (builder, "device");
      json_builder_add_string_value (builder, event->device_name);
      json_builder_set_member_name (builder, "task");
      if (task != NULL)
        json_builder_add_value (builder, otactl_task_to_json (task));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
    }
  else if (task != NULL)
    {
      g_autofree char *status = otactl_task_describe_status (task);

      g_print (_("%s: task %lld of batch %lld: %s, progress %u%%, tries %u\n"), event->device_name,
               (long long) ota_task_get_id (task), (long long) ota_task_get_batch_id (task), status,
               ota_task_get_progress (task), ota_task_get_tries (task));
    }
  else
    g_print (_("%s: no upgrade task\n"), event->device_name);
  return TRUE;
}

/* online, offline, confirm, decline: PRODUCT DEVICE and nothing else. */
static gboolean
simple_event (Otactl              *ctl,
              int                  argc,
              char               **argv,
              OtaDeviceEventKind   kind,
              const char          *command,
              const char          *summary,
              GError             **error)
{
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, command, _("PRODUCT DEVICE"), summary, NULL);
  g_autoptr(GPtrArray) marked = g_ptr_array_new_with_free_func (g_free);
  OtaDeviceEvent event = { .kind = kind };

  if (!parse_event_args (context, &argc, &argv, 2, marked, error))
    return FALSE;

  event.product_key = argv[1];
  event.device_name = argv[2];
  return apply_and_show (ctl, &event, error);
}

gboolean
otactl_device_online (Otactl  *ctl,
                      int      argc,
                      char   **argv,
                      GError **error)
{
  return simple_event (ctl, argc, argv, OTA_DEVICE_EVENT_ONLINE, "device online",
                       _("The device connects: a task waiting for it is pushed within the rate."), error);
}

gboolean
otactl_device_offline (Otactl  *ctl,
                       int      argc,
                       char   **argv,
                       GError **error)
{
  return simple_event (ctl, argc, argv, OTA_DEVICE_EVENT_OFFLINE, "device offline",
                       _("The device disconnects: a task waiting to be pushed waits for it."), error);
}

gboolean
otactl_device_confirm (Otactl  *ctl,
                       int      argc,
                       char   **argv,
                       GError **error)
{
  return simple_event (ctl, argc, argv, OTA_DEVICE_EVENT_CONFIRM, "device confirm",
                       _("The user’s app confirms the upgrade waiting in pending-confirm."), error);
}

gboolean
otactl_device_decline (Otactl  *ctl,
                       int      argc,
                       char   **argv,
                       GError **error)
{
  return simple_event (ctl, argc, argv, OTA_DEVICE_EVENT_DECLINE, "device decline",
                       _("The user’s app declines the upgrade: the task is cancelled (declined)."), error);
}

gboolean
otactl_device_report (Otactl  *ctl,
                      int      argc,
                      char   **argv,
                      GError **error)
{
  g_autofree char *module = NULL;
  const GOptionEntry entries[] = {
    { "module", 0, 0, G_OPTION_ARG_STRING, &module, N_("Module (default: default)"), N_("MODULE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "device report", _("PRODUCT DEVICE VERSION"),
                               _("The device reports the version it runs for a module. The "
                                 "firmware’s version ends its task as succeeded."), entries);
  g_autoptr(GPtrArray) marked = g_ptr_array_new_with_free_func (g_free);
  OtaDeviceEvent event = { .kind = OTA_DEVICE_EVENT_VERSION };

  if (!parse_event_args (context, &argc, &argv, 3, marked, error))
    return FALSE;

  event.product_key = argv[1];
  event.device_name = argv[2];
  event.version = argv[3];
  event.module = module;
  return apply_and_show (ctl, &event, error);
}

gboolean
otactl_device_progress (Otactl  *ctl,
                        int      argc,
                        char   **argv,
                        GError **error)
{
  g_autofree char *module = NULL, *description = NULL;
  const GOptionEntry entries[] = {
    { "module", 0, 0, G_OPTION_ARG_STRING, &module, N_("Module (default: default)"), N_("MODULE") },
    { "desc", 0, 0, G_OPTION_ARG_STRING, &description, N_("The device’s own description of a failure"),
      N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "device progress", _("PRODUCT DEVICE STEP"),
                               _("The device reports upgrade progress: STEP 0 to 100, or a device "
                                 "error -1 (upgrade failed), -2 (download failed), -3 (verification "
                                 "failed), -4 (flash failed)."), entries);
  g_autoptr(GPtrArray) marked = g_ptr_array_new_with_free_func (g_free);
  OtaDeviceEvent event = { .kind = OTA_DEVICE_EVENT_PROGRESS };
  gint64 step;

  if (!parse_event_args (context, &argc, &argv, 3, marked, error))
    return FALSE;

  if (!g_ascii_string_to_signed (argv[3], 10, -4, 100, &step, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "step",
                           _("Progress step must be between 0 and 100, or -1 to -4 for a device "
                             "error, not “%s”"), argv[3]);
      return FALSE;
    }

  event.product_key = argv[1];
  event.device_name = argv[2];
  event.step = (int) step;
  event.module = module;
  event.description = description;
  return apply_and_show (ctl, &event, error);
}
