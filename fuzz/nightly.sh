#!/usr/bin/env bash
# fuzz/nightly.sh — the nightly fuzzing job. For every fuzz target (fuzz/targets/<name>.c)
# it fuzzes for a time budget with libFuzzer (-fork=N over N cores, ASan+UBSan) and/or
# AFL++ (-M main -S sec1.., persistent mode through libAFLDriver, the grammar-aware custom
# mutator for the command and session targets, CmpLog on one secondary), minimises and
# merges the corpora (libFuzzer -merge=1, afl-cmin), copies every crash, leak, timeout or
# hang input to WORK/crashes/<target>/, replays the merged corpora through the fuzz-coverage
# build for an llvm-cov summary, and prints a table: target, engine, execs, exec/s, corpus
# size, crashes.
#
# Usage: fuzz/nightly.sh [options]
#   --budget SECONDS   fuzzing time per target and per engine (default 600; --smoke: 5)
#   --targets a,b      targets to fuzz (default: every fuzz/targets/*.c)
#   --jobs N           cores to use: libFuzzer -fork=N, AFL++ main + N-1 secondaries
#                      (default: nproc)
#   --engine E         libfuzzer, afl or both (default both; libFuzzer runs first and AFL++
#                      starts from its corpus)
#   --work DIR         work directory (default build/nightly). WORK/<target>/corpus, the
#                      merged corpus, is kept and fed back in on the next run; cache it
#                      between CI runs. Everything else in WORK is redone each run.
#   --timeout SECONDS  one input's time limit (default 10, or the .options file's timeout)
#   --no-coverage      skip the llvm-cov summary
#   --smoke            CI check: libFuzzer only, 5 s per target, fixed seed (-seed=1),
#                      no merge, no coverage
#   -h, --help         this text
#
# Inputs, when present (skipped when missing): corpus/<target>/ (seeds, passed after the
# scratch directory: libFuzzer writes into the first), corpus/<target>.dict (-dict, AFL++
# -x), corpus/<target>.options ([libfuzzer] section, OSS-Fuzz style: each key=value becomes
# -key=value; max_len and timeout also apply to AFL++).
# Outputs in WORK: summary.txt (the table), crashes/<target>/<engine>-<input>,
# coverage/summary.txt (llvm-cov report), coverage/summary.json (llvm-cov export
# -summary-only), logs/ (every engine's and build's output).
# Exit status: 0 nothing found; 1 a crash, leak, timeout or OOM (libFuzzer), or a saved
# crash or hang (AFL++: afl-fuzz itself exits 0 even when it saved crashes), or an engine
# that failed to run; 2 usage error; 3 a build failed.
# Packages come from scripts/setup-debian.sh, which this script runs first (it installs
# only what is missing).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "nightly: $*" >&2; exit 2; }

budget=""
targets_opt=""
jobs=$(nproc 2>/dev/null || echo 2)
engine=both
work="$root/build/nightly"
timeout_opt=""
coverage=1
smoke=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --budget) budget=${2:?}; shift 2 ;;
    --targets) targets_opt=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --engine) engine=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    --timeout) timeout_opt=${2:?}; shift 2 ;;
    --no-coverage) coverage=0; shift ;;
    --smoke) smoke=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
if [[ $smoke -eq 1 ]]; then
  engine=libfuzzer
  coverage=0
  budget=${budget:-5}
fi
budget=${budget:-600}
[[ "$budget" =~ ^[1-9][0-9]*$ ]] || die "--budget wants a positive number of seconds"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number"
[[ -z "$timeout_opt" || "$timeout_opt" =~ ^[1-9][0-9]*$ ]] || die "--timeout wants seconds"
case "$engine" in libfuzzer|afl|both) ;; *) die "--engine: libfuzzer, afl or both" ;; esac
mkdir -p "$work"
work=$(cd "$work" && pwd)

