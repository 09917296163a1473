/* harness/sim_quectel.c — the reference module's Quectel QuecThing part. AT+QIOTOTAREQ asks
 * the reference cloud (harness/defaults.c) for a plan: an MCU plan when an MCU component is
 * registered with AT+QIOTMCUVER, a module plan otherwise (+QIOTEVT: 7,10700).
 *
 *   module FOTA: QIOTUPDATE=1 -> 10701, 10702, 10703, 10704, restart (RDY), +QIND END,
 *                10705 with the new revision;
 *   MCU SOTA:    QIOTUPDATE=1 -> 10701 with the image's size, MD5, CRC32 (and SHA256 when
 *                AT+QIOTOTAREQ=1 asked for it), 10702, 10703 per piece; AT+QIOTOTARD reads
 *                the piece (header, raw bytes, CR LF, OK); QIOTUPDATE=2 the next piece;
 *                QIOTUPDATE=3 -> 10704; AT+QIOTMCUVER with the target version -> 10705,
 *                another version -> 10706.
 *
 * The state machine of the grammar refuses commands in the wrong state before they get
 * here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/defaults.h"
#include "common/xalloc.h"
#include "harness/sim.h"

#define PIECE 16384u /* the size of the pieces an MCU image is downloaded in */
#define MAX_READ 4096u

struct quectel {
    bool sha;          /* AT+QIOTOTAREQ=1: SHA256 wanted */
    bool mcu_plan;     /* the plan on offer is the MCU's */
    size_t piece;      /* the start of the piece that is ready */
};

