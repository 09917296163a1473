/* parser/index.c — see index.h. Open addressing with linear probing, FNV-1a keys. */
#include "parser/index.h"
#include "common/xalloc.h"

#include "parser/bytes.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

uint64_t at_hash(const uint8_t *p, size_t n)
{
    /* eight bytes at a time: keys are short, and this runs once per line */
    uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ull;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)p[i] << (8 * i);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
    }
    return h;
}

/* The hash of a command name without case: bytes folded with 0x20 (letters to lower
 * case; the other characters of V.250 names stay distinct enough for a hash). Built a byte
 * at a time, so that the validator can compute it while it reads the name. */
static uint64_t hash_upper(const uint8_t *p, size_t n)
{
    struct at_name_hash nh;
    at_name_hash_init(&nh);
    for (size_t i = 0; i < n; i++)
        at_name_hash_byte(&nh, p[i]);
    return at_name_hash_end(&nh);
}

static uint32_t table_size(size_t n)
{
    uint32_t s = 16;
    while (s < n * 2 + 1)
        s <<= 1;
    return s;
}

struct tmp_cand {
    const struct gram_line *line;
    uint8_t slot;
    bool fallback;
};

static int cand_cmp(const void *a, const void *b)
{
    const struct tmp_cand *x = a, *y = b;
    const struct gram_template *tx = &x->line->tpl, *ty = &y->line->tpl;
    size_t n = tx->key_len < ty->key_len ? tx->key_len : ty->key_len;
    int c = memcmp(tx->key, ty->key, n);
    if (c)
        return c;
    if (tx->key_len != ty->key_len)
        return tx->key_len < ty->key_len ? -1 : 1;
    if (x->fallback != y->fallback)
        return x->fallback ? 1 : -1;
    if (tx->lead_len != ty->lead_len)
        return tx->lead_len > ty->lead_len ? -1 : 1;
    /* finals before URCs of the same specificity; then declaration order */
    if (x->line->kind != y->line->kind)
        return x->line->kind == GL_FINAL ? -1 : 1;
    return x->line < y->line ? -1 : (x->line > y->line);
}

static bool seen_template(const struct tmp_cand *v, size_t n, const struct gram_line *l)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].line->tpl.ops == l->tpl.ops)
            return true;
    return false;
}

