/* reports/diff_json.c — diff.json, otacheck diff for programs: schema "otacheck-diff/1",
 * described field by field in reports/SCHEMA.md ("otacheck diff") and as a JSON Schema in
 * reports/diff.schema.json. Every list is whole (the terminal's text caps them); the sides'
 * runs and targets are the objects of results.json (reports/json_model.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/diff_internal.h"

#define DIFF_SCHEMA "otacheck-diff/1"

static json_t *str(const char *s)
{
    json_t *v = s && *s ? json_string(s) : NULL;
    return v ? v : json_null();
}

/* Milliseconds rounded to the microsecond, as results.json writes them; null when absent. */
static json_t *num_ms(double ms, bool have)
{
    if (!have || !isfinite(ms))
        return json_null();
    char b[64];
    snprintf(b, sizeof b, "%.3f", ms);
    return json_real(strtod(b, NULL));
}

static json_t *num_ratio(double r)
{
    if (r < 0 || !isfinite(r))
        return json_null();
    char b[64];
    snprintf(b, sizeof b, "%.4f", r);
    return json_real(strtod(b, NULL));
}

static json_t *side_json(const struct rp_diff *d, int s)
{
    const struct dd_side *sd = &d->side[s];
    json_t *o = json_object();
    json_object_set_new(o, "path", str(sd->path));
    json_object_set_new(o, "file", str(sd->file));
    json_object_set_new(o, "read_as", json_string(sd->kind == RP_LOAD_STREAM ? "stream" : "document"));
    json_object_set_new(o, "run", rp_run_to_json(&sd->res.run));
    json_t *t = json_array();
    for (size_t i = 0; i < sd->res.n_targets; i++)
        json_array_append_new(t, rp_target_to_json(&sd->res.targets[i], (unsigned)i));
    json_object_set_new(o, "targets", t);
    json_object_set_new(o, "summary", rp_summary_to_json(rp_results_counts(&sd->res)));
    return o;
}

/* A case's verdict and why, on one side. */
static json_t *verdict_json(const struct rp_case *c, size_t index)
{
    if (!c)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)index));
    json_object_set_new(o, "verdict", json_string(rp_verdict_name(c->verdict)));
    json_object_set_new(o, "rule", str(c->rule));
    json_object_set_new(o, "reason", str(c->reason));
    json_object_set_new(o, "expected", str(c->expected));
    json_object_set_new(o, "seen", str(c->seen));
    json_object_set_new(o, "source_kind", str(c->source_kind));
    json_object_set_new(o, "source", str(c->source));
    json_object_set_new(o, "latency_ms", num_ms(c->latency_ms, c->latency_ms >= 0));
    json_object_set_new(o, "duration_ms", num_ms(c->duration_ms, c->duration_ms >= 0));
    return o;
}

static json_t *pair_json(const struct dd_pair *p)
{
    const struct rp_case *c = p->c[DD_A] ? p->c[DD_A] : p->c[DD_B];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(c->id ? c->id : ""));
    json_object_set_new(o, "command", str(c->command));
    json_object_set_new(o, "form", str(c->form && strcmp(c->form, "none") ? c->form : NULL));
    json_object_set_new(o, "a", verdict_json(p->c[DD_A], p->index[DD_A]));
    json_object_set_new(o, "b", verdict_json(p->c[DD_B], p->index[DD_B]));
    return o;
}

static json_t *stats_json(const struct dd_stats *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "n", json_integer((json_int_t)st->n));
    json_object_set_new(o, "p50_ms", num_ms(st->p50, st->n > 0));
    json_object_set_new(o, "p95_ms", num_ms(st->p95, st->n > 0));
    json_object_set_new(o, "max_ms", num_ms(st->max, st->n > 0));
    json_object_set_new(o, "failed", json_integer((json_int_t)st->failed));
    return o;
}

