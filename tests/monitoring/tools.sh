#!/usr/bin/env bash
# promtool from Debian 12's prometheus package, unpacked (apt-get download +
# dpkg -x, nothing installed) into a cache keyed by its version. Prints the
# path of promtool. Needs apt (Debian 12).
set -euo pipefail
version=$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2}')
root=${XDG_CACHE_HOME:-$HOME/.cache}/lvs-cluster/prometheus-${version//:/_}
if [ ! -x "$root/usr/bin/promtool" ]; then
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download -q prometheus >&2 2>/dev/null) || {
    apt-get update -q >&2 && (cd "$debs" && apt-get download -q prometheus >&2)
  }
  mkdir -p "$root"
  dpkg -x "$debs"/prometheus_*.deb "$root"
  rm -rf "$debs"
fi
echo "$root/usr/bin/promtool"
