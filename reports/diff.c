/* reports/diff.c — two runs compared (otacheck diff): both sides read through
 * reports/load.h, their cases matched by id (each side sorted by id, then one merge: n log n,
 * never n x m), each matched case classed as a regression, a fix, another change or the same
 * (reports/diff.h says how), the latency of every exchange gathered per command and form
 * through a hash table, the flow cases picked out, and the targets paired (by vendor, then in
 * order) with their dialect choices knob by knob. Also the files of --report-dir. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/diff_internal.h"

bool dd_fails(const struct rp_diff *d, enum rp_verdict v)
{
    return v == RP_FAIL || v == RP_ERROR || (d->opts.strict && v == RP_WARN);
}

const char *dd_change_name(enum dd_change c)
{
    switch (c) {
    case DD_REGRESSION: return "regression";
    case DD_FIX: return "fix";
    case DD_CHANGE: return "change";
    case DD_SAME: return "same";
    }
    return "same";
}

double dd_ratio(double a, double b, size_t na, size_t nb)
{
    if (!na || !nb || !(a > 0) || !isfinite(a) || !isfinite(b))
        return -1;
    return b / a;
}

bool dd_is_flow(const struct rp_case *c)
{
    return c && c->form && strcmp(c->form, "flow") == 0;
}

bool dd_clocks_differ(const struct rp_diff *d)
{
    bool virt[2] = {false, false}, wall[2] = {false, false};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < d->side[s].res.n_targets; i++) {
            const char *c = d->side[s].res.targets[i].clock;
            virt[s] |= c && strcmp(c, "virtual") == 0;
            wall[s] |= c && strcmp(c, "wall") == 0;
        }
    return (virt[0] && wall[1]) || (wall[0] && virt[1]);
}

/* ---- matching by id ------------------------------------------------------------------ */

struct keyed {
    const char *id;
    size_t index;
};

