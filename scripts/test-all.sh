#!/usr/bin/env bash
# Quick start, second command: every test. Installs missing Debian packages, builds the
# default preset (gcc, optimised, warnings as errors) and the asan preset (ASan+UBSan), runs
# every CUnit test under both through CTest (the fuzz targets' seeds and regression inputs
# replay under both), lints the embedded grammars, and runs every fuzz target for a short
# smoke under libFuzzer with ASan+UBSan (fuzz/nightly.sh --smoke).
# CTest's JUnit output goes to build/<preset>/ctest-junit.xml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
jobs=$(nproc 2>/dev/null || echo 2)
for preset in default asan; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "== $preset: tests"
  ctest --preset "$preset" -j"$jobs" --output-junit ctest-junit.xml
done
echo "== grammar lint (embedded grammars)"
build/default/otacheck grammar lint --werror
echo "== fuzz smoke: each target 10 s under libFuzzer (ASan+UBSan)"
fuzz/nightly.sh --smoke --budget 10 --jobs "$jobs" --work build/fuzz-smoke
echo "== all tests passed"
