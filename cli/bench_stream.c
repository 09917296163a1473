/* cli/bench_stream.c — writes the benchmark inputs: a stream of mixed module output (echo,
 * information lines, finals, URCs of every vendor, binary payload blocks) and a file of
 * command lines, both generated from the grammar with a fixed seed so every run measures
 * the same bytes. */
#include "cli/bench.h"
#include "common/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/gen.h"
#include "parser/classify.h"
#include "parser/validate.h"

struct rng {
    uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 11);
}

struct pool_lines {
    char **v;
    size_t n, cap;
};

static void pool_add(struct pool_lines *p, const char *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->v = oc_xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = oc_xstrdup(s);
}

static void pool_free(struct pool_lines *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
}

/* Valid lines of one form, with the lines the module answers with. */
struct exch {
    char *cmd;
    struct pool_lines infos;
    const struct gram_line *payload_info;
    uint8_t slot;
};

struct gen_ctx {
    struct exch *ex;
    size_t n, cap;
    struct pool_lines invalid;
};

static void collect_case(void *ctx, const struct gram_gen_case *c)
{
    struct gen_ctx *g = ctx;
    if (!c->valid) {
        /* a rejected command is still echoed; one without "AT" would not read as an echo */
        if (g->invalid.n < 4096 && strcmp(c->expect, "no-at-prefix") != 0)
            pool_add(&g->invalid, c->line);
        return;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 256;
        g->ex = oc_xrealloc(g->ex, g->cap * sizeof *g->ex);
    }
    struct exch *e = &g->ex[g->n++];
    memset(e, 0, sizeof *e);
    e->cmd = oc_xstrdup(c->line);
    for (uint16_t i = 0; i < c->form->n_infos; i++)
        if (c->form->infos[i].payload_field >= 0)
            e->payload_info = &c->form->infos[i];
}

/* A sample of line l (with form in flight, for response lines) that the parser reads back
 * as l and valid: a sample of a general line may be claimed by a more specific one. */
static bool reads_back(const struct at_index *ix, uint8_t slot, const struct gram_form *form,
                       const struct gram_line *l, const char *text)
{
    struct at_inflight fl;
    memset(&fl, 0, sizeof fl);
    fl.form = form;
    fl.slot = slot;
    struct at_result r;
    at_classify_line(ix, form ? &fl : NULL, (const uint8_t *)text, strlen(text), &r);
    return r.valid && r.line && r.line->tpl.ops == l->tpl.ops;
}

static void collect_infos(const struct at_index *ix, struct exch *e, const struct gram_form *f)
{
    const struct at_line_ctx *lc = &ix->slots[e->slot].lc;
    for (uint16_t i = 0; i < f->n_infos; i++) {
        const struct gram_line *l = &f->infos[i];
        if ((l->flags & GLF_ON_ERROR) || l->payload_field >= 0 || !gram_guard_ok(&ix->slots[e->slot].d, l->guard))
            continue;
        char buf[2048];
        gram_gen_render(&l->tpl, lc, 0, 0xffffffffu, NULL, buf, sizeof buf);
        if (reads_back(ix, e->slot, f, l, buf))
            pool_add(&e->infos, buf);
    }
}

static void put(FILE *f, const char *s, size_t n, uint64_t *count)
{
    fwrite(s, 1, n, f);
    *count += n;
}

