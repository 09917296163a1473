/* conformance/caps.c — reads the capability file with inih; see caps.h. inih's handler
 * gets no line number in Debian's build, so the file is fed through a reader that counts
 * lines, and errors name the line the handler was called for. */
#include "conformance/caps.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct loader {
    struct cf_caps *c;
    FILE *f;
    int line;
    char *err;
    size_t errlen;
    bool failed;
};

static char *reader(char *str, int num, void *stream)
{
    struct loader *l = stream;
    char *r = fgets(str, num, l->f);
    if (r)
        l->line++;
    return r;
}

static bool fail(struct loader *l, const char *fmt, const char *a, const char *b)
{
    if (!l->failed) {
        char msg[300];
        snprintf(msg, sizeof msg, fmt, a, b);
        snprintf(l->err, l->errlen, "%s:%d: %s", l->c->path, l->line, msg);
    }
    l->failed = true;
    return false;
}

static bool push(char **list, const char *value)
{
    for (size_t i = 0; i < CAPS_MAX_LIST; i++)
        if (!list[i]) {
            list[i] = strdup(value);
            return list[i] != NULL;
        }
    return false;
}

/* "a, b ,c" -> list entries */
static bool push_csv(char **list, const char *value)
{
    char *copy = strdup(value), *save = NULL;
    bool ok = copy != NULL;
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
    f->flow = strndup(flow, n);
    return f;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct loader *l = user;
    struct cf_caps *c = l->c;
    if (strcmp(section, "module") == 0) {
        if (strcmp(name, "vendor") == 0) {
            free(c->vendor);
            c->vendor = strdup(value);
        } else if (strcmp(name, "target") == 0) {
            free(c->target);
            c->target = strdup(value);
        } else if (strcmp(name, "allow-destructive") == 0) {
            c->allow_destructive = yes_no(value);
            if (c->allow_destructive < 0)
                return fail(l, "allow-destructive must be yes or no, not '%s'%s", value, "");
        } else if (strcmp(name, "pace-us") == 0) {
            char *end;
            long us = strtol(value, &end, 10);
            if (*end || us < 0 || us > 100000)
                return fail(l, "pace-us must be 0..100000 (microseconds between bytes), not '%s'%s", value, "");
            c->pace_us = (unsigned)us;
        } else if (strcmp(name, "reset") == 0) {
            free(c->reset);
            c->reset = strdup(value);
        } else if (strcmp(name, "reset-time") == 0) {
            char *end;
            double sec = strtod(value, &end);
            if (end == value || *end || !(sec > 0 && sec <= 3600))
                return fail(l, "reset-time must be the seconds the module takes to restart (0..3600), not '%s'%s",
                            value, "");
            c->reset_ms = (unsigned)(sec * 1000);
        } else {
            return fail(l, "unknown key '%s' in [module] (vendor, target, allow-destructive, pace-us, reset, "
                        "reset-time)%s", name, "");
        }
    } else if (strcmp(section, "claims") == 0) {
        if (strcmp(name, "not-supported") == 0) {
            if (!push_csv(c->not_supported, value))
                return fail(l, "too many entries in '%s'%s", name, "");
        } else if (strcmp(name, "flows") == 0) {
            c->flows_given = true;
            if (!push_csv(c->flows, value))
                return fail(l, "too many entries in '%s'%s", name, "");
        } else if (strcmp(name, "claimed") == 0) {
            if (!push_csv(c->claimed, value))
                return fail(l, "too many entries in '%s'%s", name, "");
        } else if (strcmp(name, "clean-output") == 0) {
            c->clean_output = yes_no(value);
            if (c->clean_output < 0)
                return fail(l, "clean-output must be yes or no, not '%s'%s", value, "");
        } else {
            return fail(l, "unknown key '%s' in [claims] (not-supported, claimed, flows, clean-output)%s", name, "");
        }
    } else if (strcmp(section, "dialect") == 0) {
        char spec[512];
        snprintf(spec, sizeof spec, "%s=%s", name, value);
        if (!push(c->dialect, spec))
            return fail(l, "too many dialect choices at '%s'%s", name, "");
    } else if (strcmp(section, "ota") == 0) {
        const char *dot = strrchr(name, '.');
        if (strcmp(name, "plan-staged") == 0) {
            c->plan_staged = yes_no(value);
            if (c->plan_staged < 0)
                return fail(l, "plan-staged must be yes or no, not '%s'%s", value, "");
        } else if (strcmp(name, "provisioned") == 0) {
            c->provisioned = yes_no(value);
            if (c->provisioned < 0)
                return fail(l, "provisioned must be yes or no, not '%s'%s", value, "");
        } else if (strcmp(name, "image-size") == 0 || strcmp(name, "link-speed") == 0) {
            char *end;
            unsigned long long v = strtoull(value, &end, 10);
            if (end == value || *end || v == 0 || v > 1ull << 40)
                return fail(l, "%s must be a positive number of bytes (per second for link-speed), not '%s'", name,
                            value);
            if (strcmp(name, "image-size") == 0)
                c->image_size = (unsigned long)v;
            else
                c->link_speed = (unsigned long)v;
        } else if (dot && (strcmp(dot, ".setup") == 0 || strcmp(dot, ".start") == 0)) {
            struct cf_flow_caps *f = flow_entry(c, name, (size_t)(dot - name));
            if (!f)
                return fail(l, "too many flows at '%s'%s", name, "");
            if (strcmp(dot, ".start") == 0) {
                free(f->start);
                f->start = strdup(value);
            } else {
                unsigned k = 0;
                while (f->setup[k])
                    k++;
                if (k == CAPS_MAX_SETUP)
                    return fail(l, "at most 4 setup lines per flow ('%s')%s", name, "");
                f->setup[k] = strdup(value);
            }
        } else {
            return fail(l, "unknown key '%s' in [ota] (plan-staged, provisioned, image-size, link-speed, <flow>.setup, "
                        "<flow>.start)%s", name, "");
        }
    } else if (strcmp(section, "credentials") == 0) {
        if (!push(c->secret_names, name) || !push(c->secrets, value))
            return fail(l, "too many credentials at '%s'%s", name, "");
    } else {
        return fail(l, "unknown section [%s] (module, claims, dialect, ota, credentials)%s", section, "");
    }
    return 1;
}

