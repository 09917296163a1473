/* harness/sim_qualcomm.c — the reference module's Qualcomm QCC730 part: AT+OTAFWUP against
 * the reference HTTP server (harness/defaults.c): +EVT:OTAFWUP_START, then _FIN and, with
 * flag bit 0, a restart into the trial image; or the SDK's two _ERROR lines when the file
 * is not there. AT+OTATRIAL accepts or rejects a trial image (Fail where none runs), and
 * AT+HTTPGETSIZE answers the size of the file the server has.
 *
 * The QCC730 prints no documented start-up text, so a restart cannot be seen on the line:
 * the reboot-mid-flow fault breaks no rule the suite can check here (its flow may end with
 * a restart anyway). */
#include <stdio.h>
#include <string.h>

#include "harness/defaults.h"
#include "harness/sim.h"

static int state_id(const struct sim *s, const char *name)
{
    return s->v->machine ? gram_machine_state(s->v->machine, name) : -1;
}

static void fail_download(struct sim *s, uint64_t t, int code)
{
    char st[24], cd[24];
    snprintf(st, sizeof st, "state=%d", code == -110047 ? 1 : 8);
    snprintf(cd, sizeof cd, "status=%d", code);
    const char *p1[] = {st, cd, NULL};
    if (code != -110047)
        sim_emit_urc(s, t, "error-state", p1);
    snprintf(cd, sizeof cd, "code=%d", code);
    const char *p2[] = {cd, NULL};
    sim_emit_urc(s, code != -110047 ? 0 : t, "dl-failed", p2);
    if (code == -110047)
        sim_emit_urc(s, 0, "trial-running", NULL);
}

static void otafwup(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    const struct ota_defaults *d = ota_defaults_for("qualcomm");
    char url[300], file[200];
    sim_arg(c, line, 1, url, sizeof url);
    sim_arg(c, line, 2, file, sizeof file);
    int64_t flag = sim_arg_int(c, 3, 1);
    uint64_t t = sim_flow_delay(s, 100);
    bool order = sim_fault_once(s, SF_URC_ORDER);
    if (!order)
        sim_emit_urc(s, t, "start", NULL);
    if (s->state_before == state_id(s, "trial")) {
        fail_download(s, sim_flow_delay(s, 200), -110047); /* a trial image runs */
        return;
    }
    if (strcmp(url, d->fw_url) != 0 || strcmp(file, d->fw_file) != 0 || sim_fault(s, SF_UPGRADE_FAILS)) {
        fail_download(s, sim_flow_delay(s, 1500), -110105); /* no such server or file */
        return;
    }
    if (sim_fault_once(s, SF_PERCENT_BACKWARDS)) {
        /* range mode's resume offsets (Zephyr texts) going back */
        const char *a[] = {"offset=32768", NULL}, *b[] = {"offset=16384", NULL};
        sim_emit_urc(s, sim_flow_delay(s, 500), "retry-offset", a);
        sim_emit_urc(s, sim_flow_delay(s, 500), "retry-offset", b);
    }
    if (sim_fault_once(s, SF_MALFORMED))
        sim_emit_line(s, sim_flow_delay(s, 500), "+EVT:OTAFWUP_RUN: 99, 0"); /* no such state */
    if (sim_fault(s, SF_NO_TERMINAL))
        return;
    sim_emit_urc(s, sim_flow_delay(s, 2000), "fin", NULL);
    if (order)
        sim_emit_urc(s, 0, "start", NULL); /* START after FIN */
    if (flag & 1)
        sim_reboot(s, sim_flow_delay(s, 100)); /* into the trial image */
}

static void otatrial(struct sim *s, const struct at_cmd *c)
{
    const struct ota_defaults *d = ota_defaults_for("qualcomm");
    bool accept = sim_arg_int(c, 0, 0) == 1;
    bool reboot = sim_arg_int(c, 1, 0) == 1;
    uint64_t r = sim_reply_delay(s);
    char text[80];
    bool trial = s->state_before == state_id(s, "trial");
    snprintf(text, sizeof text, "AT+OTATRIAL:%s to %s Trial FWD", trial ? "Success" : "Fail",
             accept ? "Accept" : "Reject");
    sim_emit_line(s, r, text);
    if (!trial) {
        sim_error(s, r, 3);
        return;
    }
    sim_ok(s, r);
    if (accept)
        snprintf(s->revision, sizeof s->revision, "%s", d->new_revision);
    if (reboot)
        sim_reboot(s, sim_flow_delay(s, 100));
}

static void httpgetsize(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    const struct ota_defaults *d = ota_defaults_for("qualcomm");
    char url[300], want[300];
    sim_arg(c, line, 0, url, sizeof url);
    uint64_t r = sim_flow_delay(s, 300);
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        sim_emit_line(s, r, "+HTTPGETSIZE: Invalid url");
        sim_error(s, r, 3);
        return;
    }
    snprintf(want, sizeof want, "%s/%s", d->fw_url, d->fw_file);
    if (strcmp(url, want) != 0) {
        sim_emit_line(s, r, "+HTTPC: ERROR, Resp_code:404");
        sim_error(s, r, 3);
        return;
    }
    char size[40];
    snprintf(size, sizeof size, "+HTTPC: %zu", s->image.len);
    sim_emit_line(s, r, size);
    sim_ok(s, r);
}

static bool command(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    if (c->form->kind != GF_WRITE)
        return false;
    if (strcasecmp(c->cmd->name, "+OTAFWUP") == 0) {
        sim_ok(s, sim_reply_delay(s));
        otafwup(s, c, line);
        return true;
    }
    if (strcasecmp(c->cmd->name, "+OTATRIAL") == 0) {
        otatrial(s, c);
        return true;
    }
    if (strcasecmp(c->cmd->name, "+HTTPGETSIZE") == 0) {
        httpgetsize(s, c, line);
        return true;
    }
    return false;
}

static void init(struct sim *s)
{
    sim_declare_image(s, ota_defaults_for("qualcomm")->image_size);
}

const struct sim_vendor sim_vendor_qualcomm = {
    "qualcomm", "Qualcomm", "QCC730", "QCC730.OTA.1.0", init, NULL, command,
    1u << SF_REBOOT_MID_FLOW, NULL,
};
