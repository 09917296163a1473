/* cli/bench_latency.c — `otacheck bench latency`: how late the harness sees what a module
 * wrote. Sends ATE0, then AT --count times, each through the session (hx_exchange), and
 * pairs the i-th exchange's final result — the monotonic time the read that carried its
 * last byte returned (x.t_final) — with the module's i-th write(2) after the set-up, taken
 * from the write log of `otacheck sim --write-log FILE` (the monotonic time just before the
 * write). Prints percentiles of the difference, and of the round trip AT -> OK.
 *
 * Both times come from CLOCK_MONOTONIC of the same machine, so the target must run here
 * (exec:, or a pty/serial/tcp path to a local `otacheck sim`). Without a write log (a real
 * module) only the round trip is measured. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/bench.h"
#include "common/fileio.h"
#include "common/xalloc.h"
#include "cli/cli.h"
#include "harness/session.h"
#include "harness/transport.h"

#define MS 1000000ull
#define TARGET_P99_US 100.0 /* the aim */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck bench latency --target SPEC [--count N] [--vendor ID] [--write-log FILE] [--raw]\n"
            "  e.g. --target \"exec:otacheck sim --vendor fibocom --write-log /tmp/w.log\"\n"
            "  The vendor and the write log are taken from the target's command line when not given.\n"
            "  --raw: the transport alone (write, read until OK), to see what the session adds.\n");
}

/* The word after `flag` (or in flag=VALUE) in a command line, quotes removed, into buf. */
static bool word_after(const char *cmdline, const char *flag, char *buf, size_t n)
{
    size_t fl = strlen(flag);
    const char *p = cmdline;
    while (*p) {
        p += strspn(p, " \t");
        const char *w = p;
        p += strcspn(p, " \t");
        size_t wl = (size_t)(p - w);
        const char *val = NULL;
        if (wl == fl && strncmp(w, flag, fl) == 0) {
            val = p + strspn(p, " \t");
        } else if (wl > fl && strncmp(w, flag, fl) == 0 && w[fl] == '=') {
            val = w + fl + 1;
        }
        if (val) {
            char q = (*val == '\'' || *val == '"') ? *val : 0;
            if (q)
                val++;
            size_t vl = q ? strcspn(val, q == '\'' ? "'" : "\"") : strcspn(val, " \t");
            if (!vl || vl >= n)
                return false;
            snprintf(buf, n, "%.*s", (int)vl, val);
            return true;
        }
    }
    return false;
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* The write times logged from byte offset `from` on. Returns the count; *out is malloc'd. */
static size_t read_write_log(const char *path, uint64_t from, uint64_t **out)
{
    *out = NULL;
    FILE *f = oc_fopen(path, "r");
    if (!f)
        return 0;
    fseek(f, (long)from, SEEK_SET);
    size_t n = 0, cap = 0;
    uint64_t t;
    long bytes;
    while (fscanf(f, "%" SCNu64 " %ld", &t, &bytes) == 2) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            *out = oc_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[n++] = t;
    }
    fclose(f);
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, size_t n, double q)
{
    double want = q * (double)n;
    size_t k = (size_t)want;
    if ((double)k < want)
        k++;
    return v[k ? k - 1 : 0];
}

struct run {
    uint64_t *t_final, *t_sent;
    size_t done;
};

/* ATE0, then count times AT. EXIT_PASS, or an exit status with a message printed. */
static int exchange_all(struct hx_session *s, size_t count, const char *log_path, uint64_t *log_from,
                        struct run *r)
{
    struct hx_exchange x;
    enum hx_status st = hx_exchange(s, "ATE0", 2000 * MS, &x);
    if (st != HX_DONE) {
        fprintf(stderr, "otacheck bench latency: ATE0 got no final result\n");
        return st == HX_LOST ? EXIT_TARGET : EXIT_FAIL;
    }
    /* the set-up's writes are logged by now: the pairs start after them */
    hx_drain(s, 20 * MS);
    if (log_path)
        *log_from = file_size(log_path);
    for (r->done = 0; r->done < count; r->done++) {
        st = hx_exchange(s, "AT", 2000 * MS, &x);
        if (st != HX_DONE) {
            fprintf(stderr, "otacheck bench latency: exchange %zu: no final result\n", r->done + 1);
            return st == HX_LOST ? EXIT_TARGET : EXIT_FAIL;
        }
        r->t_final[r->done] = x.t_final;
        r->t_sent[r->done] = x.t_sent;
    }
    return EXIT_PASS;
}

