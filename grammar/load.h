/* grammar/load.h — loading grammar files into a gram_set: the files embedded in the
 * binary at build time, and files given with --grammar. Errors are reported as
 * "file:line:col: error: what is wrong" into a caller-owned oc_diag. */
#ifndef OTACHECK_GRAMMAR_LOAD_H
#define OTACHECK_GRAMMAR_LOAD_H

#include <stddef.h>

#include "common/diag.h"
#include "grammar/model.h"

/* Limits of the text format that are not counts (those are in model.h). */
/* Parentheses nested in one flow expression. The shipped grammars nest at most 5 deep; 64
 * leaves room for any flow a document describes, and keeps the expression parser's
 * recursion (four C frames per level) to a few kilobytes of stack wherever it runs. */
#define GRAM_MAX_FLOW_NESTING 64
/* Optional groups nested in one command signature ("a [, b [, c]]"). A useful level holds
 * at least one parameter of its own, so nesting deeper than a form has parameters says
 * nothing more; the bound also caps the signature parser's recursion. */
#define GRAM_MAX_GROUP_NESTING GRAM_MAX_PARAMS
/* Optional groups nested in one template ("+X: <a>[,<b>[,<c>]]"): the size of the
 * template compiler's stack of open groups. */
#define GRAM_MAX_TEMPLATE_NESTING 16
/* Bytes of one template (a response line, URC or final as written). A compiled template
 * counts its ops and literal bytes in uint16_t, and each byte makes at most one op: at
 * 32767 both stay well inside that range. The longest shipped template is under 400 bytes. */
#define GRAM_MAX_TEMPLATE_LEN 32767

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
