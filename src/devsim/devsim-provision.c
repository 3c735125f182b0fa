/* devsim-provision.c — registers the simulated devices with the OTA server
 *
 * A device unknown to the server can log in (the broker derives its secret and needs no
 * list) but its reports are refused. So with --server and --token the fleet is imported
 * first, as a CSV through the HTTP API, on the version it starts on; the product must
 * exist. Importing again only updates the devices.
 */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ota-devsim.h"

/* Trying to reach the server for up to 30 s. */
#define CONNECT_ATTEMPTS 150
#define CONNECT_RETRY_US (200 * 1000)

static char *
fleet_csv (const DevsimConfig *config)
{
  GString *csv = g_string_new ("product,device,province,city,versions,online\r\n");
  const char *module = config->module != NULL ? config->module : "default";

  for (guint i = 0; i < config->n_devices; i++)
    g_string_append_printf (csv, "%s,%s-%05u,,,%s=%s,no\r\n", config->product_key, config->prefix,
                            i + 1, module, config->version);
  return g_string_free (csv, FALSE);
}

/* The server's error message ({"code", "field", "message"}), or the status. */
static char *
describe_failure (SoupMessage *msg,
                  GBytes      *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;
  JsonNode *root;

  if (data != NULL && json_parser_load_from_data (parser, data, (gssize) length, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "message"))
    return g_strdup (json_object_get_string_member (json_node_get_object (root), "message"));

  return g_strdup_printf ("HTTP %u %s", soup_message_get_status (msg), soup_message_get_reason_phrase (msg));
}

static SoupMessage *
new_request (const char *url,
             const char *authorization,
             GBytes     *csv)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, url);

  if (msg == NULL)
    return NULL;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_message_set_request_body_from_bytes (msg, "text/csv", csv);
  return msg;
}

gboolean
devsim_provision (DevsimFleet  *fleet,
                  const char   *server,
                  const char   *token,
                  GError      **error)
{
  g_autofree char *url = g_strconcat (server, g_str_has_suffix (server, "/") ? "" : "/",
                                      "api/v1/devices/import", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  char *text = fleet_csv (&fleet->config);
  g_autoptr(GBytes) csv = g_bytes_new_take (text, strlen (text));
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;

  /* The server may still be starting (the README starts both at once). */
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;

      g_clear_object (&msg);
      msg = new_request (url, authorization, csv);
      if (msg == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a server URL"), server);
          return FALSE;
        }

      body = soup_session_send_and_read (fleet->session, msg, NULL, &local_error);
      if (body != NULL)
        break;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
          attempt >= CONNECT_ATTEMPTS)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_usleep (CONNECT_RETRY_US);
    }

  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_autofree char *why = describe_failure (msg, body);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The server refused the devices: %s"), why);
      return FALSE;
    }

  return TRUE;
}
