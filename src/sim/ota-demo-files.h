/* ota-demo-files.h — small firmware files for the demo: a raw .bin image, a real .zip
 * archive and a real .tar.gz archive, deterministic for a given GRand state */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes a firmware of about @payload_size bytes to @path; the kind follows the file
 * name's extension (".bin", ".zip", ".tar.gz"). @version is written into the image. */
gboolean ota_demo_write_firmware_file (const char  *path,
                                       const char  *version,
                                       gsize        payload_size,
                                       GRand       *rand,
                                       GError     **error);

G_END_DECLS
