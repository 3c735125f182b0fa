/* ota-blob-store.c — streaming a firmware file into the blob folder while hashing it */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <unistd.h>

#include "ota-blob-store.h"
#include "ota-error.h"
#include "ota-validate.h"

/* Big enough that per-call costs vanish, small enough to stay out of the RSS budget. */
#define CHUNK_SIZE (1024 * 1024)

/* A blob no firmware refers to is removed only once it is this old: slack for any
 * writer that publishes outside the write lock (an older release). */
#define ORPHAN_MIN_AGE_SECONDS (60 * 60)

struct _OtaBlobUpload
{
  char    *blob_dir;
  char    *temp_path;   /* NULL once published */
  int      temp_fd;     /* open and flock()ed until published or freed: a live upload */
  guint64  size;
  char    *sha256;
  char    *digest;
  GBytes  *raw_digest;
};

static void
hash_discard (gnutls_hash_hd_t hash)
{
  gnutls_hash_deinit (hash, NULL);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_hash_hd_t, hash_discard, NULL)

void
ota_blob_upload_free (OtaBlobUpload *self)
{
  if (self == NULL)
    return;

  if (self->temp_path != NULL)
    g_unlink (self->temp_path);
  if (self->temp_fd >= 0)
    close (self->temp_fd);

  g_free (self->blob_dir);
  g_free (self->temp_path);
  g_free (self->sha256);
  g_free (self->digest);
  g_clear_pointer (&self->raw_digest, g_bytes_unref);
  g_free (self);
}

static gboolean set_errno_error (GError     **error,
                                 int          saved_errno,
                                 const char  *format,
                                 ...) G_GNUC_PRINTF (3, 4);

/* Capture errno before calling: _() may change it. */
static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *format,
                 ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, OTA_ERROR, OTA_ERROR_IO, "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

/* Errors reading the source name the "file" field; a cancel stays G_IO_ERROR_CANCELLED. */
static gboolean
propagate_read_error (GError **error,
                      GError  *local_error)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local_error);
  else
    {
      ota_error_set_field (error, OTA_ERROR_IO, "file",
                           _("Cannot read the firmware file: %s"), local_error->message);
      g_error_free (local_error);
    }
  return FALSE;
}

static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          length,
           const char    *path,
           GError       **error)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          return set_errno_error (error, saved_errno, _("Cannot write %s"), path);
        }
      data += written;
      length -= (gsize) written;
    }

  return TRUE;
}

static gboolean
sync_dir (const char  *dir,
          GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved_errno = errno;

  if (fd < 0)
    return set_errno_error (error, saved_errno, _("Cannot open the folder %s"), dir);

  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      return set_errno_error (error, saved_errno, _("Cannot sync the folder %s"), dir);
    }

  close (fd);
  return TRUE;
}

static void
finish_hash (gnutls_hash_hd_t            *hash,
             gnutls_digest_algorithm_t    algorithm,
             GBytes                     **raw,
             char                       **hex)
{
  guint length = gnutls_hash_get_len (algorithm);
  g_autofree guint8 *out = g_malloc (length);
  GString *text = g_string_sized_new (length * 2);

  gnutls_hash_deinit (g_steal_pointer (hash), out);
  for (guint i = 0; i < length; i++)
    g_string_append_printf (text, "%02x", out[i]);

  *hex = g_string_free (text, FALSE);
  if (raw != NULL)
    *raw = g_bytes_new_take (g_steal_pointer (&out), length);
}

static gboolean
hash_init (gnutls_hash_hd_t          *hash,
           gnutls_digest_algorithm_t  algorithm,
           GError                   **error)
{
  int rc = gnutls_hash_init (hash, algorithm);

  if (rc < 0)
    {
      *hash = NULL;
      g_set_error (error, OTA_ERROR, OTA_ERROR_CRYPTO, _("Cannot hash the firmware: %s"),
                   gnutls_strerror (rc));
      return FALSE;
    }

  return TRUE;
}

/* Copies @in to @fd, hashing each chunk; the first chunk goes to @check_head first. */
static gboolean
copy_stream (OtaBlobUpload     *self,
             GInputStream      *in,
             int                fd,
             guint64            total,
             gnutls_hash_hd_t   sha256,
             gnutls_hash_hd_t   other,
             OtaBlobHeadFunc    check_head,
             gpointer           check_data,
             GCancellable      *cancellable,
             OtaProgressFunc    progress,
             gpointer           progress_data,
             GError           **error)
{
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  GError *local_error = NULL;

  for (;;)
    {
      /* Never read more than one byte past the limit, even if the file keeps growing. */
      gsize want = (gsize) MIN ((guint64) CHUNK_SIZE, OTA_FIRMWARE_MAX_SIZE + 1 - self->size);
      gsize got = 0;

      if (!g_input_stream_read_all (in, buffer, want, &got, cancellable, &local_error))
        return propagate_read_error (error, local_error);
      if (got == 0)
        return TRUE;

      if (self->size == 0 && check_head != NULL && !check_head (buffer, got, check_data, error))
        return FALSE;

      self->size += got;
      if (self->size > OTA_FIRMWARE_MAX_SIZE)
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                               _("Firmware file must be at most 1,000 MB (1,048,576,000 bytes); "
                                 "it grew beyond that while it was read"));
          return FALSE;
        }

      gnutls_hash (sha256, buffer, got);
      if (other != NULL)
        gnutls_hash (other, buffer, got);

      if (!write_all (fd, buffer, got, self->temp_path, error))
        return FALSE;

      if (progress != NULL)
        progress (self->size, MAX (total, self->size), progress_data);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
}

