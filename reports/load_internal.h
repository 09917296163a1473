/* reports/load_internal.h — what the two readers of reports/load.h share: the stream's
 * (reports/load_stream.c) and the document's (reports/load.c). Not for other callers. */
#ifndef OTACHECK_REPORTS_LOAD_INTERNAL_H
#define OTACHECK_REPORTS_LOAD_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "reports/load.h"

/* Blocks of the arenas a line or a member is read into before rp_results copies it. */
#define RP_LOAD_SCRATCH_BLOCK (64 * 1024)

/* A "schema" that is not RP_SCHEMA: -1 with what is wrong in what. */
int rp_load_check_schema(const json_t *o, char *what, size_t n);
/* A target's "index", when it has one, must be its place among the targets before it. */
int rp_load_check_index(const json_t *o, size_t n_targets, char *what, size_t n);
/* Appends cases as they are (their texts live in res's arena, or one res adopts). */
void rp_load_append_cases(struct rp_results *res, const struct rp_case *c, size_t n);

#endif
