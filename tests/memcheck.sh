#!/usr/bin/env bash
# tests/memcheck.sh — reads of uninitialised memory, which ASan does not see (an
# uninitialised count in the read-write case crashed the Release build: issue 9 item 6).
# Runs the optimised otacheck, and the quick suites of test_conformance, under valgrind
# memcheck (--error-exitcode=99): every vendor's reference module faultless and with each
# of its faults, the independent module of two vendors, and a scripted module that refuses
# a read form before the read-write case. Any memcheck error fails the test.
# Usage: tests/memcheck.sh OTACHECK TEST_CONFORMANCE
set -u
ot=$1
tc=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg=(valgrind -q --error-exitcode=99 --track-origins=yes --log-file="$tmp/vg.%p")
fails=0
runs=0

# run WANT WHAT CMD...: the command's exit status must be WANT, and memcheck silent
run() {
  local want=$1 what=$2
  shift 2
  runs=$((runs + 1))
  rm -f "$tmp"/vg.*
  "${vg[@]}" "$@" >"$tmp/out" 2>&1
  local rc=$?
  if [[ $rc -eq 99 ]] || grep -qs "== [A-Z].*\(uninitialised\|Invalid\|definitely lost\)" "$tmp"/vg.*; then
    echo "FAIL $what: memcheck found errors:"
    cat "$tmp"/vg.* | head -40
    fails=$((fails + 1))
  elif [[ $rc -ne $want ]]; then
    echo "FAIL $what: exit $rc, expected $want"
    tail -5 "$tmp/out"
    fails=$((fails + 1))
  else
    echo "ok   $what"
  fi
}

# the path of the crash: the read form refused, then the read-write case
run 1 "quectel +QIOTREG read refused, then read-write" \
  "$ot" conform --vendor quectel --quiet --report-dir "$tmp/r" --only "quectel/+QIOTREG/read-write*" \
  --target "exec:python3 tests/scripted/refuse_read.py AT+QIOTREG?"
grep -q '"rule":"read-reflects-write"' "$tmp/r/results.jsonl" ||
  { echo "FAIL the refused read is not judged by read-reflects-write"; fails=$((fails + 1)); }

run 0 "all vendors, reference modules" "$ot" conform --quiet --report-dir "$tmp/r"
for v in quectel simcom airm2m qualcomm fibocom; do
  bad=0
  for f in $("$ot" sim --list-faults --vendor "$v" | awk '{print $1}'); do
    rm -rf "$tmp/r" "$tmp"/vg.*
    "${vg[@]}" "$ot" conform --quiet --report-dir "$tmp/r" --target "sim:$v,fault=$f" >"$tmp/out" 2>&1
    rc=$?
    runs=$((runs + 1))
    if [[ $rc -eq 99 ]]; then
      echo "FAIL $v fault=$f: memcheck found errors:"
      cat "$tmp"/vg.* | head -40
      bad=1
    elif [[ $rc -ne 0 && $rc -ne 1 ]]; then
      echo "FAIL $v fault=$f: exit $rc"
      tail -5 "$tmp/out"
      bad=1
    fi
  done
  fails=$((fails + bad))
  [[ $bad -eq 0 ]] && echo "ok   $v: every fault"
done
for v in airm2m fibocom; do
  run 0 "$v independent module" "$ot" conform --vendor "$v" --quiet --report-dir "$tmp/r" \
    --target "exec:python3 tests/indep/module.py --vendor $v"
done
for suite in credentials answers caps plan; do
  run 0 "test_conformance $suite" "$tc" "$suite"
done

echo "memcheck: $runs runs, $fails failed"
[[ $fails -eq 0 ]]
