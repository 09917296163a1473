/* cli/verb_conform.c — `otacheck conform`: the conformance suite against the built-in
 * reference modules (no --target) or a real module, reports written as it goes, and at the
 * end the cases that did not pass (reports/summary.c) and the totals.
 * Exit status: 0 every applicable case passed (or only WARNed, unless --strict), 1 some case
 * failed (or WARNed, with --strict), 2 usage or configuration error, 3 the target could not
 * be reached or was lost. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conformance/caps.h"
#include "conformance/conform.h"
#include "harness/defaults.h"
#include "reports/report.h"

/* At the end, at most this many cases of each verdict that did not pass are listed. */
#define SUMMARY_MAX_EACH 50

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck conform [--vendor ID|all] [--target SPEC] [--caps FILE] [--allow-destructive]\n"
            "                        [--only PATTERN] [--report-dir DIR] [--format junit,tap,json,html]\n"
            "                        [--dialect [VENDOR:]KNOB=CHOICE]... [--grammar FILE] [--pace-us N]\n"
            "                        [--list] [--quiet] [--strict]\n"
            "  --target SPEC   sim:<vendor> (default: each vendor's reference module), exec:<command>,\n"
            "                  pty:<path>, serial:<device>[,baud=N][,flow=none|rtscts|xonxoff], tcp:<host>:<port>\n"
            "  --caps FILE     the module's capability file (conformance/caps.example.ini)\n"
            "  --only PATTERN  cases whose id, suite or name contains it (or matches it: * ?)\n"
            "  --report-dir    where results go (default otacheck-report): results.jsonl as the run\n"
            "                  goes, then junit.xml, results.tap, results.json, report.html\n"
            "  --list          print the cases and run nothing\n"
            "  --quiet         no progress as the run goes (the cases that did not pass and the\n"
            "                  totals are printed at the end all the same)\n"
            "  --strict        a WARN (an expectation otacheck inferred, not met) fails the run too\n"
            "exit: 0 all applicable cases passed (WARN allowed unless --strict), 1 some failed,\n"
            "      2 usage error, 3 target unreachable or lost\n");
}

/* The first SIGINT/SIGTERM ends the wait in hand and the run, reports written; a second
 * ends the process at once (results.jsonl holds every case finished). */
static void on_signal(int sig)
{
    if (cf_conform_stop()) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

static void iso_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The reference cloud's credentials never appear in a report either. */
static void add_default_secrets(struct rp_writer *w, const struct cf_caps *caps)
{
    for (size_t i = 0; caps && caps->secrets[i]; i++)
        rp_add_secret(w, caps->secrets[i]);
    static const char *const vendors[] = {"fibocom", "simcom", "airm2m", "qualcomm", "quectel"};
    for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++) {
        const struct ota_defaults *d = ota_defaults_for(vendors[i]);
        if (d && d->ftp_pass)
            rp_add_secret(w, d->ftp_pass);
        if (d && d->product_secret)
            rp_add_secret(w, d->product_secret);
    }
}

