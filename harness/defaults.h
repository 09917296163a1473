/* harness/defaults.h — what the reference module's "cloud" accepts (the URL it serves, the
 * credentials and versions it knows), and how each vendor's OTA flows are started against
 * it. The reference module and the conformance cases read the same table, so that a run
 * without a capability file starts flows the reference module completes; a capability file
 * replaces these values for a real module. */
#ifndef OTACHECK_HARNESS_DEFAULTS_H
#define OTACHECK_HARNESS_DEFAULTS_H

#include <stddef.h>

struct ota_defaults {
    const char *vendor;
    /* fibocom */
    const char *http_url, *ftp_host, *ftp_file, *ftp_user, *ftp_pass;
    /* simcom */
    const char *oem, *model, *product_id, *product_secret, *target_version;
    /* airm2m */
    const char *product_key, *upgrade_url;
    /* qualcomm */
    const char *fw_url, *fw_file;
    /* quectel */
    const char *mcu_component, *mcu_version, *mcu_target, *module_component, *module_target;
    /* the image the cloud serves */
    size_t image_size;
    /* the version the module reports after an upgrade */
    const char *new_revision;
};

/* How a flow is started: commands sent first, the command that starts it, and the
 * procedure that drives it once started (a name the conformance runner knows). */
#define FLOW_SETUP_MAX 4
struct flow_start {
    const char *vendor, *flow;
    const char *setup[FLOW_SETUP_MAX + 1];   /* NULL-terminated */
    const char *start;
    const char *driver;     /* "watch" (only observe), "quectel-fota", "quectel-sota",
                               "qualcomm-trial" */
    const char *note;
};

/* How to bring the module into a state of its machine (grammar "machine") from the
 * initial state, and back. Steps: "> LINE" sends a command that must end OK, "@ FLOW"
 * sends the setup and start lines of a flow (the capability file's, else the reference
 * cloud's: flow_start_for), "@ FLOW setup" its setup lines only, "< A|B" waits for URC A or B (within the limit the grammar
 * gives it), "? A|B" waits for it if it comes, "~ MS" waits that many milliseconds,
 * "= STATE" says the module is now in that state (after a restart nothing announces). */
#define ROUTE_MAX_STEPS 10
struct state_route {
    const char *vendor, *state;
    const char *to[ROUTE_MAX_STEPS];    /* NULL-terminated */
    const char *back[ROUTE_MAX_STEPS];  /* to the initial state; NULL-terminated */
};

const struct ota_defaults *ota_defaults_for(const char *vendor);
const struct state_route *state_route_for(const char *vendor, const char *state);
const struct flow_start *flow_start_for(const char *vendor, const char *flow);
/* The command lines route steps send ("> LINE", and "@ FLOW [setup]": the flow's start
 * among starts[0..n_starts), else the reference cloud's), in order: how many went into
 * out. */
size_t route_command_lines(const char *vendor, const char *const *steps, const struct flow_start *starts,
                           size_t n_starts, const char **out, size_t max);

#endif
