/* harness/session.c — see session.h. */
#include "harness/session.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "grammar/source.h"
#include "parser/bytes.h"
#include "parser/mask.h"
#include "parser/validate.h"

#define MS 1000000ull

static void finding(struct hx_exchange *x, enum hx_rule rule, struct gram_src src, uint32_t ev,
                    const char *expected, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* src of kind NONE: the rule's own (harness/rules.h) */
static void finding(struct hx_exchange *x, enum hx_rule rule, struct gram_src src, uint32_t ev,
                    const char *expected, const char *fmt, ...)
{
    if (!x || x->n_findings >= HX_MAX_FINDINGS)
        return;
    /* one finding per rule per exchange */
    for (unsigned i = 0; i < x->n_findings; i++)
        if (x->findings[i].rule == rule)
            return;
    struct hx_finding *f = &x->findings[x->n_findings++];
    f->rule = rule;
    f->src = src.kind ? src : hx_rule_src(rule);
    f->event = ev;
    snprintf(f->expected, sizeof f->expected, "%s", expected);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->seen, sizeof f->seen, fmt, ap);
    va_end(ap);
}

static const struct gram_src RULE_SRC = {GSRC_NONE, NULL};

/* The source of a line the module sent: its own, or its form's (an info line). */
static struct gram_src line_src(const struct hx_session *s, const struct gram_line *l)
{
    if (!l)
        return gram_src_vendor(s->v);
    return gram_src_line(l, l->kind == GL_INFO ? s->fl.form : NULL);
}

/* The source of what a response line breaks: the aspect of the field (a backslash the
 * module wrote back as the host sent it is no documented breach), else the line's. */
static struct gram_src response_src(const struct hx_session *s, const struct at_result *r)
{
    if (r->err.code != AT_OK && r->err.line) {
        struct at_verror e = r->err;
        if (!e.form)
            e.form = s->fl.form;
        return at_verror_src(&e);
    }
    return line_src(s, r->line);
}

/* The source of the data's length: the line that announced it. */
static struct gram_src payload_src(const struct hx_session *s)
{
    return s->payload_line ? gram_src_line(s->payload_line, s->payload_form) : gram_src_vendor(s->v);
}

int hx_session_init(struct hx_session *s, struct hx_transport *t, const struct gram_vendor *v,
                    const struct gram_dialect *d, const struct hx_session_opts *o)
{
    memset(s, 0, sizeof *s);
    s->t = t;
    s->v = v;
    if (d)
        s->d = *d;
    else
        gram_dialect_default(&s->d, v);
    const struct gram_dialect *dp = &s->d;
    if (at_index_build(&s->ix, &v, &dp, 1) != 0)
        return -1;
    s->o.settle_ns = o && o->settle_ns ? o->settle_ns : 50 * MS;
    s->o.idle_flush_ns = o && o->idle_flush_ns ? o->idle_flush_ns : hx_line_gap_default(t);
    s->o.probe_ns = o && o->probe_ns ? o->probe_ns : 2000 * MS;
    s->o.drain_max_ns = o && o->drain_max_ns ? o->drain_max_ns : 300 * MS;
    at_framer_init(&s->fr, s->frbuf, sizeof s->frbuf);
    /* events that may arrive without a terminator are cut at their key (QCC730) */
    for (uint16_t i = 0; i < v->n_urcs; i++) {
        const struct gram_line *u = &v->urcs[i];
        if ((u->flags & GLF_NO_TERM) && gram_guard_ok(&s->d, u->guard) && u->tpl.key_len &&
            (size_t)u->tpl.key_len + 2 < sizeof s->split_marker) {
            snprintf(s->split_marker, sizeof s->split_marker, "%.*s:", (int)u->tpl.key_len, u->tpl.key);
            at_framer_set_split(&s->fr, s->split_marker);
            break;
        }
    }
    s->echo_on = v->echo;
    return 0;
}

void hx_session_free(struct hx_session *s)
{
    for (size_t i = 0; i < s->n_ev; i++)
        free(s->ev[i].text);
    free(s->ev);
    free(s->spill.text);
    free(s->pay);
    free(s->clear_seen);
    hx_forget_secrets(s);
    at_index_free(&s->ix);
    memset(s, 0, sizeof *s);
}

/* Is the log past what it keeps of events an exchange or a flow does not need? Past
 * twice that, of any event but a command sent? */
static bool log_full(const struct hx_session *s, bool needed)
{
    unsigned k = needed ? 2 : 1;
    return s->n_ev >= k * HX_LOG_MAX_EVENTS || s->log_bytes >= k * (size_t)HX_LOG_MAX_BYTES;
}

/* A new entry of the log, or the spill slot (its index UINT32_MAX) when the log keeps no
 * more of its kind or memory ran out: such an event is judged, counted, not kept. */
static struct hx_event *new_event(struct hx_session *s, bool needed, uint32_t *idx)
{
    if (s->n_ev == s->cap_ev && !log_full(s, needed)) {
        size_t cap = s->cap_ev ? s->cap_ev * 2 : 256;
        struct hx_event *ev = realloc(s->ev, cap * sizeof *s->ev); /* can go without: spilled */
        if (ev) {
            s->ev = ev;
            s->cap_ev = cap;
        }
    }
    struct hx_event *e;
    if (s->n_ev < s->cap_ev && !log_full(s, needed)) {
        e = &s->ev[s->n_ev];
        *idx = (uint32_t)s->n_ev++;
    } else {
        e = &s->spill;
        free(e->text);
        *idx = UINT32_MAX;
        s->n_dropped++;
    }
    memset(e, 0, sizeof *e);
    return e;
}

/* The event's text, a copy of n bytes, counted in the log's bytes unless it is spilled. */
static void set_text(struct hx_session *s, struct hx_event *e, const void *p, size_t n)
{
    e->text = oc_xmemdup0(p, n);
    e->len = (uint32_t)n;
    if (e != &s->spill)
        s->log_bytes += n;
}

