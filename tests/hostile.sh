#!/usr/bin/env bash
# tests/hostile.sh — otacheck against hostile modules: every run ends within its bound,
# whatever the module sends, in bounded memory, and answers signals. The modules are the
# independent module (tests/indep/) behind tests/hostile/relay.py, which distorts its output
# (chatty, storm, flood, stall, pause, pause:MS, trickle), `yes` (an endless stream of short lines) and
# tests/hostile/okall.py (OK to everything, never an event: flows wait to their bound).
# Bounds are generous (seconds, on a busy 2-core machine); they check that a run ends and
# how, not how fast. Peak memory is the largest process's resident set (goal: 64 MB).
# Usage: tests/hostile.sh PATH/TO/otacheck
set -u
ot=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
indep="$py tests/indep/module.py --vendor fibocom"
caps=tests/indep/fibocom.ini
relay() { echo "exec:$py tests/hostile/relay.py $1 -- $indep"; }
max_rss=64

# run NAME [run.py options] -- COMMAND...: sets rc, secs, rss; the output in $tmp/NAME.out
run() {
  local name=$1; shift
  local how
  how=$("$py" tests/hostile/run.py "$@" 2>"$tmp/$name.out" >"$tmp/$name.how"; tail -1 "$tmp/$name.how")
  cat "$tmp/$name.how" >>"$tmp/$name.out"
  rc=$(sed -n 's/.*rc=\([^ ]*\).*/\1/p' <<<"$how")
  secs=$(sed -n 's/.*secs=\([^ ]*\).*/\1/p' <<<"$how")
  rss=$(sed -n 's/.*rss_mb=\([^ ]*\).*/\1/p' <<<"$how")
  echo "     $name: $how"
}
# bounded NAME SECS: the run ended within SECS and in max_rss MB
bounded() {
  if [[ $rc == killed ]] || awk -v s="$secs" -v b="$2" 'BEGIN{exit !(s > b)}'; then
    fail "$1: took ${secs}s (bound ${2}s, rc $rc)"; sed 's/^/    /' "$tmp/$1.out" | tail -15
  elif awk -v m="$rss" -v b="$max_rss" 'BEGIN{exit !(m > b)}'; then
    fail "$1: peak memory ${rss} MB (bound $max_rss MB)"
  else
    echo "ok   $1: ended in ${secs}s, ${rss} MB"
  fi
}
want_rc() { # want_rc NAME CODE...
  local name=$1; shift
  for c in "$@"; do [[ $rc == "$c" ]] && return 0; done
  fail "$name: exit $rc, expected one of $*"; sed 's/^/    /' "$tmp/$name.out" | tail -15
}
# verdicts DIR: "id verdict rule" lines of DIR/results.json (fails when it is not valid JSON)
verdicts() {
  "$py" - "$1/results.json" <<'EOF'
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    print(c["id"], c["verdict"], c.get("rule") or "-")
EOF
}
reports_written() { # reports_written NAME DIR: every report is there and results.json reads
  local f
  for f in results.jsonl junit.xml results.tap results.json report.html; do
    [[ -s $2/$f ]] || fail "$1: $f not written"
  done
  verdicts "$2" >/dev/null || fail "$1: results.json is not valid"
}

# 1. a chatty module (a line no grammar knows every 50 ms): --strict ends, and the lines
#    are a clean-output finding, not a hang
run chatty --limit 300 -- "$ot" conform --caps "$caps" --target "$(relay chatty)" --strict \
  --only '+GTOTA' --report-dir "$tmp/chatty" --quiet
bounded chatty 240
want_rc chatty 1
reports_written chatty "$tmp/chatty"
verdicts "$tmp/chatty" >"$tmp/chatty.v"
grep -q ' clean-output' "$tmp/chatty.v" || fail "chatty: no clean-output finding"

# 2. a flood after the 40th line: the log is capped, the flood is a finding
run flood --limit 300 -- "$ot" conform --caps "$caps" --target "$(relay flood)" \
  --only '+CMEE' --report-dir "$tmp/flood" --quiet
bounded flood 240
want_rc flood 1 3
reports_written flood "$tmp/flood"
grep -q 'clean-output: a flood: [0-9]* more lines judged, not kept' "$tmp/flood/results.json" ||
  fail "flood: the flood is not a clean-output finding"

