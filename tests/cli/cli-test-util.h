/* cli-test-util.h — running the built otactl against a temporary database
 *
 * The path of otactl comes from $OTACTL (set by tests/cli/meson.build). Each test gets
 * its own folder and database; nothing touches the user's default database.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <ota.h>

G_BEGIN_DECLS

typedef struct {
  char *dir;      /* temporary folder, removed at teardown */
  char *db;       /* dir/ota.db, passed as --db */
  char *out;      /* stdout of the last run */
  char *err;      /* stderr of the last run */
  const char *language;  /* $LANGUAGE for the runs (from the build's po folder); NULL: English */
} CliFixture;

void      cli_fixture_setup    (CliFixture *f,
                                gconstpointer data);
void      cli_fixture_teardown (CliFixture *f,
                                gconstpointer data);

/* Runs "otactl --db DB ARG…" (NULL-terminated) and returns its exit status; its output
 * is in f->out and f->err. */
int       cli_run              (CliFixture *f,
                                const char *first_arg,
                                ...) G_GNUC_NULL_TERMINATED;
int       cli_runv             (CliFixture        *f,
                                const char * const *args);
/* Runs "otactl ARG…" with no --db and none of OTA_DB, OTA_SERVER, OTA_CA_FILE, in the
 * fixture's folder, @env ("NAME=VALUE", or "NAME" to unset; nullable) applied, @input
 * (nullable) on standard input; its output in f->out and f->err. For --server runs. */
int       cli_run_env          (CliFixture         *f,
                                const char * const *env,
                                const char         *input,
                                const char * const *args);
/* Parses f->out as JSON; fails the test when it is not. */
JsonNode *cli_out_json         (CliFixture *f);
/* Asserts that f->err is exactly one line "otactl: …" and contains @needle. */
void      cli_assert_error_line (CliFixture *f,
                                 const char *needle);
/* Writes @contents to dir/@name; returns the path. */
char     *cli_write_file       (CliFixture *f,
                                const char *name,
                                const char *contents);
/* Removes a folder and everything in it. */
void      cli_remove_tree      (const char *path);

/* ---- The built ota-server ($OTA_SERVER_BIN), for otactl --server ---------------- */

/* Runs "ota-server --db @db ARG…" to the end, asserting it exits 0; its output. */
char        *cli_server_run   (const char         *db,
                               const char * const *args);
/* Makes a token named @name on @db; (transfer full) the token. */
char        *cli_server_token (const char         *db,
                               const char         *name);
/* Starts ota-server on @db, on 127.0.0.1 at any port with no broker, plus @extra
 * arguments (nullable); it dies with the test. *@url: where it listens. */
GSubprocess *cli_server_start (const char         *db,
                               const char * const *extra,
                               char              **url);
/* Stops it (SIGTERM) and waits for it. */
void         cli_server_stop  (GSubprocess        *server);

/* Asserts the last run exited with @status, printing its stderr when not. */
#define cli_assert_status(f, status, expected) \
  G_STMT_START { \
    int cli_status_ = (status); \
    if (cli_status_ != (expected)) \
      g_test_message ("otactl exited %d; stderr: %s", cli_status_, (f)->err); \
    g_assert_cmpint (cli_status_, ==, (expected)); \
  } G_STMT_END

G_END_DECLS
