/* fuzz/fixture.h — what every fuzz target reads and never changes: the embedded grammars,
 * an index over all five vendors, an index and a pool of generated lines per vendor. Built
 * once per process on first use (fuzz entry points have no other place to keep it), then
 * read-only. Also the oracle's way of stopping: a broken invariant aborts with a message,
 * which libFuzzer and AFL++ both record as a crash with its input. */
#ifndef OTACHECK_FUZZ_FIXTURE_H
#define OTACHECK_FUZZ_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "fuzz/mutate.h"
#include "grammar/model.h"
#include "parser/index.h"

struct fz_fixture {
    struct gram_set set;
    const struct gram_vendor *vendors[AT_IX_MAX_VENDORS];
    size_t n_vendors;
    struct at_index all;                       /* every vendor, one slot each */
    struct at_index one[AT_IX_MAX_VENDORS];    /* each vendor alone (slot 0) */
    struct fz_pool pools[AT_IX_MAX_VENDORS];
};

/* The fixture, built on the first call. Exits the process when the embedded grammars do
 * not load (a build defect, not a finding). */
const struct fz_fixture *fz_fixture_get(void);
/* The vendor whose id is id[0..n), or -1. */
int fz_fixture_vendor(const struct fz_fixture *fx, const char *id, size_t n);

/* A broken invariant: prints what and where, then aborts. */
#define FZ_CHECK(cond, ...)                                                                    \
    do {                                                                                       \
        if (!(cond))                                                                           \
            fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                   \
    } while (0)

_Noreturn void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
