/* parser/framer.c — see framer.h. One pass over each chunk: a 16-byte-at-a-time scan for
 * the next control byte (bytes.h) finds line ends and garbage together. */
#include "parser/framer.h"

#include <string.h>

#include "parser/bytes.h"

const char *at_tok_kind_name(enum at_tok_kind k)
{
    switch (k) {
    case AT_TOK_LINE: return "line";
    case AT_TOK_PROMPT: return "prompt";
    case AT_TOK_PAYLOAD: return "payload";
    case AT_TOK_OVERFLOW: return "overflow";
    case AT_TOK_GARBAGE: return "garbage";
    }
    return "?";
}

/* The first occurrence of the split marker in p[0..n), or NULL. Markers are short and lines
 * too: memchr for its first byte and a compare beat memmem's set-up. */
static const uint8_t *find_marker(const struct at_framer *f, const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    while (p + f->split_len <= end) {
        const uint8_t *q = memchr(p, f->split[0], (size_t)(end - p) - f->split_len + 1);
        if (!q)
            return NULL;
        if (at_bytes_eq(q + 1, f->split + 1, f->split_len - 1))
            return q;
        p = q + 1;
    }
    return NULL;
}

void at_framer_init(struct at_framer *f, uint8_t *buf, size_t cap)
{
    memset(f, 0, sizeof *f);
    f->buf = buf;
    f->cap = cap;
}

void at_framer_set_split(struct at_framer *f, const char *marker)
{
    f->split = (const uint8_t *)marker;
    f->split_len = marker ? strlen(marker) : 0;
}

void at_framer_feed(struct at_framer *f, const void *data, size_t len, uint64_t t_ns)
{
    f->in_off += f->in_len;
    f->in = data;
    f->in_len = len;
    f->pos = 0;
    f->t_in = t_ns;
    f->bytes += len;
}

void at_framer_expect_payload(struct at_framer *f, uint64_t n)
{
    if (n == 0)
        return;
    f->payload_left = f->payload_total = n;
    f->piece_start = 0;
    f->skip_lf = f->last_term == '\r';
    f->carry_len = 0;
}

bool at_framer_in_payload(const struct at_framer *f)
{
    return f->payload_left != 0;
}

uint64_t at_framer_abort_payload(struct at_framer *f)
{
    uint64_t left = f->payload_left - f->carry_len; /* what is held already came */
    f->payload_left = 0;
    f->carry_len = 0;
    f->skip_lf = false;
    return left;
}

const uint8_t *at_framer_held(const struct at_framer *f, size_t *n)
{
    *n = f->payload_left ? f->carry_len : 0;
    return f->buf;
}

static void carry_append(struct at_framer *f, const uint8_t *p, size_t n)
{
    size_t room = f->cap - f->carry_len;
    size_t k = n < room ? n : room;
    if (k) {
        memcpy(f->buf + f->carry_len, p, k);
        f->carry_len += k;
    }
}

/* Hands out the next piece of a line cut at the split marker. */
static bool next_piece(struct at_framer *f, struct at_token *tok)
{
    const uint8_t *s = f->pend + f->pend_pos;
    size_t left = f->pend_len - f->pend_pos;
    size_t cut = left;
    if (left > f->split_len) {
        const uint8_t *m = find_marker(f, s + 1, left - 1);
        if (m)
            cut = (size_t)(m - s);
    }
    *tok = f->pend_tok;
    tok->data = s;
    tok->len = (uint32_t)cut;
    tok->offset += f->pend_pos;
    tok->flags |= AT_TF_SPLIT;
    if (f->pend_pos > 0) {
        tok->flags &= (uint16_t)~(AT_TF_AFTER_PAYLOAD);
        tok->lead_len = 0; /* glued onto the piece before it (lead still counts the line's) */
    }
    if (f->pend_pos + cut < f->pend_len) /* only the last piece has the line's ending */
        tok->flags &= (uint16_t)~(AT_TF_CR | AT_TF_LF | AT_TF_UNTERMINATED);
    f->pend_pos += cut;
    if (f->pend_pos >= f->pend_len)
        f->pend = NULL;
    f->tokens++;
    return true;
}

