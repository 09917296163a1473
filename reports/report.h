/* reports/report.h — the results of a conformance run and the files they are written to
 * (DESIGN.md layer 5): JUnit XML (as Jenkins and GitLab read it), TAP 13, JSON with a
 * documented schema (reports/SCHEMA.md), a self-contained HTML page, and a JSON-lines
 * stream appended and flushed as each case ends, so that a killed run keeps every case
 * that finished. The other files are written at the end, each atomically (a temporary
 * file renamed into place); they can also be rebuilt from the stream of a run that was
 * killed (otacheck report --from DIR/results.jsonl).
 *
 * The conformance layer masks credentials before it hands text over; the writer masks
 * again every secret it was told about (rp_add_secret) in every text it writes, as a last
 * line of defence. */
#ifndef OTACHECK_REPORTS_REPORT_H
#define OTACHECK_REPORTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/xalloc.h"
#include "reports/formats.h"

/* The exit status of a verb whose output files could not all be written (disk full, I/O
 * error, no permission): the same code as a run that ran out of memory (OC_EXIT_NO_MEMORY),
 * "the host failed the run", whatever the verdicts (README, "Exit status"). */
#define RP_EXIT_NOT_WRITTEN OC_EXIT_NO_MEMORY

/* WARN: an expectation otacheck inferred (no document or standard states it) was not met:
 * reported with its reason, not counted as a failure (exit 0 unless --strict). */
enum rp_verdict { RP_PASS, RP_FAIL, RP_NA, RP_ERROR, RP_WARN };

const char *rp_verdict_name(enum rp_verdict v); /* "PASS", "FAIL", "N/A", "ERROR", "WARN" */
struct rp_case;
/* The rule to say before a case's reason: NULL when the reason starts with "RULE:" already
 * (the runner's reasons often do), so that a format says it once. */
const char *rp_rule_before_reason(const struct rp_case *c);

/* One module a run talked to (one per vendor in a run). */
struct rp_target {
    const char *vendor;            /* "quectel" */
    const char *vendor_name;       /* "Quectel QuecThing OTA (...)" */
    const char *spec;              /* "sim:quectel", "serial:/dev/ttyUSB2,baud=115200" */
    const char *manufacturer;      /* from ATI (NULL when it did not answer) */
    const char *model;             /* from ATI */
    const char *revision;          /* from AT+CGMR (or ATI) */
    const char *imei;              /* from AT+CGSN (or ATI), every digit but the last four
                                      masked ("***********1234"); NULL when not read */
    const char *grammar_source;    /* the grammar's first source document */
    unsigned grammar_revision;     /* the grammar file's 'revision' */
    const char *dialect;           /* the dialect choices in force, "knob=a|b,..." */
    const char *caps_file;         /* the capability file, or NULL */
    const char *caps_note;         /* e.g. "no capability file: the reference module's defaults" */
    const char *grammar_sha256;    /* the SHA-256 of the grammar file's text */
    const char *caps_sha256;       /* the SHA-256 of the capability file, credentials as *** */
    const char *clock;             /* "virtual" (sim:: simulated times) or "wall" */
    bool destructive_allowed;
    double overhead_ms;            /* measured transport overhead (a round trip of AT), -1 unknown */
};

/* A timed step of a case, for the pictures (the latency chart per command and form, the
 * timeline of a flow): an exchange (a command line and its final result) or an event (a
 * line the module sent by itself, that a flow took as one of its events). */
struct rp_step {
    bool event;              /* an event of the flow; false: an exchange */
    bool failed;             /* something was wrong at it: an exchange slower than its limit
                                (a response-time finding), the event a flow broke its rule at */
    double t_ms;             /* when it began, since the case began */
    const char *text;        /* the command line sent, or the event's line (masked, at most
                                RP_STEP_TEXT_MAX bytes) */
    const char *command;     /* an exchange: the command ("+QIOTUPDATE"), or NULL when the
                                grammar does not know the line */
    const char *form;        /* an exchange: its form ("write"), or NULL */
    double latency_ms;       /* an exchange: command -> final; < 0: no final (or an event) */
    double limit_ms;         /* an exchange: the grammar's limit for it; 0: none */
};
#define RP_STEP_TEXT_MAX 160
/* Steps a case keeps (a flow that reads its image in 1 KB blocks makes one per block); the
 * steps past it are counted in n_steps_dropped. */
