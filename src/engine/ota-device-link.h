/* ota-device-link.h — where the engine sends upgrade notices (R-E4)
 *
 * The engine decides when a device gets a notice; a link delivers it: the server over
 * MQTT, the simulator to its simulated devices, a test to a list. Notices are handed
 * over only after the change that made them was committed.
 */
#pragma once

#include <glib-object.h>

#include "ota-types.h"

G_BEGIN_DECLS

typedef struct {
  gint64            task_id;
  gint64            batch_id;
  gint64            firmware_id;
  char             *product_key;
  char             *device_name;
  char             *module;
  char             *version;          /* the target version */
  guint64           size;
  char             *digest;           /* hex */
  OtaSignAlgorithm  sign_algorithm;
  gboolean          is_diff;
  char             *signature;        /* nullable: base64, secure upgrade (R-P3) */
  guint             try_number;       /* 1 for the first notice, 2 for the first retry … */
  gint64            sent_at;          /* the engine's time when it was sent */
} OtaUpgradeNotice;

#define OTA_TYPE_UPGRADE_NOTICE (ota_upgrade_notice_get_type ())
GType             ota_upgrade_notice_get_type (void) G_GNUC_CONST;
OtaUpgradeNotice *ota_upgrade_notice_copy     (const OtaUpgradeNotice *notice);
void              ota_upgrade_notice_free     (OtaUpgradeNotice       *notice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaUpgradeNotice, ota_upgrade_notice_free)

#define OTA_TYPE_DEVICE_LINK (ota_device_link_get_type ())
G_DECLARE_INTERFACE (OtaDeviceLink, ota_device_link, OTA, DEVICE_LINK, GObject)

struct _OtaDeviceLinkInterface
{
  GTypeInterface parent_iface;

  void (*send_notice) (OtaDeviceLink          *self,
                       const OtaUpgradeNotice *notice);
};

void ota_device_link_send_notice (OtaDeviceLink          *self,
                                  const OtaUpgradeNotice *notice);

G_END_DECLS
