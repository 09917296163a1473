/* parser/crosscheck.c — see crosscheck.h. */
#include "parser/crosscheck.h"

#include <stdio.h>
#include <string.h>

#include "parser/gen.h"
#include "parser/match.h"

struct amb {
    const struct gram_vendor *v;
    const struct at_line_ctx *lc;
    const struct gram_line *self;
    const struct gram_line *others[2 * 256];
    int n_others;
    bool reported[2 * 256];
    struct oc_diag *out;
};

static void amb_sample(void *ctx, const char *line, size_t len)
{
    struct amb *a = ctx;
    struct at_value fields[GRAM_MAX_PARAMS];
    struct at_verror e;
    /* a sample the template itself does not read is the sampler's limit, not a finding */
    if (!at_match_line(a->self, a->lc, (const uint8_t *)line, len, fields, &e))
        return;
    for (int i = 0; i < a->n_others; i++) {
        const struct gram_line *o = a->others[i];
        if (a->reported[i])
            continue;
        if (at_match_line(o, a->lc, (const uint8_t *)line, len, fields, &e)) {
            a->reported[i] = true;
            oc_diag_add(a->out, OC_SEV_ERROR, a->self->pos.file, a->self->pos.line,
                        a->self->pos.col, "ambiguous",
                        "%s '%s' and %s '%s' (%s:%u) both read the line \"%.*s\": make their texts "
                        "differ, or mark the general one 'fallback'",
                        a->self->kind == GL_FINAL ? "final" : "URC", a->self->name,
                        o->kind == GL_FINAL ? "final" : "URC", o->name, o->pos.file, o->pos.line,
                        (int)(len > 80 ? 80 : len), line);
        }
    }
}

static void ambiguity(const struct gram_vendor *v, const struct gram_dialect *d,
                      struct oc_diag *out)
{
    struct at_line_ctx lc;
    at_line_ctx_init(&lc, v, d);
    /* lines in one list: finals then URCs; each pair is looked at once (i < j) */
    const struct gram_line *all[512];
    int n = 0;
    for (uint16_t i = 0; i < v->n_finals && n < 512; i++)
        if (gram_guard_ok(d, v->finals[i].guard))
            all[n++] = &v->finals[i];
    for (uint16_t i = 0; i < v->n_urcs && n < 512; i++)
        if (gram_guard_ok(d, v->urcs[i].guard))
            all[n++] = &v->urcs[i];
    for (int i = 0; i < n; i++) {
        if (all[i]->flags & GLF_FALLBACK)
            continue;
        struct amb a;
        memset(&a, 0, sizeof a);
        a.v = v;
        a.lc = &lc;
        a.self = all[i];
        a.out = out;
        for (int j = i + 1; j < n; j++)
            if (!(all[j]->flags & GLF_FALLBACK) && all[j]->tpl.ops != all[i]->tpl.ops)
                a.others[a.n_others++] = all[j];
        gram_gen_template_samples(&all[i]->tpl, &lc, amb_sample, &a);
        /* and the other way round: samples of later lines read by this one */
        for (int j = i + 1; j < n; j++) {
            if ((all[j]->flags & GLF_FALLBACK) || all[j]->tpl.ops == all[i]->tpl.ops)
                continue;
            struct amb b;
            memset(&b, 0, sizeof b);
            b.v = v;
            b.lc = &lc;
            b.self = all[j];
            b.out = out;
            b.others[0] = all[i];
            b.n_others = 1;
            /* one report per pair: skip if the first direction found it */
            bool found = false;
            for (int k = 0; k < a.n_others; k++)
                if (a.others[k] == all[j] && a.reported[k])
                    found = true;
            if (!found)
                gram_gen_template_samples(&all[j]->tpl, &lc, amb_sample, &b);
        }
    }
}

void at_crosscheck_vendor(const struct gram_vendor *v, const struct gram_dialect *d,
                          struct oc_diag *out)
{
    ambiguity(v, d, out);
    const struct gram_dialect *dp = d;
    struct at_index ix;
    if (at_index_build(&ix, &v, &dp, 1) != 0)
        return;
    for (uint16_t i = 0; i < v->n_commands; i++) {
        const struct gram_command *c = &v->commands[i];
        for (uint16_t j = 0; j < c->n_forms; j++) {
            const struct gram_form *f = &c->forms[j];
            char line[GEN_LINE_MAX];
            if (!gram_gen_base_line(&ix, 0, f, line, sizeof line))
                oc_diag_add(out, OC_SEV_ERROR, f->pos.file, f->pos.line, f->pos.col, "unsatisfiable",
                            "no command line satisfies %s %s%s%s: its parameters and rules contradict "
                            "each other",
                            c->name, gram_form_kind_name(f->kind), f->variant ? " " : "",
                            f->variant ? f->variant : "");
            size_t longest = gram_form_max_line(f, d);
            if (v->max_line && longest > v->max_line)
                oc_diag_add(out, OC_SEV_WARNING, f->pos.file, f->pos.line, f->pos.col, "max-line",
                            "the longest valid %s %s line is %zu bytes, over the vendor's max-line %u",
                            c->name, gram_form_kind_name(f->kind), longest, v->max_line);
        }
    }
    at_index_free(&ix);
}
