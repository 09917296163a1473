/* common/fileio.h — the one way bytes reach a file: every write(2) checked, short writes
 * and EINTR resumed, the first error kept (disk full, I/O error, a file-size limit), and a
 * whole-file writer that leaves either the new file or the old one, never half of one. */
#ifndef OTACHECK_COMMON_FILEIO_H
#define OTACHECK_COMMON_FILEIO_H

#include <stddef.h>

/* Writes all n bytes to fd. Returns 0, or the errno of the write that failed (EIO for a
 * write that wrote nothing without an error). */
int oc_write_all(int fd, const void *data, size_t n);

/* Writes n bytes to path atomically: into a temporary file next to it (".NAME.tmp.<pid>"),
 * every write checked, fsynced, closed, then renamed onto path. On any failure (disk full,
 * I/O error, no permission) the temporary file is removed and path is left as it was: a
 * reader sees the whole new file or none. Returns 0, or -1 with "cannot write PATH: why". */
int oc_write_file_atomic(const char *path, const void *data, size_t n, char *err, size_t errlen);

#endif
