/* ota-blob-store.h — content-addressed firmware files (R-F8)
 *
 * Each firmware file is kept once, named by the SHA-256 of its content, in the store's
 * blob folder (ota_store_get_blob_dir()). Adding one is two steps:
 *
 *  1. ota_blob_upload_new() streams the source in 1 MiB chunks into a private temporary
 *     file in the blob folder, hashing while it copies, and syncs it to disk. This is
 *     the slow part; it takes no store lock.
 *  2. ota_blob_upload_publish() renames it to its final name. The engine calls it inside
 *     the transaction that records the firmware, so a concurrent add of the same content
 *     that fails can never remove a blob another firmware has just come to rely on.
 *
 * Freeing an upload that was not published removes its temporary file: nothing partial
 * is ever left behind.
 */
#pragma once

#include <gio/gio.h>

#include "ota-engine.h"
#include "ota-store.h"
#include "ota-types.h"

G_BEGIN_DECLS

typedef struct _OtaBlobUpload OtaBlobUpload;

/* Looks at the first chunk of the file (all of it when the file is shorter than a
 * chunk) before anything else is copied; returns FALSE with @error set to refuse it. */
typedef gboolean (*OtaBlobHeadFunc) (const guint8  *head,
                                     gsize          length,
                                     gpointer       user_data,
                                     GError       **error);

/* Streams @source into a temporary file of @store's blob folder. Fails (and leaves
 * nothing behind) when @source cannot be read, is empty or grows past
 * OTA_FIRMWARE_MAX_SIZE while it is read, when @check_head refuses it, or when
 * @cancellable is cancelled (G_IO_ERROR_CANCELLED). @progress is called after each
 * chunk, on the calling thread. */
OtaBlobUpload *ota_blob_upload_new            (OtaStore          *store,
                                               GFile             *source,
                                               OtaSignAlgorithm   algorithm,
                                               OtaBlobHeadFunc    check_head,
                                               gpointer           check_data,
                                               GCancellable      *cancellable,
                                               OtaProgressFunc    progress,
                                               gpointer           progress_data,
                                               GError           **error);
guint64        ota_blob_upload_get_size       (OtaBlobUpload     *self);
/* Lower-case hex SHA-256: the blob's name. */
const char    *ota_blob_upload_get_sha256     (OtaBlobUpload     *self);
/* Lower-case hex digest in the algorithm given to ota_blob_upload_new(). */
const char    *ota_blob_upload_get_digest     (OtaBlobUpload     *self);
/* The same digest as raw bytes (what secure upgrade signs, R-P3). */
GBytes        *ota_blob_upload_get_raw_digest (OtaBlobUpload     *self);
/* Moves the file to its final name and syncs the folder. When a blob of that content
 * exists already the temporary file is dropped and @created is FALSE. */
gboolean       ota_blob_upload_publish        (OtaBlobUpload     *self,
                                               gboolean          *created,
                                               GError           **error);
void           ota_blob_upload_free           (OtaBlobUpload     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtaBlobUpload, ota_blob_upload_free)

/* The path of the blob named @sha256 (it may not exist). Free with g_free(). */
char          *ota_blob_store_dup_path        (OtaStore          *store,
                                               const char        *sha256);
/* Removes a blob and syncs the folder; a missing blob is not an error. */
gboolean       ota_blob_store_remove          (OtaStore          *store,
                                               const char        *sha256,
                                               GError           **error);

/* Removes temporary files left by a process that was killed mid-upload (called when a
 * store is opened); uploads still running elsewhere are left alone. */
void           ota_blob_store_remove_stale_uploads (const char *blob_dir);
/* Removes blob files no firmware row refers to and last written over an hour ago (a
 * crash between a blob's publication and its firmware's commit leaves one). Called when
 * a store is opened, after the migrations. */
void           ota_blob_store_remove_orphans  (OtaStore          *store);

G_END_DECLS