/* --raw: the transport alone, no session: writes the command and reads until "OK\r\n" has
 * come; the time is that of the read that completed it. 0, 1 no OK in time, -1 lost. */
static int raw_exchange(struct hx_transport *t, const char *cmd, uint64_t limit, uint64_t *t_sent,
                        uint64_t *t_final)
{
    if (hx_write(t, cmd, strlen(cmd)) != 0)
        return -1;
    *t_sent = hx_now(t);
    uint64_t deadline = *t_sent + limit;
    uint8_t tail[4] = {0, 0, 0, 0};
    uint8_t buf[4096];
    for (;;) {
        uint64_t now = hx_now(t);
        if (now >= deadline)
            return 1;
        long n = hx_read(t, buf, sizeof buf, deadline - now);
        if (n < 0)
            return -1;
        *t_final = hx_now(t);
        /* the last four bytes seen, so that "OK\r\n" split over reads is found too */
        for (long i = 0; i < n; i++) {
            memmove(tail, tail + 1, 3);
            tail[3] = buf[i];
        }
        if (n > 0 && memcmp(tail, "OK\r\n", 4) == 0)
            return 0;
    }
}

static int exchange_all_raw(struct hx_transport *t, size_t count, const char *log_path, uint64_t *log_from,
                            struct run *r)
{
    uint64_t ts, tf;
    int st = raw_exchange(t, "ATE0\r", 2000 * MS, &ts, &tf);
    if (st == 0) {
        uint8_t buf[4096]; /* the set-up's last bytes, then its writes are logged */
        while (hx_read(t, buf, sizeof buf, 20 * MS) > 0)
            ;
        if (log_path)
            *log_from = file_size(log_path);
    }
    for (r->done = 0; st == 0 && r->done < count; r->done++)
        st = raw_exchange(t, "AT\r", 2000 * MS, &r->t_sent[r->done], &r->t_final[r->done]);
    if (st != 0) {
        fprintf(stderr, "otacheck bench latency: exchange %zu: no OK\n", r->done);
        return st < 0 ? EXIT_TARGET : EXIT_FAIL;
    }
    return EXIT_PASS;
}

static void report(const struct run *r, const uint64_t *t_write, size_t n_write)
{
    size_t n = r->done;
    double *rt = oc_xmalloc(n * sizeof *rt);
    for (size_t i = 0; i < n; i++)
        rt[i] = (double)(r->t_final[i] - r->t_sent[i]) / 1e3;
    qsort(rt, n, sizeof *rt, cmp_double);
    if (t_write && n_write == n) {
        double *lat = oc_xmalloc(n * sizeof *lat);
        size_t over = 0;
        for (size_t i = 0; i < n; i++) {
            lat[i] = ((double)r->t_final[i] - (double)t_write[i]) / 1e3;
            over += lat[i] > TARGET_P99_US;
        }
        qsort(lat, n, sizeof *lat, cmp_double);
        printf("module write -> final read, us: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (min %.1f; %zu of %zu over %.0f us)\n",
               pct(lat, n, 0.50), pct(lat, n, 0.90), pct(lat, n, 0.99), lat[n - 1], lat[0], over, n,
               TARGET_P99_US);
        printf("aim p99 <= %.0f us: %s\n", TARGET_P99_US, pct(lat, n, 0.99) <= TARGET_P99_US ? "met" : "NOT met");
        free(lat);
    }
    printf("round trip AT -> OK, us: p50 %.1f  p99 %.1f  max %.1f  (includes the module's own answer delay)\n",
           pct(rt, n, 0.50), pct(rt, n, 0.99), rt[n - 1]);
    free(rt);
}

