/* harness/session.h — a conversation with a module (DESIGN.md layer 3, the session).
 *
 * Sends a command, reads the module's output through the reference parser with a monotonic
 * time on every token, and pairs the echo, the information responses and exactly one final
 * result with the command; URCs are routed to the log whenever they come, also between a
 * command's lines. What is wrong is recorded as findings (the rule, what was expected, what
 * came): no final, two finals, a final with no command in flight, a wrong echo, lines the
 * grammar does not know or that break it, binary data of the wrong length, a credential in
 * a response, a restart. Every wait is bounded; a port that vanishes ends the session.
 *
 * The log keeps every token as it came (text copied, secrets masked when written out), so a
 * case can show its transcript. */
#ifndef OTACHECK_HARNESS_SESSION_H
#define OTACHECK_HARNESS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/rules.h"
#include "harness/transport.h"
#include "parser/classify.h"
#include "parser/framer.h"
#include "parser/index.h"
#include "parser/mask.h"

struct hx_event {
    uint8_t tok;          /* enum at_tok_kind */
    uint8_t cls;          /* enum at_class */
    bool valid;
    bool sent;            /* not read: a command line the harness wrote */
    bool stray_final;     /* a final result with no command in flight */
    bool reboot;          /* a boot announcement */
    bool leak;            /* carries a credential that was sent */
    bool restarted;       /* not read: the harness restarted the module here */
    uint16_t flags;       /* enum at_tok_flags */
    const struct gram_line *line;
    struct at_verror err;
    char *text;           /* the bytes (payload: its first bytes), NUL-terminated */
    uint32_t len;
    uint64_t full_len;    /* payload and overflow tokens: the real length */
    uint64_t t_first, t_last;
    uint32_t exchange;    /* the exchange it belongs to (1...), 0 when none was in flight */
};

struct hx_finding {
    enum hx_rule rule;
    struct gram_src src;  /* where the requirement comes from (harness/rules.h, grammar/source.h) */
    char expected[200];
    char seen[300];
    uint32_t event;       /* index into the log, or UINT32_MAX */
};

enum hx_status {
    HX_DONE,      /* a final result came */
    HX_TIMEOUT,   /* no final result within the limit */
    HX_LOST,      /* the port is gone */
    HX_REBOOTED,  /* the module restarted before answering */
};

#define HX_MAX_FINDINGS 16
#define HX_MAX_SECRETS 8
/* A credential shorter than this cannot be told from text: it is not looked for, and is
 * masked only where the grammar puts it (the masker's rule, parser/mask.h). */
#define HX_MIN_SECRET AT_SECRET_MIN
#define HX_MAX_CLEAR 128
/* What the log keeps between two hx_log_clear calls (a case): past HX_LOG_MAX_EVENTS events
 * or HX_LOG_MAX_BYTES bytes of text, lines the exchanges and flows do not need (unknown,
 * foreign, blank, garbage) are judged and counted, not kept; past twice as many, only the
 * commands sent are. A flood costs time, never memory without end. */
#define HX_LOG_MAX_EVENTS 8192u
#define HX_LOG_MAX_BYTES (4u << 20)
/* Binary data kept per exchange; the rest is counted (payload_len says how much came). */
#define HX_PAYLOAD_MAX (16u << 20)
/* How long past its timeout an exchange keeps reading an answer that is still arriving (a
 * module or a link that trickles bytes): slow is judged by the response-time rule, and a
 * module that never stops talking still ends the exchange by this bound. */
#define HX_SLOW_ANSWER_NS (30ull * 1000000000ull)
#define HX_CLEAR_BITS (1u << 20)

