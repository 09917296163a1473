/* reports/report_internal.h — what the files of reports/ share and the rest of the tree does
 * not see: the results of a run as owned copies (rp_results), the secrets and the cleaning
 * of every text before it is written (mask, then valid UTF-8), the conversions between the
 * structs and their JSON objects (one place for the stream, results.json and the rebuild),
 * the writers of each format, and the atomic write of a file. */
#ifndef OTACHECK_REPORTS_REPORT_INTERNAL_H
#define OTACHECK_REPORTS_REPORT_INTERNAL_H

#include <jansson.h>
#include <stdio.h>

#include "common/arena.h"
#include "reports/nameset.h"
#include "reports/report.h"

#define RP_SCHEMA "otacheck-results/1"

/* ---- results.c: a run's results, every string owned by the arena -------------------- */

struct rp_results {
    struct oc_arena arena;
    struct rp_run run;
    struct rp_target *targets;
    size_t n_targets, cap_targets;
    struct rp_case *cases;
    size_t n_cases, cap_cases;
};

struct rp_secrets;

void rp_results_init(struct rp_results *r);
void rp_results_free(struct rp_results *r);
/* Copies (every string cleaned by rp_clean with s, which may be NULL). */
unsigned rp_results_add_target(struct rp_results *r, const struct rp_target *t,
                               const struct rp_secrets *s);
void rp_results_add_case(struct rp_results *r, const struct rp_case *c,
                         const struct rp_secrets *s);
/* Sets the run: the fields of run that are not NULL replace those held; interrupted is
 * copied. */
void rp_results_merge_run(struct rp_results *r, const struct rp_run *run,
                          const struct rp_secrets *s);
/* dst (initialised, empty) becomes a copy of src with every text cleaned with s. */
void rp_results_copy_clean(struct rp_results *dst, const struct rp_results *src,
                           const struct rp_secrets *s);
struct rp_counts rp_results_counts(const struct rp_results *r);

/* The target of a case, or NULL when its index is out of range. */
const struct rp_target *rp_results_target(const struct rp_results *r, const struct rp_case *c);
/* "quectel EC200U EC200UCNAAR02A08M08": the vendor, the model and the revision, or the
 * target's spec when the module did not say its revision. Written into buf. */
const char *rp_target_identity(const struct rp_target *t, char *buf, size_t n);
/* Where a case's rule's requirement comes from, as one text: "KIND: SOURCE" ("standard:
 * ITU-T V.250 5.7.1"), the kind said once when the source already starts with it
 * ("inferred: the seed gives only a maximum length"), the kind or the source alone when only
 * one is known; NULL when neither. malloc'd. */
char *rp_source_text(const struct rp_case *c);
/* A duration in milliseconds as a plain decimal with at most 3 decimals and no trailing
 * zeros ("12.5", "300", "0.001"). */
const char *rp_fmt_ms(double ms, char *buf, size_t n);
/* Now, as ISO 8601 UTC ("2026-11-21T02:36:28Z"). */
const char *rp_now_iso(char *buf, size_t n);

/* ---- mask.c: secrets and the cleaning of every text written --------------------------- */

struct rp_secrets {
    char **v; /* owned, longest first */
    size_t n, cap;
};

void rp_secrets_init(struct rp_secrets *s);
void rp_secrets_free(struct rp_secrets *s);
void rp_secrets_add(struct rp_secrets *s, const char *secret); /* "" is ignored */

/* text with every secret of s (may be NULL) replaced by AT_MASK, then made valid UTF-8:
 * each byte that does not start a valid sequence, and each byte of the non-characters
 * U+FFFE and U+FFFF, becomes the text \xNN. NULL stays NULL. The copy lives in a. */
char *rp_clean(struct oc_arena *a, const struct rp_secrets *s, const char *text);

/* ---- json_model.c: structs <-> JSON objects ---------------------------------------- */

/* Objects with the fields of SCHEMA.md; NULL strings and unmeasured values become null.
 * The strings must be valid UTF-8 (rp_clean). */
json_t *rp_run_to_json(const struct rp_run *run);
json_t *rp_target_to_json(const struct rp_target *t, unsigned index);
json_t *rp_case_to_json(const struct rp_case *c);
json_t *rp_summary_to_json(struct rp_counts k);

/* The reverse, for the rebuild: fills out with strings that live in a. Returns 0, or -1
 * with what is wrong in err ("field 'verdict': ..."). */
int rp_run_from_json(const json_t *o, struct oc_arena *a, struct rp_run *out, char *err,
                     size_t errlen);
int rp_target_from_json(const json_t *o, struct oc_arena *a, struct rp_target *out, char *err,
                        size_t errlen);
int rp_case_from_json(const json_t *o, struct oc_arena *a, struct rp_case *out, char *err,
                      size_t errlen);

/* ---- the format writers: clean results (rp_results_copy_clean) into an open file ------- */

/* Each returns 0, or -1 when the data cannot be formatted. A write error shows in
 * ferror(out), which is sticky: rp_write_atomic checks it (and the first write(2) error, the
 * fflush and the close) after fn, so no write goes unchecked; the writers also stop early,
 * between cases, once ferror(out) is set. */
#define RP_FORMAT_WRITER(id, name, file, writer, anchors, in_all, live) \
    int writer(FILE *out, const struct rp_results *r);
RP_FORMAT_TABLE(RP_FORMAT_WRITER) /* rp_write_junit, rp_write_tap... (reports/formats.h) */
#undef RP_FORMAT_WRITER
/* The live writers of the table (reports/formats.h): a case to the run's output as it ends. */
void rp_live_lava(FILE *out, const struct rp_case *c, struct rp_nameset *ids);

/* ---- files.c: directories and atomic files ------------------------------------------ */

/* mkdir -p. Returns 0, or -1 with "path: strerror". */
int rp_mkdirs(const char *dir, char *err, size_t errlen);
/* Writes dir/name through fn into dir/.name.tmp.<pid>, fsyncs it and renames it into place.
 * Every write is checked (the first write(2) error is kept, then fflush, ferror, fsync and
 * close). On any error the temporary file is removed and dir/name is left as it was; returns
 * -1 with the path and strerror. */
int rp_write_atomic(const char *dir, const char *name,
                    int (*fn)(FILE *out, const struct rp_results *r), const struct rp_results *r,
                    char *err, size_t errlen);
/* Writes every format of the mask into dir atomically. All are attempted, each added to files
 * (may be NULL) as written or not and why; returns 0, or -1 with the first failure's message. */
int rp_write_formats(const char *dir, unsigned formats, const struct rp_results *r,
                     struct rp_files *files, char *err, size_t errlen);
/* Appends name to files: written when why is NULL, else not written because of why. */
void rp_files_add(struct rp_files *files, const char *name, const char *why);
/* Writes DIR/RP_SUMS_FILE over the files of the list written whole (reports/sums.c), last,
 * and adds it to the list (with why it was not written, when it was not); nothing when no
 * file was written whole. */
void rp_write_sums(const char *dir, struct rp_files *files);

#endif
