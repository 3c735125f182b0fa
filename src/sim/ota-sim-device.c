/* ota-sim-device.c — what a simulated device does: upgrades with progress, errors,
 * hangs and versions (R-E2, R-E3), disconnects and reconnects (R-E1), and its app
 * user's answers (R-E5)
 *
 * An upgrade is a small state machine stepped by EV_JOB events of the device's current
 * generation: progress 0, download steps at the device's speed, verification, flashing,
 * reboot, then the version. Its outcome (success, an error step at some stage, a hang,
 * an unexpected version) is drawn when it starts.
 */
#include <math.h>

#include "ota-sim-fleet-private.h"

/* After the download (progress 0 → DOWNLOAD_END): verification, flashing and reboot. */
#define VERIFY_PROGRESS   85
#define FLASH_PROGRESS    90
#define REBOOT_PROGRESS   100
#define SECOND            G_TIME_SPAN_SECOND
#define MIN_DOWNLOAD_US   (2 * SECOND)

static gint64
exponential_us (OtaSimFleet *self,
                double       mean_us)
{
  return (gint64) (-mean_us * log (1.0 - g_rand_double (self->rand)));
}

static void
schedule_job (OtaSimFleet *self,
              guint32      index,
              gint64       at)
{
  ota_sim_fleet_push_event (self, at, index, EV_JOB, ota_sim_fleet_device (self, index)->generation);
}

void
ota_sim_device_schedule_churn (OtaSimFleet *self,
                               guint32      index,
                               gboolean     online)
{
  double mean = online ? (double) G_TIME_SPAN_HOUR / self->config.churn_per_hour
                       : (double) self->config.offline_mean_us;

  if (self->config.churn_per_hour <= 0.0)
    return;
  ota_sim_fleet_push_event (self, ota_sim_fleet_now (self) + exponential_us (self, mean), index, EV_CHURN, 0);
}

static void
emit_progress (OtaSimFleet *self,
               SimDevice   *device,
               int          step,
               const char  *description)
{
  ota_sim_fleet_emit (self, device, OTA_DEVICE_EVENT_PROGRESS, device->module, NULL, step, description);
}

static const char *
error_description (OtaSimFleet *self,
                   int          step)
{
  gboolean first = g_rand_boolean (self->rand);

  switch (step)
    {
    case -2:
      return first ? "HTTP 404" : "connection reset";
    case -3:
      return "digest mismatch";
    case -4:
      return first ? "flash write failed" : "flash erase timeout";
    default:
      return first ? "upgrade failed: low battery" : "upgrade failed: out of memory";
    }
}

/* The planned failure or hang happens instead of reporting @progress. */
static gboolean
job_ends_before (OtaSimFleet *self,
                 SimDevice   *device,
                 guint        progress)
{
  if ((device->outcome != OUTCOME_FAIL && device->outcome != OUTCOME_HANG) ||
      progress < device->fail_at)
    return FALSE;

  device->stage = STAGE_IDLE;
  if (device->outcome == OUTCOME_HANG)
    {
      self->stats.hangs++;
      return TRUE;
    }

  emit_progress (self, device, device->fail_step, error_description (self, device->fail_step));
  self->stats.failures++;
  return TRUE;
}

/* One step of an upgrade (R-E3, R-E2): progress 0, download steps, verification,
 * flashing, reboot, then the version. */
void
ota_sim_device_run_job (OtaSimFleet *self,
                        guint32      index,
                        gint64       now)
{
  SimDevice *device = ota_sim_fleet_device (self, index);
  guint next;

  switch (device->stage)
    {
    case STAGE_ACCEPT:
      emit_progress (self, device, 0, "downloading");
      device->progress = 0;
      device->stage = STAGE_DOWNLOAD;
      schedule_job (self, index, now + (gint64) device->step_ms * 1000);
      break;

    case STAGE_DOWNLOAD:
      next = MIN ((guint) device->progress + self->config.progress_step, DOWNLOAD_END);
      if (job_ends_before (self, device, next))
        break;
      emit_progress (self, device, (int) next, "downloading");
      device->progress = next;
      if (next >= DOWNLOAD_END)
        {
          device->stage = STAGE_VERIFY;
          schedule_job (self, index, now + ota_sim_uniform_us (self, SECOND, 5 * SECOND));
        }
      else
        schedule_job (self, index, now + (gint64) device->step_ms * 1000);
      break;

    case STAGE_VERIFY:
      if (job_ends_before (self, device, VERIFY_PROGRESS))
        break;
      emit_progress (self, device, VERIFY_PROGRESS, "verified");
      device->stage = STAGE_FLASH;
      schedule_job (self, index, now + ota_sim_uniform_us (self, 2 * SECOND, 5 * SECOND));
      break;

    case STAGE_FLASH:
      if (job_ends_before (self, device, FLASH_PROGRESS))
        break;
      emit_progress (self, device, FLASH_PROGRESS, "flashing");
      device->stage = STAGE_REBOOT;
      schedule_job (self, index, now + ota_sim_uniform_us (self, 10 * SECOND, 60 * SECOND));
      break;

    case STAGE_REBOOT:
      if (job_ends_before (self, device, REBOOT_PROGRESS))
        break;
      emit_progress (self, device, REBOOT_PROGRESS, "rebooting");
      device->stage = STAGE_REPORT;
      schedule_job (self, index, now + ota_sim_uniform_us (self, 15 * SECOND, 90 * SECOND));
      break;

    case STAGE_REPORT:
      if (device->outcome == OUTCOME_UNEXPECTED)
        {
          g_autofree char *odd = g_strconcat (device->version, "-rc", NULL);

          ota_sim_fleet_emit (self, device, OTA_DEVICE_EVENT_VERSION, device->module,
                g_string_chunk_insert_const (self->strings, odd), 0, NULL);
          self->stats.unexpected++;
        }
      else
        {
          ota_sim_fleet_emit (self, device, OTA_DEVICE_EVENT_VERSION, device->module, device->version,
                              0, NULL);
          self->stats.succeeded++;
        }
      device->stage = STAGE_IDLE;
      break;

    case STAGE_IDLE:
    default:
      break;
    }
}

