/* ota-connect-dialog.c — connects to an ota-server: address, operator token, keyring */
#include <glib/gi18n.h>

#include "ota-connect-dialog-private.h"
#include "ota-server-url.h"
#include "ota-token-store.h"

G_DEFINE_FINAL_TYPE (OtaConnectDialog, ota_connect_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* (transfer full): the token as typed, without the blanks a paste tends to bring. */
static char *
dup_token (OtaConnectDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
}

/* Checks the form; the address's message shows as soon as something is typed, the
 * token only has to be there. Plain http to another machine is allowed (a test lab),
 * with a warning under the address. */
static gboolean
validate (OtaConnectDialog *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  g_autofree char *token = dup_token (self);
  g_autofree char *normalised = NULL;
  g_autoptr(GError) error = NULL;
  gboolean valid;

  if (*url != '\0')
    normalised = ota_remote_normalise_url (url, &error);
  ota_field_message_set_error (self->url_message, error);
  gtk_widget_set_visible (self->url_warning,
                          normalised != NULL && ota_server_url_is_unencrypted (normalised));

  valid = normalised != NULL && *token != '\0';
  gtk_widget_set_sensitive (self->connect_button, valid && !self->connecting);
  return valid;
}

static void
set_connecting (OtaConnectDialog *self,
                gboolean          connecting)
{
  /* A field made insensitive while it has the focus never hears it leave (GtkText's
   * cursor blink then complains): let the focus go first. */
  if (connecting)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  self->connecting = connecting;
  gtk_spinner_set_spinning (self->spinner, connecting);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), connecting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), !connecting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), !connecting);
  gtk_widget_set_sensitive (self->remember_row, !connecting);
  validate (self);
}

static void
on_url_changed (OtaConnectDialog *self)
{
  ota_field_message_set_text (self->general_message, NULL);
  validate (self);
}

static void
on_token_changed (OtaConnectDialog *self)
{
  ota_field_message_set_text (self->token_message, NULL);
  ota_field_message_set_text (self->general_message, NULL);
  validate (self);
}

/* Each failure where the user fixes it: the address, the token, or the connection as a
 * whole (unreachable, TLS). */
static void
show_error (OtaConnectDialog *self,
            const GError     *error)
{
  if (g_error_matches (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD) &&
      g_strcmp0 (ota_error_get_field (error), "url") == 0)
    {
      ota_field_message_set_error (self->url_message, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      ota_field_message_set_error (self->token_message, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
    }
  else
    /* Unreachable, TLS: the backend's message names the server and what went wrong. */
    ota_field_message_set_error (self->general_message, error);
}

static void
connected (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OtaConnectDialog) self = user_data;
  g_autoptr(OtaRemoteBackend) remote = g_object_ref (OTA_REMOTE_BACKEND (source));
  g_autoptr(GError) error = NULL;

  if (!ota_remote_backend_connect_finish (remote, result, &error))
    {
      /* Closed meanwhile: nobody to tell. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->remote);
      set_connecting (self, FALSE);
      show_error (self, error);
      return;
    }

  g_clear_object (&self->remote);
  set_connecting (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, remote, self->token,
                 gtk_switch_get_active (self->remember_switch));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_connect_clicked (OtaConnectDialog *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  g_autoptr(GError) error = NULL;

  if (self->connecting || !validate (self))
    return;

  g_free (self->token);
  self->token = dup_token (self);
  ota_field_message_set_text (self->token_message, NULL);
  ota_field_message_set_text (self->general_message, NULL);

  self->remote = ota_remote_backend_new (url, self->token, &error);
  if (self->remote == NULL)
    {
      show_error (self, error);
      return;
    }

  set_connecting (self, TRUE);
  ota_remote_backend_connect_async (self->remote, self->cancellable, connected, g_object_ref (self));
}

void
ota_connect_dialog_prefill (OtaConnectDialog *self,
                            const char       *url,
                            const char       *message)
{
  g_return_if_fail (OTA_IS_CONNECT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  ota_field_message_set_text (self->token_message, message);
  if (url != NULL && *url != '\0')
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->token_row));
}

OtaConnectDialog *
ota_connect_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (OTA_TYPE_CONNECT_DIALOG,
                       "transient-for", parent,
                       NULL);
}

static void
ota_connect_dialog_dispose (GObject *object)
{
  OtaConnectDialog *self = OTA_CONNECT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->remote != NULL)
    ota_remote_backend_disconnect (self->remote);
  g_clear_object (&self->remote);
  gtk_widget_dispose_template (GTK_WIDGET (self), OTA_TYPE_CONNECT_DIALOG);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ota_connect_dialog_parent_class)->dispose (object);
}

static void
ota_connect_dialog_finalize (GObject *object)
{
  OtaConnectDialog *self = OTA_CONNECT_DIALOG (object);

  g_free (self->token);

  G_OBJECT_CLASS (ota_connect_dialog_parent_class)->finalize (object);
}

static void
ota_connect_dialog_class_init (OtaConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ota_connect_dialog_dispose;
  object_class->finalize = ota_connect_dialog_finalize;

  /**
   * OtaConnectDialog::connected:
   * @backend: the server, connected
   * @token: the token it accepted
   * @remember: whether to keep @token in the keyring
   */
  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  OTA_TYPE_REMOTE_BACKEND, G_TYPE_STRING, G_TYPE_BOOLEAN);

  g_type_ensure (OTA_TYPE_FIELD_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/otaconsole/OtaConsole/ui/ota-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, remember_row);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, connect_button);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, url_message);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, url_warning);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, url_warning_label);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, token_message);
  gtk_widget_class_bind_template_child (widget_class, OtaConnectDialog, general_message);
  gtk_widget_class_bind_template_callback (widget_class, on_url_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_token_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_connect_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ota_connect_dialog_init (OtaConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
