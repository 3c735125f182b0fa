/* bench-mqtt-fleet.c — the device side of bench-mqtt-events: thousands of real MQTT
 * connections from one thread
 *
 *   bench-mqtt-fleet FIRST COUNT PORT   (the master key on the first line of stdin)
 *
 * Devices FIRST+1 … FIRST+COUNT of bench_build_fleet()'s product "bench" (named as it
 * names them), each a libmosquitto client without libmosquitto's thread: one epoll
 * loop here serves every socket. They log in as the Link SDK does (derived secret,
 * signed password, a client id with securemode and timestamp), subscribe to nothing
 * and publish progress as the SDKs do (QoS 0, the step a string). Each libmosquitto
 * client holds three descriptors (its socket and a socket pair), so one process serves
 * about 6,000 devices under a 20,000-descriptor limit: bench-mqtt-events starts
 * several.
 *
 * What the parent says on stdin, and what this answers on stdout:
 *   (after connecting)                 → "connected SECONDS"
 *   "go T0 RATE TOTAL FROM TO"         → publishes steps FROM … TO of its devices, then
 *                                        "done N CPU" and N records (guint32 device id,
 *                                        guint32 step, gint64 publish time: monotonic µs)
 *   "quit"                             → exits, without a clean disconnect
 * Event k of a phase (k = (step − FROM) × TOTAL + device index) is due at
 * T0 + k / RATE: the fleets together offer RATE events a second, spread evenly. RATE 0:
 * as fast as they can.
 */
#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-util.h"
#include "ota-device-secret.h"

#define PRODUCT "bench"
#define SDK_TIMESTAMP "2524608000000"
/* Longer than a run: no pings to send. */
#define KEEPALIVE_SECONDS 600
/* Logins waiting for their CONNACK at once: the broker's accept queue stays short. */
#define CONNECT_WINDOW 100
#define CONNECT_TIMEOUT_US (120 * G_USEC_PER_SEC)

typedef struct {
  guint32 device_id;
  guint32 step;
  gint64  published_at;
} Record;

typedef struct _Fleet Fleet;

typedef struct {
  Fleet            *fleet;
  guint             index;
  guint             id;
  struct mosquitto *mosq;
  char             *topic;
  gboolean          connected;
  gboolean          writing;     /* EPOLLOUT armed */
} Device;

struct _Fleet {
  guint    first;
  guint    count;
  guint16  port;
  Device  *devices;
  int      epoll;
  guint    n_connected;
  guint    n_pending;
  guint    message_id;
  gboolean running;
};

static void
on_connect (struct mosquitto *mosq,
            void             *user_data,
            int               rc)
{
  Device *device = user_data;

  if (rc != 0)
    g_error ("device %u: login refused: %s", device->id, mosquitto_connack_string (rc));
  device->connected = TRUE;
  device->fleet->n_connected++;
  device->fleet->n_pending--;
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *user_data,
               int               rc)
{
  Device *device = user_data;

  if (device->fleet->running)
    g_error ("device %u: connection lost: %s", device->id, mosquitto_strerror (rc));
}

static void
set_writing (Device   *device,
             gboolean  writing)
{
  struct epoll_event event = { .events = EPOLLIN | (writing ? EPOLLOUT : 0), .data.u32 = device->index };

  if (device->writing == writing)
    return;
  device->writing = writing;
  if (epoll_ctl (device->fleet->epoll, EPOLL_CTL_MOD, mosquitto_socket (device->mosq), &event) != 0)
    g_error ("epoll_ctl: %s", g_strerror (errno));
}

/* Reads and writes what the sockets are ready for, waiting up to @timeout_ms. */
static void
service (Fleet *fleet,
         int    timeout_ms)
{
  struct epoll_event events[256];
  int n = epoll_wait (fleet->epoll, events, G_N_ELEMENTS (events), timeout_ms);

  if (n < 0 && errno != EINTR)
    g_error ("epoll_wait: %s", g_strerror (errno));

  for (int i = 0; i < n; i++)
    {
      Device *device = &fleet->devices[events[i].data.u32];
      int rc = MOSQ_ERR_SUCCESS;

      /* Notices (the broker delivers them without a subscription) are read and dropped. */
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        rc = mosquitto_loop_read (device->mosq, 1);
      if (rc == MOSQ_ERR_SUCCESS && (events[i].events & EPOLLOUT))
        rc = mosquitto_loop_write (device->mosq, 1);
      if (rc != MOSQ_ERR_SUCCESS)
        g_error ("device %u: %s", device->id, mosquitto_strerror (rc));
      set_writing (device, mosquitto_want_write (device->mosq));
    }
}

