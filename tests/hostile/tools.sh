#!/usr/bin/env bash
# The real tools the hostile-values test runs: Debian 12's keepalived, nft and exportfs
# (tools/debian-unpack). Prints the directory to use as LVS_HOSTILE_ROOT.
exec "$(dirname "$0")/../../tools/debian-unpack" hostile-tools \
  keepalived nftables libnftables1 libnftnl11 libmnl0 libjansson4 libxtables12 \
  libnl-3-200 libnl-genl-3-200 libnl-route-3-200 libsnmp40 libsensors5 libpci3 libwrap0 \
  nfs-kernel-server libnfsidmap1
