/* cli/cli.c — see cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "conformance/caps.h"
#include "grammar/load.h"

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
        if (env->n_grammar < CLI_MAX_LIST)
            env->grammar_files[env->n_grammar++] = arg;
        return true;
    case CLI_OPT_DIALECT:
        if (env->n_dialect < CLI_MAX_LIST)
            env->dialect_specs[env->n_dialect++] = arg;
        return true;
    }
    return false;
}

int cli_load(struct cli_env *env)
{
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
    while (*s && n < max) {
        size_t len = strcspn(s, ",");
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)len, s);
        const struct gram_vendor *v = gram_set_vendor(&env->set, id);
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
