/* ota-task.c — a task snapshot */
#include "ota-task.h"

struct _OtaTask
{
  GObject        parent_instance;
  OtaTaskFields  f;   /* strings point into the owned copies below */
  char          *device_name;
  char          *detail;
  char          *source_version;
  char          *current_version;
};

G_DEFINE_FINAL_TYPE (OtaTask, ota_task, G_TYPE_OBJECT)

static void
ota_task_finalize (GObject *object)
{
  OtaTask *self = OTA_TASK (object);

  g_free (self->device_name);
  g_free (self->detail);
  g_free (self->source_version);
  g_free (self->current_version);

  G_OBJECT_CLASS (ota_task_parent_class)->finalize (object);
}

static void
ota_task_class_init (OtaTaskClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ota_task_finalize;
}

static void
ota_task_init (OtaTask *self)
{
}

OtaTask *
ota_task_new (const OtaTaskFields *fields)
{
  OtaTask *self = g_object_new (OTA_TYPE_TASK, NULL);

  self->f = *fields;
  self->f.device_name = self->device_name = g_strdup (fields->device_name);
  self->f.detail = self->detail = g_strdup (fields->detail);
  self->f.source_version = self->source_version = g_strdup (fields->source_version);
  self->f.current_version = self->current_version = g_strdup (fields->current_version);

  return self;
}

#define GETTER(type, field) \
  type \
  ota_task_get_##field (OtaTask *self) \
  { \
    g_return_val_if_fail (OTA_IS_TASK (self), 0); \
    return self->f.field; \
  }

GETTER (gint64, id)
GETTER (gint64, batch_id)
GETTER (gint64, device_id)
GETTER (const char *, device_name)
GETTER (OtaTaskStatus, status)
GETTER (OtaTaskReason, reason)
GETTER (int, error_code)
GETTER (const char *, detail)
GETTER (guint, progress)
GETTER (const char *, source_version)
GETTER (const char *, current_version)
GETTER (guint, tries)
GETTER (gint64, scheduled_at)
GETTER (gboolean, retry_pending)
GETTER (OtaTaskReason, last_reason)
GETTER (gint64, created_at)
GETTER (gint64, updated_at)

#undef GETTER
