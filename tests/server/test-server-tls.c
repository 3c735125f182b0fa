/* test-server-tls.c — HTTPS with --tls-cert/--tls-key: the API and download URLs
 * (a throw-away self-signed certificate made with openssl; skipped without it) */
#include <string.h>

#include "server-test-util.h"

typedef struct {
  OtaTestFixture  base;
  OtaServer      *server;
  SoupSession    *session;
  char           *token;
} TlsFixture;

static void
tls_setup (TlsFixture    *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ota_test_fixture_setup (&f->base, data);
  f->server = ota_server_new (f->base.engine, &error);
  g_assert_no_error (error);
  f->token = ota_engine_create_token (f->base.engine, "test", &error);
  g_assert_no_error (error);
  f->session = soup_session_new ();
}

static void
tls_teardown (TlsFixture    *f,
              gconstpointer  data)
{
  OtaServer *server = f->server;

  soup_session_abort (f->session);
  g_clear_object (&f->session);
  ota_server_stop (f->server);
  g_object_add_weak_pointer (G_OBJECT (server), (gpointer *) &server);
  g_clear_object (&f->server);
  SERVER_TEST_WAIT_UNTIL (server == NULL);
  g_free (f->token);
  ota_test_fixture_teardown (&f->base, data);
}

static gboolean
accept_test_certificate (SoupMessage          *msg,
                         GTlsCertificate      *certificate,
                         GTlsCertificateFlags  errors,
                         gpointer              user_data)
{
  /* The throw-away certificate is self-signed and names no IP address: accepted as
   * long as it is the one the server was given. */
  g_autoptr(GTlsCertificate) expected = g_tls_certificate_new_from_file (user_data, NULL);

  return expected != NULL && g_tls_certificate_is_same (certificate, expected);
}

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr(GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
test_api_over_https (TlsFixture    *f,
                     gconstpointer  data)
{
  g_autofree char *cert = NULL, *key = NULL, *uri = NULL, *bearer = NULL, *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;

  if (!ota_test_make_certificate (f->base.dir, &cert, &key))
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  ota_server_set_tls_files (f->server, cert, key, &error);
  g_assert_no_error (error);
  ota_server_listen (f->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  g_assert_true (ota_server_is_https (f->server));

  uri = g_strdup_printf ("https://127.0.0.1:%u/api/v1/products", ota_server_get_port (f->server));
  msg = soup_message_new ("GET", uri);
  bearer = g_strconcat ("Bearer ", f->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_test_certificate), cert);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent, &body);
  SERVER_TEST_WAIT_UNTIL (body != NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "[]", 2);

  firmware = ota_test_add_firmware (&f->base, OTA_TEST_PRODUCT, "fw", OTA_FIRMWARE_TYPE_FULL, NULL, "1.0.0", "2.0.0");
  url = ota_server_make_download_url (f->server, firmware, "ota.example.com", 8443, G_TIME_SPAN_HOUR);
  g_assert_true (g_str_has_prefix (url, "https://ota.example.com:8443/download/"));
}

static void
test_missing_certificate_refused (TlsFixture    *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ota_server_set_tls_files (f->server, "/nonexistent/cert.pem", "/nonexistent/key.pem", &error));
  g_assert_nonnull (error);
  g_assert_false (ota_server_is_https (f->server));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/tls/api-over-https", TlsFixture, NULL, tls_setup, test_api_over_https, tls_teardown);
  g_test_add ("/server/tls/missing-certificate-refused", TlsFixture, NULL, tls_setup,
              test_missing_certificate_refused, tls_teardown);

  return g_test_run ();
}
