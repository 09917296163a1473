/* tests/tu.c — see tu.h. */
#include "tests/tu.h"

#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/load.h"

void tu_check(bool cond, int line, const char *file, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    CU_assertImplementation(cond ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

static struct gram_set g_set;
static bool g_loaded;

static void free_grammar(void)
{
    if (g_loaded)
        gram_set_free(&g_set);
    g_loaded = false;
}

const struct gram_set *tu_grammar(void)
{
    if (!g_loaded) {
        gram_set_init(&g_set);
        struct oc_diag d;
        oc_diag_init(&d);
        if (gram_load_all(&g_set, NULL, 0, &d) != 0) {
            oc_diag_print(&d, stderr);
            fprintf(stderr, "tests: the embedded grammars do not load\n");
            abort();
        }
        oc_diag_free(&d);
        g_loaded = true;
        atexit(free_grammar);
    }
    return &g_set;
}

const struct gram_vendor *tu_vendor(const char *id)
{
    const struct gram_vendor *v = gram_set_vendor(tu_grammar(), id);
    if (!v) {
        fprintf(stderr, "tests: no vendor '%s' in the grammar\n", id);
        abort();
    }
    return v;
}

const char *tu_src(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", OTACHECK_SOURCE_DIR, rel);
    return buf;
}

CU_pSuite tu_suite(const char *name)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    if (!s) {
        fprintf(stderr, "tests: cannot add suite %s: %s\n", name, CU_get_error_msg());
        abort();
    }
    return s;
}

void tu_add(CU_pSuite s, const char *name, CU_TestFunc fn)
{
    if (!CU_add_test(s, name, fn) || CU_get_error() != CUE_SUCCESS) {
        fprintf(stderr, "tests: cannot add test %s: %s\n", name, CU_get_error_msg());
        abort();
    }
}

const char *tu_current(void)
{
    CU_pTest t = CU_get_current_test();
    return t ? t->pName : "";
}

int tu_run(int argc, char **argv)
{
    CU_basic_set_mode(CU_BRM_NORMAL);
    if (argc > 1) {
        /* only the suites, or the tests, whose name contains argv[1] */
        CU_pTestRegistry reg = CU_get_registry();
        for (CU_pSuite s = reg->pSuite; s; s = s->pNext) {
            if (strstr(s->pName, argv[1]))
                continue;
            bool any = false;
            for (CU_pTest t = s->pTest; t; t = t->pNext) {
                bool hit = strstr(t->pName, argv[1]) != NULL;
                CU_set_test_active(t, hit ? CU_TRUE : CU_FALSE);
                any = any || hit;
            }
            if (!any)
                CU_set_suite_active(s, CU_FALSE);
        }
    }
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    unsigned tests_failed = CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    printf("\n%u tests run, %u failed (%u assertion failures)\n", run, tests_failed, failed);
    if (run == 0) {
        fprintf(stderr, "tests: no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
