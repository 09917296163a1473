/* harness/sim_fibocom.c — the reference module's Fibocom L610 part: AT+GTOTA over HTTP or
 * FTP against the reference cloud (harness/defaults.c), with START, DOWNLOADING n%,
 * COMPLETE or FAILED, and the restart that applies the firmware.
 *
 * Under `otacheck sim` (sim_options.real_downloads), AT+GTOTA=0,"http://..." with a URL
 * that is not on the reference cloud's host is downloaded for real (harness/sim_fetch.h):
 * COMPLETE only when the fetch is ok, else FAILED, the progress events from the bytes that
 * really came (percent of the Content-Length). The fetch happens when the command is taken
 * and blocks the module for the download's real time: its OK and events go out after it,
 * their delays counted from the command as if no time had passed (the module's clock does
 * not advance meanwhile). OTACHECK_SIM_STALL_S (1 to 3600) replaces the 10 s stall limit,
 * for tests; OTACHECK_SIM_FETCH_VERBOSE=1 says each fetch's outcome on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/defaults.h"
#include "harness/sim.h"
#include "harness/sim_fetch.h"

/* The flow: START, the first `last` progress events (0, 20, ... 100%), then COMPLETE when ok
 * (and the restart into the new firmware), or FAILED. */
static void download_steps(struct sim *s, bool ok, int last)
{
    uint64_t t = sim_flow_delay(s, 200);
    bool order = sim_fault_once(s, SF_URC_ORDER);
    if (!order)
        sim_emit_urc(s, t, "dl-start", NULL);
    int steps[] = {0, 20, 40, 60, 80, 100};
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

static void download(struct sim *s, bool ok)
{
    download_steps(s, ok, ok ? 6 : 3);
}

/* An http:// URL for a real download: not the reference cloud's, nor on its host (whose
 * other paths are its 404, with no network needed). */
static bool real_url(const struct sim *s, const struct ota_defaults *d, const char *url)
{
    if (!s->o.real_downloads || strncmp(url, "http://", 7) != 0 || strcmp(url, d->http_url) == 0)
        return false;
    size_t host = strcspn(d->http_url + 7, "/");
    return !(strncmp(url + 7, d->http_url + 7, host) == 0 && strchr("/:", url[7 + host]) && url[7 + host]);
}

static void download_real(struct sim *s, const char *url)
{
    struct sim_fetch_opts fo;
    memset(&fo, 0, sizeof fo);
    const char *env = getenv("OTACHECK_SIM_STALL_S");
    long stall = env ? strtol(env, NULL, 10) : 0;
    if (stall >= 1 && stall <= 3600)
        fo.stall_s = stall;
    if (sim_fault(s, SF_IGNORE_STALL))
        fo.stall_s = -1;
    fo.accept_short = sim_fault(s, SF_ACCEPT_SHORT_BODY);
    fo.restart_from_zero = sim_fault(s, SF_RESTART_FROM_ZERO);
    struct sim_fetch_result r;
    bool ok = sim_fetch(url, &fo, &r) && !sim_fault(s, SF_UPGRADE_FAILS);
    const char *verbose = getenv("OTACHECK_SIM_FETCH_VERBOSE");
    if (verbose && strcmp(verbose, "1") == 0)
        fprintf(stderr, "otacheck sim: fetch %s: %s, HTTP %ld, %llu of %llu bytes%s%s%s\n", url, r.ok ? "ok" : "failed",
                r.http_status, (unsigned long long)r.bytes, (unsigned long long)r.expected,
                r.resumed ? ", resumed" : "", r.why[0] ? ": " : "", r.why);
    int pct = r.expected ? (int)(r.bytes >= r.expected ? 100 : r.bytes * 100 / r.expected) : 0;
    download_steps(s, ok, ok ? 6 : 1 + (pct < 100 ? pct : 99) / 20);
}

static bool command(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    if (strcasecmp(c->cmd->name, "+GTOTA") != 0 || c->form->kind != GF_WRITE)
        return false;
    const struct ota_defaults *d = ota_defaults_for("fibocom");
    char url[300], file[300], user[300], pass[300];
    sim_arg(c, line, 1, url, sizeof url);
    bool ok;
    if (sim_arg_int(c, 0, 0) == 0 && real_url(s, d, url)) {
        sim_ok(s, sim_reply_delay(s));
        download_real(s, url);
        return true;
    }
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
