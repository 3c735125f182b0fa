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
};

const guint ota_schema_n_migrations = G_N_ELEMENTS (ota_schema_migrations);
