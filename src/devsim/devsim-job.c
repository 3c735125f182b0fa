/* devsim-job.c — one upgrade of a simulated device, as the Link SDK does it
 *
 * The notice is read like the SDK reads it (url, size, version, sign, signMethod,
 * module). The file comes over plain HTTP, always with "Range: bytes=N-" (N = what the
 * device has already); a cut connection is resumed from there. The SDK needs a
 * Content-Length and status 200 or 206. Progress goes out as string steps; at the end
 * the digest is checked, and after a reboot the device reports its new version.
 *
 * What goes wrong is drawn per notice from the device's own random numbers.
 */
#include <json-glib/json-glib.h>

#include "ota-devsim.h"

#define BUFFER_SIZE (16 * 1024)
#define MAX_ATTEMPTS 5
#define RESUME_DELAY_MS 300

typedef enum {
  OUTCOME_SUCCESS,
  OUTCOME_FAIL_DOWNLOAD,
  OUTCOME_FAIL_VERIFY,
  OUTCOME_HANG,
} Outcome;

struct _DevsimJob {
  DevsimDevice  *device;
  char          *url;
  char          *version;
  char          *module;      /* nullable: the notice had none */
  char          *sign;
  GChecksumType  checksum_type;
  guint64        size;
  Outcome        outcome;
  guint64        stop_at;     /* FAIL_DOWNLOAD, HANG: where it stops */
  guint64        cut_at;      /* G_MAXUINT64: no cut */

  GChecksum     *checksum;
  guint64        received;
  int            last_step;
  guint          attempts;
  GCancellable  *cancellable;
  SoupMessage   *msg;
  GInputStream  *stream;
  guint          timer_id;
  guint8         buffer[BUFFER_SIZE];
};

static void send_request (DevsimJob *job);

void
devsim_job_free (DevsimJob *job)
{
  g_cancellable_cancel (job->cancellable);
  g_clear_handle_id (&job->timer_id, g_source_remove);
  g_clear_object (&job->stream);
  g_clear_object (&job->msg);
  g_clear_object (&job->cancellable);
  g_checksum_free (job->checksum);
  g_free (job->url);
  g_free (job->version);
  g_free (job->module);
  g_free (job->sign);
  g_free (job);
}

/* The job ends (the device keeps running): nothing may touch @job afterwards. */
static void
end_job (DevsimJob *job)
{
  DevsimDevice *device = job->device;

  if (device->job == job)
    device->job = NULL;
  devsim_job_free (job);
}

static void
fail (DevsimJob  *job,
      int         step,
      const char *description)
{
  devsim_device_progress (job->device, step, description, job->module);
  job->device->fleet->stats.failed++;
  end_job (job);
}

static void
report (DevsimJob *job)
{
  int step = (int) (job->received * 100 / MAX (job->size, 1));
  guint every = MAX (job->device->fleet->config.progress_step, 1);

  if (step >= job->last_step + (int) every || (step == 100 && job->last_step < 100))
    {
      devsim_device_progress (job->device, step, "", job->module);
      job->last_step = step;
    }
}

static void
verify (DevsimJob *job)
{
  DevsimDevice *device = job->device;
  const char *digest = g_checksum_get_string (job->checksum);

  if (job->outcome == OUTCOME_FAIL_VERIFY || g_ascii_strcasecmp (digest, job->sign) != 0)
    {
      fail (job, -3, "digest mismatch");
      return;
    }

  /* Flashing and the reboot; the version report after the new connect is the success. */
  device->fleet->stats.succeeded++;
  g_free (device->version);
  device->version = g_strdup (job->version);
  devsim_device_reboot (device, device->fleet->config.reboot_ms);
  end_job (job);
}

static gboolean
retry_cb (gpointer user_data)
{
  DevsimJob *job = user_data;

  job->timer_id = 0;
  send_request (job);
  return G_SOURCE_REMOVE;
}

/* The connection broke, or was cut on purpose: start again where the bytes end. */
static void
resume (DevsimJob  *job,
        const char *why)
{
  g_clear_object (&job->stream);
  g_clear_object (&job->msg);

  if (++job->attempts > MAX_ATTEMPTS)
    {
      fail (job, -2, why);
      return;
    }
  job->timer_id = g_timeout_add (RESUME_DELAY_MS, retry_cb, job);
}

static void read_next (DevsimJob *job);