# 2b. an endless stream of standard URCs (+CEREG every 2 ms) during an OTA flow: the flow
#     is judged on its own events and PASSes, the URCs are allowed at any time (27.007)
run storm-flow --limit 300 -- "$ot" conform --caps "$caps" --target "$(relay storm)" --only flow \
  --report-dir "$tmp/storm" --quiet
bounded storm-flow 120
want_rc storm-flow 0
verdicts "$tmp/storm" >"$tmp/storm.v"
grep -q 'flow/gtota/1 PASS' "$tmp/storm.v" || fail "storm-flow: the flow does not PASS"

# 3. exec:yes, an endless stream of short lines from the first byte: unreachable, bounded
run yes-conform --limit 300 -- "$ot" conform --vendor simcom --target exec:yes \
  --report-dir "$tmp/yes" --quiet
bounded yes-conform 120
want_rc yes-conform 3
run yes-fuzz --limit 300 -- "$ot" fuzz --vendor simcom --target exec:yes --duration 20 \
  --out "$tmp/yes-fuzz" --quiet
bounded yes-fuzz 40
want_rc yes-fuzz 3

# 4. --duration is a promise whatever the module sends (duration 10 s, bound 10 + 5 s)
for m in storm flood chatty; do
  run fuzz-$m --limit 120 -- "$ot" fuzz --vendor fibocom --caps "$caps" --target "$(relay $m)" \
    --allow-destructive --duration 10 --out "$tmp/fuzz-$m" --quiet
  bounded fuzz-$m 15
  want_rc fuzz-$m 0 1
done

# 5. a pause of 35 ms inside every line: the same verdicts as without it
run plain --limit 300 -- "$ot" conform --caps "$caps" --only '+GTOTA' --report-dir "$tmp/plain" --quiet
run pause --limit 300 -- "$ot" conform --caps "$caps" --target "$(relay pause)" --only '+GTOTA' \
  --report-dir "$tmp/pause" --quiet
bounded pause 240
if ! diff <(verdicts "$tmp/plain") <(verdicts "$tmp/pause") >"$tmp/pause.diff"; then
  fail "pause: verdicts differ from the plain run"; head -20 "$tmp/pause.diff"
else
  echo "ok   pause: the same $(verdicts "$tmp/pause" | wc -l) verdicts as without the pause"
fi

# 5b. a pause of 200 ms inside every line, past exec:'s default line gap (100 ms): the lines
#     are cut in two (and FAIL), unless --line-gap says how long the module may pause
run plain-c --limit 300 -- "$ot" conform --caps "$caps" --only 'fibocom/+C*' --report-dir "$tmp/plain-c" --quiet
run longpause --limit 300 -- "$ot" conform --caps "$caps" --target "$(relay pause:200)" --only 'fibocom/+C*' \
  --report-dir "$tmp/longpause" --quiet
bounded longpause 120
if [[ $(verdicts "$tmp/longpause" | grep -c ' FAIL ') -eq 0 ]]; then
  fail "longpause: a 200 ms pause inside lines FAILed nothing with the default line gap"
else
  echo "ok   longpause: with the default line gap, $(verdicts "$tmp/longpause" | grep -c ' FAIL ') cases FAIL"
fi
run linegap --limit 300 -- "$ot" conform --caps "$caps" --target "$(relay pause:200)" --only 'fibocom/+C*' \
  --line-gap 500 --report-dir "$tmp/linegap" --quiet
bounded linegap 120
if ! diff <(verdicts "$tmp/plain-c") <(verdicts "$tmp/linegap") >"$tmp/linegap.diff"; then
  fail "linegap: --line-gap 500: verdicts differ from the plain run"; head -20 "$tmp/linegap.diff"
else
  echo "ok   linegap: --line-gap 500: the same $(verdicts "$tmp/linegap" | wc -l) verdicts as without the pause"
fi

# 6. a module trickling a byte every 50 ms is slow, not dead: reachable, and what FAILs is
#    its response time, read whole (no stray finals, no lost echoes)
#    (--line-gap 300: a byte every 50 ms is 50 ms short of the default gap of 100 ms, and a
#    busy machine stretches the relay's sleeps past it; this checks slowness, not the gap)
run trickle --limit 400 -- "$ot" conform --caps "$caps" --target "$(relay trickle)" --only '+CMEE' \
  --line-gap 300 --report-dir "$tmp/trickle" --quiet