size_t hx_printable(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t c = 0;
    for (size_t k = 0; k < n && c + 5 < cap; k++) {
        if (p[k] < 0x20 || p[k] == 0x7f)
            c += (size_t)snprintf(out + c, cap - c, "\\x%02x", p[k]); /* control bytes as \xNN */
        else
            out[c++] = (char)p[k];
    }
    if (cap)
        out[c < cap ? c : cap - 1] = '\0';
    return c;
}

static bool is_echo_command(const struct gram_form *f)
{
    return f && f->cmd->basic && strcmp(f->cmd->name, "E") == 0;
}

/* Whether a command line the grammar cannot read to its end may hold an E command that a
 * module reads in it: an E outside quotes and outside an extended command's name
 * ("AT+CMEE;E0=," is +CMEE and E0 to a module that finds its error only at '=').
 * Modules part such lines where they like, so what follows may have run. */
static bool may_hold_echo_command(const char *line)
{
    bool quoted = false;
    for (size_t i = 2; line[0] && line[1] && line[i]; i++) {
        char c = line[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '+')
            while (line[i + 1] && (isalnum((unsigned char)line[i + 1]) || strchr("!%-./:_", line[i + 1])))
                i++;
        else if (c == 'e' || c == 'E')
            return true;
    }
    return false;
}

/* An information line with no text of its own to match (ATI's lines): it fits anything. */
static bool free_text(const struct at_result *r)
{
    return r->line && r->line->tpl.lead_len == 0;
}

static bool has_secret(const struct hx_session *s, const uint8_t *p, size_t n)
{
    for (unsigned i = 0; i < hx_secret_count(s); i++) {
        size_t sl = strlen(s->secrets[i]);
        if (sl >= HX_MIN_SECRET && n >= sl && memmem(p, n, s->secrets[i], sl))
            return true;
    }
    return false;
}

/* Whether bytes [o, o + sl) of a response line (p, n bytes) stand inside a value the host
 * itself sent in the clear: an MCU version that holds the product secret, read back or
 * quoted in an event, repeats the host's text, not the credential. The values are those
 * of the parameters that are not secret, in the valid lines sent in this session
 * (s->clear, remember_clear). */
static bool inside_clear_value(const struct hx_session *s, const uint8_t *p, size_t n, size_t o,
                               size_t sl)
{
    unsigned nc = s->n_clear < HX_MAX_CLEAR ? s->n_clear : HX_MAX_CLEAR;
    for (unsigned j = 0; j < nc; j++) {
        const char *val = s->clear[j];
        size_t vl = strlen(val);
        if (vl < sl)
            continue;
        /* where the value would have to start in the line to hold the place */
        for (size_t q = o + sl >= vl ? o + sl - vl : 0; q <= o && q + vl <= n; q++)
            if (memcmp(p + q, val, vl) == 0)
                return true;
    }
    return false;
}

/* The three bits of a value in s->clear_seen. */
static void clear_bits(const uint8_t *val, size_t vl, uint32_t bit[3])
{
    struct at_name_hash nh;
    at_name_hash_init(&nh);
    for (size_t i = 0; i < vl; i++)
        at_name_hash_byte(&nh, val[i]);
    uint64_t h = at_name_hash_end(&nh);
    for (int k = 0; k < 3; k++)
        bit[k] = (uint32_t)(h >> (21 * k)) % HX_CLEAR_BITS;
}

/* Has this text been sent in the clear (maybe: a Bloom filter errs only towards yes)? */
static bool seen_clear(const struct hx_session *s, const uint8_t *val, size_t vl)
{
    if (!s->clear_seen || vl < HX_MIN_SECRET)
        return false;
    uint32_t bit[3];
    clear_bits(val, vl, bit);
    for (int k = 0; k < 3; k++)
        if (!(s->clear_seen[bit[k] / 64] >> (bit[k] % 64) & 1))
            return false;
    return true;
}

static void add_clear(struct hx_session *s, const char *val, size_t vl)
{
    if (vl < HX_MIN_SECRET)
        return;
    if (!s->clear_seen)
        s->clear_seen = oc_xcalloc(HX_CLEAR_BITS / 64, sizeof *s->clear_seen);
    uint32_t bit[3];
    clear_bits((const uint8_t *)val, vl, bit);
    for (int k = 0; k < 3; k++)
        s->clear_seen[bit[k] / 64] |= 1ull << (bit[k] % 64);
    if (vl >= sizeof s->clear[0])
        return;
    unsigned nc = s->n_clear < HX_MAX_CLEAR ? s->n_clear : HX_MAX_CLEAR;
    for (unsigned j = 0; j < nc; j++)
        if (strlen(s->clear[j]) == vl && memcmp(s->clear[j], val, vl) == 0)
            return;
    char *slot = s->clear[s->n_clear++ % HX_MAX_CLEAR];
    memcpy(slot, val, vl);
    slot[vl] = '\0';
}

/* The values sent in the clear in a line (as the module reads it), kept in the ring
 * s->clear: of a valid line, those of the parameters that are not secret; of a line the
 * grammar cannot read (which the module may still have taken), every piece between
 * separators, quotes removed — whatever it held was not sent as a credential. */
static void remember_clear(struct hx_session *s, const uint8_t *read, size_t rl)
{
    struct at_cmdline cl;
    struct at_verror err;
    if (at_validate_command(&s->ix, -1, read, rl, &cl, &err) != AT_OK) {
        size_t start = 0;
        bool quoted = false;
        for (size_t i = 0; i <= rl; i++) {
            if (i < rl && read[i] == '"')
                quoted = !quoted;
            if (i == rl || (!quoted && (read[i] == ',' || read[i] == ';' || read[i] == '='))) {
                size_t a = start, b = i;
                while (a < b && (read[a] == ' ' || read[a] == '"'))
                    a++;
                while (b > a && (read[b - 1] == ' ' || read[b - 1] == '"'))
                    b--;
                add_clear(s, (const char *)read + a, b - a);
                start = i + 1;
            }
        }
        return;
    }
    for (uint8_t k = 0; k < cl.n; k++) {
        const struct at_cmd *c = &cl.cmds[k];
        for (uint16_t i = 0; i < c->n_args; i++) {
            const struct at_value *v = &c->args[i];
            if (v->kind == AT_V_ABSENT || (i < c->form->n_params && c->form->params[i].secret))
                continue;
            add_clear(s, (const char *)read + at_value_cstart(v), at_value_clen(v));
        }
    }
}

