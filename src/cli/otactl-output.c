/* otactl-output.c — how otactl prints: text tables, JSON, times, sizes, progress */
#include <stdio.h>

#include "otactl-private.h"

struct _OtactlTable
{
  guint      n_columns;
  GPtrArray *cells;   /* row-major, the header row first */
};

OtactlTable *
otactl_table_new (guint n_columns,
                  ...)
{
  OtactlTable *table = g_new0 (OtactlTable, 1);
  va_list args;

  table->n_columns = n_columns;
  table->cells = g_ptr_array_new_with_free_func (g_free);

  va_start (args, n_columns);
  for (guint i = 0; i < n_columns; i++)
    g_ptr_array_add (table->cells, g_strdup (va_arg (args, const char *)));
  va_end (args);

  return table;
}

/* One cell per column; "" prints as "-" (unknown), NULL as nothing. */
void
otactl_table_add_row (OtactlTable *table,
                      ...)
{
  va_list args;

  va_start (args, table);
  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *cell = va_arg (args, const char *);

      g_ptr_array_add (table->cells, g_strdup (cell == NULL ? "" : *cell == '\0' ? "-" : cell));
    }
  va_end (args);
}

/* Terminal columns a string takes: CJK characters are two wide. */
static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

void
otactl_table_print (OtactlTable *table)
{
  g_autofree guint *widths = g_new0 (guint, table->n_columns);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < table->cells->len; i++)
    widths[i % table->n_columns] = MAX (widths[i % table->n_columns],
                                        display_width (g_ptr_array_index (table->cells, i)));

  for (guint i = 0; i < table->cells->len; i++)
    {
      guint column = i % table->n_columns;
      const char *cell = g_ptr_array_index (table->cells, i);

      g_string_append (line, cell);
      if (column + 1 < table->n_columns)
        {
          for (guint pad = display_width (cell); pad < widths[column] + 2; pad++)
            g_string_append_c (line, ' ');
        }
      else
        {
          g_string_append_c (line, '\n');
          fputs (line->str, stdout);
          g_string_truncate (line, 0);
        }
    }
}

void
otactl_print_field (guint       width,
                    const char *label,
                    const char *format,
                    ...)
{
  g_autoptr(GString) line = g_string_new (label);
  va_list args;

  for (guint pad = display_width (label); pad < width; pad++)
    g_string_append_c (line, ' ');
  g_string_append_c (line, ' ');

  va_start (args, format);
  g_string_append_vprintf (line, format, args);
  va_end (args);

  g_print ("%s", line->str);
}

void
otactl_table_free (OtactlTable *table)
{
  g_ptr_array_unref (table->cells);
  g_free (table);
}

void
otactl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  json_node_unref (node);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

char *
otactl_format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  if (usec <= 0 || time == NULL)
    return g_strdup ("-");
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

char *
otactl_format_time_iso (gint64 usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = NULL;

  if (seconds == NULL)
    return NULL;
  time = g_date_time_add (seconds, usec % G_USEC_PER_SEC);
  return g_date_time_format_iso8601 (time);
}

char *
otactl_format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_LONG_FORMAT);
}

const char *
otactl_yes_no (gboolean value)
{
  return value ? _("yes") : _("no");
}

/* Progress may come from a worker thread; only whole-percent changes are printed. */
static gint last_progress = -1;

void
otactl_progress_stderr (guint64  done,
                        guint64  total,
                        gpointer user_data)
{
  const char *label = user_data;
  gint shown = total > 0 ? (gint) (done * 100 / total) : (gint) (done / 1000);

  if (g_atomic_int_exchange (&last_progress, shown) == shown)
    return;

  if (total > 0)
    fprintf (stderr, "\r%s %3d%%", label, shown);
  else
    fprintf (stderr, "\r%s %" G_GUINT64_FORMAT, label, done);
  fflush (stderr);
}

void
otactl_progress_end (void)
{
  if (g_atomic_int_exchange (&last_progress, -1) != -1)
    {
      fputc ('\n', stderr);
      fflush (stderr);
    }
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          gint64       usec)
{
  g_autofree char *text = otactl_format_time_iso (usec);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

/* Unknown values ("" or NULL) are null in JSON. */
static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL && *value != '\0')
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value != NULL ? value : "");
}

