/* common/fileio.h — the one way bytes reach a file: every write(2) checked, short writes
 * and EINTR resumed, the first error kept (disk full, I/O error, a file-size limit), and a
 * whole-file writer that leaves either the new file or the old one, never half of one. */
#ifndef OTACHECK_COMMON_FILEIO_H
#define OTACHECK_COMMON_FILEIO_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Writes all n bytes to fd. Returns 0, or the errno of the write that failed (EIO for a
 * write that wrote nothing without an error). */
int oc_write_all(int fd, const void *data, size_t n);

/* Writes n bytes to path atomically: into a temporary file next to it (".NAME.tmp.<pid>"),
 * every write checked, fsynced, closed, then renamed onto path. On any failure (disk full,
 * I/O error, no permission) the temporary file is removed and path is left as it was: a
 * reader sees the whole new file or none. Returns 0, or -1 with "cannot write PATH: why". */
int oc_write_file_atomic(const char *path, const void *data, size_t n, char *err, size_t errlen);

/* fopen(3) and getline(3), except that a failure for lack of memory (ENOMEM: stdio's own
 * memory) ends the run as common/xalloc.h does: NULL or -1 is then the file's own failure
 * (no such file, no permission, a read error) or, for oc_getline, the end of the file. */
FILE *oc_fopen(const char *path, const char *mode);
ssize_t oc_getline(char **line, size_t *cap, FILE *f);

/* A whole file to read from memory: a regular file mapped, anything else (a pipe, a
 * character device) read to its end. */
struct oc_file_bytes {
    const char *data;
    size_t len;
    void *map_;   /* the mapping, or NULL */
    char *owned_; /* the bytes read, or NULL */
};
/* Returns 0, or -1 with "cannot open PATH: why" or "cannot read PATH: why". */
int oc_file_bytes_open(const char *path, struct oc_file_bytes *fb, char *err, size_t errlen);
void oc_file_bytes_close(struct oc_file_bytes *fb);

#endif
