/* cli/verb_sim.c — `otacheck sim`: the reference module (harness/sim.h) on stdin/stdout, in
 * real time, so that any transport can talk to it as to a real module (exec:, a pty pair,
 * ser2net in front of a pty).
 *
 * The loop: wait for input with ppoll() until the module's next output is due, feed what
 * came to the module stamped with the monotonic clock, and write everything that is due in
 * one write(2) to fd 1 (no stdio buffering), so a burst the module emits at one time (an
 * answer's lines and its final result) reaches the host as one write. End of input ends the
 * module at once; a host that went away (write fails) ends it too. --write-log appends one
 * line per write(2): the monotonic time just before it and the byte count, for
 * `otacheck bench latency`. At a terminal it made raw, SIGINT, SIGTERM and SIGHUP end it
 * cleanly (the terminal is restored); otherwise they keep their default action. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/xalloc.h"
#include "harness/sim.h"
#include "harness/transport.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck sim --vendor ID [--fault NAME]... [--time-scale F] [--seed N]\n"
            "                    [--latency US] [--standard-urcs N] [--grammar FILE] [--write-log FILE]\n"
            "       otacheck sim --list-faults [--vendor ID]\n"
            "  Runs the reference module of one vendor on stdin/stdout in real time: commands end\n"
            "  with CR, output is written as it falls due. Ends at the end of input.\n"
            "  --fault NAME        break one rule (see --list-faults); may be repeated\n"
            "  --time-scale F      multiply the delays of OTA flows by F (default 1)\n"
            "  --seed N            the OTA image's bytes (default 1)\n"
            "  --latency US        microseconds before each final result (default 2000; 0 answers\n"
            "                      at once, for fuzzing and throughput benchmarks)\n"
            "  --standard-urcs N   a standard unsolicited line (+CEREG, +CSQ, SMS DONE...) after every\n"
            "                      N-th final result, as cellular modules send them\n"
            "  --write-log FILE    append '<monotonic ns before write> <bytes>' per write(2)\n");
}

static void list_faults(const struct gram_vendor *v)
{
    for (int f = 0; f < SF__COUNT; f++) {
        const struct sim_fault_info *fi = sim_fault_info((enum sim_fault)f);
        bool applies = !v || sim_fault_applies((enum sim_fault)f, v);
        printf("%-20s breaks %-20s %s%s%s%s\n", fi->name, hx_rule_name(fi->rule), fi->what,
               applies ? "" : " (does not apply to ", applies ? "" : v->id, applies ? "" : ")");
    }
}

static void list_fault_names(FILE *out)
{
    fprintf(out, "known faults:");
    for (int f = 0; f < SF__COUNT; f++)
        fprintf(out, " %s", sim_fault_info((enum sim_fault)f)->name);
    fprintf(out, "\n");
}

static void list_vendor_names(const struct gram_set *gs, FILE *out)
{
    fprintf(out, "known vendors:");
    for (size_t i = 0; i < gs->n_vendors; i++)
        if (!gs->vendors[i]->is_core)
            fprintf(out, " %s", gs->vendors[i]->id);
    fprintf(out, "\n");
}

/* What the running module needs besides the module itself. */
struct sim_io {
    int in_fd, out_fd;
    int log_fd;                 /* --write-log, or -1 */
    bool tty_changed;           /* stdin was put in raw mode: restore it */
    struct termios tty_saved;
    uint8_t out[65536];         /* what falls due at once goes out in one write */
};

/* Set by SIGINT, SIGTERM and SIGHUP: the module ends and the terminal is restored. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal; /* no SA_RESTART: the wait returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* A terminal in canonical mode (someone typing) would hold lines back and turn CR into LF:
 * make it raw while the module runs, Ctrl-C still ending it. A pty in raw mode, the master
 * side of a pty pair, or a pipe is left as it is. */
static void raw_stdin(struct sim_io *io)
{
    struct termios t;
    char name[64];
    if (!isatty(io->in_fd) || ptsname_r(io->in_fd, name, sizeof name) == 0 ||
        tcgetattr(io->in_fd, &t) != 0 || !(t.c_lflag & ICANON))
        return;
    io->tty_saved = t;
    cfmakeraw(&t);
    t.c_lflag |= ISIG;          /* Ctrl-C ends the module */
    t.c_oflag |= OPOST | ONLCR; /* keep the terminal's own output readable */
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(io->in_fd, TCSANOW, &t) == 0)
        io->tty_changed = true;
}

static void restore_stdin(struct sim_io *io)
{
    if (io->tty_changed)
        tcsetattr(io->in_fd, TCSANOW, &io->tty_saved);
}

/* Writes everything, one write(2) per call that the kernel takes; logs each. false when the
 * host is gone. */
