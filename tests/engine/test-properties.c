/* test-properties.c — random rollout scenarios against the rules that must always hold
 *
 * Each scenario is drawn from a GRand with a fixed seed: a small fleet (5–30 devices on
 * two modules, some offline, in a few regions), three firmwares verified through the
 * real flow (sometimes after a failed first verification), then random steps: batches
 * with random options (static/dynamic, all/targeted/region/gray, scheduled with windows,
 * push rates, retries, timeouts, overwrite, app confirmation, only-new-reports), batch
 * and task cancellations, device events alone or in groups (online, offline, version,
 * progress, errors, confirm, decline, invalid ones) and clock steps with or without a
 * due pass. After every step the invariants are checked:
 *   - terminal states are final (R-S5..R-S7): a task that ended never changes again;
 *   - batch counters equal a fresh count of the tasks per status (R-D1);
 *   - a device never has two unfinished tasks (R-B15);
 *   - no 60-second window holds more notices of a batch than its push rate (R-B12);
 *   - no verification device of a firmware has a task in that firmware's batches (R-B2);
 *   - a batch that ended has no unfinished task (R-B11, R-B17).
 * Two more properties compare runs of the same seed: a restart (close and reopen the
 * engine on the same database) at a random step changes no outcome, and for
 * scheduler-only scenarios one big clock jump ends exactly where small steps end (R-B11,
 * R-B12, R-B14, R-S2).
 *
 * The durability of commits is not under test here, so the store runs with
 * synchronous=OFF to keep thousands of scenarios fast. A failing scenario prints its
 * seed; OTA_PROPERTY_SEED=N runs that one alone.
 */
#include <stdlib.h>
#include <string.h>

#include "ota-test-link.h"

#define SECOND G_TIME_SPAN_SECOND
#define MINUTE G_TIME_SPAN_MINUTE
#define HOUR   G_TIME_SPAN_HOUR
#define DAY    G_TIME_SPAN_DAY

#define N_RANDOM_SCENARIOS   1000
#define N_RESTART_PAIRS      150
#define N_JUMP_PAIRS         150
#define STEPS_PER_SCENARIO   30
#define PRODUCT              OTA_TEST_PRODUCT
#define N_FIRMWARES          3

typedef struct {
  const char         *name;
  OtaFirmwareType     type;
  const char         *module;
  const char * const *sources;
  const char         *version;
} FirmwareDef;

static const char * const sources_a[] = { "1.0", "1.1", NULL };
static const char * const sources_b[] = { "1.0", "2.0", NULL };
static const char * const sources_c[] = { "w1", NULL };

static const FirmwareDef firmware_defs[N_FIRMWARES] = {
  { "fwA", OTA_FIRMWARE_TYPE_FULL, "default", sources_a, "2.0" },
  { "fwB", OTA_FIRMWARE_TYPE_FULL, "default", sources_b, "3.0" },
  { "fwC", OTA_FIRMWARE_TYPE_DIFF, "wifi", sources_c, "w2" },
};

/* Versions a device may report, per module: sources, targets and strangers. */
static const char * const default_versions[] = { "1.0", "1.1", "2.0", "3.0", "9.9" };
static const char * const wifi_versions[] = { "w1", "w2", "w9" };

static const OtaRegion regions[] = {
  { "广东省", "深圳市" }, { "广东省", "广州市" }, { "广东省", NULL }, { "浙江省", "杭州市" },
};

typedef struct {
  OtaTestFixture  fx;
  OtaTestLink    *link;
  GRand          *rand;
  guint           n_devices;
  char          **names;              /* "dev00" …, device ids 1 … n in order */
  gint64          firmware_ids[N_FIRMWARES];
  GHashTable     *terminal;           /* task id → status << 8 | reason, once ended */
  GHashTable     *sent;               /* batch id → GArray of notice times */
  guint           notices_seen;       /* notices already in @sent */
  guint           refusals_checked;
} Scenario;

/* ---- Small SQL helpers ------------------------------------------------------- */

static sqlite3 *
scenario_db (Scenario *s)
{
  return ota_store_get_db (ota_engine_get_store (s->fx.engine));
}

