/* conformance/runner_route.c — the runner's routes between the module's states: the steps
 * of a route (commands, events, pauses), the way back to the base state, recovery by the
 * documented ways back or a restart, and keeping the tracked state in step; see steps.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conformance/runner.h"
#include "conformance/steps.h"
#include "grammar/source.h"
#include "harness/defaults.h"
#include "parser/machine.h"

#define MS 1000000ull
/* ---- routes between states -------------------------------------------------------------- */

static bool name_in(const char *names, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = names; *p;) {
        size_t k = strcspn(p, "|");
        if (k == n && strncmp(p, name, n) == 0)
            return true;
        p += k;
        if (*p == '|')
            p++;
    }
    return false;
}

bool cf_wait_urc(struct cf_ctx *cx, const char *names, uint64_t timeout_ns)
{
    struct hx_session *s = cx->r->s;
    uint64_t deadline = hx_now(s->t) + timeout_ns;
    for (;;) {
        uint64_t now = hx_now(s->t);
        if (now >= deadline)
            return false;
        long i = hx_next_event(s, deadline - now);
        if (i == -2) {
            cx->r->lost = true;
            cf_error(cx, "the port is gone");
            return false;
        }
        if (i < 0)
            return false;
        const struct hx_event *e = &s->ev[i];
        cf_see_event(cx, e);
        if (e->cls == AT_CLS_URC && e->line && name_in(names, e->line->name)) {
            cf_track(cx->r);
            return true;
        }
    }
}

static void wait_ms(struct cf_ctx *cx, uint64_t ms)
{
    struct hx_session *s = cx->r->s;
    uint64_t deadline = hx_now(s->t) + ms * MS;
    for (uint64_t now = hx_now(s->t); now < deadline && !s->lost; now = hx_now(s->t)) {
        long i = hx_next_event(s, deadline - now);
        if (i == -2)
            break;
        if (i >= 0)
            cf_see_event(cx, &s->ev[i]);
    }
    cf_track(cx->r);
}

/* The flows of the vendor that have one of the events named ("a|b"). */
static bool flow_has_event(const struct gram_flow *f, const char *names)
{
    for (uint16_t a = 0; a < f->n_atoms; a++)
        if (f->atoms[a].kind == GA_URC && f->atoms[a].urc && name_in(names, f->atoms[a].urc->name))
            return true;
    return false;
}

/* How long a route waits for one of the events named: the limit the grammar gives it — the
 * stall limit of the flow the route's command started (its own timeout parameter, when the
 * grammar ties it to one), else of the flows that have the event — and where that limit
 * comes from. 60 s, inferred, when no flow has the event. maybe: the event may not come
 * (a '?' step): only the flows' settle time. */
static uint64_t route_wait(const struct cf_ctx *cx, const char *names, bool maybe, struct gram_src *src)
{
    const struct gram_vendor *v = cx->r->v;
    uint64_t best = 0;
    *src = gram_src_inferred("no flow of the grammar has the event: a minute is waited");
    if (cx->route_flow_on && cx->route_flow.set.n && !maybe && !cf_flow_started(&cx->route_flow) &&
        at_flow_set_can_end(&cx->route_flow.set)) {
        /* the command that started the flow promises no event: its settle time */
        const struct gram_flow *f = cx->route_flow.set.runs[0].f;
        *src = gram_src_inferred("the command promises no event: the flow's settle time");
        return (uint64_t)(f->settle_ms ? f->settle_ms : 2000) * MS;
    }
    if (cx->route_flow_on && cx->route_flow.set.n && cx->route_flow.stall_ms && !maybe) {
        *src = cx->route_flow.stall_src;
        return (uint64_t)cx->route_flow.stall_ms * MS;
    }
    for (uint16_t i = 0; i < v->n_flows; i++) {
        const struct gram_flow *f = &v->flows[i];
        uint32_t ms = maybe ? (f->settle_ms ? f->settle_ms : 2000) : f->stall_ms;
        if (!ms || !flow_has_event(f, names))
            continue;
        if (!best || (uint64_t)ms * MS < best) {
            best = (uint64_t)ms * MS;
            *src = maybe ? gram_src_inferred("the event may not come: the flow's settle time") : gram_src_stall(f);
        }
    }
    return best ? best : (maybe ? 2000 : 60000) * MS;
}

/* Steps of a route: "> LINE" a command that must end in OK, "< A|B" one of those events
 * (within the grammar's limit for it), "? A|B" one of them if it comes (a short wait),
 * "~ MS" a pause, "= STATE" the state a restart nothing announced leaves. A step that
 * fails: setting a state up (back false), the case is N/A (the module may simply not be
 * able to: no plan staged for these values); coming back (back true), an event the
 * operation must end with did not come: a finding of the limit's source, and the module
 * is recovered (cf_recover). */
/* "@ FLOW [setup]": the flow's setup lines (and its start line) as "> " steps, from the
 * capability file, else the reference cloud's (harness/defaults.h). */
