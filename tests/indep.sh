#!/usr/bin/env bash
# tests/indep.sh — otacheck conform against a module it did not write: the independent
# emulated module of tests/indep/ (written from the seed documents alone, no code shared
# with grammar/, parser/ or harness/). For every vendor:
#   1. the faultless module: no FAIL and no ERROR (WARNs are allowed, and listed), within
#      a bounded time;
#   2. each of its planted defects (module.py --list-defects) FAILs a case of the rule it
#      breaks, and nothing else FAILs;
#   3. otacheck fuzz finds nothing in the faultless module (with and without destructive
#      cases), and finds each planted defect by the rule it breaks.
# Usage: tests/indep.sh OTACHECK [VENDOR...]
set -u
ot=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
vendors=${*:-quectel simcom airm2m qualcomm fibocom}

fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# verdicts of a results.json: "FAIL rule id" lines, and counts
verdicts() {
  "$py" - "$1" <<'EOF'
import json, sys, collections
d = json.load(open(sys.argv[1]))
n = collections.Counter(c["verdict"] for c in d["cases"])
print("COUNTS", " ".join("%s=%d" % (k, n.get(k, 0)) for k in ("PASS", "WARN", "FAIL", "ERROR", "N/A")))
for c in d["cases"]:
    if c["verdict"] in ("FAIL", "ERROR", "WARN"):
        print(c["verdict"], c.get("rule") or "-", c["id"], "|", (c.get("reason") or "")[:160])
EOF
}

# the cases a defect is about: where to look (a filter keeps the run short)
only_for() {
  case "$1" in
    period-59|savenv-2) echo "airm2m/+UPGRADE/*" ;;
    ind-over-100) echo "airm2m/flow/*" ;;
    type0-ftp-fields|url-256|slow-gtota-test) echo "fibocom/+GTOTA/*" ;;
    trial-2) echo "qualcomm/+OTATRIAL/*" ;;
    flag-8) echo "qualcomm/+OTAFWUP/*" ;;
    unknown-ok) echo "qualcomm/unknown/*" ;;
    update-action-7) echo "quectel/+QIOTUPDATE/*" ;;
    slow-otareq-test) echo "quectel/+QIOTOTAREQ/*" ;;
    mcuver-read-comma) echo "quectel/+QIOTMCUVER/*" ;;
    capfota-2) echo "simcom/+CAPFOTA/*" ;;
    echo-truncated|cscfota-4-params) echo "simcom/+CSCFOTA/*" ;;
    *) echo "*" ;;
  esac
}

for v in $vendors; do
  caps="tests/indep/$v.ini"
  start=$(date +%s)
  timeout 600 "$ot" conform --caps "$caps" --report-dir "$tmp/$v" --quiet >"$tmp/$v.out" 2>&1
  rc=$?
  secs=$(($(date +%s) - start))
  [[ -f "$tmp/$v/results.json" ]] || { fail "$v: no results.json (exit $rc)"; cat "$tmp/$v.out"; continue; }
  verdicts "$tmp/$v/results.json" >"$tmp/$v.v"
  counts=$(head -1 "$tmp/$v.v")
  if grep -q '^FAIL \|^ERROR ' "$tmp/$v.v" || [[ $rc -ne 0 ]]; then
    fail "$v: the faultless independent module: exit $rc, $counts"
    grep '^FAIL \|^ERROR ' "$tmp/$v.v" | head -20
  else
    echo "ok   $v: the independent module passes: $counts, ${secs} s"
    grep '^WARN ' "$tmp/$v.v" | sed 's/^/       /'
  fi
  "$py" tests/indep/module.py --list-defects --vendor "$v" | while IFS=$'\t' read -r dv name rule what; do
    out="$tmp/$v-$name"
    timeout 300 "$ot" conform --caps "$caps" --target "exec:$py tests/indep/module.py --vendor $v --defect $name" \
      --only "$(only_for "$name")" --report-dir "$out" --quiet >"$out.out" 2>&1
    drc=$?
    verdicts "$out/results.json" >"$out.v" 2>/dev/null
    if [[ $drc -ne 1 ]] || ! grep -q "^FAIL $rule " "$out.v"; then
      echo "FAIL $v defect $name: no case FAILs on $rule (exit $drc): $(head -1 "$out.v")"
      grep '^FAIL \|^ERROR ' "$out.v" | head -5
      echo x >>"$tmp/defect-fails"
    elif grep '^FAIL \|^ERROR ' "$out.v" | grep -vq "^FAIL $rule "; then
      echo "FAIL $v defect $name: a case FAILs or ERRORs on another rule than $rule"
      grep '^FAIL \|^ERROR ' "$out.v" | grep -v "^FAIL $rule " | head -5
      echo x >>"$tmp/defect-fails"
    else
      echo "ok   $v defect $name: caught by $rule ($(grep -c "^FAIL $rule " "$out.v") cases)"
    fi
  done
