/* conformance/runner_flow.c — OTA flows: starting one (the capability file's commands, or
 * the reference cloud's: harness/defaults.h), driving it the way a host does (confirm the
 * plan, read the image block by block, report the new version, accept the trial image),
 * and checking it with conformance/flowcheck.h as it goes. Also follows the flows that a
 * valid command of another case starts, to their end, so the next case meets a quiet
 * module. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/steps.h"
#include "grammar/source.h"
#include "harness/defaults.h"
#include "parser/classify.h"

#define MS 1000000ull
#define MAX_EVENTS 100000u
#define READ_BLOCK 1024

/* A host's reaction to an event of the flow. Returns false when it cannot go on. */
typedef bool (*flow_driver)(struct cf_ctx *cx, struct cf_flowcheck *fc, const struct hx_event *e,
                            const struct at_result *r);

static bool field_text(const struct hx_event *e, const struct at_result *r, const char *name, uint8_t escapes,
                       char *out, size_t n)
{
    int i = r->line ? gram_line_field(r->line, name) : -1;
    if (i < 0 || i >= r->n_fields || r->fields[i].kind == AT_V_ABSENT)
        return false;
    size_t k = at_value_decode((const uint8_t *)e->text, &r->fields[i], escapes, (uint8_t *)out, n - 1);
    out[k < n - 1 ? k : n - 1] = '\0';
    return true;
}

static bool send_ok(struct cf_ctx *cx, struct cf_flowcheck *fc, const char *line)
{
    struct hx_exchange x;
    enum hx_status st = cf_exchange(cx, line, &x, false);
    if (st != HX_DONE)
        return false;
    cf_flow_exchange(fc, cx->r->s, &x);
    if (cf_outcome(cx, &x) != GO_OK) {
        cf_add_finding(cx, HR_FLOW_OUTCOME, fc->set.n ? gram_src_flow(fc->set.runs[0].f, cx->r->v) : CF_RULE_SRC,
                       "OK", line);
        return false;
    }
    return true;
}

/* Quectel: confirm the plan. */
static bool drive_quectel_fota(struct cf_ctx *cx, struct cf_flowcheck *fc, const struct hx_event *e,
                               const struct at_result *r)
{
    (void)e;
    if (r->line && strcmp(r->line->name, "plan") == 0)
        return send_ok(cx, fc, "AT+QIOTUPDATE=1");
    return true;
}

/* Quectel MCU: confirm, read each piece with AT+QIOTOTARD, ask for the next one or report
 * the update, then report the version the plan promised. */
static bool drive_quectel_sota(struct cf_ctx *cx, struct cf_flowcheck *fc, const struct hx_event *e,
                               const struct at_result *r)
{
    uint8_t esc = cx->r->v->escapes;
    if (!r->line)
        return true;
    const char *n = r->line->name;
    char line[256];
    if (strcmp(n, "plan") == 0) {
        /* the MCU reports the plan's target version once updated (a host does the update) */
        if (!field_text(e, r, "componentNo", esc, cx->plan_component, sizeof cx->plan_component) ||
            !field_text(e, r, "targetVersion", esc, cx->plan_target, sizeof cx->plan_target))
            cx->plan_component[0] = cx->plan_target[0] = '\0';
        return send_ok(cx, fc, "AT+QIOTUPDATE=1");
    } else if (strcmp(n, "dl-done-mcu") == 0) {
        char a[32], l[32], total[32];
        if (!field_text(e, r, "startaddr", esc, a, sizeof a) || !field_text(e, r, "piece_length", esc, l, sizeof l) ||
            !field_text(e, r, "length", esc, total, sizeof total))
            return false;
        unsigned long long start = strtoull(a, NULL, 10), len = strtoull(l, NULL, 10), all = strtoull(total, NULL, 10);
        for (unsigned long long off = start; off < start + len; off += READ_BLOCK) {
            unsigned long long k = start + len - off < READ_BLOCK ? start + len - off : READ_BLOCK;
            snprintf(line, sizeof line, "AT+QIOTOTARD=%llu,%llu", off, k);
            if (!send_ok(cx, fc, line))
                return false;
        }
        return send_ok(cx, fc, start + len < all ? "AT+QIOTUPDATE=2" : "AT+QIOTUPDATE=3");
    } else if (strcmp(n, "updating") == 0) {
        const struct ota_defaults *d = ota_defaults_for(cx->r->v->id);
        const char *comp = cx->plan_component[0] ? cx->plan_component : d ? d->mcu_component : "MCU";
        const char *target = cx->plan_target[0] ? cx->plan_target : d ? d->mcu_target : "2_0_0";
        snprintf(line, sizeof line, "AT+QIOTMCUVER=\"%s\",\"%s\"", comp, target);
        return send_ok(cx, fc, line);
    }
    return true;
}

/* Qualcomm: after FIN the module restarts into the trial image (no line says so): wait,
 * turn echo back on, accept it. */
