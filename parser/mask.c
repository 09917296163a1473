/* parser/mask.c — see mask.h. */
#include "parser/mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "parser/validate.h"

struct span {
    uint32_t off, len;
};

static size_t copy_masked(const uint8_t *line, size_t len, const struct span *sp, size_t n,
                          char *out, size_t cap)
{
    size_t o = 0, pos = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i <= n; i++) {
        size_t upto = i < n ? sp[i].off : len;
        if (upto < pos)
            continue;
        size_t k = upto - pos;
        if (o + k >= cap)
            k = cap - 1 - o;
        memcpy(out + o, line + pos, k);
        o += k;
        if (i == n)
            break;
        size_t m = strlen(AT_MASK);
        if (o + m < cap) {
            memcpy(out + o, AT_MASK, m);
            o += m;
        }
        pos = sp[i].off + sp[i].len;
    }
    out[o] = '\0';
    return o;
}

static bool command_has_secret(const struct gram_command *c)
{
    for (uint16_t j = 0; c && j < c->n_forms; j++)
        for (uint16_t i = 0; i < c->forms[j].n_params; i++)
            if (c->forms[j].params[i].secret)
                return true;
    return false;
}

static bool index_has_secret(const struct at_index *ix)
{
    for (uint8_t s = 0; s < ix->n_slots; s++)
        for (uint16_t k = 0; k < ix->slots[s].v->n_commands; k++)
            if (command_has_secret(&ix->slots[s].v->commands[k]))
                return true;
    return false;
}

size_t at_mask_command(const struct at_index *ix, const uint8_t *line, size_t len, char *out,
                       size_t cap)
{
    struct at_cmdline cl;
    struct at_verror e;
    enum at_err r = at_validate_command(ix, -1, line, len, &cl, &e);
    struct span sp[AT_MAX_CONCAT * GRAM_MAX_PARAMS];
    size_t n = 0;
    for (uint8_t c = 0; c < cl.n; c++) {
        const struct at_cmd *cmd = &cl.cmds[c];
        for (uint16_t i = 0; i < cmd->n_args && i < cmd->form->n_params; i++)
            if (cmd->form->params[i].secret && cmd->args[i].kind != AT_V_ABSENT)
                sp[n++] = (struct span){cmd->args[i].off, cmd->args[i].len};
    }
    if (r != AT_OK && (command_has_secret(e.cmd) || (!e.cmd && index_has_secret(ix)))) {
        /* The faulty command may carry a secret, and we cannot tell which argument is
         * which: mask every quoted string after the commands that parsed. */
        size_t start = 0;
        for (uint8_t k = 0; k < cl.n; k++)
            start = cl.cmds[k].off + cl.cmds[k].len;
        for (size_t i = start; i < len && n < sizeof sp / sizeof sp[0]; i++) {
            if (line[i] != '"')
                continue;
            size_t j = i + 1;
            while (j < len && line[j] != '"')
                j++;
            sp[n++] = (struct span){(uint32_t)i, (uint32_t)((j < len ? j + 1 : len) - i)};
            i = j;
        }
    }
    return copy_masked(line, len, sp, n, out, cap);
}

size_t at_mask_response(const struct at_result *r, const uint8_t *line, size_t len, char *out,
                        size_t cap)
{
    struct span sp[GRAM_MAX_PARAMS];
    size_t n = 0;
    if (r->line)
        for (uint16_t i = 0; i < r->n_fields && i < r->line->tpl.n_fields; i++)
            if (r->line->tpl.fields[i].secret && r->fields[i].kind != AT_V_ABSENT)
                sp[n++] = (struct span){r->fields[i].off, r->fields[i].len};
    return copy_masked(line, len, sp, n, out, cap);
}

