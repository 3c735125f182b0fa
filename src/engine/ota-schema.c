/* ota-schema.c — the database schema, one forward migration per version
 *
 * Never edit a migration that has shipped: add a new one at the end. Times are
 * microseconds since the Unix epoch (UTC), taken from the engine's OtaClock.
 */
#include "ota-schema.h"

const char * const ota_schema_migrations[] = {
  /* 0 → 1: the catalogue: products, devices, modules, firmwares, audit log */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE products ("
  "  key            TEXT PRIMARY KEY,"
  "  name           TEXT NOT NULL,"
  "  project_type   TEXT NOT NULL CHECK (project_type IN ('own-brand', 'tmall-genie')),"
  "  network_type   TEXT NOT NULL CHECK (network_type IN ('wifi', 'ble', 'cellular', 'ethernet', 'other')),"
  "  alios_things   INTEGER NOT NULL DEFAULT 0,"
  "  android_sdk    INTEGER NOT NULL DEFAULT 0,"
  "  secure_upgrade INTEGER NOT NULL DEFAULT 0,"
  "  private_key    TEXT,"          /* PEM, never leaves the engine */
  "  public_key     TEXT,"          /* PEM, exported for device makers */
  "  created_at     INTEGER NOT NULL"
  ");"
  "CREATE TABLE devices ("
  "  id          INTEGER PRIMARY KEY,"
  "  product_key TEXT NOT NULL REFERENCES products (key),"
  "  name        TEXT NOT NULL,"
  "  province    TEXT NOT NULL DEFAULT '',"   /* '' = unknown */
  "  city        TEXT NOT NULL DEFAULT '',"
  "  online      INTEGER NOT NULL DEFAULT 0,"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL,"
  "  UNIQUE (product_key, name)"
  ");"
  "CREATE INDEX devices_by_region ON devices (product_key, province, city);"
  /* The version a device last reported per module (R-DV1). No row: never reported (R-DV2). */
  "CREATE TABLE device_versions ("
  "  device_id   INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,"
  "  module      TEXT NOT NULL,"
  "  version     TEXT NOT NULL,"
  "  reported_at INTEGER NOT NULL,"
  "  PRIMARY KEY (device_id, module)"
  ") WITHOUT ROWID;"
  "CREATE INDEX device_versions_by_version ON device_versions (module, version);"
  /* Modules a product knows of: from firmwares and from device reports (R-F6). */
  "CREATE TABLE modules ("
  "  product_key TEXT NOT NULL REFERENCES products (key),"
  "  name        TEXT NOT NULL,"
  "  created_at  INTEGER NOT NULL,"
  "  PRIMARY KEY (product_key, name)"
  ") WITHOUT ROWID;"
  /* How many devices of a product report each version of a module, kept up to date on
   * every report so the console's version choices (R-F5) never scan the devices. */
  "CREATE TABLE module_versions ("
  "  product_key TEXT NOT NULL,"
  "  module      TEXT NOT NULL,"
  "  version     TEXT NOT NULL,"
  "  devices     INTEGER NOT NULL,"
  "  PRIMARY KEY (product_key, module, version),"
  "  FOREIGN KEY (product_key, module) REFERENCES modules (product_key, name)"
  ") WITHOUT ROWID;"
  "CREATE TABLE firmwares ("
  "  id             INTEGER PRIMARY KEY,"
  "  product_key    TEXT NOT NULL REFERENCES products (key),"
  "  name           TEXT NOT NULL,"
  "  type           TEXT NOT NULL CHECK (type IN ('full', 'diff')),"
  "  version        TEXT NOT NULL,"
  "  module         TEXT NOT NULL,"
  "  sign_algorithm TEXT NOT NULL CHECK (sign_algorithm IN ('md5', 'sha256')),"
  "  file_name      TEXT NOT NULL,"
  "  size           INTEGER NOT NULL,"
  "  digest         TEXT NOT NULL,"   /* hex, in sign_algorithm */
  "  blob_sha256    TEXT NOT NULL,"   /* name of the file in the blob store */
  "  signature      TEXT,"            /* base64, when secure upgrade was on (R-P3) */
  "  description    TEXT NOT NULL DEFAULT '',"
  "  status         TEXT NOT NULL DEFAULT 'unverified'"
  "                 CHECK (status IN ('unverified', 'verifying', 'verify-failed', 'verified')),"
  "  created_at     INTEGER NOT NULL,"
  "  UNIQUE (product_key, name),"
  "  FOREIGN KEY (product_key, module) REFERENCES modules (product_key, name)"
  ");"
  /* Key columns first and in key order: SQLite 3.40's integrity_check misreads a
   * WITHOUT ROWID table declared otherwise. */
  "CREATE TABLE firmware_sources ("
  "  firmware_id INTEGER NOT NULL REFERENCES firmwares (id) ON DELETE CASCADE,"
  "  version     TEXT NOT NULL,"
  "  position    INTEGER NOT NULL,"
  "  PRIMARY KEY (firmware_id, version)"
  ") WITHOUT ROWID;"
  "CREATE TABLE audit_log ("
  "  id     INTEGER PRIMARY KEY,"
  "  at     INTEGER NOT NULL,"
  "  actor  TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  params TEXT NOT NULL"            /* a{sv} in GVariant text form */
  ");",

  /* 1 → 2: rollouts: verifications and batch upgrades, their device tasks, the push log */
  "CREATE TABLE batches ("
  "  id                INTEGER PRIMARY KEY,"
  "  firmware_id       INTEGER NOT NULL REFERENCES firmwares (id),"
  "  kind              TEXT NOT NULL CHECK (kind IN ('verification', 'batch')),"
  "  strategy          TEXT NOT NULL CHECK (strategy IN ('static', 'dynamic')),"
  "  scope             TEXT NOT NULL CHECK (scope IN ('all', 'targeted', 'region', 'gray')),"
  "  gray_percent      INTEGER CHECK (gray_percent BETWEEN 1 AND 100),"
  "  app_confirm       INTEGER NOT NULL DEFAULT 0,"
  "  schedule_start    INTEGER,"          /* NULL: immediate */
  "  schedule_end      INTEGER,"          /* NULL: never forced to end */
  "  push_rate         INTEGER,"          /* notices per minute; NULL: unlimited */
  "  retry_interval    TEXT NOT NULL DEFAULT 'none'"
  "                    CHECK (retry_interval IN ('none', 'immediate', '10m', '30m', '1h', '24h')),"
  "  retry_limit       INTEGER NOT NULL DEFAULT 1 CHECK (retry_limit IN (1, 2, 5)),"
  "  timeout_minutes   INTEGER NOT NULL,"
  "  overwrite         INTEGER NOT NULL DEFAULT 0,"
  "  only_new_reports  INTEGER NOT NULL DEFAULT 0,"
  "  sources_named     INTEGER NOT NULL DEFAULT 0,"  /* R-R1: retries need named sources */
  "  state             TEXT NOT NULL CHECK (state IN ('scheduled', 'running', 'finished', 'cancelled')),"
  "  created_at        INTEGER NOT NULL,"
  "  started_at        INTEGER,"
  "  ended_at          INTEGER,"
  /* Tasks per status, kept in step by every transition (R-D1) */
  "  n_pending_confirm INTEGER NOT NULL DEFAULT 0,"
  "  n_pending_push    INTEGER NOT NULL DEFAULT 0,"
  "  n_pushed          INTEGER NOT NULL DEFAULT 0,"
  "  n_upgrading       INTEGER NOT NULL DEFAULT 0,"
  "  n_succeeded       INTEGER NOT NULL DEFAULT 0,"
  "  n_failed          INTEGER NOT NULL DEFAULT 0,"
  "  n_cancelled       INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX batches_by_firmware ON batches (firmware_id);"
  "CREATE TABLE batch_sources ("
  "  batch_id INTEGER NOT NULL REFERENCES batches (id),"
  "  version  TEXT NOT NULL,"
  "  PRIMARY KEY (batch_id, version)"
  ") WITHOUT ROWID;"
  "CREATE TABLE batch_regions ("
  "  batch_id INTEGER NOT NULL REFERENCES batches (id),"
  "  province TEXT NOT NULL,"
  "  city     TEXT NOT NULL DEFAULT '',"   /* '': the whole province */
  "  PRIMARY KEY (batch_id, province, city)"
  ") WITHOUT ROWID;"
  "CREATE TABLE batch_targets ("
  "  batch_id  INTEGER NOT NULL REFERENCES batches (id),"
  "  device_id INTEGER NOT NULL REFERENCES devices (id),"
  "  PRIMARY KEY (batch_id, device_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE tasks ("
  "  id                INTEGER PRIMARY KEY,"
  "  batch_id          INTEGER NOT NULL REFERENCES batches (id),"
  "  device_id         INTEGER NOT NULL REFERENCES devices (id),"
  "  status            TEXT NOT NULL CHECK (status IN ('pending-confirm', 'pending-push', 'pushed', "
  "                    'upgrading', 'succeeded', 'failed', 'cancelled')),"
  "  reason            TEXT,"
  "  error_code        INTEGER,"          /* the device's step -1..-4 */
  "  detail            TEXT,"             /* the device's own description */
  "  progress          INTEGER NOT NULL DEFAULT 0,"
  "  source_version    TEXT,"
  "  current_version   TEXT,"
  "  tries             INTEGER NOT NULL DEFAULT 0,"   /* notices sent */
  "  needs_push        INTEGER NOT NULL DEFAULT 0,"
  "  queue_at          INTEGER,"          /* may be pushed from; NULL: waits (offline, confirm, start) */
  "  first_progress_at INTEGER,"
  "  timeout_at        INTEGER,"
  "  last_reason       TEXT,"             /* the failure a pending retry answers */
  "  created_at        INTEGER NOT NULL,"
  "  updated_at        INTEGER NOT NULL,"
  "  UNIQUE (batch_id, device_id)"
  ");"
  /* A device never has two unfinished tasks: the database itself refuses it. */
  "CREATE UNIQUE INDEX tasks_one_unfinished_per_device ON tasks (device_id)"
  "  WHERE status IN ('pending-confirm', 'pending-push', 'pushed', 'upgrading');"
  "CREATE INDEX tasks_by_batch_status ON tasks (batch_id, status);"
  "CREATE INDEX tasks_queued ON tasks (queue_at, id) WHERE needs_push = 1 AND queue_at IS NOT NULL;"
  "CREATE INDEX tasks_timeouts ON tasks (timeout_at)"
  "  WHERE timeout_at IS NOT NULL AND status IN ('pushed', 'upgrading');"
  /* Notices sent, kept for 60 s per batch: the push-rate window survives a restart. */
  "CREATE TABLE push_log ("
  "  batch_id INTEGER NOT NULL,"
  "  at       INTEGER NOT NULL"
  ");"
  "CREATE INDEX push_log_by_batch ON push_log (batch_id, at);",

  /* 2 → 3: a batch's device list pages fast at a million tasks (R-D2). SQLite walks an
   * OFFSET row by row, so every sort key sits in an index that holds the row id; the
   * device name is copied onto the task so that name order needs no join. */
  "ALTER TABLE tasks ADD COLUMN device_name TEXT;"
  "UPDATE tasks SET device_name = (SELECT name FROM devices WHERE devices.id = tasks.device_id);"
  /* Fills the name for every writer of tasks; a set-based insert may give it directly. */
  "CREATE TRIGGER tasks_fill_device_name AFTER INSERT ON tasks WHEN NEW.device_name IS NULL "
  "BEGIN"
  "  UPDATE tasks SET device_name = (SELECT name FROM devices WHERE id = NEW.device_id)"
  "  WHERE id = NEW.id;"
  "END;"
  "CREATE TRIGGER devices_rename_tasks AFTER UPDATE OF name ON devices "
  "BEGIN"
  "  UPDATE tasks SET device_name = NEW.name WHERE device_id = NEW.id;"
  "END;"
  /* (batch_id, status) is a prefix of the first index below: one index less to write. */
  "DROP INDEX tasks_by_batch_status;"
  "CREATE INDEX tasks_by_batch_status_name ON tasks (batch_id, status, device_name);"
  "CREATE INDEX tasks_by_batch_name ON tasks (batch_id, device_name);"
  "CREATE INDEX tasks_by_batch_updated ON tasks (batch_id, updated_at, status);"
  "CREATE INDEX tasks_by_batch_progress ON tasks (batch_id, progress, status);"
  /* R-D3's groups; written once per task at most, when it fails. */
  "CREATE INDEX tasks_failed_by_reason ON tasks (batch_id, reason) WHERE status = 'failed';",

  /* 3 → 4: the push queue per batch (R-B12): each batch's next notices within its rate
   * are read directly, never by walking past other batches' queued tasks. */
  "CREATE INDEX tasks_queued_by_batch ON tasks (batch_id, queue_at, id)"
  "  WHERE needs_push = 1 AND queue_at IS NOT NULL;",

  /* 4 → 5: no index on the device region. No engine query seeks by region (a region
   * batch matches through device_versions; the console's region filter scans one
   * product's devices in name order), and its inserts land in the middle of the index:
   * it cost a fifth of a 1,000,000-device import. */
  "DROP INDEX devices_by_region;",

  /* 5 → 6: the HTTP server's operator tokens. Only a SHA-256 of each secret is kept; a
   * name is unique among the tokens not revoked, so "revoke NAME" means one token. */
  "CREATE TABLE api_tokens ("
  "  id         INTEGER PRIMARY KEY,"
  "  name       TEXT NOT NULL,"
  "  hash       TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  revoked_at INTEGER"
  ");"
  "CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;",

  /* 6 → 7: a batch over a very large fleet enrols its devices in chunks, the first one
   * when it is created and the rest from the due pass, one transaction each (creation
   * stays under two seconds at a million devices). enrol_after_device_id is the cursor
   * (NULL: enrolment complete); enrol_last_device_id bounds a static batch to the
   * devices that existed when it was created; enrol_gray_cutoff is the last device of a
   * gray batch in the spread order; enrol_pending counts the devices matched at
   * creation that have no task yet. No query reads the global push queue or looks
   * device versions up by version any more (the push pass reads each batch's queue,
   * matching walks the devices and reads their versions by key), and each of those
   * indexes was written on every task or version insert. */
  "ALTER TABLE batches ADD COLUMN enrol_after_device_id INTEGER;"
  "ALTER TABLE batches ADD COLUMN enrol_last_device_id INTEGER;"
  "ALTER TABLE batches ADD COLUMN enrol_gray_cutoff INTEGER;"
  "ALTER TABLE batches ADD COLUMN enrol_pending INTEGER NOT NULL DEFAULT 0;"
  "DROP INDEX tasks_queued;"
  "DROP INDEX device_versions_by_version;",

  /* 7 → 8: R-S5 as the original document has it (升级成功: progress 100% AND the
   * correct new version): what the current try reported so far, in either order. A
   * task that already reported 100 keeps that. */
  "ALTER TABLE tasks ADD COLUMN reported_100 INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE tasks ADD COLUMN reported_target INTEGER NOT NULL DEFAULT 0;"
  "UPDATE tasks SET reported_100 = 1 WHERE status = 'upgrading' AND progress = 100 AND needs_push = 0;",
};

const guint ota_schema_n_migrations = G_N_ELEMENTS (ota_schema_migrations);
