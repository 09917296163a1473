/* fuzz/driver/mutator.c — the grammar-aware mutator (fuzz/mutate.h) as the engines load it:
 * linked into a libFuzzer target it is LLVMFuzzerCustomMutator / CustomCrossOver; built as
 * a shared library it is an AFL++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY), whose entry
 * points AFL++ looks up by name (it ships no header: they are declared here).
 *
 * Inputs are command lines, one per line, with an optional "#vendor <id>" header (the
 * command and session targets). The header picks the vendor whose types and generated
 * lines guide the mutation; without one, each call picks a vendor at random. Under
 * libFuzzer a third of the calls go to its own byte-level mutator, so coverage guidance
 * still explores what no grammar rule foresees. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fixture.h"
#include "fuzz/fuzz.h"
#include "fuzz/repro.h"
#include "fuzz/mutate.h"

static int vendor_of(const struct fz_fixture *fx, const uint8_t *data, size_t size, struct fz_rng *r)
{
    const char *id;
    size_t n = fz_header_vendor(data, size, &id);
    int v = n ? fz_fixture_vendor(fx, id, n) : -1;
    if (v >= 0)
        return v;
    return (int)fz_below(r, (uint32_t)fx->n_vendors);
}

static size_t grammar_mutate(uint8_t *data, size_t size, const uint8_t *other, size_t other_n,
                             uint8_t *out, size_t max_size, uint64_t seed)
{
    const struct fz_fixture *fx = fz_fixture_get();
    struct fz_rng r = {seed};
    int v = vendor_of(fx, data, size, &r);
    return fz_mutate_seq(&fx->one[v], 0, &fx->pools[v], &r, data, size, other, other_n, out, max_size);
}

/* ---- libFuzzer ---------------------------------------------------------------------------- */

/* Defined by libFuzzer; absent (NULL) when this file is AFL++'s shared library. */
#pragma weak LLVMFuzzerMutate

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    if (seed % 3 == 0 && LLVMFuzzerMutate)
        return LLVMFuzzerMutate(data, size, max_size);
    size_t n = grammar_mutate(data, size, NULL, 0, data, max_size, seed);
    return n || !LLVMFuzzerMutate ? n : LLVMFuzzerMutate(data, size, max_size);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed);

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
    return grammar_mutate((uint8_t *)data1, size1, data2, size2, out, max_out_size, seed);
}

/* ---- AFL++ -------------------------------------------------------------------------------- */

struct afl_mutator {
    struct fz_rng r;
    uint8_t *buf;
    size_t cap;
};

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                       uint8_t *add_buf, size_t add_buf_size, size_t max_size);
void afl_custom_deinit(void *data);

void *afl_custom_init(void *afl, unsigned int seed)
{
    (void)afl;
    struct afl_mutator *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->r.s = seed;
    fz_fixture_get();
    return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
                       uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
    struct afl_mutator *m = data;
    if (m->cap < max_size) {
        uint8_t *b = realloc(m->buf, max_size);
        if (!b) {
            *out_buf = buf;
            return buf_size;
        }
        m->buf = b;
        m->cap = max_size;
    }
    size_t n = grammar_mutate(buf, buf_size, add_buf, add_buf_size, m->buf, max_size, fz_rand(&m->r));
    *out_buf = m->buf;
    return n;
}

void afl_custom_deinit(void *data)
{
    struct afl_mutator *m = data;
    if (m)
        free(m->buf);
    free(m);
}
