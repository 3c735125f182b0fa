/* ota-audit-entry.c — an audit log snapshot with read-only properties for binding */
#include "ota-audit-entry.h"

struct _OtaAuditEntry
{
  GObject  parent_instance;

  gint64   id;
  gint64   at;
  char    *actor;
  char    *action;
  char    *params;
};

G_DEFINE_FINAL_TYPE (OtaAuditEntry, ota_audit_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_AT,
  PROP_ACTOR,
  PROP_ACTION,
  PROP_PARAMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ota_audit_entry_finalize (GObject *object)
{
  OtaAuditEntry *self = OTA_AUDIT_ENTRY (object);

  g_free (self->actor);
  g_free (self->action);
  g_free (self->params);

  G_OBJECT_CLASS (ota_audit_entry_parent_class)->finalize (object);
}

static void
ota_audit_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  OtaAuditEntry *self = OTA_AUDIT_ENTRY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_AT:
      g_value_set_int64 (value, self->at);
      break;
    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;
    case PROP_ACTION:
      g_value_set_string (value, self->action);
      break;
    case PROP_PARAMS:
      g_value_set_string (value, self->params);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_audit_entry_class_init (OtaAuditEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ota_audit_entry_finalize;
  object_class->get_property = ota_audit_entry_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AT] =
    g_param_spec_int64 ("at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTION] =
    g_param_spec_string ("action", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARAMS] =
    g_param_spec_string ("params", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ota_audit_entry_init (OtaAuditEntry *self)
{
}

OtaAuditEntry *
ota_audit_entry_new (gint64      id,
                     gint64      at,
                     const char *actor,
                     const char *action,
                     const char *params)
{
  OtaAuditEntry *self = g_object_new (OTA_TYPE_AUDIT_ENTRY, NULL);

  self->id = id;
  self->at = at;
  self->actor = g_strdup (actor);
  self->action = g_strdup (action);
  self->params = g_strdup (params);

  return self;
}

gint64
ota_audit_entry_get_id (OtaAuditEntry *self)
{
  g_return_val_if_fail (OTA_IS_AUDIT_ENTRY (self), 0);
  return self->id;
}

gint64
ota_audit_entry_get_at (OtaAuditEntry *self)
{
  g_return_val_if_fail (OTA_IS_AUDIT_ENTRY (self), 0);
  return self->at;
}

const char *
ota_audit_entry_get_actor (OtaAuditEntry *self)
{
  g_return_val_if_fail (OTA_IS_AUDIT_ENTRY (self), NULL);
  return self->actor;
}

const char *
ota_audit_entry_get_action (OtaAuditEntry *self)
{
  g_return_val_if_fail (OTA_IS_AUDIT_ENTRY (self), NULL);
  return self->action;
}

const char *
ota_audit_entry_get_params (OtaAuditEntry *self)
{
  g_return_val_if_fail (OTA_IS_AUDIT_ENTRY (self), NULL);
  return self->params;
}
