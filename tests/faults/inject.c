/* tests/faults/inject.c — fault injection as routine (LD_PRELOAD): makes the Nth memory
 * allocation or the Nth write to a regular file of a process fail, the way a full memory or
 * a full disk would, so that tests/faults.sh can check every such point of a run ends in a
 * clear error with its reports whole or absent, never a crash. Every allocation of the
 * process counts (the libraries' too: jansson, inih, stdio), so the code that does not go
 * through common/xalloc is tried as much as the code that does.
 *
 * Environment (read once, at load; LD_PRELOAD is then removed, so that the modules an
 * exec: target runs are left alone):
 *   OTACHECK_FAIL_ALLOC=N   the Nth call of malloc, calloc, realloc, posix_memalign,
 *                           aligned_alloc or memalign returns NULL (errno ENOMEM)
 *   OTACHECK_FAIL_WRITE=N   the Nth write(2) to a regular file fails with ENOSPC (the calls
 *                           the program makes: stdio's own writes stay inside libc and
 *                           are not seen; the reports' streams write through
 *                           common/fileio.c, so theirs are)
 *   OTACHECK_FAIL_STICKY=1  every call after the Nth fails too (memory or the disk stays full)
 *   OTACHECK_FAIL_COUNT=F   at exit, "allocs=A writes=W" is written to file F (how many
 *                           there were: the range of N worth trying)
 * Counting and failing are thread-safe (atomics); allocations made while the loader runs,
 * before the constructor, are not counted. */
#ifndef _GNU_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static unsigned long fail_alloc_at, fail_write_at;
static int sticky;
static char count_path[512];
static atomic_ulong allocs, writes;
static atomic_int ready;

static unsigned long env_number(const char *name)
{
    const char *v = getenv(name);
    return v ? strtoul(v, NULL, 10) : 0;
}

__attribute__((constructor)) static void inject_init(void)
{
    fail_alloc_at = env_number("OTACHECK_FAIL_ALLOC");
    fail_write_at = env_number("OTACHECK_FAIL_WRITE");
    sticky = env_number("OTACHECK_FAIL_STICKY") != 0;
    const char *c = getenv("OTACHECK_FAIL_COUNT");
    if (c)
        snprintf(count_path, sizeof count_path, "%s", c);
    unsetenv("LD_PRELOAD");
    atomic_store(&ready, 1);
}

/* At exit, the counts (raw syscalls: stdio may be what failed). */
__attribute__((destructor)) static void inject_fini(void)
{
    if (!count_path[0])
        return;
    char line[96];
    int n = snprintf(line, sizeof line, "allocs=%lu writes=%lu\n", atomic_load(&allocs), atomic_load(&writes));
    int fd = (int)syscall(SYS_openat, AT_FDCWD, count_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        (void)syscall(SYS_write, fd, line, (size_t)n);
        (void)syscall(SYS_close, fd);
    }
}

/* Is this call the one (or, sticky, one after it) that fails? */
static int fails(atomic_ulong *counter, unsigned long at)
{
    if (!atomic_load(&ready))
        return 0;
    unsigned long k = atomic_fetch_add(counter, 1) + 1;
    return at && (k == at || (sticky && k > at));
}

void *malloc(size_t n)
{
    if (fails(&allocs, fail_alloc_at)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (fails(&allocs, fail_alloc_at)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (fails(&allocs, fail_alloc_at)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n)
{
    if (fails(&allocs, fail_alloc_at)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p = memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

ssize_t write(int fd, const void *p, size_t n)
{
    struct stat st;
    if (fail_write_at && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fails(&writes, fail_write_at)) {
        errno = ENOSPC;
        return -1;
    }
    if (!fail_write_at && count_path[0] && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        atomic_fetch_add(&writes, 1);
    return (ssize_t)syscall(SYS_write, fd, p, n);
}