static void
device_init (Fleet      *fleet,
             guint       index,
             const char *master_key)
{
  Device *device = &fleet->devices[index];
  char secret[OTA_DEVICE_SECRET_LEN + 1];
  char password[OTA_DEVICE_PASSWORD_LEN + 1];
  g_autofree char *name = NULL;
  g_autofree char *sign_id = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *username = NULL;

  device->fleet = fleet;
  device->index = index;
  device->id = fleet->first + index + 1;
  /* bench_build_fleet()'s names: i·7919 mod 1000003. */
  name = g_strdup_printf ("dev-%08u", (guint) (((guint64) device->id * 7919) % 1000003));
  device->topic = g_strdup_printf ("/ota/device/progress/" PRODUCT "/%s", name);

  sign_id = g_strdup_printf (PRODUCT ".%s", name);
  client_id = g_strdup_printf ("%s|timestamp=" SDK_TIMESTAMP ",_ss=1,_v=sdk-c-4.1.0,securemode=3,"
                               "signmethod=hmacsha256,ext=3,|", sign_id);
  username = g_strdup_printf ("%s&" PRODUCT, name);
  if (ota_device_secret_derive (master_key, strlen (master_key), PRODUCT, name, secret) != 0 ||
      ota_device_password_sign (secret, sign_id, PRODUCT, name, SDK_TIMESTAMP, password) != 0)
    g_error ("cannot sign the login of %s", name);

  device->mosq = mosquitto_new (client_id, true, device);
  if (device->mosq == NULL)
    g_error ("mosquitto_new: %s", g_strerror (errno));
  mosquitto_connect_callback_set (device->mosq, on_connect);
  mosquitto_disconnect_callback_set (device->mosq, on_disconnect);
  mosquitto_int_option (device->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_username_pw_set (device->mosq, username, password);
}

/* A blocking TCP connect (loopback) that sends CONNECT; the CONNACK comes to service(). */
static void
device_connect (Device *device)
{
  struct epoll_event event = { .events = EPOLLIN, .data.u32 = device->index };
  int rc = mosquitto_connect (device->mosq, "127.0.0.1", device->fleet->port, KEEPALIVE_SECONDS);

  if (rc != MOSQ_ERR_SUCCESS)
    g_error ("device %u: connect: %s", device->id, rc == MOSQ_ERR_ERRNO ? g_strerror (errno) : mosquitto_strerror (rc));
  if (epoll_ctl (device->fleet->epoll, EPOLL_CTL_ADD, mosquitto_socket (device->mosq), &event) != 0)
    g_error ("epoll_ctl: %s", g_strerror (errno));
  device->fleet->n_pending++;
}

static void
connect_all (Fleet *fleet)
{
  gint64 deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_US;

  for (guint i = 0; i < fleet->count; i++)
    {
      while (fleet->n_pending >= CONNECT_WINDOW)
        service (fleet, 100);
      device_connect (&fleet->devices[i]);
      service (fleet, 0);
    }
  while (fleet->n_connected < fleet->count)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("only %u of %u devices logged in", fleet->n_connected, fleet->count);
      service (fleet, 100);
    }
}

static void
publish (Device *device,
         guint   step)
{
  char payload[128];
  int length = g_snprintf (payload, sizeof payload,
                           "{\"id\":%u,\"params\":{\"step\":\"%u\",\"desc\":\"\",\"module\":\"default\"}}",
                           ++device->fleet->message_id, step);
  int rc = mosquitto_publish (device->mosq, NULL, device->topic, length, payload, 0, false);

  if (rc != MOSQ_ERR_SUCCESS)
    g_error ("device %u: publish: %s", device->id, mosquitto_strerror (rc));
  set_writing (device, mosquitto_want_write (device->mosq));
}

