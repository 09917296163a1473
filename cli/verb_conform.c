/* cli/verb_conform.c — `otacheck conform`: the conformance suite against the built-in
 * reference modules (no --target) or a real module, reports written as it goes, and at the
 * end the cases that did not pass (reports/summary.c) and the totals.
 * Exit status: 0 every applicable case passed (or only WARNed, unless --strict), 1 some case
 * failed (or WARNed, with --strict), 2 usage or configuration error, 3 the target could not
 * be reached or was lost, 4 a report could not be written (disk full, I/O error: whatever the
 * verdicts) or the host ran out of memory. */
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/conform_multi.h"
#include "common/xalloc.h"
#include "conformance/case.h"
#include "conformance/caps.h"
#include "conformance/conform.h"
#include "harness/defaults.h"
#include "harness/transport.h"
#include "parser/index.h"
#include "reports/report.h"

/* At the end, at most this many cases of each verdict that did not pass are listed. */
#define SUMMARY_MAX_EACH 50

static void usage(FILE *out)
{
    char names[256], files[256];
    fprintf(out,
            "usage: otacheck conform [--vendor ID|all] [--target SPEC] [--caps FILE] [--allow-destructive]\n"
            "                        [--only PATTERN] [--report-dir DIR] [--format %s]\n"
            "                        [--dialect [VENDOR:]KNOB=CHOICE]... [--grammar FILE] [--pace-us N] [--line-gap MS]\n"
            "                        [--list] [--quiet] [--strict] [-v]\n"
            "  --target SPEC   sim:<vendor> (default: each vendor's reference module), exec:<command>,\n"
            "                  pty:<path>, serial:<device>[,baud=N][,flow=none|rtscts|xonxoff], tcp:<host>:<port>,\n"
            "                  rfc2217:<host>:<port>[,baud=N][,flow=...] (labgrid's and ser2net's telnet(rfc2217))\n"
            "  --caps FILE     the module's capability file (conformance/caps.example.ini)\n"
            "  several modules at once: --target repeated (VENDOR=SPEC names a module's vendor), or\n"
            "                  one --caps per module; one run each, in parallel, its reports in\n"
            "                  DIR/targets/N, every module's cases in DIR's reports; exit: the worst\n"
            "  --only PATTERN  cases whose id, suite or name contains it (or matches it: * ?)\n"
            "  --report-dir    where results go (default otacheck-report): results.jsonl as the run\n"
            "                  goes, then %s\n"
            "  --pace-us N     microseconds between the bytes written, 0 to %u (modules that drop bytes)\n"
            "  --line-gap MS   the quiet, 1 to %u ms, that ends a line sent without CR LF (default: by\n"
            "                  target, 100 ms; tcp: 250 ms): more for a module that pauses inside lines\n"
            "  --list          print the cases and run nothing\n"
            "  --quiet         no progress as the run goes (the cases that did not pass and the\n"
            "                  totals are printed at the end all the same)\n"
            "  --strict        a WARN (an expectation otacheck inferred, not met) fails the run too\n"
            "  -v, --verbose   the end of the run shows the transcript of each case that did not pass\n"
            "exit: 0 all applicable cases passed (WARN allowed unless --strict), 1 some failed,\n"
            "      2 usage error, 3 target unreachable or lost, 4 a report could not be written\n"
            "      (disk full, I/O error) or out of memory\n",
            rp_format_names(names, sizeof names, ",", false), rp_format_names(files, sizeof files, ", ", true),
            HX_PACE_US_MAX, HX_LINE_GAP_MS_MAX);
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

/* Is --only's pattern one fnmatch reads as it is meant (a '[' closed by its ']', no '\\' at
 * the end)? NULL, or what is wrong. A pattern without * ? [ is a plain substring. */
static const char *only_pattern_error(const char *p)
{
    if (!*p)
        return "an empty pattern";
    if (!strpbrk(p, "*?["))
        return NULL;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] == '\\') {
            if (!p[i + 1])
                return "a '\\' at the end escapes nothing";
            i++;
        } else if (p[i] == '[') {
            size_t j = i + 1;
            if (p[j] == '!' || p[j] == '^')
                j++;
            if (p[j] == ']')
                j++; /* a ']' first is one of the set */
            while (p[j] && p[j] != ']') {
                if (p[j] == '[' && (p[j + 1] == ':' || p[j + 1] == '=' || p[j + 1] == '.')) {
                    const char end[3] = {p[j + 1], ']', '\0'};
                    const char *close = strstr(p + j + 2, end);
                    if (!close)
                        return "a '[:' ('[=', '[.') without its ':]' ('=]', '.]')";
                    j = (size_t)(close - p) + 2;
                    continue;
                }
                j++;
            }
            if (!p[j])
                return "a '[' without its ']' (write \\[ for the character itself)";
            i = j;
        }
    }
    int r = fnmatch(p, "", 0);
    if (r != 0 && r != FNM_NOMATCH)
        return "fnmatch cannot read it";
    return NULL;
}

