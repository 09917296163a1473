/* grammar/dump.h — the loaded grammar as JSON (`otacheck grammar dump`), for tools and
 * for reading what the loader understood. Written with jansson. */
#ifndef OTACHECK_GRAMMAR_DUMP_H
#define OTACHECK_GRAMMAR_DUMP_H

#include <stddef.h>

#include "grammar/model.h"

/* out: a file path, or NULL for stdout. Returns 0 or -1. */
int gram_dump_json(const struct gram_vendor *const *vs, size_t n, const char *out);

/* The JSON value of one vendor (a json_t *, as void * to keep jansson out of this header). */
void *gram_vendor_json(const struct gram_vendor *v);

#endif
