/* ota-firmware.c — a firmware snapshot */
#include "ota-firmware.h"

struct _OtaFirmware
{
  GObject            parent_instance;

  gint64             id;
  char              *product_key;
  char              *name;
  OtaFirmwareType    type;
  char              *version;
  GStrv              source_versions;
  char              *module;
  OtaSignAlgorithm   sign_algorithm;
  char              *file_name;
  guint64            size;
  char              *digest;
  char              *blob_sha256;
  char              *signature;
  char              *description;
  OtaFirmwareStatus  status;
  gint64             created_at;
};

G_DEFINE_FINAL_TYPE (OtaFirmware, ota_firmware, G_TYPE_OBJECT)

static void
ota_firmware_finalize (GObject *object)
{
  OtaFirmware *self = OTA_FIRMWARE (object);

  g_free (self->product_key);
  g_free (self->name);
  g_free (self->version);
  g_strfreev (self->source_versions);
  g_free (self->module);
  g_free (self->file_name);
  g_free (self->digest);
  g_free (self->blob_sha256);
  g_free (self->signature);
  g_free (self->description);

  G_OBJECT_CLASS (ota_firmware_parent_class)->finalize (object);
}

static void
ota_firmware_class_init (OtaFirmwareClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_firmware_finalize;
}

static void
ota_firmware_init (OtaFirmware *self)
{
}

OtaFirmware *
ota_firmware_new (const OtaFirmwareFields *fields)
{
  OtaFirmware *self = g_object_new (OTA_TYPE_FIRMWARE, NULL);

  self->id = fields->id;
  self->product_key = g_strdup (fields->product_key);
  self->name = g_strdup (fields->name);
  self->type = fields->type;
  self->version = g_strdup (fields->version);
  self->source_versions = g_strdupv ((GStrv) fields->source_versions);
  if (self->source_versions == NULL)
    self->source_versions = g_new0 (char *, 1);
  self->module = g_strdup (fields->module);
  self->sign_algorithm = fields->sign_algorithm;
  self->file_name = g_strdup (fields->file_name);
  self->size = fields->size;
  self->digest = g_strdup (fields->digest);
  self->blob_sha256 = g_strdup (fields->blob_sha256);
  self->signature = g_strdup (fields->signature);
  self->description = g_strdup (fields->description != NULL ? fields->description : "");
  self->status = fields->status;
  self->created_at = fields->created_at;

  return self;
}

#define GETTER(type, field, fallback) \
  type \
  ota_firmware_get_##field (OtaFirmware *self) \
  { \
    g_return_val_if_fail (OTA_IS_FIRMWARE (self), fallback); \
    return self->field; \
  }

GETTER (gint64, id, 0)
GETTER (const char *, product_key, NULL)
GETTER (const char *, name, NULL)
GETTER (const char *, version, NULL)
GETTER (const char *, module, NULL)
GETTER (OtaSignAlgorithm, sign_algorithm, 0)
GETTER (const char *, file_name, NULL)
GETTER (guint64, size, 0)
GETTER (const char *, digest, NULL)
GETTER (const char *, blob_sha256, NULL)
GETTER (const char *, signature, NULL)
GETTER (const char *, description, NULL)
GETTER (OtaFirmwareStatus, status, 0)
GETTER (gint64, created_at, 0)

#undef GETTER

OtaFirmwareType
ota_firmware_get_firmware_type (OtaFirmware *self)
{
  g_return_val_if_fail (OTA_IS_FIRMWARE (self), 0);
  return self->type;
}

const char * const *
ota_firmware_get_source_versions (OtaFirmware *self)
{
  g_return_val_if_fail (OTA_IS_FIRMWARE (self), NULL);
  return (const char * const *) self->source_versions;
}
