#!/usr/bin/env bash
# tests/multi.sh — `otacheck conform` with several modules at once: three modules of three
# vendors in parallel, one faulted (quectel, hash-mismatch), one vanishing mid-run (fibocom
# over exec:, its program ended after 3 s), one faultless (simcom): every target in the
# reports with its own cases and verdicts, each module's own reports in targets/N, the
# stream and results.json valid against reports/results.schema.json (one writer: every line
# whole), the exit status the worst (3: a target lost); a child killed by a signal is an
# ERROR case and stops no other; a bad target in one still runs the others (exit 2); one
# capability file per module; mismatched counts are a usage error; Ctrl-C stops them all
# with their reports written. Speed is measured (README, "Benchmarks"), not asserted.
# Usage: tests/multi.sh PATH/TO/otacheck
set -u
ot=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }
jv() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
eq() { if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1: '$2', expected '$3'"; fi; }
valid() { # DIR: results.json and every results.jsonl line against the schema
  "$py" "$src/tests/consumers/validate_results.py" "$src/reports/results.schema.json" "$1" >"$tmp/v.out" 2>&1 ||
    { fail "$1 not valid against results.schema.json:"; head -10 "$tmp/v.out"; return 1; }
}

vanish="fibocom=exec:timeout --foreground 3 $ot sim --vendor fibocom --latency 5"
"$ot" conform --target sim:quectel,fault=hash-mismatch --target sim:simcom --target "$vanish" \
  --report-dir "$tmp/r" >"$tmp/out" 2>"$tmp/err"
eq "three modules, one lost: exit 3 (the worst)" "$?" 3
eq "three targets in results.json" "$(jv "$tmp/r/results.json" '[t["vendor"] for t in d["targets"]]')" \
  "['quectel', 'simcom', 'fibocom']"
for n in 1 2 3; do
  [[ -s "$tmp/r/targets/$n/results.json" && -s "$tmp/r/targets/$n/report.html" ]] || fail "no reports in targets/$n"
  # the run's cases of target n are the module's own run's, in its order
  a=$(jv "$tmp/r/results.json" "[(c['id'],c['verdict']) for c in d['cases'] if d['targets'][c['target']]['spec']==json.load(open('$tmp/r/targets/$n/results.json'))['targets'][0]['spec']]")
  b=$(jv "$tmp/r/targets/$n/results.json" "[(c['id'],c['verdict']) for c in d['cases']]")
  [[ "$a" == "$b" ]] && ok "target $n: its cases and verdicts, as its own report has them" ||
    fail "target $n: the run's cases differ from targets/$n's"
done
eq "the faulted module's flow FAILs" "$(jv "$tmp/r/results.json" "sorted({c['id'] for c in d['cases'] if c['verdict']=='FAIL'})")" \
  "['quectel/flow/sota/1']"
eq "the faultless module passes every case" \
  "$(jv "$tmp/r/results.json" "sorted({c['verdict'] for c in d['cases'] if c['vendor']=='simcom'})")" "['PASS']"
gone=$(jv "$tmp/r/results.json" "sum(1 for c in d['cases'] if c['vendor']=='fibocom' and c['verdict']=='ERROR' and 'gone' in (c['reason'] or ''))")
passed=$(jv "$tmp/r/results.json" "sum(1 for c in d['cases'] if c['vendor']=='fibocom' and c['verdict']=='PASS')")
[[ $gone -gt 10 && $passed -gt 0 ]] && ok "the vanished module: $passed cases passed, then $gone ERROR 'the port is gone'" ||
  fail "the vanished module: $passed passed, $gone gone"
valid "$tmp/r" && ok "the run's results.json and every stream line valid"
for n in 1 2 3; do valid "$tmp/r/targets/$n" || true; done
grep -q '^target 3 exec:.*exit 3 (report: ' "$tmp/out" && grep -q '^target 2 sim:simcom: 82 cases: 82 passed' "$tmp/out" &&
  ok "a line per module with its totals and exit status" || { fail "per-module lines:"; head -4 "$tmp/out"; }
grep -q '^\[target 1\] PASS ' "$tmp/err" && ok "progress names the target" || fail "no progress lines"

# a child killed by a signal: an ERROR case says so, the others run to their end
"$ot" conform --target sim:airm2m --target "qualcomm=exec:$ot sim --vendor qualcomm --latency 30" \
  --report-dir "$tmp/k" --quiet >"$tmp/k.out" 2>&1 &
parent=$!
victim=""
for _ in $(seq 100); do
  victim=$(pgrep -P "$parent" -f 'conform .*qualcomm' | head -1)
  [[ -n "$victim" ]] && break
  sleep 0.1
done
sleep 1
[[ -n "$victim" ]] && kill -9 "$victim"
wait "$parent"
rc=$?
[[ $rc -eq 1 ]] && ok "a child killed: exit 1" || fail "a child killed: exit $rc"
eq "the killed child's run is an ERROR case" \
  "$(jv "$tmp/k/results.json" "[c['verdict'] for c in d['cases'] if c['id']=='qualcomm/run/target-2' and 'ended by signal 9 (Killed) after' in c['reason']]")" \
  "['ERROR']"
eq "the other module ran all its cases" \
  "$(jv "$tmp/k/results.json" "sum(1 for c in d['cases'] if c['vendor']=='airm2m')")" \
  "$(jv "$tmp/k/targets/1/results.json" "len(d['cases'])")"
valid "$tmp/k" && ok "valid after a child was killed"

# a bad target in one: a usage error for it (exit 2), the others still run
"$ot" conform --target sim:airm2m --target "nosuch:thing" --report-dir "$tmp/b" --quiet >"$tmp/b.out" 2>"$tmp/b.err"
eq "a bad target among good ones: exit 2" "$?" 2
eq "the good one still ran" "$(jv "$tmp/b/targets/1/results.json" "len(d['cases'])>0")" "True"

# one capability file per module; counts that do not pair
printf '[module]\nvendor = simcom\ntarget = sim:simcom\n' >"$tmp/s.ini"
printf '[module]\nvendor = airm2m\ntarget = sim:airm2m\n' >"$tmp/a.ini"
"$ot" conform --caps "$tmp/s.ini" --caps "$tmp/a.ini" --report-dir "$tmp/c" --quiet >/dev/null 2>"$tmp/c.err"
eq "one capability file per module: exit 0" "$?" 0
eq "their targets" "$(jv "$tmp/c/results.json" '[t["spec"] for t in d["targets"]]')" "['sim:simcom', 'sim:airm2m']"
"$ot" conform --caps "$tmp/s.ini" --caps "$tmp/a.ini" --target sim:quectel --target sim:simcom --target sim:airm2m \
  --report-dir "$tmp/x" --quiet >/dev/null 2>"$tmp/x.err"
eq "3 targets and 2 capability files: exit 2" "$?" 2
grep -q 'one capability file per' "$tmp/x.err" || fail "no message for the mismatch"

# Ctrl-C: every child stops, its reports are written, the run says it was interrupted
"$ot" conform --target "simcom=exec:$ot sim --vendor simcom --latency 40" \
  --target "airm2m=exec:$ot sim --vendor airm2m --latency 40" --report-dir "$tmp/i" --quiet >"$tmp/i.out" 2>&1 &
parent=$!
sleep 2
kill -INT "$parent"
wait "$parent"
rc=$?
[[ $rc -eq 1 ]] && ok "Ctrl-C: exit 1" || fail "Ctrl-C: exit $rc"
eq "the run says it was interrupted" "$(jv "$tmp/i/results.json" 'd["run"]["interrupted"]')" "True"
for n in 1 2; do [[ -s "$tmp/i/targets/$n/results.json" ]] || fail "Ctrl-C: targets/$n has no results.json"; done
valid "$tmp/i" && ok "valid after Ctrl-C"

[[ $fails -eq 0 ]] && echo "multi: all checks passed" || echo "multi: $fails check(s) failed"
[[ $fails -eq 0 ]]
