/* parser/framer.h — module output bytes to tokens (DESIGN.md layer 2, "framer").
 *
 * Tokens: lines (terminators removed; CR and LF each end a line, empty lines are skipped),
 * the "> " data prompt, binary payloads of a length the caller announces, lines too long
 * for the buffer (OVERFLOW, with their true length), and lines holding NUL or other control
 * bytes (GARBAGE). Every token carries the monotonic time of the chunk that brought its
 * first byte and of the chunk that brought its last.
 *
 * The same bytes give the same tokens whatever the read sizes: a decision never depends
 * on where a chunk ends. A line inside one chunk is handed out in place (zero-copy); a
 * line cut by a chunk boundary is carried in the caller's buffer, never beyond its size.
 * Nothing here allocates.
 *
 * Use: at_framer_feed() a chunk, then call at_framer_next() until it returns false; only
 * then feed the next chunk. A token's data stays valid until the next call. */
#ifndef OTACHECK_PARSER_FRAMER_H
#define OTACHECK_PARSER_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum at_tok_kind {
    AT_TOK_LINE,
    AT_TOK_PROMPT,   /* "> " at the start of a line */
    AT_TOK_PAYLOAD,  /* binary payload: whole, or one buffer-sized piece of it */
    AT_TOK_OVERFLOW, /* a line longer than the buffer: data holds its first bytes */
    AT_TOK_GARBAGE,  /* a line with NUL or control bytes other than TAB */
};

enum at_tok_flags {
    AT_TF_CR = 1u << 0,           /* ended by CR */
    AT_TF_LF = 1u << 1,           /* ended by LF */
    AT_TF_UNTERMINATED = 1u << 2, /* handed out by at_framer_flush() without a terminator */
    AT_TF_SPLIT = 1u << 3,        /* cut from a longer line at the split marker */
    AT_TF_MORE = 1u << 4,         /* payload piece: more pieces of the same payload follow */
    AT_TF_AFTER_PAYLOAD = 1u << 5,/* first line after a payload */
};

struct at_token {
    enum at_tok_kind kind;
    uint16_t flags;
    uint16_t lead;        /* terminator bytes skipped just before this line (capped at 65535) */
    uint8_t lead_bytes[4];/* the first of them, as they came (CR, LF): the previous line's */
    uint8_t lead_len;     /* ending, judged by the line-end rule; at most 4 */
    const uint8_t *data;
    uint32_t len;         /* bytes in data */
    uint64_t full_len;    /* OVERFLOW: the line's real length; PAYLOAD: the whole payload's */
    uint64_t piece_off;   /* PAYLOAD: offset of this piece in the payload */
    uint64_t offset;      /* stream offset of the token's first byte */
    uint64_t t_first, t_last; /* ns, monotonic, as given to at_framer_feed() */
};

struct at_framer {
    /* configuration */
    uint8_t *buf;
    size_t cap;
    const uint8_t *split;   /* a marker that also starts a new line ("+EVT:"), or NULL */
    size_t split_len;

    /* the chunk being read */
    const uint8_t *in;
    size_t in_len, pos;
    uint64_t t_in;
    uint64_t in_off;        /* stream offset of in[0] */

    /* the line being read */
    bool in_line;
    bool garbage;
    size_t line_start;      /* index in `in` where it started, when it started in this chunk */
    bool line_carried;      /* its first bytes are in buf */
    uint64_t line_len;      /* bytes so far, terminators excluded */
    size_t carry_len;       /* bytes of it in buf (<= cap) */
    uint64_t t_first;
    uint64_t line_off;
    uint32_t lead;          /* terminator bytes since the last token's content */
    uint32_t line_lead;     /* lead of the line being read */
    uint8_t last_term;      /* CR or LF that ended the last line, 0 after a payload */
    uint8_t run[4];         /* the first terminator bytes since the last token's content */
    uint8_t run_len;
    uint8_t line_run[4];    /* those before the line being read */
    uint8_t line_run_len;
    bool after_payload;

    /* payload mode */
    uint64_t payload_left;  /* bytes still to come; 0 = text mode */
    uint64_t payload_total;
    uint64_t piece_start;   /* payload offset where the current piece starts */
    bool skip_lf;           /* the header ended with CR: an LF right after it is not data */

    /* pieces of a line cut at the split marker, still to hand out */
    const uint8_t *pend;
    size_t pend_len, pend_pos;
    struct at_token pend_tok;

    /* counters */
    uint64_t tokens, bytes;
};

/* buf/cap: the carry buffer (the longest line and payload piece kept whole). */
void at_framer_init(struct at_framer *f, uint8_t *buf, size_t cap);
/* A line that starts with `marker` is also cut right before each further occurrence of it:
 * QCC730 events may arrive without a line terminator, so what follows an event is glued
 * onto it. NULL turns it off. */
void at_framer_set_split(struct at_framer *f, const char *marker);
void at_framer_feed(struct at_framer *f, const void *data, size_t len, uint64_t t_ns);
bool at_framer_next(struct at_framer *f, struct at_token *tok);
/* The next n bytes are a binary payload (called after the line that announced it). */
void at_framer_expect_payload(struct at_framer *f, uint64_t n);
/* Hands out a partial line as an UNTERMINATED token (after an idle gap, or at the end of
 * the stream). Call only after at_framer_next() returned false. */
bool at_framer_flush(struct at_framer *f, struct at_token *tok, uint64_t t_ns);
/* Leaves payload mode (the payload never completed); returns the bytes still missing. */
uint64_t at_framer_abort_payload(struct at_framer *f);
/* The bytes of an unfinished payload the framer holds (valid until the next call). */
const uint8_t *at_framer_held(const struct at_framer *f, size_t *n);
bool at_framer_in_payload(const struct at_framer *f);
/* The terminator bytes that came after the last token handed out (at most 4 of them; *n
 * says how many), and in *total how many there were: how its line ended, so far. */
const uint8_t *at_framer_trail(const struct at_framer *f, size_t *n, uint32_t *total);

const char *at_tok_kind_name(enum at_tok_kind k);

#endif
