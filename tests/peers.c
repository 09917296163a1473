/* tests/peers.c — see peers.h. */
#include "tests/peers.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "harness/transport.h"

bool tp_wait_child(pid_t pid, uint64_t timeout_ns, int *status)
{
    uint64_t deadline = hx_monotonic_ns() + timeout_ns;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return true;
        if (hx_monotonic_ns() >= deadline)
            return false;
        usleep(2000);
    }
}

void tp_end_child(pid_t pid, uint64_t grace_ns)
{
    if (pid <= 0)
        return;
    int st;
    kill(pid, SIGTERM);
    if (!tp_wait_child(pid, grace_ns, &st)) {
        kill(pid, SIGKILL);
        tp_wait_child(pid, 5000 * TP_MS, &st);
    }
}

/* In a child just forked: die with the parent, and drop the test's preloads (the serial
 * shim is for the test process only). */
static void child_setup(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    unsetenv("LD_PRELOAD");
    signal(SIGPIPE, SIG_DFL);
}

int tp_module_start(struct tp_module *m, const char *otacheck, const char *vendor, char *err, size_t n)
{
    memset(m, 0, sizeof *m);
    m->slave_fd = -1;
    struct termios raw;
    memset(&raw, 0, sizeof raw);
    cfmakeraw(&raw);
    raw.c_cflag |= CLOCAL | CREAD;
    raw.c_cc[VMIN] = 1;
    cfsetispeed(&raw, B115200);
    cfsetospeed(&raw, B115200);
    int master, slave;
    if (openpty(&master, &slave, NULL, &raw, NULL) != 0) {
        snprintf(err, n, "openpty: %s", strerror(errno));
        return -1;
    }
    if (ttyname_r(slave, m->path, sizeof m->path) != 0) {
        snprintf(err, n, "ttyname: %s", strerror(errno));
        close(master);
        close(slave);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, n, "fork: %s", strerror(errno));
        close(master);
        close(slave);
        return -1;
    }
    if (pid == 0) {
        child_setup();
        dup2(master, 0);
        dup2(master, 1);
        if (master > 1)
            close(master);
        close(slave);
        execl(otacheck, otacheck, "sim", "--vendor", vendor, (char *)NULL);
        _exit(127);
    }
    close(master);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
    m->pid = pid;
    m->slave_fd = slave;
    return 0;
}

/* The echoing end: every byte read from the master is written back to it, until killed. */
static void echo_loop(int master)
{
    uint8_t b[4096];
    for (;;) {
        ssize_t r = read(master, b, sizeof b);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r < 0 && errno == EIO) {
            usleep(10000); /* no slave open for a moment (ser2net reopening it): wait */
            continue;
        }
        if (r <= 0)
            _exit(0);
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(master, b + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                _exit(0);
            off += w;
        }
    }
}

int tp_echo_start(struct tp_module *m, char *err, size_t n)
{
    memset(m, 0, sizeof *m);
    m->slave_fd = -1;
    struct termios raw;
    memset(&raw, 0, sizeof raw);
    cfmakeraw(&raw);
    raw.c_cflag |= CLOCAL | CREAD;
    raw.c_cc[VMIN] = 1;
    cfsetispeed(&raw, B115200);
    cfsetospeed(&raw, B115200);
    int master, slave;
    if (openpty(&master, &slave, NULL, &raw, NULL) != 0) {
        snprintf(err, n, "openpty: %s", strerror(errno));
        return -1;
    }
    if (ttyname_r(slave, m->path, sizeof m->path) != 0) {
        snprintf(err, n, "ttyname: %s", strerror(errno));
        close(master);
        close(slave);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, n, "fork: %s", strerror(errno));
        close(master);
        close(slave);
        return -1;
    }
    if (pid == 0) {
        child_setup();
        close(slave);
        echo_loop(master);
    }
    close(master);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
    m->pid = pid;
    m->slave_fd = slave;
    return 0;
}

void tp_module_kill(struct tp_module *m)
{
    tp_end_child(m->pid, 2000 * TP_MS);
    m->pid = 0;
}

void tp_module_stop(struct tp_module *m)
{
    tp_module_kill(m);
    if (m->slave_fd >= 0)
        close(m->slave_fd);
    m->slave_fd = -1;
}

