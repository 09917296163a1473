/* tests/tu.h — what every CUnit test program here shares: formatted assertion messages
 * (CUnit prints only the macro text otherwise), a runner that returns the failure count as
 * the exit status (CUnit sets none), the loaded grammar, and paths into the source tree. */
#ifndef OTACHECK_TESTS_TU_H
#define OTACHECK_TESTS_TU_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>

#include "grammar/model.h"

/* Fails the current test with a printf-style message when cond is false. */
#define TU_CHECK(cond, ...) tu_check((cond), __LINE__, __FILE__, __VA_ARGS__)
void tu_check(bool cond, int line, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Runs every registered suite (or those whose name contains argv[1]); returns 0 when all
 * passed. Prints CUnit's summary. */
int tu_run(int argc, char **argv);

/* The embedded grammars, loaded once (aborts if they do not load). */
const struct gram_set *tu_grammar(void);
const struct gram_vendor *tu_vendor(const char *id);

/* A path under the source tree (tests/golden/...). Returns a static buffer. */
const char *tu_src(const char *rel);

/* Registers fn once per name (names are copied by CUnit and must be unique). */
CU_pSuite tu_suite(const char *name);
void tu_add(CU_pSuite s, const char *name, CU_TestFunc fn);
/* The name of the running test (to find its table row). */
const char *tu_current(void);

#endif
