/* conformance/conform.c — see conform.h.
 *
 * CUnit's test functions take no argument, so the run being played is the one static
 * pointer here (set for the length of cf_conform_run); a test function finds its case by
 * the CUnit test it is (a sorted table, binary search). The stop flag is the other static:
 * a signal handler can only reach a static. */
#include "conformance/conform.h"
#include "common/digest.h"
#include "common/fileio.h"
#include "parser/mask.h"
#include "common/xalloc.h"

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/case.h"
#include "conformance/runner.h"
#include "harness/session.h"
#include "harness/transport.h"
#include "parser/index.h"

struct vendor_run {
    const struct gram_vendor *v;
    const struct gram_dialect *d;
    struct at_index ix;
    struct cf_plan plan;
    char spec[600];
    bool started, unreachable;
    char why[400];
    struct hx_transport *t;
    struct hx_session s;
    struct cf_runner r;
    unsigned target;
};

struct registered {
    CU_pTest test;
    struct vendor_run *vr;
    const struct cf_case *c;
};

struct run {
    const struct cf_conform_opts *o;
    struct cf_conform_summary *sum;
    struct vendor_run vr[CF_MAX_VENDORS];
    unsigned n_vr;
    struct registered *reg;
    size_t n_reg;
    struct vendor_run *open; /* the vendor whose module is open */
    unsigned done;
};

static struct run *current_run;
static volatile sig_atomic_t stop_requested;

bool cf_conform_stop(void)
{
    bool again = stop_requested;
    stop_requested = 1;
    return again;
}

bool cf_conform_stop_requested(void)
{
    return stop_requested;
}

/* ---- the module of a vendor ------------------------------------------------------------ */

static void close_vendor(struct vendor_run *vr)
{
    if (!vr->started)
        return;
    cf_runner_free(&vr->r);
    hx_session_free(&vr->s);
    hx_close(vr->t);
    vr->t = NULL;
    vr->started = false;
}

/* The SHA-256 of the capability file as the reports may show it: its credentials as ***
 * (the digest of a secret would let one check a guess). hex[0] is NUL when it cannot be
 * read. */
static void caps_digest(const struct cf_caps *caps, char hex[65])
{
    hex[0] = '\0';
    FILE *f = oc_fopen(caps->path, "rb");
    if (!f)
        return;
    char *text = NULL;
    size_t len = 0;
    FILE *m = oc_xmemstream(&text, &len);
    char buf[8192];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, k, m);
    bool bad = ferror(f);
    fclose(f);
    oc_xmemstream_close(m);
    if (!bad) {
        struct at_secrets set;
        at_secrets_init(&set);
        for (size_t i = 0; caps->secrets[i]; i++)
            at_secrets_add(&set, caps->secrets[i], strlen(caps->secrets[i]));
        size_t ml;
        char *masked = at_secrets_mask_dup(&set, text, len, &ml);
        oc_sha256_hex(masked, ml, hex);
        free(masked);
        at_secrets_free(&set);
    }
    free(text);
}