static void field(char *buf, size_t n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void field(char *buf, size_t n, const char *name, const char *fmt, ...)
{
    int k = snprintf(buf, n, "%s=", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + k, n - (size_t)k, fmt, ap);
    va_end(ap);
}

static void plan(struct sim *s)
{
    struct quectel *q = s->vstate;
    const struct ota_defaults *d = ota_defaults_for("quectel");
    const char *mcu = sim_get(s, "+QIOTMCUVER MCU_number");
    const char *mver = sim_get(s, "+QIOTMCUVER MCU_version");
    /* the cloud has a plan for a component whose version is not the target's */
    q->mcu_plan = mcu && mcu[0] && !(mver && strcmp(mver, d->mcu_target) == 0);
    if (!q->mcu_plan && strcmp(s->revision, d->module_target) == 0)
        return; /* nothing to offer */
    char comp[64], src[96], dst[96], space[32];
    field(comp, sizeof comp, "componentNo", "%s", q->mcu_plan ? mcu : d->module_component);
    field(src, sizeof src, "sourceVersion", "%s", q->mcu_plan ? (mver ? mver : "") : s->revision);
    field(dst, sizeof dst, "targetVersion", "%s", q->mcu_plan ? d->mcu_target : d->module_target);
    field(space, sizeof space, "useSpace", "%zu", s->image.len);
    /* SF_MALFORMED: a battery limit above 100 % */
    const char *battery = sim_fault_once(s, SF_MALFORMED) ? "batteryLimit=130" : "batteryLimit=30";
    const char *pairs[] = {comp, src, dst, battery, "minSignalIntensity=-113", space, NULL};
    sim_emit_urc(s, sim_flow_delay(s, 500), "plan", pairs);
}

static void piece_ready(struct sim *s, uint64_t t)
{
    struct quectel *q = s->vstate;
    const struct ota_defaults *d = ota_defaults_for("quectel");
    size_t len = s->image.len - q->piece < PIECE ? s->image.len - q->piece : PIECE;
    char comp[64], total[32], start[32], plen[32];
    field(comp, sizeof comp, "componentNo", "%s", sim_get(s, "+QIOTMCUVER MCU_number") ?: d->mcu_component);
    field(total, sizeof total, "length", "%zu", s->image.len);
    field(start, sizeof start, "startaddr", "%zu", q->piece);
    field(plen, sizeof plen, "piece_length", "%zu", len);
    const char *pairs[] = {comp, total, start, plen, NULL};
    sim_emit_urc(s, sim_flow_delay(s, 200), "dl-progress", NULL);
    sim_emit_urc(s, t, "dl-done-mcu", pairs);
}

static void download(struct sim *s)
{
    struct quectel *q = s->vstate;
    const struct ota_defaults *d = ota_defaults_for("quectel");
    uint64_t t = sim_flow_delay(s, 300);
    if (!q->mcu_plan) {
        bool order = sim_fault_once(s, SF_URC_ORDER);
        sim_emit_urc(s, t, order ? "dl-progress" : "dl-start", NULL);
        sim_emit_urc(s, sim_flow_delay(s, 1000), order ? "dl-start" : "dl-progress", NULL);
        if (sim_fault_once(s, SF_REBOOT_MID_FLOW)) {
            sim_reboot(s, sim_flow_delay(s, 500));
            return;
        }
        sim_emit_urc(s, sim_flow_delay(s, 1000), "dl-done", NULL);
        sim_emit_urc(s, sim_flow_delay(s, 200), "updating", NULL);
        sim_upgrade_at_reboot(s, d->module_target);
        sim_reboot(s, sim_flow_delay(s, 5000));
        const char *end[] = {"code=0", NULL};
        sim_emit_urc(s, sim_flow_delay(s, 3000), "qind-end", end);
        if (!sim_fault(s, SF_NO_TERMINAL))
            sim_emit_urc(s, sim_flow_delay(s, 500), sim_fault(s, SF_UPGRADE_FAILS) ? "ota-fail" : "ota-ok", NULL);
        return;
    }
    char comp[64], len[32], md5[48], crc[32], sha[80];
    field(comp, sizeof comp, "componentNo", "%s", sim_get(s, "+QIOTMCUVER MCU_number") ?: d->mcu_component);
    field(len, sizeof len, "length", "%zu", s->image.len);
    bool bad = sim_fault(s, SF_HASH_MISMATCH);
    const struct sim_image *im = sim_image(s);
    /* the fault: digests of an image one bit away from the one served */
    field(md5, sizeof md5, "md5", "%s", im->md5);
    if (bad)
        md5[sizeof "md5=" - 1] = md5[sizeof "md5=" - 1] == '0' ? '1' : '0';
    field(crc, sizeof crc, "crc", "%u", bad ? im->crc32 ^ 1u : im->crc32);
    field(sha, sizeof sha, "sha256", "%s", im->sha256);
    if (bad)
        sha[sizeof "sha256=" - 1] = sha[sizeof "sha256=" - 1] == '0' ? '1' : '0';
    const char *pairs[] = {comp, len, md5, crc, q->sha ? sha : NULL, NULL};
    sim_emit_urc(s, t, "dl-start-mcu", pairs);
    q->piece = 0;
    piece_ready(s, sim_flow_delay(s, 1000));
}

/* AT+QIOTOTARD=<start>,<length>: the header, the bytes, CR LF, OK. */
static void read_block(struct sim *s, const struct at_cmd *c)
{
    struct quectel *q = s->vstate;
    uint64_t r = sim_reply_delay(s);
    int64_t start = sim_arg_int(c, 0, 0), want = sim_arg_int(c, 1, 0);
    size_t end = q->piece + PIECE < s->image.len ? q->piece + PIECE : s->image.len;
    if (start < (int64_t)q->piece || (size_t)start >= end) {
        sim_error(s, r, 3); /* outside the piece that is ready */
        return;
    }
    size_t n = (size_t)want;
    if (n > end - (size_t)start)
        n = end - (size_t)start;
    if (n > MAX_READ)
        n = MAX_READ;
    size_t sent = n;
    /* short or long by a clear margin: a byte or two could be the CR LF after the data */
    if (n >= 16 && sim_fault_once(s, SF_PAYLOAD_SHORT))
        sent = n / 2;
    else if (sim_fault_once(s, SF_PAYLOAD_LONG))
        sent = n + 16;
    char hdr[64];
    snprintf(hdr, sizeof hdr, "+QIOTOTARD: %lld,%zu", (long long)start, n);
    sim_emit_line(s, r, hdr);
    const struct sim_image *im = sim_image(s);
    uint8_t *data = oc_xmalloc(sent);
    for (size_t i = 0; i < sent; i++)
        data[i] = (size_t)start + i < im->len ? im->bytes[(size_t)start + i] : 0x5a;
    sim_emit_raw(s, 0, data, sent);
    free(data);
    sim_emit_raw(s, 0, "\r\n", 2);
    sim_ok(s, 0);
}

/* +QIOTMCUVER: "<number>","<version>" of the registered MCU (of `only`, when given). */
static void show_mcu(struct sim *s, const struct at_cmd *c, uint64_t r, const char *only)
{
    const char *num = sim_get(s, "+QIOTMCUVER MCU_number"), *ver = sim_get(s, "+QIOTMCUVER MCU_version");
    if (!num || !ver || (only && strcmp(only, num) != 0) || !c->form->n_infos)
        return;
    char a[96], b[112];
    field(a, sizeof a, "MCU_number", "%s", num);
    field(b, sizeof b, "MCU_version", "%s", ver);
    const char *pairs[] = {a, b, NULL};
    sim_emit_info(s, r, &c->form->infos[0], pairs);
}

static bool command(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    struct quectel *q = s->vstate;
    const struct ota_defaults *d = ota_defaults_for("quectel");
    const char *n = c->cmd->name;
    uint64_t r = sim_reply_delay(s);
    if (strcasecmp(n, "+QIOTOTAREQ") == 0 && c->form->kind != GF_TEST) {
        if (c->form->kind == GF_WRITE)
            q->sha = sim_arg_int(c, 0, 0) == 1;
        sim_ok(s, r);
        plan(s);
        return true;
    }
    if (strcasecmp(n, "+QIOTUPDATE") == 0 && c->form->kind == GF_WRITE) {
        int64_t a = sim_arg_int(c, 0, 0);
        sim_ok(s, r);
        if (a == 1 && s->state_before != s->state)
            download(s); /* the first confirmation starts it */
        else if (a == 2) {
            if (q->piece + PIECE < s->image.len)
                q->piece += PIECE; /* past the last piece: the last one again */
            piece_ready(s, sim_flow_delay(s, 800));
        } else if (a == 3) {
            sim_emit_urc(s, sim_flow_delay(s, 200), "updating", NULL);
        }
        return true;
    }
    if (strcasecmp(n, "+QIOTOTARD") == 0 && c->form->kind == GF_WRITE) {
        read_block(s, c);
        return true;
    }
    if (strcasecmp(n, "+QIOTMCUVER") == 0 && c->form->kind == GF_READ) {
        show_mcu(s, c, r, NULL);
        sim_ok(s, r);
        return true;
    }
    if (strcasecmp(n, "+QIOTMCUVER") == 0 && c->form->kind == GF_WRITE) {
        char num[64], ver[80];
        sim_arg(c, line, 0, num, sizeof num);
        sim_arg(c, line, 1, ver, sizeof ver);
        if (!sim_arg_given(c, 1)) {
            show_mcu(s, c, r, num); /* the version of that component */
            sim_ok(s, r);
            return true;
        }
        /* kept as written (escapes too): they are read back and put in events */
        char num_raw[64], ver_raw[80];
        sim_set(s, "+QIOTMCUVER MCU_number", sim_arg_raw(c, line, 0, num_raw, sizeof num_raw));
        sim_set(s, "+QIOTMCUVER MCU_version", sim_arg_raw(c, line, 1, ver_raw, sizeof ver_raw));
        sim_ok(s, r);
        if (s->state_before == gram_machine_state(s->v->machine, "updating") && !sim_fault(s, SF_NO_TERMINAL))
            sim_emit_urc(s, sim_flow_delay(s, 500),
                         strcmp(ver, d->mcu_target) == 0 && !sim_fault(s, SF_UPGRADE_FAILS) ? "ota-ok" : "ota-fail", NULL);
        return true;
    }
    return false;
}

static void init(struct sim *s)
{
    s->vstate = oc_xcalloc(1, sizeof(struct quectel));
    sim_declare_image(s, ota_defaults_for("quectel")->image_size);
}

static void fini(struct sim *s)
{
    free(s->vstate);
}

const struct sim_vendor sim_vendor_quectel = {
    "quectel", "Quectel", "EC200U", "EC200UCNAAR03A01M08", init, fini, command, 0, NULL,
};
