/* ota-device-link.c — the notice sink interface and the notice record */
#include "ota-device-link.h"

G_DEFINE_INTERFACE (OtaDeviceLink, ota_device_link, G_TYPE_OBJECT)

static void
ota_device_link_default_init (OtaDeviceLinkInterface *iface)
{
}

void
ota_device_link_send_notice (OtaDeviceLink          *self,
                             const OtaUpgradeNotice *notice)
{
  g_return_if_fail (OTA_IS_DEVICE_LINK (self));
  g_return_if_fail (notice != NULL);

  OTA_DEVICE_LINK_GET_IFACE (self)->send_notice (self, notice);
}

OtaUpgradeNotice *
ota_upgrade_notice_copy (const OtaUpgradeNotice *notice)
{
  OtaUpgradeNotice *copy = g_new (OtaUpgradeNotice, 1);

  *copy = *notice;
  copy->product_key = g_strdup (notice->product_key);
  copy->device_name = g_strdup (notice->device_name);
  copy->module = g_strdup (notice->module);
  copy->version = g_strdup (notice->version);
  copy->digest = g_strdup (notice->digest);
  copy->signature = g_strdup (notice->signature);
  return copy;
}

void
ota_upgrade_notice_free (OtaUpgradeNotice *notice)
{
  if (notice == NULL)
    return;

  g_free (notice->product_key);
  g_free (notice->device_name);
  g_free (notice->module);
  g_free (notice->version);
  g_free (notice->digest);
  g_free (notice->signature);
  g_free (notice);
}

G_DEFINE_BOXED_TYPE (OtaUpgradeNotice, ota_upgrade_notice,
                     ota_upgrade_notice_copy, ota_upgrade_notice_free)
