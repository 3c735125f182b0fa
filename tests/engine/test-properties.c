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
 *   - a batch that ended has no unfinished task (R-B11, R-B17); a running static batch
 *     has one; the firmware is verifying exactly while a verification runs (R-V4);
 *   - a pending push waits for something that will come: the rate, its device or the
 *     start (R-S2); an ended task is in no queue.
 * Three more properties compare two runs of the same seed: a restart (close and reopen
 * the engine on the same database) at a random step changes no outcome; for
 * scheduler-only scenarios one big clock jump ends exactly where small steps end (R-B11,
 * R-B12, R-B14, R-S2); and every operation first does the work that fell due, so runs
 * with and without due passes after clock steps end alike. Regression tests of the bugs
 * these found follow.
 *
 * Scenarios start from a copy of one template database, and the store runs without
 * disk flushes (durability is test-crash-*'s business), to keep 1,700 scenario runs
 * fast. A failing scenario prints its seed; OTA_PROPERTY_SEED=N runs that one alone,
 * OTA_PROPERTY_DUMP=DIR keeps both outcomes of a failed comparison.
 */
#include <stdlib.h>
#include <string.h>

#include "ota-test-link.h"

#define SECOND G_TIME_SPAN_SECOND
#define MINUTE G_TIME_SPAN_MINUTE
#define HOUR   G_TIME_SPAN_HOUR
#define DAY    G_TIME_SPAN_DAY

#define N_RANDOM_SCENARIOS   800
#define N_RESTART_PAIRS      150
#define N_JUMP_PAIRS         150
#define N_DUE_PASS_PAIRS     150
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

/* Every scenario starts from a copy of one database holding the product and the three
 * firmwares: creating the schema and storing firmware files costs disk flushes that
 * thousands of scenarios cannot afford. */
static OtaTestFixture template_fx;
static gint64         template_firmware_ids[N_FIRMWARES];

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
  int             due_pass;           /* after a clock step: -1 random, 0 never, 1 always */
  gboolean        blind;              /* events chosen without looking at notices or tasks */
} Scenario;

/* ---- Small SQL helpers ------------------------------------------------------- */

static sqlite3 *
scenario_db (Scenario *s)
{
  return ota_store_get_db (ota_engine_get_store (s->fx.engine));
}

/* The value in the first column of @sql's first row; ?1 is @param. Statements are the
 * store's cached ones: the same checks run after every step. */
static gint64
sql_int_param (Scenario   *s,
               const char *sql,
               gint64      param)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (ota_engine_get_store (s->fx.engine), sql, &error);

  g_assert_no_error (error);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, param);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
sql_int (Scenario   *s,
         const char *sql)
{
  return sql_int_param (s, sql, 0);
}

/* Ids (first column) of @sql's rows. */
static GArray *
sql_ids (Scenario   *s,
         const char *sql)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaCachedStmt) stmt = ota_store_prepare (ota_engine_get_store (s->fx.engine), sql, &error);

  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  return ids;
}

/* Durability is another test's business: no disk flush, no write-ahead log and no file
 * locks per commit here (the engine's own logic runs unchanged). */
