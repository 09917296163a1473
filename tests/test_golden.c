/* tests/test_golden.c — golden vectors: for every vendor, command lines and module lines
 * with what the reference parser must say of them (tests/golden/<vendor>.vec, and
 * tests/golden/core.vec against every vendor). Each vector is one CUnit test named
 * "<file>:<line>". A coverage test per vendor fails until every rule and every parameter
 * of the vendor's commands has a vector that breaks it. Format: tests/README.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/classify.h"
#include "parser/index.h"
#include "parser/validate.h"
#include "tests/tu.h"

enum vkind { V_CMD, V_LINE, V_FINAL };

struct vec {
    char name[96];
    const struct gram_vendor *v;
    char dialect[8][96];
    int n_dialect;
    char state[48];            /* "" = unknown */
    enum vkind kind;
    char text[4096];
    size_t len;
    char inflight[1024];       /* command in flight for line vectors, "" = none */
    bool expect_ok;
    char code[40];
    long off;                  /* -1: not checked */
    char param[64];
    char msg[256];
    char cls[16];
    char lname[64];            /* final / URC name */
};

static struct vec *vecs;
static size_t n_vecs, cap_vecs;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
}

static bool parse_expect_cmd(struct vec *v, char *e, const char *where)
{
    /* ok | <code> @<off> [param <name>] ["msg"] */
    char *q = strchr(e, '"');
    if (q) {
        char *q2 = strrchr(e, '"');
        if (q2 == q) {
            fprintf(stderr, "%s: unterminated message\n", where);
            return false;
        }
        snprintf(v->msg, sizeof v->msg, "%.*s", (int)(q2 - q - 1), q + 1);
        *q = '\0';
    }
    char *tok = strtok(e, " ");
    if (!tok) {
        fprintf(stderr, "%s: nothing after =>\n", where);
        return false;
    }
    if (strcmp(tok, "ok") == 0) {
        v->expect_ok = true;
        return true;
    }
    snprintf(v->code, sizeof v->code, "%s", tok);
    while ((tok = strtok(NULL, " "))) {
        if (tok[0] == '@')
            v->off = strtol(tok + 1, NULL, 10);
        else if (strcmp(tok, "param") == 0 && (tok = strtok(NULL, " ")))
            snprintf(v->param, sizeof v->param, "%s", tok);
        else {
            fprintf(stderr, "%s: unexpected '%s'\n", where, tok);
            return false;
        }
    }
    return true;
}

static bool parse_expect_line(struct vec *v, char *e, const char *where)
{
    /* <class> [<name>] [! <code> @<off>] */
    char *bang = strchr(e, '!');
    if (bang) {
        *bang = '\0';
        if (!parse_expect_cmd(v, bang + 1, where))
            return false;
    } else {
        v->expect_ok = true;
    }
    char *tok = strtok(e, " ");
    if (!tok) {
        fprintf(stderr, "%s: no class after =>\n", where);
        return false;
    }
    snprintf(v->cls, sizeof v->cls, "%s", tok);
    if ((tok = strtok(NULL, " ")))
        snprintf(v->lname, sizeof v->lname, "%s", tok);
    return true;
}