#define RP_MAX_STEPS 512

/* One case's result. Every string is copied by rp_case. */
struct rp_case {
    const char *id;          /* unique, stable: "quectel/+QIOTUPDATE/write/valid/update_action=3" */
    const char *suite;       /* the CUnit suite: "quectel +QIOTUPDATE", "quectel flow fota" */
    const char *name;        /* the case within its suite: "write valid update_action=3" */
    const char *vendor;
    const char *command;     /* "+QIOTUPDATE" ("" for a flow) */
    const char *form;        /* "test", "read", "write", "exec", "flow", "example" */
    enum rp_verdict verdict;
    const char *rule;        /* the rule the case checks (FAIL: the rule broken) */
    const char *reason;      /* FAIL: what is wrong; N/A: why not run; ERROR: what stopped it */
    const char *expected;    /* FAIL: what the rule wants */
    const char *seen;        /* FAIL, WARN: what came */
    /* Where the requirement the rule checks comes from (FAIL and WARN; PASS may have it):
     * source_kind is "document" (a vendor document, source names it and its section),
     * "standard" (ITU-T V.250, 3GPP TS 27.007 / 27.005 clause) or "inferred" (source says
     * why otacheck expects it); NULL when the case has none. */
    const char *source_kind;
    const char *source;
    /* The other findings of the case, one per line ("rule: seen [source]"), or NULL. */
    const char *others;
    /* the exchange the verdict is about (the case's own line; for a response-time FAIL the
     * slow exchange, which may be a set-up step): its command's last byte -> its final's
     * last byte, and its limit */
    double latency_ms;       /* < 0: not measured */
    double first_byte_ms;   /* command's last byte -> first response byte; < 0: none */
    double limit_ms;         /* the grammar's limit; 0: none */
    double duration_ms;      /* wall time the case took */
    const char *transcript;  /* "> AT+X\n< OK\n", credentials masked */
    unsigned target;         /* index of its rp_target */
    /* its timed steps, in the order they began (NULL, 0: none recorded) */
    const struct rp_step *steps;
    size_t n_steps;
    size_t n_steps_dropped;  /* past RP_MAX_STEPS */
    /* a flow: its limits (ms; 0: none): the longest gap between two events, the whole flow */
    double stall_limit_ms, total_limit_ms;
};

struct rp_run {
    const char *tool_version;   /* "otacheck 0.1.0" */
    const char *tool_commit;    /* the commit it was built from ("unknown" outside git) */
    const char *verdict;        /* the run's: "PASS", "WARN" (passed, warnings), "FAIL"; NULL
                                   until the run ends */
    const char *command_line;   /* how it was started, credentials masked */
    const char *host;
    const char *started_at;     /* ISO 8601 UTC */
    const char *finished_at;
    bool interrupted;           /* killed, or the port vanished: the report is partial */
    const char *stopped_because;/* why it stopped early, or NULL */
};

/* The report formats, from the table of reports/formats.h: one bit each (RP_JUNIT,
 * RP_TAP, RP_JSON, RP_HTML), in the table's order. */
enum rp_format_index {
#define RP_FORMAT_INDEX(id, name, file, writer, anchors, in_all, live) RP_FORMAT_INDEX_##id,
    RP_FORMAT_TABLE(RP_FORMAT_INDEX)
#undef RP_FORMAT_INDEX
    RP_N_FORMATS
};
enum rp_format {
#define RP_FORMAT_BIT(id, name, file, writer, anchors, in_all, live) RP_##id = 1u << RP_FORMAT_INDEX_##id,
    RP_FORMAT_TABLE(RP_FORMAT_BIT)
#undef RP_FORMAT_BIT
};
/* --format all, and the default: the formats the table says (not lava: a run prints its
 * signals only when asked). */
enum {
#define RP_FORMAT_ALL(id, name, file, writer, anchors, in_all, live) | ((in_all) ? RP_##id : 0u)
    RP_ALL_FORMATS = 0u RP_FORMAT_TABLE(RP_FORMAT_ALL)
#undef RP_FORMAT_ALL
};

