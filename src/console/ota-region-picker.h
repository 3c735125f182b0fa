/* ota-region-picker.h — provinces, and optionally cities, for a regional upgrade (R-B9)
 *
 * Lists the regions the product's devices are in, with how many devices each holds. A
 * province can be chosen whole, or some of its cities (loaded when it is expanded).
 * The backend has no call that lists regions: the picker walks the devices sorted by
 * region, one query for the next region and one to count it, so it costs two queries
 * per region and never reads the devices themselves.
 */
#pragma once

#include <adwaita.h>

#include "ota-backend.h"

G_BEGIN_DECLS

/* Regions listed at most (a safety net against a runaway walk). */
#define OTA_REGION_PICKER_MAX_REGIONS 500

#define OTA_TYPE_REGION_PICKER (ota_region_picker_get_type ())
G_DECLARE_FINAL_TYPE (OtaRegionPicker, ota_region_picker, OTA, REGION_PICKER, AdwBin)

GtkWidget  *ota_region_picker_new           (void);
/* Starts listing the provinces of @product_key's devices (once per product). */
void        ota_region_picker_set_product   (OtaRegionPicker *self,
                                             OtaBackend      *backend,
                                             const char      *product_key);
/* Provinces listed so far, and whether the walk is still running. */
guint       ota_region_picker_get_n_provinces (OtaRegionPicker *self);
gboolean    ota_region_picker_get_loading   (OtaRegionPicker *self);
/* (transfer full) (element-type OtaRegion): the chosen regions; their strings are
 * interned (g_intern_string) and stay valid. */
GArray     *ota_region_picker_dup_regions   (OtaRegionPicker *self);
/* Chooses a whole province like a click would; FALSE when it is not listed. */
gboolean    ota_region_picker_choose_province (OtaRegionPicker *self,
                                               const char      *province,
                                               gboolean         chosen);
void        ota_region_picker_set_message   (OtaRegionPicker *self,
                                             const char      *text);
const char *ota_region_picker_get_message   (OtaRegionPicker *self);

G_END_DECLS
