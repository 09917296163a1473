/* tests/test_conformance.c — proves that each rule the suite checks fires. For every
 * vendor: the faultless reference module passes every case; for every named fault that
 * applies to the vendor, the suite FAILs the faulted module on a case of the fault's rule
 * and on nothing unrelated. Also: the cases are unique, destructive cases wait for
 * --allow-destructive, credentials stay masked, and the capability file's errors name
 * their line. The runner plays the cases directly (the CUnit registry belongs to this test
 * program), on the reference module's virtual clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conformance/case.h"
#include "conformance/caps.h"
#include "conformance/runner.h"
#include "fuzz/devgen.h"
#include "grammar/source.h"
#include "harness/defaults.h"
#include "harness/session.h"
#include "harness/sim.h"
#include "harness/transport.h"
#include "tests/tu.h"

static const char *const vendors[] = {"quectel", "simcom", "airm2m", "qualcomm", "fibocom"};

struct tally {
    unsigned total, pass, fail, na, error, warn;
    char fail_rules[24][32]; /* the rules of the cases that FAIL or WARN */
    unsigned n_rules;
    char first_fail[600];   /* the first FAIL, else the first WARN */
    char first_error[400];
    bool leaked;            /* a credential of the reference cloud in a result */
    char verdicts[512];     /* one letter per case, in plan order: P F N E W */
    /* the timed steps (rp_step) of the results */
    unsigned steps, failed_exchanges, failed_events, flows_with_limits, flows_with_events;
    unsigned rt_verdicts, rt_about_slow; /* response-time FAIL/WARN; those whose latency is over its limit */
    char rt_wrong[300];                  /* the first response-time verdict showing a latency within its limit */
};

static void note_rule(struct tally *t, const char *rule)
{
    for (unsigned i = 0; i < t->n_rules; i++)
        if (strcmp(t->fail_rules[i], rule) == 0)
            return;
    if (t->n_rules < 24)
        snprintf(t->fail_rules[t->n_rules++], sizeof t->fail_rules[0], "%s", rule);
}

static bool has_rule(const struct tally *t, const char *rule)
{
    for (unsigned i = 0; i < t->n_rules; i++)
        if (strcmp(t->fail_rules[i], rule) == 0)
            return true;
    return false;
}

static bool leaks(const char *text)
{
    static const char *const vs[] = {"fibocom", "simcom"};
    for (size_t i = 0; text && i < 2; i++) {
        const struct ota_defaults *d = ota_defaults_for(vs[i]);
        if ((d->ftp_pass && strstr(text, d->ftp_pass)) || (d->product_secret && strstr(text, d->product_secret)))
            return true;
    }
    return false;
}

static void play_opts(const char *vendor, const char *opts, bool destructive, struct tally *t);

/* Plays every case of a vendor against sim:<vendor>[,fault=...]. */
static void play(const char *vendor, const char *fault, bool destructive, struct tally *t)
{
    char opts[128];
    snprintf(opts, sizeof opts, "fault=%s", fault ? fault : "");
    play_opts(vendor, fault ? opts : NULL, destructive, t);
}

