/* test-firmwares.c — adding a firmware (R-F1..R-F10) */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ota-test-util.h"

/* sha256 of 1,048,576,000 zero bytes, computed once with `head -c 1048576000 /dev/zero | sha256sum`. */
#define SHA256_OF_MAX_ZEROS "da87281c9f9ab6cef8f9362935f4fc864db94606d52212614894f1253461a762"

/* ---- Helpers -------------------------------------------------------------- */

static const char * const one_source[] = { "1.0.0", NULL };

/* A spec every rule accepts for an own-brand product "own". */
static OtaFirmwareSpec
good_spec (const char *name)
{
  OtaFirmwareSpec spec = {
    .product_key = "own",
    .name = name,
    .type = OTA_FIRMWARE_TYPE_FULL,
    .version = "2.0.0",
    .source_versions = one_source,
    .module = NULL,
    .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
    .description = NULL,
  };
  return spec;
}

static void
add_own_product (OtaTestFixture *f)
{
  g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, "own", OTA_PROJECT_TYPE_OWN_BRAND,
                                                        OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
}

static char *
write_bin (OtaTestFixture *f,
           const char     *name)
{
  return ota_test_write_file (f, name, "\x7f" "ELF firmware image", 19);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Names in the blob folder, sorted, one a line. */
static char *
list_blob_dir (OtaTestFixture *f)
{
  const char *blob_dir = ota_store_get_blob_dir (ota_engine_get_store (f->engine));
  g_autoptr(GDir) dir = g_dir_open (blob_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv ("\n", (char **) names->pdata);
}

static OtaFirmware *
add_firmware (OtaTestFixture        *f,
              const OtaFirmwareSpec *spec,
              const char            *path,
              GError               **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return ota_engine_add_firmware (f->engine, spec, file, NULL, NULL, NULL, error);
}

static OtaFirmware *
add_firmware_ok (OtaTestFixture        *f,
                 const OtaFirmwareSpec *spec,
                 const char            *path)
{
  g_autoptr(GError) error = NULL;
  OtaFirmware *firmware = add_firmware (f, spec, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (firmware);
  return firmware;
}

/* The add is refused with @code naming @field; the database and the blob folder are
 * exactly as before. Returns the error message for further checks. */
static char *
assert_add_refused (OtaTestFixture        *f,
                    const OtaFirmwareSpec *spec,
                    const char            *path,
                    OtaErrorCode           code,
                    const char            *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_before = ota_test_dump_store (f->engine);
  g_autofree char *blobs_before = list_blob_dir (f);
  g_autofree char *db_after = NULL;
  g_autofree char *blobs_after = NULL;
  g_autoptr(OtaFirmware) firmware = add_firmware (f, spec, path, &error);

  g_assert_null (firmware);
  ota_test_assert_error (error, code, field, NULL);

  db_after = ota_test_dump_store (f->engine);
  blobs_after = list_blob_dir (f);
  g_assert_cmpstr (db_before, ==, db_after);
  g_assert_cmpstr (blobs_before, ==, blobs_after);

  return g_strdup (error->message);
}

/* check_firmware_spec must agree with add_firmware: refused, same field. */
static void
assert_spec_refused (OtaTestFixture        *f,
                     const OtaFirmwareSpec *spec,
                     OtaErrorCode           code,
                     const char            *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_bin (f, "any.bin");
  g_autofree char *message = NULL;

  g_assert_false (ota_engine_check_firmware_spec (f->engine, spec, &error));
  ota_test_assert_error (error, code, field, NULL);

  message = assert_add_refused (f, spec, path, code, field);
}

static void
assert_spec_accepted (OtaTestFixture        *f,
                      const OtaFirmwareSpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_bin (f, "any.bin");
  g_autoptr(OtaFirmware) firmware = NULL;

  g_assert_true (ota_engine_check_firmware_spec (f->engine, spec, &error));
  g_assert_no_error (error);
  firmware = add_firmware_ok (f, spec, path);
  g_assert_cmpstr (ota_firmware_get_name (firmware), ==, spec->name);
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static char *
make_sparse_file (OtaTestFixture *f,
                  const char     *name,
                  goffset         size)
{
  char *path = g_build_filename (f->dir, name, NULL);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  return path;
}

static gint64
count_rows (OtaTestFixture *f,
            const char     *sql)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->engine));
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* ---- Archives built here, not taken on trust ------------------------------- */

static void
put_octal (guint8  *field,
           gsize    width,
           guint64  value)
{
  g_autofree char *text = g_strdup_printf ("%0*" G_GINT64_MODIFIER "o", (int) width - 1, value);

  memcpy (field, text, width - 1);
  field[width - 1] = '\0';
}

/* A tar archive holding one file; @ustar FALSE makes an old v7 header (no magic). */
static GBytes *
build_tar (const char *member,
           const char *contents,
           gboolean    ustar)
{
  gsize length = strlen (contents);
  gsize padded = (length + 511) / 512 * 512;
  gsize total = 512 + padded + 1024;
  guint8 *tar = g_malloc0 (total);
  guint sum = 0;

  memcpy (tar, member, strlen (member));
  put_octal (tar + 100, 8, 0644);
  put_octal (tar + 108, 8, 0);
  put_octal (tar + 116, 8, 0);
  put_octal (tar + 124, 12, length);
  put_octal (tar + 136, 12, 1767225600);
  tar[156] = '0';
  if (ustar)
    {
      memcpy (tar + 257, "ustar", 6);
      memcpy (tar + 263, "00", 2);
    }

  memset (tar + 148, ' ', 8);
  for (guint i = 0; i < 512; i++)
    sum += tar[i];
  put_octal (tar + 148, 7, sum);
  tar[155] = ' ';

  memcpy (tar + 512, contents, length);
  return g_bytes_new_take (tar, total);
}

static GBytes *
gzip_bytes (GBytes *input)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  gsize in_length = 0;
  const guint8 *in = g_bytes_get_data (input, &in_length);
  gsize out_size = in_length + 1024;
  guint8 *out = g_malloc (out_size);
  gsize in_pos = 0, out_pos = 0;
  GConverterResult result;

  do
    {
      g_autoptr(GError) error = NULL;
      gsize bytes_read = 0, bytes_written = 0;

      result = g_converter_convert (G_CONVERTER (compressor), in + in_pos, in_length - in_pos,
                                    out + out_pos, out_size - out_pos, G_CONVERTER_INPUT_AT_END,
                                    &bytes_read, &bytes_written, &error);
      g_assert_no_error (error);
      in_pos += bytes_read;
      out_pos += bytes_written;
    }
  while (result != G_CONVERTER_FINISHED);

  return g_bytes_new_take (out, out_pos);
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  return ~crc;
}

static void
put_le (GByteArray *out,
        guint32     value,
        guint       width)
{
  for (guint i = 0; i < width; i++)
    {
      guint8 byte = (value >> (8 * i)) & 0xff;
      g_byte_array_append (out, &byte, 1);
    }
}

/* A zip archive with one stored (uncompressed) member, as PKWARE's APPNOTE lays it out. */
static GBytes *
build_zip (const char *member,
           const char *contents)
{
  GByteArray *zip = g_byte_array_new ();
  guint32 length = strlen (contents);
  guint32 crc = crc32_of ((const guint8 *) contents, length);
  guint16 name_length = strlen (member);
  guint32 central_offset;

  /* local file header */
  put_le (zip, 0x04034b50, 4);
  put_le (zip, 10, 2); put_le (zip, 0, 2); put_le (zip, 0, 2);
  put_le (zip, 0, 2); put_le (zip, 0x21, 2);
  put_le (zip, crc, 4); put_le (zip, length, 4); put_le (zip, length, 4);
  put_le (zip, name_length, 2); put_le (zip, 0, 2);
  g_byte_array_append (zip, (const guint8 *) member, name_length);
  g_byte_array_append (zip, (const guint8 *) contents, length);

  /* central directory */
  central_offset = zip->len;
  put_le (zip, 0x02014b50, 4);
  put_le (zip, 20, 2); put_le (zip, 10, 2); put_le (zip, 0, 2); put_le (zip, 0, 2);
  put_le (zip, 0, 2); put_le (zip, 0x21, 2);
  put_le (zip, crc, 4); put_le (zip, length, 4); put_le (zip, length, 4);
  put_le (zip, name_length, 2); put_le (zip, 0, 2); put_le (zip, 0, 2);
  put_le (zip, 0, 2); put_le (zip, 0, 2); put_le (zip, 0, 4); put_le (zip, 0, 4);
  g_byte_array_append (zip, (const guint8 *) member, name_length);

  /* end of central directory */
  put_le (zip, 0x06054b50, 4);
  put_le (zip, 0, 2); put_le (zip, 0, 2); put_le (zip, 1, 2); put_le (zip, 1, 2);
  put_le (zip, zip->len - central_offset - 0, 4);
  put_le (zip, central_offset, 4);
  put_le (zip, 0, 2);

  return g_byte_array_free_to_bytes (zip);
}

static char *
write_bytes (OtaTestFixture *f,
             const char     *name,
             GBytes         *bytes)
{
  gsize length = 0;
  const void *data = g_bytes_get_data (bytes, &length);

  return ota_test_write_file (f, name, data, length);
}

/* ---- R-F1 type ------------------------------------------------------------ */

/* R-F1: own-brand products accept full and diff. */
static void
test_type_full_and_diff (OtaTestFixture *f,
                         gconstpointer   data)
{
  OtaFirmwareSpec spec = good_spec ("full1");
  g_autofree char *path = write_bin (f, "fw.bin");
  g_autoptr(OtaFirmware) full = NULL;
  g_autoptr(OtaFirmware) diff = NULL;

  add_own_product (f);
  full = add_firmware_ok (f, &spec, path);
  g_assert_cmpint (ota_firmware_get_firmware_type (full), ==, OTA_FIRMWARE_TYPE_FULL);

  spec.name = "diff1";
  spec.type = OTA_FIRMWARE_TYPE_DIFF;
  diff = add_firmware_ok (f, &spec, path);
  g_assert_cmpint (ota_firmware_get_firmware_type (diff), ==, OTA_FIRMWARE_TYPE_DIFF);
}

/* R-F1: tmall-genie products accept full only; a type that is neither is refused. */
static void
test_type_tmall_full_only (OtaTestFixture *f,
                           gconstpointer   data)
{
  g_autoptr(OtaProduct) tmall = ota_test_add_product (f->engine, "tmall", OTA_PROJECT_TYPE_TMALL_GENIE,
                                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaFirmwareSpec spec = good_spec ("fw");

  add_own_product (f);
  spec.product_key = "tmall";
  spec.type = OTA_FIRMWARE_TYPE_DIFF;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "type");

  spec.type = 7;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "type");
  spec.product_key = "own";
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "type");

  spec.product_key = "tmall";
  spec.type = OTA_FIRMWARE_TYPE_FULL;
  assert_spec_accepted (f, &spec);
}

