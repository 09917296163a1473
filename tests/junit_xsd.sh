#!/usr/bin/env bash
# tests/junit_xsd.sh — junit.xml as the CI servers read it: every junit.xml of a set of runs
# validates against junit-10.xsd, the schema the Jenkins xunit plugin checks JUnit input with
# and skips a file that fails (tests/consumers/junit-10.xsd, a verbatim copy, its source at
# its top). The runs: a passing run (every vendor's reference module), a failing run with
# FAIL and WARN (fibocom with faults), a run with a capability file that makes cases N/A, a
# module that does not answer (every case ERROR), and a stream rebuilt with every verdict
# whose reasons start with their rule, as a runner's often do. Also: an N/A's reason is the
# text of its <skipped> (GitLab keeps a skip's reason from there only), no failure or error
# message says its rule twice ("RULE: RULE: ..."), and a sim: run says its clock is virtual.
# Needs xmllint (libxml2-utils). Usage: tests/junit_xsd.sh PATH/TO/otacheck
set -u
ot=${1:?usage: tests/junit_xsd.sh PATH/TO/otacheck}
here=$(cd "$(dirname "$0")" && pwd)
xsd=$here/consumers/junit-10.xsd
caps=$here/../conformance/caps.example.ini
command -v xmllint >/dev/null || { echo "FAIL xmllint is needed: install libxml2-utils"; exit 1; }
tmp=$(mktemp -d /tmp/otacheck-junit-xsd-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }

# run NAME EXIT ARGS...: otacheck ARGS with its reports in $tmp/NAME, exiting EXIT
run() {
  local name=$1 want=$2
  shift 2
  "$ot" "$@" --report-dir "$tmp/$name" >"$tmp/$name.out" 2>&1
  local rc=$?
  [[ $rc == "$want" ]] || fail "$name: exit $rc, expected $want: $(tail -3 "$tmp/$name.out")"
}
run pass 0 conform --quiet
run fail-warn 1 conform --quiet --vendor fibocom --target sim:fibocom,fault=double-final+slow-response+accept-invalid
run na 1 conform --quiet --caps "$caps" --target sim:quectel
run error 3 conform --quiet --vendor fibocom --target "exec:sleep 0.2"

# a stream with every verdict, each reason starting with its rule
mkdir -p "$tmp/stream"
cat >"$tmp/stream/results.jsonl" <<'J'
{"type":"run","schema":"otacheck-results/1","tool_version":"otacheck 0.1.0","host":"lab","started_at":"2026-01-01T00:00:00Z","interrupted":false}
{"type":"target","index":0,"vendor":"fibocom","spec":"serial:/dev/ttyUSB2","revision":"L610.R1","overhead_ms":-1}
{"type":"case","id":"fibocom/+GTOTA/test","suite":"fibocom +GTOTA","name":"test form","verdict":"PASS","duration_ms":12,"target":0}
{"type":"case","id":"fibocom/+GTOTA/write/1","suite":"fibocom +GTOTA","name":"write type=1","verdict":"FAIL","rule":"response-time","reason":"response-time: 1150 ms, limit 300 ms","target":0}
{"type":"case","id":"fibocom/+GTOTA/read","suite":"fibocom +GTOTA","name":"read","verdict":"ERROR","rule":"liveness","reason":"liveness: the port vanished","target":0}
{"type":"case","id":"fibocom/+GTOTA/write/valid/url=longest","suite":"fibocom +GTOTA","name":"write url longest","verdict":"WARN","rule":"accepts-valid","reason":"accepts-valid: the longest url was refused","source_kind":"inferred","source":"inferred: the seed gives only a maximum length","target":0}
{"type":"case","id":"fibocom/flow/gtota","suite":"fibocom flow gtota","name":"flow gtota","verdict":"N/A","reason":"no upgrade staged on the cloud ([ota] plan-staged = no)","target":0}
J
echo '{"type":"end","finished_at":"2026-01-01T00:00:01Z","interrupted":false}' >>"$tmp/stream/results.jsonl"
"$ot" report --from "$tmp/stream/results.jsonl" --format junit >"$tmp/stream.out" 2>&1
[[ $? == 1 ]] || fail "stream: report --from did not exit 1: $(cat "$tmp/stream.out")"

for name in pass fail-warn na error stream; do
  x=$tmp/$name/junit.xml
  [[ -s $x ]] || { fail "$name: no junit.xml"; continue; }
  xmllint --noout --schema "$xsd" "$x" >"$tmp/$name.xsd" 2>&1 ||
    fail "$name: junit.xml does not validate against junit-10.xsd: $(grep -v 'fails to validate' "$tmp/$name.xsd" | head -5)"
  # no "RULE: RULE:" in a failure's or an error's message
  twice=$(xmllint --xpath '//failure/@message | //error/@message' "$x" 2>/dev/null |
          grep -E '^ message="([^":]+): \1:' | head -2)
  [[ -z $twice ]] || fail "$name: a message says its rule twice: $twice"
  # every skip's reason is its element's text, as its message says it
  bad=$(xmllint --xpath 'count(//skipped[string(.) = "" or string(.) != @message])' "$x" 2>/dev/null)
  [[ $bad == 0 ]] || fail "$name: $bad <skipped> without its reason as text"
done

# the verdicts the runs were chosen for are there
count() { xmllint --xpath "count($2)" "$tmp/$1/junit.xml" 2>/dev/null; }
[[ $(count fail-warn //failure) -gt 0 ]] || fail "fail-warn: no <failure>"
[[ $(count fail-warn '//testcase[starts-with(system-out, "WARN ")]') -gt 0 ]] || fail "fail-warn: no WARN case"
[[ $(count na //skipped) -gt 0 ]] || fail "na: no <skipped>"
[[ $(count error //error) -gt 0 ]] || fail "error: no <error>"
for v in failure error skipped; do
  [[ $(count stream //$v) == 1 ]] || fail "stream: not one <$v>"
done
# the N/A's reason in the element's content
[[ $(xmllint --xpath 'string(//skipped)' "$tmp/stream/junit.xml" 2>/dev/null) == "no upgrade staged on the cloud ([ota] plan-staged = no)" ]] ||
  fail "stream: the N/A's reason is not the text of its <skipped>"
[[ $(xmllint --xpath 'string(//failure/@message)' "$tmp/stream/junit.xml" 2>/dev/null) == "response-time: 1150 ms, limit 300 ms" ]] ||
  fail "stream: the failure's message is not its reason with the rule said once"
[[ $(xmllint --xpath 'string(//testcase[starts-with(system-out, "WARN ")]/system-out)' "$tmp/stream/junit.xml" 2>/dev/null) == "WARN accepts-valid: the longest url was refused"* ]] ||
  fail "stream: the WARN's headline does not say its rule once"
# virtual times say so: a sim: run's suites and cases, and not a serial: one's
[[ $(count pass '//testsuite[not(properties/property[@name = "clock" and @value = "virtual"])]') == 0 ]] ||
  fail "pass: a sim: suite without the property clock=virtual"
[[ $(count pass '//testcase[not(contains(system-out, "clock: virtual"))]') == 0 ]] ||
  fail "pass: a sim: case whose system-out does not say its clock is virtual"
[[ $(count stream '//testsuite[not(properties/property[@name = "clock" and @value = "wall"])]') == 0 &&
   $(count stream '//testcase[contains(system-out, "clock: virtual")]') == 0 ]] ||
  fail "stream: a serial: target's clock is not wall"

if ((fails)); then
  echo "junit_xsd: $fails failure(s)"
  exit 1
fi
echo "junit_xsd: every junit.xml validates against junit-10.xsd"
