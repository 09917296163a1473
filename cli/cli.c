/* cli/cli.c — see cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "common/num.h"
#include "conformance/caps.h"
#include "grammar/load.h"
#include "harness/transport.h"

void cli_env_init(struct cli_env *env)
{
    memset(env, 0, sizeof *env);
    gram_set_init(&env->set);
}

void cli_env_free(struct cli_env *env)
{
    gram_set_free(&env->set);
}

bool cli_common_option(struct cli_env *env, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_VENDOR:
        env->vendor = arg;
        return true;
    case CLI_OPT_GRAMMAR:
        if (env->n_grammar < CLI_MAX_LIST) {
            env->grammar_files[env->n_grammar++] = arg;
        } else {
            if (!env->too_many)
                fprintf(stderr, "otacheck: --grammar %s: at most %d grammar files\n", arg, CLI_MAX_LIST);
            env->too_many = true;
        }
        return true;
    case CLI_OPT_DIALECT:
        if (env->n_dialect < CLI_MAX_LIST) {
            env->dialect_specs[env->n_dialect++] = arg;
        } else {
            if (!env->too_many)
                fprintf(stderr, "otacheck: --dialect %s: at most %d dialect choices\n", arg, CLI_MAX_LIST);
            env->too_many = true;
        }
        return true;
    }
    return false;
}

int cli_load(struct cli_env *env)
{
    if (env->too_many)
        return EXIT_USAGE; /* said when the option came */
    struct oc_diag d;
    oc_diag_init(&d);
    int r = gram_load_all(&env->set, env->grammar_files, env->n_grammar, &d);
    oc_diag_print(&d, stderr);
    oc_diag_free(&d);
    if (r != 0) {
        fprintf(stderr, "otacheck: the grammar has errors (see above)\n");
        return EXIT_USAGE;
    }
    env->loaded = true;
    return EXIT_PASS;
}

size_t cli_vendors(struct cli_env *env, const struct gram_vendor **out, size_t max)
{
    size_t n = 0;
    if (!env->vendor || strcmp(env->vendor, "all") == 0) {
        for (size_t i = 0; i < env->set.n_vendors && n < max; i++)
            out[n++] = env->set.vendors[i];
        return n;
    }
    /* a comma-separated list */
    const char *s = env->vendor;
    if (!*s) {
        fprintf(stderr, "otacheck: --vendor needs a vendor (ID, ID,ID or all)\n");
        return 0;
    }
    while (*s && n < max) {
        size_t len = strcspn(s, ",");
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)len, s);
        const struct gram_vendor *v = len < sizeof id ? gram_set_vendor(&env->set, id) : NULL;
        for (size_t k = 0; v && k < n; k++)
            if (out[k] == v) {
                fprintf(stderr, "otacheck: --vendor %s: %s is named twice\n", env->vendor, id);
                return 0;
            }
        if (!v) {
            fprintf(stderr, "otacheck: unknown vendor '%s'; known:", id);
            for (size_t i = 0; i < env->set.n_vendors; i++)
                fprintf(stderr, " %s", env->set.vendors[i]->id);
            fprintf(stderr, "\n");
            return 0;
        }
        out[n++] = v;
        s += len;
        if (*s == ',')
            s++;
    }
    return n;
}

int cli_dialect(struct cli_env *env, const struct gram_vendor *v, struct gram_dialect *d)
{
    gram_dialect_default(d, v);
    for (size_t i = 0; i < env->n_dialect; i++) {
        const char *spec = env->dialect_specs[i];
        const char *colon = strchr(spec, ':');
        const char *eq = strchr(spec, '=');
        if (colon && (!eq || colon < eq)) {
            /* vendor:knob=choice */
            if ((size_t)(colon - spec) != strlen(v->id) || strncmp(spec, v->id, (size_t)(colon - spec)) != 0)
                continue;
            spec = colon + 1;
        } else {
            /* a knob name this vendor does not have is fine when several vendors run */
            char name[64];
            snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - spec) : (int)strlen(spec), spec);
            if (!gram_vendor_knob(v, name))
                continue;
        }
        char err[256];
        if (gram_dialect_set(d, spec, err, sizeof err) != 0) {
            fprintf(stderr, "otacheck: --dialect %s: %s\n", env->dialect_specs[i], err);
            return EXIT_USAGE;
        }
    }
    return EXIT_PASS;
}

int cli_caps_dialect(const struct cf_caps *caps, const char *verb, const struct gram_vendor *v,
                     struct gram_dialect *d)
{
    if (!caps || (caps->vendor && strcmp(caps->vendor, v->id) != 0))
        return EXIT_PASS;
    for (size_t k = 0; caps->dialect[k]; k++) {
        char err[256];
        if (gram_dialect_set(d, caps->dialect[k], err, sizeof err) != 0) {
            fprintf(stderr, "otacheck %s: %s: [dialect] %s\n", verb, caps->path ? caps->path : "caps", err);
            return EXIT_USAGE;
        }
    }
    return EXIT_PASS;
}

