/* test-server-download.c — firmware downloads for devices (R-E4): signed, expiring
 * URLs; Content-Length, HEAD, ranges; short header lines for the devices' SDK */
#include <string.h>

#include "server-test-util.h"

#define FILE_SIZE 100000

typedef struct {
  ServerFixture  s;
  OtaFirmware   *firmware;
  GBytes        *contents;
} DownloadFixture;

static void
download_setup (DownloadFixture *f,
                gconstpointer    data)
{
  OtaFirmwareSpec spec = { 0 };
  const char *sources[] = { "1.0.0", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  guint8 *bytes = g_malloc (FILE_SIZE);

  server_fixture_setup (&f->s, data);
  for (guint i = 0; i < FILE_SIZE; i++)
    bytes[i] = (guint8) (i % 253);
  f->contents = g_bytes_new_take (bytes, FILE_SIZE);
  path = ota_test_write_file (&f->s.base, "pump fw.bin", g_bytes_get_data (f->contents, NULL), FILE_SIZE);
  file = g_file_new_for_path (path);

  g_object_unref (ota_test_add_product (f->s.base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND,
                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE));
  spec.product_key = "p1";
  spec.name = "fw";
  spec.type = OTA_FIRMWARE_TYPE_FULL;
  spec.version = "2.0.0";
  spec.source_versions = sources;
  spec.sign_algorithm = OTA_SIGN_ALGORITHM_SHA256;
  f->firmware = ota_engine_add_firmware (f->s.base.engine, &spec, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
download_teardown (DownloadFixture *f,
                   gconstpointer    data)
{
  g_clear_object (&f->firmware);
  g_clear_pointer (&f->contents, g_bytes_unref);
  server_fixture_teardown (&f->s, data);
}

/* The URL's path and query, as a client puts them on the request line. */
static char *
download_path (DownloadFixture *f,
               GTimeSpan        lifetime)
{
  g_autofree char *url = ota_server_make_download_url (f->s.server, f->firmware, "127.0.0.1",
                                                       ota_server_get_port (f->s.server), lifetime);
  g_autofree char *prefix = g_strdup_printf ("http://127.0.0.1:%u/", ota_server_get_port (f->s.server));

  g_assert_true (g_str_has_prefix (url, prefix));
  return g_strdup (url + strlen (prefix) - 1);
}

static GBytes *
get (DownloadFixture *f,
     const char      *method,
     const char      *path,
     const char      *range,
     SoupMessage    **out)
{
  g_autoptr(SoupMessage) msg = server_message (&f->s, method, path, NULL);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  if (range != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Range", range);
  body = server_send (&f->s, msg, &error);
  g_assert_no_error (error);
  *out = g_steal_pointer (&msg);
  return body;
}

static void
test_whole_file_with_content_length (DownloadFixture *f,
                                     gconstpointer    data)
{
  g_autofree char *path = download_path (f, G_TIME_SPAN_HOUR);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = get (f, "GET", path, NULL, &msg);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpint (soup_message_headers_get_encoding (headers), ==, SOUP_ENCODING_CONTENT_LENGTH);
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, FILE_SIZE);
  g_assert_null (soup_message_headers_get_one (headers, "Transfer-Encoding"));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Accept-Ranges"), ==, "bytes");
  g_assert_true (g_bytes_equal (body, f->contents));
}

/* The devices' SDK reads header lines into 128-byte buffers. */
static void
test_every_header_line_under_128_bytes (DownloadFixture *f,
                                        gconstpointer    data)
{
  g_autofree char *path = download_path (f, G_TIME_SPAN_HOUR);
  static const char * const ranges[] = { "", "Range: bytes=10-\r\n", "Range: bytes=100000-\r\n" };

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n", path, ranges[r]);
      g_autofree char *answer = server_raw_request (&f->s, request);
      char *end = strstr (answer, "\r\n\r\n");
      g_auto(GStrv) lines = NULL;

      g_assert_nonnull (end);
      *end = '\0';
      lines = g_strsplit (answer, "\r\n", -1);
      g_assert_true (g_str_has_prefix (lines[0], "HTTP/1.1 "));
      for (guint i = 0; lines[i] != NULL; i++)
        g_assert_cmpuint (strlen (lines[i]) + 2, <, 128);
      g_assert_null (strstr (answer, "Transfer-Encoding"));
      g_assert_nonnull (strstr (answer, "Content-Length: "));
    }
}

static void
test_head_gives_the_length_only (DownloadFixture *f,
                                 gconstpointer    data)
{
  g_autofree char *path = download_path (f, G_TIME_SPAN_HOUR);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = get (f, "HEAD", path, NULL, &msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpint (soup_message_headers_get_content_length (soup_message_get_response_headers (msg)), ==, FILE_SIZE);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

static void
assert_range (DownloadFixture *f,
              const char      *range,
              guint64          start,
              guint64          end)
{
  g_autofree char *path = download_path (f, G_TIME_SPAN_HOUR);
  g_autofree char *expected_range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%u",
                                                     start, end, FILE_SIZE);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = get (f, "GET", path, range, &msg);
  g_autoptr(GBytes) expected = g_bytes_new_from_bytes (f->contents, start, end - start + 1);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_PARTIAL_CONTENT);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Range"), ==, expected_range);
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, (goffset) (end - start + 1));
  g_assert_true (g_bytes_equal (body, expected));
}

static void
test_ranges_give_exactly_the_rest (DownloadFixture *f,
                                   gconstpointer    data)
{
  assert_range (f, "bytes=10-", 10, FILE_SIZE - 1);
  assert_range (f, "bytes=2-5", 2, 5);
  assert_range (f, "bytes=99990-200000", 99990, FILE_SIZE - 1);
  assert_range (f, "bytes=-100", FILE_SIZE - 100, FILE_SIZE - 1);
}

static void
test_range_beyond_the_end_416 (DownloadFixture *f,
                               gconstpointer    data)
{
  g_autofree char *path = download_path (f, G_TIME_SPAN_HOUR);
  g_autofree char *range = g_strdup_printf ("bytes=%u-", FILE_SIZE);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = get (f, "GET", path, range, &msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Content-Range"),
                   ==, "bytes */100000");
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

/* The URL works until it expires, by the engine's clock. */
static void
test_expired_url_403 (DownloadFixture *f,
                      gconstpointer    data)
{
  g_autofree char *path = download_path (f, 60 * G_TIME_SPAN_SECOND);
  g_autoptr(SoupMessage) before = NULL;
  g_autoptr(SoupMessage) after = NULL;
  g_autoptr(GBytes) first = get (f, "GET", path, NULL, &before);
  g_autoptr(GBytes) second = NULL;

  g_assert_cmpuint (soup_message_get_status (before), ==, SOUP_STATUS_OK);
  ota_manual_clock_advance (f->s.base.clock, 61 * G_TIME_SPAN_SECOND);
  second = get (f, "GET", path, NULL, &after);
  g_assert_cmpuint (soup_message_get_status (after), ==, SOUP_STATUS_FORBIDDEN);
}

static void
test_tampered_url_403 (DownloadFixture *f,
                       gconstpointer    data)
{
  g_autofree char *path = download_path (f, G_TIME_SPAN_HOUR);
  g_autofree char *signature = g_strdup (path);
  g_autofree char *expiry = g_strdup (path);
  g_autofree char *no_signature = g_strdup (path);
  char *s = strstr (signature, "&s=") + 3;
  char *e = strstr (expiry, "?e=") + 3;
  const char *paths[3];

  *s = *s == 'a' ? 'b' : 'a';
  *e = *e == '9' ? '8' : '9';
  *strstr (no_signature, "&s=") = '\0';
  paths[0] = signature;
  paths[1] = expiry;
  paths[2] = no_signature;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) body = get (f, "GET", paths[i], NULL, &msg);
      g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (body, NULL), NULL);

      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_FORBIDDEN);
      server_assert_error (node, "forbidden", NULL);
    }
}

