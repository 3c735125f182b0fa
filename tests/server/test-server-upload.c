/* test-server-upload.c — firmware uploads (R-F8) and device CSV import/export: bodies
 * streamed to disk, refused as early as possible, nothing left behind */
#include <string.h>

#include "server-test-util.h"

#define UPLOAD_PATH "/api/v1/products/p1/firmwares?name=fw&version=2.0.0&type=full" \
                    "&source_versions=1.0.0&sign_algorithm=sha256&file_name=fw.bin"

/* ---- A stream of zeros that counts what was read from it ------------------------------ */

#define TEST_TYPE_ZERO_STREAM (test_zero_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestZeroStream, test_zero_stream, TEST, ZERO_STREAM, GInputStream)

struct _TestZeroStream
{
  GInputStream parent_instance;
  guint64      length;
  guint64      read;
};

G_DEFINE_FINAL_TYPE (TestZeroStream, test_zero_stream, G_TYPE_INPUT_STREAM)

static gssize
zero_stream_read (GInputStream  *stream,
                  void          *buffer,
                  gsize          count,
                  GCancellable  *cancellable,
                  GError       **error)
{
  TestZeroStream *self = TEST_ZERO_STREAM (stream);
  gsize n = (gsize) MIN ((guint64) count, self->length - self->read);

  memset (buffer, 0, n);
  self->read += n;
  return (gssize) n;
}

static void
test_zero_stream_class_init (TestZeroStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = zero_stream_read;
}

static void
test_zero_stream_init (TestZeroStream *self)
{
}

static TestZeroStream *
zero_stream_new (guint64 length)
{
  TestZeroStream *self = g_object_new (TEST_TYPE_ZERO_STREAM, NULL);

  self->length = length;
  return self;
}

/* ---- Helpers ------------------------------------------------------------------------------ */

static void
add_product (ServerFixture *f)
{
  g_object_unref (ota_test_add_product (f->base.engine, "p1", OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI,
                                        FALSE, FALSE));
}

