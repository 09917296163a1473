/* fuzz/repro.c — reproducer files of the device fuzzer (see repro.h). */
#include "fuzz/repro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/xalloc.h"

/* ---- lines ---------------------------------------------------------------------------- */

void fz_lines_init(struct fz_lines *l)
{
    memset(l, 0, sizeof *l);
}

void fz_lines_clear(struct fz_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->line[i]);
    l->n = 0;
}

void fz_lines_free(struct fz_lines *l)
{
    fz_lines_clear(l);
    free(l->line);
    memset(l, 0, sizeof *l);
}

void fz_lines_push(struct fz_lines *l, const char *p, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->line = oc_xrealloc(l->line, l->cap * sizeof *l->line);
    }
    l->line[l->n++] = oc_xmemdup0(p, n);
}

void fz_lines_copy(struct fz_lines *dst, const struct fz_lines *src)
{
    if (dst == src)
        return;
    fz_lines_clear(dst);
    for (size_t i = 0; i < src->n; i++)
        fz_lines_push(dst, src->line[i], strlen(src->line[i]));
}

/* ---- credentials ------------------------------------------------------------------------ */

void fz_creds_add(struct fz_creds *c, const char *value)
{
    size_t len = strlen(value);
    if (len < AT_SECRET_MIN || c->n >= FZ_MAX_CREDS)
        return;
    for (unsigned i = 0; i < c->n; i++)
        if (strcmp(c->value[i], value) == 0)
            return;
    c->value[c->n++] = oc_xstrdup(value);
    at_secrets_add(&c->forms, value, len);
}

void fz_creds_free(struct fz_creds *c)
{
    for (unsigned i = 0; i < c->n; i++)
        free(c->value[i]);
    at_secrets_free(&c->forms);
    memset(c, 0, sizeof *c);
}

static void put(char *out, size_t cap, size_t *o, const char *p, size_t n)
{
    if (*o + 1 >= cap)
        return;
    if (n > cap - 1 - *o)
        n = cap - 1 - *o;
    memcpy(out + *o, p, n);
    *o += n;
    out[*o] = '\0';
}

size_t fz_creds_hide(const struct fz_creds *c, const char *text, bool placeholders, char *out,
                     size_t cap)
{
    if (cap)
        out[0] = '\0';
    /* the exact values first, whole (a placeholder is at most 4 times as long as the
     * AT_SECRET_MIN bytes it stands for) */
    size_t room = strlen(text) * 4 + 16, o = 0;
    char *exact = oc_xmalloc(room);
    exact[0] = '\0';
    for (const char *p = text; *p;) {
        /* the longest credential that starts here (one may hold another) */
        int best = -1;
        size_t best_len = 0;
        for (unsigned i = 0; c && i < c->n; i++) {
            size_t len = strlen(c->value[i]);
            if (len > best_len && strncmp(p, c->value[i], len) == 0) {
                best = (int)i;
                best_len = len;
            }
        }
        if (best < 0) {
            put(exact, room, &o, p, 1);
            p++;
            continue;
        }
        char ph[32];
        int w = placeholders ? snprintf(ph, sizeof ph, "${cred:%d}", best + 1) : snprintf(ph, sizeof ph, AT_MASK);
        put(exact, room, &o, ph, (size_t)w);
        p += best_len;
    }
    size_t n = at_secrets_mask(c ? &c->forms : NULL, exact, o, out, cap);
    free(exact);
    return n;
}

char *fz_creds_fill(const struct fz_creds *c, const char *text, size_t *len)
{
    size_t room = strlen(text) + 1;
    for (unsigned k = 0; c && k < c->n; k++)
        room += strlen(c->value[k]) * (strlen(text) / 9 + 1);
    char *out = oc_xmalloc(room);
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = text; *p;) {
        unsigned k = 0;
        int used = 0;
        if (strncmp(p, "${cred:", 7) == 0 && sscanf(p + 7, "%u}%n", &k, &used) == 1 && used > 0 &&
            p[7 + used - 1] == '}' && k >= 1 && c && k <= c->n) {
            put(out, room, &o, c->value[k - 1], strlen(c->value[k - 1]));
            p += 7 + used;
            continue;
        }
        put(out, room, &o, p, 1);
        p++;
    }
    if (len)
        *len = o;
    return out;
}

/* ---- reading -------------------------------------------------------------------------------- */

void fz_repro_init(struct fz_repro *r)
{
    memset(r, 0, sizeof *r);
    fz_lines_init(&r->lines);
}

void fz_repro_free(struct fz_repro *r)
{
    fz_lines_free(&r->lines);
    memset(r, 0, sizeof *r);
}

size_t fz_header_vendor(const uint8_t *data, size_t size, const char **id)
{
    static const char tag[] = "#vendor ";
    size_t tl = sizeof tag - 1, n = 0;
    if (size <= tl || memcmp(data, tag, tl) != 0)
        return 0;
    while (tl + n < size && data[tl + n] != '\n' && data[tl + n] != '\r' && data[tl + n] != ' ')
        n++;
    *id = (const char *)data + tl;
    return n;
}

