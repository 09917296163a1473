/* fuzz/targets/session.c — fuzz_session: a sequence of command lines sent to the reference
 * module in-process (virtual clock), its output read by the harness session through the
 * reference parser and checked as the conformance runner checks it. The oracle is
 * self-consistency: the module and the checker come from the same grammar, so any
 * disagreement is a bug in one of them —
 *   - every command gets exactly one final result within its limit (or a documented
 *     restart, for a destructive command), no stray finals, the echo right;
 *   - every line the module writes is one its grammar knows and validates;
 *   - a line the validator rejects (read as the module reads it, V.250 editing applied)
 *     is not accepted (no OK for an invalid line);
 *   - no credential sent comes back, and none survives in the masked transcript.
 *
 * Input: lines (CR or LF separated). An optional first line "#vendor <id>" picks the
 * module (default quectel); other lines starting with '#' are ignored. The same files are
 * what `otacheck fuzz --replay` sends to a real module. */
#include <stdio.h>
#include <string.h>

#include "fuzz/fixture.h"
#include "parser/bytes.h"
#include "fuzz/fuzz.h"
#include "fuzz/identity.h"
#include "fuzz/repro.h"
#include "grammar/model.h"
#include "harness/session.h"
#include "harness/sim.h"
#include "harness/transport.h"
#include "parser/mask.h"
#include "parser/validate.h"

#define MAX_COMMANDS 24
#define MAX_LINE 1000
#define MS 1000000ull

static int pick_vendor(const struct fz_fixture *fx, const uint8_t *data, size_t size)
{
    const char *id;
    size_t n = fz_header_vendor(data, size, &id);
    int v = n ? fz_fixture_vendor(fx, id, n) : -1;
    if (v >= 0)
        return v;
    int q = fz_fixture_vendor(fx, "quectel", 7);
    return q >= 0 ? q : 0;
}

/* What the module prints for its own reasons (fuzz/identity.h), asked for the first time a
 * credential seems to come back: a made-up credential that is part of it is not leaked. */
struct identity {
    bool known;
    char text[512];
};

static bool leak_explained(struct hx_session *s, struct identity *id, size_t event)
{
    if (event >= s->n_ev)
        return false;
    if (!id->known) {
        id->known = true;
        fz_identity_learn(s, id->text, sizeof id->text); /* more events: s->ev may move */
    }
    return fz_leak_explained(s, id->text, s->ev[event].text);
}

/* Whether event i is its exchange's command line coming back. */
static bool echoes_its_command(const struct hx_session *s, size_t i)
{
    const struct hx_event *e = &s->ev[i];
    for (size_t j = i; e->exchange && j-- > 0;) {
        const struct hx_event *c = &s->ev[j];
        if (!c->sent || c->exchange != e->exchange)
            continue;
        /* a command that starts with "> " comes back as the data prompt, then the rest
         * (as many prompts as it starts with) */
        size_t skip = 0;
        while (c->len - skip > e->len && c->len - skip >= 2 && memcmp(c->text + skip, "> ", 2) == 0)
            skip += 2;
        return c->len - skip == e->len && memcmp(c->text + skip, e->text, e->len) == 0;
    }
    return false;
}

/* A module that cannot announce a restart (no boot URC in its grammar) may have restarted
 * after a destructive command (QCC730's upgrade with auto reboot, the L610's restart after
 * a download) and so have its echo back at its default. The exchange id of the first
 * destructive command sent (0: none yet) tells when that may be. */
static bool bootless(const struct gram_vendor *v)
{
    for (uint16_t i = 0; i < v->n_urcs; i++)
        if (v->urcs[i].flags & GLF_BOOT)
            return false;
    return true;
}

/* Event i is a command coming back after such a restart: the first line its exchange
 * received (URCs and a prompt aside), the command as sent, on a module whose default is
 * to echo. */
