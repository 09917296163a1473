/* conformance/runner_rw.c — settings and ranges: read-reflects-write (write a value other
 * than the current one, read it back, restore the original and read that back), the
 * snapshot and restore of a setting around a case that changes it, and the test form's
 * announced ranges compared with the grammar's. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conformance/steps.h"
#include "common/xalloc.h"
#include "grammar/source.h"
#include "parser/classify.h"
#include "parser/gen.h"
#include "parser/render.h"
#include "parser/validate.h"

#define MAX_VALS GRAM_MAX_PARAMS

/* Values by name, decoded. */
struct named_vals {
    unsigned n;
    char name[MAX_VALS][48];
    char text[MAX_VALS][300];
    bool is_int[MAX_VALS];
    int64_t i[MAX_VALS];
};

static void put_val(struct named_vals *nv, const char *name, const uint8_t *line, const struct at_value *v,
                    uint8_t escapes)
{
    if (nv->n == MAX_VALS || v->kind == AT_V_ABSENT)
        return;
    unsigned k = nv->n++;
    snprintf(nv->name[k], sizeof nv->name[k], "%s", name);
    size_t n = at_value_decode(line, v, escapes, (uint8_t *)nv->text[k], sizeof nv->text[k] - 1);
    nv->text[k][n < sizeof nv->text[k] - 1 ? n : sizeof nv->text[k] - 1] = '\0';
    nv->is_int[k] = v->is_int;
    nv->i[k] = v->i;
}

static int find_val(const struct named_vals *nv, const char *name)
{
    for (unsigned k = 0; k < nv->n; k++)
        if (strcmp(nv->name[k], name) == 0)
            return (int)k;
    return -1;
}

static bool same_val(const struct named_vals *a, int i, const struct named_vals *b, int j)
{
    if (a->is_int[i] && b->is_int[j])
        return a->i[i] == b->i[j];
    return strcmp(a->text[i], b->text[j]) == 0;
}

static int find_val(const struct named_vals *nv, const char *name);
static bool same_val(const struct named_vals *a, int i, const struct named_vals *b, int j);

/* The values of the first information line of an exchange that is one of the form's; of a
 * read that lists several (one line per MCU), the line whose first field is key's. */
static bool read_values(struct cf_ctx *cx, const struct hx_exchange *x, const struct gram_form *rf,
                        struct named_vals *out, const struct named_vals *key)
{
    memset(out, 0, sizeof *out);
    const struct hx_session *s = cx->r->s;
    for (size_t i = x->first_ev; i < x->end_ev; i++) {
        const struct hx_event *e = &s->ev[i];
        if (e->cls != AT_CLS_INFO || !e->valid)
            continue;
        struct at_inflight fl = {0};
        fl.form = rf;
        struct at_result r;
        at_classify_line(cx->r->ix, &fl, (const uint8_t *)e->text, e->len, &r);
        if (r.cls != AT_CLS_INFO || !r.valid || !r.line)
            continue;
        struct named_vals line;
        memset(&line, 0, sizeof line);
        for (uint16_t k = 0; k < r.line->tpl.n_fields && k < r.n_fields; k++)
            put_val(&line, r.line->tpl.fields[k].name, (const uint8_t *)e->text, &r.fields[k], cx->r->v->escapes);
        int want = key && line.n ? find_val(key, line.name[0]) : -1;
        if (!line.n || (want >= 0 && !same_val(key, want, &line, 0) && (r.line->flags & GLF_REPEAT))) {
            if (!out->n)
                *out = line; /* the first, unless a later one is the key's */
            continue;
        }
        *out = line;
        return true;
    }
    return out->n > 0;
}

static bool wants_quotes(const struct gram_type *t)
{
    return (t->kind == GT_STRING || t->kind == GT_ENUM) && t->quoting != GQ_BARE;
}

/* "AT+X=v1,v2" from values by name, in the write form's order; false when a parameter that
 * must be given has no value. */
static bool write_line(const struct gram_command *cmd, const struct gram_form *w, const struct named_vals *nv,
                       char *out, size_t n)
{
    size_t o = (size_t)snprintf(out, n, "AT%s=", cmd->name);
    unsigned given = 0;
    for (uint16_t p = 0; p < w->n_params && o < n; p++) {
        int k = find_val(nv, w->params[p].name);
        if (k < 0)
            break;
        bool q = wants_quotes(&w->params[p].type);
        o += (size_t)snprintf(out + o, n - o, "%s%s%s%s", p ? "," : "", q ? "\"" : "", nv->text[k], q ? "\"" : "");
        given++;
    }
    return given > 0 && given < 64 && (w->counts >> given & 1) && o < n;
}

