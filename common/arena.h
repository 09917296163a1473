/* common/arena.h — a bump allocator for data that lives as long as its owner (a loaded
 * grammar, an index). Load-time only: nothing on a parser's hot path allocates. */
#ifndef OTACHECK_COMMON_ARENA_H
#define OTACHECK_COMMON_ARENA_H

#include <stddef.h>

struct oc_arena_block;

struct oc_arena {
    struct oc_arena_block *head;
    size_t block_size;   /* size of ordinary blocks; larger requests get their own block */
    size_t total;        /* bytes handed out, for reports and tests */
};

void oc_arena_init(struct oc_arena *a, size_t block_size);
void oc_arena_free(struct oc_arena *a);

/* Zeroed, 16-byte aligned memory; aborts on out-of-memory (a load-time tool has no
 * better answer). */
void *oc_arena_alloc(struct oc_arena *a, size_t n);
char *oc_arena_strndup(struct oc_arena *a, const char *s, size_t n);
char *oc_arena_strdup(struct oc_arena *a, const char *s);
void *oc_arena_memdup(struct oc_arena *a, const void *p, size_t n);
/* Moves every block of src into dst (what src handed out now lives as long as dst); src is
 * left empty, ready for use. */
void oc_arena_adopt(struct oc_arena *dst, struct oc_arena *src);

#define OC_ARENA_NEW(a, type) ((type *)oc_arena_alloc((a), sizeof(type)))
#define OC_ARENA_ARRAY(a, type, n) ((type *)oc_arena_alloc((a), sizeof(type) * (size_t)(n)))

#endif
