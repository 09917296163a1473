#!/usr/bin/env bash
# Every performance figure of the issues, measured the same way each time: builds the
# default preset, generates the inputs from the grammar with fixed seeds, and runs each
# benchmark three times (each run: the median of 15 passes over data held in memory).
# The machine is a shared 2-core VM whose speed varies run to run; the instruction counts
# printed last (valgrind's callgrind) do not, and are the figure to compare changes by.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
B=build/default/otacheck
dir=${BENCH_DIR:-/tmp/otacheck-bench}
mkdir -p "$dir"
$B bench make-stream "$dir/stream.bin" --mb 50 --seed 1
$B bench make-commands "$dir/commands.txt" --lines 2000000 --seed 1
for run in 1 2 3; do
  for chunk in 4096 64; do
    printf 'parse, chunk %-5s run %s: ' "$chunk" "$run"
    $B bench parse "$dir/stream.bin" --chunk "$chunk" --repeat 15 | head -2 | tr '\n' ' '
    echo
  done
  printf 'commands, run %s: ' "$run"
  $B bench commands "$dir/commands.txt" --repeat 15 | head -1
done
printf 'parse, chunk 4096, echoed commands validated too: '
$B bench parse "$dir/stream.bin" --chunk 4096 --repeat 15 --check-echo | head -1
printf 'framer alone, chunk 4096: '
$B bench parse "$dir/stream.bin" --chunk 4096 --repeat 15 --framer-only | head -1
if command -v valgrind >/dev/null; then
  head -c 4000000 "$dir/stream.bin" > "$dir/stream4.bin"
  head -n 100000 "$dir/commands.txt" > "$dir/commands100k.txt"
  : > "$dir/empty.bin"
  count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,; }
  base=$(count $B bench parse "$dir/empty.bin" --repeat 1)
  p=$(count $B bench parse "$dir/stream4.bin" --repeat 1)
  lines=$($B bench parse "$dir/stream4.bin" --repeat 1 | sed -n 's/^tokens: \([0-9]*\).*/\1/p')
  echo "instructions per token (4 MB of the stream): $(( (p - base) / lines ))"
  base=$(count $B bench commands "$dir/empty.bin" --repeat 1)
  c=$(count $B bench commands "$dir/commands100k.txt" --repeat 1)
  echo "instructions per command line: $(( (c - base) / 100000 ))"
fi