static gint64
sql_int (Scenario   *s,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (scenario_db (s), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Ids (first column) of @sql's rows. */
static GArray *
sql_ids (Scenario   *s,
         const char *sql)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (scenario_db (s), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

/* Durability is another test's business: no disk flush per commit here. */
static void
make_store_fast (Scenario *s)
{
  g_assert_cmpint (sqlite3_exec (scenario_db (s), "PRAGMA synchronous = OFF", NULL, NULL, NULL), ==, SQLITE_OK);
}

static gint64
now_of (Scenario *s)
{
  return ota_clock_get_now (OTA_CLOCK (s->fx.clock));
}

/* ---- Setting a scenario up ---------------------------------------------------- */

static const char *
pick (Scenario           *s,
      const char * const *items,
      guint               n)
{
  return items[g_rand_int_range (s->rand, 0, (gint32) n)];
}

static void
add_fleet (Scenario *s)
{
  s->n_devices = (guint) g_rand_int_range (s->rand, 5, 31);
  s->names = g_new0 (char *, s->n_devices + 1);

  for (guint i = 0; i < s->n_devices; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) versions = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(OtaDevice) device = NULL;
      const OtaRegion *region = &regions[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (regions))];
      gboolean known_region = g_rand_int_range (s->rand, 0, 5) > 0;
      gint32 roll = g_rand_int_range (s->rand, 0, 100);
      OtaDeviceSpec spec = {
        .product_key = PRODUCT,
        .province = known_region ? region->province : NULL,
        .city = known_region ? region->city : NULL,
        .online = g_rand_int_range (s->rand, 0, 100) < 80,
        .versions = versions,
      };

      s->names[i] = g_strdup_printf ("dev%02u", i);
      spec.name = s->names[i];
      if (roll < 45)
        g_hash_table_insert (versions, (gpointer) "default", (gpointer) "1.0");
      else if (roll < 75)
        g_hash_table_insert (versions, (gpointer) "default", (gpointer) "1.1");
      else if (roll < 92)
        g_hash_table_insert (versions, (gpointer) "default", (gpointer) "2.0");
      if (g_rand_int_range (s->rand, 0, 100) < 60)
        g_hash_table_insert (versions, (gpointer) "wifi", (gpointer) "w1");

      device = ota_engine_add_device (s->fx.engine, &spec, &error);
      g_assert_no_error (error);
    }
}

static void
add_firmwares (Scenario *s)
{
  for (guint i = 0; i < N_FIRMWARES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *file_name = g_strdup_printf ("%s.bin", firmware_defs[i].name);
      g_autofree char *path = ota_test_write_file (&s->fx, file_name, firmware_defs[i].name, 3);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(OtaFirmware) firmware = NULL;
      OtaFirmwareSpec spec = {
        .product_key = PRODUCT,
        .name = firmware_defs[i].name,
        .type = firmware_defs[i].type,
        .version = firmware_defs[i].version,
        .source_versions = firmware_defs[i].sources,
        .module = firmware_defs[i].module,
        .sign_algorithm = OTA_SIGN_ALGORITHM_MD5,
      };

      firmware = ota_engine_add_firmware (s->fx.engine, &spec, file, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      s->firmware_ids[i] = ota_firmware_get_id (firmware);
    }
}

static void
send_events (Scenario             *s,
             const OtaDeviceEvent *events,
             guint                 n)
{
  g_autoptr(GError) error = NULL;
  guint rejected = 0;

  ota_engine_apply_device_events (s->fx.engine, events, n, &rejected, &error);
  g_assert_no_error (error);
}

/* Up to @max devices of the fleet, online, free, on one of @fw's sources; @versions
 * gets the sources they are on (a verification names only reported versions, R-V2). */
static GPtrArray *
verification_candidates (Scenario          *s,
                         const FirmwareDef *fw,
                         guint              max,
                         GPtrArray         *versions)
{
  GPtrArray *names = g_ptr_array_new ();
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (scenario_db (s),
                                       "SELECT d.id, v.version FROM devices d JOIN device_versions v ON v.device_id = d.id "
                                       "WHERE v.module = ?1 AND v.version IN (?2, ?3) AND d.online = 1 "
                                       "AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.device_id = d.id AND t.status IN "
                                       "('pending-confirm', 'pending-push', 'pushed', 'upgrading')) ORDER BY d.id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, fw->module, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fw->sources[0], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, fw->sources[1] != NULL ? fw->sources[1] : fw->sources[0], -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW && names->len < max)
    {
      const char *version = (const char *) sqlite3_column_text (stmt, 1);
      const char *source = g_str_equal (version, fw->sources[0]) ? fw->sources[0] : fw->sources[1];

      g_ptr_array_add (names, s->names[sqlite3_column_int64 (stmt, 0) - 1]);
      if (!g_ptr_array_find_with_equal_func (versions, source, g_str_equal, NULL))
        g_ptr_array_add (versions, (gpointer) source);
    }
  sqlite3_finalize (stmt);
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (versions, NULL);
  return names;
}

/* One verification round through the real flow; @succeed: every device reports the
 * new version, else the first one fails verification (R-V4). */
static void
verify_round (Scenario *s,
              guint     index,
              gboolean  succeed)
{
  const FirmwareDef *fw = &firmware_defs[index];
  g_autoptr(GPtrArray) versions = g_ptr_array_new ();
  g_autoptr(GPtrArray) devices = verification_candidates (s, fw, (guint) g_rand_int_range (s->rand, 1, 3), versions);
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) verification = NULL;
  OtaVerifySpec spec = {
    .firmware_id = s->firmware_ids[index],
    .source_versions = (const char * const *) versions->pdata,
    .devices = (const char * const *) devices->pdata,
    .timeout_minutes = 30,
  };

  if (devices->len == 1)
    return;   /* nobody can verify it: it stays unverified (R-B1 refuses its batches) */

  verification = ota_engine_start_verification (s->fx.engine, &spec, &error);
  g_assert_no_error (error);

  for (guint i = 0; i + 1 < devices->len; i++)
    {
      OtaDeviceEvent event = {
        .kind = OTA_DEVICE_EVENT_VERSION,
        .product_key = PRODUCT,
        .device_name = devices->pdata[i],
        .module = fw->module,
        .version = fw->version,
      };

      if (!succeed && i == 0)
        {
          event.kind = OTA_DEVICE_EVENT_PROGRESS;
          event.step = 0;
          send_events (s, &event, 1);
          event.step = -3;
          event.description = "digest mismatch";
        }
      send_events (s, &event, 1);
    }
}

static void
scenario_init (Scenario *s,
               guint32   seed)
{
  memset (s, 0, sizeof *s);
  ota_test_fixture_setup (&s->fx, NULL);
  make_store_fast (s);
  s->rand = g_rand_new_with_seed (seed);
  s->terminal = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  s->sent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  s->link = ota_test_attach_link (&s->fx);

  g_object_unref (ota_test_add_product (s->fx.engine, PRODUCT, OTA_PROJECT_TYPE_OWN_BRAND,
                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE));
  add_fleet (s);
  add_firmwares (s);
  for (guint i = 0; i < N_FIRMWARES; i++)
    {
      gint32 roll = g_rand_int_range (s->rand, 0, 10);

      /* Mostly verified at once; sometimes after a failed first round (both rounds'
       * devices are verification devices, R-B2); sometimes left verify-failed. */
      verify_round (s, i, roll >= 2);
      if (roll == 0)
        verify_round (s, i, TRUE);
    }
}

static void
scenario_clear (Scenario *s)
{
  g_clear_object (&s->link);
  g_clear_pointer (&s->rand, g_rand_free);
  g_clear_pointer (&s->terminal, g_hash_table_unref);
  g_clear_pointer (&s->sent, g_hash_table_unref);
  g_clear_pointer (&s->names, g_strfreev);
  ota_test_fixture_teardown (&s->fx, NULL);
}

/* A restart: the engine is closed and opened again on the same database and clock;
 * the link has to be set again. */
static void
scenario_reopen (Scenario *s)
{
  ota_test_fixture_reopen (&s->fx);
  make_store_fast (s);
  ota_engine_set_device_link (s->fx.engine, OTA_DEVICE_LINK (s->link));
}

/* ---- The invariants ---------------------------------------------------------- */

/* R-S5..R-S7: a task that ended keeps its status and reason for ever. */
static void
check_terminal_final (Scenario *s)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (scenario_db (s), "SELECT id, status, coalesce(reason, '') FROM tasks",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      int status = 0, reason = 0;
      const char *reason_nick = (const char *) sqlite3_column_text (stmt, 2);
      gpointer recorded = NULL;
      gboolean known;

      g_assert_true (ota_enum_from_nick (OTA_TYPE_TASK_STATUS, (const char *) sqlite3_column_text (stmt, 1), &status));
      if (*reason_nick != '\0')
        g_assert_true (ota_enum_from_nick (OTA_TYPE_TASK_REASON, reason_nick, &reason));

      known = g_hash_table_lookup_extended (s->terminal, &id, NULL, &recorded);
      if (known)
        {
          if (GPOINTER_TO_INT (recorded) != (status << 8 | reason))
            g_error ("Task %" G_GINT64_FORMAT " ended %s/%d but is now %s/%s", id,
                     ota_enum_to_nick (OTA_TYPE_TASK_STATUS, GPOINTER_TO_INT (recorded) >> 8),
                     GPOINTER_TO_INT (recorded) & 0xff,
                     (const char *) sqlite3_column_text (stmt, 1), reason_nick);
        }
      else if (OTA_TASK_STATUS_IS_TERMINAL (status))
        g_hash_table_insert (s->terminal, g_memdup2 (&id, sizeof id), GINT_TO_POINTER (status << 8 | reason));
    }
  sqlite3_finalize (stmt);
}

/* R-D1: every batch's counters equal SELECT status, count(*) … GROUP BY. */
static void
check_counters (Scenario *s)
{
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM batches b WHERE "
                            "n_pending_confirm != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'pending-confirm') OR "
                            "n_pending_push != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'pending-push') OR "
                            "n_pushed != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'pushed') OR "
                            "n_upgrading != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'upgrading') OR "
                            "n_succeeded != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'succeeded') OR "
                            "n_failed != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'failed') OR "
                            "n_cancelled != (SELECT count(*) FROM tasks t WHERE t.batch_id = b.id AND t.status = 'cancelled')"),
                   ==, 0);
}

