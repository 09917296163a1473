/* harness/transport_sim.c — target sim:<vendor>: the reference module in-process, on a
 * virtual clock. A read that would wait moves the clock to the module's next output (or by
 * the whole timeout): the run never sleeps, and the same input gives the same transcript. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "common/xalloc.h"
#include "harness/sim.h"
#include "harness/transport.h"

struct sim_transport {
    struct hx_transport t;
    struct sim sim;
    struct sim_options o;
    uint64_t clock;
};

static int sim_write(struct hx_transport *t, const uint8_t *p, size_t n)
{
    struct sim_transport *st = (struct sim_transport *)t;
    sim_input(&st->sim, p, n, st->clock);
    return 0;
}

static long sim_read(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns)
{
    struct sim_transport *st = (struct sim_transport *)t;
    uint64_t due = sim_next_due(&st->sim);
    if (due > st->clock) {
        if (due == UINT64_MAX || due - st->clock > timeout_ns) {
            st->clock += timeout_ns;
            return 0;
        }
        st->clock = due;
    }
    /* a burst the module writes at once arrives as one read */
    return (long)sim_take(&st->sim, st->clock, p, cap);
}

static uint64_t sim_now(struct hx_transport *t)
{
    return ((struct sim_transport *)t)->clock;
}

static void sim_close(struct hx_transport *t)
{
    struct sim_transport *st = (struct sim_transport *)t;
    sim_free(&st->sim);
    free(st);
}

/* A new module with the same options; the clock goes on (a restart takes 100 ms). */
static int sim_restart(struct hx_transport *t)
{
    struct sim_transport *st = (struct sim_transport *)t;
    const struct gram_vendor *v = st->sim.v;
    sim_free(&st->sim);
    st->clock += 100000000ull;
    return sim_init(&st->sim, v, &st->o) == 0 ? 0 : -1;
}

static const struct hx_transport_ops ops = {sim_write, sim_read, sim_now, sim_close, sim_restart};

/* sim:<vendor>[,fault=A+B][,time-scale=F][,seed=N][,urcs=N]: the vendor and the module's
 * options. 0, or -1 with a message. */
static int parse_spec(const char *arg, const struct gram_set *gs, const struct gram_vendor **vp,
                      struct sim_options *o, char *err, size_t n)
{
    char vendor[64];
    size_t vl = strcspn(arg, ",");
    snprintf(vendor, sizeof vendor, "%.*s", (int)vl, arg);
    const struct gram_vendor *v = gs && vl < sizeof vendor ? gram_set_vendor(gs, vendor) : NULL;
    if (!v || v->is_core) {
        if (!vl)
            snprintf(err, n, "sim: needs a vendor, e.g. sim:quectel,fault=hash-mismatch");
        else
            snprintf(err, n, "sim:%s: no such vendor in the grammar", vendor);
        return -1;
    }
    memset(o, 0, sizeof *o);
    o->time_scale = 1.0;
    o->seed = 1;
    const char *p = arg + vl;
    while (*p == ',') {
        p++;
        size_t len = strcspn(p, ",");
        char opt[256];
        if (len >= sizeof opt) {
            snprintf(err, n, "sim:%s: option '%.40s...' is too long", vendor, p);
            return -1;
        }
        snprintf(opt, sizeof opt, "%.*s", (int)len, p);
        unsigned long long u;
        if (strncmp(opt, "fault=", 6) == 0) {
            char *f = opt + 6;
            if (!*f) {
                snprintf(err, n, "sim:%s: fault= needs a fault name (otacheck sim --list-faults)", vendor);
                return -1;
            }
            while (*f) {
                size_t fl = strcspn(f, "+");
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)fl, f);
                int id = fl < sizeof name ? sim_fault_by_name(name) : -1;
                if (id < 0) {
                    snprintf(err, n, "sim:%s: unknown fault '%.*s' (otacheck sim --list-faults)", vendor, (int)fl, f);
                    return -1;
                }
                o->faults |= 1u << id;
                f += fl;
                if (*f == '+')
                    f++;
            }
        } else if (strncmp(opt, "time-scale=", 11) == 0) {
            if (oc_parse_double(opt + 11, 0, HX_SIM_TIME_SCALE_MAX, true, &o->time_scale) != OC_NUM_OK) {
                snprintf(err, n, "sim:%s: time-scale= needs a number above 0 and at most %g, not '%s'", vendor,
                         HX_SIM_TIME_SCALE_MAX, opt + 11);
                return -1;
            }
        } else if (strncmp(opt, "seed=", 5) == 0) {
            if (oc_parse_uint(opt + 5, 0, UINT64_MAX, &u) != OC_NUM_OK) {
                snprintf(err, n, "sim:%s: seed= needs a whole number from 0 to %llu, not '%s'", vendor,
                         (unsigned long long)UINT64_MAX, opt + 5);
                return -1;
            }
            o->seed = u;
        } else if (strncmp(opt, "urcs=", 5) == 0) {
            if (oc_parse_uint(opt + 5, 0, HX_SIM_URCS_MAX, &u) != OC_NUM_OK) {
                snprintf(err, n,
                         "sim:%s: urcs= needs N from 0 to %u (a standard URC after every N-th final result), not '%s'",
                         vendor, HX_SIM_URCS_MAX, opt + 5);
                return -1;
            }
            o->urcs_every = (unsigned)u;
        } else {
            snprintf(err, n, "sim:%s: unknown option '%s' (fault=, time-scale=, seed=, urcs=)", vendor, opt);
            return -1;
        }
        p += len;
    }
    *vp = v;
    return 0;
}

int hx_check_sim(const char *arg, const struct gram_set *gs, char *err, size_t n)
{
    const struct gram_vendor *v;
    struct sim_options o;
    return parse_spec(arg, gs, &v, &o, err, n);
}

int hx_open_sim(const char *arg, const struct gram_set *gs, struct hx_transport **out, char *err,
                size_t n)
{
    const struct gram_vendor *v;
    struct sim_options o;
    if (parse_spec(arg, gs, &v, &o, err, n) != 0)
        return -1;
    struct sim_transport *st = oc_xcalloc(1, sizeof *st);
    if (sim_init(&st->sim, v, &o) != 0) {
        free(st);
        snprintf(err, n, "sim:%s: cannot start the reference module", v->id);
        return -2;
    }
    st->t.ops = &ops;
    st->o = o;
    st->t.virtual_time = true;
    snprintf(st->t.vendor_hint, sizeof st->t.vendor_hint, "%s", v->id);
    st->clock = 1000000000ull; /* virtual time starts at 1 s */
    *out = &st->t;
    return 0;
}
