/* ota-demo-rollouts.c — the demo's rollouts, played through the engine with the fleet
 *
 * The firmwares are found by product, module and version in the demo catalogue
 * (ota-demo-catalogue.c): change both together. Verifications pick online devices on a
 * source version in name order, so the same seed gives the same story; a verification
 * that the fleet's random failures spoil is repeated on the next devices (R-V4 allows
 * it), so that every headline firmware ends verified.
 */
#include <glib/gi18n-lib.h>

#include "ota-demo-rollouts.h"

/* How far the setup plays at most while waiting for verifications to end. */
#define VERIFY_WAIT_MAX   (60 * G_TIME_SPAN_MINUTE)
#define PLAY_STEP         (30 * G_TIME_SPAN_SECOND)
#define VERIFY_TRIES      5
#define CANDIDATE_PAGE    200

typedef struct {
  OtaEngine              *engine;
  OtaSimFleet            *fleet;
  OtaDemoRolloutSummary   summary;
} Demo;

/* The headline firmware of each product: verified, then upgraded in batches. */
static const struct {
  const char *product;
  const char *module;
  const char *version;
} headline[] = {
  { "a1SmartPlug", "default", "1.3.0" },
  { "a1BleLamp01", "default", "3.2.0" },
  { "a1Tracker4G", "default", "1.2.0" },
  { "a1HomePanel", "default", "5.3.0" },
};

void
ota_demo_sim_config (OtaSimConfig *config,
                     guint32       seed)
{
  const OtaSimConfig defaults = OTA_SIM_CONFIG_INIT;

  g_return_if_fail (config != NULL);

  *config = defaults;
  config->seed = seed;
}

OtaSimFleet *
ota_demo_fleet_new (OtaEngine       *engine,
                    OtaManualClock  *clock,
                    guint32          seed,
                    GError         **error)
{
  g_autoptr(OtaSimFleet) fleet = NULL;
  g_autoptr(GPtrArray) products = NULL;
  OtaSimConfig config;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (OTA_IS_MANUAL_CLOCK (clock), NULL);

  products = ota_engine_list_products (engine, error);
  if (products == NULL)
    return NULL;

  ota_demo_sim_config (&config, seed);
  fleet = ota_sim_fleet_new (engine, clock, &config);
  for (guint i = 0; i < products->len; i++)
    if (!ota_sim_fleet_add_product (fleet, ota_product_get_key (g_ptr_array_index (products, i)), error))
      return NULL;

  return g_steal_pointer (&fleet);
}

static gint64
demo_now (Demo *demo)
{
  return ota_clock_get_now (ota_engine_get_clock (demo->engine));
}

static gboolean
play (Demo    *demo,
      gint64   duration,
      GError **error)
{
  return ota_sim_fleet_run_until (demo->fleet, demo_now (demo) + duration, error);
}

static OtaFirmware *
find_firmware (Demo        *demo,
               const char  *product_key,
               const char  *module,
               const char  *version,
               GError     **error)
{
  g_autoptr(GPtrArray) firmwares = ota_engine_list_firmwares (demo->engine, product_key, error);

  if (firmwares == NULL)
    return NULL;

  for (guint i = 0; i < firmwares->len; i++)
    {
      OtaFirmware *firmware = g_ptr_array_index (firmwares, i);

      if (g_str_equal (ota_firmware_get_module (firmware), module) &&
          g_str_equal (ota_firmware_get_version (firmware), version))
        return g_object_ref (firmware);
    }

  ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "firmware",
                       _("The demo catalogue has no firmware %s of module “%s” for product “%s”"),
                       version, module, product_key);
  return NULL;
}

static OtaFirmware *
find_headline (Demo     *demo,
               guint     index,
               GError  **error)
{
  return find_firmware (demo, headline[index].product, headline[index].module, headline[index].version, error);
}

/* Up to @n online devices on one of @firmware's sources, in name order from @skip.
 * @avoid (nullable): leave out devices on one of its sources for its module — the
 * batch of @avoid holds their only unfinished task a device may have. */
