/* fuzz/mutate.h — grammar-aware mutation of AT command lines and of command sequences,
 * shared by the libFuzzer/AFL++ custom mutator (fuzz/mutator.c) and the device fuzzer
 * (`otacheck fuzz`). It mutates structure rather than bytes, as ATFuzzer does: drop, add
 * and swap parameters, move a number to its range's boundary ±1, swap a value's type,
 * break quotes and escapes, change separators and the form, concatenate commands with
 * ';', push strings to their length extremes — using the types the grammar gives each
 * parameter, so that a mutation lands on the edge a module is most likely to get wrong.
 *
 * A pool of lines generated from the grammar (every valid boundary case and invalid class
 * of parser/gen.c) seeds generation and splicing. Randomness comes from a caller-owned
 * generator: the same seed gives the same mutations. Mutating allocates nothing. */
#ifndef OTACHECK_FUZZ_MUTATE_H
#define OTACHECK_FUZZ_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/index.h"

/* ---- a small deterministic generator (splitmix64) -------------------------------- */

struct fz_rng {
    uint64_t s;
};

static inline uint64_t fz_rand(struct fz_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0. */
static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
    return n ? (uint32_t)(((fz_rand(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

/* ---- the pool of generated lines ------------------------------------------------- */

struct fz_pool_line {
    uint32_t off, len;      /* into text */
    bool valid;             /* a valid boundary case (else an invalid class) */
    const struct gram_form *form;
};

struct fz_pool {
    char *text;             /* every line, NUL-separated */
    size_t text_len, text_cap;
    struct fz_pool_line *lines;
    size_t n, cap;
    size_t n_valid;
};

/* Every case gram_gen makes for the vendor in slot `slot` of ix. Returns 0 or -1 (out of
 * memory). */
int fz_pool_build(struct fz_pool *p, const struct at_index *ix, uint8_t slot);
void fz_pool_free(struct fz_pool *p);
/* A random line of the pool (valid ones twice as often), or NULL when it is empty. */
const char *fz_pool_pick(const struct fz_pool *p, struct fz_rng *r, size_t *len);

/* ---- mutations -------------------------------------------------------------------- */

enum fz_op {
    FZ_DROP_PARAM,   /* remove one parameter */
    FZ_ADD_PARAM,    /* add one (a copy of another, or a boundary value) */
    FZ_SWAP_PARAMS,  /* exchange two */
    FZ_BOUNDARY,     /* a number to a bound of its type, ±1, or an extreme */
    FZ_TYPE_SWAP,    /* number <-> quoted string, quotes added or removed */
    FZ_BREAK_QUOTE,  /* an unterminated string, a stray quote, a broken \hh escape */
    FZ_SEPARATOR,    /* ',' doubled, dropped or turned into ';' ' ' '=' */
    FZ_FORM,         /* '=' '?' '=?' or nothing after the name */
    FZ_CONCAT,       /* another command appended after ';' */
    FZ_LENGTH,       /* a string at its length limit, one past it, empty, or very long */
    FZ_ENUM,         /* another enumerated value, or one letter off */
    FZ_CASE,         /* the prefix or the name in another case, or the prefix removed */
    FZ_REPLACE,      /* a line of the pool instead */
    FZ__OPS
};

const char *fz_op_name(enum fz_op op);

/* Mutates one command line (no terminator) into out (NUL-terminated, at most cap-1
 * bytes). ix/slot: the vendor whose types guide the mutation; pool may be NULL. The op
 * applied goes to *op (may be NULL). Returns the length written. */
size_t fz_mutate_line(const struct at_index *ix, uint8_t slot, const struct fz_pool *pool,
                      struct fz_rng *r, const char *in, size_t n, char *out, size_t cap,
                      enum fz_op *op);

/* Mutates a sequence of command lines (separated by CR or LF; lines starting with '#' are
 * kept as they are): one line mutated, a pool line inserted, a line dropped, duplicated or
 * moved, or a line spliced from `other` (may be NULL). Lines are written LF-separated.
 * Returns the length written (at most cap). */
size_t fz_mutate_seq(const struct at_index *ix, uint8_t slot, const struct fz_pool *pool,
                     struct fz_rng *r, const uint8_t *in, size_t n, const uint8_t *other,
                     size_t other_n, uint8_t *out, size_t cap);

#endif
