/* common/digest.h — the SHA-256 of a text, in hex, through libcrypto (EVP): what a report
 * says to identify a grammar file, a capability file or a report file by content. */
#ifndef OTACHECK_COMMON_DIGEST_H
#define OTACHECK_COMMON_DIGEST_H

#include <stddef.h>

/* hex: 65 bytes (64 hex digits and a NUL). Out of memory ends the run (common/xalloc.h). */
void oc_sha256_hex(const void *data, size_t n, char hex[65]);
/* The same over data given in pieces (a download streamed through it): begin, update as the
 * pieces come, end writes the hex and frees the context. Out of memory ends the run. */
struct oc_sha256;
struct oc_sha256 *oc_sha256_begin(void);
void oc_sha256_update(struct oc_sha256 *c, const void *data, size_t n);
void oc_sha256_end(struct oc_sha256 *c, char hex[65]);
/* The same of the file at path, read in pieces. 0, or the errno of the open or the read. */
int oc_sha256_file(const char *path, char hex[65]);
/* Made once, first thing in main: libcrypto allocates through common/xalloc (OpenSSL 3 that
 * sees a failed allocation in its lazy start leaves a NULL lock behind and crashes later),
 * then starts. */
void oc_digest_init(void);

#endif