static GStrv
pick_devices (Demo         *demo,
              OtaFirmware  *firmware,
              OtaFirmware  *avoid,
              guint        *skip,
              guint         n,
              GError      **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  OtaDeviceQuery query = OTA_DEVICE_QUERY_INIT;
  guint picked = 0;

  query.product_key = ota_firmware_get_product_key (firmware);
  query.online = 1;
  query.module = ota_firmware_get_module (firmware);
  query.versions = ota_firmware_get_source_versions (firmware);
  query.sort = OTA_DEVICE_SORT_NAME;
  query.offset = *skip;
  query.limit = CANDIDATE_PAGE;

  while (picked < n)
    {
      g_autoptr(GPtrArray) devices = ota_engine_query_devices (demo->engine, &query, NULL, error);

      if (devices == NULL)
        return NULL;

      for (guint i = 0; i < devices->len && picked < n; i++)
        {
          OtaDevice *device = g_ptr_array_index (devices, i);
          const char *version = avoid != NULL ? ota_device_get_version (device, ota_firmware_get_module (avoid))
                                              : NULL;

          (*skip)++;
          if (version != NULL && g_strv_contains (ota_firmware_get_source_versions (avoid), version))
            continue;
          g_strv_builder_add (builder, ota_device_get_name (device));
          picked++;
        }

      if (devices->len < CANDIDATE_PAGE)
        break;
      query.offset += CANDIDATE_PAGE;
    }

  if (picked == 0)
    {
      ota_error_set_field (error, OTA_ERROR_NOT_FOUND, "devices",
                           _("No online device of product “%s” can verify firmware “%s”"),
                           ota_firmware_get_product_key (firmware), ota_firmware_get_name (firmware));
      return NULL;
    }

  return g_strv_builder_end (builder);
}

static OtaBatch *
verify (Demo         *demo,
        OtaFirmware  *firmware,
        OtaFirmware  *avoid,
        guint        *skip,
        guint         n_devices,
        gboolean      app_confirm,
        GError      **error)
{
  g_auto(GStrv) devices = pick_devices (demo, firmware, avoid, skip, n_devices, error);
  OtaVerifySpec spec = {
    .firmware_id = ota_firmware_get_id (firmware),
    .source_versions = ota_firmware_get_source_versions (firmware),
    .timeout_minutes = 10,
    .app_confirm = app_confirm,
  };
  OtaBatch *batch;

  if (devices == NULL)
    return NULL;

  spec.devices = (const char * const *) devices;
  batch = ota_engine_start_verification (demo->engine, &spec, error);
  if (batch != NULL)
    demo->summary.verifications++;
  return batch;
}

static gboolean
any_verifying (Demo         *demo,
               OtaFirmware **firmwares,
               guint         n,
               gboolean     *verifying,
               GError      **error)
{
  *verifying = FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OtaFirmware) now = ota_engine_get_firmware (demo->engine, ota_firmware_get_id (firmwares[i]), error);

      if (now == NULL)
        return FALSE;
      if (ota_firmware_get_status (now) == OTA_FIRMWARE_STATUS_VERIFYING)
        *verifying = TRUE;
      g_set_object (&firmwares[i], now);
    }
  return TRUE;
}

/* Plays until none of @firmwares is verifying any more (refreshing the snapshots). */
static gboolean
play_until_verified (Demo         *demo,
                     OtaFirmware **firmwares,
                     guint         n,
                     GError      **error)
{
  gint64 limit = demo_now (demo) + VERIFY_WAIT_MAX;
  gboolean verifying = TRUE;

  while (demo_now (demo) < limit)
    {
      if (!play (demo, PLAY_STEP, error) ||
          !any_verifying (demo, firmwares, n, &verifying, error))
        return FALSE;
      if (!verifying)
        return TRUE;
    }

  g_set_error (error, OTA_ERROR, OTA_ERROR_STORE,
               _("The demo’s verifications did not end within an hour of simulated time"));
  return FALSE;
}

/* One headline firmware per product verified (R-V1, R-V4). */
static gboolean
verify_headlines (Demo    *demo,
                  GError **error)
{
  OtaFirmware *firmwares[G_N_ELEMENTS (headline)] = { NULL };
  guint skip[G_N_ELEMENTS (headline)] = { 0 };
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < G_N_ELEMENTS (headline); i++)
    ok = (firmwares[i] = find_headline (demo, i, error)) != NULL;

  for (guint round = 0; ok && round < VERIFY_TRIES; round++)
    {
      gboolean started = FALSE;

      for (guint i = 0; ok && i < G_N_ELEMENTS (headline); i++)
        {
          g_autoptr(OtaBatch) batch = NULL;

          if (ota_firmware_get_status (firmwares[i]) == OTA_FIRMWARE_STATUS_VERIFIED)
            continue;
          batch = verify (demo, firmwares[i], NULL, &skip[i], 3, FALSE, error);
          ok = batch != NULL;
          started = TRUE;
        }
      if (!ok || !started)
        break;
      ok = play_until_verified (demo, firmwares, G_N_ELEMENTS (headline), error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (headline); i++)
    {
      if (ok && ota_firmware_get_status (firmwares[i]) != OTA_FIRMWARE_STATUS_VERIFIED)
        {
          ota_error_set_field (error, OTA_ERROR_CONFLICT, "firmware",
                               _("The demo could not verify firmware “%s”"),
                               ota_firmware_get_name (firmwares[i]));
          ok = FALSE;
        }
      g_clear_object (&firmwares[i]);
    }

  return ok;
}