int verb_conform(int argc, char **argv)
{
    enum { O_TARGET = 1, O_CAPS, O_DESTRUCTIVE, O_ONLY, O_DIR, O_FORMAT, O_LIST, O_QUIET, O_STRICT, O_PACE,
           O_HELP };
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"target", required_argument, NULL, O_TARGET},
        {"caps", required_argument, NULL, O_CAPS},
        {"allow-destructive", no_argument, NULL, O_DESTRUCTIVE},
        {"only", required_argument, NULL, O_ONLY},
        {"report-dir", required_argument, NULL, O_DIR},
        {"format", required_argument, NULL, O_FORMAT},
        {"list", no_argument, NULL, O_LIST},
        {"quiet", no_argument, NULL, O_QUIET},
        {"strict", no_argument, NULL, O_STRICT},
        {"pace-us", required_argument, NULL, O_PACE},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct cli_env env;
    cli_env_init(&env);
    const char *target = NULL, *caps_file = NULL, *only = NULL, *dir = "otacheck-report",
               *formats = "junit,tap,json,html";
    bool destructive = false, list = false, quiet = false, strict = false;
    long pace = -1;
    int opt, rc = EXIT_USAGE;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        switch (opt) {
        case O_TARGET: target = optarg; break;
        case O_CAPS: caps_file = optarg; break;
        case O_DESTRUCTIVE: destructive = true; break;
        case O_ONLY: only = optarg; break;
        case O_DIR: dir = optarg; break;
        case O_FORMAT: formats = optarg; break;
        case O_LIST: list = true; break;
        case O_QUIET: quiet = true; break;
        case O_STRICT: strict = true; break;
        case O_PACE: pace = strtol(optarg, NULL, 10); break;
        case O_HELP: usage(stdout); cli_env_free(&env); return EXIT_PASS;
        default: usage(stderr); cli_env_free(&env); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "otacheck conform: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    char err[600];
    struct cf_caps caps;
    cf_caps_init(&caps);
    struct rp_writer *w = NULL;
    struct cf_conform_opts *o = calloc(1, sizeof *o);
    if (!o)
        goto out;
    if (caps_file && cf_caps_load(&caps, caps_file, err, sizeof err) != 0) {
        fprintf(stderr, "otacheck conform: %s\n", err);
        goto out;
    }
    /* the command line wins over the capability file */
    if (!target && caps.target)
        target = caps.target;
    if (!env.vendor && caps.vendor)
        env.vendor = caps.vendor;
    if (!destructive && caps.allow_destructive == 1)
        destructive = true;
    if (pace < 0)
        pace = caps.pace_us;
    unsigned fmask = rp_parse_formats(formats, err, sizeof err);
    if (!fmask) {
        fprintf(stderr, "otacheck conform: %s\n", err);
        goto out;
    }
    if ((rc = cli_load(&env)) != EXIT_PASS)
        goto out;
    rc = EXIT_USAGE;
    const struct gram_vendor *vs[CF_MAX_VENDORS];
    size_t nv = cli_vendors(&env, vs, CF_MAX_VENDORS);
    if (!nv)
        goto out;
    bool sim_target = !target || strncmp(target, "sim:", 4) == 0;
    if (target && !sim_target && nv != 1) {
        fprintf(stderr, "otacheck conform: --target %s is one module: say which vendor it is (--vendor ID, or "
                        "'vendor' in the capability file)\n", target);
        goto out;
    }
    if (target && sim_target && nv != 1) {
        /* sim:<vendor>: that vendor only */
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)strcspn(target + 4, ","), target + 4);
        nv = 0;
        for (size_t i = 0; i < env.set.n_vendors; i++)
            if (strcmp(env.set.vendors[i]->id, id) == 0)
                vs[nv++] = env.set.vendors[i];
        if (!nv) {
            fprintf(stderr, "otacheck conform: %s: no such vendor\n", target);
            goto out;
        }
    }
    o->gs = &env.set;
    for (size_t i = 0; i < nv; i++) {
        o->vendors[i] = vs[i];
        if (cli_dialect(&env, vs[i], &o->dialects[i]) != EXIT_PASS)
            goto out;
        if (cli_caps_dialect(caps_file ? &caps : NULL, "conform", vs[i], &o->dialects[i]) != EXIT_PASS)
            goto out;
    }
    o->n_vendors = (unsigned)nv;
    o->target = target;
    o->caps = caps_file ? &caps : NULL;
    o->allow_destructive = destructive;
    o->pace_us = (unsigned)pace;
    o->only = only;
    o->list_only = list;
    o->strict = strict;
    o->progress = quiet ? NULL : stderr;
    o->progress_tty = !quiet && isatty(2);
    if (!list) {
        w = rp_open(dir, fmask, err, sizeof err);
        if (!w) {
            fprintf(stderr, "otacheck conform: %s\n", err);
            goto out;
        }
        add_default_secrets(w, o->caps);
        o->rp = w;
    }
    char started[32], finished[32], host[128] = "";
    iso_now(started, sizeof started);
    gethostname(host, sizeof host - 1);
    char cmdline[1024];
    size_t cl = 0;
    for (int i = 0; i < argc && cl < sizeof cmdline; i++)
        cl += (size_t)snprintf(cmdline + cl, sizeof cmdline - cl, "%s%s", i ? " " : "otacheck ", argv[i]);
    struct rp_run run = {
        .tool_version = "otacheck 0.1.0",
        .command_line = cmdline,
        .host = host,
        .started_at = started,
    };
    if (w)
        rp_set_run(w, &run); /* a killed run's stream says what it was */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct cf_conform_summary sum;
    if (cf_conform_run(o, &sum, err, sizeof err) != 0) {
        fprintf(stderr, "otacheck conform: %s\n", err);
        goto out;
    }
    if (list) {
        rc = EXIT_PASS;
        goto out;
    }
    iso_now(finished, sizeof finished);
    run.finished_at = finished;
    run.interrupted = sum.interrupted || sum.lost;
    run.stopped_because = sum.stopped[0] ? sum.stopped : sum.interrupted ? "interrupted by a signal" : NULL;
    if (rp_finish(w, &run, err, sizeof err) != 0)
        fprintf(stderr, "otacheck conform: writing the reports: %s\n", err);
    /* the cases that did not pass, where to read more of them, then the totals */
    char more_in[700];
    snprintf(more_in, sizeof more_in, "%s/%s", dir, fmask & RP_HTML ? "report.html" : "results.jsonl");
    rp_write_summary(stdout, w, SUMMARY_MAX_EACH, more_in);
    printf("otacheck conform: %u cases: %u passed, %u warned, %u failed, %u N/A, %u errors%s%s\n", sum.total,
           sum.pass, sum.warn, sum.fail, sum.na, sum.error, sum.stopped[0] ? "; " : "", sum.stopped);
    printf("reports: %s/ (results.jsonl", dir);
    static const char *const names[] = {"junit.xml", "results.tap", "results.json", "report.html"};
    for (int i = 0; i < 4; i++)
        if (fmask >> i & 1)
            printf(", %s", names[i]);
    printf(")\n");
    struct rp_counts counts = {sum.total, sum.pass, sum.fail, sum.na, sum.error, sum.warn};
    if (sum.bad_target)
        rc = EXIT_USAGE;
    else if (sum.unreachable || sum.lost)
        rc = EXIT_TARGET;
    else if (rp_counts_failed(counts, strict) || sum.interrupted)
        rc = EXIT_FAIL;
    else
        rc = EXIT_PASS;
out:
    rp_free(w);
    free(o);
    cf_caps_free(&caps);
    cli_env_free(&env);
    return rc;
}
