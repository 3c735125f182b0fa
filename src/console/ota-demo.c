/* ota-demo.c — preparing the demo database for `ota-console --demo` */
#include "ota-demo.h"

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OtaEngine *engine = source_object;
  g_autofree OtaDemoSummary *summary = g_new0 (OtaDemoSummary, 1);
  g_autoptr(GPtrArray) products = NULL;
  GError *error = NULL;

  products = ota_engine_list_products (engine, &error);
  if (products == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A demo database that holds products was filled by an earlier run: keep what the
   * operator did with it. */
  if (products->len == 0 &&
      !ota_demo_catalogue_fill (engine, OTA_DEMO_DEFAULT_DEVICES, OTA_DEMO_DEFAULT_SEED,
                                cancellable, summary, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&summary), g_free);
}

void
ota_demo_prepare_async (OtaEngine           *engine,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OTA_IS_ENGINE (engine));

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_demo_prepare_async);
  g_task_run_in_thread (task, prepare_thread);
}

gboolean
ota_demo_prepare_finish (OtaEngine       *engine,
                         GAsyncResult    *result,
                         OtaDemoSummary  *summary,
                         GError         **error)
{
  g_autofree OtaDemoSummary *done = NULL;

  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);

  done = g_task_propagate_pointer (G_TASK (result), error);
  if (done == NULL)
    return FALSE;
  if (summary != NULL)
    *summary = *done;
  return TRUE;
}
