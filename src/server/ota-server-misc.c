/* ota-server-misc.c — the audit log, the clock, the event stream's route, and helpers
 * the resource files share */
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ota-json-private.h"
#include "ota-server-private.h"

#define ENGINE(request) ((request)->server->engine)

gboolean
ota_request_reply_file (OtaRequest    *request,
                        const char    *type,
                        const char    *file_name,
                        OtaWriteFunc   write,
                        GError       **error)
{
  g_autofree char *template = g_build_filename (request->server->blob_dir, ".server-export-XXXXXX", NULL);
  g_autoptr(GOutputStream) raw = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GBytes) contents = NULL;
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (template, O_RDWR, 0600);
  if (fd < 0)
    {
      ota_error_set_field (error, OTA_ERROR_IO, NULL, _("Cannot make a temporary file: %s"),
                           g_strerror (errno));
      return FALSE;
    }

  raw = g_unix_output_stream_new (fd, TRUE);
  stream = g_buffered_output_stream_new_sized (raw, 64 * 1024);
  ok = write (request, stream, error) && g_output_stream_close (stream, NULL, error);
  if (ok)
    contents = ota_server_map_file (template, error);
  /* The mapping keeps the contents readable after the name is gone. */
  g_unlink (template);
  if (contents == NULL)
    return FALSE;

  request->status = SOUP_STATUS_OK;
  request->content_type = g_strdup_printf ("%s; charset=utf-8", type);
  request->disposition = g_strdup_printf ("attachment; filename=\"%s\"", file_name);
  request->bytes = g_steal_pointer (&contents);
  return TRUE;
}

char *
ota_server_dup_firmware_product (OtaServer *self,
                                 gint64     firmware_id)
{
  g_autoptr(OtaFirmware) firmware = ota_engine_get_firmware (self->engine, firmware_id, NULL);

  return firmware != NULL ? g_strdup (ota_firmware_get_product_key (firmware)) : NULL;
}

/* Query parameters: offset, limit (0: all). */
static gboolean
list_audit (OtaRequest  *request,
            GError     **error)
{
  const char *offset_text = request->query != NULL ? g_hash_table_lookup (request->query, "offset") : NULL;
  const char *limit_text = request->query != NULL ? g_hash_table_lookup (request->query, "limit") : NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint offset = 0, limit = 0;
  guint64 total = 0;

  if ((offset_text != NULL && !ota_json_parse_uint ("offset", offset_text, &offset, error)) ||
      (limit_text != NULL && !ota_json_parse_uint ("limit", limit_text, &limit, error)))
    return FALSE;

  entries = ota_engine_list_audit (ENGINE (request), offset, limit, &total, error);
  if (entries == NULL)
    return FALSE;
  ota_request_reply_json (request, SOUP_STATUS_OK,
                          ota_json_from_page (entries, total, (OtaJsonFromFunc) ota_json_from_audit_entry));
  return TRUE;
}

static gboolean
run_due (OtaRequest  *request,
         GError     **error)
{
  if (!ota_server_scheduler_run_due (request->server, error))
    return FALSE;
  request->status = SOUP_STATUS_NO_CONTENT;
  return TRUE;
}

/* Body: {"delta_us": N}. Only for a server on a manual clock (demos, tests). */
static gboolean
advance_clock (OtaRequest  *request,
               GError     **error)
{
  static const char * const members[] = { "delta_us", NULL };
  OtaClock *clock = ota_engine_get_clock (ENGINE (request));
  g_autoptr(JsonNode) body = NULL;
  JsonObject *object;
  gint64 delta = 0;

  if (!OTA_IS_MANUAL_CLOCK (clock))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The server runs on real time: its clock cannot be moved"));
      return FALSE;
    }
  if ((body = ota_request_parse_body (request, error)) == NULL ||
      (object = ota_json_require_object (body, _("The request body"), error)) == NULL ||
      !ota_json_check_members (object, members, error) ||
      !ota_json_get_int (object, "delta_us", TRUE, &delta, error))
    return FALSE;
  if (delta < 0)
    {
      ota_json_set_member_error (error, "delta_us", _("“%s” must not be negative"), "delta_us");
      return FALSE;
    }

  ota_manual_clock_advance (OTA_MANUAL_CLOCK (clock), delta);
  if (!ota_server_scheduler_run_due (request->server, error))
    return FALSE;
  request->status = SOUP_STATUS_NO_CONTENT;
  return TRUE;
}

/* The cheapest authenticated call: a client checks its address and token with it. */
static gboolean
whoami (OtaRequest  *request,
        GError     **error)
{
  OtaClock *clock = ota_engine_get_clock (ENGINE (request));
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, request->actor);
  json_builder_set_member_name (b, "server_version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "clock");
  json_builder_add_string_value (b, OTA_IS_MANUAL_CLOCK (clock) ? "manual" : "real");
  ota_json_add_time (b, "now", ota_clock_get_now (clock));
  json_builder_end_object (b);
  ota_request_reply_json (request, SOUP_STATUS_OK, json_builder_get_root (b));
  return TRUE;
}

const OtaRoute ota_server_misc_routes[] = {
  { "GET",  "/api/v1/whoami", whoami, 0, NULL },
  { "GET",  "/api/v1/audit", list_audit, 0, NULL },
  { "POST", "/api/v1/clock/run-due", run_due, OTA_ROUTE_WRITE, NULL },
  { "POST", "/api/v1/clock/advance", advance_clock, OTA_ROUTE_WRITE, NULL },
  /* The WebSocket handshake: the token is checked first, libsoup does the rest. */
  { "GET",  "/api/v1/events", NULL, OTA_ROUTE_EARLY_AUTH, NULL },
  { NULL }
};
