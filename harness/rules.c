/* harness/rules.c — the table of rules; see rules.h. */
#include "harness/rules.h"

#include <string.h>

#define STD(cite) {GSRC_STD, cite}
#define DOC(cite) {GSRC_DOC, cite}
#define CASE(what) {GSRC_NONE, what}

static const struct hx_rule_info rules[HR__COUNT] = {
    [HR_LIVENESS] = {"liveness", "the module answers AT with OK after a command it left unanswered or "
                     "noise, and its port stays open", "silent-hang",
                     STD("ITU-T V.250 5.2.1: a command line of AT alone is answered with OK"),
                     HRU_CONFORM | HRU_FUZZ},
    [HR_REBOOT] = {"reboot", "the module restarts only when a destructive command it accepted, or a flow "
                   "with a restart in its course, explains it", "spontaneous-reboot",
                   STD("ITU-T V.250 5.6: a command line is executed and answered with a result code; a "
                       "restart in its place is neither"),
                   HRU_CONFORM | HRU_FUZZ},
    [HR_FINAL_RESULT] = {"final-result", "exactly one final result code per command line, within the "
                         "form's time, and none without a command", "missing-final",
                         STD("ITU-T V.250 5.7.1: one final result code ends the response to a command line"),
                         HRU_CONFORM | HRU_FUZZ},
    [HR_PAYLOAD_LENGTH] = {"payload-length", "binary data has the length its header line announces",
                           "payload-short", CASE("the line that announces the data, in the vendor document"),
                           HRU_CONFORM | HRU_FUZZ},
    [HR_NO_SECRET_LEAK] = {"no-secret-leak", "a credential the host sent is not printed back in a value the "
                           "module chose", "secret-echo",
                           DOC("the credentials the vendor documents define (passwords, product secrets, "
                               "product keys) are printed back only where the document prints them"),
                           HRU_CONFORM | HRU_FUZZ},
    [HR_ECHO] = {"echo", "while echo is on, the command line comes back as it was sent", "wrong-echo",
                 STD("ITU-T V.250 6.2.4: with E1 the DCE echoes the characters it receives"),
                 HRU_CONFORM | HRU_FUZZ},
    [HR_CLEAN_OUTPUT] = {"clean-output", "no noise bytes; every line is a line of text (a line no grammar "
                         "knows but shaped like a URC is foreign: noted, not failed)", "garbage",
                         STD("ITU-T V.250 5.7.1: responses and result codes are text framed by S3 S4"),
                         HRU_CONFORM | HRU_FUZZ},
    [HR_LINE_END] = {"line-end", "each response line and result code ends with the grammar's line end "
                     "(CR LF: S3 S4), not a lone CR or LF, and the final result is not left without it",
                     "bare-lf",
                     STD("ITU-T V.250 5.7.1: with V1, information text and result codes are framed "
                         "<S3><S4>text<S3><S4> (CR LF by default, 6.2.1 and 6.2.2)"),
                     HRU_CONFORM | HRU_FUZZ},
    [HR_RESPONSE_SYNTAX] = {"response-syntax", "a response line or URC the grammar knows is written as its "
                            "document gives it", "malformed-response",
                            CASE("the line's template, from the vendor document"), HRU_CONFORM | HRU_FUZZ},
    [HR_FLOW_ORDER] = {"flow-order", "a flow's events come in the documented order", "urc-order",
                       CASE("the flow's events, from the vendor document"), HRU_CONFORM},
    [HR_FLOW_FIELDS] = {"flow-fields", "the rules across a flow's events hold (a progress that never goes "
                        "down)", "percent-backwards", CASE("the flow's field rules"), HRU_CONFORM},
    [HR_FLOW_END] = {"flow-end", "a flow that began ends with one of its last events, within its time limits",
                     "no-terminal-event", CASE("the flow's time limits (the module's own timeout when it has one)"),
                     HRU_CONFORM},
    [HR_FLOW_INTEGRITY] = {"flow-integrity", "the data the host read has the announced size and digests, and "
                           "the reads start where documented", "hash-mismatch",
                           CASE("the flow's size and digest checks"), HRU_CONFORM},
    [HR_FLOW_OUTCOME] = {"flow-outcome", "a flow started for an upgrade staged for the module ends in "
                         "success, and the host's steps in it are accepted", "upgrade-fails",
                         CASE("the flow's documented success events, for an upgrade the capability file says "
                              "is staged"),
                         HRU_CONFORM},
    [HR_REJECTS_INVALID] = {"rejects-invalid", "a line that breaks the documented syntax, ranges or rules "
                            "gets an error result", "accept-invalid",
                            CASE("the form's syntax, ranges and rules (ITU-T V.250 5.6: a command that "
                                 "cannot be executed ends the line with ERROR)"),
                            HRU_CONFORM | HRU_FUZZ},
    [HR_ACCEPTS_VALID] = {"accepts-valid", "a line within the documented syntax, ranges and rules gets OK",
                          "reject-valid", CASE("the form's syntax and ranges"), HRU_CONFORM},
    [HR_STATE_REFUSAL] = {"state-refusal", "a line is refused in a state that does not take it",
                          "state-ignored", CASE("the vendor's state machine"), HRU_CONFORM},
    [HR_TEST_RANGE] = {"test-range", "the ranges a test form announces are the documented ones",
                       "wrong-test-range", CASE("the parameter's documented values"), HRU_CONFORM},
    [HR_READ_REFLECTS_WRITE] = {"read-reflects-write", "a read shows the value written before it, and the "
                                "original once restored", "read-stale", CASE("the read form's response"),
                                HRU_CONFORM},
    [HR_EXAMPLE] = {"example", "a documented example exchange ends as the document shows", "reject-valid",
                    CASE("the example's source"), HRU_CONFORM},
    [HR_RESPONSE_TIME] = {"response-time", "the final result comes within the form's documented maximum "
                          "response time", "slow-response", CASE("the form's maximum response time"),
                          HRU_CONFORM | HRU_FUZZ},
};

const struct hx_rule_info *hx_rule_info(enum hx_rule r)
{
    return (unsigned)r < HR__COUNT ? &rules[r] : NULL;
}

const char *hx_rule_name(enum hx_rule r)
{
    return (unsigned)r < HR__COUNT ? rules[r].name : "?";
}

int hx_rule_by_name(const char *name)
{
    for (int i = 0; name && i < HR__COUNT; i++)
        if (strcmp(rules[i].name, name) == 0)
            return i;
    return -1;
}

struct gram_src hx_rule_src(enum hx_rule r)
{
    return (unsigned)r < HR__COUNT ? rules[r].src : (struct gram_src){GSRC_NONE, NULL};
}
