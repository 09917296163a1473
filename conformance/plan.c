/* conformance/plan.c — generates the cases of a vendor; see case.h. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conformance/case.h"
#include "common/xalloc.h"
#include "grammar/source.h"
#include "harness/defaults.h"
#include "parser/classify.h"
#include "parser/gen.h"
#include "parser/mask.h"
#include "parser/validate.h"

const char *cf_kind_name(enum cf_kind k)
{
    static const char *const names[] = {"example", "test", "read", "exec", "valid",
                                        "invalid", "refused", "read-write", "flow"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    size_t n = (size_t)vsnprintf(NULL, 0, fmt, ap) + 1;
    va_end(ap);
    char *s = oc_xmalloc(n);
    vsnprintf(s, n, fmt, aq);
    va_end(aq);
    return s;
}

struct planner {
    struct cf_plan *p;
    const struct at_index *ix;
    const struct gram_vendor *v;
    const struct cf_plan_opts *o;
    /* refused cases already made: (form, state mask) pairs */
    struct {
        const struct gram_form *f;
        uint32_t mask;
    } refused[64];
    unsigned n_refused;
};

static bool listed(const char *const *list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcasecmp(list[i], name) == 0)
            return true;
    return false;
}

static const char *cmd_label(const struct gram_command *c)
{
    return c->empty ? "AT" : c->name;
}

/* A new case with its suite; name and id are made unique by add(). */
static struct cf_case *new_case(struct planner *pl, enum cf_kind k, const struct gram_command *cmd,
                                const struct gram_form *f)
{
    struct cf_plan *p = pl->p;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        p->cases = oc_xrealloc(p->cases, cap * sizeof *p->cases);
        p->cap = cap;
    }
    struct cf_case *c = &p->cases[p->n];
    memset(c, 0, sizeof *c);
    c->kind = k;
    c->cmd = cmd;
    c->form = f;
    c->refuse_state = -1;
    if (f)
        c->destructive = gram_form_class(f) == GC_DESTRUCTIVE;
    if (cmd && listed(pl->o ? pl->o->not_supported : NULL, cmd->name))
        c->na = "not claimed by the module (capability file, [claims] not-supported)";
    return c;
}

/* Gives the case its id and name (unique: a repeated one gets " #2"...) and keeps it. */
static void add(struct planner *pl, struct cf_case *c, const char *suite, const char *idpath, const char *name)
{
    const char *vid = pl->v->id;
    unsigned same_name = 0, same_id = 0;
    for (size_t i = 0; i < pl->p->n; i++) {
        const struct cf_case *o = &pl->p->cases[i];
        if (strcmp(o->suite, suite) != 0)
            continue;
        size_t nl = strlen(name);
        if (strncmp(o->name, name, nl) == 0 && (o->name[nl] == '\0' || strncmp(o->name + nl, " #", 2) == 0))
            same_name++;
        size_t pl_len = strlen(vid) + 1 + strlen(idpath);
        if (strncmp(o->id, vid, strlen(vid)) == 0 && o->id[strlen(vid)] == '/' &&
            strncmp(o->id + strlen(vid) + 1, idpath, strlen(idpath)) == 0 && o->id[pl_len] == '/' &&
            strspn(o->id + pl_len + 1, "0123456789") == strlen(o->id + pl_len + 1))
            same_id++;
    }
    c->suite = dupf("%s", suite);
    c->name = same_name ? dupf("%s #%u", name, same_name + 1) : dupf("%s", name);
    c->id = dupf("%s/%s/%u", vid, idpath, same_id + 1);
    pl->p->n++;
}

static uint32_t all_states(const struct gram_machine *m)
{
    return m->n_states >= 32 ? UINT32_MAX : (1u << m->n_states) - 1;
}

/* The states a line is valid in (0: every state, or the vendor has no machine). */
static uint32_t valid_states(const struct planner *pl, const char *line)
{
    const struct gram_machine *m = pl->v->machine;
    if (!m)
        return 0;
    uint32_t mask = 0;
    struct at_cmdline cl;
    struct at_verror e;
    for (uint8_t st = 0; st < m->n_states; st++)
        if (at_validate_command(pl->ix, st, (const uint8_t *)line, strlen(line), &cl, &e) == AT_OK)
            mask |= 1u << st;
    return mask == all_states(m) ? 0 : mask;
}

/* The state to send a line in that it is refused in: the initial state if it is one, else
 * the first such state the harness knows a way to. -1: none. */
static int refusing_state(const struct planner *pl, uint32_t ok)
{
    const struct gram_machine *m = pl->v->machine;
    if (!(ok >> m->initial & 1))
        return m->initial;
    for (uint8_t st = 0; st < m->n_states; st++)
        if (!(ok >> st & 1) && state_route_for(pl->v->id, m->states[st]))
            return st;
    return -1;
}