static bool echo_after_silent_restart(const struct hx_session *s, uint32_t destructive_at, size_t i)
{
    const struct hx_event *e = &s->ev[i];
    if (!destructive_at || e->exchange <= destructive_at || !s->v->echo || !bootless(s->v) ||
        !echoes_its_command(s, i))
        return false;
    for (size_t j = i; j-- > 0 && s->ev[j].exchange == e->exchange;)
        if (!s->ev[j].sent && s->ev[j].cls != AT_CLS_URC && s->ev[j].tok != AT_TOK_PROMPT)
            return false; /* (a "> " command's head comes as the data prompt) */
    return true;
}

/* A finding the silent restart explains: a missing echo after ATE1, or the command
 * coming back after ATE0 (unknown text to the session, with any credential it carried). */
static bool restart_unannounced(const struct hx_session *s, uint32_t destructive_at,
                                const struct hx_exchange *x, const struct hx_finding *fd)
{
    if (fd->rule == HR_ECHO && strstr(fd->seen, "no echo"))
        return destructive_at && x->id > destructive_at && bootless(s->v);
    return fd->event < s->n_ev && echo_after_silent_restart(s, destructive_at, fd->event);
}

static void check_exchange(struct hx_session *s, struct identity *id, const struct at_index *ix,
                           const struct hx_exchange *x, const char *line, uint32_t destructive_at)
{
    uint8_t edited[MAX_LINE + 1]; /* as the module reads it: backspaces applied */
    size_t n = at_edit_line((const uint8_t *)line, strlen(line), edited);
    /* V.250: what does not start with AT is no command; a module may ignore it */
    bool no_at = n < 2 || (edited[0] | 0x20) != 'a' || (edited[1] | 0x20) != 't';
    if (no_at && x->status == HX_TIMEOUT)
        return;
    for (unsigned k = 0; k < x->n_findings; k++) {
        const struct hx_finding *fd = &x->findings[k];
        bool leak = fd->rule == HR_NO_SECRET_LEAK;
        FZ_CHECK((leak && leak_explained(s, id, fd->event)) || restart_unannounced(s, destructive_at, x, fd),
                 "'%s': the checker finds the reference module wrong: %s: expected %s, seen %s",
                 line, hx_rule_name(fd->rule), fd->expected, fd->seen);
    }
    FZ_CHECK(x->status != HX_LOST, "'%s': the in-process module was lost", line);
    if (x->status == HX_REBOOTED) {
        /* a restart comes from a destructive command: this one, or one before whose
         * flow was still running */
        FZ_CHECK(destructive_at || (x->form && gram_form_class(x->form) == GC_DESTRUCTIVE),
                 "'%s': the module restarted with no destructive command sent", line);
        return;
    }
    if (x->status == HX_TIMEOUT) {
        FZ_CHECK(x->form && x->form->final_silence, "'%s': no final result within the limit", line);
        return;
    }
    FZ_CHECK(x->n_finals == 1, "'%s': %u final results", line, x->n_finals);
    /* an invalid line is never accepted (the state is left out: a command the grammar
     * takes only in some states may still be refused in others) */
    const struct hx_event *fin = &s->ev[x->final_ev];
    static struct at_cmdline cl;
    struct at_verror e;
    enum at_err r = at_validate_command(ix, -1, edited, n, &cl, &e);
    if (r != AT_OK && r != AT_E_STATE && fin->line)
        FZ_CHECK(fin->line->outcome != GO_OK, "'%s' breaks the grammar (%s at %u) but was accepted",
                 line, at_err_name(r), e.off);
}

/* How often a text stands in the transcript's lines, their "> " / "< " marks left out. */
static size_t transcript_count(const char *t, size_t n, const char *what, size_t wl)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(t + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - t) : n, from = i + 2 <= end ? i + 2 : end;
        k += at_count(t + from, end - from, what, wl);
        i = end + 1;
    }
    return k;
}