struct hx_exchange {
    uint32_t id;
    char cmd[1024];               /* as sent (secrets as sent: mask when writing out) */
    const struct gram_form *form; /* what the grammar reads it as, NULL if it does not */
    enum hx_status status;
    size_t first_ev, end_ev;      /* the log entries of the exchange */
    int final_ev;                 /* index of the (first) final, -1 */
    bool echo_expected, echoed;   /* echo was on when it was sent; an echo came */
    unsigned n_finals;
    uint64_t t_sent;              /* the last byte of the command written */
    uint64_t t_first_byte;        /* the first byte after it (0: none) */
    uint64_t t_final;             /* the last byte of the final */
    uint8_t *payload;             /* binary data of the exchange (owned by the session) */
    size_t payload_len;           /* kept (at most HX_PAYLOAD_MAX) */
    uint64_t payload_dropped;     /* came past HX_PAYLOAD_MAX, not kept */
    struct hx_finding findings[HX_MAX_FINDINGS];
    unsigned n_findings;
};

struct hx_session_opts {
    uint64_t settle_ns;      /* after a final, how long to watch for a second one */
    uint64_t idle_flush_ns;  /* a partial line this long without more bytes is a line */
    uint64_t probe_ns;       /* the limit for AT -> OK */
    uint64_t drain_max_ns;   /* how much longer than the quiet it asks a drain waits (a module
                                that never goes quiet is drained this long) */
};

struct hx_session {
    struct hx_transport *t;
    const struct gram_vendor *v;
    struct at_index ix;
    struct gram_dialect d;
    struct hx_session_opts o;
    struct at_framer fr;
    uint8_t frbuf[8192];
    uint8_t rbuf[4096];
    struct at_inflight fl;
    /* the forms of every command of the line in flight (AT+A;+B): each may answer */
    const struct gram_form *line_forms[8];
    unsigned n_line_forms;
    bool line_identified;    /* the grammar reads every command of that line (else the
                                forms are those of the commands before the one it cannot) */
    char echo_text[1024];
    char split_marker[64];   /* the framer's split marker lives here */
    bool echo_on;            /* the module echoes commands */
    bool echo_unknown;       /* an ATE in a line that did not end in OK may have run (or a
                                restart nobody announced may have reset the echo): the
                                next exchange's echo, or its absence, decides */
    bool lost;
    bool cancelled;          /* the caller ended every wait (a signal, a deadline): the session
                                is over, as if lost, and nothing it saw since counts */
    bool clean_output;       /* foreign lines are clean-output findings (--strict, caps) */
    uint64_t t_last_rx;      /* when bytes last came (a partial line is cut after idle_flush_ns) */
    uint64_t t_answer_rx;    /* when a line of the exchange in flight (echo, information) last came */
    /* the exchange's last response line, whose line end is judged (line-end rule) when the
     * next line begins or the exchange ends */
    bool end_due;
    uint32_t end_ev;
    unsigned reboots;
    unsigned n_foreign;      /* foreign lines seen (AT_CLS_FOREIGN): noted, not findings */
    uint32_t n_exchanges;
    /* the log */
    struct hx_event *ev;
    size_t n_ev, cap_ev;
    size_t log_bytes;        /* text the log holds */
    uint64_t n_dropped;      /* events judged and not kept since the session began */
    struct hx_event spill;   /* where a dropped event is read into */
    size_t watched;          /* events handed out by hx_next_event */
    /* the exchange being read */
    struct hx_exchange *x;
    bool payload_pending;
    const struct gram_line *payload_line; /* the line that announced the data, its form */
    const struct gram_form *payload_form;
    uint8_t *pay;
    size_t pay_len, pay_cap;
    /* credentials sent, to spot them in responses and mask them in transcripts: the last
     * HX_MAX_SECRETS of them (a ring; n_secrets counts every one). Each is a whole copy,
     * never cut (common/xalloc.h: freed by hx_forget_secrets and hx_session_free), with a
     * NUL after it; secret_len[i] is its length in bytes, which counts any NUL byte it holds
     * (strlen sees the part before one). */
    char *secrets[HX_MAX_SECRETS];
    size_t secret_len[HX_MAX_SECRETS];
    unsigned n_secrets;
    /* values of parameters that are not secret, sent in valid lines: the last HX_MAX_CLEAR
     * of them, kept for the whole session (a module keeps an MCU version the host set long
     * ago, and may print it with the text of a credential sent since) */
    char clear[HX_MAX_CLEAR][256];
    unsigned n_clear;
    /* and every such value of the session, as a Bloom filter of HX_CLEAR_BITS bits (made on
     * the first value): a field that holds one of them repeats the host's text however long
     * ago it was sent */
    uint64_t *clear_seen;
};

