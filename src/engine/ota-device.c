/* ota-device.c — a device snapshot */
#include <string.h>

#include "ota-device.h"

struct _OtaDevice
{
  GObject     parent_instance;

  gint64      id;
  char       *product_key;
  char       *name;
  char       *province;
  char       *city;
  gboolean    online;
  GHashTable *versions;
  gint64      created_at;
  gint64      updated_at;
};

G_DEFINE_FINAL_TYPE (OtaDevice, ota_device, G_TYPE_OBJECT)

static void
ota_device_finalize (GObject *object)
{
  OtaDevice *self = OTA_DEVICE (object);

  g_free (self->product_key);
  g_free (self->name);
  g_free (self->province);
  g_free (self->city);
  g_clear_pointer (&self->versions, g_hash_table_unref);

  G_OBJECT_CLASS (ota_device_parent_class)->finalize (object);
}

static void
ota_device_class_init (OtaDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_device_finalize;
}

static void
ota_device_init (OtaDevice *self)
{
}

OtaDevice *
ota_device_new (gint64      id,
                const char *product_key,
                const char *name,
                const char *province,
                const char *city,
                gboolean    online,
                GHashTable *versions,
                gint64      created_at,
                gint64      updated_at)
{
  OtaDevice *self = g_object_new (OTA_TYPE_DEVICE, NULL);

  self->id = id;
  self->product_key = g_strdup (product_key);
  self->name = g_strdup (name);
  self->province = g_strdup (province != NULL ? province : "");
  self->city = g_strdup (city != NULL ? city : "");
  self->online = online;
  self->versions = versions != NULL ? versions
                                    : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->created_at = created_at;
  self->updated_at = updated_at;

  return self;
}

gint64
ota_device_get_id (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), 0);
  return self->id;
}

const char *
ota_device_get_product_key (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), NULL);
  return self->product_key;
}

const char *
ota_device_get_name (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), NULL);
  return self->name;
}

const char *
ota_device_get_province (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), NULL);
  return self->province;
}

const char *
ota_device_get_city (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), NULL);
  return self->city;
}

gboolean
ota_device_get_online (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), FALSE);
  return self->online;
}

const char *
ota_device_get_version (OtaDevice  *self,
                        const char *module)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), NULL);
  return g_hash_table_lookup (self->versions, module != NULL ? module : "default");
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

GStrv
ota_device_dup_modules (OtaDevice *self)
{
  GHashTableIter iter;
  gpointer module;
  g_autoptr(GPtrArray) modules = g_ptr_array_new ();

  g_return_val_if_fail (OTA_IS_DEVICE (self), NULL);

  g_hash_table_iter_init (&iter, self->versions);
  while (g_hash_table_iter_next (&iter, &module, NULL))
    g_ptr_array_add (modules, g_strdup (module));

  g_ptr_array_sort (modules, compare_strings);
  g_ptr_array_add (modules, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&modules), FALSE);
}

char *
ota_device_format_versions (OtaDevice *self)
{
  g_auto(GStrv) modules = ota_device_dup_modules (self);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; modules[i] != NULL; i++)
    g_string_append_printf (out, "%s%s=%s", i > 0 ? ";" : "", modules[i],
                            (const char *) g_hash_table_lookup (self->versions, modules[i]));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gint64
ota_device_get_created_at (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), 0);
  return self->created_at;
}

gint64
ota_device_get_updated_at (OtaDevice *self)
{
  g_return_val_if_fail (OTA_IS_DEVICE (self), 0);
  return self->updated_at;
}