/* Every line the module wrote is one the grammar knows and accepts; no credential leaks. */
static void check_log(struct hx_session *s, struct identity *id, uint32_t destructive_at)
{
    for (size_t i = 0; i < s->n_ev; i++) {
        const struct hx_event *e = &s->ev[i];
        if (e->sent)
            continue;
        FZ_CHECK(!e->stray_final, "a final result with no command in flight: %s", e->text);
        /* judged with its exchange (check_exchange) */
        if (echo_after_silent_restart(s, destructive_at, i))
            continue;
        FZ_CHECK(!e->leak || leak_explained(s, id, i), "a response carries a credential: %s", s->ev[i].text);
        e = &s->ev[i]; /* learning the identity may have moved the log */
        if (e->tok == AT_TOK_PAYLOAD || e->cls == AT_CLS_ECHO || e->cls == AT_CLS_PROMPT)
            continue;
        FZ_CHECK(e->cls != AT_CLS_UNKNOWN && e->cls != AT_CLS_GARBAGE && e->cls != AT_CLS_OVERFLOW,
                 "the module wrote a line its grammar does not know (%s): %s",
                 at_class_name((enum at_class)e->cls), e->text);
        FZ_CHECK(e->valid, "the module wrote a line that breaks its grammar (%s at %u): %s",
                 at_err_name(e->err.code), e->err.off, e->text);
    }
    if (hx_secret_count(s) == 0)
        return;
    static char t[1 << 16];
    size_t tl = hx_transcript(s, 0, s->n_ev, t, sizeof t);
    if (tl + 1 >= sizeof t)
        return; /* cut short: the counts would not compare */
    for (unsigned k = 0; k < hx_secret_count(s); k++) {
        size_t sl = strlen(s->secrets[k]), plain = 0;
        for (size_t i = 0; i < s->n_ev; i++)
            plain += at_count(s->ev[i].text, s->ev[i].len, s->secrets[k], sl);
        /* (a made-up credential that holds the mask itself can be told from masking by
         * nothing: "AD>***" may be what masking made of another line) */
        FZ_CHECK(sl < HX_MIN_SECRET || plain == 0 || strstr(s->secrets[k], AT_MASK) ||
                     transcript_count(t, tl, s->secrets[k], sl) < plain,
                 "a credential is in the masked transcript: %s", s->secrets[k]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fz_fixture *fx = fz_fixture_get();
    int vi = pick_vendor(fx, data, size);
    const struct gram_vendor *v = fx->vendors[vi];
    char spec[96], err[256];
    snprintf(spec, sizeof spec, "sim:%s", v->id);
    struct hx_transport *t;
    FZ_CHECK(hx_open(spec, &fx->set, &t, err, sizeof err) == 0, "%s", err);
    struct hx_session s;
    FZ_CHECK(hx_session_init(&s, t, v, NULL, NULL) == 0, "cannot start a session");
    static struct hx_exchange x;
    struct identity id = {.known = false};
    char line[MAX_LINE + 1];
    unsigned sent = 0;
    uint32_t destructive_at = 0; /* the exchange of the first destructive command */
    for (size_t off = 0; off < size && sent < MAX_COMMANDS;) {
        size_t n = 0;
        while (off + n < size && data[off + n] != '\r' && data[off + n] != '\n')
            n++;
        const uint8_t *p = data + off;
        off += n + 1;
        if (n == 0 || n > MAX_LINE || p[0] == '#' || memchr(p, '\0', n))
            continue;
        memcpy(line, p, n);
        line[n] = '\0';
        const struct gram_form *f = NULL;
        struct at_cmdline cl;
        struct at_verror e;
        if (at_identify_command(&fx->one[vi], p, n, &cl, &e) == AT_OK && cl.n)
            f = cl.cmds[cl.n - 1].form;
        /* the form's limit and a margin, on the virtual clock: waiting costs nothing */
        uint64_t limit = (f ? sim_form_limit(f) : 10000 * MS) + 2000 * MS;
        hx_exchange(&s, line, limit, &x);
        check_exchange(&s, &id, &fx->one[vi], &x, line, destructive_at);
        if (!destructive_at && x.form && gram_form_class(x.form) == GC_DESTRUCTIVE)
            destructive_at = x.id;
        sent++;
        if (x.status == HX_REBOOTED)
            hx_drain(&s, 3000 * MS);
    }
    /* what the flows still had to say */
    hx_drain(&s, 5000 * MS);
    check_log(&s, &id, destructive_at);
    hx_session_free(&s);
    hx_close(t);
    return 0;
}
