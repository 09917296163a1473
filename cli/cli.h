/* cli/cli.h — what the verbs of the otacheck command share: loading the grammars
 * (embedded, plus --grammar files), picking vendors (--vendor ID|all), applying dialect
 * choices (--dialect [vendor:]knob=choice), and the exit codes of DESIGN.md. */
#ifndef OTACHECK_CLI_CLI_H
#define OTACHECK_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "grammar/model.h"
#include "parser/index.h"

enum cli_exit {
    EXIT_PASS = 0,      /* every applicable case passed / nothing wrong */
    EXIT_FAIL = 1,      /* some case failed / the check found problems */
    EXIT_USAGE = 2,     /* usage or configuration error */
    EXIT_TARGET = 3,    /* the target could not be reached or was lost */
};

#define CLI_MAX_LIST 32

struct cli_env {
    struct gram_set set;
    bool loaded;
    const char *vendor; /* NULL or "all": every vendor */
    const char *grammar_files[CLI_MAX_LIST];
    size_t n_grammar;
    const char *dialect_specs[CLI_MAX_LIST];
    size_t n_dialect;
    bool too_many; /* more --grammar or --dialect than CLI_MAX_LIST: cli_load fails */
};

void cli_env_init(struct cli_env *env);
void cli_env_free(struct cli_env *env);
/* Handles --vendor, --grammar and --dialect; returns true if opt was one of them. */
bool cli_common_option(struct cli_env *env, int opt, const char *arg);
/* The long options of cli_common_option, for getopt_long tables. */
#define CLI_OPT_VENDOR 1000
#define CLI_OPT_GRAMMAR 1001
#define CLI_OPT_DIALECT 1002
#define CLI_COMMON_LONGOPTS                                                                    \
    {"vendor", required_argument, NULL, CLI_OPT_VENDOR},                                       \
        {"grammar", required_argument, NULL, CLI_OPT_GRAMMAR},                                 \
        {"dialect", required_argument, NULL, CLI_OPT_DIALECT}

/* Loads the grammars; prints the loader's errors. Returns EXIT_PASS or EXIT_USAGE. */
int cli_load(struct cli_env *env);
/* The vendors --vendor selects; prints an error and returns 0 when it names none. */
size_t cli_vendors(struct cli_env *env, const struct gram_vendor **out, size_t max);
/* The dialect of v with the --dialect choices that concern it. EXIT_PASS or EXIT_USAGE. */
int cli_dialect(struct cli_env *env, const struct gram_vendor *v, struct gram_dialect *d);
/* Then the capability file's [dialect] choices for v (when the file is about v, or names
 * no vendor); verb names the command in the error. EXIT_PASS or EXIT_USAGE. */
struct cf_caps;
int cli_caps_dialect(const struct cf_caps *caps, const char *verb, const struct gram_vendor *v,
                     struct gram_dialect *d);

/* Checks every --dialect against the vendors the run is about (vs, nv): [VENDOR:]KNOB=CHOICE
 * where VENDOR is one of them, KNOB one of its knobs and each CHOICE one of the knob's (or
 * any); a KNOB=CHOICE without a vendor needs exactly one vendor in the run. Prints the
 * error, naming the valid ones, and returns EXIT_USAGE; else EXIT_PASS. */
int cli_check_dialects(const struct cli_env *env, const char *verb, const struct gram_vendor *const *vs,
                       size_t nv);
/* Checks a target spec's syntax (its kind, options and values: hx_check_spec) before
 * anything runs; from names where it came from ("--target", or the capability file).
 * Prints the error and returns EXIT_USAGE; else EXIT_PASS. */
int cli_check_target(const char *verb, const char *from, const char *spec, const struct gram_set *gs);

/* The checked number of an option: the whole of s is a decimal whole number from min to max
 * (cli_parse_uint), or a finite number from min (above it, with above_min) to max
 * (cli_parse_double). Otherwise prints "otacheck VERB: OPT: 'S' is not a number (...)" or
 * "... is out of range (...)" and returns EXIT_USAGE; else EXIT_PASS with *out set. */
int cli_parse_uint(const char *verb, const char *opt, const char *s, unsigned long long min,
                   unsigned long long max, unsigned long long *out);
int cli_parse_double(const char *verb, const char *opt, const char *s, double min, double max, bool above_min,
                     double *out);

/* Verbs. argv[0] is the verb's name. */
int verb_grammar(int argc, char **argv);
int verb_bench(int argc, char **argv);
int verb_parse(int argc, char **argv);
int verb_conform(int argc, char **argv);
int verb_report(int argc, char **argv);
int verb_sim(int argc, char **argv);
int verb_fuzz(int argc, char **argv);
int verb_rules(int argc, char **argv);
int verb_diff(int argc, char **argv);
int verb_serve(int argc, char **argv);

#endif