done
[[ -f "$tmp/defect-fails" ]] && fails=$((fails + $(wc -l <"$tmp/defect-fails")))

# the device fuzzer against the same module: nothing in 2000 cases (non-destructive, fixed
# seed); through the flows (--caps: the module's own cloud, destructive cases; it restarts
# in 80 ms, so --flow-quiet 500) nothing in 200 cases; and every planted defect found,
# the first finding naming the rule the defect breaks
for v in $vendors; do
  out="$tmp/fuzz-$v"
  timeout 300 "$ot" fuzz --vendor "$v" --target "exec:$py tests/indep/module.py --vendor $v" --cases 2000 --seed 1 \
    --out "$out" --quiet >"$out.out" 2>&1
  frc=$?
  if [[ $frc -ne 0 ]]; then
    fail "$v fuzz: exit $frc, expected 0 (nothing found)"
    sed 's/^/    /' "$out.out" | head -10
  else
    echo "ok   $v fuzz: $(tail -1 "$out.out")"
  fi
  out="$tmp/fuzz-caps-$v"
  timeout 300 "$ot" fuzz --caps "tests/indep/$v.ini" --flow-quiet 500 --cases 200 --seed 1 \
    --out "$out" --quiet >"$out.out" 2>&1
  frc=$?
  if [[ $frc -ne 0 ]]; then
    fail "$v fuzz --caps: exit $frc, expected 0 (nothing found)"
    sed 's/^/    /' "$out.out" | head -10
  else
    echo "ok   $v fuzz --caps (destructive): $(tail -1 "$out.out")"
  fi
  "$py" tests/indep/module.py --list-defects --vendor "$v" | while IFS=$'\t' read -r dv d rule what; do
    out="$tmp/fuzz-$v-$d"
    timeout 330 "$ot" fuzz --caps "tests/indep/$v.ini" --target "exec:$py tests/indep/module.py --vendor $v --defect $d" \
      --flow-quiet 500 --cases 5000 --duration 280 --max-findings 1 --seed 1 --out "$out" --quiet >"$out.out" 2>&1
    frc=$?
    if [[ $frc -ne 1 ]] || ! ls "$out" 2>/dev/null | grep -q "^001-$rule-"; then
      echo "FAIL $v fuzz defect $d: exit $frc, no reproducer for $rule: $(ls "$out" 2>/dev/null | tr '\n' ' ')"
      grep '^finding' "$out.out" | head -3
      echo x >>"$tmp/fuzz-defect-fails"
    else
      echo "ok   $v fuzz defect $d: found, $(ls "$out"), $(tail -1 "$out.out" | sed 's/.* in \([0-9.]* s\).*/\1/')"
    fi
  done
done
[[ -f "$tmp/fuzz-defect-fails" ]] && fails=$((fails + $(wc -l <"$tmp/fuzz-defect-fails")))
if [[ $fails -ne 0 ]]; then
  echo "$fails failed"
  exit 1
fi
echo "all passed"