static void open_vendor(struct run *run, struct vendor_run *vr)
{
    const struct cf_conform_opts *o = run->o;
    if (run->open == vr)
        return;
    if (run->open)
        close_vendor(run->open);
    run->open = vr;
    if (vr->unreachable)
        return;
    char err[512];
    /* the reference module in-process, unless a target is named */
    if (o->target)
        snprintf(vr->spec, sizeof vr->spec, "%s", o->target);
    else
        snprintf(vr->spec, sizeof vr->spec, "sim:%s", vr->v->id);
    int rc = hx_open(vr->spec, o->gs, &vr->t, err, sizeof err);
    if (rc != 0) {
        vr->unreachable = true;
        snprintf(vr->why, sizeof vr->why, "the target could not be reached: %.300s", err);
        if (rc == -1)
            run->sum->bad_target = true; /* the spec itself is wrong: a usage error */
        else
            run->sum->unreachable = true;
        snprintf(run->sum->stopped, sizeof run->sum->stopped, "%.250s", vr->why);
        return;
    }
    vr->t->pace_us = o->pace_us;
    vr->t->cancel = &stop_requested; /* a signal ends the wait in hand, not only the run */
    struct hx_session_opts so = {.idle_flush_ns = o->line_gap_ns};
    if (hx_session_init(&vr->s, vr->t, vr->v, vr->d, &so) != 0) {
        hx_close(vr->t);
        vr->unreachable = true;
        snprintf(vr->why, sizeof vr->why, "cannot start a session");
        return;
    }
    vr->started = true;
    bool sim = strncmp(vr->spec, "sim:", 4) == 0;
    struct cf_runner_opts ro = {
        .allow_destructive = o->allow_destructive || sim,
        .caps = o->caps,
        .clean_output = o->strict || (o->caps && o->caps->clean_output == 1),
        .provisioned = sim || (o->caps && o->caps->provisioned == 1),
    };
    if (cf_runner_start(&vr->r, &vr->s, &ro) != 0) {
        vr->unreachable = true;
        snprintf(vr->why, sizeof vr->why, "the target does not answer AT with OK (%.300s)", vr->spec);
        run->sum->unreachable = true;
        snprintf(run->sum->stopped, sizeof run->sum->stopped, "%.250s", vr->why);
    }
    if (o->rp) {
        char caps_hex[65] = "";
        if (o->caps && o->caps->path)
            caps_digest(o->caps, caps_hex);
        char dialect[512] = "";
        size_t dl = 0;
        for (int k = 1; k <= vr->v->n_knobs && dl < sizeof dialect; k++) {
            char one[128];
            dl += (size_t)snprintf(dialect + dl, sizeof dialect - dl, "%s%s", dl ? "," : "",
                                   gram_dialect_describe(vr->d, k, one, sizeof one));
        }
        struct rp_target t = {
            .vendor = vr->v->id,
            .vendor_name = vr->v->name,
            .spec = vr->spec,
            .manufacturer = vr->r.manufacturer[0] ? vr->r.manufacturer : NULL,
            .imei = vr->r.imei[0] ? vr->r.imei : NULL,
            .model = vr->r.model[0] ? vr->r.model : NULL,
            .revision = vr->r.revision[0] ? vr->r.revision : NULL,
            .grammar_source = vr->v->n_sources ? vr->v->sources[0].title : NULL,
            .grammar_revision = vr->v->revision,
            .dialect = dialect,
            .caps_file = o->caps ? o->caps->path : NULL,
            .caps_note = o->caps ? NULL
                                 : "no capability file: flows are started with the reference module's "
                                   "defaults (harness/defaults.c)",
            .destructive_allowed = ro.allow_destructive,
            .overhead_ms = vr->r.overhead_ms,
            .grammar_sha256 = vr->v->sha256,
            .caps_sha256 = caps_hex[0] ? caps_hex : NULL,
            .clock = vr->t && vr->t->virtual_time ? "virtual" : "wall",
        };
        /* the IMEI in full is kept out of every file (ATI's answer in a transcript, too):
         * the header shows its last four digits */
        if (vr->r.imei_full[0])
            rp_add_secret(o->rp, vr->r.imei_full);
        vr->target = rp_add_target(o->rp, &t);
    }
}

/* ---- one case ---------------------------------------------------------------------- */

static int cmp_reg(const void *a, const void *b)
{
    const struct registered *x = a, *y = b;
    return x->test < y->test ? -1 : x->test > y->test;
}

static void progress(struct run *run, const struct cf_case *c, enum rp_verdict v)
{
    FILE *f = run->o->progress;
    if (!f)
        return;
    const struct cf_conform_summary *s = run->sum;
    if (run->o->progress_tty) {
        fprintf(f, "\r\033[K[%u/%zu] fail %u  warn %u  %.60s", run->done, run->n_reg, s->fail + s->error,
                s->warn, c->id);
        if (run->done == run->n_reg)
            fputc('\n', f);
    } else {
        fprintf(f, "[%u/%zu] %-5s %s\n", run->done, run->n_reg, rp_verdict_name(v), c->id);
    }
    fflush(f);
}

