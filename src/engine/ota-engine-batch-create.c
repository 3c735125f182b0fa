/* ota-engine-batch-create.c — starting verifications and batch upgrades, and the
 * forecast of a batch (R-V1..R-V4, R-B1..R-B16)
 *
 * Creation validates everything first, then in one transaction inserts the batch with
 * its sources, targets and regions, gives the matching devices their tasks
 * (ota-rollout-match.c) and writes the audit entry. After the commit the push pass runs
 * at once, so within the rate the first notices go out in the same call.
 */
#include "ota-enum-types.h"
#include "ota-rollout-private.h"
#include "ota-rollout-validate.h"

/* Inserts the batch row from @f (id, counts and source_versions are not used). */
static gint64
insert_batch_row (OtaEngine             *self,
                  const OtaBatchFields  *f,
                  GError               **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store,
                       "INSERT INTO batches (firmware_id, kind, strategy, scope, gray_percent, "
                       "app_confirm, schedule_start, schedule_end, push_rate, retry_interval, "
                       "retry_limit, timeout_minutes, overwrite, only_new_reports, sources_named, "
                       "state, created_at, started_at) "
                       "VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6, nullif(?7, 0), nullif(?8, 0), "
                       "nullif(?9, 0), ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, nullif(?18, 0))",
                       error);

  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, f->firmware_id);
  sqlite3_bind_text (stmt, 2, ota_enum_to_nick (OTA_TYPE_BATCH_KIND, f->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ota_enum_to_nick (OTA_TYPE_BATCH_STRATEGY, f->strategy), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ota_enum_to_nick (OTA_TYPE_BATCH_SCOPE, f->scope), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, f->gray_percent);
  sqlite3_bind_int (stmt, 6, f->app_confirm ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, f->schedule_start);
  sqlite3_bind_int64 (stmt, 8, f->schedule_end);
  sqlite3_bind_int (stmt, 9, f->push_rate);
  sqlite3_bind_text (stmt, 10, ota_enum_to_nick (OTA_TYPE_RETRY_INTERVAL, f->retry_interval), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 11, f->retry_limit);
  sqlite3_bind_int (stmt, 12, f->timeout_minutes);
  sqlite3_bind_int (stmt, 13, f->overwrite ? 1 : 0);
  sqlite3_bind_int (stmt, 14, f->only_new_reports ? 1 : 0);
  sqlite3_bind_int (stmt, 15, f->sources_named ? 1 : 0);
  sqlite3_bind_text (stmt, 16, ota_enum_to_nick (OTA_TYPE_BATCH_STATE, f->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 17, f->created_at);
  sqlite3_bind_int64 (stmt, 18, f->started_at);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      ota_store_set_error (store, error, "creating a batch");
      return 0;
    }

  return sqlite3_last_insert_rowid (ota_store_get_db (store));
}