/* ${name} in an [ota] line -> the credential's value. */
static char *expand(const struct cf_caps *c, const char *line, struct loader *l)
{
    char out[2048];
    size_t o = 0;
    for (const char *p = line; *p && o + 1 < sizeof out;) {
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p, '}');
            if (!end)
                break;
            size_t n = (size_t)(end - p - 2);
            const char *val = NULL;
            for (size_t i = 0; c->secret_names[i]; i++)
                if (strlen(c->secret_names[i]) == n && strncmp(c->secret_names[i], p + 2, n) == 0)
                    val = c->secrets[i];
            if (!val) {
                char name[128];
                snprintf(name, sizeof name, "%.*s", (int)n, p + 2);
                fail(l, "${%s} names no entry of [credentials]%s", name, "");
                return NULL;
            }
            o += (size_t)snprintf(out + o, sizeof out - o, "%s", val);
            p = end + 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o < sizeof out ? o : sizeof out - 1] = '\0';
    return strdup(out);
}

void cf_caps_init(struct cf_caps *c)
{
    memset(c, 0, sizeof *c);
    c->allow_destructive = -1;
    c->plan_staged = -1;
    c->clean_output = -1;
    c->provisioned = -1;
}

int cf_caps_load(struct cf_caps *c, const char *path, char *err, size_t errlen)
{
    cf_caps_init(c);
    c->path = strdup(path);
    struct loader l = {c, fopen(path, "r"), 0, err, errlen, false};
    if (!l.f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int r = ini_parse_stream(reader, &l, on_key, &l);
    fclose(l.f);
    if (l.failed)
        return -1;
    if (r > 0) {
        snprintf(err, errlen, "%s:%d: not a 'key = value' line or a [section]", path, r);
        return -1;
    }
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot be read", path);
        return -1;
    }
    /* credentials are known only after the whole file: expand the [ota] lines now */
    l.line = 0;
    for (unsigned i = 0; i < c->n_flow; i++) {
        struct cf_flow_caps *f = &c->flow[i];
        for (unsigned k = 0; f->setup[k]; k++) {
            char *x = expand(c, f->setup[k], &l);
            if (!x)
                return -1; /* the line stays, to be freed with the rest */
            free(f->setup[k]);
            f->setup[k] = x;
        }
        if (f->start) {
            char *x = expand(c, f->start, &l);
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
