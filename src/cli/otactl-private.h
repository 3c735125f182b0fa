/* otactl-private.h — what the files of otactl share
 *
 * otactl.c holds main, the global options, the command dispatch and the exit codes;
 * otactl-output.c the table, JSON and progress helpers; one file per command group.
 */
#pragma once

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <ota.h>

#include "ota-backend.h"

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
  char         *server;       /* --server, else $OTA_SERVER (see otactl_is_remote) */
  gboolean      server_from_env; /* the server came from $OTA_SERVER */
  gboolean      token_from_env;  /* the token came from $OTA_TOKEN, not the keyring */
  char         *tls_ca;       /* --tls-ca, else $OTA_CA_FILE: the server's CA (PEM) */
  gboolean      json;         /* --json */
  OtaEngine    *engine;       /* opened on first use */
  OtaBackend   *backend;      /* what the commands work on, made on first use */
  GAsyncResult *result;       /* of the last backend call (OTACTL_ASYNC, otactl_await) */
  OtaManualClock *manual_clock; /* the database's manual clock (clock.mode), else NULL */
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
  const char        *summary;   /* marked with N_, translated when shown */
} OtactlCommand;

/* ---- otactl.c ---------------------------------------------------------- */

/* The --db engine, opened on first use; for the commands that work on the database
 * itself. With --server it refuses: a usage error naming the command (exit code 1). */
OtaEngine      *otactl_get_engine          (Otactl               *ctl,
                                            GError              **error);
/* TRUE with --server URL, or $OTA_SERVER when --db was not given. */
gboolean        otactl_is_remote           (Otactl               *ctl);
/* (transfer none): what the commands with a backend operation go through: an
 * OtaRemoteBackend with --server (token: $OTA_TOKEN, else the keyring), else an
 * OtaLocalBackend over otactl_get_engine(). */
OtaBackend     *otactl_get_backend         (Otactl               *ctl,
                                            GError              **error);
/* A token the server refused: says which token, and what to do (otactl-server.c). */
void            otactl_explain_remote_error (Otactl              *ctl,
                                             GError              *error);
/* One backend call, waited for:
 *   ota_backend_get_batch_async (backend, id, OTACTL_ASYNC (ctl));
 *   batch = ota_backend_get_batch_finish (backend, otactl_await (ctl), error);
 * Ctrl-C cancels the call while it runs. */
#define OTACTL_ASYNC(ctl) (ctl)->cancellable, otactl_async_done, otactl_next_call (ctl)
/* Drops the previous call's result, catches SIGINT; the slot for otactl_async_done(). */
GAsyncResult  **otactl_next_call           (Otactl               *ctl);
/* (transfer none): the call's result, once it came; valid until the next call. */
GAsyncResult   *otactl_await               (Otactl               *ctl);
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

/* One line of a key/value view: @label padded to @width display columns (Chinese
 * counts two, so translated labels line up), a space, then the formatted value. */
void         otactl_print_field      (guint         width,
                                      const char   *label,
                                      const char   *format,
                                      ...) G_GNUC_PRINTF (3, 4);

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

/* ---- otactl-clock.c: the clock a database runs on -------------------------- */

/* Meta keys: clock.mode "real" (default) or "manual"; clock.manual_now, µs in decimal. */
#define OTACTL_CLOCK_MODE_KEY "clock.mode"
#define OTACTL_CLOCK_NOW_KEY  "clock.manual_now"

/* Called by otactl_get_engine() right after opening: puts in place the clock the
 * database asks for, then handles everything that fell due (ota_engine_run_due). */
gboolean     otactl_clock_attach     (Otactl       *ctl,
                                      GError      **error);
/* Moves the manual clock forward to @now_us, saves clock.manual_now, then handles what
 * fell due. CONFLICT when the clock is real; INVALID_FIELD (@field) when backwards.
 * For "clock advance/set" and any tool that steps the clock (sim run). */
gboolean     otactl_clock_move_to    (Otactl       *ctl,
                                      gint64        now_us,
                                      const char   *field,
                                      GError      **error);
/* Saves where ctl->manual_clock stands now as clock.manual_now, for tools that moved it
 * themselves (ota_sim_fleet_run_until). CONFLICT when the clock is real. */
gboolean     otactl_clock_save       (Otactl       *ctl,
                                      GError      **error);
/* The engine's now (µs); the engine must be open. */
gint64       otactl_clock_now        (Otactl       *ctl);
/* "90s", "10m", "2h", "1d", "1h30m": whole numbers with units d, h, m, s, largest first;
 * more than zero. INVALID_FIELD naming @field; @label is the field for people. */
gboolean     otactl_parse_duration   (const char   *text,
                                      const char   *field,
                                      const char   *label,
                                      GTimeSpan    *duration,
                                      GError      **error);
/* ISO 8601; without a zone, local time. */
gboolean     otactl_parse_time       (const char   *text,
                                      const char   *field,
                                      const char   *label,
                                      gint64       *usec,
                                      GError      **error);
/* The form otactl_parse_duration() reads: "1h30m", "0s". */
char        *otactl_format_duration  (GTimeSpan     duration);

/* ---- otactl-rollout-output.c: batches, tasks, forecasts, audit ------------- */

/* "pending-push (scheduled: 2026-01-01 08:15:00)", "failed (download-failed)",
 * "pushed (retry: download-failed)". */
char        *otactl_task_describe_status (OtaTask  *task);
JsonNode    *otactl_batch_to_json    (OtaBatch     *batch);
JsonNode    *otactl_task_to_json     (OtaTask      *task);
void         otactl_print_batch_text (OtaBatch     *batch);
/* "ID" text for a positive whole number argument; INVALID_FIELD naming @field. */
gboolean     otactl_parse_id         (const char   *text,
                                      const char   *field,
                                      const char   *label,
                                      gint64       *id,
                                      GError      **error);
/* "a,b" "c" → { "a", "b", "c" }: comma-separated or repeated options, blanks dropped. */
GStrv        otactl_split_list       (char        **options);

/* ---- command groups ------------------------------------------------------- */

gboolean otactl_product_run  (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_device_run   (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_firmware_run (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_module_run   (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_demo_run     (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_clock_run    (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_verify_run   (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_batch_run    (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_task_run     (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_failures_run (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_audit_run    (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_sim_run      (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_login_run    (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_logout_run   (Otactl *ctl, int argc, char **argv, GError **error);

/* "device online|offline|report|progress|confirm|decline" (otactl-events.c), in the
 * device group's table. */
gboolean otactl_device_online   (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_device_offline  (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_device_report   (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_device_progress (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_device_confirm  (Otactl *ctl, int argc, char **argv, GError **error);
gboolean otactl_device_decline  (Otactl *ctl, int argc, char **argv, GError **error);

G_END_DECLS
