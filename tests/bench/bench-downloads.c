/* bench-downloads.c — 100 concurrent firmware downloads from ota-server against a plain
 * static file server
 *
 * A 100 MB firmware (pseudo-random bytes) is added to the engine; the real ota-server
 * binary serves it from its signed download URL (HTTP on 127.0.0.1, no token), and
 * Python's static file server (`python3 -m http.server`, threaded) serves the very same
 * blob file from the blob folder. Each run starts 100 `curl` processes at once against
 * one of the two and times them until the last one exits; the runs alternate, three
 * each, after one checked download from each (the bytes compared with the source; the
 * page cache is warm for both). Every transfer must answer 200 with the whole file.
 *
 * Target (issue 6): the aggregate throughput of ota-server at least half the static
 * server's (median of the runs). The CPU time of each server process during its runs
 * is printed too. Exits 1 when the target is missed.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bench-util.h"
#include "ota-server.h"

#define FILE_SIZE G_GUINT64_CONSTANT (100000000)
#define N_DOWNLOADS 100
#define RUNS 3
#define MAX_RATIO 2.0
#define CHUNK (1024 * 1024)

/* Pseudo-random bytes (xorshift64*): incompressible. */
static void
write_random_file (const char *path)
{
  g_autofree guint64 *buffer = g_malloc (CHUNK);
  guint64 state = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  FILE *out = fopen (path, "wb");

  g_assert_nonnull (out);
  for (guint64 written = 0; written < FILE_SIZE; )
    {
      gsize length = (gsize) MIN ((guint64) CHUNK, FILE_SIZE - written);

      for (gsize i = 0; i < CHUNK / sizeof (guint64); i++)
        {
          state ^= state >> 12;
          state ^= state << 25;
          state ^= state >> 27;
          buffer[i] = state * G_GUINT64_CONSTANT (0x2545f4914f6cdd1d);
        }
      g_assert_cmpuint (fwrite (buffer, 1, length, out), ==, length);
      written += length;
    }
  g_assert_cmpint (fclose (out), ==, 0);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static guint16
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return connection != NULL;
}

/* `python3 -m http.server` on @dir: a threaded static file server (one thread per
 * connection, the file copied in 64 KiB reads and writes). */
static GSubprocess *
start_static_server (const char *dir,
                     guint16    *port)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  GSubprocess *server;

  *port = free_port ();
  port_text = g_strdup_printf ("%u", *port);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, "python3", "-m", "http.server", port_text,
                                        "--bind", "127.0.0.1", "--directory", dir, NULL);
  g_assert_no_error (error);

  for (guint i = 0; !accepts (*port); i++)
    {
      g_assert_cmpuint (i, <, 500);
      g_assert_nonnull (g_subprocess_get_identifier (server));
      g_usleep (10 * 1000);
    }
  return server;
}

