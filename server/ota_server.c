/* server/ota_server.c — the HTTP side of `otacheck serve`: libmicrohttpd, on the socket
 * server/ota_listen.c bound, in thread-per-connection mode with a
 * connection limit and an idle timeout, the routes, Range, the content reader that carries
 * out an image response's plan (cut, reset, stall, slow, corrupt: a fault that waits only
 * holds its own connection's thread, and only as long as it lasts), and a log line per
 * request when it ends. */
#include "server/ota_server.h"

#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "server/ota_listen.h"
#include "server/ota_log.h"

#define BLOCK_SIZE (256 * 1024) /* the content reader's buffer: large, for loopback speed */
#define WAIT_SLICE_NS 50000000L /* a wait looks at the stop flag this often */

struct ota_server {
    struct MHD_Daemon *d;
    const struct ota_image *image;
    struct ota_fault faults[OTA_MAX_FAULTS];
    size_t n_faults;
    FILE *log;
    pthread_mutex_t log_mu;
    atomic_bool stopping;
    unsigned port;
    char url[128];
};

/* One request, from its headers to its end. */
struct req {
    struct ota_server *srv;
    struct MHD_Connection *conn;
    struct timespec t_real, t_mono, body_t0;
    char method[16];
    char *path, *range;
    char fault[OTA_MAX_FAULTS * OTA_FAULT_SPEC_MAX];
    bool faulted, head, body_started;
    unsigned status;
    uint64_t body_len; /* what the response says it carries */
    uint64_t sent;     /* body bytes MHD had sent when it last asked for more */
    struct ota_plan plan;
};

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Waits until `until` seconds after t0, in slices; false when the server stops first. */
static bool wait_until(struct ota_server *s, const struct timespec *t0, double until)
{
    for (;;) {
        if (atomic_load(&s->stopping))
            return false;
        double left = until - since(t0);
        if (left <= 0)
            return true;
        long ns = left * 1e9 < WAIT_SLICE_NS ? (long)(left * 1e9) : WAIT_SLICE_NS;
        struct timespec ts = {0, ns > 0 ? ns : 1};
        nanosleep(&ts, NULL);
    }
}

/* ---- the body ------------------------------------------------------------------------ */

/* A reset now: SO_LINGER 0, then a disconnect (connect to AF_UNSPEC), which sends the RST at
 * once, before anything libmicrohttpd does on close (its shutdown would send a FIN first). */
static void reset_connection(struct req *r)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return;
    struct linger lg = {1, 0};
    (void)setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    struct sockaddr sa = {.sa_family = AF_UNSPEC};
    (void)connect(ci->connect_fd, &sa, sizeof sa);
}

static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct req *r = cls;
    struct ota_server *s = r->srv;
    const struct ota_plan *p = &r->plan;
    r->sent = pos;
    if (atomic_load(&s->stopping))
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (!r->body_started) {
        r->body_started = true;
        clock_gettime(CLOCK_MONOTONIC, &r->body_t0);
    }
    if (pos >= p->cut) {
        if (p->reset)
            reset_connection(r);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (pos >= p->stall_at) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        wait_until(s, &t0, p->stall_s);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (pos >= p->len) /* Content-Length claims more than the body: close */
        return MHD_CONTENT_READER_END_WITH_ERROR;
    uint64_t n = max;
    if (n > p->len - pos)
        n = p->len - pos;
    if (n > p->cut - pos)
        n = p->cut - pos;
    if (n > p->stall_at - pos)
        n = p->stall_at - pos;
    if (p->rate > 0) {
        /* pieces of a fiftieth of a second, each sent when the rate allows it */
        uint64_t piece = (uint64_t)(p->rate / 50) ? (uint64_t)(p->rate / 50) : 1;
        if (n > piece)
            n = piece;
        if (!wait_until(s, &r->body_t0, (double)pos / p->rate))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    uint64_t at = p->off + pos;
    memcpy(buf, s->image->bytes + at, (size_t)n);
    if (p->corrupt_at != OTA_NONE && p->corrupt_at >= at && p->corrupt_at < at + n)
        buf[p->corrupt_at - at] ^= (char)0xFF;
    return (ssize_t)n;
}

/* ---- Range --------------------------------------------------------------------------- */

enum range_kind { RANGE_NONE, RANGE_OK, RANGE_UNSATISFIABLE };

static bool read_u64(const char **p, uint64_t *v)
{
    if (**p < '0' || **p > '9')
        return false;
    uint64_t x = 0;
    for (; **p >= '0' && **p <= '9'; (*p)++) {
        if (x > (UINT64_MAX - 9) / 10)
            return false;
        x = x * 10 + (uint64_t)(**p - '0');
    }
    *v = x;
    return true;
}

/* One range of bytes=A-B, bytes=A- or bytes=-N against size; anything else (several ranges,
 * another unit, bad syntax) is not read, and the whole image is sent (RFC 9110 14.2). */
static enum range_kind parse_range(const char *h, uint64_t size, uint64_t *a, uint64_t *b)
{
    if (!h)
        return RANGE_NONE;
    while (*h == ' ' || *h == '\t')
        h++;
    if (strncasecmp(h, "bytes=", 6) != 0)
        return RANGE_NONE;
    const char *p = h + 6;
    while (*p == ' ')
        p++;
    uint64_t x = 0, y = 0;
    bool has_x = read_u64(&p, &x);
    if (*p++ != '-')
        return RANGE_NONE;
    bool has_y = read_u64(&p, &y);
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p || (!has_x && !has_y) || (has_x && has_y && y < x))
        return RANGE_NONE;
    if (!has_x) { /* the last y bytes */
        if (y == 0)
            return RANGE_UNSATISFIABLE;
        *a = y >= size ? 0 : size - y;
        *b = size - 1;
        return RANGE_OK;
    }
    if (x >= size)
        return RANGE_UNSATISFIABLE;
    *a = x;
    *b = has_y && y < size ? y : size - 1;
    return RANGE_OK;
}

