/* ota-spec-copy.c — deep copies of the engine's spec structs */
#include "ota-spec-copy.h"

/* The struct fields are `const` for callers; a copy owns them, so they are cast here. */
#define DUP_STR(dst, src, field)  (dst)->field = g_strdup ((src)->field)
#define DUP_STRV(dst, src, field) (dst)->field = (const char * const *) g_strdupv ((char **) (src)->field)
#define FREE_STR(s, field)        g_free ((char *) (s)->field)
#define FREE_STRV(s, field)       g_strfreev ((char **) (s)->field)

OtaProductSpec *
ota_product_spec_copy (const OtaProductSpec *spec)
{
  OtaProductSpec *copy = g_memdup2 (spec, sizeof *spec);

  DUP_STR (copy, spec, key);
  DUP_STR (copy, spec, name);
  return copy;
}

void
ota_product_spec_free (OtaProductSpec *spec)
{
  if (spec == NULL)
    return;
  FREE_STR (spec, key);
  FREE_STR (spec, name);
  g_free (spec);
}

OtaDeviceSpec *
ota_device_spec_copy (const OtaDeviceSpec *spec)
{
  OtaDeviceSpec *copy = g_memdup2 (spec, sizeof *spec);

  DUP_STR (copy, spec, product_key);
  DUP_STR (copy, spec, name);
  DUP_STR (copy, spec, province);
  DUP_STR (copy, spec, city);

  if (spec->versions != NULL)
    {
      GHashTableIter iter;
      gpointer module, version;

      copy->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, spec->versions);
      while (g_hash_table_iter_next (&iter, &module, &version))
        g_hash_table_insert (copy->versions, g_strdup (module), g_strdup (version));
    }

  return copy;
}

void
ota_device_spec_free (OtaDeviceSpec *spec)
{
  if (spec == NULL)
    return;
  FREE_STR (spec, product_key);
  FREE_STR (spec, name);
  FREE_STR (spec, province);
  FREE_STR (spec, city);
  g_clear_pointer (&spec->versions, g_hash_table_unref);
  g_free (spec);
}

OtaDeviceQuery *
ota_device_query_copy (const OtaDeviceQuery *query)
{
  OtaDeviceQuery *copy = g_memdup2 (query, sizeof *query);

  DUP_STR (copy, query, product_key);
  DUP_STR (copy, query, search);
  DUP_STR (copy, query, province);
  DUP_STR (copy, query, city);
  DUP_STR (copy, query, module);
  DUP_STRV (copy, query, versions);
  return copy;
}

void
ota_device_query_free (OtaDeviceQuery *query)
{
  if (query == NULL)
    return;
  FREE_STR (query, product_key);
  FREE_STR (query, search);
  FREE_STR (query, province);
  FREE_STR (query, city);
  FREE_STR (query, module);
  FREE_STRV (query, versions);
  g_free (query);
}

OtaFirmwareSpec *
ota_firmware_spec_copy (const OtaFirmwareSpec *spec)
{
  OtaFirmwareSpec *copy = g_memdup2 (spec, sizeof *spec);

  DUP_STR (copy, spec, product_key);
  DUP_STR (copy, spec, name);
  DUP_STR (copy, spec, version);
  DUP_STRV (copy, spec, source_versions);
  DUP_STR (copy, spec, module);
  DUP_STR (copy, spec, description);
  return copy;
}

void
ota_firmware_spec_free (OtaFirmwareSpec *spec)
{
  if (spec == NULL)
    return;
  FREE_STR (spec, product_key);
  FREE_STR (spec, name);
  FREE_STR (spec, version);
  FREE_STRV (spec, source_versions);
  FREE_STR (spec, module);
  FREE_STR (spec, description);
  g_free (spec);
}

OtaVerifySpec *
ota_verify_spec_copy (const OtaVerifySpec *spec)
{
  OtaVerifySpec *copy = g_memdup2 (spec, sizeof *spec);

  DUP_STRV (copy, spec, source_versions);
  DUP_STRV (copy, spec, devices);
  return copy;
}

void
ota_verify_spec_free (OtaVerifySpec *spec)
{
  if (spec == NULL)
    return;
  FREE_STRV (spec, source_versions);
  FREE_STRV (spec, devices);
  g_free (spec);
}

OtaBatchSpec *
ota_batch_spec_copy (const OtaBatchSpec *spec)
{
  OtaBatchSpec *copy = g_memdup2 (spec, sizeof *spec);

  DUP_STRV (copy, spec, source_versions);
  DUP_STRV (copy, spec, devices);

  if (spec->regions != NULL && spec->n_regions > 0)
    {
      OtaRegion *regions = g_new0 (OtaRegion, spec->n_regions);

      for (guint i = 0; i < spec->n_regions; i++)
        {
          DUP_STR (&regions[i], &spec->regions[i], province);
          DUP_STR (&regions[i], &spec->regions[i], city);
        }
      copy->regions = regions;
    }
  else
    {
      /* Keep what the engine will check (n_regions without regions is an error). */
      copy->regions = NULL;
    }

  return copy;
}

void
ota_batch_spec_free (OtaBatchSpec *spec)
{
  if (spec == NULL)
    return;
  FREE_STRV (spec, source_versions);
  FREE_STRV (spec, devices);

  if (spec->regions != NULL)
    {
      for (guint i = 0; i < spec->n_regions; i++)
        {
          FREE_STR (&spec->regions[i], province);
          FREE_STR (&spec->regions[i], city);
        }
      g_free ((OtaRegion *) spec->regions);
    }

  g_free (spec);
}

OtaTaskQuery *
ota_task_query_copy (const OtaTaskQuery *query)
{
  OtaTaskQuery *copy = g_memdup2 (query, sizeof *query);

  DUP_STR (copy, query, search);
  return copy;
}

void
ota_task_query_free (OtaTaskQuery *query)
{
  if (query == NULL)
    return;
  FREE_STR (query, search);
  g_free (query);
}

OtaDeviceEvent *
ota_device_event_copy (const OtaDeviceEvent *event)
{
  OtaDeviceEvent *copy = g_memdup2 (event, sizeof *event);

  DUP_STR (copy, event, product_key);
  DUP_STR (copy, event, device_name);
  DUP_STR (copy, event, module);
  DUP_STR (copy, event, version);
  DUP_STR (copy, event, description);
  return copy;
}

void
ota_device_event_free (OtaDeviceEvent *event)
{
  if (event == NULL)
    return;
  FREE_STR (event, product_key);
  FREE_STR (event, device_name);
  FREE_STR (event, module);
  FREE_STR (event, version);
  FREE_STR (event, description);
  g_free (event);
}