/* ---- R-F2 name ------------------------------------------------------------ */

/* R-F2: 40 characters is the limit, counted in characters: 40 Han (120 bytes) pass. */
static void
test_name_40_chars_accepted (OtaTestFixture *f,
                             gconstpointer   data)
{
  g_autofree char *name = repeat ("固", 40);
  OtaFirmwareSpec spec = good_spec (name);

  g_assert_cmpuint (strlen (name), ==, 120);
  add_own_product (f);
  assert_spec_accepted (f, &spec);
}

/* R-F2: 41 Han characters are one too many. */
static void
test_name_41_chars_refused (OtaTestFixture *f,
                            gconstpointer   data)
{
  g_autofree char *name = repeat ("固", 41);
  OtaFirmwareSpec spec = good_spec (name);

  add_own_product (f);
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "name");
}

/* R-F2: Han, letters, kana (with ー), digits, _ - ( ) are allowed. */
static void
test_name_allowed_characters (OtaTestFixture *f,
                              gconstpointer   data)
{
  const char *names[] = {
    "固件ファームウェアー_(v1)-ひらがな",
    "Abc9_x-(y)",
    "9ア",
    "固件ﾃｽﾄ",
    "固",
  };

  add_own_product (f);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      OtaFirmwareSpec spec = good_spec (names[i]);
      assert_spec_accepted (f, &spec);
    }
}

/* R-F2: anything else is refused, and so is a start with _, -, (, ), kana or ー. */
static void
test_name_forbidden_characters_refused (OtaTestFixture *f,
                                        gconstpointer   data)
{
  const char *names[] = {
    "fw!", "fw 1", "fw.1", "fw/1", "固件，", "fw😀", "_x", "-x", "(x)", "ファーム", "ーx", "",
  };

  add_own_product (f);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      OtaFirmwareSpec spec = good_spec (names[i]);
      assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "name");
    }
}

/* R-F2: kana with a voicing mark typed as two code points (カ + U+3099, as some input
 * methods and macOS file names give them) are the same kana as the composed one (ガ):
 * the name is checked and stored in NFC, and the two spellings are one name. */
static void
test_name_decomposed_kana_normalised (OtaTestFixture *f,
                                      gconstpointer   data)
{
  const char *decomposed = "fw\u30AB\u3099\u30A4\u30C8\u3099";   /* fwガイド, 2 marks apart */
  const char *composed = "fw\u30AC\u30A4\u30C9";
  OtaFirmwareSpec spec = good_spec (decomposed);
  g_autofree char *path = write_bin (f, "kana.bin");
  g_autoptr(GError) error = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;

  g_assert_cmpuint (g_utf8_strlen (decomposed, -1), ==, 7);
  g_assert_true (ota_validate_firmware_name (decomposed, &error));
  g_assert_no_error (error);

  add_own_product (f);
  g_assert_true (ota_engine_check_firmware_spec (f->engine, &spec, &error));
  g_assert_no_error (error);
  firmware = add_firmware_ok (f, &spec, path);
  g_assert_cmpstr (ota_firmware_get_name (firmware), ==, composed);

  /* The composed spelling is the name already taken. */
  spec.name = composed;
  spec.version = "3.0";
  assert_spec_refused (f, &spec, OTA_ERROR_CONFLICT, "name");
}

/* R-F2: a name is unique within its product (the schema's UNIQUE (product_key, name)),
 * but another product may use it. */
