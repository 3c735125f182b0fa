/* ota-audit-entry.h — one line of the audit log: who did what, when, with which options */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define OTA_TYPE_AUDIT_ENTRY (ota_audit_entry_get_type ())
G_DECLARE_FINAL_TYPE (OtaAuditEntry, ota_audit_entry, OTA, AUDIT_ENTRY, GObject)

/* For the engine: a snapshot of one row. */
OtaAuditEntry *ota_audit_entry_new        (gint64      id,
                                           gint64      at,
                                           const char *actor,
                                           const char *action,
                                           const char *params);

gint64         ota_audit_entry_get_id     (OtaAuditEntry *self);
/* µs since the Unix epoch, from the engine's clock. */
gint64         ota_audit_entry_get_at     (OtaAuditEntry *self);
const char    *ota_audit_entry_get_actor  (OtaAuditEntry *self);
/* "product.add", "batch.create", … */
const char    *ota_audit_entry_get_action (OtaAuditEntry *self);
/* The options of the action: an a{sv} in GVariant text form. */
const char    *ota_audit_entry_get_params (OtaAuditEntry *self);

G_END_DECLS