static bool write_out(struct sim_io *io, const uint8_t *p, size_t n)
{
    while (n) {
        uint64_t t = hx_monotonic_ns();
        ssize_t w = write(io->out_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pf = {io->out_fd, POLLOUT, 0};
            poll(&pf, 1, 1000);
            continue;
        }
        if (w <= 0)
            return false;
        if (io->log_fd >= 0) {
            char line[64];
            int len = snprintf(line, sizeof line, "%" PRIu64 " %zd\n", t, w);
            if (write(io->log_fd, line, (size_t)len) != len) {
                /* a log that cannot be written is not the module's problem */
            }
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Runs the module until the input ends or the host goes away. Returns an exit status. */
static int run_module(struct sim *s, struct sim_io *io)
{
    uint8_t in[4096];
    for (;;) {
        if (stop_signal)
            return EXIT_PASS;
        uint64_t now = hx_monotonic_ns();
        uint64_t due = sim_next_due(s);
        if (due <= now) {
            size_t n = sim_take(s, now, io->out, sizeof io->out);
            if (n && !write_out(io, io->out, n))
                return EXIT_PASS; /* the host closed its end */
            continue;
        }
        struct pollfd pf = {io->in_fd, POLLIN, 0};
        struct timespec ts, *tp = NULL;
        if (due != UINT64_MAX) {
            uint64_t wait = due - now;
            ts.tv_sec = (time_t)(wait / 1000000000ull);
            ts.tv_nsec = (long)(wait % 1000000000ull);
            tp = &ts;
        }
        int r = ppoll(&pf, 1, tp, NULL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fprintf(stderr, "otacheck sim: poll: %s\n", strerror(errno));
            return EXIT_FAIL;
        }
        if (r == 0)
            continue;
        ssize_t n = read(io->in_fd, in, sizeof in);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return EXIT_PASS; /* end of input (EOF, or EIO: the other end of a pty closed) */
        sim_input(s, in, (size_t)n, hx_monotonic_ns());
    }
}

int verb_sim(int argc, char **argv)
{
    enum { OPT_FAULT = 1, OPT_SCALE, OPT_SEED, OPT_LIST, OPT_LOG, OPT_LATENCY, OPT_URCS };
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"fault", required_argument, NULL, OPT_FAULT},
        {"time-scale", required_argument, NULL, OPT_SCALE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"list-faults", no_argument, NULL, OPT_LIST},
        {"write-log", required_argument, NULL, OPT_LOG},
        {"latency", required_argument, NULL, OPT_LATENCY},
        {"standard-urcs", required_argument, NULL, OPT_URCS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_env env;
    cli_env_init(&env);
    struct sim_options so;
    memset(&so, 0, sizeof so);
    so.time_scale = 1.0;
    so.seed = 1;
    so.real_downloads = true; /* real time: an http:// URL is downloaded (harness/sim_fetch.h) */
    bool list = false;
    const char *log_path = NULL;
    int opt, rc = EXIT_PASS;
    optind = 1;
    while (rc == EXIT_PASS && (opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        unsigned long long u = 0;
        switch (opt) {
        case OPT_FAULT: {
            int f = sim_fault_by_name(optarg);
            if (f < 0) {
                fprintf(stderr, "otacheck sim: unknown fault '%s'\n", optarg);
                list_fault_names(stderr);
                rc = EXIT_USAGE;
            } else {
                so.faults |= 1u << f;
            }
            break;
        }
        case OPT_SCALE:
            rc = cli_parse_double("sim", "--time-scale", optarg, 0, HX_SIM_TIME_SCALE_MAX, true, &so.time_scale);
            break;
        case OPT_SEED:
            rc = cli_parse_uint("sim", "--seed", optarg, 0, UINT64_MAX, &u);
            so.seed = u;
            break;
        case OPT_LATENCY:
            rc = cli_parse_uint("sim", "--latency", optarg, 0, 60000000ull, &u);
            so.latency_set = true;
            so.latency_ns = u * 1000ull;
            break;
        case OPT_URCS:
            rc = cli_parse_uint("sim", "--standard-urcs", optarg, 0, HX_SIM_URCS_MAX, &u);
            so.urcs_every = (unsigned)u;
            break;
        case OPT_LIST: list = true; break;
        case OPT_LOG: log_path = optarg; break;
        case 'h': usage(stdout); cli_env_free(&env); return EXIT_PASS;
        default: usage(stderr); rc = EXIT_USAGE; break;
        }
    }
    if (rc == EXIT_PASS && env.n_dialect) {
        fprintf(stderr, "otacheck sim: --dialect is not supported: the module follows the grammar's defaults\n");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_PASS && optind < argc) {
        fprintf(stderr, "otacheck sim: unexpected argument '%s'\n", argv[optind]);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_PASS && !list && !env.vendor) {
        fprintf(stderr, "otacheck sim: --vendor ID is required\n");
        usage(stderr);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_PASS)
        rc = cli_load(&env);
    const struct gram_vendor *v = NULL;
    if (rc == EXIT_PASS && env.vendor) {
        v = gram_set_vendor(&env.set, env.vendor);
        if (!v || v->is_core) {
            fprintf(stderr, "otacheck sim: unknown vendor '%s' (one vendor, not a list)\n", env.vendor);
            list_vendor_names(&env.set, stderr);
            rc = EXIT_USAGE;
        }
    }
    if (rc != EXIT_PASS || list) {
        if (rc == EXIT_PASS)
            list_faults(v);
        cli_env_free(&env);
        return rc;
    }
    struct sim_io *io = oc_xcalloc(1, sizeof *io);
    io->in_fd = 0;
    io->out_fd = 1;
    io->log_fd = -1;
    if (log_path) {
        io->log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (io->log_fd < 0) {
            fprintf(stderr, "otacheck sim: --write-log %s: %s\n", log_path, strerror(errno));
            free(io);
            cli_env_free(&env);
            return EXIT_USAGE;
        }
    }
    struct sim s;
    if (sim_init(&s, v, &so) != 0) {
        fprintf(stderr, "otacheck sim: cannot start the reference module of %s\n", v->id);
        if (io->log_fd >= 0)
            close(io->log_fd);
        free(io);
        cli_env_free(&env);
        return EXIT_FAIL;
    }
    signal(SIGPIPE, SIG_IGN); /* a host that went away is a failed write, not a death */
    raw_stdin(io);
    /* only a terminal made raw needs a clean end; a host (exec:, a pty) ends the module with
     * SIGHUP or SIGTERM, which must end it at once */
    if (io->tty_changed)
        catch_stop_signals();
    rc = run_module(&s, io);
    restore_stdin(io);
    sim_free(&s);
    if (io->log_fd >= 0)
        close(io->log_fd);
    free(io);
    cli_env_free(&env);
    return rc;
}