static void
test_name_unique_per_product (OtaTestFixture *f,
                              gconstpointer   data)
{
  g_autoptr(OtaProduct) other = ota_test_add_product (f->engine, "other", OTA_PROJECT_TYPE_OWN_BRAND,
                                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaFirmwareSpec spec = good_spec ("same");
  g_autofree char *path = write_bin (f, "a.bin");
  g_autofree char *path2 = ota_test_write_file (f, "b.bin", "other content", 13);
  g_autoptr(OtaFirmware) first = NULL;
  g_autoptr(OtaFirmware) other_product = NULL;
  g_autofree char *message = NULL;

  add_own_product (f);
  first = add_firmware_ok (f, &spec, path);

  spec.version = "3.0";
  assert_spec_refused (f, &spec, OTA_ERROR_CONFLICT, "name");
  /* A new file does not leave its blob behind either. */
  message = assert_add_refused (f, &spec, path2, OTA_ERROR_CONFLICT, "name");

  spec.product_key = "other";
  other_product = add_firmware_ok (f, &spec, path);
  g_assert_cmpstr (ota_firmware_get_name (other_product), ==, "same");
}

/* R-F2: a name taken by another add while the file was hashed is refused when the
 * firmware is recorded, and the hashed file is not kept. */
typedef struct {
  OtaTestFixture *f;
  gboolean        done;
} RaceData;

static void
add_same_name_meanwhile (guint64  done,
                         guint64  total,
                         gpointer user_data)
{
  RaceData *race = user_data;
  OtaFirmwareSpec spec = good_spec ("racer");
  g_autofree char *path = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;

  if (race->done)
    return;
  race->done = TRUE;
  path = write_bin (race->f, "winner.bin");
  firmware = add_firmware_ok (race->f, &spec, path);
}

static void
test_name_taken_while_hashing (OtaTestFixture *f,
                               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  OtaFirmwareSpec spec = good_spec ("racer");
  g_autofree char *path = ota_test_write_file (f, "loser.bin", "the loser's content", 19);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaFirmware) winner = NULL;
  RaceData race = { f, FALSE };
  g_autofree char *blobs = NULL;

  add_own_product (f);
  firmware = ota_engine_add_firmware (f->engine, &spec, file, NULL, add_same_name_meanwhile, &race, &error);
  ota_test_assert_error (error, OTA_ERROR_CONFLICT, "name", NULL);
  g_assert_null (firmware);
  g_assert_true (race.done);

  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM firmwares"), ==, 1);
  g_clear_error (&error);
  winner = ota_engine_get_firmware (f->engine, 1, &error);
  g_assert_no_error (error);
  blobs = list_blob_dir (f);
  g_assert_cmpstr (blobs, ==, ota_firmware_get_blob_sha256 (winner));
}

/* R-F8: when recording fails after the file was moved into the blob folder (here the
 * audit log refuses the row), a blob made for this firmware goes again; a blob that
 * another firmware uses stays. */
static void
test_failed_record_removes_new_blob (OtaTestFixture *f,
                                     gconstpointer   data)
{
  sqlite3 *db = ota_store_get_db (ota_engine_get_store (f->engine));
  OtaFirmwareSpec spec = good_spec ("kept");
  g_autofree char *shared = write_bin (f, "shared.bin");
  g_autofree char *fresh = ota_test_write_file (f, "fresh.bin", "fresh content", 13);
  g_autoptr(OtaFirmware) kept = NULL;
  g_autofree char *m1 = NULL;
  g_autofree char *m2 = NULL;
  g_autofree char *blobs = NULL;

  add_own_product (f);
  kept = add_firmware_ok (f, &spec, shared);

  /* A TEMP trigger lives only on this connection: the dump does not see it. */
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TEMP TRIGGER refuse_firmware_audit BEFORE INSERT ON audit_log "
                                 "WHEN NEW.action = 'firmware.add' "
                                 "BEGIN SELECT RAISE (ABORT, 'injected failure'); END;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  spec.name = "fresh";
  m1 = assert_add_refused (f, &spec, fresh, OTA_ERROR_STORE, NULL);
  spec.name = "same-content";
  m2 = assert_add_refused (f, &spec, shared, OTA_ERROR_STORE, NULL);

  blobs = list_blob_dir (f);
  g_assert_cmpstr (blobs, ==, ota_firmware_get_blob_sha256 (kept));
}

static void
set_old_mtime (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  /* 2001-09-09: far older than any upload still in progress. */
  g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, 1000000000,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
}

static char *
write_blob_file (const char *blob_dir,
                 const char *name,
                 gboolean    old)
{
  g_autofree char *path = g_build_filename (blob_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, "orphan?", -1, NULL));
  if (old)
    set_old_mtime (path);
  return g_steal_pointer (&path);
}

/* R-F8: a crash between a blob's rename and its firmware's commit leaves a blob nobody
 * refers to; the next open removes it once it is old. A blob a firmware uses stays however
 * old, a fresh one stays (another process may be about to commit it), and files the blob
 * store did not name are not touched. */
static void
test_orphan_blob_removed_at_open (OtaTestFixture *f,
                                  gconstpointer   data)
{
  OtaFirmwareSpec spec = good_spec ("kept");
  g_autofree char *bin = write_bin (f, "kept.bin");
  g_autoptr(OtaFirmware) kept = NULL;
  g_autofree char *blob_dir = NULL;
  g_autofree char *kept_path = NULL;
  g_autofree char *old_orphan = NULL;
  g_autofree char *new_orphan = NULL;
  g_autofree char *other = NULL;

  add_own_product (f);
  kept = add_firmware_ok (f, &spec, bin);
  blob_dir = g_strdup (ota_store_get_blob_dir (ota_engine_get_store (f->engine)));
  kept_path = g_build_filename (blob_dir, ota_firmware_get_blob_sha256 (kept), NULL);
  set_old_mtime (kept_path);
  old_orphan = write_blob_file (blob_dir, "00000000000000000000000000000000000000000000000000000000000000a1", TRUE);
  new_orphan = write_blob_file (blob_dir, "00000000000000000000000000000000000000000000000000000000000000a2", FALSE);
  other = write_blob_file (blob_dir, "README", TRUE);

  ota_test_fixture_reopen (f);

  g_assert_false (g_file_test (old_orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
}

/* ---- R-F3 product --------------------------------------------------------- */

/* R-F3: the product must exist. */
static void
test_product_must_exist (OtaTestFixture *f,
                         gconstpointer   data)
{
  OtaFirmwareSpec spec = good_spec ("fw");

  add_own_product (f);
  spec.product_key = "nope";
  assert_spec_refused (f, &spec, OTA_ERROR_NOT_FOUND, "product");
  spec.product_key = NULL;
  assert_spec_refused (f, &spec, OTA_ERROR_NOT_FOUND, "product");
}

/* ---- R-F4 version --------------------------------------------------------- */

/* R-F4: letters, digits, . - _ and 1..64 characters. */
static void
test_version_length_and_characters (OtaTestFixture *f,
                                    gconstpointer   data)
{
  g_autofree char *v64 = repeat ("a", 64);
  g_autofree char *v65 = repeat ("a", 65);
  const char *bad[] = { "", "1.0 beta", "v1/2", "版本1", "1+2", "1,0", v65 };
  OtaFirmwareSpec spec = good_spec ("fw64");

  add_own_product (f);
  spec.version = "A-z_0.9";
  spec.name = "fwchars";
  assert_spec_accepted (f, &spec);
  spec.version = v64;
  spec.name = "fw64";
  assert_spec_accepted (f, &spec);

  spec.name = "fwbad";
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      spec.version = bad[i];
      assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "version");
    }
  spec.version = NULL;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "version");
}

