/* fuzz/devgen.c — the device fuzzer's cases (see devgen.h). */
#include "fuzz/devgen.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#include "harness/defaults.h"
#include "parser/gen.h"
#include "parser/mask.h"
#include "parser/validate.h"

bool df_line_destructive(const struct at_index *ix, const char *line)
{
    struct at_cmdline cl;
    struct at_verror e;
    at_identify_command(ix, (const uint8_t *)line, strlen(line), &cl, &e);
    for (uint8_t k = 0; k < cl.n; k++)
        if (cl.cmds[k].form && gram_form_class(cl.cmds[k].form) == GC_DESTRUCTIVE)
            return true;
    if (e.code != AT_OK && e.cmd) {
        if (e.cmd->cls == GC_DESTRUCTIVE)
            return true;
        for (uint16_t i = 0; i < e.cmd->n_forms; i++)
            if (gram_form_class(&e.cmd->forms[i]) == GC_DESTRUCTIVE)
                return true;
    }
    return false;
}

/* ---- bases: the configuration's ways into the vendor's flows and states ---------------- */

static void add_base(struct df_gen *g, const char *const *lines, size_t n)
{
    if (g->n_bases >= DF_MAX_BASES || n == 0)
        return;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(lines[i]) + 1;
    char *b = oc_xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(lines[i]);
        memcpy(b + o, lines[i], l);
        o += l;
        b[o++] = '\n';
    }
    b[o] = '\0';
    /* the same base twice (two routes share their way in) is one base */
    for (size_t i = 0; i < g->n_bases; i++)
        if (strcmp(g->base[i], b) == 0) {
            free(b);
            return;
        }
    g->base[g->n_bases] = b;
    g->base_len[g->n_bases++] = o;
}

/* Collects the bases of v: each flow's setup and start (the capability file's, else the
 * reference cloud's), and each state route's commands ("> LINE" steps; waits are the
 * module's business). */
static void collect_bases(struct df_gen *g, const struct cf_caps *caps)
{
    const struct gram_vendor *v = g->v;
    struct flow_start starts[DF_MAX_BASES];
    size_t n_starts = 0;
    for (uint16_t i = 0; i < v->n_flows && n_starts < DF_MAX_BASES; i++) {
        struct flow_start *fs = &starts[n_starts];
        bool has_start = cf_flow_start(caps, v->id, v->flows[i].name, fs);
        if (fs->setup[0] || has_start)
            n_starts++; /* a route's "@ FLOW setup" takes these too */
        if (!has_start)
            continue;
        const char *lines[FLOW_SETUP_MAX + 1];
        size_t n = 0;
        for (size_t k = 0; k < FLOW_SETUP_MAX && fs->setup[k]; k++)
            lines[n++] = fs->setup[k];
        lines[n++] = fs->start;
        add_base(g, lines, n);
    }
    if (v->machine)
        for (uint16_t st = 0; st < v->machine->n_states; st++) {
            const struct state_route *r = state_route_for(v->id, v->machine->states[st]);
            if (!r)
                continue;
            const char *lines[2 * ROUTE_MAX_STEPS];
            size_t n = route_command_lines(v->id, r->to, starts, n_starts, lines, sizeof lines / sizeof lines[0]);
            add_base(g, lines, n);
        }
}

static void add_cred(void *ctx, const char *value)
{
    fz_creds_add(ctx, value);
}

/* The values of secret parameters in the bases, the capability file's credentials and the
 * reference cloud's. */
static void collect_creds(const struct at_index *ix, const struct gram_vendor *v, const struct cf_caps *caps,
                          char *const *base, size_t n_bases, struct fz_creds *out)
{
    fz_creds_free(out);
    for (size_t i = 0; caps && caps->secrets[i]; i++)
        fz_creds_add(out, caps->secrets[i]);
    for (size_t b = 0; b < n_bases; b++)
        for (const char *p = base[b]; *p;) {
            size_t n = strcspn(p, "\n");
            at_secret_values(ix, (const uint8_t *)p, n, add_cred, out);
            p += n;
            if (*p == '\n')
                p++;
        }
    const struct ota_defaults *d = ota_defaults_for(v->id);
    if (d && d->ftp_pass)
        fz_creds_add(out, d->ftp_pass);
    if (d && d->product_secret)
        fz_creds_add(out, d->product_secret);
}

void df_config_creds(const struct at_index *ix, const struct gram_vendor *v, const struct cf_caps *caps,
                     struct fz_creds *out)
{
    struct df_gen g;
    memset(&g, 0, sizeof g);
    g.ix = ix;
    g.v = v;
    collect_bases(&g, caps);
    collect_creds(ix, v, caps, g.base, g.n_bases, out);
    for (size_t i = 0; i < g.n_bases; i++)
        free(g.base[i]);
}

int df_gen_init(struct df_gen *g, const struct at_index *ix, const struct gram_vendor *v, uint64_t seed,
                bool allow_destructive, const struct cf_caps *caps)
{
    memset(g, 0, sizeof *g);
    g->ix = ix;
    g->v = v;
    g->seed = seed;
    g->allow_destructive = allow_destructive;
    if (fz_pool_build(&g->pool, ix, 0) != 0)
        return -1;
    collect_bases(g, caps);
    collect_creds(ix, v, caps, g->base, g->n_bases, &g->creds);
    return 0;
}

void df_gen_free(struct df_gen *g)
{
    fz_pool_free(&g->pool);
    fz_creds_free(&g->creds);
    for (size_t i = 0; i < g->n_bases; i++)
        free(g->base[i]);
    memset(g, 0, sizeof *g);
}

