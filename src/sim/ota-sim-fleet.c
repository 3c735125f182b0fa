/* ota-sim-fleet.c — a simulated fleet: compact per-device state, a binary heap of timed
 * events and a discrete-event loop shared with the engine's due work
 *
 * No GObject per device: a device is a small struct in one array, its name lives in a
 * string chunk, and what it will do next is an entry in the heap. A device has at most
 * one job (the upgrade it works on) and one churn event (its next disconnect or
 * reconnect) pending; a job event carries the device's job generation, so a new notice
 * or a disconnect makes the older entry stale instead of searching the heap for it.
 */
#include <glib/gi18n-lib.h>
#include <math.h>

#include "ota-sim-fleet.h"

/* Download progress runs 0 → DOWNLOAD_END; then verification, flashing and reboot. */
#define DOWNLOAD_END      80
#define VERIFY_PROGRESS   85
#define FLASH_PROGRESS    90
#define REBOOT_PROGRESS   100
#define MIN_DOWNLOAD_US   (2 * G_TIME_SPAN_SECOND)
#define DEVICE_PAGE       5000
#define TASK_PAGE         1000
#define GLOBAL_DEVICE     G_MAXUINT32
/* Passes at one instant before the loop decides the engine is stuck. */
#define MAX_PASSES_PER_INSTANT 1000

typedef enum {
  EV_JOB,      /* the next step of the device's upgrade */
  EV_CHURN,    /* the device disconnects or reconnects */
  EV_ANSWER,   /* the device's app user answers a pending-confirm task */
  EV_POLL,     /* the apps look for pending-confirm tasks (global) */
} EventKind;

typedef enum {
  STAGE_IDLE,
  STAGE_ACCEPT,
  STAGE_DOWNLOAD,
  STAGE_VERIFY,
  STAGE_FLASH,
  STAGE_REBOOT,
  STAGE_REPORT,
} Stage;

typedef enum {
  OUTCOME_SUCCESS,
  OUTCOME_FAIL,
  OUTCOME_HANG,
  OUTCOME_UNEXPECTED,
} Outcome;

enum {
  FLAG_ONLINE     = 1 << 0,
  FLAG_PAUSED     = 1 << 1,   /* went offline during a job: resumes when back */
  FLAG_ANSWERING  = 1 << 2,   /* an app answer is pending */
  FLAG_ANSWER_YES = 1 << 3,
};

typedef struct {
  const char *name;            /* in the fleet's string chunk, like the three below */
  const char *module;          /* of the notice being worked on */
  const char *version;         /* its target version */
  const char *answer_module;   /* of the pending-confirm task the app answers */
  guint32     generation;      /* job generation: older job events are stale */
  guint32     speed;           /* download bytes per second */
  guint32     step_ms;         /* time between two download progress reports */
  guint16     product;
  guint8      stage;
  guint8      outcome;
  gint8       fail_step;       /* OUTCOME_FAIL: -1..-4 */
  guint8      fail_at;         /* OUTCOME_FAIL/HANG: the progress it never reaches */
  guint8      progress;
  guint8      flags;
} SimDevice;

typedef struct {
  gint64  at;
  guint64 seq;       /* insertion order: equal times pop first in, first out */
  guint32 device;
  guint32 tag;       /* EventKind | generation << 2 */
} SimEvent;

typedef struct {
  char       *key;
  GHashTable *by_name;   /* name (in the chunk) → device index + 1 */
} SimProduct;

struct _OtaSimFleet
{
  GObject          parent_instance;

  OtaEngine       *engine;     /* weak: the engine owns the fleet as its link */
  OtaManualClock  *clock;
  OtaSimConfig     config;
  GRand           *rand;

  GStringChunk    *strings;
  GPtrArray       *products;   /* SimProduct */
  GArray          *devices;    /* SimDevice */
  GArray          *heap;       /* SimEvent, a binary min-heap on (at, seq) */
  guint64          next_seq;
  gboolean         polling;

  GArray          *pending;    /* OtaDeviceEvent of the instant being handled */
  guint64          group_seq;
  OtaSimGroupFunc  group_func;
  gpointer         group_data;