/* ---- R-F5 source versions ------------------------------------------------- */

/* R-F5: a full firmware needs one or more source versions. */
static void
test_sources_full_needs_one (OtaTestFixture *f,
                             gconstpointer   data)
{
  const char * const none[] = { NULL };
  const char * const three[] = { "1.0", "1.1", "1.2", NULL };
  OtaFirmwareSpec spec = good_spec ("fw");
  g_autofree char *path = write_bin (f, "fw.bin");
  g_autoptr(OtaFirmware) firmware = NULL;

  add_own_product (f);
  spec.source_versions = none;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions");
  spec.source_versions = NULL;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions");

  spec.source_versions = three;
  firmware = add_firmware_ok (f, &spec, path);
  g_assert_cmpstrv (ota_firmware_get_source_versions (firmware), three);
}

/* R-F5: a diff firmware has exactly one source version. */
static void
test_sources_diff_exactly_one (OtaTestFixture *f,
                               gconstpointer   data)
{
  const char * const none[] = { NULL };
  const char * const two[] = { "1.0", "1.1", NULL };
  OtaFirmwareSpec spec = good_spec ("fw");

  add_own_product (f);
  spec.type = OTA_FIRMWARE_TYPE_DIFF;
  spec.source_versions = two;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions");
  spec.source_versions = none;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions");

  spec.source_versions = one_source;
  assert_spec_accepted (f, &spec);
}

/* R-F5: none equals the firmware version, each follows R-F4. */
static void
test_sources_checked (OtaTestFixture *f,
                      gconstpointer   data)
{
  g_autofree char *v65 = repeat ("1", 65);
  const char * const with_target[] = { "1.0", "2.0.0", NULL };
  const char * const with_bad[] = { "1.0", "1 0", NULL };
  const char * const with_long[] = { v65, NULL };
  OtaFirmwareSpec spec = good_spec ("fw");

  add_own_product (f);
  spec.source_versions = with_target;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions");
  spec.source_versions = with_bad;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions");
  spec.source_versions = with_long;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "source-versions");
}

/* R-F5: duplicates are dropped, the order given is kept (also across a restart). */
static void
test_sources_deduplicated_in_order (OtaTestFixture *f,
                                    gconstpointer   data)
{
  const char * const given[] = { "1.2", "1.0", "1.2", "0.9", "1.0", NULL };
  const char * const expected[] = { "1.2", "1.0", "0.9", NULL };
  const char * const dup_diff[] = { "1.5", "1.5", NULL };
  OtaFirmwareSpec spec = good_spec ("fw");
  g_autofree char *path = write_bin (f, "fw.bin");
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(OtaFirmware) read = NULL;
  g_autoptr(OtaFirmware) diff = NULL;
  g_autoptr(GError) error = NULL;

  add_own_product (f);
  spec.source_versions = given;
  firmware = add_firmware_ok (f, &spec, path);
  g_assert_cmpstrv (ota_firmware_get_source_versions (firmware), expected);

  ota_test_fixture_reopen (f);
  read = ota_engine_get_firmware (f->engine, ota_firmware_get_id (firmware), &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (ota_firmware_get_source_versions (read), expected);

  /* The same version twice is still one version: fine for a diff. */
  spec.name = "diff";
  spec.type = OTA_FIRMWARE_TYPE_DIFF;
  spec.source_versions = dup_diff;
  diff = add_firmware_ok (f, &spec, path);
  g_assert_cmpuint (g_strv_length ((GStrv) ota_firmware_get_source_versions (diff)), ==, 1);
}

/* ---- R-F6 module ---------------------------------------------------------- */

/* R-F6: default "default"; a new module is added to the product's modules; 1..64 of
 * letters, digits, . - _. */
static void
test_module_rules (OtaTestFixture *f,
                   gconstpointer   data)
{
  g_autofree char *m64 = repeat ("m", 64);
  g_autofree char *m65 = repeat ("m", 65);
  const char *bad[] = { "", "wifi module", "模块", "a/b", m65 };
  OtaFirmwareSpec spec = good_spec ("fw");
  g_autofree char *path = write_bin (f, "fw.bin");
  g_autoptr(OtaFirmware) plain = NULL;
  g_autoptr(OtaFirmware) long_module = NULL;

  add_own_product (f);
  plain = add_firmware_ok (f, &spec, path);
  g_assert_cmpstr (ota_firmware_get_module (plain), ==, "default");

  spec.name = "fw64";
  spec.module = m64;
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM modules WHERE product_key = 'own'"), ==, 1);
  long_module = add_firmware_ok (f, &spec, path);
  g_assert_cmpstr (ota_firmware_get_module (long_module), ==, m64);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM modules WHERE product_key = 'own'"), ==, 2);

  spec.name = "fwbad";
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      spec.module = bad[i];
      assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "module");
    }
}

/* R-F6: tmall-genie products cannot choose a module: only "default". */
static void
test_module_tmall_default_only (OtaTestFixture *f,
                                gconstpointer   data)
{
  g_autoptr(OtaProduct) tmall = ota_test_add_product (f->engine, "tmall", OTA_PROJECT_TYPE_TMALL_GENIE,
                                                      OTA_NETWORK_TYPE_WIFI, FALSE, FALSE);
  OtaFirmwareSpec spec = good_spec ("fw");

  spec.product_key = "tmall";
  spec.module = "mcu";
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "module");

  spec.module = "default";
  assert_spec_accepted (f, &spec);
  spec.name = "fw2";
  spec.module = NULL;
  assert_spec_accepted (f, &spec);
}

/* ---- R-F7 signature algorithm --------------------------------------------- */

/* R-F7: md5 only for tmall-genie + BLE, and for own-brand + Android SDK + diff;
 * otherwise both. Every cell of the matrix. */
static void
test_sign_algorithm_matrix (OtaTestFixture *f,
                            gconstpointer   data)
{
  struct {
    OtaProjectType  project;
    OtaNetworkType  network;
    gboolean        android;
    OtaFirmwareType type;
    gboolean        sha256_allowed;
  } cases[] = {
    { OTA_PROJECT_TYPE_TMALL_GENIE, OTA_NETWORK_TYPE_BLE, FALSE, OTA_FIRMWARE_TYPE_FULL, FALSE },
    { OTA_PROJECT_TYPE_TMALL_GENIE, OTA_NETWORK_TYPE_BLE, TRUE, OTA_FIRMWARE_TYPE_FULL, FALSE },
    { OTA_PROJECT_TYPE_TMALL_GENIE, OTA_NETWORK_TYPE_WIFI, FALSE, OTA_FIRMWARE_TYPE_FULL, TRUE },
    { OTA_PROJECT_TYPE_TMALL_GENIE, OTA_NETWORK_TYPE_CELLULAR, TRUE, OTA_FIRMWARE_TYPE_FULL, TRUE },
    { OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, TRUE, OTA_FIRMWARE_TYPE_DIFF, FALSE },
    { OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_BLE, TRUE, OTA_FIRMWARE_TYPE_DIFF, FALSE },
    { OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, TRUE, OTA_FIRMWARE_TYPE_FULL, TRUE },
    { OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE, OTA_FIRMWARE_TYPE_DIFF, TRUE },
    { OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_BLE, FALSE, OTA_FIRMWARE_TYPE_DIFF, TRUE },
    { OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_BLE, FALSE, OTA_FIRMWARE_TYPE_FULL, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("p%u", i);
      g_autoptr(OtaProduct) product = ota_test_add_product (f->engine, key, cases[i].project,
                                                            cases[i].network, FALSE, cases[i].android);
      OtaFirmwareSpec spec = good_spec ("md5");

      spec.product_key = key;
      spec.type = cases[i].type;
      spec.sign_algorithm = OTA_SIGN_ALGORITHM_MD5;
      assert_spec_accepted (f, &spec);

      spec.name = "sha256";
      spec.sign_algorithm = OTA_SIGN_ALGORITHM_SHA256;
      if (cases[i].sha256_allowed)
        assert_spec_accepted (f, &spec);
      else
        assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "sign-algorithm");

      spec.name = "bogus";
      spec.sign_algorithm = 5;
      assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "sign-algorithm");
    }
}