size_t at_secret_values_n(const struct at_index *ix, const uint8_t *line, size_t len,
                          void (*each)(void *ctx, const char *value, size_t vlen), void *ctx)
{
    struct at_cmdline cl;
    struct at_verror e;
    size_t n = 0;
    if (at_validate_command(ix, -1, line, len, &cl, &e) != AT_OK)
        return 0;
    for (uint8_t k = 0; k < cl.n; k++) {
        const struct at_cmd *c = &cl.cmds[k];
        uint8_t escapes = ix->slots[c->slot].v->escapes;
        for (uint16_t i = 0; i < c->n_args && i < c->form->n_params; i++) {
            if (!c->form->params[i].secret || c->args[i].kind == AT_V_ABSENT)
                continue;
            /* decoding never lengthens a value: its span in the line is room enough */
            size_t room = (size_t)c->args[i].len + 1;
            char *val = oc_xmalloc(room);
            size_t vl = at_value_decode(line, &c->args[i], escapes, (uint8_t *)val, room - 1);
            if (vl > room - 1)
                vl = room - 1;
            val[vl] = '\0';
            each(ctx, val, vl);
            free(val);
            n++;
        }
    }
    return n;
}

struct each_c {
    void (*each)(void *ctx, const char *value);
    void *ctx;
};

static void each_c_string(void *ctx, const char *value, size_t vlen)
{
    (void)vlen;
    const struct each_c *e = ctx;
    e->each(e->ctx, value);
}

size_t at_secret_values(const struct at_index *ix, const uint8_t *line, size_t len,
                        void (*each)(void *ctx, const char *value), void *ctx)
{
    struct each_c e = {each, ctx};
    return at_secret_values_n(ix, line, len, each_c_string, &e);
}

/* ---- credentials in any text ------------------------------------------------------------ */

void at_secrets_init(struct at_secrets *s)
{
    s->form = NULL;
    s->n = s->cap = 0;
}

void at_secrets_free(struct at_secrets *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->form[i]);
    free(s->form);
    at_secrets_init(s);
}

/* Adds one form (n bytes, no NUL among them) unless it is too short or there already. */
static void add_form(struct at_secrets *s, const char *f, size_t n)
{
    if (n < AT_SECRET_MIN || memchr(f, '\0', n))
        return;
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->form[i]) == n && memcmp(s->form[i], f, n) == 0)
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->form = oc_xrealloc(s->form, s->cap * sizeof *s->form);
    }
    /* longest first */
    size_t at = s->n;
    while (at > 0 && strlen(s->form[at - 1]) < n) {
        s->form[at] = s->form[at - 1];
        at--;
    }
    s->form[at] = oc_xmemdup0(f, n);
    s->n++;
}

