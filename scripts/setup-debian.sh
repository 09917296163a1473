#!/usr/bin/env bash
# Installs the Debian packages otacheck needs, and only those that are missing.
# Runs apt-get (through sudo when not root) once, and not at all when nothing is missing.
# Usage: scripts/setup-debian.sh [--check]   (--check: list what is missing, install nothing)
set -euo pipefail

# One list, one place. Each package is here for a named reason (see README, "Dependencies").
packages=(
  build-essential      # gcc, make
  cmake                # build system
  pkg-config           # finds every library below
  libcunit1-dev        # CUnit: test registry and runner
  libserialport-dev    # real serial ports
  libjansson-dev       # JSON writing/reading (grammar dump, reports)
  libssl-dev           # libcrypto: MD5 and SHA-256 of OTA images
  zlib1g-dev           # zlib: CRC-32 of OTA images
  libinih-dev          # inih: the capability file (INI)
  ser2net              # the tcp: target's test: a real ser2net exporting a pty
  libtelnet-dev        # libtelnet: the rfc2217: target's Telnet (RFC 854/2217)
  libxml2-utils        # xmllint: tests/test_reports checks that junit.xml is well-formed XML
  valgrind             # memcheck: tests/memcheck.sh (reads of uninitialised memory ASan misses)
  python3              # the independent module of tests/indep/ (standard library only)
  python3-jsonschema   # tests/consumers.sh: results.json and results.jsonl against reports/results.schema.json
  python3-pexpect      # tests/lava.sh: what Debian's lava-dispatcher (unpacked by scripts/fetch-lava.sh) imports
  python3-requests     #   (the same)
  python3-yaml         #   (the same, and the example LAVA test definition read)
  python3-labgrid      # tests/labgrid.sh: examples/labgrid/test_otacheck.py run by labgrid's pytest plugin
  python3-pytest       #   (the same)
  node-tap-parser      # tests/consumers.sh: results.tap through node-tap's parser (prove is perl's, always there)
  clang-14             # the fuzz targets: -fsanitize=fuzzer (libFuzzer), source coverage
  libclang-rt-14-dev   # libFuzzer and the sanitizer runtimes (clang only recommends it)
  llvm-14              # llvm-profdata, llvm-cov: the nightly coverage summary
  afl++                # afl-clang-fast, afl-fuzz: the fuzz-afl preset and the custom mutator
  chromium             # tests/html_browser.sh: report.html loaded, filtered and sorted in a real browser
  libmicrohttpd-dev    # libmicrohttpd: otacheck serve, the OTA server with named faults
  curl                 # tests/serve.sh: real HTTP client for every fault
  libcurl4-openssl-dev # libcurl: the reference module's real downloads (otacheck sim, http:// URLs)
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# Debian's lava-dispatcher, unpacked, not installed (tests/lava.sh; scripts/fetch-lava.sh says why)
here=$(cd "$(dirname "$0")" && pwd)
lava() { [[ "${1:-}" == "--check" ]] || bash "$here/fetch-lava.sh" >/dev/null; }

if [[ ${#missing[@]} -eq 0 ]]; then
  lava "${1:-}"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  printf 'missing: %s\n' "${missing[*]}"
  exit 1
fi

echo "setup: installing missing packages: ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: not root and no sudo; install: ${missing[*]}" >&2; exit 2; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
lava