bounded trickle 300
want_rc trickle 0 1
if verdicts "$tmp/trickle" | grep -E ' (FAIL|ERROR) ' | grep -v ' response-time$' >"$tmp/trickle.bad"; then
  fail "trickle: failures other than response time:"; head "$tmp/trickle.bad"
else
  echo "ok   trickle: $(verdicts "$tmp/trickle" | grep -c ' FAIL ') FAILs, all response-time"
fi

# 7. a module that stops talking after its 40th line: the run ends, every case has a verdict
run stall --limit 600 -- "$ot" conform --caps "$caps" --target "$(relay stall)" --only '+CMEE' \
  --report-dir "$tmp/stall" --quiet
bounded stall 300
want_rc stall 1 3
reports_written stall "$tmp/stall"

# 7b. line ends (V.250 5.7.1, the grammar's line-end crlf): lines ended by a lone CR, by a
#     lone LF, and finals sent without their CR LF FAIL line-end and say how they ended
for m in cr:CR lf:LF noeol:nothing; do
  mode=${m%%:*} said=${m#*:}
  run le-$mode --limit 300 -- "$ot" conform --caps "$caps" --target "$(relay $mode)" --only '+CMEE' \
    --report-dir "$tmp/le-$mode" --quiet
  bounded le-$mode 120
  want_rc le-$mode 1
  verdicts "$tmp/le-$mode" >"$tmp/le-$mode.v"
  grep -q ' FAIL line-end$' "$tmp/le-$mode.v" || fail "le-$mode: no line-end FAIL"
  grep -qE "line-end: [^ ]+ ended by $said" "$tmp/le-$mode/results.json" ||
    fail "le-$mode: the reason does not say the line ended by $said"
done

# 8. SIGTERM during a flow wait (okall never sends an event): the run ends within seconds,
#    the case in hand is recorded as interrupted, every report is written
run sigterm-flow --limit 120 --signal 6:TERM -- "$ot" conform --vendor qualcomm \
  --target "exec:$py tests/hostile/okall.py" --allow-destructive --only flow \
  --report-dir "$tmp/sigflow" --quiet
bounded sigterm-flow 5
reports_written sigterm-flow "$tmp/sigflow"
grep -q '"interrupted":true' "$tmp/sigflow/results.jsonl" || fail "sigterm-flow: the run is not marked interrupted"
verdicts "$tmp/sigflow" >"$tmp/sigflow.v"
grep -q 'flow/otafwup/1 ERROR' "$tmp/sigflow.v" || fail "sigterm-flow: the flow case is not ERROR"
grep -q 'interrupted by a signal' "$tmp/sigflow/results.json" || fail "sigterm-flow: no reason given"

# 9. SIGINT to the fuzzer (no --duration) while a chatty module talks: it ends within seconds
run sigint-fuzz --limit 120 --signal 5:INT -- "$ot" fuzz --vendor fibocom --caps "$caps" \
  --target "$(relay chatty)" --allow-destructive --out "$tmp/sigfuzz" --quiet
bounded sigint-fuzz 5
want_rc sigint-fuzz 0 1

# 10. a second signal ends at once: killed by it (128 + SIGINT), not a normal exit
run second-signal --limit 120 --signal 6:TERM --signal 6:INT -- "$ot" conform --vendor qualcomm \
  --target "exec:$py tests/hostile/okall.py" --allow-destructive --only flow \
  --report-dir "$tmp/second" --quiet
bounded second-signal 5
want_rc second-signal 130

# 11. a line no grammar knows that lands among ATI's lines is not the module's identity
"$ot" conform --vendor fibocom --target "exec:$py tests/hostile/okall.py --ati-noise" --only 'fibocom/AT/exec' \
  --report-dir "$tmp/ati" --quiet >/dev/null 2>&1
ident=$("$py" -c 'import json, sys; t = json.load(open(sys.argv[1]))["targets"][0]; print(t["manufacturer"], "|", t["model"])' \
  "$tmp/ati/results.json" 2>&1)
if [[ $ident == "Noisy | M1" ]]; then
  echo "ok   ati-noise: the identity is ATI's own lines ($ident)"
else
  fail "ati-noise: the identity is '$ident', not 'Noisy | M1' (the labels stripped)"
fi

echo "hostile: $fails failures"
[[ $fails -eq 0 ]]
