/* common/digest.c — see digest.h. */
#include "common/digest.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/fileio.h"
#include "common/xalloc.h"

/* libcrypto's memory through common/xalloc: it never sees a failed allocation (OpenSSL 3
 * that does may leave a NULL lock behind and crash later), the run ends cleanly instead. */
static void *crypto_malloc(size_t n, const char *file, int line)
{
    (void)file, (void)line;
    return oc_xmalloc(n);
}

static void *crypto_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file, (void)line;
    return oc_xrealloc(p, n);
}

static void crypto_free(void *p, const char *file, int line)
{
    (void)file, (void)line;
    free(p);
}

void oc_digest_init(void)
{
    (void)CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free);
    if (!OPENSSL_init_crypto(0, NULL) || !EVP_sha256())
        oc_out_of_memory(0);
}

void oc_sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    hex[0] = '\0';
    /* SHA-256 over memory fails for lack of memory alone */
    if (!EVP_Digest(data, n, d, &len, EVP_sha256(), NULL))
        oc_out_of_memory(0);
    for (unsigned i = 0; i < len && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int oc_sha256_file(const char *path, char hex[65])
{
    FILE *f = oc_fopen(path, "rb");
    if (!f)
        return errno ? errno : EIO;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        oc_out_of_memory(0);
    /* the digest fails for lack of memory alone */
    if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        oc_out_of_memory(0);
    unsigned char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        if (!EVP_DigestUpdate(ctx, buf, k))
            oc_out_of_memory(0);
    int e = ferror(f) ? EIO : 0;
    fclose(f);
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_DigestFinal_ex(ctx, d, &n))
        oc_out_of_memory(0);
    EVP_MD_CTX_free(ctx);
    for (unsigned i = 0; i < n && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return e;
}

struct oc_sha256 {
    EVP_MD_CTX *ctx;
};

struct oc_sha256 *oc_sha256_begin(void)
{
    struct oc_sha256 *c = oc_xmalloc(sizeof *c);
    c->ctx = EVP_MD_CTX_new();
    /* the digest fails for lack of memory alone */
    if (!c->ctx || !EVP_DigestInit_ex(c->ctx, EVP_sha256(), NULL))
        oc_out_of_memory(0);
    return c;
}

void oc_sha256_update(struct oc_sha256 *c, const void *data, size_t n)
{
    if (n && !EVP_DigestUpdate(c->ctx, data, n))
        oc_out_of_memory(0);
}

void oc_sha256_end(struct oc_sha256 *c, char hex[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    hex[0] = '\0';
    if (!EVP_DigestFinal_ex(c->ctx, d, &n))
        oc_out_of_memory(0);
    EVP_MD_CTX_free(c->ctx);
    free(c);
    for (unsigned i = 0; i < n && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}
