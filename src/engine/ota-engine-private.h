/* ota-engine-private.h — what the engine's operation files share */
#pragma once

#include "ota-device-link.h"
#include "ota-engine.h"

G_BEGIN_DECLS

/* Records an operator action in the audit log; call inside the operation's transaction.
 * @params: a{sv}, floating references are sunk. */
gboolean ota_engine_audit (OtaEngine   *self,
                           const char  *action,
                           GVariant    *params,
                           GError     **error);

gint64   ota_engine_now   (OtaEngine   *self);

/* (nullable) (transfer full): where notices go. A reference: the main thread may set
 * another link while a worker thread's due pass sends through this one. */
OtaDeviceLink *ota_engine_dup_device_link (OtaEngine *self);

/* A product read inside a held lock (no locking of its own). */
OtaProduct *ota_engine_lookup_product (OtaEngine   *self,
                                       const char  *key,
                                       GError     **error);

/* A firmware read inside a held lock; NOT_FOUND naming field "firmware". */
OtaFirmware *ota_engine_lookup_firmware (OtaEngine   *self,
                                         gint64       id,
                                         GError     **error);

/* Makes sure (product, module) exists in the modules table. */
gboolean ota_engine_ensure_module (OtaEngine   *self,
                                   const char  *product_key,
                                   const char  *module,
                                   GError     **error);

G_END_DECLS

G_BEGIN_DECLS

/* Sets the version @device_id reports for @module and keeps module_versions counts in
 * step. Inside a transaction. */
gboolean ota_engine_store_device_version (OtaEngine   *self,
                                          const char  *product_key,
                                          gint64       device_id,
                                          const char  *module,
                                          const char  *version,
                                          GError     **error);

/* Reads a device inside a held lock; NOT_FOUND naming field "device". */
OtaDevice *ota_engine_lookup_device (OtaEngine   *self,
                                     const char  *product_key,
                                     const char  *name,
                                     GError     **error);

/* (transfer full): module → version of a device, read inside a held lock. */
GHashTable *ota_engine_read_device_versions (OtaStore *store,
                                             gint64    device_id);

/* Checks a module → version table of a device: every module per R-F6, every version
 * per R-F4. */
gboolean ota_engine_check_versions (GHashTable  *versions,
                                    GError     **error);

G_END_DECLS
