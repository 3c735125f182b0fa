/* ota-module.c — a module with its reported versions and device counts */
#include "ota-module.h"

typedef struct {
  char    *version;
  guint64  devices;
} VersionCount;

struct _OtaModule
{
  GObject  parent_instance;

  char    *product_key;
  char    *name;
  GArray  *versions;   /* of VersionCount, in the order added */
  guint64  device_count;
};

G_DEFINE_FINAL_TYPE (OtaModule, ota_module, G_TYPE_OBJECT)

static void
version_count_clear (gpointer data)
{
  VersionCount *vc = data;
  g_free (vc->version);
}

static void
ota_module_finalize (GObject *object)
{
  OtaModule *self = OTA_MODULE (object);

  g_free (self->product_key);
  g_free (self->name);
  g_array_unref (self->versions);

  G_OBJECT_CLASS (ota_module_parent_class)->finalize (object);
}

static void
ota_module_class_init (OtaModuleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_module_finalize;
}

static void
ota_module_init (OtaModule *self)
{
  self->versions = g_array_new (FALSE, FALSE, sizeof (VersionCount));
  g_array_set_clear_func (self->versions, version_count_clear);
}

OtaModule *
ota_module_new (const char *product_key,
                const char *name)
{
  OtaModule *self = g_object_new (OTA_TYPE_MODULE, NULL);

  self->product_key = g_strdup (product_key);
  self->name = g_strdup (name);
  return self;
}

void
ota_module_add_version (OtaModule  *self,
                        const char *version,
                        guint64     devices)
{
  VersionCount vc = { g_strdup (version), devices };

  g_return_if_fail (OTA_IS_MODULE (self));

  g_array_append_val (self->versions, vc);
  self->device_count += devices;
}

const char *
ota_module_get_product_key (OtaModule *self)
{
  g_return_val_if_fail (OTA_IS_MODULE (self), NULL);
  return self->product_key;
}

const char *
ota_module_get_name (OtaModule *self)
{
  g_return_val_if_fail (OTA_IS_MODULE (self), NULL);
  return self->name;
}

guint
ota_module_get_n_versions (OtaModule *self)
{
  g_return_val_if_fail (OTA_IS_MODULE (self), 0);
  return self->versions->len;
}

const char *
ota_module_get_version (OtaModule *self,
                        guint      index)
{
  g_return_val_if_fail (OTA_IS_MODULE (self), NULL);
  g_return_val_if_fail (index < self->versions->len, NULL);
  return g_array_index (self->versions, VersionCount, index).version;
}

guint64
ota_module_get_version_devices (OtaModule *self,
                                guint      index)
{
  g_return_val_if_fail (OTA_IS_MODULE (self), 0);
  g_return_val_if_fail (index < self->versions->len, 0);
  return g_array_index (self->versions, VersionCount, index).devices;
}

guint64
ota_module_get_device_count (OtaModule *self)
{
  g_return_val_if_fail (OTA_IS_MODULE (self), 0);
  return self->device_count;
}
