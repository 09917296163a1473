/* harness/sim_airm2m.c — the reference module's AirM2M part: AT+UPGRADE's tags (KEY, AUTO,
 * PERIOD, URL, with savetoNV), the state read, and the manual upgrade: +UPGRADEIND 10..100,
 * a restart, +UPGRADEDL 10..100, a restart, +UPGRADEVER with the new version and the
 * report's result. A URL other than the reference cloud's gives +UPGRADEIND: -1000. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/defaults.h"
#include "common/xalloc.h"
#include "harness/sim.h"

struct air {
    int state;   /* 0 idle, 1 downloading, 2 failed */
    int percent;
};

static const char *tag_default(const char *tag)
{
    if (strcmp(tag, "AUTO") == 0)
        return "1";
    if (strcmp(tag, "PERIOD") == 0)
        return "86400";
    return "";
}

static bool numeric_tag(const char *tag)
{
    return strcmp(tag, "AUTO") == 0 || strcmp(tag, "PERIOD") == 0;
}

static void pct(struct sim *s, uint64_t t, const char *urc, int p)
{
    char v[24];
    snprintf(v, sizeof v, "percent=%d", p);
    const char *pairs[] = {v, NULL};
    sim_emit_urc(s, t, urc, pairs);
}

static void upgrade(struct sim *s)
{
    struct air *a = s->vstate;
    const struct ota_defaults *d = ota_defaults_for("airm2m");
    const char *url = sim_get(s, "+UPGRADE URL");
    if ((url && url[0] && strcmp(url, d->upgrade_url) != 0) || sim_fault(s, SF_UPGRADE_FAILS)) {
        const char *pairs[] = {"err=-1000", NULL};
        sim_emit_urc(s, sim_flow_delay(s, 500), "ind-error", pairs);
        a->state = 2;
        return;
    }
    a->state = 1;
    for (int p = 10; p <= 100; p += 10) {
        int v = p;
        if (p == 40 && sim_fault_once(s, SF_PERCENT_BACKWARDS))
            v = 20;
        if (p == 50 && sim_fault_once(s, SF_MALFORMED))
            v = 150;
        pct(s, sim_flow_delay(s, 300), "ind", v);
        if (p == 50 && sim_fault_once(s, SF_REBOOT_MID_FLOW)) {
            sim_reboot(s, sim_flow_delay(s, 200));
            pct(s, sim_flow_delay(s, 500), "ind", 60); /* and goes on downloading */
            return;
        }
    }
    sim_reboot(s, sim_flow_delay(s, 1000));
    for (int p = 10; p <= 100; p += 10)
        pct(s, sim_flow_delay(s, 300), "dl", p);
    sim_upgrade_at_reboot(s, d->new_revision);
    sim_reboot(s, sim_flow_delay(s, 1000));
    if (sim_fault(s, SF_NO_TERMINAL))
        return;
    char ver[80];
    snprintf(ver, sizeof ver, "version=%s", d->new_revision);
    const char *vp[] = {ver, NULL};
    const char *sp[] = {"state=1", NULL};
    if (sim_fault_once(s, SF_URC_ORDER)) {
        sim_emit_urc(s, sim_flow_delay(s, 1000), "ver-state", sp);
        sim_emit_urc(s, 0, "ver-version", vp);
    } else {
        sim_emit_urc(s, sim_flow_delay(s, 1000), "ver-version", vp);
        sim_emit_urc(s, 0, "ver-state", sp);
    }
    a->state = 0;
}

static bool command(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    if (strcasecmp(c->cmd->name, "+UPGRADE") != 0)
        return false;
    struct air *a = s->vstate;
    uint64_t r = sim_reply_delay(s);
    char tag[32], key[64];
    switch (c->form->kind) {
    case GF_WRITE:
        sim_arg(c, line, 0, tag, sizeof tag);
        snprintf(key, sizeof key, "+UPGRADE %s", tag);
        if (c->n_args >= 2) {
            char val[300];
            sim_arg_raw(c, line, 1, val, sizeof val); /* read back as written */
            if (sim_fault(s, SF_READ_STALE) && sim_get(s, key) == NULL)
                ; /* the first write is lost: reads keep the default */
            else
                sim_set(s, key, val);
        } else {
            const char *v = sim_get(s, key);
            char shown[320];
            if (!v)
                v = tag_default(tag);
            if (numeric_tag(tag))
                snprintf(shown, sizeof shown, "value=%s", v);
            else
                snprintf(shown, sizeof shown, "value=\"%s\"", v);
            char tg[48];
            snprintf(tg, sizeof tg, "tag=%s", tag);
            const char *pairs[] = {tg, shown, NULL};
            sim_emit_info(s, r, &c->form->infos[0], pairs);
        }
        sim_ok(s, r);
        return true;
    case GF_READ: {
        char st[16], pc[24];
        snprintf(st, sizeof st, "state=%d", a->state);
        snprintf(pc, sizeof pc, "percent=%d", a->percent ? a->percent : 1);
        const char *p0[] = {st, NULL};
        const char *p1[] = {st, pc, NULL};
        const char *p2[] = {st, "error=-1000", "http=404", "cause=3", NULL};
        const char *const *pairs = a->state == 1 ? p1 : a->state == 2 ? p2 : p0;
        for (uint16_t i = 0; i < c->form->n_infos; i++)
            if (sim_emit_info(s, r, &c->form->infos[i], pairs))
                break;
        sim_ok(s, r);
        return true;
    }
    case GF_EXEC:
        sim_ok(s, r);
        upgrade(s);
        return true;
    default:
        return false;
    }
}

static void init(struct sim *s)
{
    s->vstate = oc_xcalloc(1, sizeof(struct air));
}

static void fini(struct sim *s)
{
    free(s->vstate);
}

const struct sim_vendor sim_vendor_airm2m = {
    "airm2m", "AirM2M", "Air780E", "AirM2M_780E_V1138_LTE_AT", init, fini, command, 0, NULL,
};