/* R-B12: in no 60 s did a batch send more notices than its rate, i.e. the notice
 * push_rate places after any other came at least 60 s later. */
static void
check_push_rate (Scenario *s)
{
  GPtrArray *notices = ota_test_link_get_notices (s->link);

  for (; s->notices_seen < notices->len; s->notices_seen++)
    {
      const OtaUpgradeNotice *notice = g_ptr_array_index (notices, s->notices_seen);
      GArray *times = g_hash_table_lookup (s->sent, &notice->batch_id);
      g_autofree char *sql = g_strdup_printf ("SELECT coalesce(push_rate, 0) FROM batches WHERE id = %" G_GINT64_FORMAT,
                                              notice->batch_id);
      gint64 rate = sql_int (s, sql);

      if (times == NULL)
        {
          times = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (s->sent, g_memdup2 (&notice->batch_id, sizeof (gint64)), times);
        }
      if (times->len > 0)
        g_assert_cmpint (notice->sent_at, >=, g_array_index (times, gint64, times->len - 1));
      g_array_append_val (times, notice->sent_at);

      if (rate > 0 && times->len > (guint) rate &&
          notice->sent_at - g_array_index (times, gint64, times->len - 1 - rate) < MINUTE)
        g_error ("Batch %" G_GINT64_FORMAT " sent %" G_GINT64_FORMAT " notices within less than 60 s",
                 notice->batch_id, rate + 1);
    }
}

