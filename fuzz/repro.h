/* fuzz/repro.h — reproducers of the device fuzzer (`otacheck fuzz`), in the input format
 * of the host fuzzers' session target (fuzz/targets/session.c), so that a file found on
 * either side replays on the other the same way:
 *
 *   - text lines, separated by LF or CR;
 *   - an optional first line "#vendor <id>" names the module's vendor;
 *   - other lines starting with '#' are comments (the device fuzzer writes the finding, the
 *     seed, the case number and the masked transcript there, e.g. "# < OK");
 *   - every other non-empty line is a command line, sent as it is with CR appended — except
 *     that, as the session target does, a line longer than FZ_REPRO_MAX_LINE bytes or
 *     holding a NUL is skipped, and only the first FZ_REPRO_MAX_COMMANDS are sent.
 *
 * A credential that came from configuration (the reference cloud's, harness/defaults.c) is
 * never written: it stands in a command line as ${cred:N}, which replay fills in again from
 * the same configuration (fz_creds). Credentials the fuzzer made up protect nothing and are
 * written as they were sent, or the line would not replay. */
#ifndef OTACHECK_FUZZ_REPRO_H
#define OTACHECK_FUZZ_REPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/mask.h"

#define FZ_REPRO_MAX_COMMANDS 24
#define FZ_REPRO_MAX_LINE 1000

/* ---- a sequence of command lines (each owned, NUL-terminated) ----------------------- */

struct fz_lines {
    char **line;
    size_t n, cap;
};

void fz_lines_init(struct fz_lines *l);
void fz_lines_free(struct fz_lines *l);
void fz_lines_clear(struct fz_lines *l);
/* Appends a copy of p[0..n). */
void fz_lines_push(struct fz_lines *l, const char *p, size_t n);
/* dst = src (dst's old lines are freed). */
void fz_lines_copy(struct fz_lines *dst, const struct fz_lines *src);

/* ---- credentials from configuration --------------------------------------------------- */

#define FZ_MAX_CREDS 8

struct fz_creds {
    char *value[FZ_MAX_CREDS]; /* each a whole copy (common/xalloc.h), never cut */
    unsigned n;
    struct at_secrets forms;   /* their forms, for the "***" of parser/mask.h */
};

/* Adds a value (AT_SECRET_MIN bytes or more, any length; duplicates are ignored). A zeroed
 * struct is empty. */
void fz_creds_add(struct fz_creds *c, const char *value);
/* Frees the values: c is empty again. */
void fz_creds_free(struct fz_creds *c);
/* Every credential of c in text replaced: by ${cred:N} (placeholders) or by "***"; then
 * every other form of one (case, hex, base64: parser/mask.h) by "***", so that nothing of
 * a credential is left, even where the line will no longer replay. The whole text is masked
 * before it is cut to cap - 1 bytes. */
size_t fz_creds_hide(const struct fz_creds *c, const char *text, bool placeholders, char *out,
                     size_t cap);
/* A new string (common/xalloc.h): text with ${cred:N} replaced by the value again (unknown
 * placeholders are left as they are); *len gets its length. */
char *fz_creds_fill(const struct fz_creds *c, const char *text, size_t *len);

/* ---- reading ---------------------------------------------------------------------------- */

struct fz_repro {
    char vendor[64];          /* from "#vendor <id>", or "" */
    struct fz_lines lines;    /* the command lines that are sent */
    unsigned skipped;         /* lines skipped (too long, a NUL, over the count) */
};

/* The vendor a "#vendor <id>" first line names (up to CR, LF or a space): its length,
 * with *id pointing at it, or 0 when the input has no such line. The one reading of the
 * header that the session target, the custom mutator and the reproducers share. */
size_t fz_header_vendor(const uint8_t *data, size_t size, const char **id);

void fz_repro_init(struct fz_repro *r);
void fz_repro_free(struct fz_repro *r);
/* Parses a reproducer (or a host fuzzer's session input) held in memory. */
void fz_repro_parse(struct fz_repro *r, const uint8_t *data, size_t n);
/* Reads a file. Returns 0, or -1 with a message in err. */
int fz_repro_load(struct fz_repro *r, const char *path, char *err, size_t errlen);

/* ---- writing ---------------------------------------------------------------------------- */

/* What a reproducer says about its finding, in its '#' lines. Text fields are written
 * with credentials hidden; the transcript is one "> line" / "< line" per row. */
struct fz_repro_info {
    const char *vendor;
    const char *rule, *where, *expected, *seen;
    const char *target;
    uint64_t seed, case_number;
    size_t case_lines;        /* command lines of the case that found it */
    unsigned runs;            /* re-runs minimisation made */
    bool reproduced;          /* recurred when replayed on the target */
    bool needed_history;      /* lines of earlier cases were needed */
    const char *also;         /* other rules the case broke, or NULL */
    const char *transcript;
};

/* Writes path (created or replaced, through oc_write_file_atomic, common/fileio.h). Returns 0, or -1 with a message
 * in err ("cannot write PATH: No space left on device"). */
int fz_repro_write(const char *path, const struct fz_repro_info *info, const struct fz_lines *lines,
                   const struct fz_creds *creds, char *err, size_t errlen);

#endif
