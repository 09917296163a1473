/* conformance/caps.c — reads the capability file with inih; see caps.h. inih's handler
 * gets no line number in Debian's build, so the file is fed through a reader that counts
 * lines, and errors name the line the handler was called for. The reader reads each line
 * whole (getline) and checks it before inih sees it: its length (CAPS_MAX_LINE; inih's
 * buffer is set to hold such a line, through Debian's runtime options, and a line that
 * would not fit is an error, never cut), and NUL bytes (which would cut it). The line as
 * written is kept, so a credential can be checked against it (nothing after it). */
#include "conformance/caps.h"
#include "common/fileio.h"

#include "common/num.h"
#include "harness/transport.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "parser/mask.h"

struct loader {
    struct cf_caps *c;
    FILE *f;
    int line;
    char *err;
    size_t errlen;
    bool failed;
    char *raw;      /* the line being read, as written (its line end removed) */
    size_t raw_cap;
    int secret_line[CAPS_MAX_LIST]; /* where each credential is given */
};

static bool fail(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct loader *l, const char *fmt, ...)
{
    if (!l->failed) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(l->err, l->errlen, "%s:%d: %s", l->c->path, l->line, msg);
    }
    l->failed = true;
    return false;
}

static char *reader(char *str, int num, void *stream)
{
    struct loader *l = stream;
    if (l->failed)
        return NULL;
    ssize_t got = oc_getline(&l->raw, &l->raw_cap, l->f);
    if (got < 0)
        return NULL;
    l->line++;
    size_t n = (size_t)got;
    const char *nul = memchr(l->raw, '\0', n);
    if (nul) {
        fail(l, "a NUL byte at column %zu: a capability file is text (a credential or a line cannot hold one)",
             (size_t)(nul - l->raw) + 1);
        return NULL;
    }
    size_t body = n;
    while (body && (l->raw[body - 1] == '\n' || l->raw[body - 1] == '\r'))
        body--;
    if (body > CAPS_MAX_LINE) {
        fail(l, "the line is %zu bytes long: at most %d (a value at most %d)", body, CAPS_MAX_LINE,
             CAPS_MAX_VALUE);
        return NULL;
    }
    if (num < 1 || n >= (size_t)num) {
        fail(l, "the line is %zu bytes long: the INI reader takes %d here", body, num > 3 ? num - 3 : 0);
        return NULL;
    }
    memcpy(str, l->raw, n + 1);
    l->raw[body] = '\0';
    return str;
}

static bool push(char **list, const char *value)
{
    for (size_t i = 0; i < CAPS_MAX_LIST; i++)
        if (!list[i]) {
            list[i] = oc_xstrdup(value);
            return true;
        }
    return false;
}

/* "a, b ,c" -> list entries */
static bool push_csv(char **list, const char *value)
{
    char *copy = oc_xstrdup(value), *save = NULL;
    bool ok = true;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && ok; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ' || *t == '\t')
            t++;
        size_t n = strlen(t);
        while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
            t[--n] = '\0';
        if (n)
            ok = push(list, t);
    }
    free(copy);
    return ok;
}

static int yes_no(const char *v)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

static struct cf_flow_caps *flow_entry(struct cf_caps *c, const char *flow, size_t n)
{
    for (unsigned i = 0; i < c->n_flow; i++)
        if (strlen(c->flow[i].flow) == n && strncmp(c->flow[i].flow, flow, n) == 0)
            return &c->flow[i];
    if (c->n_flow == CAPS_MAX_FLOWS)
        return NULL;
    struct cf_flow_caps *f = &c->flow[c->n_flow++];
    f->flow = oc_xmemdup0(flow, n);
    return f;
}

