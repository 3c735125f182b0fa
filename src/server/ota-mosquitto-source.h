/* ota-mosquitto-source.h — a libmosquitto client driven by a GLib main context
 *
 * Instead of libmosquitto's own thread: the client's socket is watched by a GSource
 * (read when readable, write when something is queued, keep-alive once a second), so
 * every libmosquitto callback runs on the context's thread. Used by the server's MQTT
 * bridge and by the device simulator.
 */
#pragma once

#include <glib.h>
#include <mosquitto.h>

G_BEGIN_DECLS

/* Called when a loop function fails (@rc: a MOSQ_ERR_*): the connection is gone. */
typedef void (*OtaMosquittoLostFunc) (struct mosquitto *mosq,
                                      int               rc,
                                      gpointer          user_data);

/* Returns: (transfer full): the source, not attached yet. It follows the client's socket
 * across reconnects; destroy it before the client. */
GSource *ota_mosquitto_source_new (struct mosquitto      *mosq,
                                   OtaMosquittoLostFunc   lost,
                                   gpointer               user_data);

G_END_DECLS