/* ---- R-F8 file ------------------------------------------------------------ */

/* R-F8: exactly 1,048,576,000 bytes is accepted, and really hashed and stored. */
static void
test_file_max_size_accepted (OtaTestFixture *f,
                             gconstpointer   data)
{
  g_autofree char *path = make_sparse_file (f, "max.bin", 1048576000);
  OtaFirmwareSpec spec = good_spec ("max");
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GFile) stored = NULL;
  GStatBuf st;

  add_own_product (f);
  firmware = add_firmware_ok (f, &spec, path);
  g_assert_cmpuint (ota_firmware_get_size (firmware), ==, 1048576000);
  g_assert_cmpstr (ota_firmware_get_digest (firmware), ==, SHA256_OF_MAX_ZEROS);
  g_assert_cmpstr (ota_firmware_get_blob_sha256 (firmware), ==, SHA256_OF_MAX_ZEROS);

  stored = ota_engine_get_firmware_file (f->engine, firmware);
  g_assert_cmpint (g_stat (g_file_peek_path (stored), &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 1048576000);
}

/* R-F8: one byte more is refused before anything is read. */
static void
test_file_over_max_size_refused (OtaTestFixture *f,
                                 gconstpointer   data)
{
  g_autofree char *path = make_sparse_file (f, "big.bin", 1048576001);
  OtaFirmwareSpec spec = good_spec ("big");
  g_autofree char *message = NULL;

  add_own_product (f);
  message = assert_add_refused (f, &spec, path, OTA_ERROR_INVALID_FIELD, "file");
  g_assert_nonnull (strstr (message, "1048576001"));
}

/* R-F8: a file that grows past the limit while it is read is refused too. */
static void
grow_file (guint64  done,
           guint64  total,
           gpointer user_data)
{
  const char *path = user_data;

  if (done == 1024 * 1024)
    g_assert_cmpint (truncate (path, 1048576000 + 4096), ==, 0);
}