static gboolean
read_next_cb (gpointer user_data)
{
  DevsimJob *job = user_data;

  job->timer_id = 0;
  read_next (job);
  return G_SOURCE_REMOVE;
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  DevsimJob *job = user_data;
  guint rate;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the job is gone */

  if (n < 0)
    {
      resume (job, error->message);
      return;
    }
  if (n == 0)
    {
      if (job->received < job->size)
        resume (job, "download cut short");
      else
        verify (job);
      return;
    }

  g_checksum_update (job->checksum, job->buffer, (gsize) n);
  job->received += (guint64) n;
  if (job->received > job->size)
    {
      fail (job, -2, "more bytes than announced");
      return;
    }
  report (job);

  if ((job->outcome == OUTCOME_FAIL_DOWNLOAD || job->outcome == OUTCOME_HANG) &&
      job->received >= job->stop_at)
    {
      if (job->outcome == OUTCOME_HANG)
        {
          /* Silent from now on: the task's timeout ends it. */
          job->device->fleet->stats.hung++;
          end_job (job);
        }
      else
        {
          fail (job, -2, "download failed");
        }
      return;
    }

  if (job->received >= job->cut_at)
    {
      job->cut_at = G_MAXUINT64;
      job->device->fleet->stats.resumed++;
      resume (job, "download cut");
      return;
    }

  rate = job->device->fleet->config.rate_kbps;
  if (rate > 0)
    job->timer_id = g_timeout_add ((guint) ((guint64) n * 1000 / ((guint64) rate * 1024)), read_next_cb, job);
  else
    read_next (job);
}

static void
read_next (DevsimJob *job)
{
  g_input_stream_read_async (job->stream, job->buffer, sizeof job->buffer, G_PRIORITY_DEFAULT,
                             job->cancellable, on_read, job);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  DevsimJob *job = user_data;
  SoupMessageHeaders *headers;
  guint status;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the job is gone */
  if (stream == NULL)
    {
      resume (job, error->message);
      return;
    }

  job->stream = stream;
  status = soup_message_get_status (job->msg);
  headers = soup_message_get_response_headers (job->msg);

  /* A server that ignores Range sends it all again: start over. */
  if (status == SOUP_STATUS_OK && job->received > 0)
    {
      g_checksum_reset (job->checksum);
      job->received = 0;
    }

  if (status != SOUP_STATUS_OK && status != SOUP_STATUS_PARTIAL_CONTENT)
    {
      g_autofree char *why = g_strdup_printf ("HTTP status %u", status);

      fail (job, -2, why);
      return;
    }
  /* The SDK cannot read a chunked body. */
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      fail (job, -2, "no Content-Length");
      return;
    }

  read_next (job);
}

static void
send_request (DevsimJob *job)
{
  g_autofree char *range = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", job->received);

  job->msg = soup_message_new (SOUP_METHOD_GET, job->url);
  if (job->msg == NULL)
    {
      fail (job, -2, "bad download URL");
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (job->msg), "Range", range);
  if (job->received == 0)
    job->device->fleet->stats.downloads++;
  soup_session_send_async (job->device->fleet->session, job->msg, G_PRIORITY_DEFAULT,
                           job->cancellable, on_sent, job);
}

static Outcome
draw_outcome (DevsimDevice *device)
{
  const DevsimConfig *config = &device->fleet->config;
  double r = g_rand_double (device->rand);

  if (r < config->fail_download)
    return OUTCOME_FAIL_DOWNLOAD;
  r -= config->fail_download;
  if (r < config->fail_verify)
    return OUTCOME_FAIL_VERIFY;
  r -= config->fail_verify;
  if (r < config->hang)
    return OUTCOME_HANG;
  return OUTCOME_SUCCESS;
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_dup_string (node);
}

gboolean
devsim_job_start (DevsimDevice *device,
                  const char   *payload,
                  gsize         length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *method = NULL;
  JsonObject *data;
  JsonNode *root, *node;
  DevsimJob *job;

  if (!json_parser_load_from_data (parser, payload, (gssize) length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "data")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_warning ("%s: a notice that is no JSON object with data", device->name);
      return FALSE;
    }
  data = json_node_get_object (node);

  job = g_new0 (DevsimJob, 1);
  job->device = device;
  job->url = dup_member (data, "url");
  job->version = dup_member (data, "version");
  job->sign = dup_member (data, "sign");
  job->module = dup_member (data, "module");
  method = dup_member (data, "signMethod");
  job->size = json_object_get_int_member_with_default (data, "size", 0);
  if (job->url == NULL || job->version == NULL || job->sign == NULL || job->size == 0 ||
      (g_strcmp0 (method, "Md5") != 0 && g_strcmp0 (method, "SHA256") != 0))
    {
      g_warning ("%s: a notice without url, version, size, sign or a known signMethod", device->name);
      devsim_job_free (job);
      return FALSE;
    }

  /* A new notice replaces the upgrade in progress, as in the SDK. */
  g_clear_pointer (&device->job, devsim_job_free);
  device->job = job;
  device->fleet->stats.notices++;

  job->checksum_type = g_str_equal (method, "Md5") ? G_CHECKSUM_MD5 : G_CHECKSUM_SHA256;
  job->checksum = g_checksum_new (job->checksum_type);
  job->cancellable = g_cancellable_new ();
  job->outcome = draw_outcome (device);
  job->stop_at = job->size * (guint64) g_rand_int_range (device->rand, 10, 90) / 100;
  job->cut_at = g_rand_double (device->rand) < device->fleet->config.cut
                ? MAX (job->size * (guint64) g_rand_int_range (device->rand, 20, 80) / 100, 1)
                : G_MAXUINT64;
  job->last_step = 0;

  devsim_device_progress (device, 0, "", job->module);
  send_request (job);
  return TRUE;
}
