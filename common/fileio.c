/* common/fileio.c — see fileio.h. */
#include "common/fileio.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

int oc_file_bytes_open(const char *path, struct oc_file_bytes *fb, char *err, size_t errlen)
{
    *fb = (struct oc_file_bytes){"", 0, NULL, NULL};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            close(fd);
            fb->map_ = map;
            fb->data = map;
            fb->len = (size_t)st.st_size;
            return 0;
        }
    }
    size_t cap = 0, len = 0;
    char *text = NULL;
    ssize_t n;
    do {
        if (len == cap)
            text = oc_xrealloc(text, cap = cap ? cap * 2 : 64 * 1024);
        n = read(fd, text + len, cap - len);
        if (n > 0)
            len += (size_t)n;
    } while (n > 0 || (n < 0 && errno == EINTR));
    int e = errno;
    close(fd);
    if (n < 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
        free(text);
        return -1;
    }
    fb->owned_ = text;
    fb->data = text;
    fb->len = len;
    return 0;
}

void oc_file_bytes_close(struct oc_file_bytes *fb)
{
    if (fb->map_)
        munmap(fb->map_, fb->len);
    free(fb->owned_);
    *fb = (struct oc_file_bytes){"", 0, NULL, NULL};
}
