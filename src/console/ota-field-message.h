/* ota-field-message.h — a validation message shown right under a form row
 *
 * A list box row of its own (in the same boxed list, after the row it is about) that is
 * hidden while there is nothing to say; while a message shows, the row it is about gets
 * the "error" style. Forms show the rule's message from ota_validate_*() or from the
 * engine's error for the field (ota_error_get_field()).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OTA_TYPE_FIELD_MESSAGE (ota_field_message_get_type ())
G_DECLARE_FINAL_TYPE (OtaFieldMessage, ota_field_message, OTA, FIELD_MESSAGE, GtkListBoxRow)

GtkWidget  *ota_field_message_new       (void);
/* @row (nullable): the row the message is about. */
void        ota_field_message_set_row   (OtaFieldMessage *self,
                                         GtkWidget       *row);
GtkWidget  *ota_field_message_get_row   (OtaFieldMessage *self);
/* @text (nullable): NULL or "" hides the message. */
void        ota_field_message_set_text  (OtaFieldMessage *self,
                                         const char      *text);
/* @error (nullable): its message, or nothing. */
void        ota_field_message_set_error (OtaFieldMessage *self,
                                         const GError    *error);
/* (nullable): the message shown, NULL when none. */
const char *ota_field_message_get_text  (OtaFieldMessage *self);

G_END_DECLS