/* Completes the current line; `tail`/`tail_len` are its last bytes in the chunk. */
static bool emit_line(struct at_framer *f, struct at_token *tok, const uint8_t *tail,
                      size_t tail_len, uint16_t flags)
{
    f->line_len += tail_len;
    const uint8_t *data;
    size_t len;
    if (f->line_carried) {
        carry_append(f, tail, tail_len);
        data = f->buf;
        len = f->carry_len;
    } else {
        data = tail;
        len = tail_len;
    }
    tok->flags = flags;
    tok->lead = (uint16_t)(f->line_lead > 0xffff ? 0xffff : f->line_lead);
    memcpy(tok->lead_bytes, f->line_run, sizeof tok->lead_bytes);
    tok->lead_len = f->line_run_len;
    tok->piece_off = 0;
    tok->offset = f->line_off;
    tok->t_first = f->t_first;
    tok->t_last = f->t_in;
    if (f->after_payload) {
        tok->flags |= AT_TF_AFTER_PAYLOAD;
        f->after_payload = false;
    }
    if (f->line_len > f->cap) {
        tok->kind = AT_TOK_OVERFLOW;
        tok->data = data;
        tok->len = (uint32_t)(len > f->cap ? f->cap : len);
        tok->full_len = f->line_len;
    } else {
        tok->kind = f->garbage ? AT_TOK_GARBAGE : AT_TOK_LINE;
        tok->data = data;
        tok->len = (uint32_t)len;
        tok->full_len = len;
    }
    f->in_line = false;
    f->line_carried = false;
    f->carry_len = 0;
    /* an event sent without CR LF glues what follows onto itself: only a line that starts
     * with the marker can hold more than one */
    if (tok->kind == AT_TOK_LINE && f->split_len && tok->len > f->split_len &&
        at_bytes_eq(tok->data, f->split, f->split_len) &&
        find_marker(f, tok->data + 1, tok->len - 1)) {
        f->pend = tok->data;
        f->pend_len = tok->len;
        f->pend_pos = 0;
        f->pend_tok = *tok;
        return next_piece(f, tok);
    }
    f->tokens++;
    return true;
}

static bool payload_step(struct at_framer *f, struct at_token *tok)
{
    if (f->skip_lf && f->pos < f->in_len) {
        if (f->in[f->pos] == '\n')
            f->pos++;
        f->skip_lf = false;
    }
    if (f->pos >= f->in_len)
        return false;
    uint64_t piece_end = f->piece_start + f->cap;
    if (piece_end > f->payload_total)
        piece_end = f->payload_total;
    size_t need = (size_t)(piece_end - f->piece_start - f->carry_len);
    size_t avail = f->in_len - f->pos;
    const uint8_t *p = f->in + f->pos;
    if (f->carry_len == 0) {
        f->t_first = f->t_in;
        f->line_off = f->in_off + f->pos;
    }
    memset(tok, 0, sizeof *tok);
    if (f->carry_len == 0 && avail >= need) {
        tok->data = p; /* the whole piece is in this chunk: hand it out in place */
        tok->len = (uint32_t)need;
        f->pos += need;
    } else {
        size_t k = avail < need ? avail : need;
        memcpy(f->buf + f->carry_len, p, k);
        f->carry_len += k;
        f->pos += k;
        if (k < need)
            return false;
        tok->data = f->buf;
        tok->len = (uint32_t)f->carry_len;
        f->carry_len = 0;
    }
    tok->kind = AT_TOK_PAYLOAD;
    tok->offset = f->line_off;
    tok->t_first = f->t_first;
    tok->t_last = f->t_in;
    tok->full_len = f->payload_total;
    tok->piece_off = f->piece_start;
    f->piece_start = piece_end;
    f->payload_left = f->payload_total - piece_end;
    if (f->payload_left) {
        tok->flags |= AT_TF_MORE;
    } else {
        f->last_term = 0;
        f->lead = 0;
        f->run_len = 0;
        f->after_payload = true;
    }
    f->tokens++;
    return true;
}

