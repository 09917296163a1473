/* tests/shim_serialport.c — TEST ONLY, never linked into otacheck: an LD_PRELOAD library that
 * lets libserialport open a Linux pseudo-terminal, so that the tests drive the serial:
 * transport's real libserialport code path against the reference module on a pty.
 *
 * libserialport 0.1.1 refuses ptys in two places (checked against the library's imports and
 * its source):
 *   - sp_get_port_by_name -> get_port_details: lstat("/sys/class/tty/<name after /dev/>")
 *     (through glibc's __lxstat) must succeed, then readlink() of that path (or of
 *     ".../device" when it is not a link) must give the sysfs target; for /dev/pts/N the
 *     name is "pts/N" and no such entry exists;
 *   - sp_open -> get_config: ioctl(TIOCMGET) on the port, which a pty refuses (ENOTTY); the
 *     configuration then sets DTR/RTS with ioctl(TIOCMBIS/TIOCMBIC).
 * libserialport calls ioctl, __lxstat and readlink through its PLT, so definitions here take
 * their place. This shim answers exactly those calls, and only for ptys: the sysfs path of
 * an existing /dev/pts/N reads as a link to a virtual device, and the modem-line ioctls on a
 * pty slave succeed (TIOCMGET reports DTR, RTS, CTS, DSR and CD up). Every other call goes
 * to the next definition (glibc, or the sanitizer runtime's interceptor before it). */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Not declared by glibc >= 2.33 headers, still exported and called by older builds. */
int __lxstat(int ver, const char *path, struct stat *buf);
ssize_t readlink(const char *restrict path, char *restrict buf, size_t size);
int lstat(const char *restrict path, struct stat *restrict buf);
int ioctl(int fd, unsigned long request, ...);

#define SYSFS_PTS "/sys/class/tty/pts/"
#define UNIX98_PTY_SLAVE_MAJOR 136 /* to 143 */

/* "/sys/class/tty/pts/N" of an existing /dev/pts/N: its link target into target. */
static bool pts_sysfs_link(const char *path, char *target, size_t n)
{
    if (!path || strncmp(path, SYSFS_PTS, strlen(SYSFS_PTS)) != 0)
        return false;
    const char *num = path + strlen(SYSFS_PTS);
    if (!*num || strspn(num, "0123456789") != strlen(num))
        return false;
    char dev[64];
    snprintf(dev, sizeof dev, "/dev/pts/%s", num);
    struct stat st;
    if (stat(dev, &st) != 0 || !S_ISCHR(st.st_mode))
        return false;
    snprintf(target, n, "../../devices/virtual/otacheck-test-shim/pts%s", num);
    return true;
}

static void *next_symbol(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "shim_serialport: no next definition of %s\n", name);
        errno = ENOSYS;
    }
    return f;
}

static int fake_link_stat(const char *target, struct stat *buf)
{
    memset(buf, 0, sizeof *buf);
    buf->st_mode = S_IFLNK | 0777;
    buf->st_nlink = 1;
    buf->st_size = (off_t)strlen(target);
    return 0;
}

int __lxstat(int ver, const char *path, struct stat *buf)
{
    char target[128];
    if (pts_sysfs_link(path, target, sizeof target))
        return fake_link_stat(target, buf);
    int (*real)(int, const char *, struct stat *) = (int (*)(int, const char *, struct stat *))next_symbol("__lxstat");
    return real ? real(ver, path, buf) : -1;
}

int lstat(const char *restrict path, struct stat *restrict buf)
{
    char target[128];
    if (pts_sysfs_link(path, target, sizeof target))
        return fake_link_stat(target, buf);
    int (*real)(const char *, struct stat *) = (int (*)(const char *, struct stat *))next_symbol("lstat");
    return real ? real(path, buf) : -1;
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
    char target[128];
    if (pts_sysfs_link(path, target, sizeof target)) {
        size_t len = strlen(target);
        if (len > size)
            len = size;
        memcpy(buf, target, len); /* readlink does not terminate */
        return (ssize_t)len;
    }
    ssize_t (*real)(const char *, char *, size_t) = (ssize_t (*)(const char *, char *, size_t))next_symbol("readlink");
    return real ? real(path, buf, size) : -1;
}

static bool is_pty_slave(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= UNIX98_PTY_SLAVE_MAJOR &&
           major(st.st_rdev) <= UNIX98_PTY_SLAVE_MAJOR + 7;
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    bool modem_lines = request == TIOCMGET || request == TIOCMSET || request == TIOCMBIS || request == TIOCMBIC;
    if (modem_lines && is_pty_slave(fd)) {
        if (request == TIOCMGET)
            *(int *)arg = TIOCM_DTR | TIOCM_RTS | TIOCM_CTS | TIOCM_DSR | TIOCM_CD;
        return 0;
    }
    int (*real)(int, unsigned long, ...) = (int (*)(int, unsigned long, ...))next_symbol("ioctl");
    return real ? real(fd, request, arg) : -1;
}

/* The tests ask for this to know the shim is in place. */
int otacheck_serial_shim_loaded(void);
int otacheck_serial_shim_loaded(void)
{
    return 1;
}
