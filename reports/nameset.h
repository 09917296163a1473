/* reports/nameset.h — names made unique within a scope, for the formats whose consumers
 * take a repeated name for the same test (JUnit's classname + name, LAVA's test case id):
 * the first use of a name keeps it, the next ones get a suffix ("name #2", "name-2"). */
#ifndef OTACHECK_REPORTS_NAMESET_H
#define OTACHECK_REPORTS_NAMESET_H

#include <stddef.h>

/* The names given so far (scope \x1f name), an open-addressing hash set; each entry also
 * keeps the next suffix to try for that name, so that many cases of one name (a run of
 * 100 000) cost one probe each, not one per name given before. Caller-owned. */
struct rp_nameset {
    char **slot;
    unsigned *next;
    size_t cap, n;
};
#define RP_NAMESET_INIT {NULL, NULL, 0, 0}

/* name, or name SEP "2", SEP "3"...: the first not yet given under scope. malloc'd. */
char *rp_nameset_unique(struct rp_nameset *ns, const char *scope, const char *name,
                        const char *sep);
void rp_nameset_free(struct rp_nameset *ns);

#endif