  OtaSimStats      stats;
};

static void ota_sim_fleet_link_init (OtaDeviceLinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaSimFleet, ota_sim_fleet, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_DEVICE_LINK, ota_sim_fleet_link_init))

static void
sim_product_free (gpointer data)
{
  SimProduct *product = data;

  g_free (product->key);
  g_hash_table_unref (product->by_name);
  g_free (product);
}

/* ---- The event heap -------------------------------------------------------- */

static inline gboolean
event_before (const SimEvent *a,
              const SimEvent *b)
{
  return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static gint64
now_us (OtaSimFleet *self)
{
  return ota_clock_get_now (OTA_CLOCK (self->clock));
}

/* Every fleet event falls on a tick strictly after now: events of one tick form one
 * group, and nothing is scheduled into the instant being handled. */
static gint64
round_to_tick (OtaSimFleet *self,
               gint64       at)
{
  gint64 tick = self->config.tick_us;
  gint64 now = now_us (self);

  if (at <= now)
    at = now + 1;
  return ((at + tick - 1) / tick) * tick;
}

static void
heap_push (OtaSimFleet *self,
           gint64       at,
           guint32      device,
           EventKind    kind,
           guint32      generation)
{
  SimEvent event = {
    .at = round_to_tick (self, at),
    .seq = self->next_seq++,
    .device = device,
    .tag = (guint32) kind | (generation << 2),
  };
  SimEvent *items;
  guint i;

  g_array_append_val (self->heap, event);
  items = (SimEvent *) (gpointer) self->heap->data;
  for (i = self->heap->len - 1; i > 0; )
    {
      guint parent = (i - 1) / 2;

      if (!event_before (&event, &items[parent]))
        break;
      items[i] = items[parent];
      i = parent;
    }
  items[i] = event;
}

static SimEvent
heap_pop (OtaSimFleet *self)
{
  SimEvent *items = (SimEvent *) (gpointer) self->heap->data;
  SimEvent top = items[0];
  SimEvent last = items[self->heap->len - 1];
  guint n = self->heap->len - 1;
  guint i = 0;

  g_array_set_size (self->heap, n);
  if (n == 0)
    return top;

  for (;;)
    {
      guint child = 2 * i + 1;

      if (child >= n)
        break;
      if (child + 1 < n && event_before (&items[child + 1], &items[child]))
        child++;
      if (!event_before (&items[child], &last))
        break;
      items[i] = items[child];
      i = child;
    }
  items[i] = last;
  return top;
}

/* ---- Random draws ------------------------------------------------------------ */

static gint64
uniform_us (OtaSimFleet *self,
            gint64       lo,
            gint64       hi)
{
  return lo + (gint64) (g_rand_double (self->rand) * (double) (hi - lo));
}

static gint64
exponential_us (OtaSimFleet *self,
                double       mean_us)
{
  return (gint64) (-mean_us * log (1.0 - g_rand_double (self->rand)));
}

static SimDevice *
device_at (OtaSimFleet *self,
           guint32      index)
{
  return &g_array_index (self->devices, SimDevice, index);
}

static void
schedule_job (OtaSimFleet *self,
              guint32      index,
              gint64       at)
{
  heap_push (self, at, index, EV_JOB, device_at (self, index)->generation);
}

static void
schedule_churn (OtaSimFleet *self,
                guint32      index,
                gboolean     online)
{
  double mean = online ? (double) G_TIME_SPAN_HOUR / self->config.churn_per_hour
                       : (double) self->config.offline_mean_us;

  if (self->config.churn_per_hour <= 0.0)
    return;
  heap_push (self, now_us (self) + exponential_us (self, mean), index, EV_CHURN, 0);
}

/* ---- Device events ------------------------------------------------------------ */

static void
emit (OtaSimFleet        *self,
      const SimDevice    *device,
      OtaDeviceEventKind  kind,
      const char         *module,
      const char         *version,
      int                 step,
      const char         *description)
{
  const SimProduct *product = g_ptr_array_index (self->products, device->product);
  OtaDeviceEvent event = {
    .kind = kind,
    .product_key = product->key,
    .device_name = device->name,
    .module = module,
    .version = version,
    .step = step,
    .description = description,
  };

  g_array_append_val (self->pending, event);
}

static void
emit_progress (OtaSimFleet *self,
               SimDevice   *device,
               int          step,
               const char  *description)
{
  emit (self, device, OTA_DEVICE_EVENT_PROGRESS, device->module, NULL, step, description);
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
static void
run_job (OtaSimFleet *self,
         guint32      index,
         gint64       now)
{
  SimDevice *device = device_at (self, index);
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
          schedule_job (self, index, now + uniform_us (self, G_TIME_SPAN_SECOND, 5 * G_TIME_SPAN_SECOND));
        }
      else
        schedule_job (self, index, now + (gint64) device->step_ms * 1000);
      break;

    case STAGE_VERIFY:
      if (job_ends_before (self, device, VERIFY_PROGRESS))
        break;
      emit_progress (self, device, VERIFY_PROGRESS, "verified");
      device->stage = STAGE_FLASH;
      schedule_job (self, index, now + uniform_us (self, 2 * G_TIME_SPAN_SECOND, 5 * G_TIME_SPAN_SECOND));
      break;

    case STAGE_FLASH:
      if (job_ends_before (self, device, FLASH_PROGRESS))
        break;
      emit_progress (self, device, FLASH_PROGRESS, "flashing");
      device->stage = STAGE_REBOOT;
      schedule_job (self, index, now + uniform_us (self, 10 * G_TIME_SPAN_SECOND, 60 * G_TIME_SPAN_SECOND));
      break;

    case STAGE_REBOOT:
      if (job_ends_before (self, device, REBOOT_PROGRESS))
        break;
      emit_progress (self, device, REBOOT_PROGRESS, "rebooting");
      device->stage = STAGE_REPORT;
      schedule_job (self, index, now + uniform_us (self, 15 * G_TIME_SPAN_SECOND, 90 * G_TIME_SPAN_SECOND));
      break;

    case STAGE_REPORT:
      if (device->outcome == OUTCOME_UNEXPECTED)
        {
          g_autofree char *odd = g_strconcat (device->version, "-rc", NULL);

          emit (self, device, OTA_DEVICE_EVENT_VERSION, device->module,
                g_string_chunk_insert_const (self->strings, odd), 0, NULL);
          self->stats.unexpected++;
        }
      else
        {
          emit (self, device, OTA_DEVICE_EVENT_VERSION, device->module, device->version, 0, NULL);
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
static void
run_churn (OtaSimFleet *self,
           guint32      index,
           gint64       now)
{
  SimDevice *device = device_at (self, index);

  if (device->flags & FLAG_ONLINE)
    {
      device->flags &= ~FLAG_ONLINE;
      emit (self, device, OTA_DEVICE_EVENT_OFFLINE, NULL, NULL, 0, NULL);
      if (device->stage != STAGE_IDLE)
        {
          device->flags |= FLAG_PAUSED;
          device->generation++;
        }
      schedule_churn (self, index, FALSE);
      return;
    }

  device->flags |= FLAG_ONLINE;
  emit (self, device, OTA_DEVICE_EVENT_ONLINE, NULL, NULL, 0, NULL);
  if (device->flags & FLAG_PAUSED)
    {
      device->flags &= ~FLAG_PAUSED;
      device->generation++;
      schedule_job (self, index, now + uniform_us (self, G_TIME_SPAN_SECOND, 10 * G_TIME_SPAN_SECOND));
    }
  schedule_churn (self, index, TRUE);
}

/* R-E5: the app user's answer, decided when the prompt was seen. */
static void
run_answer (OtaSimFleet *self,
            guint32      index)
{
  SimDevice *device = device_at (self, index);
  gboolean yes = (device->flags & FLAG_ANSWER_YES) != 0;

  device->flags &= ~(FLAG_ANSWERING | FLAG_ANSWER_YES);
  emit (self, device, yes ? OTA_DEVICE_EVENT_CONFIRM : OTA_DEVICE_EVENT_DECLINE,
        device->answer_module, NULL, 0, NULL);
  if (yes)
    self->stats.confirms++;
  else
    self->stats.declines++;
}

static SimProduct *
find_product (OtaSimFleet *self,
              const char  *key,
              guint       *index)
{
  for (guint i = 0; i < self->products->len; i++)
    {
      SimProduct *product = g_ptr_array_index (self->products, i);

      if (g_str_equal (product->key, key))
        {
          if (index != NULL)
            *index = i;
          return product;
        }
    }
  return NULL;
}

/* Gives every pending-confirm task of @batch that no app answers yet an answer. */
static gboolean
answer_batch (OtaSimFleet *self,
              SimProduct  *product,
              OtaBatch    *batch,
              const char  *module,
              gint64       now,
              GError     **error)
{
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;

  query.status = OTA_TASK_STATUS_PENDING_CONFIRM;
  query.sort = OTA_TASK_SORT_DEVICE;
  query.limit = TASK_PAGE;

  for (;;)
    {
      g_autoptr(GPtrArray) tasks = ota_engine_query_tasks (self->engine, ota_batch_get_id (batch),
                                                           &query, NULL, error);

      if (tasks == NULL)
        return FALSE;

      for (guint i = 0; i < tasks->len; i++)
        {
          OtaTask *task = g_ptr_array_index (tasks, i);
          gpointer value = g_hash_table_lookup (product->by_name, ota_task_get_device_name (task));
          SimDevice *device;
          guint32 index;

          if (value == NULL)
            continue;
          index = GPOINTER_TO_UINT (value) - 1;
          device = device_at (self, index);
          if (device->flags & FLAG_ANSWERING)
            continue;

          device->flags |= FLAG_ANSWERING;
          if (g_rand_double (self->rand) < self->config.confirm_rate)
            device->flags |= FLAG_ANSWER_YES;
          device->answer_module = g_string_chunk_insert_const (self->strings, module);
          heap_push (self, now + uniform_us (self, 0, self->config.confirm_delay_max_us),
                     index, EV_ANSWER, 0);
        }

      if (tasks->len < TASK_PAGE)
        return TRUE;
      query.offset += TASK_PAGE;
    }
}

/* The apps look for tasks waiting for their user (R-B3): only batches whose counters
 * say some task waits are queried. */
static gboolean
poll_confirmations (OtaSimFleet *self,
                    gint64       now,
                    GError     **error)
{
  for (guint p = 0; p < self->products->len; p++)
    {
      SimProduct *product = g_ptr_array_index (self->products, p);
      g_autoptr(GPtrArray) firmwares = ota_engine_list_firmwares (self->engine, product->key, error);

      if (firmwares == NULL)
        return FALSE;

      for (guint f = 0; f < firmwares->len; f++)
        {
          OtaFirmware *firmware = g_ptr_array_index (firmwares, f);
          g_autoptr(GPtrArray) batches = ota_engine_list_batches (self->engine,
                                                                  ota_firmware_get_id (firmware),
                                                                  error);

          if (batches == NULL)
            return FALSE;

          for (guint b = 0; b < batches->len; b++)
            {
              OtaBatch *batch = g_ptr_array_index (batches, b);

              if (ota_batch_get_count (batch, OTA_TASK_STATUS_PENDING_CONFIRM) > 0 &&
                  !answer_batch (self, product, batch, ota_firmware_get_module (firmware), now, error))
                return FALSE;
            }
        }
    }

  heap_push (self, now + self->config.confirm_poll_us, GLOBAL_DEVICE, EV_POLL, 0);
  return TRUE;
}

/* ---- The device link --------------------------------------------------------- */

/* R-E4: a device gets a notice; an online one starts (or restarts) its upgrade. */
static void
ota_sim_fleet_send_notice (OtaDeviceLink          *link,
                           const OtaUpgradeNotice *notice)
{
  OtaSimFleet *self = OTA_SIM_FLEET (link);
  SimProduct *product = find_product (self, notice->product_key, NULL);
  gpointer value = product != NULL ? g_hash_table_lookup (product->by_name, notice->device_name) : NULL;
  SimDevice *device;
  guint32 index, n_steps;
  gint64 download_us;
  double roll;

  if (value == NULL)
    {
      self->stats.notices_ignored++;
      return;
    }

  index = GPOINTER_TO_UINT (value) - 1;
  device = device_at (self, index);
  if (!(device->flags & FLAG_ONLINE))
    {
      self->stats.notices_ignored++;
      return;
    }

  self->stats.notices++;
  device->generation++;
  device->flags &= ~FLAG_PAUSED;
  device->module = g_string_chunk_insert_const (self->strings, notice->module);
  device->version = g_string_chunk_insert_const (self->strings, notice->version);
  device->progress = 0;
  device->stage = STAGE_ACCEPT;

  download_us = MAX ((gint64) ((double) notice->size * G_USEC_PER_SEC / device->speed), MIN_DOWNLOAD_US);
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
                            : MIN (self->config.progress_step * (guint) g_rand_int_range (self->rand, 1, n_steps + 1),
                                   DOWNLOAD_END);
          break;
        }
    }
  else if (roll < self->config.failure_rate + self->config.hang_rate)
    {
      /* After progress 0, so the engine's timeout runs (R-B14). */
      device->outcome = OUTCOME_HANG;
      device->fail_at = MIN (self->config.progress_step * (guint) g_rand_int_range (self->rand, 1, n_steps + 1),
                             DOWNLOAD_END);
    }
  else if (roll < self->config.failure_rate + self->config.hang_rate + self->config.unexpected_rate)
    device->outcome = OUTCOME_UNEXPECTED;
  else
    device->outcome = OUTCOME_SUCCESS;

  schedule_job (self, index, notice->sent_at + uniform_us (self, G_TIME_SPAN_SECOND, 10 * G_TIME_SPAN_SECOND));
}

static void
ota_sim_fleet_link_init (OtaDeviceLinkInterface *iface)
{
  iface->send_notice = ota_sim_fleet_send_notice;
}

/* ---- The object ---------------------------------------------------------------- */

static void
ota_sim_fleet_dispose (GObject *object)
{
  OtaSimFleet *self = OTA_SIM_FLEET (object);

  if (self->engine != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->engine), (gpointer *) &self->engine);
      self->engine = NULL;
    }
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (ota_sim_fleet_parent_class)->dispose (object);
}

