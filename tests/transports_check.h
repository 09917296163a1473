/* tests/transports_check.h — what the transport tests share: opening targets, the
 * conversation every transport must carry (judged by the session), and looking into an
 * exchange's findings and transcript. */
#ifndef OTACHECK_TESTS_TRANSPORTS_CHECK_H
#define OTACHECK_TESTS_TRANSPORTS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/session.h"
#include "harness/transport.h"
#include "tests/peers.h"

#define MS TP_MS
#define ANSWER_LIMIT (2000 * MS) /* the module answers in 2 ms; this is for a busy machine */

const char *status_name(enum hx_status s);
/* A query the vendor's module answers with information lines. */
const char *vendor_query(const char *vendor);
void print_transcript(const struct hx_session *s, const struct hx_exchange *x);
bool has_finding(const struct hx_exchange *x, const char *rule);
bool has_info(const struct hx_session *s, const struct hx_exchange *x);
/* cmd must end in a final starting with final_prefix, with information lines if want_info,
 * and no findings. */
void expect_answer(struct hx_session *s, const char *where, const char *cmd, const char *final_prefix,
                   bool want_info);
/* ATE0, AT, the vendor's query, AT+CGMR and an unknown command, then AT -> OK. */
void converse(struct hx_transport *t, const char *vendor, const char *where);
/* Conformance cases of the vendor whose id or name contains `only`, played over t: all PASS
 * (N/A allowed), or, with fail_rule, FAILs on that rule and no other. */
void conform_over(struct hx_transport *t, const char *vendor, const char *only, const char *fail_rule,
                  const char *where);
/* hx_open that must succeed (NULL, with a failed check, when it does not). */
struct hx_transport *open_target(const char *spec);
/* hx_open must fail with code want and a message containing text. */
void expect_open_error(const char *spec, int want, const char *text);

/* The suites kept in their own files. */
void transports_hostile_suite(void);
void transports_verbs_suite(void);

#endif