static int by_id(const void *x, const void *y)
{
    const struct keyed *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

static struct keyed *sorted_ids(const struct rp_results *r)
{
    struct keyed *k = oc_xmalloc((r->n_cases ? r->n_cases : 1) * sizeof *k);
    for (size_t i = 0; i < r->n_cases; i++)
        k[i] = (struct keyed){r->cases[i].id ? r->cases[i].id : "", i};
    qsort(k, r->n_cases, sizeof *k, by_id);
    return k;
}

static enum dd_change classify(const struct rp_diff *d, const struct rp_case *a,
                               const struct rp_case *b)
{
    if (a->verdict == b->verdict)
        return DD_SAME;
    bool fa = dd_fails(d, a->verdict), fb = dd_fails(d, b->verdict);
    return !fa && fb ? DD_REGRESSION : fa && !fb ? DD_FIX : DD_CHANGE;
}

static int pair_by_a(const void *x, const void *y)
{
    const struct dd_pair *a = x, *b = y;
    return (a->index[DD_A] > b->index[DD_A]) - (a->index[DD_A] < b->index[DD_A]);
}

static int pair_by_b(const void *x, const void *y)
{
    const struct dd_pair *a = x, *b = y;
    return (a->index[DD_B] > b->index[DD_B]) - (a->index[DD_B] < b->index[DD_B]);
}

static void match(struct rp_diff *d)
{
    const struct rp_results *ra = &d->side[DD_A].res, *rb = &d->side[DD_B].res;
    struct keyed *ka = sorted_ids(ra), *kb = sorted_ids(rb);
    size_t total = ra->n_cases + rb->n_cases;
    struct dd_pair *matched = oc_xmalloc((total ? total : 1) * sizeof *matched);
    struct dd_pair *only_a = oc_xmalloc((ra->n_cases ? ra->n_cases : 1) * sizeof *only_a);
    struct dd_pair *only_b = oc_xmalloc((rb->n_cases ? rb->n_cases : 1) * sizeof *only_b);
    size_t nm = 0, na = 0, nb = 0, i = 0, j = 0;
    while (i < ra->n_cases || j < rb->n_cases) {
        int c = i >= ra->n_cases ? 1 : j >= rb->n_cases ? -1 : strcmp(ka[i].id, kb[j].id);
        struct dd_pair p = {{NULL, NULL}, {0, 0}, DD_SAME};
        if (c <= 0) {
            p.c[DD_A] = &ra->cases[ka[i].index];
            p.index[DD_A] = ka[i++].index;
        }
        if (c >= 0) {
            p.c[DD_B] = &rb->cases[kb[j].index];
            p.index[DD_B] = kb[j++].index;
        }
        if (c == 0) {
            p.change = classify(d, p.c[DD_A], p.c[DD_B]);
            matched[nm++] = p;
        } else if (c < 0) {
            only_a[na++] = p;
        } else {
            only_b[nb++] = p;
        }
    }
    free(ka);
    free(kb);
    qsort(matched, nm, sizeof *matched, pair_by_a);
    qsort(only_a, na, sizeof *only_a, pair_by_a);
    qsort(only_b, nb, sizeof *only_b, pair_by_b);
    memcpy(matched + nm, only_a, na * sizeof *only_a);
    memcpy(matched + nm + na, only_b, nb * sizeof *only_b);
    free(only_a);
    free(only_b);
    d->pairs = matched;
    d->n_pairs = nm + na + nb;
    d->n_matched = nm;
    d->n_only_a = na;

    struct rp_diff_counts *k = &d->counts;
    k->a_cases = ra->n_cases;
    k->b_cases = rb->n_cases;
    k->matched = nm;
    k->only_a = na;
    k->only_b = nb;
    for (size_t m = 0; m < nm; m++) {
        switch (matched[m].change) {
        case DD_SAME:
            k->unchanged++;
            k->still_failing += dd_fails(d, matched[m].c[DD_A]->verdict);
            break;
        case DD_REGRESSION: k->regressions++; break;
        case DD_FIX: k->fixes++; break;
        case DD_CHANGE: k->other_changes++; break;
        }
    }
    for (size_t m = 0; m < d->n_pairs; m++)
        if (dd_is_flow(d->pairs[m].c[DD_A]) || dd_is_flow(d->pairs[m].c[DD_B]))
            d->n_flows++;
    d->flows = oc_xmalloc((d->n_flows ? d->n_flows : 1) * sizeof *d->flows);
    d->n_flows = 0;
    for (size_t m = 0; m < d->n_pairs; m++)
        if (dd_is_flow(d->pairs[m].c[DD_A]) || dd_is_flow(d->pairs[m].c[DD_B]))
            d->flows[d->n_flows++] = m;
}

/* ---- latency per command and form ---------------------------------------------------- */

struct group_table {
    size_t *slot; /* group index + 1; 0: empty */
    size_t cap;   /* a power of two */
};

static uint64_t key_hash(const char *command, const char *form)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)command; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h = (h ^ 0x1f) * 1099511628211ull;
    for (const unsigned char *p = (const unsigned char *)form; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

static size_t find_slot(const struct rp_diff *d, const struct group_table *t, const char *command,
                        const char *form)
{
    size_t i = (size_t)key_hash(command, form) & (t->cap - 1);
    while (t->slot[i]) {
        const struct dd_group *g = &d->groups[t->slot[i] - 1];
        if (strcmp(g->command, command) == 0 && strcmp(g->form, form) == 0)
            break;
        i = (i + 1) & (t->cap - 1);
    }
    return i;
}

static struct dd_group *group_of(struct rp_diff *d, struct group_table *t, size_t *cap_groups,
                                 const char *command, const char *form)
{
    size_t i = find_slot(d, t, command, form);
    if (t->slot[i])
        return &d->groups[t->slot[i] - 1];
    if (2 * (d->n_groups + 1) > t->cap) { /* keep it at most half full */
        size_t old = t->cap;
        size_t *old_slot = t->slot;
        t->cap *= 2;
        t->slot = oc_xcalloc(t->cap, sizeof *t->slot);
        for (size_t k = 0; k < old; k++)
            if (old_slot[k]) {
                const struct dd_group *g = &d->groups[old_slot[k] - 1];
                t->slot[find_slot(d, t, g->command, g->form)] = old_slot[k];
            }
        free(old_slot);
        i = find_slot(d, t, command, form);
    }
    if (d->n_groups == *cap_groups) {
        *cap_groups = *cap_groups ? *cap_groups * 2 : 32;
        d->groups = oc_xrealloc(d->groups, *cap_groups * sizeof *d->groups);
    }
    struct dd_group *g = &d->groups[d->n_groups++];
    memset(g, 0, sizeof *g);
    g->command = command;
    g->form = form;
    t->slot[i] = d->n_groups;
    return g;
}

static void add_sample(struct dd_group *g, int side, double ms, bool failed, const char *text,
                       size_t case_index, double limit_ms)
{
    if (g->n[side] == g->cap[side]) {
        g->cap[side] = g->cap[side] ? g->cap[side] * 2 : 16;
        g->s[side] = oc_xrealloc(g->s[side], g->cap[side] * sizeof *g->s[side]);
    }
    g->s[side][g->n[side]++] = (struct dd_sample){ms, failed, text, case_index};
    if (limit_ms > g->limit_ms)
        g->limit_ms = limit_ms;
}

/* The exchanges of a case: every exchange step with its command, form and latency; a case
 * without steps gives its own exchange (a flow's own latency is its starting command's,
 * already among its steps when it has them). */
static void gather(struct rp_diff *d, struct group_table *t, size_t *cap_groups, int side)
{
    const struct rp_results *r = &d->side[side].res;
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct rp_case *c = &r->cases[i];
        if (c->n_steps) {
            for (size_t k = 0; k < c->n_steps; k++) {
                const struct rp_step *st = &c->steps[k];
                if (st->event || st->latency_ms < 0 || !st->command || !*st->command || !st->form ||
                    !*st->form || strcmp(st->form, "none") == 0)
                    continue;
                add_sample(group_of(d, t, cap_groups, st->command, st->form), side, st->latency_ms,
                           st->failed, st->text ? st->text : c->id, i, st->limit_ms);
            }
            continue;
        }
        if (c->latency_ms < 0 || !c->command || !*c->command || !c->form || !*c->form ||
            strcmp(c->form, "none") == 0 || dd_is_flow(c))
            continue;
        bool failed = c->verdict == RP_FAIL && c->rule && strcmp(c->rule, "response-time") == 0;
        add_sample(group_of(d, t, cap_groups, c->command, c->form), side, c->latency_ms, failed,
                   c->id, i, c->limit_ms);
    }
}

