#!/usr/bin/env bash
# Quick start, first command: the main job. Installs missing Debian packages, builds
# otacheck, checks the grammars of all five vendors and replays their documented examples
# through the reference parser, and writes the results under otacheck-report/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc 2>/dev/null || echo 2)"
out=otacheck-report
mkdir -p "$out"
status=0
build/default/otacheck grammar lint | tee "$out/grammar-lint.txt" || status=$?
build/default/otacheck grammar examples > "$out/grammar-examples.txt" || status=$?
tail -n 1 "$out/grammar-examples.txt"
echo "written: $out/grammar-lint.txt $out/grammar-examples.txt"
exit "$status"