/**
 * ota_blob_upload_new:
 *
 * Returns: (transfer full): the streamed, synced temporary file, or %NULL with @error set
 */
OtaBlobUpload *
ota_blob_upload_new (OtaStore          *store,
                     GFile             *source,
                     OtaSignAlgorithm   algorithm,
                     OtaBlobHeadFunc    check_head,
                     gpointer           check_data,
                     GCancellable      *cancellable,
                     OtaProgressFunc    progress,
                     gpointer           progress_data,
                     GError           **error)
{
  g_autoptr(OtaBlobUpload) self = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_auto(gnutls_hash_hd_t) sha256 = NULL;
  g_auto(gnutls_hash_hd_t) md5 = NULL;
  GError *local_error = NULL;
  guint64 total = 0;
  gboolean copied;
  int saved_errno;
  int fd;

  g_return_val_if_fail (OTA_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (source), NULL);

  in = g_file_read (source, cancellable, &local_error);
  if (in == NULL)
    {
      propagate_read_error (error, local_error);
      return NULL;
    }

  /* Only for the progress total: the size limit is enforced on what is really read. */
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    total = (guint64) g_file_info_get_size (info);

  if (!hash_init (&sha256, GNUTLS_DIG_SHA256, error) ||
      (algorithm == OTA_SIGN_ALGORITHM_MD5 && !hash_init (&md5, GNUTLS_DIG_MD5, error)))
    return NULL;

  self = g_new0 (OtaBlobUpload, 1);
  self->temp_fd = -1;
  self->blob_dir = g_strdup (ota_store_get_blob_dir (store));
  self->temp_path = g_build_filename (self->blob_dir, ".upload-XXXXXX", NULL);

  /* g_mkstemp_full opens with O_CREAT | O_EXCL: never someone else's file. */
  fd = g_mkstemp_full (self->temp_path, O_WRONLY | O_CLOEXEC, 0600);
  saved_errno = errno;
  if (fd < 0)
    {
      set_errno_error (error, saved_errno, _("Cannot create a file in %s"), self->blob_dir);
      g_clear_pointer (&self->temp_path, g_free);
      return NULL;
    }

  /* The lock tells ota_blob_store_remove_stale_uploads() this upload is alive. */
  self->temp_fd = fd;
  flock (fd, LOCK_EX);

  copied = copy_stream (self, G_INPUT_STREAM (in), fd, total, sha256, md5, check_head, check_data,
                        cancellable, progress, progress_data, error);

  if (copied && fsync (fd) != 0)
    {
      saved_errno = errno;
      copied = set_errno_error (error, saved_errno, _("Cannot write %s"), self->temp_path);
    }
  if (!copied)
    return NULL;

  if (!ota_validate_firmware_size (self->size, error))
    return NULL;

  finish_hash (&sha256, GNUTLS_DIG_SHA256,
               algorithm == OTA_SIGN_ALGORITHM_SHA256 ? &self->raw_digest : NULL, &self->sha256);
  if (md5 != NULL)
    finish_hash (&md5, GNUTLS_DIG_MD5, &self->raw_digest, &self->digest);
  else
    self->digest = g_strdup (self->sha256);

  return g_steal_pointer (&self);
}

guint64
ota_blob_upload_get_size (OtaBlobUpload *self)
{
  return self->size;
}

const char *
ota_blob_upload_get_sha256 (OtaBlobUpload *self)
{
  return self->sha256;
}

const char *
ota_blob_upload_get_digest (OtaBlobUpload *self)
{
  return self->digest;
}

GBytes *
ota_blob_upload_get_raw_digest (OtaBlobUpload *self)
{
  return self->raw_digest;
}

gboolean
ota_blob_upload_publish (OtaBlobUpload  *self,
                         gboolean       *created,
                         GError        **error)
{
  g_autofree char *final_path = NULL;
  gboolean exists;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->temp_path != NULL, FALSE);

  final_path = g_build_filename (self->blob_dir, self->sha256, NULL);
  exists = g_file_test (final_path, G_FILE_TEST_EXISTS);

  if (exists)
    g_unlink (self->temp_path);
  else if (g_rename (self->temp_path, final_path) != 0)
    {
      int saved_errno = errno;
      return set_errno_error (error, saved_errno, _("Cannot store %s"), final_path);
    }

  g_clear_pointer (&self->temp_path, g_free);
  close (self->temp_fd);
  self->temp_fd = -1;

  if (created != NULL)
    *created = !exists;

  return exists || sync_dir (self->blob_dir, error);
}