static void suite_of(const struct planner *pl, const struct gram_command *cmd, char *out, size_t n)
{
    snprintf(out, n, "%s %s", pl->v->id, cmd ? cmd_label(cmd) : "unknown commands");
}

/* A line as a case's name shows it: credentials masked, long ones cut. */
static void short_line(const struct at_index *ix, const char *raw, char *out, size_t n)
{
    char line[GEN_LINE_MAX + 64];
    at_mask_command(ix, (const uint8_t *)raw, strlen(raw), line, sizeof line);
    size_t len = strlen(line);
    if (len + 1 <= n && len <= 72)
        snprintf(out, n, "%s", line);
    else
        snprintf(out, n, "%.60s... (%zu bytes)", line, len);
}

/* Where a refusal in a state comes from: the rule the validator breaks there. */
static struct gram_src refusal_src(const struct planner *pl, const char *line, int st)
{
    struct at_cmdline cl;
    struct at_verror e;
    if (st >= 0 && at_validate_command(pl->ix, st, (const uint8_t *)line, strlen(line), &cl, &e) == AT_E_STATE)
        return at_verror_src(&e);
    return gram_src_machine(pl->v);
}

/* Where the refusal of an invalid line comes from: what the validator says is wrong. */
static struct gram_src invalid_src(const struct planner *pl, const char *line)
{
    struct at_cmdline cl;
    struct at_verror e;
    if (at_validate_command(pl->ix, -1, (const uint8_t *)line, strlen(line), &cl, &e) != AT_OK)
        return at_verror_src(&e);
    return gram_src_vendor(pl->v);
}

static void add_refused(struct planner *pl, const struct gram_gen_case *g, uint32_t ok)
{
    for (unsigned i = 0; i < pl->n_refused; i++)
        if (pl->refused[i].f == g->form && pl->refused[i].mask == ok)
            return;
    if (pl->n_refused < sizeof pl->refused / sizeof pl->refused[0]) {
        pl->refused[pl->n_refused].f = g->form;
        pl->refused[pl->n_refused++].mask = ok;
    }
    int st = refusing_state(pl, ok);
    const struct gram_command *cmd = g->form->cmd;
    struct cf_case *c = new_case(pl, CF_REFUSED, cmd, g->form);
    c->line = dupf("%s", g->line);
    c->rule = HR_STATE_REFUSAL;
    c->src = refusal_src(pl, g->line, st);
    c->ok_states = ok;
    c->refuse_state = st;
    if (st < 0 && !c->na)
        c->na = "no state that refuses it can be reached";
    const char *sname = st >= 0 ? pl->v->machine->states[st] : "?";
    c->what = dupf("valid only in some states; sent in state %s", sname);
    char suite[128], name[400], sl[100], path[160];
    suite_of(pl, cmd, suite, sizeof suite);
    short_line(pl->ix, g->line, sl, sizeof sl);
    snprintf(name, sizeof name, "%s refused in state %s: %s", gram_form_kind_name(g->form->kind), sname, sl);
    snprintf(path, sizeof path, "%s/%s/refused", cmd_label(cmd), gram_form_kind_name(g->form->kind));
    add(pl, c, suite, path, name);
}

static bool sendable(const char *line)
{
    for (const char *p = line; *p; p++)
        if (*p == '\r' || *p == '\n')
            return false;
    return true;
}