/* A credential as given at the line being read: checked, then kept. */
static bool add_credential(struct loader *l, const char *name, const char *value)
{
    struct cf_caps *c = l->c;
    size_t i = 0;
    for (; c->secret_names[i]; i++)
        if (strcmp(c->secret_names[i], name) == 0)
            return fail(l, "credential '%.60s' is given twice (at line %d too; an indented line continues the "
                        "line before it)", name, l->secret_line[i]);
    if (i == CAPS_MAX_LIST)
        return fail(l, "too many credentials at '%.60s' (at most %d)", name, CAPS_MAX_LIST);
    size_t n = strlen(value);
    /* never the value in a message: where and what is wrong, no more */
    for (size_t k = 0; k < n; k++) {
        unsigned char b = (unsigned char)value[k];
        if (b < 0x20 || b == 0x7f)
            return fail(l, "credential '%.60s' holds a control byte (0x%02x) at byte %zu of its value: a credential "
                        "is printable text", name, b, k + 1);
    }
    if (n < AT_SECRET_MIN)
        return fail(l, "credential '%.60s' is %zu byte%s long: at least %d (a shorter one cannot be told from other "
                    "text, so it could not be masked)", name, n, n == 1 ? "" : "s", AT_SECRET_MIN);
    /* the rest of the line as written must be the value: inih ends a value at " ;" (an
     * inline comment), which would cut a credential that holds one */
    const char *eq = l->raw ? l->raw + strcspn(l->raw, "=:") : NULL;
    if (eq && *eq) {
        const char *v = eq + 1;
        while (*v == ' ' || *v == '\t' || *v == '\f' || *v == '\v')
            v++;
        size_t vn = strlen(v);
        while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\f' || v[vn - 1] == '\v'))
            vn--;
        if (vn != n || memcmp(v, value, n) != 0)
            return fail(l, "credential '%.60s': its line holds more than the value the INI reader reads (\" ;\" "
                        "begins a comment there): a credential is the whole rest of its line, comments go on "
                        "lines of their own", name);
    }
    c->secret_names[i] = oc_xstrdup(name);
    c->secrets[i] = oc_xstrdup(value);
    l->secret_line[i] = l->line;
    return true;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct loader *l = user;
    struct cf_caps *c = l->c;
    size_t vlen = strlen(value);
    if (vlen > CAPS_MAX_VALUE)
        return fail(l, "the value of '%.60s' is %zu bytes long: at most %d", name, vlen, CAPS_MAX_VALUE);
    if (strcmp(section, "module") == 0) {
        if (strcmp(name, "vendor") == 0) {
            free(c->vendor);
            c->vendor = oc_xstrdup(value);
        } else if (strcmp(name, "target") == 0) {
            free(c->target);
            c->target = oc_xstrdup(value);
        } else if (strcmp(name, "allow-destructive") == 0) {
            c->allow_destructive = yes_no(value);
            if (c->allow_destructive < 0)
                return fail(l, "allow-destructive must be yes or no, not '%.60s'", value);
        } else if (strcmp(name, "pace-us") == 0) {
            char *end;
            long us = strtol(value, &end, 10);
            if (end == value || *end || us < 0 || us > 100000)
                return fail(l, "pace-us must be 0..100000 (microseconds between bytes), not '%.60s'", value);
            c->pace_us = (unsigned)us;
        } else if (strcmp(name, "line-gap") == 0) {
            unsigned long long ms;
            if (oc_parse_uint(value, 1, HX_LINE_GAP_MS_MAX, &ms) != OC_NUM_OK)
                return fail(l, "line-gap must be 1..%u (milliseconds of quiet that end a partial line), not '%.60s'",
                            HX_LINE_GAP_MS_MAX, value);
            c->line_gap_ms = (unsigned)ms;
        } else if (strcmp(name, "reset") == 0) {
            free(c->reset);
            c->reset = oc_xstrdup(value);
        } else if (strcmp(name, "reset-time") == 0) {
            char *end;
            double sec = strtod(value, &end);
            if (end == value || *end || !(sec > 0 && sec <= 3600))
                return fail(l, "reset-time must be the seconds the module takes to restart (0..3600), not '%.60s'",
                            value);
            c->reset_ms = (unsigned)(sec * 1000);
        } else {
            return fail(l, "unknown key '%.60s' in [module] (vendor, target, allow-destructive, pace-us, line-gap, "
                        "reset, reset-time)", name);
        }
    } else if (strcmp(section, "claims") == 0) {
        if (strcmp(name, "not-supported") == 0) {
            if (!push_csv(c->not_supported, value))
                return fail(l, "too many entries in '%s' (at most %d)", name, CAPS_MAX_LIST);
        } else if (strcmp(name, "flows") == 0) {
            c->flows_given = true;
            if (!push_csv(c->flows, value))
                return fail(l, "too many entries in '%s' (at most %d)", name, CAPS_MAX_LIST);
        } else if (strcmp(name, "claimed") == 0) {
            if (!push_csv(c->claimed, value))
                return fail(l, "too many entries in '%s' (at most %d)", name, CAPS_MAX_LIST);
        } else if (strcmp(name, "clean-output") == 0) {
            c->clean_output = yes_no(value);
            if (c->clean_output < 0)
                return fail(l, "clean-output must be yes or no, not '%.60s'", value);
        } else {
            return fail(l, "unknown key '%.60s' in [claims] (not-supported, claimed, flows, clean-output)", name);
        }
    } else if (strcmp(section, "dialect") == 0) {
        size_t n = strlen(name) + 1 + vlen + 1;
        char *spec = oc_xmalloc(n);
        snprintf(spec, n, "%s=%s", name, value);
        bool ok = push(c->dialect, spec);
        free(spec);
        if (!ok)
            return fail(l, "too many dialect choices at '%.60s' (at most %d)", name, CAPS_MAX_LIST);
    } else if (strcmp(section, "ota") == 0) {
        const char *dot = strrchr(name, '.');
        if (strcmp(name, "plan-staged") == 0) {
            c->plan_staged = yes_no(value);
            if (c->plan_staged < 0)
                return fail(l, "plan-staged must be yes or no, not '%.60s'", value);
        } else if (strcmp(name, "provisioned") == 0) {
            c->provisioned = yes_no(value);
            if (c->provisioned < 0)
                return fail(l, "provisioned must be yes or no, not '%.60s'", value);
        } else if (strcmp(name, "image-size") == 0 || strcmp(name, "link-speed") == 0) {
            char *end;
            unsigned long long v = strtoull(value, &end, 10);
            if (end == value || *end || v == 0 || v > 1ull << 40)
                return fail(l, "%s must be a positive number of bytes (per second for link-speed), not '%.60s'",
                            name, value);
            if (strcmp(name, "image-size") == 0)
                c->image_size = (unsigned long)v;
            else
                c->link_speed = (unsigned long)v;
        } else if (dot && (strcmp(dot, ".setup") == 0 || strcmp(dot, ".start") == 0)) {
            struct cf_flow_caps *f = flow_entry(c, name, (size_t)(dot - name));
            if (!f)
                return fail(l, "too many flows at '%.60s' (at most %d)", name, CAPS_MAX_FLOWS);
            if (strcmp(dot, ".start") == 0) {
                free(f->start);
                f->start = oc_xstrdup(value);
                f->start_line = l->line;
            } else {
                unsigned k = 0;
                while (f->setup[k])
                    k++;
                if (k == CAPS_MAX_SETUP)
                    return fail(l, "at most %d setup lines per flow ('%.60s')", CAPS_MAX_SETUP, name);
                f->setup[k] = oc_xstrdup(value);
                f->setup_line[k] = l->line;
            }
        } else {
            return fail(l, "unknown key '%.60s' in [ota] (plan-staged, provisioned, image-size, link-speed, "
                        "<flow>.setup, <flow>.start)", name);
        }
    } else if (strcmp(section, "credentials") == 0) {
        return add_credential(l, name, value);
    } else {
        return fail(l, "unknown section [%.60s] (module, claims, dialect, ota, credentials)", section);
    }
    return 1;
}