/* A verification that fails: one device finds the package corrupt (R-S6 step -3), so
 * the firmware ends verify-failed (R-V4). */
static gboolean
fail_verification (Demo    *demo,
                   GError **error)
{
  g_autoptr(OtaFirmware) firmware = find_firmware (demo, "a1BleLamp01", "default", "3.1.1", error);
  g_autoptr(OtaBatch) batch = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  OtaTaskQuery query = OTA_TASK_QUERY_INIT;
  OtaFirmware *firmwares[1];
  guint skip = 0;

  if (firmware == NULL ||
      (batch = verify (demo, firmware, NULL, &skip, 2, FALSE, error)) == NULL)
    return FALSE;

  query.sort = OTA_TASK_SORT_DEVICE;
  query.limit = 1;
  tasks = ota_engine_query_tasks (demo->engine, ota_batch_get_id (batch), &query, NULL, error);
  if (tasks == NULL)
    return FALSE;

  if (tasks->len > 0)
    {
      OtaDeviceEvent event = {
        .kind = OTA_DEVICE_EVENT_PROGRESS,
        .product_key = ota_firmware_get_product_key (firmware),
        .device_name = ota_task_get_device_name (g_ptr_array_index (tasks, 0)),
        .module = ota_firmware_get_module (firmware),
        .step = -3,
        .description = "package digest mismatch",
      };

      if (!ota_engine_apply_device_event (demo->engine, &event, error))
        return FALSE;
    }

  firmwares[0] = g_steal_pointer (&firmware);
  if (!play_until_verified (demo, firmwares, 1, error))
    {
      g_object_unref (firmwares[0]);
      return FALSE;
    }
  g_object_unref (firmwares[0]);
  return TRUE;
}

static OtaBatch *
create_batch (Demo                *demo,
              const OtaBatchSpec  *spec,
              GError             **error)
{
  OtaBatch *batch = ota_engine_create_batch (demo->engine, spec, error);

  if (batch != NULL)
    demo->summary.batches++;
  return batch;
}

/* The batches that run: every plug on the two latest releases at 50 a minute, lamps in
 * two regions with app confirmation, a gray release of trackers, a region batch of
 * panels that the operator cancels for a dynamic one with retries (R-R1). */