static bool flow_steps(const struct cf_ctx *cx, const char *arg, char lines[][1100], unsigned max, unsigned *n)
{
    char flow[64];
    size_t fl = strcspn(arg, " ");
    snprintf(flow, sizeof flow, "%.*s", (int)fl, arg);
    bool setup_only = strstr(arg + fl, "setup") != NULL;
    struct flow_start fs;
    bool has_start = cf_flow_start(cx->r->o.caps, cx->r->v->id, flow, &fs);
    *n = 0;
    for (size_t i = 0; fs.setup[i] && *n < max; i++)
        snprintf(lines[(*n)++], sizeof lines[0], "> %s", fs.setup[i]);
    if (!setup_only && has_start && *n < max)
        snprintf(lines[(*n)++], sizeof lines[0], "> %s", fs.start);
    return setup_only || has_start;
}

bool cf_run_steps(struct cf_ctx *cx, const char *const *steps, const char *purpose, bool back)
{
    for (size_t i = 0; steps[i]; i++) {
        const char *st = steps[i];
        if (st[0] == '@') {
            char lines[CAPS_MAX_SETUP + 1][1100];
            const char *sub[CAPS_MAX_SETUP + 2];
            unsigned n;
            if (!flow_steps(cx, st + 2, lines, CAPS_MAX_SETUP + 1, &n)) {
                cf_na(cx, "%s: no way to start flow %s is known", purpose, st + 2);
                return false;
            }
            for (unsigned k = 0; k < n; k++)
                sub[k] = lines[k];
            sub[n] = NULL;
            if (!cf_run_steps(cx, sub, purpose, back))
                return false;
            continue;
        }
        if (st[0] == '>') {
            struct hx_exchange x;
            enum hx_status hs = cf_exchange(cx, st + 2, &x, false);
            const struct gram_machine *m = cx->r->v->machine;
            if (hs == HX_REBOOTED && back && m && cx->r->state == m->initial)
                return true; /* a restart brought it home */
            if (hs != HX_DONE || cf_outcome(cx, &x) != GO_OK) {
                const char *got = hs == HX_DONE && x.final_ev >= 0 ? cx->r->s->ev[x.final_ev].text : "no final result";
                char shown[300];
                cf_mask(cx->r, st + 2, shown, sizeof shown);
                if (back)
                    cf_recover(cx, "a command of the way back was refused");
                else if (!cx->r->lost && !cx->r->dead)
                    cf_na(cx, "%s: %s answered %s", purpose, shown, got);
                else
                    cf_error(cx, "%s: %s answered %s", purpose, shown, got);
                return false;
            }
            if (x.form && x.form->n_starts) {
                if (cx->route_flow_on)
                    cf_flow_free(&cx->route_flow);
                cf_flow_begin(&cx->route_flow, cx->r->ix, cx->r->d, x.form, NULL, st + 2, cf_download_ms(cx->r),
                              x.t_final);
                cx->route_flow_on = true;
                cx->route_flow_reported = false;
            }
        } else if (st[0] == '<' || st[0] == '?') {
            bool maybe = st[0] == '?';
            struct gram_src src;
            uint64_t limit = route_wait(cx, st + 2, maybe, &src);
            if (cf_wait_urc(cx, st + 2, limit) || maybe)
                continue;
            if (cx->r->lost || cx->r->dead)
                return false;
            char seen[300];
            snprintf(seen, sizeof seen, "%s did not come within %.1f s (the module stays in state %s)", st + 2,
                     (double)limit / 1e9, cf_state_name(cx->r, cx->r->state));
            if (back) {
                /* what a started operation ends with never came */
                cf_add_finding(cx, HR_FLOW_END, src, "the operation the module started ends", seen);
                cf_recover(cx, seen);
            } else {
                cf_na(cx, "%s: %s", purpose, seen);
                cf_back_home(cx);
            }
            return false;
        } else if (st[0] == '~') {
            wait_ms(cx, strtoull(st + 2, NULL, 10));
        } else if (st[0] == '=' && cx->r->v->machine) {
            /* a restart no line announced: echo back on, and the state it is in now */
            cf_resync(cx);
            int k = gram_machine_state(cx->r->v->machine, st + 2);
            if (k >= 0)
                cx->r->state = k;
        }
    }
    return true;
}

/* A module fresh from power-on: the target restarted (sim:, exec:), or the capability
 * file's reset command sent and its time waited. true when it answers AT again. */