all_targets=()
for f in fuzz/targets/*.c; do all_targets+=("$(basename "$f" .c)"); done
if [[ -n "$targets_opt" ]]; then
  IFS=, read -r -a targets <<<"$targets_opt"
  for t in "${targets[@]}"; do
    [[ -f fuzz/targets/$t.c ]] || die "no such target: $t (have: ${all_targets[*]})"
  done
else
  targets=("${all_targets[@]}")
fi
# the targets that carry the grammar-aware mutator: the same list as fuzz/CMakeLists.txt
read -r -a mutated <<<"$(sed -n 's/^set(fuzz_mutated \(.*\))/\1/p' fuzz/CMakeLists.txt)"
is_mutated() { local m; for m in "${mutated[@]}"; do [[ $m == "$1" ]] && return 0; done; return 1; }
use_lf() { [[ $engine == libfuzzer || $engine == both ]]; }
use_afl() { [[ $engine == afl || $engine == both ]]; }

# AFL++ on a CI host: no curses UI, no CPU governor or core_pattern demands, no binding
# to a core another job may hold; crashing seeds (an old corpus) are skipped, not fatal.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=${AFL_NO_AFFINITY:-1} AFL_SKIP_CRASHES=1 AFL_FAST_CAL=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

scripts/setup-debian.sh

logs="$work/logs"
rm -rf "$logs" "$work/crashes" "$work/coverage"
mkdir -p "$logs" "$work/crashes"
note() { printf '== %s\n' "$*"; }

# ---- build ----------------------------------------------------------------------------
build() { # preset, cmake targets...
  local preset=$1; shift
  note "build $preset"
  if ! { cmake --preset "$preset" && cmake --build --preset "$preset" -j"$jobs" --target "$@"; } \
       >"$logs/build-$preset.log" 2>&1; then
    tail -n 40 "$logs/build-$preset.log" >&2
    echo "nightly: the $preset build failed (log: $logs/build-$preset.log)" >&2
    exit 3
  fi
}
bins=()
for t in "${targets[@]}"; do bins+=("fuzz_$t"); done
if use_lf; then build fuzz-libfuzzer "${bins[@]}"; fi
cmplog=0
if use_afl; then
  afl_extra=()
  for t in "${targets[@]}"; do is_mutated "$t" && afl_extra=(otacheck_mutator); done
  build fuzz-afl "${bins[@]}" "${afl_extra[@]}"
  if [[ $jobs -ge 2 ]]; then build fuzz-afl-cmplog "${bins[@]}"; cmplog=1; fi
fi
if [[ $coverage -eq 1 ]]; then build fuzz-coverage "${bins[@]}"; fi

# ---- per-target inputs ----------------------------------------------------------------
# The [libfuzzer] section of an .options file as KEY<TAB>VALUE lines.
options_of() {
  [[ -f "$1" ]] || return 0
  awk '/^[ \t]*([;#]|$)/ { next }
       /^[ \t]*\[/ { s = $0; gsub(/[][ \t]/, "", s); next }
       s == "libfuzzer" && /=/ {
         k = $0; sub(/=.*/, "", k); v = $0; sub(/^[^=]*=/, "", v)
         gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v); print k "\t" v }' "$1"
}