/* ... against sim:<vendor>[,<opts>] ("fault=a", "urcs=4"). */
static void play_opts(const char *vendor, const char *opts, bool destructive, struct tally *t)
{
    memset(t, 0, sizeof *t);
    const struct gram_vendor *v = tu_vendor(vendor);
    struct gram_dialect d;
    gram_dialect_default(&d, v);
    const struct gram_dialect *dp = &d;
    struct at_index ix;
    CU_ASSERT_FATAL(at_index_build(&ix, &v, &dp, 1) == 0);
    struct cf_plan plan;
    cf_plan_build(&plan, &ix, NULL);
    char spec[128], err[256] = "";
    snprintf(spec, sizeof spec, "sim:%s%s%s", vendor, opts ? "," : "", opts ? opts : "");
    struct hx_transport *tr;
    TU_CHECK(hx_open(spec, tu_grammar(), &tr, err, sizeof err) == 0, "%s: %s", spec, err);
    struct hx_session s;
    CU_ASSERT_FATAL(hx_session_init(&s, tr, v, &d, NULL) == 0);
    struct cf_runner r;
    struct cf_runner_opts o = {.allow_destructive = destructive, .provisioned = true};
    TU_CHECK(cf_runner_start(&r, &s, &o) == 0, "%s does not answer AT", spec);
    for (size_t i = 0; i < plan.n; i++) {
        struct cf_result res;
        cf_run_case(&r, &plan.cases[i], &res);
        if (i + 1 < sizeof t->verdicts)
            t->verdicts[i] = "PFNEW"[res.verdict];
        t->total++;
        switch (res.verdict) {
        case RP_PASS: t->pass++; break;
        case RP_NA: t->na++; break;
        case RP_WARN:
            t->warn++;
            note_rule(t, res.rule);
            if (!t->first_fail[0])
                snprintf(t->first_fail, sizeof t->first_fail, "WARN %.100s: %.400s", plan.cases[i].id, res.reason);
            break;
        case RP_FAIL:
            t->fail++;
            note_rule(t, res.rule);
            if (!t->first_fail[0] || strncmp(t->first_fail, "WARN", 4) == 0)
                snprintf(t->first_fail, sizeof t->first_fail, "%.100s: %.400s", plan.cases[i].id, res.reason);
            break;
        case RP_ERROR:
            t->error++;
            if (!t->first_error[0])
                snprintf(t->first_error, sizeof t->first_error, "%.100s: %.280s", plan.cases[i].id, res.reason);
            break;
        }
        t->leaked |= leaks(res.transcript) || leaks(res.reason) || leaks(res.seen) || leaks(plan.cases[i].name);
        t->steps += (unsigned)res.n_steps;
        bool events = false;
        for (size_t k = 0; k < res.n_steps; k++) {
            const struct rp_step *st = &res.steps[k];
            t->leaked |= leaks(st->text);
            events |= st->event;
            if (st->failed && st->event)
                t->failed_events++;
            else if (st->failed)
                t->failed_exchanges++;
        }
        if (plan.cases[i].kind == CF_FLOW && res.verdict != RP_NA) {
            t->flows_with_limits += res.stall_limit_ms > 0 && res.total_limit_ms > 0;
            t->flows_with_events += events;
        }
        if ((res.verdict == RP_FAIL || res.verdict == RP_WARN) && res.rule && strcmp(res.rule, "response-time") == 0) {
            t->rt_verdicts++;
            if (res.limit_ms > 0 && res.latency_ms > res.limit_ms)
                t->rt_about_slow++;
            else if (!t->rt_wrong[0])
                snprintf(t->rt_wrong, sizeof t->rt_wrong, "%.100s shows %.1f ms (limit %.0f ms)", plan.cases[i].id,
                         res.latency_ms, res.limit_ms);
        }
        cf_result_free(&res);
    }
    cf_runner_free(&r);
    hx_session_free(&s);
    hx_close(tr);
    cf_plan_free(&plan);
    at_index_free(&ix);
}

/* ---- the timed steps of the pictures ------------------------------------------------ */

/* The steps the HTML's charts and otacheck diff are drawn from: every exchange timed, the
 * events of each flow with its limits; on a faultless module nothing is marked failed; a
 * slow module marks the slow exchanges, and a response-time verdict shows the latency of
 * the slow exchange even when it was a set-up step (before, "2 ms (limit 300 ms)"); a flow
 * whose events come out of order marks the event it broke at. */
static void timed_steps(void)
{
    struct tally t;
    play("quectel", NULL, true, &t);
    TU_CHECK(t.steps > t.total, "%u steps for %u cases", t.steps, t.total);
    TU_CHECK(t.failed_exchanges == 0 && t.failed_events == 0, "faultless: %u exchanges, %u events marked failed",
             t.failed_exchanges, t.failed_events);
    TU_CHECK(t.flows_with_limits == 2 && t.flows_with_events == 2, "flows with limits %u, with events %u (of 2)",
             t.flows_with_limits, t.flows_with_events);
    CU_ASSERT(!t.leaked);
    play("quectel", "slow-response", true, &t);
    TU_CHECK(t.rt_verdicts > 10 && t.rt_about_slow == t.rt_verdicts, "%u of %u response-time verdicts show the "
             "slow latency; %s", t.rt_about_slow, t.rt_verdicts, t.rt_wrong);
    TU_CHECK(t.failed_exchanges >= t.rt_verdicts, "%u slow exchanges marked for %u verdicts", t.failed_exchanges,
             t.rt_verdicts);
    CU_ASSERT(t.failed_events == 0);
    play("quectel", "urc-order", true, &t);
    TU_CHECK(t.failed_events >= 1, "urc-order: %u events marked failed", t.failed_events);
    CU_ASSERT(t.failed_exchanges == 0);
}

/* ---- the faultless module ---------------------------------------------------------- */

static void faultless(void)
{
    const char *vendor = strchr(tu_current(), ':') + 1;
    struct tally t;
    play(vendor, NULL, true, &t);
    TU_CHECK(t.fail == 0, "%s: %u cases FAIL on the faultless module, the first: %s", vendor, t.fail, t.first_fail);
    TU_CHECK(t.error == 0, "%s: %u cases ERROR on the faultless module, the first: %s", vendor, t.error, t.first_error);
    TU_CHECK(t.warn == 0, "%s: %u cases WARN on the faultless module, the first: %s", vendor, t.warn, t.first_fail);
    TU_CHECK(t.pass > 50 && t.pass * 10 >= t.total * 8, "%s: only %u of %u cases PASS", vendor, t.pass, t.total);
    TU_CHECK(!t.leaked, "%s: a credential of the reference cloud appears in a result", vendor);
}

/* ---- each fault breaks its rule and nothing else ---------------------------------- */