/* One format, as the table says it (reports/formats.c). */
struct rp_results;
struct rp_nameset;
struct rp_format_desc {
    enum rp_format bit;
    const char *name;     /* --format's name: "junit" */
    const char *file;     /* in the report directory: "junit.xml" */
    int (*write)(FILE *out, const struct rp_results *r); /* reports/report_internal.h */
    bool case_anchors;    /* each case at FILE#case-N: where the summary sends a reader */
    bool in_all;          /* taken by --format all and the default */
    /* also writes each case to the run's standard output as it ends, or NULL */
    void (*live)(FILE *out, const struct rp_case *c, struct rp_nameset *ids);
};
extern const struct rp_format_desc rp_formats[RP_N_FORMATS];
/* The format of a bit, or NULL. */
const struct rp_format_desc *rp_format_of(enum rp_format f);
/* The formats' names ("junit,tap,json,html" with sep ","), or with files their file names,
 * joined by sep, into buf. */
const char *rp_format_names(char *buf, size_t n, const char *sep, bool files);

struct rp_writer;

/* Parses "junit,tap,json,html" (any of rp_formats' names, or "all") into a mask; 0 and a
 * message on an unknown name. */
unsigned rp_parse_formats(const char *list, char *err, size_t errlen);

/* What became of each file a writer (or a rebuild) was to write: written is true only for a
 * file that is whole and in place; otherwise why says what failed, with the path and the
 * system's reason ("cannot write DIR/.junit.xml.tmp.42: No space left on device"). A file
 * not written whole is never left in place of the name (the temporary file is removed), except
 * results.jsonl, which is cut back to its last whole line and kept: it holds every case
 * streamed before the failure. */
/* The digests of the files written, written after them: `sha256sum -c SHA256SUMS`. */
#define RP_SUMS_FILE "SHA256SUMS"
/* results.jsonl, a file per format, SHA256SUMS */
#define RP_MAX_FILES (2 + RP_N_FORMATS)
struct rp_file_status {
    const char *name; /* "results.jsonl", then the formats' files: "junit.xml"... */
    bool written;
    char why[600];
};
struct rp_files {
    size_t n;
    struct rp_file_status f[RP_MAX_FILES];
};
/* Whether every file of the list was written whole. */
bool rp_files_ok(const struct rp_files *files);
/* Prints "written: DIR/ (a, b)" to out, naming only the files written whole ("written:
 * nothing in DIR/" when none was), then one line "PREFIX: not written: NAME: WHY" per file
 * that was not, to errout. prefix names the verb ("otacheck conform"). */
void rp_print_files(FILE *out, FILE *errout, const char *prefix, const char *dir,
                    const struct rp_files *files);

/* Creates dir (and parents) and starts DIR/results.jsonl. Returns NULL with a message.
 * Removes the files of the selected formats that an earlier run left in dir, so that a
 * killed run never leaves an earlier run's report looking like its own. */
struct rp_writer *rp_open(const char *dir, unsigned formats, char *err, size_t errlen);
/* A text never to be written unmasked (a credential). Register it before the cases that
 * may carry it: a line already streamed is not rewritten. */
void rp_add_secret(struct rp_writer *w, const char *secret);
/* Optional: what is known of the run before it ends (tool version, command line...), so
 * that the stream of a run that gets killed says it. Fields that are NULL keep what the
 * writer has (rp_open sets host and started_at). Streamed at once as a "run" line. */
void rp_set_run(struct rp_writer *w, const struct rp_run *run);
/* Adds a target; returns its index for rp_case.target. Streamed at once. */
unsigned rp_add_target(struct rp_writer *w, const struct rp_target *t);
/* Records a case and appends it to the stream (written and flushed before returning); the
 * live formats among the writer's (lava) write it to standard output as well. */
void rp_case(struct rp_writer *w, const struct rp_case *c);
/* Where the live formats write (stdout unless set; NULL: nowhere). */
void rp_set_live_out(struct rp_writer *w, FILE *out);
/* Every line of the stream from now on also to fd, as written
 * (reports/forward.h reads them); a write that fails ends the tee. -1: none. */
void rp_tee_stream(struct rp_writer *w, int fd);
/* The first write to the stream that fails (disk full, I/O error) ends the stream: the file
 * is cut back to its last whole line and nothing more is appended to it, but the writer
 * goes on keeping every case in memory, so the run goes on, its cases are still judged and
 * the files of rp_finish are still attempted. The failure is said once, when it happens,
 * through fn (default, fn NULL: "otacheck: MESSAGE" on stderr), and again by rp_finish
 * (rp_finish_files: results.jsonl not written). */