static void
check_invariants (Scenario *s)
{
  check_terminal_final (s);
  check_counters (s);
  check_push_rate (s);

  /* R-B15: one unfinished task per device at most (the database refuses more, too). */
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM (SELECT device_id FROM tasks WHERE status IN "
                            "('pending-confirm', 'pending-push', 'pushed', 'upgrading') "
                            "GROUP BY device_id HAVING count(*) > 1)"), ==, 0);

  /* R-B2: no verification device of a firmware in that firmware's batches. */
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM tasks t JOIN batches b ON b.id = t.batch_id "
                            "WHERE b.kind = 'batch' AND EXISTS (SELECT 1 FROM batch_targets bt "
                            "JOIN batches vb ON vb.id = bt.batch_id WHERE vb.kind = 'verification' "
                            "AND vb.firmware_id = b.firmware_id AND bt.device_id = t.device_id)"), ==, 0);

  /* R-B11, R-B17: an ended batch has no unfinished task left. */
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM tasks t JOIN batches b ON b.id = t.batch_id "
                            "WHERE b.state IN ('finished', 'cancelled') AND t.status IN "
                            "('pending-confirm', 'pending-push', 'pushed', 'upgrading')"), ==, 0);
}

/* ---- Random steps ---------------------------------------------------------------- */

static const OtaUpgradeNotice *
random_notice (Scenario *s)
{
  guint n = ota_test_link_get_n_notices (s->link);

  if (n == 0)
    return NULL;
  /* Recent notices are the interesting ones: their devices are working. */
  return ota_test_link_get_notice (s->link, n - 1 - (guint) g_rand_int_range (s->rand, 0, (gint32) MIN (n, 12)));
}

static const char *
random_device (Scenario *s)
{
  return s->names[g_rand_int_range (s->rand, 0, (gint32) s->n_devices)];
}

static GStrv
random_subset (Scenario           *s,
               const char * const *items,
               guint               n)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv result;

  for (guint i = 0; i < n; i++)
    if (g_rand_boolean (s->rand))
      g_strv_builder_add (builder, items[i]);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  if (result[0] == NULL)
    {
      g_strfreev (result);
      result = g_new0 (char *, 2);
      result[0] = g_strdup (items[0]);
    }
  return result;
}

/* "Every failing operation changes nothing": checked on some refusals (a dump is slow). */
static gboolean
want_refusal_check (Scenario *s)
{
  return g_rand_int_range (s->rand, 0, 4) == 0;
}

