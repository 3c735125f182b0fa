/* ota-batch.c — a batch snapshot */
#include "ota-batch.h"

struct _OtaBatch
{
  GObject         parent_instance;
  OtaBatchFields  f;       /* strings below are owned copies */
  GStrv           source_versions;
};

G_DEFINE_FINAL_TYPE (OtaBatch, ota_batch, G_TYPE_OBJECT)

static void
ota_batch_finalize (GObject *object)
{
  OtaBatch *self = OTA_BATCH (object);

  g_strfreev (self->source_versions);

  G_OBJECT_CLASS (ota_batch_parent_class)->finalize (object);
}

static void
ota_batch_class_init (OtaBatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_batch_finalize;
}

static void
ota_batch_init (OtaBatch *self)
{
}

OtaBatch *
ota_batch_new (const OtaBatchFields *fields)
{
  OtaBatch *self = g_object_new (OTA_TYPE_BATCH, NULL);

  self->f = *fields;
  self->source_versions = g_strdupv ((GStrv) fields->source_versions);
  if (self->source_versions == NULL)
    self->source_versions = g_new0 (char *, 1);
  self->f.source_versions = (const char * const *) self->source_versions;

  return self;
}

#define GETTER(type, name, field) \
  type \
  ota_batch_get_##name (OtaBatch *self) \
  { \
    g_return_val_if_fail (OTA_IS_BATCH (self), 0); \
    return self->f.field; \
  }

GETTER (gint64, id, id)
GETTER (gint64, firmware_id, firmware_id)
GETTER (OtaBatchKind, kind, kind)
GETTER (OtaBatchStrategy, strategy, strategy)
GETTER (OtaBatchScope, scope, scope)
GETTER (guint, gray_percent, gray_percent)
GETTER (gboolean, app_confirm, app_confirm)
GETTER (gint64, schedule_start, schedule_start)
GETTER (gint64, schedule_end, schedule_end)
GETTER (guint, push_rate, push_rate)
GETTER (OtaRetryInterval, retry_interval, retry_interval)
GETTER (guint, retry_limit, retry_limit)
GETTER (guint, timeout_minutes, timeout_minutes)
GETTER (gboolean, overwrite, overwrite)
GETTER (gboolean, only_new_reports, only_new_reports)
GETTER (gboolean, sources_named, sources_named)
GETTER (OtaBatchState, state, state)
GETTER (gint64, created_at, created_at)
GETTER (gint64, started_at, started_at)
GETTER (gint64, ended_at, ended_at)
GETTER (guint64, enrolling, enrolling)

#undef GETTER

const char * const *
ota_batch_get_source_versions (OtaBatch *self)
{
  g_return_val_if_fail (OTA_IS_BATCH (self), NULL);
  return self->f.source_versions;
}

guint64
ota_batch_get_count (OtaBatch      *self,
                     OtaTaskStatus  status)
{
  g_return_val_if_fail (OTA_IS_BATCH (self), 0);
  g_return_val_if_fail (status < OTA_N_TASK_STATUSES, 0);
  return self->f.counts[status];
}

guint64
ota_batch_get_total (OtaBatch *self)
{
  guint64 total = 0;

  g_return_val_if_fail (OTA_IS_BATCH (self), 0);

  for (guint i = 0; i < OTA_N_TASK_STATUSES; i++)
    total += self->f.counts[i];
  return total;
}

double
ota_batch_get_progress (OtaBatch *self)
{
  guint64 total = ota_batch_get_total (self);
  guint64 ended;

  if (total == 0)
    return self->f.state == OTA_BATCH_STATE_FINISHED || self->f.state == OTA_BATCH_STATE_CANCELLED ? 1.0 : 0.0;

  ended = self->f.counts[OTA_TASK_STATUS_SUCCEEDED] +
          self->f.counts[OTA_TASK_STATUS_FAILED] +
          self->f.counts[OTA_TASK_STATUS_CANCELLED];
  return (double) ended / (double) (total + self->f.enrolling);
}