/* A test form's list as the grammar writes it: digits, ranges, commas, parentheses. */
static bool numbers_only(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789-,() ", p[i]) || p[i] == 0)
            return false;
    return true;
}

/* How many of bytes [o, o + n) of a line the classifier read (r, from p) stand in values
 * the module chose. The rest is the grammar's: the template's own text (prefixes,
 * separators, quotes, tags), fields whose values the grammar lists (enumerations, codes and
 * their meanings, a test form's ranges of numbers) and secret fields (which the grammar
 * says hold a credential, and which are masked wherever they are written). */
static size_t chosen_bytes(const struct hx_session *s, const struct at_result *r, const uint8_t *p,
                           size_t o, size_t n)
{
    size_t k = 0;
    for (uint16_t f = 0; f < r->n_fields && f < r->line->tpl.n_fields; f++) {
        const struct at_value *v = &r->fields[f];
        const struct gram_param *fp = &r->line->tpl.fields[f];
        if (v->kind == AT_V_ABSENT || fp->secret || fp->type.kind == GT_ENUM || fp->type.codes)
            continue;
        size_t a = at_value_cstart(v), b = a + at_value_clen(v);
        if (fp->type.kind == GT_LIST && numbers_only(p + a, b - a))
            continue; /* "(0,1,2)": numbers and ranges (the matcher takes any text there) */
        if (gram_vendor_code_meaning(s->v, (const char *)p + a, b - a))
            continue; /* "+CME ERROR: operation not supported" */
        size_t from = a > o ? a : o, to = b < o + n ? b : o + n;
        k += to > from ? to - from : 0;
    }
    return k;
}

/* Whether a field of the line that holds bytes [o, o + sl) (or the credential's text
 * itself) is a text the host sent in the clear at some time in the session. */
static bool field_sent_clear(const struct hx_session *s, const struct at_result *r, const uint8_t *p,
                             size_t o, size_t sl)
{
    if (seen_clear(s, p + o, sl))
        return true;
    for (uint16_t f = 0; f < r->n_fields && f < r->line->tpl.n_fields; f++) {
        const struct at_value *v = &r->fields[f];
        size_t a = at_value_cstart(v), b = a + at_value_clen(v);
        if (v->kind != AT_V_ABSENT && a <= o && o + sl <= b && seen_clear(s, p + a, b - a))
            return true;
    }
    return false;
}

/* Does a known line carry a credential where the grammar does not put one? Each place the
 * credential's text stands is a leak when HX_MIN_SECRET bytes or more of it (as short as
 * a credential that counts) are in values the module chose (chosen_bytes), unless it
 * stands inside a value the host itself sent in the clear (inside_clear_value). So
 * AT+UPGRADE="KEY" answering the key in its secret field, "+QIOTREG: (0,1,2" of a test
 * form or "+UPGRADEVER: 1" where the credential was "EVER: 1" are no leaks. */
static bool leaks_secret(const struct hx_session *s, const struct at_result *r,
                         const struct at_token *tok)
{
    const uint8_t *p = tok->data;
    size_t n = tok->len;
    if (!r->valid || !r->line) {
        /* a line nobody can read: any credential in it, unless its text was also sent in
         * the clear */
        for (unsigned i = 0; i < hx_secret_count(s); i++) {
            size_t sl = strlen(s->secrets[i]);
            if (sl >= HX_MIN_SECRET && memmem(p, n, s->secrets[i], sl) &&
                !seen_clear(s, (const uint8_t *)s->secrets[i], sl))
                return true;
        }
        return false;
    }
    for (unsigned i = 0; i < hx_secret_count(s); i++) {
        const char *sec = s->secrets[i];
        size_t sl = strlen(sec);
        if (sl < HX_MIN_SECRET)
            continue;
        for (size_t o = 0; o + sl <= n; o++) {
            const uint8_t *hit = memmem(p + o, n - o, sec, sl);
            if (!hit)
                break;
            o = (size_t)(hit - p);
            if (chosen_bytes(s, r, p, o, sl) >= HX_MIN_SECRET && !inside_clear_value(s, p, n, o, sl) &&
                !field_sent_clear(s, r, p, o, sl))
                return true;
        }
    }
    return false;
}

/* A token: classify, log, and note what is wrong with it. */
static int pump(struct hx_session *s, uint64_t timeout);

/* ---- line ends (V.250 5.7.1: with V1, S3 S4 around every response line) --------- */

/* Whether the terminator run b (the first n of its total bytes) is the vendor's line end,
 * once or more (blank lines between are allowed). */
static bool is_line_end(const struct gram_vendor *v, const uint8_t *b, size_t n, uint32_t total)
{
    const char *unit = v->line_end == GLE_CR ? "\r" : v->line_end == GLE_LF ? "\n" : "\r\n";
    size_t u = strlen(unit);
    if (total == 0 || total % u)
        return false;
    for (size_t i = 0; i < n; i++)
        if (b[i] != (uint8_t)unit[i % u])
            return false;
    return true;
}

static void describe_run(const uint8_t *b, size_t n, uint32_t total, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    if (total == 0) {
        snprintf(out, cap, "nothing");
        return;
    }
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? " " : "", b[i] == '\r' ? "CR" : "LF");
    if (total > n && k < cap)
        snprintf(out + k, cap - k, " (%u bytes in all)", total);
}

