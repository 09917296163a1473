/* fuzz/devrun.c — the device fuzzer's target and oracles (see devrun.h). */
#include "fuzz/devrun.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fuzz/identity.h"
#include "grammar/source.h"
#include "parser/validate.h"

#define MS 1000000ull

int df_rule_rank(const char *rule)
{
    int r = hx_rule_by_name(rule);
    return r >= 0 ? r : HR__COUNT;
}

const struct df_finding *df_outcome_find(const struct df_outcome *o, const char *rule)
{
    for (unsigned i = 0; i < o->n; i++)
        if (strcmp(o->f[i].rule, rule) == 0)
            return &o->f[i];
    return NULL;
}

/* Bytes above 0x7e written \xNN in place (cut to fit): findings are plain ASCII. */
static void ascii_only(char *s, size_t cap)
{
    char tmp[512];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < sizeof tmp; p++) {
        if (*p > 0x7e)
            o += (size_t)snprintf(tmp + o, sizeof tmp - o, "\\x%02x", *p);
        else
            tmp[o++] = (char)*p;
    }
    tmp[o] = '\0';
    snprintf(s, cap, "%s", tmp);
}

static void add(struct df_outcome *o, enum hx_rule rule, struct gram_src src, const char *where, int line,
                const char *expected, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* One finding per rule and place in a run; an expectation that is only inferred goes to
 * the warnings. src of kind NONE: the rule's own. */
static void add(struct df_outcome *o, enum hx_rule rule, struct gram_src src, const char *where, int line,
                const char *expected, const char *fmt, ...)
{
    if (!src.kind)
        src = hx_rule_src(rule);
    const char *name = hx_rule_name(rule);
    bool binding = gram_src_binding(src);
    struct df_finding *list = binding ? o->f : o->warn;
    unsigned *n = binding ? &o->n : &o->n_warn;
    unsigned cap = binding ? DF_MAX_FINDINGS : (unsigned)(sizeof o->warn / sizeof o->warn[0]);
    for (unsigned i = 0; i < *n && i < cap; i++)
        if (strcmp(list[i].rule, name) == 0 && strcmp(list[i].where, where) == 0)
            return;
    if (*n >= cap) {
        if (!binding)
            (*n)++; /* counted beyond those kept */
        return;
    }
    struct df_finding *f = &list[(*n)++];
    f->rule = name;
    f->src = src;
    f->line = line;
    snprintf(f->where, sizeof f->where, "%s", where);
    snprintf(f->expected, sizeof f->expected, "%s", expected);
    va_list ap;
    va_start(ap, fmt);
    char raw[sizeof f->seen];
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    hx_printable((const uint8_t *)raw, strlen(raw), f->seen, sizeof f->seen);
    ascii_only(f->seen, sizeof f->seen);
    ascii_only(f->expected, sizeof f->expected);
}

#define DF_RULE_SRC ((struct gram_src){GSRC_NONE, NULL})

static void drop(struct df_outcome *o, enum hx_rule rule, int line)
{
    for (unsigned i = 0; i < o->n; i++)
        if (strcmp(o->f[i].rule, hx_rule_name(rule)) == 0 && o->f[i].line == line) {
            memmove(&o->f[i], &o->f[i + 1], (o->n - i - 1) * sizeof o->f[0]);
            o->n--;
            return;
        }
}

/* "+GTOTA=?", "+GTOTA=", "+GTOTA?", "+GTOTA", "ATE", "AT"; "an unknown command". */
static void label(const struct gram_command *c, const struct gram_form *f, char *out, size_t n)
{
    if (!c && f)
        c = f->cmd;
    if (!c) {
        snprintf(out, n, "an unknown command");
        return;
    }
    const char *op = "";
    if (f && !c->basic && !c->empty)
        op = f->kind == GF_TEST ? "=?" : f->kind == GF_READ ? "?" : f->kind == GF_WRITE ? "=" : "";
    snprintf(out, n, "%s%s%s", c->basic ? "AT" : "", c->empty ? "AT" : c->name, op);
}

/* ---- the target -------------------------------------------------------------------------- */

void df_target_close(struct df_target *tg)
{
    if (!tg->open)
        return;
    hx_session_free(&tg->s);
    hx_close(tg->t);
    tg->t = NULL;
    tg->open = false;
}

/* SETTLED_OPEN: quiet, with flows that may still go on (left to the cases that follow) */
/* QUIET: nothing more came; OPEN: the flows may end where they are and stay open to
 * explain what comes later; RESTART_DUE: a flow ended well and only its restart may still
 * come (the flows and the arming stay, for flow_quiet) */
enum settled { SETTLED_QUIET, SETTLED_OPEN, SETTLED_RESTART_DUE, SETTLED_TIME_UP, SETTLED_LOST };

/* Waits until nothing new has come for quiet_ns (at most max_ns in all); events are judged
 * later. */
static enum settled settle(struct df_target *tg, uint64_t quiet_ns, uint64_t max_ns)
{
    struct hx_session *s = &tg->s;
    uint64_t end = hx_now(s->t) + max_ns;
    for (;;) {
        uint64_t now = hx_now(s->t);
        if (now >= end)
            return SETTLED_TIME_UP;
        uint64_t wait = end - now < quiet_ns ? end - now : quiet_ns;
        long i = hx_next_event(s, wait);
        if (i == -2)
            return SETTLED_LOST;
        if (i == -1)
            return wait == quiet_ns ? SETTLED_QUIET : SETTLED_TIME_UP;
    }
}

bool df_target_alive(struct df_target *tg)
{
    if (!tg->open || tg->s.lost)
        return false;
    if (settle(tg, 50 * MS, 2000 * MS) == SETTLED_LOST)
        return false;
    for (int i = 0; i < 2; i++) {
        if (hx_probe(&tg->s))
            return true;
        if (tg->s.lost)
            return false;
    }
    return false;
}

/* The echo the grammar gives the module by default, when a line turned it off (or on). */
static void restore_echo(struct df_target *tg)
{
    struct hx_exchange x;
    if ((tg->s.echo_on != tg->v->echo || tg->s.echo_unknown) && !tg->s.lost)
        hx_exchange(&tg->s, tg->v->echo ? "ATE1" : "ATE0", 2000 * MS, &x);
}

/* Arms: a destructive command ran (alone: it started no flow that says what follows). */
static void arm(struct df_target *tg, bool alone)
{
    tg->armed = true;
    tg->armed_alone |= alone;
}

/* What the destructive commands armed is over — except while an earlier flow's restart
 * may still come (restart_by): armed until then. */
static void disarm(struct df_target *tg)
{
    /* a restart may have come unannounced (not every module says so): its echo is back
     * to the module's default, which the next exchange shows */
    if (tg->armed)
        tg->s.echo_unknown = true;
    tg->armed_alone = false;
    if (tg->restart_by && hx_now(tg->s.t) < tg->restart_by)
        return;
    tg->armed = false;
    tg->restart_by = 0;
}

static void flows_clear(struct df_target *tg)
{
    at_flow_set_clear(&tg->flows);
    tg->failed_aside = tg->flows_due = tg->overlap = false;
}

/* Is the URC a failure event of a flow of the set (whatever its place)? */
static bool failure_event(const struct at_flow_set *fs, const struct gram_line *urc)
{
    for (int i = 0; i < fs->n; i++) {
        const struct gram_flow *f = fs->runs[i].f;
        int a = at_flow_atom_of_urc(f, urc);
        if (a >= 0 && f->outcome && f->outcome[a] == GO_ERROR)
            return true;
    }
    return false;
}

/* Have the flows failed: every alternative ended in failure, or a failure event came out
 * of their order? Nothing they brought is left to apply. */
static bool flows_failed(const struct df_target *tg)
{
    return tg->flows.n && !tg->overlap && (tg->failed_aside || at_flow_set_failed(&tg->flows));
}

bool df_target_cancelled(const struct df_target *tg)
{
    return (tg->cancel && *tg->cancel) || (tg->deadline_ns && hx_monotonic_ns() >= tg->deadline_ns);
}

void df_target_set_limits(struct df_target *tg, const volatile sig_atomic_t *cancel, uint64_t deadline_ns)
{
    tg->cancel = cancel;
    tg->deadline_ns = deadline_ns;
    if (tg->open && tg->t) {
        tg->t->cancel = cancel;
        tg->t->deadline_ns = deadline_ns;
    }
}

int df_target_open(struct df_target *tg, char *err, size_t errlen)
{
    tg->open = false;
    if (df_target_cancelled(tg)) {
        snprintf(err, errlen, "%s: the run was stopped", tg->spec);
        return -3;
    }
    int r = hx_open(tg->spec, tg->gs, &tg->t, err, errlen);
    if (r != 0)
        return r < -1 ? -2 : -1;
    tg->t->cancel = tg->cancel;
    tg->t->deadline_ns = tg->deadline_ns;
    struct hx_session_opts o = {
        .settle_ns = 1,          /* no wait for a second final: the stray-final check sees it */
        .idle_flush_ns = tg->line_gap_ns, /* 0: the transport's default */
        .probe_ns = 2000 * MS,
    };
    if (hx_session_init(&tg->s, tg->t, tg->v, &tg->d, &o) != 0) {
        hx_close(tg->t);
        snprintf(err, errlen, "%s: cannot index the grammar of %s", tg->spec, tg->v->id);
        return -1;
    }
    tg->open = true;
    tg->restartable = strncmp(tg->spec, "sim:", 4) == 0 || strncmp(tg->spec, "exec:", 5) == 0;
    tg->armed = tg->armed_alone = false; /* a new session: nothing is pending */
    tg->restart_by = 0;
    flows_clear(tg);
    bool alive = false;
    for (int i = 0; i < 3 && !alive && !tg->s.lost; i++)
        alive = hx_probe(&tg->s);
    if (!alive) {
        snprintf(err, errlen, "%s: %s", tg->spec, tg->s.lost ? "the port closed" : "no answer to AT");
        df_target_close(tg);
        return -3;
    }
    /* the echo the session expects: a module left with ATE0 by someone else gets it back */
    struct hx_exchange x;
    hx_exchange(&tg->s, tg->v->echo ? "ATE1" : "ATE0", 2000 * MS, &x);
    tg->s.echo_on = tg->v->echo;
    if (!fz_identity_learn(&tg->s, tg->identity, sizeof tg->identity))
        settle(tg, 300 * MS, 5000 * MS); /* a late answer is not the first case's */
    /* the wait for an answer that may not come: twenty round trips, 300 ms to 1 s (an
     * answer later than that would be taken for the next line's) */
    uint64_t rtt = x.status == HX_DONE ? (x.t_final - x.t_sent) * 20 : 1000 * MS;
    tg->silence_ns = rtt < 300 * MS ? 300 * MS : rtt > 1000 * MS ? 1000 * MS : rtt;
    hx_log_clear(&tg->s);
    tg->judged = 0;
    return 0;
}

int df_target_restart(struct df_target *tg, char *err, size_t errlen)
{
    df_target_close(tg);
    return df_target_open(tg, err, errlen);
}

/* ---- judging ------------------------------------------------------------------------------ */

/* A restart is explained by a flow that has one in its course, or by a destructive command
 * the module accepted, until what it started has come to rest (a quiet line). */
static void judge_reboot(struct df_target *tg, const struct hx_event *e, struct df_outcome *out)
{
    char problem[256];
    enum at_flowset_result fr = at_flow_set_event(&tg->flows, e->line, NULL, problem, sizeof problem);
    bool explained = fr == AT_FS_ACCEPTED || tg->armed;
    if (fr != AT_FS_ACCEPTED)
        flows_clear(tg);
    if (!explained)
        add(out, HR_REBOOT, DF_RULE_SRC, "between commands", -1, "no restart: no destructive command was accepted",
            "the module restarted (\"%.80s\")", e->text);
    /* a restart that was due keeps the window open until restart_by: one restart shows
     * as several boot lines (RDY, +CPIN: READY, SMS DONE ...) */
}

/* Every event since the last look: restarts, flow events, and what no exchange took. */
static void judge_events(struct df_target *tg, struct df_outcome *out)
{
    const struct hx_session *s = &tg->s;
    for (; tg->judged < s->n_ev; tg->judged++) {
        const struct hx_event *e = &s->ev[tg->judged];
        if (e->sent)
            continue;
        if (e->reboot) {
            judge_reboot(tg, e, out);
            continue;
        }
        if (e->cls == AT_CLS_URC && e->line) {
            char problem[256];
            if (at_flow_set_event(&tg->flows, e->line, NULL, problem, sizeof problem) == AT_FS_ORDER &&
                failure_event(&tg->flows, e->line))
                tg->failed_aside = true;
        }
        struct hx_finding hf;
        if (!hx_judge_between(s, e, false, &hf))
            continue; /* inside an exchange the session judged it; or nothing wrong */
        if (hf.rule == HR_NO_SECRET_LEAK && fz_leak_explained(&tg->s, tg->identity, e->text))
            continue;
        add(out, hf.rule, hf.src, "between commands", -1, hf.expected, "%s", hf.seen);
    }
}

static bool has_rule(const struct hx_exchange *x, enum hx_rule rule)
{
    for (unsigned i = 0; i < x->n_findings; i++)
        if (x->findings[i].rule == rule)
            return true;
    return false;
}

/* One line: sent, its exchange judged, the module probed when something looked wrong. */
static void run_one(struct df_target *tg, int idx, const char *line, struct df_outcome *out, bool *flow_started)
{
    struct hx_session *s = &tg->s;
    /* the line as the module reads it (V.250 editing: a backspace removes what is before it) */
    char read_as[FZ_REPRO_MAX_LINE + 1];
    size_t len = strlen(line);
    if (len > FZ_REPRO_MAX_LINE)
        len = FZ_REPRO_MAX_LINE;
    len = at_edit_line((const uint8_t *)line, len, (uint8_t *)read_as);
    read_as[len] = '\0';
    struct at_cmdline il, vl;
    struct at_verror ie, ve;
    at_identify_command(&s->ix, (const uint8_t *)read_as, len, &il, &ie);
    enum at_err verdict = at_validate_command(&s->ix, -1, (const uint8_t *)read_as, len, &vl, &ve);
    /* the time the line may take: each command's limit (V.250: one final for the line) */
    uint64_t limit_ms = 0, before_last_ms = 0;
    for (uint8_t k = 0; k < il.n; k++) {
        uint32_t ms = gram_form_time_ms(il.cmds[k].form) ? gram_form_time_ms(il.cmds[k].form) : 10000;
        limit_ms += ms;
        if (k + 1 < il.n)
            before_last_ms += ms;
    }
    if (!limit_ms)
        limit_ms = tg->v->response_time_ms ? tg->v->response_time_ms : 10000;
    const struct gram_form *f = il.n ? il.cmds[il.n - 1].form : ie.form;
    bool no_at = len < 2 || (read_as[0] | 0x20) != 'a' || (read_as[1] | 0x20) != 't';
    bool silence_ok = no_at || (f && f->final_silence); /* V.250: a line without AT may be ignored */
    char where[64];
    label(il.n ? il.cmds[il.n - 1].cmd : ie.cmd, f, where, sizeof where);
    if (no_at)
        snprintf(where, sizeof where, "a line without AT");

    /* a line that may go unanswered gets a short wait: no answer is an answer — after the
     * commands before its last, which answer (an error of one ends the line) */
    uint64_t timeout = limit_ms * MS + tg->margin_ns;
    uint64_t silent = before_last_ms ? before_last_ms * MS + tg->margin_ns + tg->silence_ns : tg->silence_ns;
    if (silence_ok && timeout > silent)
        timeout = silent;
    /* after a destructive command the module may have restarted unannounced, its echo back
     * to its default: this exchange shows which */
    if (tg->armed)
        s->echo_unknown = true;
    struct hx_exchange x;
    enum hx_status st = hx_exchange(s, line, timeout, &x);
    out->exchanges++;
    /* a restart a destructive command set off may swallow the answer of a line sent
     * before it (and not every module announces its restarts): no hang while one may
     * be under way — whether the module is still there is asked all the same */
    bool destructive = false;
    for (uint8_t k = 0; k < il.n; k++)
        if (il.cmds[k].form && gram_form_class(il.cmds[k].form) == GC_DESTRUCTIVE)
            destructive = true;
    bool excused = silence_ok || tg->armed || destructive;
    for (unsigned k = 0; k < x.n_findings; k++) {
        const struct hx_finding *hf = &x.findings[k];
        if (excused && st == HX_TIMEOUT && hf->rule == HR_FINAL_RESULT)
            continue;
        if (hf->rule == HR_NO_SECRET_LEAK && hf->event < s->n_ev &&
            fz_leak_explained(s, tg->identity, s->ev[hf->event].text))
            continue;
        add(out, hf->rule, hf->src, where, idx, hf->expected, "%s", hf->seen);
    }
    bool suspicious = has_rule(&x, HR_CLEAN_OUTPUT);
    char masked[160];
    hx_mask_command(s, line, masked, sizeof masked);
    switch (st) {
    case HX_DONE: {
        const struct hx_event *fin = &s->ev[x.final_ev];
        bool ok = fin->line && fin->line->outcome == GO_OK;
        uint32_t lim = il.n == 1 ? gram_form_time_ms(il.cmds[0].form) : 0;
        double ms = (double)(x.t_final - x.t_sent) / 1e6;
        if (lim && ms > lim)
            add(out, HR_RESPONSE_TIME, gram_src_time(il.cmds[0].form), where, idx,
                "the final result within the grammar's limit", "%.1f ms, the limit is %u ms", ms, lim);
        if (ok && verdict != AT_OK && verdict != AT_E_STATE) {
            char wrong[64], msg[200];
            label(ve.cmd, NULL, wrong, sizeof wrong); /* the command: the form may be what is broken */
            if (verdict == AT_E_NO_AT || !ve.cmd)
                snprintf(wrong, sizeof wrong, "%s", where);
            at_verror_format(&ve, &tg->d, msg, sizeof msg);
            add(out, HR_REJECTS_INVALID, at_verror_src(&ve), wrong, idx, "an error result: the grammar rejects the line",
                "OK to a line that breaks the grammar (%s at byte %u: %.120s)", at_err_name(verdict), ve.off, msg);
        }
        /* V.250 5.6: the commands before the one that failed have run — a destructive one
         * among them too; the last one did not (it failed, or one before it did), nor any
         * from the first the grammar refuses */
        uint8_t ran = il.n;
        if (!ok) {
            ran = il.n ? (uint8_t)(il.n - 1) : 0;
            if (verdict != AT_OK && vl.n < ran)
                ran = vl.n;
        }
        for (uint8_t k = 0; k < ran; k++) {
            const struct gram_form *cf = il.cmds[k].form;
            if (!cf)
                continue;
            /* each that ran was accepted: execution stops at the first error */
            if (gram_form_class(cf) == GC_DESTRUCTIVE) {
                arm(tg, !cf->n_starts);
                *flow_started = true; /* whatever it started: let it come to rest */
            }
            if (cf->n_starts) {
                /* a flow waiting only for its restart does not speak for one started now
                 * (the restart stays explained until restart_by) */
                bool in_course = tg->flows.n && !at_flow_set_finished(&tg->flows) && !tg->flows_due;
                if (tg->flows.n + cf->n_starts > AT_FLOWSET_MAX || at_flow_set_finished(&tg->flows) ||
                    tg->flows_due)
                    flows_clear(tg);
                /* a flow still in course: the set now mixes two commands' flows, and an
                 * error the second gets (one is running) may end the first's alternative
                 * while the first goes on: no shortcut until the line is quiet */
                tg->overlap |= in_course;
                at_flow_set_start_form(&tg->flows, cf, &tg->d);
                tg->failed_aside = false;
                *flow_started = true;
            }
        }
        break;
    }
    case HX_TIMEOUT:
        if (!silence_ok)
            suspicious = true;
        if (destructive) {
            arm(tg, true); /* it may have run, and restarted the module */
            *flow_started = true;
        }
        break;
    case HX_REBOOTED:
        for (uint8_t k = 0; k < il.n; k++)
            if (il.cmds[k].form && gram_form_class(il.cmds[k].form) == GC_DESTRUCTIVE)
                arm(tg, true); /* the line itself restarts the module */
        judge_events(tg, out);
        if (settle(tg, 200 * MS, 10000 * MS) == SETTLED_LOST) { /* let it come up */
            out->lost = true;
            add(out, HR_LIVENESS, DF_RULE_SRC, "the port", idx, "the module's port stays open",
                "the port closed after a restart during \"%s\"", masked);
            return;
        }
        break;
    case HX_LOST:
        out->lost = true;
        add(out, HR_LIVENESS, DF_RULE_SRC, "the port", idx, "the module's port stays open",
            "the port closed during \"%s\": the module went away", masked);
        return;
    }
    judge_events(tg, out);
    if (suspicious && !df_target_alive(tg)) {
        out->dead = true;
        out->lost = tg->s.lost;
        drop(out, HR_FINAL_RESULT, idx); /* the hang is the death */
        add(out, HR_LIVENESS, DF_RULE_SRC, "the module", idx, "AT answered with OK after a suspicious exchange",
            "no answer to AT after \"%s\"", masked);
    }
}

/* After lines that started something (a flow, a destructive command): waits until it has
 * come to rest, for no more than the documents promise. Among cases: flow_quiet of silence
 * while something must still come (a flow that cannot end where it is, a destructive
 * command that started no flow, a destructive command's flow that may still go on);
 * nothing more (short_quiet) once its flows have failed (nothing to apply), are at their
 * end or may end where they are (SETTLED_OPEN: they stay to explain what comes later), or
 * ended well with only a restart to apply it still to come (SETTLED_RESTART_DUE: the
 * arming stays for flow_quiet, and a restart then is still explained). Patient (alone):
 * flow_quiet after anything. Events are judged as they come. */
static enum settled come_to_rest(struct df_target *tg, struct df_outcome *out, uint64_t short_quiet, bool patient)
{
    struct hx_session *s = &tg->s;
    uint64_t end = hx_now(s->t) + tg->flow_quiet_ns * 20 + 1000 * MS;
    for (;;) {
        judge_events(tg, out);
        bool finished = !tg->flows.n || at_flow_set_finished(&tg->flows);
        bool can_end = finished || at_flow_set_can_end(&tg->flows) || tg->failed_aside;
        bool open, restart_due = false;
        uint64_t quiet;
        if (patient) {
            /* lines run alone (a reproducer, a minimisation): what they started is theirs */
            open = tg->armed || !finished;
            quiet = open ? tg->flow_quiet_ns : short_quiet;
        } else if (tg->armed_alone || (tg->armed && !tg->flows.n) || !can_end) {
            /* something must still come: a flow that cannot end where it is, or whatever
             * a destructive command that started no flow does (a restart) */
            open = true;
            quiet = tg->flow_quiet_ns;
        } else if (tg->armed && !tg->overlap && can_end && at_flow_set_outcome(&tg->flows) == GO_OK &&
                   at_flow_set_only_restart_next(&tg->flows)) {
            /* it ended well, and only a restart to apply it may still come: the cases
             * go on, and a restart within flow_quiet is still explained (RESTART_DUE) */
            open = false;
            restart_due = true;
            quiet = short_quiet;
        } else if (tg->armed && !flows_failed(tg)) {
            /* a destructive command's flow that may go on, or that ended well: a restart to
             * apply what it brought may follow, seconds later; not after one that failed
             * (more failure lines may come: the flow stays open to explain them) */
            open = true;
            quiet = tg->flow_quiet_ns;
        } else {
            /* a flow at its end (a failed download brings nothing to apply), or one that
             * may end where it is (nothing promised yet:
             * no plan from a cloud): what it sends later is judged with the cases that
             * follow */
            open = false;
            quiet = short_quiet;
        }
        uint64_t now = hx_now(s->t);
        if (now >= end)
            return SETTLED_TIME_UP;
        uint64_t wait = end - now < quiet ? end - now : quiet;
        long i = hx_next_event(s, wait);
        if (i == -2)
            return SETTLED_LOST;
        if (i == -1) {
            if (wait != quiet)
                return SETTLED_TIME_UP;
            if (open)
                return SETTLED_QUIET;
            if (restart_due)
                return SETTLED_RESTART_DUE;
            return finished ? SETTLED_QUIET : SETTLED_OPEN;
        }
    }
}

void df_run_lines(struct df_target *tg, const struct fz_lines *lines, bool alone, struct df_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!tg->open) {
        out->lost = true;
        return;
    }
    hx_log_clear(&tg->s);
    hx_forget_secrets(&tg->s); /* a leak is a credential of this run coming back */
    tg->judged = 0;
    uint64_t dropped0 = tg->s.n_dropped;
    if (tg->restart_by && hx_now(tg->s.t) >= tg->restart_by) {
        disarm(tg); /* the time the restart a flow allowed may take is over */
        if (tg->flows_due)
            flows_clear(tg); /* not a flow started since */
    }
    bool flow_started = false;
    for (size_t i = 0; i < lines->n; i++) {
        if (tg->s.lost) {
            out->lost = true;
            break;
        }
        run_one(tg, (int)i, lines->line[i], out, &flow_started);
        if (out->dead || out->lost)
            break;
    }
    if (!out->dead && !out->lost) {
        /* what the lines started (a flow's events), or anything late, is judged too */
        uint64_t quiet = alone ? tg->end_quiet_ns : 0;
        enum settled st = flow_started ? come_to_rest(tg, out, quiet, alone) : settle(tg, quiet, quiet + 1000 * MS);
        if (st == SETTLED_LOST)
            out->lost = true;
        judge_events(tg, out);
        if (st == SETTLED_OPEN)
            disarm(tg); /* the flows left open explain what they bring */
        if (st == SETTLED_RESTART_DUE) {
            tg->restart_by = hx_now(tg->s.t) + tg->flow_quiet_ns;
            tg->flows_due = true;
        }
        if (st == SETTLED_QUIET && flow_started) {
            disarm(tg);
            flows_clear(tg);
        }
        restore_echo(tg);
    }
    judge_events(tg, out);
    struct hx_finding flood;
    if (hx_judge_flood(&tg->s, dropped0, &flood))
        add(out, flood.rule, flood.src, "between commands", -1, flood.expected, "%s", flood.seen);
    if (tg->s.cancelled) {
        /* cut short by a signal or the deadline: no outcome */
        memset(out, 0, sizeof *out);
        out->cancelled = true;
    }
}

size_t df_transcript(const struct df_target *tg, char *out, size_t cap)
{
    if (!tg->open) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    return hx_transcript(&tg->s, 0, tg->s.n_ev, out, cap);
}