static gboolean
start_batches (Demo    *demo,
               GError **error)
{
  static const char * const plug_sources[] = { "1.2.0", "1.2.1", NULL };
  static const char * const panel_sources[] = { "5.1.0", "5.2.0", NULL };
  static const OtaRegion lamp_regions[] = { { "广东省", NULL }, { "浙江省", "杭州市" } };
  static const OtaRegion panel_regions[] = { { "北京市", NULL } };
  OtaFirmware *firmwares[G_N_ELEMENTS (headline)] = { NULL };
  g_autoptr(OtaBatch) plug = NULL, lamp = NULL, tracker = NULL, panel_region = NULL;
  g_autoptr(OtaBatch) cancelled = NULL, panel_dynamic = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < G_N_ELEMENTS (headline); i++)
    ok = (firmwares[i] = find_headline (demo, i, error)) != NULL;

  if (ok)
    {
      spec.firmware_id = ota_firmware_get_id (firmwares[0]);
      spec.source_versions = plug_sources;
      spec.push_rate = 50;
      spec.timeout_minutes = 30;
      ok = (plug = create_batch (demo, &spec, error)) != NULL;
    }

  if (ok)
    {
      OtaBatchSpec region = OTA_BATCH_SPEC_INIT;

      region.firmware_id = ota_firmware_get_id (firmwares[1]);
      region.scope = OTA_BATCH_SCOPE_REGION;
      region.regions = lamp_regions;
      region.n_regions = G_N_ELEMENTS (lamp_regions);
      region.app_confirm = TRUE;
      region.push_rate = 100;
      region.timeout_minutes = 30;
      ok = (lamp = create_batch (demo, &region, error)) != NULL;
    }

  if (ok)
    {
      OtaBatchSpec gray = OTA_BATCH_SPEC_INIT;

      gray.firmware_id = ota_firmware_get_id (firmwares[2]);
      gray.scope = OTA_BATCH_SCOPE_GRAY;
      gray.gray_percent = 10;
      gray.push_rate = 20;
      gray.timeout_minutes = 30;
      ok = (tracker = create_batch (demo, &gray, error)) != NULL;
    }

  if (ok)
    {
      OtaBatchSpec region = OTA_BATCH_SPEC_INIT;

      region.firmware_id = ota_firmware_get_id (firmwares[3]);
      region.scope = OTA_BATCH_SCOPE_REGION;
      region.regions = panel_regions;
      region.n_regions = G_N_ELEMENTS (panel_regions);
      region.push_rate = 10;
      ok = (panel_region = create_batch (demo, &region, error)) != NULL;
    }

  /* The operator thinks better of it after a few minutes: every panel, and the ones
   * that report later, through a dynamic batch (R-B5, R-B17). */
  ok = ok && play (demo, 4 * G_TIME_SPAN_MINUTE, error) &&
       (cancelled = ota_engine_cancel_batch (demo->engine, ota_batch_get_id (panel_region), error)) != NULL;
  if (ok)
    {
      OtaBatchSpec dynamic = OTA_BATCH_SPEC_INIT;

      dynamic.firmware_id = ota_firmware_get_id (firmwares[3]);
      dynamic.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
      dynamic.source_versions = panel_sources;
      dynamic.push_rate = 30;
      dynamic.retry_interval = OTA_RETRY_INTERVAL_10_MINUTES;
      dynamic.retry_limit = 2;
      dynamic.timeout_minutes = 30;
      ok = (panel_dynamic = create_batch (demo, &dynamic, error)) != NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (headline); i++)
    g_clear_object (&firmwares[i]);
  return ok;
}

/* What waits: every tracker in two hours (R-B11; the gray release's unfinished tasks
 * give way, R-B15), and a module verification whose app users have not answered yet
 * (R-B3). */
static gboolean
start_waiting (Demo    *demo,
               GError **error)
{
  g_autoptr(OtaFirmware) tracker = find_headline (demo, 2, error);
  g_autoptr(OtaFirmware) plug = NULL;
  g_autoptr(OtaFirmware) wifi = NULL;
  g_autoptr(OtaBatch) scheduled = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  guint skip = 0;

  if (tracker == NULL)
    return FALSE;

  spec.firmware_id = ota_firmware_get_id (tracker);
  spec.schedule_start = demo_now (demo) + 2 * G_TIME_SPAN_HOUR;
  spec.push_rate = 100;
  spec.overwrite = TRUE;
  scheduled = create_batch (demo, &spec, error);
  if (scheduled == NULL)
    return FALSE;

  plug = find_headline (demo, 0, error);
  wifi = plug != NULL ? find_firmware (demo, "a1SmartPlug", "wifi-fw", "2.5.0", error) : NULL;
  if (wifi == NULL)
    return FALSE;
  verification = verify (demo, wifi, plug, &skip, 2, TRUE, error);
  return verification != NULL;
}

gboolean
ota_demo_rollouts_play (OtaEngine              *engine,
                        OtaSimFleet            *fleet,
                        OtaDemoRolloutSummary  *summary,
                        GError                **error)
{
  Demo demo = { .engine = engine, .fleet = fleet };
  g_autoptr(OtaFirmware) first = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  gint64 start;
  gboolean ok;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), FALSE);
  g_return_val_if_fail (OTA_IS_SIM_FLEET (fleet), FALSE);

  first = find_headline (&demo, 0, error);
  if (first == NULL ||
      (batches = ota_engine_list_batches (engine, ota_firmware_get_id (first), error)) == NULL)
    return FALSE;
  if (batches->len > 0)
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "database",
                           _("The database %s has rollouts already; the demo’s rollouts start "
                             "only on a fresh demo catalogue"),
                           ota_store_get_path (ota_engine_get_store (engine)));
      return FALSE;
    }

  start = demo_now (&demo);
  ok = verify_headlines (&demo, error) &&
       fail_verification (&demo, error) &&
       start_batches (&demo, error) &&
       play (&demo, 8 * G_TIME_SPAN_MINUTE, error) &&
       start_waiting (&demo, error) &&
       play (&demo, 30 * G_TIME_SPAN_SECOND, error);

  demo.summary.played_us = demo_now (&demo) - start;
  if (summary != NULL)
    *summary = demo.summary;
  return ok;
}
