/* client-test-util.c — helpers of the client tests */
#include <string.h>

#include "client-test-util.h"

void
client_test_store_result (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
wake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

guint
client_test_wake_source (void)
{
  return g_timeout_add_seconds (CLIENT_TEST_WAIT_SECONDS, wake, NULL);
}

GAsyncResult *
client_test_wait (GAsyncResult **slot)
{
  CLIENT_TEST_WAIT_UNTIL (*slot != NULL);
  return *slot;
}

typedef struct {
  gint64   batch_id;
  gboolean seen;
} BatchWait;

static void
on_batch_changed (OtaBackend *backend,
                  gint64      batch_id,
                  BatchWait  *wait)
{
  wait->seen |= batch_id == wait->batch_id;
}

void
client_test_wait_batch_changed (OtaBackend *backend,
                                gint64      batch_id)
{
  BatchWait wait = { batch_id, FALSE };
  gulong id = g_signal_connect (backend, "batch-changed", G_CALLBACK (on_batch_changed), &wait);

  CLIENT_TEST_WAIT_UNTIL (wait.seen);
  g_signal_handler_disconnect (backend, id);
}

char *
client_test_devices_csv (const char *product_key,
                         const char *prefix,
                         guint       n,
                         guint       n_offline,
                         const char *version)
{
  GString *csv = g_string_new ("product,device,province,city,versions,online\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "%s,%s-%05u,Zhejiang,Hangzhou,default=%s,%s\n",
                            product_key, prefix, i, version, i < n_offline ? "no" : "yes");

  return g_string_free (csv, FALSE);
}

void
client_test_import (OtaEngine  *engine,
                    const char *product_key,
                    const char *prefix,
                    guint       n,
                    guint       n_offline,
                    const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = client_test_devices_csv (product_key, prefix, n, n_offline, version);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (csv, strlen (csv), NULL);
  OtaImportResult result = { 0 };

  ota_engine_import_devices_csv (engine, stream, &result, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, n);
}
