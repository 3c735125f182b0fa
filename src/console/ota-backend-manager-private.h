/* ota-backend-manager-private.h — what ota-backend-manager.c (the current backend, the
 * remembered servers, the connection state) and ota-backend-manager-open.c (opening a
 * server: its token, the connection, what comes of it) share */
#pragma once

#include "ota-backend-manager.h"

G_BEGIN_DECLS

enum {
  OTA_BACKEND_MANAGER_NEED_TOKEN,
  OTA_BACKEND_MANAGER_NOTICE,
  OTA_BACKEND_MANAGER_N_SIGNALS
};

struct _OtaBackendManager
{
  GObject                parent_instance;

  GSettings             *settings;         /* nullable: nothing remembered then */
  GStrv                  servers;          /* without settings: this run's servers */
  OtaLocalBackendOpener  opener;
  gpointer               opener_data;
  GDestroyNotify         opener_destroy;
  gboolean               local_only;

  OtaBackend            *local;            /* opened on first use */
  OtaBackend            *backend;          /* the current one */
  OtaRemoteBackend      *remote;           /* the current one when it is a server */
  gulong                 state_id;
  gulong                 error_id;
  gulong                 retry_id;

  /* The connection summed up, for the header bar and the banner. */
  OtaRemoteState         state;
  guint                  retry_in;
  char                  *error_message;
  char                  *connect_error;    /* why our own connect call failed */
  guint                  tick_id;          /* the countdown while RECONNECTING */
  gboolean               token_asked;      /* "need-token" sent for this refusal */

  GCancellable          *open_cancellable;   /* the server being opened */
  GCancellable          *retry_cancellable;  /* connecting the current server again */
  OtaRemoteBackend      *connecting;         /* the server our connect call is for */
  guint                  busy;
};

/* Makes @backend (nullable) the current one; a server left behind stops reconnecting. */
void ota_backend_manager_switch              (OtaBackendManager *self,
                                              OtaBackend        *backend);
/* Reads the connection state again and notifies what changed. */
void ota_backend_manager_update_state        (OtaBackendManager *self);
/* Keeps @url in "servers" and as "last-server". */
void ota_backend_manager_remember            (OtaBackendManager *self,
                                              const char        *url);
/* Switches to the local database; a failure becomes a "notice". */
void ota_backend_manager_use_local_or_tell   (OtaBackendManager *self);
/* Counts work in progress for the "busy" property. */
void ota_backend_manager_set_busy            (OtaBackendManager *self,
                                              gboolean           busy);
void ota_backend_manager_emit_need_token     (OtaBackendManager *self,
                                              const char        *url,
                                              const char        *message);
void ota_backend_manager_emit_notice         (OtaBackendManager *self,
                                              const char        *message);

G_END_DECLS