static void record(struct run *run, struct vendor_run *vr, const struct cf_case *c, const struct cf_result *res)
{
    struct cf_conform_summary *s = run->sum;
    s->total++;
    switch (res->verdict) {
    case RP_PASS: s->pass++; break;
    case RP_FAIL: s->fail++; break;
    case RP_NA: s->na++; break;
    case RP_ERROR: s->error++; break;
    case RP_WARN: s->warn++; break;
    }
    run->done++;
    if (run->o->rp) {
        struct rp_case rc = {
            .id = c->id,
            .suite = c->suite,
            .name = c->name,
            .vendor = vr->v->id,
            .command = c->cmd ? (c->cmd->empty ? "AT" : c->cmd->name) : "",
            .form = c->kind == CF_FLOW ? "flow" : c->kind == CF_EXAMPLE ? "example"
                    : c->form ? gram_form_kind_name(c->form->kind) : "none",
            .verdict = res->verdict,
            .rule = res->rule ? res->rule : hx_rule_name(c->rule),
            .reason = res->reason,
            .expected = res->expected,
            .seen = res->seen,
            .source_kind = res->source_kind,
            .source = res->source[0] ? res->source : NULL,
            .others = res->others,
            .latency_ms = res->latency_ms,
            .first_byte_ms = res->first_byte_ms,
            .limit_ms = res->limit_ms,
            .duration_ms = res->duration_ms,
            .transcript = res->transcript ? res->transcript : "",
            .target = vr->target,
            .steps = res->steps,
            .n_steps = res->n_steps,
            .n_steps_dropped = res->n_steps_dropped,
            .stall_limit_ms = res->stall_limit_ms,
            .total_limit_ms = res->total_limit_ms,
        };
        rp_case(run->o->rp, &rc);
    }
    progress(run, c, res->verdict);
}

static void play_registered(void)
{
    struct run *run = current_run;
    struct registered key = {CU_get_current_test(), NULL, NULL};
    struct registered *reg = bsearch(&key, run->reg, run->n_reg, sizeof *reg, cmp_reg);
    if (!reg || stop_requested) {
        if (stop_requested)
            run->sum->interrupted = true;
        return;
    }
    struct vendor_run *vr = reg->vr;
    open_vendor(run, vr);
    struct cf_result res;
    if (vr->unreachable) {
        memset(&res, 0, sizeof res);
        res.verdict = reg->c->na ? RP_NA : RP_ERROR;
        snprintf(res.reason, sizeof res.reason, "%s", reg->c->na ? reg->c->na : vr->why);
        res.latency_ms = res.first_byte_ms = -1;
    } else {
        cf_run_case(&vr->r, reg->c, &res);
        if (vr->s.cancelled) {
            /* the signal cut the case short: what it saw is no verdict */
            run->sum->interrupted = true;
            res.verdict = RP_ERROR;
            res.rule = NULL;
            res.source_kind = NULL;
            res.source[0] = '\0';
            snprintf(res.reason, sizeof res.reason, "interrupted by a signal during the case: no verdict");
            res.expected[0] = res.seen[0] = '\0';
            free(res.others);
            res.others = NULL;
        } else if (vr->r.lost && !run->sum->lost) {
            run->sum->lost = true;
            snprintf(run->sum->stopped, sizeof run->sum->stopped, "the target %.100s was lost during %.120s", vr->spec,
                     reg->c->id);
        }
    }
    record(run, vr, reg->c, &res);
    if (res.verdict == RP_FAIL || res.verdict == RP_ERROR) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s %s", rp_verdict_name(res.verdict), res.reason);
        CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
    }
    cf_result_free(&res);
}

/* ---- registration ------------------------------------------------------------------ */