static void
ota_sim_fleet_finalize (GObject *object)
{
  OtaSimFleet *self = OTA_SIM_FLEET (object);

  g_rand_free (self->rand);
  g_string_chunk_free (self->strings);
  g_ptr_array_unref (self->products);
  g_array_unref (self->devices);
  g_array_unref (self->heap);
  g_array_unref (self->pending);

  G_OBJECT_CLASS (ota_sim_fleet_parent_class)->finalize (object);
}

static void
ota_sim_fleet_class_init (OtaSimFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_sim_fleet_dispose;
  object_class->finalize = ota_sim_fleet_finalize;
}

static void
ota_sim_fleet_init (OtaSimFleet *self)
{
  self->strings = g_string_chunk_new (64 * 1024);
  self->products = g_ptr_array_new_with_free_func (sim_product_free);
  self->devices = g_array_new (FALSE, TRUE, sizeof (SimDevice));
  self->heap = g_array_new (FALSE, FALSE, sizeof (SimEvent));
  self->pending = g_array_new (FALSE, FALSE, sizeof (OtaDeviceEvent));
}

OtaSimFleet *
ota_sim_fleet_new (OtaEngine          *engine,
                   OtaManualClock     *clock,
                   const OtaSimConfig *config)
{
  const OtaSimConfig defaults = OTA_SIM_CONFIG_INIT;
  OtaSimFleet *self;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (OTA_IS_MANUAL_CLOCK (clock), NULL);
  g_warn_if_fail (ota_engine_get_clock (engine) == OTA_CLOCK (clock));

  self = g_object_new (OTA_TYPE_SIM_FLEET, NULL);
  self->engine = engine;
  g_object_add_weak_pointer (G_OBJECT (engine), (gpointer *) &self->engine);
  self->clock = g_object_ref (clock);
  self->config = config != NULL ? *config : defaults;

  /* Values that would stall or break the loop fall back to the defaults. */
  if (self->config.tick_us <= 0)
    self->config.tick_us = defaults.tick_us;
  if (self->config.progress_step < 1 || self->config.progress_step > DOWNLOAD_END)
    self->config.progress_step = defaults.progress_step;
  if (self->config.download_min_bps == 0)
    self->config.download_min_bps = defaults.download_min_bps;
  if (self->config.download_max_bps < self->config.download_min_bps)
    self->config.download_max_bps = self->config.download_min_bps;
  if (self->config.confirm_poll_us <= 0)
    self->config.confirm_poll_us = defaults.confirm_poll_us;
  if (self->config.offline_mean_us <= 0)
    self->config.offline_mean_us = defaults.offline_mean_us;

  self->rand = g_rand_new_with_seed (self->config.seed);
  return self;
}

