#!/usr/bin/env bash
# Fetches Debian's lava-dispatcher and lava-common packages and unpacks them (dpkg-deb -x,
# nothing installed, no maintainer script run) into a cache directory, for tests/lava.sh:
# the LAVA signals otacheck prints are checked with the dispatcher's own patterns and
# parsers. Installing lava-dispatcher itself would pull in systemd-sysv, libguestfs and
# QEMU; its Python modules need only python3-pexpect, python3-requests and python3-yaml
# (installed by scripts/setup-debian.sh). Does nothing when the cache holds them already.
# Usage: scripts/fetch-lava.sh [DIR]   (default $OTACHECK_LAVA_DIR, else /var/cache/otacheck/lava)
# Prints the directory to put on PYTHONPATH.
set -euo pipefail
dir=${1:-${OTACHECK_LAVA_DIR:-/var/cache/otacheck/lava}}
site="$dir/root/usr/lib/python3/dist-packages"
if [[ -f "$site/lava_dispatcher/actions/test/shell.py" && -f "$site/lava_common/schemas/test/testdef.py" ]]; then
  echo "$site"
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]] && ! mkdir -p "$dir" 2>/dev/null; then
  sudo="sudo"
fi
$sudo mkdir -p "$dir/debs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
# apt's package lists may be empty on a fresh machine: read them once, then try again
if ! (cd "$tmp" && apt-get -q download lava-dispatcher lava-common >&2); then
  $sudo apt-get update -qq >&2
  (cd "$tmp" && apt-get -q download lava-dispatcher lava-common >&2)
fi
for deb in "$tmp"/*.deb; do
  $sudo cp "$deb" "$dir/debs/"
  $sudo dpkg-deb -x "$deb" "$dir/root"
done
echo "$site"