/* Nothing of a refused upload is anywhere: no blob, no temporary file, no row. */
static void
assert_nothing_stored (ServerFixture *f,
                       const char    *dump_before)
{
  g_autofree char *dump_after = ota_test_dump_store (f->base.engine);
  g_autoptr(GPtrArray) firmwares = ota_engine_list_firmwares (f->base.engine, "p1", NULL);

  /* The refused connection may still be draining: let it finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (server_count_blob_entries (f), ==, 0);
  g_assert_cmpuint (firmwares->len, ==, 0);
  g_assert_cmpstr (dump_before, ==, dump_after);
}

/* ---- Refusals -------------------------------------------------------------------------------- */

/* R-F8: a body announced over 1,048,576,000 bytes is refused at the headers. */
static void
test_content_length_over_limit_refused_at_headers (ServerFixture *f,
                                                   gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = server_message (f, "POST", UPLOAD_PATH, f->token);
  g_autoptr(TestZeroStream) body = zero_stream_new (OTA_SERVER_MAX_UPLOAD + 1);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *before = NULL;

  add_product (f);
  before = ota_test_dump_store (f->base.engine);

  soup_message_set_request_body (msg, "application/octet-stream", G_INPUT_STREAM (body),
                                 (gssize) OTA_SERVER_MAX_UPLOAD + 1);
  soup_message_headers_set_expectations (soup_message_get_request_headers (msg), SOUP_EXPECTATION_CONTINUE);
  answer = server_send (f, msg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  server_assert_error (node, "too-large", NULL);

  /* Not a byte of the gigabyte was sent. */
  g_assert_cmpuint (body->read, ==, 0);
  assert_nothing_stored (f, before);
}

/* The same from a client that does not wait for "100 Continue": the server answers
 * after the headers alone, without waiting for any of the body. */
static void
test_content_length_over_limit_answered_without_body (ServerFixture *f,
                                                      gconstpointer  data)
{
  g_autofree char *request = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Authorization: Bearer %s\r\n"
                                              "Content-Length: 1048576001\r\n\r\n", UPLOAD_PATH, f->token);
  g_autofree char *answer = NULL;
  g_autofree char *before = NULL;

  add_product (f);
  before = ota_test_dump_store (f->base.engine);
  answer = server_raw_request (f, request);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
  g_assert_nonnull (strstr (answer, "\"code\":\"too-large\""));
  assert_nothing_stored (f, before);
}

/* A chunked body has no length up front: it is refused when it passes the limit. */
static void
test_chunked_over_limit_refused_midway (ServerFixture *f,
                                        gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = server_message (f, "POST", UPLOAD_PATH, f->token);
  g_autoptr(TestZeroStream) body = zero_stream_new (1024 * 1024);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  add_product (f);
  before = ota_test_dump_store (f->base.engine);
  /* The same code path as 1,048,576,000 bytes, without writing a gigabyte in a test. */
  ota_server_set_max_upload_size (f->server, 256 * 1024);

  soup_message_set_request_body (msg, "application/octet-stream", G_INPUT_STREAM (body), -1);
  answer = server_send (f, msg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  assert_nothing_stored (f, before);
}

/* R-F4: the parameters are checked before the body is read. */
static void
test_bad_version_refused_before_body (ServerFixture *f,
                                      gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = server_message (f, "POST", "/api/v1/products/p1/firmwares?name=fw&version=2.0%20bad"
                                               "&type=full&source_versions=1.0.0&file_name=fw.bin", f->token);
  g_autoptr(TestZeroStream) body = zero_stream_new (4096);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *before = NULL;

  add_product (f);
  before = ota_test_dump_store (f->base.engine);
  soup_message_set_request_body (msg, "application/octet-stream", G_INPUT_STREAM (body), 4096);
  soup_message_headers_set_expectations (soup_message_get_request_headers (msg), SOUP_EXPECTATION_CONTINUE);
  answer = server_send (f, msg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_BAD_REQUEST);
  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  server_assert_error (node, "invalid-field", "version");
  g_assert_cmpuint (body->read, ==, 0);
  assert_nothing_stored (f, before);
}

/* R-F8: the file name needs one of the allowed extensions; it is a parameter. */
static void
test_file_name_checked_before_body (ServerFixture *f,
                                    gconstpointer  data)
{
  static const char * const names[][2] = {
    { "", "file_name" }, { "&file_name=..%2Fx.bin", "file_name" }, { "&file_name=fw.exe", "file" },
  };

  add_product (f);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/products/p1/firmwares?name=fw&version=2.0.0&type=full"
                                           "&source_versions=1.0.0", names[i][0], NULL);
      g_autoptr(JsonNode) node = NULL;
      guint status = 0;

      node = server_json (f, "POST", path, "\x7f" "ELF", &status);
      g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
      server_assert_error (node, "invalid-field", names[i][1]);
    }
  g_assert_cmpuint (server_count_blob_entries (f), ==, 0);
}

/* ---- Uploads that work ---------------------------------------------------------------------- */

static void
test_upload_stored_and_temporary_file_removed (ServerFixture *f,
                                               gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = server_message (f, "POST", UPLOAD_PATH, f->token);
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) firmwares = NULL;
  g_autofree char *digest = NULL;
  guint8 *data_bytes;
  gsize size = 3 * 1024 * 1024 + 17;  /* several 1 MiB writes and a rest */

  add_product (f);
  data_bytes = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    data_bytes[i] = (guint8) (i * 7 + i / 251);
  contents = g_bytes_new_take (data_bytes, size);
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, contents);

  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", contents);
  answer = server_send (f, msg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_CREATED);

  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (server_get_int (node, "size"), ==, (gint64) size);
  g_assert_cmpstr (server_get_string (node, "digest"), ==, digest);
  g_assert_cmpstr (server_get_string (node, "file_name"), ==, "fw.bin");
  g_assert_cmpstr (server_get_string (node, "status"), ==, "unverified");

  firmwares = ota_engine_list_firmwares (f->base.engine, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (firmwares->len, ==, 1);
  /* The blob, and nothing else: the upload's folder is gone. */
  g_assert_cmpuint (server_count_blob_entries (f), ==, 1);
}

/* ---- Devices as CSV ---------------------------------------------------------------------------- */

