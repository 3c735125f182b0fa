/* ui-test-util.h — what the UI tests share: a temporary engine behind a local backend,
 * the main window on it, and waiting for the main loop without sleeping */
#pragma once

#include <adwaita.h>

#include "ota-local-backend.h"
#include "ota-test-util.h"
#include "ota-window-private.h"

G_BEGIN_DECLS

typedef struct {
  OtaTestFixture  base;      /* temporary database, manual clock, engine */
  OtaBackend     *backend;
  OtaWindow      *window;    /* once ui_fixture_open_window() was called */
} UiFixture;

void        ui_fixture_setup       (UiFixture     *fixture,
                                    gconstpointer  data);
void        ui_fixture_teardown    (UiFixture     *fixture,
                                    gconstpointer  data);
/* Opens the main window and waits until it has read the products. */
OtaWindow  *ui_fixture_open_window (UiFixture     *fixture);

/* gtk_test_init() + adw_init(); call first in main(). */
void        ui_test_init           (int           *argc,
                                    char        ***argv);

/* How long UI_TEST_WAIT_UNTIL() waits, by the monotonic clock: far more than any step
 * needs, but no hang. (A bound on iterations would run out early whenever many sources
 * are ready at once.) */
#define UI_TEST_WAIT_SECONDS 30

guint       ui_test_heartbeat_start (void);
void        ui_test_heartbeat_stop  (guint id);

/* Runs the main loop until @cond holds (asserting it does, within the bound). Woken by
 * a heartbeat so it never blocks on an idle loop; never sleeps. */
#define UI_TEST_WAIT_UNTIL(cond) \
  G_STMT_START { \
    guint ui_heartbeat_ = ui_test_heartbeat_start (); \
    gint64 ui_deadline_ = g_get_monotonic_time () + UI_TEST_WAIT_SECONDS * G_USEC_PER_SEC; \
    while (!(cond) && g_get_monotonic_time () < ui_deadline_) \
      g_main_context_iteration (NULL, TRUE); \
    ui_test_heartbeat_stop (ui_heartbeat_); \
    g_assert_true (cond); \
  } G_STMT_END

/* Dispatches what is ready now, without waiting. */
void        ui_test_flush          (void);
/* (transfer none) (nullable): the first toplevel window of @type. */
GtkWindow  *ui_test_find_window    (GType          type);
/* (transfer none) (nullable): the current text of a field message, NULL when hidden. */
const char *ui_test_message        (gpointer       field_message);

G_END_DECLS
