/* ota-task-row.c — a device list row that is filled in when its page arrives */
#include "ota-task-row.h"

#include "ota-labels.h"

struct _OtaTaskRow
{
  GObject        parent_instance;

  OtaTask       *task;
  gboolean       loaded;
  gint64         task_id;
  char          *device_name;
  OtaTaskStatus  status;
  char          *status_label;
  OtaTaskReason  reason;
  guint          progress;
  char          *source_version;
  char          *current_version;
  guint          tries;
  gint64         updated_at;
  char          *updated_text;     /* NULL until asked for (a tooltip's text) */
  char          *detail;
};

G_DEFINE_FINAL_TYPE (OtaTaskRow, ota_task_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_TASK_ID,
  PROP_DEVICE_NAME,
  PROP_STATUS,
  PROP_STATUS_LABEL,
  PROP_REASON,
  PROP_PROGRESS,
  PROP_SOURCE_VERSION,
  PROP_CURRENT_VERSION,
  PROP_TRIES,
  PROP_UPDATED_AT,
  PROP_UPDATED_TEXT,
  PROP_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ota_task_row_dispose (GObject *object)
{
  OtaTaskRow *self = OTA_TASK_ROW (object);

  g_clear_object (&self->task);

  G_OBJECT_CLASS (ota_task_row_parent_class)->dispose (object);
}

static void
ota_task_row_finalize (GObject *object)
{
  OtaTaskRow *self = OTA_TASK_ROW (object);

  g_free (self->device_name);
  g_free (self->status_label);
  g_free (self->source_version);
  g_free (self->current_version);
  g_free (self->updated_text);
  g_free (self->detail);

  G_OBJECT_CLASS (ota_task_row_parent_class)->finalize (object);
}

static void
ota_task_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OtaTaskRow *self = OTA_TASK_ROW (object);

  switch (prop_id)
    {
    case PROP_LOADED:          g_value_set_boolean (value, self->loaded); break;
    case PROP_TASK_ID:         g_value_set_int64 (value, self->task_id); break;
    case PROP_DEVICE_NAME:     g_value_set_string (value, self->device_name); break;
    case PROP_STATUS:          g_value_set_enum (value, self->status); break;
    case PROP_STATUS_LABEL:    g_value_set_string (value, self->status_label); break;
    case PROP_REASON:          g_value_set_enum (value, self->reason); break;
    case PROP_PROGRESS:        g_value_set_uint (value, self->progress); break;
    case PROP_SOURCE_VERSION:  g_value_set_string (value, self->source_version); break;
    case PROP_CURRENT_VERSION: g_value_set_string (value, self->current_version); break;
    case PROP_TRIES:           g_value_set_uint (value, self->tries); break;
    case PROP_UPDATED_AT:      g_value_set_int64 (value, self->updated_at); break;
    case PROP_UPDATED_TEXT:    g_value_set_string (value, ota_task_row_get_updated_text (self)); break;
    case PROP_DETAIL:          g_value_set_string (value, self->detail); break;
    default:                   G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define RO_FLAGS (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
ota_task_row_class_init (OtaTaskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_task_row_dispose;
  object_class->finalize = ota_task_row_finalize;
  object_class->get_property = ota_task_row_get_property;

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, RO_FLAGS);
  properties[PROP_TASK_ID] =
    g_param_spec_int64 ("task-id", NULL, NULL, 0, G_MAXINT64, 0, RO_FLAGS);
  properties[PROP_DEVICE_NAME] =
    g_param_spec_string ("device-name", NULL, NULL, "", RO_FLAGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, OTA_TYPE_TASK_STATUS,
                       OTA_TASK_STATUS_PENDING_CONFIRM, RO_FLAGS);
  properties[PROP_STATUS_LABEL] =
    g_param_spec_string ("status-label", NULL, NULL, "", RO_FLAGS);
  properties[PROP_REASON] =
    g_param_spec_enum ("reason", NULL, NULL, OTA_TYPE_TASK_REASON, OTA_TASK_REASON_NONE, RO_FLAGS);
  properties[PROP_PROGRESS] =
    g_param_spec_uint ("progress", NULL, NULL, 0, 100, 0, RO_FLAGS);
  properties[PROP_SOURCE_VERSION] =
    g_param_spec_string ("source-version", NULL, NULL, "", RO_FLAGS);
  properties[PROP_CURRENT_VERSION] =
    g_param_spec_string ("current-version", NULL, NULL, "", RO_FLAGS);
  properties[PROP_TRIES] =
    g_param_spec_uint ("tries", NULL, NULL, 0, G_MAXUINT, 0, RO_FLAGS);
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, RO_FLAGS);
  properties[PROP_UPDATED_TEXT] =
    g_param_spec_string ("updated-text", NULL, NULL, "", RO_FLAGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, "", RO_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OtaTaskRow::changed:
   *
   * Emitted once after an update that changed anything, after the property
   * notifications. List cells listen to this one signal instead of a notification per
   * property: a page of 200 rows filled at once is then 200 emissions, not thousands.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ota_task_row_init (OtaTaskRow *self)
{
  self->device_name = g_strdup ("");
  self->status_label = g_strdup ("");
  self->source_version = g_strdup ("");
  self->current_version = g_strdup ("");
  self->detail = g_strdup ("");
}

OtaTaskRow *
ota_task_row_new (void)
{
  return g_object_new (OTA_TYPE_TASK_ROW, NULL);
}

/* Takes @value. */
static gboolean
set_string (OtaTaskRow  *self,
            char       **field,
            char        *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return FALSE;
    }

  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

#define SET_SCALAR(field, value, prop) \
  ((self->field != (value)) ? \
   (self->field = (value), g_object_notify_by_pspec (G_OBJECT (self), properties[prop]), TRUE) : \
   FALSE)

static char *
dup_or_empty (const char *text)
{
  return g_strdup (text != NULL ? text : "");
}

gboolean
ota_task_row_update (OtaTaskRow *self,
                     OtaTask    *task)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (OTA_IS_TASK_ROW (self), FALSE);
  g_return_val_if_fail (OTA_IS_TASK (task), FALSE);

  g_set_object (&self->task, task);
  g_object_freeze_notify (G_OBJECT (self));

  changed |= SET_SCALAR (task_id, ota_task_get_id (task), PROP_TASK_ID);
  changed |= set_string (self, &self->device_name, dup_or_empty (ota_task_get_device_name (task)),
                         PROP_DEVICE_NAME);
  changed |= SET_SCALAR (status, ota_task_get_status (task), PROP_STATUS);
  changed |= SET_SCALAR (reason, ota_task_get_reason (task), PROP_REASON);
  changed |= set_string (self, &self->status_label,
                         ota_task_describe_status (ota_task_get_status (task), ota_task_get_reason (task),
                                                   ota_task_get_scheduled_at (task)),
                         PROP_STATUS_LABEL);
  changed |= SET_SCALAR (progress, MIN (ota_task_get_progress (task), 100), PROP_PROGRESS);
  changed |= set_string (self, &self->source_version, dup_or_empty (ota_task_get_source_version (task)),
                         PROP_SOURCE_VERSION);
  changed |= set_string (self, &self->current_version, dup_or_empty (ota_task_get_current_version (task)),
                         PROP_CURRENT_VERSION);
  changed |= SET_SCALAR (tries, ota_task_get_tries (task), PROP_TRIES);
  if (SET_SCALAR (updated_at, ota_task_get_updated_at (task), PROP_UPDATED_AT))
    {
      changed = TRUE;
      /* Formatted when someone asks: a page of rows arrives far more often. */
      g_clear_pointer (&self->updated_text, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_TEXT]);
    }
  changed |= set_string (self, &self->detail, dup_or_empty (ota_task_get_detail (task)), PROP_DETAIL);
  changed |= SET_SCALAR (loaded, TRUE, PROP_LOADED);

  g_object_thaw_notify (G_OBJECT (self));
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return changed;
}

void
ota_task_row_clear (OtaTaskRow *self)
{
  g_return_if_fail (OTA_IS_TASK_ROW (self));

  if (!self->loaded)
    return;

  g_clear_object (&self->task);
  g_object_freeze_notify (G_OBJECT (self));
  (void) SET_SCALAR (task_id, 0, PROP_TASK_ID);
  set_string (self, &self->device_name, g_strdup (""), PROP_DEVICE_NAME);
  (void) SET_SCALAR (status, OTA_TASK_STATUS_PENDING_CONFIRM, PROP_STATUS);
  (void) SET_SCALAR (reason, OTA_TASK_REASON_NONE, PROP_REASON);
  set_string (self, &self->status_label, g_strdup (""), PROP_STATUS_LABEL);
  (void) SET_SCALAR (progress, 0, PROP_PROGRESS);
  set_string (self, &self->source_version, g_strdup (""), PROP_SOURCE_VERSION);
  set_string (self, &self->current_version, g_strdup (""), PROP_CURRENT_VERSION);
  (void) SET_SCALAR (tries, 0, PROP_TRIES);
  if (SET_SCALAR (updated_at, 0, PROP_UPDATED_AT))
    {
      g_clear_pointer (&self->updated_text, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_TEXT]);
    }
  set_string (self, &self->detail, g_strdup (""), PROP_DETAIL);
  (void) SET_SCALAR (loaded, FALSE, PROP_LOADED);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
ota_task_row_get_loaded (OtaTaskRow *self)
{
  g_return_val_if_fail (OTA_IS_TASK_ROW (self), FALSE);
  return self->loaded;
}

OtaTask *
ota_task_row_get_task (OtaTaskRow *self)
{
  g_return_val_if_fail (OTA_IS_TASK_ROW (self), NULL);
  return self->task;
}

#define GETTER(type, field) \
  type \
  ota_task_row_get_##field (OtaTaskRow *self) \
  { \
    g_return_val_if_fail (OTA_IS_TASK_ROW (self), 0); \
    return self->field; \
  }

GETTER (gint64, task_id)
GETTER (const char *, device_name)
GETTER (OtaTaskStatus, status)
GETTER (const char *, status_label)
GETTER (OtaTaskReason, reason)
GETTER (guint, progress)
GETTER (const char *, source_version)
GETTER (const char *, current_version)
GETTER (guint, tries)
GETTER (gint64, updated_at)
GETTER (const char *, detail)

const char *
ota_task_row_get_updated_text (OtaTaskRow *self)
{
  g_return_val_if_fail (OTA_IS_TASK_ROW (self), NULL);

  if (self->updated_text == NULL)
    self->updated_text = self->updated_at > 0 ? ota_format_time (self->updated_at) : g_strdup ("");
  return self->updated_text;
}