static void load_file(const char *rel, const struct gram_vendor *vendor)
{
    const char *path = tu_src(rel);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tests: cannot open %s\n", path);
        exit(1);
    }
    char line[8192];
    int lineno = 0;
    char dialect[8][96];
    int n_dialect = 0;
    char state[48] = "";
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        trim(line);
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        char where[160];
        snprintf(where, sizeof where, "%s:%d", rel, lineno);
        if (strncmp(s, "dialect ", 8) == 0) {
            if (strcmp(s + 8, "default") == 0)
                n_dialect = 0;
            else if (n_dialect < 8)
                snprintf(dialect[n_dialect++], sizeof dialect[0], "%s", s + 8);
            continue;
        }
        if (strncmp(s, "state ", 6) == 0) {
            snprintf(state, sizeof state, "%s", strcmp(s + 6, "-") == 0 ? "" : s + 6);
            continue;
        }
        if (n_vecs == cap_vecs) {
            cap_vecs = cap_vecs ? cap_vecs * 2 : 256;
            vecs = realloc(vecs, cap_vecs * sizeof *vecs);
        }
        struct vec *v = &vecs[n_vecs];
        memset(v, 0, sizeof *v);
        v->off = -1;
        v->v = vendor;
        memcpy(v->dialect, dialect, sizeof dialect);
        v->n_dialect = n_dialect;
        snprintf(v->state, sizeof v->state, "%s", state);
        char *body;
        if (strncmp(s, "cmd ", 4) == 0) {
            v->kind = V_CMD;
            body = s + 4;
        } else if (strncmp(s, "line ", 5) == 0 || strncmp(s, "final ", 6) == 0) {
            v->kind = s[0] == 'l' ? V_LINE : V_FINAL;
            body = s + (s[0] == 'l' ? 5 : 6);
            if (*body == '[') {
                char *close = strstr(body, "] ");
                if (!close) {
                    fprintf(stderr, "%s: '[command' without '] '\n", where);
                    exit(1);
                }
                snprintf(v->inflight, sizeof v->inflight, "%.*s", (int)(close - body - 1), body + 1);
                body = close + 2;
            }
        } else {
            fprintf(stderr, "%s: a vector starts with cmd, line, dialect or state\n", where);
            exit(1);
        }
        char *arrow = NULL, *p = body;
        while ((p = strstr(p, " => ")))
            arrow = p++;
        char expect[1024] = "ok";
        if (arrow) {
            snprintf(expect, sizeof expect, "%s", arrow + 4);
            *arrow = '\0';
        } else if (v->kind != V_CMD) {
            fprintf(stderr, "%s: a line or final vector needs '=> ...'\n", where);
            exit(1);
        }
        snprintf(v->text, sizeof v->text, "%s", body);
        v->len = strlen(v->text);
        bool ok;
        if (v->kind == V_FINAL) {
            /* final [<command>] <line> => allowed | refused */
            ok = strcmp(expect, "allowed") == 0 || strcmp(expect, "refused") == 0;
            v->expect_ok = strcmp(expect, "allowed") == 0;
            if (!ok || !v->inflight[0])
                fprintf(stderr, "%s: write 'final [<command>] <line> => allowed|refused'\n", where);
            ok = ok && v->inflight[0];
        } else {
            ok = v->kind == V_CMD ? parse_expect_cmd(v, expect, where) : parse_expect_line(v, expect, where);
        }
        if (!ok)
            exit(1);
        snprintf(v->name, sizeof v->name, "%s%s%s:%d", vendor->id, strcmp(base, "core.vec") == 0 ? "/" : "",
                 strcmp(base, "core.vec") == 0 ? "core" : "", lineno);
        n_vecs++;
    }
    fclose(f);
}

static const struct vec *find_vec(const char *name)
{
    for (size_t i = 0; i < n_vecs; i++)
        if (strcmp(vecs[i].name, name) == 0)
            return &vecs[i];
    return NULL;
}

/* What the parser says of one vector. */
struct outcome {
    enum at_err code;
    struct at_verror err;
    struct at_result res;
    char msg[1024];
    bool setup_failed;
    char setup[256];
};

static void evaluate(const struct vec *v, struct outcome *o)
{
    memset(o, 0, sizeof *o);
    struct gram_dialect d;
    gram_dialect_default(&d, v->v);
    for (int i = 0; i < v->n_dialect; i++)
        if (gram_dialect_set(&d, v->dialect[i], o->setup, sizeof o->setup) != 0) {
            o->setup_failed = true;
            return;
        }
    const struct gram_dialect *dp = &d;
    struct at_index ix;
    at_index_build(&ix, &v->v, &dp, 1);
    int state = -1;
    if (v->state[0]) {
        state = v->v->machine ? gram_machine_state(v->v->machine, v->state) : -1;
        if (state < 0) {
            o->setup_failed = true;
            snprintf(o->setup, sizeof o->setup, "no state '%s'", v->state);
            at_index_free(&ix);
            return;
        }
    }
    if (v->kind == V_CMD) {
        struct at_cmdline cl;
        o->code = at_validate_command(&ix, state, (const uint8_t *)v->text, v->len, &cl, &o->err);
        if (o->code != AT_OK)
            at_verror_format(&o->err, &d, o->msg, sizeof o->msg);
    } else {
        struct at_inflight fl;
        memset(&fl, 0, sizeof fl);
        if (v->inflight[0]) {
            struct at_cmdline cl;
            struct at_verror e;
            if (at_validate_command(&ix, -1, (const uint8_t *)v->inflight, strlen(v->inflight), &cl, &e) != AT_OK) {
                o->setup_failed = true;
                snprintf(o->setup, sizeof o->setup, "the command in flight '%.200s' does not validate", v->inflight);
                at_index_free(&ix);
                return;
            }
            fl.form = cl.cmds[cl.n - 1].form;
        }
        at_classify_line(&ix, &fl, (const uint8_t *)v->text, v->len, &o->res);
        o->err = o->res.err;
        o->code = o->res.valid ? AT_OK : o->res.err.code;
        if (!o->res.valid && o->res.cls != AT_CLS_UNKNOWN)
            at_verror_format(&o->err, &d, o->msg, sizeof o->msg);
    }
    at_index_free(&ix);
}

