/* reports/nameset.c — unique names within a scope (reports/nameset.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "reports/nameset.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of key, or of the empty place it would go to. */
static size_t nameset_find(const struct rp_nameset *ns, const char *key)
{
    size_t i = (size_t)(hash(key) & (ns->cap - 1));
    while (ns->slot[i] && strcmp(ns->slot[i], key) != 0)
        i = (i + 1) & (ns->cap - 1);
    return i;
}

static void nameset_grow(struct rp_nameset *ns)
{
    if (2 * (ns->n + 1) <= ns->cap)
        return;
    size_t cap = ns->cap ? ns->cap * 2 : 64;
    struct rp_nameset bigger = {oc_xcalloc(cap, sizeof(char *)), oc_xcalloc(cap, sizeof(unsigned)), cap, ns->n};
    for (size_t i = 0; i < ns->cap; i++)
        if (ns->slot[i]) {
            size_t k = nameset_find(&bigger, ns->slot[i]);
            bigger.slot[k] = ns->slot[i];
            bigger.next[k] = ns->next[i];
        }
    free(ns->slot);
    free(ns->next);
    *ns = bigger;
}

/* The entry of key (taken over, or freed when present); *added says which. */
static size_t nameset_add(struct rp_nameset *ns, char *key, bool *added)
{
    nameset_grow(ns);
    size_t i = nameset_find(ns, key);
    *added = !ns->slot[i];
    if (*added) {
        ns->slot[i] = key;
        ns->next[i] = 2;
        ns->n++;
    } else {
        free(key);
    }
    return i;
}

void rp_nameset_free(struct rp_nameset *ns)
{
    for (size_t i = 0; i < ns->cap; i++)
        free(ns->slot[i]);
    free(ns->slot);
    free(ns->next);
}

static char *pair_key(const char *classname, const char *name)
{
    size_t a = strlen(classname), b = strlen(name);
    char *k = oc_xmalloc(a + b + 2);
    memcpy(k, classname, a);
    k[a] = '\x1f';
    memcpy(k + a + 1, name, b + 1);
    return k;
}

char *rp_nameset_unique(struct rp_nameset *ns, const char *classname, const char *name,
                        const char *sep)
{
    size_t n = strlen(name) + strlen(sep) + 16;
    char *out = oc_xmalloc(n);
    snprintf(out, n, "%s", name);
    bool added;
    size_t base = nameset_add(ns, pair_key(classname, out), &added);
    if (added)
        return out;
    unsigned k = ns->next[base];
    for (;; k++) {
        snprintf(out, n, "%s%s%u", name, sep, k);
        nameset_add(ns, pair_key(classname, out), &added); /* may move the entries */
        if (added)
            break;
    }
    char *key = pair_key(classname, name); /* its entry again: adding may have moved it */
    ns->next[nameset_find(ns, key)] = k + 1;
    free(key);
    return out;
}
