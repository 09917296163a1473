/* common/xalloc.h — the one allocator for what the run cannot go on without: it returns
 * memory or does not return. When memory runs out it calls the handler the verb set (which
 * says what was kept: results.jsonl is written case by case), then ends the process with
 * OC_EXIT_NO_MEMORY. Code that can go on without the memory uses malloc and checks it. */
#ifndef OTACHECK_COMMON_XALLOC_H
#define OTACHECK_COMMON_XALLOC_H

#include <stddef.h>
#include <stdio.h>

/* The exit status of a run that ran out of memory (README, exit codes). */
#define OC_EXIT_NO_MEMORY 4

/* Called once, before the process ends, with the size asked for. */
typedef void (*oc_oom_handler)(size_t asked);
void oc_set_oom_handler(oc_oom_handler h);

void *oc_xmalloc(size_t n);
void *oc_xcalloc(size_t n, size_t size);
void *oc_xrealloc(void *p, size_t n);
char *oc_xstrdup(const char *s);
/* A copy of n bytes with a NUL after them. */
char *oc_xmemdup0(const void *p, size_t n);

/* The same end, for a library call that failed for lack of memory (CUnit's CUE_NOMEMORY,
 * jansson's NULL, open_memstream): asked is the size, 0 when unknown. */
_Noreturn void oc_out_of_memory(size_t asked);

/* A stream into memory (open_memstream), and its close, which leaves the text in *buf and
 * its length in *len: such a stream fails for lack of memory alone, so both end the run the
 * same way when it does. */
FILE *oc_xmemstream(char **buf, size_t *len);
void oc_xmemstream_close(FILE *f);

#endif