const char *tp_find_program(const char *name, char *buf, size_t n)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/sbin:/usr/local/sbin", path ? path : "/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(buf, n, "%s/%s", d, name);
        if (access(buf, X_OK) == 0)
            return buf;
    }
    return NULL;
}

int tp_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Is something listening on 127.0.0.1:port? Read from /proc/net/tcp, so that the check does
 * not itself connect (a connection makes ser2net open the device). */
static bool listening(int port)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    if (!f)
        return false;
    char line[512];
    bool found = false;
    unsigned want = 0x0100007fu; /* 127.0.0.1 as the kernel prints it */
    while (!found && fgets(line, sizeof line, f)) {
        unsigned addr, lport, state;
        if (sscanf(line, " %*d: %8X:%4X %*8X:%*4X %2X", &addr, &lport, &state) == 3)
            found = addr == want && (int)lport == port && state == 0x0A;
    }
    fclose(f);
    return found;
}

static void print_file(const char *path, FILE *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    for (int i = 0; i < 40 && fgets(line, sizeof line, f); i++)
        fprintf(out, "    ser2net: %s", line);
    fclose(f);
}

static void remove_dir(struct tp_ser2net *s)
{
    static const char *const files[] = {"ser2net.yaml", "ser2net.pid", "ser2net.out"};
    char p[128];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", s->dir, files[i]);
        unlink(p);
    }
    rmdir(s->dir);
    s->dir[0] = '\0';
}

/* One attempt on one port: 0 listening, -1 failed (message in err). */
static int ser2net_try(struct tp_ser2net *s, const char *bin, const char *device, const char *accepter, char *err,
                       size_t n)
{
    char cfg[128], pidf[128], outf[128];
    snprintf(cfg, sizeof cfg, "%s/ser2net.yaml", s->dir);
    snprintf(pidf, sizeof pidf, "%s/ser2net.pid", s->dir);
    snprintf(outf, sizeof outf, "%s/ser2net.out", s->dir);
    FILE *f = fopen(cfg, "w");
    if (!f) {
        snprintf(err, n, "%s: %s", cfg, strerror(errno));
        return -1;
    }
    /* the accepter's gensio stack over TCP on loopback (tcp alone: raw, no telnet), the pty at
     * 115200 8N1 without modem control lines */
    fprintf(f,
            "%%YAML 1.1\n---\n"
            "connection: &module\n"
            "    accepter: %s,127.0.0.1,%d\n"
            "    connector: serialdev,%s,115200n81,local\n"
            "    options:\n"
            "      kickolduser: true\n",
            accepter, s->port, device);
    fclose(f);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, n, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        child_setup();
        int o = open(outf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o >= 0) {
            dup2(o, 1);
            dup2(o, 2);
        }
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, 0);
        /* -n -d: foreground, log to stdout; -u: no UUCP lock files; -P: pid file here */
        execl(bin, bin, "-n", "-d", "-u", "-P", pidf, "-c", cfg, (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    uint64_t deadline = hx_monotonic_ns() + 10000 * TP_MS;
    while (hx_monotonic_ns() < deadline) {
        if (listening(s->port))
            return 0;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            s->pid = 0;
            snprintf(err, n, "ser2net exited (status %d) before listening on %d", st, s->port);
            print_file(outf, stderr);
            return -1;
        }
        usleep(10000);
    }
    snprintf(err, n, "ser2net did not listen on 127.0.0.1:%d within 10 s", s->port);
    print_file(outf, stderr);
    tp_end_child(s->pid, 2000 * TP_MS);
    s->pid = 0;
    return -1;
}

int tp_ser2net_start(struct tp_ser2net *s, const char *device, char *err, size_t n)
{
    return tp_ser2net_start_accepter(s, device, "tcp", err, n);
}

int tp_ser2net_start_accepter(struct tp_ser2net *s, const char *device, const char *accepter, char *err, size_t n)
{
    memset(s, 0, sizeof *s);
    char bin[512];
    if (!tp_find_program("ser2net", bin, sizeof bin))
        return 1;
    snprintf(s->dir, sizeof s->dir, "/tmp/otacheck-ser2net-XXXXXX");
    if (!mkdtemp(s->dir)) {
        snprintf(err, n, "mkdtemp: %s", strerror(errno));
        s->dir[0] = '\0';
        return -1;
    }
    /* the free port may be taken between the check and ser2net's bind: try a few */
    for (int attempt = 0; attempt < 3; attempt++) {
        s->port = tp_free_port();
        if (s->port > 0 && ser2net_try(s, bin, device, accepter, err, n) == 0)
            return 0;
    }
    remove_dir(s);
    return -1;
}