static int by_ms(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The nearest-rank percentile pct (1 to 100) of n sorted values: the smallest value with at
 * least pct % of them at or below it, v[ceil(pct * n / 100) - 1]. */
static double rank(const double *v, size_t n, unsigned pct)
{
    size_t k = (size_t)(((unsigned long long)n * pct + 99) / 100);
    return v[k ? k - 1 : 0];
}

static void stats(struct dd_group *g, int side)
{
    struct dd_stats *st = &g->st[side];
    st->n = g->n[side];
    if (!st->n)
        return;
    double *v = oc_xmalloc(st->n * sizeof *v);
    for (size_t i = 0; i < st->n; i++) {
        v[i] = g->s[side][i].ms;
        st->failed += g->s[side][i].failed;
    }
    qsort(v, st->n, sizeof *v, by_ms);
    st->p50 = rank(v, st->n, 50);
    st->p95 = rank(v, st->n, 95);
    st->max = v[st->n - 1];
    free(v);
}

static int group_order(const void *x, const void *y)
{
    const struct dd_group *a = x, *b = y;
    int c = strcmp(a->command, b->command);
    return c ? c : strcmp(a->form, b->form);
}

static void latencies(struct rp_diff *d)
{
    struct group_table t = {oc_xcalloc(64, sizeof(size_t)), 64};
    size_t cap = 0;
    gather(d, &t, &cap, DD_A);
    gather(d, &t, &cap, DD_B);
    free(t.slot);
    qsort(d->groups, d->n_groups, sizeof *d->groups, group_order);
    for (size_t i = 0; i < d->n_groups; i++) {
        stats(&d->groups[i], DD_A);
        stats(&d->groups[i], DD_B);
    }
}

/* ---- targets and dialects ------------------------------------------------------------ */

const char *const dd_target_fields[] = {
    "vendor", "spec", "manufacturer", "model", "revision", "imei", "grammar_source",
    "grammar_revision", "grammar_sha256", "caps_file", "caps_sha256", "clock",
    "destructive_allowed", "overhead_ms", NULL,
};

const char *dd_target_field(const struct rp_target *t, const char *f, char *buf, size_t n)
{
    if (!t)
        return NULL;
    if (strcmp(f, "vendor") == 0) return t->vendor;
    if (strcmp(f, "spec") == 0) return t->spec;
    if (strcmp(f, "manufacturer") == 0) return t->manufacturer;
    if (strcmp(f, "model") == 0) return t->model;
    if (strcmp(f, "revision") == 0) return t->revision;
    if (strcmp(f, "imei") == 0) return t->imei;
    if (strcmp(f, "grammar_source") == 0) return t->grammar_source;
    if (strcmp(f, "grammar_sha256") == 0) return t->grammar_sha256;
    if (strcmp(f, "caps_file") == 0) return t->caps_file;
    if (strcmp(f, "caps_sha256") == 0) return t->caps_sha256;
    if (strcmp(f, "clock") == 0) return t->clock;
    if (strcmp(f, "grammar_revision") == 0) {
        snprintf(buf, n, "%u", t->grammar_revision);
        return buf;
    }
    if (strcmp(f, "destructive_allowed") == 0)
        return t->destructive_allowed ? "yes" : "no";
    if (strcmp(f, "overhead_ms") == 0)
        return t->overhead_ms >= 0 ? rp_fmt_ms(t->overhead_ms, buf, n) : NULL;
    return NULL;
}

/* By vendor first (the first unpaired target of B with A's vendor), then the rest in order. */
static void pair_targets(struct rp_diff *d)
{
    const struct rp_results *ra = &d->side[DD_A].res, *rb = &d->side[DD_B].res;
    d->targets = oc_xcalloc(ra->n_targets + rb->n_targets + 1, sizeof *d->targets);
    bool *used = oc_xcalloc(rb->n_targets + 1, sizeof *used);
    long *mate = oc_xmalloc((ra->n_targets + 1) * sizeof *mate);
    for (size_t i = 0; i < ra->n_targets; i++) {
        mate[i] = -1;
        for (size_t j = 0; j < rb->n_targets && ra->targets[i].vendor; j++)
            if (!used[j] && rb->targets[j].vendor &&
                strcmp(ra->targets[i].vendor, rb->targets[j].vendor) == 0) {
                mate[i] = (long)j;
                used[j] = true;
                break;
            }
    }
    size_t next_b = 0;
    for (size_t i = 0; i < ra->n_targets; i++) {
        if (mate[i] < 0) {
            while (next_b < rb->n_targets && used[next_b])
                next_b++;
            if (next_b < rb->n_targets) {
                mate[i] = (long)next_b;
                used[next_b] = true;
            }
        }
        struct dd_target_pair *p = &d->targets[d->n_targets++];
        p->t[DD_A] = &ra->targets[i];
        p->index[DD_A] = (unsigned)i;
        if (mate[i] >= 0) {
            p->t[DD_B] = &rb->targets[mate[i]];
            p->index[DD_B] = (unsigned)mate[i];
        }
    }
    for (size_t j = 0; j < rb->n_targets; j++)
        if (!used[j]) {
            struct dd_target_pair *p = &d->targets[d->n_targets++];
            p->t[DD_B] = &rb->targets[j];
            p->index[DD_B] = (unsigned)j;
        }
    free(used);
    free(mate);
}

static struct dd_knob *knob_of(struct rp_diff *d, size_t *cap, const char *name, size_t len)
{
    for (size_t i = 0; i < d->n_knobs; i++)
        if (strlen(d->knobs[i].knob) == len && memcmp(d->knobs[i].knob, name, len) == 0)
            return &d->knobs[i];
    if (d->n_knobs == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        d->knobs = oc_xrealloc(d->knobs, *cap * sizeof *d->knobs);
    }
    struct dd_knob *k = &d->knobs[d->n_knobs++];
    k->knob = oc_xmemdup0(name, len);
    k->choice[DD_A] = k->choice[DD_B] = NULL;
    return k;
}

/* "knob=a|b,knob2=c", of each target of each side; a knob of several targets of one side
 * with different choices shows them joined by "; ". The knob's name is prefixed with the
 * target's vendor when the side has targets of several vendors. */
static void dialects(struct rp_diff *d)
{
    size_t cap = 0;
    for (int s = 0; s < 2; s++) {
        const struct rp_results *r = &d->side[s].res;
        for (size_t i = 0; i < r->n_targets; i++) {
            const struct rp_target *t = &r->targets[i];
            const char *p = t->dialect;
            bool prefix = r->n_targets > 1 && t->vendor;
            while (p && *p) {
                const char *end = strchr(p, ',');
                size_t len = end ? (size_t)(end - p) : strlen(p);
                const char *eq = memchr(p, '=', len);
                if (eq && eq > p) {
                    size_t kl = (size_t)(eq - p);
                    char *name = oc_xmalloc(kl + (prefix ? strlen(t->vendor) + 2 : 1));
                    int o = prefix ? sprintf(name, "%s:", t->vendor) : 0;
                    memcpy(name + o, p, kl);
                    name[o + kl] = '\0';
                    struct dd_knob *k = knob_of(d, &cap, name, strlen(name));
                    free(name);
                    char *v = oc_xmemdup0(eq + 1, len - kl - 1);
                    if (!k->choice[s]) {
                        k->choice[s] = v;
                    } else if (strcmp(k->choice[s], v) != 0) {
                        size_t n = strlen(k->choice[s]) + strlen(v) + 3;
                        char *j = oc_xmalloc(n);
                        snprintf(j, n, "%s; %s", k->choice[s], v);
                        free(k->choice[s]);
                        free(v);
                        k->choice[s] = j;
                    } else {
                        free(v);
                    }
                }
                p = end ? end + 1 : NULL;
            }
        }
    }
}

/* ---- the whole ----------------------------------------------------------------------- */

/* One side read, in a thread of its own: the two sides are read at once (most of the time
 * of a large diff is jansson's parsing). */
struct load_job {
    struct dd_side *side;
    int rc;
    char why[1024];
};

static void *load_side(void *arg)
{
    struct load_job *j = arg;
    j->rc = rp_load_results(j->side->path, &j->side->res, &j->side->file, &j->side->kind, j->why,
                            sizeof j->why);
    return NULL;
}

struct rp_diff *rp_diff_load(const char *a, const char *b, const struct rp_diff_opts *o,
                             char *err, size_t errlen)
{
    struct rp_diff *d = oc_xcalloc(1, sizeof *d);
    d->opts = *o;
    d->side[DD_A].path = a;
    d->side[DD_B].path = b;
    struct load_job job[2] = {{&d->side[DD_A], 0, ""}, {&d->side[DD_B], 0, ""}};
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, load_side, &job[DD_B]) == 0;
    load_side(&job[DD_A]);
    if (threaded)
        pthread_join(th, NULL);
    else
        load_side(&job[DD_B]);
    if (job[DD_A].rc != 0 || job[DD_B].rc != 0) {
        int s = job[DD_A].rc != 0 ? DD_A : DD_B;
        snprintf(err, errlen, "%s: %s", s == DD_A ? "A" : "B", job[s].why);
        for (int k = 0; k < 2; k++)
            if (job[k].rc == 0) {
                rp_results_free(&d->side[k].res);
                free(d->side[k].file);
            }
        free(d);
        return NULL;
    }
    match(d);
    latencies(d);
    pair_targets(d);
    dialects(d);
    return d;
}

