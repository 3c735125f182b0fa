/* ota-demo-catalogue.h — a realistic demo catalogue: products of both project types,
 * thousands of devices across China's provinces, modules with versions in realistic
 * proportions, and a few firmwares per product
 *
 * The same seed gives the same catalogue (products, devices, versions, firmware bytes),
 * so demos, screenshots and tests can rely on it.
 */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

#define OTA_DEMO_DEFAULT_DEVICES 5000
#define OTA_DEMO_MAX_DEVICES     10000000
#define OTA_DEMO_DEFAULT_SEED    1

typedef struct {
  guint   products;
  guint64 devices;
  guint   firmwares;
} OtaDemoSummary;

/* Fills @engine's database, which must hold no product yet (else OTA_ERROR_CONFLICT
 * naming the database). @n_devices are spread over the products. Blocking: it adds
 * firmware files, which hashes them. On failure what was added so far stays. */
gboolean ota_demo_catalogue_fill (OtaEngine       *engine,
                                  guint            n_devices,
                                  guint32          seed,
                                  GCancellable    *cancellable,
                                  OtaDemoSummary  *summary,
                                  GError         **error);

G_END_DECLS
