#!/usr/bin/env bash
# tests/labgrid.sh — otacheck as a labgrid user runs it: Debian's pytest with labgrid's
# plugin (python3-labgrid) runs examples/labgrid/test_otacheck.py on a local environment file
# (no coordinator) whose NetworkSerialPort is a real ser2net on loopback exporting a pty that
# runs `otacheck sim` (tests/labgrid/lab.py): over RFC 2217 (labgrid's default protocol) and
# raw TCP the test passes with the reports named as JUnit properties; a faulted module fails
# it with otacheck's exit 1 and summary; a port nothing listens on fails it with exit 3.
# Usage: tests/labgrid.sh PATH/TO/otacheck      exit 77: no labgrid or pytest
set -u
ot=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
"$py" -c 'import labgrid, pytest, yaml' 2>/dev/null ||
  { echo "SKIP: python3-labgrid or python3-pytest missing (scripts/setup-debian.sh)"; exit 77; }
command -v ser2net >/dev/null || { echo "SKIP: no ser2net"; exit 77; }
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }
lab() { "$py" "$src/tests/labgrid/lab.py" "$ot" "$@"; }

for proto in rfc2217 raw; do
  lab "$tmp/$proto" "$proto" airm2m -
  rc=$?
  if [[ $rc -eq 0 ]] && grep -q '1 passed' "$tmp/$proto/pytest.out"; then ok "$proto: the labgrid test passes"
  else fail "$proto: pytest exit $rc"; tail -30 "$tmp/$proto/pytest.out"; fi
  want=$([[ $proto == rfc2217 ]] && echo 'rfc2217:127\.0\.0\.1:[0-9]*,baud=115200' || echo 'tcp:127\.0\.0\.1:[0-9]*')
  grep -q "property name=\"otacheck_main_target\" value=\"$want\"" "$tmp/$proto/junit.xml" &&
    ok "$proto: the target taken from the NetworkSerialPort" || fail "$proto: otacheck_target is not $want"
  grep -q "property name=\"otacheck_main_report_html\" value=\"$tmp/$proto/report/report.html\"" "$tmp/$proto/junit.xml" &&
    [[ -s "$tmp/$proto/report/results.json" ]] && ok "$proto: the reports written and named in the JUnit XML" ||
    fail "$proto: reports not attached"
done

lab "$tmp/fault" raw airm2m garbage
rc=$?
[[ $rc -eq 1 ]] && grep -q 'exit 1 (some case failed)' "$tmp/fault/pytest.out" && grep -q 'clean-output' "$tmp/fault/pytest.out" &&
  ok "a faulted module fails the labgrid test with otacheck's summary" || { fail "faulted module: pytest exit $rc"; tail -20 "$tmp/fault/pytest.out"; }

lab "$tmp/dead" raw airm2m - --dead
rc=$?
[[ $rc -eq 1 ]] && grep -q 'exit 3 (the module could not be reached' "$tmp/dead/pytest.out" &&
  ok "a port nothing listens on fails it with exit 3" || { fail "dead port: pytest exit $rc"; tail -20 "$tmp/dead/pytest.out"; }

[[ $fails -eq 0 ]] && echo "labgrid: all checks passed" || echo "labgrid: $fails check(s) failed"
[[ $fails -eq 0 ]]
