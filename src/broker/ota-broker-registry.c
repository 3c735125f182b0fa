/* ota-broker-registry.c: who is connected, by client id and by device. */
#include "ota-broker-registry.h"

#include "ota-broker-table.h"
#include "ota-broker-topics.h"

#include <stdlib.h>
#include <string.h>

typedef struct
{
  const void *connection;
  char *client_id;
  bool is_device;
  OtaBrokerDevice device;
} Connection;

/* by_id owns the connections; by_device ("{pk}/{dn}") borrows them. Only a
 * device's current connection is in by_id. */
struct _OtaBrokerRegistry
{
  OtaBrokerTable *by_id;
  OtaBrokerTable *by_device;
};

typedef char DeviceKey[OTA_BROKER_PRODUCT_KEY_MAX + 1 + OTA_BROKER_DEVICE_NAME_MAX + 1];

static void
connection_free (void *data)
{
  Connection *connection = data;

  free (connection->client_id);
  free (connection);
}

OtaBrokerRegistry *
ota_broker_registry_new (void)
{
  OtaBrokerRegistry *registry = calloc (1, sizeof *registry);

  if (registry == NULL)
    return NULL;

  registry->by_id = ota_broker_table_new (connection_free);
  registry->by_device = ota_broker_table_new (NULL);
  if (registry->by_id == NULL || registry->by_device == NULL)
    {
      ota_broker_registry_free (registry);
      return NULL;
    }

  return registry;
}

void
ota_broker_registry_free (OtaBrokerRegistry *registry)
{
  if (registry == NULL)
    return;

  ota_broker_table_free (registry->by_device);
  ota_broker_table_free (registry->by_id);
  free (registry);
}

static bool
same_owner (const Connection      *connection,
            const OtaBrokerDevice *device)
{
  if (device == NULL || !connection->is_device)
    return device == NULL && !connection->is_device;

  return strcmp (connection->device.product_key, device->product_key) == 0 &&
         strcmp (connection->device.device_name, device->device_name) == 0;
}

OtaBrokerRegistryResult
ota_broker_registry_login (OtaBrokerRegistry     *registry,
                           const void            *connection,
                           const char            *client_id,
                           const OtaBrokerDevice *device,
                           char                 **kick_client_id)
{
  Connection *existing = ota_broker_table_lookup (registry->by_id, client_id);
  Connection *previous = NULL;
  bool previous_same_id = false;
  Connection *current;
  DeviceKey key;

  *kick_client_id = NULL;

  /* Logging in with another device's client id would make mosquitto close
   * that device's connection: refuse it instead. */
  if (existing != NULL && !same_owner (existing, device))
    return OTA_BROKER_REGISTRY_ID_TAKEN;

  current = calloc (1, sizeof *current);
  if (current == NULL || (current->client_id = strdup (client_id)) == NULL)
    {
      free (current);
      return OTA_BROKER_REGISTRY_NO_MEMORY;
    }
  current->connection = connection;
  current->is_device = device != NULL;

  if (device != NULL)
    {
      current->device = *device;
      ota_broker_device_key (device, key);
      previous = ota_broker_table_lookup (registry->by_device, key);
      previous_same_id = previous != NULL && strcmp (previous->client_id, client_id) == 0;
      if (!ota_broker_table_insert (registry->by_device, key, current))
        {
          connection_free (current);
          return OTA_BROKER_REGISTRY_NO_MEMORY;
        }
    }

  /* Replaces (and frees) a connection with the same id: mosquitto closes that
   * one itself. Only adding a new id can fail. */
  if (!ota_broker_table_insert (registry->by_id, client_id, current))
    {
      if (device != NULL && previous != NULL)
        ota_broker_table_insert (registry->by_device, key, previous);
      else if (device != NULL)
        ota_broker_table_remove (registry->by_device, key);
      connection_free (current);
      return OTA_BROKER_REGISTRY_NO_MEMORY;
    }

  if (previous != NULL && !previous_same_id)
    {
      *kick_client_id = strdup (previous->client_id);
      ota_broker_table_remove (registry->by_id, previous->client_id);
    }

  return OTA_BROKER_REGISTRY_OK;
}

bool
ota_broker_registry_logout (OtaBrokerRegistry *registry,
                            const void        *connection,
                            const char        *client_id,
                            OtaBrokerDevice   *device)
{
  Connection *current;
  bool went_offline = false;

  if (client_id == NULL)
    return false;

  current = ota_broker_table_lookup (registry->by_id, client_id);
  if (current == NULL || current->connection != connection)
    return false;

  if (current->is_device)
    {
      DeviceKey key;

      ota_broker_device_key (&current->device, key);
      if (ota_broker_table_lookup (registry->by_device, key) == current)
        {
          ota_broker_table_remove (registry->by_device, key);
          *device = current->device;
          went_offline = true;
        }
    }
  ota_broker_table_remove (registry->by_id, client_id);

  return went_offline;
}

const char *
ota_broker_registry_lookup (OtaBrokerRegistry     *registry,
                            const OtaBrokerDevice *device)
{
  Connection *current;
  DeviceKey key;

  ota_broker_device_key (device, key);
  current = ota_broker_table_lookup (registry->by_device, key);

  return current != NULL ? current->client_id : NULL;
}

bool
ota_broker_registry_identify (OtaBrokerRegistry *registry,
                              const void        *connection,
                              const char        *client_id,
                              bool              *is_device,
                              OtaBrokerDevice   *device)
{
  Connection *current;

  if (client_id == NULL)
    return false;

  current = ota_broker_table_lookup (registry->by_id, client_id);
  if (current == NULL || current->connection != connection)
    return false;

  *is_device = current->is_device;
  if (current->is_device)
    *device = current->device;

  return true;
}

size_t
ota_broker_registry_n_devices (OtaBrokerRegistry *registry)
{
  return ota_broker_table_size (registry->by_device);
}