/* Rules a fault may break besides its own: an example of the faulted command fails with it. */
static bool also_allowed(enum sim_fault f, const char *rule)
{
    return (f == SF_REJECT_VALID || f == SF_STATE_IGNORED) && strcmp(rule, "example") == 0;
}

/* The name of the rule a fault breaks. */
static const char *fault_rule(const struct sim_fault_info *fi)
{
    return hx_rule_name(fi->rule);
}

/* Faults after which some cases cannot be played at all (ERROR): the module stops answering,
 * stays in the middle of an upgrade, or refuses the setup a case needs. */
static bool errors_allowed(enum sim_fault f)
{
    return f == SF_SILENT_HANG || f == SF_NO_TERMINAL || f == SF_REJECT_VALID || f == SF_UPGRADE_FAILS;
}

static void each_fault(void)
{
    const char *vendor = strchr(tu_current(), ':') + 1;
    const struct gram_vendor *v = tu_vendor(vendor);
    unsigned tried = 0;
    for (int f = 0; f < SF__COUNT; f++) {
        /* a fault of real downloads never shows in-process (no OTA server here):
         * tests/sim_download.sh proves those against `otacheck serve` */
        if (!sim_fault_applies((enum sim_fault)f, v) || sim_fault_info((enum sim_fault)f)->real_download)
            continue;
        tried++;
        const struct sim_fault_info *fi = sim_fault_info((enum sim_fault)f);
        struct tally t;
        play(vendor, fi->name, true, &t);
        TU_CHECK(has_rule(&t, fault_rule(fi)), "%s fault=%s: no case FAILs or WARNs on rule %s (%u FAIL, first: %s)",
                 vendor, fi->name, fault_rule(fi), t.fail, t.first_fail);
        for (unsigned i = 0; i < t.n_rules; i++)
            TU_CHECK(strcmp(t.fail_rules[i], fault_rule(fi)) == 0 || also_allowed((enum sim_fault)f, t.fail_rules[i]),
                     "%s fault=%s: a case FAILs or WARNs on unrelated rule %s", vendor, fi->name, t.fail_rules[i]);
        TU_CHECK(t.error == 0 || errors_allowed((enum sim_fault)f), "%s fault=%s: %u cases ERROR, the first: %s",
                 vendor, fi->name, t.error, t.first_error);
    }
    TU_CHECK(tried >= 12, "%s: only %u faults apply", vendor, tried);
}

/* Every fault applies to some vendor: every rule is proven to fire somewhere. */
static void every_fault_somewhere(void)
{
    for (int f = 0; f < SF__COUNT; f++) {
        bool any = false;
        for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++)
            any |= sim_fault_applies((enum sim_fault)f, tu_vendor(vendors[i]));
        TU_CHECK(any, "fault %s applies to no vendor: rule %s is never proven", sim_fault_info((enum sim_fault)f)->name,
                 fault_rule(sim_fault_info((enum sim_fault)f)));
    }
}

/* Every rule of the table (harness/rules.h) names a fault of the reference module, and
 * with that fault the suite reports the rule (FAIL, or WARN where only an inference backs
 * it) on some vendor, and FAILs it on some vendor unless every vendor infers it. */
static void every_rule_proven(void)
{
    for (int r = 0; r < HR__COUNT; r++) {
        const struct hx_rule_info *ri = hx_rule_info((enum hx_rule)r);
        int f = sim_fault_by_name(ri->fault);
        TU_CHECK(f >= 0, "rule %s names fault '%s', which the reference module does not have", ri->name, ri->fault);
        if (f < 0)
            continue;
        bool reported = false;
        for (size_t i = 0; i < sizeof vendors / sizeof vendors[0] && !reported; i++) {
            if (!sim_fault_applies((enum sim_fault)f, tu_vendor(vendors[i])))
                continue;
            struct tally t;
            play(vendors[i], ri->fault, true, &t);
            reported = has_rule(&t, ri->name);
        }
        TU_CHECK(reported, "rule %s: its fault %s makes no case FAIL or WARN on it, on any vendor", ri->name, ri->fault);
    }
}

/* ---- standard traffic ------------------------------------------------------------------- */

/* The reference module with a standard URC (+CEREG, +CSQ, SMS DONE, +CMTI...) after every
 * 4th final result, as cellular modules send them: every case has the verdict it has
 * without, faultless and with the faults that prove the rules of the lines between and
 * inside exchanges. */