static void on_gen(void *ctx, const struct gram_gen_case *g)
{
    struct planner *pl = ctx;
    if (!sendable(g->line))
        return;
    const struct gram_command *cmd = g->form ? g->form->cmd : NULL;
    if (!cmd && g->expect && strcmp(g->expect, "no-such-form") == 0) {
        /* "AT+X?" for a command without a read form: its own suite */
        char name[64];
        size_t k = strcspn(g->line + 2, "=?");
        snprintf(name, sizeof name, "%.*s", (int)k, g->line + 2);
        cmd = gram_vendor_command(pl->v, name);
    }
    /* the harness owns the echo setting: ATE cases would pull it from under the session */
    if (cmd && cmd->basic && strcmp(cmd->name, "E") == 0)
        return;
    enum cf_kind k;
    enum hx_rule rule;
    if (!g->form || !g->valid) {
        k = CF_INVALID;
        rule = HR_REJECTS_INVALID;
    } else {
        switch (g->form->kind) {
        case GF_TEST: k = CF_TEST_FORM; rule = HR_TEST_RANGE; break;
        case GF_READ: k = CF_READ_FORM; rule = HR_ACCEPTS_VALID; break;
        case GF_EXEC: k = CF_EXEC_FORM; rule = HR_ACCEPTS_VALID; break;
        default: k = CF_VALID; rule = HR_ACCEPTS_VALID; break;
        }
    }
    struct cf_case *c = new_case(pl, k, cmd, g->form);
    if (!g->form && cmd)
        c->destructive = false; /* a form the command lacks: nothing to start */
    c->line = dupf("%s", g->line);
    c->rule = rule;
    if (k == CF_INVALID)
        c->src = invalid_src(pl, g->line);
    else if (k == CF_VALID)
        c->src = gram_src_param(g->form, g->param, (enum gram_aspect)g->aspect);
    else
        c->src = gram_src_form(g->form);
    c->expect = g->expect;
    c->what = dupf("%s", g->what[0] ? g->what : (g->valid ? "valid" : "invalid"));
    if (g->valid)
        c->ok_states = valid_states(pl, g->line);
    else if (g->form && pl->v->machine) {
        /* an invalid line: the states where its form's valid line is taken */
        char base[GEN_LINE_MAX];
        if (gram_gen_base_line(pl->ix, 0, g->form, base, sizeof base))
            c->ok_states = valid_states(pl, base);
    }
    /* a line the machine takes only in some states: that it is taken there rests on the
     * machine too */
    if (g->valid && c->ok_states && gram_src_binding(c->src) && !gram_src_binding(gram_src_machine(pl->v)))
        c->src = gram_src_machine(pl->v);
    char suite[128], name[400], sl[100], path[160];
    suite_of(pl, cmd, suite, sizeof suite);
    short_line(pl->ix, g->line, sl, sizeof sl);
    const char *fk = g->form ? gram_form_kind_name(g->form->kind) : "none";
    if (k == CF_VALID || k == CF_INVALID)
        snprintf(name, sizeof name, "%s %s: %s (%s)", fk, cf_kind_name(k), sl, c->what);
    else
        snprintf(name, sizeof name, "%s: %s", fk, sl);
    snprintf(path, sizeof path, "%s/%s/%s", cmd ? cmd_label(cmd) : "unknown", fk, cf_kind_name(k));
    add(pl, c, suite, path, name);
    if (g->valid && c->ok_states && pl->v->machine)
        add_refused(pl, g, c->ok_states);
}

/* ---- read reflects write ------------------------------------------------------------- */

static bool read_mirrors_write(const struct gram_form *r, const struct gram_form *w)
{
    if (!r || !w || !r->n_infos)
        return false;
    const struct gram_line *l = &r->infos[0];
    for (uint16_t i = 0; i < l->tpl.n_fields; i++)
        if (gram_form_param(w, l->tpl.fields[i].name) >= 0)
            return true;
    return false;
}

static void plan_read_write(struct planner *pl)
{
    for (uint16_t i = 0; i < pl->v->n_commands; i++) {
        const struct gram_command *cmd = &pl->v->commands[i];
        const struct gram_form *w = gram_command_form(cmd, GF_WRITE, NULL);
        const struct gram_form *r = gram_command_form(cmd, GF_READ, NULL);
        if (!w || gram_form_class(w) != GC_CONFIG || !read_mirrors_write(r, w))
            continue;
        if (cmd->basic && strcmp(cmd->name, "E") == 0)
            continue;
        struct cf_case *c = new_case(pl, CF_READ_WRITE, cmd, w);
        c->rule = HR_READ_REFLECTS_WRITE;
        c->src = gram_src_form(gram_command_form(cmd, GF_READ, NULL));
        c->what = dupf("write a value, read it back, restore the original");
        char suite[128], path[160];
        suite_of(pl, cmd, suite, sizeof suite);
        snprintf(path, sizeof path, "%s/read-write", cmd_label(cmd));
        add(pl, c, suite, path, "read reflects write, original restored");
    }
}

/* ---- examples -------------------------------------------------------------------------- */