static void
test_import_query_and_export_devices (ServerFixture *f,
                                      gconstpointer  data)
{
  const char *csv = "product,device,province,city,versions,online\n"
                    "p1,pump-0001,Zhejiang,Hangzhou,default=1.0.0,yes\n"
                    "p1,pump-0002,Zhejiang,Ningbo,default=1.0.0,no\n"
                    "p1,pump-0003,Jiangsu,Suzhou,default=1.0.1,yes\n";
  g_autoptr(SoupMessage) import = server_message (f, "POST", "/api/v1/devices/import", f->token);
  g_autoptr(SoupMessage) export = server_message (f, "GET", "/api/v1/products/p1/devices.csv", f->token);
  g_autoptr(GBytes) csv_bytes = g_bytes_new_static (csv, strlen (csv));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) page = NULL;
  g_autoptr(JsonNode) modules = NULL;
  JsonArray *items;
  guint status = 0;

  add_product (f);
  soup_message_set_request_body_from_bytes (import, "text/csv", csv_bytes);
  answer = server_send (f, import, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (import), ==, SOUP_STATUS_OK);
  result = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (server_get_int (result, "added"), ==, 3);
  g_assert_cmpint (server_get_int (result, "updated"), ==, 0);

  page = server_json (f, "GET", "/api/v1/products/p1/devices?online=true&sort=name&desc=true&limit=1", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_cmpint (server_get_int (page, "total"), ==, 2);
  items = json_object_get_array_member (json_node_get_object (page), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "name"), ==, "pump-0003");

  modules = server_json (f, "GET", "/api/v1/products/p1/modules", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (modules)), ==, 1);

  exported = server_send (f, export, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (export), ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (g_bytes_get_data (exported, NULL), "p1,pump-0002,Zhejiang,Ningbo,default=1.0.0,no"));
  g_assert_cmpuint (server_count_blob_entries (f), ==, 0);
}

/* A bad row fails the whole file, with the line named; nothing is imported. */
static void
test_import_bad_row_imports_nothing (ServerFixture *f,
                                     gconstpointer  data)
{
  const char *csv = "product,device,province,city,versions,online\n"
                    "p1,pump-0001,Zhejiang,Hangzhou,default=1.0.0,yes\n"
                    "p1,pump-0002,Zhejiang,Ningbo,default=1.0.0,perhaps\n";
  g_autoptr(SoupMessage) import = server_message (f, "POST", "/api/v1/devices/import", f->token);
  g_autoptr(GBytes) csv_bytes = g_bytes_new_static (csv, strlen (csv));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *before = NULL, *after = NULL;

  add_product (f);
  before = ota_test_dump_store (f->base.engine);
  soup_message_set_request_body_from_bytes (import, "text/csv", csv_bytes);
  answer = server_send (f, import, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (import), ==, SOUP_STATUS_BAD_REQUEST);
  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  server_assert_error (node, "invalid-field", "online");
  after = ota_test_dump_store (f->base.engine);
  g_assert_cmpstr (before, ==, after);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, ServerFixture, NULL, server_fixture_setup, func, server_fixture_teardown)

  ADD ("/server/upload/R-F8/content-length-over-limit-refused-at-headers",
       test_content_length_over_limit_refused_at_headers);
  ADD ("/server/upload/R-F8/content-length-over-limit-answered-without-the-body",
       test_content_length_over_limit_answered_without_body);
  ADD ("/server/upload/R-F8/chunked-body-over-limit-refused-midway", test_chunked_over_limit_refused_midway);
  ADD ("/server/upload/R-F4/bad-version-refused-before-the-body", test_bad_version_refused_before_body);
  ADD ("/server/upload/R-F8/file-name-checked-before-the-body", test_file_name_checked_before_body);
  ADD ("/server/upload/R-F8/upload-stored-and-temporary-file-removed", test_upload_stored_and_temporary_file_removed);
  ADD ("/server/devices/import-query-and-export", test_import_query_and_export_devices);
  ADD ("/server/devices/import-bad-row-imports-nothing", test_import_bad_row_imports_nothing);

  return g_test_run ();
}