static void
test_unknown_firmware_404 (DownloadFixture *f,
                           gconstpointer    data)
{
  const OtaFirmwareFields fields = { .id = 999, .product_key = "p1", .name = "x", .version = "9",
                                     .file_name = "x.bin" };
  g_autoptr(OtaFirmware) missing = ota_firmware_new (&fields);
  g_autofree char *url = ota_server_make_download_url (f->s.server, missing, "127.0.0.1",
                                                       ota_server_get_port (f->s.server), G_TIME_SPAN_HOUR);
  g_autofree char *wrong_name = download_path (f, G_TIME_SPAN_HOUR);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) named = NULL;
  g_autoptr(GBytes) body = get (f, "GET", strstr (url, "/download/"), NULL, &msg);
  g_autoptr(GBytes) named_body = NULL;
  char *name = strstr (wrong_name, "pump");

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_NOT_FOUND);
  name[0] = 'd';
  named_body = get (f, "GET", wrong_name, NULL, &named);
  g_assert_cmpuint (soup_message_get_status (named), ==, SOUP_STATUS_NOT_FOUND);
}

/* R-E4: the URL names the port, and the file name is escaped. */
static void
test_url_form (DownloadFixture *f,
               gconstpointer    data)
{
  g_autofree char *url = ota_server_make_download_url (f->s.server, f->firmware, "ota.example.com", 8443,
                                                       G_TIME_SPAN_HOUR);
  g_autofree char *v6 = ota_server_make_download_url (f->s.server, f->firmware, "::1", 80, G_TIME_SPAN_HOUR);
  g_autofree char *prefix = g_strdup_printf ("http://ota.example.com:8443/download/%" G_GINT64_FORMAT
                                             "/pump%%20fw.bin?e=", ota_firmware_get_id (f->firmware));

  g_assert_true (g_str_has_prefix (url, prefix));
  g_assert_true (g_str_has_prefix (v6, "http://[::1]:80/download/"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, DownloadFixture, NULL, download_setup, func, download_teardown)

  ADD ("/server/download/R-E4/whole-file-with-content-length", test_whole_file_with_content_length);
  ADD ("/server/download/R-E4/every-header-line-under-128-bytes", test_every_header_line_under_128_bytes);
  ADD ("/server/download/R-E4/head-gives-the-length-only", test_head_gives_the_length_only);
  ADD ("/server/download/R-E4/ranges-give-exactly-the-rest", test_ranges_give_exactly_the_rest);
  ADD ("/server/download/R-E4/range-beyond-the-end-416", test_range_beyond_the_end_416);
  ADD ("/server/download/R-E4/expired-url-403", test_expired_url_403);
  ADD ("/server/download/R-E4/tampered-url-403", test_tampered_url_403);
  ADD ("/server/download/R-E4/unknown-firmware-404", test_unknown_firmware_404);
  ADD ("/server/download/R-E4/url-names-the-port-and-escapes-the-name", test_url_form);

  return g_test_run ();
}
