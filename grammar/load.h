/* grammar/load.h — loading grammar files into a gram_set: the files embedded in the
 * binary at build time, and files given with --grammar. Errors are reported as
 * "file:line:col: error: what is wrong" into a caller-owned oc_diag. */
#ifndef OTACHECK_GRAMMAR_LOAD_H
#define OTACHECK_GRAMMAR_LOAD_H

#include <stddef.h>

#include "common/diag.h"
#include "grammar/model.h"

void gram_set_init(struct gram_set *s);
void gram_set_free(struct gram_set *s);

/* Loads one grammar text (one vendor, or the core). A vendor whose id is already in the
 * set replaces it. Returns 0, or -1 when the text had errors (nothing is added then). */
int gram_load_text(struct gram_set *s, const char *file, const char *text, size_t len,
                   struct oc_diag *d);
int gram_load_file(struct gram_set *s, const char *path, struct oc_diag *d);

/* The embedded core and vendors, with `files` (may be NULL/0) loaded over them: a file
 * that declares the core replaces the embedded core, a file that declares a vendor
 * replaces the embedded vendor of that id or adds a new one. Returns 0 or -1. */
int gram_load_all(struct gram_set *s, const char *const *files, size_t n_files,
                  struct oc_diag *d);

/* The grammar files compiled into the binary (the .atg files of grammar/). */
struct gram_embedded_file {
    const char *name;
    const char *text;
    size_t len;
};
extern const struct gram_embedded_file gram_embedded_files[];
extern const size_t gram_embedded_count;

#endif