# Sets, for target $1: seeds (dir or ""), dict (file or ""), lf_opts (array), tmo
# (seconds), max_len ("" when unset).
target_inputs() {
  local t=$1 k v
  seeds=""
  [[ -d corpus/$t ]] && [[ -n "$(ls -A "corpus/$t")" ]] && seeds="$root/corpus/$t"
  dict=""
  [[ -f corpus/$t.dict ]] && dict="$root/corpus/$t.dict"
  lf_opts=()
  tmo=10
  max_len=""
  while IFS=$'\t' read -r k v; do
    case "$k" in
      # the nightly's own: time, parallelism, where things go
      max_total_time|runs|fork|jobs|workers|merge|artifact_prefix|exact_artifact_path|print_final_stats) ;;
      # OSS-Fuzz names it as in $OUT (fuzz_<target>.dict); here it is corpus/<target>.dict
      dict) [[ "$v" == /* ]] || v="$root/corpus/$v"; [[ -f "$v" ]] && dict=$v ;;
      timeout) tmo=$v ;;
      max_len) max_len=$v; lf_opts+=("-max_len=$v") ;;
      *) lf_opts+=("-$k=$v") ;;
    esac
  done < <(options_of "corpus/$t.options")
  [[ -n "$timeout_opt" ]] && tmo=$timeout_opt
  return 0
}

count_files() { if [[ -d "$1" ]]; then find "$1" -maxdepth 1 -type f | wc -l; else echo 0; fi; }

# results, one row per target and engine
rows=()
failed=0
row() { rows+=("$(printf '%-10s %-10s %14s %10s %8s %8s' "$@")"); }

# Copies the findings in dir $2 (files named by $3, a find -name pattern) of target $1
# to crashes/<target>/<prefix>-<name>, with ':' and ',' made '_' (artifact uploads refuse
# them). Prints how many.
collect() {
  local t=$1 dir=$2 pat=$3 prefix=$4 n=0 f base
  [[ -d "$dir" ]] || { echo 0; return; }
  mkdir -p "$work/crashes/$t"
  while IFS= read -r -d '' f; do
    base=$(basename "$f" | tr ':,' '__')
    cp "$f" "$work/crashes/$t/$prefix-$base"
    n=$((n + 1))
  done < <(find "$dir" -maxdepth 1 -type f -name "$pat" -print0)
  echo "$n"
}

# ---- libFuzzer ------------------------------------------------------------------------
run_libfuzzer() {
  local t=$1
  local d="$work/$t/libfuzzer" bin="$root/build/fuzz-libfuzzer/fuzz/fuzz_$t"
  local log="$logs/$t.libfuzzer.log"
  rm -rf "$d"
  mkdir -p "$d/corpus" "$d/artifacts"
  local args=(-artifact_prefix="$d/artifacts/" -timeout="$tmo" -print_final_stats=1
              -max_total_time="$budget" "${lf_opts[@]}")
  [[ -n "$dict" ]] && args+=(-dict="$dict")
  if [[ $smoke -eq 0 ]]; then
    # keep going after a finding; every one is saved as an artifact
    args+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  else
    # CI: the same inputs in the same order on every run (a slower machine runs fewer)
    args+=(-seed=1)
  fi
  local dirs=("$d/corpus") # the scratch directory first: libFuzzer writes there
  [[ -d "$work/$t/corpus" ]] && dirs+=("$work/$t/corpus")
  [[ -n "$seeds" ]] && dirs+=("$seeds")
  note "libfuzzer $t: ${budget}s, $([[ $smoke -eq 1 ]] && echo "1 process" || echo "-fork=$jobs")${dict:+, dict}"
  local rc=0
  timeout -k 30 $((budget * 2 + 120)) "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  # fork mode prints "#EXECS: cov: .. time: Ns" lines; one process prints stat:: lines
  local execs secs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=""
  if [[ -z "$execs" ]]; then
    execs=$(sed -n 's/^#\([0-9]*\): cov:.* time: \([0-9]*\)s.*/\1/p' "$log" | tail -n 1)
    secs=$(sed -n 's/^#\([0-9]*\): cov:.* time: \([0-9]*\)s.*/\2/p' "$log" | tail -n 1)
  fi
  execs=${execs:-0}
  local eps
  if [[ -n "$secs" ]]; then
    eps=$(( secs > 0 ? execs / secs : execs ))
  else
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  fi
  local found=0 kind
  for kind in crash leak timeout oom; do # not slow-unit-*: slow is not a finding
    found=$((found + $(collect "$t" "$d/artifacts" "$kind-*" libfuzzer)))
  done
  if [[ $found -gt 0 ]]; then
    failed=1
    echo "   FOUND: $found input(s) ($(find "$d/artifacts" -maxdepth 1 -type f ! -name 'slow-unit-*' -printf '%f\n' | sed 's/-.*//' | sort | uniq -c | awk '{printf "%s%s %s", s, $1, $2; s=", "}')); log $log"
  elif [[ $rc -ne 0 ]]; then
    failed=1
    found="err"
    echo "   libFuzzer exited $rc with no artifact: see $log" >&2
    tail -n 20 "$log" >&2
  fi
  # the engine's corpus, minimised
  local size
  if [[ $smoke -eq 1 ]]; then
    size=$(count_files "$d/corpus")
  else
    mkdir -p "$d/min"
    "$bin" -merge=1 -timeout="$tmo" "${lf_opts[@]}" -artifact_prefix="$d/artifacts/" \
      "$d/min" "${dirs[@]}" >"$logs/$t.libfuzzer-merge.log" 2>&1 \
      || echo "   (libFuzzer merge exited non-zero: $logs/$t.libfuzzer-merge.log)" >&2
    size=$(count_files "$d/min")
  fi
  row "$t" libfuzzer "$execs" "${eps:-0}" "$size" "$found"
}

# ---- AFL++ ----------------------------------------------------------------------------
stat_sum() { # field, fuzzer_stats files...
  local k=$1; shift
  awk -v k="$k" '$1 == k { s += $3 } END { printf "%d\n", s }' "$@" 2>/dev/null || echo 0
}

# AFL++ 4.04c, when -V ends a run, sometimes leaves the CmpLog forkserver's persistent
# child behind: stopped (SIGSTOP between iterations) and orphaned. End, by pid, the orphans
# (parent 1) running one of the given executables — this run's, under this tree.
end_orphans() {
  local p exe ppid n=0
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    [[ " $* " == *" $exe "* ]] || continue
    ppid=$(awk '{ print $4 }' "$p/stat" 2>/dev/null) || continue
    [[ "$ppid" == 1 ]] && kill -KILL "${p#/proc/}" 2>/dev/null && n=$((n + 1))
  done
  [[ $n -eq 0 ]] || echo "   (ended $n orphaned forkserver child(ren) AFL++ left behind)"
}

run_afl() {
  local t=$1
  local d="$work/$t/afl" bin="$root/build/fuzz-afl/fuzz/fuzz_$t"
  rm -rf "$d"
  mkdir -p "$d/in" "$d/sync"
  # inputs: what libFuzzer kept this run (merged with the earlier corpus and the seeds),
  # or else the corpus of earlier runs and the seeds
  local src srcs=("$work/$t/corpus" "$seeds")
  [[ -d "$work/$t/libfuzzer/min" ]] && srcs=("$work/$t/libfuzzer/min")
  for src in "${srcs[@]}"; do
    [[ -n "$src" && -d "$src" ]] && find "$src" -maxdepth 1 -type f -size -1024k \
      -exec cp -t "$d/in" {} + 2>/dev/null
  done
  [[ -n "$(ls -A "$d/in")" ]] || printf 'AT\r\n' >"$d/in/at"
  local args=(-i "$d/in" -o "$d/sync" -V "$budget" -t $((tmo * 1000)))
  [[ -n "$max_len" ]] && args+=(-G "$max_len")
  if [[ -n "$dict" ]]; then
    # AFL++ refuses a dictionary keyword over 128 bytes; libFuzzer takes them
    awk '{ v = $0; sub(/^[^"]*"/, "", v); sub(/"[ \t]*$/, "", v); if (length(v) <= 128) print }' \
      "$dict" >"$d/dict"
    args+=(-x "$d/dict")
  fi
  local envs=()
  if is_mutated "$t"; then
    envs+=(AFL_CUSTOM_MUTATOR_LIBRARY="$root/build/fuzz-afl/fuzz/libotacheck_mutator.so")
  fi
  note "afl $t: ${budget}s, main + $((jobs - 1)) secondaries$([[ $cmplog -eq 1 ]] && echo ", CmpLog on sec$((jobs - 1))")${dict:+, dict}$(is_mutated "$t" && echo ", custom mutator")"
  local pids=() i name extra
  for ((i = 0; i < jobs; i++)); do
    if [[ $i -eq 0 ]]; then name=main; extra=(-M main); else name=sec$i; extra=(-S "$name"); fi
    if [[ $cmplog -eq 1 && $i -eq $((jobs - 1)) && $i -gt 0 ]]; then
      extra+=(-c "$root/build/fuzz-afl-cmplog/fuzz/fuzz_$t")
    fi
    env "${envs[@]}" timeout -k 30 $((budget * 2 + 120)) \
      afl-fuzz "${args[@]}" "${extra[@]}" -- "$bin" >"$logs/$t.afl-$name.log" 2>&1 &
    pids+=($!)
  done
  local rc=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
  end_orphans "$bin" "$root/build/fuzz-afl-cmplog/fuzz/fuzz_$t"
  local stats=("$d"/sync/*/fuzzer_stats)
  local execs eps crashes hangs found
  if [[ ! -f "${stats[0]}" ]]; then
    failed=1
    echo "   afl-fuzz did not run (exit $rc): see $logs/$t.afl-main.log" >&2
    grep -E 'PROGRAM ABORT|ERROR' "$logs/$t.afl-main.log" | head -n 5 >&2 || true
    row "$t" afl 0 0 0 err
    return
  fi
  execs=$(stat_sum execs_done "${stats[@]}")
  eps=$(stat_sum execs_per_sec "${stats[@]}")
  crashes=$(stat_sum saved_crashes "${stats[@]}")
  hangs=$(stat_sum saved_hangs "${stats[@]}")
  for name in "$d"/sync/*/; do
    name=$(basename "$name")
    collect "$t" "$d/sync/$name/crashes" 'id:*' "afl-$name" >/dev/null
    collect "$t" "$d/sync/$name/hangs" 'id:*' "afl-$name-hang" >/dev/null
  done
  if is_mutated "$t"; then
    # evidence that AFL++ loaded and used it: its log line, and the queue entries it made
    echo "   custom mutator: $(grep -ch "Custom mutator .* installed successfully" "$logs/$t".afl-*.log | awk '{ s += $1 } END { print s + 0 }') instance(s) loaded it;" \
         "$(find "$d"/sync/*/queue -name '*op:libotacheck_mutator.so*' | wc -l) queue entries came from it"
  fi
  found=$((crashes + hangs))
  if [[ $found -gt 0 ]]; then
    failed=1
    echo "   FOUND: $crashes crash(es), $hangs hang(s) (saved_crashes/saved_hangs in fuzzer_stats)"
  elif [[ $rc -ne 0 ]]; then
    failed=1
    found=err
    echo "   afl-fuzz exited $rc: see $logs/$t.afl-*.log" >&2
  fi
  # minimise the union of every instance's queue
  mkdir -p "$d/all"
  for name in "$d"/sync/*/; do
    name=$(basename "$name")
    find "$d/sync/$name/queue" -maxdepth 1 -type f -name 'id:*' -print0 |
      while IFS= read -r -d '' src; do cp "$src" "$d/all/$name-$(basename "$src" | cut -d, -f1 | tr : _)"; done
  done
  # input on stdin ("-", as libAFLDriver asks for afl-cmin), not @@: under AFL++ the
  # driver takes a file argument for an iteration count (and asserts "N > 0")
  AFL_ALLOW_TMP=1 afl-cmin -i "$d/all" -o "$d/cmin" -t $((tmo * 1000)) -- "$bin" - \
    >"$logs/$t.afl-cmin.log" 2>&1 || echo "   (afl-cmin failed: $logs/$t.afl-cmin.log)" >&2
  row "$t" afl "$execs" "$eps" "$(count_files "$d/cmin")" "$found"
}

# ---- merge ----------------------------------------------------------------------------
# WORK/<target>/corpus: the minimised union of what the engines kept (and of the previous
# corpus, which both engines started from).
merge_target() {
  local t=$1
  local d="$work/$t" new="$work/$t/corpus.new"
  rm -rf "$new"
  mkdir -p "$new"
  if use_lf; then
    local dirs=()
    for src in "$d/libfuzzer/min" "$d/afl/cmin"; do [[ -d "$src" ]] && dirs+=("$src"); done
    "$root/build/fuzz-libfuzzer/fuzz/fuzz_$t" -merge=1 -timeout="$tmo" "${lf_opts[@]}" \
      -artifact_prefix="$d/libfuzzer/artifacts/" "$new" "${dirs[@]}" \
      >"$logs/$t.merge.log" 2>&1 || echo "   (merge exited non-zero: $logs/$t.merge.log)" >&2
  elif [[ -d "$d/afl/cmin" ]]; then
    cp -r "$d/afl/cmin/." "$new/"
  fi
  if [[ -n "$(ls -A "$new")" ]]; then
    rm -rf "$d/corpus"
    mv "$new" "$d/corpus"
  else
    rm -rf "$new" # keep the old corpus rather than an empty one
  fi
}

# ---- the run --------------------------------------------------------------------------
note "targets: ${targets[*]}; engine $engine; ${budget}s each; $jobs job(s); work $work"
for t in "${targets[@]}"; do
  target_inputs "$t"
  mkdir -p "$work/$t"
  if use_lf; then run_libfuzzer "$t"; fi
  if use_afl; then run_afl "$t"; fi
  if [[ $smoke -eq 0 ]]; then
    merge_target "$t"
    echo "   merged corpus: $(count_files "$work/$t/corpus") inputs in $work/$t/corpus"
  fi
done

# ---- coverage -------------------------------------------------------------------------
if [[ $coverage -eq 1 ]]; then
  note "coverage (fuzz-coverage build, llvm-cov)"
  cov="$work/coverage"
  mkdir -p "$cov"
  objects=()
  for t in "${targets[@]}"; do
    bin="$root/build/fuzz-coverage/fuzz/fuzz_$t"
    [[ -d "$work/$t/corpus" ]] || { echo "   $t: no corpus to replay"; continue; }
    LLVM_PROFILE_FILE="$cov/$t-%p.profraw" "$bin" "$work/$t/corpus" >"$logs/$t.coverage.log" 2>&1 \
      || echo "   $t: the replay exited non-zero (coverage of the inputs before it is kept): $logs/$t.coverage.log" >&2
    ls "$cov/$t"-*.profraw >/dev/null 2>&1 || continue
    llvm-profdata-14 merge -sparse "$cov/$t"-*.profraw -o "$cov/$t.profdata"
    llvm-cov-14 report "$bin" -instr-profile="$cov/$t.profdata" -ignore-filename-regex='^/usr/' \
      >"$cov/$t.txt"
    objects+=("$bin")
    awk -v t="$t" '$1 == "TOTAL" { printf "   %-10s regions %s  functions %s  lines %s  branches %s\n", t, $4, $7, $10, $13 }' "$cov/$t.txt"
  done
  if [[ ${#objects[@]} -gt 0 ]]; then
    llvm-profdata-14 merge -sparse "$cov"/*.profraw -o "$cov/all.profdata"
    obj_args=("${objects[0]}")
    for o in "${objects[@]:1}"; do obj_args+=(-object "$o"); done
    llvm-cov-14 report "${obj_args[@]}" -instr-profile="$cov/all.profdata" \
      -ignore-filename-regex='^/usr/' >"$cov/summary.txt"
    llvm-cov-14 export -summary-only "${obj_args[@]}" -instr-profile="$cov/all.profdata" \
      -ignore-filename-regex='^/usr/' >"$cov/summary.json"
    rm -f "$cov"/*.profraw
    awk '$1 == "TOTAL" { printf "   %-10s regions %s  functions %s  lines %s  branches %s\n", "all", $4, $7, $10, $13 }' "$cov/summary.txt"
    echo "   report: $cov/summary.txt, JSON totals: $cov/summary.json"
  fi
fi

# ---- the table ------------------------------------------------------------------------
{
  printf '%-10s %-10s %14s %10s %8s %8s\n' target engine execs exec/s corpus crashes
  printf '%s\n' "${rows[@]}"
} | tee "$work/summary.txt"
if [[ $failed -ne 0 ]]; then
  echo "nightly: FAILED — findings in $work/crashes/ (replay one: build/default/fuzz/fuzz_<target> FILE," \
       "or the fuzz-libfuzzer build for sanitizer reports)" >&2
  exit 1
fi
echo "nightly: no crash, leak, timeout or hang"
