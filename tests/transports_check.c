/* tests/transports_check.c — see transports_check.h. */
#include "tests/transports_check.h"

#include <stdio.h>
#include <string.h>

#include "conformance/case.h"
#include "conformance/runner.h"
#include "tests/tu.h"

const char *status_name(enum hx_status s)
{
    static const char *const names[] = {"done", "timeout", "lost", "rebooted"};
    return (unsigned)s < 4 ? names[s] : "?";
}

/* A query every vendor's module answers with information lines. */
const char *vendor_query(const char *vendor)
{
    static const char *const q[][2] = {
        {"quectel", "AT+QIOTOTAREQ=?"}, {"fibocom", "AT+GTOTA=?"}, {"simcom", "AT+CAPFOTA?"},
        {"airm2m", "AT+UPGRADE?"},      {"qualcomm", "AT+OTAFWUP"}, /* its read form is silent */
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (strcmp(q[i][0], vendor) == 0)
            return q[i][1];
    return "AT+CGMR";
}

void print_transcript(const struct hx_session *s, const struct hx_exchange *x)
{
    char buf[4096];
    hx_transcript(s, x->first_ev, x->end_ev, buf, sizeof buf);
    fprintf(stderr, "    transcript of %s:\n%s", x->cmd, buf);
    for (unsigned i = 0; i < x->n_findings; i++)
        fprintf(stderr, "    finding %s: expected %s, seen %s\n", hx_rule_name(x->findings[i].rule),
                x->findings[i].expected, x->findings[i].seen);
}

bool has_finding(const struct hx_exchange *x, const char *rule)
{
    for (unsigned i = 0; i < x->n_findings; i++)
        if (strcmp(hx_rule_name(x->findings[i].rule), rule) == 0)
            return true;
    return false;
}

bool has_info(const struct hx_session *s, const struct hx_exchange *x)
{
    for (size_t i = x->first_ev; i < x->end_ev; i++)
        if (s->ev[i].cls == AT_CLS_INFO && s->ev[i].valid)
            return true;
    return false;
}

/* cmd must end in a final starting with final_prefix, with information lines if want_info,
 * and no findings. */
void expect_answer(struct hx_session *s, const char *where, const char *cmd, const char *final_prefix,
                          bool want_info)
{
    struct hx_exchange x;
    enum hx_status st = hx_exchange(s, cmd, ANSWER_LIMIT, &x);
    bool ok = st == HX_DONE;
    TU_CHECK(ok, "%s: %s: status %s, expected done", where, cmd, status_name(st));
    if (ok) {
        const char *final = s->ev[x.final_ev].text;
        ok = strncmp(final, final_prefix, strlen(final_prefix)) == 0;
        TU_CHECK(ok, "%s: %s: final '%s', expected '%s'", where, cmd, final, final_prefix);
        if (want_info) {
            ok = ok && has_info(s, &x);
            TU_CHECK(has_info(s, &x), "%s: %s: no valid information line", where, cmd);
        }
    }
    TU_CHECK(x.n_findings == 0, "%s: %s: %u findings, the first: %s (%s)", where, cmd, x.n_findings,
             x.n_findings ? hx_rule_name(x.findings[0].rule) : "", x.n_findings ? x.findings[0].seen : "");
    if (!ok || x.n_findings)
        print_transcript(s, &x);
}

/* The conversation every transport must carry. */
void converse(struct hx_transport *t, const char *vendor, const char *where)
{
    struct hx_session s;
    if (hx_session_init(&s, t, tu_vendor(vendor), NULL, NULL) != 0) {
        TU_CHECK(false, "%s: the session does not start", where);
        return;
    }
    expect_answer(&s, where, "ATE0", "OK", false);
    expect_answer(&s, where, "AT", "OK", false);
    expect_answer(&s, where, vendor_query(vendor), "OK", true);
    expect_answer(&s, where, "AT+CGMR", "OK", true);
    expect_answer(&s, where, "AT+OTACHECKNOSUCH", "ERROR", false);
    TU_CHECK(hx_probe(&s), "%s: AT -> OK probe failed", where);
    hx_session_free(&s);
}

void conform_over(struct hx_transport *t, const char *vendor, const char *only, const char *fail_rule,
                  const char *where)
{
    const struct gram_vendor *v = tu_vendor(vendor);
    const struct gram_dialect *dp = NULL;
    struct at_index ix;
    struct cf_plan plan;
    struct hx_session s;
    struct cf_runner r = {0};
    if (at_index_build(&ix, &v, &dp, 1) != 0) {
        TU_CHECK(false, "%s: no plan", where);
        return;
    }
    cf_plan_build(&plan, &ix, NULL);
    cf_plan_filter(&plan, only);
    struct cf_runner_opts o = {.allow_destructive = false};
    if (hx_session_init(&s, t, v, NULL, NULL) != 0 || cf_runner_start(&r, &s, &o) != 0) {
        TU_CHECK(false, "%s: the module does not answer", where);
        cf_runner_free(&r);
        goto out_plan;
    }
    unsigned pass = 0, fail = 0, other = 0, wanted = 0;
    for (size_t i = 0; i < plan.n; i++) {
        struct cf_result res;
        cf_run_case(&r, &plan.cases[i], &res);
        if (res.verdict == RP_PASS) {
            pass++;
        } else if (res.verdict == RP_FAIL) {
            fail++;
            if (fail_rule && strcmp(res.rule, fail_rule) == 0)
                wanted++;
            else
                TU_CHECK(false, "%s: %s FAILs: %s", where, plan.cases[i].id, res.reason);
        } else if (res.verdict == RP_ERROR) {
            other++;
            TU_CHECK(false, "%s: %s ERROR: %s", where, plan.cases[i].id, res.reason);
        }
        cf_result_free(&res);
    }
    TU_CHECK(pass >= 5, "%s: only %u of %zu cases (%s) PASS", where, pass, plan.n, only);
    if (fail_rule)
        TU_CHECK(wanted > 0, "%s: no case FAILs on %s", where, fail_rule);
    cf_runner_free(&r);
    hx_session_free(&s);
out_plan:
    cf_plan_free(&plan);
    at_index_free(&ix);
}

struct hx_transport *open_target(const char *spec)
{
    struct hx_transport *t = NULL;
    char err[512] = "";
    int r = hx_open(spec, tu_grammar(), &t, err, sizeof err);
    TU_CHECK(r == 0, "hx_open %s: %d: %s", spec, r, err);
    return r == 0 ? t : NULL;
}

/* hx_open must fail with code want and a message containing text. */
void expect_open_error(const char *spec, int want, const char *text)
{
    struct hx_transport *t = NULL;
    char err[512] = "";
    int r = hx_open(spec, tu_grammar(), &t, err, sizeof err);
    TU_CHECK(r == want, "hx_open %s: %d (%s), expected %d", spec, r, err, want);
    TU_CHECK(strstr(err, text) != NULL, "hx_open %s: message '%s' lacks '%s'", spec, err, text);
    if (r == 0)
        hx_close(t);
}
