/* ota-spec-copy.h — deep copies of the engine's spec structs
 *
 * An async backend call returns before the work starts, while the caller may free the
 * strings its spec points to right after the call. So every _async call copies its spec
 * first. A copy owns all it points to (the `const` of the struct fields is cast away
 * when freeing); free it only with the matching _free function.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

OtaProductSpec  *ota_product_spec_copy  (const OtaProductSpec  *spec);
void             ota_product_spec_free  (OtaProductSpec        *spec);

/* The versions table is copied too (module → version, both strings). */
OtaDeviceSpec   *ota_device_spec_copy   (const OtaDeviceSpec   *spec);
void             ota_device_spec_free   (OtaDeviceSpec         *spec);

OtaDeviceQuery  *ota_device_query_copy  (const OtaDeviceQuery  *query);
void             ota_device_query_free  (OtaDeviceQuery        *query);

OtaFirmwareSpec *ota_firmware_spec_copy (const OtaFirmwareSpec *spec);
void             ota_firmware_spec_free (OtaFirmwareSpec       *spec);

OtaVerifySpec   *ota_verify_spec_copy   (const OtaVerifySpec   *spec);
void             ota_verify_spec_free   (OtaVerifySpec         *spec);

/* The regions array and its strings are copied too. */
OtaBatchSpec    *ota_batch_spec_copy    (const OtaBatchSpec    *spec);
void             ota_batch_spec_free    (OtaBatchSpec          *spec);

OtaTaskQuery    *ota_task_query_copy    (const OtaTaskQuery    *query);
void             ota_task_query_free    (OtaTaskQuery          *query);

OtaDeviceEvent  *ota_device_event_copy  (const OtaDeviceEvent  *event);
void             ota_device_event_free  (OtaDeviceEvent        *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaProductSpec, ota_product_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaDeviceSpec, ota_device_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaDeviceQuery, ota_device_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaFirmwareSpec, ota_firmware_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaVerifySpec, ota_verify_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaBatchSpec, ota_batch_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaTaskQuery, ota_task_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaDeviceEvent, ota_device_event_free)

G_END_DECLS
