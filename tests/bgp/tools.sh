#!/usr/bin/env bash
# Debian 12's FRR (zebra, bgpd, bfdd, vtysh, frr-reload.py), unpacked
# (apt-get download + dpkg -x, nothing installed) into a cache keyed by the
# versions, for tests/bgp. Prints the directory to use as LVS_FRR_ROOT.
set -euo pipefail
packages=(frr frr-pythontools libyang2 libc-ares2)
versions=$(apt-cache policy "${packages[@]}" 2>/dev/null | awk '/Candidate:/ {print $2}' | md5sum | cut -c1-12)
root=${XDG_CACHE_HOME:-$HOME/.cache}/lvs-cluster/frr-$versions
if [ ! -x "$root/usr/lib/frr/bgpd" ] || [ ! -x "$root/usr/bin/vtysh" ]; then
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download -q "${packages[@]}" >&2 2>/dev/null) || {
    apt-get update -q >&2 && (cd "$debs" && apt-get download -q "${packages[@]}" >&2)
  }
  mkdir -p "$root"
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$root"; done
  rm -rf "$debs"
fi
echo "$root"
