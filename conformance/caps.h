/* conformance/caps.h — the capability file: what a module claims and how to run the suite
 * against it (INI, read with inih; a commented example is conformance/caps.example.ini).
 *
 *   [module]       vendor, target, allow-destructive, pace-us, reset (a command that
 *                  restarts the module), reset-time (seconds it takes to come back)
 *   [claims]       not-supported (commands it lacks: N/A), claimed (optional commands it has),
 *                  flows (the flows it claims), clean-output = yes|no (a foreign line FAILs)
 *   [dialect]      knob = choice|choice   (the dialect choices the module makes)
 *   [ota]          plan-staged = yes|no; provisioned = yes|no (a cloud and network for the
 *                  documented examples); image-size (bytes), link-speed (bytes per second):
 *                  how long a download may take; <flow>.setup = LINE (repeatable);
 *                  <flow>.start = LINE
 *   [credentials]  name = value: never written unmasked; ${name} in [ota] lines is replaced
 *
 * Errors name the file and line: "caps.ini:12: unknown key 'vendr' in [module]". Nothing
 * is cut or dropped without an error: a line over CAPS_MAX_LINE bytes, a value over
 * CAPS_MAX_VALUE, an [ota] line over CAPS_MAX_EXPANDED once its ${name}s are replaced, a
 * NUL byte anywhere, an unterminated or empty ${...}, a ${name} that names no credential
 * (at the line that uses it) are errors at their line. A credential is checked where it is
 * given: printable bytes only (no control byte: 0x00-0x1f, 0x7f), at least AT_SECRET_MIN
 * bytes (parser/mask.h: a shorter one could not be masked), the whole rest of its line
 * (no inline "; comment" that would cut it), and one line per name. */
#ifndef OTACHECK_CONFORMANCE_CAPS_H
#define OTACHECK_CONFORMANCE_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/defaults.h"

/* The longest line the file may have (bytes, without its line end), the longest value,
 * and the longest [ota] line once its ${name}s are replaced. Credentials are long (tokens,
 * certificates in base64): a value may hold CAPS_MAX_VALUE bytes. */
#define CAPS_MAX_LINE 16384
#define CAPS_MAX_VALUE 4096
#define CAPS_MAX_EXPANDED 16384
#define CAPS_MAX_LIST 32
#define CAPS_MAX_FLOWS 8
#define CAPS_MAX_SETUP FLOW_SETUP_MAX

struct cf_flow_caps {
    char *flow;
    char *setup[CAPS_MAX_SETUP + 1];  /* NULL-terminated */
    char *start;
    int setup_line[CAPS_MAX_SETUP];   /* the file's lines they are given at */
    int start_line;
};

struct cf_caps {
    char *path;
    char *vendor;
    char *target;
    int allow_destructive;            /* -1: not said */
    unsigned pace_us;
    unsigned line_gap_ms;             /* a pause this long ends a partial line (0: not said) */
    char *reset;                      /* a command that restarts the module, or NULL */
    unsigned reset_ms;                /* how long it takes to answer again (0: 30 s) */
    unsigned long image_size;         /* bytes of the staged image (0: not said) */
    unsigned long link_speed;         /* bytes per second of the module's link (0: not said) */
    char *not_supported[CAPS_MAX_LIST + 1];
    char *claimed[CAPS_MAX_LIST + 1]; /* optional commands it implements: never N/A */
    int clean_output;                 /* -1: not said */
    int provisioned;                  /* -1: not said */
    char *flows[CAPS_MAX_LIST + 1];
    bool flows_given;
    char *dialect[CAPS_MAX_LIST + 1]; /* "knob=choice|choice" */
    int plan_staged;                  /* -1: not said */
    struct cf_flow_caps flow[CAPS_MAX_FLOWS];
    unsigned n_flow;
    char *secret_names[CAPS_MAX_LIST + 1];
    char *secrets[CAPS_MAX_LIST + 1]; /* each whole, printable, AT_SECRET_MIN bytes or more */
};

/* Reads the file. Returns 0, or -1 with "file:line: what is wrong" in err (never a
 * credential's value). Not thread-safe: inih's line buffer is set through its globals. */
int cf_caps_load(struct cf_caps *c, const char *path, char *err, size_t errlen);
void cf_caps_init(struct cf_caps *c);
void cf_caps_free(struct cf_caps *c);
/* The start of a flow the file gives, or NULL. */
const struct cf_flow_caps *cf_caps_flow(const struct cf_caps *c, const char *flow);
/* How flow `flow` of the vendor is started: the file's lines when it gives any for the
 * flow (its setup and start, c may be NULL), else the reference cloud's
 * (harness/defaults.h); the driver is always the reference cloud's. The pointers are c's
 * or the table's. false: neither gives a start line (out->start NULL, setup may be set). */
bool cf_flow_start(const struct cf_caps *c, const char *vendor, const char *flow, struct flow_start *out);

#endif