static void
make_store_fast (Scenario *s)
{
  g_assert_cmpint (sqlite3_exec (scenario_db (s),
                                 "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY; "
                                 "PRAGMA locking_mode = EXCLUSIVE",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
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
make_template (void)
{
  OtaTestFixture *fx = &template_fx;
  g_autofree char *wal = NULL;

  ota_test_fixture_setup (fx, NULL);
  g_object_unref (ota_test_add_product (fx->engine, PRODUCT, OTA_PROJECT_TYPE_OWN_BRAND,
                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE));
  for (guint i = 0; i < N_FIRMWARES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *file_name = g_strdup_printf ("%s.bin", firmware_defs[i].name);
      g_autofree char *path = ota_test_write_file (fx, file_name, firmware_defs[i].name, 3);
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

      firmware = ota_engine_add_firmware (fx->engine, &spec, file, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      template_firmware_ids[i] = ota_firmware_get_id (firmware);
    }

  /* Closing the last connection checkpoints the WAL into the main file. */
  g_clear_object (&fx->engine);
  wal = g_strconcat (fx->db_path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* Like ota_test_fixture_setup() on a copy of the template. */
static void
open_from_template (Scenario *s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  /* In memory where the system offers it: thousands of small databases come and go. */
  s->fx.dir = g_build_filename (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir (),
                                "ota-test-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (s->fx.dir));
  s->fx.db_path = g_build_filename (s->fx.dir, "ota.db", NULL);
  g_file_get_contents (template_fx.db_path, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (s->fx.db_path, contents, (gssize) length, &error);
  g_assert_no_error (error);

  s->fx.clock = ota_manual_clock_new (OTA_TEST_EPOCH);
  s->fx.engine = ota_engine_new (s->fx.db_path, OTA_CLOCK (s->fx.clock), &error);
  g_assert_no_error (error);
  ota_engine_set_actor (s->fx.engine, "test");
  memcpy (s->firmware_ids, template_firmware_ids, sizeof s->firmware_ids);
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
      else
        {
          /* R-S5: progress 100, then the new version. */
          OtaDeviceEvent done = event;

          done.kind = OTA_DEVICE_EVENT_PROGRESS;
          done.step = 100;
          send_events (s, &done, 1);
        }
      send_events (s, &event, 1);
    }
}

static void
scenario_init (Scenario *s,
               guint32   seed)
{
  memset (s, 0, sizeof *s);
  open_from_template (s);
  make_store_fast (s);
  s->rand = g_rand_new_with_seed (seed);
  s->due_pass = -1;
  s->terminal = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  s->sent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  s->link = ota_test_attach_link (&s->fx);

  add_fleet (s);
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
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (ota_engine_get_store (s->fx.engine), "SELECT id, status, coalesce(reason, '') FROM tasks", &error);

  g_assert_no_error (error);
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
}

/* R-D1: every batch's counters equal SELECT status, count(*) … GROUP BY. */
static void
check_counters (Scenario *s)
{
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM batches b LEFT JOIN (SELECT batch_id, "
                            "  total(status = 'pending-confirm') AS pc, total(status = 'pending-push') AS pp, "
                            "  total(status = 'pushed') AS pu, total(status = 'upgrading') AS up, "
                            "  total(status = 'succeeded') AS su, total(status = 'failed') AS fa, "
                            "  total(status = 'cancelled') AS ca "
                            "  FROM tasks GROUP BY batch_id) c ON c.batch_id = b.id "
                            "WHERE b.n_pending_confirm != coalesce(c.pc, 0) OR b.n_pending_push != coalesce(c.pp, 0) "
                            "OR b.n_pushed != coalesce(c.pu, 0) OR b.n_upgrading != coalesce(c.up, 0) "
                            "OR b.n_succeeded != coalesce(c.su, 0) OR b.n_failed != coalesce(c.fa, 0) "
                            "OR b.n_cancelled != coalesce(c.ca, 0)"),
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
      gint64 rate = sql_int_param (s, "SELECT coalesce(push_rate, 0) FROM batches WHERE id = ?1", notice->batch_id);

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

  /* R-S2: a pending push waits for something that will come: the rate (queued), its
   * device (offline, then queued when it connects) or the start (scheduled). A task
   * that ended left every queue (R-S5..R-S7). */
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM tasks t JOIN devices d ON d.id = t.device_id "
                            "JOIN batches b ON b.id = t.batch_id WHERE "
                            "(t.status = 'pending-push' AND coalesce(t.reason, '') NOT IN ('rate-limited', 'offline', 'scheduled')) "
                            "OR (t.status = 'pending-push' AND t.reason = 'rate-limited' AND (t.needs_push = 0 OR t.queue_at IS NULL)) "
                            "OR (t.status = 'pending-push' AND t.reason = 'offline' AND (t.needs_push = 0 OR t.queue_at IS NOT NULL OR d.online = 1)) "
                            "OR (t.status = 'pending-push' AND t.reason = 'scheduled' AND (t.needs_push = 1 OR b.state != 'scheduled')) "
                            "OR (t.needs_push = 1 AND t.queue_at IS NULL AND d.online = 1) "
                            "OR (t.queue_at IS NOT NULL AND t.needs_push = 0) "
                            "OR (t.status IN ('succeeded', 'failed', 'cancelled') AND "
                            "    (t.needs_push = 1 OR t.queue_at IS NOT NULL OR t.timeout_at IS NOT NULL))"), ==, 0);

  /* A static batch that runs still has work (R-V4: a verification then decides the
   * firmware); the firmware is verifying exactly while a verification runs. */
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM batches b WHERE b.strategy = 'static' AND b.state = 'running' "
                            "AND b.n_pending_confirm + b.n_pending_push + b.n_pushed + b.n_upgrading = 0"), ==, 0);
  g_assert_cmpint (sql_int (s,
                            "SELECT count(*) FROM firmwares f WHERE (f.status = 'verifying') != EXISTS "
                            "(SELECT 1 FROM batches b WHERE b.firmware_id = f.id AND b.kind = 'verification' "
                            "AND b.state = 'running')"), ==, 0);

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

/* The store as it is once due work is done: an operation first does what fell due
 * before it (time passing is not the operation's change), so "a refusal changes
 * nothing" compares from there. */
static char *
dump_after_due_pass (Scenario *s)
{
  g_autoptr(GError) error = NULL;

  ota_engine_run_due (s->fx.engine, &error);
  g_assert_no_error (error);
  return ota_test_dump_store (s->fx.engine);
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
    before = dump_after_due_pass (s);

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

  /* Blind: what was notified (and what waits for confirmation) depends on when due
   * work ran; comparisons of due-pass timings must not depend on it. */
  if (s->blind)
    {
      static const OtaUpgradeNotice targets[] = {
        { .module = (char *) "default", .version = (char *) "2.0" },
        { .module = (char *) "default", .version = (char *) "3.0" },
        { .module = (char *) "wifi", .version = (char *) "w2" },
      };

      notice = &targets[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (targets))];
    }

  if (roll < 30 && notice != NULL)
    {
      static const int steps[] = { 0, 0, 10, 50, 100, 100, -1, -2, -3, -4 };

      event->kind = OTA_DEVICE_EVENT_PROGRESS;
      event->device_name = s->blind ? event->device_name : notice->device_name;
      event->module = notice->module;
      event->step = steps[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (steps))];
      event->description = event->step < 0 ? "device says no" : NULL;
    }
  else if (roll < 52 && notice != NULL)
    {
      event->kind = OTA_DEVICE_EVENT_VERSION;
      event->device_name = s->blind ? event->device_name : notice->device_name;
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
      if (s->blind)
        event->module = g_rand_int_range (s->rand, 0, 4) == 0 ? "wifi" : NULL;
      else if (waiting->len > 0)
        {
          gint64 id = g_array_index (waiting, gint64, g_rand_int_range (s->rand, 0, (gint32) waiting->len));
          gint64 firmware_id = sql_int_param (s, "SELECT b.firmware_id FROM tasks t JOIN batches b ON b.id = t.batch_id "
                                                 "WHERE t.device_id = ?1 AND t.status = 'pending-confirm'", id);

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
        before = dump_after_due_pass (s);
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
  gboolean pass = g_rand_int_range (s->rand, 0, 5) > 0;

  if (s->due_pass >= 0 ? s->due_pass : pass)
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
              int         due_pass,
              GHashTable *coverage)
{
  Scenario s;
  char *outcome;

  scenario_init (&s, seed);
  s.due_pass = due_pass;
  s.blind = due_pass >= 0;
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

/* Two outcomes must be equal; on a difference, the first differing line of each. */
static void
assert_same_outcome (const char *expected,
                     const char *actual,
                     guint32     seed)
{
  g_auto(GStrv) a = NULL;
  g_auto(GStrv) b = NULL;
  guint i;

  if (g_strcmp0 (expected, actual) == 0)
    return;

  /* OTA_PROPERTY_DUMP=DIR keeps both outcomes for a diff. */
  if (g_getenv ("OTA_PROPERTY_DUMP") != NULL)
    {
      g_autofree char *path_a = g_build_filename (g_getenv ("OTA_PROPERTY_DUMP"), "expected.txt", NULL);
      g_autofree char *path_b = g_build_filename (g_getenv ("OTA_PROPERTY_DUMP"), "actual.txt", NULL);

      g_file_set_contents (path_a, expected, -1, NULL);
      g_file_set_contents (path_b, actual, -1, NULL);
    }

  a = g_strsplit (expected, "\n", -1);
  b = g_strsplit (actual, "\n", -1);
  for (i = 0; a[i] != NULL && b[i] != NULL && g_str_equal (a[i], b[i]); i++)
    ;
  g_error ("Seed %u: the outcomes differ at line %u:\n  expected: %s\n  actual:   %s", seed, i + 1,
           a[i] != NULL ? a[i] : "(end)", b[i] != NULL ? b[i] : "(end)");
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
      outcome = run_scenario (base + i, 0, -1, coverage);
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
      straight = run_scenario (seed, 0, -1, NULL);
      restarted = run_scenario (seed, reopen_at, -1, NULL);
      assert_same_outcome (straight, restarted, seed);
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
      assert_same_outcome (stepped, jumped, seed);
    }
}

/* R-B11, R-B14, R-R4: whether or not anyone ran a due pass after the clock moved, every
 * operation (batch creation, cancellations, verification, device events) first does
 * what fell due before it, so the outcome is the same. */
static void
test_operations_catch_up (void)
{
  guint32 base = first_seed (70000);

  for (guint i = 0; i < n_runs (N_DUE_PASS_PAIRS); i++)
    {
      guint32 seed = base + i;
      g_autofree char *always = NULL;
      g_autofree char *never = NULL;

      g_test_message ("due pass seed %u", seed);
      always = run_scenario (seed, 0, 1, NULL);
      never = run_scenario (seed, 0, 0, NULL);
      assert_same_outcome (always, never, seed);
    }
}

/* ---- Regressions found by the properties ------------------------------------- */

typedef struct {
  OtaTestFixture  base;
  OtaTestLink    *link;
  OtaFirmware    *firmware;
  gint64          t0;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(OtaDevice) device = NULL;

  ota_test_fixture_setup (&f->base, data);
  f->firmware = ota_test_add_firmware (&f->base, PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL, NULL, "1.0", "2.0");
  ota_test_verify_firmware (&f->base, f->firmware, "verifier");
  f->link = ota_test_attach_link (&f->base);
  device = ota_test_add_device (f->base.engine, PRODUCT, "dev-a", "1.0");
  f->t0 = ota_clock_get_now (OTA_CLOCK (f->base.clock));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->firmware);
  g_clear_object (&f->link);
  ota_test_fixture_teardown (&f->base, data);
}

static gint64
start_batch (Fixture *f,
             gint64   schedule_start,
             gint64   schedule_end)
{
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;

  spec.firmware_id = ota_firmware_get_id (f->firmware);
  spec.timeout_minutes = 5;
  spec.schedule_start = schedule_start;
  spec.schedule_end = schedule_end;
  return ota_test_create_batch (&f->base, &spec);
}

/* R-B14: the task timed out 5 minutes after its first progress report; the clock moved
 * 10 minutes without a due pass. Cancelling it finds it failed (timeout) at its own
 * time, not still upgrading. */
static void
test_cancel_after_missed_timeout (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaTask) task = NULL;
  g_autoptr(OtaTask) cancelled = NULL;
  g_autoptr(OtaTask) after = NULL;
  gint64 batch_id = start_batch (f, 0, 0);

  ota_test_send_progress (&f->base, "dev-a", 0, NULL);
  task = ota_test_get_task (&f->base, batch_id, "dev-a");
  g_assert_cmpint (ota_task_get_status (task), ==, OTA_TASK_STATUS_UPGRADING);

  ota_manual_clock_advance (f->base.clock, 10 * MINUTE);
  cancelled = ota_engine_cancel_task (f->base.engine, ota_task_get_id (task), &error);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_CONFLICT);
  g_assert_null (cancelled);

  after = ota_test_get_task (&f->base, batch_id, "dev-a");
  g_assert_cmpint (ota_task_get_status (after), ==, OTA_TASK_STATUS_FAILED);
  g_assert_cmpint (ota_task_get_reason (after), ==, OTA_TASK_REASON_TIMEOUT);
  g_assert_cmpint (ota_task_get_updated_at (after), ==, f->t0 + 5 * MINUTE);
}

/* R-B11, R-B15: the first batch's window ended (its task cancelled, window-ended) while
 * nobody ran a due pass; a new batch then finds the device free, not in conflict. */
static void
test_create_after_missed_window_end (Fixture       *f,
                                     gconstpointer  data)
{
  gint64 first = start_batch (f, f->t0 + 10 * MINUTE, f->t0 + 70 * MINUTE);
  g_autoptr(OtaFirmware) other = ota_test_add_firmware (&f->base, PRODUCT, "fw2", OTA_FIRMWARE_TYPE_FULL,
                                                        NULL, "1.0", "3.0");
  g_autoptr(OtaTask) old_task = NULL;
  g_autoptr(OtaTask) new_task = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  gint64 second;

  ota_test_verify_firmware (&f->base, other, "verifier2");
  ota_manual_clock_advance (f->base.clock, 2 * HOUR);

  spec.firmware_id = ota_firmware_get_id (other);
  second = ota_test_create_batch (&f->base, &spec);

  old_task = ota_test_get_task (&f->base, first, "dev-a");
  g_assert_cmpint (ota_task_get_status (old_task), ==, OTA_TASK_STATUS_CANCELLED);
  g_assert_cmpint (ota_task_get_reason (old_task), ==, OTA_TASK_REASON_WINDOW_ENDED);
  g_assert_cmpint (ota_task_get_updated_at (old_task), ==, f->t0 + 70 * MINUTE);
  new_task = ota_test_get_task (&f->base, second, "dev-a");
  g_assert_cmpint (ota_task_get_status (new_task), ==, OTA_TASK_STATUS_PUSHED);
}

/* R-B11, R-B17: a batch whose window ended unnoticed has ended: cancelling it is
 * refused, and its task keeps window-ended. */
static void
test_cancel_batch_after_missed_window_end (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaBatch) cancelled = NULL;
  gint64 batch_id = start_batch (f, f->t0 + 10 * MINUTE, f->t0 + 70 * MINUTE);

  ota_manual_clock_advance (f->base.clock, 2 * HOUR);
  cancelled = ota_engine_cancel_batch (f->base.engine, batch_id, &error);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_CONFLICT);
  g_assert_null (cancelled);
  {
    g_autoptr(OtaTask) task = ota_test_get_task (&f->base, batch_id, "dev-a");

    g_assert_cmpint (ota_task_get_reason (task), ==, OTA_TASK_REASON_WINDOW_ENDED);
  }
}