/* ---- answers ------------------------------------------------------------------------- */

static enum MHD_Result answer(struct req *r, unsigned status, struct MHD_Response *resp, uint64_t body_len)
{
    if (!resp)
        return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
    r->status = status;
    r->body_len = body_len;
    enum MHD_Result ok = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void header(struct MHD_Response *resp, const char *k, const char *v)
{
    if (resp)
        (void)MHD_add_response_header(resp, k, v);
}

/* text as the body, and the header k: v when k is not NULL */
static enum MHD_Result answer_text2(struct req *r, unsigned status, const char *text, const char *k,
                                    const char *v)
{
    size_t n = strlen(text);
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, (void *)text, MHD_RESPMEM_MUST_COPY);
    header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
    if (k)
        header(resp, k, v);
    return answer(r, status, resp, n);
}

static enum MHD_Result answer_text(struct req *r, unsigned status, const char *text)
{
    return answer_text2(r, status, text, NULL, NULL);
}

/* "/nofault" + path, with every byte outside [A-Za-z0-9/._~-] percent-encoded. */
static void redirect_target(const char *path, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = (size_t)snprintf(out, size, "/nofault");
    for (const unsigned char *p = (const unsigned char *)path; *p && o + 4 < size; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("/._~-", *p))
            out[o++] = (char)*p;
        else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

static enum MHD_Result answer_image(struct req *r, const char *path, const struct ota_fault *faults,
                                    size_t nf)
{
    const struct ota_image *im = r->srv->image;
    struct ota_plan *p = &r->plan;
    *p = (struct ota_plan){.status = 200, .image_len = im->len, .off = 0, .len = im->len, .cut = OTA_NONE,
                           .stall_at = OTA_NONE, .corrupt_at = OTA_NONE};
    uint64_t a = 0, b = 0;
    switch (parse_range(r->range, im->len, &a, &b)) {
    case RANGE_NONE: break;
    case RANGE_OK:
        p->status = 206;
        p->range_asked = true;
        p->off = a;
        p->len = b - a + 1;
        break;
    case RANGE_UNSATISFIABLE:
        p->status = 416;
        p->range_asked = true;
        break;
    }
    if (nf) {
        ota_plan_apply(p, faults, nf);
        ota_fault_specs(faults, nf, r->fault, sizeof r->fault);
        r->faulted = true;
    }
    char text[160];
    switch (p->status) {
    case 404: return answer_text(r, 404, "not found (fault 404)\n");
    case 500: return answer_text(r, 500, "internal server error (fault 500)\n");
    case 302: {
        char loc[2048];
        redirect_target(path, loc, sizeof loc);
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        header(resp, MHD_HTTP_HEADER_LOCATION, loc);
        return answer(r, 302, resp, 0);
    }
    case 416: {
        snprintf(text, sizeof text, "bytes */%" PRIu64, im->len);
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, text);
        return answer(r, 416, resp, 0);
    }
    default: break;
    }
    int64_t claim = (int64_t)p->len + p->claim_delta;
    uint64_t claimed = claim > 0 ? (uint64_t)claim : 0;
    size_t block = claimed < BLOCK_SIZE ? (size_t)(claimed ? claimed : 1) : BLOCK_SIZE;
    struct MHD_Response *resp = MHD_create_response_from_callback(claimed, block, read_body, r, NULL);
    header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
    header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    if (p->status == 206) {
        snprintf(text, sizeof text, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, p->off, p->off + p->len - 1,
                 im->len);
        header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, text);
    }
    return answer(r, p->status, resp, claimed);
}

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static enum MHD_Result route(struct req *r)
{
    struct ota_server *s = r->srv;
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
        return answer_text2(r, 405, "only GET and HEAD\n", MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    const char *path = r->path;
    const struct ota_fault *faults = s->faults;
    size_t nf = s->n_faults;
    struct ota_fault given[OTA_MAX_FAULTS];
    if (starts(path, "/fault/")) {
        const char *spec = path + 7, *end = strchr(spec, '/');
        char err[768];
        if (!end) {
            snprintf(err, sizeof err, "a fault path is /fault/NAME[=ARG][,NAME[=ARG]...]/image.bin\n");
            return answer_text(r, 400, err);
        }
        if (ota_fault_parse_list(spec, (size_t)(end - spec), ',', given, OTA_MAX_FAULTS, &nf, err,
                                 sizeof err - 1) != 0) {
            strcat(err, "\n");
            return answer_text(r, 400, err);
        }
        faults = given;
        path = end;
    } else if (starts(path, "/nofault/")) {
        nf = 0;
        path += 8;
    }
    if (strcmp(path, "/image.bin") == 0 || (starts(path, "/fw/") && path[4]))
        return answer_image(r, path, faults, nf);
    char text[80];
    if (strcmp(path, "/image.bin.sha256") == 0) {
        snprintf(text, sizeof text, "%s\n", s->image->sha256);
        return answer_text(r, 200, text);
    }
    if (strcmp(path, "/image.bin.md5") == 0) {
        snprintf(text, sizeof text, "%s\n", s->image->md5);
        return answer_text(r, 200, text);
    }
    return answer_text(r, 404, "not found\n");
}

/* ---- libmicrohttpd's callbacks ------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
    (void)version, (void)upload_data;
    struct req *r = *con_cls;
    if (!r) { /* the headers are in: the request begins */
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->srv = cls;
        r->conn = conn;
        clock_gettime(CLOCK_REALTIME, &r->t_real);
        clock_gettime(CLOCK_MONOTONIC, &r->t_mono);
        snprintf(r->method, sizeof r->method, "%s", method);
        r->head = strcmp(method, "HEAD") == 0;
        const char *range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
        r->path = strdup(url);
        r->range = range ? strdup(range) : NULL;
        *con_cls = r;
        if (!r->path || (range && !r->range))
            return MHD_NO;
        return MHD_YES;
    }
    if (*upload_size) { /* a body nobody asked for: read and dropped */
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->status)
        return MHD_YES;
    return route(r);
}