int bench_latency(int argc, char **argv)
{
    enum { OPT_TARGET = 1, OPT_COUNT, OPT_LOG, OPT_RAW };
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"target", required_argument, NULL, OPT_TARGET},
        {"count", required_argument, NULL, OPT_COUNT},
        {"write-log", required_argument, NULL, OPT_LOG},
        {"raw", no_argument, NULL, OPT_RAW},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_env env;
    cli_env_init(&env);
    const char *target = NULL, *log_opt = NULL;
    unsigned long long count = 2000;
    bool raw = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        switch (opt) {
        case OPT_TARGET: target = optarg; break;
        case OPT_COUNT:
            if (cli_parse_uint("bench latency", "--count", optarg, 1, 10000000, &count) != EXIT_PASS) {
                cli_env_free(&env);
                return EXIT_USAGE;
            }
            break;
        case OPT_LOG: log_opt = optarg; break;
        case OPT_RAW: raw = true; break;
        case 'h': usage(stdout); cli_env_free(&env); return EXIT_PASS;
        default: usage(stderr); cli_env_free(&env); return EXIT_USAGE;
        }
    }
    char vendor[64], log_path[1024];
    if (env.vendor)
        snprintf(vendor, sizeof vendor, "%s", env.vendor);
    else if (!target || !word_after(target, "--vendor", vendor, sizeof vendor))
        vendor[0] = '\0';
    bool have_log = log_opt ? (snprintf(log_path, sizeof log_path, "%s", log_opt), true)
                            : target && word_after(target, "--write-log", log_path, sizeof log_path);
    if (!target || optind < argc || !vendor[0]) {
        if (target && !vendor[0])
            fprintf(stderr, "otacheck bench latency: which vendor? (--vendor ID)\n");
        usage(stderr);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    int rc = cli_load(&env);
    const struct gram_vendor *v = rc == EXIT_PASS ? gram_set_vendor(&env.set, vendor) : NULL;
    if (rc == EXIT_PASS && (!v || v->is_core)) {
        fprintf(stderr, "otacheck bench latency: unknown vendor '%s'\n", vendor);
        rc = EXIT_USAGE;
    }
    struct gram_dialect d;
    if (rc == EXIT_PASS)
        rc = cli_dialect(&env, v, &d);
    struct hx_transport *t = NULL;
    char err[512];
    if (rc == EXIT_PASS) {
        int r = hx_open(target, &env.set, &t, err, sizeof err);
        if (r != 0) {
            fprintf(stderr, "otacheck bench latency: %s\n", err);
            rc = r == -1 ? EXIT_USAGE : EXIT_TARGET;
        }
    }
    if (rc != EXIT_PASS) {
        cli_env_free(&env);
        return rc;
    }
    if (t->virtual_time)
        fprintf(stderr, "otacheck bench latency: %s runs on a virtual clock: use exec:, pty:, serial: or tcp:\n", target);
    /* no wait for a second final after each one: only the final's own time is measured */
    struct hx_session_opts so = {.settle_ns = 1};
    struct hx_session s;
    struct run run = {oc_xcalloc((size_t)count, sizeof(uint64_t)), oc_xcalloc((size_t)count, sizeof(uint64_t)), 0};
    uint64_t log_from = 0;
    if (raw) {
        rc = exchange_all_raw(t, (size_t)count, have_log ? log_path : NULL, &log_from, &run);
    } else if (hx_session_init(&s, t, v, &d, &so) != 0) {
        fprintf(stderr, "otacheck bench latency: cannot start a session\n");
        rc = EXIT_FAIL;
    } else {
        rc = exchange_all(&s, (size_t)count, have_log ? log_path : NULL, &log_from, &run);
        hx_session_free(&s);
    }
    /* the module logs each write just after making it: let the last one reach the log
     * before closing ends the module (bounded) */
    for (uint64_t until = hx_monotonic_ns() + 2000 * MS; rc == EXIT_PASS && have_log && hx_monotonic_ns() < until;) {
        uint64_t *tw;
        size_t nw = read_write_log(log_path, log_from, &tw);
        free(tw);
        if (nw >= run.done)
            break;
        usleep(1000);
    }
    hx_close(t);
    if (rc == EXIT_PASS) {
        uint64_t *t_write = NULL;
        size_t n_write = have_log ? read_write_log(log_path, log_from, &t_write) : 0;
        printf("latency: %zu exchanges of AT on %s (%s)%s\n", run.done, target, vendor,
               raw ? ", transport only (--raw: no session)" : ", through the session");
        if (have_log && n_write != run.done) {
            fprintf(stderr,
                    "otacheck bench latency: %s has %zu writes after the set-up for %zu answers: "
                    "cannot pair them (one write per answer expected)\n",
                    log_path, n_write, run.done);
            rc = EXIT_FAIL;
        }
        report(&run, rc == EXIT_PASS ? t_write : NULL, n_write);
        free(t_write);
    }
    free(run.t_final);
    free(run.t_sent);
    cli_env_free(&env);
    return rc;
}