/* R-B5, R-B14: an import reports a source version of a running dynamic batch for a
 * device whose earlier task timed out unnoticed: the device joins the batch instead of
 * failing with conflict. */
static void
test_import_after_missed_timeout (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) other = ota_test_add_firmware (&f->base, PRODUCT, "fw2", OTA_FIRMWARE_TYPE_FULL,
                                                        NULL, "1.5", "3.0");
  const char csv[] = "product,device,province,city,versions,online\n" PRODUCT ",dev-a,,,default=1.5,yes\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (csv, sizeof csv - 1, NULL);
  g_autoptr(OtaTask) old_task = NULL;
  g_autoptr(OtaTask) new_task = NULL;
  OtaBatchSpec spec = OTA_BATCH_SPEC_INIT;
  OtaImportResult result = { 0 };
  gint64 first, dynamic;

  ota_test_verify_firmware (&f->base, other, "verifier2");
  first = start_batch (f, 0, 0);
  ota_test_send_progress (&f->base, "dev-a", 0, NULL);
  spec.firmware_id = ota_firmware_get_id (other);
  spec.strategy = OTA_BATCH_STRATEGY_DYNAMIC;
  dynamic = ota_test_create_batch (&f->base, &spec);

  ota_manual_clock_advance (f->base.clock, 10 * MINUTE);
  ota_engine_import_devices_csv (f->base.engine, stream, &result, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.updated, ==, 1);

  old_task = ota_test_get_task (&f->base, first, "dev-a");
  g_assert_cmpint (ota_task_get_reason (old_task), ==, OTA_TASK_REASON_TIMEOUT);
  new_task = ota_test_get_task (&f->base, dynamic, "dev-a");
  g_assert_cmpint (ota_task_get_status (new_task), !=, OTA_TASK_STATUS_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_template ();

  g_test_add_func ("/properties/R-S7-R-D1-R-B15-R-B12-R-B2/invariants-hold-after-every-step",
                   test_random_scenarios);
  g_test_add_func ("/properties/restart/changes-no-outcome", test_restart_changes_nothing);
  g_test_add_func ("/properties/R-B11-R-B12-R-B14/big-clock-jump-equals-small-steps",
                   test_jump_equals_steps);
  g_test_add_func ("/properties/R-B11-R-B14/operations-catch-up-on-due-work", test_operations_catch_up);
  g_test_add ("/properties/R-B14/cancel-task-after-missed-timeout-finds-it-failed", Fixture, NULL,
              fixture_setup, test_cancel_after_missed_timeout, fixture_teardown);
  g_test_add ("/properties/R-B11-R-B15/create-after-missed-window-end-finds-device-free", Fixture, NULL,
              fixture_setup, test_create_after_missed_window_end, fixture_teardown);
  g_test_add ("/properties/R-B11-R-B17/cancel-batch-after-missed-window-end-is-refused", Fixture, NULL,
              fixture_setup, test_cancel_batch_after_missed_window_end, fixture_teardown);
  g_test_add ("/properties/R-B5-R-B14/import-after-missed-timeout-joins-dynamic-batch", Fixture, NULL,
              fixture_setup, test_import_after_missed_timeout, fixture_teardown);

  status = g_test_run ();

  ota_test_fixture_teardown (&template_fx, NULL);
  return status;
}
