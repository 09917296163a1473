#!/usr/bin/env bash
# tests/corpus_in_step.sh — the checked-in fuzzing dictionaries, options and generated seeds
# (corpus/) are what the grammar gives today: regenerate them and compare. Regression
# inputs (corpus/<target>/r-*) are kept by hand and not compared; each must still replay
# through its target without breaking an oracle (the reproducer builds of fuzz_<target>).
# Usage: corpus_in_step.sh OTACHECK SOURCE_DIR FUZZ_BIN_DIR
set -euo pipefail
ot=$1 src=$2 bin=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ot" grammar corpus --out "$tmp/corpus" 2>/dev/null
if ! diff -r -q -x 'r-*' "$tmp/corpus" "$src/corpus" >"$tmp/diff"; then
  cat "$tmp/diff"
  echo "FAIL: corpus/ is stale; regenerate it: cmake --build --preset default --target fuzz-seeds"
  exit 1
fi
n=0
for t in "$src"/corpus/*/; do
  t=$(basename "$t")
  [[ -x "$bin/fuzz_$t" ]] || { echo "FAIL: no reproducer build fuzz_$t"; exit 1; }
  # every seed and every regression input of the target, through its oracles
  "$bin/fuzz_$t" "$src/corpus/$t" 2>"$tmp/log" || { cat "$tmp/log"; echo "FAIL: fuzz_$t on corpus/$t"; exit 1; }
  n=$((n+1))
done
[[ $n -ge 6 ]] || { echo "FAIL: only $n targets have a corpus"; exit 1; }
echo "corpus in step with the grammar; $n targets replay their seeds and regressions cleanly"
