/* fuzz/stream_check.c — chunk invariance and event sanity of the reference parser (see
 * stream_check.h). */
#include "fuzz/stream_check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fixture.h"
#include "fuzz/mutate.h"
#include "parser/monitor.h"

#define FZ_MAX_EVENTS 4096
#define FZ_MAX_CARRY 8192

/* What must not depend on the read sizes (times do). */
struct ev_digest {
    uint64_t offset, full_len, piece_off, data_hash;
    uint32_t len;
    uint16_t flags;
    uint8_t kind, cls, valid, err;
    uint32_t err_off;
    const void *line;
};

struct run {
    struct ev_digest ev[FZ_MAX_EVENTS];
    size_t n;
    uint64_t payload_next;   /* the offset the next piece of the current payload starts at */
    size_t stream_len;
    size_t carry;
};

static void digest(struct run *r, const struct at_event *e)
{
    const struct at_token *t = &e->tok;
    FZ_CHECK(t->offset <= r->stream_len, "token at offset %" PRIu64 " past the stream (%zu bytes)",
             t->offset, r->stream_len);
    FZ_CHECK(t->len <= r->carry, "a token of %u bytes, more than the %zu-byte buffer", t->len, r->carry);
    if (t->kind == AT_TOK_PAYLOAD) {
        FZ_CHECK(t->piece_off == r->payload_next, "payload piece at %" PRIu64 ", expected %" PRIu64,
                 t->piece_off, r->payload_next);
        FZ_CHECK(t->piece_off + t->len <= t->full_len, "payload piece past its announced length");
        r->payload_next = (t->flags & AT_TF_MORE) ? t->piece_off + t->len : 0;
        if (!(t->flags & AT_TF_MORE))
            FZ_CHECK(t->piece_off + t->len == t->full_len,
                     "last payload piece ends at %" PRIu64 " of %" PRIu64,
                     t->piece_off + t->len, t->full_len);
    } else {
        FZ_CHECK(r->payload_next == 0, "a %s token inside an unfinished payload",
                 at_tok_kind_name(t->kind));
    }
    if (t->kind == AT_TOK_OVERFLOW)
        FZ_CHECK(t->full_len > t->len, "overflow token whose line fits (%u of %" PRIu64 ")", t->len, t->full_len);
    bool has_err = !e->res.valid && e->res.err.code != AT_OK &&
                   (t->kind == AT_TOK_LINE || t->kind == AT_TOK_OVERFLOW);
    if (has_err && t->kind == AT_TOK_LINE)
        FZ_CHECK(e->res.err.off <= t->len, "error offset %u past the line (%u bytes)", e->res.err.off, t->len);
    if (r->n == FZ_MAX_EVENTS)
        return;
    struct ev_digest *d = &r->ev[r->n++];
    memset(d, 0, sizeof *d);
    d->offset = t->offset;
    d->full_len = t->full_len;
    d->piece_off = t->piece_off;
    d->data_hash = at_hash(t->data, t->len);
    d->len = t->len;
    d->flags = t->flags;
    d->kind = (uint8_t)t->kind;
    d->cls = (uint8_t)e->res.cls;
    d->valid = e->res.valid;
    d->err = has_err ? (uint8_t)e->res.err.code : 0;
    d->err_off = has_err ? e->res.err.off : 0;
    d->line = e->res.line;
}

static void run_stream(const struct at_index *ix, const uint8_t *data, size_t size, size_t carry,
                       struct fz_rng *chunks, struct run *r)
{
    static uint8_t buf[FZ_MAX_CARRY];
    struct at_monitor m;
    struct at_event e;
    at_monitor_init(&m, ix, buf, carry);
    r->n = 0;
    r->payload_next = 0;
    r->stream_len = size;
    r->carry = carry;
    for (size_t off = 0; off < size;) {
        size_t n = chunks ? 1 + fz_below(chunks, 64) : size;
        if (n > size - off)
            n = size - off;
        at_monitor_feed(&m, data + off, n, off);
        while (at_monitor_next(&m, &e))
            digest(r, &e);
        off += n;
    }
    while (at_monitor_flush(&m, &e, size))
        digest(r, &e);
}

size_t fz_check_stream(const struct at_index *ix, const uint8_t *data, size_t size, size_t carry)
{
    static struct run whole, cut;
    if (carry > FZ_MAX_CARRY)
        carry = FZ_MAX_CARRY;
    struct fz_rng chunks = {at_hash(data, size)};
    run_stream(ix, data, size, carry, NULL, &whole);
    run_stream(ix, data, size, carry, &chunks, &cut);
    FZ_CHECK(whole.n == cut.n, "%zu events read whole, %zu read in chunks", whole.n, cut.n);
    for (size_t i = 0; i < whole.n; i++)
        FZ_CHECK(memcmp(&whole.ev[i], &cut.ev[i], sizeof whole.ev[i]) == 0,
                 "event %zu (at offset %" PRIu64 ", %s) differs when read in chunks", i,
                 whole.ev[i].offset, at_tok_kind_name((enum at_tok_kind)whole.ev[i].kind));
    return whole.n;
}