static void standard_traffic(void)
{
    static const char *const faults[] = {NULL, "garbage", "malformed-response", "double-final", "wrong-echo"};
    for (size_t k = 0; k < sizeof vendors / sizeof vendors[0]; k++)
        for (size_t f = 0; f < sizeof faults / sizeof faults[0]; f++) {
            if (faults[f] && !sim_fault_applies((enum sim_fault)sim_fault_by_name(faults[f]), tu_vendor(vendors[k])))
                continue;
            char plain[96], with[128];
            snprintf(plain, sizeof plain, "fault=%s", faults[f] ? faults[f] : "");
            snprintf(with, sizeof with, "%s%surcs=4", faults[f] ? plain : "", faults[f] ? "," : "");
            struct tally a, b;
            play_opts(vendors[k], faults[f] ? plain : NULL, true, &a);
            play_opts(vendors[k], with, true, &b);
            TU_CHECK(strcmp(a.verdicts, b.verdicts) == 0,
                     "%s%s%s: standard URCs changed verdicts:\n  without %s\n  with    %s (first: %s)", vendors[k],
                     faults[f] ? " fault=" : "", faults[f] ? faults[f] : "", a.verdicts, b.verdicts, b.first_fail);
        }
}

/* ---- the plan ------------------------------------------------------------------------- */

static void unique_cases(void)
{
    for (size_t k = 0; k < sizeof vendors / sizeof vendors[0]; k++) {
        const struct gram_vendor *v = tu_vendor(vendors[k]);
        const struct gram_dialect *dp = NULL;
        struct at_index ix;
        CU_ASSERT_FATAL(at_index_build(&ix, &v, &dp, 1) == 0);
        struct cf_plan p;
        cf_plan_build(&p, &ix, NULL);
        unsigned kinds[CF_FLOW + 1] = {0};
        for (size_t i = 0; i < p.n; i++) {
            kinds[p.cases[i].kind]++;
            for (size_t j = i + 1; j < p.n; j++) {
                TU_CHECK(strcmp(p.cases[i].id, p.cases[j].id) != 0, "%s: two cases with id %s", v->id, p.cases[i].id);
                TU_CHECK(strcmp(p.cases[i].suite, p.cases[j].suite) != 0 || strcmp(p.cases[i].name, p.cases[j].name) != 0,
                         "%s: two cases named %s / %s", v->id, p.cases[i].suite, p.cases[i].name);
            }
        }
        /* every kind of case is there */
        TU_CHECK(kinds[CF_TEST_FORM] && kinds[CF_VALID] && kinds[CF_INVALID] && kinds[CF_READ_WRITE] &&
                     kinds[CF_FLOW] == v->n_flows,
                 "%s: a kind of case is missing (test %u valid %u invalid %u read-write %u flows %u)", v->id,
                 kinds[CF_TEST_FORM], kinds[CF_VALID], kinds[CF_INVALID], kinds[CF_READ_WRITE], kinds[CF_FLOW]);
        cf_plan_free(&p);
        at_index_free(&ix);
    }
    /* a filter keeps what it names */
    const struct gram_vendor *v = tu_vendor("quectel");
    const struct gram_dialect *dp = NULL;
    struct at_index ix;
    CU_ASSERT_FATAL(at_index_build(&ix, &v, &dp, 1) == 0);
    struct cf_plan p;
    cf_plan_build(&p, &ix, NULL);
    size_t n = cf_plan_filter(&p, "quectel/flow/*");
    TU_CHECK(n == 2, "the filter quectel/flow/* keeps %zu cases, not the 2 flows", n);
    cf_plan_free(&p);
    at_index_free(&ix);
}

/* Without --allow-destructive, what may change the firmware is N/A, and the rest runs. */
static void destructive_gated(void)
{
    struct tally t;
    play("fibocom", NULL, false, &t);
    TU_CHECK(t.fail == 0 && t.error == 0, "fibocom without destructive cases: %u FAIL, %u ERROR", t.fail, t.error);
    TU_CHECK(t.na > 10 && t.pass > 20, "fibocom without destructive cases: %u N/A, %u PASS", t.na, t.pass);
}

/* ---- the capability file --------------------------------------------------------------- */

static const char *write_temp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/otacheck-caps-%d.ini", (int)getpid());
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