/* User + system CPU seconds of a child process so far (/proc/PID/stat). */
static double
process_cpu_seconds (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (process));
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after_name = strrchr (stat, ')')) == NULL)
    return -1;
  /* After "pid (comm)": state is field 3; utime and stime are fields 14 and 15. */
  fields = g_strsplit (after_name + 2, " ", 0);
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* One checked download with curl: the file must come back byte for byte. */
static void
check_download (const char *url,
                const char *dir,
                GBytes     *expected)
{
  g_autofree char *path = g_build_filename (dir, "check.bin", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  int status = 0;
  const char *argv[] = { "curl", "-sS", "--fail", "-o", path, url, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, g_bytes_get_size (expected));
  g_assert_true (memcmp (contents, g_bytes_get_data (expected, NULL), length) == 0);
  g_remove (path);
}

/* N_DOWNLOADS curl processes at once; seconds until the last exits. Each must report
 * status 200 and the whole file. */
static double
run_downloads (const char *url)
{
  GSubprocess *curls[N_DOWNLOADS];
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (guint i = 0; i < N_DOWNLOADS; i++)
    {
      g_autoptr(GError) error = NULL;

      curls[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "curl", "-sS", "-o", "/dev/null",
                                   "-w", "%{http_code} %{size_download}", url, NULL);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < N_DOWNLOADS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *expected = g_strdup_printf ("200 %" G_GUINT64_FORMAT, FILE_SIZE);

      g_subprocess_communicate_utf8 (curls[i], NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_successful (curls[i]));
      g_assert_cmpstr (out, ==, expected);
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  for (guint i = 0; i < N_DOWNLOADS; i++)
    g_object_unref (curls[i]);
  return seconds;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-bench-downloads-XXXXXX", &error);
  g_autofree char *source = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *blob_path = NULL;
  g_autofree char *blob_dir = NULL;
  g_autofree char *blob_name = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *static_url = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaServer) signer = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GFile) source_file = NULL;
  g_autoptr(GFile) blob = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) static_server = NULL;
  g_autoptr(GBytes) expected = NULL;
  const char * const sources[] = { "1.0", NULL };
  OtaProductSpec product_spec = { .key = "bench", .name = "Bench", .project_type = OTA_PROJECT_TYPE_OWN_BRAND };
  OtaFirmwareSpec spec = {
    .product_key = "bench",
    .name = "bench",
    .type = OTA_FIRMWARE_TYPE_FULL,
    .version = "2.0",
    .source_versions = sources,
    .sign_algorithm = OTA_SIGN_ALGORITHM_SHA256,
  };
  double server_s[RUNS], static_s[RUNS], server_cpu = 0, static_cpu = 0;
  double server_rate, static_rate, ratio;
  guint port = 0;
  guint16 static_port = 0;
  gboolean ok;

  g_assert_no_error (error);
  source = g_build_filename (dir, "firmware.bin", NULL);
  db_path = g_build_filename (dir, "ota.db", NULL);
  write_random_file (source);

  engine = ota_engine_new (db_path, NULL, &error);
  g_assert_no_error (error);
  product = ota_engine_add_product (engine, &product_spec, &error);
  g_assert_no_error (error);
  source_file = g_file_new_for_path (source);
  firmware = ota_engine_add_firmware (engine, &spec, source_file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  blob = ota_engine_get_firmware_file (engine, firmware);
  blob_path = g_file_get_path (blob);
  blob_dir = g_path_get_dirname (blob_path);
  blob_name = g_path_get_basename (blob_path);

  /* The download key ("server.key" beside the database) is made here, so this process
   * can sign the URL that the server process accepts. */
  signer = ota_server_new (engine, &error);
  g_assert_no_error (error);
  server = bench_start_server (db_path, &port);
  server_url = ota_server_make_download_url (signer, firmware, "127.0.0.1", port, G_TIME_SPAN_HOUR);
  static_server = start_static_server (blob_dir, &static_port);
  static_url = g_strdup_printf ("http://127.0.0.1:%u/%s", static_port, blob_name);

  {
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_file_get_contents (source, &contents, &length, &error);
    g_assert_no_error (error);
    expected = g_bytes_new_take (g_steal_pointer (&contents), length);
  }
  check_download (server_url, dir, expected);
  check_download (static_url, dir, expected);
  g_clear_pointer (&expected, g_bytes_unref);

  /* The load before the runs: during them it counts the 100 curl processes too. */
  g_print ("# %d concurrent curl downloads of %" G_GUINT64_FORMAT " bytes, load %.2f; ota-server: %s\n",
           N_DOWNLOADS, FILE_SIZE, bench_load_average (), server_url);
  for (guint r = 0; r < RUNS; r++)
    {
      double cpu = process_cpu_seconds (static_server);

      static_s[r] = run_downloads (static_url);
      cpu = process_cpu_seconds (static_server) - cpu;
      static_cpu += cpu;
      g_print ("# run %u: static server %.2f s (%.0f MB/s, server CPU %.2f s)\n", r + 1, static_s[r],
               N_DOWNLOADS * FILE_SIZE / 1e6 / static_s[r], cpu);

      cpu = process_cpu_seconds (server);
      server_s[r] = run_downloads (server_url);
      cpu = process_cpu_seconds (server) - cpu;
      server_cpu += cpu;
      g_print ("# run %u: ota-server    %.2f s (%.0f MB/s, server CPU %.2f s)\n", r + 1, server_s[r],
               N_DOWNLOADS * FILE_SIZE / 1e6 / server_s[r], cpu);
    }

  server_rate = N_DOWNLOADS * FILE_SIZE / 1e6 / bench_median (server_s, RUNS);
  static_rate = N_DOWNLOADS * FILE_SIZE / 1e6 / bench_median (static_s, RUNS);
  ratio = static_rate / server_rate;
  ok = ratio <= MAX_RATIO;
  g_print ("%s downloads: ota-server %.0f MB/s (CPU %.2f s per run), static server %.0f MB/s "
           "(CPU %.2f s per run): the static server is %.2f x as fast (limit %.1f x)\n",
           ok ? "PASS" : "FAIL", server_rate, server_cpu / RUNS, static_rate, static_cpu / RUNS,
           ratio, MAX_RATIO);

  g_subprocess_send_signal (static_server, SIGTERM);
  g_subprocess_wait (static_server, NULL, NULL);
  bench_stop_server (g_steal_pointer (&server));
  g_clear_object (&signer);
  g_clear_object (&engine);
  bench_remove_dir (dir);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
