/* ota-sim-fleet-private.h — what the fleet object (ota-sim-fleet.c) and the devices'
 * behaviour (ota-sim-device.c) share: the compact device state and the event heap */
#pragma once

#include "ota-sim-fleet.h"

G_BEGIN_DECLS

/* Download progress runs 0 → DOWNLOAD_END in steps of config.progress_step. */
#define DOWNLOAD_END      80
/* The device index of fleet-wide events (EV_POLL). */
#define GLOBAL_DEVICE     G_MAXUINT32

typedef enum {
  EV_JOB,      /* the next step of the device's upgrade */
  EV_CHURN,    /* the device disconnects or reconnects */
  EV_ANSWER,   /* the device's app user answers a pending-confirm task */
  EV_POLL,     /* the apps look for pending-confirm tasks (global) */
} EventKind;

typedef enum {
  STAGE_IDLE,
  STAGE_ACCEPT,
  STAGE_DOWNLOAD,
  STAGE_VERIFY,
  STAGE_FLASH,
  STAGE_REBOOT,
  STAGE_REPORT,
} Stage;

typedef enum {
  OUTCOME_SUCCESS,
  OUTCOME_FAIL,
  OUTCOME_HANG,
  OUTCOME_UNEXPECTED,
} Outcome;

enum {
  FLAG_ONLINE     = 1 << 0,
  FLAG_PAUSED     = 1 << 1,   /* went offline during a job: resumes when back */
  FLAG_ANSWERING  = 1 << 2,   /* an app answer is pending */
  FLAG_ANSWER_YES = 1 << 3,
};

typedef struct {
  const char *name;            /* in the fleet's string chunk, like the three below */
  const char *module;          /* of the notice being worked on */
  const char *version;         /* its target version */
  const char *answer_module;   /* of the pending-confirm task the app answers */
  guint32     generation;      /* job generation: older job events are stale */
  guint32     speed;           /* download bytes per second */
  guint32     step_ms;         /* time between two download progress reports */
  guint16     product;
  guint8      stage;
  guint8      outcome;
  gint8       fail_step;       /* OUTCOME_FAIL: -1..-4 */
  guint8      fail_at;         /* OUTCOME_FAIL/HANG: the progress it never reaches */
  guint8      progress;
  guint8      flags;
} SimDevice;

typedef struct {
  gint64  at;
  guint64 seq;       /* insertion order: equal times pop first in, first out */
  guint32 device;
  guint32 tag;       /* EventKind | generation << 2 */
} SimEvent;

typedef struct {
  char       *key;
  GHashTable *by_name;   /* name (in the chunk) → device index + 1 */
} SimProduct;

struct _OtaSimFleet
{
  GObject          parent_instance;

  OtaEngine       *engine;     /* weak: the engine owns the fleet as its link */
  OtaManualClock  *clock;
  OtaSimConfig     config;
  GRand           *rand;

  GStringChunk    *strings;
  GPtrArray       *products;   /* SimProduct */
  GArray          *devices;    /* SimDevice */
  GArray          *heap;       /* SimEvent, a binary min-heap on (at, seq) */
  guint64          next_seq;
  gboolean         polling;

  GArray          *pending;    /* OtaDeviceEvent of the instant being handled */
  guint64          group_seq;
  OtaSimGroupFunc  group_func;
  gpointer         group_data;

  OtaSimStats      stats;
};

/* ---- ota-sim-fleet.c ---- */

gint64  ota_sim_fleet_now        (OtaSimFleet *self);
/* Schedules @kind for device @device (GLOBAL_DEVICE: none) at @at, rounded up to the
 * next tick after now. */
void    ota_sim_fleet_push_event (OtaSimFleet *self,
                                  gint64       at,
                                  guint32      device,
                                  EventKind    kind,
                                  guint32      generation);
/* Queues a device event for the group of the instant being handled. */
void    ota_sim_fleet_emit       (OtaSimFleet        *self,
                                  const SimDevice    *device,
                                  OtaDeviceEventKind  kind,
                                  const char         *module,
                                  const char         *version,
                                  int                 step,
                                  const char         *description);

static inline SimDevice *
ota_sim_fleet_device (OtaSimFleet *self,
                      guint32      index)
{
  return &g_array_index (self->devices, SimDevice, index);
}

static inline gint64
ota_sim_uniform_us (OtaSimFleet *self,
                    gint64       lo,
                    gint64       hi)
{
  return lo + (gint64) (g_rand_double (self->rand) * (double) (hi - lo));
}

/* ---- ota-sim-device.c: what a device does ---- */

/* Starts (or starts over) an upgrade to @version of @module, a download of @size bytes,
 * from @at; its outcome is drawn now. */
void ota_sim_device_start_job      (OtaSimFleet *self,
                                    guint32      index,
                                    const char  *module,
                                    const char  *version,
                                    guint64      size,
                                    gint64       at);
/* The next step of the device's upgrade (an EV_JOB of its current generation). */
void ota_sim_device_run_job        (OtaSimFleet *self,
                                    guint32      index,
                                    gint64       now);
/* The device disconnects or reconnects (EV_CHURN). */
void ota_sim_device_run_churn      (OtaSimFleet *self,
                                    guint32      index,
                                    gint64       now);
/* The app user's answer (EV_ANSWER). */
void ota_sim_device_run_answer     (OtaSimFleet *self,
                                    guint32      index);
/* Schedules the device's next disconnect (@online) or reconnect; none without churn. */
void ota_sim_device_schedule_churn (OtaSimFleet *self,
                                    guint32      index,
                                    gboolean     online);

G_END_DECLS
