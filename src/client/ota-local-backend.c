/* ota-local-backend.c — the local backend object, how its operations run, and its
 * scheduler of the engine's due work */
#include <glib/gi18n-lib.h>

#include "ota-local-backend-private.h"

static void ota_local_backend_iface_init (OtaBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaLocalBackend, ota_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_BACKEND, ota_local_backend_iface_init))

enum {
  PROP_0,
  PROP_NAME,
  PROP_SCHEDULER,
  N_PROPS
};

static GParamSpec *scheduler_pspec;

static void
ota_local_backend_dispose (GObject *object)
{
  OtaLocalBackend *self = OTA_LOCAL_BACKEND (object);

  /* A run in flight holds the backend: there is none by now, only the timeout. */
  if (self->due_scheduler != NULL)
    ota_due_scheduler_stop (self->due_scheduler);
  g_clear_signal_handler (&self->batch_changed_id, self->engine);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (ota_local_backend_parent_class)->dispose (object);
}

static void
ota_local_backend_finalize (GObject *object)
{
  OtaLocalBackend *self = OTA_LOCAL_BACKEND (object);

  g_clear_pointer (&self->due_scheduler, ota_due_scheduler_free);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ota_local_backend_parent_class)->finalize (object);
}

static void
ota_local_backend_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OtaLocalBackend *self = OTA_LOCAL_BACKEND (object);

  switch (prop_id)
    {
    case PROP_NAME:
      {
        const char *path = ota_store_get_path (ota_engine_get_store (self->engine));
        g_value_take_string (value, g_filename_display_name (path));
      }
      break;

    case PROP_SCHEDULER:
      g_value_set_boolean (value, self->scheduler);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_local_backend_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OtaLocalBackend *self = OTA_LOCAL_BACKEND (object);

  switch (prop_id)
    {
    case PROP_SCHEDULER:
      ota_local_backend_set_scheduler (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_local_backend_class_init (OtaLocalBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_local_backend_dispose;
  object_class->finalize = ota_local_backend_finalize;
  object_class->get_property = ota_local_backend_get_property;
  object_class->set_property = ota_local_backend_set_property;

  g_object_class_override_property (object_class, PROP_NAME, "name");

  /**
   * OtaLocalBackend:scheduler:
   *
   * Whether the backend runs the engine's due work (pushes within the rate, retries,
   * timeouts, scheduled starts, the enrolment of large batches) when it falls due. On
   * by default unless the engine's clock is manual: whoever moves a manual clock (a
   * demo, a test, otactl's scripted clock) runs the due work itself.
   */
  scheduler_pspec = g_param_spec_boolean ("scheduler", NULL, NULL, FALSE,
                                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, PROP_SCHEDULER, scheduler_pspec);
}

static void
ota_local_backend_init (OtaLocalBackend *self)
{
  self->context = g_main_context_ref_thread_default ();
}

static void
ota_local_backend_iface_init (OtaBackendInterface *iface)
{
  ota_local_backend_init_catalogue (iface);
  ota_local_backend_init_rollout (iface);
}

static void
on_engine_batch_changed (OtaEngine *engine,
                         gint64     batch_id,
                         gpointer   user_data)
{
  ota_backend_emit_batch_changed (OTA_BACKEND (user_data), batch_id);
}

/**
 * ota_local_backend_new:
 * @engine: the engine to run operations on
 *
 * Returns: (transfer full): a backend over @engine
 */
OtaBackend *
ota_local_backend_new (OtaEngine *engine)
{
  OtaLocalBackend *self;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), NULL);

  self = g_object_new (OTA_TYPE_LOCAL_BACKEND, NULL);
  self->engine = g_object_ref (engine);
  self->batch_changed_id = g_signal_connect (engine, "batch-changed",
                                             G_CALLBACK (on_engine_batch_changed), self);
  self->due_scheduler = ota_due_scheduler_new (G_OBJECT (self), engine, self->context, G_LOG_DOMAIN);
  ota_local_backend_set_scheduler (self, !OTA_IS_MANUAL_CLOCK (ota_engine_get_clock (engine)));
  return OTA_BACKEND (self);
}

OtaEngine *
ota_local_backend_get_engine (OtaLocalBackend *self)
{
  g_return_val_if_fail (OTA_IS_LOCAL_BACKEND (self), NULL);
  return self->engine;
}

/* ---- The scheduler (ota-due-scheduler.c) ---------------------------------------- */

/**
 * ota_local_backend_rearm:
 *
 * Looks again at what falls due next (after a change the backend did not make itself);
 * runs it at once when it is due. Nothing when the scheduler is off.
 */
void
ota_local_backend_rearm (OtaLocalBackend *self)
{
  g_return_if_fail (OTA_IS_LOCAL_BACKEND (self));

  if (self->due_scheduler != NULL)
    ota_due_scheduler_rearm (self->due_scheduler);
}

gboolean
ota_local_backend_get_scheduler (OtaLocalBackend *self)
{
  g_return_val_if_fail (OTA_IS_LOCAL_BACKEND (self), FALSE);
  return self->scheduler;
}

void
ota_local_backend_set_scheduler (OtaLocalBackend *self,
                                 gboolean         scheduler)
{
  g_return_if_fail (OTA_IS_LOCAL_BACKEND (self));

  scheduler = !!scheduler;
  if (self->scheduler == scheduler)
    return;

  self->scheduler = scheduler;
  if (scheduler && self->engine != NULL)
    ota_due_scheduler_start (self->due_scheduler);
  else if (self->due_scheduler != NULL)
    ota_due_scheduler_stop (self->due_scheduler);
  g_object_notify_by_pspec (G_OBJECT (self), scheduler_pspec);
}

gboolean
ota_local_backend_get_scheduler_busy (OtaLocalBackend *self)
{
  g_return_val_if_fail (OTA_IS_LOCAL_BACKEND (self), FALSE);
  return self->due_scheduler != NULL && ota_due_scheduler_get_busy (self->due_scheduler);
}

/* ---- Running operations ------------------------------------------------------ */

OtaLocalArgs *
ota_local_args_new (void)
{
  return g_new0 (OtaLocalArgs, 1);
}

void
ota_local_args_free (OtaLocalArgs *args)
{
  g_free (args->key);
  g_clear_object (&args->file);
  if (args->spec != NULL && args->spec_free != NULL)
    args->spec_free (args->spec);
  g_clear_pointer (&args->progress, ota_progress_relay_unref);
  g_free (args);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  OtaLocalArgs *args = task_data;

  if (g_task_return_error_if_cancelled (task))
    return;

  args->func (task, source_object, task_data, cancellable);
}

typedef struct {
  GAsyncReadyCallback callback;
  gpointer            user_data;
} WriteDone;

/* What a write changed may fall due (a batch to enrol, pushes, a new timeout): the
 * scheduler looks again before the caller hears of the result. */
static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autofree WriteDone *done = data;

  ota_local_backend_rearm (OTA_LOCAL_BACKEND (source));
  if (done->callback != NULL)
    done->callback (source, result, done->user_data);
}