/**
 * ota_sim_fleet_add_product:
 *
 * Loads every device of @product_key (name, online flag) in name order, gives each a
 * download speed and starts its churn. A product already loaded is left as it is.
 */
gboolean
ota_sim_fleet_add_product (OtaSimFleet  *self,
                           const char   *product_key,
                           GError      **error)
{
  g_autoptr(OtaProduct) checked = NULL;
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  SimProduct *product;
  double log_min, log_max;
  guint product_index;

  g_return_val_if_fail (OTA_IS_SIM_FLEET (self), FALSE);
  g_return_val_if_fail (self->engine != NULL, FALSE);
  g_return_val_if_fail (product_key != NULL, FALSE);

  if (find_product (self, product_key, NULL) != NULL)
    return TRUE;
  g_return_val_if_fail (self->products->len < G_MAXUINT16, FALSE);

  checked = ota_engine_get_product (self->engine, product_key, error);
  if (checked == NULL)
    return FALSE;

  product = g_new0 (SimProduct, 1);
  product->key = g_strdup (product_key);
  product->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  product_index = self->products->len;
  g_ptr_array_add (self->products, product);

  log_min = log ((double) self->config.download_min_bps);
  log_max = log ((double) self->config.download_max_bps);
  query.product_key = product_key;
  query.sort = OTA_DEVICE_SORT_NAME;
  query.limit = DEVICE_PAGE;

  for (;;)
    {
      g_autoptr(GPtrArray) page = ota_engine_query_devices (self->engine, &query, NULL, error);

      if (page == NULL)
        {
          /* Nothing half-loaded stays: the product's devices are the last ones. */
          g_array_set_size (self->devices, self->devices->len - g_hash_table_size (product->by_name));
          g_ptr_array_remove_index (self->products, product_index);
          return FALSE;
        }

      for (guint i = 0; i < page->len; i++)
        {
          OtaDevice *source = g_ptr_array_index (page, i);
          SimDevice device = {
            .name = g_string_chunk_insert (self->strings, ota_device_get_name (source)),
            .product = (guint16) product_index,
            .speed = (guint32) MIN (exp (log_min + g_rand_double (self->rand) * (log_max - log_min)),
                                    (double) G_MAXUINT32),
            .flags = ota_device_get_online (source) ? FLAG_ONLINE : 0,
          };
          guint32 index = self->devices->len;

          g_array_append_val (self->devices, device);
          g_hash_table_insert (product->by_name, (gpointer) device.name, GUINT_TO_POINTER (index + 1));
          schedule_churn (self, index, (device.flags & FLAG_ONLINE) != 0);
        }

      if (page->len < DEVICE_PAGE)
        break;
      query.offset += DEVICE_PAGE;
    }

  self->stats.devices = self->devices->len;
  if (!self->polling)
    {
      self->polling = TRUE;
      heap_push (self, now_us (self) + self->config.confirm_poll_us, GLOBAL_DEVICE, EV_POLL, 0);
    }

  g_debug ("Fleet: product %s with %u devices", product_key, g_hash_table_size (product->by_name));
  return TRUE;
}