void rp_on_stream_error(struct rp_writer *w, void (*fn)(void *ctx, const char *msg), void *ctx);
/* The first error writing the stream, or NULL while it is whole. */
const char *rp_stream_error(const struct rp_writer *w);
/* Writes the stream's end line and the other files atomically; every format is attempted
 * even when one fails. Returns 0 when every file (the stream included) is whole, or -1 with
 * the first failure's message; rp_finish_files then says which were written. */
int rp_finish(struct rp_writer *w, const struct rp_run *run, char *err, size_t errlen);
/* After rp_finish: results.jsonl, then each selected format, in rp_formats' order. */
const struct rp_files *rp_finish_files(const struct rp_writer *w);
/* Removes the temporary file of the report file being written, if one is: for a process
 * that ends in the middle of writing it (out of memory, common/xalloc.h's handler). */
void rp_remove_temporary(void);
void rp_free(struct rp_writer *w);

/* Counts so far. */
struct rp_counts {
    unsigned total, pass, fail, na, error, warn;
};
struct rp_counts rp_counts(const struct rp_writer *w);
/* Whether the counts make the run fail (exit status 1): a FAIL or an ERROR; with strict
 * (otacheck conform --strict) a WARN too. A run whose worst verdicts are WARN passes. */
bool rp_counts_failed(struct rp_counts k, bool strict);

/* Calls fn for every case so far, in the order they ended, as the report files have it: each
 * text masked with the secrets registered so far and made valid UTF-8. The case and its
 * texts live for the length of the call. */
void rp_each_case(const struct rp_writer *w, void (*fn)(void *ctx, const struct rp_case *c),
                  void *ctx);
/* The end of a run for a person at a terminal (or its log), from the cases as rp_each_case
 * gives them: one entry per FAIL, then ERROR, then WARN case:
 *     FAIL ID  RULE: REASON            (the rule once when the reason starts with it)
 *       expected: ...                  (when the reason does not say it already)
 *       seen: ...
 *       source: KIND: SOURCE           (when the case says one)
 *       transcript: MORE_IN#case-N     (#case-N: the case's section when MORE_IN is the HTML)
 * and with transcripts (-v) the case's transcript, indented; at most max_each of each
 * verdict, then "... and N more FAIL (see MORE_IN)". Nothing when no case FAILed, ERRORed or
 * WARNed. Control characters are written as \xNN, so no text a module sent can move the
 * cursor or start an escape sequence; colour: the verdict words in ANSI colour. */
struct rp_summary_opts {
    unsigned max_each;
    const char *more_in; /* "DIR/report.html", or NULL */
    bool colour;
    bool transcripts;
};
void rp_write_summary(FILE *out, const struct rp_writer *w, const struct rp_summary_opts *o);
/* Colour on fd: a terminal, NO_COLOR unset or empty (no-color.org), TERM not "dumb". */
bool rp_colour_wanted(int fd);

/* Rebuilds the files of a run from its stream (a run that was killed): reads jsonl, writes
 * the formats into dir (NULL: the directory of jsonl). Returns 0, or -1 with a message. */
int rp_rebuild(const char *jsonl, const char *dir, unsigned formats, char *err, size_t errlen);
/* rp_rebuild, also saying what the stream held: its counts and whether the run was cut
 * short (no "end" line, or the run said so). counts and interrupted may be NULL. */
int rp_rebuild_counts(const char *jsonl, const char *dir, unsigned formats,
                      struct rp_counts *counts, bool *interrupted, char *err, size_t errlen);
/* rp_rebuild_counts, telling a stream that cannot be read (-1: nothing written) from files
 * that cannot be written (-2: files, which may be NULL, says which were; err the first
 * failure). counts and interrupted are set in both cases once the stream was read. */
#define RP_REBUILD_NOT_READ (-1)
#define RP_REBUILD_NOT_WRITTEN (-2)
int rp_rebuild_files(const char *jsonl, const char *dir, unsigned formats,
                     struct rp_counts *counts, bool *interrupted, struct rp_files *files,
                     char *err, size_t errlen);

#endif
