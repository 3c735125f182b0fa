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

/* Product "bench" with @n devices written by set-based SQL (ids 1..n, names out of id
 * order, two thirds online, half on 1.0 and half on 1.1) and firmware 1 (1.0, 1.1 →
 * 2.0), verified directly. Setup, not what a benchmark measures. */
void     bench_build_fleet  (OtaEngine  *engine,
                             guint       n);

/* The median of @n values (sorts them). */
double   bench_median       (double     *values,
                             guint       n);

G_END_DECLS
