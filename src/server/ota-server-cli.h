/* ota-server-cli.h — the "token" commands of ota-server */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @argv: "token" and what follows. Returns the exit code (0, 1 failed, 2 usage). */
int ota_server_cli_tokens (const char  *db_path,
                           int          argc,
                           char       **argv);

G_END_DECLS
