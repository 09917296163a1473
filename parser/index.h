/* parser/index.h — lookup tables over one or more vendors' grammars under a dialect:
 * commands by name (without case, as V.250 asks) and final results and URCs by the key of
 * a line, its text before the first ':' (or the whole line). Built once, read-only after:
 * classifying a line costs one hash of its key and a few comparisons.
 *
 * An index over several vendors lets one parser read a stream that mixes them (the
 * benchmark does); the core's lines, shared by every vendor, appear once. */
#ifndef OTACHECK_PARSER_INDEX_H
#define OTACHECK_PARSER_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "grammar/model.h"
#include "parser/match.h"

#define AT_IX_MAX_VENDORS 8

struct at_ix_slot {
    const struct gram_vendor *v;
    struct gram_dialect d;
    struct at_line_ctx lc;
};

struct at_ix_cand {
    const struct gram_line *line; /* a final result or a URC */
    uint8_t slot;
    bool fallback;
    uint8_t kind;                 /* enum gram_line_kind, kept here to spare a lookup */
    /* For lines shaped "KEY:", colon space, literal (+QIOTEVT: 7,10700,...): that literal.
     * Lines with the same key differ there; one comparison tells most apart. */
    const char *tail;
    uint16_t tail_len;
};

struct at_ix_bucket {
    uint64_t hash;
    const char *key;
    uint16_t key_len;
    uint16_t n;          /* candidates, most specific first, fallbacks last */
    uint32_t first;      /* into cands */
    bool used;
};

struct at_ix_cmd {
    uint64_t hash;
    const char *name;    /* as in the grammar: "+GTOTA", "E" */
    uint16_t len;
    const struct gram_command *cmd;
    uint8_t slot;
    bool used;
};

struct at_index {
    struct oc_arena arena;
    struct at_ix_slot slots[AT_IX_MAX_VENDORS];
    uint8_t n_slots;
    struct at_ix_bucket *buckets;
    uint32_t bucket_mask;
    struct at_ix_cand *cands;
    uint32_t n_cands;
    struct at_ix_cand *scan;   /* lines whose key cannot be known: checked one by one */
    uint32_t n_scan;
    struct at_ix_cmd *cmds;
    uint32_t cmd_mask;
    const struct at_ix_cmd *empty_cmd; /* the bare "AT" */
    uint16_t max_key;          /* the longest line key: a longer one cannot match */
    bool trim_blanks;          /* a vendor's knob trailing-space allows blanks before a
                                  line's end: they are no part of the line */
};

/* dialects may be NULL (every vendor's defaults) or hold NULLs. Returns 0 or -1 (too many
 * vendors). */
int at_index_build(struct at_index *ix, const struct gram_vendor *const *vendors,
                   const struct gram_dialect *const *dialects, size_t n);
void at_index_free(struct at_index *ix);

uint64_t at_hash(const uint8_t *p, size_t n);
/* The bucket of lines whose key is key[0..n), or NULL. */
const struct at_ix_bucket *at_index_bucket(const struct at_index *ix, const uint8_t *key,
                                           size_t n);
/* A command by name ("+gtota", "E"), without case. NULL if unknown. */
const struct at_ix_cmd *at_index_command(const struct at_index *ix, const uint8_t *name,
                                         size_t n);

/* The name hash, fed a byte at a time (the validator hashes a name while it reads it). */
struct at_name_hash {
    uint64_t h, w;
    unsigned k;
    size_t n;
};

static inline void at_name_hash_init(struct at_name_hash *nh)
{
    nh->h = 0x9E3779B97F4A7C15ull;
    nh->w = 0;
    nh->k = 0;
    nh->n = 0;
}

static inline void at_name_hash_byte(struct at_name_hash *nh, uint8_t c)
{
    nh->w |= (uint64_t)(c | 0x20) << (8 * nh->k);
    nh->n++;
    if (++nh->k == 8) {
        nh->h = (nh->h ^ nh->w) * 0xff51afd7ed558ccdull;
        nh->h ^= nh->h >> 32;
        nh->w = 0;
        nh->k = 0;
    }
}

static inline uint64_t at_name_hash_end(const struct at_name_hash *nh)
{
    uint64_t h = (nh->h ^ nh->w ^ nh->n) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

/* at_index_command with the name's hash already known. */
const struct at_ix_cmd *at_index_command_h(const struct at_index *ix, const uint8_t *name,
                                           size_t n, uint64_t h);

#endif
