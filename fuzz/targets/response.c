/* fuzz/targets/response.c — fuzz_response: response lines through the classifier and
 * the validator of response lines. The input's first line is the command in flight (its
 * information responses become known lines), each further line is classified. Oracles:
 * offsets lie in the line; a line the grammar accepts, written back from its own fields
 * by the renderer the reference module uses, is accepted again as the same line; the
 * masker leaves no secret field in the clear. */
#include <string.h>

#include "fuzz/fixture.h"
#include "parser/bytes.h"
#include "fuzz/fuzz.h"
#include "parser/classify.h"
#include "parser/mask.h"
#include "parser/render.h"
#include "parser/validate.h"

#define LINE_CAP 4096

/* Writes a valid line back from its fields and reads it again. */
static void round_trip(const struct at_index *ix, const struct at_inflight *fl,
                       const uint8_t *line, size_t len, const struct at_result *r)
{
    static char text[GRAM_MAX_PARAMS][LINE_CAP];
    static char out[LINE_CAP * 2];
    struct at_rval vals[GRAM_MAX_PARAMS];
    const struct gram_line *l = r->line;
    for (uint16_t i = 0; i < l->tpl.n_fields; i++) {
        vals[i].text = NULL;
        if (i >= r->n_fields || r->fields[i].kind == AT_V_ABSENT)
            continue;
        const struct at_value *v = &r->fields[i];
        bool raw = l->tpl.fields[i].type.kind == GT_ANY;
        uint32_t s = raw ? v->off : at_value_cstart(v), n = raw ? v->len : at_value_clen(v);
        if (n >= LINE_CAP)
            return;
        memcpy(text[i], line + s, n);
        text[i][n] = '\0';
        if (memchr(text[i], '\0', n))
            return;
        vals[i].text = text[i];
    }
    size_t ol = at_render_line(l, &ix->slots[r->slot].lc, vals, out, sizeof out);
    if (ol == 0)
        return; /* a field the renderer needs is absent: nothing to compare */
    struct at_result again;
    at_classify_line(ix, fl, (const uint8_t *)out, ol, &again);
    if (l->tpl.lead_len == 0 && again.line != l)
        return; /* free text (ATI, AT+CGMR written bare) may read as a final or a URC */
    FZ_CHECK(again.valid && again.line == l,
             "'%.*s' is a valid %s, but written back from its fields as '%s' it is %s (%s)",
             (int)len, (const char *)line, l->name ? l->name : "line", out,
             again.line ? (again.line->name ? again.line->name : "another line") : "unknown",
             again.valid ? "valid" : at_err_name(again.err.code));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fz_fixture *fx = fz_fixture_get();
    const struct at_index *ix = &fx->all;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t first = nl ? (size_t)(nl - data) : size;
    struct at_inflight fl = {0};
    static struct at_cmdline cl;
    struct at_verror e;
    if (at_identify_command(ix, data, first, &cl, &e) == AT_OK && cl.n) {
        fl.form = cl.cmds[cl.n - 1].form;
        fl.slot = cl.cmds[cl.n - 1].slot;
    }
    static struct at_result r;
    static char masked[LINE_CAP * 2];
    for (size_t off = nl ? first + 1 : size; off < size;) {
        const uint8_t *end = memchr(data + off, '\n', size - off);
        size_t len = end ? (size_t)(end - (data + off)) : size - off;
        const uint8_t *line = data + off;
        off += len + 1;
        if (len > LINE_CAP)
            continue;
        at_classify_line(ix, fl.form ? &fl : NULL, line, len, &r);
        if (!r.valid) {
            FZ_CHECK(r.err.off <= len, "error %s at %u of a %zu-byte line", at_err_name(r.err.code), r.err.off, len);
            continue;
        }
        if (!r.line)
            continue;
        for (uint16_t i = 0; i < r.n_fields; i++)
            FZ_CHECK(r.fields[i].off + r.fields[i].len <= len, "field %u spans past the line", i);
        round_trip(ix, fl.form ? &fl : NULL, line, len, &r);
        size_t ml = at_mask_response(&r, line, len, masked, sizeof masked);
        for (uint16_t i = 0; i < r.n_fields && i < r.line->tpl.n_fields; i++) {
            const struct at_value *v = &r.fields[i];
            uint32_t n = at_value_clen(v);
            if (!r.line->tpl.fields[i].secret || v->kind == AT_V_ABSENT || n < 3)
                continue;
            const uint8_t *secret = line + at_value_cstart(v);
            FZ_CHECK(at_count(masked, ml, secret, n) < at_count(line, len, secret, n),
                     "the secret field '%s' is still in the masked line: %s",
                     r.line->tpl.fields[i].name, masked);
        }
    }
    return 0;
}