static void
add_nick (JsonBuilder *builder,
          const char  *member,
          GType        type,
          int          value)
{
  add_string (builder, member, ota_enum_to_nick (type, value));
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

JsonNode *
otactl_product_to_json (OtaProduct *product)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "key", ota_product_get_key (product));
  add_string (builder, "name", ota_product_get_name (product));
  add_nick (builder, "project_type", OTA_TYPE_PROJECT_TYPE, ota_product_get_project_type (product));
  add_nick (builder, "network_type", OTA_TYPE_NETWORK_TYPE, ota_product_get_network_type (product));
  add_bool (builder, "alios_things", ota_product_get_alios_things (product));
  add_bool (builder, "android_sdk", ota_product_get_android_sdk (product));
  add_bool (builder, "secure_upgrade", ota_product_get_secure_upgrade (product));
  add_int (builder, "device_count", (gint64) ota_product_get_device_count (product));
  add_time (builder, "created_at", ota_product_get_created_at (product));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
otactl_device_to_json (OtaDevice *device)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) modules = ota_device_dup_modules (device);

  json_builder_begin_object (builder);
  add_string (builder, "product", ota_device_get_product_key (device));
  add_string (builder, "name", ota_device_get_name (device));
  add_string_or_null (builder, "province", ota_device_get_province (device));
  add_string_or_null (builder, "city", ota_device_get_city (device));
  add_bool (builder, "online", ota_device_get_online (device));
  json_builder_set_member_name (builder, "versions");
  json_builder_begin_object (builder);
  for (guint i = 0; modules != NULL && modules[i] != NULL; i++)
    add_string (builder, modules[i], ota_device_get_version (device, modules[i]));
  json_builder_end_object (builder);
  add_time (builder, "created_at", ota_device_get_created_at (device));
  add_time (builder, "updated_at", ota_device_get_updated_at (device));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
otactl_firmware_to_json (OtaFirmware *firmware)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *sources = ota_firmware_get_source_versions (firmware);

  json_builder_begin_object (builder);
  add_int (builder, "id", ota_firmware_get_id (firmware));
  add_string (builder, "product", ota_firmware_get_product_key (firmware));
  add_string (builder, "name", ota_firmware_get_name (firmware));
  add_nick (builder, "type", OTA_TYPE_FIRMWARE_TYPE, ota_firmware_get_firmware_type (firmware));
  add_string (builder, "version", ota_firmware_get_version (firmware));
  json_builder_set_member_name (builder, "source_versions");
  json_builder_begin_array (builder);
  for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
    json_builder_add_string_value (builder, sources[i]);
  json_builder_end_array (builder);
  add_string (builder, "module", ota_firmware_get_module (firmware));
  add_nick (builder, "sign_algorithm", OTA_TYPE_SIGN_ALGORITHM, ota_firmware_get_sign_algorithm (firmware));
  add_string (builder, "file_name", ota_firmware_get_file_name (firmware));
  add_int (builder, "size", (gint64) ota_firmware_get_size (firmware));
  add_string (builder, "digest", ota_firmware_get_digest (firmware));
  add_string (builder, "blob_sha256", ota_firmware_get_blob_sha256 (firmware));
  add_string_or_null (builder, "signature", ota_firmware_get_signature (firmware));
  add_string (builder, "description", ota_firmware_get_description (firmware));
  add_nick (builder, "status", OTA_TYPE_FIRMWARE_STATUS, ota_firmware_get_status (firmware));
  add_time (builder, "created_at", ota_firmware_get_created_at (firmware));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
otactl_module_to_json (OtaModule *module)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "product", ota_module_get_product_key (module));
  add_string (builder, "name", ota_module_get_name (module));
  add_int (builder, "device_count", (gint64) ota_module_get_device_count (module));
  json_builder_set_member_name (builder, "versions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ota_module_get_n_versions (module); i++)
    {
      json_builder_begin_object (builder);
      add_string (builder, "version", ota_module_get_version (module, i));
      add_int (builder, "devices", (gint64) ota_module_get_version_devices (module, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