static void
test_file_growing_past_max_refused (OtaTestFixture *f,
                                    gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = make_sparse_file (f, "grows.bin", 1048576000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  OtaFirmwareSpec spec = good_spec ("grows");
  g_autofree char *db_before = NULL;
  g_autofree char *blobs_before = NULL;
  g_autofree char *db_after = NULL;
  g_autofree char *blobs_after = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;

  add_own_product (f);
  db_before = ota_test_dump_store (f->engine);
  blobs_before = list_blob_dir (f);
  firmware = ota_engine_add_firmware (f->engine, &spec, file, NULL, grow_file, path, &error);
  ota_test_assert_error (error, OTA_ERROR_INVALID_FIELD, "file", NULL);
  g_assert_null (firmware);

  db_after = ota_test_dump_store (f->engine);
  blobs_after = list_blob_dir (f);
  g_assert_cmpstr (db_before, ==, db_after);
  g_assert_cmpstr (blobs_before, ==, blobs_after);
}

/* R-F8: an empty file is refused. */
static void
test_file_empty_refused (OtaTestFixture *f,
                         gconstpointer   data)
{
  g_autofree char *path = ota_test_write_file (f, "empty.bin", "", 0);
  OtaFirmwareSpec spec = good_spec ("empty");
  g_autofree char *message = NULL;

  add_own_product (f);
  message = assert_add_refused (f, &spec, path, OTA_ERROR_INVALID_FIELD, "file");
}

/* R-F8: extensions in any letter case; others refused; a folder or a missing file too. */
static void
test_file_extensions (OtaTestFixture *f,
                      gconstpointer   data)
{
  const char *bad[] = { "fw.exe", "fw", "fw.bin.txt", "fw.tgz", ".bin", ".tar.gz" };
  g_autoptr(GBytes) tar = build_tar ("fw.bin", "payload", TRUE);
  g_autoptr(GBytes) tar_gz = gzip_bytes (tar);
  g_autofree char *upper = write_bin (f, "FW.BIN");
  g_autofree char *mixed = write_bytes (f, "fw.Tar.Gz", tar_gz);
  g_autofree char *folder = g_build_filename (f->dir, "folder.bin", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.bin", NULL);
  OtaFirmwareSpec spec = good_spec ("upper");
  g_autoptr(OtaFirmware) a = NULL;
  g_autoptr(OtaFirmware) b = NULL;
  g_autofree char *m1 = NULL;
  g_autofree char *m2 = NULL;

  add_own_product (f);
  a = add_firmware_ok (f, &spec, upper);
  g_assert_cmpstr (ota_firmware_get_file_name (a), ==, "FW.BIN");
  spec.name = "mixed";
  b = add_firmware_ok (f, &spec, mixed);
  g_assert_cmpstr (ota_firmware_get_file_name (b), ==, "fw.Tar.Gz");

  spec.name = "bad";
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_bin (f, bad[i]);
      g_autofree char *message = assert_add_refused (f, &spec, path, OTA_ERROR_INVALID_FIELD, "file");
    }

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  m1 = assert_add_refused (f, &spec, folder, OTA_ERROR_INVALID_FIELD, "file");
  m2 = assert_add_refused (f, &spec, missing, OTA_ERROR_IO, "file");
}

/* R-F8: a file whose content contradicts its extension is refused, saying so. */
static void
test_file_content_contradicts_extension (OtaTestFixture *f,
                                         gconstpointer   data)
{
  g_autoptr(GBytes) text = g_bytes_new_static ("just some text, long enough to be looked at", 43);
  g_autoptr(GBytes) zeros = g_bytes_new_take (g_malloc0 (2048), 2048);
  g_autoptr(GBytes) gz_text = gzip_bytes (text);
  g_autoptr(GBytes) gz_zeros = gzip_bytes (zeros);
  g_autoptr(GBytes) zip = build_zip ("fw.bin", "payload");
  g_autoptr(GBytes) tar = build_tar ("fw.bin", "payload", TRUE);
  g_autoptr(GBytes) corrupt_tar = NULL;
  g_autoptr(GBytes) gz_corrupt_tar = NULL;
  struct {
    const char *name;
    GBytes     *content;
    const char *says;
  } cases[] = {
    { "text.zip", text, "“text.zip” is not a zip archive" },
    { "text.apk", text, "“text.apk” is not a zip archive" },
    { "text.gz", text, "“text.gz” is not a gzip file" },
    { "zip.GZIP", zip, "“zip.GZIP” is not a gzip file" },
    { "text.tar", text, "“text.tar” is not a tar archive" },
    { "zeros.tar", zeros, "“zeros.tar” is not a tar archive" },
    { "zip.tar.gz", zip, "“zip.tar.gz” is not a gzip file" },
    { "text.tar.gz", gz_text, "“text.tar.gz” is gzip-compressed but not a tar archive" },
    { "zeros.tar.gz", gz_zeros, "“zeros.tar.gz” is gzip-compressed but not a tar archive" },
    { "gz.zip", gz_text, "“gz.zip” is not a zip archive" },
    { "corrupt.tar", NULL, "“corrupt.tar” is not a tar archive" },
    { "corrupt.tar.gz", NULL, "“corrupt.tar.gz” is gzip-compressed but not a tar archive" },
  };
  OtaFirmwareSpec spec = good_spec ("fw");

  /* A tar header whose checksum no longer matches: one byte of the name changed. */
  {
    gsize length = g_bytes_get_size (tar);
    guint8 *bytes = g_memdup2 (g_bytes_get_data (tar, NULL), length);

    bytes[0] = 'F';
    corrupt_tar = g_bytes_new_take (bytes, length);
    gz_corrupt_tar = gzip_bytes (corrupt_tar);
    cases[G_N_ELEMENTS (cases) - 2].content = corrupt_tar;
    cases[G_N_ELEMENTS (cases) - 1].content = gz_corrupt_tar;
  }

  add_own_product (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_bytes (f, cases[i].name, cases[i].content);
      g_autofree char *message = assert_add_refused (f, &spec, path, OTA_ERROR_INVALID_FIELD, "file");

      g_assert_cmpstr (message, ==, cases[i].says);
    }
}

/* R-F8: real archives pass: zip (also empty, and as .apk), ustar and v7 tar, gzip,
 * tar.gz; a tar made by the tar program when it is installed. */
static void
test_file_real_archives_accepted (OtaTestFixture *f,
                                  gconstpointer   data)
{
  g_autoptr(GBytes) zip = build_zip ("fw.bin", "payload");
  g_autoptr(GBytes) empty_zip = g_bytes_new_static ("PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22);
  g_autoptr(GBytes) ustar = build_tar ("fw.bin", "payload", TRUE);
  g_autoptr(GBytes) v7 = build_tar ("fw.bin", "other payload", FALSE);
  g_autoptr(GBytes) gz = gzip_bytes (zip);
  g_autoptr(GBytes) tar_gz = gzip_bytes (ustar);
  struct {
    const char *name;
    GBytes     *content;
  } cases[] = {
    { "a.zip", zip }, { "b.apk", zip }, { "c.zip", empty_zip }, { "d.tar", ustar },
    { "e.tar", v7 }, { "f.gz", gz }, { "g.gzip", gz }, { "h.tar.gz", tar_gz },
    { "i.bin", gz },
  };
  g_autofree char *tar_program = g_find_program_in_path ("tar");

  add_own_product (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_bytes (f, cases[i].name, cases[i].content);
      g_autofree char *name = g_strdelimit (g_strdup (cases[i].name), ".", '_');
      OtaFirmwareSpec spec = good_spec (name);
      g_autoptr(OtaFirmware) firmware = add_firmware_ok (f, &spec, path);

      g_assert_cmpuint (ota_firmware_get_size (firmware), ==, g_bytes_get_size (cases[i].content));
    }

  if (tar_program != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *payload = write_bin (f, "payload.bin");
      g_autofree char *archive = g_build_filename (f->dir, "made.tar.gz", NULL);
      const char *argv[] = { tar_program, "-czf", archive, "-C", f->dir, "payload.bin", NULL };
      int status = -1;
      OtaFirmwareSpec spec = good_spec ("made_by_tar");
      g_autoptr(OtaFirmware) firmware = NULL;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      firmware = add_firmware_ok (f, &spec, archive);
    }
}

static char *
checksum_of_file (GChecksumType  type,
                  const char    *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (type, (const guchar *) contents, length);
}

/* R-F8: size and digest (md5 or sha256) are recorded; the stored file is identical. */
static void
test_file_digest_size_and_copy (OtaTestFixture *f,
                                gconstpointer   data)
{
  /* Several 1 MiB chunks and a partial one. */
  gsize length = 3 * 1024 * 1024 + 123;
  g_autofree guint8 *contents = g_malloc (length);
  g_autofree char *path = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *md5 = NULL;
  OtaSignAlgorithm algorithms[] = { OTA_SIGN_ALGORITHM_SHA256, OTA_SIGN_ALGORITHM_MD5 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < length; i++)
    contents[i] = g_rand_int (rand) & 0xff;
  path = ota_test_write_file (f, "random.bin", contents, length);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, contents, length);
  md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, contents, length);

  add_own_product (f);
  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    {
      OtaFirmwareSpec spec = good_spec (i == 0 ? "sha" : "md");
      g_autoptr(OtaFirmware) firmware = NULL;
      g_autoptr(GFile) stored = NULL;
      g_autofree char *stored_sha256 = NULL;
      g_autofree char *blob_name = NULL;

      spec.sign_algorithm = algorithms[i];
      firmware = add_firmware_ok (f, &spec, path);
      g_assert_cmpuint (ota_firmware_get_size (firmware), ==, length);
      g_assert_cmpint (ota_firmware_get_sign_algorithm (firmware), ==, algorithms[i]);
      g_assert_cmpstr (ota_firmware_get_digest (firmware), ==, i == 0 ? sha256 : md5);
      g_assert_cmpstr (ota_firmware_get_blob_sha256 (firmware), ==, sha256);
      g_assert_cmpstr (ota_firmware_get_file_name (firmware), ==, "random.bin");

      stored = ota_engine_get_firmware_file (f->engine, firmware);
      blob_name = g_file_get_basename (stored);
      g_assert_cmpstr (blob_name, ==, sha256);
      stored_sha256 = checksum_of_file (G_CHECKSUM_SHA256, g_file_peek_path (stored));
      g_assert_cmpstr (stored_sha256, ==, sha256);
    }

  /* Same content twice: one blob, nothing else in the folder. */
  {
    g_autofree char *blobs = list_blob_dir (f);
    g_assert_cmpstr (blobs, ==, sha256);
  }
}

/* R-F8: progress goes up to the size; hashing does not hold the store's lock, so other
 * operations go on meanwhile. */
typedef struct {
  OtaStore *store;
  guint64   last_done;
  guint64   last_total;
  guint     calls;
  gboolean  lock_was_free;
} ProgressData;

static gpointer
try_store_lock (gpointer data)
{
  GRecMutex *lock = ota_store_get_lock (data);

  if (!g_rec_mutex_trylock (lock))
    return GINT_TO_POINTER (FALSE);
  g_rec_mutex_unlock (lock);
  return GINT_TO_POINTER (TRUE);
}

