/* client-test-util.h — what the client tests share: waiting for async results on the
 * main context, and a fleet of devices as CSV */
#pragma once

#include "ota-backend.h"
#include "ota-test-link.h"

G_BEGIN_DECLS

/* A GAsyncReadyCallback that stores a reference to the result in *(GAsyncResult **)
 * user_data; the result must not have been stored before. */
void          client_test_store_result (GObject       *source,
                                        GAsyncResult  *result,
                                        gpointer       user_data);
/* Runs the thread-default main context until *@slot is set; returns it (borrowed). */
GAsyncResult *client_test_wait         (GAsyncResult **slot);

/* How long CLIENT_TEST_WAIT_UNTIL() waits: far more than any step needs. */
#define CLIENT_TEST_WAIT_SECONDS 20

/* A source that wakes the main context at least every CLIENT_TEST_WAIT_SECONDS, so a
 * wait whose condition never comes notices its deadline. Remove with g_source_remove(). */
guint         client_test_wake_source  (void);

/* Iterates the main context until @cond holds; after CLIENT_TEST_WAIT_SECONDS (by the
 * monotonic clock) the test fails with g_error() naming the condition and the place,
 * rather than hanging until meson's timeout says nothing useful. */
#define CLIENT_TEST_WAIT_UNTIL(cond) \
  G_STMT_START { \
    gint64 client_deadline_ = g_get_monotonic_time () + CLIENT_TEST_WAIT_SECONDS * G_USEC_PER_SEC; \
    guint client_wake_ = client_test_wake_source (); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () >= client_deadline_) \
          g_error ("%s:%d: still not “%s” after %d s", __FILE__, __LINE__, #cond, \
                   CLIENT_TEST_WAIT_SECONDS); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (client_wake_); \
  } G_STMT_END

/* Runs the main context until @backend emitted "batch-changed" for @batch_id: the
 * engine announces changes a while after they happened, and a test that counts queries
 * must not see a late announcement of its own setup. */
void          client_test_wait_batch_changed (OtaBackend *backend,
                                              gint64      batch_id);

/* A device CSV for ota_engine_import_devices_csv(): devices "<prefix>-00000"…, all
 * reporting "default" = @version; the first @n_offline are offline. Free with g_free(). */
char         *client_test_devices_csv  (const char    *product_key,
                                        const char    *prefix,
                                        guint          n,
                                        guint          n_offline,
                                        const char    *version);
/* Imports client_test_devices_csv() into @engine directly; asserts it worked. */
void          client_test_import       (OtaEngine     *engine,
                                        const char    *product_key,
                                        const char    *prefix,
                                        guint          n,
                                        guint          n_offline,
                                        const char    *version);

G_END_DECLS
