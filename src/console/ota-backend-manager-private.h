/* ota-backend-manager-private.h — what the files of OtaBackendManager share:
 *   ota-backend-manager.c          the object, its properties and getters
 *   ota-backend-manager-state.c    the current backend and its connection summed up
 *   ota-backend-manager-servers.c  the remembered servers and their tokens
 *   ota-backend-manager-local.c    switching to the local database (opened off the UI thread)
 *   ota-backend-manager-open.c     opening a server: its token, the connection, the outcome */
#pragma once

#include "ota-backend-manager.h"

G_BEGIN_DECLS

enum {
  OTA_BACKEND_MANAGER_NEED_TOKEN,
  OTA_BACKEND_MANAGER_NOTICE,
  OTA_BACKEND_MANAGER_N_SIGNALS
};

typedef enum {
  OTA_BACKEND_MANAGER_PROP_0,
  OTA_BACKEND_MANAGER_PROP_BACKEND,
  OTA_BACKEND_MANAGER_PROP_SERVER,
  OTA_BACKEND_MANAGER_PROP_STATE,
  OTA_BACKEND_MANAGER_PROP_RETRY_IN,
  OTA_BACKEND_MANAGER_PROP_ERROR_MESSAGE,
  OTA_BACKEND_MANAGER_PROP_BUSY,
  OTA_BACKEND_MANAGER_PROP_SERVERS,
  OTA_BACKEND_MANAGER_PROP_LOCAL_ONLY,
  OTA_BACKEND_MANAGER_PROP_OPENING_LOCAL,
  OTA_BACKEND_MANAGER_N_PROPS
} OtaBackendManagerProp;

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
  GPtrArray             *local_waiters;    /* GTasks of use_local_async() while it opens */
  gboolean               opening_local;    /* a switch to it waits for the opening */
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
  gboolean               was_connected;    /* the current server was CONNECTED once */

  GCancellable          *open_cancellable;   /* the backend being opened: the newest choice */
  GCancellable          *retry_cancellable;  /* connecting the current server again */
  OtaRemoteBackend      *connecting;         /* the server our connect call is for */
  guint                  busy;
};

void ota_backend_manager_notify              (OtaBackendManager     *self,
                                              OtaBackendManagerProp  prop);
/* Makes @backend (nullable) the current one; a server left behind stops reconnecting. */
void ota_backend_manager_switch              (OtaBackendManager     *self,
                                              OtaBackend            *backend);
/* Reads the connection state again and notifies what changed. */
void ota_backend_manager_update_state        (OtaBackendManager     *self);
/* Keeps @url in "servers" and as "last-server". */
void ota_backend_manager_remember            (OtaBackendManager     *self,
                                              const char            *url);
/* A new choice of backend: the one still being opened is given up. (transfer none):
 * the cancellable of the new choice. */
GCancellable *ota_backend_manager_new_choice (OtaBackendManager     *self);
/* Switches to the local database; a failure becomes a "notice". */
void ota_backend_manager_use_local_or_tell   (OtaBackendManager     *self);
/* Counts work in progress for the "busy" property. */
void ota_backend_manager_set_busy            (OtaBackendManager     *self,
                                              gboolean               busy);
void ota_backend_manager_emit_need_token     (OtaBackendManager     *self,
                                              const char            *url,
                                              const char            *message);
void ota_backend_manager_emit_notice         (OtaBackendManager     *self,
                                              const char            *message);

G_END_DECLS