char *
ota_blob_store_dup_path (OtaStore   *store,
                         const char *sha256)
{
  g_return_val_if_fail (OTA_IS_STORE (store), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  return g_build_filename (ota_store_get_blob_dir (store), sha256, NULL);
}

gboolean
ota_blob_store_remove (OtaStore    *store,
                       const char  *sha256,
                       GError     **error)
{
  g_autofree char *path = ota_blob_store_dup_path (store, sha256);

  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return TRUE;
      return set_errno_error (error, saved_errno, _("Cannot remove %s"), path);
    }

  return sync_dir (ota_store_get_blob_dir (store), error);
}

/**
 * ota_blob_store_remove_stale_uploads:
 *
 * Removes temporary files that a killed process left in the blob folder. A live upload
 * holds a lock on its file, so only the files nobody holds are removed.
 */
void
ota_blob_store_remove_stale_uploads (const char *blob_dir)
{
  g_autoptr(GDir) dir = g_dir_open (blob_dir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      int fd;

      if (!g_str_has_prefix (name, ".upload-"))
        continue;

      path = g_build_filename (blob_dir, name, NULL);
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0)
        continue;

      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        {
          g_debug ("Removing the stale upload %s", path);
          g_unlink (path);
        }
      close (fd);
    }
}

/* Only names the blob store gives: anything else in the folder is not ours to remove. */
static gboolean
is_blob_name (const char *name)
{
  if (strlen (name) != 64)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;

  return TRUE;
}

/* The blob names firmware rows refer to, or NULL when the database cannot say. */
static GHashTable *
list_referenced (OtaStore *store)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(OtaCachedStmt) stmt =
    ota_store_prepare (store, "SELECT DISTINCT blob_sha256 FROM firmwares", &local_error);
  int rc;

  if (stmt == NULL)
    {
      g_debug ("Cannot list the firmware files in use: %s", local_error->message);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      g_debug ("Cannot list the firmware files in use: %s",
               sqlite3_errmsg (ota_store_get_db (store)));
      return NULL;
    }

  return g_steal_pointer (&names);
}

/* Blob files not in @referenced whose last write is older than ORPHAN_MIN_AGE_SECONDS. */
static GPtrArray *
find_orphans (const char *blob_dir,
              GHashTable *referenced)
{
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (blob_dir, 0, NULL);
  /* File times come from the system's clock, not the engine's (which may be manual). */
  gint64 cutoff = g_get_real_time () / G_USEC_PER_SEC - ORPHAN_MIN_AGE_SECONDS;
  const char *name;

  if (dir == NULL)
    return g_steal_pointer (&orphans);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!is_blob_name (name) || g_hash_table_contains (referenced, name))
        continue;

      path = g_build_filename (blob_dir, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && (gint64) st.st_mtime <= cutoff)
        g_ptr_array_add (orphans, g_strdup (name));
    }

  return g_steal_pointer (&orphans);
}

/**
 * ota_blob_store_remove_orphans:
 *
 * Removes old blob files no firmware refers to: a crash between a blob's rename and its
 * firmware's commit leaves one.
 */
void
ota_blob_store_remove_orphans (OtaStore *store)
{
  const char *blob_dir = ota_store_get_blob_dir (store);
  g_autoptr(GHashTable) referenced = NULL;
  g_autoptr(GPtrArray) orphans = NULL;
  g_autoptr(OtaTransaction) tx = NULL;
  g_autoptr(GError) local_error = NULL;
  guint removed = 0;

  g_return_if_fail (OTA_IS_STORE (store));

  /* A first look without the write lock: there is nearly always nothing to remove, and
   * then opening never waits for another process's transaction. */
  referenced = list_referenced (store);
  if (referenced == NULL)
    return;
  orphans = find_orphans (blob_dir, referenced);
  if (orphans->len == 0)
    return;

  /* Every publish happens inside the write transaction that records its firmware, so
   * while this one holds the write lock no process has a blob between its rename and
   * its row's commit. Look again under it: another may have come to use one since. */
  tx = ota_transaction_begin (store, &local_error);
  if (tx == NULL)
    {
      g_debug ("Not removing unused firmware files now: %s", local_error->message);
      return;
    }

  g_clear_pointer (&referenced, g_hash_table_unref);
  referenced = list_referenced (store);
  if (referenced == NULL)
    return;

  for (guint i = 0; i < orphans->len; i++)
    {
      const char *name = g_ptr_array_index (orphans, i);
      g_autofree char *path = NULL;

      if (g_hash_table_contains (referenced, name))
        continue;

      path = g_build_filename (blob_dir, name, NULL);
      if (g_unlink (path) == 0)
        {
          g_debug ("Removed the unused firmware file %s", path);
          removed++;
        }
      else
        {
          int saved_errno = errno;

          if (saved_errno != ENOENT)
            g_warning ("Cannot remove the unused firmware file %s: %s", path,
                       g_strerror (saved_errno));
        }
    }

  if (removed > 0 && !sync_dir (blob_dir, &local_error))
    g_warning ("%s", local_error->message);
}