/* The form and its lower- and upper-cased copies (ASCII). */
static void add_with_case(struct at_secrets *s, const char *f, size_t n, bool copies)
{
    add_form(s, f, n);
    if (!copies)
        return;
    char *c = oc_xmemdup0(f, n);
    for (size_t i = 0; i < n; i++)
        c[i] = (char)(c[i] >= 'A' && c[i] <= 'Z' ? c[i] - 'A' + 'a' : c[i]);
    add_form(s, c, n);
    for (size_t i = 0; i < n; i++)
        c[i] = (char)(c[i] >= 'a' && c[i] <= 'z' ? c[i] - 'a' + 'A' : c[i]);
    add_form(s, c, n);
    free(c);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 4648 base64 of p (n bytes), padded, into out (4 * ((n + 2) / 3) + 1 bytes). */
static size_t base64(const uint8_t *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < n ? B64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? B64[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

bool at_secrets_add(struct at_secrets *s, const void *secret, size_t len)
{
    const uint8_t *p = secret;
    if (!p || len < AT_SECRET_MIN)
        return false;
    bool derived = len >= AT_SECRET_MIN_DERIVED;
    bool has_nul = memchr(p, '\0', len) != NULL, has_ctl = false;
    for (size_t i = 0; i < len; i++)
        has_ctl |= p[i] < 0x20 || p[i] == 0x7f;
    /* its text */
    if (!has_nul)
        add_with_case(s, (const char *)p, len, derived);
    if (has_ctl) {
        /* as a transcript prints it (hx_printable: control bytes as \xNN) */
        char *t = oc_xmalloc(len * 4 + 1);
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            if (p[i] < 0x20 || p[i] == 0x7f)
                k += (size_t)snprintf(t + k, 5, "\\x%02x", p[i]);
            else
                t[k++] = (char)p[i];
        }
        add_with_case(s, t, k, derived);
        free(t);
    }
    if (has_nul)
        for (size_t a = 0; a < len;) {
            size_t b = a;
            while (b < len && p[b])
                b++;
            if (b - a >= AT_SECRET_MIN_DERIVED)
                add_with_case(s, (const char *)p + a, b - a, true);
            a = b + 1;
        }
    if (!derived)
        return true;
    /* hex, both cases */
    char *h = oc_xmalloc(len * 2 + 1);
    for (int upper = 0; upper < 2; upper++) {
        const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        for (size_t i = 0; i < len; i++) {
            h[2 * i] = digits[p[i] >> 4];
            h[2 * i + 1] = digits[p[i] & 15];
        }
        add_form(s, h, len * 2);
    }
    free(h);
    /* base64: of the credential alone, then inside a stream at each offset a (0, 1, 2 bytes
     * before it in its group of three): character j holds bits [6j, 6j + 6) of the stream
     * from that group on, the credential's bits are [8a, 8a + 8 len), so the characters of
     * its own are j in [ceil(8a / 6), floor((8a + 8 len) / 6)) */
    uint8_t *buf = oc_xmalloc(len + 2);
    char *b = oc_xmalloc(4 * ((len + 2 + 2) / 3) + 1);
    add_form(s, b, base64(p, len, b));
    for (size_t a = 0; a < 3; a++) {
        memset(buf, 0, a);
        memcpy(buf + a, p, len);
        base64(buf, len + a, b);
        size_t j0 = (8 * a + 5) / 6, j1 = (8 * a + 8 * len) / 6;
        if (j1 > j0)
            add_form(s, b + j0, j1 - j0);
    }
    free(b);
    free(buf);
    return true;
}

/* Where the longest form that occurs at text + i ends, or i when none does. */
static size_t form_end(const struct at_secrets *s, const size_t *flen, const uint8_t first[32], const char *text,
                       size_t len, size_t i)
{
    uint8_t c = (uint8_t)text[i];
    if (!(first[c >> 3] >> (c & 7) & 1))
        return i;
    for (size_t f = 0; f < s->n; f++) /* longest first: the first that occurs is it */
        if (flen[f] <= len - i && memcmp(text + i, s->form[f], flen[f]) == 0)
            return i + flen[f];
    return i;
}

size_t at_secrets_mask(const struct at_secrets *s, const char *text, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    if (!s || s->n == 0) {
        size_t n = len < cap - 1 ? len : cap - 1;
        memcpy(out, text, n);
        out[n] = '\0';
        return n;
    }
    /* the first bytes of the forms, to pass most places at once */
    uint8_t first[32] = {0};
    size_t *flen = oc_xmalloc(s->n * sizeof *flen);
    for (size_t f = 0; f < s->n; f++) {
        uint8_t c = (uint8_t)s->form[f][0];
        first[c >> 3] |= (uint8_t)(1u << (c & 7));
        flen[f] = strlen(s->form[f]);
    }
    const size_t ml = strlen(AT_MASK);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t end = form_end(s, flen, first, text, len, i);
        if (end == i) {
            if (o + 1 >= cap)
                break;
            out[o++] = text[i++];
            continue;
        }
        /* a form that starts inside the run and reaches past it makes it longer: the
         * union of the occurrences goes, as one mask */
        for (size_t q = i + 1; q < end; q++) {
            size_t e = form_end(s, flen, first, text, len, q);
            if (e > end)
                end = e;
        }
        if (o + ml >= cap)
            break;
        memcpy(out + o, AT_MASK, ml);
        o += ml;
        i = end;
    }
    out[o] = '\0';
    free(flen);
    return o;
}

char *at_secrets_mask_dup(const struct at_secrets *s, const char *text, size_t len, size_t *out_len)
{
    char *out = oc_xmalloc(len + 1);
    size_t n = at_secrets_mask(s, text, len, out, len + 1);
    if (out_len)
        *out_len = n;
    return out;
}
