#!/usr/bin/env bash
# tests/faults.sh — fault injection as routine: the Nth allocation and the Nth write to a
# file fail (once, and from there on) at points spread over a whole run, for a conformance
# run of two vendors, a device fuzzing run that writes reproducers, `report --from`,
# `parse` and `grammar lint`; every run must end by exit() (0, 1 or 4 with the reason said),
# with its files whole or absent and no temporary file left (tests/faults/sweep.py judges;
# tests/faults/inject.c injects).
# Usage: tests/faults.sh PATH/TO/otacheck PATH/TO/libotacheck_inject.so [POINTS]
set -u
ot=$1
inject=$2
points=${3:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
sweep() { python3 tests/faults/sweep.py --ot "$ot" --inject "$inject" --points "$points" "$@" || fails=$((fails + 1)); }

sweep --name "conform fibocom" -- conform --vendor fibocom --report-dir {dir} --quiet
sweep --name "conform quectel" -- conform --vendor quectel --report-dir {dir} --quiet
sweep --name "fuzz simcom" --no-reports -- fuzz --vendor simcom --target sim:simcom,fault=secret-echo+double-final+accept-invalid+malformed-response \
  --cases 40 --max-runs 5 --out {dir} --quiet
"$ot" conform --vendor airm2m --report-dir "$tmp/run" --quiet >/dev/null
sweep --name "report --from" -- report --from "$tmp/run/results.jsonl" --report-dir {dir}
sweep --name "parse" --no-reports -- parse tests/captures/fibocom-deviations.log --vendor fibocom
sweep --name "grammar lint" --no-reports -- grammar lint

if [[ $fails -ne 0 ]]; then
  echo "$fails sweep(s) failed"
  exit 1
fi
echo "all fault sweeps passed"
