/* harness/defaults.c — see defaults.h. Values are illustrative: a real module gets its own
 * in the capability file. */
#include "harness/defaults.h"

#include <stdio.h>
#include <string.h>

static const struct ota_defaults table[] = {
    {.vendor = "fibocom",
     .http_url = "http://ota.example.com/L610/update.pack",
     .ftp_host = "ftp.example.com", .ftp_file = "fw/L610.pack",
     .ftp_user = "otacheck", .ftp_pass = "otacheck-ftp-secret",
     .image_size = 65536, .new_revision = "16000.1000.00.97.20.06"},
    {.vendor = "simcom",
     .oem = "SIMCOM", .model = "7600M21", .product_id = "1540907004",
     .product_secret = "f9bbb0d76f894da090b6b69253616561",
     .target_version = "SIM7600M21_LE11_181025_V2.00",
     .image_size = 65536, .new_revision = "SIM7600M21_LE11_181025_V2.00"},
    {.vendor = "airm2m",
     .product_key = "otacheck-product-key", .upgrade_url = "http://ota.example.com/air780e.bin",
     .image_size = 65536, .new_revision = "AirM2M_780E_V1147_LTE_AT"},
    {.vendor = "qualcomm",
     .fw_url = "http://192.168.1.10:8080", .fw_file = "ota.bin",
     .image_size = 65536, .new_revision = "QCC730.OTA.2.0"},
    {.vendor = "quectel",
     .mcu_component = "MCU", .mcu_version = "1_0_0", .mcu_target = "2_0_0",
     .module_component = "app", .module_target = "EC200UCNAAR03A02M08",
     .image_size = 27954, .new_revision = "EC200UCNAAR03A02M08"},
};

static const struct flow_start flows[] = {
    {"fibocom", "gtota", {NULL}, "AT+GTOTA=0,\"http://ota.example.com/L610/update.pack\"", "watch",
     "an HTTP download of the module's firmware"},
    {"simcom", "cscfota", {"AT+CAPFOTA=1", NULL},
     "AT+CSCFOTA=\"SIMCOM\",\"7600M21\",\"1540907004\",\"f9bbb0d76f894da090b6b69253616561\",\"SIM7600M21_LE11_181025_V2.00\"",
     "watch", "FOTA switched on, then the cloud check and download"},
    {"airm2m", "upgrade",
     {"AT+UPGRADE=\"KEY\",\"otacheck-product-key\"", "AT+UPGRADE=\"URL\",\"http://ota.example.com/air780e.bin\"", NULL},
     "AT+UPGRADE", "watch", "a manual upgrade with the product key and the upgrade server set"},
    {"qualcomm", "otafwup", {NULL}, "AT+OTAFWUP=http,\"http://192.168.1.10:8080\",\"ota.bin\",1",
     "qualcomm-trial", "download with auto reboot, then the trial image accepted"},
    {"quectel", "fota", {"AT+QIOTMCUVER=\"MCU\",\"2_0_0\"", NULL}, "AT+QIOTOTAREQ=1", "quectel-fota",
     "a module firmware plan: confirmed, downloaded, installed across a restart"},
    {"quectel", "sota", {"AT+QIOTMCUVER=\"MCU\",\"1_0_0\"", NULL}, "AT+QIOTOTAREQ=1", "quectel-sota",
     "an MCU firmware plan: confirmed, read block by block with AT+QIOTOTARD, checked, reported"},
};

/* Quectel: the routes go through the MCU SOTA (an MCU at version 1_0_0 gets a plan from the
 * reference cloud), which can be left at every step: refused (QIOTUPDATE=0), or reported
 * as failed (the MCU reports a version that is not the target: 10706). */
#define Q_PLAN "@ sota", "< plan"
#define Q_FAIL "> AT+QIOTUPDATE=3", "< updating", "@ sota setup", "< ota-fail"
/* Qualcomm: a download from the reference server without restart (flag 0) ends in
 * 'downloaded'; with restart (flag 1) the trial image runs after it. */
#define QC_FWUP(flag) "> AT+OTAFWUP=http,\"http://192.168.1.10:8080\",\"ota.bin\"," flag

static const struct state_route routes[] = {
    {"simcom", "on", {"> AT+CAPFOTA=1", NULL}, {"> AT+CAPFOTA=0", NULL}},
    {"quectel", "plan", {Q_PLAN, NULL}, {"> AT+QIOTUPDATE=0", NULL}},
    {"quectel", "submitted", {Q_PLAN, "> AT+QIOTUPDATE=1", NULL}, {"< dl-done-mcu", Q_FAIL, NULL}},
    {"quectel", "dlstart", {NULL}, {"? dl-done-mcu", Q_FAIL, NULL}},
    {"quectel", "downloading", {NULL}, {"? dl-done-mcu", Q_FAIL, NULL}},
    {"quectel", "downloaded", {Q_PLAN, "> AT+QIOTUPDATE=1", "< dl-done-mcu", NULL}, {Q_FAIL, NULL}},
    {"quectel", "updating", {Q_PLAN, "> AT+QIOTUPDATE=1", "< dl-done-mcu", "> AT+QIOTUPDATE=3", "< updating", NULL},
     {"@ sota setup", "< ota-fail", NULL}},
    {"quectel", "module-downloaded", {NULL}, {"< ota-ok|ota-fail", NULL}},
    {"qualcomm", "downloading", {QC_FWUP("0"), NULL}, {"< fin|dl-failed", NULL}},
    /* back through a download with restart: the trial image then runs, and is accepted */
    {"qualcomm", "downloaded", {QC_FWUP("0"), "< fin", NULL},
     {QC_FWUP("1"), "< fin", "~ 1500", "= trial", "> AT+OTATRIAL=1,0", NULL}},
    {"qualcomm", "trial", {QC_FWUP("1"), "< fin", "~ 1500", "= trial", NULL}, {"> AT+OTATRIAL=1,0", NULL}},
};

const struct state_route *state_route_for(const char *vendor, const char *state)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(routes[i].vendor, vendor) == 0 && strcmp(routes[i].state, state) == 0)
            return &routes[i];
    return NULL;
}

const struct ota_defaults *ota_defaults_for(const char *vendor)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].vendor, vendor) == 0)
            return &table[i];
    return NULL;
}

const struct flow_start *flow_start_for(const char *vendor, const char *flow)
{
    for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++)
        if (strcmp(flows[i].vendor, vendor) == 0 && strcmp(flows[i].flow, flow) == 0)
            return &flows[i];
    return NULL;
}

size_t route_command_lines(const char *vendor, const char *const *steps, const struct flow_start *starts,
                           size_t n_starts, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; steps[k] && k < ROUTE_MAX_STEPS; k++) {
        const char *st = steps[k];
        if (st[0] == '>' && st[1] == ' ' && n < max) {
            out[n++] = st + 2;
        } else if (st[0] == '@' && st[1] == ' ') {
            char flow[64];
            size_t fl = strcspn(st + 2, " ");
            snprintf(flow, sizeof flow, "%.*s", (int)fl, st + 2);
            const struct flow_start *fs = NULL;
            for (size_t i = 0; i < n_starts && !fs; i++)
                if (strcmp(starts[i].flow, flow) == 0)
                    fs = &starts[i];
            if (!fs)
                fs = flow_start_for(vendor, flow);
            for (size_t i = 0; fs && fs->setup[i] && n < max; i++)
                out[n++] = fs->setup[i];
            if (fs && fs->start && !strstr(st + 2 + fl, "setup") && n < max)
                out[n++] = fs->start;
        }
    }
    return n;
}
