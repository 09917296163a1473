/* reports/formats.h — the one table of report formats: everything that knows the formats
 * (the rp_format enum and the mask of all of them, --format's names and their list in the
 * usage texts and messages, the file names, the stale files rp_open removes, the files a
 * rebuild lists, the writers and the order they run in, RP_MAX_FILES) reads this table,
 * through the enum and rp_formats[] (reports/formats.c) built from it.
 *
 * Adding a format is one X(...) line here plus its writer, a reports/NAME.c defining
 *     int rp_write_NAME(FILE *out, const struct rp_results *r)
 * (report_internal.h declares it from this line; the build takes every reports/ *.c).
 * The columns: the enum's name (RP_ID), the --format name, the file name in the report
 * directory, the writer, whether the file shows each case at FILE#case-N (the file the
 * end-of-run summary points a reader to for the transcripts; results.jsonl when no such file
 * was written), whether `--format all` and the default take it, and the live writer: a
 * function that also writes each case to the run's standard output the moment it ends
 *     void rp_live_NAME(FILE *out, const struct rp_case *c, struct rp_nameset *ids)
 * (declared in report_internal.h; NULL: none). Listed and written in this order. */
#ifndef OTACHECK_REPORTS_FORMATS_H
#define OTACHECK_REPORTS_FORMATS_H

#define RP_FORMAT_TABLE(X)                                                      \
    X(JUNIT, "junit", "junit.xml", rp_write_junit, false, true, NULL)           \
    X(TAP, "tap", "results.tap", rp_write_tap, false, true, NULL)               \
    X(JSON, "json", "results.json", rp_write_json, false, true, NULL)           \
    X(HTML, "html", "report.html", rp_write_html, true, true, NULL)             \
    X(LAVA, "lava", "results.lava", rp_write_lava, false, false, rp_live_lava)

#endif
