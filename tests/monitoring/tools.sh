#!/usr/bin/env bash
# promtool from Debian 12's prometheus package (tools/debian-unpack). Prints its path.
set -euo pipefail
root=$("$(dirname "$0")/../../tools/debian-unpack" prometheus prometheus)
echo "$root/usr/bin/promtool"
