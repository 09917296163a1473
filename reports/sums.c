/* reports/sums.c — DIR/SHA256SUMS, written last: the SHA-256 of every report file the run
 * wrote whole, in the format `sha256sum -c SHA256SUMS` checks (a certification body, or a
 * CI archive, can tell that the files are the ones the run wrote). The digests come from
 * libcrypto (EVP), read back from the files on disk, so that they cover what is there. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/report_internal.h"

/* The SHA-256 of the file at path, in hex, into hex (65 bytes). 0, or an errno. */
static int file_sha256(const char *path, char hex[65])
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

void rp_write_sums(const char *dir, struct rp_files *files)
{
    bool any = false;
    for (size_t i = 0; i < files->n; i++)
        any |= files->f[i].written;
    if (!any)
        return; /* nothing to vouch for: no file at all, not an empty list */
    char *text = NULL, why[600] = "";
    size_t len = 0;
    FILE *out = oc_xmemstream(&text, &len);
    for (size_t i = 0; i < files->n && !why[0]; i++) {
        if (!files->f[i].written)
            continue;
        size_t pl = strlen(dir) + strlen(files->f[i].name) + 2;
        char *path = oc_xmalloc(pl), hex[65];
        snprintf(path, pl, "%s/%s", dir, files->f[i].name);
        int e = file_sha256(path, hex);
        if (e)
            snprintf(why, sizeof why, "cannot read %s back: %s", path, strerror(e));
        else
            fprintf(out, "%s  %s\n", hex, files->f[i].name);
        free(path);
    }
    oc_xmemstream_close(out);
    if (!why[0]) {
        size_t pl = strlen(dir) + sizeof RP_SUMS_FILE + 1;
        char *path = oc_xmalloc(pl);
        snprintf(path, pl, "%s/%s", dir, RP_SUMS_FILE);
        (void)oc_write_file_atomic(path, text, len, why, sizeof why);
        free(path);
    }
    free(text);
    rp_files_add(files, RP_SUMS_FILE, why[0] ? why : NULL);
}
