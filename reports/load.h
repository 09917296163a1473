/* reports/load.h — the one way a run's results are read back into memory (struct
 * rp_results): its results.jsonl stream (a run that was killed has only that), its
 * results.json document, or a report directory holding either. `otacheck report --from`
 * (reports/rebuild.c) and `otacheck diff` (reports/diff.c) read through it; the fields are
 * read by the conversions of reports/json_model.c. A case's texts are kept as jansson decoded
 * them (valid UTF-8), not copied again: every writer cleans what it writes
 * (rp_results_copy_clean). Neither form is ever held whole as one JSON tree: the stream is
 * read line by line, the document value by value. */
#ifndef OTACHECK_REPORTS_LOAD_H
#define OTACHECK_REPORTS_LOAD_H

#include <stddef.h>

#include "reports/report_internal.h"

/* What rp_load_results read. */
enum rp_load_kind { RP_LOAD_STREAM, RP_LOAD_DOCUMENT };

/* Reads a results.jsonl stream into res (initialised here; freed again on failure). A last
 * line without its newline that does not parse was cut by a kill and is dropped; any other
 * bad line is an error "PATH:LINE: what". Without an "end" line the run is marked
 * interrupted. Returns 0, or -1 with the message in err. */
int rp_load_stream(const char *path, struct rp_results *res, char *err, size_t errlen);
/* Reads a results.json document (schema otacheck-results/1) into res, as above; errors
 * "PATH: what (line L, column C)". */
int rp_load_document(const char *path, struct rp_results *res, char *err, size_t errlen);
/* Either, from path: a directory is read as DIR/results.json, or DIR/results.jsonl when
 * there is no results.json (a killed run); a file is a stream when its first non-blank
 * line is a whole JSON object with a "type" field, a document otherwise. The file read is
 * written into file (malloc'd, may be NULL), and what it was into kind (may be NULL). */
int rp_load_results(const char *path, struct rp_results *res, char **file,
                    enum rp_load_kind *kind, char *err, size_t errlen);

#endif
