/* ota-remote-backend.c — the remote backend object: its address, its properties and
 * its HTTP session (the operations are in ota-remote-backend-catalogue.c and
 * ota-remote-backend-rollout.c, the connection in ota-remote-connection.c) */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-remote-backend-private.h"
#include "ota-token-store.h"

G_DEFINE_ENUM_TYPE (OtaRemoteState, ota_remote_state,
                    G_DEFINE_ENUM_VALUE (OTA_REMOTE_STATE_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (OTA_REMOTE_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (OTA_REMOTE_STATE_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (OTA_REMOTE_STATE_RECONNECTING, "reconnecting"))

static void ota_remote_backend_iface_init (OtaBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OtaRemoteBackend, ota_remote_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OTA_TYPE_BACKEND, ota_remote_backend_iface_init))

enum {
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_LAST_ERROR,
  PROP_RETRY_IN,
  PROP_USER_AGENT,
  N_PROPS,
  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

#define IO_TIMEOUT_SECONDS 300

/* What the console sends unless its maker says otherwise (otactl says "otactl/…"). */
#define DEFAULT_USER_AGENT "ota-console/" PACKAGE_VERSION

/* ---- Addresses ------------------------------------------------------------------- */

char *
ota_remote_redact_url (const char *url)
{
  GString *out = g_string_new (NULL);
  const char *rest = url;
  const char *scheme_end = strstr (url, "://");
  const char *authority_end;
  const char *at = NULL;
  gsize plain;

  if (scheme_end != NULL)
    {
      g_string_append_len (out, url, scheme_end + 3 - url);
      rest = scheme_end + 3;
    }

  /* "user:password@" — the last "@" before the path ends it. */
  authority_end = rest + strcspn (rest, "/?#");
  for (const char *p = rest; p < authority_end; p++)
    if (*p == '@')
      at = p;
  if (at != NULL)
    {
      g_string_append (out, "***");
      rest = at;
    }

  plain = strcspn (rest, "?#");
  g_string_append_len (out, rest, plain);
  rest += plain;
  if (*rest == '?')
    {
      g_string_append (out, "?***");
      rest += strcspn (rest, "#");
    }
  if (*rest == '#')
    g_string_append (out, "#***");

  return g_string_free (out, FALSE);
}

static char *
refuse_url (const char  *url,
            const char  *why,
            GError     **error)
{
  /* The message is shown and may be logged: never with what was typed as a secret. */
  g_autofree char *shown = ota_remote_redact_url (url);

  ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "url",
                       _("Server address “%s” must be an http:// or https:// URL with a host, "
                         "like https://ota.example.com:8443 (%s)"), shown, why);
  return NULL;
}

static void
strip_trailing_slashes (char *path)
{
  gsize len = strlen (path);

  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';
}

char *
ota_remote_normalise_url (const char  *url,
                          GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *scheme = NULL, *host = NULL, *path = NULL;
  gboolean https;
  int port;

  g_return_val_if_fail (url != NULL, NULL);

  trimmed = g_strstrip (g_strdup (url));
  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return refuse_url (url, _("it is not a URL"), error);

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  https = g_str_equal (scheme, "https");
  if (!https && !g_str_equal (scheme, "http"))
    return refuse_url (url, _("the scheme is not http or https"), error);
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return refuse_url (url, _("it has no host"), error);
  /* A token belongs in the token field and the keyring, never in an address shown and
   * stored as text. */
  if (g_uri_get_userinfo (uri) != NULL)
    return refuse_url (url, _("a user name or password is not allowed: give the token separately"), error);
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return refuse_url (url, _("a query or fragment is not allowed"), error);

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  port = g_uri_get_port (uri);
  if ((https && port == 443) || (!https && port == 80))
    port = -1;

  /* A prefix in front of /api/v1 (a reverse proxy's) is kept; the API part is not. */
  path = g_strdup (g_uri_get_path (uri));
  strip_trailing_slashes (path);
  if (g_str_has_suffix (path, "/api/v1"))
    path[strlen (path) - strlen ("/api/v1")] = '\0';
  strip_trailing_slashes (path);

  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, host, port, path, NULL, NULL);
}

/* "host:port" (the scheme's port when none is given), for messages and the name. */
static char *
dup_host_port (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);

  if (port < 0)
    port = g_str_equal (g_uri_get_scheme (uri), "https") ? 443 : 80;
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", host, port);
  return g_strdup_printf ("%s:%d", host, port);
}

/* ---- The object ------------------------------------------------------------------- */

static void
ota_remote_backend_dispose (GObject *object)
{
  OtaRemoteBackend *self = OTA_REMOTE_BACKEND (object);

  ota_remote_connection_dispose (self);
  ota_remote_events_dispose (self);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ota_remote_backend_parent_class)->dispose (object);
}

static void
ota_remote_backend_finalize (GObject *object)
{
  OtaRemoteBackend *self = OTA_REMOTE_BACKEND (object);

  g_free (self->url);
  g_free (self->api_root);
  g_free (self->name);
  ota_token_free (self->authorization);
  g_clear_error (&self->last_error);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ota_remote_backend_parent_class)->finalize (object);
}

