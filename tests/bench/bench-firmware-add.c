/* bench-firmware-add.c — adding a 1 GB firmware against `sha256sum` + `cp` (R-F8)
 *
 * Adding a firmware reads the file once, hashing and copying in the same pass, so it
 * should cost no more than hashing it and copying it with the standard tools: the
 * benchmark fails when it takes more than 1.5 times as long, or when the add's peak
 * resident memory exceeds 50 MB (the file must be streamed, never held in memory).
 */
#include <glib/gstdio.h>
#include <ota.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define FILE_SIZE G_GUINT64_CONSTANT (1000000000)
#define CHUNK (1024 * 1024)
#define MAX_RATIO 1.5
#define MAX_RSS_MB 50.0

/* Pseudo-random bytes (xorshift64*): incompressible, and fast enough to write 1 GB. */
static void
write_random_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint64 *buffer = g_malloc (CHUNK);
  guint64 state = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  FILE *out = fopen (path, "wb");

  if (out == NULL)
    g_error ("Cannot create %s", path);

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
      if (fwrite (buffer, 1, length, out) != length)
        g_error ("Cannot write %s", path);
      written += length;
    }

  if (fclose (out) != 0)
    g_error ("Cannot write %s", path);
}

static double
run_program (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", argv[0], error->message);

  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* VmHWM: this process image's peak RSS. Linux keeps ru_maxrss across execve(), so
 * ru_maxrss also counts the launcher (meson's Python is ~28 MB); VmHWM does not. */
static double
peak_rss_of_image_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return -1;

  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_remove (path);
}

/* User + system seconds of @usage. */
static double
cpu_seconds (const struct rusage *usage)
{
  return (double) usage->ru_utime.tv_sec + usage->ru_utime.tv_usec / 1e6 +
         (double) usage->ru_stime.tv_sec + usage->ru_stime.tv_usec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ota-bench-XXXXXX", &error);
  g_autofree char *source = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(OtaProduct) product = NULL;
  g_autoptr(OtaFirmware) firmware = NULL;
  g_autoptr(GFile) file = NULL;
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
  double sha256sum_s, cp_s, baseline_s, add_s, add_cpu, ratio, rss_mb, rss_before_mb, image_rss_mb;
  struct rusage usage;
  gint64 start;
  gboolean ok;

  if (dir == NULL)
    g_error ("%s", error->message);

  source = g_build_filename (dir, "firmware.bin", NULL);
  copy = g_build_filename (dir, "copy.bin", NULL);
  db_path = g_build_filename (dir, "ota.db", NULL);

  printf ("# writing %" G_GUINT64_FORMAT " bytes of pseudo-random data to %s\n", FILE_SIZE, source);
  write_random_file (source);

  {
    const char *sha_argv[] = { "sha256sum", source, NULL };
    const char *cp_argv[] = { "cp", source, copy, NULL };

    sha256sum_s = run_program (sha_argv);
    cp_s = run_program (cp_argv);
    g_remove (copy);
  }
  baseline_s = sha256sum_s + cp_s;

  engine = ota_engine_new (db_path, NULL, &error);
  if (engine == NULL)
    g_error ("%s", error->message);
  product = ota_engine_add_product (engine, &product_spec, &error);
  if (product == NULL)
    g_error ("%s", error->message);

  file = g_file_new_for_path (source);
  getrusage (RUSAGE_SELF, &usage);
  rss_before_mb = usage.ru_maxrss / 1024.0;
  /* CPU time too: on a shared machine wall time also counts other processes' work. */
  add_cpu = -cpu_seconds (&usage);
  start = g_get_monotonic_time ();
  firmware = ota_engine_add_firmware (engine, &spec, file, NULL, NULL, NULL, &error);
  add_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (firmware == NULL)
    g_error ("%s", error->message);

  getrusage (RUSAGE_SELF, &usage);
  add_cpu += cpu_seconds (&usage);
  rss_mb = usage.ru_maxrss / 1024.0;   /* ru_maxrss is in KiB on Linux */
  image_rss_mb = peak_rss_of_image_mb ();
  ratio = add_s / baseline_s;
  ok = ratio <= MAX_RATIO && (image_rss_mb >= 0 ? image_rss_mb : rss_mb) <= MAX_RSS_MB;

  printf ("sha256sum: %.2f s\n", sha256sum_s);
  printf ("cp: %.2f s\n", cp_s);
  printf ("sha256sum + cp: %.2f s\n", baseline_s);
  printf ("ota_engine_add_firmware (sha256): %.2f s (%.0f MB/s), CPU %.2f s\n", add_s, FILE_SIZE / 1e6 / add_s, add_cpu);
  printf ("ratio add / (sha256sum + cp): %.2f (limit %.1f)\n", ratio, MAX_RATIO);
  printf ("peak RSS (VmHWM) of the add: %.1f MB (limit %.0f MB)\n", image_rss_mb, MAX_RSS_MB);
  printf ("getrusage ru_maxrss: %.1f MB after the add, %.1f MB before it (includes the launcher)\n",
          rss_mb, rss_before_mb);
  printf ("digest: %s\n", ota_firmware_get_digest (firmware));
  printf ("%s\n", ok ? "PASS" : "FAIL");

  g_clear_object (&engine);
  remove_tree (dir);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