/* ---- cases -------------------------------------------------------------------------------- */

/* Can the line be sent and written down as it is? */
static bool line_ok(const struct df_gen *g, const char *p, size_t n)
{
    if (n == 0 || n > FZ_REPRO_MAX_LINE || p[0] == '#')
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '\0' || p[i] == '\r' || p[i] == '\n')
            return false;
    if (!g->allow_destructive) {
        char tmp[FZ_REPRO_MAX_LINE + 1];
        memcpy(tmp, p, n);
        tmp[n] = '\0';
        if (df_line_destructive(g->ix, tmp))
            return false;
    }
    return true;
}

/* A pool line mutated `times` times, into out (NUL-terminated). */
static size_t mutated_line(const struct df_gen *g, struct fz_rng *r, unsigned times, char *out, size_t cap)
{
    size_t n = 0;
    const char *pl = fz_pool_pick(&g->pool, r, &n);
    if (!pl) {
        pl = "AT";
        n = 2;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(out, pl, n);
    out[n] = '\0';
    char tmp[GEN_LINE_MAX];
    for (unsigned k = 0; k < times; k++) {
        size_t m = fz_mutate_line(g->ix, 0, &g->pool, r, out, n, tmp, sizeof tmp, NULL);
        if (m == 0 || m > FZ_REPRO_MAX_LINE)
            continue; /* too long to write down: keep the line as it was */
        memcpy(out, tmp, m);
        out[m] = '\0';
        n = m;
    }
    return n;
}

/* How many times a line is mutated: now and then not at all (the pool's lines are cases
 * of their own), mostly once, sometimes twice. */
static unsigned mutations(struct fz_rng *r)
{
    unsigned k = fz_below(r, 8);
    return k < 2 ? 0 : k < 6 ? 1 : 2;
}

/* Is the line's last command a form documented to end in silence? Each such line costs a
 * wait on a real line for no answer, and teaches little: one in eight is kept. */
static bool silent_form(const struct df_gen *g, const char *line, size_t n)
{
    struct at_cmdline cl;
    struct at_verror e;
    at_identify_command(g->ix, (const uint8_t *)line, n, &cl, &e);
    const struct gram_form *f = cl.n ? cl.cmds[cl.n - 1].form : e.form;
    return f && f->final_silence;
}

/* Adds a line to the case when it can be sent; tries a few others when it cannot. */
static void add_generated(const struct df_gen *g, struct fz_rng *r, struct fz_lines *out)
{
    char line[GEN_LINE_MAX];
    for (int tries = 0; tries < 8; tries++) {
        size_t n = mutated_line(g, r, mutations(r), line, sizeof line);
        if (line_ok(g, line, n) && (!silent_form(g, line, n) || fz_below(r, 8) == 0)) {
            fz_lines_push(out, line, n);
            return;
        }
    }
}

/* Adds the LF-separated lines of text that can be sent. */
static void add_text(const struct df_gen *g, const char *text, size_t len, struct fz_lines *out)
{
    for (size_t off = 0; off < len && out->n < DF_CASE_MAX_LINES;) {
        size_t n = 0;
        while (off + n < len && text[off + n] != '\n' && text[off + n] != '\r')
            n++;
        if (line_ok(g, text + off, n))
            fz_lines_push(out, text + off, n);
        off += n + 1;
    }
}

void df_gen_case(const struct df_gen *g, uint64_t number, struct fz_lines *out)
{
    fz_lines_clear(out);
    /* the case's own generator: seed and case number mixed, nothing else */
    struct fz_rng r = {g->seed};
    uint64_t a = fz_rand(&r);
    r.s = a ^ (number * 0xD1B54A32D192ED03ull);
    fz_rand(&r);
    unsigned kind = fz_below(&r, 20);
    if (g->n_bases == 0 && kind >= 14)
        kind = fz_below(&r, 14);
    if (kind < 7) { /* one line */
        add_generated(g, &r, out);
    } else if (kind < 14) { /* a few lines in a row */
        unsigned n = 2 + fz_below(&r, 4);
        for (unsigned i = 0; i < n; i++)
            add_generated(g, &r, out);
    } else if (kind < 17) { /* a base, mutated as a sequence */
        size_t b = fz_below(&r, (uint32_t)g->n_bases);
        size_t o = fz_below(&r, (uint32_t)g->n_bases);
        uint8_t buf[2][8192];
        size_t len = g->base_len[b] < sizeof buf[0] ? g->base_len[b] : sizeof buf[0];
        memcpy(buf[0], g->base[b], len);
        unsigned times = 1 + fz_below(&r, 3);
        int cur = 0;
        for (unsigned k = 0; k < times; k++) {
            len = fz_mutate_seq(g->ix, 0, &g->pool, &r, buf[cur], len, (const uint8_t *)g->base[o],
                                g->base_len[o], buf[!cur], sizeof buf[0]);
            cur = !cur;
        }
        add_text(g, (const char *)buf[cur], len, out);
    } else { /* a base as it is, then lines sent in the state it leaves */
        size_t b = fz_below(&r, (uint32_t)g->n_bases);
        add_text(g, g->base[b], g->base_len[b], out);
        unsigned n = 1 + fz_below(&r, 3);
        for (unsigned i = 0; i < n && out->n < DF_CASE_MAX_LINES; i++)
            add_generated(g, &r, out);
    }
    if (out->n == 0)
        add_generated(g, &r, out);
    if (out->n == 0)
        fz_lines_push(out, "AT", 2);
}