static gboolean
insert_batch_lists (OtaEngine        *self,
                    gint64            batch_id,
                    GStrv             sources,
                    GArray           *device_ids,
                    const OtaRegion  *regions,
                    guint             n_regions,
                    GError          **error)
{
  OtaStore *store = ota_engine_get_store (self);
  g_autoptr(OtaCachedStmt) source = NULL;
  g_autoptr(OtaCachedStmt) target = NULL;
  g_autoptr(OtaCachedStmt) region = NULL;

  source = ota_store_prepare (store, "INSERT INTO batch_sources (batch_id, version) VALUES (?, ?)", error);
  target = ota_store_prepare (store, "INSERT INTO batch_targets (batch_id, device_id) VALUES (?, ?)", error);
  region = ota_store_prepare (store, "INSERT INTO batch_regions (batch_id, province, city) VALUES (?, ?, ?)", error);
  if (source == NULL || target == NULL || region == NULL)
    return FALSE;

  for (guint i = 0; sources[i] != NULL; i++)
    {
      sqlite3_bind_int64 (source, 1, batch_id);
      sqlite3_bind_text (source, 2, sources[i], -1, SQLITE_STATIC);
      if (sqlite3_step (source) != SQLITE_DONE)
        return ota_store_set_error (store, error, "saving source versions");
      sqlite3_reset (source);
    }

  for (guint i = 0; device_ids != NULL && i < device_ids->len; i++)
    {
      sqlite3_bind_int64 (target, 1, batch_id);
      sqlite3_bind_int64 (target, 2, g_array_index (device_ids, gint64, i));
      if (sqlite3_step (target) != SQLITE_DONE)
        return ota_store_set_error (store, error, "saving target devices");
      sqlite3_reset (target);
    }

  for (guint i = 0; i < n_regions; i++)
    {
      sqlite3_bind_int64 (region, 1, batch_id);
      sqlite3_bind_text (region, 2, regions[i].province, -1, SQLITE_STATIC);
      sqlite3_bind_text (region, 3, regions[i].city != NULL ? regions[i].city : "", -1, SQLITE_STATIC);
      if (sqlite3_step (region) != SQLITE_DONE)
        return ota_store_set_error (store, error, "saving regions");
      sqlite3_reset (region);
    }

  return TRUE;
}

/* Validates @spec and inserts the batch with its lists, without tasks. Inside a
 * transaction. */
static gint64
insert_batch (OtaEngine           *self,
              const OtaBatchSpec  *spec,
              gint64               now,
              OtaRolloutPlan      *plan,
              GError             **error)
{
  gboolean scheduled = spec->schedule_start != 0;
  OtaBatchFields f = {
    .firmware_id = spec->firmware_id,
    .kind = OTA_BATCH_KIND_BATCH,
    .strategy = spec->strategy,
    .scope = spec->scope,
    .gray_percent = spec->scope == OTA_BATCH_SCOPE_GRAY ? spec->gray_percent : 0,
    .app_confirm = spec->app_confirm,
    .schedule_start = spec->schedule_start,
    .schedule_end = spec->schedule_end,
    .push_rate = spec->push_rate,
    .retry_interval = spec->retry_interval,
    .retry_limit = spec->retry_limit,
    .timeout_minutes = spec->timeout_minutes,
    .overwrite = spec->overwrite,
    .only_new_reports = spec->only_new_reports,
    .state = scheduled ? OTA_BATCH_STATE_SCHEDULED : OTA_BATCH_STATE_RUNNING,
    .created_at = now,
    .started_at = scheduled ? 0 : now,
  };
  gint64 batch_id;

  if (!ota_rollout_plan_batch (self, spec, plan, error))
    return 0;

  f.sources_named = plan->sources_named;
  batch_id = insert_batch_row (self, &f, error);
  if (batch_id == 0 ||
      !insert_batch_lists (self, batch_id, plan->sources, plan->device_ids,
                           spec->scope == OTA_BATCH_SCOPE_REGION ? spec->regions : NULL,
                           spec->scope == OTA_BATCH_SCOPE_REGION ? spec->n_regions : 0,
                           error))
    return 0;

  return batch_id;
}

/* After a commit: immediate notices go out now, within the rate. The rollout is already
 * saved, so a failure here is only logged; the next pass retries. The rest of a very
 * large batch is enrolled by the next ota_engine_run_due(), not here. */
static void
run_due_after_commit (OtaEngine *self)
{
  g_autoptr(GError) error = NULL;

  if (!ota_rollout_catch_up (self, &error))
    g_warning ("Pushing the first notices failed: %s", error->message);
}

/* @batch (read before its commit) as the push pass after the commit left it. When it
 * cannot be read again the caller still gets @batch: the rollout was saved, and an
 * error would make the caller create it twice. */
