#!/usr/bin/env bash
# fuzz/bench-execs.sh — executions per second of every fuzz target, one process on one
# core, under libFuzzer with ASan+UBSan (preset fuzz-libfuzzer), libFuzzer without
# sanitizers (fuzz-libfuzzer-nosan) and AFL++ persistent mode (fuzz-afl; the command and
# session targets with the custom mutator, as nightly.sh runs them). libFuzzer's figure is
# executions (stat::number_of_executed_units from -print_final_stats=1) over the wall
# clock and over the CPU time the process used; AFL++'s is execs_per_sec from fuzzer_stats
# (wall clock). Each run starts from the checked-in seeds corpus/<target>/ when present.
# The aims (without sanitizers): >= 500 k/s for the parser targets, >= 100 k/s for session.
#
# Usage: fuzz/bench-execs.sh [--seconds S] [--runs N] [--targets a,b] [--engines LIST]
#   --seconds S    time per target and engine (default 10; libFuzzer -max_total_time)
#   --runs N       libFuzzer: -runs=N instead of a time limit (AFL++ keeps --seconds)
#   --targets a,b  default: every fuzz/targets/*.c
#   --engines L    comma list of asan, nosan, afl (default all three)
#   --work DIR     scratch directory (default build/bench-execs; emptied first)
# Prints a table and writes it to WORK/execs.txt. Exit 0 unless a build or a run fails;
# missing an aim is reported, not an error (the machine decides the figures).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
die() { echo "bench-execs: $*" >&2; exit 2; }

secs=10
runs=""
targets_opt=""
engines=asan,nosan,afl
work="$root/build/bench-execs"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) secs=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --targets) targets_opt=${2:?}; shift 2 ;;
    --engines) engines=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown option: $1" ;;
  esac
