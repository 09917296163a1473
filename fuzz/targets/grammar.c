/* fuzz/targets/grammar.c — fuzz_grammar: grammar text through the loader (over the
 * embedded V.250 core, as a vendor file given with --grammar is), then, when it loads,
 * through the lint checks, an index and the case generator. Oracles: every diagnostic
 * points into the text (file:line:col with line and column inside it); a vendor that loads
 * can be indexed, linted and generated from without a crash. */
#include <string.h>

#include "common/diag.h"
#include "fuzz/fixture.h"
#include "fuzz/fuzz.h"
#include "grammar/lint.h"
#include "grammar/load.h"
#include "parser/gen.h"
#include "parser/index.h"

#define FILE_NAME "fuzz.atg"

static const struct gram_embedded_file *core_file(void)
{
    for (size_t i = 0; i < gram_embedded_count; i++)
        if (strcmp(gram_embedded_files[i].name, "core.atg") == 0 ||
            strstr(gram_embedded_files[i].name, "/core.atg"))
            return &gram_embedded_files[i];
    return NULL;
}

static void count_case(void *ctx, const struct gram_gen_case *c)
{
    (void)c;
    ++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct gram_embedded_file *core;
    if (!core)
        core = core_file();
    FZ_CHECK(core != NULL, "no embedded core grammar");
    if (size > 1 << 16)
        return 0;
    unsigned lines = 1, longest = 0, col = 0;
    for (size_t i = 0; i < size; i++) {
        col++;
        if (data[i] == '\n') {
            lines++;
            if (col > longest)
                longest = col;
            col = 0;
        }
    }
    if (col > longest)
        longest = col;
    struct gram_set set;
    struct oc_diag d;
    gram_set_init(&set);
    oc_diag_init(&d);
    FZ_CHECK(gram_load_text(&set, core->name, core->text, core->len, &d) == 0, "the core does not load");
    int rc = gram_load_text(&set, FILE_NAME, (const char *)data, size, &d);
    for (size_t i = 0; i < d.n; i++) {
        const struct oc_diag_entry *en = &d.v[i];
        if (!en->file || strcmp(en->file, FILE_NAME) != 0)
            continue;
        FZ_CHECK(en->line >= 1 && en->line <= lines, "diagnostic at line %u of a %u-line text: %s",
                 en->line, lines, en->msg);
        FZ_CHECK(en->col >= 1 && en->col <= longest + 1, "diagnostic at column %u (longest line %u): %s",
                 en->col, longest, en->msg);
        FZ_CHECK(en->msg && en->msg[0], "a diagnostic without a message");
    }
    FZ_CHECK(rc == 0 || d.errors > 0, "the load failed without saying why");
    if (rc == 0) {
        for (size_t v = 0; v < set.n_vendors; v++) {
            const struct gram_vendor *gv = set.vendors[v];
            if (gv->is_core)
                continue;
            struct gram_dialect dl;
            gram_dialect_default(&dl, gv);
            struct oc_diag ld;
            oc_diag_init(&ld);
            gram_lint_vendor(gv, &dl, &ld);
            oc_diag_free(&ld);
            struct at_index ix;
            if (at_index_build(&ix, &gv, NULL, 1) == 0) {
                size_t n = 0;
                gram_gen_vendor_cases(&ix, 0, count_case, &n);
                at_index_free(&ix);
            }
        }
    }
    oc_diag_free(&d);
    gram_set_free(&set);
    return 0;
}
