/* backend-fixture.h — one backend test suite, two backends: OtaLocalBackend over a
 * temporary engine on a manual clock, or an in-process ota-server (127.0.0.1, any port)
 * over the same kind of engine with an OtaRemoteBackend connected to it
 *
 * The program runs the local variant, or the remote one with --remote. The tests set
 * up their scenarios on the engine directly (f->base.engine) and check what the backend
 * says, so both variants meet the same expectations.
 */
#pragma once

#include "client-test-util.h"
#include "ota-remote-backend.h"
#include "ota-server.h"

G_BEGIN_DECLS

typedef struct {
  OtaTestFixture  base;
  OtaBackend     *backend;
  GPtrArray      *catalogue_changes;   /* product keys, "" for NULL */
  GArray         *batch_changes;       /* gint64 */
  char           *name;                /* what ota_backend_dup_name() must say */

  /* Remote only */
  OtaServer      *server;
  guint           port;
  char           *token;
  char           *url;
} BackendFixture;

/* Parses (and removes) --remote, then g_test_init(). */
void         backend_test_init          (int            *argc,
                                         char         ***argv);
gboolean     backend_test_is_remote     (void);

void         backend_fixture_setup      (BackendFixture *f,
                                         gconstpointer   data);
void         backend_fixture_teardown   (BackendFixture *f,
                                         gconstpointer   data);

#define BACKEND_TEST_ADD(path, func) \
  g_test_add (path, BackendFixture, NULL, backend_fixture_setup, func, backend_fixture_teardown)

/* A server over @engine on 127.0.0.1:@port (0: any free port). */
OtaServer   *backend_test_start_server  (OtaEngine      *engine,
                                         guint           port);
/* Stops *@server, waits for its workers and clears it. */
void         backend_test_stop_server   (OtaServer     **server);

/* Another backend over @engine, of this run's kind: a local one, or a server started
 * on @engine (returned in @server, stop it with backend_test_stop_server()) and a
 * remote backend talking to it. */
OtaBackend  *backend_test_open          (OtaEngine      *engine,
                                         OtaServer     **server);

/* Waits for connect_async() of @backend; returns its error (NULL: connected). */
GError      *backend_test_connect       (OtaRemoteBackend *backend);

/* Whether "catalogue-changed" came for @product_key ("" for NULL). */
gboolean     backend_fixture_has_change (BackendFixture *f,
                                         const char     *product_key);
/* Whether "batch-changed" came for @batch_id. */
gboolean     backend_fixture_has_batch_change (BackendFixture *f,
                                               gint64          batch_id);
/* Asserts the engine is still as @before (an ota_test_dump_store()) and no
 * "catalogue-changed" came. */
void         backend_fixture_assert_unchanged (BackendFixture *f,
                                               const char     *before);
/* An own-brand wifi product without AliOS Things, on the engine. */
OtaProduct  *backend_fixture_add_product (BackendFixture *f,
                                          const char     *key);
/* A file of @size bytes that sniffs as a firmware image (ELF). Returns its path. */
char        *backend_fixture_write_firmware (BackendFixture *f,
                                             const char     *name,
                                             gsize           size);

/* Progress reports of one call, checked as they come: on the caller's thread, inside
 * its main loop, in order, never after the call's callback. */
typedef struct {
  GThread      *main_thread;
  guint         calls;
  guint64       done;
  guint64       total;
  gboolean      finished;
  GCancellable *cancel_at_first;   /* (nullable): cancelled by the first report */
} BackendProgress;

#define BACKEND_PROGRESS_INIT { .main_thread = g_thread_self () }

void         backend_progress_report    (guint64         done,
                                         guint64         total,
                                         gpointer        user_data);
/* Marks the call finished and runs what is still pending: a late report fails. */
void         backend_progress_finish    (BackendProgress *progress);

/* Adds @path as firmware "fw" 2.0 of product "p1" (which must exist) through the
 * backend with @cancellable and @progress; asserts the add ended cancelled, stored
 * nothing and announced nothing. */
void         backend_fixture_add_firmware_cancelled (BackendFixture  *f,
                                                     const char      *path,
                                                     BackendProgress *progress,
                                                     GCancellable    *cancellable);

/* Test groups of test-backend-*.c */
void         backend_test_add_catalogue (void);
void         backend_test_add_rollout   (void);
void         backend_test_add_remote    (void);
void         backend_test_add_remote_http (void);   /* test-remote-http.c */

G_END_DECLS
