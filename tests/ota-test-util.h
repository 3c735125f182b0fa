/* ota-test-util.h — what every engine test needs: a fresh engine on a temporary
 * database with a manual clock, and a way to compare the store before and after */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

/* 2026-01-01 00:00:00 UTC: where every test's manual clock starts. */
#define OTA_TEST_EPOCH G_GINT64_CONSTANT (1767225600000000)

typedef struct {
  char           *dir;      /* temporary folder, removed at teardown */
  char           *db_path;
  OtaManualClock *clock;
  OtaEngine      *engine;
} OtaTestFixture;

void        ota_test_fixture_setup    (OtaTestFixture *fixture,
                                       gconstpointer   data);
void        ota_test_fixture_teardown (OtaTestFixture *fixture,
                                       gconstpointer   data);
/* The engine's time now (the manual clock). */
gint64      ota_test_now              (OtaTestFixture *fixture);
/* Closes and reopens the engine on the same database (a restart). */
void        ota_test_fixture_reopen   (OtaTestFixture *fixture);

/* A product with sensible defaults; aborts the test on failure. */
OtaProduct *ota_test_add_product      (OtaEngine      *engine,
                                       const char     *key,
                                       OtaProjectType  project_type,
                                       OtaNetworkType  network_type,
                                       gboolean        alios_things,
                                       gboolean        android_sdk);
/* A device reporting "default" = @version (NULL: no report); aborts on failure. */
OtaDevice  *ota_test_add_device       (OtaEngine      *engine,
                                       const char     *product_key,
                                       const char     *name,
                                       const char     *version);

/* Runs @sql on the engine's store (setup or a test's own change); asserts it worked. */
void        ota_test_exec_sql         (OtaEngine      *engine,
                                       const char     *sql);

/* A text dump of every table but the audit log, to assert "nothing changed". */
char       *ota_test_dump_store       (OtaEngine      *engine);

/* Asserts the store is still as @before (an ota_test_dump_store()). */
void        ota_test_assert_unchanged (OtaEngine      *engine,
                                       const char     *before);
/* Asserts @error is @code naming @field, with every word of @mentions (space separated,
 * nullable) in the message. */
void        ota_test_assert_error     (const GError   *error,
                                       OtaErrorCode    code,
                                       const char     *field,
                                       const char     *mentions);

/* Writes @contents to a new file under the fixture's folder; returns its path. */
char       *ota_test_write_file       (OtaTestFixture *fixture,
                                       const char     *name,
                                       const void     *contents,
                                       gsize           length);

/* A throw-away self-signed certificate for 127.0.0.1 made with openssl (ECDSA P-256,
 * one day) into @dir/cert.pem and @dir/key.pem; FALSE when openssl is not installed. */
gboolean    ota_test_make_certificate (const char     *dir,
                                       char          **cert,
                                       char          **key);

G_END_DECLS
