/* ota-backend-manager-local.c — switching to the local database: the application's
 * opener opens it on first use, its slow part (SQLite, migrations) on a worker thread;
 * the UI thread goes on meanwhile and the windows show their loading page */
#include <glib/gi18n.h>

#include "ota-backend-manager-private.h"

static void
set_opening_local (OtaBackendManager *self,
                   gboolean           opening)
{
  if (self->opening_local == opening)
    return;
  self->opening_local = opening;
  ota_backend_manager_notify (self, OTA_BACKEND_MANAGER_PROP_OPENING_LOCAL);
}

GCancellable *
ota_backend_manager_new_choice (OtaBackendManager *self)
{
  /* One backend at a time: the newest choice wins. */
  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();
  set_opening_local (self, FALSE);
  return self->open_cancellable;
}

/* Ends one use_local_async(): the switch, unless another backend was chosen meanwhile
 * or the database could not be opened (@error). */
static void
finish_use_local (OtaBackendManager *self,
                  GTask             *task,
                  const GError      *error)
{
  GCancellable *choice = g_task_get_task_data (task);
  g_autoptr(GError) cancelled = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (g_cancellable_set_error_if_cancelled (choice, &cancelled))
    {
      g_task_return_error (task, g_steal_pointer (&cancelled));
      return;
    }
  if (self->local == NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }

  ota_backend_manager_switch (self, self->local);
  /* The demo never becomes what the console opens next time. */
  if (self->settings != NULL && !self->local_only)
    g_settings_set_string (self->settings, "last-server", "");
  g_task_return_boolean (task, TRUE);
}

static void
local_opened (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  OtaBackendManager *self = OTA_BACKEND_MANAGER (source);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->local_waiters);
  g_autoptr(OtaBackend) backend = NULL;
  g_autoptr(GError) error = NULL;

  backend = g_task_propagate_pointer (G_TASK (result), &error);
  ota_backend_manager_set_busy (self, FALSE);
  set_opening_local (self, FALSE);
  /* Kept even when the choice changed meanwhile: opened is opened. */
  if (backend != NULL && self->local == NULL)
    self->local = g_object_ref (backend);

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    finish_use_local (self, g_ptr_array_index (waiters, i), error);
}

void
ota_backend_manager_use_local_async (OtaBackendManager   *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) opening = NULL;
  GCancellable *choice;

  g_return_if_fail (OTA_IS_BACKEND_MANAGER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ota_backend_manager_use_local_async);
  choice = ota_backend_manager_new_choice (self);
  g_task_set_task_data (task, g_object_ref (choice), g_object_unref);

  if (self->local != NULL)
    {
      finish_use_local (self, task, NULL);
      return;
    }
  if (self->opener == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("There is no local database to open"));
      return;
    }

  set_opening_local (self, TRUE);
  /* Opening already: this choice waits for the same opening. */
  if (self->local_waiters != NULL)
    {
      g_ptr_array_add (self->local_waiters, g_steal_pointer (&task));
      return;
    }

  self->local_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->local_waiters, g_steal_pointer (&task));
  ota_backend_manager_set_busy (self, TRUE);
  opening = g_task_new (self, NULL, local_opened, NULL);
  g_task_set_source_tag (opening, local_opened);
  self->opener (self->opener_data, opening);
}

gboolean
ota_backend_manager_use_local_finish (OtaBackendManager  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (OTA_IS_BACKEND_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
used_local_or_told (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  OtaBackendManager *self = OTA_BACKEND_MANAGER (source);
  g_autoptr(GError) error = NULL;

  if (!ota_backend_manager_use_local_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ota_backend_manager_emit_notice (self, error->message);
}

void
ota_backend_manager_use_local_or_tell (OtaBackendManager *self)
{
  ota_backend_manager_use_local_async (self, NULL, used_local_or_told, NULL);
}
