/* bench-util.h — what the benchmarks share: a temporary folder, CPU time, the load */
#pragma once

#include <ota.h>

G_BEGIN_DECLS

/* Removes a folder and everything in it. */
void     bench_remove_dir   (const char *path);

/* CPU seconds used by the process so far (all threads, user + system). On a shared
 * machine wall time also counts other processes' work; CPU time does not. */
double   bench_cpu_seconds  (void);

/* The 1-minute load average, from /proc/loadavg (-1 when unknown). */
double   bench_load_average (void);

/* Wall and CPU time of a piece of work. */
typedef struct {
  gint64 start_us;
  double start_cpu;
} BenchTimer;

void     bench_timer_start  (BenchTimer *timer);
/* Seconds since bench_timer_start(); @cpu (optional): CPU seconds. */
double   bench_timer_stop   (BenchTimer *timer,
                             double     *cpu);

/* Peak resident set size of the process so far, in MB. */
double   bench_peak_rss_mb  (void);

/* The start of the benchmarks' manual clocks: 2026-01-01 00:00 UTC. */
#define BENCH_EPOCH G_GINT64_CONSTANT (1767225600000000)

/* A new temporary folder (@tmpl as for g_dir_make_tmp()). */
char        *bench_make_dir     (const char     *tmpl);
/* The engine on @db_path (created if needed) on @clock (NULL: real time). */
OtaEngine   *bench_open_engine  (const char     *db_path,
                                 OtaManualClock *clock);

/* Product "bench", then @sql in one transaction: setup written by set-based SQL. */
void     bench_exec_setup   (OtaEngine  *engine,
                             const char *sql);

/* Product "bench" with @n devices written by set-based SQL (ids 1..n, names out of id
 * order, two thirds online, half on 1.0 and half on 1.1) and firmware 1 (1.0, 1.1 →
 * 2.0), verified directly. Setup, not what a benchmark measures. */
void     bench_build_fleet  (OtaEngine  *engine,
                             guint       n);
/* "template.db" in @dir holding bench_build_fleet() of @n devices (the time it took is
 * printed). Returns its path. */
char        *bench_build_template (const char     *dir,
                                   guint           n);
/* A fresh copy of @template_path at @db_path, opened on @clock: each round of a
 * benchmark starts from the same database. */
OtaEngine   *bench_open_copy      (const char     *template_path,
                                   const char     *db_path,
                                   OtaManualClock *clock);

/* Product @product with a device "verifier" and @n devices "dev-0000000" … (online,
 * default=1.0), imported as CSV through ota_engine_import_devices_csv(). */
void         bench_import_fleet   (OtaEngine      *engine,
                                   const char     *product,
                                   guint           n);
/* Firmware 2.0 of @product for 1.0, @length bytes of @contents in "fw.bin" in @dir,
 * verified by "verifier" (R-S5: progress 100, then the new version). */
OtaFirmware *bench_add_verified_firmware (OtaEngine  *engine,
                                          const char *product,
                                          const char *dir,
                                          const char *contents,
                                          gsize       length);

/* The median of @n values (sorts them). */
double   bench_median       (double     *values,
                             guint       n);
/* The @p-th percentile (0..100) of @n values, nearest rank (sorts them). */
double   bench_percentile   (double     *values,
                             guint       n,
                             double      p);

/* The ota-server binary ($OTA_SERVER_BIN) on @db_path, HTTP only (--no-broker), on a
 * free port of 127.0.0.1, which *@port is set to once it listens. It dies with the
 * benchmark. Stop it with bench_stop_server(). */
GSubprocess *bench_start_server (const char *db_path,
                                 guint      *port);
void         bench_stop_server  (GSubprocess *server);

G_END_DECLS