static bool drive_qualcomm_trial(struct cf_ctx *cx, struct cf_flowcheck *fc, const struct hx_event *e,
                                 const struct at_result *r)
{
    (void)e, (void)fc;
    if (!r->line || strncmp(r->line->name, "fin", 3) != 0)
        return true;
    const char *wait[] = {"~ 1500", "= trial", NULL};
    cf_run_steps(cx, wait, "waiting for the restart after FIN", false);
    struct hx_exchange x;
    if (cf_exchange(cx, "AT+OTATRIAL=1,0", &x, false) != HX_DONE)
        return false;
    if (cf_outcome(cx, &x) != GO_OK)
        cf_add_finding(cx, HR_FLOW_OUTCOME, gram_src_vendor(cx->r->v), "the trial image accepted (OK)",
                       x.final_ev >= 0 ? cx->r->s->ev[x.final_ev].text : "no final result");
    return true;
}

static bool drive_watch(struct cf_ctx *cx, struct cf_flowcheck *fc, const struct hx_event *e, const struct at_result *r)
{
    (void)cx, (void)fc, (void)e, (void)r;
    return true;
}

static flow_driver driver_by_name(const char *name)
{
    static const struct {
        const char *name;
        flow_driver fn;
    } drivers[] = {
        {"watch", drive_watch},
        {"quectel-fota", drive_quectel_fota},
        {"quectel-sota", drive_quectel_sota},
        {"qualcomm-trial", drive_qualcomm_trial},
    };
    for (size_t i = 0; name && i < sizeof drivers / sizeof drivers[0]; i++)
        if (strcmp(drivers[i].name, name) == 0)
            return drivers[i].fn;
    return drive_watch;
}

/* After a flow broke a rule: let what the module still sends of it come, until it has been
 * quiet for the flow's settle time (at most the stall limit, at most 10 minutes), so that
 * the next case meets a quiet module. */
static void drain_flow(struct cf_ctx *cx, const struct cf_flowcheck *fc)
{
    struct hx_session *s = cx->r->s;
    const struct gram_flow *f = fc->set.n ? fc->set.runs[0].f : NULL;
    uint64_t quiet = (f && f->settle_ms ? f->settle_ms : 2000) * MS;
    uint64_t limit = (f && f->stall_ms ? f->stall_ms : 60000) * MS;
    if (limit > 600000 * MS)
        limit = 600000 * MS;
    uint64_t start = hx_now(s->t);
    while (!s->lost && hx_now(s->t) - start < limit) {
        long i = hx_next_event(s, quiet);
        if (i < 0)
            break;
        cf_see_event(cx, &s->ev[i]);
    }
    cf_track(cx->r);
}

/* Feeds the flow with events until it ends, fails or the port goes. */
static void follow(struct cf_ctx *cx, struct cf_flowcheck *fc, flow_driver drive)
{
    struct hx_session *s = cx->r->s;
    for (unsigned n = 0; n < MAX_EVENTS; n++) {
        uint64_t now = hx_now(s->t);
        enum cf_flow_state fs = cf_flow_tick(fc, now);
        if (fs == CF_FLOW_FAILED)
            drain_flow(cx, fc);
        if (fs != CF_FLOW_RUNNING)
            return;
        long i = hx_next_event(s, cf_flow_wait(fc, now));
        if (i == -2) {
            cx->r->lost = true;
            cf_error(cx, "the port is gone (during the flow)");
            return;
        }
        if (i < 0)
            continue;
        const struct hx_event *e = &s->ev[i];
        cf_track(cx->r);
        cf_see_event(cx, e);
        bool of_flow = cf_flow_event(fc, e);
        if (of_flow) {
            struct rp_step *sp = cf_event_step(cx, (size_t)i);
            if (sp)
                sp->failed = fc->rule >= 0;
            e = &s->ev[i];
        }
        if (!of_flow || fc->rule >= 0) {
            if (fc->rule >= 0) {
                drain_flow(cx, fc);
                return;
            }
            continue;
        }
        struct at_result r;
        at_classify_line(cx->r->ix, NULL, (const uint8_t *)e->text, e->len, &r);
        if (r.cls != AT_CLS_URC)
            r.line = NULL;
        /* the driver's exchanges log more events: copy what it needs first */
        struct hx_event copy = *e;
        char text[1024];
        snprintf(text, sizeof text, "%s", e->text);
        copy.text = text;
        if (!drive(cx, fc, &copy, &r))
            return;
        if (cx->r->lost || cx->r->dead)
            return;
    }
}

/* A flow that ended where a restart may still come: a restart until then is its own. */
static void cf_flow_late(struct cf_ctx *cx, const struct cf_flowcheck *fc)
{
    uint32_t late = cf_flow_late_ms(fc);
    struct hx_session *s = cx->r->s;
    if (late)
        cx->r->restart_expected_until = hx_now(s->t) + (uint64_t)late * MS;
}

