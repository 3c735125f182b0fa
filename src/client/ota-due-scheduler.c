/* ota-due-scheduler.c — the engine's due work, run on a worker when it falls due */
#include "ota-due-scheduler.h"

/* Looks again at least this often, in case the wall clock was set forward. */
#define MAX_WAIT_MS (60 * 60 * 1000)
/* The same failure of the due work is logged again at most this often: it is retried
 * every second, and a full disk would otherwise fill the journal too. */
#define REPEAT_WARNING_US (60 * G_USEC_PER_SEC)

struct _OtaDueScheduler
{
  GObject      *owner;              /* (unowned): it owns us */
  OtaEngine    *engine;
  GMainContext *context;
  GThread      *thread;             /* where the scheduler is used: its context's */
  const char   *log_domain;

  gboolean      started;
  gulong        clock_changed_id;
  GSource      *due_source;
  gboolean      running;
  gboolean      again;

  /* Held by whoever runs the engine's due work (a worker of ours, or the owner's own
   * run_due on its worker): two runs at once would race for the same due tasks. */
  GMutex        run_lock;
  char         *warned;             /* (under run_lock) the failure logged last */
  gint64        warned_at;          /* monotonic µs */
};

OtaDueScheduler *
ota_due_scheduler_new (GObject      *owner,
                       OtaEngine    *engine,
                       GMainContext *context,
                       const char   *log_domain)
{
  OtaDueScheduler *self = g_new0 (OtaDueScheduler, 1);

  self->owner = owner;
  self->engine = g_object_ref (engine);
  self->context = g_main_context_ref (context);
  self->thread = g_thread_self ();
  self->log_domain = log_domain;
  g_mutex_init (&self->run_lock);
  return self;
}

void
ota_due_scheduler_free (OtaDueScheduler *self)
{
  ota_due_scheduler_stop (self);
  g_mutex_clear (&self->run_lock);
  g_free (self->warned);
  g_object_unref (self->engine);
  g_main_context_unref (self->context);
  g_free (self);
}

static void start_run (OtaDueScheduler *self);

static gboolean
on_due (gpointer user_data)
{
  OtaDueScheduler *self = user_data;

  g_clear_pointer (&self->due_source, g_source_unref);
  start_run (self);
  return G_SOURCE_REMOVE;
}

/* Under run_lock: a warning for a failure not logged in the last minute, a debug
 * message for one that was (it comes back every second while it lasts). */
static void
report_failure (OtaDueScheduler *self,
                const GError    *error)
{
  gint64 now = g_get_monotonic_time ();

  if (g_strcmp0 (self->warned, error->message) == 0 && now - self->warned_at < REPEAT_WARNING_US)
    {
      g_log (self->log_domain, G_LOG_LEVEL_DEBUG, "Running the due work failed again: %s",
             error->message);
      return;
    }

  g_free (self->warned);
  self->warned = g_strdup (error->message);
  self->warned_at = now;
  g_log (self->log_domain, G_LOG_LEVEL_WARNING, "Running the due work failed: %s", error->message);
}

static void
due_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  OtaDueScheduler *self = task_data;
  OtaClock *clock = ota_engine_get_clock (self->engine);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->run_lock);
  gint64 next = ota_engine_get_next_due (self->engine);

  if (next <= ota_clock_get_now (clock))
    {
      if (!ota_engine_run_due (self->engine, &error))
        {
          /* Tried again in a second rather than in a busy loop. */
          report_failure (self, error);
          g_task_return_int (task, ota_clock_get_now (clock) + G_USEC_PER_SEC);
          return;
        }
      g_clear_pointer (&self->warned, g_free);
      next = ota_engine_get_next_due (self->engine);
    }

  g_task_return_int (task, next);
}

gboolean
ota_due_scheduler_run_due (OtaDueScheduler  *self,
                           GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  locker = g_mutex_locker_new (&self->run_lock);
  return ota_engine_run_due (self->engine, error);
}

static void
due_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  OtaDueScheduler *self = user_data;
  /* The run's reference, dropped last: the owner frees the scheduler when it goes. */
  g_autoptr(GObject) owner = self->owner;
  gint64 next = g_task_propagate_int (G_TASK (result), NULL);
  gint64 wait_us;
  guint wait_ms;

  self->running = FALSE;
  if (!self->started)
    return;
  if (self->again)
    {
      self->again = FALSE;
      start_run (self);
      return;
    }

  wait_us = next == G_MAXINT64 ? G_MAXINT64
            : next - ota_clock_get_now (ota_engine_get_clock (self->engine));
  wait_ms = wait_us <= 0 ? 0 : (guint) MIN ((wait_us + 999) / 1000, MAX_WAIT_MS);

  self->due_source = g_timeout_source_new (wait_ms);
  g_source_set_callback (self->due_source, on_due, self, NULL);
  g_source_set_static_name (self->due_source, "[ota] due work");
  g_source_attach (self->due_source, self->context);
}

static void
start_run (OtaDueScheduler *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->due_source != NULL)
    {
      g_source_destroy (self->due_source);
      g_clear_pointer (&self->due_source, g_source_unref);
    }
  if (!self->started)
    return;
  if (self->running)
    {
      self->again = TRUE;
      return;
    }

  self->running = TRUE;
  /* No source object: the owner's reference (released in due_done()) keeps it and the
   * engine until the run is over, and is dropped on the main context. */
  g_object_ref (self->owner);
  task = g_task_new (NULL, NULL, due_done, self);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, self, NULL);
  g_task_run_in_thread (task, due_thread);
}

static gboolean
rearm_in_context (gpointer user_data)
{
  ota_due_scheduler_rearm (user_data);
  return G_SOURCE_REMOVE;
}

static void
release_owner (gpointer user_data)
{
  OtaDueScheduler *self = user_data;

  g_object_unref (self->owner);
}

/* The clock may jump on any thread (a test or a demo advancing a manual clock). On
 * another thread, an explicit source, not g_main_context_invoke(): that runs the rearm
 * right there whenever the context happens to be free, and the scheduler's state
 * belongs to its own thread. */
static void
on_clock_changed (OtaClock        *clock,
                  OtaDueScheduler *self)
{
  g_autoptr(GSource) source = NULL;

  /* Looked at at once, as a write does: the jump's work is running when it returns. */
  if (g_thread_self () == self->thread)
    {
      start_run (self);
      return;
    }

  source = g_idle_source_new ();
  g_object_ref (self->owner);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, rearm_in_context, self, release_owner);
  g_source_set_static_name (source, "[ota] clock changed");
  g_source_attach (source, self->context);
}

void
ota_due_scheduler_start (OtaDueScheduler *self)
{
  g_return_if_fail (self != NULL);

  if (self->started)
    return;

  self->started = TRUE;
  self->clock_changed_id = g_signal_connect (ota_engine_get_clock (self->engine), "changed",
                                             G_CALLBACK (on_clock_changed), self);
  start_run (self);
}

void
ota_due_scheduler_stop (OtaDueScheduler *self)
{
  g_return_if_fail (self != NULL);

  self->started = FALSE;
  if (self->clock_changed_id != 0)
    g_clear_signal_handler (&self->clock_changed_id, ota_engine_get_clock (self->engine));
  if (self->due_source != NULL)
    {
      g_source_destroy (self->due_source);
      g_clear_pointer (&self->due_source, g_source_unref);
    }
}

void
ota_due_scheduler_rearm (OtaDueScheduler *self)
{
  g_return_if_fail (self != NULL);

  start_run (self);
}

gboolean
ota_due_scheduler_get_busy (OtaDueScheduler *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->running;
}