/* Judges the line end of the line awaiting it, given the terminators that followed it. */
static void judge_line_end(struct hx_session *s, const uint8_t *b, size_t n, uint32_t total)
{
    if (!s->end_due)
        return;
    s->end_due = false;
    if (!s->x || is_line_end(s->v, b, n, total))
        return;
    char run[64];
    describe_run(b, n, total, run, sizeof run);
    const struct hx_event *e = s->end_ev < s->n_ev ? &s->ev[s->end_ev] : NULL;
    finding(s->x, HR_LINE_END, RULE_SRC, s->end_ev,
            s->v->line_end == GLE_CR ? "CR after the line" : s->v->line_end == GLE_LF ? "LF after the line"
                                                                                      : "CR LF after the line",
            "\"%.60s\" ended by %s", e && e->text ? e->text : "", run);
}

/* The exchange's answer is complete: its last line's end is judged now, once what is on
 * the wire of it has come (a CR whose LF is a read later is no lone CR). */
static void judge_last_line_end(struct hx_session *s)
{
    if (!s->end_due)
        return;
    size_t n;
    uint32_t total;
    const uint8_t *b = at_framer_trail(&s->fr, &n, &total);
    uint64_t until = hx_now(s->t) + s->o.idle_flush_ns;
    for (uint64_t now = hx_now(s->t); !is_line_end(s->v, b, n, total) && !s->fr.in_line && s->end_due &&
                                      !s->lost && now < until;
         now = hx_now(s->t)) {
        if (pump(s, until - now) <= 0)
            break;
        b = at_framer_trail(&s->fr, &n, &total);
    }
    if (s->end_due) {
        b = at_framer_trail(&s->fr, &n, &total);
        judge_line_end(s, b, n, total);
    }
}