void
ota_local_backend_run (OtaLocalBackend     *self,
                       gpointer             source_tag,
                       OtaLocalArgs        *args,
                       gboolean             is_write,
                       GTaskThreadFunc      func,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  if (is_write)
    {
      WriteDone *done = g_new0 (WriteDone, 1);

      done->callback = callback;
      done->user_data = user_data;
      task = g_task_new (self, cancellable, write_done, done);
    }
  else
    task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  args->func = func;
  g_task_set_task_data (task, args, (GDestroyNotify) ota_local_args_free);
  g_task_set_check_cancellable (task, !is_write);
  g_task_run_in_thread (task, run_thread);
}

void
ota_local_return (GTask          *task,
                  gpointer        result,
                  GDestroyNotify  result_free,
                  GError         *error)
{
  OtaLocalArgs *args = g_task_get_task_data (task);

  /* The last progress comes before the callback, never after it. */
  if (args->progress != NULL)
    ota_progress_relay_flush (args->progress);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, result_free);
}

void
ota_local_return_page (GTask     *task,
                       GPtrArray *items,
                       guint64    total,
                       GError    *error)
{
  OtaBackendPage *page = items != NULL ? ota_backend_page_new (items, total) : NULL;

  ota_local_return (task, page, (GDestroyNotify) ota_backend_page_free, error);
}