static void caps_file(void)
{
    struct cf_caps c;
    char err[400] = "";
    TU_CHECK(cf_caps_load(&c, tu_src("conformance/caps.example.ini"), err, sizeof err) == 0, "example: %s", err);
    TU_CHECK(c.vendor && strcmp(c.vendor, "quectel") == 0, "vendor");
    TU_CHECK(c.allow_destructive == 0 && c.plan_staged == 1, "allow-destructive %d plan-staged %d", c.allow_destructive,
             c.plan_staged);
    const struct cf_flow_caps *f = cf_caps_flow(&c, "fota");
    TU_CHECK(f && f->start && strcmp(f->start, "AT+QIOTOTAREQ=1") == 0 && f->setup[0] && f->setup[1] && !f->setup[2],
             "fota start and two setup lines");
    TU_CHECK(f && f->setup[0] && strstr(f->setup[0], "replace-me-with-the-product-secret"),
             "${product_secret} is replaced by the credential: %s", f && f->setup[0] ? f->setup[0] : "");
    TU_CHECK(c.not_supported[0] && strcmp(c.not_supported[0], "+QIOTMCUVER") == 0 && !c.not_supported[1],
             "not-supported list");
    TU_CHECK(c.reset && strcmp(c.reset, "AT+CFUN=1,1") == 0 && c.reset_ms == 20000, "reset %s, %u ms",
             c.reset ? c.reset : "-", c.reset_ms);
    TU_CHECK(c.claimed[0] && strcmp(c.claimed[0], "+QIOTCFG") == 0 && c.claimed[1] &&
                 strcmp(c.claimed[1], "+QIOTREG") == 0 && !c.claimed[2],
             "claimed list");
    TU_CHECK(c.clean_output == 0 && c.provisioned == 1 && c.image_size == 1048576 && c.link_speed == 20000,
             "clean-output %d provisioned %d image-size %lu link-speed %lu", c.clean_output, c.provisioned,
             c.image_size, c.link_speed);
    cf_caps_free(&c);

    const char *p = write_temp("[module]\nvendor = simcom\n\n[module]\nvendr = x\n");
    TU_CHECK(cf_caps_load(&c, p, err, sizeof err) != 0 && strstr(err, ":5:") && strstr(err, "vendr"),
             "an unknown key names its line: %s", err);
    cf_caps_free(&c);
    p = write_temp("[ota]\nfota.start = AT+X=\"${nope}\"\n");
    TU_CHECK(cf_caps_load(&c, p, err, sizeof err) != 0 && strstr(err, "nope"), "an unknown ${name}: %s", err);
    cf_caps_free(&c);
    p = write_temp("[module]\nallow-destructive = perhaps\n");
    TU_CHECK(cf_caps_load(&c, p, err, sizeof err) != 0 && strstr(err, ":2:"), "a bad yes/no: %s", err);
    cf_caps_free(&c);
    p = write_temp("this is not ini\n");
    TU_CHECK(cf_caps_load(&c, p, err, sizeof err) != 0 && strstr(err, ":1:"), "not INI: %s", err);
    cf_caps_free(&c);
    unlink(p);
}

/* One way to a flow's start for the conformance runner and the fuzzer: the file's lines
 * when it gives any for the flow (none of the reference cloud's then), else the
 * reference cloud's; the driver stays the vendor's. */
static void caps_flow_start(void)
{
    struct cf_caps c;
    char err[400] = "";
    const char *p = write_temp("[ota]\nfota.start = AT+QIOTOTAREQ=1,2\nupgrade.setup = AT+UPGRADE=\"URL\",\"http://x/y\"\n");
    TU_CHECK(cf_caps_load(&c, p, err, sizeof err) == 0, "load: %s", err);
    struct flow_start fs;
    /* each call before the check that reads fs: arguments have no order of evaluation */
    bool has = cf_flow_start(&c, "quectel", "fota", &fs);
    TU_CHECK(has && strcmp(fs.start, "AT+QIOTOTAREQ=1,2") == 0 && !fs.setup[0],
             "the file's start, and none of the reference cloud's setup: %s / %s", fs.start ? fs.start : "-",
             fs.setup[0] ? fs.setup[0] : "-");
    TU_CHECK(fs.driver && strcmp(fs.driver, "quectel-fota") == 0, "the vendor's driver: %s", fs.driver ? fs.driver : "-");
    has = cf_flow_start(&c, "quectel", "sota", &fs);
    TU_CHECK(has && fs.setup[0] && strstr(fs.setup[0], "QIOTMCUVER"),
             "a flow the file does not name: the reference cloud's");
    has = cf_flow_start(&c, "airm2m", "upgrade", &fs);
    TU_CHECK(!has && fs.setup[0] && strstr(fs.setup[0], "http://x/y") &&
                 !fs.setup[1],
             "setup only: the file's setup, no start line");
    has = cf_flow_start(NULL, "airm2m", "upgrade", &fs);
    TU_CHECK(has && fs.start, "no file: the reference cloud's");
    /* the fuzzer's bases (its cases into deep states) come from the same place */
    struct df_gen g;
    const struct gram_vendor *v = tu_vendor("quectel");
    struct at_index ix;
    CU_ASSERT_FATAL(at_index_build(&ix, &v, NULL, 1) == 0);
    CU_ASSERT_FATAL(df_gen_init(&g, &ix, v, 1, true, &c) == 0);
    bool mine = false, reference = false;
    for (size_t i = 0; i < g.n_bases; i++) {
        mine |= strstr(g.base[i], "AT+QIOTOTAREQ=1,2\n") != NULL;
        reference |= strstr(g.base[i], "AT+QIOTMCUVER=\"MCU\",\"2_0_0\"\nAT+QIOTOTAREQ=1\n") != NULL;
    }
    TU_CHECK(mine && !reference, "the fuzzer starts fota the file's way (%d), not the reference cloud's (%d)", mine,
             reference);
    df_gen_free(&g);
    at_index_free(&ix);
    cf_caps_free(&c);
    unlink(p);
}

/* ---- credentials the host itself sent in the clear ------------------------------------ */