static void on_token(struct hx_session *s, const struct at_token *tok)
{
    struct at_result r;
    at_classify(&s->ix, &s->fl, tok, &r);
    if (r.cls == AT_CLS_GARBAGE && s->fl.echo_pending && tok->len == s->fl.echo_len &&
        memcmp(tok->data, s->fl.echo, tok->len) == 0) {
        /* a command that holds control bytes comes back as sent: its echo, not garbage */
        r.cls = AT_CLS_ECHO;
        r.valid = true;
        s->fl.echo_pending = false;
    }
    /* a command that starts with "> " comes back as the framer's data prompt, then the
     * rest of the line: the head of its echo */
    bool echo_prompt = tok->kind == AT_TOK_PROMPT && s->fl.echo_pending && s->fl.echo_len >= 2 &&
                       memcmp(s->fl.echo, "> ", 2) == 0;
    bool echo_head = echo_prompt && s->fl.echo_len > 2; /* "> " alone: the whole echo */
    if (echo_prompt) {
        if (echo_head) {
            s->fl.echo += 2;
            s->fl.echo_len -= 2;
        }
        r.cls = AT_CLS_ECHO;
        r.valid = true;
    }
    /* a line of commands: the information lines of the earlier ones come too */
    /* (a line that fits one of them by its text is theirs rather than free text of
     * another, such as ATI's) */
    for (unsigned k = 0; (r.cls == AT_CLS_UNKNOWN || r.cls == AT_CLS_FOREIGN ||
                          (r.cls == AT_CLS_INFO && (!r.valid || free_text(&r)))) &&
                         s->x && k < s->n_line_forms; k++) {
        if (s->line_forms[k] == s->fl.form)
            continue; /* the form in flight: read already */
        struct at_inflight other = s->fl;
        other.form = s->line_forms[k];
        other.echo_pending = false;
        struct at_result r2;
        at_classify(&s->ix, &other, tok, &r2);
        if (r2.cls == AT_CLS_INFO && ((r2.valid && !free_text(&r2)) || r.cls == AT_CLS_UNKNOWN ||
                                      r.cls == AT_CLS_FOREIGN || (r2.valid && !r.valid)))
            r = r2;
    }
    struct hx_exchange *x = s->x;
    if (tok->kind != AT_TOK_PAYLOAD)
        judge_line_end(s, tok->lead_bytes, tok->lead_len, tok->lead);
    else
        s->end_due = false; /* data follows its header line at once */
    /* what an exchange or a flow reads: kept past the log's first limit */
    bool needed = r.cls == AT_CLS_FINAL || (r.cls == AT_CLS_URC && r.line) || (r.cls == AT_CLS_INFO && r.valid) ||
                  tok->kind == AT_TOK_PAYLOAD;
    uint32_t idx;
    struct hx_event *e = new_event(s, needed, &idx);
    if (idx == UINT32_MAX && x) {
        struct hx_finding ff;
        hx_judge_flood(s, 0, &ff);
        finding(x, ff.rule, ff.src, UINT32_MAX, ff.expected, "%s", ff.seen);
    }
    e->tok = (uint8_t)tok->kind;
    e->cls = (uint8_t)r.cls;
    e->valid = r.valid;
    e->flags = tok->flags;
    e->line = r.line;
    e->err = r.err;
    e->t_first = tok->t_first;
    e->t_last = tok->t_last;
    e->full_len = tok->full_len;
    e->exchange = x ? x->id : 0;
    size_t keep = tok->len;
    if (tok->kind == AT_TOK_PAYLOAD && keep > 32)
        keep = 32;
    set_text(s, e, tok->data, keep);
    if (x && !x->t_first_byte && r.cls != AT_CLS_ECHO)
        x->t_first_byte = tok->t_first;
    if (x && (r.cls == AT_CLS_ECHO || r.cls == AT_CLS_INFO))
        s->t_answer_rx = tok->t_last;
    /* a line of the answer the grammar knows: its end is judged when the next line begins
     * (lines documented to come glued, and pieces cut from a glued line, are not) */
    s->end_due = x && tok->kind == AT_TOK_LINE && !(tok->flags & AT_TF_SPLIT) &&
                 (r.cls == AT_CLS_FINAL || r.cls == AT_CLS_INFO || (r.cls == AT_CLS_URC && r.line)) &&
                 !(r.line && (r.line->flags & GLF_NO_TERM));
    s->end_ev = idx;

    if (tok->kind == AT_TOK_PAYLOAD) {
        if (x) {
            size_t take = tok->len;
            if (s->pay_len + take > HX_PAYLOAD_MAX) {
                take = HX_PAYLOAD_MAX - s->pay_len;
                x->payload_dropped += tok->len - take;
            }
            if (s->pay_len + take > s->pay_cap) {
                s->pay_cap = (s->pay_len + take) * 2;
                if (s->pay_cap > HX_PAYLOAD_MAX)
                    s->pay_cap = HX_PAYLOAD_MAX;
                s->pay = oc_xrealloc(s->pay, s->pay_cap);
            }
            memcpy(s->pay + s->pay_len, tok->data, take);
            s->pay_len += take;
        }
        if (!(tok->flags & AT_TF_MORE))
            s->payload_pending = false;
        return;
    }
    /* a line where the echo should be, that is not the command: a wrong echo (it may hold
     * the command's credentials without leaking anything) */
    bool unknown = r.cls == AT_CLS_UNKNOWN || r.cls == AT_CLS_GARBAGE || r.cls == AT_CLS_OVERFLOW ||
                   (r.cls == AT_CLS_FOREIGN && s->clean_output);
    if (r.cls == AT_CLS_FOREIGN)
        s->n_foreign++;
    /* (only where an echo is known to come: while it is in doubt, a line that starts with
     * AT may be the answer of a module that does not echo) */
    bool looks_echo = x && unknown && s->fl.echo_pending && x->echo_expected && tok->len >= 2 &&
                      (tok->data[0] | 0x20) == 'a' && (tok->data[1] | 0x20) == 't';
    if (tok->kind == AT_TOK_LINE && has_secret(s, tok->data, tok->len) && r.cls != AT_CLS_ECHO &&
        !looks_echo && leaks_secret(s, &r, tok)) {
        e->leak = true;
        finding(x, HR_NO_SECRET_LEAK, RULE_SRC, idx, "no credential in any response", "a response repeats a credential that was sent");
    }
    /* data after binary data with no line end before it: the data was longer than its header */
    if ((tok->flags & AT_TF_AFTER_PAYLOAD) && tok->lead == 0 && r.cls != AT_CLS_FINAL) {
        finding(x, HR_PAYLOAD_LENGTH, payload_src(s), idx, "the announced number of bytes, then CR LF",
                "%u more bytes after the announced data", tok->len);
    }
    switch (r.cls) {
    case AT_CLS_ECHO:
        if (echo_head)
            break; /* the rest of the echo is still to come */
        s->fl.echo_pending = false;
        if (x)
            x->echoed = true;
        break;
    case AT_CLS_FINAL:
        if (!x || x->final_ev >= 0) {
            if (x && x->final_ev >= 0) {
                x->n_finals++;
                finding(x, HR_FINAL_RESULT, RULE_SRC, idx, "exactly one final result", "a second final result: %s", e->text);
            } else {
                e->stray_final = true;
            }
        } else {
            x->final_ev = (int)idx;
            x->n_finals = 1;
            x->t_final = tok->t_last;
        }
        s->fl.form = NULL;
        s->fl.echo_pending = false;
        break;
    case AT_CLS_INFO:
        if (r.valid && r.payload_len) {
            at_framer_expect_payload(&s->fr, r.payload_len);
            s->payload_pending = true;
            s->payload_line = r.line;
            s->payload_form = s->fl.form;
        }
        break;
    case AT_CLS_URC:
        if (r.line && (r.line->flags & GLF_BOOT)) {
            e->reboot = true;
            s->reboots++;
            s->echo_on = s->v->echo;
            s->echo_unknown = false;
        }
        if (r.valid && r.payload_len) {
            at_framer_expect_payload(&s->fr, r.payload_len);
            s->payload_pending = true;
            s->payload_line = r.line;
            s->payload_form = NULL;
        }
        break;
    default:
        break;
    }
    if (x) {
        if (unknown) {
            if (looks_echo) {
                s->fl.echo_pending = false;
                x->echoed = true; /* an echo, a wrong one */
                if (!is_echo_command(x->form))
                    finding(x, HR_ECHO, RULE_SRC, idx, s->echo_text, "%s", e->text);
            } else if (!e->leak) {
                char shown[200];
                hx_printable(tok->data, tok->len < 60 ? tok->len : 60, shown, sizeof shown);
                if (r.cls == AT_CLS_UNKNOWN && s->line_identified && x->form)
                    /* a line of text in the answer of a command the grammar reads: not one
                     * of the lines its document gives */
                    finding(x, HR_RESPONSE_SYNTAX, gram_src_form(x->form), idx, "the lines its document gives",
                            "a line no form of it gives: \"%s\"", shown);
                else if (r.cls == AT_CLS_UNKNOWN)
                    /* the answer of a line the grammar cannot read: no document gives it */
                    finding(x, HR_CLEAN_OUTPUT,
                            gram_src_inferred("a line of text in the answer to a command line no grammar reads: no "
                                              "document says what that answer holds"),
                            idx, "lines the grammar knows", "%s \"%s\"", at_class_name(r.cls), shown);
                else
                    finding(x, HR_CLEAN_OUTPUT, RULE_SRC, idx, "lines the grammar knows", "%s \"%s\"",
                            at_class_name(r.cls), shown);
            }
        } else if (!r.valid && r.cls != AT_CLS_ECHO && !e->leak) {
            char msg[300];
            at_verror_format(&r.err, &s->d, msg, sizeof msg);
            finding(x, HR_RESPONSE_SYNTAX, response_src(s, &r), idx, r.line ? r.line->tpl.text : "a valid line",
                    "\"%.80s\": %s", e->text, msg);
        }
    }
}

/* Reads once, waiting at most timeout; feeds the framer. Returns -1 when the port is gone,
 * 0 on silence, 1 when bytes came. */
