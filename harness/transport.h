/* harness/transport.h — how the harness reaches a module (DESIGN.md layer 3, targets):
 *
 *   sim:<vendor>[,fault=a+b][,time-scale=F][,urcs=N]   the reference module in-process, on
 *                                              a virtual clock (the default target); urcs=N
 *                                              adds a standard URC after every N-th final
 *   exec:<command>                            a program on a pseudo-terminal
 *   pty:<path>                                an existing pty or tty, through termios
 *   serial:<device>[,baud=N][,flow=none|rtscts|xonxoff]   through libserialport
 *   tcp:<host>:<port>                         raw TCP, as ser2net and labgrid export a port
 *   rfc2217:<host>:<port>[,baud=N][,flow=none|rtscts|xonxoff]   Telnet with the COM-PORT-OPTION
 *                                              (RFC 2217, through libtelnet): labgrid's default
 *                                              NetworkSerialPort, ser2net's telnet(rfc2217)
 *
 * Every transport reads with a time limit and says what time it is: real monotonic time,
 * or the virtual time of the in-process module. */
#ifndef OTACHECK_HARNESS_TRANSPORT_H
#define OTACHECK_HARNESS_TRANSPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"

struct hx_transport;

struct hx_transport_ops {
    /* All of it, or -1: the port is gone. */
    int (*write)(struct hx_transport *t, const uint8_t *p, size_t n);
    /* Up to cap bytes, waiting at most timeout_ns: >0 bytes, 0 nothing in time, -1 gone. */
    long (*read)(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns);
    uint64_t (*now)(struct hx_transport *t);
    void (*close)(struct hx_transport *t);
    /* A module fresh from power-on in place of this one (sim: a new reference module, the
     * clock going on; exec: the program started again on a new pty): 0, or -1 when it
     * cannot be. NULL: the target cannot be restarted (a real port). */
    int (*restart)(struct hx_transport *t);
};

struct hx_transport {
    const struct hx_transport_ops *ops;
    char spec[512];
    bool virtual_time;     /* sim: waits cost nothing */
    uint32_t pace_us;      /* pause between bytes written (modules that drop bytes) */
    char vendor_hint[32];  /* sim:<vendor> says which vendor it is */
    /* Set by the caller to end every wait early: a flag a signal handler sets, and a
     * monotonic deadline (ns, 0 none) past which no read waits. Either makes hx_read
     * return HX_READ_CANCELLED at once. */
    const volatile sig_atomic_t *cancel;
    uint64_t deadline_ns;
};

#define HX_READ_CANCELLED (-2L)

/* The longest pause between bytes written (pace_us), in microseconds: --pace-us and the
 * capability file's pace-us take 0..HX_PACE_US_MAX. */
#define HX_PACE_US_MAX 100000u

/* Opens a target. gs: the grammars (sim: needs them). Returns 0, or -1 with a message in err
 * (a usage error: bad spec) or -2 (the target cannot be reached). */
int hx_open(const char *spec, const struct gram_set *gs, struct hx_transport **out, char *err,
            size_t errlen);
void hx_close(struct hx_transport *t);
/* Checks a target spec as hx_open would read it, without opening anything: its kind, and
 * each option and value (sim: also its vendor, in gs). 0, or -1 with a message in err. */
int hx_check_spec(const char *spec, const struct gram_set *gs, char *err, size_t errlen);
/* Can the harness restart the module behind t (sim:, exec:)? Restarts it: 0, or -1. */
bool hx_restartable(const struct hx_transport *t);
int hx_restart(struct hx_transport *t);

int hx_write(struct hx_transport *t, const void *p, size_t n);
/* How long a partial line may wait for its next byte before it is taken as a line (an
 * event sent without CR LF), when the options do not say: by the kind of target (sim: 30 ms,
 * exec:, pty: and serial: 100 ms, tcp: and rfc2217: 250 ms). --line-gap MS and the capability
 * file's line-gap set it, from 1 to HX_LINE_GAP_MS_MAX. */
