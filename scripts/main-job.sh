#!/usr/bin/env bash
# Quick start, first command: the main job. Installs missing Debian packages, builds
# otacheck, and runs the conformance suite against the built-in reference modules of all
# five vendors (otacheck conform, no --target). The reports go to otacheck-report/:
# results.jsonl (written as the run goes), junit.xml, results.tap, results.json and
# report.html. The exit status is conform's: 0 every applicable case passed, 1 some case
# failed, 2 usage error, 3 a target could not be reached.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc 2>/dev/null || echo 2)"
exec build/default/otacheck conform --report-dir otacheck-report "$@"
