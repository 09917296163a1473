/* harness/sim_fibocom.c — the reference module's Fibocom L610 part: AT+GTOTA over HTTP or
 * FTP against the reference cloud (harness/defaults.c), with START, DOWNLOADING n%,
 * COMPLETE or FAILED, and the restart that applies the firmware. */
#include <stdio.h>
#include <string.h>

#include "harness/defaults.h"
#include "harness/sim.h"

static void download(struct sim *s, bool ok)
{
    uint64_t t = sim_flow_delay(s, 200);
    bool order = sim_fault_once(s, SF_URC_ORDER);
    if (!order)
        sim_emit_urc(s, t, "dl-start", NULL);
    int steps[] = {0, 20, 40, 60, 80, 100};
    int last = ok ? 6 : 3;
    for (int i = 0; i < last; i++) {
        char p[16];
        int pct = steps[i];
        if (i == 3 && sim_fault_once(s, SF_PERCENT_BACKWARDS))
            pct = 10; /* after 40% */
        if (i == 2 && sim_fault_once(s, SF_MALFORMED))
            pct = 101;
        snprintf(p, sizeof p, "percent=%d", pct);
        const char *pairs[] = {p, NULL};
        sim_emit_urc(s, sim_flow_delay(s, 300), "dl-progress", pairs);
        if (order && i == 0)
            sim_emit_urc(s, 0, "dl-start", NULL); /* START after the first DOWNLOADING */
        if (i == 2 && sim_fault_once(s, SF_REBOOT_MID_FLOW)) {
            sim_reboot(s, sim_flow_delay(s, 100));
            return;
        }
    }
    if (!ok) {
        sim_emit_urc(s, sim_flow_delay(s, 300), "dl-failed", NULL);
        return;
    }
    if (sim_fault(s, SF_NO_TERMINAL))
        return;
    sim_emit_urc(s, sim_flow_delay(s, 300), "dl-complete", NULL);
    /* the new firmware runs after a restart (knob after-complete: both are accepted) */
    const struct ota_defaults *d = ota_defaults_for("fibocom");
    sim_upgrade_at_reboot(s, d->new_revision);
    sim_reboot(s, sim_flow_delay(s, 1000));
}

static bool command(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    if (strcasecmp(c->cmd->name, "+GTOTA") != 0 || c->form->kind != GF_WRITE)
        return false;
    const struct ota_defaults *d = ota_defaults_for("fibocom");
    char url[300], file[300], user[300], pass[300];
    sim_arg(c, line, 1, url, sizeof url);
    bool ok;
    if (sim_arg_int(c, 0, 0) == 0) {
        ok = strcmp(url, d->http_url) == 0;
    } else {
        sim_arg(c, line, 2, file, sizeof file);
        sim_arg(c, line, 3, user, sizeof user);
        sim_arg(c, line, 4, pass, sizeof pass);
        ok = strcmp(url, d->ftp_host) == 0 && strcmp(file, d->ftp_file) == 0 &&
             strcmp(user, d->ftp_user) == 0 && strcmp(pass, d->ftp_pass) == 0;
    }
    sim_ok(s, sim_reply_delay(s));
    download(s, ok && !sim_fault(s, SF_UPGRADE_FAILS));
    return true;
}

/* The L610 documents no start-up text: a restart in the middle of a download shows only as
 * a flow that stops, which no-terminal-event already proves; reboot-mid-flow breaks no
 * other rule here. */
const struct sim_vendor sim_vendor_fibocom = {
    "fibocom", "Fibocom", "L610", "16000.1000.00.97.20.05", NULL, NULL, command, 1u << SF_REBOOT_MID_FLOW, NULL,
};