done
[[ "$secs" =~ ^[1-9][0-9]*$ ]] || die "--seconds wants a positive number"
[[ -z "$runs" || "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number"
has() { [[ ",$engines," == *",$1,"* ]]; }

if [[ -n "$targets_opt" ]]; then
  IFS=, read -r -a targets <<<"$targets_opt"
else
  targets=()
  for f in fuzz/targets/*.c; do targets+=("$(basename "$f" .c)"); done
fi
for t in "${targets[@]}"; do [[ -f fuzz/targets/$t.c ]] || die "no such target: $t"; done
read -r -a mutated <<<"$(sed -n 's/^set(fuzz_mutated \(.*\))/\1/p' fuzz/CMakeLists.txt)"

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=${AFL_NO_AFFINITY:-1} AFL_FAST_CAL=1

scripts/setup-debian.sh
rm -rf "$work"
mkdir -p "$work"
jobs=$(nproc 2>/dev/null || echo 2)
bins=()
for t in "${targets[@]}"; do bins+=("fuzz_$t"); done
build() {
  echo "== build $1"
  { cmake --preset "$1" && cmake --build --preset "$1" -j"$jobs" --target "${@:2}"; } \
    >"$work/build-$1.log" 2>&1 || { tail -n 30 "$work/build-$1.log" >&2; exit 3; }
}
if has asan; then build fuzz-libfuzzer "${bins[@]}"; fi
if has nosan; then build fuzz-libfuzzer-nosan "${bins[@]}"; fi
if has afl; then build fuzz-afl "${bins[@]}" otacheck_mutator; fi

seeds_of() { [[ -d corpus/$1 && -n "$(ls -A "corpus/$1" 2>/dev/null)" ]] && echo "$root/corpus/$1"; true; }

# libFuzzer stops at the first crash; to measure a target that crashes (a finding, which
# nightly.sh reports), the run resumes from its corpus until the time is spent, and the
# figure is every run's executions over the whole time (libFuzzer's own average counts
# whole seconds: a 0.5 s run reads 0). Prints "EXEC_PER_SEC EXEC_PER_CPU_SECOND CRASHES":
# the second figure (executions over the process's user+system time) holds when other
# work shares the cores, which the wall-clock one does not.
libfuzzer_eps() { # preset, target
  local d="$work/$2.$1" seeds bin="$root/build/$1/fuzz/fuzz_$2"
  mkdir -p "$d/corpus"
  seeds=$(seeds_of "$2")
  local start now left execs=0 crashes=0 n run=0 cpu=0 TIMEFORMAT='%3U %3S'
  start=$(date +%s%N)
  while :; do
    now=$(date +%s%N)
    left=$(( secs - (now - start) / 1000000000 ))
    local limit=(-max_total_time="$left")
    if [[ -n "$runs" ]]; then limit=(-runs="$runs"); elif [[ $left -lt 1 ]]; then break; fi
    run=$((run + 1))
    { time "$bin" "${limit[@]}" -print_final_stats=1 -artifact_prefix="$d/" "$d/corpus" \
        ${seeds:+"$seeds"} >"$d.$run.log" 2>&1 || true; } 2>"$d.$run.time"
    cpu=$(awk -v c="$cpu" '{ printf "%.3f", c + $1 + $2 }' "$d.$run.time")
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d.$run.log" | tail -n 1)
    execs=$((execs + ${n:-0}))
    grep -q '^artifact_prefix=.*Test unit written to' "$d.$run.log" || break
    crashes=$((crashes + 1))
    [[ -z "$runs" && $run -lt 50 ]] || break
  done
  now=$(date +%s%N)
  echo "$(( execs * 1000 / ((now - start) / 1000000 + 1) ))" \
       "$(awk -v e="$execs" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? e / c : 0) }')" "$crashes"
}

afl_eps() { # target -> exec/s
  local d="$work/$1.afl" seeds m env=()
  mkdir -p "$d/in"
  seeds=$(seeds_of "$1")
  if [[ -n "$seeds" ]]; then cp "$seeds"/* "$d/in/"; else printf 'AT\r\n' >"$d/in/at"; fi
  for m in "${mutated[@]}"; do
    [[ $m == "$1" ]] && env=(AFL_CUSTOM_MUTATOR_LIBRARY="$root/build/fuzz-afl/fuzz/libotacheck_mutator.so")
  done
  env "${env[@]}" afl-fuzz -i "$d/in" -o "$d/out" -V "$secs" -- "$root/build/fuzz-afl/fuzz/fuzz_$1" \
    >"$d.log" 2>&1 || echo "   ($1 under AFL++ stopped: $d.log)" >&2
  awk '$1 == "execs_per_sec" { printf "%d\n", $3 }' "$d/out/default/fuzzer_stats" 2>/dev/null
}

k() { if [[ -n "$1" ]]; then awk -v v="$1" 'BEGIN { printf "%.1f k/s", v / 1000 }'; else echo "-"; fi; }

header=$(printf '%-10s %14s %14s %14s %14s %14s   %s' target 'libFuzzer+san' '(per CPU s)' \
         'libFuzzer' '(per CPU s)' 'AFL++' 'aim (no sanitizers, per CPU s)')
rows=()
notes=()
for t in "${targets[@]}"; do
  echo "== $t"
  a="" n="" f="" ac=0 nc=0 acpu="" ncpu=""
  if has asan; then read -r a acpu ac < <(libfuzzer_eps fuzz-libfuzzer "$t"); fi
  if has nosan; then read -r n ncpu nc < <(libfuzzer_eps fuzz-libfuzzer-nosan "$t"); fi
  if has afl; then f=$(afl_eps "$t"); fi
  [[ $ac -gt 0 ]] && notes+=("$t: $ac crash(es) under libFuzzer+san, resumed after each (logs in $work)")
  [[ $nc -gt 0 ]] && notes+=("$t: $nc crash(es) under libFuzzer without sanitizers, resumed after each")
  aim=500000
  [[ $t == session ]] && aim=100000
  verdict=$(k "$aim")
  if [[ -n "$ncpu" ]]; then # per CPU second: what the code costs, whatever else runs
    if [[ $ncpu -ge $aim ]]; then verdict+=": met"; else verdict+=": missed ($(( ncpu * 100 / aim ))%)"; fi
  fi
  rows+=("$(printf '%-10s %14s %14s %14s %14s %14s   %s' "$t" "$(k "$a")" "$(k "$acpu")" \
            "$(k "$n")" "$(k "$ncpu")" "$(k "$f")" "$verdict")")
done
{
  echo "exec/s, one process, ${runs:+$runs runs}${runs:-${secs}s} per target and engine" \
       "($(nproc) cores, $(uname -m), load average at the end:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /'))"
  echo "$header"
  printf '%s\n' "${rows[@]}"
  [[ ${#notes[@]} -eq 0 ]] || printf 'note: %s\n' "${notes[@]}"
} | tee "$work/execs.txt"