static void
step_create_batch (Scenario *s,
                   gboolean  scheduler_only)
{
  guint index = (guint) g_rand_int_range (s->rand, 0, N_FIRMWARES);
  const FirmwareDef *fw = &firmware_defs[index];
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  g_auto(GStrv) sources = NULL;
  g_auto(GStrv) targets = NULL;
  OtaRegion chosen[2];
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) batch = NULL;
  g_autofree char *before = NULL;
  gint32 scope = g_rand_int_range (s->rand, 0, 10);
  gboolean check;

  spec.firmware_id = s->firmware_ids[index];
  spec.strategy = g_rand_int_range (s->rand, 0, 4) == 0 && !scheduler_only
                  ? OTA_BATCH_STRATEGY_DYNAMIC : OTA_BATCH_STRATEGY_STATIC;
  spec.scope = scope < 4 ? OTA_BATCH_SCOPE_ALL
               : scope < 6 ? OTA_BATCH_SCOPE_TARGETED
               : scope < 8 ? OTA_BATCH_SCOPE_REGION : OTA_BATCH_SCOPE_GRAY;
  spec.gray_percent = (guint) g_rand_int_range (s->rand, 1, 101);
  if (g_rand_boolean (s->rand))
    {
      sources = random_subset (s, fw->sources, g_strv_length ((GStrv) fw->sources));
      spec.source_versions = (const char * const *) sources;
    }
  if (spec.scope == OTA_BATCH_SCOPE_TARGETED)
    {
      const char *picked[6] = { NULL };
      guint n = (guint) g_rand_int_range (s->rand, 1, 6);

      for (guint i = 0; i < n; i++)
        picked[i] = random_device (s);
      /* Duplicates and verification devices are refused: the refusal is tested too. */
      targets = g_strdupv ((GStrv) picked);
      spec.devices = (const char * const *) targets;
    }
  if (spec.scope == OTA_BATCH_SCOPE_REGION)
    {
      spec.n_regions = (guint) g_rand_int_range (s->rand, 1, 3);
      for (guint i = 0; i < spec.n_regions; i++)
        chosen[i] = regions[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (regions))];
      spec.regions = chosen;
    }
  spec.app_confirm = !scheduler_only && g_rand_int_range (s->rand, 0, 4) == 0;
  if (spec.strategy == OTA_BATCH_STRATEGY_STATIC && g_rand_int_range (s->rand, 0, scheduler_only ? 2 : 4) == 0)
    {
      spec.schedule_start = now_of (s) + g_rand_int_range (s->rand, 10, 180) * MINUTE;
      if (g_rand_boolean (s->rand))
        spec.schedule_end = spec.schedule_start + g_rand_int_range (s->rand, 60, 300) * MINUTE;
    }
  spec.push_rate = g_rand_int_range (s->rand, 0, 5) == 0 ? 1000 : (guint) g_rand_int_range (s->rand, 10, 16);
  spec.retry_interval = (OtaRetryInterval) g_rand_int_range (s->rand, 0, 6);
  spec.retry_limit = (guint[]) { 1, 2, 5 }[g_rand_int_range (s->rand, 0, 3)];
  spec.timeout_minutes = (guint) g_rand_int_range (s->rand, 5, 61);
  spec.overwrite = g_rand_int_range (s->rand, 0, 3) == 0;
  spec.only_new_reports = spec.strategy == OTA_BATCH_STRATEGY_DYNAMIC && g_rand_int_range (s->rand, 0, 3) == 0;

  check = want_refusal_check (s);
  if (check)
    before = ota_test_dump_store (s->fx.engine);

  batch = ota_engine_create_batch (s->fx.engine, &spec, &error);
  if (batch == NULL)
    {
      /* R-B1, R-B2, R-B6, R-B10, R-B11 … refusals name a field and change nothing. */
      g_assert_nonnull (error);
      g_assert_true (error->domain == OTA_ERROR);
      g_assert_cmpint (error->code, !=, OTA_ERROR_STORE);
      if (check)
        {
          g_autofree char *after = ota_test_dump_store (s->fx.engine);

          g_assert_cmpstr (after, ==, before);
        }
    }
}

static void
step_cancel (Scenario *s)
{
  g_autoptr(GError) error = NULL;

  if (g_rand_boolean (s->rand))
    {
      g_autoptr(GArray) ids = sql_ids (s, "SELECT id FROM batches WHERE kind = 'batch' ORDER BY id");
      g_autoptr(OtaBatch) batch = NULL;

      if (ids->len == 0)
        return;
      /* R-B17; an ended batch is refused (CONFLICT). */
      batch = ota_engine_cancel_batch (s->fx.engine, g_array_index (ids, gint64, g_rand_int_range (s->rand, 0, (gint32) ids->len)),
                                       &error);
      g_assert_true (batch != NULL || g_error_matches (error, OTA_ERROR, OTA_ERROR_CONFLICT));
    }
  else
    {
      g_autoptr(GArray) ids = sql_ids (s, "SELECT id FROM tasks ORDER BY id");
      g_autoptr(OtaTask) task = NULL;

      if (ids->len == 0)
        return;
      task = ota_engine_cancel_task (s->fx.engine, g_array_index (ids, gint64, g_rand_int_range (s->rand, 0, (gint32) ids->len)),
                                     &error);
      g_assert_true (task != NULL || g_error_matches (error, OTA_ERROR, OTA_ERROR_CONFLICT));
    }
}