/* ${name} in the [ota] line `key` given at line `at` -> the credential's value, or NULL
 * with the error at that line. */
static char *expand(struct loader *l, const char *key, const char *line, int at)
{
    const struct cf_caps *c = l->c;
    size_t cap = strlen(line) + 1, o = 0;
    char *out = oc_xmalloc(cap);
    l->line = at;
    for (const char *p = line; *p;) {
        const char *val = NULL;
        size_t take = 1;
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (!end) {
                fail(l, "an unterminated reference in '%s': '%.40s' has no closing '}'", key, p);
                free(out);
                return NULL;
            }
            size_t n = (size_t)(end - p - 2);
            if (n == 0) {
                fail(l, "an empty ${} in '%s': write ${name} with a name of [credentials]", key);
                free(out);
                return NULL;
            }
            for (size_t i = 0; c->secret_names[i]; i++)
                if (strlen(c->secret_names[i]) == n && strncmp(c->secret_names[i], p + 2, n) == 0)
                    val = c->secrets[i];
            if (!val) {
                fail(l, "${%.*s} in '%s' names no entry of [credentials]", (int)(n < 60 ? n : 60), p + 2, key);
                free(out);
                return NULL;
            }
            take = strlen(val);
            p = end + 1;
        } else {
            val = p++;
        }
        if (o + take > CAPS_MAX_EXPANDED) {
            fail(l, "'%s' is longer than %d bytes once its ${name}s are replaced", key, CAPS_MAX_EXPANDED);
            free(out);
            return NULL;
        }
        if (o + take + 1 > cap) {
            cap = (o + take + 1) * 2;
            out = oc_xrealloc(out, cap);
        }
        memcpy(out + o, val, take);
        o += take;
    }
    out[o] = '\0';
    return out;
}

void cf_caps_init(struct cf_caps *c)
{
    memset(c, 0, sizeof *c);
    c->allow_destructive = -1;
    c->plan_staged = -1;
    c->clean_output = -1;
    c->provisioned = -1;
}