/* Where the acceptance of a write line of the read-write case comes from: the weakest
 * of its values' (a value at an inferred bound makes the expectation inferred). */
static struct gram_src rw_line_src(const struct cf_ctx *cx, const char *line)
{
    struct at_cmdline cl;
    struct at_verror e;
    const struct gram_form *w = cx->c->form;
    if (at_validate_command(cx->r->ix, -1, (const uint8_t *)line, strlen(line), &cl, &e) != AT_OK || !cl.n)
        return gram_src_form(w);
    const struct at_cmd *c = &cl.cmds[cl.n - 1];
    for (uint16_t i = 0; i < c->n_args && i < c->form->n_params; i++) {
        const struct gram_param *p = &c->form->params[i];
        bool empty = c->args[i].kind == AT_V_ABSENT;
        bool at_min = p->type.kind == GT_STRING && !empty && at_value_clen(&c->args[i]) <= p->type.min_len;
        struct gram_src s = gram_src_param(c->form, i, empty ? GASP_OMIT : at_min ? GASP_MIN : GASP_VALUES);
        if (!gram_src_binding(s))
            return s;
    }
    return gram_src_form(c->form);
}

/* The values a read shows now; false (out empty) when it is refused or shows none. */
static bool read_now(struct cf_ctx *cx, const struct gram_command *cmd, const struct gram_form *rf,
                     struct named_vals *out, bool main, const struct named_vals *key)
{
    memset(out, 0, sizeof *out); /* a refused read leaves no values behind (it did: issue 9 item 6) */
    char line[128];
    snprintf(line, sizeof line, "AT%s?", cmd->name);
    struct hx_exchange x;
    if (cf_exchange(cx, line, &x, main) != HX_DONE || cf_outcome(cx, &x) != GO_OK)
        return false;
    return read_values(cx, &x, rf, out, key);
}

void cf_setting_save(struct cf_ctx *cx, const struct gram_command *cmd, struct cf_setting *s)
{
    memset(s, 0, sizeof *s);
    const struct gram_form *rf = gram_command_form(cmd, GF_READ, NULL);
    const struct gram_form *w = gram_command_form(cmd, GF_WRITE, NULL);
    struct named_vals nv;
    if (!rf || !w || !read_now(cx, cmd, rf, &nv, false, NULL))
        return;
    s->have = write_line(cmd, w, &nv, s->line, sizeof s->line);
}

void cf_setting_restore(struct cf_ctx *cx, const struct cf_setting *s)
{
    if (!s->have || cx->r->lost || cx->r->dead)
        return;
    struct hx_exchange x;
    if (cf_exchange(cx, s->line, &x, false) == HX_DONE && cf_outcome(cx, &x) != GO_OK)
        cf_error(cx, "could not restore the setting: %s was refused", s->line);
}

/* ---- read reflects write ------------------------------------------------------------- */

struct candidates {
    char lines[32][512];
    unsigned n;
};

static void keep_valid(void *ctx, const struct gram_gen_case *g)
{
    struct candidates *c = ctx;
    size_t n = strlen(g->line);
    if (g->valid && c->n < 32 && n < sizeof c->lines[0])
        memcpy(c->lines[c->n++], g->line, n + 1);
}

/* The values a write line gives, by parameter name. */
static bool line_values(struct cf_ctx *cx, const char *line, struct named_vals *out)
{
    memset(out, 0, sizeof *out);
    struct at_cmdline cl;
    struct at_verror e;
    if (at_validate_command(cx->r->ix, -1, (const uint8_t *)line, strlen(line), &cl, &e) != AT_OK || !cl.n)
        return false;
    const struct at_cmd *c = &cl.cmds[cl.n - 1];
    for (uint16_t i = 0; i < c->n_args && i < c->form->n_params; i++)
        put_val(out, c->form->params[i].name, (const uint8_t *)line, &c->args[i], cx->r->v->escapes);
    return true;
}

/* Every value written that the read shows must be what the read shows. */
static bool compare(struct cf_ctx *cx, const char *when, const struct named_vals *want, const struct named_vals *got)
{
    for (unsigned k = 0; k < want->n; k++) {
        int j = find_val(got, want->name[k]);
        if (j < 0)
            continue;
        if (!same_val(want, (int)k, got, j)) {
            char exp[256];
            snprintf(exp, sizeof exp, "%s = %s %s", want->name[k], want->text[k], when);
            cf_fail(cx, HR_READ_REFLECTS_WRITE, cx->c->src, exp, "the read shows %s = %s", got->name[j], got->text[j]);
            return false;
        }
    }
    return true;
}

