/* ota-backend.h — what the console and otactl talk to: the engine, near or far
 *
 * Every operation is an _async/_finish pair with a GCancellable, because a backend may
 * sit behind a network (OtaLocalBackend runs the in-process engine on worker threads; a
 * remote backend talks HTTP). Results are snapshot objects or plain structs; failures
 * are the engine's OTA_ERROR errors with their field (ota_error_get_field) kept, or
 * G_IO_ERROR_CANCELLED.
 *
 * Specs: an _async call copies what it needs before it returns, so the caller may free
 * the spec and its strings right after the call.
 *
 * Progress (add_firmware, import_devices): @progress is called on the thread-default
 * main context of the thread that made the call, never after the async callback, with
 * updates coalesced (at most about 20 per second) so a user interface is not flooded.
 *
 * Signals are emitted on the main context the backend was made in:
 *  - "batch-changed" (gint64 batch id): tasks, counters or state of a batch changed.
 *  - "catalogue-changed" (string product key, nullable: maybe any product): products,
 *    devices or firmwares changed (also a firmware's status, after a verification
 *    starts or a batch is made or cancelled).
 */
#pragma once

#include <gio/gio.h>
#include <ota.h>

G_BEGIN_DECLS

#define OTA_TYPE_BACKEND (ota_backend_get_type ())
G_DECLARE_INTERFACE (OtaBackend, ota_backend, OTA, BACKEND, GObject)

#define OTA_BACKEND_ASYNC_ARGS GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data

struct _OtaBackendInterface
{
  GTypeInterface parent_iface;

  /* Products */
  void        (*list_products_async)      (OtaBackend *self, OTA_BACKEND_ASYNC_ARGS);
  GPtrArray  *(*list_products_finish)     (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*get_product_async)        (OtaBackend *self, const char *key, OTA_BACKEND_ASYNC_ARGS);
  OtaProduct *(*get_product_finish)       (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*add_product_async)        (OtaBackend *self, const OtaProductSpec *spec, OTA_BACKEND_ASYNC_ARGS);
  OtaProduct *(*add_product_finish)       (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*set_secure_upgrade_async) (OtaBackend *self, const char *key, gboolean enabled,
                                           OTA_BACKEND_ASYNC_ARGS);
  OtaProduct *(*set_secure_upgrade_finish) (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*dup_public_key_async)     (OtaBackend *self, const char *key, OTA_BACKEND_ASYNC_ARGS);
  char       *(*dup_public_key_finish)    (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*list_modules_async)       (OtaBackend *self, const char *product_key, OTA_BACKEND_ASYNC_ARGS);
  GPtrArray  *(*list_modules_finish)      (OtaBackend *self, GAsyncResult *result, GError **error);

  /* Devices */
  void        (*query_devices_async)      (OtaBackend *self, const OtaDeviceQuery *query, OTA_BACKEND_ASYNC_ARGS);
  GPtrArray  *(*query_devices_finish)     (OtaBackend *self, GAsyncResult *result, guint64 *total,
                                           GError **error);
  void        (*add_device_async)         (OtaBackend *self, const OtaDeviceSpec *spec, OTA_BACKEND_ASYNC_ARGS);
  OtaDevice  *(*add_device_finish)        (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*import_devices_async)     (OtaBackend *self, GFile *file, OtaProgressFunc progress,
                                           gpointer progress_data, OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*import_devices_finish)    (OtaBackend *self, GAsyncResult *result,
                                           OtaImportResult *import_result, GError **error);
  void        (*export_devices_async)     (OtaBackend *self, const char *product_key, GFile *file,
                                           OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*export_devices_finish)    (OtaBackend *self, GAsyncResult *result, GError **error);

