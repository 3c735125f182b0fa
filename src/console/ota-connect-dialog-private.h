/* ota-connect-dialog-private.h — the Connect dialog's parts, for its UI tests */
#pragma once

#include "ota-connect-dialog.h"
#include "ota-field-message.h"

G_BEGIN_DECLS

struct _OtaConnectDialog
{
  AdwWindow         parent_instance;

  GCancellable     *cancellable;
  OtaRemoteBackend *remote;          /* the server being connected to */
  char             *token;           /* … with this token */
  gboolean          connecting;

  AdwEntryRow      *url_row;
  AdwEntryRow      *token_row;
  GtkWidget        *remember_row;
  GtkSwitch        *remember_switch;
  GtkWidget        *connect_button;
  GtkSpinner       *spinner;
  OtaFieldMessage  *url_message;
  GtkWidget        *url_warning;      /* plain http to another machine */
  GtkLabel         *url_warning_label;
  OtaFieldMessage  *token_message;
  OtaFieldMessage  *general_message;
};

G_END_DECLS
