/* ota-devsim.h — what the parts of ota-devsim share
 *
 * ota-devsim plays devices over the real protocol, in real time: each is a libmosquitto
 * connection with its derived credentials and a Link SDK client id, subscribes to
 * nothing (the broker delivers its downlink anyway), reports its version, and answers an
 * upgrade notice as the SDKs do: plain HTTP download with "Range: bytes=N-" (resumed
 * after a cut), progress as string steps, digest check, new version after a reboot.
 */
#pragma once

#include <libsoup/soup.h>
#include <mosquitto.h>

G_BEGIN_DECLS

typedef struct {
  guint        n_devices;
  char        *product_key;
  char        *prefix;          /* device names: PREFIX-00001 … */
  char        *module;          /* NULL or "default": reports without a module */
  char        *version;         /* the version every device starts on */
  char        *broker_host;
  guint16      broker_port;
  char        *master_key;
  guint32      seed;
  guint        connect_rate;    /* new connections per second */
  guint        rate_kbps;       /* download speed per device, 0: as fast as it goes */
  guint        progress_step;   /* percent between two progress reports */
  guint        reboot_ms;       /* flashing and rebooting after a good download */
  double       fail_download;   /* notices answered with -2 part way */
  double       fail_verify;     /* … with -3 after the download (wrong digest) */
  double       hang;            /* … by going silent part way */
  double       cut;             /* downloads cut once and resumed with Range */
} DevsimConfig;

typedef struct {
  guint64 connected;
  guint64 notices;
  guint64 downloads;
  guint64 resumed;
  guint64 succeeded;
  guint64 failed;
  guint64 hung;
} DevsimStats;

typedef struct _DevsimDevice DevsimDevice;
typedef struct _DevsimJob    DevsimJob;

typedef struct {
  DevsimConfig  config;
  DevsimStats   stats;
  SoupSession  *session;
  GPtrArray    *devices;        /* DevsimDevice */
  guint         next_to_start;
  guint         start_id;
} DevsimFleet;

struct _DevsimDevice {
  DevsimFleet      *fleet;
  guint             index;
  char             *name;
  char             *client_id;
  char             *username;
  char             *password;
  char             *version;       /* what it runs now */
  GRand            *rand;          /* its own draws: the same seed, the same choices */
  struct mosquitto *mosq;
  GSource          *source;
  gboolean          connected;
  guint             reconnect_id;
  guint             backoff_ms;
  guint             message_id;
  DevsimJob        *job;           /* the upgrade it works on, if any */
};

/* devsim-device.c */
DevsimDevice *devsim_device_new       (DevsimFleet   *fleet,
                                       guint          index,
                                       GError       **error);
void          devsim_device_free      (DevsimDevice  *device);
void          devsim_device_connect   (DevsimDevice  *device);
/* Publishes a version report or a progress step (QoS 0, as the SDKs do). */
void          devsim_device_inform    (DevsimDevice  *device);
void          devsim_device_progress  (DevsimDevice  *device,
                                       int            step,
                                       const char    *description,
                                       const char    *module);
/* Disconnects and connects again after @delay_ms (a reboot). */
void          devsim_device_reboot    (DevsimDevice  *device,
                                       guint          delay_ms);

/* devsim-job.c: an upgrade from the notice's JSON; FALSE when it is not one. */
gboolean      devsim_job_start        (DevsimDevice  *device,
                                       const char    *payload,
                                       gsize          length);
void          devsim_job_free         (DevsimJob     *job);

/* devsim-provision.c: imports the fleet through the server's HTTP API. */
gboolean      devsim_provision        (DevsimFleet   *fleet,
                                       const char    *server,
                                       const char    *token,
                                       GError       **error);

G_END_DECLS
