/* tests/peers.h — the programs the transport tests talk to, started and ended with bounded
 * waits: the reference module (`otacheck sim`) on the master side of a pseudo-terminal, so
 * that the slave /dev/pts/N looks like a module's serial port, or a peer that echoes raw bytes
 * there; and a real ser2net exporting such a port over TCP on loopback (raw, or Telnet with
 * RFC 2217). Children die with the test process (PR_SET_PDEATHSIG), so a crashed test
 * leaves nothing running. */
#ifndef OTACHECK_TESTS_PEERS_H
#define OTACHECK_TESTS_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hx_transport;

#define TP_MS 1000000ull

/* `otacheck sim --vendor V` with the pty's master as stdin and stdout. */
struct tp_module {
    pid_t pid;
    int slave_fd;      /* held open while the module runs: without it, the master reads EIO */
    char path[64];     /* the slave, /dev/pts/N: the module's "serial port" */
};

/* Starts the module. 0, or -1 with a message in err. */
int tp_module_start(struct tp_module *m, const char *otacheck, const char *vendor, char *err, size_t n);
/* In place of the module, a peer that writes back every byte it reads, unchanged (the pty
 * is raw on both sides): for payloads that must pass intact. 0, or -1 with a message. */
int tp_echo_start(struct tp_module *m, char *err, size_t n);
/* Ends the module (the port's other end closes: readers of the slave see a hang-up). */
void tp_module_kill(struct tp_module *m);
/* Ends the module if it runs and closes the slave. */
void tp_module_stop(struct tp_module *m);

/* ser2net in the foreground, exporting one device on 127.0.0.1:port: raw TCP, or the
 * accepter asked (tp_ser2net_start_accepter). */
struct tp_ser2net {
    pid_t pid;
    int port;
    char dir[64];      /* temporary: config, pid file, ser2net's output */
};

/* Starts ser2net for device and waits (bounded) until it listens. 0; 1 when no ser2net
 * binary is installed; -1 with a message in err. */
int tp_ser2net_start(struct tp_ser2net *s, const char *device, char *err, size_t n);
/* The same with the accepter's gensio stack named, as ser2net.yaml writes it before the
 * address: "tcp" (raw), "telnet,tcp" (Telnet), "telnet(rfc2217),tcp" (Telnet with RFC 2217). */
int tp_ser2net_start_accepter(struct tp_ser2net *s, const char *device, const char *accepter, char *err, size_t n);
void tp_ser2net_stop(struct tp_ser2net *s);

/* Runs argv[0] (a path) with `input` on its stdin, held open hold_ns after it is written,
 * then closed; stdout and stderr are captured into out (NUL-terminated). Ends it after
 * timeout_ns. true when it ended by itself, with its wait status. */
bool tp_run(const char *const *argv, const char *input, uint64_t hold_ns, uint64_t timeout_ns, char *out,
            size_t cap, int *status);

/* Sends payload through t to an echoing peer (tp_echo_start) and checks that every byte comes
 * back unchanged and in order: written in pieces of up to chunk bytes, never more than window
 * bytes ahead of what came back; a stall of stall_ns with nothing back fails. true, or false
 * with the reason in err. */
bool tp_echo_roundtrip(struct hx_transport *t, const uint8_t *payload, size_t len, size_t chunk, size_t window,
                       uint64_t stall_ns, char *err, size_t n);

/* A child process: SIGTERM to it, SIGKILL if it is still there after grace_ns. */
void tp_end_child(pid_t pid, uint64_t grace_ns);
/* Waits for a child at most timeout_ns. true with its status when it ended. */
bool tp_wait_child(pid_t pid, uint64_t timeout_ns, int *status);
/* A program by name: $PATH, then the sbin directories. NULL when absent. */
const char *tp_find_program(const char *name, char *buf, size_t n);
/* A TCP port on 127.0.0.1 that nothing listens on right now. */
int tp_free_port(void);

#endif