void fz_repro_parse(struct fz_repro *r, const uint8_t *data, size_t size)
{
    fz_lines_clear(&r->lines);
    r->vendor[0] = '\0';
    r->skipped = 0;
    const char *id;
    size_t idn = fz_header_vendor(data, size, &id);
    if (idn)
        snprintf(r->vendor, sizeof r->vendor, "%.*s", (int)idn, id);
    for (size_t off = 0; off < size;) {
        size_t n = 0;
        while (off + n < size && data[off + n] != '\r' && data[off + n] != '\n')
            n++;
        const uint8_t *p = data + off;
        off += n + 1;
        if (n == 0 || p[0] == '#')
            continue;
        if (n > FZ_REPRO_MAX_LINE || memchr(p, '\0', n) || r->lines.n >= FZ_REPRO_MAX_COMMANDS) {
            r->skipped++;
            continue;
        }
        fz_lines_push(&r->lines, (const char *)p, n);
    }
}

int fz_repro_load(struct fz_repro *r, const char *path, char *err, size_t errlen)
{
    FILE *f = oc_fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (64u << 20)) {
                snprintf(err, errlen, "%s: larger than 64 MiB", path);
                free(buf);
                fclose(f);
                return -1;
            }
            buf = oc_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        return -1;
    }
    fz_repro_parse(r, buf, n);
    free(buf);
    return 0;
}

/* ---- writing ---------------------------------------------------------------------------------- */

/* A comment line: "# " then text, credentials shown as ***, other than printable ASCII
 * written \xNN. */
static void comment(FILE *f, const struct fz_creds *c, const char *label, const char *text)
{
    char hidden[2048];
    fz_creds_hide(c, text ? text : "", false, hidden, sizeof hidden);
    fprintf(f, "# %s", label);
    for (const unsigned char *p = (const unsigned char *)hidden; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    fputc('\n', f);
}

int fz_repro_write(const char *path, const struct fz_repro_info *in, const struct fz_lines *lines,
                   const struct fz_creds *creds, char *err, size_t errlen)
{
    /* made in memory, then written in one piece: a failed write leaves no half reproducer */
    char *text = NULL;
    size_t len = 0;
    FILE *f = oc_xmemstream(&text, &len);
    char buf[512];
    fprintf(f, "#vendor %s\n", in->vendor);
    fprintf(f, "# otacheck fuzz: a finding, and the command lines that make it happen again.\n");
    fprintf(f, "# replay: otacheck fuzz --replay FILE --target SPEC   (exit 1: it happened again)\n");
    snprintf(buf, sizeof buf, "%s (%s)", in->rule, in->where);
    comment(f, creds, "finding: ", buf);
    comment(f, creds, "expected: ", in->expected);
    comment(f, creds, "seen: ", in->seen);
    snprintf(buf, sizeof buf, "seed %llu, case %llu (%zu command line%s) on %.300s",
             (unsigned long long)in->seed, (unsigned long long)in->case_number, in->case_lines,
             in->case_lines == 1 ? "" : "s", in->target ? in->target : "?");
    comment(f, creds, "found: ", buf);
    if (in->reproduced)
        snprintf(buf, sizeof buf, "%zu command line%s, checked in %u run%s on the target%s", lines->n,
                 lines->n == 1 ? "" : "s", in->runs, in->runs == 1 ? "" : "s",
                 in->needed_history ? " (the case alone did not do it: lines of the cases before it are "
                                      "included)"
                                    : "");
    else if (in->runs == 0)
        snprintf(buf, sizeof buf, "not minimised: no run on the target was allowed (--max-runs 0)");
    else
        snprintf(buf, sizeof buf, "not minimised: it did not happen again when the case was replayed (%u run%s)",
                 in->runs, in->runs == 1 ? "" : "s");
    comment(f, creds, "reproducer: ", buf);
    if (in->also && in->also[0])
        comment(f, creds, "the case also broke: ", in->also);
    /* placeholders used by the lines below */
    bool any = false;
    for (size_t i = 0; i < lines->n && !any; i++)
        for (unsigned k = 0; creds && k < creds->n && !any; k++)
            any = strstr(lines->line[i], creds->value[k]) != NULL;
    if (any)
        fprintf(f, "# ${cred:N}: a credential of the configuration (the reference cloud's), not written "
                   "here; --replay fills it in\n");
    for (size_t i = 0; i < lines->n; i++) {
        char line[FZ_REPRO_MAX_LINE * 2 + 64];
        fz_creds_hide(creds, lines->line[i], true, line, sizeof line);
        fprintf(f, "%s\n", line);
    }
    fprintf(f, "#\n# transcript (> sent, < received; credentials masked):\n");
    const char *t = in->transcript ? in->transcript : "";
    while (*t) {
        size_t n = strcspn(t, "\n");
        char row[1400];
        snprintf(row, sizeof row, "%.*s", (int)(n < sizeof row - 1 ? n : sizeof row - 1), t);
        comment(f, creds, "", row);
        t += n;
        if (*t == '\n')
            t++;
    }
    oc_xmemstream_close(f);
    int rc = oc_write_file_atomic(path, text, len, err, errlen);
    free(text);
    return rc;
}