  /* Firmwares */
  void        (*list_firmwares_async)     (OtaBackend *self, const char *product_key, OTA_BACKEND_ASYNC_ARGS);
  GPtrArray  *(*list_firmwares_finish)    (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*get_firmware_async)       (OtaBackend *self, gint64 firmware_id, OTA_BACKEND_ASYNC_ARGS);
  OtaFirmware *(*get_firmware_finish)     (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*check_firmware_spec_async) (OtaBackend *self, const OtaFirmwareSpec *spec,
                                            OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*check_firmware_spec_finish) (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*add_firmware_async)       (OtaBackend *self, const OtaFirmwareSpec *spec, GFile *file,
                                           OtaProgressFunc progress, gpointer progress_data,
                                           OTA_BACKEND_ASYNC_ARGS);
  OtaFirmware *(*add_firmware_finish)     (OtaBackend *self, GAsyncResult *result, GError **error);

  /* Verification and batches */
  void        (*start_verification_async) (OtaBackend *self, const OtaVerifySpec *spec, OTA_BACKEND_ASYNC_ARGS);
  OtaBatch   *(*start_verification_finish) (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*forecast_batch_async)     (OtaBackend *self, const OtaBatchSpec *spec, OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*forecast_batch_finish)    (OtaBackend *self, GAsyncResult *result,
                                           OtaBatchForecast *forecast, GError **error);
  void        (*create_batch_async)       (OtaBackend *self, const OtaBatchSpec *spec, OTA_BACKEND_ASYNC_ARGS);
  OtaBatch   *(*create_batch_finish)      (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*list_batches_async)       (OtaBackend *self, gint64 firmware_id, OTA_BACKEND_ASYNC_ARGS);
  GPtrArray  *(*list_batches_finish)      (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*get_batch_async)          (OtaBackend *self, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS);
  OtaBatch   *(*get_batch_finish)         (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*cancel_batch_async)       (OtaBackend *self, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS);
  OtaBatch   *(*cancel_batch_finish)      (OtaBackend *self, GAsyncResult *result, GError **error);

  /* Tasks */
  void        (*cancel_task_async)        (OtaBackend *self, gint64 task_id, OTA_BACKEND_ASYNC_ARGS);
  OtaTask    *(*cancel_task_finish)       (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*query_tasks_async)        (OtaBackend *self, gint64 batch_id, const OtaTaskQuery *query,
                                           OTA_BACKEND_ASYNC_ARGS);
  GPtrArray  *(*query_tasks_finish)       (OtaBackend *self, GAsyncResult *result, guint64 *total,
                                           GError **error);
  void        (*count_failures_async)     (OtaBackend *self, gint64 batch_id, OTA_BACKEND_ASYNC_ARGS);
  GArray     *(*count_failures_finish)    (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*export_tasks_async)       (OtaBackend *self, gint64 batch_id, GFile *file,
                                           OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*export_tasks_finish)      (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*get_device_task_async)    (OtaBackend *self, const char *product_key,
                                           const char *device_name, OTA_BACKEND_ASYNC_ARGS);
  OtaTask    *(*get_device_task_finish)   (OtaBackend *self, GAsyncResult *result, GError **error);

  /* Audit log, device events, time */
  void        (*list_audit_async)         (OtaBackend *self, guint offset, guint limit,
                                           OTA_BACKEND_ASYNC_ARGS);
  GPtrArray  *(*list_audit_finish)        (OtaBackend *self, GAsyncResult *result, guint64 *total,
                                           GError **error);
  void        (*apply_device_event_async) (OtaBackend *self, const OtaDeviceEvent *event,
                                           OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*apply_device_event_finish) (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*run_due_async)            (OtaBackend *self, OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*run_due_finish)           (OtaBackend *self, GAsyncResult *result, GError **error);
  void        (*advance_clock_async)      (OtaBackend *self, GTimeSpan delta, OTA_BACKEND_ASYNC_ARGS);
  gboolean    (*advance_clock_finish)     (OtaBackend *self, GAsyncResult *result, GError **error);

  gpointer padding[8];
};

/* (transfer full): what to show the user for this backend ("name" property), e.g. the
 * database file or the server address. */
char *ota_backend_dup_name (OtaBackend *self);