static bool restart_module(struct cf_ctx *cx)
{
    struct cf_runner *r = cx->r;
    struct hx_session *s = r->s;
    const struct cf_caps *caps = r->o.caps;
    if (r->lost)
        return false;
    if (hx_restartable(s->t)) {
        if (hx_session_restart(s) != 0) {
            r->lost = true;
            return false;
        }
    } else if (caps && caps->reset) {
        struct hx_exchange x;
        hx_exchange(s, caps->reset, 2000 * MS, &x); /* its answer is not judged: it restarts */
        wait_ms(cx, caps->reset_ms ? caps->reset_ms : 30000);
    } else {
        return false;
    }
    bool alive = false;
    for (int i = 0; i < 5 && !alive && !s->lost; i++)
        alive = hx_probe(s);
    if (!alive)
        return false;
    struct hx_exchange x;
    hx_exchange(s, "ATE1", 2000 * MS, &x);
    r->state = r->v->machine ? r->v->machine->initial : -1;
    r->tracked = s->n_ev;
    r->dead = r->stuck = false;
    r->restarts++;
    return true;
}

void cf_recover(struct cf_ctx *cx, const char *why)
{
    struct cf_runner *r = cx->r;
    char was[64];
    snprintf(was, sizeof was, "%s", r->dead ? "stopped answering" : cf_state_name(r, r->state));
    if (restart_module(cx)) {
        snprintf(cx->note, sizeof cx->note, "the module %s%s (%.200s): the suite restarted it after the case",
                 r->dead ? "" : "stayed in state ", was, why);
        return;
    }
    if (r->lost)
        return;
    if (!r->dead)
        r->stuck = true;
    snprintf(r->blocked, sizeof r->blocked, "blocked since %s: the module %s%s (%.200s)", cx->c->id,
             r->dead ? "" : "stays in state ", was, why);
}

static bool steps_destructive(const struct cf_runner *r, const char *const *steps)
{
    for (size_t i = 0; steps[i]; i++) {
        if (steps[i][0] != '>')
            continue;
        const struct gram_form *f = cf_form_of(r, steps[i] + 2);
        if (f && gram_form_class(f) == GC_DESTRUCTIVE)
            return true;
    }
    return false;
}

void cf_back_home(struct cf_ctx *cx)
{
    struct cf_runner *r = cx->r;
    const struct gram_machine *m = r->v->machine;
    cf_track(r);
    if (!m || r->state < 0 || r->state == m->initial || r->lost || r->dead || r->stuck)
        return;
    const struct state_route *rt = state_route_for(r->v->id, m->states[r->state]);
    if (!rt || !rt->back[0])
        return; /* no way back known: the module stays where it is */
    char purpose[96];
    snprintf(purpose, sizeof purpose, "back from state %s", m->states[r->state]);
    cf_run_steps(cx, rt->back, purpose, true);
}

bool cf_reach(struct cf_ctx *cx, uint32_t mask)
{
    struct cf_runner *r = cx->r;
    const struct gram_machine *m = r->v->machine;
    if (!m || !mask)
        return true;
    cf_track(r);
    if (r->state >= 0 && (mask >> r->state & 1))
        return true;
    if (r->stuck) {
        cf_na(cx, "%s", r->blocked);
        return false;
    }
    cf_back_home(cx);
    if (cx->error || cx->na)
        return false;
    if (r->stuck) {
        cf_na(cx, "%s", r->blocked);
        return false;
    }
    if (r->state >= 0 && (mask >> r->state & 1))
        return true;
    if (r->state != m->initial) {
        cf_na(cx, "the module is in state %s and no way from there is known", cf_state_name(r, r->state));
        return false;
    }
    for (uint8_t st = 0; st < m->n_states; st++) {
        if (!(mask >> st & 1))
            continue;
        const struct state_route *rt = state_route_for(r->v->id, m->states[st]);
        if (!rt || !rt->to[0])
            continue;
        if (!r->o.allow_destructive && steps_destructive(r, rt->to)) {
            cf_na(cx, "reaching state %s needs commands that change the firmware (--allow-destructive)", m->states[st]);
            return false;
        }
        char purpose[96];
        snprintf(purpose, sizeof purpose, "setting up state %s", m->states[st]);
        if (!cf_run_steps(cx, rt->to, purpose, false))
            return false;
        if (r->state != st) {
            cf_na(cx, "setting up state %s: the module should now be in it, but is in %s", m->states[st],
                     cf_state_name(r, r->state));
            return false;
        }
        return true;
    }
    cf_na(cx, "no way to bring the module into the state the case needs is known");
    return false;
}

void cf_resync(struct cf_ctx *cx)
{
    struct cf_runner *r = cx->r;
    if (r->lost || r->dead)
        return;
    cf_track(r);
    bool echo_was_on = r->s->echo_on;
    struct hx_exchange x;
    hx_exchange(r->s, "ATE1", 2000 * MS, &x);
    /* echo was on and ATE1 came back without it: the module lost its settings, so it
     * restarted without a word (a QCC730 after an upgrade with auto reboot) */
    bool restarted = echo_was_on && x.status == HX_DONE && !x.echoed;
    cf_track(r);
    if (restarted && r->v->machine)
        r->state = at_machine_reboot(r->v->machine, r->state);
}
