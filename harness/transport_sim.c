/* harness/transport_sim.c — target sim:<vendor>: the reference module in-process, on a
 * virtual clock. A read that would wait moves the clock to the module's next output (or by
 * the whole timeout): the run never sleeps, and the same input gives the same transcript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int hx_open_sim(const char *arg, const struct gram_set *gs, struct hx_transport **out, char *err,
                size_t n)
{
    char vendor[64];
    size_t vl = strcspn(arg, ",");
    snprintf(vendor, sizeof vendor, "%.*s", (int)vl, arg);
    const struct gram_vendor *v = gs ? gram_set_vendor(gs, vendor) : NULL;
    if (!v || v->is_core) {
        snprintf(err, n, "sim:%s: no such vendor in the grammar", vendor);
        return -1;
    }
    struct sim_options o;
    memset(&o, 0, sizeof o);
    o.time_scale = 1.0;
    o.seed = 1;
    const char *p = arg + vl;
    while (*p == ',') {
        p++;
        size_t len = strcspn(p, ",");
        char opt[256];
        snprintf(opt, sizeof opt, "%.*s", (int)len, p);
        if (strncmp(opt, "fault=", 6) == 0) {
            char *f = opt + 6;
            while (*f) {
                size_t fl = strcspn(f, "+");
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)fl, f);
                int id = sim_fault_by_name(name);
                if (id < 0) {
                    snprintf(err, n, "sim:%s: unknown fault '%s' (otacheck sim --list-faults)", vendor, name);
                    return -1;
                }
                o.faults |= 1u << id;
                f += fl;
                if (*f == '+')
                    f++;
            }
        } else if (strncmp(opt, "time-scale=", 11) == 0) {
            o.time_scale = atof(opt + 11);
        } else if (strncmp(opt, "seed=", 5) == 0) {
            o.seed = strtoull(opt + 5, NULL, 10);
        } else if (strncmp(opt, "urcs=", 5) == 0) {
            char *end;
            unsigned long every = strtoul(opt + 5, &end, 10);
            if (*end || !opt[5] || every > 1000) {
                snprintf(err, n, "sim:%s: urcs= needs N (a standard URC after every N-th final result), not '%s'",
                         vendor, opt + 5);
                return -1;
            }
            o.urcs_every = (unsigned)every;
        } else {
            snprintf(err, n, "sim:%s: unknown option '%s' (fault=, time-scale=, seed=, urcs=)", vendor, opt);
            return -1;
        }
        p += len;
    }
    struct sim_transport *st = calloc(1, sizeof *st);
    if (!st || sim_init(&st->sim, v, &o) != 0) {
        free(st);
        snprintf(err, n, "sim:%s: cannot start the reference module", vendor);
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