static OtaBatch *
refresh_batch (OtaEngine *self,
               OtaBatch  *batch)
{
  g_autoptr(GError) error = NULL;
  OtaBatch *refreshed = ota_engine_get_batch (self, ota_batch_get_id (batch), &error);

  if (refreshed == NULL)
    {
      g_debug ("Batch %" G_GINT64_FORMAT " saved; reading it again failed: %s",
               ota_batch_get_id (batch), error->message);
      return batch;
    }

  g_object_unref (batch);
  return refreshed;
}

static GVariant *
strv_variant (const char * const *strv)
{
  return g_variant_new_strv (strv, -1);
}

static GVariant *
batch_audit_params (gint64              batch_id,
                    const OtaBatchSpec *spec,
                    OtaRolloutPlan     *plan)
{
  GVariantBuilder builder;
  g_autoptr(GPtrArray) regions = g_ptr_array_new_with_free_func (g_free);
  const char *no_devices[] = { NULL };

  for (guint i = 0; spec->scope == OTA_BATCH_SCOPE_REGION && i < spec->n_regions; i++)
    g_ptr_array_add (regions, g_strjoin ("/", spec->regions[i].province,
                                         spec->regions[i].city != NULL ? spec->regions[i].city : "",
                                         NULL));
  g_ptr_array_add (regions, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "batch", g_variant_new_int64 (batch_id));
  g_variant_builder_add (&builder, "{sv}", "firmware", g_variant_new_int64 (spec->firmware_id));
  g_variant_builder_add (&builder, "{sv}", "strategy",
                         g_variant_new_string (ota_enum_to_nick (OTA_TYPE_BATCH_STRATEGY, spec->strategy)));
  g_variant_builder_add (&builder, "{sv}", "scope",
                         g_variant_new_string (ota_enum_to_nick (OTA_TYPE_BATCH_SCOPE, spec->scope)));
  g_variant_builder_add (&builder, "{sv}", "source-versions",
                         strv_variant ((const char * const *) plan->sources));
  g_variant_builder_add (&builder, "{sv}", "sources-named", g_variant_new_boolean (plan->sources_named));
  g_variant_builder_add (&builder, "{sv}", "devices",
                         strv_variant (spec->scope == OTA_BATCH_SCOPE_TARGETED ? spec->devices : no_devices));
  g_variant_builder_add (&builder, "{sv}", "regions",
                         strv_variant ((const char * const *) regions->pdata));
  g_variant_builder_add (&builder, "{sv}", "gray-percent",
                         g_variant_new_uint32 (spec->scope == OTA_BATCH_SCOPE_GRAY ? spec->gray_percent : 0));
  g_variant_builder_add (&builder, "{sv}", "app-confirm", g_variant_new_boolean (spec->app_confirm));
  g_variant_builder_add (&builder, "{sv}", "schedule-start", g_variant_new_int64 (spec->schedule_start));
  g_variant_builder_add (&builder, "{sv}", "schedule-end", g_variant_new_int64 (spec->schedule_end));
  g_variant_builder_add (&builder, "{sv}", "push-rate", g_variant_new_uint32 (spec->push_rate));
  g_variant_builder_add (&builder, "{sv}", "retry-interval",
                         g_variant_new_string (ota_enum_to_nick (OTA_TYPE_RETRY_INTERVAL, spec->retry_interval)));
  g_variant_builder_add (&builder, "{sv}", "retry-limit", g_variant_new_uint32 (spec->retry_limit));
  g_variant_builder_add (&builder, "{sv}", "timeout", g_variant_new_uint32 (spec->timeout_minutes));
  g_variant_builder_add (&builder, "{sv}", "overwrite", g_variant_new_boolean (spec->overwrite));
  g_variant_builder_add (&builder, "{sv}", "only-new-reports", g_variant_new_boolean (spec->only_new_reports));

  return g_variant_builder_end (&builder);
}

