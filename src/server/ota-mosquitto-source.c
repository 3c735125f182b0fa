/* ota-mosquitto-source.c — a libmosquitto client on a GLib main context */
#include <errno.h>

#include "ota-mosquitto-source.h"

/* Packets read per wake-up before the main loop gets a turn. */
#define READ_BURST 256

typedef struct {
  GSource               source;
  struct mosquitto     *mosq;
  OtaMosquittoLostFunc  lost;
  gpointer              user_data;
  gpointer              tag;
  int                   fd;
  GIOCondition          events;      /* what the poll record asks for now */
} MosquittoSource;

/* GLib wakes the whole context up whenever a poll record or a ready time changes, even
 * from within the same iteration: both are changed only when they really differ, or the
 * main loop wakes itself up at every turn and never sleeps. */
static void
watch (MosquittoSource *self,
       GIOCondition     events)
{
  if (self->tag != NULL && events != self->events)
    {
      g_source_modify_unix_fd ((GSource *) self, self->tag, events);
      self->events = events;
    }
}

/* Keep-alive pings: a wake-up at least once a second while connected. */
static void
arm_keepalive (MosquittoSource *self,
               gboolean         connected)
{
  GSource *source = (GSource *) self;
  gint64 ready = g_source_get_ready_time (source);

  if (!connected)
    g_source_set_ready_time (source, -1);
  else if (ready < 0 || ready <= g_source_get_time (source))
    g_source_set_ready_time (source, g_get_monotonic_time () + G_USEC_PER_SEC);
}

static gboolean
source_prepare (GSource *source,
                gint    *timeout)
{
  MosquittoSource *self = (MosquittoSource *) source;
  int fd = mosquitto_socket (self->mosq);
  GIOCondition condition = G_IO_IN | G_IO_ERR | G_IO_HUP;

  /* The socket changes with every connection; follow it. */
  if (fd != self->fd)
    {
      if (self->tag != NULL)
        g_source_remove_unix_fd (source, self->tag);
      self->tag = fd >= 0 ? g_source_add_unix_fd (source, fd, condition) : NULL;
      self->events = condition;
      self->fd = fd;
      /* A new connection needs its keep-alive too. */
      if (fd >= 0)
        arm_keepalive (self, TRUE);
    }

  /* Publishing from a callback only queues: write when something waits. */
  watch (self, condition | (mosquitto_want_write (self->mosq) ? G_IO_OUT : 0));

  *timeout = -1;
  return FALSE;
}

static gboolean
source_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  MosquittoSource *self = (MosquittoSource *) source;
  GIOCondition revents = self->tag != NULL ? g_source_query_unix_fd (source, self->tag) : 0;
  int rc = MOSQ_ERR_SUCCESS;

  if (revents & (G_IO_IN | G_IO_ERR | G_IO_HUP))
    {
      /* A flood of reports arrives as many packets: take a burst per wake-up, until the
       * socket has no more. libmosquitto returns success on an empty socket too, with
       * errno EAGAIN from its read: that ends the burst without a poll() per packet
       * (a callback that leaves EAGAIN behind only ends it early: the socket stays
       * readable and the next wake-up goes on). */
      for (int i = 0; i < READ_BURST && rc == MOSQ_ERR_SUCCESS; i++)
        {
          errno = 0;
          rc = mosquitto_loop_read (self->mosq, 1);
          if (rc == MOSQ_ERR_SUCCESS && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        }
    }

  if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket (self->mosq) >= 0 && mosquitto_want_write (self->mosq))
    rc = mosquitto_loop_write (self->mosq, 1);

  if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket (self->mosq) >= 0)
    rc = mosquitto_loop_misc (self->mosq);

  arm_keepalive (self, mosquitto_socket (self->mosq) >= 0);

  if (rc != MOSQ_ERR_SUCCESS && self->lost != NULL)
    self->lost (self->mosq, rc, self->user_data);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs source_funcs = {
  .prepare = source_prepare,
  .dispatch = source_dispatch,
};

GSource *
ota_mosquitto_source_new (struct mosquitto     *mosq,
                          OtaMosquittoLostFunc  lost,
                          gpointer              user_data)
{
  GSource *source = g_source_new (&source_funcs, sizeof (MosquittoSource));
  MosquittoSource *self = (MosquittoSource *) source;

  self->mosq = mosq;
  self->lost = lost;
  self->user_data = user_data;
  self->fd = -1;
  g_source_set_name (source, "mosquitto");
  return source;
}