/* Sends lines to sim:quectel[,fault=...]; true when any exchange found a leak. The
 * transcript of the last line goes to last. */
static bool leak_found(const char *fault, const char *const *lines, char *last, size_t cap)
{
    char spec[64], err[256] = "";
    snprintf(spec, sizeof spec, "sim:quectel%s%s", fault ? ",fault=" : "", fault ? fault : "");
    struct hx_transport *tr;
    CU_ASSERT_FATAL(hx_open(spec, tu_grammar(), &tr, err, sizeof err) == 0);
    struct hx_session s;
    CU_ASSERT_FATAL(hx_session_init(&s, tr, tu_vendor("quectel"), NULL, NULL) == 0);
    bool leak = false;
    for (size_t i = 0; lines[i]; i++) {
        struct hx_exchange x;
        size_t from = s.n_ev;
        hx_exchange(&s, lines[i], 2000ull * 1000000, &x);
        for (unsigned k = 0; k < x.n_findings; k++)
            leak |= x.findings[k].rule == HR_NO_SECRET_LEAK;
        hx_transcript(&s, from, s.n_ev, last, cap);
    }
    hx_session_free(&s);
    hx_close(tr);
    return leak;
}

/* The host sets an MCU version that holds the text it also sends as the product secret:
 * the module reading the version back is no leak (the host wrote that value in the clear),
 * and the transcript still masks the credential. The same credential repeated on its own
 * by a module with the fault secret-echo is a leak. */
static void credential_sent_in_clear(void)
{
    char t[4096];
    static const char *const before[] = {"AT+QIOTMCUVER=\"MCU1\",\"V1-Zq8wPass\"",
                                         "AT+QIOTCFG=\"productinfo\",\"pk1\",\"Zq8wPass\"",
                                         "AT+QIOTMCUVER?", NULL};
    TU_CHECK(!leak_found(NULL, before, t, sizeof t), "an MCU version sent earlier is taken for a leak: %s", t);
    TU_CHECK(strstr(t, "V1-") && !strstr(t, "Zq8wPass"), "the credential is not masked: %s", t);
    static const char *const same_line[] = {
        "AT+QIOTMCUVER=\"MCU1\",\"V1-Zq8wPass\";+QIOTCFG=\"productinfo\",\"pk1\",\"Zq8wPass\"",
        "AT+QIOTMCUVER?", NULL};
    TU_CHECK(!leak_found(NULL, same_line, t, sizeof t), "an MCU version sent in the same line is taken for a leak: %s", t);
    static const char *const echoed[] = {"AT+QIOTCFG=\"productinfo\",\"pk1\",\"Zq8wPass\"", NULL};
    TU_CHECK(leak_found("secret-echo", echoed, t, sizeof t), "secret-echo: the repeated credential is not found: %s", t);
    TU_CHECK(!leak_found(NULL, echoed, t, sizeof t), "the faultless module is said to leak: %s", t);
}

/* Whether the exchange has a no-secret-leak finding; the scripted session is closed. */
static bool leak_then_close(struct hx_session *s, struct hx_transport *tr, const struct hx_exchange *x)
{
    bool leak = false;
    for (unsigned k = 0; k < x->n_findings; k++)
        leak |= x->findings[k].rule == HR_NO_SECRET_LEAK;
    hx_session_free(s);
    hx_close(tr);
    return leak;
}

/* A scripted module (exec:, a shell one-liner) that takes the credential with
 * AT+QIOTCFG, then answers cmd with line: whether the session calls that answer a leak. */
static bool scripted_leak(const char *cmd, const char *line)
{
    static const char *const cfg = "AT+QIOTCFG=\"productinfo\",\"pk1\",\"Zq8wPass\"";
    char spec[1024];
    snprintf(spec, sizeof spec,
             "exec:head -c %zu >/dev/null; printf '%%s\\r\\r\\nOK\\r\\n' '%s'; head -c %zu >/dev/null; "
             "printf '%%s\\r\\r\\n%%s\\r\\nOK\\r\\n' '%s' '%s'; exec sleep 5",
             strlen(cfg) + 1, cfg, strlen(cmd) + 1, cmd, line);
    char err[256] = "";
    struct hx_transport *tr;
    CU_ASSERT_FATAL(hx_open(spec, tu_grammar(), &tr, err, sizeof err) == 0);
    struct hx_session s;
    CU_ASSERT_FATAL(hx_session_init(&s, tr, tu_vendor("quectel"), NULL, NULL) == 0);
    struct hx_exchange x;
    hx_exchange(&s, cfg, 2000ull * 1000000, &x);
    TU_CHECK(x.status == HX_DONE && x.n_findings == 0, "the scripted module's first answer: status %d, %u findings",
             x.status, x.n_findings);
    hx_exchange(&s, cmd, 2000ull * 1000000, &x);
    TU_CHECK(x.status == HX_DONE, "%s: status %d", line, x.status);
    return leak_then_close(&s, tr, &x);
}

