#!/usr/bin/env bash
# The real tools the hostile-values test runs: Debian 12's keepalived, nft and
# exportfs, unpacked (apt-get download + dpkg -x, nothing installed) into a
# cache keyed by their versions. Prints the directory to use as
# LVS_HOSTILE_ROOT. Needs apt (Debian 12).
set -euo pipefail
packages=(keepalived nftables libnftables1 libnftnl11 libmnl0 libjansson4 libxtables12
          libnl-3-200 libnl-genl-3-200 libnl-route-3-200 libsnmp40 libsensors5 libpci3 libwrap0
          nfs-kernel-server libnfsidmap1)
versions=$(apt-cache policy "${packages[@]}" 2>/dev/null | awk '/Candidate:/ {print $2}' | md5sum | cut -c1-12)
root=${XDG_CACHE_HOME:-$HOME/.cache}/lvs-cluster/hostile-tools-$versions
if [ ! -x "$root/usr/sbin/keepalived" ] || [ ! -x "$root/usr/sbin/nft" ] || [ ! -x "$root/usr/sbin/exportfs" ]; then
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download -q "${packages[@]}" >&2 2>/dev/null) || {
    apt-get update -q >&2 && (cd "$debs" && apt-get download -q "${packages[@]}" >&2)
  }
  mkdir -p "$root"
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$root"; done
  rm -rf "$debs"
fi
echo "$root"