/**
 * ota_engine_create_batch:
 *
 * Starts a batch upgrade of a verified firmware (R-B1..R-B16): validates every option,
 * gives each matching device its task and pushes the first notices within the rate.
 * Over very many devices only the first chunk of them (in device name order) gets its
 * task here; ota_engine_run_due() enrols the rest right after, a chunk per transaction
 * (ota_batch_get_enrolling() tells how many are still to come). A static batch takes
 * the devices that exist when it is created, each judged when its chunk is enrolled.
 *
 * Returns: (transfer full): the batch, or %NULL with @error set and nothing changed
 */
OtaBatch *
ota_engine_create_batch (OtaEngine           *self,
                         const OtaBatchSpec  *spec,
                         GError             **error)
{
  g_auto(OtaRolloutPlan) plan = { 0 };
  g_autoptr(OtaBatch) batch = NULL;
  gint64 now, batch_id;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  now = ota_engine_now (self);
  if (!ota_rollout_check_batch_spec (spec, now, error))
    return NULL;

  /* What fell due before now (a timeout, a window end) happens first, so the new batch meets
   * the state the timeline reached whether or not a due pass ran since the clock moved. */
  if (!ota_rollout_catch_up (self, error))
    return NULL;

  {
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (ota_engine_get_store (self), error);

    if (tx == NULL)
      return NULL;

    batch_id = insert_batch (self, spec, now, &plan, error);
    if (batch_id == 0 ||
        !ota_rollout_start_enrolment (self, batch_id, now, error) ||
        /* A static batch whose every task ended at once (conflicts), or that matched
         * nobody, is over: nothing can join it later. */
        (spec->strategy == OTA_BATCH_STRATEGY_STATIC &&
         !ota_rollout_maybe_finish_batch (self, batch_id, now, error)) ||
        !ota_engine_audit (self, "batch.create", batch_audit_params (batch_id, spec, &plan), error))
      return NULL;

    /* Read before the commit: once it is committed, the caller must get it. */
    batch = ota_engine_get_batch (self, batch_id, error);
    if (batch == NULL || !ota_transaction_commit (tx, error))
      return NULL;
  }

  ota_engine_mark_batch_changed (self, batch_id);
  run_due_after_commit (self);
  return refresh_batch (self, g_steal_pointer (&batch));
}

/**
 * ota_engine_forecast_batch:
 *
 * Runs the same validation and matching as ota_engine_create_batch() and rolls it back:
 * what the batch would do if it were created now. See #OtaBatchForecast.
 */