int at_index_build(struct at_index *ix, const struct gram_vendor *const *vendors,
                   const struct gram_dialect *const *dialects, size_t n)
{
    memset(ix, 0, sizeof *ix);
    oc_arena_init(&ix->arena, 64 * 1024);
    if (n == 0 || n > AT_IX_MAX_VENDORS)
        return -1;
    size_t total_lines = 0, total_cmds = 0;
    for (size_t s = 0; s < n; s++) {
        struct at_ix_slot *sl = &ix->slots[s];
        sl->v = vendors[s];
        if (dialects && dialects[s])
            sl->d = *dialects[s];
        else
            gram_dialect_default(&sl->d, vendors[s]);
        total_lines += vendors[s]->n_finals + vendors[s]->n_urcs;
        total_cmds += vendors[s]->n_commands;
    }
    ix->n_slots = (uint8_t)n;
    /* the line contexts point at the dialects inside the index itself */
    for (size_t s = 0; s < n; s++) {
        at_line_ctx_init(&ix->slots[s].lc, ix->slots[s].v, &ix->slots[s].d);
        const struct gram_vendor *v = ix->slots[s].v;
        if (v->trailing_space_knob) {
            int ch = gram_knob_choice(&v->knobs[v->trailing_space_knob - 1], "allowed");
            if (ch >= 0 && (ix->slots[s].d.active[v->trailing_space_knob] >> ch & 1))
                ix->trim_blanks = true;
        }
    }

    struct tmp_cand *tc = oc_xmalloc(sizeof *tc * total_lines);
    struct tmp_cand *sc = oc_xmalloc(sizeof *sc * total_lines);
    size_t ntc = 0, nsc = 0;
    for (size_t s = 0; s < n; s++) {
        const struct gram_vendor *v = vendors[s];
        for (int pass = 0; pass < 2; pass++) {
            const struct gram_line *arr = pass == 0 ? v->finals : v->urcs;
            uint16_t cnt = pass == 0 ? v->n_finals : v->n_urcs;
            for (uint16_t i = 0; i < cnt; i++) {
                const struct gram_line *l = &arr[i];
                if (!gram_guard_ok(&ix->slots[s].d, l->guard))
                    continue;
                if (seen_template(tc, ntc, l) || seen_template(sc, nsc, l))
                    continue;
                struct tmp_cand c = {l, (uint8_t)s, (l->flags & GLF_FALLBACK) != 0};
                if (l->tpl.key_exact)
                    tc[ntc++] = c;
                else
                    sc[nsc++] = c;
            }
        }
    }
    qsort(tc, ntc, sizeof *tc, cand_cmp);
    ix->cands = OC_ARENA_ARRAY(&ix->arena, struct at_ix_cand, ntc ? ntc : 1);
    ix->n_cands = (uint32_t)ntc;
    uint32_t tsize = table_size(ntc);
    ix->buckets = OC_ARENA_ARRAY(&ix->arena, struct at_ix_bucket, tsize);
    ix->bucket_mask = tsize - 1;
    for (size_t i = 0; i < ntc;) {
        size_t j = i;
        const struct gram_template *t = &tc[i].line->tpl;
        while (j < ntc && tc[j].line->tpl.key_len == t->key_len &&
               memcmp(tc[j].line->tpl.key, t->key, t->key_len) == 0) {
            ix->cands[j].line = tc[j].line;
            ix->cands[j].slot = tc[j].slot;
            ix->cands[j].fallback = tc[j].fallback;
            ix->cands[j].kind = (uint8_t)tc[j].line->kind;
            const struct gram_template *tt = &tc[j].line->tpl;
            if (tt->n_ops >= 3 && tt->ops[0].kind == TPL_LIT && tt->ops[0].a == tt->key_len + 1 &&
                tt->ops[1].kind == TPL_CSPACE && tt->ops[2].kind == TPL_LIT) {
                ix->cands[j].tail = tt->lits + tt->ops[2].b;
                ix->cands[j].tail_len = tt->ops[2].a;
            }
            j++;
        }
        uint64_t h = at_hash((const uint8_t *)t->key, t->key_len);
        uint32_t b = (uint32_t)h & ix->bucket_mask;
        while (ix->buckets[b].used)
            b = (b + 1) & ix->bucket_mask;
        struct at_ix_bucket *bk = &ix->buckets[b];
        bk->used = true;
        bk->hash = h;
        bk->key = t->key;
        bk->key_len = t->key_len;
        bk->first = (uint32_t)i;
        bk->n = (uint16_t)(j - i);
        if (t->key_len > ix->max_key)
            ix->max_key = t->key_len;
        i = j;
    }
    ix->scan = OC_ARENA_ARRAY(&ix->arena, struct at_ix_cand, nsc ? nsc : 1);
    for (size_t i = 0; i < nsc; i++) {
        ix->scan[i].line = sc[i].line;
        ix->scan[i].slot = sc[i].slot;
        ix->scan[i].fallback = sc[i].fallback;
    }
    ix->n_scan = (uint32_t)nsc;
    free(tc);
    free(sc);

    uint32_t csize = table_size(total_cmds);
    ix->cmds = OC_ARENA_ARRAY(&ix->arena, struct at_ix_cmd, csize);
    ix->cmd_mask = csize - 1;
    for (size_t s = 0; s < n; s++) {
        const struct gram_vendor *v = vendors[s];
        for (uint16_t i = 0; i < v->n_commands; i++) {
            const struct gram_command *c = &v->commands[i];
            size_t len = strlen(c->name);
            uint64_t h = hash_upper((const uint8_t *)c->name, len);
            uint32_t b = (uint32_t)h & ix->cmd_mask;
            bool dup = false;
            while (ix->cmds[b].used) {
                if (ix->cmds[b].hash == h && ix->cmds[b].len == len &&
                    strcasecmp(ix->cmds[b].name, c->name) == 0) {
                    dup = true; /* a core command shared by several vendors: the first wins */
                    break;
                }
                b = (b + 1) & ix->cmd_mask;
            }
            if (dup)
                continue;
            struct at_ix_cmd *e = &ix->cmds[b];
            e->used = true;
            e->hash = h;
            e->name = c->name;
            e->len = (uint16_t)len;
            e->cmd = c;
            e->slot = (uint8_t)s;
            if (c->empty && !ix->empty_cmd)
                ix->empty_cmd = e;
        }
    }
    return 0;
}

void at_index_free(struct at_index *ix)
{
    oc_arena_free(&ix->arena);
    memset(ix, 0, sizeof *ix);
}

const struct at_ix_bucket *at_index_bucket(const struct at_index *ix, const uint8_t *key,
                                           size_t n)
{
    if (n > ix->max_key)
        return NULL;
    uint64_t h = at_hash(key, n);
    uint32_t b = (uint32_t)h & ix->bucket_mask;
    while (ix->buckets[b].used) {
        const struct at_ix_bucket *bk = &ix->buckets[b];
        if (bk->hash == h && bk->key_len == n && at_bytes_eq(bk->key, key, n))
            return bk;
        b = (b + 1) & ix->bucket_mask;
    }
    return NULL;
}

const struct at_ix_cmd *at_index_command(const struct at_index *ix, const uint8_t *name,
                                         size_t n)
{
    return at_index_command_h(ix, name, n, hash_upper(name, n));
}

const struct at_ix_cmd *at_index_command_h(const struct at_index *ix, const uint8_t *name,
                                           size_t n, uint64_t h)
{
    uint32_t b = (uint32_t)h & ix->cmd_mask;
    while (ix->cmds[b].used) {
        const struct at_ix_cmd *e = &ix->cmds[b];
        if (e->hash == h && e->len == n) {
            size_t i = 0;
            while (i < n && ((uint8_t)e->name[i] | 0x20) == (name[i] | 0x20))
                i++;
            if (i == n)
                return e;
        }
        b = (b + 1) & ix->cmd_mask;
    }
    return NULL;
}