/* Publishes steps @from … @to of every device on the schedule (see the top). */
static GArray *
run_phase (Fleet  *fleet,
           gint64  t0,
           guint   rate,
           guint   total,
           guint   from,
           guint   to)
{
  guint64 n_events = (guint64) fleet->count * (to - from + 1);
  GArray *records = g_array_sized_new (FALSE, FALSE, sizeof (Record), (guint) n_events);

  for (guint64 j = 0; j < n_events; )
    {
      guint step = from + (guint) (j / fleet->count);
      Device *device = &fleet->devices[j % fleet->count];
      guint64 k = (guint64) (step - from) * total + fleet->first + device->index;
      gint64 due = rate > 0 ? t0 + (gint64) (k * G_USEC_PER_SEC / rate) : t0;
      gint64 now = g_get_monotonic_time ();
      Record record;

      if (now < due)
        {
          /* Rounded up to the next millisecond: events go out in small bursts. */
          service (fleet, (int) ((due - now + 999) / 1000));
          continue;
        }

      record.device_id = device->id;
      record.step = step;
      record.published_at = now;
      publish (device, step);
      g_array_append_val (records, record);
      j++;
      if (j % 256 == 0)
        service (fleet, 0);
    }

  /* What is still queued in a client goes out. */
  for (gboolean writing = TRUE; writing; )
    {
      writing = FALSE;
      for (guint i = 0; i < fleet->count && !writing; i++)
        writing = fleet->devices[i].writing;
      if (writing)
        service (fleet, 10);
    }
  return records;
}

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    exit (EXIT_SUCCESS);   /* the parent went away */
  return line;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *master_key = NULL;
  struct rlimit limit;
  Fleet fleet = { 0 };
  BenchTimer timer;

  if (argc != 4)
    {
      g_printerr ("Usage: %s FIRST COUNT PORT\n", argv[0]);
      return 2;
    }
  fleet.first = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  fleet.count = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  fleet.port = (guint16) g_ascii_strtoull (argv[3], NULL, 10);

  /* Three descriptors per device (see the top). */
  getrlimit (RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit (RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 3 * (rlim_t) fleet.count + 64)
    g_error ("%u devices need %u descriptors; the limit is %lu", fleet.count, 3 * fleet.count + 64,
             (unsigned long) limit.rlim_cur);

  stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  in = g_data_input_stream_new (stdin_stream);
  master_key = read_line (in);

  mosquitto_lib_init ();
  fleet.epoll = epoll_create1 (EPOLL_CLOEXEC);
  fleet.devices = g_new0 (Device, fleet.count);
  for (guint i = 0; i < fleet.count; i++)
    device_init (&fleet, i, master_key);

  bench_timer_start (&timer);
  connect_all (&fleet);
  printf ("connected %.2f\n", bench_timer_stop (&timer, NULL));
  fflush (stdout);
  fleet.running = TRUE;

  for (;;)
    {
      g_autofree char *line = read_line (in);
      g_auto(GStrv) words = g_strsplit (line, " ", 0);
      g_autoptr(GArray) records = NULL;

      if (g_str_equal (words[0], "quit"))
        break;
      g_assert_cmpstr (words[0], ==, "go");
      g_assert_cmpuint (g_strv_length (words), ==, 6);

      records = run_phase (&fleet, g_ascii_strtoll (words[1], NULL, 10),
                           (guint) g_ascii_strtoull (words[2], NULL, 10),
                           (guint) g_ascii_strtoull (words[3], NULL, 10),
                           (guint) g_ascii_strtoull (words[4], NULL, 10),
                           (guint) g_ascii_strtoull (words[5], NULL, 10));
      printf ("done %u %.3f\n", records->len, bench_cpu_seconds ());
      fwrite (records->data, sizeof (Record), records->len, stdout);
      fflush (stdout);
    }

  /* No clean disconnects: the parent stopped the broker already, or does so now. */
  fleet.running = FALSE;
  return EXIT_SUCCESS;
}