/* The host set an MCU version to the very text it later sends as the product secret, two
 * hundred values ago (more than the session keeps whole): the module reading that version
 * back repeats the host's text, no leak. The same answer with no such version ever sent
 * is one. (A scripted module: it answers every line with OK, then the read with the line.) */
static bool long_ago_leak(bool set_first)
{
    char spec[1024];
    snprintf(spec, sizeof spec,
             "exec:%s for i in $(seq 200); do head -c 36 >/dev/null; printf '\\r\\nOK\\r\\n'; done; "
             "head -c 42 >/dev/null; printf '\\r\\nOK\\r\\n'; head -c 15 >/dev/null; "
             "printf '\\r\\n+QIOTMCUVER: \"MCU1\",\"Zq8wPass\"\\r\\nOK\\r\\n'; exec sleep 5",
             set_first ? "head -c 32 >/dev/null; printf '\\r\\nOK\\r\\n';" : "");
    char err[256] = "";
    struct hx_transport *tr;
    CU_ASSERT_FATAL(hx_open(spec, tu_grammar(), &tr, err, sizeof err) == 0);
    struct hx_session s;
    CU_ASSERT_FATAL(hx_session_init(&s, tr, tu_vendor("quectel"), NULL, NULL) == 0);
    s.echo_on = false; /* the script does not echo */
    struct hx_exchange x;
    if (set_first)
        hx_exchange(&s, "AT+QIOTMCUVER=\"MCU1\",\"Zq8wPass\"", 2000ull * 1000000, &x); /* 31 bytes + CR */
    for (int i = 0; i < 200; i++) {
        char line[64];
        snprintf(line, sizeof line, "AT+QIOTMCUVER=\"MCU2\",\"V%03d-%07d\"", i, i * 7919); /* 35 + CR */
        hx_exchange(&s, line, 2000ull * 1000000, &x);
    }
    hx_exchange(&s, "AT+QIOTCFG=\"productinfo\",\"pk1\",\"Zq8wPass\"", 2000ull * 1000000, &x); /* 40 + CR */
    hx_exchange(&s, "AT+QIOTMCUVER?", 2000ull * 1000000, &x);                                  /* 14 + CR */
    TU_CHECK(x.status == HX_DONE, "the scripted read: status %d", x.status);
    return leak_then_close(&s, tr, &x);
}

static void credential_sent_long_ago(void)
{
    TU_CHECK(!long_ago_leak(true), "an MCU version sent 200 values ago is taken for a leak");
    TU_CHECK(long_ago_leak(false), "the credential read back with no such version sent is not a leak");
}

/* A valid response line that holds the credential where the module chose the value is a
 * leak, wherever in the value it stands; the same line without it is not. */
static void credential_in_valid_line(void)
{
    TU_CHECK(!scripted_leak("AT+QIOTMCUVER?", "+QIOTMCUVER: \"MCU1\",\"V1\""), "a line without the credential");
    TU_CHECK(scripted_leak("AT+QIOTMCUVER?", "+QIOTMCUVER: \"MCU1\",\"Zq8wPass\""), "the credential as a whole field");
    TU_CHECK(scripted_leak("AT+QIOTMCUVER?", "+QIOTMCUVER: \"MCU1\",\"X-Zq8wPass\""), "inside a value the host never sent");
    TU_CHECK(scripted_leak("AT+QIOTREG=?", "+QIOTREG: (Zq8wPass)"), "inside a test form's list");
    TU_CHECK(!scripted_leak("AT+QIOTREG=?", "+QIOTREG: (0,1,2)"), "a test form's list of numbers");
}

/* ---- what a module says to lines the grammar cannot read ------------------------------ */

/* A scripted module (exec:) that answers each of cmds with the reply beside it (the echo
 * included); the findings of the last exchange, and whether any exchange had one of rule. */
static unsigned scripted(const char *const *cmds, const char *const *replies, struct hx_exchange *last,
                         enum hx_rule rule, bool *any)
{
    char spec[4096] = "exec:";
    size_t o = strlen(spec);
    for (size_t i = 0; cmds[i]; i++)
        o += (size_t)snprintf(spec + o, sizeof spec - o, "head -c %zu >/dev/null; printf '%%s' '%s'; ",
                              strlen(cmds[i]) + 1, replies[i]);
    snprintf(spec + o, sizeof spec - o, "exec sleep 5");
    char err[256] = "";
    struct hx_transport *tr;
    CU_ASSERT_FATAL(hx_open(spec, tu_grammar(), &tr, err, sizeof err) == 0);
    struct hx_session s;
    CU_ASSERT_FATAL(hx_session_init(&s, tr, tu_vendor("quectel"), NULL, NULL) == 0);
    *any = false;
    for (size_t i = 0; cmds[i]; i++) {
        hx_exchange(&s, cmds[i], 2000ull * 1000000, last);
        for (unsigned k = 0; k < last->n_findings; k++)
            *any |= last->findings[k].rule == rule;
    }
    hx_session_free(&s);
    hx_close(tr);
    return last->n_findings;
}

