/* ota-validate.c — field rules; each error names the field and the allowed range */
#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ota-error.h"
#include "ota-validate.h"

static gboolean
is_ascii_word_char (gunichar c)
{
  return (c < 0x80 && g_ascii_isalnum ((char) c)) || c == '.' || c == '-' || c == '_';
}

/* Letters, digits, '.', '-', '_' and 1..max characters: versions and modules (R-F4, R-F6). */
static gboolean
validate_word (const char  *value,
               const char  *field,
               const char  *label,   /* N_(): translated only for a message */
               guint        max_chars,
               GError     **error)
{
  gsize len = value != NULL ? strlen (value) : 0;

  if (len == 0)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s must be 1 to %u characters long"), _(label), max_chars);
      return FALSE;
    }

  /* Characters first: only then is the length in bytes the length in characters (a
   * value of 30 Chinese characters is refused for its characters, not as "too long"). */
  for (const char *p = value; *p != '\0'; p++)
    if (!is_ascii_word_char ((guchar) *p))
      {
        gunichar c = g_utf8_validate (p, -1, NULL) ? g_utf8_get_char (p) : (guchar) *p;
        char bad[8] = { 0 };

        g_unichar_to_utf8 (c, bad);
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                             _("%s may only contain letters, digits, “.”, “-” and “_”; "
                               "“%s” is not allowed"), _(label), bad);
        return FALSE;
      }

  if (len > max_chars)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s must be 1 to %u characters long"), _(label), max_chars);
      return FALSE;
    }

  return TRUE;
}

gboolean
ota_validate_product_key (const char  *key,
                          GError     **error)
{
  gsize len = key != NULL ? strlen (key) : 0;

  if (len == 0 || len > 32)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "key",
                           _("Product key must be 1 to 32 characters long"));
      return FALSE;
    }

  for (const char *p = key; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      {
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "key",
                             _("Product key may only contain letters, digits, “-” and “_”"));
        return FALSE;
      }

  return TRUE;
}

/* @multiline: line breaks and tabs are text too (a firmware description is a text area,
 * often pasted from elsewhere: CR LF line ends, indented lists). */
static gboolean
validate_text_full (const char  *value,
                    const char  *field,
                    const char  *label,   /* N_(): translated only for a message */
                    guint        min_chars,
                    guint        max_chars,
                    gboolean     multiline,
                    GError     **error)
{
  glong chars;

  if (value == NULL)
    value = "";

  if (!g_utf8_validate (value, -1, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                           _("%s is not valid UTF-8 text"), _(label));
      return FALSE;
    }

  chars = g_utf8_strlen (value, -1);
  if (chars < (glong) min_chars || chars > (glong) max_chars)
    {
      if (min_chars == 0)
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                             _("%s must be at most %u characters long (it has %ld)"),
                             _(label), max_chars, chars);
      else
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                             _("%s must be %u to %u characters long (it has %ld)"),
                             _(label), min_chars, max_chars, chars);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
        {
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, field,
                               _("%s must not contain control characters"), _(label));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
validate_text (const char  *value,
               const char  *field,
               const char  *label,
               guint        min_chars,
               guint        max_chars,
               GError     **error)
{
  return validate_text_full (value, field, label, min_chars, max_chars, FALSE, error);
}

gboolean
ota_validate_product_name (const char  *name,
                           GError     **error)
{
  return validate_text (name, "name", N_("Product name"), 1, 64, error);
}

/* The vendor's device names: 4 to 32 of letters, digits and - _ @ . : */
gboolean
ota_validate_device_name (const char  *name,
                          GError     **error)
{
  gsize len = name != NULL ? strlen (name) : 0;

  if (len < 4 || len > 32)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "device",
                           _("Device name must be 4 to 32 characters long"));
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_@.:", *p) == NULL)
      {
        ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "device",
                             _("Device name may only contain letters, digits, “-”, “_”, “@”, “.” and “:”"));
        return FALSE;
      }

  return TRUE;
}

gboolean
ota_validate_region (const char  *province,
                     const char  *city,
                     GError     **error)
{
  gboolean has_province = province != NULL && *province != '\0';
  gboolean has_city = city != NULL && *city != '\0';

  if (has_city && !has_province)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "city",
                           _("A city needs its province"));
      return FALSE;
    }

  return validate_text (province, "province", N_("Province"), 0, 32, error) &&
         validate_text (city, "city", N_("City"), 0, 32, error);
}