/* CUnit failed: for lack of memory, the run ends as any other that runs out of it. */
static void cunit_memory_check(void)
{
    if (CU_get_error() == CUE_NOMEMORY)
        oc_out_of_memory(0);
}

static int register_cases(struct run *run, char *err, size_t errlen)
{
    size_t total = 0;
    for (unsigned i = 0; i < run->n_vr; i++)
        total += run->vr[i].plan.n;
    run->reg = oc_xcalloc(total, sizeof *run->reg);
    for (unsigned i = 0; i < run->n_vr; i++) {
        struct vendor_run *vr = &run->vr[i];
        for (size_t k = 0; k < vr->plan.n; k++) {
            const struct cf_case *c = &vr->plan.cases[k];
            CU_pSuite su = CU_get_suite(c->suite);
            if (!su)
                su = CU_add_suite(c->suite, NULL, NULL);
            CU_pTest t = su ? CU_add_test(su, c->name, play_registered) : NULL;
            if (!t) {
                cunit_memory_check();
                snprintf(err, errlen, "CUnit refused case %s: %s", c->id, CU_get_error_msg());
                return -1;
            }
            run->reg[run->n_reg++] = (struct registered){t, vr, c};
        }
    }
    qsort(run->reg, run->n_reg, sizeof *run->reg, cmp_reg);
    return 0;
}

static void list_cases(const struct run *run)
{
    for (unsigned i = 0; i < run->n_vr; i++)
        for (size_t k = 0; k < run->vr[i].plan.n; k++) {
            const struct cf_case *c = &run->vr[i].plan.cases[k];
            printf("%s\t%s\t%s%s\n", c->id, c->line ? c->line : "-", c->na ? "N/A: " : "", c->na ? c->na : "");
        }
}

int cf_conform_run(const struct cf_conform_opts *o, struct cf_conform_summary *sum, char *err, size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    struct run *run = oc_xcalloc(1, sizeof *run);
    run->o = o;
    run->sum = sum;
    int rc = 0;
    struct cf_plan_opts po = {
        o->caps ? (const char *const *)o->caps->not_supported : NULL,
        o->caps && o->caps->flows_given ? (const char *const *)o->caps->flows : NULL,
    };
    for (unsigned i = 0; i < o->n_vendors && i < CF_MAX_VENDORS; i++) {
        struct vendor_run *vr = &run->vr[run->n_vr++];
        vr->v = o->vendors[i];
        vr->d = &o->dialects[i];
        const struct gram_vendor *vs[1] = {vr->v};
        const struct gram_dialect *ds[1] = {vr->d};
        if (at_index_build(&vr->ix, vs, ds, 1) != 0) {
            snprintf(err, errlen, "cannot build the cases of %s", vr->v->id);
            rc = -1;
            goto out;
        }
        cf_plan_build(&vr->plan, &vr->ix, &po);
        cf_plan_filter(&vr->plan, o->only);
    }
    if (o->list_only) {
        list_cases(run);
        goto out;
    }
    if (CU_initialize_registry() != CUE_SUCCESS) {
        cunit_memory_check();
        snprintf(err, errlen, "CUnit: %s", CU_get_error_msg());
        rc = -1;
        goto out;
    }
    if (register_cases(run, err, errlen) != 0) {
        rc = -1;
        CU_cleanup_registry();
        goto out;
    }
    stop_requested = 0;
    current_run = run;
    CU_run_all_tests(); /* silent: the progress and the reports are ours */
    current_run = NULL;
    if (o->progress && o->progress_tty && run->done && run->done < run->n_reg) {
        fputc('\n', o->progress); /* stopped early: end the live line before what follows */
        fflush(o->progress);
    }
    CU_cleanup_registry();
    if (run->open)
        close_vendor(run->open);
out:
    for (unsigned i = 0; i < run->n_vr; i++) {
        close_vendor(&run->vr[i]);
        cf_plan_free(&run->vr[i].plan);
        at_index_free(&run->vr[i].ix);
    }
    free(run->reg);
    free(run);
    return rc;
}
