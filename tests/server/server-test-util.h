/* server-test-util.h — a real ota-server on 127.0.0.1 (any port) in the test process,
 * over a temporary database on a manual clock, and a SoupSession talking to it */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ota-server.h"
#include "ota-test-link.h"

G_BEGIN_DECLS

typedef struct {
  OtaTestFixture  base;        /* dir, db_path, clock, engine */
  OtaServer      *server;
  SoupSession    *session;
  char           *token;       /* a valid operator token */
  char           *url;         /* "http://127.0.0.1:PORT" */
} ServerFixture;

void        server_fixture_setup    (ServerFixture *f,
                                     gconstpointer  data);
void        server_fixture_teardown (ServerFixture *f,
                                     gconstpointer  data);

/* Iterates the main context until @cond holds (meson's test timeout ends a hang). */
#define SERVER_TEST_WAIT_UNTIL(cond) \
  G_STMT_START { \
    while (!(cond)) \
      g_main_context_iteration (NULL, TRUE); \
  } G_STMT_END

/* A message for @path (with its query) on the test server, with @token as bearer
 * (NULL: none). */
SoupMessage *server_message          (ServerFixture *f,
                                      const char    *method,
                                      const char    *path,
                                      const char    *token);
/* Sends @msg and runs the main loop until the answer is in; returns its body. An I/O
 * error (the server closed the connection) is returned in @error. */
GBytes      *server_send             (ServerFixture *f,
                                      SoupMessage   *msg,
                                      GError       **error);
/* A JSON request with the fixture's token; @body: JSON text or NULL. Returns the parsed
 * answer (NULL for an empty one) and its status. */
JsonNode    *server_json             (ServerFixture *f,
                                      const char    *method,
                                      const char    *path,
                                      const char    *body,
                                      guint         *status);
/* The same with another token (NULL: none). */
JsonNode    *server_json_with_token  (ServerFixture *f,
                                      const char    *token,
                                      const char    *method,
                                      const char    *path,
                                      const char    *body,
                                      guint         *status);

/* Member shortcuts for answers. */
const char  *server_get_string       (JsonNode      *node,
                                      const char    *member);
gint64       server_get_int          (JsonNode      *node,
                                      const char    *member);

/* Asserts @node is the error body {"code": @code, "field": @field, …}. */
void         server_assert_error     (JsonNode      *node,
                                      const char    *code,
                                      const char    *field);

/* Sends @request as it is over a plain socket (from a thread, while the main loop
 * serves) and returns the raw answer: the header block and a body of Content-Length
 * bytes. Nothing is sent after @request, whatever its headers announce. */
char        *server_raw_request      (ServerFixture *f,
                                      const char    *request);

/* Entries of the blob folder (the engine's blobs and the server's uploads). */
guint        server_count_blob_entries (ServerFixture *f);

G_END_DECLS
