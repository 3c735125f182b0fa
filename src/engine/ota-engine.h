/* ota-engine.h — the one door to the OTA engine
 *
 * Every operation validates its input first and changes nothing when it fails: it
 * returns FALSE/NULL with an OTA_ERROR that names the field and the allowed range.
 * Every change runs in one database transaction; once a call returned success, its
 * change survives a crash of the process.
 *
 * An OtaEngine may be used from several threads: operations are serialised on the
 * store's lock. The _async variants run the work on a worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "ota-clock.h"
#include "ota-device.h"
#include "ota-firmware.h"
#include "ota-module.h"
#include "ota-product.h"
#include "ota-store.h"
#include "ota-types.h"

G_BEGIN_DECLS

#define OTA_TYPE_ENGINE (ota_engine_get_type ())
G_DECLARE_FINAL_TYPE (OtaEngine, ota_engine, OTA, ENGINE, GObject)

/* Progress of long work (hashing a firmware, importing devices). May be called from a
 * worker thread; a UI must hand it to its main loop. @total is 0 when unknown. */
typedef void (*OtaProgressFunc) (guint64  done,
                                 guint64  total,
                                 gpointer user_data);

OtaEngine  *ota_engine_new          (const char  *db_path,
                                     OtaClock    *clock,
                                     GError     **error);
/* The default database: $XDG_DATA_HOME/ota-console/ota.db. Free with g_free(). */
char       *ota_engine_default_db_path (void);
OtaClock   *ota_engine_get_clock    (OtaEngine   *self);
void        ota_engine_set_clock    (OtaEngine   *self,
                                     OtaClock    *clock);
OtaStore   *ota_engine_get_store    (OtaEngine   *self);
/* Who the audit log names for operator actions (default: the user's login name). */
void        ota_engine_set_actor    (OtaEngine   *self,
                                     const char  *actor);
const char *ota_engine_get_actor    (OtaEngine   *self);
/* For a server: names the operator acting through the calling thread (an API token's
 * name) until set back to NULL; the audit log then names them instead of the actor. */
void        ota_engine_set_thread_actor (const char *actor);

/* ---- Products (R-P) ---------------------------------------------------- */

typedef struct {
  const char     *key;            /* nullable: the engine makes one up */
  const char     *name;
  OtaProjectType  project_type;
  OtaNetworkType  network_type;
  gboolean        alios_things;
  gboolean        android_sdk;
} OtaProductSpec;

OtaProduct *ota_engine_add_product        (OtaEngine             *self,
                                           const OtaProductSpec  *spec,
                                           GError               **error);
OtaProduct *ota_engine_get_product        (OtaEngine             *self,
                                           const char            *key,
                                           GError               **error);
/* (element-type OtaProduct) (transfer full), sorted by name. */
GPtrArray  *ota_engine_list_products      (OtaEngine             *self,
                                           GError               **error);
/* R-P2: only for AliOS Things products; switching on makes the signing key pair once. */
OtaProduct *ota_engine_set_secure_upgrade (OtaEngine             *self,
                                           const char            *key,
                                           gboolean               enabled,
                                           GError               **error);
/* The product's signing public key in PEM (R-P2); NOT_FOUND before it was made. */
char       *ota_engine_dup_public_key_pem (OtaEngine             *self,
                                           const char            *key,
                                           GError               **error);

/* ---- Devices (R-DV) ------------------------------------------------------ */

typedef struct {
  const char  *product_key;
  const char  *name;
  const char  *province;   /* nullable: unknown */
  const char  *city;       /* nullable: unknown */
  gboolean     online;
  GHashTable  *versions;   /* nullable; module → version last reported */
} OtaDeviceSpec;

OtaDevice  *ota_engine_add_device   (OtaEngine            *self,
                                     const OtaDeviceSpec  *spec,
                                     GError              **error);
OtaDevice  *ota_engine_get_device   (OtaEngine            *self,
                                     const char           *product_key,
                                     const char           *name,
                                     GError              **error);

typedef enum {
  OTA_DEVICE_SORT_NAME,
  OTA_DEVICE_SORT_REGION,
  OTA_DEVICE_SORT_ONLINE,
  OTA_DEVICE_SORT_UPDATED,
} OtaDeviceSort;

typedef struct {
  const char          *product_key;   /* required */
  const char          *search;        /* nullable: substring of the device name */
  int                  online;        /* -1 any, 0 offline, 1 online */
  const char          *province;      /* nullable */
  const char          *city;          /* nullable */
  const char          *module;        /* nullable: with @versions, devices that report … */
  const char * const  *versions;      /* … one of these for @module (R-DV2, R-F5) */
  OtaDeviceSort        sort;
  gboolean             descending;
  guint                offset;
  guint                limit;         /* 0: no limit */
} OtaDeviceQuery;

#define OTA_DEVICE_QUERY_INIT { .online = -1 }

/* (element-type OtaDevice) (transfer full); @total: matches before offset/limit. */
GPtrArray  *ota_engine_query_devices (OtaEngine             *self,
                                      const OtaDeviceQuery  *query,
                                      guint64               *total,
                                      GError               **error);