/* final vectors: may the command in flight end with this final under the dialect? */
static void run_final(const struct vec *v)
{
    struct gram_dialect d;
    gram_dialect_default(&d, v->v);
    char err[256] = "";
    for (int i = 0; i < v->n_dialect; i++)
        TU_CHECK(gram_dialect_set(&d, v->dialect[i], err, sizeof err) == 0, "%s: %s", v->name, err);
    const struct gram_dialect *dp = &d;
    struct at_index ix;
    at_index_build(&ix, &v->v, &dp, 1);
    struct at_cmdline cl;
    struct at_verror e;
    struct at_result r;
    bool cmd_ok = at_validate_command(&ix, -1, (const uint8_t *)v->inflight, strlen(v->inflight), &cl, &e) == AT_OK;
    TU_CHECK(cmd_ok, "%s: the command '%s' does not validate", v->name, v->inflight);
    if (cmd_ok) {
        struct at_inflight fl = {cl.cmds[cl.n - 1].form, 0, NULL, 0, false};
        at_classify_line(&ix, &fl, (const uint8_t *)v->text, v->len, &r);
        TU_CHECK(r.cls == AT_CLS_FINAL && r.valid, "%s: \"%s\" is not a valid final result", v->name, v->text);
        if (r.cls == AT_CLS_FINAL && r.valid) {
            bool allowed = gram_form_final_allowed(fl.form, r.line->id, &d);
            TU_CHECK(allowed == v->expect_ok, "%s: %s may %send with %s, expected %s", v->name, v->inflight,
                     allowed ? "" : "not ", r.line->name, v->expect_ok ? "allowed" : "refused");
        }
    }
    at_index_free(&ix);
}

static void run_vector(void)
{
    const struct vec *v = find_vec(tu_current());
    TU_CHECK(v != NULL, "no vector named %s", tu_current());
    if (!v)
        return;
    if (v->kind == V_FINAL) {
        run_final(v);
        return;
    }
    struct outcome o;
    evaluate(v, &o);
    TU_CHECK(!o.setup_failed, "%s: %s", v->name, o.setup);
    if (o.setup_failed)
        return;
    if (v->kind == V_LINE) {
        const char *cls = at_class_name(o.res.cls);
        TU_CHECK(strcmp(cls, v->cls) == 0, "%s: \"%s\" reads as %s, expected %s", v->name, v->text,
                 cls, v->cls);
        if (v->lname[0])
            TU_CHECK(o.res.line && strcmp(o.res.line->name, v->lname) == 0,
                     "%s: \"%s\" reads as %s '%s', expected '%s'", v->name, v->text, cls,
                     o.res.line ? o.res.line->name : "-", v->lname);
        if (strcmp(v->cls, "unknown") == 0 || strcmp(v->cls, "foreign") == 0)
            return;
    }
    if (v->expect_ok) {
        TU_CHECK(o.code == AT_OK, "%s: \"%s\" should be valid, the parser says: %s", v->name,
                 v->text, o.msg);
        return;
    }
    TU_CHECK(o.code != AT_OK, "%s: \"%s\" should be rejected (%s), the parser accepts it", v->name,
             v->text, v->code);
    if (o.code == AT_OK)
        return;
    TU_CHECK(strcmp(at_err_name(o.code), v->code) == 0, "%s: \"%s\": expected %s, got %s: %s",
             v->name, v->text, v->code, at_err_name(o.code), o.msg);
    if (v->off >= 0)
        TU_CHECK((long)o.err.off == v->off, "%s: \"%s\": expected offset %ld, got %u: %s", v->name,
                 v->text, v->off, o.err.off, o.msg);
    if (v->param[0])
        TU_CHECK(o.err.what && strcmp(o.err.what->name, v->param) == 0,
                 "%s: \"%s\": expected the complaint about '%s', got '%s': %s", v->name, v->text,
                 v->param, o.err.what ? o.err.what->name : "-", o.msg);
    if (v->msg[0])
        TU_CHECK(strstr(o.msg, v->msg) != NULL, "%s: \"%s\": the message \"%s\" does not say \"%s\"",
                 v->name, v->text, o.msg, v->msg);
}

