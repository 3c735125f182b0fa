/* ota-broker-table.c: a small string-keyed hash table (chained, FNV-1a). */
#include "ota-broker-table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct _Node Node;
struct _Node
{
  Node *next;
  uint32_t hash;
  void *value;
  char key[];
};

struct _OtaBrokerTable
{
  Node **buckets;
  size_t n_buckets;   /* a power of two */
  size_t size;
  void (*free_value) (void *value);
};

#define INITIAL_BUCKETS 64

static uint32_t
hash_string (const char *key)
{
  uint32_t h = 2166136261u;

  for (const unsigned char *p = (const unsigned char *) key; *p != '\0'; p++)
    {
      h ^= *p;
      h *= 16777619u;
    }

  return h;
}

OtaBrokerTable *
ota_broker_table_new (void (*free_value) (void *value))
{
  OtaBrokerTable *table = calloc (1, sizeof *table);

  if (table == NULL)
    return NULL;

  table->buckets = calloc (INITIAL_BUCKETS, sizeof *table->buckets);
  if (table->buckets == NULL)
    {
      free (table);
      return NULL;
    }
  table->n_buckets = INITIAL_BUCKETS;
  table->free_value = free_value;

  return table;
}

void
ota_broker_table_free (OtaBrokerTable *table)
{
  if (table == NULL)
    return;

  for (size_t i = 0; i < table->n_buckets; i++)
    {
      Node *node = table->buckets[i];

      while (node != NULL)
        {
          Node *next = node->next;

          if (table->free_value != NULL)
            table->free_value (node->value);
          free (node);
          node = next;
        }
    }
  free (table->buckets);
  free (table);
}

static Node **
find_link (OtaBrokerTable *table,
           const char     *key,
           uint32_t        hash)
{
  Node **link = &table->buckets[hash & (table->n_buckets - 1)];

  while (*link != NULL && ((*link)->hash != hash || strcmp ((*link)->key, key) != 0))
    link = &(*link)->next;

  return link;
}

void *
ota_broker_table_lookup (OtaBrokerTable *table,
                         const char     *key)
{
  Node *node = *find_link (table, key, hash_string (key));

  return node != NULL ? node->value : NULL;
}

/* Growing is best effort: a table that cannot grow still works, only slower. */
static void
maybe_grow (OtaBrokerTable *table)
{
  size_t n_new = table->n_buckets * 2;
  Node **buckets;

  if (table->size < table->n_buckets)
    return;

  buckets = calloc (n_new, sizeof *buckets);
  if (buckets == NULL)
    return;

  for (size_t i = 0; i < table->n_buckets; i++)
    {
      Node *node = table->buckets[i];

      while (node != NULL)
        {
          Node *next = node->next;
          Node **head = &buckets[node->hash & (n_new - 1)];

          node->next = *head;
          *head = node;
          node = next;
        }
    }
  free (table->buckets);
  table->buckets = buckets;
  table->n_buckets = n_new;
}

bool
ota_broker_table_insert (OtaBrokerTable *table,
                         const char     *key,
                         void           *value)
{
  uint32_t hash = hash_string (key);
  Node **link = find_link (table, key, hash);
  size_t key_len;
  Node *node;

  if (*link != NULL)
    {
      void *old = (*link)->value;

      (*link)->value = value;
      if (old != value && table->free_value != NULL)
        table->free_value (old);
      return true;
    }

  key_len = strlen (key);
  node = malloc (sizeof *node + key_len + 1);
  if (node == NULL)
    return false;
  node->next = NULL;
  node->hash = hash;
  node->value = value;
  memcpy (node->key, key, key_len + 1);
  *link = node;
  table->size++;

  maybe_grow (table);
  return true;
}

bool
ota_broker_table_remove (OtaBrokerTable *table,
                         const char     *key)
{
  Node **link = find_link (table, key, hash_string (key));
  Node *node = *link;

  if (node == NULL)
    return false;

  *link = node->next;
  table->size--;
  if (table->free_value != NULL)
    table->free_value (node->value);
  free (node);

  return true;
}

size_t
ota_broker_table_size (OtaBrokerTable *table)
{
  return table->size;
}