/* How many cases --only keeps, over the vendors of the run, planned as the run plans them
 * (the same grammar, dialects and capability file): the run must not start to do nothing.
 * -1 when the cases cannot be built. */
static long only_matches(const struct cf_conform_opts *o)
{
    struct cf_plan_opts po = {
        o->caps ? (const char *const *)o->caps->not_supported : NULL,
        o->caps && o->caps->flows_given ? (const char *const *)o->caps->flows : NULL,
    };
    long n = 0;
    for (unsigned i = 0; i < o->n_vendors; i++) {
        const struct gram_vendor *vs[1] = {o->vendors[i]};
        const struct gram_dialect *ds[1] = {&o->dialects[i]};
        struct at_index ix;
        struct cf_plan plan;
        memset(&plan, 0, sizeof plan);
        if (at_index_build(&ix, vs, ds, 1) != 0)
            return -1;
        cf_plan_build(&plan, &ix, &po);
        n += (long)cf_plan_filter(&plan, o->only);
        cf_plan_free(&plan);
        at_index_free(&ix);
    }
    return n;
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

/* The end of a run: the reports written (every file attempted; the list names those written
 * whole, the others go to stderr with why), the cases that did not pass with where to read
 * more of them, the totals line, the files. False when a report was not written whole. */
static bool end_of_run(struct rp_writer *w, const struct rp_run *run, const char *dir, bool verbose,
                       const char *totals)
{
    char err[600];
    bool written = rp_finish(w, run, err, sizeof err) == 0;
    const struct rp_files *files = rp_finish_files(w);
    const char *more = "results.jsonl";
    for (size_t i = 0; i < files->n; i++)
        for (size_t j = 0; j < RP_N_FORMATS; j++)
            if (files->f[i].written && rp_formats[j].case_anchors && strcmp(files->f[i].name, rp_formats[j].file) == 0)
                more = rp_formats[j].file;
    char more_in[700];
    snprintf(more_in, sizeof more_in, "%s/%s", dir, more);
    struct rp_summary_opts so = {SUMMARY_MAX_EACH, more_in, rp_colour_wanted(1), verbose};
    rp_write_summary(stdout, w, &so);
    printf("%s\n", totals);
    rp_print_files(stdout, stderr, "otacheck conform", dir, files);
    if (!written)
        fprintf(stderr, "otacheck conform: the reports could not all be written (exit %d)\n", RP_EXIT_NOT_WRITTEN);
    return written;
}

/* The command line, as the run's header says it. */
static void command_line(int argc, char **argv, char *out, size_t n)
{
    size_t cl = 0;
    out[0] = '\0';
    for (int i = 0; i < argc && cl < n; i++)
        cl += (size_t)snprintf(out + cl, n - cl, "%s%s", i ? " " : "otacheck ", argv[i]);
}

/* What `otacheck conform` with several modules was given (cli/conform_multi.c runs it). */
struct multi {
    int argc;
    char **argv;
    const bool *per_module;
    const char *const *targets;
    size_t n_targets;
    const char *const *caps;
    size_t n_caps;
    const char *dir, *formats;
    bool quiet, strict, verbose, list;
};

/* "VENDOR=SPEC" (the '=' before the spec's first ':'): the module's vendor, and its spec. */
static void split_vendor(const char *t, struct cm_module *m, char *vendor, size_t n)
{
    const char *eq = strchr(t, '='), *colon = strchr(t, ':');
    m->spec = t;
    m->vendor = NULL;
    if (eq && (!colon || eq < colon)) {
        snprintf(vendor, n, "%.*s", (int)(eq - t), t);
        m->vendor = vendor;
        m->spec = eq + 1;
    }
}

static int conform_multi(const struct multi *mu, struct cli_env *env)
{
    if (mu->list) {
        fprintf(stderr, "otacheck conform: --list lists the cases of one module: give one --target or --caps\n");
        return EXIT_USAGE;
    }
    if (mu->n_caps > 1 && mu->n_targets > 1 && mu->n_caps != mu->n_targets) {
        fprintf(stderr, "otacheck conform: %zu targets and %zu capability files: give one capability file per "
                        "target, or one for all\n", mu->n_targets, mu->n_caps);
        return EXIT_USAGE;
    }
    size_t n = mu->n_targets > mu->n_caps ? mu->n_targets : mu->n_caps;
    struct cm_module mods[CM_MAX_MODULES];
    char vendors[CM_MAX_MODULES][64];
    unsigned fmask = rp_parse_formats(mu->formats, vendors[0], sizeof vendors[0]);
    if (!fmask) {
        fprintf(stderr, "otacheck conform: %s\n", vendors[0]);
        return EXIT_USAGE;
    }
    struct cf_caps caps[CM_MAX_MODULES];
    for (size_t i = 0; i < n; i++) {
        cf_caps_init(&caps[i]);
        const char *cf = mu->n_caps > 1 ? mu->caps[i] : mu->n_caps ? mu->caps[0] : NULL;
        char err[600];
        if (cf && cf_caps_load(&caps[i], cf, err, sizeof err) != 0) {
            fprintf(stderr, "otacheck conform: %s\n", err);
            for (size_t k = 0; k <= i; k++)
                cf_caps_free(&caps[k]);
            return EXIT_USAGE;
        }
        const char *t = i < mu->n_targets ? mu->targets[i] : caps[i].target;
        if (!t) {
            fprintf(stderr, "otacheck conform: %s: no [module] target, and no --target for it\n", cf);
            for (size_t k = 0; k <= i; k++)
                cf_caps_free(&caps[k]);
            return EXIT_USAGE;
        }
        split_vendor(t, &mods[i], vendors[i], sizeof vendors[i]);
        mods[i].caps = cf;
        if (!mods[i].vendor && strncmp(mods[i].spec, "sim:", 4) == 0) {
            snprintf(vendors[i], sizeof vendors[i], "%.*s", (int)strcspn(mods[i].spec + 4, ","), mods[i].spec + 4);
            mods[i].vendor = vendors[i];
        }
        if (!mods[i].vendor)
            mods[i].vendor = caps[i].vendor ? caps[i].vendor : env->vendor;
    }
    int rc = EXIT_USAGE;
    char err[600];
    struct rp_writer *w = rp_open(mu->dir, fmask, err, sizeof err);
    if (!w) {
        fprintf(stderr, "otacheck conform: %s\n", err);
        rc = *mu->dir ? RP_EXIT_NOT_WRITTEN : EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        add_default_secrets(w, &caps[i]);
    char started[32], finished[32], host[128] = "", cmdline[1024];
    iso_now(started, sizeof started);
    gethostname(host, sizeof host - 1);
    command_line(mu->argc, mu->argv, cmdline, sizeof cmdline);
    struct rp_run run = {
        .tool_version = "otacheck 0.1.0",
        .tool_commit = OTACHECK_COMMIT,
        .command_line = cmdline,
        .host = host,
        .started_at = started,
    };
    rp_set_run(w, &run);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct cm_run r = {mu->argc, mu->argv, mu->per_module, mods, n, mu->dir, fmask,
                       mu->quiet ? NULL : stderr};
    int worst = cm_conform_run(&r, w);
    struct rp_counts k = rp_counts(w);
    iso_now(finished, sizeof finished);
    run.finished_at = finished;
    run.interrupted = cf_conform_stop_requested() || worst == EXIT_TARGET;
    run.stopped_because = cf_conform_stop_requested() ? "interrupted by a signal"
                          : worst == EXIT_TARGET ? "a target could not be reached, or was lost" : NULL;
    bool failed = rp_counts_failed(k, mu->strict) || worst != EXIT_PASS;
    run.verdict = failed ? "FAIL" : k.warn ? "WARN" : "PASS";
    char totals[300];
    snprintf(totals, sizeof totals, "otacheck conform: %zu modules, %u cases: %u passed, %u warned, %u failed, "
             "%u N/A, %u errors", n, k.total, k.pass, k.warn, k.fail, k.na, k.error);
    bool written = end_of_run(w, &run, mu->dir, mu->verbose, totals);
    if (!written)
        rc = RP_EXIT_NOT_WRITTEN;
    else if (worst != EXIT_PASS)
        rc = worst;
    else
        rc = rp_counts_failed(k, mu->strict) ? EXIT_FAIL : EXIT_PASS;
out:
    rp_free(w);
    for (size_t i = 0; i < n; i++)
        cf_caps_free(&caps[i]);
    return rc;
}

int verb_conform(int argc, char **argv)
{
    enum { O_TARGET = 1, O_CAPS, O_DESTRUCTIVE, O_ONLY, O_DIR, O_FORMAT, O_LIST, O_QUIET, O_STRICT, O_PACE, O_LINE_GAP,
           O_STREAM_FD, O_HELP };
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
        {"verbose", no_argument, NULL, 'v'},
        {"pace-us", required_argument, NULL, O_PACE},
        {"line-gap", required_argument, NULL, O_LINE_GAP},
        {"stream-fd", required_argument, NULL, O_STREAM_FD},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct cli_env env;
    cli_env_init(&env);
    const char *target = NULL, *caps_file = NULL, *only = NULL, *dir = "otacheck-report",
               *formats = "all";
    bool destructive = false, list = false, quiet = false, strict = false, verbose = false;
    long pace = -1;
    unsigned line_gap_ms = 0;
    unsigned long long u;
    const char *bad_only;
    int opt, rc = EXIT_USAGE, stream_fd = -1;
    /* several modules (cli/conform_multi.c): the targets and capability files, and which
     * arguments are set per module (a child run gets its own) */
    const char *targets[CM_MAX_MODULES], *caps_files[CM_MAX_MODULES];
    size_t n_targets = 0, n_caps = 0;
    bool *per_module = oc_xcalloc((size_t)argc + 1, sizeof *per_module);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        if (opt == O_TARGET || opt == O_CAPS || opt == O_DIR || opt == O_FORMAT || opt == O_QUIET ||
            opt == 'v' || opt == O_STREAM_FD) {
            per_module[optind - 1] = true;
            if (optarg && optarg == argv[optind - 1] && optind >= 2)
                per_module[optind - 2] = true; /* "--target SPEC": the option before its value */
        }
        if ((opt == O_TARGET && n_targets == CM_MAX_MODULES) || (opt == O_CAPS && n_caps == CM_MAX_MODULES)) {
            fprintf(stderr, "otacheck conform: at most %d modules in one run\n", CM_MAX_MODULES);
            free(per_module);
            cli_env_free(&env);
            return EXIT_USAGE;
        }
        switch (opt) {
        case O_TARGET: target = targets[n_targets++] = optarg; break;
        case O_CAPS: caps_file = caps_files[n_caps++] = optarg; break;
        case O_STREAM_FD:
            if (cli_parse_uint("conform", "--stream-fd", optarg, 3, 1023, &u) != EXIT_PASS || fcntl((int)u, F_GETFD) < 0) {
                fprintf(stderr, "otacheck conform: --stream-fd %s: not an open file descriptor\n", optarg);
                free(per_module);
                cli_env_free(&env);
                return EXIT_USAGE;
            }
            stream_fd = (int)u;
            break;
        case O_DESTRUCTIVE: destructive = true; break;
        case O_ONLY:
            if ((bad_only = only_pattern_error(optarg)) != NULL) {
                fprintf(stderr, "otacheck conform: --only '%s': %s\n", optarg, bad_only);
                free(per_module);
                cli_env_free(&env);
                return EXIT_USAGE;
            }
            only = optarg;
            break;
        case O_DIR: dir = optarg; break;
        case O_FORMAT: formats = optarg; break;
        case O_LIST: list = true; break;
        case O_QUIET: quiet = true; break;
        case O_STRICT: strict = true; break;
        case 'v': verbose = true; break;
        case O_PACE:
            if (cli_parse_uint("conform", "--pace-us", optarg, 0, HX_PACE_US_MAX, &u) != EXIT_PASS) {
                free(per_module);
                cli_env_free(&env);
                return EXIT_USAGE;
            }
            pace = (long)u;
            break;
        case O_LINE_GAP:
            if (cli_parse_uint("conform", "--line-gap", optarg, 1, HX_LINE_GAP_MS_MAX, &u) != EXIT_PASS) {
                free(per_module);
                cli_env_free(&env);
                return EXIT_USAGE;
            }
            line_gap_ms = (unsigned)u;
            break;
        case O_HELP: usage(stdout); free(per_module); cli_env_free(&env); return EXIT_PASS;
        default: usage(stderr); free(per_module); cli_env_free(&env); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "otacheck conform: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        free(per_module);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    if (n_targets > 1 || n_caps > 1) {
        struct multi m = {argc, argv, per_module, targets, n_targets, caps_files, n_caps, dir, formats,
                          quiet, strict, verbose, list};
        rc = conform_multi(&m, &env);
        free(per_module);
        cli_env_free(&env);
        return rc;
    }
    free(per_module);
    char err[600];
    struct cf_caps caps;
    cf_caps_init(&caps);
    struct rp_writer *w = NULL;
    struct cf_conform_opts *o = oc_xcalloc(1, sizeof *o);
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
    if (!line_gap_ms)
        line_gap_ms = caps.line_gap_ms;
    unsigned fmask = rp_parse_formats(formats, err, sizeof err);
    if (!fmask) {
        fprintf(stderr, "otacheck conform: %s\n", err);
        goto out;
    }
    if ((rc = cli_load(&env)) != EXIT_PASS)
        goto out;
    rc = EXIT_USAGE;
    char from[300] = "--target";
    if (target && target == caps.target)
        snprintf(from, sizeof from, "%s: [module] target", caps_file);
    if (target && cli_check_target("conform", from, target, &env.set) != EXIT_PASS)
        goto out;
    const struct gram_vendor *vs[CF_MAX_VENDORS];
    size_t nv = cli_vendors(&env, vs, CF_MAX_VENDORS);
    if (!nv)
        goto out;
    bool sim_target = !target || strncmp(target, "sim:", 4) == 0;
    if (target && sim_target && env.vendor && strcmp(env.vendor, "all") != 0) {
        /* sim:<vendor> is that vendor's module: --vendor (or the capability file's) must name it */
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)strcspn(target + 4, ","), target + 4);
        bool named = false;
        for (size_t i = 0; i < nv; i++)
            named |= strcmp(vs[i]->id, id) == 0;
        if (!named) {
            fprintf(stderr, "otacheck conform: --target %s is a %s module, but %s says %s\n", target, id,
                    env.vendor == caps.vendor ? "the capability file" : "--vendor", env.vendor);
            goto out;
        }
    }
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
    if (cli_check_dialects(&env, "conform", vs, nv) != EXIT_PASS)
        goto out;
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
    o->line_gap_ns = line_gap_ms * 1000000ull;
    o->only = only;
    o->list_only = list;
    o->strict = strict;
    o->progress = quiet ? NULL : stderr;
    o->progress_tty = !quiet && isatty(2);
    if (only) {
        long kept = only_matches(o);
        if (kept < 0) {
            fprintf(stderr, "otacheck conform: cannot build the cases\n");
            goto out;
        }
        if (kept == 0) {
            fprintf(stderr, "otacheck conform: no case matches --only '%s' (otacheck conform --list shows the "
                            "case ids)\n", only);
            goto out;
        }
    }
    if (!list) {
        w = rp_open(dir, fmask, err, sizeof err);
        if (!w) {
            fprintf(stderr, "otacheck conform: %s\n", err);
            rc = *dir ? RP_EXIT_NOT_WRITTEN : EXIT_USAGE; /* the reports cannot be written */
            goto out;
        }
        add_default_secrets(w, o->caps);
        rp_tee_stream(w, stream_fd); /* a parent run's child (cli/conform_multi.c) */
        o->rp = w;
    }
    char started[32], finished[32], host[128] = "";
    iso_now(started, sizeof started);
    gethostname(host, sizeof host - 1);
    char cmdline[1024];
    command_line(argc, argv, cmdline, sizeof cmdline);
    struct rp_run run = {
        .tool_version = "otacheck 0.1.0",
        .tool_commit = OTACHECK_COMMIT,
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
    /* the run's verdict, as its exit status decides it (a run cut short has not passed) */
    bool failed = sum.fail || sum.error || (strict && sum.warn) || run.interrupted || sum.unreachable ||
                  sum.bad_target;
    run.verdict = failed ? "FAIL" : sum.warn ? "WARN" : "PASS";
    char totals[600];
    snprintf(totals, sizeof totals, "otacheck conform: %u cases: %u passed, %u warned, %u failed, %u N/A, %u errors%s%s",
             sum.total, sum.pass, sum.warn, sum.fail, sum.na, sum.error, sum.stopped[0] ? "; " : "", sum.stopped);
    bool written = end_of_run(w, &run, dir, verbose, totals);
    struct rp_counts counts = {sum.total, sum.pass, sum.fail, sum.na, sum.error, sum.warn};
    if (!written)
        rc = RP_EXIT_NOT_WRITTEN; /* whatever the verdicts: the run's record is not whole */
    else if (sum.bad_target)
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
