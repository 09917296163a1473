#!/usr/bin/env bash
# tests/lava.sh — `--format lava` read as a LAVA lab reads it: the signals otacheck prints are
# parsed by Debian's lava-dispatcher itself (its TestShellAction pattern, handle_testcase and
# SignalMatch: tests/lava/check_signals.py, on the package unpacked by scripts/fetch-lava.sh):
# runs of the reference module (FAIL, PASS, N/A), a stream with every verdict, hostile texts
# and ids rebuilt with `report --from`, the signals printed as each case ends (a run killed
# mid-way has whole signals for what it finished), `--format all` printing none, the example
# test definition valid against LAVA's schema, and each check shown to fire on broken lines.
# Usage: tests/lava.sh PATH/TO/otacheck      exit 77: lava-dispatcher cannot be fetched
set -u
ot=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }

site=$(bash "$src/scripts/fetch-lava.sh" 2>"$tmp/fetch.err") || {
  echo "SKIP: lava-dispatcher could not be fetched:"; sed 's/^/    /' "$tmp/fetch.err"; exit 77; }
"$py" -c 'import pexpect, requests, yaml' 2>/dev/null ||
  { echo "SKIP: python3-pexpect, python3-requests or python3-yaml missing (scripts/setup-debian.sh)"; exit 77; }
export PYTHONPATH="$site"
chk() { "$py" "$src/tests/lava/check_signals.py" "$@"; }

# 1. real runs: a faulted one (FAIL and PASS), one that hangs (the rest N/A)
"$ot" conform --target sim:quectel,fault=slow-response --format lava,json --report-dir "$tmp/q" --quiet >"$tmp/q.out" 2>"$tmp/q.err"
rc=$?
[[ $rc -eq 1 ]] || fail "quectel slow-response: exit $rc, expected 1"
[[ -s "$tmp/q/results.lava" ]] || fail "no results.lava"
if chk "$tmp/q.out" "$tmp/q/results.json" >"$tmp/c.out"; then ok "faulted run: the dispatcher reads one TESTCASE per case, fail and pass as the verdicts say"
else fail "faulted run's signals:"; cat "$tmp/c.out"; fi
grep -q 'RESULT=fail UNITS=ms MEASUREMENT=45[0-9]\.[0-9]*>' "$tmp/q.out" ||
  fail "a response-time FAIL measures the slow latency"
cmp -s <(grep '<LAVA_SIGNAL' "$tmp/q.out") <(grep '<LAVA_SIGNAL' "$tmp/q/results.lava") &&
  ok "results.lava holds the signals printed" || fail "results.lava differs from the signals printed"
grep -q '^otacheck: FAIL quectel.examples.1: response-time: ' "$tmp/q.out" &&
  ok "a FAIL's reason is in its test case's log" || fail "no reason line for the first FAIL"
"$ot" conform --target sim:simcom,fault=silent-hang --format lava,json --report-dir "$tmp/h" --quiet >"$tmp/h.out" 2>/dev/null
if chk "$tmp/h.out" "$tmp/h/results.json" >"$tmp/c.out" && grep -q 'RESULT=skip' "$tmp/h.out"; then
  ok "a module that hangs: N/A cases are skip"
else fail "hanging module's signals:"; cat "$tmp/c.out"; fi

# 2. every verdict, hostile texts, ids LAVA does not take, repeated ids
head -1 "$tmp/q/results.jsonl" >"$tmp/s.jsonl"
"$py" - "$tmp/s.jsonl" <<'EOF'
import json, sys
out = open(sys.argv[1], "a")
def case(i, verdict, **kw):
    d = {"type": "case", "id": kw.pop("id", "v/case/%d" % i), "verdict": verdict}
    d.update(kw)
    out.write(json.dumps(d) + "\n")
case(1, "PASS", latency_ms=12.5)
case(2, "WARN", rule="echo", reason="inferred: <lava_signal_testcase test_case_id=w result=fail>")
case(3, "FAIL", rule="final-result", reason="no final", duration_ms=1000,
     transcript="> AT\n< <LAVA_SIGNAL_TESTCASE TEST_CASE_ID=evil RESULT=pass>\n< <LAVA_SIGNAL_ENDTC x>\n< <LAVA_TEST_RUNNER EXIT>\n")
case(4, "N/A", reason="needs --allow-destructive")
case(5, "ERROR", rule="liveness", reason="the module stopped answering")
case(6, "PASS", id="quectel/+QIOTCFG=\"a b\",<1>/#x")
case(7, "PASS", id="quectel/+QIOTCFG=\"a b\",<1>/#x")
case(8, "PASS", id="x" * 300)
case(9, "PASS", id="")
out.write(json.dumps({"type": "end"}) + "\n")
EOF
"$ot" report --from "$tmp/s.jsonl" --report-dir "$tmp/s" --format lava,json >/dev/null 2>"$tmp/s.err"; [[ $? -le 1 && -s "$tmp/s/results.lava" ]] ||
  { fail "report --from the crafted stream:"; cat "$tmp/s.err"; }
