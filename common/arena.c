/* common/arena.c — bump allocator; see arena.h. */
#include "common/arena.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct oc_arena_block {
    struct oc_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void oc_arena_init(struct oc_arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
    a->total = 0;
}

void oc_arena_free(struct oc_arena *a)
{
    struct oc_arena_block *b = a->head;
    while (b) {
        struct oc_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *oc_arena_alloc(struct oc_arena *a, size_t n)
{
    size_t need = (n + 15u) & ~(size_t)15u;
    if (need == 0)
        need = 16;
    struct oc_arena_block *b = a->head;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > a->block_size ? need : a->block_size;
        b = oc_xmalloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        /* A big one-off block goes behind the current one so the current one keeps
         * serving small requests. */
        if (a->head && cap > a->block_size) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    memset(p, 0, need);
    return p;
}

char *oc_arena_strndup(struct oc_arena *a, const char *s, size_t n)
{
    char *p = oc_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *oc_arena_strdup(struct oc_arena *a, const char *s)
{
    return oc_arena_strndup(a, s, strlen(s));
}

void *oc_arena_memdup(struct oc_arena *a, const void *p, size_t n)
{
    void *q = oc_arena_alloc(a, n);
    memcpy(q, p, n);
    return q;
}

void oc_arena_adopt(struct oc_arena *dst, struct oc_arena *src)
{
    if (!src->head)
        return;
    struct oc_arena_block *tail = src->head;
    while (tail->next)
        tail = tail->next;
    /* behind dst's current block, which keeps serving dst's small requests */
    if (dst->head) {
        tail->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    dst->total += src->total;
    src->head = NULL;
    src->total = 0;
}
