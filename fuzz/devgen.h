/* fuzz/devgen.h — the cases of the device fuzzer (`otacheck fuzz`): short sequences of
 * command lines made from the grammar. Case number n of seed s is a pure function of
 * (vendor, s, n, whether destructive commands may be sent): nothing depends on the clock,
 * on addresses or on what the module answered, so the same seed gives the same cases on
 * any target, and a reproducer can say which case it came from.
 *
 * A case is one of:
 *   - a line of the generator's pool (parser/gen.c: every valid boundary case and invalid
 *     class of each form), mutated 0–2 times by the grammar-aware mutator (fuzz/mutate.h);
 *   - a few such lines in a row (state left by one meets the next);
 *   - a "base" — the commands that start one of the vendor's OTA flows (the capability
 *     file's, else the reference cloud's: harness/defaults.h) or bring its state machine
 *     to a state — mutated as a sequence (fz_mutate_seq);
 *   - a base as it is, then a few mutated lines: fuzzing inside a deep state.
 *
 * Lines are kept to what the reproducer format can carry (fuzz/repro.h): at most
 * FZ_REPRO_MAX_LINE bytes, no line that would read as a comment. Without permission to
 * send destructive commands, no line naming one is made. */
#ifndef OTACHECK_FUZZ_DEVGEN_H
#define OTACHECK_FUZZ_DEVGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "conformance/caps.h"
#include "fuzz/mutate.h"
#include "fuzz/repro.h"
#include "grammar/model.h"
#include "parser/index.h"

#define DF_CASE_MAX_LINES 8
#define DF_MAX_BASES 16

struct df_gen {
    const struct at_index *ix;     /* the vendor alone (slot 0) */
    const struct gram_vendor *v;
    struct fz_pool pool;
    uint64_t seed;
    bool allow_destructive;
    char *base[DF_MAX_BASES];      /* LF-separated command lines */
    size_t base_len[DF_MAX_BASES];
    size_t n_bases;
    struct fz_creds creds;         /* credentials the bases carry (from configuration) */
};

/* Returns 0, or -1 (out of memory, or the grammar gives no line at all). */
/* caps: the module's capability file (its flow starts and credentials), or NULL. */
int df_gen_init(struct df_gen *g, const struct at_index *ix, const struct gram_vendor *v, uint64_t seed,
                bool allow_destructive, const struct cf_caps *caps);
void df_gen_free(struct df_gen *g);
/* Case number n into out (cleared first). */
void df_gen_case(const struct df_gen *g, uint64_t n, struct fz_lines *out);

/* Does the line name a command whose class is destructive (any of its forms, when the line
 * is too broken to say which form)? */
bool df_line_destructive(const struct at_index *ix, const char *line);
/* The configuration's credentials for a vendor: what replay fills ${cred:N} in with. The
 * same list the generator builds (df_gen.creds). */
void df_config_creds(const struct at_index *ix, const struct gram_vendor *v, const struct cf_caps *caps,
                     struct fz_creds *out);

#endif
