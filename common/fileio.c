/* common/fileio.c — see fileio.h. */
#include "common/fileio.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int oc_write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    for (size_t off = 0; off < n;) {
        ssize_t k = write(fd, p + off, n - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? errno : EIO;
        off += (size_t)k;
    }
    return 0;
}

int oc_write_file_atomic(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    size_t tl = strlen(path) + 40;
    char *tmp = oc_xmalloc(tl);
    snprintf(tmp, tl, "%.*s.%s.tmp.%ld", (int)dl, path, path + dl, (long)getpid());
    (void)unlink(tmp); /* a leftover of an earlier process with our pid */
    int e;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s (as %s): %s", path, tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    e = oc_write_all(fd, data, n);
    if (!e && fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        e = errno;
    if (close(fd) != 0 && !e && errno != EINTR)
        e = errno;
    if (!e && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        (void)unlink(tmp);
        free(tmp);
        return -1;
    }
    if (e) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        (void)unlink(tmp);
    }
    free(tmp);
    return e ? -1 : 0;
}

FILE *oc_fopen(const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (!f && errno == ENOMEM)
        oc_out_of_memory(0);
    return f;
}

ssize_t oc_getline(char **line, size_t *cap, FILE *f)
{
    errno = 0;
    ssize_t n = getline(line, cap, f);
    if (n < 0 && errno == ENOMEM)
        oc_out_of_memory(*cap);
    return n;
}
