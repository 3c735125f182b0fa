/* ota-broker-table.h: a small string-keyed hash table for the broker plugin.
 *
 * The plugin runs inside mosquitto, where GLib is not wanted, and mosquitto
 * does not export its own hash tables to plugins.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct _OtaBrokerTable OtaBrokerTable;

/* @free_value: (nullable): called on a value when it is removed or replaced */
OtaBrokerTable *ota_broker_table_new    (void (*free_value) (void *value));
void            ota_broker_table_free   (OtaBrokerTable *table);

/* Returns: (transfer none) (nullable): the value stored under @key */
void           *ota_broker_table_lookup (OtaBrokerTable *table,
                                         const char     *key);

/* Stores @value under a copy of @key, freeing a value it replaces.
 * Returns: false when out of memory (then nothing changed, @value not taken). */
bool            ota_broker_table_insert (OtaBrokerTable *table,
                                         const char     *key,
                                         void           *value);

/* Removes @key and frees its value. Returns: whether @key was there. */
bool            ota_broker_table_remove (OtaBrokerTable *table,
                                         const char     *key);

size_t          ota_broker_table_size   (OtaBrokerTable *table);
