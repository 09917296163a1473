/* harness/sim_simcom.c — the reference module's SIMCom part: AT+CAPFOTA as a setting, and
 * AT+CSCFOTA checked against the reference cloud (harness/defaults.c): known OEM, model,
 * product and secret with the published version: +CSCFOTA: 2, 3, 0 and a restart; an
 * unknown version: 2 then 5; credentials the cloud does not know: 401. */
#include <stdio.h>
#include <string.h>

#include "harness/defaults.h"
#include "harness/sim.h"

static void err_urc(struct sim *s, uint64_t t, int code)
{
    char e[16];
    snprintf(e, sizeof e, "err=%d", code);
    const char *pairs[] = {e, NULL};
    sim_emit_urc(s, t, "failed", pairs);
}

static bool command(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    if (strcasecmp(c->cmd->name, "+CSCFOTA") != 0 || c->form->kind != GF_WRITE)
        return false;
    const struct ota_defaults *d = ota_defaults_for("simcom");
    char oem[300], model[300], pid[300], secret[300], ver[300];
    sim_arg(c, line, 0, oem, sizeof oem);
    sim_arg(c, line, 1, model, sizeof model);
    sim_arg(c, line, 2, pid, sizeof pid);
    sim_arg(c, line, 3, secret, sizeof secret);
    sim_arg(c, line, 4, ver, sizeof ver);
    sim_ok(s, sim_reply_delay(s));
    bool known = strcmp(oem, d->oem) == 0 && strcmp(model, d->model) == 0 &&
                 strcmp(pid, d->product_id) == 0 && strcmp(secret, d->product_secret) == 0 &&
                 !sim_fault(s, SF_UPGRADE_FAILS);
    if (!known) {
        err_urc(s, sim_flow_delay(s, 800), 401); /* invalid device information */
        return true;
    }
    if (strcmp(ver, d->target_version) != 0) {
        sim_emit_urc(s, sim_flow_delay(s, 800), "check-done", NULL);
        err_urc(s, sim_flow_delay(s, 200), 5); /* no matched version */
        return true;
    }
    bool order = sim_fault_once(s, SF_URC_ORDER);
    if (order)
        sim_emit_urc(s, sim_flow_delay(s, 800), "dl-done", NULL); /* 3 before 2 */
    sim_emit_urc(s, sim_flow_delay(s, 800), "check-done", NULL);
    if (sim_fault_once(s, SF_MALFORMED)) {
        sim_emit_line(s, sim_flow_delay(s, 200), "+CSCFOTA: 999");
        return true;
    }
    if (sim_fault_once(s, SF_REBOOT_MID_FLOW)) {
        sim_reboot(s, sim_flow_delay(s, 500));
        return true;
    }
    if (sim_fault(s, SF_NO_TERMINAL))
        return true;
    if (!order)
        sim_emit_urc(s, sim_flow_delay(s, 3000), "dl-done", NULL);
    /* the A76 ends with 0 and the package is applied across a restart (knobs end-code and
     * after-download accept this and the seed's shorter ending) */
    sim_emit_urc(s, sim_flow_delay(s, 500), "success", NULL);
    sim_upgrade_at_reboot(s, d->new_revision);
    sim_reboot(s, sim_flow_delay(s, 2000));
    return true;
}

const struct sim_vendor sim_vendor_simcom = {
    "simcom", "SIMCOM INCORPORATED", "SIMCOM_SIM7600M21", "SIM7600M21_LE11_180101_V1.00",
    NULL, NULL, command, 0, "864123050012345",
};