static int pump(struct hx_session *s, uint64_t timeout)
{
    long n = hx_read(s->t, s->rbuf, sizeof s->rbuf, timeout);
    uint64_t now = hx_now(s->t);
    struct at_token tok;
    if (n == HX_READ_CANCELLED) {
        /* the caller ends every wait: the session is over, nothing more is read */
        s->cancelled = true;
        s->lost = true;
        return -1;
    }
    if (n < 0) {
        s->lost = true;
        while (at_framer_flush(&s->fr, &tok, now))
            on_token(s, &tok);
        return -1;
    }
    if (n == 0) {
        /* silence: a partial line is a line now (events sent without CR LF) — once the line
         * has been quiet for the idle time: a quick look (a timeout of 0) must not cut a line
         * whose rest is still on the wire */
        if (now - s->t_last_rx >= s->o.idle_flush_ns)
            while (at_framer_flush(&s->fr, &tok, now))
                on_token(s, &tok);
        return 0;
    }
    s->t_last_rx = now;
    at_framer_feed(&s->fr, s->rbuf, (size_t)n, now);
    while (at_framer_next(&s->fr, &tok))
        on_token(s, &tok);
    return 1;
}

/* A credential sent: kept whole in the ring (the oldest makes room) unless it is there
 * already or too short to tell. */
static void remember_secret(void *ctx, const char *val, size_t len)
{
    struct hx_session *s = ctx;
    for (unsigned j = 0; j < hx_secret_count(s); j++)
        if (s->secret_len[j] == len && memcmp(s->secrets[j], val, len) == 0)
            return;
    if (len < HX_MIN_SECRET)
        return;
    unsigned k = s->n_secrets++ % HX_MAX_SECRETS;
    free(s->secrets[k]);
    s->secrets[k] = oc_xmemdup0(val, len);
    s->secret_len[k] = len;
}

/* The form of the line's last command (what decides its final), and in s->line_forms
 * those of all its commands. */
static const struct gram_form *form_of(struct hx_session *s, const char *line)
{
    struct at_cmdline cl;
    struct at_verror e;
    const unsigned cap = sizeof s->line_forms / sizeof s->line_forms[0];
    s->n_line_forms = 0;
    /* which commands a module that ignores control bytes (V.250 5.2.2 leaves it open:
     * parser/verror.c) reads in the line: their answers are read as theirs, whatever the
     * verdict on the line */
    size_t n = strlen(line), k = 0;
    uint8_t *plain = oc_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)line[i] >= 0x20 && (uint8_t)line[i] != 0x7f)
            plain[k++] = (uint8_t)line[i];
    s->line_identified = at_identify_command(&s->ix, plain, k, &cl, &e) == AT_OK && cl.n;
    free(plain);
    /* the commands before one the grammar cannot read may have run and answered (V.250
     * 5.6): their forms too */
    for (uint8_t j = 0; j < cl.n && s->n_line_forms < cap; j++)
        s->line_forms[s->n_line_forms++] = cl.cmds[j].form;
    if (s->line_identified)
        return cl.cmds[cl.n - 1].form;
    if (e.form && s->n_line_forms < cap)
        s->line_forms[s->n_line_forms++] = e.form;
    return e.form;
}

/* Whether the answer to x is still arriving: a line of it is half read, or its last line
 * came less than a line gap ago (a module trickling its answer byte by byte). */
static bool answer_in_progress(const struct hx_session *s, const struct hx_exchange *x, uint64_t now)
{
    if (s->fr.in_line && !at_framer_in_payload(&s->fr) && s->t_last_rx >= x->t_sent &&
        now - s->t_last_rx < s->o.idle_flush_ns)
        return true;
    return s->t_answer_rx >= x->t_sent && now - s->t_answer_rx < 2 * s->o.idle_flush_ns;
}

