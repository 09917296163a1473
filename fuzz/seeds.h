/* fuzz/seeds.h — what the grammar gives each fuzz target: its dictionary (<name>.dict,
 * libFuzzer/AFL++ syntax), its options (<name>.options, the OSS-Fuzz INI form) and its
 * seed corpus (<name>/g-NNNN files). `otacheck grammar dict|corpus` write them; the
 * checked-in copies under corpus/ are kept in step with the grammar by a test (and by
 * `cmake --build --preset default --target fuzz-seeds`). Output is deterministic: the same
 * grammar gives the same bytes, so a diff shows exactly what a grammar change did.
 *
 * Seed files are named g-NNNN (generated; rewritten on every run, stale ones removed);
 * r-* files beside them are regression inputs, findings kept by hand, never touched. */
#ifndef OTACHECK_FUZZ_SEEDS_H
#define OTACHECK_FUZZ_SEEDS_H

#include <stddef.h>
#include <stdio.h>

#include "grammar/model.h"

struct fz_target_info {
    const char *name;     /* fuzz_<name>, corpus/<name>/ */
    const char *what;     /* one line: what it fuzzes */
    unsigned max_len;     /* libFuzzer -max_len */
    unsigned timeout_s;   /* libFuzzer -timeout: one input longer than this is a hang */
};

/* The targets, in a fixed order. */
const struct fz_target_info *fz_targets(size_t *n);
/* By name ("framer"), or NULL. */
const struct fz_target_info *fz_target_by_name(const char *name);

/* The target's dictionary, over the given vendors, to out. Returns the entry count. */
int fz_write_dict(const struct fz_target_info *t, const struct gram_vendor *const *vs, size_t nv,
                  FILE *out);
/* Its options file. */
void fz_write_options(const struct fz_target_info *t, FILE *out);
/* Its seed corpus into dir (created; g-* files replaced). Returns the file count or -1. */
int fz_write_seeds(const struct fz_target_info *t, const struct gram_vendor *const *vs, size_t nv,
                   const char *dir);
/* All three under root: root/<name>.dict, root/<name>.options, root/<name>/. Returns 0
 * or -1. */
int fz_write_target_files(const struct fz_target_info *t, const struct gram_vendor *const *vs,
                          size_t nv, const char *root);

#endif
