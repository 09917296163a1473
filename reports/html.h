/* reports/html.h — what the two files of report.html share: html.c writes the page (the
 * run, the targets, the failures first, the case table and its small script),
 * html_charts.c the summaries per rule and per command and the pictures (reports/svg.h). */
#ifndef OTACHECK_REPORTS_HTML_H
#define OTACHECK_REPORTS_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/report_internal.h"
#include "reports/svg.h"

/* Text escaped for HTML (svg_escape: markup as entities, control bytes as \xNN). */
static inline void rp_html_text(FILE *out, const char *s) { svg_escape(out, s); }

/* The CSS class of a verdict ("N/A" is not a class name). */
const char *rp_html_vclass(enum rp_verdict v);
/* The cases with their own section (#case-N): the first RP_HTML_MAX_DETAILS of each of
 * FAIL, ERROR and WARN, in the order they ended (a page of tens of thousands of transcripts
 * is no longer one a browser shows; the others are rows of the case table with their
 * reasons, and whole in results.json). The terminal's summary links to the same. */
#define RP_HTML_MAX_DETAILS 1000
/* One flag per case, malloc'd; left_out (may be NULL): the FAIL, ERROR and WARN cases
 * without a section. */
bool *rp_html_detail_map(const struct rp_results *r, struct rp_counts *left_out);
/* Whether a case is a flow with steps to draw (a flow case, one with a stall or total
 * limit, or one that broke a flow- rule with events among its steps): it gets a timeline
 * (#tl-N), the flows that did not pass first, at most RP_HTML_MAX_TIMELINES in all. */
bool rp_html_is_flow(const struct rp_case *c);
#define RP_HTML_MAX_TIMELINES 200

/* The sections "By rule", "By command", "Response time by command and form" and "Charts"
 * (the latency of every exchange per command and form, the timelines of the flows). */
void rp_html_summaries(FILE *out, const struct rp_results *r, const bool *detailed);

#endif
