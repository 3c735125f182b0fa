/* ota-rollout-match-private.h — what the matching files share: the statement parameters,
 * the batch's matching rules, and the SQL that selects its devices
 * (ota-rollout-match.c; counting in ota-rollout-count.c, dynamic batches in
 * ota-rollout-dynamic.c)
 */
#pragma once

#include "ota-rollout-private.h"

G_BEGIN_DECLS

/* Parameters of every matching statement. */
enum {
  P_BATCH = 1,
  P_FIRMWARE,
  P_PRODUCT,
  P_MODULE,
  P_CREATED_AT,
  P_DEVICE,
  P_LIMIT,
  P_STATUS,
  P_PUSH,
  P_REASON,
  P_NOW,
  P_AFTER,
  P_UPTO,
  P_CUTOFF,
  P_LAST,
};

/* What a matching statement adds to the batch's own conditions. */
typedef enum {
  MATCH_BY_NAME = 1 << 0,   /* walk the product's devices in name order (else by id) */
  MATCH_AFTER   = 1 << 1,   /* device names after ?P_AFTER */
  MATCH_UPTO    = 1 << 2,   /* device names up to ?P_UPTO */
  MATCH_LAST    = 1 << 3,   /* device ids up to ?P_LAST */
  MATCH_GRAY    = 1 << 4,   /* gray: within the cutoff (R-B10) */
  MATCH_DEVICE  = 1 << 5,   /* only device ?P_DEVICE */
} MatchFlags;

/* R-B10's deterministic spread order; the same expression orders and cuts. */
#define SPREAD_SQL(id) "((" id " * 2654435761) % 4294967296)"

typedef struct {
  gint64            id;
  gint64            firmware_id;
  OtaBatchStrategy  strategy;
  OtaBatchScope     scope;
  guint             gray_percent;
  gboolean          app_confirm;
  gboolean          overwrite;
  gboolean          only_new_reports;
  gint64            schedule_start;
  gint64            created_at;
  gint64            gray_cutoff;   /* gray: the last device in the spread order; 0: none */
  char             *product_key;
  char             *module;
} BatchInfo;

static inline void
ota_match_batch_info_clear (BatchInfo *info)
{
  g_clear_pointer (&info->product_key, g_free);
  g_clear_pointer (&info->module, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BatchInfo, ota_match_batch_info_clear)

typedef struct {
  gint64        device_id;
  char         *version;
  gboolean      online;
  OtaTaskStatus busy_status;
} Busy;

/* The flags of a range, walked in name order or, when @by_name is FALSE (order does not
 * matter, only the id bound applies), in id order. */
MatchFlags ota_match_range_flags     (const OtaMatchRange  *range,
                                      gboolean              by_name);

gboolean   ota_match_read_batch_info (OtaEngine            *self,
                                      gint64                batch_id,
                                      BatchInfo            *info,
                                      GError              **error);

/* Appends the conditions a device `d` with its version row `v` for the firmware's module
 * must meet to match the batch, and what @flags add. */
void       ota_match_append_filter   (GString              *sql,
                                      const BatchInfo      *info,
                                      MatchFlags            flags);

/* SELECT @columns FROM the matching devices (FROM devices d CROSS JOIN device_versions
 * v), with @tail (nullable) after the conditions. */
char      *ota_match_sql             (const BatchInfo      *info,
                                      const char           *columns,
                                      MatchFlags            flags,
                                      const char           *tail);

/* Binds the batch's rules and @range to a matching statement. */
void       ota_match_bind            (sqlite3_stmt         *stmt,
                                      const BatchInfo      *info,
                                      const OtaMatchRange  *range);

/* (element-type Busy): the matching devices in @range with an unfinished task in another
 * batch (R-B15); @by_name: a chunk of the devices, else the whole product. */
GArray    *ota_match_list_busy       (OtaEngine            *self,
                                      const BatchInfo      *info,
                                      const OtaMatchRange  *range,
                                      gboolean              by_name,
                                      GError              **error);

/* ota_rollout_enroll_device() with the batch's rules read already. */
gboolean   ota_match_enroll          (OtaEngine            *self,
                                      const BatchInfo      *info,
                                      gint64                device_id,
                                      const char           *source_version,
                                      gint64                now,
                                      GError              **error);

G_END_DECLS
