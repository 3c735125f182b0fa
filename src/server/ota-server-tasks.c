/* ota-server-tasks.c — a batch's device tasks, failures and CSV; one task (R-S, R-D) */
#include <glib/gi18n-lib.h>

#include "ota-server-private.h"
#include "ota-spec-copy.h"
#include "ota-task-csv.h"

#define ENGINE(request) ((request)->server->engine)

/* Query parameters: status (a nick or "any"), search, sort (device, status, updated,
 * progress), desc, offset, limit. */
static gboolean
query_tasks (OtaRequest  *request,
             GError     **error)
{
  g_autoptr(OtaTaskQuery) query = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  guint64 total = 0;
  gint64 batch_id;

  if (!ota_request_get_id (request, 0, "batch", &batch_id, error) ||
      (query = ota_json_task_query_from_params (request->query, error)) == NULL ||
      (tasks = ota_engine_query_tasks (ENGINE (request), batch_id, query, &total, error)) == NULL)
    return FALSE;

  ota_request_reply_json (request, SOUP_STATUS_OK,
                          ota_json_from_page (tasks, total, (OtaJsonFromFunc) ota_json_from_task));
  return TRUE;
}

static gboolean
count_failures (OtaRequest  *request,
                GError     **error)
{
  g_autoptr(GArray) groups = NULL;
  gint64 batch_id;

  if (!ota_request_get_id (request, 0, "batch", &batch_id, error) ||
      (groups = ota_engine_count_failures (ENGINE (request), batch_id, error)) == NULL)
    return FALSE;

  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_failure_groups (groups));
  return TRUE;
}

static gboolean
write_tasks_csv (OtaRequest     *request,
                 GOutputStream  *stream,
                 GError        **error)
{
  g_autoptr(OtaBatch) batch = NULL;
  gint64 batch_id;

  if (!ota_request_get_id (request, 0, "batch", &batch_id, error) ||
      (batch = ota_engine_get_batch (ENGINE (request), batch_id, error)) == NULL)
    return FALSE;
  return ota_task_csv_write (ENGINE (request), batch_id, stream, NULL, error);
}

static gboolean
export_tasks (OtaRequest  *request,
              GError     **error)
{
  return ota_request_reply_file (request, "text/csv", "tasks.csv", write_tasks_csv, error);
}

static gboolean
get_task (OtaRequest  *request,
          GError     **error)
{
  g_autoptr(OtaTask) task = NULL;
  gint64 id;

  if (!ota_request_get_id (request, 0, "task", &id, error) ||
      (task = ota_engine_get_task (ENGINE (request), id, error)) == NULL)
    return FALSE;

  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_task (task));
  return TRUE;
}

static gboolean
cancel_task (OtaRequest  *request,
             GError     **error)
{
  g_autoptr(OtaTask) task = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *product_key = NULL;
  gint64 id;

  if (!ota_request_get_id (request, 0, "task", &id, error) ||
      (task = ota_engine_cancel_task (ENGINE (request), id, error)) == NULL)
    return FALSE;

  /* The last task of a verification ending decides the firmware's status (R-V4). */
  batch = ota_engine_get_batch (ENGINE (request), ota_task_get_batch_id (task), NULL);
  if (batch != NULL)
    product_key = ota_server_dup_firmware_product (request->server, ota_batch_get_firmware_id (batch));
  if (product_key != NULL)
    ota_request_catalogue_changed (request, product_key);
  ota_request_reply_json (request, SOUP_STATUS_OK, ota_json_from_task (task));
  return TRUE;
}

const OtaRoute ota_server_task_routes[] = {
  { "GET",  "/api/v1/batches/*/tasks", query_tasks, 0, NULL },
  { "GET",  "/api/v1/batches/*/tasks.csv", export_tasks, 0, NULL },
  { "GET",  "/api/v1/batches/*/failures", count_failures, 0, NULL },
  { "GET",  "/api/v1/tasks/*", get_task, 0, NULL },
  { "POST", "/api/v1/tasks/*/cancel", cancel_task, OTA_ROUTE_WRITE, NULL },
  { NULL }
};