/* R-F2: Han, A–Z/a–z, kana, digits, _ - ( ); starts with Han, a letter or a digit. */
static gboolean
is_name_start_char (gunichar c)
{
  return (c < 0x80 && g_ascii_isalnum ((char) c)) ||
         g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

static gboolean
is_name_char (gunichar c)
{
  GUnicodeScript script;

  if (is_name_start_char (c) || c == '_' || c == '-' || c == '(' || c == ')')
    return TRUE;

  script = g_unichar_get_script (c);
  /* The prolonged sound mark ー (U+30FC) is in script Common but written only in kana. */
  return script == G_UNICODE_SCRIPT_HIRAGANA || script == G_UNICODE_SCRIPT_KATAKANA || c == 0x30FC;
}

gboolean
ota_validate_firmware_name (const char  *name,
                            GError     **error)
{
  g_autofree char *nfc = NULL;
  glong chars;

  if (name == NULL || *name == '\0')
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "name",
                           _("Firmware name must be 1 to %d characters long"),
                           OTA_FIRMWARE_NAME_MAX_CHARS);
      return FALSE;
    }

  if (!g_utf8_validate (name, -1, NULL))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "name",
                           _("Firmware name is not valid UTF-8 text"));
      return FALSE;
    }

  /* Checked as it is stored (ota_engine_add_firmware() keeps the NFC form): a kana with
   * its voicing mark typed as two code points (か + ゙) is one composed kana (が). */
  nfc = g_utf8_normalize (name, -1, G_NORMALIZE_NFC);
  name = nfc;

  chars = g_utf8_strlen (name, -1);
  if (chars > OTA_FIRMWARE_NAME_MAX_CHARS)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "name",
                           _("Firmware name must be 1 to %d characters long (it has %ld)"),
                           OTA_FIRMWARE_NAME_MAX_CHARS, chars);
      return FALSE;
    }

  if (!is_name_start_char (g_utf8_get_char (name)))
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "name",
                           _("Firmware name must start with a Chinese character, an English letter or a digit"));
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_name_char (c))
        {
          char bad[8] = { 0 };

          g_unichar_to_utf8 (c, bad);
          ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "name",
                               _("Firmware name may only contain Chinese, English letters, Japanese "
                                 "kana, digits, “_”, “-”, “(” and “)”; “%s” is not allowed"), bad);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
ota_validate_version (const char  *version,
                      const char  *field,
                      GError     **error)
{
  const char *label = g_strcmp0 (field, "source-versions") == 0 ? N_("Source version")
                                                                : N_("Firmware version");

  return validate_word (version, field, label, OTA_VERSION_MAX_CHARS, error);
}

gboolean
ota_validate_module (const char  *module,
                     GError     **error)
{
  return validate_word (module, "module", N_("Firmware module"), 64, error);
}

gboolean
ota_validate_description (const char  *description,
                          GError     **error)
{
  /* R-F9 limits the length only: a description may have several lines. */
  return validate_text_full (description, "description", N_("Description"),
                             0, OTA_FIRMWARE_DESCRIPTION_MAX_CHARS, TRUE, error);
}

static const char * const firmware_extensions[] = {
  ".tar.gz", ".bin", ".tar", ".gz", ".zip", ".gzip", ".apk", NULL
};

gboolean
ota_validate_firmware_file_name (const char  *file_name,
                                 GError     **error)
{
  /* The extensions are ASCII: g_ascii_strdown also copes with names that are not UTF-8,
   * where g_utf8_strdown would read past broken sequences. */
  g_autofree char *lower = file_name != NULL ? g_ascii_strdown (file_name, -1) : NULL;

  /* The first (longest) matching extension decides, so "x.tar.gz" is a .tar.gz and a
   * file called just ".tar.gz" has no name before its extension. */
  for (guint i = 0; lower != NULL && firmware_extensions[i] != NULL; i++)
    if (g_str_has_suffix (lower, firmware_extensions[i]))
      {
        if (strlen (lower) > strlen (firmware_extensions[i]))
          return TRUE;
        break;
      }

  ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                       _("Firmware file must end in .bin, .tar, .gz, .tar.gz, .zip, .gzip or .apk"));
  return FALSE;
}

gboolean
ota_validate_firmware_size (guint64   size,
                            GError  **error)
{
  if (size == 0)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file", _("Firmware file is empty"));
      return FALSE;
    }

  if (size > OTA_FIRMWARE_MAX_SIZE)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "file",
                           _("Firmware file must be at most 1,000 MB (1,048,576,000 bytes); "
                             "it has %" PRIu64 " bytes"), size);
      return FALSE;
    }

  return TRUE;
}
