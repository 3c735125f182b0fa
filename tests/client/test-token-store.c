/* test-token-store.c — server URLs in their stored form, and tokens saved, looked up
 * and forgotten in a real keyring (gnome-keyring on a private session bus, started by
 * keyring-session.sh; without one these tests skip, saying why) */
#include <ota.h>

#include "ota-remote-backend.h"
#include "ota-token-store.h"

static void
test_url_normalised (void)
{
  const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
    { "http://127.0.0.1:8080/", "http://127.0.0.1:8080" },
    { "http://127.0.0.1:8080/api/v1", "http://127.0.0.1:8080" },
    { "http://127.0.0.1:8080/api/v1/", "http://127.0.0.1:8080" },
    { "HTTPS://OTA.Example.com:443/", "https://ota.example.com" },
    { "http://ota.example.com:80", "http://ota.example.com" },
    { "https://ota.example.com:80", "https://ota.example.com:80" },
    { "https://proxy.example.com/ota/api/v1", "https://proxy.example.com/ota" },
    { "http://[::1]:8080/", "http://[::1]:8080" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = ota_remote_normalise_url (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_url_refused (void)
{
  const char *cases[] = {
    "", "127.0.0.1:8080", "ftp://ota.example.com", "http://", "http:///api/v1",
    "http://admin:secret@ota.example.com", "http://ota.example.com/?token=x",
    "http://ota.example.com/#top", "not a url",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = ota_remote_normalise_url (cases[i], &error);

      g_assert_null (out);
      g_assert_error (error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
      g_assert_cmpstr (ota_error_get_field (error), ==, "url");
    }
}

/* ---- With the keyring -------------------------------------------------------- */

static gboolean
need_secret_service (void)
{
  const char *missing = g_getenv ("OTA_TEST_NO_SECRET_SERVICE");

  if (missing != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("no secret service: %s", missing);

      g_test_skip (reason);
      return FALSE;
    }
  return TRUE;
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
save (const char *url,
      const char *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ota_token_store_save_async (url, token, NULL, on_done, &result);
  g_assert_true (ota_token_store_save_finish (wait_for (&result), &error));
  g_assert_no_error (error);
}

static char *
lookup (const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  ota_token_store_lookup_async (url, NULL, on_done, &result);
  token = ota_token_store_lookup_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return token;
}

static void
forget (const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ota_token_store_forget_async (url, NULL, on_done, &result);
  g_assert_true (ota_token_store_forget_finish (wait_for (&result), &error));
  g_assert_no_error (error);
}

/* The token is found under any spelling of the same server, and only there. */
static void
test_save_lookup_forget (void)
{
  g_autofree char *found = NULL, *other = NULL, *replaced = NULL, *by_sync = NULL, *gone = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_secret_service ())
    return;

  save ("http://127.0.0.1:8080/api/v1/", "tok-one");
  save ("https://ota.example.com", "tok-other");

  found = lookup ("http://127.0.0.1:8080");
  g_assert_cmpstr (found, ==, "tok-one");
  other = lookup ("HTTPS://ota.example.com:443/");
  g_assert_cmpstr (other, ==, "tok-other");

  /* Saving again replaces: one token per server. */
  save ("http://127.0.0.1:8080", "tok-two");
  replaced = lookup ("http://127.0.0.1:8080/");
  g_assert_cmpstr (replaced, ==, "tok-two");
  by_sync = ota_token_store_lookup_sync ("http://127.0.0.1:8080", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_sync, ==, "tok-two");

  /* Forgetting one server leaves the other; forgetting twice is no error. */
  forget ("http://127.0.0.1:8080/api/v1");
  gone = lookup ("http://127.0.0.1:8080");
  g_assert_null (gone);
  forget ("http://127.0.0.1:8080");
  g_clear_pointer (&other, g_free);
  other = lookup ("https://ota.example.com");
  g_assert_cmpstr (other, ==, "tok-other");
  forget ("https://ota.example.com");
}

static void
test_nothing_stored (void)
{
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_secret_service ())
    return;

  token = lookup ("http://never-saved.example.com:1");
  g_assert_null (token);
  g_clear_pointer (&token, g_free);
  token = ota_token_store_lookup_sync ("http://never-saved.example.com:1", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
}

/* A bad URL is refused before the keyring is asked. */
static void
test_bad_url_refused_by_every_call (void)
{
  g_autoptr(GAsyncResult) saved = NULL, looked_up = NULL, forgotten = NULL;
  g_autoptr(GError) save_error = NULL, lookup_error = NULL, forget_error = NULL, sync_error = NULL;
  g_autofree char *token = NULL, *token_sync = NULL;

  ota_token_store_save_async ("ftp://x", "t", NULL, on_done, &saved);
  g_assert_false (ota_token_store_save_finish (wait_for (&saved), &save_error));
  g_assert_error (save_error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);

  ota_token_store_lookup_async ("ftp://x", NULL, on_done, &looked_up);
  token = ota_token_store_lookup_finish (wait_for (&looked_up), &lookup_error);
  g_assert_null (token);
  g_assert_error (lookup_error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);

  ota_token_store_forget_async ("ftp://x", NULL, on_done, &forgotten);
  g_assert_false (ota_token_store_forget_finish (wait_for (&forgotten), &forget_error));
  g_assert_error (forget_error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);

  token_sync = ota_token_store_lookup_sync ("ftp://x", NULL, &sync_error);
  g_assert_null (token_sync);
  g_assert_error (sync_error, OTA_ERROR, OTA_ERROR_INVALID_FIELD);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-store/url/normalised", test_url_normalised);
  g_test_add_func ("/token-store/url/refused", test_url_refused);
  g_test_add_func ("/token-store/url/bad-url-refused-by-every-call", test_bad_url_refused_by_every_call);
  g_test_add_func ("/token-store/keyring/save-lookup-forget", test_save_lookup_forget);
  g_test_add_func ("/token-store/keyring/nothing-stored-is-no-error", test_nothing_stored);

  return g_test_run ();
}
