/* ota-firmware.h — a firmware added to a product (R-F1..R-F10); a snapshot */
#pragma once

#include <glib-object.h>

#include "ota-types.h"

G_BEGIN_DECLS

#define OTA_TYPE_FIRMWARE (ota_firmware_get_type ())
G_DECLARE_FINAL_TYPE (OtaFirmware, ota_firmware, OTA, FIRMWARE, GObject)

typedef struct {
  gint64             id;
  const char        *product_key;
  const char        *name;
  OtaFirmwareType    type;
  const char        *version;
  const char *const *source_versions;
  const char        *module;
  OtaSignAlgorithm   sign_algorithm;
  const char        *file_name;
  guint64            size;
  const char        *digest;        /* hex, in sign_algorithm */
  const char        *blob_sha256;   /* hex: the file's name in the blob store */
  const char        *signature;     /* nullable: base64, secure upgrade */
  const char        *description;
  OtaFirmwareStatus  status;
  gint64             created_at;
} OtaFirmwareFields;

/* For the engine: copies every field. */
OtaFirmware        *ota_firmware_new                 (const OtaFirmwareFields *fields);

gint64              ota_firmware_get_id              (OtaFirmware *self);
const char         *ota_firmware_get_product_key     (OtaFirmware *self);
const char         *ota_firmware_get_name            (OtaFirmware *self);
OtaFirmwareType     ota_firmware_get_firmware_type   (OtaFirmware *self);
/* The version after upgrade (升级后版本号). */
const char         *ota_firmware_get_version         (OtaFirmware *self);
/* The versions it upgrades from (待升级版本号). */
const char * const *ota_firmware_get_source_versions (OtaFirmware *self);
const char         *ota_firmware_get_module          (OtaFirmware *self);
OtaSignAlgorithm    ota_firmware_get_sign_algorithm  (OtaFirmware *self);
const char         *ota_firmware_get_file_name       (OtaFirmware *self);
guint64             ota_firmware_get_size            (OtaFirmware *self);
const char         *ota_firmware_get_digest          (OtaFirmware *self);
const char         *ota_firmware_get_blob_sha256     (OtaFirmware *self);
/* (nullable): base64 ECDSA signature over the digest, when secure upgrade was on. */
const char         *ota_firmware_get_signature       (OtaFirmware *self);
const char         *ota_firmware_get_description     (OtaFirmware *self);
OtaFirmwareStatus   ota_firmware_get_status          (OtaFirmware *self);
gint64              ota_firmware_get_created_at      (OtaFirmware *self);

G_END_DECLS