/* A random device event; about one in twelve is invalid. */
static void
random_event (Scenario       *s,
              OtaDeviceEvent *event)
{
  const OtaUpgradeNotice *notice = random_notice (s);
  gint32 roll = g_rand_int_range (s->rand, 0, 100);

  *event = (OtaDeviceEvent) { .product_key = PRODUCT, .device_name = random_device (s) };

  if (roll < 30 && notice != NULL)
    {
      static const int steps[] = { 0, 0, 10, 50, 100, 100, -1, -2, -3, -4 };

      event->kind = OTA_DEVICE_EVENT_PROGRESS;
      event->device_name = notice->device_name;
      event->module = notice->module;
      event->step = steps[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (steps))];
      event->description = event->step < 0 ? "device says no" : NULL;
    }
  else if (roll < 52 && notice != NULL)
    {
      event->kind = OTA_DEVICE_EVENT_VERSION;
      event->device_name = notice->device_name;
      event->module = notice->module;
      /* Mostly the target (R-S5), else a source or a stranger (R-S6). */
      event->version = g_rand_int_range (s->rand, 0, 3) > 0
                       ? notice->version
                       : g_str_equal (notice->module, "wifi")
                         ? pick (s, wifi_versions, G_N_ELEMENTS (wifi_versions))
                         : pick (s, default_versions, G_N_ELEMENTS (default_versions));
    }
  else if (roll < 62)
    {
      gboolean wifi = g_rand_int_range (s->rand, 0, 4) == 0;

      /* A report out of the blue: dynamic batches may pick the device up (R-B5, R-B16). */
      event->kind = OTA_DEVICE_EVENT_VERSION;
      event->module = wifi ? "wifi" : NULL;
      event->version = wifi ? pick (s, wifi_versions, G_N_ELEMENTS (wifi_versions))
                            : pick (s, default_versions, G_N_ELEMENTS (default_versions));
    }
  else if (roll < 78)
    event->kind = g_rand_boolean (s->rand) ? OTA_DEVICE_EVENT_ONLINE : OTA_DEVICE_EVENT_OFFLINE;
  else if (roll < 92)
    {
      g_autoptr(GArray) waiting = sql_ids (s, "SELECT device_id FROM tasks WHERE status = 'pending-confirm' ORDER BY id");

      event->kind = g_rand_int_range (s->rand, 0, 4) > 0 ? OTA_DEVICE_EVENT_CONFIRM : OTA_DEVICE_EVENT_DECLINE;
      if (waiting->len > 0)
        {
          gint64 id = g_array_index (waiting, gint64, g_rand_int_range (s->rand, 0, (gint32) waiting->len));
          g_autofree char *sql = g_strdup_printf ("SELECT b.firmware_id FROM tasks t JOIN batches b ON b.id = t.batch_id "
                                                  "WHERE t.device_id = %" G_GINT64_FORMAT " AND t.status = 'pending-confirm'", id);
          gint64 firmware_id = sql_int (s, sql);

          event->device_name = s->names[id - 1];
          for (guint i = 0; i < N_FIRMWARES; i++)
            if (s->firmware_ids[i] == firmware_id)
              event->module = firmware_defs[i].module;
        }
    }
  else
    {
      /* Refused: an unknown device, a step out of range, a bad version. */
      gint32 kind = g_rand_int_range (s->rand, 0, 3);

      event->kind = kind == 2 ? OTA_DEVICE_EVENT_VERSION : OTA_DEVICE_EVENT_PROGRESS;
      event->device_name = kind == 0 ? "nobody" : event->device_name;
      event->step = kind == 1 ? 101 : 5;
      event->version = "bad version!";
    }
}

static void
step_events (Scenario *s)
{
  OtaDeviceEvent events[6];
  guint n = g_rand_int_range (s->rand, 0, 3) == 0 ? (guint) g_rand_int_range (s->rand, 2, 7) : 1;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    random_event (s, &events[i]);

  if (n == 1 && g_rand_boolean (s->rand))
    {
      g_autofree char *before = NULL;
      gboolean check = want_refusal_check (s);

      if (check)
        before = ota_test_dump_store (s->fx.engine);
      if (!ota_engine_apply_device_event (s->fx.engine, &events[0], &error))
        {
          /* A refused event names its field and changes nothing. */
          g_assert_true (error->domain == OTA_ERROR);
          g_assert_cmpint (error->code, !=, OTA_ERROR_STORE);
          if (check)
            {
              g_autofree char *after = ota_test_dump_store (s->fx.engine);

              g_assert_cmpstr (after, ==, before);
            }
        }
      return;
    }

  send_events (s, events, n);
}

static void
step_clock (Scenario *s)
{
  static const gint64 steps[] = {
    SECOND, 10 * SECOND, 59 * SECOND, MINUTE, 61 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, DAY,
  };
  g_autoptr(GError) error = NULL;

  ota_manual_clock_advance (s->fx.clock, steps[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (steps))]);
  /* Sometimes no due pass: the next operation has to catch up itself. */
  if (g_rand_int_range (s->rand, 0, 5) > 0)
    {
      ota_engine_run_due (s->fx.engine, &error);
      g_assert_no_error (error);
    }
}

static void
random_step (Scenario *s)
{
  gint32 roll = g_rand_int_range (s->rand, 0, 100);

  if (roll < 14)
    step_create_batch (s, FALSE);
  else if (roll < 19)
    step_cancel (s);
  else if (roll < 75)
    step_events (s);
  else
    step_clock (s);
}

/* ---- Properties ---------------------------------------------------------------- */