typedef struct {
  guint64 added;
  guint64 updated;
} OtaImportResult;

/* CSV: product,device,province,city,versions,online — versions as
 * "module=version;module=version". A bad row fails the whole file with an error naming
 * the line and the field; nothing of the file is imported then. Existing devices are
 * updated. */
gboolean    ota_engine_import_devices_csv        (OtaEngine        *self,
                                                  GInputStream     *stream,
                                                  OtaImportResult  *result,
                                                  GCancellable     *cancellable,
                                                  OtaProgressFunc   progress,
                                                  gpointer          progress_data,
                                                  GError          **error);
void        ota_engine_import_devices_csv_async  (OtaEngine           *self,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  OtaProgressFunc      progress,
                                                  gpointer             progress_data,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean    ota_engine_import_devices_csv_finish (OtaEngine         *self,
                                                  GAsyncResult      *result,
                                                  OtaImportResult   *import_result,
                                                  GError           **error);
/* Writes the same CSV format; @product_key nullable: every product. */
gboolean    ota_engine_export_devices_csv        (OtaEngine         *self,
                                                  const char        *product_key,
                                                  GOutputStream     *stream,
                                                  GCancellable      *cancellable,
                                                  GError           **error);

/* (element-type OtaModule) (transfer full): the product's modules, each with the
 * versions its devices report and how many devices report each (R-F5, R-F6). */
GPtrArray  *ota_engine_list_modules  (OtaEngine   *self,
                                      const char  *product_key,
                                      GError     **error);

/* ---- Firmwares (R-F) ----------------------------------------------------- */

typedef struct {
  const char          *product_key;
  const char          *name;
  OtaFirmwareType      type;
  const char          *version;          /* 升级后版本号 */
  const char * const  *source_versions;  /* 待升级版本号, NULL-terminated */
  const char          *module;           /* nullable: "default" */
  OtaSignAlgorithm     sign_algorithm;
  const char          *description;      /* nullable */
} OtaFirmwareSpec;

/* Every rule of R-F that does not need the file, against the product as stored now. */
gboolean     ota_engine_check_firmware_spec (OtaEngine              *self,
                                             const OtaFirmwareSpec  *spec,
                                             GError                **error);
/* Checks, hashes while streaming, stores the file (R-F8), signs it (R-P3). Blocking. */
OtaFirmware *ota_engine_add_firmware        (OtaEngine              *self,
                                             const OtaFirmwareSpec  *spec,
                                             GFile                  *file,
                                             GCancellable           *cancellable,
                                             OtaProgressFunc         progress,
                                             gpointer                progress_data,
                                             GError                **error);
/* The same on a worker thread; @spec is copied. */
void         ota_engine_add_firmware_async  (OtaEngine              *self,
                                             const OtaFirmwareSpec  *spec,
                                             GFile                  *file,
                                             GCancellable           *cancellable,
                                             OtaProgressFunc         progress,
                                             gpointer                progress_data,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
OtaFirmware *ota_engine_add_firmware_finish (OtaEngine              *self,
                                             GAsyncResult           *result,
                                             GError                **error);
OtaFirmware *ota_engine_get_firmware        (OtaEngine              *self,
                                             gint64                  id,
                                             GError                **error);
/* (element-type OtaFirmware) (transfer full), newest first. */
GPtrArray   *ota_engine_list_firmwares      (OtaEngine              *self,
                                             const char             *product_key,
                                             GError                **error);
/* The stored file of a firmware, for download. */
GFile       *ota_engine_get_firmware_file   (OtaEngine              *self,
                                             OtaFirmware            *firmware);

/* ---- Audit log ------------------------------------------------------------ */

/* (element-type OtaAuditEntry) (transfer full): operator actions, newest first;
 * @limit 0: all; @total (optional): entries in the log. */
GPtrArray   *ota_engine_list_audit          (OtaEngine              *self,
                                             guint                   offset,
                                             guint                   limit,
                                             guint64                *total,
                                             GError                **error);

/* ---- API tokens (the HTTP server's operators) ------------------------------ */

typedef struct {
  gint64  id;
  char   *name;
  gint64  created_at;
  gint64  revoked_at;   /* 0: still valid */
} OtaApiToken;

void         ota_api_token_free             (OtaApiToken            *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaApiToken, ota_api_token_free)

/* A new random token for @name (unique among tokens not revoked). Returns its secret,
 * which is shown once: only its SHA-256 is stored. Free with g_free(). */
char        *ota_engine_create_token        (OtaEngine              *self,
                                             const char             *name,
                                             GError                **error);
/* (element-type OtaApiToken) (transfer full): every token, revoked too, oldest first. */
GPtrArray   *ota_engine_list_tokens         (OtaEngine              *self,
                                             GError                **error);
gboolean     ota_engine_revoke_token        (OtaEngine              *self,
                                             const char             *name,
                                             GError                **error);
/* TRUE for a valid token (@name: its name, optional); else NOT_FOUND or STORE. */
gboolean     ota_engine_check_token         (OtaEngine              *self,
                                             const char             *secret,
                                             char                  **name,
                                             GError                **error);

G_END_DECLS