void tp_ser2net_stop(struct tp_ser2net *s)
{
    tp_end_child(s->pid, 2000 * TP_MS);
    s->pid = 0;
    if (s->dir[0])
        remove_dir(s);
}

bool tp_echo_roundtrip(struct hx_transport *t, const uint8_t *payload, size_t len, size_t chunk, size_t window,
                       uint64_t stall_ns, char *err, size_t n)
{
    size_t sent = 0, back = 0;
    uint64_t last_progress = hx_monotonic_ns();
    uint8_t buf[16384];
    while (back < len) {
        if (sent < len && sent - back < window) {
            size_t k = len - sent;
            if (k > chunk)
                k = chunk;
            if (k > window - (sent - back))
                k = window - (sent - back);
            if (hx_write(t, payload + sent, k) != 0) {
                snprintf(err, n, "writing bytes %zu..%zu failed", sent, sent + k);
                return false;
            }
            sent += k;
        }
        /* what has come back; no wait while there is more to write */
        long r = hx_read(t, buf, sizeof buf, sent < len && sent - back < window ? 0 : 100 * TP_MS);
        if (r < 0) {
            snprintf(err, n, "the connection went away after %zu of %zu bytes came back", back, len);
            return false;
        }
        uint64_t now = hx_monotonic_ns();
        if (r == 0) {
            if (now - last_progress >= stall_ns) {
                snprintf(err, n, "nothing came back for %llu ms after %zu of %zu bytes (%zu written)",
                         (unsigned long long)(stall_ns / TP_MS), back, len, sent);
                return false;
            }
            continue;
        }
        if (back + (size_t)r > sent) {
            snprintf(err, n, "%zu bytes came back for %zu written: extra bytes", back + (size_t)r, sent);
            return false;
        }
        for (long i = 0; i < r; i++)
            if (buf[i] != payload[back + (size_t)i]) {
                snprintf(err, n, "byte %zu came back as 0x%02x, was 0x%02x", back + (size_t)i, buf[i],
                         payload[back + (size_t)i]);
                return false;
            }
        back += (size_t)r;
        last_progress = now;
    }
    return true;
}

bool tp_run(const char *const *argv, const char *input, uint64_t hold_ns, uint64_t timeout_ns, char *out,
            size_t cap, int *status)
{
    int in[2], outp[2];
    out[0] = '\0';
    if (pipe2(in, O_CLOEXEC) != 0)
        return false;
    if (pipe2(outp, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return false;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        child_setup();
        dup2(in[0], 0);
        dup2(outp[1], 1);
        dup2(outp[1], 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    if (pid < 0) {
        close(in[1]);
        close(outp[0]);
        return false;
    }
    if (input && write(in[1], input, strlen(input)) < 0) {
        /* the program may have ended already: what it printed says why */
    }
    uint64_t start = hx_monotonic_ns(), deadline = start + timeout_ns;
    bool in_open = true;
    size_t len = 0;
    for (;;) {
        uint64_t now = hx_monotonic_ns();
        if (in_open && now >= start + hold_ns) {
            close(in[1]);
            in_open = false;
        }
        if (now >= deadline)
            break;
        uint64_t wait = deadline - now;
        if (in_open && start + hold_ns - now < wait)
            wait = start + hold_ns - now;
        struct pollfd pf = {outp[0], POLLIN, 0};
        int r = poll(&pf, 1, (int)(wait / TP_MS) + 1);
        if (r > 0) {
            char b[4096];
            ssize_t n = read(outp[0], b, sizeof b);
            if (n <= 0)
                break; /* every writer closed: the program ended */
            size_t k = (size_t)n < cap - 1 - len ? (size_t)n : cap - 1 - len;
            memcpy(out + len, b, k);
            len += k;
            out[len] = '\0';
        }
    }
    if (in_open)
        close(in[1]);
    close(outp[0]);
    uint64_t now = hx_monotonic_ns();
    bool ended = tp_wait_child(pid, now < deadline ? deadline - now : 0, status);
    if (!ended)
        tp_end_child(pid, 1000 * TP_MS);
    return ended;
}