static void client_text(struct MHD_Connection *conn, char *out, size_t size)
{
    snprintf(out, size, "?");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    char host[NI_MAXHOST], port[NI_MAXSERV];
    bool v6 = ci->client_addr->sa_family == AF_INET6;
    socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (getnameinfo(ci->client_addr, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return;
    snprintf(out, size, v6 ? "[%s]:%s" : "%s:%s", host, port);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct ota_server *s = cls;
    struct req *r = *con_cls;
    if (!r)
        return;
    *con_cls = NULL;
    bool whole = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
    char client[NI_MAXHOST + NI_MAXSERV + 8];
    client_text(conn, client, sizeof client);
    struct ota_log_entry e = {
        .when = r->t_real,
        .client = client,
        .method = r->method,
        .path = r->path,
        .range = r->range,
        .fault = r->faulted ? r->fault : NULL,
        .status = r->status,
        .bytes = r->head ? 0 : whole ? r->body_len : r->sent,
        .complete = whole && r->status,
        .duration_ms = (int64_t)(since(&r->t_mono) * 1000),
    };
    ota_log_write(s->log, &s->log_mu, &e);
    free(r->path);
    free(r->range);
    free(r);
}

/* ---- start and stop ------------------------------------------------------------------ */

struct ota_server *ota_server_start(const struct ota_server_opts *o, enum ota_server_error *why, char *err,
                                    size_t errlen)
{
    if (o->n_faults > OTA_MAX_FAULTS) {
        *why = OTA_SERVER_CANNOT_START;
        snprintf(err, errlen, "more than %d faults", OTA_MAX_FAULTS);
        return NULL;
    }
    bool v6 = false;
    int fd = ota_listen(o->listen ? o->listen : OTA_SERVER_LISTEN, &v6, why, err, errlen);
    if (fd < 0)
        return NULL;
    struct ota_server *s = oc_xcalloc(1, sizeof *s);
    s->image = o->image;
    s->n_faults = o->n_faults;
    if (o->n_faults)
        memcpy(s->faults, o->faults, o->n_faults * sizeof *o->faults);
    s->log = o->log;
    pthread_mutex_init(&s->log_mu, NULL);
    atomic_init(&s->stopping, false);
    ota_listen_url(fd, &s->port, s->url, sizeof s->url);
    /* a thread per connection: a fault that waits (stall, slow) holds only its own */
    unsigned flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC;
    unsigned limit = o->max_connections ? o->max_connections : OTA_SERVER_MAX_CONNECTIONS;
    unsigned timeout = o->timeout_s ? o->timeout_s : OTA_SERVER_TIMEOUT_S;
    if (v6)
        flags |= MHD_USE_IPv6;
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->d) {
        close(fd);
        pthread_mutex_destroy(&s->log_mu);
        free(s);
        *why = OTA_SERVER_CANNOT_START;
        snprintf(err, errlen, "libmicrohttpd did not start (threads or memory)");
        return NULL;
    }
    *why = OTA_SERVER_OK;
    return s;
}

unsigned ota_server_port(const struct ota_server *s) { return s->port; }
const char *ota_server_url(const struct ota_server *s) { return s->url; }

void ota_server_stop(struct ota_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->log_mu);
    free(s);
}