int bench_make_stream(const struct gram_vendor *const *vs, size_t nv, const char *path,
                      uint64_t bytes, uint64_t seed, double payload_share)
{
    struct at_index ix;
    if (at_index_build(&ix, vs, NULL, nv) != 0) {
        fprintf(stderr, "otacheck bench: at most %d vendors in one stream\n", AT_IX_MAX_VENDORS);
        return -1;
    }
    struct gen_ctx g;
    memset(&g, 0, sizeof g);
    struct pool_lines urcs = {0};
    size_t vend_first[AT_IX_MAX_VENDORS + 1];
    for (size_t s = 0; s < nv; s++) {
        vend_first[s] = g.n;
        gram_gen_vendor_cases(&ix, (uint8_t)s, collect_case, &g);
        for (size_t i = vend_first[s]; i < g.n; i++)
            g.ex[i].slot = (uint8_t)s;
        const struct at_line_ctx *lc = &ix.slots[s].lc;
        for (uint16_t u = 0; u < vs[s]->n_urcs; u++) {
            const struct gram_line *l = &vs[s]->urcs[u];
            if (!gram_guard_ok(&ix.slots[s].d, l->guard))
                continue;
            char buf[2048];
            for (int w = 0; w < 2; w++) {
                gram_gen_render(&l->tpl, lc, w, w ? 0xffffffffu : 0, NULL, buf, sizeof buf);
                if (reads_back(&ix, (uint8_t)s, NULL, l, buf))
                    pool_add(&urcs, buf);
            }
        }
    }
    vend_first[nv] = g.n;
    /* responses of each exchange */
    for (size_t i = 0; i < g.n; i++) {
        struct at_cmdline cl;
        struct at_verror e;
        if (at_validate_command(&ix, -1, (const uint8_t *)g.ex[i].cmd, strlen(g.ex[i].cmd), &cl, &e) == AT_OK)
            collect_infos(&ix, &g.ex[i], cl.cmds[0].form);
    }
    size_t n_payload = 0;
    for (size_t i = 0; i < g.n; i++)
        if (g.ex[i].payload_info)
            n_payload++;
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "otacheck bench: cannot write %s\n", path);
        return -1;
    }
    struct rng r = {seed * 0x9E3779B97F4A7C15ull + 1};
    uint64_t total = 0, payload = 0, lines = 0;
    uint8_t block[4096];
    while (total < bytes && g.n) {
        bool do_payload = n_payload && payload < payload_share * (double)total;
        struct exch *e;
        if (do_payload) {
            size_t k = rnd(&r) % n_payload;
            e = NULL;
            for (size_t i = 0; i < g.n && !e; i++)
                if (g.ex[i].payload_info && k-- == 0)
                    e = &g.ex[i];
        } else {
            /* a vendor, then one of its exchanges */
            size_t s = rnd(&r) % nv;
            size_t span = vend_first[s + 1] - vend_first[s];
            if (!span)
                continue;
            e = &g.ex[vend_first[s] + rnd(&r) % span];
            if (e->payload_info)
                continue;
        }
        if (!do_payload && rnd(&r) % 10 == 0 && g.invalid.n) {
            /* now and then a command the module rejects */
            const char *bad = g.invalid.v[rnd(&r) % g.invalid.n];
            put(f, bad, strlen(bad), &total);
            put(f, "\r\r\nERROR\r\n", 10, &total);
            lines += 2;
        } else {
            put(f, e->cmd, strlen(e->cmd), &total);
            put(f, "\r", 1, &total);
            lines++;
            for (size_t i = 0; i < e->infos.n; i++) {
                put(f, "\r\n", 2, &total);
                put(f, e->infos.v[i], strlen(e->infos.v[i]), &total);
                put(f, "\r\n", 2, &total);
                lines++;
            }
            if (e->payload_info) {
                const struct gram_line *l = e->payload_info;
                int64_t ints[GRAM_MAX_PARAMS];
                for (int i = 0; i < GRAM_MAX_PARAMS; i++)
                    ints[i] = INT64_MIN;
                size_t len = 1024;
                ints[l->payload_field] = (int64_t)len;
                char hdr[512];
                size_t hl = gram_gen_render(&l->tpl, &ix.slots[e->slot].lc, 0, 0, ints, hdr, sizeof hdr);
                put(f, "\r\n", 2, &total);
                put(f, hdr, hl, &total);
                put(f, "\r\n", 2, &total);
                for (size_t i = 0; i < len; i++)
                    block[i] = (uint8_t)rnd(&r);
                put(f, (const char *)block, len, &total);
                payload += len;
                put(f, "\r\n", 2, &total);
                lines++;
            }
            put(f, "\r\nOK\r\n", 6, &total);
            lines++;
        }
        /* URCs between exchanges */
        unsigned k = rnd(&r) % 3;
        for (unsigned i = 0; i < k && urcs.n; i++) {
            const char *u = urcs.v[rnd(&r) % urcs.n];
            put(f, "\r\n", 2, &total);
            put(f, u, strlen(u), &total);
            put(f, "\r\n", 2, &total);
            lines++;
        }
    }
    int rc = fclose(f) == 0 ? 0 : -1;
    fprintf(stderr, "otacheck bench: wrote %s: %" PRIu64 " bytes, %" PRIu64 " lines, %.1f%% binary payload\n",
            path, total, lines, total ? 100.0 * (double)payload / (double)total : 0.0);
    for (size_t i = 0; i < g.n; i++) {
        free(g.ex[i].cmd);
        pool_free(&g.ex[i].infos);
    }
    free(g.ex);
    pool_free(&g.invalid);
    pool_free(&urcs);
    at_index_free(&ix);
    return rc;
}

struct cmd_ctx {
    struct pool_lines all;
};

static void collect_all(void *ctx, const struct gram_gen_case *c)
{
    struct cmd_ctx *cc = ctx;
    if (c->expect && strcmp(c->expect, "no-at-prefix") == 0)
        return;
    pool_add(&cc->all, c->line);
}

int bench_make_commands(const struct gram_vendor *const *vs, size_t nv, const char *path,
                        uint64_t lines, uint64_t seed)
{
    struct at_index ix;
    if (at_index_build(&ix, vs, NULL, nv) != 0)
        return -1;
    struct cmd_ctx cc;
    memset(&cc, 0, sizeof cc);
    for (size_t s = 0; s < nv; s++)
        gram_gen_vendor_cases(&ix, (uint8_t)s, collect_all, &cc);
    FILE *f = fopen(path, "wb");
    if (!f || !cc.all.n) {
        fprintf(stderr, "otacheck bench: cannot write %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    struct rng r = {seed * 0x9E3779B97F4A7C15ull + 7};
    for (uint64_t i = 0; i < lines; i++) {
        const char *s = cc.all.v[rnd(&r) % cc.all.n];
        fputs(s, f);
        fputc('\n', f);
    }
    int rc = fclose(f) == 0 ? 0 : -1;
    fprintf(stderr, "otacheck bench: wrote %s: %" PRIu64 " command lines from %zu generated cases\n",
            path, lines, cc.all.n);
    pool_free(&cc.all);
    at_index_free(&ix);
    return rc;
}