/* inih's options for one parse (Debian's build reads them at run time), and back. */
struct ini_opts {
    bool use_stack, allow_realloc, stop_on_first_error;
    int max_line, initial_alloc;
};

static struct ini_opts ini_set(void)
{
    struct ini_opts was = {ini_use_stack, ini_allow_realloc, ini_stop_on_first_error, ini_max_line,
                           ini_initial_alloc};
    ini_use_stack = false;     /* a heap buffer ... */
    ini_allow_realloc = false; /* ... of one size: one reader call per line, counted */
    ini_max_line = ini_initial_alloc = CAPS_MAX_LINE + 3; /* the line, CR LF, NUL */
    ini_stop_on_first_error = true;                       /* the first error is the one said */
    return was;
}

static void ini_restore(struct ini_opts was)
{
    ini_use_stack = was.use_stack;
    ini_allow_realloc = was.allow_realloc;
    ini_stop_on_first_error = was.stop_on_first_error;
    ini_max_line = was.max_line;
    ini_initial_alloc = was.initial_alloc;
}

int cf_caps_load(struct cf_caps *c, const char *path, char *err, size_t errlen)
{
    cf_caps_init(c);
    c->path = oc_xstrdup(path);
    struct loader l = {.c = c, .f = oc_fopen(path, "r"), .err = err, .errlen = errlen};
    if (!l.f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct ini_opts was = ini_set();
    int r = ini_parse_stream(reader, &l, on_key, &l);
    ini_restore(was);
    bool read_error = ferror(l.f) != 0;
    fclose(l.f);
    free(l.raw);
    l.raw = NULL;
    if (l.failed)
        return -1;
    if (r > 0) {
        snprintf(err, errlen, "%s:%d: not a 'key = value' line or a [section]", path, r);
        return -1;
    }
    if (r == -2)
        oc_out_of_memory(0); /* inih's line buffer */
    if (r < 0 || read_error) {
        snprintf(err, errlen, "%s: cannot be read", path);
        return -1;
    }
    /* credentials are known only after the whole file: expand the [ota] lines now, each
     * error at the line that holds the reference */
    for (unsigned i = 0; i < c->n_flow; i++) {
        struct cf_flow_caps *f = &c->flow[i];
        char key[80];
        for (unsigned k = 0; f->setup[k]; k++) {
            snprintf(key, sizeof key, "%.60s.setup", f->flow);
            char *x = expand(&l, key, f->setup[k], f->setup_line[k]);
            if (!x)
                return -1; /* the line stays, to be freed with the rest */
            free(f->setup[k]);
            f->setup[k] = x;
        }
        if (f->start) {
            snprintf(key, sizeof key, "%.60s.start", f->flow);
            char *x = expand(&l, key, f->start, f->start_line);
            if (!x)
                return -1;
            free(f->start);
            f->start = x;
        }
    }
    return 0;
}

static void free_list(char **list)
{
    for (size_t i = 0; list[i]; i++)
        free(list[i]);
}

void cf_caps_free(struct cf_caps *c)
{
    free(c->path);
    free(c->vendor);
    free(c->target);
    free(c->reset);
    free_list(c->not_supported);
    free_list(c->claimed);
    free_list(c->flows);
    free_list(c->dialect);
    free_list(c->secret_names);
    free_list(c->secrets);
    for (unsigned i = 0; i < c->n_flow; i++) {
        free(c->flow[i].flow);
        free_list(c->flow[i].setup);
        free(c->flow[i].start);
    }
    cf_caps_init(c);
}

const struct cf_flow_caps *cf_caps_flow(const struct cf_caps *c, const char *flow)
{
    for (unsigned i = 0; c && i < c->n_flow; i++)
        if (strcmp(c->flow[i].flow, flow) == 0)
            return &c->flow[i];
    return NULL;
}

bool cf_flow_start(const struct cf_caps *c, const char *vendor, const char *flow, struct flow_start *out)
{
    const struct cf_flow_caps *fc = cf_caps_flow(c, flow);
    const struct flow_start *fs = flow_start_for(vendor, flow);
    memset(out, 0, sizeof *out);
    out->vendor = vendor;
    out->flow = fs ? fs->flow : fc ? fc->flow : flow;
    out->driver = fs ? fs->driver : NULL;
    if (fc && (fc->setup[0] || fc->start)) {
        /* a real module's cloud: none of the reference cloud's lines */
        for (size_t i = 0; i < FLOW_SETUP_MAX && fc->setup[i]; i++)
            out->setup[i] = fc->setup[i];
        out->start = fc->start;
    } else if (fs) {
        *out = *fs;
    }
    return out->start != NULL;
}