/* "a, b, c" of the knobs of v, or of the choices of knob k. */
static void knob_names(const struct gram_vendor *v, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (uint8_t i = 0; i < v->n_knobs && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", v->knobs[i].name);
    if (!v->n_knobs)
        snprintf(buf, n, "none");
}

static void vendor_names(const struct gram_vendor *const *vs, size_t nv, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nv && o < n; i++)
        if (!vs[i]->is_core)
            o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", vs[i]->id);
}

int cli_check_dialects(const struct cli_env *env, const char *verb, const struct gram_vendor *const *vs,
                       size_t nv)
{
    char names[512], err[512];
    for (size_t i = 0; i < env->n_dialect; i++) {
        const char *spec = env->dialect_specs[i], *setting = spec;
        const char *colon = strchr(spec, ':'), *eq = strchr(spec, '=');
        if (!eq || eq == spec || (colon && colon < eq && (colon == spec || colon + 1 == eq))) {
            fprintf(stderr, "otacheck %s: --dialect '%s': write [VENDOR:]KNOB=CHOICE (otacheck grammar list "
                            "shows the knobs)\n", verb, spec);
            return EXIT_USAGE;
        }
        const struct gram_vendor *v = NULL;
        if (colon && colon < eq) {
            size_t vl = (size_t)(colon - spec);
            for (size_t k = 0; k < nv; k++)
                if (strlen(vs[k]->id) == vl && strncmp(vs[k]->id, spec, vl) == 0)
                    v = vs[k];
            if (!v) {
                char id[64];
                snprintf(id, sizeof id, "%.*s", (int)vl, spec);
                const struct gram_vendor *known = gram_set_vendor(&env->set, id);
                if (known && !known->is_core) {
                    vendor_names(vs, nv, names, sizeof names);
                    fprintf(stderr, "otacheck %s: --dialect '%s': %s is not a vendor of this run (%s)\n", verb, spec,
                            id, names);
                } else {
                    vendor_names((const struct gram_vendor *const *)env->set.vendors, env->set.n_vendors, names,
                                 sizeof names);
                    fprintf(stderr, "otacheck %s: --dialect '%s': no vendor '%s' (known: %s)\n", verb, spec, id,
                            names);
                }
                return EXIT_USAGE;
            }
            setting = colon + 1;
        } else if (nv != 1) {
            /* a knob with no vendor: whose? */
            char knob[64];
            snprintf(knob, sizeof knob, "%.*s", (int)(eq - spec), spec);
            size_t o = 0;
            names[0] = '\0';
            for (size_t k = 0; k < nv && o < sizeof names; k++)
                if (gram_vendor_knob(vs[k], knob))
                    o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", o ? ", " : "", vs[k]->id);
            fprintf(stderr, "otacheck %s: --dialect '%s': no vendor is named: give --vendor ID or write "
                            "VENDOR:%s (%s%s%s)\n", verb, spec, spec, o ? "a knob of " : "no vendor has a knob '",
                    o ? names : knob, o ? "" : "'");
            return EXIT_USAGE;
        } else {
            v = vs[0];
        }
        char knob[64];
        snprintf(knob, sizeof knob, "%.*s", (int)(eq - setting), setting);
        if ((size_t)(eq - setting) >= sizeof knob || !gram_vendor_knob(v, knob)) {
            knob_names(v, names, sizeof names);
            fprintf(stderr, "otacheck %s: --dialect '%s': %s has no dialect knob '%.*s' (knobs: %s)\n", verb, spec,
                    v->id, (int)(eq - setting), setting, names);
            return EXIT_USAGE;
        }
        struct gram_dialect d;
        gram_dialect_default(&d, v);
        if (gram_dialect_set(&d, setting, err, sizeof err) != 0) {
            fprintf(stderr, "otacheck %s: --dialect '%s': %s: %s\n", verb, spec, v->id, err);
            return EXIT_USAGE;
        }
    }
    return EXIT_PASS;
}

int cli_check_target(const char *verb, const char *from, const char *spec, const struct gram_set *gs)
{
    char err[600];
    if (hx_check_spec(spec, gs, err, sizeof err) != 0) {
        fprintf(stderr, "otacheck %s: %s: %s\n", verb, from, err);
        return EXIT_USAGE;
    }
    return EXIT_PASS;
}

int cli_parse_uint(const char *verb, const char *opt, const char *s, unsigned long long min,
                   unsigned long long max, unsigned long long *out)
{
    enum oc_num_status st = oc_parse_uint(s, min, max, out);
    if (st == OC_NUM_OK)
        return EXIT_PASS;
    fprintf(stderr, "otacheck %s: %s: '%s' is %s (a whole number from %llu to %llu)\n", verb, opt, s,
            st == OC_NUM_OUT_OF_RANGE ? "out of range" : "not a number", min, max);
    return EXIT_USAGE;
}

int cli_parse_double(const char *verb, const char *opt, const char *s, double min, double max, bool above_min,
                     double *out)
{
    enum oc_num_status st = oc_parse_double(s, min, max, above_min, out);
    if (st == OC_NUM_OK)
        return EXIT_PASS;
    fprintf(stderr, "otacheck %s: %s: '%s' is %s (a number %s %g and at most %g)\n", verb, opt, s,
            st == OC_NUM_OUT_OF_RANGE ? "out of range" : "not a finite number", above_min ? "above" : "from", min, max);
    return EXIT_USAGE;
}
