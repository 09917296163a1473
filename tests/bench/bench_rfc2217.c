/* tests/bench/bench_rfc2217.c — a benchmark, not a test: how fast bytes that Telnet must
 * escape cross the rfc2217: target. A payload of 0xFF bytes only (each one doubled on the wire
 * both ways) goes through a real ser2net (accepter telnet(rfc2217),tcp) to a pty peer that
 * echoes it, and back; every byte is checked. The same payload over tcp: (ser2net's raw
 * accepter, nothing escaped) is measured beside it for comparison. Prints MB/s of payload
 * (one way: MB sent and received back, divided by the time of the round trip).
 *
 *     build/default/tests/bench_rfc2217 [--mb N] [--repeat N]      (default: 1 MB, 3 runs)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "harness/transport.h"
#include "tests/peers.h"

#define CHUNK 16384
#define WINDOW (64 * 1024)
#define STALL_NS (10000 * TP_MS)

/* One round trip over kind ("rfc2217" or "tcp") with accepter; MB/s, or a negative value. */
static double measure(const char *kind, const char *accepter, const uint8_t *payload, size_t len)
{
    struct tp_module peer;
    struct tp_ser2net s2n;
    char err[512] = "";
    if (tp_echo_start(&peer, err, sizeof err) != 0) {
        fprintf(stderr, "bench_rfc2217: echo peer: %s\n", err);
        return -1;
    }
    int r = tp_ser2net_start_accepter(&s2n, peer.path, accepter, err, sizeof err);
    if (r != 0) {
        fprintf(stderr, "bench_rfc2217: ser2net: %s\n",
                r == 1 ? "no ser2net binary (Debian package ser2net)" : err);
        tp_module_stop(&peer);
        return -1;
    }
    char spec[64];
    snprintf(spec, sizeof spec, "%s:127.0.0.1:%d", kind, s2n.port);
    struct hx_transport *t = NULL;
    double mbps = -1;
    if (hx_open(spec, NULL, &t, err, sizeof err) != 0) {
        fprintf(stderr, "bench_rfc2217: %s\n", err);
    } else {
        uint64_t t0 = hx_monotonic_ns();
        bool ok = tp_echo_roundtrip(t, payload, len, CHUNK, WINDOW, STALL_NS, err, sizeof err);
        uint64_t took = hx_monotonic_ns() - t0;
        if (ok)
            mbps = (double)len / 1e6 / ((double)took / 1e9);
        else
            fprintf(stderr, "bench_rfc2217: %s: the payload did not come back intact: %s\n", spec, err);
        hx_close(t);
    }
    tp_ser2net_stop(&s2n);
    tp_module_stop(&peer);
    return mbps;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* a peer that went away is an error of the write, not the end */
    unsigned long long mb = 1, repeat = 3;
    for (int i = 1; i < argc; i++) {
        unsigned long long *dst = strcmp(argv[i], "--mb") == 0       ? &mb
                                  : strcmp(argv[i], "--repeat") == 0 ? &repeat
                                                                     : NULL;
        if (!dst || i + 1 >= argc || oc_parse_uint(argv[++i], 1, 1000, dst) != OC_NUM_OK) {
            fprintf(stderr, "usage: bench_rfc2217 [--mb N] [--repeat N]   (N: 1..1000)\n");
            return 2;
        }
    }
    size_t len = (size_t)mb * 1000000u;
    uint8_t *payload = malloc(len);
    if (!payload)
        return 1;
    memset(payload, 0xFF, len);
    static const struct {
        const char *kind, *accepter, *what;
    } targets[] = {{"rfc2217", "telnet(rfc2217),tcp", "rfc2217: (each 0xFF doubled both ways)"},
                   {"tcp", "tcp", "tcp: raw, for comparison"}};
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
        double runs[1000];
        printf("%-40s %llu MB of 0xFF, through ser2net and back:", targets[k].what, mb);
        fflush(stdout);
        for (unsigned long long i = 0; i < repeat; i++) {
            runs[i] = measure(targets[k].kind, targets[k].accepter, payload, len);
            if (runs[i] < 0) {
                printf(" failed\n");
                free(payload);
                return 1;
            }
            printf(" %.2f", runs[i]);
            fflush(stdout);
        }
        qsort(runs, (size_t)repeat, sizeof runs[0], by_value);
        printf(" MB/s; median %.2f MB/s\n", runs[repeat / 2]);
    }
    free(payload);
    return 0;
}