void rp_diff_free(struct rp_diff *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_groups; i++) {
        free(d->groups[i].s[DD_A]);
        free(d->groups[i].s[DD_B]);
    }
    for (size_t i = 0; i < d->n_knobs; i++) {
        free(d->knobs[i].knob);
        free(d->knobs[i].choice[DD_A]);
        free(d->knobs[i].choice[DD_B]);
    }
    free(d->knobs);
    free(d->groups);
    free(d->pairs);
    free(d->flows);
    free(d->targets);
    for (int s = 0; s < 2; s++) {
        rp_results_free(&d->side[s].res);
        free(d->side[s].file);
    }
    free(d);
}

const struct rp_diff_counts *rp_diff_counts(const struct rp_diff *d)
{
    return &d->counts;
}

bool rp_diff_failed(const struct rp_diff *d)
{
    const struct rp_diff_counts *k = &d->counts;
    switch (d->opts.fail_on) {
    case RP_DIFF_FAIL_REGRESS: return k->regressions > 0;
    case RP_DIFF_FAIL_CHANGE:
        return k->regressions + k->fixes + k->other_changes + k->only_a + k->only_b > 0;
    case RP_DIFF_FAIL_NEVER: return false;
    }
    return false;
}

/* ---- --report-dir -------------------------------------------------------------------- */