gboolean
ota_engine_forecast_batch (OtaEngine           *self,
                           const OtaBatchSpec  *spec,
                           OtaBatchForecast    *forecast,
                           GError             **error)
{
  g_auto(OtaRolloutPlan) plan = { 0 };
  g_autoptr(OtaTransaction) tx = NULL;
  OtaBatchForecast result = { 0 };
  guint64 n_push = 0;
  gint64 now, batch_id;

  g_return_val_if_fail (OTA_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (forecast != NULL, FALSE);

  now = ota_engine_now (self);
  if (!ota_rollout_check_batch_spec (spec, now, error) ||
      !ota_rollout_catch_up (self, error))   /* the state creation would meet */
    return FALSE;

  /* Never committed: the batch rows exist only for the matching queries to read. */
  tx = ota_transaction_begin (ota_engine_get_store (self), error);
  if (tx == NULL)
    return FALSE;

  batch_id = insert_batch (self, spec, now, &plan, error);
  if (batch_id == 0 ||
      !ota_rollout_forecast_matches (self, batch_id, &result, &n_push, error))
    return FALSE;

  /* The rate allows push_rate notices per minute: the online devices fill this many
   * whole minutes. */
  result.push_duration_us = (gint64) ((n_push + spec->push_rate - 1) / spec->push_rate) * G_TIME_SPAN_MINUTE;
  *forecast = result;
  return TRUE;
}

/**
 * ota_engine_start_verification:
 *
 * Verifies a firmware on up to 10 devices (R-V1..R-V3): a static, targeted rollout
 * without push-rate limit and without retries. The firmware becomes verifying; when
 * every task has ended it becomes verified or verify-failed (R-V4).
 *
 * Returns: (transfer full): the verification, or %NULL with @error set and nothing changed
 */
OtaBatch *
ota_engine_start_verification (OtaEngine            *self,
                               const OtaVerifySpec  *spec,
                               GError              **error)
{
  g_auto(OtaRolloutPlan) plan = { 0 };
  g_autoptr(OtaBatch) batch = NULL;
  gint64 now, batch_id;

  g_return_val_if_fail (OTA_IS_ENGINE (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (!ota_rollout_check_verify_spec (spec, error))
    return NULL;

  /* What fell due before now (a timeout, a window end) happens first, so the verification meets
   * the state the timeline reached whether or not a due pass ran since the clock moved. */
  if (!ota_rollout_catch_up (self, error))
    return NULL;

  now = ota_engine_now (self);

  {
    OtaStore *store = ota_engine_get_store (self);
    g_autoptr(OtaTransaction) tx = ota_transaction_begin (store, error);
    g_autoptr(OtaCachedStmt) verifying = NULL;
    OtaBatchFields f = {
      .firmware_id = spec->firmware_id,
      .kind = OTA_BATCH_KIND_VERIFICATION,
      .strategy = OTA_BATCH_STRATEGY_STATIC,
      .scope = OTA_BATCH_SCOPE_TARGETED,
      .app_confirm = spec->app_confirm,
      .push_rate = 0,                       /* unlimited */
      .retry_interval = OTA_RETRY_INTERVAL_NONE,
      .retry_limit = 1,
      .timeout_minutes = spec->timeout_minutes,
      .sources_named = TRUE,
      .state = OTA_BATCH_STATE_RUNNING,
      .created_at = now,
      .started_at = now,
    };
    GVariant *params;

    if (tx == NULL || !ota_rollout_plan_verification (self, spec, &plan, error))
      return NULL;

    batch_id = insert_batch_row (self, &f, error);
    if (batch_id == 0 ||
        !insert_batch_lists (self, batch_id, plan.sources, plan.device_ids, NULL, 0, error))
      return NULL;

    for (guint i = 0; i < plan.device_ids->len; i++)
      {
        g_autoptr(GHashTable) versions =
          ota_engine_read_device_versions (store, g_array_index (plan.device_ids, gint64, i));
        const char *version = g_hash_table_lookup (versions, ota_firmware_get_module (plan.firmware));

        if (!ota_rollout_enroll_device (self, batch_id, g_array_index (plan.device_ids, gint64, i),
                                        version, now, error))
          return NULL;
      }

    verifying = ota_store_prepare (store, "UPDATE firmwares SET status = 'verifying' WHERE id = ?", error);
    if (verifying == NULL)
      return NULL;
    sqlite3_bind_int64 (verifying, 1, spec->firmware_id);
    if (sqlite3_step (verifying) != SQLITE_DONE)
      {
        ota_store_set_error (store, error, "starting a verification");
        return NULL;
      }

    params = g_variant_new_parsed ("{'firmware': <%x>, 'batch': <%x>, 'source-versions': <%^as>, "
                                   "'devices': <%^as>, 'timeout': <%u>, 'app-confirm': <%b>}",
                                   spec->firmware_id, batch_id, plan.sources, spec->devices,
                                   spec->timeout_minutes, spec->app_confirm);
    if (!ota_engine_audit (self, "firmware.verify", params, error))
      return NULL;

    /* Read before the commit: once it is committed, the caller must get it. */
    batch = ota_engine_get_batch (self, batch_id, error);
    if (batch == NULL || !ota_transaction_commit (tx, error))
      return NULL;
  }

  run_due_after_commit (self);
  return refresh_batch (self, g_steal_pointer (&batch));
}
