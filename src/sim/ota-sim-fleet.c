/* ota-sim-fleet.c — a simulated fleet: compact per-device state, a binary heap of timed
 * events and a discrete-event loop shared with the engine's due work (what each device
 * does when its events come is in ota-sim-device.c)
 *
 * No GObject per device: a device is a small struct in one array, its name lives in a
 * string chunk, and what it will do next is an entry in the heap. A device has at most
 * one job (the upgrade it works on) and one churn event (its next disconnect or
 * reconnect) pending; a job event carries the device's job generation, so a new notice
 * or a disconnect makes the older entry stale instead of searching the heap for it.
 */
#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "ota-sim-fleet-private.h"

#define DEVICE_PAGE       5000
#define TASK_PAGE         1000
/* Passes at one instant before the loop decides the engine is stuck. */
#define MAX_PASSES_PER_INSTANT 1000

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

gint64
ota_sim_fleet_now (OtaSimFleet *self)
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
  gint64 now = ota_sim_fleet_now (self);

  if (at <= now)
    at = now + 1;
  return ((at + tick - 1) / tick) * tick;
}

void
ota_sim_fleet_push_event (OtaSimFleet *self,
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

void
ota_sim_fleet_emit (OtaSimFleet        *self,
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
          device = ota_sim_fleet_device (self, index);
          if (device->flags & FLAG_ANSWERING)
            continue;

          device->flags |= FLAG_ANSWERING;
          if (g_rand_double (self->rand) < self->config.confirm_rate)
            device->flags |= FLAG_ANSWER_YES;
          device->answer_module = g_string_chunk_insert_const (self->strings, module);
          ota_sim_fleet_push_event (self, now + ota_sim_uniform_us (self, 0, self->config.confirm_delay_max_us),
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

  ota_sim_fleet_push_event (self, now + self->config.confirm_poll_us, GLOBAL_DEVICE, EV_POLL, 0);
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

  if (value == NULL || !(ota_sim_fleet_device (self, GPOINTER_TO_UINT (value) - 1)->flags & FLAG_ONLINE))
    {
      self->stats.notices_ignored++;
      return;
    }

  self->stats.notices++;
  ota_sim_device_start_job (self, GPOINTER_TO_UINT (value) - 1, notice->module, notice->version,
                            notice->size, notice->sent_at);
}

static void
ota_sim_fleet_link_init (OtaDeviceLinkInterface *iface)
{
  iface->send_notice = ota_sim_fleet_send_notice;
}

/* ---- Loading -------------------------------------------------------------------- */

/* A fleet loaded on a database where upgrades are under way (a new otactl run, a
 * restart after a crash): the devices of pushed and upgrading tasks go on with their
 * upgrade (an offline one when it is back). A task waiting for a retry is left alone:
 * the engine notifies it again. */
static gboolean
resume_batch (OtaSimFleet  *self,
              SimProduct   *product,
              OtaBatch     *batch,
              OtaFirmware  *firmware,
              GError      **error)
{
  static const OtaTaskStatus statuses[] = { OTA_TASK_STATUS_PUSHED, OTA_TASK_STATUS_UPGRADING };
  gint64 now = ota_sim_fleet_now (self);

  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      OtaTaskQuery query = OTA_TASK_QUERY_INIT;

      if (ota_batch_get_count (batch, statuses[s]) == 0)
        continue;

      query.status = statuses[s];
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

              if (value == NULL || ota_task_get_retry_pending (task))
                continue;
              ota_sim_device_start_job (self, GPOINTER_TO_UINT (value) - 1, ota_firmware_get_module (firmware),
                                        ota_firmware_get_version (firmware), ota_firmware_get_size (firmware),
                                        now);
              device = ota_sim_fleet_device (self, GPOINTER_TO_UINT (value) - 1);
              if (!(device->flags & FLAG_ONLINE))
                {
                  device->generation++;
                  device->flags |= FLAG_PAUSED;
                }
            }

          if (tasks->len < TASK_PAGE)
            break;
          query.offset += TASK_PAGE;
        }
    }

  return TRUE;
}

static gboolean
resume_upgrades (OtaSimFleet  *self,
                 SimProduct   *product,
                 GError      **error)
{
  g_autoptr(GPtrArray) firmwares = ota_engine_list_firmwares (self->engine, product->key, error);

  if (firmwares == NULL)
    return FALSE;

  for (guint f = 0; f < firmwares->len; f++)
    {
      OtaFirmware *firmware = g_ptr_array_index (firmwares, f);
      g_autoptr(GPtrArray) batches = ota_engine_list_batches (self->engine, ota_firmware_get_id (firmware), error);

      if (batches == NULL)
        return FALSE;
      for (guint b = 0; b < batches->len; b++)
        if (!resume_batch (self, product, g_ptr_array_index (batches, b), firmware, error))
          return FALSE;
    }

  return TRUE;
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
 * download speed and starts its churn; devices whose task is pushed or upgrading go on
 * with that upgrade. A product already loaded is left as it is.
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
          ota_sim_device_schedule_churn (self, index, (device.flags & FLAG_ONLINE) != 0);
        }

      if (page->len < DEVICE_PAGE)
        break;
      query.offset += DEVICE_PAGE;
    }

  if (!resume_upgrades (self, product, error))
    {
      g_array_set_size (self->devices, self->devices->len - g_hash_table_size (product->by_name));
      g_ptr_array_remove_index (self->products, product_index);
      return FALSE;
    }

  self->stats.devices = self->devices->len;
  if (!self->polling)
    {
      self->polling = TRUE;
      ota_sim_fleet_push_event (self, ota_sim_fleet_now (self) + self->config.confirm_poll_us, GLOBAL_DEVICE, EV_POLL, 0);
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
          if ((event.tag >> 2) == (ota_sim_fleet_device (self, event.device)->generation & (G_MAXUINT32 >> 2)))
            ota_sim_device_run_job (self, event.device, now);
          break;
        case EV_CHURN:
          ota_sim_device_run_churn (self, event.device, now);
          break;
        case EV_ANSWER:
          ota_sim_device_run_answer (self, event.device);
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

  now = ota_sim_fleet_now (self);

  for (;;)
    {
      gint64 next = MIN (ota_engine_get_next_due (self->engine), ota_sim_fleet_get_next_event (self));

      if (next > until_us)
        break;

      next = MAX (next, now);
      if (next == last && ++passes > MAX_PASSES_PER_INSTANT)
        {
          g_set_error (error, OTA_ERROR, OTA_ERROR_STORE,
                       _("The engine keeps reporting work due at %" PRId64 " that it does not do"),
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
