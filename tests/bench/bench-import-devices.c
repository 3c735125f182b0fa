/* bench-import-devices.c — imports 1,000,000 devices from CSV into a fresh database
 *
 * Target (R-DV1 at scale): under 5 s with a peak RSS under 200 MB, on 2 cores, with the
 * store's normal durability (WAL, synchronous=FULL). Prints seconds, rows per second
 * and peak RSS; exits 1 when a target is missed. Run with `meson test --benchmark` or
 * directly; an optional argument sets the number of rows (the targets then scale).
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <ota.h>

#define DEFAULT_ROWS 1000000
#define MAX_SECONDS_PER_MILLION 5.0
#define MAX_RSS_MB 200.0

static const char * const provinces[30][2] = {
  { "北京", "北京" }, { "天津", "天津" }, { "河北", "石家庄" }, { "山西", "太原" },
  { "内蒙古", "呼和浩特" }, { "辽宁", "沈阳" }, { "吉林", "长春" }, { "黑龙江", "哈尔滨" },
  { "上海", "上海" }, { "江苏", "南京" }, { "浙江", "杭州" }, { "安徽", "合肥" },
  { "福建", "福州" }, { "江西", "南昌" }, { "山东", "济南" }, { "河南", "郑州" },
  { "湖北", "武汉" }, { "湖南", "长沙" }, { "广东", "广州" }, { "广西", "南宁" },
  { "海南", "海口" }, { "重庆", "重庆" }, { "四川", "成都" }, { "贵州", "贵阳" },
  { "云南", "昆明" }, { "西藏", "拉萨" }, { "陕西", "西安" }, { "甘肃", "兰州" },
  { "青海", "西宁" }, { "宁夏", "银川" },
};

static const char * const products[3] = { "benchLamp", "benchPlug", "benchCam" };

/* Writes the CSV in 1 MiB pieces so the generator adds nothing to the peak RSS. */
static void
write_csv (const char *path,
           guint       rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_autoptr(GString) buf = g_string_sized_new (1 << 21);

  g_assert_no_error (error);
  g_string_append (buf, "product,device,province,city,versions,online\n");

  for (guint i = 0; i < rows; i++)
    {
      guint p = (i / 7) % 30;

      /* Every tenth device knows its province only; every fiftieth has no region. */
      g_string_append_printf (buf, "%s,dev-%08u,%s,%s,default=1.%u.%u;wifi=2.%u,%s\n",
                              products[i % 3], i,
                              i % 50 == 0 ? "" : provinces[p][0],
                              i % 10 == 0 ? "" : provinces[p][1],
                              i % 4, i % 3, i % 5,
                              i % 3 == 0 ? "no" : "yes");
      if (buf->len >= (1 << 20))
        {
          g_output_stream_write_all (G_OUTPUT_STREAM (out), buf->str, buf->len, NULL, NULL, &error);
          g_assert_no_error (error);
          g_string_truncate (buf, 0);
        }
    }

  g_output_stream_write_all (G_OUTPUT_STREAM (out), buf->str, buf->len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);
}

/* Seconds of CPU used by the process so far (all threads). */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(OtaEngine) engine = NULL;
  g_autoptr(GFile) csv = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  OtaImportResult result = { 0 };
  struct rusage usage;
  guint rows = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_ROWS;
  double seconds, max_seconds, rss_mb, cpu;
  gint64 start;
  gboolean ok;

  dir = g_dir_make_tmp ("ota-bench-XXXXXX", &error);
  g_assert_no_error (error);
  csv_path = g_build_filename (dir, "devices.csv", NULL);
  db_path = g_build_filename (dir, "ota.db", NULL);

  write_csv (csv_path, rows);

  engine = ota_engine_new (db_path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (products); i++)
    {
      OtaProductSpec spec = { .key = products[i], .name = products[i] };
      g_autoptr(OtaProduct) product = ota_engine_add_product (engine, &spec, &error);

      g_assert_no_error (error);
    }

  csv = g_file_new_for_path (csv_path);
  stream = g_file_read (csv, NULL, &error);
  g_assert_no_error (error);

  /* A benchmark measures wall time: the real monotonic clock, not the engine's. */
  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  ok = ota_engine_import_devices_csv (engine, G_INPUT_STREAM (stream), &result, NULL, NULL, NULL, &error);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (result.added, ==, rows);

  cpu = cpu_seconds () - cpu;
  getrusage (RUSAGE_SELF, &usage);
  rss_mb = (double) usage.ru_maxrss / 1024.0;
  max_seconds = MAX_SECONDS_PER_MILLION * MAX (rows, 1) / 1e6;

  /* CPU time too: on a shared machine the wall time also counts other processes'
   * work. The import itself uses two threads: parsing and SQL. */
  g_print ("import-devices: %u rows in %.2f s (%.0f rows/s), CPU %.2f s, peak RSS %.1f MB; "
           "targets: < %.2f s, < %.0f MB\n",
           rows, seconds, rows / MAX (seconds, 1e-9), cpu, rss_mb, max_seconds, MAX_RSS_MB);

  g_clear_object (&stream);
  g_clear_object (&engine);
  remove_dir (dir);

  return seconds < max_seconds && rss_mb < MAX_RSS_MB ? EXIT_SUCCESS : EXIT_FAILURE;
}