gint64
ota_sim_fleet_get_next_event (OtaSimFleet *self)
{
  g_return_val_if_fail (OTA_IS_SIM_FLEET (self), G_MAXINT64);

  return self->heap->len > 0 ? g_array_index (self->heap, SimEvent, 0).at : G_MAXINT64;
}

/* Runs the fleet's events due at @now and hands their device events to the engine as
 * one group. */
static gboolean
apply_due_events (OtaSimFleet  *self,
                  gint64        now,
                  GError      **error)
{
  guint rejected = 0;

  g_array_set_size (self->pending, 0);

  while (self->heap->len > 0 && g_array_index (self->heap, SimEvent, 0).at <= now)
    {
      SimEvent event = heap_pop (self);
      EventKind kind = event.tag & 3;

      switch (kind)
        {
        case EV_JOB:
          if ((event.tag >> 2) == (device_at (self, event.device)->generation & (G_MAXUINT32 >> 2)))
            run_job (self, event.device, now);
          break;
        case EV_CHURN:
          run_churn (self, event.device, now);
          break;
        case EV_ANSWER:
          run_answer (self, event.device);
          break;
        case EV_POLL:
          if (!poll_confirmations (self, now, error))
            return FALSE;
          break;
        default:
          g_assert_not_reached ();
        }
    }

  if (self->pending->len == 0)
    return TRUE;

  self->group_seq++;
  if (self->group_func != NULL)
    self->group_func (self, self->group_seq, (const OtaDeviceEvent *) (gpointer) self->pending->data,
                      self->pending->len, FALSE, self->group_data);

  if (!ota_engine_apply_device_events (self->engine, (const OtaDeviceEvent *) (gpointer) self->pending->data,
                                       self->pending->len, &rejected, error))
    return FALSE;

  self->stats.groups++;
  self->stats.events += self->pending->len;
  self->stats.rejected += rejected;

  if (self->group_func != NULL)
    self->group_func (self, self->group_seq, (const OtaDeviceEvent *) (gpointer) self->pending->data,
                      self->pending->len, TRUE, self->group_data);
  return TRUE;
}

