/* otactl-audit.c — "otactl audit": who did what, when, with which options */
#include "otactl-private.h"

/* The stored a{sv} text as a JSON object; the text itself if it does not parse. */
static JsonNode *
params_to_json (const char *text)
{
  g_autoptr(GVariant) params = text != NULL ? g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, NULL)
                                            : NULL;
  JsonNode *node;

  if (params != NULL)
    return json_gvariant_serialize (params);

  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text != NULL ? text : "");
  return node;
}

/* "batch=2 firmware=1 source-versions=['1.0.0']": the options without GVariant's types. */
static char *
params_to_text (const char *text)
{
  g_autoptr(GVariant) params = text != NULL ? g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, NULL)
                                            : NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (params == NULL)
    return g_strdup (text != NULL ? text : "");

  g_variant_iter_init (&iter, params);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autofree char *shown = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                               ? g_variant_dup_string (value, NULL) : g_variant_print (value, FALSE);

      g_string_append_printf (out, "%s%s=%s", out->len > 0 ? " " : "", key, shown);
      g_variant_unref (value);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
otactl_audit_run (Otactl  *ctl,
                  int      argc,
                  char   **argv,
                  GError **error)
{
  int offset = 0, limit = 50;
  const GOptionEntry entries[] = {
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip the newest N entries"), N_("N") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N entries (0: all; default 50)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    otactl_option_context_new (ctl, "audit", NULL,
                               _("List the operators’ actions, newest first: when, who, the action "
                                 "and its options."), entries);
  g_autoptr(GPtrArray) entries_found = NULL;
  g_autoptr(OtactlTable) table = NULL;
  guint64 total = 0;
  OtaBackend *backend;

  if (!otactl_parse (context, &argc, &argv, 0, 0, error))
    return FALSE;
  if (offset < 0 || limit < 0)
    return otactl_usage_error (error, _("--offset and --limit must not be negative"));

  if ((backend = otactl_get_backend (ctl, error)) == NULL)
    return FALSE;
  ota_backend_list_audit_async (backend, (guint) offset, (guint) limit, OTACTL_ASYNC (ctl));
  if ((entries_found = ota_backend_list_audit_finish (backend, otactl_await (ctl), &total, error)) == NULL)
    return FALSE;

  if (ctl->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, (gint64) total);
      json_builder_set_member_name (builder, "entries");
      json_builder_begin_array (builder);
      for (guint i = 0; i < entries_found->len; i++)
        {
          OtaAuditEntry *entry = g_ptr_array_index (entries_found, i);
          g_autofree char *at = otactl_format_time_iso (ota_audit_entry_get_at (entry));

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, ota_audit_entry_get_id (entry));
          json_builder_set_member_name (builder, "at");
          json_builder_add_string_value (builder, at);
          json_builder_set_member_name (builder, "actor");
          json_builder_add_string_value (builder, ota_audit_entry_get_actor (entry));
          json_builder_set_member_name (builder, "action");
          json_builder_add_string_value (builder, ota_audit_entry_get_action (entry));
          json_builder_set_member_name (builder, "params");
          json_builder_add_value (builder, params_to_json (ota_audit_entry_get_params (entry)));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      otactl_print_json (json_builder_get_root (builder));
      return TRUE;
    }

  table = otactl_table_new (4, _("TIME"), _("ACTOR"), _("ACTION"), _("PARAMETERS"));
  for (guint i = 0; i < entries_found->len; i++)
    {
      OtaAuditEntry *entry = g_ptr_array_index (entries_found, i);
      g_autofree char *at = otactl_format_time (ota_audit_entry_get_at (entry));
      g_autofree char *params = params_to_text (ota_audit_entry_get_params (entry));

      otactl_table_add_row (table, at, ota_audit_entry_get_actor (entry), ota_audit_entry_get_action (entry),
                            params);
    }
  otactl_table_print (table);
  g_print (_("%u of %llu entries\n"), entries_found->len, (unsigned long long) total);
  return TRUE;
}
