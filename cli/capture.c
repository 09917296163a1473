/* cli/capture.c — reading the files `otacheck parse` takes; see capture.h. */
#include "cli/capture.h"
#include "common/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

const char *capture_kind_name(enum capture_kind k)
{
    switch (k) {
    case CAPTURE_DOCUMENT: return "document";
    case CAPTURE_STRINGS: return "list of firmware strings";
    default: return "stream";
    }
}

/* The whole stream, NUL-terminated (common/xalloc.h). NULL with *err_no set when a read
 * fails (EIO, EISDIR): a capture read in part is not judged as if it were whole. */
static char *slurp(FILE *f, size_t *len, int *err_no)
{
    size_t cap = 65536, n = 0;
    char *b = oc_xmalloc(cap + 1);
    for (;;) {
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (n < cap)
            break;
        b = oc_xrealloc(b, cap * 2 + 1);
        cap *= 2;
    }
    if (ferror(f)) {
        *err_no = errno ? errno : EIO;
        free(b);
        return NULL;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

int capture_read(const char *path, struct capture *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    FILE *f = strcmp(path, "-") == 0 ? stdin : oc_fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    int e = 0;
    errno = 0;
    c->data = slurp(f, &c->len, &e);
    if (f != stdin)
        fclose(f);
    if (!c->data) {
        snprintf(err, errlen, "cannot read %s: %s", strcmp(path, "-") == 0 ? "standard input" : path, strerror(e));
        return -1;
    }
    /* the header: the leading lines that start with '#' */
    size_t p = 0;
    while (p < c->len && c->data[p] == '#') {
        const char *nl = memchr(c->data + p, '\n', c->len - p);
        size_t end = nl ? (size_t)(nl - c->data) : c->len;
        const char *k = memmem(c->data + p, end - p, "kind:", 5);
        if (k && !c->kind_said) {
            const char *v = k + 5;
            while (v < c->data + end && *v == ' ')
                v++;
            if (end - (size_t)(v - c->data) >= 3 && v[0] == '(' && v[2] == ')') {
                c->kind_said = true;
                c->kind = v[1] == 'b' ? CAPTURE_DOCUMENT : v[1] == 'c' ? CAPTURE_STRINGS : CAPTURE_STREAM;
            }
        }
        c->header_lines++;
        p = nl ? end + 1 : c->len;
    }
    c->body = p;
    return 0;
}

void capture_free(struct capture *c)
{
    free(c->data);
    memset(c, 0, sizeof *c);
}

/* The values a conversion stands for, tried in turn: a number that is a code of most
 * tables (0, 1, an HTTP status, a negative QAPI status), and words. */
static const char *const int_samples[] = {"0", "1", "-110105", "200", "404", "-1", "27954"};
static const char *const str_samples[] = {"x", "0", "x", "x", "x", "x", "x"};

unsigned capture_samples(void)
{
    return sizeof int_samples / sizeof int_samples[0];
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t capture_decode_literal(const char *s, size_t n, const unsigned *choice, char *out, size_t cap,
                              unsigned *n_conv)
{
    size_t o = 0;
    unsigned conv = 0;
#define PUT(ch)                                                                                     \
    do {                                                                                            \
        if (o + 1 < cap)                                                                            \
            out[o++] = (ch);                                                                        \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < n) {
            char e = s[++i];
            switch (e) {
            case 'r': PUT('\r'); break;
            case 'n': PUT('\n'); break;
            case 't': PUT('\t'); break;
            case 'x':
                if (i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                    PUT((char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
                    i += 2;
                } else {
                    PUT('x');
                }
                break;
            default: PUT(e); break; /* \" \\ \' */
            }
        } else if (ch == '%' && i + 1 < n) {
            if (s[i + 1] == '%') {
                PUT('%');
                i++;
                continue;
            }
            /* %[flags][width][.prec][length]conv */
            size_t j = i + 1;
            while (j < n && strchr("-+ #0123456789.lhzjt", s[j]))
                j++;
            if (j >= n || !strchr("diuxXsc", s[j])) {
                PUT(ch);
                continue;
            }
            unsigned pick = choice ? choice[conv] % capture_samples() : 0;
            const char *v = strchr("diuxX", s[j]) ? int_samples[pick] : str_samples[pick];
            if (strchr("uxX", s[j]) && v[0] == '-')
                v = "1";
            for (const char *q = v; *q; q++)
                PUT(*q);
            conv++;
            i = j;
        } else {
            PUT(ch);
        }
    }
#undef PUT
    if (cap)
        out[o] = '\0';
    if (n_conv)
        *n_conv = conv;
    return o;
}

bool capture_hex_words(const char *s, size_t n)
{
    if (n < 2)
        return false;
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (hexval(s[i]) >= 0)
            digits++;
        else if (s[i] != ' ')
            return false;
    }
    return digits >= 2 && digits % 2 == 0;
}

bool capture_elision(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    if (n < 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '.')
            return false;
    return true;
}
