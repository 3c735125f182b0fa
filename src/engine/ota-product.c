/* ota-product.c — a product snapshot with read-only properties for binding */
#include "ota-enum-types.h"
#include "ota-product.h"

struct _OtaProduct
{
  GObject         parent_instance;

  char           *key;
  char           *name;
  OtaProjectType  project_type;
  OtaNetworkType  network_type;
  gboolean        alios_things;
  gboolean        android_sdk;
  gboolean        secure_upgrade;
  char           *public_key;
  guint64         device_count;
  gint64          created_at;
};

G_DEFINE_FINAL_TYPE (OtaProduct, ota_product, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_NAME,
  PROP_PROJECT_TYPE,
  PROP_NETWORK_TYPE,
  PROP_ALIOS_THINGS,
  PROP_ANDROID_SDK,
  PROP_SECURE_UPGRADE,
  PROP_PUBLIC_KEY,
  PROP_DEVICE_COUNT,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ota_product_finalize (GObject *object)
{
  OtaProduct *self = OTA_PRODUCT (object);

  g_free (self->key);
  g_free (self->name);
  g_free (self->public_key);

  G_OBJECT_CLASS (ota_product_parent_class)->finalize (object);
}

static void
ota_product_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  OtaProduct *self = OTA_PRODUCT (object);

  switch (prop_id)
    {
    case PROP_KEY:            g_value_set_string (value, self->key); break;
    case PROP_NAME:           g_value_set_string (value, self->name); break;
    case PROP_PROJECT_TYPE:   g_value_set_enum (value, self->project_type); break;
    case PROP_NETWORK_TYPE:   g_value_set_enum (value, self->network_type); break;
    case PROP_ALIOS_THINGS:   g_value_set_boolean (value, self->alios_things); break;
    case PROP_ANDROID_SDK:    g_value_set_boolean (value, self->android_sdk); break;
    case PROP_SECURE_UPGRADE: g_value_set_boolean (value, self->secure_upgrade); break;
    case PROP_PUBLIC_KEY:     g_value_set_string (value, self->public_key); break;
    case PROP_DEVICE_COUNT:   g_value_set_uint64 (value, self->device_count); break;
    case PROP_CREATED_AT:     g_value_set_int64 (value, self->created_at); break;
    default:                  G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_product_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  OtaProduct *self = OTA_PRODUCT (object);

  /* Construct-only: a snapshot never changes after the engine made it. */
  switch (prop_id)
    {
    case PROP_KEY:            self->key = g_value_dup_string (value); break;
    case PROP_NAME:           self->name = g_value_dup_string (value); break;
    case PROP_PROJECT_TYPE:   self->project_type = g_value_get_enum (value); break;
    case PROP_NETWORK_TYPE:   self->network_type = g_value_get_enum (value); break;
    case PROP_ALIOS_THINGS:   self->alios_things = g_value_get_boolean (value); break;
    case PROP_ANDROID_SDK:    self->android_sdk = g_value_get_boolean (value); break;
    case PROP_SECURE_UPGRADE: self->secure_upgrade = g_value_get_boolean (value); break;
    case PROP_PUBLIC_KEY:     self->public_key = g_value_dup_string (value); break;
    case PROP_DEVICE_COUNT:   self->device_count = g_value_get_uint64 (value); break;
    case PROP_CREATED_AT:     self->created_at = g_value_get_int64 (value); break;
    default:                  G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_product_class_init (OtaProductClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ota_product_finalize;
  object_class->get_property = ota_product_get_property;
  object_class->set_property = ota_product_set_property;

  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_PROJECT_TYPE] =
    g_param_spec_enum ("project-type", NULL, NULL, OTA_TYPE_PROJECT_TYPE,
                       OTA_PROJECT_TYPE_OWN_BRAND, flags);
  properties[PROP_NETWORK_TYPE] =
    g_param_spec_enum ("network-type", NULL, NULL, OTA_TYPE_NETWORK_TYPE,
                       OTA_NETWORK_TYPE_WIFI, flags);
  properties[PROP_ALIOS_THINGS] = g_param_spec_boolean ("alios-things", NULL, NULL, FALSE, flags);
  properties[PROP_ANDROID_SDK] = g_param_spec_boolean ("android-sdk", NULL, NULL, FALSE, flags);
  properties[PROP_SECURE_UPGRADE] = g_param_spec_boolean ("secure-upgrade", NULL, NULL, FALSE, flags);
  properties[PROP_PUBLIC_KEY] = g_param_spec_string ("public-key", NULL, NULL, NULL, flags);
  properties[PROP_DEVICE_COUNT] =
    g_param_spec_uint64 ("device-count", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ota_product_init (OtaProduct *self)
{
}

const char *
ota_product_get_key (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), NULL);
  return self->key;
}

const char *
ota_product_get_name (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), NULL);
  return self->name;
}

OtaProjectType
ota_product_get_project_type (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), 0);
  return self->project_type;
}

OtaNetworkType
ota_product_get_network_type (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), 0);
  return self->network_type;
}

gboolean
ota_product_get_alios_things (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), FALSE);
  return self->alios_things;
}

gboolean
ota_product_get_android_sdk (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), FALSE);
  return self->android_sdk;
}

gboolean
ota_product_get_secure_upgrade (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), FALSE);
  return self->secure_upgrade;
}

const char *
ota_product_get_public_key (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), NULL);
  return self->public_key;
}

guint64
ota_product_get_device_count (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), 0);
  return self->device_count;
}

gint64
ota_product_get_created_at (OtaProduct *self)
{
  g_return_val_if_fail (OTA_IS_PRODUCT (self), 0);
  return self->created_at;
}