static void plan_examples(struct planner *pl)
{
    const struct gram_vendor *v = pl->v;
    for (uint16_t e = 0; e < v->n_examples; e++) {
        const struct gram_example *ex = &v->examples[e];
        for (uint16_t i = 0; i < ex->n_steps; i++) {
            const struct gram_step *st = &ex->steps[i];
            if (st->dir != GS_SEND)
                continue;
            struct at_cmdline cl;
            struct at_verror err;
            bool valid = at_validate_command(pl->ix, -1, (const uint8_t *)st->text, st->len, &cl, &err) == AT_OK;
            const struct gram_form *f = valid ? cl.cmds[cl.n - 1].form : err.form;
            const char *na = NULL;
            int outcome = GO_NONE;
            for (uint16_t j = i + 1; j < ex->n_steps && ex->steps[j].dir != GS_SEND; j++) {
                const struct gram_step *r = &ex->steps[j];
                if (r->dir != GS_RECV)
                    continue; /* binary data, a restart: the flow followers check them */
                struct at_result res;
                struct at_inflight fl = {0};
                fl.form = f;
                at_classify_line(pl->ix, &fl, (const uint8_t *)r->text, r->len, &res);
                if (res.cls == AT_CLS_FINAL && res.line && outcome == GO_NONE)
                    outcome = res.line->outcome;
            }
            char ctext[400];
            snprintf(ctext, sizeof ctext, "%.*s", (int)st->len, st->text);
            char sl[100];
            short_line(pl->ix, ctext, sl, sizeof sl);
            char name[600];
            snprintf(name, sizeof name, "example \"%.200s\": %s", ex->title, sl);
            if (!valid)
                na = "the documented line does not validate (grammar lint reports it)";
            else if (outcome == GO_NONE)
                na = "the example shows no final result";
            const struct gram_command *cmd = f ? f->cmd : NULL;
            struct cf_case *c = new_case(pl, CF_EXAMPLE, cmd, f);
            /* the state the documented exchange happened in: one that takes the line when it
             * was answered OK, one that refuses it when it was refused */
            uint32_t ok = valid ? valid_states(pl, ctext) : 0;
            if (ok && outcome == GO_OK)
                c->ok_states = ok;
            else if (ok && outcome == GO_ERROR) {
                c->refuse_state = refusing_state(pl, ok);
                if (c->refuse_state < 0 && !na)
                    na = "the documented refusal comes from a state the harness cannot reach";
            }
            c->example = ex;
            c->ex_step = i;
            c->ex_outcome = outcome;
            c->line = dupf("%s", ctext);
            c->rule = HR_EXAMPLE;
            c->src = gram_src_example(ex, v);
            c->needs_cloud = ex->needs != 0;
            c->what = dupf("%s", ex->title);
            if (na && !c->na)
                c->na = na;
            char suite[128];
            snprintf(suite, sizeof suite, "%s examples", v->id);
            add(pl, c, suite, "examples", name);
        }
    }
}

/* ---- flows ----------------------------------------------------------------------------- */

static void plan_flows(struct planner *pl)
{
    for (uint16_t i = 0; i < pl->v->n_flows; i++) {
        const struct gram_flow *f = &pl->v->flows[i];
        struct cf_case *c = new_case(pl, CF_FLOW, f->start_cmd, f->start_form);
        c->flow = f;
        c->destructive = true; /* a flow downloads, flashes, restarts */
        c->rule = HR_FLOW_ORDER;
        c->src = gram_src_flow(f, pl->v);
        c->what = dupf("%s", f->doc ? f->doc : f->expr);
        if (pl->o && pl->o->flows && !listed(pl->o->flows, f->name))
            c->na = "the module does not claim this flow (capability file, [claims] flows)";
        char suite[128], path[96], name[128];
        snprintf(suite, sizeof suite, "%s flow %s", pl->v->id, f->name);
        snprintf(path, sizeof path, "flow/%s", f->name);
        snprintf(name, sizeof name, "flow %s", f->name);
        add(pl, c, suite, path, name);
    }
}

void cf_plan_build(struct cf_plan *p, const struct at_index *ix, const struct cf_plan_opts *o)
{
    memset(p, 0, sizeof *p);
    struct planner pl;
    memset(&pl, 0, sizeof pl);
    pl.p = p;
    pl.ix = ix;
    pl.v = ix->slots[0].v;
    pl.o = o;
    p->v = pl.v;
    plan_examples(&pl);
    gram_gen_vendor_cases(ix, 0, on_gen, &pl);
    plan_read_write(&pl);
    plan_flows(&pl);
}

static void case_free(struct cf_case *c)
{
    free(c->id);
    free(c->suite);
    free(c->name);
    free(c->line);
    free(c->what);
}

void cf_plan_free(struct cf_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        case_free(&p->cases[i]);
    free(p->cases);
    memset(p, 0, sizeof *p);
}

size_t cf_plan_filter(struct cf_plan *p, const char *pattern)
{
    if (!pattern || !*pattern)
        return p->n;
    bool glob = strpbrk(pattern, "*?[") != NULL;
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        struct cf_case *c = &p->cases[i];
        bool keep = glob ? (fnmatch(pattern, c->id, 0) == 0 || fnmatch(pattern, c->suite, 0) == 0 ||
                            fnmatch(pattern, c->name, 0) == 0)
                         : (strstr(c->id, pattern) || strstr(c->suite, pattern) || strstr(c->name, pattern));
        if (keep)
            p->cases[k++] = *c;
        else
            case_free(c);
    }
    p->n = k;
    return k;
}
