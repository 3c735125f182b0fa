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
  "CREATE TABLE firmware_sources ("
  "  firmware_id INTEGER NOT NULL REFERENCES firmwares (id) ON DELETE CASCADE,"
  "  position    INTEGER NOT NULL,"
  "  version     TEXT NOT NULL,"
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
};

const guint ota_schema_n_migrations = G_N_ELEMENTS (ota_schema_migrations);
