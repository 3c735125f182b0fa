/* ota-server-scheduler.c — runs the engine's due work (pushes within the rate,
 * retries, timeouts, scheduled starts and window ends) when it falls due
 *
 * Reading the next due time and running what is due both take the store's lock, which
 * a long import may hold for a while, so both happen on a worker thread; the main loop
 * only keeps a timeout for the next due time. Any write through the API, a device
 * event, or a jump of the engine's clock looks again.
 */
#include "ota-server-private.h"

/* Looks again at least this often, in case the wall clock was set forward. */
#define MAX_WAIT_MS (60 * 60 * 1000)

static void start_run (OtaServer *self);

static gboolean
on_due (gpointer user_data)
{
  OtaServer *self = user_data;

  g_clear_pointer (&self->due_source, g_source_unref);
  start_run (self);
  return G_SOURCE_REMOVE;
}

static void
due_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  OtaEngine *engine = task_data;
  g_autoptr(GError) error = NULL;
  gint64 next = ota_engine_get_next_due (engine);

  if (next <= ota_clock_get_now (ota_engine_get_clock (engine)))
    {
      if (!ota_engine_run_due (engine, &error))
        {
          /* Tried again in a second rather than in a busy loop. */
          g_warning ("Running the due work failed: %s", error->message);
          g_task_return_int (task, ota_clock_get_now (ota_engine_get_clock (engine)) + G_USEC_PER_SEC);
          return;
        }
      next = ota_engine_get_next_due (engine);
    }

  g_task_return_int (task, next);
}

static void
due_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(OtaServer) self = user_data;
  gint64 next = g_task_propagate_int (G_TASK (result), NULL);
  gint64 wait_us;
  guint wait_ms;

  self->due_running = FALSE;
  if (self->engine == NULL)
    return;
  if (self->due_again)
    {
      self->due_again = FALSE;
      start_run (self);
      return;
    }

  wait_us = next == G_MAXINT64 ? G_MAXINT64
            : next - ota_clock_get_now (ota_engine_get_clock (self->engine));
  wait_ms = wait_us <= 0 ? 0 : (guint) MIN ((wait_us + 999) / 1000, MAX_WAIT_MS);

  self->due_source = g_timeout_source_new (wait_ms);
  g_source_set_callback (self->due_source, on_due, self, NULL);
  g_source_set_static_name (self->due_source, "[ota-server] due work");
  g_source_attach (self->due_source, self->context);
}

static void
start_run (OtaServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->due_source != NULL)
    {
      g_source_destroy (self->due_source);
      g_clear_pointer (&self->due_source, g_source_unref);
    }
  if (self->due_running)
    {
      self->due_again = TRUE;
      return;
    }

  self->due_running = TRUE;
  /* No source object: the server's reference (the callback's user data) keeps the
   * engine alive and is dropped on the main thread, wherever the GTask ends. */
  task = g_task_new (NULL, NULL, due_done, g_object_ref (self));
  g_task_set_task_data (task, self->engine, NULL);
  g_task_run_in_thread (task, due_thread);
}

void
ota_server_scheduler_rearm (OtaServer *self)
{
  if (self->engine != NULL)
    start_run (self);
}

static gboolean
rearm_in_context (gpointer user_data)
{
  ota_server_scheduler_rearm (user_data);
  return G_SOURCE_REMOVE;
}

/* The clock may jump on any thread (a test, a demo advancing a manual clock). */
static void
on_clock_changed (OtaClock  *clock,
                  OtaServer *self)
{
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, rearm_in_context,
                              g_object_ref (self), g_object_unref);
}

void
ota_server_scheduler_start (OtaServer *self)
{
  self->clock_changed_id = g_signal_connect (ota_engine_get_clock (self->engine), "changed",
                                             G_CALLBACK (on_clock_changed), self);
  start_run (self);
}

void
ota_server_scheduler_stop (OtaServer *self)
{
  if (self->clock_changed_id != 0 && self->engine != NULL)
    g_clear_signal_handler (&self->clock_changed_id, ota_engine_get_clock (self->engine));
  if (self->due_source != NULL)
    {
      g_source_destroy (self->due_source);
      g_clear_pointer (&self->due_source, g_source_unref);
    }
}
