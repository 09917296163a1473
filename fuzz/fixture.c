/* fuzz/fixture.c — the fuzz targets' read-only fixture (see fixture.h). */
#include "fuzz/fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/xalloc.h"
#include "grammar/load.h"

static struct fz_fixture *build(void)
{
    struct fz_fixture *fx = oc_xcalloc(1, sizeof *fx);
    struct oc_diag d;
    oc_diag_init(&d);
    gram_set_init(&fx->set);
    if (gram_load_all(&fx->set, NULL, 0, &d) != 0) {
        oc_diag_print(&d, stderr);
        fprintf(stderr, "fuzz: the embedded grammars do not load\n");
        exit(2);
    }
    oc_diag_free(&d);
    for (size_t i = 0; i < fx->set.n_vendors && fx->n_vendors < AT_IX_MAX_VENDORS; i++)
        if (!fx->set.vendors[i]->is_core)
            fx->vendors[fx->n_vendors++] = fx->set.vendors[i];
    if (at_index_build(&fx->all, fx->vendors, NULL, fx->n_vendors) != 0) {
        fprintf(stderr, "fuzz: cannot index the grammars\n");
        exit(2);
    }
    for (size_t i = 0; i < fx->n_vendors; i++) {
        if (at_index_build(&fx->one[i], &fx->vendors[i], NULL, 1) != 0)
            exit(2);
        fz_pool_build(&fx->pools[i], &fx->one[i], 0);
    }
    return fx;
}

const struct fz_fixture *fz_fixture_get(void)
{
    static struct fz_fixture *fx;
    if (!fx)
        fx = build();
    return fx;
}

int fz_fixture_vendor(const struct fz_fixture *fx, const char *id, size_t n)
{
    for (size_t i = 0; i < fx->n_vendors; i++)
        if (strlen(fx->vendors[i]->id) == n && memcmp(fx->vendors[i]->id, id, n) == 0)
            return (int)i;
    return -1;
}

void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n== otacheck fuzz oracle: %s:%d: %s\n== ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}
