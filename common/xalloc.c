/* common/xalloc.c — see xalloc.h. The handler is the one process-wide setting here: running
 * out of memory can happen anywhere, and only the verb knows what to say about its run. */
#include "common/xalloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static oc_oom_handler oom_handler;

void oc_set_oom_handler(oc_oom_handler h)
{
    oom_handler = h;
}

/* The first thread out of memory runs the handler; another that runs out meanwhile (the
 * report formats are written in parallel) waits on the lock until the first ends the
 * process, so that the handler's work (removing every temporary file) is done whole; the
 * handler's own thread running out again goes straight to the end. */
static pthread_mutex_t oom_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread bool oom_here;

void oc_out_of_memory(size_t asked)
{
    static const char msg[] = "otacheck: out of memory: the run ends here\n";
    if (!oom_here) {
        oom_here = true;
        pthread_mutex_lock(&oom_lock); /* held until _exit */
        oc_oom_handler h = oom_handler;
        oom_handler = NULL;
        if (h)
            h(asked);
    }
    /* write(2), not stdio: stdio may need the memory there is not */
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(OC_EXIT_NO_MEMORY);
}

void *oc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oc_out_of_memory(n);
    return p;
}

void *oc_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oc_out_of_memory(n * size);
    return p;
}

void *oc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oc_out_of_memory(n);
    return q;
}

char *oc_xstrdup(const char *s)
{
    return oc_xmemdup0(s, strlen(s));
}

char *oc_xmemdup0(const void *p, size_t n)
{
    char *q = oc_xmalloc(n + 1);
    memcpy(q, p, n);
    q[n] = '\0';
    return q;
}

FILE *oc_xmemstream(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f)
        oc_out_of_memory(0);
    return f;
}

void oc_xmemstream_close(FILE *f)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad)
        oc_out_of_memory(0);
}