void cf_follow_started(struct cf_ctx *cx, const struct hx_exchange *x)
{
    struct cf_flowcheck fc;
    struct hx_session *s = cx->r->s;
    cf_flow_begin(&fc, cx->r->ix, cx->r->d, x->form, NULL, x->cmd, cf_download_ms(cx->r), x->t_final);
    s->watched = x->first_ev; /* events that came with the command's answer count */
    follow(cx, &fc, drive_watch);
    /* a flow that never began: the command was accepted and nothing else asked of it */
    if (fc.rule >= 0 && !(fc.rule == HR_FLOW_END && !cf_flow_started(&fc)))
        cf_add_finding(cx, (enum hx_rule)fc.rule, fc.src, fc.expected, fc.seen);
    else if (fc.rule < 0 && cf_flow_started(&fc)) {
        cf_flow_finish(&fc, false);
        if (fc.rule >= 0)
            cf_add_finding(cx, (enum hx_rule)fc.rule, fc.src, fc.expected, fc.seen);
    }
    cf_flow_late(cx, &fc);
    cf_flow_free(&fc);
    cf_resync(cx);
}

void cf_play_flow(struct cf_ctx *cx)
{
    struct cf_runner *r = cx->r;
    const struct gram_flow *flow = cx->c->flow;
    const struct cf_caps *caps = r->o.caps;
    struct flow_start fs;
    bool has_start = cf_flow_start(caps, r->v->id, flow->name, &fs);
    if (caps && caps->plan_staged == 0) {
        cf_na(cx, "no upgrade is staged for the module (capability file: plan-staged = no)");
        return;
    }
    const char *start = fs.start;
    if (!has_start) {
        cf_na(cx, "no way to start flow %s is known (capability file: [ota] %s.start)", flow->name, flow->name);
        return;
    }
    cf_back_home(cx);
    if (cx->error)
        return;
    const char *const *setup = fs.setup;
    for (size_t i = 0; setup[i]; i++) {
        struct hx_exchange x;
        enum hx_status st = cf_exchange(cx, setup[i], &x, false);
        if (st != HX_DONE || cf_outcome(cx, &x) != GO_OK) {
            char shown[300];
            cf_mask(r, setup[i], shown, sizeof shown);
            cf_error(cx, "flow %s: the setup command %s was not accepted", flow->name, shown);
            return;
        }
    }
    struct hx_exchange x;
    enum hx_status st = cf_exchange(cx, start, &x, true);
    if (st != HX_DONE)
        return;
    char shown[300];
    cf_mask(r, start, shown, sizeof shown);
    if (cf_outcome(cx, &x) != GO_OK) {
        cf_fail(cx, HR_ACCEPTS_VALID, gram_src_form(x.form ? x.form : flow->start_form), "OK: the flow starts",
                "%s answered %s", shown, x.final_ev >= 0 ? r->s->ev[x.final_ev].text : "nothing");
        return;
    }
    struct cf_flowcheck fc;
    cf_flow_begin(&fc, r->ix, r->d, x.form, flow, start, cf_download_ms(r), x.t_final);
    cx->stall_limit_ms = fc.stall_ms;
    cx->total_limit_ms = flow->total_ms;
    r->s->watched = x.first_ev;
    follow(cx, &fc, driver_by_name(fs.driver ? fs.driver : "watch")); /* the host's part is the vendor's */
    if (fc.rule < 0 && !cx->error)
        cf_flow_finish(&fc, true);
    if (fc.rule >= 0)
        cf_add_finding(cx, (enum hx_rule)fc.rule, fc.src, fc.expected, fc.seen);
    cf_flow_late(cx, &fc);
    cf_flow_free(&fc);
    cf_resync(cx);
    cf_back_home(cx);
    /* an upgrade shows in the identity the module reports */
    char rev[128] = "";
    struct hx_exchange rx;
    if (!r->lost && !r->dead && hx_exchange(r->s, "AT+CGMR", cf_timeout_ns(NULL), &rx) == HX_DONE &&
        cf_outcome(cx, &rx) == GO_OK)
        for (size_t i = rx.first_ev; i < rx.end_ev; i++)
            if (r->s->ev[i].cls == AT_CLS_INFO) {
                const char *t = r->s->ev[i].text;
                snprintf(rev, sizeof rev, "%s", strncmp(t, "+CGMR: ", 7) == 0 ? t + 7 : t);
                break;
            }
    bool changed = rev[0] && strcmp(rev, r->revision) != 0;
    bool fcap = cf_caps_flow(caps, flow->name) != NULL;
    if (!cx->n_findings)
        snprintf(cx->note, sizeof cx->note, "%s%.120s%s%s%.60s%s", fcap ? "" : "started with the reference cloud's values "
                 "(no capability file): ", fcap ? "" : shown, fcap ? "" : "; ", changed ? "the module now reports revision " : "",
                 changed ? rev : "", changed ? "" : "the revision it reports did not change");
    if (changed)
        snprintf(r->revision, sizeof r->revision, "%s", rev);
}