static void
ota_remote_backend_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  OtaRemoteBackend *self = OTA_REMOTE_BACKEND (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->last_error);
      break;

    case PROP_RETRY_IN:
      g_value_set_uint (value, ota_remote_backend_get_retry_in (self));
      break;

    case PROP_USER_AGENT:
      g_value_set_string (value, soup_session_get_user_agent (self->session));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_remote_backend_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  OtaRemoteBackend *self = OTA_REMOTE_BACKEND (object);

  switch (prop_id)
    {
    case PROP_USER_AGENT:
      ota_remote_backend_set_user_agent (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ota_remote_backend_class_init (OtaRemoteBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ota_remote_backend_dispose;
  object_class->finalize = ota_remote_backend_finalize;
  object_class->get_property = ota_remote_backend_get_property;
  object_class->set_property = ota_remote_backend_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, OTA_TYPE_REMOTE_STATE, OTA_REMOTE_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * OtaRemoteBackend:user-agent:
   *
   * The User-Agent of every request: "ota-console/VERSION" unless set (otactl sets
   * "otactl/VERSION"), so a server's logs tell the programs apart.
   */
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL, DEFAULT_USER_AGENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
ota_remote_backend_init (OtaRemoteBackend *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->max_answer = OTA_REMOTE_MAX_ANSWER;
  self->page_size = OTA_REMOTE_PAGE_SIZE;
  ota_remote_connection_init (self);
  ota_remote_events_init (self);
}

static void
ota_remote_backend_iface_init (OtaBackendInterface *iface)
{
  ota_remote_backend_init_catalogue (iface);
  ota_remote_backend_init_rollout (iface);
}

/**
 * ota_remote_backend_new:
 * @url: the server's address
 * @token: (nullable): the operator's token
 * @error: an error naming the field "url"
 *
 * Makes the backend; nothing is sent before a call or ota_remote_backend_connect_async().
 *
 * Returns: (transfer full) (nullable): the backend, or %NULL when @url is no server address
 */
OtaRemoteBackend *
ota_remote_backend_new (const char  *url,
                        const char  *token,
                        GError     **error)
{
  g_autofree char *normalised = NULL;
  OtaRemoteBackend *self;

  g_return_val_if_fail (url != NULL, NULL);

  normalised = ota_remote_normalise_url (url, error);
  if (normalised == NULL)
    return NULL;

  self = g_object_new (OTA_TYPE_REMOTE_BACKEND, NULL);
  self->url = g_steal_pointer (&normalised);
  self->api_root = g_strconcat (self->url, "/api/v1", NULL);
  self->name = dup_host_port (self->url);
  if (token != NULL && *token != '\0')
    self->authorization = g_strconcat ("Bearer ", token, NULL);

  /* The timeout only ends a request that hangs on a dead connection: a server may
   * think for a while about a million-device import, never for minutes. */
  self->session = soup_session_new_with_options ("user-agent", DEFAULT_USER_AGENT,
                                                 "max-conns-per-host", 6,
                                                 "timeout", IO_TIMEOUT_SECONDS,
                                                 NULL);
  return self;
}

void
ota_remote_backend_set_user_agent (OtaRemoteBackend *self,
                                   const char       *user_agent)
{
  g_return_if_fail (OTA_IS_REMOTE_BACKEND (self));

  if (user_agent == NULL)
    user_agent = DEFAULT_USER_AGENT;
  if (g_strcmp0 (soup_session_get_user_agent (self->session), user_agent) == 0)
    return;
  soup_session_set_user_agent (self->session, user_agent);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_AGENT]);
}

gboolean
ota_remote_backend_set_tls_ca_file (OtaRemoteBackend  *self,
                                    const char        *ca_file,
                                    GError           **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_val_if_fail (OTA_IS_REMOTE_BACKEND (self), FALSE);
  g_return_val_if_fail (ca_file != NULL, FALSE);

  database = g_tls_file_database_new (ca_file, error);
  if (database == NULL)
    return FALSE;
  soup_session_set_tls_database (self->session, database);
  return TRUE;
}

const char *
ota_remote_backend_get_url (OtaRemoteBackend *self)
{
  g_return_val_if_fail (OTA_IS_REMOTE_BACKEND (self), NULL);
  return self->url;
}

OtaRemoteState
ota_remote_backend_get_state (OtaRemoteBackend *self)
{
  g_return_val_if_fail (OTA_IS_REMOTE_BACKEND (self), OTA_REMOTE_STATE_DISCONNECTED);
  return self->state;
}

const GError *
ota_remote_backend_get_last_error (OtaRemoteBackend *self)
{
  g_return_val_if_fail (OTA_IS_REMOTE_BACKEND (self), NULL);
  return self->last_error;
}

void
ota_remote_set_state (OtaRemoteBackend *self,
                      OtaRemoteState    state,
                      GError           *error)
{
  gboolean error_changed = error != NULL || self->last_error != NULL;
  gboolean state_changed = state != self->state;

  g_clear_error (&self->last_error);
  self->last_error = error;
  self->state = state;

  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (error_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

void
ota_remote_notify_retry_in (OtaRemoteBackend *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
}