enum hx_status hx_exchange(struct hx_session *s, const char *line, uint64_t timeout_ns,
                           struct hx_exchange *x)
{
    memset(x, 0, sizeof *x);
    x->id = ++s->n_exchanges;
    x->final_ev = -1;
    snprintf(x->cmd, sizeof x->cmd, "%s", line);
    /* the line as the module reads it (V.250 editing: backspaces applied) */
    size_t ll0 = strlen(line);
    char *as_read = oc_xmalloc(ll0 + 1);
    as_read[at_edit_line((const uint8_t *)line, ll0, (uint8_t *)as_read)] = '\0';
    x->form = form_of(s, as_read);
    bool sets_echo = false;
    for (unsigned k = 0; k < s->n_line_forms; k++)
        sets_echo |= is_echo_command(s->line_forms[k]);
    s->pay_len = 0;
    if (s->lost) {
        free(as_read);
        x->status = HX_LOST;
        return HX_LOST;
    }
    /* what arrived before the command is not its answer */
    while (pump(s, 0) > 0)
        ;
    at_secret_values_n(&s->ix, (const uint8_t *)as_read, strlen(as_read), remember_secret, s);
    remember_clear(s, (const uint8_t *)as_read, strlen(as_read));
    s->x = x;
    x->first_ev = s->n_ev;
    uint32_t se_idx;
    struct hx_event *se = new_event(s, true, &se_idx);
    se->sent = true;
    se->exchange = x->id;
    size_t ll = strlen(line);
    set_text(s, se, line, ll);
    s->fl.form = x->form;
    s->fl.slot = 0;
    snprintf(s->echo_text, sizeof s->echo_text, "%s", line);
    s->fl.echo = (const uint8_t *)s->echo_text;
    s->fl.echo_len = strlen(s->echo_text);
    bool echo_unknown = s->echo_unknown;
    s->fl.echo_pending = s->echo_on || echo_unknown;
    x->echo_expected = s->echo_on && !echo_unknown;
    uint8_t *w = oc_xmalloc(ll + 1);
    memcpy(w, line, ll);
    w[ll] = '\r';
    int wr = hx_write(s->t, w, ll + 1);
    free(w);
    x->t_sent = hx_now(s->t);
    se->t_first = se->t_last = x->t_sent;
    if (wr != 0) {
        s->lost = true;
        x->status = HX_LOST;
        goto done;
    }
    uint64_t deadline = x->t_sent + timeout_ns;
    uint64_t slow_deadline = deadline + HX_SLOW_ANSWER_NS;
    unsigned reboots = s->reboots;
    for (;;) {
        uint64_t now = hx_now(s->t);
        if (x->final_ev >= 0) {
            x->status = HX_DONE;
            break;
        }
        if (s->reboots != reboots) {
            x->status = HX_REBOOTED;
            break;
        }
        if (now >= deadline && answer_in_progress(s, x, now) && now < slow_deadline) {
            /* a slow module is slow, not dead: its answer is still coming, so it is read
             * whole and judged by its response time, not cut into an answer and strays */
            deadline = now + s->o.idle_flush_ns < slow_deadline ? now + s->o.idle_flush_ns : slow_deadline;
            continue;
        }
        if (now >= deadline) {
            /* the time is up: what is left of a line is a line */
            struct at_token tok;
            while (at_framer_flush(&s->fr, &tok, now))
                on_token(s, &tok);
            x->status = x->final_ev >= 0 ? HX_DONE : HX_TIMEOUT;
            break;
        }
        uint64_t slice = deadline - now;
        if (slice > s->o.idle_flush_ns)
            slice = s->o.idle_flush_ns;
        if (pump(s, slice) < 0) {
            x->status = HX_LOST;
            break;
        }
    }
    if (x->status == HX_DONE) {
        /* a second final result would come now */
        uint64_t until = hx_now(s->t) + s->o.settle_ns;
        for (uint64_t now = hx_now(s->t); now < until && !s->lost; now = hx_now(s->t))
            if (pump(s, until - now) < 0)
                break;
        judge_last_line_end(s);
    }
    if (x->status == HX_TIMEOUT) {
        if (s->payload_pending) {
            /* binary data that never ended: was it shorter than its header said? Then its
             * final result is among the bytes read as data */
            size_t held_n;
            const uint8_t *held = at_framer_held(&s->fr, &held_n);
            bool final_inside = (held_n >= 6 && (memmem(held, held_n, "\r\nOK\r\n", 6) ||
                                                 memmem(held, held_n, "ERROR\r\n", 7))) ||
                                (s->pay_len >= 6 && (memmem(s->pay, s->pay_len, "\r\nOK\r\n", 6) ||
                                                     memmem(s->pay, s->pay_len, "ERROR\r\n", 7)));
            uint64_t missing = at_framer_abort_payload(&s->fr);
            s->payload_pending = false;
            if (final_inside)
                finding(x, HR_PAYLOAD_LENGTH, payload_src(s), UINT32_MAX, "the announced number of bytes",
                        "the data ended %llu bytes early: its final result was read as data",
                        (unsigned long long)missing);
            else
                finding(x, HR_FINAL_RESULT, RULE_SRC, UINT32_MAX, "a final result",
                        "binary data still %llu bytes short when the time ran out", (unsigned long long)missing);
        } else if (!(x->form && x->form->final_silence)) {
            /* (a form documented to end without a final result may time out) */
            finding(x, HR_FINAL_RESULT, RULE_SRC, UINT32_MAX, "a final result within the limit", "none came");
        }
    }
    /* ATE1 after a restart nobody announced: the echo may be missing, that is all */

    if (x->status == HX_DONE && x->echo_expected && !x->echoed && !sets_echo)
        finding(x, HR_ECHO, RULE_SRC, UINT32_MAX, s->echo_text, "no echo of the command");
done:
    s->end_due = false; /* lines after the exchange are not its answer */
    s->fl.echo_pending = false;
    s->fl.form = NULL;
    x->end_ev = s->n_ev;
    x->payload = s->pay;
    x->payload_len = s->pay_len;
    s->x = NULL;
    /* an echo in doubt: this exchange showed it (or its absence) */
    if (echo_unknown && s->echo_unknown && (x->echoed || x->t_first_byte)) {
        s->echo_on = x->echoed;
        s->echo_unknown = false;
    }
    /* ATE0 / ATE1 (alone or among other commands) decide what the next commands look like */
    bool accepted = x->status == HX_DONE && x->final_ev >= 0 && s->ev[x->final_ev].line &&
                    s->ev[x->final_ev].line->outcome == GO_OK;
    if (sets_echo && accepted) {
        struct at_cmdline cl;
        struct at_verror e;
        if (at_validate_command(&s->ix, -1, (const uint8_t *)as_read, strlen(as_read), &cl, &e) == AT_OK) {
            for (uint8_t k = 0; k < cl.n; k++)
                if (is_echo_command(cl.cmds[k].form))
                    s->echo_on = cl.cmds[k].n_args && cl.cmds[k].args[0].is_int && cl.cmds[k].args[0].i == 1;
        } else {
            s->echo_unknown = true; /* accepted, though the grammar cannot read it */
        }
    } else if (sets_echo && (x->status == HX_DONE || x->status == HX_TIMEOUT)) {
        /* an error (or no final): the ATE before the command that failed may have run */
        s->echo_unknown = true;
    } else if (!s->line_identified && (x->status == HX_DONE || x->status == HX_TIMEOUT) &&
               may_hold_echo_command(as_read)) {
        /* the grammar stops reading the line at some command, the module maybe later: an E
         * after that one may have run ("AT+CMEE;E" is E0 after +CMEE) */
        s->echo_unknown = true;
    }
    free(as_read);
    return x->status;
}

void hx_log_clear(struct hx_session *s)
{
    for (size_t i = 0; i < s->n_ev; i++)
        free(s->ev[i].text);
    s->n_ev = 0;
    s->watched = 0;
    s->log_bytes = 0;
}

bool hx_judge_flood(const struct hx_session *s, uint64_t dropped_before, struct hx_finding *f)
{
    if (s->n_dropped <= dropped_before)
        return false;
    memset(f, 0, sizeof *f);
    f->rule = HR_CLEAN_OUTPUT;
    f->src = gram_src_inferred("no document limits how many lines a module sends; a flood this long is "
                               "no answer to anything");
    f->event = UINT32_MAX;
    snprintf(f->expected, sizeof f->expected, "output the log can hold (%u lines, %u MB)", HX_LOG_MAX_EVENTS,
             HX_LOG_MAX_BYTES >> 20);
    snprintf(f->seen, sizeof f->seen, "a flood: %llu more lines judged, not kept",
             (unsigned long long)(s->n_dropped - dropped_before));
    return true;
}