uint64_t hx_line_gap_default(const struct hx_transport *t);
#define HX_LINE_GAP_MS_MAX 10000u
/* Has the caller asked every wait on t to end (its cancel flag, its deadline)? */
bool hx_cancelled(const struct hx_transport *t);
/* Reads as ops->read does, or HX_READ_CANCELLED when the caller asked every wait to end
 * (before the read, or once a read came back with nothing). A read waits no longer than
 * the deadline. */
long hx_read(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns);
static inline uint64_t hx_now(struct hx_transport *t)
{
    return t->ops->now(t);
}

/* The monotonic clock, ns. */
uint64_t hx_monotonic_ns(void);

/* A serial line's settings in a target spec, after its device or address:
 * [,baud=N][,flow=none|rtscts|xonxoff] (serial: and rfc2217:). */
enum hx_flow { HX_FLOW_NONE, HX_FLOW_RTSCTS, HX_FLOW_XONXOFF };
struct hx_line_opts {
    uint32_t baud; /* 115200 unless given */
    enum hx_flow flow;
};
/* Reads the options from opts (empty, or starting with ','); kind ("serial") and name (the
 * device or address) are for the message. 0, or -1 with what is wrong in err. */
int hx_parse_line_opts(const char *kind, const char *name, const char *opts, struct hx_line_opts *out,
                       char *err, size_t n);

/* The transports (transport_<kind>.c). Each returns 0, -1 (bad spec) or -2 (unreachable). */
int hx_open_sim(const char *arg, const struct gram_set *gs, struct hx_transport **out, char *err, size_t n);
int hx_open_exec(const char *arg, struct hx_transport **out, char *err, size_t n);
int hx_open_pty(const char *arg, struct hx_transport **out, char *err, size_t n);
int hx_open_serial(const char *arg, struct hx_transport **out, char *err, size_t n);
int hx_open_tcp(const char *arg, struct hx_transport **out, char *err, size_t n);
int hx_open_rfc2217(const char *arg, struct hx_transport **out, char *err, size_t n);
/* The bounds of the reference module's options, the same for sim:<vendor>,time-scale=F,
 * seed=N,urcs=N and `otacheck sim --time-scale F --seed N --standard-urcs N`. */
#define HX_SIM_TIME_SCALE_MAX 1e6
#define HX_SIM_URCS_MAX 1000u
/* Their spec checks (hx_check_spec): 0, or -1 with the message hx_open_<kind> would give. */
int hx_check_sim(const char *arg, const struct gram_set *gs, char *err, size_t n);
int hx_check_exec(const char *arg, char *err, size_t n);
int hx_check_pty(const char *arg, char *err, size_t n);
int hx_check_serial(const char *arg, char *err, size_t n);
int hx_check_tcp(const char *arg, char *err, size_t n);
int hx_check_rfc2217(const char *arg, char *err, size_t n);

/* The TCP connection of the network targets (tcp:, rfc2217:), in transport_tcp.c: address is
 * host:port or [v6]:port, and messages name the target as kind:address. hx_tcp_connect tries
 * every address of the host without blocking, 5 s in all, and turns Nagle's delay off: 0 with
 * the connected non-blocking socket in *fd_out, -1 (bad address) or -2 (unreachable). */
int hx_tcp_check_address(const char *kind, const char *address, char *err, size_t n);
int hx_tcp_connect(const char *kind, const char *address, int *fd_out, char *err, size_t n);

/* For fd-based transports (pty, exec, tcp, and rfc2217's socket): read with poll() (a signal
 * ends the wait: 0, nothing read). Writing gives up when the peer takes nothing for HX_WRITE_STALL_NS (a
 * module that stopped reading) or when cancel is set: -1. */
long hx_fd_read(int fd, uint8_t *p, size_t cap, uint64_t timeout_ns);
int hx_fd_write(int fd, const uint8_t *p, size_t n, const volatile sig_atomic_t *cancel);
#define HX_WRITE_STALL_NS (5000ull * 1000000ull)

#endif
