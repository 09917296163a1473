/* tests/test_gen.c — the generator and the validator check each other: every invalid
 * command line the generator builds from the grammar must be rejected with exactly the
 * complaint it predicts, every valid one accepted as the form it was made for, and every
 * form of every vendor must yield cases. One test per vendor. */
#include <stdio.h>
#include <string.h>

#include "parser/gen.h"
#include "parser/validate.h"
#include "tests/tu.h"

struct tally {
    const struct at_index *ix;
    unsigned valid, invalid, disagree;
    const struct gram_form *forms_seen[512];
    unsigned n_forms;
};

static void check_case(void *ctx, const struct gram_gen_case *c)
{
    struct tally *t = ctx;
    struct at_cmdline cl;
    struct at_verror e;
    enum at_err r = at_validate_command(t->ix, -1, (const uint8_t *)c->line, strlen(c->line), &cl, &e);
    char msg[512] = "";
    if (r != AT_OK)
        at_verror_format(&e, &t->ix->slots[0].d, msg, sizeof msg);
    if (c->valid) {
        t->valid++;
        bool ok = r == AT_OK && cl.n == 1 && cl.cmds[0].form == c->form;
        if (!ok)
            t->disagree++;
        TU_CHECK(ok, "%s: generated valid line \"%s\" (%s) is rejected: %s", t->ix->slots[0].v->id,
                 c->line, c->what, msg);
    } else {
        t->invalid++;
        bool ok = r != AT_OK && strcmp(at_err_name(r), c->expect) == 0;
        if (ok && c->rule)
            ok = e.rule == c->rule;
        if (!ok)
            t->disagree++;
        TU_CHECK(ok, "%s: generated invalid line \"%s\" (%s) should give %s%s%s, the validator says %s: %s",
                 t->ix->slots[0].v->id, c->line, c->what, c->expect, c->rule ? " of rule " : "",
                 c->rule ? c->rule->text : "", r == AT_OK ? "ok" : at_err_name(r), msg);
    }
    if (c->form && t->n_forms < 512) {
        bool seen = false;
        for (unsigned i = 0; i < t->n_forms; i++)
            if (t->forms_seen[i] == c->form)
                seen = true;
        if (!seen)
            t->forms_seen[t->n_forms++] = c->form;
    }
}

static void gen_vendor(void)
{
    const char *id = strchr(tu_current(), ':') + 1;
    const struct gram_vendor *v = tu_vendor(id);
    struct at_index ix;
    at_index_build(&ix, &v, NULL, 1);
    struct tally t;
    memset(&t, 0, sizeof t);
    t.ix = &ix;
    gram_gen_vendor_cases(&ix, 0, check_case, &t);
    printf("\n    %s: %u valid and %u invalid generated lines, %u disagreements", id, t.valid,
           t.invalid, t.disagree);
    for (uint16_t i = 0; i < v->n_commands; i++)
        for (uint16_t j = 0; j < v->commands[i].n_forms; j++) {
            const struct gram_form *f = &v->commands[i].forms[j];
            bool seen = false;
            for (unsigned k = 0; k < t.n_forms; k++)
                if (t.forms_seen[k] == f)
                    seen = true;
            TU_CHECK(seen, "%s: the generator made no case for %s %s", id, v->commands[i].name,
                     gram_form_kind_name(f->kind));
        }
    TU_CHECK(t.invalid > 0 && t.valid > 0, "%s: no cases generated", id);
    at_index_free(&ix);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    const struct gram_set *g = tu_grammar();
    CU_pSuite s = tu_suite("generator");
    for (size_t i = 0; i < g->n_vendors; i++) {
        char name[64];
        snprintf(name, sizeof name, "generated:%s", g->vendors[i]->id);
        tu_add(s, name, gen_vendor);
    }
    return tu_run(argc, argv);
}