void hx_forget_secrets(struct hx_session *s)
{
    for (unsigned i = 0; i < HX_MAX_SECRETS; i++) {
        free(s->secrets[i]);
        s->secrets[i] = NULL;
        s->secret_len[i] = 0;
    }
    s->n_secrets = 0;
}

long hx_next_event(struct hx_session *s, uint64_t timeout_ns)
{
    uint64_t deadline = hx_now(s->t) + timeout_ns;
    for (;;) {
        while (s->watched < s->n_ev) {
            size_t i = s->watched++;
            const struct hx_event *e = &s->ev[i];
            if (e->exchange == 0 || e->cls == AT_CLS_URC)
                return (long)i;
        }
        if (s->lost)
            return -2;
        uint64_t now = hx_now(s->t);
        if (now >= deadline)
            return -1;
        uint64_t slice = deadline - now;
        if (slice > s->o.idle_flush_ns)
            slice = s->o.idle_flush_ns;
        if (pump(s, slice) < 0 && s->watched >= s->n_ev)
            return -2;
    }
}

bool hx_drain(struct hx_session *s, uint64_t quiet_ns)
{
    uint64_t until = hx_now(s->t) + quiet_ns + s->o.drain_max_ns;
    for (;;) {
        if (s->lost)
            return false;
        uint64_t now = hx_now(s->t);
        if (now >= until)
            return false;
        uint64_t slice = until - now < quiet_ns ? until - now : quiet_ns;
        int r = pump(s, slice);
        if (r < 0)
            return false;
        if (r == 0 && slice == quiet_ns)
            return true;
    }
}

int hx_session_restart(struct hx_session *s)
{
    if (s->cancelled || hx_cancelled(s->t) || hx_restart(s->t) != 0) {
        s->lost = true;
        return -1;
    }
    s->lost = false;
    at_framer_init(&s->fr, s->frbuf, sizeof s->frbuf);
    if (s->split_marker[0])
        at_framer_set_split(&s->fr, s->split_marker);
    memset(&s->fl, 0, sizeof s->fl);
    s->payload_pending = false;
    s->pay_len = 0;
    s->echo_on = s->v->echo;
    s->echo_unknown = false;
    s->t_last_rx = hx_now(s->t);
    uint32_t idx;
    struct hx_event *e = new_event(s, true, &idx);
    e->restarted = true;
    static const char said[] = "(the harness restarted the module)";
    set_text(s, e, said, sizeof said - 1);
    e->t_first = e->t_last = hx_now(s->t);
    return 0;
}

bool hx_probe(struct hx_session *s)
{
    struct hx_exchange x;
    if (hx_exchange(s, "AT", s->o.probe_ns, &x) != HX_DONE)
        return false;
    const struct hx_event *f = &s->ev[x.final_ev];
    return f->line && f->line->outcome == GO_OK;
}

size_t hx_mask_command(const struct hx_session *s, const char *line, char *out, size_t cap)
{
    return at_mask_command(&s->ix, (const uint8_t *)line, strlen(line), out, cap);
}

/* The masker's set of the credentials sent (the ring): any of them still in a line's text
 * (a line the masks could not read, a value moved out of its secret parameter), in any of
 * its forms (parser/mask.h), becomes ***. */
static void sent_secrets(const struct hx_session *s, struct at_secrets *set)
{
    at_secrets_init(set);
    for (unsigned i = 0; i < hx_secret_count(s); i++)
        at_secrets_add(set, s->secrets[i], s->secret_len[i]);
}

size_t hx_transcript(const struct hx_session *s, size_t from, size_t to, char *out, size_t cap)
{
    size_t o = 0;
    if (cap)
        out[0] = '\0';
    struct at_secrets set;
    sent_secrets(s, &set);
    for (size_t i = from; i < to && i < s->n_ev && o + 8 < cap; i++) {
        const struct hx_event *e = &s->ev[i];
        if (e->restarted) {
            int w = snprintf(out + o, cap - o, "* %s\n", e->text);
            if (w < 0 || (o += (size_t)w) >= cap) {
                o = cap - 1;
                break;
            }
            continue;
        }
        /* room for the whole line, masked and printable: the credentials are masked in all
         * of it before anything is cut (a cut credential would no longer be found) */
        size_t room = (size_t)e->len * 4 + 64;
        char *masked = oc_xmalloc(room);
        size_t ml;
        if (e->sent || e->cls == AT_CLS_ECHO) {
            ml = at_mask_command(&s->ix, (const uint8_t *)e->text, e->len, masked, room);
        } else if (e->tok == AT_TOK_PAYLOAD) {
            ml = (size_t)snprintf(masked, room, "<%llu bytes of data>", (unsigned long long)e->full_len);
        } else if (e->leak) {
            ml = (size_t)snprintf(masked, room, "%s", AT_MASK " (a response that repeats a credential)");
        } else {
            struct at_result r;
            at_classify_line(&s->ix, NULL, (const uint8_t *)e->text, e->len, &r);
            size_t rl = at_mask_response(&r, (const uint8_t *)e->text, e->len, masked, room);
            size_t croom = (rl < room ? rl : room - 1) * 4 + 8;
            char *clean = oc_xmalloc(croom);
            /* the length written, not strlen: a line may hold a NUL byte */
            ml = hx_printable((const uint8_t *)masked, rl < room ? rl : room - 1, clean, croom);
            free(masked);
            masked = clean;
        }
        char *shown = at_secrets_mask_dup(&set, masked, strnlen(masked, ml), NULL);
        free(masked);
        int w = snprintf(out + o, cap - o, "%s %s\n", e->sent ? ">" : "<", shown);
        free(shown);
        if (w < 0)
            break;
        o += (size_t)w;
        if (o >= cap) {
            o = cap - 1;
            break;
        }
    }
    at_secrets_free(&set);
    return o;
}