void cf_play_read_write(struct cf_ctx *cx)
{
    const struct gram_command *cmd = cx->c->cmd;
    const struct gram_form *rf = gram_command_form(cmd, GF_READ, NULL);
    const struct gram_form *w = cx->c->form;
    struct named_vals orig, want, got;
    bool have_orig = read_now(cx, cmd, rf, &orig, false, NULL);
    if (cx->error)
        return;
    /* a valid value other than the current one */
    struct candidates *cands = oc_xcalloc(1, sizeof *cands);
    gram_gen_form_cases(cx->r->ix, 0, w, keep_valid, cands);
    /* the line that sets the most of what the read shows, and changes some of it */
    const char *chosen = NULL;
    int best = 0;
    const struct gram_line *shown = rf->n_infos ? &rf->infos[0] : NULL;
    for (unsigned i = 0; i < cands->n; i++) {
        if (!line_values(cx, cands->lines[i], &want))
            continue;
        int mirrored = 0;
        bool differs = !have_orig;
        for (unsigned k = 0; k < want.n; k++) {
            if (shown && gram_line_field(shown, want.name[k]) >= 0)
                mirrored++;
            int j = find_val(&orig, want.name[k]);
            if (have_orig && j >= 0 && !same_val(&want, (int)k, &orig, j))
                differs = true;
        }
        if (differs && mirrored > best) {
            best = mirrored;
            chosen = cands->lines[i];
        }
    }
    if (!chosen) {
        free(cands);
        cf_na(cx, "no valid value differs from the current one");
        return;
    }
    char line[512];
    snprintf(line, sizeof line, "%s", chosen);
    free(cands);
    line_values(cx, line, &want);
    struct hx_exchange x;
    if (cf_exchange(cx, line, &x, true) != HX_DONE)
        return;
    if (cf_outcome(cx, &x) != GO_OK) {
        cf_fail(cx, HR_ACCEPTS_VALID, rw_line_src(cx, line), "OK", "%s answered %s", line,
                x.final_ev >= 0 ? cx->r->s->ev[x.final_ev].text : "");
        return;
    }
    if (!read_now(cx, cmd, rf, &got, false, &want)) {
        if (!cx->error)
            cf_fail(cx, HR_READ_REFLECTS_WRITE, cx->c->src, "the read shows the value written", "the read shows no value");
        return;
    }
    if (!compare(cx, "(written)", &want, &got))
        return;
    if (!have_orig) {
        snprintf(cx->note, sizeof cx->note, "the read showed no value before the write: nothing to restore");
        return;
    }
    char back[1024];
    if (!write_line(cmd, w, &orig, back, sizeof back)) {
        snprintf(cx->note, sizeof cx->note, "the original value cannot be written back from what the read shows");
        return;
    }
    if (cf_exchange(cx, back, &x, false) != HX_DONE)
        return;
    if (cf_outcome(cx, &x) != GO_OK) {
        cf_fail(cx, HR_ACCEPTS_VALID, rw_line_src(cx, back), "OK", "restoring with %s: %s", back,
                x.final_ev >= 0 ? cx->r->s->ev[x.final_ev].text : "");
        return;
    }
    if (read_now(cx, cmd, rf, &got, false, &orig))
        compare(cx, "(restored)", &orig, &got);
}

/* ---- test-form ranges ----------------------------------------------------------------- */

struct range {
    int64_t lo, hi;
};

struct rset {
    struct range r[64];
    unsigned n;
    char strs[32][64];
    unsigned n_strs;
    bool bad;
};

static void add_range(struct rset *s, int64_t lo, int64_t hi)
{
    if (s->n < 64)
        s->r[s->n++] = (struct range){lo, hi};
}

static int cmp_range(const void *a, const void *b)
{
    const struct range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void normalise(struct rset *s)
{
    qsort(s->r, s->n, sizeof s->r[0], cmp_range);
    unsigned k = 0;
    for (unsigned i = 0; i < s->n; i++) {
        if (k && s->r[i].lo <= s->r[k - 1].hi + 1) {
            if (s->r[i].hi > s->r[k - 1].hi)
                s->r[k - 1].hi = s->r[i].hi;
        } else {
            s->r[k++] = s->r[i];
        }
    }
    s->n = k;
}

static bool parse_int(const char **p, int64_t *v)
{
    char *end;
    long long x = strtoll(*p, &end, 10);
    if (end == *p)
        return false;
    *v = x;
    *p = end;
    return true;
}

/* "(0-1)", "(0,2,4-6)", "(-1006--1000)", ("a","b") */
static void parse_list(const char *text, struct rset *s)
{
    memset(s, 0, sizeof *s);
    const char *p = text;
    while (*p == ' ')
        p++;
    if (*p++ != '(') {
        s->bad = true;
        return;
    }
    while (*p && *p != ')') {
        while (*p == ' ')
            p++;
        if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (!end) {
                s->bad = true;
                return;
            }
            if (s->n_strs < 32)
                snprintf(s->strs[s->n_strs++], 64, "%.*s", (int)(end - p - 1), p + 1);
            p = end + 1;
        } else {
            int64_t lo, hi;
            if (!parse_int(&p, &lo)) {
                s->bad = true;
                return;
            }
            hi = lo;
            if (*p == '-') {
                p++;
                if (!parse_int(&p, &hi)) {
                    s->bad = true;
                    return;
                }
            }
            add_range(s, lo, hi);
        }
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
        else if (*p != ')') {
            s->bad = true;
            return;
        }
    }
    normalise(s);
}