/* ---- coverage --------------------------------------------------------------------- */

struct hits {
    const void *p[4096];
    size_t n;
};

static void hit(struct hits *h, const void *p)
{
    if (p && h->n < sizeof h->p / sizeof h->p[0])
        h->p[h->n++] = p;
}

static bool was_hit(const struct hits *h, const void *p)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->p[i] == p)
            return true;
    return false;
}

static void coverage_of(const struct gram_vendor *vendor, bool core)
{
    struct hits *rules = calloc(1, sizeof *rules), *params = calloc(1, sizeof *params);
    for (size_t i = 0; i < n_vecs; i++) {
        const struct vec *v = &vecs[i];
        if (v->v != vendor || v->expect_ok)
            continue;
        bool is_core = strstr(v->name, "/core:") != NULL;
        if (is_core != core)
            continue;
        struct outcome o;
        evaluate(v, &o);
        if (o.setup_failed || o.code == AT_OK || strcmp(at_err_name(o.code), v->code) != 0)
            continue;
        hit(rules, o.err.rule);
        hit(params, o.err.what);
    }
    for (uint16_t i = 0; i < vendor->n_commands; i++) {
        const struct gram_command *c = &vendor->commands[i];
        bool from_core = vendor->core && i < vendor->core->n_commands;
        if (from_core != core)
            continue;
        for (uint16_t j = 0; j < c->n_forms; j++) {
            const struct gram_form *f = &c->forms[j];
            for (uint16_t r = 0; r < f->n_rules; r++)
                TU_CHECK(was_hit(rules, &f->rules[r]),
                         "%s: no golden vector breaks %s %s rule '%s' (%s:%u)", vendor->id, c->name,
                         gram_form_kind_name(f->kind), f->rules[r].text, f->rules[r].pos.file,
                         f->rules[r].pos.line);
            for (uint16_t p = 0; p < f->n_params; p++)
                TU_CHECK(was_hit(params, &f->params[p]),
                         "%s: no golden vector gives %s parameter '%s' a wrong value (%s:%u)",
                         vendor->id, c->name, f->params[p].name, f->params[p].pos.file,
                         f->params[p].pos.line);
        }
    }
    free(rules);
    free(params);
}

static void coverage(void)
{
    /* "coverage:<vendor>" or "coverage:core" */
    const char *id = strchr(tu_current(), ':') + 1;
    if (strcmp(id, "core") == 0)
        coverage_of(tu_grammar()->vendors[0], true);
    else
        coverage_of(tu_vendor(id), false);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    const struct gram_set *g = tu_grammar();
    for (size_t i = 0; i < g->n_vendors; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/golden/%s.vec", g->vendors[i]->id);
        load_file(rel, g->vendors[i]);
        load_file("tests/golden/core.vec", g->vendors[i]);
    }
    for (size_t i = 0; i < g->n_vendors; i++) {
        char sname[64];
        snprintf(sname, sizeof sname, "golden/%s", g->vendors[i]->id);
        CU_pSuite s = tu_suite(sname);
        for (size_t k = 0; k < n_vecs; k++)
            if (vecs[k].v == g->vendors[i])
                tu_add(s, vecs[k].name, run_vector);
        char cname[64];
        snprintf(cname, sizeof cname, "coverage:%s", g->vendors[i]->id);
        tu_add(s, cname, coverage);
    }
    CU_pSuite cs = tu_suite("golden/core-coverage");
    tu_add(cs, "coverage:core", coverage);
    int r = tu_run(argc, argv);
    free(vecs);
    return r;
}
