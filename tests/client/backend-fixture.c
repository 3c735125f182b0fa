/* backend-fixture.c — the backend tests' fixture, local or remote */
#include <string.h>

#include "backend-fixture.h"
#include "ota-local-backend.h"

static gboolean remote;

void
backend_test_init (int    *argc,
                   char ***argv)
{
  int kept = 1;

  for (int i = 1; i < *argc; i++)
    {
      if (g_str_equal ((*argv)[i], "--remote"))
        remote = TRUE;
      else
        (*argv)[kept++] = (*argv)[i];
    }
  *argc = kept;
  (*argv)[kept] = NULL;

  g_test_init (argc, argv, NULL);
}

gboolean
backend_test_is_remote (void)
{
  return remote;
}

/* ---- Servers ---------------------------------------------------------------------- */

OtaServer *
backend_test_start_server (OtaEngine *engine,
                           guint      port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaServer) server = ota_server_new (engine, &error);

  g_assert_no_error (error);
  ota_server_listen (server, "127.0.0.1", port, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ota_server_get_port (server), >, 0);
  return g_steal_pointer (&server);
}

void
backend_test_stop_server (OtaServer **server)
{
  OtaServer *gone;

  if (*server == NULL)
    return;

  ota_server_stop (*server);
  /* Workers still running hold the server: wait for them before the engine goes. */
  gone = g_steal_pointer (server);
  g_object_add_weak_pointer (G_OBJECT (gone), (gpointer *) &gone);
  g_object_unref (gone);
  CLIENT_TEST_WAIT_UNTIL (gone == NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
server_url (OtaServer *server)
{
  return g_strdup_printf ("http://127.0.0.1:%u", ota_server_get_port (server));
}

OtaBackend *
backend_test_open (OtaEngine  *engine,
                   OtaServer **server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  OtaRemoteBackend *backend;

  if (!remote)
    {
      *server = NULL;
      return ota_local_backend_new (engine);
    }

  *server = backend_test_start_server (engine, 0);
  url = server_url (*server);
  token = ota_engine_create_token (engine, "second", &error);
  g_assert_no_error (error);
  backend = ota_remote_backend_new (url, token, &error);
  g_assert_no_error (error);
  return OTA_BACKEND (backend);
}

typedef struct {
  gboolean  done;
  GError   *error;
} Connecting;

static void
connected (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Connecting *connecting = user_data;

  ota_remote_backend_connect_finish (OTA_REMOTE_BACKEND (source), result, &connecting->error);
  connecting->done = TRUE;
}

GError *
backend_test_connect (OtaRemoteBackend *backend)
{
  Connecting connecting = { FALSE, NULL };

  ota_remote_backend_connect_async (backend, NULL, connected, &connecting);
  CLIENT_TEST_WAIT_UNTIL (connecting.done);
  return connecting.error;
}

/* ---- The fixture ------------------------------------------------------------------- */

static void
on_catalogue_changed (OtaBackend     *backend,
                      const char     *product_key,
                      BackendFixture *f)
{
  g_ptr_array_add (f->catalogue_changes, g_strdup (product_key != NULL ? product_key : ""));
}

static void
on_batch_changed (OtaBackend     *backend,
                  gint64          batch_id,
                  BackendFixture *f)
{
  g_array_append_val (f->batch_changes, batch_id);
}

static void
setup_remote (BackendFixture *f)
{
  g_autoptr(GError) error = NULL;
  OtaRemoteBackend *backend;

  f->server = backend_test_start_server (f->base.engine, 0);
  f->port = ota_server_get_port (f->server);
  f->url = server_url (f->server);
  f->name = g_strdup_printf ("127.0.0.1:%u", f->port);
  f->token = ota_engine_create_token (f->base.engine, "test", &error);
  g_assert_no_error (error);

  backend = ota_remote_backend_new (f->url, f->token, &error);
  g_assert_no_error (error);
  f->backend = OTA_BACKEND (backend);
  error = backend_test_connect (backend);
  g_assert_no_error (error);
  g_assert_cmpint (ota_remote_backend_get_state (backend), ==, OTA_REMOTE_STATE_CONNECTED);
}

void
backend_fixture_setup (BackendFixture *f,
                       gconstpointer   data)
{
  ota_test_fixture_setup (&f->base, data);
  f->catalogue_changes = g_ptr_array_new_with_free_func (g_free);
  f->batch_changes = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (remote)
    setup_remote (f);
  else
    {
      f->backend = ota_local_backend_new (f->base.engine);
      f->name = g_strdup (f->base.db_path);
    }

  g_signal_connect (f->backend, "catalogue-changed", G_CALLBACK (on_catalogue_changed), f);
  g_signal_connect (f->backend, "batch-changed", G_CALLBACK (on_batch_changed), f);
}

void
backend_fixture_teardown (BackendFixture *f,
                          gconstpointer   data)
{
  OtaBackend *backend = g_steal_pointer (&f->backend);

  if (OTA_IS_REMOTE_BACKEND (backend))
    ota_remote_backend_disconnect (OTA_REMOTE_BACKEND (backend));
  g_signal_handlers_disconnect_by_data (backend, f);
  /* Nothing the test started may keep a remote backend alive. (A local one may be held
   * a moment longer by a worker thread that is still letting its task go.) */
  if (remote)
    g_object_add_weak_pointer (G_OBJECT (backend), (gpointer *) &backend);
  g_object_unref (backend);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (remote)
    g_assert_null (backend);
  backend_test_stop_server (&f->server);

  g_ptr_array_unref (f->catalogue_changes);
  g_array_unref (f->batch_changes);
  g_clear_pointer (&f->name, g_free);
  g_clear_pointer (&f->token, g_free);
  g_clear_pointer (&f->url, g_free);
  ota_test_fixture_teardown (&f->base, data);
}

/* ---- Helpers ------------------------------------------------------------------------- */

gboolean
backend_fixture_has_change (BackendFixture *f,
                            const char     *product_key)
{
  for (guint i = 0; i < f->catalogue_changes->len; i++)
    if (g_str_equal (g_ptr_array_index (f->catalogue_changes, i), product_key))
      return TRUE;
  return FALSE;
}

gboolean
backend_fixture_has_batch_change (BackendFixture *f,
                                  gint64          batch_id)
{
  for (guint i = 0; i < f->batch_changes->len; i++)
    if (g_array_index (f->batch_changes, gint64, i) == batch_id)
      return TRUE;
  return FALSE;
}

void
backend_fixture_assert_unchanged (BackendFixture *f,
                                  const char     *before)
{
  ota_test_assert_unchanged (f->base.engine, before);
  g_assert_cmpuint (f->catalogue_changes->len, ==, 0);
}

OtaProduct *
backend_fixture_add_product (BackendFixture *f,
                             const char     *key)
{
  return ota_test_add_product (f->base.engine, key, OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI,
                               FALSE, FALSE);
}

char *
backend_fixture_write_firmware (BackendFixture *f,
                                const char     *name,
                                gsize           size)
{
  g_autofree guint8 *bytes = g_malloc0 (size);

  memcpy (bytes, "\x7f" "ELF", 4);
  for (gsize i = 4; i < size; i++)
    bytes[i] = (guint8) (i * 31);
  return ota_test_write_file (&f->base, name, bytes, size);
}

void
backend_progress_report (guint64  done,
                         guint64  total,
                         gpointer user_data)
{
  BackendProgress *p = user_data;

  g_assert_true (g_thread_self () == p->main_thread);
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_false (p->finished);
  g_assert_cmpuint (done, >=, p->done);
  g_assert_cmpuint (done, <=, total);
  p->calls++;
  p->done = done;
  p->total = total;

  if (p->cancel_at_first != NULL)
    g_cancellable_cancel (p->cancel_at_first);
}

void
backend_progress_finish (BackendProgress *p)
{
  p->finished = TRUE;
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
backend_fixture_add_firmware_cancelled (BackendFixture  *f,
                                        const char      *path,
                                        BackendProgress *progress,
                                        GCancellable    *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autofree char *before = ota_test_dump_store (f->base.engine);
  const char *sources[] = { "1.0", NULL };
  OtaFirmwareSpec spec = {
    .product_key = "p1", .name = "fw", .type = OTA_FIRMWARE_TYPE_FULL, .version = "2.0",
    .source_versions = sources, .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
  };

  ota_backend_add_firmware_async (f->backend, &spec, file, backend_progress_report, progress,
                                  cancellable, client_test_store_result, &result);
  firmware = ota_backend_add_firmware_finish (f->backend, client_test_wait (&result), &error);
  backend_progress_finish (progress);

  g_assert_null (firmware);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  backend_fixture_assert_unchanged (f, before);
}