static void grammar_set(const struct gram_type *t, const struct gram_dialect *d, struct rset *s)
{
    memset(s, 0, sizeof *s);
    if (t->kind == GT_ENUM) {
        for (uint16_t i = 0; i < t->n_items && s->n_strs < 32; i++)
            if (gram_guard_ok(d, t->enums[i].guard))
                snprintf(s->strs[s->n_strs++], 64, "%.*s", (int)t->enums[i].len, t->enums[i].text);
        return;
    }
    if (t->kind == GT_MASK) {
        uint64_t bits = gram_mask_bits(t, d);
        if (bits < 65536)
            for (uint64_t v = 0; v <= bits; v++)
                if (!(v & ~bits))
                    add_range(s, (int64_t)v, (int64_t)v);
        normalise(s);
        return;
    }
    for (uint16_t i = 0; i < t->n_items; i++)
        if (gram_guard_ok(d, t->ints[i].guard))
            add_range(s, t->ints[i].lo, t->ints[i].hi);
    normalise(s);
}

static bool same_set(const struct rset *a, const struct rset *g, bool nocase)
{
    if (a->n_strs != g->n_strs)
        return false;
    for (unsigned i = 0; i < a->n_strs; i++) {
        bool found = false;
        for (unsigned j = 0; j < g->n_strs && !found; j++)
            found = nocase ? strcasecmp(a->strs[i], g->strs[j]) == 0 : strcmp(a->strs[i], g->strs[j]) == 0;
        if (!found)
            return false;
    }
    if (a->n != g->n)
        return false;
    for (unsigned i = 0; i < a->n; i++) {
        if (a->r[i].lo != g->r[i].lo)
            return false;
        /* an open upper bound in the grammar: any upper bound from the lower one on */
        if (g->r[i].hi == INT64_MAX ? a->r[i].hi < a->r[i].lo : a->r[i].hi != g->r[i].hi)
            return false;
    }
    return true;
}

void cf_check_test_ranges(struct cf_ctx *cx, const struct hx_exchange *x)
{
    const struct hx_session *s = cx->r->s;
    const struct gram_form *w = x->form ? gram_command_form(x->form->cmd, GF_WRITE, NULL) : NULL;
    for (size_t i = x->first_ev; i < x->end_ev; i++) {
        const struct hx_event *e = &s->ev[i];
        if (e->cls != AT_CLS_INFO || !e->valid)
            continue;
        struct at_inflight fl = {0};
        fl.form = x->form;
        struct at_result r;
        at_classify_line(cx->r->ix, &fl, (const uint8_t *)e->text, e->len, &r);
        if (r.cls != AT_CLS_INFO || !r.line)
            continue;
        for (uint16_t k = 0; k < r.line->tpl.n_fields && k < r.n_fields; k++) {
            const struct gram_param *fp = &r.line->tpl.fields[k];
            if (fp->type.kind != GT_LIST || r.fields[k].kind == AT_V_ABSENT)
                continue;
            int pi = fp->type.list_of;
            if (!w || pi < 0 || pi >= w->n_params)
                continue;
            const struct gram_type *pt = &w->params[pi].type;
            char text[256];
            snprintf(text, sizeof text, "%.*s", (int)r.fields[k].len, e->text + r.fields[k].off);
            struct rset got, want;
            parse_list(text, &got);
            grammar_set(pt, cx->r->d, &want);
            if (got.bad || !same_set(&got, &want, pt->nocase)) {
                char exp[200];
                at_render_list(pt, cx->r->d, exp, sizeof exp);
                char e2[256];
                snprintf(e2, sizeof e2, "%s: %s (the grammar's %s)", fp->name, exp, w->params[pi].name);
                cf_fail(cx, HR_TEST_RANGE, gram_src_param(w, pi, GASP_VALUES), e2, "%s: %s", fp->name, text);
                return;
            }
        }
    }
}
