#!/usr/bin/env bash
# Quick start, second command: every test. Installs missing Debian packages, builds the
# default preset (gcc, optimised, warnings as errors) and the asan preset (ASan+UBSan), runs
# every CUnit test under both through CTest, and lints the embedded grammars.
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
echo "== all tests passed"