/* How many entries of s->secrets hold a credential. */
static inline unsigned hx_secret_count(const struct hx_session *s)
{
    return s->n_secrets < HX_MAX_SECRETS ? s->n_secrets : HX_MAX_SECRETS;
}

int hx_session_init(struct hx_session *s, struct hx_transport *t, const struct gram_vendor *v,
                    const struct gram_dialect *d, const struct hx_session_opts *o);
void hx_session_free(struct hx_session *s);

/* Sends line (no CR) and reads until its final, a timeout, a restart or the end. */
enum hx_status hx_exchange(struct hx_session *s, const char *line, uint64_t timeout_ns,
                           struct hx_exchange *x);
/* The next event that no exchange and no earlier call took (URCs between commands), waiting
 * at most timeout_ns: its log index, or -1 on timeout, -2 when the port is gone. */
long hx_next_event(struct hx_session *s, uint64_t timeout_ns);
/* Reads and logs whatever comes until quiet_ns of silence (resynchronising), for at most
 * quiet_ns + the session's drain_max_ns. Returns true when the line went quiet. */
bool hx_drain(struct hx_session *s, uint64_t quiet_ns);
/* Forgets the log between exchanges (a long run keeps it from growing without end): the
 * events are freed and the next one is index 0 again; the session's knowledge (echo,
 * credentials sent, bytes the framer holds) stays. */
void hx_log_clear(struct hx_session *s);
/* Forgets the credentials sent so far (and frees them): responses are checked, and
 * transcripts masked, for those sent after. */
void hx_forget_secrets(struct hx_session *s);
/* AT -> OK within the probe limit? */
bool hx_probe(struct hx_session *s);
/* Restarts the module behind the session (its target must be restartable, sim: and
 * exec:): a module fresh from power-on, the session's view of it reset (echo as the
 * grammar's default, nothing pending), the log kept, with an entry that says so. 0, -1. */
int hx_session_restart(struct hx_session *s);

/* What the module sent that no exchange took (an event between commands): is it a
 * finding? The one judgement of these lines, for the conformance runner and the device
 * fuzzer alike: a credential repeated, a final result with no command, a known URC that
 * breaks its grammar, a line the grammar does not know or noise bytes. A foreign line (a
 * URC's shape, no grammar knows it) is a finding only when clean_output is asked for
 * (--strict, or the capability file); otherwise it is counted in s->n_foreign. Fills f. */
bool hx_judge_between(const struct hx_session *s, const struct hx_event *e, bool clean_output,
                      struct hx_finding *f);
/* More lines came than the log keeps since s->n_dropped was dropped_before: a flood (an
 * inferred expectation: no document limits the lines). Fills f. */
bool hx_judge_flood(const struct hx_session *s, uint64_t dropped_before, struct hx_finding *f);
/* A restart (a boot announcement) is a finding when nothing the caller knows of explains
 * it (a destructive command accepted, a flow with a restart in its course). Fills f. */
bool hx_judge_restart(const struct hx_event *e, bool explained, struct hx_finding *f);

/* The log as text, lines [from, to), secrets masked: "> AT+X" / "< OK", for transcripts. */
size_t hx_transcript(const struct hx_session *s, size_t from, size_t to, char *out, size_t cap);
/* Bytes as text, control bytes written \xNN; returns the length. */
size_t hx_printable(const uint8_t *p, size_t n, char *out, size_t cap);
/* A command line with its secrets masked. */
size_t hx_mask_command(const struct hx_session *s, const char *line, char *out, size_t cap);

#endif
