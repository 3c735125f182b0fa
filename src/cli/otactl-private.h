/* otactl-private.h — what the files of otactl share
 *
 * otactl.c holds main, the global options, the command dispatch and the exit codes;
 * otactl-output.c the table, JSON and progress helpers; one file per command group.
 */
#pragma once

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <ota.h>

G_BEGIN_DECLS

/* The documented exit codes (otactl --help, docs/otactl.1). */
typedef enum {
  OTACTL_EXIT_OK        = 0,
  OTACTL_EXIT_USAGE     = 1,    /* unknown command or option, missing argument */
  OTACTL_EXIT_INVALID   = 2,    /* OTA_ERROR_INVALID_FIELD */
  OTACTL_EXIT_NOT_FOUND = 3,
  OTACTL_EXIT_CONFLICT  = 4,
  OTACTL_EXIT_FAILED    = 5,    /* store, I/O or crypto error */
  OTACTL_EXIT_CANCELLED = 130,  /* Ctrl-C, as a shell reports SIGINT */
} OtactlExit;

typedef struct {
  char         *db_path;      /* --db, $OTA_DB or the engine's default */
  gboolean      json;         /* --json */
  OtaEngine    *engine;       /* opened on first use */
  GCancellable *cancellable;  /* cancelled by Ctrl-C during long work */
  gboolean      stderr_is_tty;
  guint         sigint_source;
} Otactl;

typedef gboolean (*OtactlCommandFunc) (Otactl   *ctl,
                                       int       argc,
                                       char    **argv,
                                       GError  **error);

typedef struct {
  const char        *name;
  OtactlCommandFunc  func;
  const char        *summary;   /* N_(): translated when shown */
} OtactlCommand;

/* ---- otactl.c ---------------------------------------------------------- */

OtaEngine      *otactl_get_engine          (Otactl               *ctl,
                                            GError              **error);
/* Runs the command named by argv[1]; @group is the command line so far ("otactl product"). */
gboolean        otactl_dispatch            (Otactl               *ctl,
                                            const char           *group,
                                            const OtactlCommand  *commands,
                                            int                   argc,
                                            char                **argv,
                                            GError              **error);
/* A context for one subcommand; --db and --json are accepted there too. */
GOptionContext *otactl_option_context_new  (Otactl               *ctl,
                                            const char           *command,
                                            const char           *parameters,
                                            const char           *summary,
                                            const GOptionEntry   *entries);
/* Parses, then checks the number of positional arguments left (argv[0] excluded). */
gboolean        otactl_parse               (GOptionContext       *context,
                                            int                  *argc,
                                            char               ***argv,
                                            int                   min_args,
                                            int                   max_args,
                                            GError              **error);
/* Sets a usage error (exit code 1). Returns FALSE. */
gboolean        otactl_usage_error         (GError              **error,
                                            const char           *format,
                                            ...) G_GNUC_PRINTF (2, 3);
/* Parses an enum nick given on the command line; INVALID_FIELD naming @field. */
gboolean        otactl_parse_enum          (GType                 type,
                                            const char           *field,
                                            const char           *nick,
                                            int                  *value,
                                            GError              **error);
/* While caught (call it before starting async work, so no Ctrl-C is lost), SIGINT
 * cancels ctl->cancellable — handled while otactl_wait() runs the main context. */
void            otactl_catch_sigint        (Otactl               *ctl,
                                            gboolean              enabled);
/* Iterates the main context until otactl_async_done() stored the result in *@slot. */
void            otactl_wait                (Otactl               *ctl,
                                            GAsyncResult        **slot);
/* GAsyncReadyCallback: @user_data is the GAsyncResult ** slot. */
void            otactl_async_done          (GObject              *source,
                                            GAsyncResult         *result,
                                            gpointer              user_data);

/* ---- otactl-output.c ------------------------------------------------------ */

typedef struct _OtactlTable OtactlTable;

/* A text table; columns padded by display width (Chinese counts two). */
OtactlTable *otactl_table_new        (guint         n_columns,
                                      ...);
void         otactl_table_add_row    (OtactlTable  *table,
                                      ...);
void         otactl_table_print      (OtactlTable  *table);
void         otactl_table_free       (OtactlTable  *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OtactlTable, otactl_table_free)

/* Pretty-prints @node on stdout and flushes. Takes ownership of @node. */
void         otactl_print_json       (JsonNode     *node);
/* Local time "YYYY-MM-DD HH:MM:SS" for people, ISO 8601 UTC for JSON. */
char        *otactl_format_time      (gint64        usec);
char        *otactl_format_time_iso  (gint64        usec);
char        *otactl_format_size      (guint64       bytes);
const char  *otactl_yes_no           (gboolean      value);
/* OtaProgressFunc writing "\r<label> 42%" to stderr; @user_data: the label. */
void         otactl_progress_stderr  (guint64       done,
                                      guint64       total,
                                      gpointer      user_data);
/* Ends a progress line started by otactl_progress_stderr(). */
void         otactl_progress_end     (void);

/* JSON forms of the engine's objects; field names are stable, enums are nicks. */
JsonNode    *otactl_product_to_json  (OtaProduct   *product);
JsonNode    *otactl_device_to_json   (OtaDevice    *device);
JsonNode    *otactl_firmware_to_json (OtaFirmware  *firmware);
JsonNode    *otactl_module_to_json   (OtaModule    *module);

/* ---- command groups ------------------------------------------------------- */

gboolean otactl_product_run  (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_device_run   (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_firmware_run (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_module_run   (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_demo_run     (Otactl *ctl, int argc, char **argv, GError **error);

G_END_DECLS