/* Adds "status/reason" → number of tasks of the scenario to @coverage (nullable). */
static void
tally_outcomes (Scenario   *s,
                GHashTable *coverage)
{
  sqlite3_stmt *stmt = NULL;

  if (coverage == NULL)
    return;

  g_assert_cmpint (sqlite3_prepare_v2 (scenario_db (s),
                                       "SELECT status || '/' || coalesce(reason, '-'), count(*) FROM tasks "
                                       "GROUP BY 1 UNION ALL SELECT 'retried', count(*) FROM tasks WHERE tries > 1 "
                                       "UNION ALL SELECT 'batch/' || strategy || '/' || scope || '/' || state, count(*) "
                                       "FROM batches WHERE kind = 'batch' GROUP BY 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (coverage, key));

      g_hash_table_insert (coverage, g_strdup (key), GUINT_TO_POINTER (n + (guint) sqlite3_column_int (stmt, 1)));
    }
  sqlite3_finalize (stmt);
}

/* @reopen_at: the step before which the engine restarts (0: never). */
static char *
run_scenario (guint32     seed,
              guint       reopen_at,
              GHashTable *coverage)
{
  Scenario s;
  char *outcome;

  scenario_init (&s, seed);
  check_invariants (&s);
  for (guint step = 1; step <= STEPS_PER_SCENARIO; step++)
    {
      if (step == reopen_at)
        scenario_reopen (&s);
      random_step (&s);
      check_invariants (&s);
    }

  /* Whatever is pending plays out: two days in a few jumps. */
  for (guint i = 0; i < 4; i++)
    {
      ota_manual_clock_advance (s.fx.clock, 12 * HOUR);
      if (reopen_at > 0 && i == 2)
        scenario_reopen (&s);
      {
        g_autoptr(GError) error = NULL;

        ota_engine_run_due (s.fx.engine, &error);
        g_assert_no_error (error);
      }
      check_invariants (&s);
    }

  tally_outcomes (&s, coverage);
  outcome = ota_test_dump_store (s.fx.engine);
  {
    g_autoptr(GString) all = g_string_new (outcome);

    g_free (outcome);
    for (guint i = 0; i < ota_test_link_get_n_notices (s.link); i++)
      {
        const OtaUpgradeNotice *notice = ota_test_link_get_notice (s.link, i);

        g_string_append_printf (all, "notice %s task %" G_GINT64_FORMAT " at %" G_GINT64_FORMAT " try %u\n",
                                notice->device_name, notice->task_id, notice->sent_at, notice->try_number);
      }
    outcome = g_string_free (g_steal_pointer (&all), FALSE);
  }

  scenario_clear (&s);
  return outcome;
}

static guint32
first_seed (guint32 base)
{
  const char *env = g_getenv ("OTA_PROPERTY_SEED");

  return env != NULL ? (guint32) strtoul (env, NULL, 10) : base;
}

static guint
n_runs (guint n)
{
  return g_getenv ("OTA_PROPERTY_SEED") != NULL ? 1 : n;
}

/* R-S7, R-D1, R-B15, R-B12, R-B2, R-B11, R-B17: the invariants after every step of
 * random scenarios. */
static void
test_random_scenarios (void)
{
  g_autoptr(GHashTable) coverage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) keys = NULL;
  guint32 base = first_seed (1000);
  /* What the scenarios must have reached, so that the generator keeps testing something. */
  const char * const expected[] = {
    "succeeded/-", "failed/conflict", "failed/upgrade-failed", "failed/download-failed",
    "failed/verify-failed", "failed/flash-failed", "failed/timeout", "failed/unexpected-version",
    "cancelled/cancelled", "cancelled/overwritten", "cancelled/window-ended", "cancelled/declined",
    "pending-confirm/-", "pending-push/offline", "retried",
    "batch/dynamic/all/running", "batch/static/gray/finished", "batch/static/region/finished",
    "batch/static/targeted/finished",
  };

  for (guint i = 0; i < n_runs (N_RANDOM_SCENARIOS); i++)
    {
      g_autofree char *outcome = NULL;

      g_test_message ("scenario seed %u", base + i);
      outcome = run_scenario (base + i, 0, coverage);
      g_assert_nonnull (outcome);
    }

  keys = g_list_sort (g_hash_table_get_keys (coverage), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l != NULL; l = l->next)
    g_test_message ("%8u %s", GPOINTER_TO_UINT (g_hash_table_lookup (coverage, l->data)), (const char *) l->data);
  if (g_getenv ("OTA_PROPERTY_SEED") == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      if (!g_hash_table_contains (coverage, expected[i]))
        g_error ("No scenario reached %s", expected[i]);
}

/* A restart at a random step changes no outcome: every table and every notice equal
 * those of the same scenario without the restart (R-B12's window survives in push_log,
 * R-R4's pending retries and R-B14's timeouts in the tasks). */
static void
test_restart_changes_nothing (void)
{
  guint32 base = first_seed (50000);

  for (guint i = 0; i < n_runs (N_RESTART_PAIRS); i++)
    {
      guint32 seed = base + i;
      g_autoptr(GRand) where = g_rand_new_with_seed (seed ^ 0x5bd1e995u);
      guint reopen_at = (guint) g_rand_int_range (where, 1, STEPS_PER_SCENARIO + 1);
      g_autofree char *straight = NULL;
      g_autofree char *restarted = NULL;

      g_test_message ("restart seed %u at step %u", seed, reopen_at);
      straight = run_scenario (seed, 0, NULL);
      restarted = run_scenario (seed, reopen_at, NULL);
      g_assert_cmpstr (restarted, ==, straight);
    }
}

/* A scheduler-only scenario: batches with random start times, windows, rates and
 * timeouts, some devices offline and some working, then only time passes. Returns the
 * outcome after reaching @horizon in steps of at most @max_step (0: one jump). */
static char *
run_scheduler_scenario (guint32 seed,
                        gint64  horizon,
                        gint64  max_step)
{
  Scenario s;
  g_autoptr(GRand) steps = g_rand_new_with_seed (seed ^ 0x27d4eb2fu);
  g_autoptr(GError) error = NULL;
  gint64 end;
  guint n_batches;
  GString *outcome;
  g_autofree char *dump = NULL;

  scenario_init (&s, seed);
  n_batches = (guint) g_rand_int_range (s.rand, 1, 5);
  for (guint i = 0; i < n_batches; i++)
    {
      step_create_batch (&s, TRUE);
      ota_manual_clock_advance (s.fx.clock, g_rand_int_range (s.rand, 0, 90) * SECOND);
    }

  /* Some notified devices start working (their timeouts run, R-B14); some go away. */
  for (guint i = 0; i < s.n_devices; i++)
    {
      const OtaUpgradeNotice *notice = random_notice (&s);
      OtaDeviceEvent event = { .product_key = PRODUCT, .device_name = random_device (&s) };

      if (notice != NULL && g_rand_boolean (s.rand))
        {
          event.kind = OTA_DEVICE_EVENT_PROGRESS;
          event.device_name = notice->device_name;
          event.module = notice->module;
          event.step = g_rand_int_range (s.rand, 0, 60);
        }
      else
        event.kind = g_rand_boolean (s.rand) ? OTA_DEVICE_EVENT_ONLINE : OTA_DEVICE_EVENT_OFFLINE;
      send_events (&s, &event, 1);
    }
  check_invariants (&s);

  /* From here on only the clock moves. */
  end = now_of (&s) + horizon;
  if (max_step == 0)
    {
      ota_manual_clock_set (s.fx.clock, end);
      ota_engine_run_due (s.fx.engine, &error);
      g_assert_no_error (error);
    }
  else
    while (now_of (&s) < end)
      {
        ota_manual_clock_set (s.fx.clock, MIN (end, now_of (&s) + 1 + g_rand_int_range (steps, 0, (gint32) (max_step / SECOND)) * SECOND));
        ota_engine_run_due (s.fx.engine, &error);
        g_assert_no_error (error);
        check_invariants (&s);
      }
  check_invariants (&s);

  dump = ota_test_dump_store (s.fx.engine);
  outcome = g_string_new (dump);
  for (guint i = 0; i < ota_test_link_get_n_notices (s.link); i++)
    {
      const OtaUpgradeNotice *notice = ota_test_link_get_notice (s.link, i);

      g_string_append_printf (outcome, "notice %s task %" G_GINT64_FORMAT " at %" G_GINT64_FORMAT " try %u\n",
                              notice->device_name, notice->task_id, notice->sent_at, notice->try_number);
    }

  scenario_clear (&s);
  return g_string_free (outcome, FALSE);
}

/* R-B11, R-B12, R-B14, R-S2: a big clock jump gives exactly the state and the notices
 * (with their times) that small steps give. */
static void
test_jump_equals_steps (void)
{
  guint32 base = first_seed (90000);

  for (guint i = 0; i < n_runs (N_JUMP_PAIRS); i++)
    {
      guint32 seed = base + i;
      gint64 horizon = (gint64) (1 + seed % 5) * 6 * HOUR;
      g_autofree char *stepped = NULL;
      g_autofree char *jumped = NULL;

      g_test_message ("jump seed %u", seed);
      stepped = run_scheduler_scenario (seed, horizon, 10 * MINUTE);
      jumped = run_scheduler_scenario (seed, horizon, 0);
      g_assert_cmpstr (jumped, ==, stepped);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/properties/R-S7-R-D1-R-B15-R-B12-R-B2/invariants-hold-after-every-step",
                   test_random_scenarios);
  g_test_add_func ("/properties/restart/changes-no-outcome", test_restart_changes_nothing);
  g_test_add_func ("/properties/R-B11-R-B12-R-B14/big-clock-jump-equals-small-steps",
                   test_jump_equals_steps);

  return g_test_run ();
}