static void
record_progress (guint64  done,
                 guint64  total,
                 gpointer user_data)
{
  ProgressData *progress = user_data;

  g_assert_cmpuint (done, >, progress->last_done);
  progress->last_done = done;
  progress->last_total = total;
  progress->calls++;

  if (progress->calls == 1)
    {
      /* The lock is recursive: only another thread can tell whether it is held. */
      GThread *thread = g_thread_new ("try-lock", try_store_lock, progress->store);
      progress->lock_was_free = GPOINTER_TO_INT (g_thread_join (thread));
    }
}

static void
test_file_progress_without_lock (OtaTestFixture *f,
                                 gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = make_sparse_file (f, "five.bin", 5 * 1024 * 1024 + 1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  OtaFirmwareSpec spec = good_spec ("five");
  ProgressData progress = { ota_engine_get_store (f->engine), 0, 0, 0, FALSE };
  g_autoptr(OtaFirmware) firmware = NULL;

  add_own_product (f);
  firmware = ota_engine_add_firmware (f->engine, &spec, file, NULL, record_progress, &progress, &error);
  g_assert_no_error (error);
  g_assert_nonnull (firmware);
  g_assert_cmpuint (progress.calls, ==, 6);
  g_assert_cmpuint (progress.last_done, ==, 5 * 1024 * 1024 + 1);
  g_assert_cmpuint (progress.last_total, ==, 5 * 1024 * 1024 + 1);
  g_assert_true (progress.lock_was_free);
}

/* R-F8: cancelling half-way fails with G_IO_ERROR_CANCELLED and leaves nothing. */
typedef struct {
  GCancellable *cancellable;
  guint64       cancelled_at;
} CancelData;

static void
cancel_half_way (guint64  done,
                 guint64  total,
                 gpointer user_data)
{
  CancelData *cancel = user_data;

  g_assert_cmpuint (cancel->cancelled_at, ==, 0);
  if (done >= total / 2)
    {
      cancel->cancelled_at = done;
      g_cancellable_cancel (cancel->cancellable);
    }
}

static void
test_file_cancel_half_way (OtaTestFixture *f,
                           gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = make_sparse_file (f, "eight.bin", 8 * 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OtaFirmwareSpec spec = good_spec ("eight");
  CancelData cancel = { cancellable, 0 };
  g_autofree char *db_before = NULL;
  g_autofree char *db_after = NULL;
  g_autofree char *blobs = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;

  add_own_product (f);
  db_before = ota_test_dump_store (f->engine);
  firmware = ota_engine_add_firmware (f->engine, &spec, file, cancellable, cancel_half_way, &cancel, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (firmware);
  g_assert_cmpuint (cancel.cancelled_at, ==, 4 * 1024 * 1024);

  db_after = ota_test_dump_store (f->engine);
  g_assert_cmpstr (db_before, ==, db_after);
  blobs = list_blob_dir (f);
  g_assert_cmpstr (blobs, ==, "");
}

/* ---- R-F9 description ----------------------------------------------------- */

/* R-F9: at most 100 characters, a Chinese character counting as one. */
static void
test_description_length (OtaTestFixture *f,
                         gconstpointer   data)
{
  g_autofree char *d100 = repeat ("述", 100);
  g_autofree char *d101 = repeat ("述", 101);
  OtaFirmwareSpec spec = good_spec ("fw");
  g_autofree char *path = write_bin (f, "fw.bin");
  g_autoptr(OtaFirmware) none = NULL;
  g_autoptr(OtaFirmware) full = NULL;

  add_own_product (f);
  none = add_firmware_ok (f, &spec, path);
  g_assert_cmpstr (ota_firmware_get_description (none), ==, "");

  spec.name = "fw100";
  spec.description = d100;
  full = add_firmware_ok (f, &spec, path);
  g_assert_cmpstr (ota_firmware_get_description (full), ==, d100);

  spec.name = "fw101";
  spec.description = d101;
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "description");

  /* Several lines are fine; other control characters are not. */
  spec.name = "lines";
  spec.description = "修复:\n- 蓝牙重连";
  assert_spec_accepted (f, &spec);
  spec.name = "bell";
  spec.description = "ding\a";
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "description");
}

/* R-F9: a description pasted from elsewhere keeps its tabs and CR LF line ends; other
 * control characters are still refused. */
static void
test_description_tabs_and_crlf (OtaTestFixture *f,
                                gconstpointer   data)
{
  OtaFirmwareSpec spec = good_spec ("pasted");
  g_autofree char *path = write_bin (f, "pasted.bin");
  g_autoptr(OtaFirmware) firmware = NULL;

  add_own_product (f);
  spec.description = "修复:\r\n\t- 蓝牙重连\r\n\t- Wi-Fi\tstability";
  firmware = add_firmware_ok (f, &spec, path);
  g_assert_cmpstr (ota_firmware_get_description (firmware), ==, spec.description);

  spec.name = "escape";
  spec.description = "colour \x1b[1m";
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "description");
  spec.name = "vtab";
  spec.description = "a\vb";
  assert_spec_refused (f, &spec, OTA_ERROR_INVALID_FIELD, "description");
}

/* ---- R-F10 status, reading back ------------------------------------------- */

/* R-F10: a new firmware is unverified; everything reads back after a restart; the list
 * is newest first. */
static void
test_status_unverified_and_read_back (OtaTestFixture *f,
                                      gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  const char * const sources[] = { "1.0", "1.1", NULL };
  OtaFirmwareSpec spec = good_spec ("第一");
  g_autofree char *path = write_bin (f, "fw.bin");
  g_autoptr(OtaFirmware) first = NULL;
  g_autoptr(OtaFirmware) second = NULL;
  g_autoptr(OtaFirmware) read = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(OtaFirmware) missing = NULL;

  add_own_product (f);
  spec.source_versions = sources;
  spec.module = "mcu";
  spec.description = "修复 bug";
  first = add_firmware_ok (f, &spec, path);
  g_assert_cmpint (ota_firmware_get_status (first), ==, OTA_FIRMWARE_STATUS_UNVERIFIED);
  g_assert_cmpint (ota_firmware_get_created_at (first), ==, OTA_TEST_EPOCH);

  ota_manual_clock_advance (f->clock, G_USEC_PER_SEC);
  spec.name = "second";
  second = add_firmware_ok (f, &spec, path);

  ota_test_fixture_reopen (f);
  read = ota_engine_get_firmware (f->engine, ota_firmware_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ota_firmware_get_product_key (read), ==, "own");
  g_assert_cmpstr (ota_firmware_get_name (read), ==, "第一");
  g_assert_cmpstr (ota_firmware_get_version (read), ==, "2.0.0");
  g_assert_cmpstrv (ota_firmware_get_source_versions (read), sources);
  g_assert_cmpstr (ota_firmware_get_module (read), ==, "mcu");
  g_assert_cmpstr (ota_firmware_get_description (read), ==, "修复 bug");
  g_assert_cmpint (ota_firmware_get_status (read), ==, OTA_FIRMWARE_STATUS_UNVERIFIED);
  g_assert_null (ota_firmware_get_signature (read));
  g_assert_cmpstr (ota_firmware_get_digest (read), ==, ota_firmware_get_digest (first));

  list = ota_engine_list_firmwares (f->engine, "own", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (ota_firmware_get_name (g_ptr_array_index (list, 0)), ==, "second");
  g_assert_cmpstr (ota_firmware_get_name (g_ptr_array_index (list, 1)), ==, "第一");

  missing = ota_engine_get_firmware (f->engine, 999, &error);
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);
  g_assert_null (ota_engine_list_firmwares (f->engine, "nope", &error));
  g_assert_error (error, OTA_ERROR, OTA_ERROR_NOT_FOUND);
}