if chk "$tmp/s/results.lava" "$tmp/s/results.json" >"$tmp/c.out"; then
  ok "every verdict: PASS/WARN pass, FAIL fail, N/A skip, ERROR unknown; ids unique and in LAVA's characters"
else fail "crafted stream's signals:"; cat "$tmp/c.out"; fi
chk --cases "$tmp/s/results.lava" >"$tmp/ids"
grep -qx 'evil\|w\|x' "$tmp/ids" && fail "a module's text became a test case: $(cat "$tmp/ids")"
grep -q '<LAVA_TEST_RUNNER\|<LAVA_SIGNAL_ENDTC x>' "$tmp/s/results.lava" && fail "a module's text can end the test run"
[[ $(wc -l <"$tmp/ids") -eq 9 ]] && ok "texts from the module never read as signals" || fail "$(wc -l <"$tmp/ids") test cases for 9"
grep -qx 'quectel.QIOTCFG__a_b___1_._x' "$tmp/ids" && grep -qx 'quectel.QIOTCFG__a_b___1_._x-2' "$tmp/ids" &&
  ok "an id in LAVA's characters, a repeat made unique" || { fail "ids:"; cat "$tmp/ids"; }

# 3. as each case ends: killed once its first case is out, what was printed is whole
"$py" - "$ot" "$tmp/k" >"$tmp/k.out" 2>&1 <<'EOF'
import subprocess, sys, time
ot, d = sys.argv[1], sys.argv[2]
p = subprocess.Popen([ot, "conform", "--vendor", "fibocom",
                      "--target", "exec:%s sim --vendor fibocom --latency 40" % ot,
                      "--format", "lava", "--report-dir", d, "--quiet"],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
got = b""
t0 = time.monotonic()
while b"<LAVA_SIGNAL_ENDTC" not in got and time.monotonic() - t0 < 60:
    line = p.stdout.readline()
    if not line:
        break
    got += line
alive = b"<LAVA_SIGNAL_ENDTC" in got and p.poll() is None
p.kill()
rest = p.stdout.read()
p.wait()
sys.stdout.buffer.write(got + rest)
print("ALIVE" if alive else "ENDED", file=sys.stderr)
EOF
if grep -q ALIVE "$tmp/k.out"; then ok "the first case's signals came while the run went on"
else fail "no signal before the run ended"; fi
grep -v '^ALIVE$' "$tmp/k.out" >"$tmp/k.sig"
if chk "$tmp/k.sig" >"$tmp/c.out"; then ok "a killed run's signals are whole"; else fail "killed run:"; cat "$tmp/c.out"; fi

# 4. --format all (and the default) print no signals and write no results.lava
"$ot" conform --target sim:airm2m --format all --report-dir "$tmp/a" --quiet >"$tmp/a.out" 2>/dev/null
if grep -q LAVA_SIGNAL "$tmp/a.out" || [[ -e "$tmp/a/results.lava" ]]; then fail "--format all printed LAVA signals"
else ok "--format all: no LAVA signals"; fi

# 5. the example test definition, against LAVA's own schema
if chk --testdef "$src/examples/lava/otacheck.yaml" >"$tmp/c.out"; then ok "examples/lava/otacheck.yaml is a LAVA test definition"
else fail "the example test definition:"; cat "$tmp/c.out"; fi
grep -q -- '--format lava' "$src/examples/lava/otacheck.yaml" || fail "the example does not use --format lava"
sed 's/Lava-Test Test Definition 1.0/Lava-Test 2/' "$src/examples/lava/otacheck.yaml" >"$tmp/bad.yaml"
chk --testdef "$tmp/bad.yaml" >/dev/null && fail "the schema check passes a broken definition"

# 6. each check fires on broken lines
broken() { # NAME SED-EXPRESSION: the faulted run's signals so edited must be refused
  sed "$2" "$tmp/q.out" >"$tmp/b.out"
  if chk "$tmp/b.out" "$tmp/q/results.json" >"$tmp/c.out"; then fail "broken ($1) accepted"; else ok "refused: $1"; fi
}
broken "an id with a space" '0,/TEST_CASE_ID=quectel.examples.1 /s//TEST_CASE_ID=quectel examples.1 /'
broken "a result LAVA does not know" '0,/RESULT=fail/s//RESULT=broken/'
broken "a FAIL said as pass" '0,/RESULT=fail/s//RESULT=pass/'
broken "a missing ENDTC" '0,/<LAVA_SIGNAL_ENDTC quectel.examples.1>/{//d}'
broken "a case dropped" '/TEST_CASE_ID=quectel.examples.2 /d'
broken "a measurement that is not a number" '0,/MEASUREMENT=450/s//MEASUREMENT=x450/'

[[ $fails -eq 0 ]] && echo "lava: all checks passed" || echo "lava: $fails check(s) failed"
[[ $fails -eq 0 ]]