/**
 * ota_sim_fleet_run_until:
 * @until_us: where the clock ends (µs since the epoch)
 *
 * The discrete-event loop: the earliest of the engine's next due time and the fleet's
 * next event, if not after @until_us, becomes the clock's time; the engine runs what fell
 * due, then the fleet's events of that instant go to the engine in one group (notices
 * that come back schedule later events). The clock never moves back: work that fell due
 * before the clock's time runs at the clock's time.
 */
gboolean
ota_sim_fleet_run_until (OtaSimFleet  *self,
                         gint64        until_us,
                         GError      **error)
{
  gint64 now, last = G_MININT64;
  guint passes = 0;

  g_return_val_if_fail (OTA_IS_SIM_FLEET (self), FALSE);
  g_return_val_if_fail (self->engine != NULL, FALSE);

  now = now_us (self);

  for (;;)
    {
      gint64 next = MIN (ota_engine_get_next_due (self->engine), ota_sim_fleet_get_next_event (self));

      if (next > until_us)
        break;

      next = MAX (next, now);
      if (next == last && ++passes > MAX_PASSES_PER_INSTANT)
        {
          g_set_error (error, OTA_ERROR, OTA_ERROR_STORE,
                       _("The engine keeps reporting work due at %" G_GINT64_FORMAT " that it does not do"),
                       next);
          return FALSE;
        }
      if (next != last)
        passes = 0;
      last = next;

      ota_manual_clock_set (self->clock, next);
      now = next;

      if (!ota_engine_run_due (self->engine, error) ||
          !apply_due_events (self, now, error))
        return FALSE;
    }

  if (until_us > now)
    ota_manual_clock_set (self->clock, until_us);
  return TRUE;
}

void
ota_sim_fleet_set_group_func (OtaSimFleet     *self,
                              OtaSimGroupFunc  func,
                              gpointer         user_data)
{
  g_return_if_fail (OTA_IS_SIM_FLEET (self));

  self->group_func = func;
  self->group_data = user_data;
}

const OtaSimStats *
ota_sim_fleet_get_stats (OtaSimFleet *self)
{
  g_return_val_if_fail (OTA_IS_SIM_FLEET (self), NULL);

  return &self->stats;
}