/* For implementations: emit the interface's signals. */
void ota_backend_emit_batch_changed     (OtaBackend *self,
                                         gint64      batch_id);
void ota_backend_emit_catalogue_changed (OtaBackend *self,
                                         const char *product_key);

/* ---- Products ------------------------------------------------------------- */

void         ota_backend_list_products_async       (OtaBackend *self, OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaProduct) (transfer full), sorted by name. */
GPtrArray   *ota_backend_list_products_finish      (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_get_product_async         (OtaBackend *self, const char *key,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaProduct  *ota_backend_get_product_finish        (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_add_product_async         (OtaBackend *self, const OtaProductSpec *spec,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaProduct  *ota_backend_add_product_finish        (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* R-P2: secure upgrade on or off; switching on makes the signing key pair once. */
void         ota_backend_set_secure_upgrade_async  (OtaBackend *self, const char *key,
                                                    gboolean enabled, OTA_BACKEND_ASYNC_ARGS);
OtaProduct  *ota_backend_set_secure_upgrade_finish (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_dup_public_key_async      (OtaBackend *self, const char *key,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (transfer full): the product's signing public key in PEM. */
char        *ota_backend_dup_public_key_finish     (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_list_modules_async        (OtaBackend *self, const char *product_key,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaModule) (transfer full) */
GPtrArray   *ota_backend_list_modules_finish       (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);

/* ---- Devices -------------------------------------------------------------- */

void         ota_backend_query_devices_async       (OtaBackend *self, const OtaDeviceQuery *query,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaDevice) (transfer full); @total (optional): matches before paging. */
GPtrArray   *ota_backend_query_devices_finish      (OtaBackend *self, GAsyncResult *result,
                                                    guint64 *total, GError **error);
void         ota_backend_add_device_async          (OtaBackend *self, const OtaDeviceSpec *spec,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaDevice   *ota_backend_add_device_finish         (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* The CSV format of ota_engine_import_devices_csv(): all rows or none. */
void         ota_backend_import_devices_async      (OtaBackend *self, GFile *file,
                                                    OtaProgressFunc progress, gpointer progress_data,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* @import_result (optional): devices added and updated. */
gboolean     ota_backend_import_devices_finish     (OtaBackend *self, GAsyncResult *result,
                                                    OtaImportResult *import_result, GError **error);
/* @product_key (nullable): every product. @file is replaced only when all was written. */
void         ota_backend_export_devices_async      (OtaBackend *self, const char *product_key,
                                                    GFile *file, OTA_BACKEND_ASYNC_ARGS);
gboolean     ota_backend_export_devices_finish     (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);

/* ---- Firmwares ------------------------------------------------------------ */

void         ota_backend_list_firmwares_async      (OtaBackend *self, const char *product_key,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaFirmware) (transfer full), newest first. */
GPtrArray   *ota_backend_list_firmwares_finish     (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_get_firmware_async        (OtaBackend *self, gint64 firmware_id,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaFirmware *ota_backend_get_firmware_finish       (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* Every rule of R-F that does not need the file, against the product as stored now. */
void         ota_backend_check_firmware_spec_async (OtaBackend *self, const OtaFirmwareSpec *spec,
                                                    OTA_BACKEND_ASYNC_ARGS);
gboolean     ota_backend_check_firmware_spec_finish (OtaBackend *self, GAsyncResult *result,
                                                     GError **error);
/* Cancelling @cancellable while the file is hashed stops it; nothing is stored then. */
void         ota_backend_add_firmware_async        (OtaBackend *self, const OtaFirmwareSpec *spec,
                                                    GFile *file, OtaProgressFunc progress,
                                                    gpointer progress_data, OTA_BACKEND_ASYNC_ARGS);
OtaFirmware *ota_backend_add_firmware_finish       (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);

/* ---- Verification and batches (R-V, R-B) ---------------------------------- */

void         ota_backend_start_verification_async  (OtaBackend *self, const OtaVerifySpec *spec,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaBatch    *ota_backend_start_verification_finish (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_forecast_batch_async      (OtaBackend *self, const OtaBatchSpec *spec,
                                                    OTA_BACKEND_ASYNC_ARGS);
gboolean     ota_backend_forecast_batch_finish     (OtaBackend *self, GAsyncResult *result,
                                                    OtaBatchForecast *forecast, GError **error);
void         ota_backend_create_batch_async        (OtaBackend *self, const OtaBatchSpec *spec,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaBatch    *ota_backend_create_batch_finish       (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_list_batches_async        (OtaBackend *self, gint64 firmware_id,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaBatch) (transfer full), newest first. */
GPtrArray   *ota_backend_list_batches_finish       (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_get_batch_async           (OtaBackend *self, gint64 batch_id,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaBatch    *ota_backend_get_batch_finish          (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* R-B17 */
void         ota_backend_cancel_batch_async        (OtaBackend *self, gint64 batch_id,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaBatch    *ota_backend_cancel_batch_finish       (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);

/* ---- Tasks (R-S, R-D) ----------------------------------------------------- */

/* R-B17: one device's task. */
void         ota_backend_cancel_task_async         (OtaBackend *self, gint64 task_id,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaTask     *ota_backend_cancel_task_finish        (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
void         ota_backend_query_tasks_async         (OtaBackend *self, gint64 batch_id,
                                                    const OtaTaskQuery *query,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaTask) (transfer full); @total (optional): matches before paging. */
GPtrArray   *ota_backend_query_tasks_finish        (OtaBackend *self, GAsyncResult *result,
                                                    guint64 *total, GError **error);
void         ota_backend_count_failures_async      (OtaBackend *self, gint64 batch_id,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaFailureGroup) (transfer full), largest group first (R-D3). */
GArray      *ota_backend_count_failures_finish     (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* A CSV of the batch's device list (R-D2), sorted by device name. */
void         ota_backend_export_tasks_async        (OtaBackend *self, gint64 batch_id, GFile *file,
                                                    OTA_BACKEND_ASYNC_ARGS);
gboolean     ota_backend_export_tasks_finish       (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* What a device is doing: its unfinished task, else the one that changed last.
 * OTA_ERROR_NOT_FOUND naming "device" (no such device) or "task" (it never had one). */
void         ota_backend_get_device_task_async     (OtaBackend *self, const char *product_key,
                                                    const char *device_name,
                                                    OTA_BACKEND_ASYNC_ARGS);
OtaTask     *ota_backend_get_device_task_finish    (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);

/* ---- Audit log, device events, time ---------------------------------------- */

/* Operator actions, newest first, from @offset; @limit 0: all. */
void         ota_backend_list_audit_async          (OtaBackend *self, guint offset, guint limit,
                                                    OTA_BACKEND_ASYNC_ARGS);
/* (element-type OtaAuditEntry) (transfer full); @total (optional): entries in the log. */
GPtrArray   *ota_backend_list_audit_finish         (OtaBackend *self, GAsyncResult *result,
                                                    guint64 *total, GError **error);
/* What a device says (otactl's "play a device"). */
void         ota_backend_apply_device_event_async  (OtaBackend *self, const OtaDeviceEvent *event,
                                                    OTA_BACKEND_ASYNC_ARGS);
gboolean     ota_backend_apply_device_event_finish (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* Handles whatever fell due up to now (pushes, retries, timeouts, schedules). */
void         ota_backend_run_due_async             (OtaBackend *self, OTA_BACKEND_ASYNC_ARGS);
gboolean     ota_backend_run_due_finish            (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);
/* Demo and tests: moves a manual clock on by @delta, then runs what fell due.
 * G_IO_ERROR_NOT_SUPPORTED when the backend runs on real time. */
void         ota_backend_advance_clock_async       (OtaBackend *self, GTimeSpan delta,
                                                    OTA_BACKEND_ASYNC_ARGS);
gboolean     ota_backend_advance_clock_finish      (OtaBackend *self, GAsyncResult *result,
                                                    GError **error);

G_END_DECLS