static void write_one(const char *dir, const char *name, int (*fn)(FILE *, const struct rp_diff *),
                      const struct rp_diff *d, struct rp_files *files, char *first, size_t errlen)
{
    char *text = NULL, why[600] = "";
    size_t len = 0;
    FILE *out = oc_xmemstream(&text, &len);
    int rc = fn(out, d);
    oc_xmemstream_close(out);
    size_t pl = strlen(dir) + strlen(name) + 2;
    char *path = oc_xmalloc(pl);
    snprintf(path, pl, "%s/%s", dir, name);
    if (rc != 0)
        snprintf(why, sizeof why, "cannot format %s", path);
    else
        oc_write_file_atomic(path, text, len, why, sizeof why);
    rp_files_add(files, name, why[0] ? why : NULL);
    if (why[0] && !first[0])
        snprintf(first, errlen, "%s", why);
    free(path);
    free(text);
}

int rp_diff_write_dir(const char *dir, unsigned formats, const struct rp_diff *d,
                      struct rp_files *files, char *err, size_t errlen)
{
    memset(files, 0, sizeof *files);
    err[0] = '\0';
    static const struct {
        unsigned bit;
        const char *name;
        int (*fn)(FILE *, const struct rp_diff *);
    } out[] = {{RP_JSON, RP_DIFF_JSON_FILE, rp_diff_write_json},
               {RP_HTML, RP_DIFF_HTML_FILE, rp_diff_write_html}};
    char why[600];
    bool made = rp_mkdirs(dir, why, sizeof why) == 0;
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        if (!(formats & out[i].bit))
            continue;
        if (!made) {
            rp_files_add(files, out[i].name, why);
            if (!err[0])
                snprintf(err, errlen, "%s", why);
            continue;
        }
        write_one(dir, out[i].name, out[i].fn, d, files, err, errlen);
    }
    return err[0] ? -1 : 0;
}