static json_t *flow_side(const struct rp_case *c, size_t index)
{
    if (!c)
        return json_null();
    size_t events = 0, exchanges = 0;
    for (size_t i = 0; i < c->n_steps; i++)
        c->steps[i].event ? events++ : exchanges++;
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)index));
    json_object_set_new(o, "verdict", json_string(rp_verdict_name(c->verdict)));
    json_object_set_new(o, "duration_ms", num_ms(c->duration_ms, c->duration_ms >= 0));
    json_object_set_new(o, "events", json_integer((json_int_t)events));
    json_object_set_new(o, "exchanges", json_integer((json_int_t)exchanges));
    return o;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int rp_diff_write_json(FILE *out, const struct rp_diff *d)
{
    const struct rp_diff_counts *k = &d->counts;
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string(DIFF_SCHEMA));
    json_object_set_new(root, "a", side_json(d, DD_A));
    json_object_set_new(root, "b", side_json(d, DD_B));
    static const char *const fail_on[] = {"regress", "change", "never"};
    json_object_set_new(root, "fail_on", json_string(fail_on[d->opts.fail_on]));
    json_object_set_new(root, "strict", json_boolean(d->opts.strict));
    json_object_set_new(root, "failed", json_boolean(rp_diff_failed(d)));

    json_t *c = json_object();
    json_object_set_new(c, "a_cases", json_integer((json_int_t)k->a_cases));
    json_object_set_new(c, "b_cases", json_integer((json_int_t)k->b_cases));
    json_object_set_new(c, "matched", json_integer((json_int_t)k->matched));
    json_object_set_new(c, "unchanged", json_integer((json_int_t)k->unchanged));
    json_object_set_new(c, "still_failing", json_integer((json_int_t)k->still_failing));
    json_object_set_new(c, "regressions", json_integer((json_int_t)k->regressions));
    json_object_set_new(c, "fixes", json_integer((json_int_t)k->fixes));
    json_object_set_new(c, "other_changes", json_integer((json_int_t)k->other_changes));
    json_object_set_new(c, "only_a", json_integer((json_int_t)k->only_a));
    json_object_set_new(c, "only_b", json_integer((json_int_t)k->only_b));
    json_object_set_new(root, "counts", c);

    json_t *lists[5];
    for (int i = 0; i < 5; i++)
        lists[i] = json_array();
    for (size_t i = 0; i < d->n_pairs; i++) {
        const struct dd_pair *p = &d->pairs[i];
        int which = i >= d->n_matched + d->n_only_a ? 4
                  : i >= d->n_matched               ? 3
                  : p->change == DD_REGRESSION      ? 0
                  : p->change == DD_FIX             ? 1
                  : p->change == DD_CHANGE          ? 2
                                                    : -1;
        if (which >= 0)
            json_array_append_new(lists[which], pair_json(p));
    }
    json_object_set_new(root, "regressions", lists[0]);
    json_object_set_new(root, "fixes", lists[1]);
    json_object_set_new(root, "other_changes", lists[2]);
    json_object_set_new(root, "only_a", lists[3]);
    json_object_set_new(root, "only_b", lists[4]);

    json_t *lat = json_array();
    for (size_t i = 0; i < d->n_groups; i++) {
        const struct dd_group *g = &d->groups[i];
        json_t *o = json_object();
        json_object_set_new(o, "command", json_string(g->command));
        json_object_set_new(o, "form", json_string(g->form));
        json_object_set_new(o, "limit_ms", num_ms(g->limit_ms, g->limit_ms > 0));
        json_object_set_new(o, "a", stats_json(&g->st[DD_A]));
        json_object_set_new(o, "b", stats_json(&g->st[DD_B]));
        json_object_set_new(o, "p50_ratio",
                            num_ratio(dd_ratio(g->st[DD_A].p50, g->st[DD_B].p50, g->st[DD_A].n, g->st[DD_B].n)));
        json_object_set_new(o, "p95_ratio",
                            num_ratio(dd_ratio(g->st[DD_A].p95, g->st[DD_B].p95, g->st[DD_A].n, g->st[DD_B].n)));
        json_array_append_new(lat, o);
    }
    json_object_set_new(root, "latency", lat);
    json_object_set_new(root, "clocks_differ", json_boolean(dd_clocks_differ(d)));

    json_t *flows = json_array();
    for (size_t i = 0; i < d->n_flows; i++) {
        const struct dd_pair *p = &d->pairs[d->flows[i]];
        const struct rp_case *a = p->c[DD_A], *b = p->c[DD_B];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string((a ? a : b)->id ? (a ? a : b)->id : ""));
        json_object_set_new(o, "a", flow_side(a, p->index[DD_A]));
        json_object_set_new(o, "b", flow_side(b, p->index[DD_B]));
        bool ha = a && a->duration_ms >= 0, hb = b && b->duration_ms >= 0;
        json_object_set_new(o, "duration_ratio",
                            num_ratio(dd_ratio(ha ? a->duration_ms : 0, hb ? b->duration_ms : 0, ha, hb)));
        json_array_append_new(flows, o);
    }
    json_object_set_new(root, "flows", flows);

    json_t *mods = json_array();
    for (size_t i = 0; i < d->n_targets; i++) {
        const struct dd_target_pair *p = &d->targets[i];
        json_t *o = json_object();
        json_object_set_new(o, "a", p->t[DD_A] ? json_integer(p->index[DD_A]) : json_null());
        json_object_set_new(o, "b", p->t[DD_B] ? json_integer(p->index[DD_B]) : json_null());
        json_t *differs = json_array();
        for (const char *const *f = dd_target_fields; *f; f++) {
            char ba[64], bb[64];
            if (!same(dd_target_field(p->t[DD_A], *f, ba, sizeof ba),
                      dd_target_field(p->t[DD_B], *f, bb, sizeof bb)))
                json_array_append_new(differs, json_string(*f));
        }
        if (!same(p->t[DD_A] ? p->t[DD_A]->dialect : NULL, p->t[DD_B] ? p->t[DD_B]->dialect : NULL))
            json_array_append_new(differs, json_string("dialect"));
        json_object_set_new(o, "differs", differs);
        json_array_append_new(mods, o);
    }
    json_object_set_new(root, "modules", mods);

    json_t *knobs = json_array();
    for (size_t i = 0; i < d->n_knobs; i++) {
        const struct dd_knob *kn = &d->knobs[i];
        json_t *o = json_object();
        json_object_set_new(o, "knob", json_string(kn->knob));
        json_object_set_new(o, "a", str(kn->choice[DD_A]));
        json_object_set_new(o, "b", str(kn->choice[DD_B]));
        json_object_set_new(o, "same", json_boolean(same(kn->choice[DD_A], kn->choice[DD_B])));
        json_array_append_new(knobs, o);
    }
    json_object_set_new(root, "dialect", knobs);

    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(root);
    if (rc == 0 && fputc('\n', out) == EOF)
        rc = -1;
    return rc == 0 && !ferror(out) ? 0 : -1;
}
