/* cli/conform_multi.h — `otacheck conform` with several modules at once (cli/conform_multi.c). */
#ifndef OTACHECK_CLI_CONFORM_MULTI_H
#define OTACHECK_CLI_CONFORM_MULTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "reports/report.h"

#define CM_MAX_MODULES 16

/* One module of the run: its target, and what is its own (NULL: the run's). */
struct cm_module {
    const char *spec;
    const char *vendor;
    const char *caps;
};

struct cm_run {
    int argc;
    char **argv;             /* the verb's arguments as given ("conform" first) */
    const bool *per_module;  /* argv[i] is an option (or its value) set per module */
    const struct cm_module *modules;
    size_t n_modules;
    const char *dir;         /* the run's report directory; a module's is DIR/targets/N */
    unsigned formats;
    FILE *progress;          /* a line per case as it ends, or NULL */
};

/* Runs every module's suite in parallel, recording each case into w as it comes; a stop
 * asked for (cf_conform_stop: a signal) ends each child's run. Prints a line per module at
 * the end. Returns the highest of the children's exit statuses. */
int cm_conform_run(const struct cm_run *r, struct rp_writer *w);

#endif