/* ---- Async ---------------------------------------------------------------- */

typedef struct {
  GMainLoop   *loop;
  OtaFirmware *firmware;
  GError      *error;
  guint64      progress_done;   /* written on the worker thread, read after it ended */
  GThread     *progress_thread;
} AsyncData;

static void
async_progress (guint64  done,
                guint64  total,
                gpointer user_data)
{
  AsyncData *async = user_data;

  async->progress_done = done;
  async->progress_thread = g_thread_self ();
}

static void
async_added (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *async = user_data;

  async->firmware = ota_engine_add_firmware_finish (OTA_ENGINE (source), result, &async->error);
  g_main_loop_quit (async->loop);
}

/* R-F8: the async add streams on a worker thread; the spec is copied. */
static void
test_async_add (OtaTestFixture *f,
                gconstpointer   data)
{
  g_autofree char *path = make_sparse_file (f, "async.bin", 3 * 1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncData async = { loop, NULL, NULL, 0, NULL };
  g_autofree char *name = g_strdup ("async");
  g_autofree char *version = g_strdup ("2.0.0");
  char *sources[] = { g_strdup ("1.0"), NULL };
  OtaFirmwareSpec spec = good_spec (name);

  add_own_product (f);
  spec.version = version;
  spec.source_versions = (const char * const *) sources;
  ota_engine_add_firmware_async (f->engine, &spec, file, NULL, async_progress, &async, async_added, &async);

  /* The caller's strings may go away at once. */
  strcpy (name, "XXXXX");
  strcpy (version, "XXXXX");
  g_free (sources[0]);
  sources[0] = NULL;

  g_main_loop_run (loop);
  g_assert_no_error (async.error);
  g_assert_nonnull (async.firmware);
  g_assert_cmpstr (ota_firmware_get_name (async.firmware), ==, "async");
  g_assert_cmpstr (ota_firmware_get_version (async.firmware), ==, "2.0.0");
  g_assert_cmpstr (ota_firmware_get_source_versions (async.firmware)[0], ==, "1.0");
  g_assert_cmpuint (ota_firmware_get_size (async.firmware), ==, 3 * 1024 * 1024);
  g_assert_cmpuint (async.progress_done, ==, 3 * 1024 * 1024);
  g_assert_true (async.progress_thread != g_thread_self ());
  g_object_unref (async.firmware);
}

/* R-F8: the async add reports refusals and cancellation through _finish. */
static void
test_async_cancelled (OtaTestFixture *f,
                      gconstpointer   data)
{
  g_autofree char *path = write_bin (f, "fw.bin");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncData async = { loop, NULL, NULL, 0, NULL };
  OtaFirmwareSpec spec = good_spec ("fw");
  g_autofree char *blobs = NULL;

  add_own_product (f);
  g_cancellable_cancel (cancellable);
  ota_engine_add_firmware_async (f->engine, &spec, file, cancellable, NULL, NULL, async_added, &async);
  g_main_loop_run (loop);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (async.firmware);
  g_clear_error (&async.error);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM firmwares"), ==, 0);
  blobs = list_blob_dir (f);
  g_assert_cmpstr (blobs, ==, "");

  spec.name = "bad!";
  ota_engine_add_firmware_async (f->engine, &spec, file, NULL, NULL, NULL, async_added, &async);
  g_main_loop_run (loop);
  g_assert_error (async.error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
  g_clear_error (&async.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, OtaTestFixture, NULL, ota_test_fixture_setup, func, ota_test_fixture_teardown)

  ADD ("/firmware/R-F1/full-and-diff-accepted", test_type_full_and_diff);
  ADD ("/firmware/R-F1/tmall-genie-full-only", test_type_tmall_full_only);
  ADD ("/firmware/R-F2/name-40-chinese-chars-accepted", test_name_40_chars_accepted);
  ADD ("/firmware/R-F2/name-41-chinese-chars-refused", test_name_41_chars_refused);
  ADD ("/firmware/R-F2/name-allowed-characters", test_name_allowed_characters);
  ADD ("/firmware/R-F2/decomposed-kana-normalised-to-NFC", test_name_decomposed_kana_normalised);
  ADD ("/firmware/R-F2/name-forbidden-characters-refused", test_name_forbidden_characters_refused);
  ADD ("/firmware/R-F2/name-unique-per-product", test_name_unique_per_product);
  ADD ("/firmware/R-F2/name-taken-while-hashing-refused", test_name_taken_while_hashing);
  ADD ("/firmware/R-F3/product-must-exist", test_product_must_exist);
  ADD ("/firmware/R-F4/version-64-chars-and-characters", test_version_length_and_characters);
  ADD ("/firmware/R-F5/full-needs-a-source-version", test_sources_full_needs_one);
  ADD ("/firmware/R-F5/diff-exactly-one-source-version", test_sources_diff_exactly_one);
  ADD ("/firmware/R-F5/source-versions-checked", test_sources_checked);
  ADD ("/firmware/R-F5/duplicates-dropped-order-kept", test_sources_deduplicated_in_order);
  ADD ("/firmware/R-F6/module-default-64-chars-and-characters", test_module_rules);
  ADD ("/firmware/R-F6/tmall-genie-module-default-only", test_module_tmall_default_only);
  ADD ("/firmware/R-F7/sign-algorithm-matrix", test_sign_algorithm_matrix);
  ADD ("/firmware/R-F8/size-1048576000-accepted", test_file_max_size_accepted);
  ADD ("/firmware/R-F8/size-1048576001-refused", test_file_over_max_size_refused);
  ADD ("/firmware/R-F8/growing-past-limit-while-read-refused", test_file_growing_past_max_refused);
  ADD ("/firmware/R-F8/empty-file-refused", test_file_empty_refused);
  ADD ("/firmware/R-F8/extensions-any-case", test_file_extensions);
  ADD ("/firmware/R-F8/content-contradicting-extension-refused", test_file_content_contradicts_extension);
  ADD ("/firmware/R-F8/real-archives-accepted", test_file_real_archives_accepted);
  ADD ("/firmware/R-F8/digest-size-and-stored-copy", test_file_digest_size_and_copy);
  ADD ("/firmware/R-F8/progress-without-store-lock", test_file_progress_without_lock);
  ADD ("/firmware/R-F8/cancel-half-way-leaves-nothing", test_file_cancel_half_way);
  ADD ("/firmware/R-F8/failed-record-removes-new-blob-only", test_failed_record_removes_new_blob);
  ADD ("/firmware/R-F8/orphan-blob-removed-at-open", test_orphan_blob_removed_at_open);
  ADD ("/firmware/R-F9/description-100-chinese-chars", test_description_length);
  ADD ("/firmware/R-F9/description-tabs-and-crlf-allowed", test_description_tabs_and_crlf);
  ADD ("/firmware/R-F10/status-unverified-and-read-back", test_status_unverified_and_read_back);
  ADD ("/firmware/R-F8/async-add", test_async_add);
  ADD ("/firmware/R-F8/async-cancelled-and-refused", test_async_cancelled);

  return g_test_run ();
}