/* A line of text in the answer to a line no grammar reads: no document says what that
 * answer holds (a WARN at most); in the answer to a command the grammar reads, a line its
 * document does not give is a breach of that document. (ATI=, is not such a line: I may
 * have run before the error, and its identity lines are read as I's.) */
static void text_in_answers(void)
{
    struct hx_exchange x;
    bool any;
    static const char *const unreadable[] = {"AT+XYZZY=,", NULL};
    static const char *const unreadable_reply[] = {"AT+XYZZY=,\r\r\nusage: no such thing\r\nERROR\r\n", NULL};
    scripted(unreadable, unreadable_reply, &x, HR_CLEAN_OUTPUT, &any);
    TU_CHECK(any, "a line of text in the answer to AT+XYZZY=, is not noted");
    for (unsigned k = 0; k < x.n_findings; k++)
        TU_CHECK(!gram_src_binding(x.findings[k].src), "AT+XYZZY=,: finding %s is binding (%s)",
                 hx_rule_name(x.findings[k].rule), x.findings[k].seen);
    static const char *const readable[] = {"AT+QIOTMCUVER?", NULL};
    static const char *const readable_reply[] = {"AT+QIOTMCUVER?\r\r\nsome text of its own\r\nOK\r\n", NULL};
    scripted(readable, readable_reply, &x, HR_RESPONSE_SYNTAX, &any);
    TU_CHECK(any, "a line no form gives, in the answer to AT+QIOTMCUVER?, is not a response-syntax finding");
    for (unsigned k = 0; k < x.n_findings; k++)
        if (x.findings[k].rule == HR_RESPONSE_SYNTAX)
            TU_CHECK(gram_src_binding(x.findings[k].src), "its source is not a document: %s",
                     x.findings[k].src.cite ? x.findings[k].src.cite : "(none)");
}

/* V.250 5.6: the commands before the one in error may have run. "ATE0=0" (E0, then an
 * error) may have turned the echo off: the next command without echo is no finding; with
 * the echo on the whole time and no ATE in the line, a missing echo is one. (The session
 * keeps the forms of the commands before the error: harness/session.c form_of.) */
static void echo_after_error(void)
{
    struct hx_exchange x;
    bool any;
    static const char *const cmds[] = {"ATE0=0", "AT+QIOTMCUVER?", NULL};
    static const char *const off[] = {"ATE0=0\r\r\nERROR\r\n", "\r\nOK\r\n", NULL};
    scripted(cmds, off, &x, HR_ECHO, &any);
    TU_CHECK(!any, "a missing echo after ATE0=0 (which may have run) is a finding");
    static const char *const cmds2[] = {"AT E0=,", "AT+QIOTMCUVER?", NULL};
    scripted(cmds2, (const char *const[]){"AT E0=,\r\r\nERROR\r\n", "\r\nOK\r\n", NULL}, &x, HR_ECHO, &any);
    TU_CHECK(!any, "a missing echo after 'AT E0=,' (spaces ignored) is a finding");
    static const char *const cmds3[] = {"AT+QIOTMCUVER=,", "AT+QIOTMCUVER?", NULL};
    scripted(cmds3, (const char *const[]){"AT+QIOTMCUVER=,\r\r\nERROR\r\n", "\r\nOK\r\n", NULL}, &x, HR_ECHO,
             &any);
    TU_CHECK(any, "a missing echo after a line with no E command is not found");
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = tu_suite("faultless");
    for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "faultless:%s", vendors[i]);
        tu_add(s, name, faultless);
    }
    s = tu_suite("faults");
    for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "faults:%s", vendors[i]);
        tu_add(s, name, each_fault);
    }
    tu_add(s, "every fault applies somewhere", every_fault_somewhere);
    tu_add(s, "every rule has a fault that proves it", every_rule_proven);
    s = tu_suite("standard traffic");
    tu_add(s, "standard URCs change no verdict", standard_traffic);
    s = tu_suite("plan");
    tu_add(s, "unique cases of every kind", unique_cases);
    tu_add(s, "timed steps for the pictures", timed_steps);
    tu_add(s, "destructive cases gated", destructive_gated);
    s = tu_suite("caps");
    tu_add(s, "capability file", caps_file);
    tu_add(s, "a flow's start: capability file, else reference cloud", caps_flow_start);
    s = tu_suite("credentials");
    tu_add(s, "a credential the host sent in the clear", credential_sent_in_clear);
    tu_add(s, "a credential in a valid line", credential_in_valid_line);
    tu_add(s, "a credential the host sent in the clear long ago", credential_sent_long_ago);
    s = tu_suite("answers");
    tu_add(s, "text in the answer to an unreadable line", text_in_answers);
    tu_add(s, "the echo after a line in error", echo_after_error);
    return tu_run(argc, argv);
}