void
ota_local_return_boolean (GTask    *task,
                          gboolean  ok,
                          GError   *error)
{
  OtaLocalArgs *args = g_task_get_task_data (task);

  if (args->progress != NULL)
    ota_progress_relay_flush (args->progress);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

typedef struct {
  OtaLocalBackend *self;
  char            *product_key;
} CatalogueChange;

static gboolean
emit_catalogue_changed (gpointer data)
{
  CatalogueChange *change = data;

  ota_backend_emit_catalogue_changed (OTA_BACKEND (change->self), change->product_key);
  return G_SOURCE_REMOVE;
}

static void
catalogue_change_free (gpointer data)
{
  CatalogueChange *change = data;

  g_object_unref (change->self);
  g_free (change->product_key);
  g_free (change);
}

void
ota_local_backend_catalogue_changed_later (OtaLocalBackend *self,
                                           const char      *product_key)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  CatalogueChange *change = g_new0 (CatalogueChange, 1);

  change->self = g_object_ref (self);
  change->product_key = g_strdup (product_key);

  /* An explicit source, not g_main_context_invoke(): that would run it right here, on
   * the worker, whenever the main context happens to be free. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_catalogue_changed, change, catalogue_change_free);
  g_source_set_static_name (source, "[ota] catalogue-changed");
  g_source_attach (source, self->context);
}

char *
ota_local_backend_dup_batch_product (OtaLocalBackend *self,
                                     gint64           batch_id)
{
  g_autoptr(OtaBatch) batch = ota_engine_get_batch (self->engine, batch_id, NULL);
  g_autoptr(OtaFirmware) firmware = NULL;

  if (batch == NULL)
    return NULL;

  firmware = ota_engine_get_firmware (self->engine, ota_batch_get_firmware_id (batch), NULL);
  return firmware != NULL ? g_strdup (ota_firmware_get_product_key (firmware)) : NULL;
}

static gboolean
file_error (GFile   *file,
            GError  *local_error,
            GError **error)
{
  g_autofree char *name = NULL;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      local_error->domain == OTA_ERROR)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  name = g_file_get_parse_name (file);
  ota_error_set_field (error, OTA_ERROR_IO, "file", _("Cannot write “%s”: %s"), name,
                       local_error->message);
  g_error_free (local_error);
  return FALSE;
}

gboolean
ota_local_replace_file (GFile              *file,
                        OtaLocalWriteFunc   write,
                        gpointer            data,
                        GCancellable       *cancellable,
                        GError            **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  GError *local_error = NULL;
  gboolean existed = g_file_query_exists (file, cancellable);

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                        &local_error);
  if (out == NULL)
    return file_error (file, local_error, error);

  if (!write (G_OUTPUT_STREAM (out), data, cancellable, &local_error))
    {
      /* Closing a replace stream with a cancelled cancellable keeps the old file. */
      g_autoptr(GCancellable) abort = g_cancellable_new ();

      g_cancellable_cancel (abort);
      g_output_stream_close (G_OUTPUT_STREAM (out), abort, NULL);
      /* A new file is written in place, not through a temporary: remove what was begun. */
      if (!existed)
        g_file_delete (file, NULL, NULL);
      return file_error (file, local_error, error);
    }

  if (!g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &local_error))
    return file_error (file, local_error, error);

  return TRUE;
}