static bool emit_prompt(struct at_framer *f, struct at_token *tok, size_t advance)
{
    memset(tok, 0, sizeof *tok);
    tok->kind = AT_TOK_PROMPT;
    tok->data = (const uint8_t *)"> ";
    tok->len = 2;
    tok->offset = f->line_off;
    tok->t_first = f->t_first;
    tok->t_last = f->t_in;
    tok->lead = (uint16_t)(f->line_lead > 0xffff ? 0xffff : f->line_lead);
    memcpy(tok->lead_bytes, f->line_run, sizeof tok->lead_bytes);
    tok->lead_len = f->line_run_len;
    f->pos += advance;
    f->in_line = false;
    f->line_carried = false;
    f->carry_len = 0;
    f->tokens++;
    return true;
}

bool at_framer_next(struct at_framer *f, struct at_token *tok)
{
    if (f->pend)
        return next_piece(f, tok);
    if (f->payload_left)
        return payload_step(f, tok);
    if (f->pos >= f->in_len)
        return false;
    const uint8_t *in = f->in;
    if (!f->in_line) {
        while (f->pos < f->in_len && (in[f->pos] == '\r' || in[f->pos] == '\n')) {
            f->last_term = in[f->pos];
            if (f->run_len < sizeof f->run)
                f->run[f->run_len++] = in[f->pos];
            f->lead++;
            f->pos++;
        }
        if (f->pos >= f->in_len)
            return false;
        f->in_line = true;
        f->garbage = false;
        f->line_start = f->pos;
        f->line_carried = false;
        f->line_len = 0;
        f->carry_len = 0;
        f->t_first = f->t_in;
        f->line_off = f->in_off + f->pos;
        f->line_lead = f->lead;
        f->lead = 0;
        memcpy(f->line_run, f->run, sizeof f->run);
        f->line_run_len = f->run_len;
        f->run_len = 0;
        /* "> " at the start of a line is the data prompt */
        if (in[f->pos] == '>') {
            if (f->pos + 1 < f->in_len) {
                if (in[f->pos + 1] == ' ')
                    return emit_prompt(f, tok, 2);
            } else {
                /* '>' ends the chunk: carry it, the next byte decides */
                carry_append(f, in + f->pos, 1);
                f->line_carried = true;
                f->line_len = 1;
                f->pos++;
                return false;
            }
        }
    } else if (f->line_carried && f->line_len == 1 && f->buf[0] == '>' && f->pos == 0 &&
               in[0] == ' ') {
        return emit_prompt(f, tok, 1);
    }
    size_t seg = f->line_carried ? f->pos : f->line_start;
    size_t i = f->pos;
    for (;;) {
        i += at_scan_ctl(in + i, f->in_len - i);
        if (i >= f->in_len)
            break;
        uint8_t c = in[i];
        if (c == '\r' || c == '\n') {
            f->last_term = c;
            f->pos = i + 1;
            f->lead = 1; /* this terminator leads the next line */
            f->run[0] = c;
            f->run_len = 1;
            return emit_line(f, tok, in + seg, i - seg, c == '\r' ? AT_TF_CR : AT_TF_LF);
        }
        if (c != '\t')
            f->garbage = true;
        i++;
    }
    /* no terminator in this chunk: keep what there is of the line */
    if (!f->line_carried) {
        f->line_carried = true;
        f->carry_len = 0;
    }
    carry_append(f, in + seg, f->in_len - seg);
    f->line_len += f->in_len - seg;
    f->pos = f->in_len;
    return false;
}

const uint8_t *at_framer_trail(const struct at_framer *f, size_t *n, uint32_t *total)
{
    if (f->in_line) { /* a line has begun: what came before it */
        *n = f->line_run_len;
        *total = f->line_lead;
        return f->line_run;
    }
    *n = f->run_len;
    *total = f->lead;
    return f->run;
}

bool at_framer_flush(struct at_framer *f, struct at_token *tok, uint64_t t_ns)
{
    if (f->pend)
        return next_piece(f, tok);
    if (f->payload_left || !f->in_line)
        return false;
    /* everything of the line is in the carry buffer once the chunk was read */
    uint64_t t_save = f->t_in;
    f->t_in = t_ns;
    bool r = emit_line(f, tok, NULL, 0, AT_TF_UNTERMINATED);
    f->t_in = t_save;
    return r;
}
