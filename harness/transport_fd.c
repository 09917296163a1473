/* harness/transport_fd.c — the targets that are a file descriptor: exec:<command> (a
 * program on a pseudo-terminal that this process creates) and pty:<path> (a pty or tty that
 * exists, opened with termios). Both read with poll() and time stamp with the monotonic
 * clock the moment read() returns.
 *
 * exec: the pty is put in raw mode BEFORE the child starts, so nothing the harness writes
 * is echoed, translated or flushed by the line discipline; the child runs /bin/sh -c with
 * the pty as stdin and stdout (stderr stays the harness's, so the child's diagnostics do not
 * mix into the module's output). */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/num.h"
#include "common/xalloc.h"
#include "harness/transport.h"

struct fd_transport {
    struct hx_transport t;
    int fd;
    pid_t child; /* exec: the module's process, else 0 */
    char *command; /* exec: what it runs, to start it again */
};

static int fd_write(struct hx_transport *t, const uint8_t *p, size_t n)
{
    return hx_fd_write(((struct fd_transport *)t)->fd, p, n, t->cancel);
}

static long fd_read(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns)
{
    return hx_fd_read(((struct fd_transport *)t)->fd, p, cap, timeout_ns);
}

static uint64_t fd_now(struct hx_transport *t)
{
    (void)t;
    return hx_monotonic_ns();
}

/* Ends the child: SIGTERM to its process group, SIGKILL if it is still there 200 ms later.
 * Once the shell is gone, whatever is left of its group (a module that outlived the shell
 * that started it, or ignores SIGTERM) is killed too: nothing keeps running after close. */
static void end_child(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(-pid, SIGTERM);
    for (int i = 0; i < 40; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            kill(-pid, SIGKILL);
            return;
        }
        usleep(5000);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void fd_close(struct hx_transport *t)
{
    struct fd_transport *ft = (struct fd_transport *)t;
    if (ft->fd >= 0)
        close(ft->fd);
    end_child(ft->child);
    free(ft->command);
    free(ft);
}

static int spawn(const char *arg, int *master_out, pid_t *pid_out, char *err, size_t n);

/* exec: the program ended and started again on a new pty. */
static int exec_restart(struct hx_transport *t)
{
    struct fd_transport *ft = (struct fd_transport *)t;
    if (ft->fd >= 0)
        close(ft->fd);
    end_child(ft->child);
    ft->fd = -1;
    ft->child = 0;
    char err[256];
    return spawn(ft->command, &ft->fd, &ft->child, err, sizeof err) == 0 ? 0 : -1;
}

static const struct hx_transport_ops fd_ops = {fd_write, fd_read, fd_now, fd_close, NULL};
static const struct hx_transport_ops exec_ops = {fd_write, fd_read, fd_now, fd_close, exec_restart};

static struct hx_transport *fd_transport_new(int fd, pid_t child)
{
    struct fd_transport *ft = oc_xcalloc(1, sizeof *ft);
    ft->t.ops = &fd_ops;
    ft->fd = fd;
    ft->child = child;
    return &ft->t;
}

int hx_check_exec(const char *arg, char *err, size_t n)
{
    if (!arg[strspn(arg, " \t")]) {
        snprintf(err, n, "exec: needs a command, e.g. exec:otacheck sim --vendor quectel");
        return -1;
    }
    return 0;
}

int hx_open_exec(const char *arg, struct hx_transport **out, char *err, size_t n)
{
    if (hx_check_exec(arg, err, n) != 0)
        return -1;
    int master;
    pid_t pid;
    int r = spawn(arg, &master, &pid, err, n);
    if (r != 0)
        return r;
    *out = fd_transport_new(master, pid);
    struct fd_transport *ft = (struct fd_transport *)*out;
    ft->command = oc_xstrdup(arg);
    ft->t.ops = &exec_ops;
    return 0;
}

/* The program on a new pty in raw mode: the pty's master and the child. */
static int spawn(const char *arg, int *master_out, pid_t *pid_out, char *err, size_t n)
{
    struct termios raw;
    memset(&raw, 0, sizeof raw);
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    cfsetispeed(&raw, B115200);
    cfsetospeed(&raw, B115200);
    int master, slave;
    if (openpty(&master, &slave, NULL, &raw, NULL) != 0) {
        snprintf(err, n, "exec: cannot open a pseudo-terminal: %s", strerror(errno));
        return -2;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, n, "exec: fork: %s", strerror(errno));
        close(master);
        close(slave);
        return -2;
    }
    if (pid == 0) {
        setsid();
        ioctl(slave, TIOCSCTTY, 0);
        dup2(slave, 0);
        dup2(slave, 1);
        if (slave > 1)
            close(slave);
        close(master);
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", arg, (char *)NULL);
        _exit(127);
    }
    close(slave);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    /* a module that stops reading must not block a write for ever (hx_fd_write gives up) */
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    *master_out = master;
    *pid_out = pid;
    return 0;
}

static speed_t baud_constant(long baud)
{
    static const struct {
        long baud;
        speed_t c;
    } rates[] = {{9600, B9600},     {19200, B19200},   {38400, B38400},   {57600, B57600},
                 {115200, B115200}, {230400, B230400}, {460800, B460800}, {921600, B921600}};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (rates[i].baud == baud)
            return rates[i].c;
    return 0;
}

/* pty:<path>[,baud=N]: the path and the termios speed. 0, or -1 with a message. */
static int parse_pty(const char *arg, char *path, size_t path_cap, speed_t *sp, char *err, size_t n)
{
    size_t pl = strcspn(arg, ",");
    if (!pl || pl >= path_cap) {
        snprintf(err, n, "pty: needs a path, e.g. pty:/dev/pts/3,baud=115200");
        return -1;
    }
    snprintf(path, path_cap, "%.*s", (int)pl, arg);
    unsigned long long baud = 115200;
    for (const char *p = arg + pl; *p == ',';) {
        p++;
        size_t len = strcspn(p, ",");
        char opt[64];
        snprintf(opt, sizeof opt, "%.*s", (int)len, p);
        if (len < sizeof opt && strncmp(opt, "baud=", 5) == 0) {
            if (oc_parse_uint(opt + 5, 1, 4000000, &baud) != OC_NUM_OK || !baud_constant((long)baud)) {
                snprintf(err, n, "pty:%s: bad baud rate '%s' (a standard one, such as 115200)", path, opt + 5);
                return -1;
            }
        } else {
            snprintf(err, n, "pty:%s: unknown option '%.*s' (baud=N)", path, (int)len, p);
            return -1;
        }
        p += len;
    }
    *sp = baud_constant((long)baud);
    return 0;
}

int hx_check_pty(const char *arg, char *err, size_t n)
{
    char path[256];
    speed_t sp;
    return parse_pty(arg, path, sizeof path, &sp, err, n);
}

int hx_open_pty(const char *arg, struct hx_transport **out, char *err, size_t n)
{
    char path[256];
    speed_t sp;
    if (parse_pty(arg, path, sizeof path, &sp, err, n) != 0)
        return -1;
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, n, "pty:%s: %s", path, strerror(errno));
        return -2;
    }
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tio.c_cflag |= CLOCAL | CREAD;
        tio.c_cc[VMIN] = 1;
        tio.c_cc[VTIME] = 0;
        cfsetispeed(&tio, sp);
        cfsetospeed(&tio, sp);
        tcsetattr(fd, TCSANOW, &tio);
    }
    *out = fd_transport_new(fd, 0);
    return 0;
}