/* R-E1: the device disconnects (pausing its job) or comes back (resuming it). */
void
ota_sim_device_run_churn (OtaSimFleet *self,
                          guint32      index,
                          gint64       now)
{
  SimDevice *device = ota_sim_fleet_device (self, index);

  if (device->flags & FLAG_ONLINE)
    {
      device->flags &= ~FLAG_ONLINE;
      ota_sim_fleet_emit (self, device, OTA_DEVICE_EVENT_OFFLINE, NULL, NULL, 0, NULL);
      if (device->stage != STAGE_IDLE)
        {
          device->flags |= FLAG_PAUSED;
          device->generation++;
        }
      ota_sim_device_schedule_churn (self, index, FALSE);
      return;
    }

  device->flags |= FLAG_ONLINE;
  ota_sim_fleet_emit (self, device, OTA_DEVICE_EVENT_ONLINE, NULL, NULL, 0, NULL);
  if (device->flags & FLAG_PAUSED)
    {
      device->flags &= ~FLAG_PAUSED;
      device->generation++;
      schedule_job (self, index, now + ota_sim_uniform_us (self, SECOND, 10 * SECOND));
    }
  ota_sim_device_schedule_churn (self, index, TRUE);
}

/* R-E5: the app user's answer, decided when the prompt was seen. */
void
ota_sim_device_run_answer (OtaSimFleet *self,
                           guint32      index)
{
  SimDevice *device = ota_sim_fleet_device (self, index);
  gboolean yes = (device->flags & FLAG_ANSWER_YES) != 0;

  device->flags &= ~(FLAG_ANSWERING | FLAG_ANSWER_YES);
  ota_sim_fleet_emit (self, device, yes ? OTA_DEVICE_EVENT_CONFIRM : OTA_DEVICE_EVENT_DECLINE,
        device->answer_module, NULL, 0, NULL);
  if (yes)
    self->stats.confirms++;
  else
    self->stats.declines++;
}

/* A download progress the device reports (or would report) after progress 0. */
static guint8
random_download_point (OtaSimFleet *self,
                       guint32      n_steps)
{
  guint point = self->config.progress_step * (guint) g_rand_int_range (self->rand, 1, (gint32) n_steps + 1);

  return (guint8) MIN (point, DOWNLOAD_END);
}

void
ota_sim_device_start_job (OtaSimFleet *self,
                          guint32      index,
                          const char  *module,
                          const char  *version,
                          guint64      size,
                          gint64       at)
{
  SimDevice *device = ota_sim_fleet_device (self, index);
  guint32 n_steps;
  gint64 download_us;
  double roll;

  device->generation++;
  device->flags &= ~FLAG_PAUSED;
  device->module = g_string_chunk_insert_const (self->strings, module);
  device->version = g_string_chunk_insert_const (self->strings, version);
  device->progress = 0;
  device->stage = STAGE_ACCEPT;

  download_us = MAX ((gint64) ((double) size * G_USEC_PER_SEC / device->speed), MIN_DOWNLOAD_US);
  n_steps = (DOWNLOAD_END + self->config.progress_step - 1) / self->config.progress_step;
  device->step_ms = (guint32) MAX (download_us / n_steps / 1000, 1);

  roll = g_rand_double (self->rand);
  if (roll < self->config.failure_rate)
    {
      static const gint8 steps[] = { -2, -2, -2, -2, -3, -3, -4, -4, -1, -1 };

      device->outcome = OUTCOME_FAIL;
      device->fail_step = steps[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (steps))];
      switch (device->fail_step)
        {
        case -3:
          device->fail_at = VERIFY_PROGRESS;
          break;
        case -4:
          device->fail_at = FLASH_PROGRESS;
          break;
        default:   /* -2 while downloading; -1 anywhere before the reboot */
          device->fail_at = device->fail_step == -1 && g_rand_boolean (self->rand)
                            ? FLASH_PROGRESS
                            : random_download_point (self, n_steps);
          break;
        }
    }
  else if (roll < self->config.failure_rate + self->config.hang_rate)
    {
      /* After progress 0, so the engine's timeout runs (R-B14). */
      device->outcome = OUTCOME_HANG;
      device->fail_at = random_download_point (self, n_steps);
    }
  else if (roll < self->config.failure_rate + self->config.hang_rate + self->config.unexpected_rate)
    device->outcome = OUTCOME_UNEXPECTED;
  else
    device->outcome = OUTCOME_SUCCESS;

  schedule_job (self, index, at + ota_sim_uniform_us (self, SECOND, 10 * SECOND));
}

