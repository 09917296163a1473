/* harness/rules.h — the one table of the rules otacheck checks (DESIGN.md "Verdicts"):
 * each rule's name, what breaking it means, its precedence (the table's order: when
 * several rules break in one case, the first one decides, because it makes the others
 * meaningless), the reference module's named fault that proves it fires, where its
 * requirement comes from, and which parts of otacheck check it. The session records its
 * findings by these rules, the conformance runner and the device fuzzer rank them by this
 * order, the reference module's faults name them (harness/sim.h), `otacheck rules`
 * prints the table for the README, and tests/test_conformance checks that every rule has
 * a fault that makes the suite report it. */
#ifndef OTACHECK_HARNESS_RULES_H
#define OTACHECK_HARNESS_RULES_H

#include <stdbool.h>

#include "grammar/model.h"

/* In order of precedence, most decisive first. */
enum hx_rule {
    HR_LIVENESS,
    HR_REBOOT,
    HR_FINAL_RESULT,
    HR_PAYLOAD_LENGTH,
    HR_NO_SECRET_LEAK,
    HR_ECHO,
    HR_CLEAN_OUTPUT,
    HR_LINE_END,
    HR_RESPONSE_SYNTAX,
    HR_FLOW_ORDER,
    HR_FLOW_FIELDS,
    HR_FLOW_END,
    HR_FLOW_INTEGRITY,
    HR_FLOW_OUTCOME,
    HR_REJECTS_INVALID,
    HR_ACCEPTS_VALID,
    HR_STATE_REFUSAL,
    HR_TEST_RANGE,
    HR_READ_REFLECTS_WRITE,
    HR_EXAMPLE,
    HR_RESPONSE_TIME,
    HR__COUNT
};

/* Who checks a rule. */
enum hx_rule_user { HRU_CONFORM = 1u << 0, HRU_FUZZ = 1u << 1 };

struct hx_rule_info {
    const char *name;     /* "final-result": in reports, case ids and reproducer names */
    const char *meaning;  /* what the module must do */
    const char *fault;    /* the reference module's fault that proves the rule fires */
    /* Where the requirement comes from. GSRC_NONE: from the grammar, case by case (the
     * cite says from what: a form's syntax, a line, a flow...), resolved with
     * grammar/source.h; otherwise the same for every case. */
    struct gram_src src;
    unsigned users;       /* enum hx_rule_user bits */
};

const struct hx_rule_info *hx_rule_info(enum hx_rule r);
const char *hx_rule_name(enum hx_rule r);
/* The rule of a name, or -1. */
int hx_rule_by_name(const char *name);
/* The source of a rule whose requirement is the same in every case (kind NONE when the
 * grammar decides it case by case). */
struct gram_src hx_rule_src(enum hx_rule r);

#endif
