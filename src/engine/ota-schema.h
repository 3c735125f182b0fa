/* ota-schema.h — the database schema as a list of forward migrations */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* migrations[i] brings a database from user_version i to i + 1. */
extern const char * const ota_schema_migrations[];
extern const guint ota_schema_n_migrations;

G_END_DECLS
